package autodiscover

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/exchangekit/outlook/internal/transport"
)

// jsonPath is the Autodiscover v2 path; the lower-case spelling is the one
// Microsoft's captures use.
const jsonPath = "/autodiscover/autodiscover.json"

// pathURL is the path form: /autodiscover/autodiscover.json/v1.0/{smtp}?Protocol=EWS.
func pathURL(host, addr string) *url.URL {
	return &url.URL{
		Scheme:   "https",
		Host:     host,
		Path:     jsonPath + "/v1.0/" + addr,
		RawPath:  jsonPath + "/v1.0/" + url.PathEscape(addr),
		RawQuery: "Protocol=" + protocolEWS,
	}
}

// queryURL is the query form: /autodiscover/autodiscover.json?Email={smtp}&Protocol=EWS&RedirectCount=1,
// as Outlook sends it.
func queryURL(host, addr string) *url.URL {
	return &url.URL{
		Scheme:   "https",
		Host:     host,
		Path:     jsonPath,
		RawQuery: "Email=" + url.QueryEscape(addr) + "&Protocol=" + protocolEWS + "&RedirectCount=1",
	}
}

// withProtocol returns u asking for protocol instead: its Protocol query
// value replaced, the other values as they were, in their order.
func withProtocol(u *url.URL, protocol string) *url.URL {
	cp := *u
	parts := strings.Split(u.RawQuery, "&")
	found := false
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		if strings.EqualFold(k, "Protocol") {
			parts[i] = k + "=" + protocol
			found = true
		}
	}
	if !found {
		parts = append(parts, "Protocol="+protocol)
	}
	cp.RawQuery = strings.TrimPrefix(strings.Join(parts, "&"), "&")
	return &cp
}

// host asks one Autodiscover host: the path form first, then, if the host
// says it has no such resource (404, 405), the query form, which some
// servers alone understand. redirects counts the hops already taken.
func (d *discovery) host(ctx context.Context, c Candidate, host string, redirects int) outcome {
	o, missing := d.chain(ctx, c, pathURL(host, d.addr), redirects, protocolEWS)
	if o.ok || o.stop || !missing || ctx.Err() != nil {
		return o
	}
	o2, _ := d.chain(ctx, c, queryURL(host, d.addr), redirects, protocolEWS)
	o2.attempts = append(o.attempts, o2.attempts...)
	return o2
}

// chain requests u, which asks for protocol, and follows its redirects,
// checking each. It reports whether the first request found no
// Autodiscover resource at all.
func (d *discovery) chain(ctx context.Context, c Candidate, u *url.URL, redirects int, protocol string) (o outcome, missing bool) {
	visited := make(map[string]bool)
	for first := true; ; first = false {
		k := loopKey(u)
		if visited[k] {
			// Not a policy matter: Exchange Online answers an unknown address
			// by redirecting to itself, so a loop is how "no such mailbox" looks.
			o.attempts = append(o.attempts, Attempt{Candidate: c, URL: u.String(), Err: fmt.Errorf("%w: the redirects came back to this URL", errRedirectLoop)})
			return o, false
		}
		visited[k] = true
		res, err := d.get(ctx, u)
		a := Attempt{Candidate: c, URL: u.String(), Status: res.status}
		d.r.logger.DebugContext(ctx, "autodiscover: request", "candidate", c.String(), "url", a.URL, "status", res.status, "error", err)
		switch {
		case err != nil:
			a.Err = err
			o.attempts = append(o.attempts, a)
			return o, false
		case isRedirect(res.status):
			if res.location == "" {
				a.Err = fmt.Errorf("autodiscover: redirect %d without Location", res.status)
				o.attempts = append(o.attempts, a)
				return o, false
			}
			next, perr := u.Parse(res.location)
			if perr != nil {
				a.Err = fmt.Errorf("autodiscover: bad Location %q: %w", truncate(res.location, 200), perr)
				o.attempts = append(o.attempts, a)
				return o, false
			}
			a.Location = next.String()
			o.attempts = append(o.attempts, a)
			if redirects >= MaxRedirects {
				o.attempts = append(o.attempts, refused(c, next, fmt.Errorf("%w: more than %d redirects", ErrRefused, MaxRedirects)))
				return o, false
			}
			if err := d.check(ctx, next); err != nil {
				o.attempts = append(o.attempts, refused(c, next, err))
				return o, false
			}
			redirects++
			u = next
		case res.status == http.StatusOK:
			ep, err := d.endpoint(ctx, c, u, redirects, res, protocol)
			if err != nil {
				a.Err = err
				a.Refused = errors.Is(err, ErrRefused)
				o.attempts = append(o.attempts, a)
				return o, false
			}
			o.attempts = append(o.attempts, a)
			if protocol == protocolEWS && ep.Location == LocationOnPremises && d.r.onPremAPI == APIOutlookV2 {
				return d.withREST(ctx, c, u, redirects, ep, o.attempts), false
			}
			return outcome{ep: ep, attempts: o.attempts, ok: true}, false
		default:
			a.Err = statusError(res)
			o.attempts = append(o.attempts, a)
			return o, first && (res.status == http.StatusNotFound || res.status == http.StatusMethodNotAllowed)
		}
	}
}

