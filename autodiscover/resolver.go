// Package autodiscover maps an SMTP address to the API endpoint serving
// that mailbox: Microsoft Graph v1.0 for every Exchange Online mailbox, the
// server's EWS (or, when asked, its Outlook REST v2.0 API) for an
// on-premises one.
//
// Most programs never call it: [github.com/exchangekit/outlook.Client.Mailbox]
// locates each mailbox through a Resolver the client builds, and
// [github.com/exchangekit/outlook.WithAutodiscover] passes it options (a
// cache shared by a fleet of processes, allowed hosts). Call it yourself to
// learn where a mailbox lives without signing in, or to store endpoints and
// open mailboxes later with
// [github.com/exchangekit/outlook.Client.MailboxAt]:
//
//	r, err := autodiscover.New()
//	if err != nil {
//		return err
//	}
//	ep, err := r.Resolve(ctx, "alice@contoso.com")
//	if err != nil {
//		return err // an *autodiscover.Error lists every attempt
//	}
//	fmt.Println(ep.Location, ep.API, ep.URL) // exchange-online graph-v1.0 https://graph.microsoft.com/v1.0
//
// It speaks Autodiscover v2 (JSON), anonymously. Exchange Online's endpoint is
// asked first: it answers cloud mailboxes and redirects hybrid ones to their
// own Autodiscover host. Then come the domain's own candidates: the domain
// itself, autodiscover.<domain>, the plain-http redirect probe and the DNS SRV
// record ([WithDomainFirst] asks them before Exchange Online, as Outlook does
// with its ExcludeExplicitO365Endpoint policy).
//
// Autodiscover v2 names one service per request, and the question asked is
// Protocol=EWS: every supported on-premises Exchange (2016, 2019,
// Subscription Edition) serves and names EWS, the API Microsoft supports
// there, and Exchange Online's answer (its own EWS host) is as good a sign of
// a cloud mailbox as any. The REST v2.0 URL is asked for only when a caller
// wants that API ([WithOnPremisesAPI]): one more request, to the
// Autodiscover URL that named the EWS one, so a cloud mailbox still costs
// one request and an on-premises one no more than before. Redirects are followed by hand, at most 10, https only, loops
// stopped, and only towards trusted hosts (Microsoft's, the mailbox's own
// domain, those the caller allows or approves): a hostile answer could
// otherwise point REST traffic, and later tokens, at an attacker.
//
// Answers are cached per mailbox, and concurrent lookups of one mailbox share
// one discovery. [Resolver.DiscoverAuth] then reads the endpoint's Bearer
// challenge to learn which authority issues its tokens.
package autodiscover

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exchangekit/outlook/internal/transport"
	"golang.org/x/sync/singleflight"

	"github.com/exchangekit/outlook/internal/srvhook"
)

// Defaults of the options.
const (
	// DefaultTTL is how long an endpoint is cached: Microsoft calls 24 hours
	// the standard refresh interval for Autodiscover results.
	DefaultTTL = 24 * time.Hour
	// DefaultNegativeTTL is how long a failure is cached, and how long a
	// stale endpoint is kept after a failed refresh (Outlook retries after
	// five minutes too).
	DefaultNegativeTTL = 5 * time.Minute
	// DefaultRequestTimeout bounds each HTTP request (exchangelib uses 10 s).
	DefaultRequestTimeout = 10 * time.Second
	// MaxRedirects is the most redirects followed for one candidate, as in
	// the EWS Managed API and exchangelib.
	MaxRedirects = 10
)

const (
	// protocolEWS is the spelling of the EWS protocol in Microsoft's own
	// Autodiscover v2 captures; servers match it case-insensitively.
	protocolEWS     = "EWS"
	protocolRest    = "Rest"
	maxResponseBody = 64 << 10
	parallelism     = 4 // domain candidates asked at once
)

// API is the API an endpoint serves a mailbox through.
type API uint8

// The APIs.
const (
	// APIGraph is Microsoft Graph v1.0 (camelCase JSON), for every cloud mailbox.
	APIGraph API = iota + 1
	// APIOutlookV2 is Outlook REST v2.0 (PascalCase JSON) on an on-premises server.
	APIOutlookV2
	// APIEWS is Exchange Web Services (SOAP) on an on-premises server, at
	// https://<host>/EWS/Exchange.asmx.
	APIEWS
)

