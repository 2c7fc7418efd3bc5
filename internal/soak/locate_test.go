package soak

import (
	"net/http"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/outlooktest"
)

// TestLocateStorm: locating an on-premises mailbox checks once that its
// server serves REST with OAuth (an anonymous GET of /api/v2.0/me, which
// must answer 401 with a Bearer challenge). Each fault of the storm, met by
// that check, must cost a retry within the client's policy, not a verdict:
// a server too busy to answer says nothing about what it serves, and a
// verdict of "REST unavailable" is believed for five minutes.
func TestLocateStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped in -short mode")
	}
	t.Parallel()
	for _, s := range storm {
		f := s.fault
		t.Run(faultName(f), func(t *testing.T) {
			t.Parallel()
			const addr = "onprem@contoso.com"
			srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises()) // the client signs in app-only
			t.Cleanup(srv.Close)
			srv.AddMailbox(addr, outlooktest.OnPremises("mail.contoso.com"))
			f.Host, f.Path, f.Times = "mail.contoso.com", "/api/v2.0/me", 1
			srv.Inject(f)
			c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "s"),
				outlook.WithHTTPClient(&http.Client{Transport: srv.Transport()}), outlook.WithRetry(retry))
			if err != nil {
				t.Fatal(err)
			}
			mb, err := c.Mailbox(t.Context(), addr)
			if err != nil {
				t.Fatalf("locating the mailbox after one %s at the server check: %v", faultName(f), err)
			}
			if _, err := mb.Mail.GetMailboxSettings(t.Context()); err != nil {
				t.Fatal(err)
			}
		})
	}
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
