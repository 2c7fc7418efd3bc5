package calendar_test

import (
	"errors"
	"testing"
	"time"
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
	addr   string               // the mailbox under test
	other  string               // the mailbox in the other dialect
	box    *outlooktest.Mailbox // server side of addr
	mb     *outlook.Mailbox     // client side of addr
	onPrem bool
}

func newEnv(t testing.TB, addr string, opts ...outlooktest.Option) *env {
	t.Helper()
	srv := outlooktest.NewServer(opts...)
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
	e := &env{srv: srv, addr: addr, box: srv.Mailbox(addr), mb: mb, onPrem: addr == onPremAddr}
	e.other = cloudAddr
	if !e.onPrem {
		e.other = onPremAddr
	}
	return e
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

// noErr fails the test on err, naming a 501 of the fake as a regression.
func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if oe, ok := errors.AsType[*odata.Error](err); ok && oe.StatusCode == 501 {
		t.Fatalf("%s: outlooktest answered 501 for an operation it serves: %v", what, err)
	}
	t.Fatalf("%s: %v", what, err)
}

// day is the Monday the tests' events happen on.
var day = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// at is an event boundary at hour h (and minute m) of day+d days, in UTC.
func at(d, h, m int) time.Time {
	return day.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}