// String returns "graph-v1.0", "outlook-v2.0" or "ews".
func (a API) String() string {
	switch a {
	case APIGraph:
		return "graph-v1.0"
	case APIOutlookV2:
		return "outlook-v2.0"
	case APIEWS:
		return "ews"
	default:
		return fmt.Sprintf("api(%d)", uint8(a))
	}
}

// Location is where a mailbox lives. It is informational: the API and URL of
// the [Endpoint] are what a client needs.
type Location uint8

// The locations.
const (
	// LocationExchangeOnline is a cloud mailbox.
	LocationExchangeOnline Location = iota + 1
	// LocationOnPremises is a mailbox on an on-premises Exchange server.
	LocationOnPremises
)

// String returns "exchange-online" or "on-premises".
func (l Location) String() string {
	switch l {
	case LocationExchangeOnline:
		return "exchange-online"
	case LocationOnPremises:
		return "on-premises"
	default:
		return fmt.Sprintf("location(%d)", uint8(l))
	}
}

// Endpoint is where a mailbox's API lives and how to get a token for it.
type Endpoint struct {
	// Mailbox is the SMTP address, lower-cased.
	Mailbox string
	// URL is the base URL of API, without a trailing slash:
	// "https://graph.microsoft.com/v1.0", "https://mail.contoso.com/EWS/Exchange.asmx"
	// or "https://mail.contoso.com/api/v2.0".
	URL string
	// API is the API URL serves: Graph for a cloud mailbox; for an
	// on-premises one, EWS, or REST v2.0 when the resolver was asked for it
	// ([WithOnPremisesAPI]).
	API API
	// Resource is the token audience: the Graph root for a cloud mailbox, the
	// server's origin ("https://mail.contoso.com") for an on-premises one.
	// Request tokens for exactly this resource and send them only to URL's host.
	Resource string
	// Location says where the mailbox lives.
	Location Location
	// EWSURL is the EWS URL Autodiscover named for an on-premises mailbox;
	// "" for a cloud one, which is served through Graph.
	EWSURL string
	// RESTURL is the Outlook REST v2.0 base Autodiscover named for an
	// on-premises mailbox, when the resolver asked for it
	// ([WithOnPremisesAPI](APIOutlookV2)); "" otherwise.
	RESTURL string
	// Source says which candidate answered.
	Source Source
}

// Source records where an [Endpoint] came from.
type Source struct {
	// Candidate is the way of discovery that answered.
	Candidate Candidate
	// URL is the Autodiscover URL whose 200 answer gave the endpoint.
	URL string
	// Redirects is how many redirects led there.
	Redirects int
}

