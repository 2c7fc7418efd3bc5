package autodiscover

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/exchangekit/outlook/internal/transport"
)

// Sentinels to branch on with [errors.Is]. A [*Error] matches ErrNoEndpoint
// always, and ErrRefused or ErrTimeout when one of its attempts was refused or
// timed out.
var (
	// ErrNoEndpoint means no candidate produced a usable endpoint.
	ErrNoEndpoint = errors.New("autodiscover: no endpoint found")
	// ErrRefused means a redirect or an answer broke a safety rule (a host
	// outside the trusted set, plain http, credentials in the URL, more than
	// MaxRedirects redirects) and was not followed. A redirect loop is not a
	// refusal: it is how Exchange Online says it does not know an address.
	ErrRefused = errors.New("autodiscover: refused by policy")
	// ErrTimeout means a request or the whole resolution ran out of time.
	ErrTimeout = errors.New("autodiscover: timed out")
	// ErrInvalidAddress means the SMTP address given to Resolve or Invalidate
	// is malformed; no request was sent.
	ErrInvalidAddress = errors.New("autodiscover: invalid address")
	// ErrModernAuthNotConfigured means the endpoint sent no usable Bearer
	// challenge: OAuth (hybrid modern auth, for an on-premises server) is not
	// enabled there, so no token can be obtained for it.
	ErrModernAuthNotConfigured = errors.New("autodiscover: modern auth is not configured")
	// ErrAPINotNamed means Autodiscover located the mailbox on an
	// on-premises server but named no URL for the API the resolver was
	// asked for (REST v2.0, see WithOnPremisesAPI): the server no longer
	// serves it, or its Autodiscover does not say so. The mailbox's EWS URL
	// was named.
	ErrAPINotNamed = errors.New("autodiscover: no URL for the API asked for")
)

// errRedirectLoop marks an attempt that came back to a URL already asked:
// how Exchange Online says it does not know an address.
var errRedirectLoop = errors.New("autodiscover: redirect loop")

// Candidate names a way of finding the Autodiscover service, in the order
// they are tried.
type Candidate uint8

// The candidates, in priority order.
const (
	// CandidateExchangeOnline is the cloud's own Autodiscover host, asked first:
	// it answers cloud mailboxes and redirects hybrid ones.
	CandidateExchangeOnline Candidate = iota + 1
	// CandidateDomain is https://<domain>/autodiscover/autodiscover.json.
	CandidateDomain
	// CandidateAutodiscoverHost is https://autodiscover.<domain>/autodiscover/autodiscover.json.
	CandidateAutodiscoverHost
	// CandidateHTTPRedirect is the plain-http probe of autodiscover.<domain>
	// whose https redirect names the Autodiscover host.
	CandidateHTTPRedirect
	// CandidateSRV is the target of the DNS SRV record _autodiscover._tcp.<domain>.
	CandidateSRV
)

// String returns a short lower-case name, for logs.
func (c Candidate) String() string {
	switch c {
	case CandidateExchangeOnline:
		return "exchange-online"
	case CandidateDomain:
		return "domain"
	case CandidateAutodiscoverHost:
		return "autodiscover-host"
	case CandidateHTTPRedirect:
		return "http-redirect"
	case CandidateSRV:
		return "srv"
	default:
		return fmt.Sprintf("candidate(%d)", uint8(c))
	}
}

// Attempt is one request made (or refused) while resolving a mailbox.
type Attempt struct {
	// Candidate is the way of discovery this request belongs to.
	Candidate Candidate
	// URL is the URL requested, or the redirect target that was refused.
	URL string
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	// Location is the redirect target the response named, if any.
	Location string
	// Refused is true when the policy stopped this step (the error wraps ErrRefused).
	Refused bool
	// Err says what went wrong; nil for a redirect that was followed.
	Err error
}

// passing reports whether the discovery failed for a reason that passes:
// a server throttling or unavailable (429, 5xx), or a request that timed
// out. Such a failure is not cached: the next call asks again.
func (e *Error) passing() bool {
	for _, a := range e.Attempts {
		var ne net.Error
		if a.Status == http.StatusTooManyRequests || a.Status >= 500 ||
			errors.Is(a.Err, ErrTimeout) || errors.As(a.Err, &ne) && ne.Timeout() {
			return true
		}
	}
	return false
}

