package servicetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/outlooktest"
)

// The fake tenant every service test runs against: one mailbox in Exchange
// Online and one on an on-premises server of the same hybrid tenant.
const (
	CloudAddr  = "alice@contoso.com"
	OnPremAddr = "bob@contoso.com"
	OnPremHost = "mail.contoso.com"
	appID      = "11111111-2222-3333-4444-555555555555"
)

// Env is one test's fake tenant and the mailbox under test.
type Env struct {
	Srv    *outlooktest.Server
	Client *outlook.Client
	Addr   string               // the mailbox under test
	Other  string               // the mailbox in the other dialect
	Box    *outlooktest.Mailbox // server side of Addr
	MB     *outlook.Mailbox     // client side of Addr
	OnPrem bool                 // Addr is the on-premises mailbox (Outlook REST v2.0)
}

// Host returns the REST host serving the mailbox under test.
func (e *Env) Host() string {
	if e.OnPrem {
		return OnPremHost
	}
	return "graph.microsoft.com"
}

// NewEnv starts a fake tenant holding both mailboxes, with the options
// given, and binds the one at addr with the SDK's defaults.
func NewEnv(t testing.TB, addr string, opts ...outlooktest.Option) *Env {
	t.Helper()
	srv := tenant(opts...)
	t.Cleanup(srv.Close)
	c, mb, err := open(t.Context(), srv, addr)
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{Srv: srv, Client: c, Addr: addr, Box: srv.Mailbox(addr), MB: mb, OnPrem: addr == OnPremAddr, Other: OnPremAddr}
	if e.OnPrem {
		e.Other = CloudAddr
	}
	return e
}

// EachDialect runs f once against the cloud mailbox (Graph v1.0) and once
// against the on-premises one (Outlook REST v2.0), in parallel subtests
// named "cloud" and "onprem".
func EachDialect(t *testing.T, f func(t *testing.T, e *Env), opts ...outlooktest.Option) {
	t.Helper()
	for _, d := range []struct{ name, addr string }{{"cloud", CloudAddr}, {"onprem", OnPremAddr}} {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			f(t, NewEnv(t, d.addr, opts...))
		})
	}
}

// Mailbox opens the mailbox at addr of srv with the SDK's defaults, for
// examples (which have no testing.T): it panics on error.
func Mailbox(srv *outlooktest.Server, addr string) *outlook.Mailbox {
	_, mb, err := open(context.Background(), srv, addr)
	if err != nil {
		panic(err)
	}
	return mb
}

func tenant(opts ...outlooktest.Option) *outlooktest.Server {
	// The client signs in app-only, which Exchange Server refuses unless
	// reconfigured (unsupported); the fake is told to accept it.
	srv := outlooktest.NewServer(append([]outlooktest.Option{outlooktest.WithAppOnlyOnPremises()}, opts...)...)
	srv.AddMailbox(CloudAddr, outlooktest.Cloud)
	srv.AddMailbox(OnPremAddr, outlooktest.OnPremises(OnPremHost))
	return srv
}

// open signs in app-only: with ClientSecret for Exchange Online, and for
// the on-premises server (which the SDK refuses to reach with an app-only
// credential of its own, Microsoft not supporting it) with app-only tokens
// the test brings, which the reconfigured fake accepts, through the Outlook
// REST API v2.0.
func open(ctx context.Context, srv *outlooktest.Server, addr string) (*outlook.Client, *outlook.Mailbox, error) {
	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "s"), outlook.WithHTTPClient(srv.Client()),
		outlook.WithOnPremisesCredential(AppOnlyOnPremises(srv)), outlook.WithOnPremisesAPI(outlook.RESTv2))
	if err != nil {
		return nil, nil, err
	}
	mb, err := c.Mailbox(ctx, addr)
	if err != nil {
		return nil, nil, fmt.Errorf("Mailbox(%s): %w", addr, err)
	}
	return c, mb, nil
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
		"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {"s"}, "scope": {s.resource + "/.default"}})
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