// Resolver finds mailbox endpoints. Build it with [New]; the zero value is
// not usable. It is safe for concurrent use; its only state is its cache and
// the discoveries in flight.
type Resolver struct {
	client     *http.Client
	cloud      Cloud
	cache      Cache
	ttl        time.Duration
	negTTL     time.Duration
	reqTimeout time.Duration
	allowed    map[string]bool
	approve    func(ctx context.Context, smtp string, u *url.URL) bool
	lookupSRV  func(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
	logger     *slog.Logger
	now        func() time.Time
	candidates []Candidate
	onPremAPI  API
	domainNext bool // WithDomainFirst
	retry      RetryPolicy
	group      singleflight.Group
}

// config collects the options; every zero field means "default".
type config struct {
	client     *http.Client
	cloud      *Cloud
	cache      Cache
	ttl        time.Duration
	negTTL     *time.Duration
	reqTimeout time.Duration
	allowed    []string
	approve    func(ctx context.Context, smtp string, u *url.URL) bool
	lookupSRV  func(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
	logger     *slog.Logger
	now        func() time.Time
	candidates []Candidate
	onPremAPI  API
	domainNext bool
	retry      *RetryPolicy
}

// Option configures a [Resolver]. Later options override earlier ones.
type Option func(*config) error

// WithHTTPClient sets the client used for Autodiscover and auth probes
// (default: a plain http.Client with http.DefaultTransport). The Resolver
// uses a copy with its own CheckRedirect, to check every redirect itself, and
// without a cookie jar; c is not modified. Its transport must not add
// credentials: Autodiscover requests are anonymous. When c's transport is
// an outlooktest server's (its Client or Transport), the server answers
// the DNS SRV lookups too, unless WithSRVResolver says otherwise: a test
// wired with one option makes no DNS query.
func WithHTTPClient(c *http.Client) Option {
	return func(cfg *config) error {
		if c == nil {
			return errors.New("autodiscover: WithHTTPClient: nil client")
		}
		cfg.client = c
		return nil
	}
}

// RetryPolicy says how often an Autodiscover request a server throttled
// (429), found itself unable to serve (500, 502, 503, 504) or whose
// connection broke after it was made is sent again, as outlook.RetryPolicy
// does for the mailbox APIs (an outlook.Client passes its own). Connections
// that cannot be made and requests that time out are not retried: the
// discovery moves on to its next candidate. Zero fields mean the defaults.
type RetryPolicy struct {
	// MaxAttempts counts all attempts including the first; default 4. 1
	// disables retries.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the exponential backoff used when the
	// server gives no Retry-After; defaults 500ms and 30s.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter caps the Retry-After waited for; default 2m. A longer
	// one ends the candidate's attempts at once.
	MaxRetryAfter time.Duration
}

// WithRetry sets the retry policy of Autodiscover requests.
func WithRetry(p RetryPolicy) Option {
	return func(cfg *config) error {
		if p.MaxAttempts < 0 || p.MinBackoff < 0 || p.MaxBackoff < 0 || p.MaxRetryAfter < 0 {
			return fmt.Errorf("autodiscover: WithRetry: negative values in %+v", p)
		}
		cfg.retry = &p
		return nil
	}
}

// WithCloud selects the Microsoft cloud (default [Global]). Its hosts are the
// Microsoft hosts trusted without asking, and its Graph root is the endpoint
// of every cloud mailbox.
func WithCloud(c Cloud) Option {
	return func(cfg *config) error {
		if !strings.HasPrefix(c.GraphURL, "https://") || c.AutodiscoverHost == "" || len(c.ExchangeOnlineHosts) == 0 || c.AuthorityHost == "" {
			return fmt.Errorf("autodiscover: WithCloud: cloud %q needs an https GraphURL, an AutodiscoverHost, ExchangeOnlineHosts and an AuthorityHost", c.Name)
		}
		cfg.cloud = &c
		return nil
	}
}

// WithCache sets the cache (default: [NewMemoryCache] of [DefaultCacheSize]).
func WithCache(c Cache) Option {
	return func(cfg *config) error {
		if c == nil {
			return errors.New("autodiscover: WithCache: nil cache")
		}
		cfg.cache = c
		return nil
	}
}

// WithTTL sets how long an endpoint stays cached (default [DefaultTTL]).
func WithTTL(d time.Duration) Option {
	return func(cfg *config) error {
		if d <= 0 {
			return fmt.Errorf("autodiscover: WithTTL: %v is not positive", d)
		}
		cfg.ttl = d
		return nil
	}
}

// WithNegativeTTL sets how long a failure is cached, and how long a stale
// endpoint is served after a failed refresh (default [DefaultNegativeTTL]).
// Zero caches no failures and serves nothing stale.
func WithNegativeTTL(d time.Duration) Option {
	return func(cfg *config) error {
		if d < 0 {
			return fmt.Errorf("autodiscover: WithNegativeTTL: %v is negative", d)
		}
		cfg.negTTL = &d
		return nil
	}
}

// WithRequestTimeout bounds each HTTP request (default [DefaultRequestTimeout]),
// so that one silent candidate cannot stall the others. The caller's context
// still bounds the whole resolution.
func WithRequestTimeout(d time.Duration) Option {
	return func(cfg *config) error {
		if d <= 0 {
			return fmt.Errorf("autodiscover: WithRequestTimeout: %v is not positive", d)
		}
		cfg.reqTimeout = d
		return nil
	}
}

// WithAllowedHosts adds hosts trusted as redirect targets and endpoints
// besides Microsoft's and the mailbox's own domain (with its subdomains),
// for hybrid organisations whose servers live under another name. Names
// match exactly, ignoring case.
func WithAllowedHosts(hosts ...string) Option {
	return func(cfg *config) error {
		for _, h := range hosts {
			if canonicalHost(h) == "" || strings.ContainsAny(h, "/ ") {
				return fmt.Errorf("autodiscover: WithAllowedHosts: %q is not a host name", h)
			}
		}
		cfg.allowed = append(cfg.allowed, hosts...)
		return nil
	}
}

// WithApprove sets the hook asked about any other host, for a redirect target
// or an endpoint: it returns true to follow. smtp is the mailbox being
// resolved; u is a copy the hook may keep. It may be called concurrently and
// should answer quickly (it runs while the request waits). Without a hook
// every untrusted host is refused with an error matching [ErrRefused].
func WithApprove(f func(ctx context.Context, smtp string, u *url.URL) bool) Option {
	return func(cfg *config) error {
		cfg.approve = f
		return nil
	}
}

// WithSRVResolver replaces the DNS SRV lookup (default
// net.DefaultResolver.LookupSRV, or the fake's when the client of
// WithHTTPClient is outlooktest's); custom DNS setups use it.
func WithSRVResolver(f func(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)) Option {
	return func(cfg *config) error {
		if f == nil {
			return errors.New("autodiscover: WithSRVResolver: nil func")
		}
		cfg.lookupSRV = f
		return nil
	}
}

// WithLogger sets where requests and decisions are logged (default:
// discarded): each request at debug level, a stale endpoint kept after a
// failed refresh at warn level. Tokens and Authorization headers are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(cfg *config) error {
		if l == nil {
			return errors.New("autodiscover: WithLogger: nil logger")
		}
		cfg.logger = l
		return nil
	}
}

