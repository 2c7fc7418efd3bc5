package outlooktest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The Microsoft host names the fake answers for, as the SDK's defaults spell them.
const (
	loginHost              = "login.microsoftonline.com"
	loginWindowsHost       = "login.windows.net" // on-premises challenges name this alias
	loginMicrosoftHost     = "login.microsoft.com"
	graphHost              = "graph.microsoft.com"
	exoHost                = "outlook.office365.com"
	outlookCloudHost       = "outlook.office.com"
	exoAutodiscoverHost    = "autodiscover-s.outlook.com"
	graphResource          = "https://" + graphHost
	defaultTokenLifetime   = time.Hour
	defaultPageSize        = 10
	plainHTTPPort          = "80"
	shutdownGrace          = 5 * time.Second
	unknownHostExplanation = "not a Microsoft host or a test domain of this server"
)

// ErrUnknownHost is what Server.Client's dialer returns for a host name the
// server does not serve, so a test can tell "the code tried to leave the
// process" from other failures with errors.Is.
var ErrUnknownHost = errors.New("outlooktest: unknown host")

// Option configures a Server. Later options override earlier ones.
type Option func(*config)

type config struct {
	pageSize      int
	now           func() time.Time
	logger        *slog.Logger
	tokenLifetime time.Duration
	autoApprove   string
	faultSeed     uint64
	apps          []App
}

// WithPageSize sets the server-driven page size of lists when the client sets
// neither $top nor odata.maxpagesize. The default is 10, as Exchange's. It
// panics if n < 1.
func WithPageSize(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("outlooktest: WithPageSize(%d): the page size must be at least 1", n))
	}
	return func(c *config) { c.pageSize = n }
}

// WithClock sets the clock the server stamps items and tokens with and
// checks token expiry against. The default is time.Now. Latency and other
// waits always use real time.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithLogger sets where the server logs what it does (one debug record per
// request; tokens and Authorization headers are never logged). The default
// discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithTokenLifetime sets how long access tokens live (expires_in). The
// default is one hour. It panics if d <= 0.
func WithTokenLifetime(d time.Duration) Option {
	if d <= 0 {
		panic(fmt.Sprintf("outlooktest: WithTokenLifetime(%v): the lifetime must be positive", d))
	}
	return func(c *config) { c.tokenLifetime = d }
}

// WithAutoApprove makes the issuer sign in smtp at once wherever a person
// would act: device codes are approved on their first poll and the authorize
// endpoint redirects back with a code without asking. The mailbox must be
// added (AddMailbox) before the flow runs. By default nobody is signed in:
// device codes stay pending until ApproveDeviceCode.
func WithAutoApprove(smtp string) Option {
	return func(c *config) { c.autoApprove = strings.ToLower(smtp) }
}

// WithFaultSeed seeds the generator that decides Fault.Rate draws, so a test
// run repeats. The default seed is 1.
func WithFaultSeed(seed uint64) Option {
	return func(c *config) { c.faultSeed = seed }
}

// WithApp registers an application with the issuer, as RegisterApp does.
func WithApp(a App) Option {
	return func(c *config) { c.apps = append(c.apps, a) }
}

// Server is an in-process fake of Exchange Online, on-premises Exchange
// servers, their Autodiscover endpoints and the Entra ID token issuer, all
// on loopback. Create it with NewServer and stop it with Close. It is safe
// for concurrent use.
type Server struct {
	cfg       config
	ca        *authority
	tlsLn     net.Listener
	plainLn   net.Listener
	https     *http.Server
	http      *http.Server
	transport *http.Transport
	cancel    context.CancelFunc
	closeOnce sync.Once
	logger    *slog.Logger

	store     *store
	graphREST http.Handler
	issuer    *issuer
	faults    *faultSet
	log       requestLog

	mu        sync.RWMutex
	locations map[string]Location     // mailbox address -> where it lives
	domains   map[string]*domainState // mail domain -> its tenant and Autodiscover settings
	onprem    map[string]*onpremHost  // on-premises host name -> its REST settings
	custom    map[string]http.Handler // AddHost
	srv       map[string]srvRecord    // mail domain -> SRV record
	srvHosts  map[string]string       // SRV target host -> mail domain it answers Autodiscover for
}

