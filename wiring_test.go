package outlook_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/outlooktest"
)

// noRealDNS makes every lookup through the process's default resolver fail
// and counts them, until the test ends. Tests using it must not be
// parallel: the resolver is the process's.
func noRealDNS(t *testing.T) *atomic.Int32 {
	t.Helper()
	var dials atomic.Int32
	saved := net.DefaultResolver
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		dials.Add(1)
		return nil, errors.New("this test makes no DNS query")
	}}
	t.Cleanup(func() { net.DefaultResolver = saved })
	return &dials
}

// One line wires a client to the fake, and then nothing leaves the process:
// Autodiscover of an address nobody serves walks every candidate, the DNS
// SRV record included, and the fake answers them all.
func TestOneLineWiringMakesNoDNSQuery(t *testing.T) {
	dials := noRealDNS(t)
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	c, err := outlook.NewClient(outlook.StaticToken("unused"), outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Mailbox(t.Context(), "nobody@fabrikam.example"); err == nil {
		t.Fatal("an address nobody serves was found")
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("%d DNS queries left the process", n)
	}
}

// The fake's credentials: a token source for a user serves every host its
// mailboxes are on; a static token minted for one host serves that host.
// Opening mailboxes whose Autodiscover ends at a DNS SRV record asks the
// fake for it, not DNS.
func TestFakeCredentialsAndSRV(t *testing.T) {
	dials := noRealDNS(t)
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).Add("messages", outlooktest.Object{"subject": "cloud hello"})
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).Add("messages", outlooktest.Object{"subject": "on-premises hello"})
	srv.AddMailbox("carol@fabrikam.com", outlooktest.OnPremises("exch.fabrikam.com")).Add("messages", outlooktest.Object{"subject": "srv hello"})
	// fabrikam.com publishes Autodiscover through SRV only.
	srv.SetAutodiscoverBehavior("fabrikam.com", outlooktest.AutodiscoverBehavior{RootUnavailable: true})
	srv.AddHost("autodiscover.fabrikam.com", http.NotFoundHandler())
	srv.SetSRV("fabrikam.com", "adsrv.fabrikam.com", 443)

	subjects := func(c *outlook.Client, addr string) []string {
		t.Helper()
		mb, err := c.Mailbox(t.Context(), addr)
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		var out []string
		for m, err := range mb.Mail.ListMessages(t.Context(), mail.Inbox, nil) {
			if err != nil {
				t.Fatalf("%s: %v", addr, err)
			}
			out = append(out, m.Subject)
		}
		return out
	}
	bobs, err := outlook.NewClient(outlook.FromTokenSource(srv.TokenSource("bob@contoso.com")), outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(bobs, "bob@contoso.com"); !slices.Equal(got, []string{"on-premises hello"}) {
		t.Errorf("bob's inbox through TokenSource: %q", got)
	}
	alices, err := outlook.NewClient(outlook.StaticToken(srv.AccessToken("alice@contoso.com", "")), outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(alices, "alice@contoso.com"); !slices.Equal(got, []string{"cloud hello"}) {
		t.Errorf("alice's inbox through StaticToken: %q", got)
	}
	carols, err := outlook.NewClient(outlook.FromTokenSource(srv.TokenSource("carol@fabrikam.com")), outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(carols, "carol@fabrikam.com"); !slices.Equal(got, []string{"srv hello"}) {
		t.Errorf("carol's inbox, found through SRV: %q", got)
	}
	if l := srv.SRVLookups(); !slices.Contains(l, "_autodiscover._tcp.fabrikam.com") {
		t.Errorf("the fake answered SRV lookups %q; want fabrikam.com's", l)
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("%d DNS queries left the process", n)
	}
}