// WithClock sets the clock cache expiry is measured by (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(cfg *config) error {
		if now == nil {
			return errors.New("autodiscover: WithClock: nil func")
		}
		cfg.now = now
		return nil
	}
}

// WithCandidates limits discovery to the given candidates (default: all).
// They are still tried in their fixed priority order. Leaving out
// [CandidateExchangeOnline] makes an on-premises-only resolver; leaving out
// [CandidateHTTPRedirect] avoids the one plain-http request.
func WithCandidates(cs ...Candidate) Option {
	return func(cfg *config) error {
		if len(cs) == 0 {
			return errors.New("autodiscover: WithCandidates: no candidate")
		}
		for _, c := range cs {
			if c < CandidateExchangeOnline || c > CandidateSRV {
				return fmt.Errorf("autodiscover: WithCandidates: unknown %v", c)
			}
		}
		cfg.candidates = slices.Compact(slices.Sorted(slices.Values(cs)))
		return nil
	}
}

// WithOnPremisesAPI sets the API an on-premises mailbox's [Endpoint] names
// in URL and API: [APIEWS] (the default), the API Microsoft supports on
// Exchange 2016, 2019 and Subscription Edition, or [APIOutlookV2], the
// Outlook REST v2.0 API of servers that still serve the preview Microsoft
// ended in 2022. Either way EWS is what discovery asks for on its way to the
// mailbox's server; REST v2.0 takes one more request, to the Autodiscover URL
// that named EWS. When that server names no REST URL, Resolve fails with an
// error matching [ErrAPINotNamed] rather than hand back the EWS endpoint the
// caller did not ask for.
//
// Resolvers sharing a cache ([WithCache]) should ask for the same API: an
// on-premises endpoint made for the other one is discovered again.
func WithOnPremisesAPI(api API) Option {
	return func(cfg *config) error {
		if api != APIEWS && api != APIOutlookV2 {
			return fmt.Errorf("autodiscover: WithOnPremisesAPI(%v): want APIEWS or APIOutlookV2", api)
		}
		cfg.onPremAPI = api
		return nil
	}
}

// WithDomainFirst asks the domain's own candidates before Exchange Online's
// endpoint, as Outlook does under its ExcludeExplicitO365Endpoint policy.
// Use it for an organisation whose mailboxes live on premises while Exchange
// Online holds cloud mailboxes for the same addresses that are not theirs
// (a license assigned before the on-premises mailbox was synchronised
// makes Exchange Online create an empty duplicate): Exchange Online's
// endpoint names its own mailbox, and Graph serves it, empty, without any
// error to react to. Exchange Online is still asked when the domain's
// candidates find nothing.
func WithDomainFirst() Option {
	return func(cfg *config) error {
		cfg.domainNext = true
		return nil
	}
}