type domainState struct {
	name     string
	tenantID string
	behavior AutodiscoverBehavior
}

type onpremHost struct {
	name               string
	domain             string // the mail domain whose tenant the host belongs to
	rest               http.Handler
	restDisabled       bool
	modernAuthDisabled bool
}

type srvRecord struct {
	target string
	port   uint16
}

// NewServer starts a fake on two loopback listeners (TLS, and plain HTTP for
// the Autodiscover redirect probe) with a certificate authority made in
// memory. It panics if it cannot listen, as httptest.NewServer does.
func NewServer(opts ...Option) *Server {
	cfg := config{
		pageSize:      defaultPageSize,
		now:           time.Now,
		logger:        slog.New(slog.DiscardHandler),
		tokenLifetime: defaultTokenLifetime,
		faultSeed:     1,
	}
	for _, o := range opts {
		o(&cfg)
	}
	ca, err := newAuthority()
	if err != nil {
		panic(err)
	}
	tlsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("outlooktest: listen: %v", err))
	}
	plainLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = tlsLn.Close()
		panic(fmt.Sprintf("outlooktest: listen: %v", err))
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:       cfg,
		ca:        ca,
		tlsLn:     tls.NewListener(tlsLn, ca.serverConfig()),
		plainLn:   plainLn,
		cancel:    cancel,
		logger:    cfg.logger,
		faults:    newFaultSet(cfg.faultSeed),
		locations: map[string]Location{},
		domains:   map[string]*domainState{},
		onprem:    map[string]*onpremHost{},
		custom:    map[string]http.Handler{},
		srv:       map[string]srvRecord{},
		srvHosts:  map[string]string{},
	}
	s.store = newStore(s.now)
	s.graphREST = newRESTHandler(s.store, s.restEnv(dialectGraph, graphHost))
	s.issuer = newIssuer(s)
	for _, a := range cfg.apps {
		s.RegisterApp(a)
	}
	s.transport = &http.Transport{
		Proxy:               nil, // never an environment proxy: nothing leaves the process
		DialContext:         s.dial,
		TLSClientConfig:     &tls.Config{RootCAs: ca.pool, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 32,
		IdleConnTimeout:     30 * time.Second,
	}
	base := func(net.Listener) context.Context { return ctx }
	s.https = &http.Server{Handler: s, BaseContext: base, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slogErrorLog(s.logger)}
	s.http = &http.Server{Handler: s, BaseContext: base, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slogErrorLog(s.logger)}
	go func() { _ = s.https.Serve(s.tlsLn) }()
	go func() { _ = s.http.Serve(s.plainLn) }()
	return s
}

// Close stops the listeners, cuts short the waits of latency faults and
// Autodiscover latency, and waits up to a few seconds for requests in
// flight to finish.
// It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		_ = s.https.Shutdown(ctx)
		_ = s.http.Shutdown(ctx)
		_ = s.https.Close()
		_ = s.http.Close()
		s.transport.CloseIdleConnections()
	})
}

// Client returns a new *http.Client that reaches the fake under the real
// host names (login.microsoftonline.com, graph.microsoft.com, ...) and every
// test domain's hosts, trusts only the server's CA, and refuses any other
// host with ErrUnknownHost. It follows redirects as a default http.Client
// does; code that must see them sets its own CheckRedirect on its copy.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: s.transport}
}

// Transport returns the transport Client uses, for callers composing their
// own clients (wrap it, or Clone it and change what you need). Do not modify
// it in place: every Client of this server shares it.
func (s *Server) Transport() *http.Transport { return s.transport }

// CACertPool returns a pool holding only the server's CA certificate.
func (s *Server) CACertPool() *x509.CertPool { return s.ca.pool.Clone() }

// CACert returns the server's CA certificate.
func (s *Server) CACert() *x509.Certificate { return s.ca.cert }

