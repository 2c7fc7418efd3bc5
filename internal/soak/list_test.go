package soak

import (
	"fmt"
	"testing"
	"time"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// listed is how many messages the listing case pages through, and
// listPage how many a page holds: 50 pages, each meeting the storm.
const (
	listed   = 10_000
	listPage = 200
)

// listCase lists a folder of 10,000 messages through the storm: every
// message must come once, in the order asked for, and the listing must not
// end early.
func listCase(t *testing.T, loc location) {
	const addr = "lister@contoso.com"
	e := newEnv(t, loc, addr)
	box := e.srv.Mailbox(addr)
	received := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range listed {
		box.Add("messages", outlooktest.Object{
			"subject":          subjectOf(i),
			"receivedDateTime": received.Add(time.Duration(i) * time.Second).Format(time.RFC3339),
			"body":             outlooktest.Object{"contentType": "text", "content": fmt.Sprintf("message %d of the listing storm", i)},
		})
	}
	mb, err := e.client.Mailbox(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	e.stormOn()

	q := &odata.Query{Top: listPage, OrderBy: odata.Desc(mail.ReceivedDateTime), Select: odata.Fields(mail.Subject, mail.ReceivedDateTime)}
	next := listed - 1 // newest first
	for m, err := range mb.Mail.ListMessages(t.Context(), mail.Inbox, q) {
		if err != nil {
			t.Fatalf("the listing ended after %d messages: %v", listed-1-next, err)
		}
		if next < 0 {
			t.Fatalf("message %q after the last one", m.Subject)
		}
		if want := subjectOf(next); m.Subject != want {
			t.Fatalf("message %d of the listing is %q; want %q (a message repeated, skipped or out of order)", listed-1-next, m.Subject, want)
		}
		next--
	}
	if next != -1 {
		t.Fatalf("the listing stopped after %d of %d messages without an error", listed-1-next, listed)
	}
}

func subjectOf(i int) string { return fmt.Sprintf("m%05d", i) }
