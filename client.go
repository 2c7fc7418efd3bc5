package outlook

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/categories"
	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/directory"
	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// Client reaches the mailboxes of one organisation (or several) with one
// credential, or one for the cloud and one for on-premises servers
// (WithOnPremisesCredential). It locates each mailbox through Autodiscover,
// routes it to its API (Microsoft Graph in the cloud, EWS or the REST API
// v2.0 on premises: see Mailbox.Route), keeps one connection pool for all of
// them, and hands out a Mailbox per address. A Client is immutable once
// built and safe for concurrent use.
type Client struct {
	cfg      config
	cred     boundCredential // for cloud mailboxes, and on-premises ones without onPrem's
	onPrem   boundCredential // for on-premises mailboxes (WithOnPremisesCredential, else cred)
	resolver *autodiscover.Resolver

	mu      sync.RWMutex
	handles handles           // mailbox handles, by lower-cased address
	probes  map[string]*probe // on-premises server probes, by API and host
}

// config holds the options; every zero field means the default.
type config struct {
	watch         *odata.WatchOptions // WithWatch
	httpClient    *http.Client
	logger        *slog.Logger
	userAgent     string
	retry         RetryPolicy
	retrySet      bool
	maxConcurrent int
	mailboxCache  int
	cloud         autodiscover.Cloud
	adOptions     []autodiscover.Option
	prefer        odata.Prefer
	tokenCache    TokenCache
	now           func() time.Time
	skipProbe     bool
	onPremAPI     API        // WithOnPremisesAPI; 0 means EWS by default
	onPremCred    Credential // WithOnPremisesCredential
}

// Option configures a Client. Later options override earlier ones.
type Option func(*config) error

// RetryPolicy says how often and how long requests are retried on
// throttling, server errors and dropped connections (before the answer, or
// in the middle of a read's body). It is the one policy of the client: the
// items a $batch answer throttles, the chunks of an attachment upload and
// Autodiscover's requests are retried by it too. Zero fields mean the
// defaults.
type RetryPolicy struct {
	// MaxAttempts counts all attempts including the first; default 4. 1
	// disables retries.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the exponential backoff used when the
	// server gives no Retry-After; defaults 500ms and 30s.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter caps the Retry-After the client waits for; default 2m.
	// A longer one, or one that would end after the context's deadline, is
	// returned to the caller at once as a throttling error carrying the
	// delay (errors.Is(err, odata.ErrThrottled)).
	MaxRetryAfter time.Duration
}

// WithHTTPClient sends every request (Autodiscover, sign-in, REST) through
// hc's transport; default: a tuned transport shared by the process. Tests
// pass outlooktest's Server.Client() here, and that one option is all the
// wiring a test needs: the fake answers every lookup the client makes
// (sign-in, Autodiscover, its DNS SRV records, REST, EWS), so nothing
// leaves the process. hc is copied, not modified, and
// its CheckRedirect is not used: sign-in and REST requests follow a
// redirect only when they are reads and it stays on their https origin
// (anything else fails with an error matching *odata.RedirectError), and
// Autodiscover checks every redirect itself.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("outlook: WithHTTPClient(nil)")
		}
		c.httpClient = hc
		return nil
	}
}

// WithLogger logs requests, retries and mailbox discovery to l (default:
// nothing is logged). Tokens, Authorization headers and credentials in URLs
// (an upload URL's authtoken, OAuth codes) are never logged. Debug records
// hold request URLs with their other query values, which may be user data
// (a $filter naming a subject or an address); records above Debug hold URLs
// without query values.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("outlook: WithLogger(nil)")
		}
		c.logger = l
		return nil
	}
}

// WithUserAgent sets the User-Agent of REST requests (default
// "exchangekit-outlook/<version> go/<version>").
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		c.userAgent = ua
		return nil
	}
}

// WithRetry replaces the retry policy. MaxAttempts 1 disables retries.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 0 || p.MinBackoff < 0 || p.MaxBackoff < 0 || p.MaxRetryAfter < 0 {
			return fmt.Errorf("outlook: WithRetry: negative value in %+v", p)
		}
		c.retry, c.retrySet = p, true
		return nil
	}
}

// WithMaxConcurrentPerMailbox caps the requests in flight to one mailbox
// (default 4: Exchange throttles a mailbox above that), a response's body
// counting until it is read or closed. The cap is per mailbox, not per
// client: work spread over mailboxes runs 4 requests on each at once, but
// goroutines hammering one mailbox queue for its 4 slots, so 32 of them move
// no more requests per second than 4 would (when the server's time
// dominates, 4/32 of what 32 free connections could; BenchmarkParallelGET
// measures both cases), and a context deadline counts the wait. Raise it
// only for a server known to allow more.
func WithMaxConcurrentPerMailbox(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("outlook: WithMaxConcurrentPerMailbox(%d): want at least 1", n)
		}
		c.maxConcurrent = n
		return nil
	}
}