// dial sends every host the server knows to its listener: port 80 to the
// plain-HTTP one, any other port to the TLS one.
func (s *Server) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("outlooktest: dial %q: %w", addr, err)
	}
	host = normHost(host)
	if s.hostKindOf(host) == hostUnknown {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("%w %q (%s)", ErrUnknownHost, host, unknownHostExplanation)}
	}
	target := s.tlsLn.Addr().String()
	if port == plainHTTPPort {
		target = s.plainLn.Addr().String()
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", target)
}

func (s *Server) now() time.Time { return s.cfg.now() }

func (s *Server) restEnv(d wireDialect, host string) restEnv {
	return restEnv{
		dialect:  d,
		host:     host,
		locate:   s.locate,
		pageSize: func() int { return s.cfg.pageSize },
		now:      s.now,
		tenant:   s.tenantOf,
	}
}

// tenantOf returns the tenant id of the domain of a mailbox address.
func (s *Server) tenantOf(smtp string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if d, ok := s.domains[domainOf(smtp)]; ok {
		return d.tenantID
	}
	return ""
}

func (s *Server) locate(smtp string) (Location, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	loc, ok := s.locations[strings.ToLower(smtp)]
	return loc, ok
}

// AddMailbox creates the mailbox smtp (with its well-known folders) at loc
// and makes its domain's hosts reachable: the domain itself,
// autodiscover.<domain> and, for OnPremises, the server's host. Adding a
// mailbox that exists returns it and records the new location. It panics on
// a malformed address or host name: that is a bug in the test.
func (s *Server) AddMailbox(smtp string, loc Location) *Mailbox {
	addr, domain, err := parseAddress(smtp)
	if err != nil {
		panic("outlooktest: AddMailbox: " + err.Error())
	}
	if !loc.IsCloud() {
		if err := checkOnPremHost(loc.Host()); err != nil {
			panic(fmt.Sprintf("outlooktest: AddMailbox(%q): %v", smtp, err))
		}
	}
	s.mu.Lock()
	s.ensureDomainLocked(domain)
	if !loc.IsCloud() {
		s.ensureOnPremLocked(loc.Host(), domain)
	}
	s.locations[addr] = loc
	s.mu.Unlock()
	return s.store.ensureMailbox(addr)
}

// Mailbox returns the mailbox smtp. It panics if the server has no such
// mailbox: that is a bug in the test.
func (s *Server) Mailbox(smtp string) *Mailbox {
	m, ok := s.store.mailbox(strings.ToLower(smtp))
	if !ok {
		panic(fmt.Sprintf("outlooktest: Mailbox(%q): no such mailbox (AddMailbox it first)", smtp))
	}
	return m
}

// Move moves a mailbox, as a migration between on-premises and Exchange
// Online does: its items stay, and from now on Autodiscover, Graph and the
// on-premises hosts answer for it as living at loc. It panics if the mailbox
// is unknown.
func (s *Server) Move(smtp string, loc Location) {
	addr := strings.ToLower(smtp)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.locations[addr]; !ok {
		panic(fmt.Sprintf("outlooktest: Move(%q): no such mailbox", smtp))
	}
	if !loc.IsCloud() {
		if err := checkOnPremHost(loc.Host()); err != nil {
			panic(fmt.Sprintf("outlooktest: Move(%q): %v", smtp, err))
		}
		s.ensureOnPremLocked(loc.Host(), domainOf(addr))
	}
	s.locations[addr] = loc
}

// SetRESTDisabled makes the on-premises host answer /api with the 404 page
// IIS gives when the virtual directory is gone, as servers whose REST preview
// ended do; Autodiscover still returns the /api URL. It panics if host is not
// an on-premises host of the server.
func (s *Server) SetRESTDisabled(host string, disabled bool) {
	s.onpremFor("SetRESTDisabled", host, func(h *onpremHost) { h.restDisabled = disabled })
}

// SetModernAuthDisabled makes the on-premises host answer /api with a 401
// offering only Negotiate, NTLM and Basic (no Bearer challenge), as a server
// without hybrid modern authentication does. It panics if host is not an
// on-premises host of the server.
func (s *Server) SetModernAuthDisabled(host string, disabled bool) {
	s.onpremFor("SetModernAuthDisabled", host, func(h *onpremHost) { h.modernAuthDisabled = disabled })
}

