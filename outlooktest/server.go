package outlooktest

import (
	"context"
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

	"github.com/exchangekit/outlook/internal/srvhook"
	"github.com/exchangekit/outlook/outlooktest/internal/autodiscover"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/ews"
	"github.com/exchangekit/outlook/outlooktest/internal/faults"
	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
	"github.com/exchangekit/outlook/outlooktest/internal/rest"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
	"github.com/exchangekit/outlook/outlooktest/internal/tlsca"
	"github.com/exchangekit/outlook/outlooktest/internal/winauth"
)

const (
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
	appOnlyOnPrem bool
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

// WithFaultSeed seeds the draws that decide which requests a Fault with a
// Rate acts on, so a test run repeats (see Fault). The default seed is 1.
func WithFaultSeed(seed uint64) Option {
	return func(c *config) { c.faultSeed = seed }
}

// WithAppOnlyOnPremises makes every on-premises host accept app-only
// tokens (client credentials) minted for it, on /api and on /EWS, as a
// server does after its administrator adds V1S2SAppOnly to the OAuth
// profiles of those virtual directories' web.config and gives Graph's
// partner application AppOnlyPermissions: an edit Microsoft does not
// support. By default an on-premises host refuses app-only tokens as
// Exchange Server does: 401 with the Bearer challenge, error="invalid_token"
// and x-ms-diagnostics "This token profile is not applicable for the current
// protocol.". Over EWS an accepted app-only token may act as any mailbox of
// its tenant through the ExchangeImpersonation header, which it must send.
func WithAppOnlyOnPremises() Option {
	return func(c *config) { c.appOnlyOnPrem = true }
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
	ca        *tlsca.Authority
	tlsLn     net.Listener
	plainLn   net.Listener
	https     *http.Server
	http      *http.Server
	transport *http.Transport
	cancel    context.CancelFunc
	closeOnce sync.Once
	logger    *slog.Logger

	store        *store.Store
	graphREST    *rest.Handler
	subs         *rest.Subscriptions // Graph change notifications (subscriptions.go)
	uploads      *rest.Uploads
	issuer       *issuer.Issuer
	autodiscover *autodiscover.Service
	faults       *faults.Set
	log          requestLog
	inflight     inflight
	directory    *winauth.Directory // on-premises accounts and their rights

	mu        sync.RWMutex
	boxes     map[*store.Mailbox]*Mailbox // the handle Mailbox and AddMailbox return
	locations map[string]Location         // mailbox address -> where it lives
	domains   map[string]*domainState     // mail domain -> its tenant and Autodiscover settings
	onprem    map[string]*onpremHost      // on-premises host name -> its REST settings
	custom    map[string]http.Handler     // AddHost
	srv       map[string]srvRecord        // mail domain -> SRV record
	srvHosts  map[string]string           // SRV target host -> mail domain it answers Autodiscover for
	srvAsked  []string                    // SRV record names looked up, in order (SRVLookups)

	detachSRV func() // takes the transport's SRV hook back at Close
}

type domainState struct {
	name     string
	tenantID string
	behavior AutodiscoverBehavior
}

type onpremHost struct {
	name               string
	domain             string // the mail domain whose tenant the host belongs to
	rest               *rest.Handler
	ews                *ews.Handler
	protocols          Protocols // the client APIs it serves (SetProtocols)
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
	ca, err := tlsca.New()
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
		tlsLn:     tls.NewListener(tlsLn, ca.ServerConfig()),
		plainLn:   plainLn,
		cancel:    cancel,
		logger:    cfg.logger,
		faults:    faults.NewSet(cfg.faultSeed),
		boxes:     map[*store.Mailbox]*Mailbox{},
		locations: map[string]Location{},
		domains:   map[string]*domainState{},
		onprem:    map[string]*onpremHost{},
		custom:    map[string]http.Handler{},
		srv:       map[string]srvRecord{},
		srvHosts:  map[string]string{},
	}
	s.store = store.New(s.now)
	s.uploads = rest.NewUploads(s.store)
	s.subs = rest.NewSubscriptions(s.store, s.now, ctx, nil)
	s.graphREST = rest.New(s.store, s.restEnv(dialect.Graph, hosts.Graph))
	s.issuer = issuer.New(issuer.Config{Now: s.now, TokenLifetime: cfg.tokenLifetime, AutoApprove: cfg.autoApprove, Directory: issuerDirectory{s}})
	s.subs.SetValidationTokens(s.issuer.MintValidationToken)
	s.autodiscover = autodiscover.New(autodiscoverDirectory{s})
	s.directory = &winauth.Directory{Domains: s.domainNames}
	for _, a := range cfg.apps {
		s.RegisterApp(a)
	}
	s.transport = &http.Transport{
		Proxy:               nil, // never an environment proxy: nothing leaves the process
		DialContext:         s.dial,
		TLSClientConfig:     &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 32,
		IdleConnTimeout:     30 * time.Second,
	}
	s.subs.SetClient(s.Client())
	// Clients of this transport ask the server for DNS SRV records too
	// (autodiscover reads the hook), so no lookup leaves the process.
	s.detachSRV = srvhook.Attach(s.transport, s.LookupSRV)
	base := func(net.Listener) context.Context { return ctx }
	// Each TLS connection carries its Windows sign-in state: IIS binds an
	// NTLM handshake to the connection it happened on.
	conn := func(ctx context.Context, _ net.Conn) context.Context { return winauth.WithConn(ctx) }
	s.https = &http.Server{Handler: s, BaseContext: base, ConnContext: conn, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slogErrorLog(s.logger)}
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
		s.detachSRV()
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
func (s *Server) CACertPool() *x509.CertPool { return s.ca.Pool().Clone() }

// CACert returns the server's CA certificate.
func (s *Server) CACert() *x509.Certificate { return s.ca.Cert() }

// dial sends every host the server knows to its listener: port 80 to the
// plain-HTTP one, any other port to the TLS one.
func (s *Server) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("outlooktest: dial %q: %w", addr, err)
	}
	host = hosts.Norm(host)
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