// WithMailboxCacheSize sets how many mailbox handles the client keeps
// ready (default DefaultMailboxCacheSize). Beyond that it lets go of the
// least recently used, so a program that walks through a tenant's
// mailboxes holds a bounded number; the next Client.Mailbox for an address
// let go builds a new handle from the Autodiscover cache, without a
// request. A handle let go while the program still holds it keeps working,
// and Client.Mailbox returns that same handle for its address while it is
// held, so one mailbox never has two request limits.
func WithMailboxCacheSize(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("outlook: WithMailboxCacheSize(%d): want at least 1", n)
		}
		c.mailboxCache = n
		return nil
	}
}

// WithCloud selects the Microsoft cloud (default autodiscover.Global): its
// Graph root, Autodiscover endpoint and sign-in authority.
func WithCloud(cloud autodiscover.Cloud) Option {
	return func(c *config) error {
		if cloud.GraphURL == "" || cloud.AuthorityHost == "" || cloud.AutodiscoverHost == "" {
			return fmt.Errorf("outlook: WithCloud: incomplete cloud %q", cloud.Name)
		}
		c.cloud = cloud
		return nil
	}
}

// WithAutodiscover passes options to the Autodiscover resolver: its cache
// (autodiscover.WithCache, to share one across a fleet), TTLs, allowed
// hosts, approval hook, SRV resolver, candidates, and
// autodiscover.WithDomainFirst for an organisation whose on-premises
// mailboxes have empty duplicates in Exchange Online. The resolver's HTTP
// client, cloud, logger, clock and on-premises API are the client's own
// (WithHTTPClient, WithCloud, WithLogger, WithClock, WithOnPremisesAPI), so
// that Autodiscover, sign-in and the mailboxes share one connection pool and
// one clock: autodiscover.WithHTTPClient, WithCloud, WithLogger, WithClock
// and WithOnPremisesAPI given here are overridden.
func WithAutodiscover(opts ...autodiscover.Option) Option {
	return func(c *config) error {
		c.adOptions = append(c.adOptions, opts...)
		return nil
	}
}

// WithPrefer sets the Prefer defaults of every request: the time zone of
// returned times, the body format, immutable ids.
func WithPrefer(p odata.Prefer) Option {
	return func(c *config) error {
		c.prefer = p
		return nil
	}
}

// WithTokenCache persists the sign-in library's token cache (see
// FileTokenCache), so a restart or a second process reuses tokens.
func WithTokenCache(tc TokenCache) Option {
	return func(c *config) error {
		c.tokenCache = tc
		return nil
	}
}

// WithClock sets the clock the client judges time by (default time.Now):
// when a token is refreshed (five minutes before it expires), how long
// Autodiscover answers and failed server probes are believed, how often a
// mailbox is located again, and what a Retry-After date in an error means.
// Tests use it. MSAL's own token cache, behind the MSAL-backed credentials,
// keeps real time.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("outlook: WithClock(nil)")
		}
		c.now = now
		return nil
	}
}