func (s *Server) onpremFor(op, host string, f func(*onpremHost)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.onprem[normHost(host)]
	if !ok {
		panic(fmt.Sprintf("outlooktest: %s(%q): not an on-premises host of this server", op, host))
	}
	f(h)
}

// AddHost mounts h on a host name of the test's choosing (e.g. "evil.example"
// for a hostile Autodiscover redirect), on both the TLS and the plain-HTTP
// listener. The handler sees every request to that name, before faults are
// considered for other hosts (faults still apply to it). A name the server
// already serves is taken over. It panics on a malformed name.
func (s *Server) AddHost(name string, h http.Handler) {
	name = normHost(name)
	if !validHostName(name) || h == nil {
		panic(fmt.Sprintf("outlooktest: AddHost(%q): need a host name and a handler", name))
	}
	s.mu.Lock()
	s.custom[name] = h
	s.mu.Unlock()
}

// TenantID returns the tenant (directory) id of a mail domain or of an
// address's domain: a GUID derived from the domain, stable across runs. It
// panics if no mailbox of that domain was added.
func (s *Server) TenantID(domainOrAddress string) string {
	d := strings.ToLower(domainOrAddress)
	if i := strings.LastIndexByte(d, '@'); i >= 0 {
		d = d[i+1:]
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ds, ok := s.domains[d]
	if !ok {
		panic(fmt.Sprintf("outlooktest: TenantID(%q): no mailbox of that domain", domainOrAddress))
	}
	return ds.tenantID
}

func (s *Server) ensureDomainLocked(domain string) *domainState {
	if d, ok := s.domains[domain]; ok {
		return d
	}
	d := &domainState{name: domain, tenantID: nameUUID("tenant:" + domain)}
	s.domains[domain] = d
	return d
}

func (s *Server) ensureOnPremLocked(host, domain string) *onpremHost {
	if h, ok := s.onprem[host]; ok {
		return h
	}
	h := &onpremHost{name: host, domain: domain, rest: newRESTHandler(s.store, s.restEnv(dialectV2, host))}
	s.onprem[host] = h
	return h
}

// hostKind is what a host name is to the fake.
type hostKind int

const (
	hostUnknown            hostKind = iota
	hostCustom                      // AddHost
	hostLogin                       // the token issuer
	hostGraph                       // Graph v1.0
	hostEXO                         // Exchange Online's Autodiscover (and the retired cloud REST v2.0)
	hostOnPrem                      // an on-premises Exchange server: REST v2.0 and Autodiscover
	hostDomainAutodiscover          // <domain>, autodiscover.<domain>, SRV targets
)

func (s *Server) hostKindOf(host string) hostKind {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.hostKindLocked(host)
}

func (s *Server) hostKindLocked(host string) hostKind {
	if _, ok := s.custom[host]; ok {
		return hostCustom
	}
	switch host {
	case loginHost, loginWindowsHost, loginMicrosoftHost:
		return hostLogin
	case graphHost:
		return hostGraph
	case exoHost, outlookCloudHost, exoAutodiscoverHost:
		return hostEXO
	}
	if _, ok := s.onprem[host]; ok {
		return hostOnPrem
	}
	if _, ok := s.srvHosts[host]; ok {
		return hostDomainAutodiscover
	}
	if _, ok := s.domains[host]; ok {
		return hostDomainAutodiscover
	}
	if d, ok := strings.CutPrefix(host, "autodiscover."); ok {
		if _, ok := s.domains[d]; ok {
			return hostDomainAutodiscover
		}
	}
	return hostUnknown
}

// ServeHTTP is the front door of both listeners: it logs the request,
// applies faults, then routes by host name.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := normHost(hostOnly(r.Host))
	token, sent := bearerToken(r)
	entry := &Request{
		Method:    r.Method,
		Scheme:    "https",
		Host:      host,
		Path:      r.URL.Path,
		RawQuery:  r.URL.RawQuery,
		TokenSent: sent && token != "",
		Time:      s.now(),
	}
	if r.TLS == nil {
		entry.Scheme = "http"
	}
	if entry.TokenSent {
		if ti, ok := s.issuer.lookup(token); ok && s.now().Before(ti.expires) {
			entry.Audience = ti.audience
		}
	}
	sw := &statusWriter{ResponseWriter: w}
	logged := false
	// record logs the request once: when the handler returns, or just
	// before a fault closes the connection, so that a client which has seen
	// the connection drop also sees the log entry.
	record := func() {
		if logged {
			return
		}
		logged = true
		entry.Status = sw.status
		s.log.add(*entry)
		s.logger.DebugContext(r.Context(), "outlooktest request", "method", entry.Method, "scheme", entry.Scheme,
			"host", entry.Host, "path", entry.Path, "status", entry.Status, "token_sent", entry.TokenSent,
			"audience", entry.Audience, "fault", entry.FaultApplied)
	}
	defer record()
	sw.onStatus = record
	sw.Header().Set("request-id", newUUID())
	if id := r.Header.Get("client-request-id"); id != "" {
		sw.Header().Set("client-request-id", id)
	}

	s.mu.RLock()
	kind := s.hostKindLocked(host)
	custom := s.custom[host]
	s.mu.RUnlock()

	next := s.router(kind, host, custom, r.TLS == nil)
	if f, ok := s.faults.pick(host, r.Method, r.URL.Path); ok {
		entry.FaultApplied = true
		if s.applyFault(sw, r, f, kind, next, record) {
			return
		}
	}
	next.ServeHTTP(sw, r)
}