func (s *Server) restEnv(d dialect.Dialect, host string) rest.Env {
	env := rest.Env{
		Dialect:  d,
		Host:     host,
		Locate:   s.locateHost,
		PageSize: func() int { return s.cfg.pageSize },
		Now:      s.now,
		Tenant:   s.tenantOf,
		Track:    s.inflight.enter,
		FullAccess: func(user, mailbox string) bool {
			return s.directory.FullAccess(mailbox, user)
		},
	}
	if d == dialect.Graph {
		env.Uploads = s.uploads
		env.Subscriptions = s.subs
	}
	return env
}

// locateHost says where a mailbox lives as the REST and Autodiscover hosts
// need it: "" for Exchange Online, else the on-premises server's name.
func (s *Server) locateHost(smtp string) (string, bool) {
	loc, ok := s.locate(smtp)
	return loc.Host(), ok
}

// tenantOf returns the tenant id of the domain of a mailbox address.
func (s *Server) tenantOf(smtp string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if d, ok := s.domains[hosts.DomainOf(smtp)]; ok {
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
	addr, domain, err := hosts.ParseAddress(smtp)
	if err != nil {
		panic("outlooktest: AddMailbox: " + err.Error())
	}
	if !loc.IsCloud() {
		if err := hosts.CheckOnPremises(loc.Host()); err != nil {
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
	return s.handle(s.store.EnsureMailbox(addr))
}

// handle returns the one Mailbox handle of a mailbox of the store.
func (s *Server) handle(m *store.Mailbox) *Mailbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.boxes[m]
	if !ok {
		h = &Mailbox{st: s.store, m: m}
		s.boxes[m] = h
	}
	return h
}

// Mailbox returns the mailbox smtp. It panics if the server has no such
// mailbox: that is a bug in the test.
func (s *Server) Mailbox(smtp string) *Mailbox {
	m, ok := s.store.Mailbox(strings.ToLower(smtp))
	if !ok {
		panic(fmt.Sprintf("outlooktest: Mailbox(%q): no such mailbox (AddMailbox it first)", smtp))
	}
	return s.handle(m)
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
		if err := hosts.CheckOnPremises(loc.Host()); err != nil {
			panic(fmt.Sprintf("outlooktest: Move(%q): %v", smtp, err))
		}
		s.ensureOnPremLocked(loc.Host(), hosts.DomainOf(addr))
	}
	s.locations[addr] = loc
}

// Protocols is a set of the client APIs an on-premises Exchange server
// serves, for SetProtocols: EWS, RESTv2, both (EWS|RESTv2, what a new host
// serves) or neither (0).
type Protocols uint8

const (
	// EWS is Exchange Web Services: SOAP 1.1 at https://<host>/EWS/Exchange.asmx,
	// the API every supported Exchange Server version serves.
	EWS Protocols = 1 << iota
	// RESTv2 is the Outlook REST API v2.0 at https://<host>/api/v2.0, which
	// Exchange 2016 and 2019 served as a preview that ended in 2022.
	RESTv2
)

// String returns "EWS", "RESTv2", "EWS|RESTv2" or "none".
func (p Protocols) String() string {
	var names []string
	if p&EWS != 0 {
		names = append(names, "EWS")
	}
	if p&RESTv2 != 0 {
		names = append(names, "RESTv2")
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}

// SetProtocols sets the client APIs the on-premises host serves; a host
// serves both EWS and RESTv2 until told otherwise. An API the host does not
// serve answers every request with the 404 page IIS gives for a virtual
// directory that is not there. Autodiscover is not affected: the host's own
// Autodiscover keeps answering Protocol=Rest with https://<host>/api and
// Protocol=Ews with https://<host>/EWS/Exchange.asmx, because Exchange builds
// those answers from its configured URLs, not from what the virtual
// directories serve, so a client learns that REST is gone only from the 404.
// It panics if host is not an on-premises host of the server.
func (s *Server) SetProtocols(host string, p Protocols) {
	s.onpremFor("SetProtocols", host, func(h *onpremHost) { h.protocols = p & (EWS | RESTv2) })
}

// SetRESTDisabled takes RESTv2 out of the host's protocols (disabled) or
// puts it back, as SetProtocols does: /api answers the 404 page IIS gives
// when the virtual directory is gone, as servers whose REST preview ended
// do, and Autodiscover still returns the /api URL. It panics if host is not
// an on-premises host of the server.
func (s *Server) SetRESTDisabled(host string, disabled bool) {
	s.onpremFor("SetRESTDisabled", host, func(h *onpremHost) {
		if disabled {
			h.protocols &^= RESTv2
		} else {
			h.protocols |= RESTv2
		}
	})
}

// SetModernAuthDisabled makes the on-premises host refuse bearer tokens and
// answer /api with a 401 offering only Negotiate, NTLM and Basic (no Bearer
// challenge), as a server without hybrid modern authentication does. It panics if host is not an
// on-premises host of the server.
func (s *Server) SetModernAuthDisabled(host string, disabled bool) {
	s.onpremFor("SetModernAuthDisabled", host, func(h *onpremHost) { h.modernAuthDisabled = disabled })
}

func (s *Server) onpremFor(op, host string, f func(*onpremHost)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.onprem[hosts.Norm(host)]
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
	name = hosts.Norm(name)
	if !hosts.Valid(name) || h == nil {
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
	d := &domainState{name: domain, tenantID: ids.FromName("tenant:" + domain)}
	s.domains[domain] = d
	return d
}

func (s *Server) ensureOnPremLocked(host, domain string) *onpremHost {
	if h, ok := s.onprem[host]; ok {
		return h
	}
	h := &onpremHost{name: host, domain: domain, rest: rest.New(s.store, s.restEnv(dialect.V2, host)), protocols: EWS | RESTv2}
	h.ews = ews.New(s.store, ews.Env{
		Host:      host,
		Locate:    s.locateHost,
		Tenant:    s.tenantOf,
		Now:       s.now,
		Track:     s.inflight.enter,
		Directory: ewsDirectory{s},
	})
	s.onprem[host] = h
	return h
}

// domainNames returns the mail domains of the server.
func (s *Server) domainNames() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.domains))
	for d := range s.domains {
		out = append(out, d)
	}
	return out
}

