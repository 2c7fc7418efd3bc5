package ews_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// Streaming notifications through odata.Client.Push, with the EWS backend
// against outlooktest's EWS host: changes made by other clients of the
// mailbox wake the stream, and broken connections and lost subscriptions
// are recovered from.

const onPremHost = "mail.contoso.com"

// pushed runs a Push in the background, handing its events and its end
// to the test.
type pushed struct {
	events chan odata.PushEvent
	end    chan error // the error the sequence ended with (nil: none)
	cancel context.CancelFunc
	done   chan struct{}
}

func startPush(t *testing.T, od *odata.Client, p odata.Path, watermark string) *pushed {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	seq, err := od.Push(ctx, p, watermark)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ps := &pushed{events: make(chan odata.PushEvent, 64), end: make(chan error, 1), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(ps.done)
		for ev, err := range seq {
			if err != nil {
				ps.end <- err
				return
			}
			select {
			case ps.events <- ev:
			case <-ctx.Done():
			}
		}
		ps.end <- nil
	}()
	t.Cleanup(func() {
		cancel()
		<-ps.done
	})
	// The first event says the subscription is live: catch up from here.
	if ev := ps.next(t, "the subscription"); !ev.Missed || ev.Watermark != watermark {
		t.Fatalf("first event %+v, want Missed with watermark %q", ev, watermark)
	}
	return ps
}

// next returns the next event, failing the test after a while.
func (ps *pushed) next(t *testing.T, what string) odata.PushEvent {
	t.Helper()
	select {
	case ev := <-ps.events:
		return ev
	case err := <-ps.end:
		t.Fatalf("%s: the stream ended: %v", what, err)
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no push event", what)
	}
	return odata.PushEvent{}
}

// change waits for an event that is not Missed, skipping Missed ones.
func (ps *pushed) change(t *testing.T, what string) odata.PushEvent {
	t.Helper()
	for {
		if ev := ps.next(t, what); !ev.Missed {
			return ev
		}
	}
}

// quiet checks no event comes for a moment.
func (ps *pushed) quiet(t *testing.T, what string) {
	t.Helper()
	select {
	case ev := <-ps.events:
		t.Fatalf("%s: unexpected event %+v", what, ev)
	case <-time.After(150 * time.Millisecond):
	}
}