// router returns the handler for one host.
func (s *Server) router(kind hostKind, host string, custom http.Handler, plain bool) http.Handler {
	if kind == hostCustom {
		return custom
	}
	if plain {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.servePlain(w, r, kind, host) })
	}
	switch kind {
	case hostLogin:
		return s.issuer
	case hostGraph:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveGraph(w, r) })
	case hostEXO:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveEXO(w, r, host) })
	case hostOnPrem:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveOnPrem(w, r, host) })
	case hostDomainAutodiscover:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveDomainAutodiscover(w, r, host) })
	}
	// A client that bypassed the dialer (dialled the listener by address).
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, fmt.Sprintf("outlooktest: unknown host %q (%s)", host, unknownHostExplanation), http.StatusMisdirectedRequest)
	})
}

// servePlain answers the plain-HTTP listener: only the Autodiscover redirect
// probe is served there, as on a real domain.
func (s *Server) servePlain(w http.ResponseWriter, r *http.Request, kind hostKind, host string) {
	if (kind == hostDomainAutodiscover || kind == hostOnPrem) && r.Method == http.MethodGet &&
		strings.EqualFold(r.URL.Path, "/autodiscover/autodiscover.xml") {
		s.serveRedirectProbe(w, r, host)
		return
	}
	http.Error(w, "outlooktest: plain HTTP serves only the Autodiscover redirect probe (GET /autodiscover/autodiscover.xml on a domain's hosts)", http.StatusForbidden)
}

func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/v1.0/") && r.URL.Path != "/v1.0" {
		writeHostODataError(w, http.StatusNotImplemented, "NotImplemented",
			fmt.Sprintf("outlooktest: only Graph v1.0 is served, not %q", r.URL.Path))
		return
	}
	p, ok := s.authenticate(w, r, graphHost, nil)
	if !ok {
		return
	}
	s.graphREST.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), p)))
}

func (s *Server) serveEXO(w http.ResponseWriter, r *http.Request, host string) {
	if isAutodiscoverPath(r.URL.Path) {
		s.serveEXOAutodiscover(w, r, host)
		return
	}
	if host == outlookCloudHost && isUploadPath(r.URL.Path) {
		s.serveUpload(w, r)
		return
	}
	if hasPathPrefixFold(r.URL.Path, "/api") {
		writeHostODataError(w, http.StatusNotFound, "ErrorRESTApiDecommissioned",
			"outlooktest: the cloud Outlook REST API (v1.0, v2.0, beta) is decommissioned; cloud mailboxes are served by Microsoft Graph")
		return
	}
	http.Error(w, fmt.Sprintf("outlooktest: %s serves only Autodiscover v2 (/autodiscover/autodiscover.json)", host), http.StatusNotImplemented)
}