// AddAccount adds an account to the on-premises Active Directory the
// test domains share, for signing in to the on-premises hosts' EWS with
// NTLM or Basic: a service account (CONTOSO\svc-ews, whose NetBIOS domain
// is a test domain's first label in capitals) or a mailbox user, whose
// user principal name is the mailbox's address (bob@contoso.com). An
// account signed in acts as its own mailbox, if it has one, and as others
// through the rights GrantImpersonation and GrantFullAccess give it.
// Adding an account that exists sets its password. It panics on a name
// that is neither DOMAIN\user nor user@domain: that is a bug in the test.
func (s *Server) AddAccount(name, password string) {
	if _, err := s.directory.Add(name, password); err != nil {
		panic("outlooktest: AddAccount: " + err.Error())
	}
}

// GrantImpersonation gives an account (DOMAIN\user or its UPN, added with
// AddAccount) the ApplicationImpersonation role, as
// New-ManagementRoleAssignment does: on the mailboxes given, or on every
// mailbox when none is (an assignment without a scope). With it the
// account acts as those mailboxes through EWS's ExchangeImpersonation
// header; without it EWS answers ErrorImpersonateUserDenied (the role,
// but not on that mailbox) or ErrorImpersonationDenied (no role at all).
// It panics if the account does not exist.
func (s *Server) GrantImpersonation(account string, mailboxes ...string) {
	a := s.directory.Lookup(account)
	if a == nil {
		panic(fmt.Sprintf("outlooktest: GrantImpersonation(%q): no such account (AddAccount it first)", account))
	}
	s.directory.GrantImpersonation(a, mailboxes)
}

