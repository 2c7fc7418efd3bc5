package servicetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
	"golang.org/x/oauth2"
)

// The fake tenant every service test runs against: one mailbox in Exchange
// Online and one on an on-premises server of the same hybrid tenant, whose
// Active Directory holds a service account with the ApplicationImpersonation
// role on every mailbox.
const (
	CloudAddr  = "alice@contoso.com"
	OnPremAddr = "bob@contoso.com"
	OnPremHost = "mail.contoso.com"
	// ServiceUser and ServicePassword are the on-premises service
	// account's credentials (outlook.OnPremisesAccount).
	ServiceUser     = `CONTOSO\svc-mail`
	ServicePassword = "Svc!mail-1"
	appID           = "11111111-2222-3333-4444-555555555555"
	appSecret       = "s"
)

// Location is where the mailbox under test lives and the API that serves
// it: the three a program written against the services must run in
// unchanged.
type Location string

const (
	// Cloud is the Exchange Online mailbox, served through Microsoft Graph
	// v1.0 and signed in to app-only (outlook.ClientSecret), as a daemon
	// does.
	Cloud Location = "cloud"
	// EWS is the on-premises mailbox served through EWS, the route the SDK
	// takes by default, signed in to as a daemon does on premises: a
	// service account acting through impersonation (SignIn ServiceAccount;
	// NewEnvSignIn takes a delegated token instead).
	EWS Location = "ews"
	// REST is the on-premises mailbox served through the Outlook REST API
	// v2.0 (outlook.WithOnPremisesAPI(outlook.RESTv2)), signed in to with
	// the user's delegated Entra ID token: the only sign-in that API takes.
	REST Location = "rest"
)

// OnPremises reports whether the mailbox lives on the on-premises server.
func (l Location) OnPremises() bool { return l != Cloud }

// Addr returns the address of the location's mailbox.
func (l Location) Addr() string {
	if l.OnPremises() {
		return OnPremAddr
	}
	return CloudAddr
}

// Host returns the host serving the location's mailbox.
func (l Location) Host() string {
	if l.OnPremises() {
		return OnPremHost
	}
	return "graph.microsoft.com"
}

// Dialect returns the dialect the location's mailbox is spoken to in.
func (l Location) Dialect() *odata.Dialect {
	switch l {
	case EWS:
		return odata.EWS
	case REST:
		return odata.OutlookV2
	}
	return odata.Graph
}

// Locations are the locations a package's tests run in.
type Locations []Location

// AllLocations are the three locations.
var AllLocations = Locations{Cloud, EWS, REST}

// Each runs f once in each location, in parallel subtests named after the
// locations ("cloud", "ews", "rest"), each on a fake tenant of its own
// started with opts.
func (ls Locations) Each(t *testing.T, f func(t *testing.T, e *Env), opts ...outlooktest.Option) {
	t.Helper()
	for _, loc := range ls {
		t.Run(string(loc), func(t *testing.T) {
			t.Parallel()
			f(t, NewEnv(t, loc, opts...))
		})
	}
}

// SignIn is how a client of the harness signs in to the on-premises
// server: the two ways Microsoft supports there.
type SignIn string

const (
	// ServiceAccount is the on-premises service account (ServiceUser,
	// outlook.OnPremisesAccount: NTLM) acting as each mailbox through EWS
	// impersonation. The REST API v2.0 does not take it.
	ServiceAccount SignIn = "service account"
	// ServiceAccountBasic is ServiceAccount signing in with Basic over TLS
	// (outlook.OnPremisesAccountBasic).
	ServiceAccountBasic SignIn = "service account, Basic"
	// Delegated is the mailbox user's own Entra ID sign-in for the
	// on-premises host (hybrid modern authentication): a device code the
	// fake approves at once.
	Delegated SignIn = "delegated"
)

// Env is one test's fake tenant and the mailbox under test.
type Env struct {
	Srv    *outlooktest.Server
	Client *outlook.Client
	Loc    Location             // where the mailbox under test lives, and its API
	SignIn SignIn               // how Client signs in on premises
	Addr   string               // the mailbox under test
	Other  string               // the mailbox on the other side of the hybrid
	Box    *outlooktest.Mailbox // server side of Addr
	MB     *outlook.Mailbox     // client side of Addr
}