func refused(c Candidate, u *url.URL, err error) Attempt {
	return Attempt{Candidate: c, URL: u.String(), Refused: true, Err: err}
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func statusError(res fetched) error {
	if code := errorCode(res.body); code != "" {
		return fmt.Errorf("autodiscover: status %d (%s)", res.status, code)
	}
	return fmt.Errorf("autodiscover: status %d", res.status)
}

// loopKey identifies a URL for loop detection: servers bump RedirectCount on
// every hop, so a URL that differs only there is the same place again.
func loopKey(u *url.URL) string {
	q := u.Query()
	for k := range q {
		if strings.EqualFold(k, "RedirectCount") {
			delete(q, k)
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.ToLower(u.EscapedPath()) + "?" + q.Encode()
}

// check applies the safety rules to a redirect target or endpoint: https,
// no credentials in the URL, and a trusted host (Microsoft's, the mailbox's
// own domain and its subdomains, the allowed hosts) or the hook's approval.
func (d *discovery) check(ctx context.Context, u *url.URL) error {
	if u.Scheme != "https" {
		return fmt.Errorf("%w: %s is not https", ErrRefused, u.Redacted())
	}
	if u.User != nil {
		return fmt.Errorf("%w: %s carries credentials", ErrRefused, u.Redacted())
	}
	host := canonicalHost(u.Hostname())
	switch {
	case host == "":
		return fmt.Errorf("%w: %s has no host", ErrRefused, u.Redacted())
	case d.r.cloud.IsMicrosoftHost(host), host == d.domain, strings.HasSuffix(host, "."+d.domain), d.r.allowed[host]:
		return nil
	case d.r.approve != nil:
		cp := *u
		if d.r.approve(ctx, d.addr, &cp) {
			d.r.logger.DebugContext(ctx, "autodiscover: host approved by hook", "mailbox", d.addr, "host", host)
			return nil
		}
		return fmt.Errorf("%w: host %s was not approved", ErrRefused, host)
	}
	for _, other := range []Cloud{Global, USGovL4, USGovL5, China} {
		if other.Name != d.r.cloud.Name && other.IsMicrosoftHost(host) {
			return fmt.Errorf("%w: host %s belongs to the %s cloud, not %s (select it with WithCloud)", ErrRefused, host, other.Name, d.r.cloud.Name)
		}
	}
	return fmt.Errorf("%w: host %s is neither Microsoft's nor in %s (allow it with WithAllowedHosts or WithApprove)", ErrRefused, host, d.domain)
}

// withREST asks the Autodiscover URL from, which named ep's EWS URL, for the
// mailbox's REST v2.0 URL too, and returns ep serving REST v2.0. When no
// REST URL comes back the discovery stops: the mailbox's server is found,
// and every other candidate would lead to it again.
func (d *discovery) withREST(ctx context.Context, c Candidate, from *url.URL, redirects int, ep Endpoint, attempts []Attempt) outcome {
	ro, _ := d.chain(ctx, c, withProtocol(from, protocolRest), redirects, protocolRest)
	attempts = append(attempts, ro.attempts...)
	if !ro.ok {
		if n := len(attempts) - 1; n >= 0 && attempts[n].Err != nil {
			attempts[n].Err = &notNamedError{what: "REST v2.0", err: attempts[n].Err}
		}
		return outcome{attempts: attempts, stop: ctx.Err() == nil}
	}
	ep.URL, ep.API, ep.Resource, ep.RESTURL = ro.ep.URL, APIOutlookV2, ro.ep.Resource, ro.ep.URL
	return outcome{ep: ep, attempts: attempts, ok: true}
}

// notNamedError is the failure of the request that was to name the API
// asked for; it matches ErrAPINotNamed and what the request met.
type notNamedError struct {
	what string
	err  error
}

func (e *notNamedError) Error() string {
	return "autodiscover: no " + e.what + " URL: " + strings.TrimPrefix(e.err.Error(), "autodiscover: ")
}

func (e *notNamedError) Unwrap() []error { return []error{ErrAPINotNamed, e.err} }

// endpoint turns a 200 answer to a question for protocol into an Endpoint:
// the body must be JSON naming an https URL on a trusted host. For EWS, an
// Exchange Online (or any Microsoft) host means a cloud mailbox, always
// served by Graph, and any other host an on-premises one served by EWS at
// that URL. For REST, only an on-premises URL is an answer: Exchange
// Online's REST v2.0 is decommissioned.
func (d *discovery) endpoint(ctx context.Context, c Candidate, from *url.URL, redirects int, res fetched, protocol string) (Endpoint, error) {
	if err := checkJSONType(res.contentType); err != nil {
		return Endpoint{}, err
	}
	resp, err := parseResponse(res.body, protocol)
	if err != nil {
		return Endpoint{}, err
	}
	u, err := url.Parse(resp.URL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return Endpoint{}, fmt.Errorf("%w: Url %q is not an absolute URL", errMalformed, truncate(resp.URL, 200))
	}
	if err := d.check(ctx, u); err != nil {
		return Endpoint{}, err
	}
	ep := Endpoint{
		Mailbox: d.addr,
		Source:  Source{Candidate: c, URL: from.String(), Redirects: redirects},
	}
	microsoft := d.r.cloud.IsMicrosoftHost(u.Hostname())
	switch {
	case microsoft && protocol == protocolRest:
		return Endpoint{}, fmt.Errorf("%w: the REST answer %s is an Exchange Online URL, whose REST v2.0 API is decommissioned", errMalformed, u.Redacted())
	case microsoft:
		ep.URL = strings.TrimSuffix(d.r.cloud.GraphURL, "/") + "/v1.0"
		ep.Resource = strings.TrimSuffix(d.r.cloud.GraphURL, "/")
		ep.API = APIGraph
		ep.Location = LocationExchangeOnline
		return ep, nil
	}
	origin := "https://" + strings.ToLower(strings.TrimSuffix(u.Host, ":443"))
	ep.Resource = origin
	ep.Location = LocationOnPremises
	if protocol == protocolEWS {
		ep.URL = origin + strings.TrimRight(u.EscapedPath(), "/")
		ep.API = APIEWS
		ep.EWSURL = ep.URL
		return ep, nil
	}
	base := strings.TrimRight(u.EscapedPath(), "/")
	if !strings.HasSuffix(strings.ToLower(base), "/v2.0") {
		base += "/v2.0"
	}
	ep.URL = origin + base
	ep.API = APIOutlookV2
	ep.RESTURL = ep.URL
	return ep, nil
}

// httpRedirect is the one plain-http request: GET
// http://autodiscover.<domain>/autodiscover/autodiscover.xml, whose only use
// is the https Location it redirects to. That host is then asked like any.
func (d *discovery) httpRedirect(ctx context.Context) outcome {
	const c = CandidateHTTPRedirect
	var o outcome
	u := &url.URL{Scheme: "http", Host: "autodiscover." + d.domain, Path: "/autodiscover/autodiscover.xml"}
	res, err := d.get(ctx, u)
	a := Attempt{Candidate: c, URL: u.String(), Status: res.status, Err: err}
	d.r.logger.DebugContext(ctx, "autodiscover: http redirect probe", "url", a.URL, "status", res.status, "error", err)
	if err == nil && !isRedirect(res.status) {
		a.Err = fmt.Errorf("autodiscover: status %d, not a redirect", res.status)
	}
	if a.Err != nil {
		o.attempts = append(o.attempts, a)
		return o
	}
	next, err := u.Parse(res.location)
	if err != nil || res.location == "" {
		a.Err = fmt.Errorf("autodiscover: bad Location %q", truncate(res.location, 200))
		o.attempts = append(o.attempts, a)
		return o
	}
	a.Location = next.String()
	o.attempts = append(o.attempts, a)
	if err := d.check(ctx, next); err != nil {
		o.attempts = append(o.attempts, refused(c, next, err))
		return o
	}
	var more outcome
	if strings.HasPrefix(strings.ToLower(next.Path), jsonPath) {
		// Already an Autodiscover v2 URL: ask it as given, for EWS.
		more, _ = d.chain(ctx, c, withProtocol(next, protocolEWS), 1, protocolEWS)
	} else {
		more = d.host(ctx, c, next.Host, 1) // a classic (.xml) URL: ask its host the v2 way
	}
	more.attempts = append(o.attempts, more.attempts...)
	return more
}

// srv asks the targets of _autodiscover._tcp.<domain> on port 443, best
// priority first and, within one, heaviest weight first.
func (d *discovery) srv(ctx context.Context) outcome {
	const c = CandidateSRV
	var o outcome
	name := "_autodiscover._tcp." + d.domain
	_, recs, err := d.r.lookupSRV(ctx, "autodiscover", "tcp", d.domain)
	if err != nil {
		o.attempts = append(o.attempts, Attempt{Candidate: c, URL: "dns:" + name, Err: fmt.Errorf("autodiscover: SRV lookup: %w", err)})
		return o
	}
	var usable []srvTarget
	for _, s := range recs {
		if s != nil && s.Port == 443 && s.Target != "" && s.Target != "." {
			usable = append(usable, srvTarget{host: strings.TrimSuffix(s.Target, "."), priority: s.Priority, weight: s.Weight})
		}
	}
	slices.SortStableFunc(usable, func(a, b srvTarget) int {
		return cmp.Or(cmp.Compare(a.priority, b.priority), cmp.Compare(b.weight, a.weight))
	})
	if len(usable) == 0 {
		o.attempts = append(o.attempts, Attempt{Candidate: c, URL: "dns:" + name, Err: errors.New("autodiscover: no SRV record on port 443")})
		return o
	}
	for _, t := range usable {
		u := pathURL(t.host, d.addr)
		if err := d.check(ctx, u); err != nil {
			o.attempts = append(o.attempts, refused(c, u, err))
			continue
		}
		more := d.host(ctx, c, t.host, 0)
		o.attempts = append(o.attempts, more.attempts...)
		if more.ok || more.stop {
			more.attempts = o.attempts
			return more
		}
		if ctx.Err() != nil {
			break
		}
	}
	return o
}

type srvTarget struct {
	host             string
	priority, weight uint16
}

// fetched is one HTTP answer, its body read up to the limit.
type fetched struct {
	status      int
	location    string
	contentType string
	retryAfter  string
	body        []byte
}

// get sends an anonymous GET (no Authorization, no cookies), each attempt
// bounded by the request timeout, and reads at most maxResponseBody bytes
// of the answer. A throttled or unavailable answer, or a connection broken
// after it was made, is asked again under the retry policy, whose
// MaxAttempts-1 retries are shared by the whole discovery: a domain whose
// every candidate is down costs a few retries, not a few per candidate.
func (d *discovery) get(ctx context.Context, u *url.URL) (fetched, error) {
	r := d.r
	for attempt := 1; ; attempt++ {
		f, err := r.getOnce(ctx, u)
		wait, again := r.retryWait(ctx, attempt, f, err)
		if !again || d.retries.Add(1) > int32(r.retry.MaxAttempts-1) {
			return f, err
		}
		r.logger.WarnContext(ctx, "autodiscover: retrying", "url", transport.RedactURLString(u.String(), true),
			"attempt", attempt, "status", f.status, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return f, err
		case <-t.C:
		}
	}
}

// retryWait decides whether an attempt's outcome is worth another attempt
// and how long to wait first.
func (r *Resolver) retryWait(ctx context.Context, attempt int, f fetched, err error) (time.Duration, bool) {
	p := r.retry
	if attempt >= p.MaxAttempts || ctx.Err() != nil {
		return 0, false
	}
	var wait time.Duration
	switch {
	case err != nil:
		// A connection that could not be made, a request that timed out or
		// an answer refused for what it is: the next candidate, not again.
		var ne net.Error
		if transport.IsDialError(err) || errors.Is(err, ErrTimeout) || errors.As(err, &ne) && ne.Timeout() ||
			errors.Is(err, errMalformed) {
			return 0, false
		}
	case f.status == http.StatusTooManyRequests, f.status == http.StatusServiceUnavailable,
		f.status == http.StatusInternalServerError, f.status == http.StatusBadGateway, f.status == http.StatusGatewayTimeout:
		if after, ok := transport.ParseRetryAfter(f.retryAfter, r.now()); ok && after > 0 {
			if after > p.MaxRetryAfter {
				return 0, false
			}
			wait = after
		}
	default:
		return 0, false
	}
	if wait == 0 {
		wait = transport.Backoff(p.MinBackoff, p.MaxBackoff, attempt)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
		return 0, false
	}
	return wait, true
}

// getOnce is one attempt of get.
func (r *Resolver) getOnce(ctx context.Context, u *url.URL) (fetched, error) {
	rctx, cancel := context.WithTimeout(ctx, r.reqTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fetched{}, fmt.Errorf("autodiscover: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return fetched{}, r.timeoutError(ctx, rctx, err)
	}
	defer resp.Body.Close()
	f := fetched{status: resp.StatusCode, location: resp.Header.Get("Location"), contentType: resp.Header.Get("Content-Type"),
		retryAfter: resp.Header.Get("Retry-After")}
	f.body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return f, r.timeoutError(ctx, rctx, fmt.Errorf("reading the body: %w", err))
	}
	if len(f.body) > maxResponseBody {
		return f, fmt.Errorf("%w: body larger than %d bytes", errMalformed, maxResponseBody)
	}
	return f, nil
}

// timeoutError wraps err with ErrTimeout when a deadline (the request's or
// the caller's) ended it.
func (r *Resolver) timeoutError(ctx, rctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w after %v: %w", ErrTimeout, r.reqTimeout, err)
	}
	return fmt.Errorf("autodiscover: %w", err)
}