// New returns a Resolver. Without options it uses the global cloud, an
// in-memory cache and the defaults named by each option.
func New(opts ...Option) (*Resolver, error) {
	var cfg config
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	r := &Resolver{
		cloud:      Global.clone(),
		cache:      cfg.cache,
		ttl:        cmp.Or(cfg.ttl, DefaultTTL),
		negTTL:     DefaultNegativeTTL,
		reqTimeout: cmp.Or(cfg.reqTimeout, DefaultRequestTimeout),
		allowed:    make(map[string]bool),
		approve:    cfg.approve,
		lookupSRV:  cfg.lookupSRV,
		logger:     cfg.logger,
		now:        cfg.now,
		candidates: cfg.candidates,
		onPremAPI:  cmp.Or(cfg.onPremAPI, APIEWS),
		domainNext: cfg.domainNext,
	}
	if cfg.cloud != nil {
		r.cloud = cfg.cloud.clone()
	}
	if cfg.negTTL != nil {
		r.negTTL = *cfg.negTTL
	}
	if cfg.retry != nil {
		r.retry = *cfg.retry
	}
	r.retry.MaxAttempts = cmp.Or(r.retry.MaxAttempts, transport.DefaultMaxAttempts)
	r.retry.MinBackoff = cmp.Or(r.retry.MinBackoff, transport.DefaultMinBackoff)
	r.retry.MaxBackoff = max(cmp.Or(r.retry.MaxBackoff, transport.DefaultMaxBackoff), r.retry.MinBackoff)
	r.retry.MaxRetryAfter = cmp.Or(r.retry.MaxRetryAfter, transport.DefaultMaxRetryAfter)
	if r.now == nil {
		r.now = time.Now
	}
	if r.cache == nil {
		mc := NewMemoryCache(DefaultCacheSize)
		mc.now = r.now
		r.cache = mc
	}
	if r.lookupSRV == nil && cfg.client != nil {
		r.lookupSRV = srvhook.For(cfg.client.Transport) // outlooktest's transport answers DNS too
	}
	if r.lookupSRV == nil {
		r.lookupSRV = net.DefaultResolver.LookupSRV
	}
	if r.logger == nil {
		r.logger = slog.New(slog.DiscardHandler)
	}
	if r.candidates == nil {
		r.candidates = []Candidate{CandidateExchangeOnline, CandidateDomain, CandidateAutodiscoverHost, CandidateHTTPRedirect, CandidateSRV}
	}
	for _, h := range cfg.allowed {
		r.allowed[canonicalHost(h)] = true
	}
	c := &http.Client{}
	if cfg.client != nil {
		cp := *cfg.client
		c = &cp
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Jar = nil
	r.client = c
	return r, nil
}

// Cloud returns the cloud the Resolver was built for (a copy: changing it
// changes nothing).
func (r *Resolver) Cloud() Cloud { return r.cloud.clone() }

// Resolve returns the endpoint of the mailbox smtp (a bare address such as
// "alice@contoso.com", any case). A cached answer is returned without I/O or
// allocation while fresh; otherwise discovery runs, once for all concurrent
// callers asking for the same mailbox, with each caller's ctx bounding its own
// wait. Failures are cached briefly too (see [WithNegativeTTL]), and when the
// refresh of an expired endpoint fails, the previous endpoint is served for
// that long rather than the failure: Microsoft's guidance is to keep what
// worked until it stops working ([Resolver.Invalidate] is how to say it has).
//
// A malformed address gives an error matching [ErrInvalidAddress] before any
// request. When no endpoint is found the error is a [*Error] listing every
// attempt; it matches [ErrNoEndpoint], and [ErrRefused] or [ErrTimeout] when
// those were why.
func (r *Resolver) Resolve(ctx context.Context, smtp string) (Endpoint, error) {
	key := lowerKey(smtp)
	if e, ok := r.cache.Get(ctx, key); ok && r.fresh(e) {
		if e.Failure != nil {
			return Endpoint{}, e.Failure
		}
		return e.Endpoint, nil
	}
	return r.resolveSlow(ctx, key)
}

// fresh reports whether a cached entry answers this resolver: not expired,
// and a failure or an endpoint it could have made.
func (r *Resolver) fresh(e Entry) bool {
	return r.now().Before(e.Expires) && (e.Failure != nil || r.fits(e.Endpoint))
}

// fits reports whether ep names the API this resolver asks for: a cache
// shared with a resolver asking for the other on-premises API may hold
// either.
func (r *Resolver) fits(ep Endpoint) bool {
	return ep.Location != LocationOnPremises || ep.API == r.onPremAPI
}

func (r *Resolver) resolveSlow(ctx context.Context, key string) (Endpoint, error) {
	addr, domain, err := canonicalAddress(key)
	if err != nil {
		return Endpoint{}, err
	}
	for {
		ch := r.group.DoChan(addr, func() (any, error) { return r.flight(ctx, addr, domain, false) })
		select {
		case <-ctx.Done():
			return Endpoint{}, &Error{Mailbox: addr, cause: ctx.Err()}
		case res := <-ch:
			if res.Err == nil {
				return res.Val.(Endpoint), nil
			}
			// The discovery belonged to another caller whose context ended;
			// ours is still alive, so run (or join) a new one.
			if e, ok := errors.AsType[*Error](res.Err); ok && e.cause != nil && ctx.Err() == nil {
				continue
			}
			return Endpoint{}, res.Err
		}
	}
}

// flight runs one discovery for addr on behalf of every caller waiting for
// it; fromDomain leaves Exchange Online's endpoint out.
func (r *Resolver) flight(ctx context.Context, addr, domain string, fromDomain bool) (Endpoint, error) {
	// Another flight may have finished between the caller's cache miss and
	// this one starting: check again rather than ask the network twice.
	old, had := r.cache.Get(ctx, addr)
	if had && r.fresh(old) && !fromDomain {
		if old.Failure != nil {
			return Endpoint{}, old.Failure
		}
		return old.Endpoint, nil
	}
	ep, err := r.discover(ctx, addr, domain, fromDomain)
	if err == nil {
		r.cache.Put(ctx, addr, Entry{Endpoint: ep, Expires: r.now().Add(r.ttl)})
		r.logger.DebugContext(ctx, "autodiscover: resolved", "mailbox", addr, "url", ep.URL, "api", ep.API.String(),
			"candidate", ep.Source.Candidate.String(), "redirects", ep.Source.Redirects)
		return ep, nil
	}
	e := err.(*Error)
	if e.cause != nil || r.negTTL == 0 || fromDomain {
		// The caller gave up, and nothing was learnt; or the domain alone
		// did not answer, which says nothing against the cached endpoint.
		return Endpoint{}, err
	}
	if had && old.Failure == nil && r.fits(old.Endpoint) && !fromDomain {
		// Keep using what worked until the refresh succeeds (Microsoft's
		// guidance); Invalidate drops it when it is known to be wrong.
		r.logger.WarnContext(ctx, "autodiscover: refresh failed, keeping the previous endpoint",
			"mailbox", addr, "url", old.Endpoint.URL, "error", err)
		r.cache.Put(ctx, addr, Entry{Endpoint: old.Endpoint, Expires: r.now().Add(r.negTTL)})
		return old.Endpoint, nil
	}
	if e.passing() {
		// A server throttling or unavailable says nothing lasting about
		// the mailbox: the next call asks again.
		return Endpoint{}, err
	}
	r.cache.Put(ctx, addr, Entry{Failure: e, Expires: r.now().Add(r.negTTL)})
	return Endpoint{}, err
}

// Invalidate drops the cached answer for smtp, so the next Resolve asks
// again: call it when the endpoint says the mailbox is not there (Graph's 404
// MailboxNotEnabledForRESTAPI) or stops answering. A discovery already in
// flight for smtp is not waited for, and later callers start a new one.
func (r *Resolver) Invalidate(ctx context.Context, smtp string) error {
	addr, _, err := canonicalAddress(lowerKey(smtp))
	if err != nil {
		return err
	}
	r.group.Forget(addr)
	r.cache.Delete(ctx, addr)
	return nil
}

// ResolveFromDomain discovers the mailbox smtp again asking only the domain's
// own candidates, not Exchange Online's endpoint, and caches what they find
// in place of the cached endpoint. It is for a mailbox whose Exchange
// Online answer proved wrong: Exchange Online named it a cloud mailbox and
// Graph answered that it is not there (MailboxNotEnabledForRESTAPI,
// ErrorInvalidUser), as it does for the on-premises mailbox of a hybrid
// organisation whose directory Exchange Online knows only in part. Its
// failure leaves the cache as it was. Concurrent calls for one mailbox share
// one discovery.
func (r *Resolver) ResolveFromDomain(ctx context.Context, smtp string) (Endpoint, error) {
	addr, domain, err := canonicalAddress(lowerKey(smtp))
	if err != nil {
		return Endpoint{}, err
	}
	ch := r.group.DoChan("domain\x00"+addr, func() (any, error) { return r.flight(ctx, addr, domain, true) })
	select {
	case <-ctx.Done():
		return Endpoint{}, &Error{Mailbox: addr, cause: ctx.Err()}
	case res := <-ch:
		if res.Err != nil {
			return Endpoint{}, res.Err
		}
		return res.Val.(Endpoint), nil
	}
}

// discovery is the state of one resolution of one mailbox.
type discovery struct {
	r       *Resolver
	addr    string
	domain  string
	retries atomic.Int32 // retries spent, by every candidate together
}

// outcome is what one candidate produced.
type outcome struct {
	ep       Endpoint
	attempts []Attempt
	ok       bool
	// stop ends the discovery without an endpoint: the mailbox was found,
	// but not the API asked for, and other candidates would only find the
	// same server again.
	stop bool
}

// discover runs the candidates. Exchange Online's endpoint is asked alone,
// before the domain's candidates or, with WithDomainFirst, after them: it
// answers nearly every mailbox, and asking the domain's hosts at the same
// time would double the requests for all of them. fromDomain leaves it out.
func (r *Resolver) discover(ctx context.Context, addr, domain string, fromDomain bool) (Endpoint, error) {
	d := &discovery{r: r, addr: addr, domain: domain}
	var attempts []Attempt
	var stage []func(context.Context) outcome
	exo := false
	for _, c := range r.candidates {
		switch c {
		case CandidateExchangeOnline:
			exo = !fromDomain
		case CandidateDomain:
			stage = append(stage, func(ctx context.Context) outcome { return d.host(ctx, CandidateDomain, domain, 0) })
		case CandidateAutodiscoverHost:
			stage = append(stage, func(ctx context.Context) outcome {
				return d.host(ctx, CandidateAutodiscoverHost, "autodiscover."+domain, 0)
			})
		case CandidateHTTPRedirect:
			stage = append(stage, d.httpRedirect)
		case CandidateSRV:
			stage = append(stage, d.srv)
		}
	}
	askEXO := func(ctx context.Context) outcome {
		return d.host(ctx, CandidateExchangeOnline, r.cloud.AutodiscoverHost, 0)
	}
	var order [][]func(context.Context) outcome
	switch {
	case !exo:
		order = append(order, stage)
	case r.domainNext:
		order = append(order, stage, []func(context.Context) outcome{askEXO})
	default:
		order = append(order, []func(context.Context) outcome{askEXO}, stage)
	}
	for _, fns := range order {
		o := runInOrder(ctx, fns)
		attempts = append(attempts, o.attempts...)
		if o.ok {
			return o.ep, nil
		}
		if o.stop || ctx.Err() != nil {
			break
		}
	}
	return Endpoint{}, &Error{Mailbox: addr, Attempts: attempts, cause: ctx.Err()}
}

// runInOrder runs the candidates with bounded parallelism and returns the
// answer of the first one, in the given order, that found an endpoint (or
// stopped the search), with the attempts of all before it: a faster
// lower-priority answer waits for the higher ones to fail.
func runInOrder(ctx context.Context, fns []func(context.Context) outcome) outcome {
	if len(fns) == 0 {
		return outcome{}
	}
	if len(fns) == 1 {
		return fns[0](ctx)
	}
	ctx, cancel := context.WithCancel(ctx)
	results := make([]chan outcome, len(fns))
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	for i, fn := range fns {
		results[i] = make(chan outcome, 1)
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i] <- outcome{}
				return
			}
			defer func() { <-sem }()
			results[i] <- fn(ctx)
		})
	}
	defer func() {
		cancel()  // the losers stop promptly...
		wg.Wait() // ...and none outlives the call
	}()
	var attempts []Attempt
	for i := range fns {
		o := <-results[i]
		attempts = append(attempts, o.attempts...)
		if o.ok || o.stop {
			o.attempts = attempts
			return o
		}
	}
	return outcome{attempts: attempts}
}