// GrantFullAccess lets user (an account added with AddAccount, or the
// address of a mailbox whose user signs in with a token) open mailbox as
// a delegate, as Add-MailboxPermission -AccessRights FullAccess does: EWS
// then serves requests that name mailbox in a DistinguishedFolderId's
// Mailbox element, or ids of its items, and Graph and REST v2.0 serve
// /users/{mailbox}/... to the user's delegated tokens. Without the grant
// they answer ErrorAccessDenied, but for the calendars the mailbox shared
// with the user (Mailbox.ShareCalendar).
func (s *Server) GrantFullAccess(mailbox, user string) {
	s.directory.GrantFullAccess(mailbox, user)
	if a := s.directory.Lookup(user); a != nil {
		s.directory.GrantFullAccess(mailbox, a.DownLevel())
		if upn := s.directory.UPN(a); upn != "" {
			s.directory.GrantFullAccess(mailbox, upn)
		}
	}
}

// ewsDirectory answers the EWS front end's rights questions from the
// server's directory.
type ewsDirectory struct{ s *Server }

func (d ewsDirectory) CanImpersonate(c ews.Caller, mailbox string) (bool, bool) {
	for _, name := range []string{c.Name, c.Mailbox} {
		if a := d.s.directory.Lookup(name); a != nil {
			return d.s.directory.CanImpersonate(a, mailbox)
		}
	}
	return false, false
}

func (d ewsDirectory) FullAccess(c ews.Caller, mailbox string) bool {
	if c.Mailbox != "" && strings.EqualFold(c.Mailbox, mailbox) {
		return true
	}
	return d.s.directory.FullAccess(mailbox, c.Name, c.Mailbox)
}

// slogErrorLog routes net/http's own complaints (TLS handshake errors from
// clients that do not trust the CA, say) to the server's logger at debug level.
func slogErrorLog(l *slog.Logger) *log.Logger {
	return slog.NewLogLogger(l.Handler(), slog.LevelDebug)
}