// String describes the attempt in one line, for logs and [Error.Error].
func (a Attempt) String() string {
	var b strings.Builder
	b.WriteString(a.Candidate.String())
	b.WriteString(" ")
	b.WriteString(transport.RedactURLString(a.URL, true))
	msg := ""
	if a.Err != nil {
		msg = strings.TrimPrefix(a.Err.Error(), "autodiscover: ")
		if ue, ok := errors.AsType[*url.Error](a.Err); ok && ue.URL == a.URL {
			// net/http names the URL again ("Get \"https://...\": ..."): once is enough.
			msg = strings.Replace(msg, ue.Error(), ue.Err.Error(), 1)
		}
	}
	if a.Status != 0 && !strings.Contains(msg, "status ") {
		fmt.Fprintf(&b, ": %d", a.Status)
	}
	if a.Location != "" && a.Err == nil {
		// A server's redirect target is hostile input: user info and
		// credential-bearing query values never reach an error text.
		b.WriteString(" -> ")
		b.WriteString(transport.RedactURLString(a.Location, true))
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	return b.String()
}

// Error is returned when Resolve finds no endpoint. Its text is one line
// saying which mailbox was asked for, how many requests went to how many
// hosts, and the attempt that best explains the failure; Attempts lists
// every request made, in order, for logs and for a closer look:
//
//	if e, ok := errors.AsType[*autodiscover.Error](err); ok {
//		for _, a := range e.Attempts {
//			log.Print(a)
//		}
//	}
//
// The text is for people and may change: branch with [errors.Is] on
// [ErrNoEndpoint], [ErrRefused], [ErrTimeout], or the context's errors.
type Error struct {
	// Mailbox is the address being resolved, lower-cased.
	Mailbox string
	// Attempts are the requests made (and the steps refused), in order.
	Attempts []Attempt
	// cause is the context's error when the caller's context ended.
	cause error
}

// Error summarises the failure in one line: the mailbox, the requests made
// and the hosts they went to, and the most telling attempt. That is the
// missing URL of the API asked for, else a refusal by policy (the caller can allow the host), else an answer that
// was no Autodiscover answer, a timeout, an error status other than 404,
// Exchange Online's redirect loop (it does not know the address), a 404,
// a network failure, and last a missing SRV record; the earliest of equals.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "autodiscover: no endpoint found for %s", e.Mailbox)
	if e.cause != nil {
		fmt.Fprintf(&b, " (%v)", e.cause)
	}
	if len(e.Attempts) == 0 {
		return b.String()
	}
	requests, hosts := 0, map[string]bool{}
	best := 0
	for i, a := range e.Attempts {
		if !a.Refused && !strings.HasPrefix(a.URL, "dns:") {
			requests++
			if u, err := url.Parse(a.URL); err == nil {
				hosts[strings.ToLower(u.Hostname())] = true
			}
		}
		if a.telling() > e.Attempts[best].telling() {
			best = i
		}
	}
	fmt.Fprintf(&b, ": %s to %s; %v", plural(requests, "request"), plural(len(hosts), "host"), e.Attempts[best])
	return b.String()
}

// telling ranks how much an attempt explains a failed discovery.
func (a Attempt) telling() int {
	switch {
	case errors.Is(a.Err, ErrAPINotNamed):
		return 9 // the mailbox was found, but not its API
	case a.Refused || errors.Is(a.Err, ErrRefused):
		return 8
	case a.Err == nil:
		return 0 // a redirect followed
	case a.Status == http.StatusOK:
		return 7 // answered, but not with a usable endpoint
	case errors.Is(a.Err, ErrTimeout):
		return 6
	case a.Status >= 400 && a.Status != http.StatusNotFound && a.Status != http.StatusMethodNotAllowed:
		return 5
	case errors.Is(a.Err, errRedirectLoop):
		return 4
	case a.Status != 0:
		return 3
	case strings.HasPrefix(a.URL, "dns:"):
		return 1 // most domains have no SRV record
	}
	return 2 // no answer: DNS, connection, TLS
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Unwrap returns ErrNoEndpoint, the context's error if it ended the search,
// and each attempt's error, so errors.Is finds ErrRefused and ErrTimeout.
func (e *Error) Unwrap() []error {
	errs := []error{ErrNoEndpoint}
	if e.cause != nil {
		errs = append(errs, e.cause)
		if errors.Is(e.cause, context.DeadlineExceeded) {
			errs = append(errs, ErrTimeout)
		}
	}
	for _, a := range e.Attempts {
		if a.Err != nil {
			errs = append(errs, a.Err)
		}
	}
	return errs
}

// AuthError is returned by [Resolver.DiscoverAuth] when the probe found no
// usable Bearer challenge. When the server did answer 401 it matches
// [ErrModernAuthNotConfigured]; any other status (an IIS 404 where the REST
// virtual directory is gone, a 200 from something that is not Exchange) says
// the endpoint is not a REST API asking for OAuth at all: look at Status.
type AuthError struct {
	// URL is the address probed.
	URL string
	// Status is the HTTP status of the probe.
	Status int
	// Schemes are the authentication schemes the server offered instead
	// (e.g. "Negotiate", "NTLM", "Basic"), if any.
	Schemes []string
	// Reason says what was missing.
	Reason string
}

// Error says where modern auth is missing and what the server offered.
func (e *AuthError) Error() string {
	what := "modern auth is not configured"
	if e.Status != http.StatusUnauthorized {
		what = "no OAuth challenge"
	}
	s := fmt.Sprintf("autodiscover: %s at %s: %s (status %d", what, e.URL, e.Reason, e.Status)
	if len(e.Schemes) > 0 {
		s += ", offered " + strings.Join(e.Schemes, ", ")
	}
	return s + ")"
}

// Unwrap returns ErrModernAuthNotConfigured for a 401 without a usable
// Bearer challenge, nil otherwise.
func (e *AuthError) Unwrap() error {
	if e.Status == http.StatusUnauthorized {
		return ErrModernAuthNotConfigured
	}
	return nil
}