// Host returns the host serving the mailbox under test.
func (e *Env) Host() string { return e.Loc.Host() }

// Reopen returns the mailbox under test through a new client of the Env's
// tenant, location and sign-in, with opts added to the client's options.
func (e *Env) Reopen(t testing.TB, opts ...outlook.Option) *outlook.Mailbox {
	t.Helper()
	c, err := NewClient(e.Srv, e.Loc, e.SignIn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := c.Mailbox(t.Context(), e.Addr)
	if err != nil {
		t.Fatal(err)
	}
	return mb
}

// NewEnv starts a fake tenant holding both mailboxes, with the options
// given, and opens the mailbox of loc with the SDK's defaults and the
// sign-in a deployment uses there: app-only in the cloud, the service
// account over EWS, the user's delegated token over REST v2.0. The Env's
// client reaches the other mailbox through the same sign-ins, so from the
// cloud mailbox the on-premises one is served by EWS.
func NewEnv(t testing.TB, loc Location, opts ...outlooktest.Option) *Env {
	t.Helper()
	s := ServiceAccount
	if loc == REST {
		s = Delegated
	}
	return NewEnvSignIn(t, loc, s, opts...)
}

// NewEnvSignIn is NewEnv signing in to the on-premises server as s.
func NewEnvSignIn(t testing.TB, loc Location, s SignIn, opts ...outlooktest.Option) *Env {
	t.Helper()
	srv := NewTenant(opts...)
	t.Cleanup(srv.Close)
	c, err := NewClient(srv, loc, s)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := c.Mailbox(t.Context(), loc.Addr())
	if err != nil {
		t.Fatalf("Mailbox(%s): %v", loc.Addr(), err)
	}
	if got := mb.OData().Dialect(); got != loc.Dialect() {
		t.Fatalf("%s: the mailbox is spoken to in %v, want %v (route %v)", loc, got, loc.Dialect(), mb.Route())
	}
	other := OnPremAddr
	if loc.OnPremises() {
		other = CloudAddr
	}
	return &Env{Srv: srv, Client: c, Loc: loc, SignIn: s, Addr: loc.Addr(), Other: other, Box: srv.Mailbox(loc.Addr()), MB: mb}
}

// NewClient returns a client of the harness's tenant on srv (NewTenant)
// that serves on-premises mailboxes as loc says (through REST v2.0 for
// REST, else EWS) and signs in to them as s; cloud mailboxes it reaches
// app-only. Options are added to the harness's own.
func NewClient(srv *outlooktest.Server, loc Location, s SignIn, opts ...outlook.Option) (*outlook.Client, error) {
	var onPrem outlook.Credential
	switch s {
	case ServiceAccount:
		onPrem = outlook.OnPremisesAccount(ServiceUser, ServicePassword)
	case ServiceAccountBasic:
		onPrem = outlook.OnPremisesAccountBasic(ServiceUser, ServicePassword)
	case Delegated:
		onPrem = outlook.DeviceCode("contoso.com", appID, func(context.Context, outlook.DeviceCodePrompt) error { return nil }, "Mail.ReadWrite", "Mail.Send")
	default:
		return nil, fmt.Errorf("servicetest: unknown sign-in %q", s)
	}
	base := []outlook.Option{outlook.WithHTTPClient(srv.Client()), outlook.WithOnPremisesCredential(onPrem)}
	if loc == REST {
		base = append(base, outlook.WithOnPremisesAPI(outlook.RESTv2))
	}
	return outlook.NewClient(outlook.ClientSecret("contoso.com", appID, appSecret), append(base, opts...)...)
}

// NewTenant starts the harness's fake tenant, with opts: the cloud and the
// on-premises mailbox, the service account with the ApplicationImpersonation
// role on every mailbox, and the on-premises user signing in at once when
// asked (outlooktest.WithAutoApprove). Close it when done.
func NewTenant(opts ...outlooktest.Option) *outlooktest.Server {
	srv := outlooktest.NewServer(append([]outlooktest.Option{outlooktest.WithAutoApprove(OnPremAddr)}, opts...)...)
	srv.AddMailbox(CloudAddr, outlooktest.Cloud)
	srv.AddMailbox(OnPremAddr, outlooktest.OnPremises(OnPremHost))
	srv.AddAccount(ServiceUser, ServicePassword)
	srv.GrantImpersonation(ServiceUser)
	return srv
}

// Mailbox opens the mailbox at addr of srv for the examples of the
// service packages (which have no testing.T), as a program signs in:
// app-only for Exchange Online, and for an on-premises mailbox its user's
// delegated sign-in, through EWS (the SDK's default there). The fake
// approves the device code as the mailbox's user. It panics on error.
func Mailbox(srv *outlooktest.Server, addr string) *outlook.Mailbox {
	approve := func(_ context.Context, p outlook.DeviceCodePrompt) error {
		return srv.ApproveDeviceCode(p.UserCode, addr)
	}
	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, appSecret), outlook.WithHTTPClient(srv.Client()),
		outlook.WithOnPremisesCredential(outlook.DeviceCode("contoso.com", appID, approve, "Mail.ReadWrite")))
	if err != nil {
		panic(err)
	}
	mb, err := c.Mailbox(context.Background(), addr)
	if err != nil {
		panic(fmt.Errorf("Mailbox(%s): %w", addr, err))
	}
	return mb
}