func (s *Server) serveOnPrem(w http.ResponseWriter, r *http.Request, host string) {
	switch {
	case isAutodiscoverPath(r.URL.Path):
		s.serveDomainAutodiscover(w, r, host)
		return
	case hasPathPrefixFold(r.URL.Path, "/api"):
	default:
		http.Error(w, fmt.Sprintf("outlooktest: %s serves only /api/v2.0 and Autodiscover v2 (EWS, OWA and ActiveSync are not implemented)", host), http.StatusNotImplemented)
		return
	}
	s.mu.RLock()
	h := s.onprem[host]
	disabled, noModern, domain := h.restDisabled, h.modernAuthDisabled, h.domain
	tenant := s.domains[domain].tenantID
	s.mu.RUnlock()
	if disabled {
		writeIIS404(w)
		return
	}
	if noModern {
		writeLegacyAuthChallenge(w, host)
		return
	}
	if !hasPathPrefixFold(r.URL.Path, "/api/v2.0/") {
		writeHostODataError(w, http.StatusNotFound, "ErrorInvalidUrlQuery",
			fmt.Sprintf("outlooktest: only /api/v2.0 is served on %s, not %q", host, r.URL.Path))
		return
	}
	p, ok := s.authenticate(w, r, host, &onpremChallenge{host: host, tenantID: tenant})
	if !ok {
		return
	}
	h.rest.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), p)))
}

// writeIIS404 is the page IIS answers for a virtual directory that is not there.
func writeIIS404(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "Microsoft-IIS/10.0")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>404 - File or directory not found.</title></head>
<body><div id="header"><h1>Server Error</h1></div><div id="content"><fieldset>
<h2>404 - File or directory not found.</h2>
<h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>
</fieldset></div></body></html>
`))
}

// parseAddress validates an SMTP address and returns it lower-cased with its domain.
func parseAddress(smtp string) (addr, domain string, err error) {
	addr = strings.ToLower(strings.TrimSpace(smtp))
	local, domain, ok := strings.Cut(addr, "@")
	switch {
	case !ok || local == "" || strings.ContainsAny(local, " \t\r\n<>()[]\\,;:\"@/?#%"):
		return "", "", fmt.Errorf("%q is not an SMTP address (want local@domain)", smtp)
	case !validHostName(domain) || !strings.Contains(domain, "."):
		return "", "", fmt.Errorf("%q is not an SMTP address: domain %q is not a DNS name with a dot", smtp, domain)
	}
	return addr, domain, nil
}

// checkOnPremHost refuses names that cannot be an on-premises server: not a
// host name, or one of the Microsoft hosts the fake serves itself.
func checkOnPremHost(h string) error {
	switch {
	case !validHostName(h):
		return fmt.Errorf("on-premises host %q is not a host name", h)
	case h == loginHost || h == loginWindowsHost || h == loginMicrosoftHost || h == graphHost ||
		h == exoHost || h == outlookCloudHost || h == exoAutodiscoverHost:
		return fmt.Errorf("on-premises host %q is a Microsoft host", h)
	}
	return nil
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}

// validHostName reports whether s is a DNS host name (letters, digits,
// hyphens, dots; labels of 1 to 63 characters).
func validHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

func normHost(h string) string { return strings.ToLower(strings.TrimSuffix(h, ".")) }

// hostOnly strips a port from a Host header.
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

func hasPathPrefixFold(p, prefix string) bool {
	return len(p) >= len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) &&
		(len(p) == len(prefix) || prefix[len(prefix)-1] == '/' || p[len(prefix)] == '/')
}

// nameUUID derives a stable, GUID-shaped id from a name, so tenant and user
// ids are the same in every run (and in Example output).
func nameUUID(name string) string {
	sum := sha256.Sum256([]byte("outlooktest:" + name))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80 // version 8: custom
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newUUID returns a random version-4 UUID string.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// slogErrorLog routes net/http's own complaints (TLS handshake errors from
// clients that do not trust the CA, say) to the server's logger at debug level.
func slogErrorLog(l *slog.Logger) *log.Logger {
	return slog.NewLogLogger(l.Handler(), slog.LevelDebug)
}