// waitStreams waits until n streaming connections are open on the host.
func waitStreams(t *testing.T, srv *outlooktest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for srv.OpenStreams(onPremHost) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d streams open, want %d", srv.OpenStreams(onPremHost), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// noLeaks fails the test if a goroutine started during it outlives it
// (its server and streams closed).
func noLeaks(t *testing.T) {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

var inbox = odata.PathOf("mailFolders/{}/messages", "inbox")

// watched is the fixture of the tests below: a tenant whose on-premises
// mailbox (onPremAddr) is watched by a Push, its stream open on the
// server, checked for goroutines outliving the test.
type watched struct {
	*pushed
	srv  *outlooktest.Server
	tn   *tenant
	bob  *outlook.Mailbox
	fake *outlooktest.Mailbox // the mailbox on the server, to change it as another client would
}

// watch starts the fixture: a Push of p from watermark.
func watch(t *testing.T, p odata.Path, watermark string) *watched {
	t.Helper()
	noLeaks(t)
	tn := newTenant(t)
	bob := tn.mailbox(t, onPremAddr)
	ps := startPush(t, bob.OData(), p, watermark)
	waitStreams(t, tn.srv, 1)
	return &watched{pushed: ps, srv: tn.srv, tn: tn, bob: bob, fake: tn.srv.Mailbox(onPremAddr)}
}

func TestPushReportsChangesByOtherClients(t *testing.T) {
	w := watch(t, inbox, "")
	ctx := t.Context()

	seen := map[string]bool{}
	check := func(what string) {
		t.Helper()
		ev := w.next(t, what)
		if ev.Missed || ev.Watermark == "" || seen[ev.Watermark] {
			t.Fatalf("%s: event %+v (watermarks seen %v)", what, ev, seen)
		}
		seen[ev.Watermark] = true
		// A change may come as several events (CreatedEvent and
		// NewMailEvent share a notification); drain what it made.
		for {
			select {
			case ev := <-w.events:
				if ev.Missed {
					t.Fatalf("%s: a Missed event on a healthy stream", what)
				}
				seen[ev.Watermark] = true
				continue
			case <-time.After(100 * time.Millisecond):
			}
			return
		}
	}

	id := w.fake.Add("messages", outlooktest.Object{"subject": "created"})
	check("created")
	if err := w.fake.Update("messages", id, outlooktest.Object{"isRead": true}); err != nil {
		t.Fatal(err)
	}
	check("changed")
	keep := w.fake.Add("mailFolders", outlooktest.Object{"displayName": "Keep"})
	w.quiet(t, "a folder made elsewhere")
	if _, err := w.bob.Mail.MoveMessage(ctx, id, mail.FolderID(keep)); err != nil {
		t.Fatal(err)
	}
	check("moved out")
	id2 := w.fake.Add("messages", outlooktest.Object{"subject": "to delete"})
	check("created again")
	if !w.fake.Delete("messages", id2) {
		t.Fatal("no message to delete")
	}
	check("deleted")
	alice := w.tn.mailbox(t, cloudAddr)
	if err := alice.Mail.SendMail(ctx, &mail.Message{Subject: "from the cloud", ToRecipients: mail.To(onPremAddr)}, nil); err != nil {
		t.Fatal(err)
	}
	check("received from another mailbox")
	w.fake.Add("messages", outlooktest.Object{"subject": "elsewhere", "parentFolderId": keep})
	w.quiet(t, "a message in another folder")
}

func TestPushResumesAfterADroppedConnection(t *testing.T) {
	w := watch(t, inbox, "")
	w.fake.Add("messages", outlooktest.Object{"subject": "before"})
	before := w.change(t, "before the drop")
	w.srv.DropStreams(onPremHost)
	// Made while no connection is open: the subscription keeps it.
	w.fake.Add("messages", outlooktest.Object{"subject": "while dropped"})
	ev := w.next(t, "after the drop")
	if !ev.Missed || ev.Watermark != before.Watermark {
		t.Fatalf("after a dropped connection: %+v, want Missed with the last watermark %q", ev, before.Watermark)
	}
	after := w.change(t, "the change made while dropped")
	if after.Watermark == before.Watermark {
		t.Errorf("the watermark did not move: %q", after.Watermark)
	}
	waitStreams(t, w.srv, 1)
}

func TestPushReconnectsWhenTheServerClosesTheConnection(t *testing.T) {
	w := watch(t, inbox, "")
	w.srv.CloseStreams(onPremHost)
	w.fake.Add("messages", outlooktest.Object{"subject": "between connections"})
	// ConnectionStatus Closed loses nothing: no Missed, the change comes.
	if ev := w.next(t, "after Closed"); ev.Missed || ev.Watermark == "" {
		t.Fatalf("after Closed: %+v", ev)
	}
	waitStreams(t, w.srv, 1)
}

func TestPushRecreatesAnExpiredSubscription(t *testing.T) {
	w := watch(t, inbox, "")
	w.srv.ExpireSubscriptions(onPremHost)
	if ev := w.next(t, "after expiry"); !ev.Missed {
		t.Fatalf("after the subscription expired: %+v, want Missed", ev)
	}
	waitStreams(t, w.srv, 1)
	w.fake.Add("messages", outlooktest.Object{"subject": "on the new subscription"})
	w.change(t, "on the new subscription")
}

func TestPushFromAWatermarkReportsMissed(t *testing.T) {
	// watch checks the first event: Missed, with the old watermark.
	w := watch(t, odata.PathOf("contacts"), "an old watermark")
	w.fake.Add("contacts", outlooktest.Object{"displayName": "Dana"})
	w.change(t, "a contact")
}

func TestPushOnTheCalendar(t *testing.T) {
	w := watch(t, odata.PathOf("calendarView"), "")
	w.fake.Add("events", outlooktest.Object{"subject": "standup",
		"start": outlooktest.Object{"dateTime": "2026-12-07T09:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2026-12-07T09:15:00", "timeZone": "UTC"}})
	w.change(t, "an event")
}

func TestPushEndsWithItsContextAndUnsubscribes(t *testing.T) {
	w := watch(t, inbox, "")
	w.cancel()
	select {
	case err := <-w.end:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the stream ended with %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end with its context")
	}
	<-w.done // the sequence has returned: it unsubscribed on its way out
	waitStreams(t, w.srv, 0)
	if n := w.srv.StreamingSubscriptions(onPremHost); n != 0 {
		t.Errorf("%d subscriptions left on the server, want 0 (unsubscribed)", n)
	}
}

func TestPushRefusesWhatItCannotWatch(t *testing.T) {
	tn := newTenant(t)
	bob := tn.mailbox(t, onPremAddr)
	seq, err := bob.OData().Push(t.Context(), odata.PathOf("mailFolders"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range seq {
		if !errors.Is(err, odata.ErrNotSupported) {
			t.Errorf("the folder tree: %v, want ErrNotSupported", err)
		}
		break
	}
}

// Signed in with NTLM, whose connections are the account's lanes: the
// stream signs in one of its own.
func TestPushOverNTLM(t *testing.T) {
	noLeaks(t)
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddMailbox(onPremAddr, outlooktest.OnPremises(onPremHost))
	srv.AddAccount(svcAccount, svcPass)
	srv.GrantImpersonation(svcAccount)
	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "s"), outlook.WithHTTPClient(srv.Client()),
		outlook.WithOnPremisesCredential(outlook.OnPremisesAccount(svcAccount, svcPass)))
	if err != nil {
		t.Fatal(err)
	}
	bob, err := c.Mailbox(t.Context(), onPremAddr)
	if err != nil {
		t.Fatal(err)
	}
	ps := startPush(t, bob.OData(), inbox, "")
	waitStreams(t, srv, 1)
	srv.Mailbox(onPremAddr).Add("messages", outlooktest.Object{"subject": "over NTLM"})
	ps.change(t, "over NTLM")
	// The mailbox's other requests go on beside the stream, which the
	// server does not count among the mailbox's requests in flight.
	srv.ResetRequests()
	for _, err := range bob.Mail.ListMessages(t.Context(), mail.Inbox, nil) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.MaxInFlight(onPremAddr); n != 1 {
		t.Errorf("%d requests in flight beside the stream, want 1", n)
	}
}