// NewClient returns a client that authenticates with cred. It checks the
// credential's configuration (tenant, client id, certificate) and the
// options, and makes no request.
func NewClient(cred Credential, opts ...Option) (*Client, error) {
	if cred == nil {
		return nil, errors.New("outlook: NewClient(nil credential)")
	}
	cfg := config{cloud: autodiscover.Global, now: time.Now, mailboxCache: DefaultMailboxCacheSize}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	hc := cfg.httpClient
	if hc == nil {
		// Sign-in and Autodiscover share the REST transport's pool.
		hc = transport.DefaultHTTPClient()
	}
	// Sign-in follows the REST client's redirect rule: a token request is
	// never resent, with its secret, where a redirect points; nor is an
	// on-premises account's handshake.
	env := credEnv{httpClient: transport.Guard(hc), authorityHost: cfg.cloud.AuthorityHost, graphURL: cfg.cloud.GraphURL, cache: cfg.tokenCache, now: cfg.now}
	bound, err := cred.bind(env)
	if err != nil {
		return nil, err
	}
	onPrem := bound
	if cfg.onPremCred != nil {
		if onPrem, err = cfg.onPremCred.bind(env); err != nil {
			return nil, &prefixedError{prefix: "outlook: WithOnPremisesCredential: ", err: err}
		}
		if onPrem.kind() == kindAppOnly {
			return nil, &sentinelError{is: []error{ErrAppOnlyOnPremises, ErrNoUsableCredential},
				msg: "outlook: WithOnPremisesCredential: an app-only Entra ID credential cannot sign in to on-premises Exchange, " +
					"where Microsoft supports no app-only access; use " + useDelegated + ", or " + useAccount}
		}
	}
	// The client's own settings come last, so they win (see WithAutodiscover).
	adOpts := append(slices.Clip(cfg.adOptions),
		autodiscover.WithHTTPClient(hc),
		autodiscover.WithCloud(cfg.cloud),
		autodiscover.WithLogger(cfg.logger),
		autodiscover.WithClock(cfg.now),
		autodiscover.WithOnPremisesAPI(cmp.Or(cfg.onPremAPI, EWS)),
	)
	if cfg.retrySet {
		// The one retry policy: Autodiscover's requests too.
		adOpts = append(adOpts, autodiscover.WithRetry(autodiscover.RetryPolicy{MaxAttempts: cfg.retry.MaxAttempts,
			MinBackoff: cfg.retry.MinBackoff, MaxBackoff: cfg.retry.MaxBackoff, MaxRetryAfter: cfg.retry.MaxRetryAfter}))
	}
	resolver, err := autodiscover.New(adOpts...)
	if err != nil {
		return nil, fmt.Errorf("outlook: WithAutodiscover: %w", err)
	}
	if _, err := newTransport(cfg); err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, cred: bound, onPrem: onPrem, resolver: resolver, handles: newHandles(cfg.mailboxCache), probes: map[string]*probe{}}, nil
}

func newTransport(cfg config) (*transport.Client, error) {
	tc := transport.Config{
		HTTPClient:    cfg.httpClient,
		UserAgent:     cfg.userAgent,
		MaxConcurrent: cfg.maxConcurrent,
		Logger:        cfg.logger,
		Now:           cfg.now,
	}
	if cfg.retrySet {
		tc.Retry = transport.RetryPolicy{MaxAttempts: cfg.retry.MaxAttempts, MinBackoff: cfg.retry.MinBackoff,
			MaxBackoff: cfg.retry.MaxBackoff, MaxRetryAfter: cfg.retry.MaxRetryAfter}
	}
	t, err := transport.New(tc)
	if err != nil {
		return nil, fmt.Errorf("outlook: %w", err)
	}
	return t, nil
}

// Resolver returns the Autodiscover resolver the client uses.
func (c *Client) Resolver() *autodiscover.Resolver { return c.resolver }

// Mailbox returns the handle of the mailbox at address, locating it through
// Autodiscover (cached: a mailbox already located costs no request and no
// allocation). A mailbox that cannot be located gives the resolver's error,
// which names the address: an *autodiscover.Error summing up what was
// tried, or one matching autodiscover.ErrInvalidAddress.
//
// An on-premises mailbox is served through EWS, or through the REST API
// v2.0 when WithOnPremisesAPI chooses it. Before any request goes to the
// mailbox, the client's credential is checked against that API (an app-only
// Entra ID credential on premises gives an error matching
// ErrAppOnlyOnPremises, and any other mismatch ErrNoUsableCredential), and
// the server, once per server and API, for the API and a sign-in the
// credential can use: if it lacks them the error matches ErrEWSUnavailable
// or ErrRESTUnavailable (and ErrNoOnPremisesAPI when it serves neither API)
// and says what to enable or use instead.
//
// With a delegated credential, address may be another user's: the handle
// then reaches what that user shared with the signed-in user (a calendar
// through its calendar permission, or the whole mailbox with FullAccess),
// and anything else fails with an error matching odata.ErrForbidden. The
// package documentation's "Another user's mailbox or calendar" says which
// rights open what.
func (c *Client) Mailbox(ctx context.Context, address string) (*Mailbox, error) {
	ep, err := c.resolver.Resolve(ctx, address)
	if err != nil {
		if c.cfg.onPremAPI == RESTv2 && errors.Is(err, autodiscover.ErrAPINotNamed) {
			return nil, &RESTUnavailableError{Mailbox: strings.ToLower(address), NotNamed: true, Err: err}
		}
		return nil, err
	}
	return c.mailbox(ctx, ep, false)
}