// ewsPath is where every EWS operation is posted.
const ewsPath = "/EWS/Exchange.asmx"

// ReadFault returns a fault acting on the reads of the mailbox under test
// whose REST path (below the API root) starts with path: GETs of it on
// Graph and REST v2.0; on EWS, where every operation is a POST to one URL,
// the POSTs to that URL, whatever path says. Set what the fault does on
// the result.
func (e *Env) ReadFault(path string) outlooktest.Fault {
	if e.Loc == EWS {
		return outlooktest.Fault{Host: OnPremHost, Method: http.MethodPost, Path: ewsPath}
	}
	return outlooktest.Fault{Host: e.Host(), Method: http.MethodGet, Path: path}
}

// Reads counts the requests ReadFault(path) would act on that reached the
// server, sign-in challenges (401) left out.
func (e *Env) Reads(path string) int {
	f := e.ReadFault(path)
	n := 0
	for _, r := range e.Srv.Requests() {
		if r.Host != f.Host || r.Method != f.Method || r.Status == http.StatusUnauthorized {
			continue
		}
		p := strings.ToLower(r.Path)
		if e.Loc != EWS {
			p = strings.TrimPrefix(strings.TrimPrefix(p, "/v1.0"), "/api/v2.0")
		}
		if strings.HasPrefix(p, strings.ToLower(f.Path)) {
			n++
		}
	}
	return n
}

// AppOnlyOnPremises is a credential of app-only tokens from srv's issuer,
// for WithOnPremisesCredential: the SDK refuses to mint them for an
// on-premises server itself (Microsoft does not support them there), and
// the fake accepts them when told to (outlooktest.WithAppOnlyOnPremises).
// Tests that sign in app-only everywhere use it, as the service tests do.
func AppOnlyOnPremises(srv *outlooktest.Server) outlook.Credential {
	return outlook.FromTokenSource(func(resource string) oauth2.TokenSource {
		return appOnlyTokens{srv: srv, resource: resource}
	})
}

// appOnlyTokens gets app-only tokens from the fake's issuer with a plain
// client credentials request.
type appOnlyTokens struct {
	srv      *outlooktest.Server
	resource string
}

func (s appOnlyTokens) Token() (*oauth2.Token, error) {
	resp, err := s.srv.Client().PostForm("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {appSecret}, "scope": {s.resource + "/.default"}})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return nil, err
	}
	if tok.AccessToken == "" {
		return nil, fmt.Errorf("no token: status %d", resp.StatusCode)
	}
	return &oauth2.Token{AccessToken: tok.AccessToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)}, nil
}
