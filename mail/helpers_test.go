package mail_test

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zone database

	"github.com/exchangekit/outlook"
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
	client *outlook.Client
	addr   string               // the mailbox under test
	other  string               // the mailbox in the other dialect
	box    *outlooktest.Mailbox // server side of addr
	mb     *outlook.Mailbox     // client side of addr
	onPrem bool
}

// newEnv starts a fake tenant with both mailboxes and binds the one at addr.
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
	e := &env{srv: srv, client: c, addr: addr, box: srv.Mailbox(addr), mb: mb, onPrem: addr == onPremAddr}
	e.other = cloudAddr
	if !e.onPrem {
		e.other = onPremAddr
	}
	return e
}

// eachDialect runs f once against a cloud mailbox (Graph v1.0) and once
// against an on-premises one (Outlook REST v2.0), in parallel.
func eachDialect(t *testing.T, f func(t *testing.T, e *env), opts ...outlooktest.Option) {
	t.Helper()
	for _, d := range []struct{ name, addr string }{{"cloud", cloudAddr}, {"onprem", onPremAddr}} {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			f(t, newEnv(t, d.addr, opts...))
		})
	}
}

// failIfNotImplemented fails when the fake answers 501: every mail
// operation has its server side in outlooktest, so a 501 is a regression.
func failIfNotImplemented(t *testing.T, err error) {
	t.Helper()
	if oe, ok := errorsAsOData(err); ok && oe.StatusCode == 501 && oe.Code == "NotImplemented" {
		t.Fatalf("outlooktest answered 501 for an operation it serves: %v", err)
	}
}

// seedInbox adds n received messages to the mailbox's Inbox, the i-th
// with subject "m<i>" received i minutes after a fixed instant.
func seedInbox(box *outlooktest.Mailbox, n int) []string {
	ids := make([]string, n)
	for i := range n {
		ids[i] = box.Add("messages", outlooktest.Object{
			"subject":          fmt.Sprintf("m%03d", i),
			"parentFolderId":   "inbox",
			"receivedDateTime": base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
			"isRead":           i%3 == 0,
			"importance":       []string{"low", "normal", "high"}[i%3],
			"from":             outlooktest.Object{"emailAddress": outlooktest.Object{"name": "Ana Ruiz", "address": "ana@example.org"}},
			"toRecipients":     []any{outlooktest.Object{"emailAddress": outlooktest.Object{"address": box.Address()}}},
			"body":             outlooktest.Object{"contentType": "html", "content": fmt.Sprintf("<p>body %d</p>", i)},
		})
	}
	return ids
}

var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// notServed fails the test when err is the fake's 501: every mail
// operation has its server side, so a 501 is a regression. It returns false.
func notServed(t *testing.T, err error) bool {
	t.Helper()
	if oe, ok := errorsAsOData(err); ok && oe.StatusCode == 501 && oe.Code == "NotImplemented" {
		t.Fatalf("outlooktest answered 501 for an operation it serves: %v", err)
	}
	return false
}