// MailboxAt returns the handle of the mailbox at address served by ep,
// skipping Autodiscover (for callers that store endpoints themselves). The
// endpoint's API is the mailbox's, whatever WithOnPremisesAPI says: an
// on-premises mailbox can take the REST API v2.0 (or EWS) alone this way.
// Its Route's reason says so; when the mailbox moves, it is located again
// and routed as Client.Mailbox routes it.
func (c *Client) MailboxAt(ctx context.Context, ep autodiscover.Endpoint) (*Mailbox, error) {
	var missing []string
	for _, f := range []struct {
		name  string
		unset bool
	}{{"Mailbox", ep.Mailbox == ""}, {"URL", ep.URL == ""}, {"API", ep.API == 0}, {"Resource", ep.Resource == ""}} {
		if f.unset {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("outlook: MailboxAt: the endpoint has no %s", strings.Join(missing, ", "))
	}
	ep.Mailbox = strings.ToLower(ep.Mailbox)
	if ep.Location == 0 {
		// The API says where: Graph serves Exchange Online alone.
		ep.Location = autodiscover.LocationOnPremises
		if ep.API == Graph {
			ep.Location = autodiscover.LocationExchangeOnline
		}
	}
	return c.mailbox(ctx, ep, true)
}

// mailbox returns the handle bound to ep: the cached one on the fast path,
// else one made or re-pointed. given says the caller handed ep to MailboxAt.
func (c *Client) mailbox(ctx context.Context, ep autodiscover.Endpoint, given bool) (*Mailbox, error) {
	c.mu.RLock()
	mb := c.handles.get(ep.Mailbox)
	c.mu.RUnlock()
	if mb != nil && mb.Endpoint() == ep {
		if !mb.used.Load() { // a write only when the bit changes: lookups of one mailbox share no cache line
			mb.used.Store(true)
		}
		return mb, nil
	}
	return c.bindMailbox(ctx, ep, given)
}

// bindMailbox makes the handle for ep, or re-points the one cached or still
// held for its address.
func (c *Client) bindMailbox(ctx context.Context, ep autodiscover.Endpoint, given bool) (*Mailbox, error) {
	c.mu.Lock()
	old := c.handles.find(c, ep.Mailbox)
	c.mu.Unlock()
	if old != nil && old.Endpoint() == ep {
		return old, nil
	}
	rt := c.route(ep, given)
	if old != nil {
		if err := c.rebind(ctx, old, ep, rt); err != nil {
			return nil, err
		}
		return old, nil
	}
	tr, err := newTransport(c.cfg)
	if err != nil {
		return nil, err
	}
	mb := &Mailbox{client: c, address: ep.Mailbox, tr: tr}
	t, err := c.target(ctx, mb, ep, rt)
	if err != nil {
		return nil, err
	}
	mb.bind(ep, rt)
	opts := []odata.ClientOption{odata.WithMailbox(ep.Mailbox), odata.WithDoer(tr), odata.WithPrefer(c.cfg.prefer),
		odata.WithRelocator(mb.relocate), odata.WithClock(c.cfg.now),
		odata.WithUploadHosts(c.cfg.cloud.ExchangeOnlineHosts...), odata.WithWatch(c.cfg.watch), odata.WithCloud(c.cfg.cloud.Name)}
	if t.Backend != nil {
		opts = append(opts, odata.WithBackend(t.Backend))
	}
	od, err := odata.NewClient(t.ServiceRoot, t.Dialect, t.TokenSource, opts...)
	if err != nil {
		return nil, fmt.Errorf("outlook: %w", err)
	}
	mb.od = od
	mb.Mail = mail.NewService(od)
	mb.Calendar = calendar.NewService(od)
	mb.Contacts = contacts.NewService(od)
	mb.Categories = categories.NewService(od)
	mb.Directory = directory.NewService(od)
	c.mu.Lock()
	cur := c.handles.find(c, ep.Mailbox)
	if cur == nil {
		c.handles.put(c, mb)
	}
	c.mu.Unlock()
	if cur == nil {
		return mb, nil
	}
	// Another goroutine bound it first: keep one handle per mailbox.
	if cur.Endpoint() != ep {
		if err := c.rebind(ctx, cur, ep, rt); err != nil {
			return nil, err
		}
	}
	return cur, nil
}

// rebind points an existing handle at ep.
func (c *Client) rebind(ctx context.Context, mb *Mailbox, ep autodiscover.Endpoint, rt Route) error {
	t, err := c.target(ctx, mb, ep, rt)
	if err != nil {
		return err
	}
	if err := mb.od.Retarget(*t); err != nil {
		return err
	}
	mb.bind(ep, rt)
	return nil
}
