package contacts_test

import (
	"errors"
	"testing"
	_ "time/tzdata" // tests must not depend on the machine's zone database

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// Test mailboxes: one in Exchange Online, one on an on-premises server of
// the same hybrid tenant.
const (
	cloudAddr  = "alice@contoso.com"
	onPremAddr = "bob@contoso.com"
	onPremHost = "mail.contoso.com"
)

// env is one test's fake tenant and the mailbox under test.
type env struct {
	srv    *outlooktest.Server
	box    *outlooktest.Mailbox // server side
	mb     *outlook.Mailbox     // client side
	onPrem bool
}

func (e *env) host() string {
	if e.onPrem {
		return onPremHost
	}
	return "graph.microsoft.com"
}

// newEnv starts a fake tenant with both mailboxes and binds the one at addr.
func newEnv(t testing.TB, addr string) *env {
	t.Helper()
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddMailbox(cloudAddr, outlooktest.Cloud)
	srv.AddMailbox(onPremAddr, outlooktest.OnPremises(onPremHost))
	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", "11111111-2222-3333-4444-555555555555", "s"),
		outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	mb, err := c.Mailbox(t.Context(), addr)
	if err != nil {
		t.Fatalf("Mailbox(%s): %v", addr, err)
	}
	if mb.Contacts == nil {
		t.Fatal("Mailbox.Contacts is nil")
	}
	return &env{srv: srv, box: srv.Mailbox(addr), mb: mb, onPrem: addr == onPremAddr}
}

// eachDialect runs f once against a cloud mailbox (Graph v1.0) and once
// against an on-premises one (Outlook REST v2.0), in parallel.
func eachDialect(t *testing.T, f func(t *testing.T, e *env)) {
	t.Helper()
	for _, d := range []struct{ name, addr string }{{"cloud", cloudAddr}, {"onprem", onPremAddr}} {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			f(t, newEnv(t, d.addr))
		})
	}
}

// notImplemented reports whether err is the fake's 501.
func notImplemented(err error) bool {
	oe, ok := errors.AsType[*odata.Error](err)
	return ok && oe.StatusCode == 501
}
