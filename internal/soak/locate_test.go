package soak

import (
	"net/http"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/outlooktest"
)

// TestLocateStorm: locating an on-premises mailbox checks once per server
// which schemes its API accepts (an anonymous GET of /api/v2.0/me for REST
// v2.0, of /EWS/Exchange.asmx for EWS, answered 401 with the server's
// challenges). Each fault of the storm, met by that check, must cost a
// retry within the client's policy, not a verdict: a server too busy to
// answer says nothing about what it serves, and a verdict is believed for
// minutes.
func TestLocateStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped in -short mode")
	}
	t.Parallel()
	for _, api := range []struct {
		name   string
		probe  string
		signIn func(*outlooktest.Server, []string) []outlook.Option
	}{{"restv2", "/api/v2.0/me", appOnlyRESTv2}, {"ews", "/EWS/Exchange.asmx", serviceAccount}} {
		for _, s := range storm {
			f := s.fault
			t.Run(api.name+"/"+faultName(f), func(t *testing.T) {
				t.Parallel()
				const addr = "onprem@contoso.com"
				srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises()) // the client signs in app-only
				t.Cleanup(srv.Close)
				srv.AddMailbox(addr, outlooktest.OnPremises("mail.contoso.com"))
				f.Host, f.Method, f.Path, f.Times = "mail.contoso.com", http.MethodGet, api.probe, 1
				srv.Inject(f)
				opts := append([]outlook.Option{outlook.WithHTTPClient(&http.Client{Transport: srv.Transport()}), outlook.WithRetry(retry)},
					api.signIn(srv, []string{addr})...)
				c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "s"), opts...)
				if err != nil {
					t.Fatal(err)
				}
				mb, err := c.Mailbox(t.Context(), addr)
				if err != nil {
					t.Fatalf("locating the mailbox after one %s at the server check: %v", faultName(f), err)
				}
				if _, err := mb.Mail.ListMessagesPage(t.Context(), mail.Inbox, nil); err != nil {
					t.Fatal(err)
				}
				if n := faulted(srv); n != 1 {
					t.Fatalf("the fault acted %d times; want once, at the server check", n)
				}
			})
		}
	}
}

// faulted counts the requests a fault acted on.
func faulted(srv *outlooktest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.FaultApplied {
			n++
		}
	}
	return n
}

// faultName names a storm fault for people.
func faultName(f outlooktest.Fault) string {
	switch {
	case f.Status != 0:
		return http.StatusText(f.Status)
	case f.DropBeforeBody:
		return "connection dropped before the answer"
	case f.DropAfterHeaders:
		return "connection dropped after the headers"
	case f.TruncateBody:
		return "connection dropped half way through the body"
	case f.ShortBody:
		return "body cut short"
	}
	return "fault"
}
