package mail_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// watching runs mb.Mail.Watch on the Inbox in the background until the
// test ends (before its server closes).
type watching struct {
	got  chan odata.Change[mail.Message]
	errs chan error
	stop func()
}

func watchInbox(t *testing.T, mb *outlook.Mailbox, state string) *watching {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	w := &watching{got: make(chan odata.Change[mail.Message], 100), errs: make(chan error, 100)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ch, err := range mb.Mail.Watch(ctx, mail.Inbox, state) {
			if err != nil {
				if ctx.Err() == nil {
					w.errs <- err
				}
				continue
			}
			w.got <- ch
		}
	}()
	w.stop = func() { cancel(); <-done }
	t.Cleanup(w.stop)
	return w
}

// upserts reads until n messages and a checkpoint after them came, and
// returns their subjects and that checkpoint's state.
func (w *watching) upserts(t *testing.T, n int) (subjects []string, state string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for len(subjects) < n || state == "" {
		select {
		case ch := <-w.got:
			switch ch.Kind {
			case odata.Upserted:
				subjects, state = append(subjects, ch.Item.Subject), ""
			case odata.Checkpoint:
				state = ch.State
			}
		case err := <-w.errs:
			t.Fatalf("after %v: %v", subjects, err)
		case <-timeout:
			t.Fatalf("got %v, want %d messages", subjects, n)
		}
	}
	return subjects, state
}

func (w *watching) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case ch := <-w.got:
			if ch.Kind != odata.Checkpoint {
				t.Fatalf("unexpected change %v %s", ch.Kind, ch.ID)
			}
		case err := <-w.errs:
			t.Fatal(err)
		case <-timeout:
			return
		}
	}
}

func deliver(box *outlooktest.Mailbox, subject string) {
	box.Add("messages", outlooktest.Object{"subject": subject, "parentFolderId": "inbox",
		"receivedDateTime": time.Now().UTC().Format(time.RFC3339)})
}

// TestWatchCloudInboxThroughWebhooks: with polling an hour apart, only the
// receiver's notifications can bring the new messages in time; killed and
// restarted from its state, the watch yields each message once.
func TestWatchCloudInboxThroughWebhooks(t *testing.T) {
	e := newEnv(t, cloud)
	rcv, err := notify.NewReceiver("https://hooks.contoso.com/graph", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Srv.AddHost("hooks.contoso.com", rcv)
	mb := e.Reopen(t, outlook.WithWatch(&odata.WatchOptions{Waker: rcv, PollInterval: time.Hour, CatchUpInterval: -1}))
	deliver(e.Box, "before")
	w := watchInbox(t, mb, "")
	if got, _ := w.upserts(t, 1); got[0] != "before" {
		t.Fatalf("first round: %v", got)
	}
	waitSubscribed(t, e.Srv)
	deliver(e.Box, "pushed 1")
	deliver(e.Box, "pushed 2")
	got, state := w.upserts(t, 2)
	if fmt.Sprint(got) != "[pushed 1 pushed 2]" {
		t.Fatalf("pushed: %v", got)
	}
	w.stop()
	if n := len(e.Srv.Subscriptions()); n != 0 {
		t.Errorf("%d subscriptions left after the watch ended", n)
	}

	deliver(e.Box, "while stopped")
	w = watchInbox(t, mb, state)
	if got, _ := w.upserts(t, 1); got[0] != "while stopped" {
		t.Fatalf("after restart: %v", got)
	}
	waitSubscribed(t, e.Srv)
	deliver(e.Box, "after restart")
	if got, _ := w.upserts(t, 1); got[0] != "after restart" {
		t.Fatalf("pushed after restart: %v", got)
	}
	w.quiet(t, 200*time.Millisecond)
}

// waitSubscribed waits until the watcher's subscription is made, and its
// first round after that is over: from then on only a notification can
// bring a change in time.
func waitSubscribed(t *testing.T, srv *outlooktest.Server) {
	t.Helper()
	for range 400 {
		if len(srv.Subscriptions()) == 1 {
			time.Sleep(100 * time.Millisecond)
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("no subscription")
}

// TestWatchPollsWhereNothingPushes: a REST v2.0 mailbox, and an EWS one
// while its backend pushes nothing, are polled at the configured interval.
func TestWatchPollsWhereNothingPushes(t *testing.T) {
	for _, loc := range []servicetest.Location{rest, ews} {
		t.Run(string(loc), func(t *testing.T) {
			e := newEnv(t, loc)
			mb := e.Reopen(t, outlook.WithWatch(&odata.WatchOptions{PollInterval: 50 * time.Millisecond}))
			w := watchInbox(t, mb, "")
			w.upserts(t, 0)
			deliver(e.Box, "polled")
			if got, _ := w.upserts(t, 1); got[0] != "polled" {
				t.Fatalf("polled: %v", got)
			}
			w.quiet(t, 200*time.Millisecond)
		})
	}
}

// TestWatchOnPremisesInboxThroughStreaming: an EWS mailbox pushes through
// streaming notifications. With polling an hour apart and no catch-up
// rounds, only the stream can bring the new messages in time, including
// one delivered while the subscription was being made; killed and
// restarted from its state, the watch yields each message once and leaves
// no subscription behind.
func TestWatchOnPremisesInboxThroughStreaming(t *testing.T) {
	e := newEnv(t, ews)
	mb := e.Reopen(t, outlook.WithWatch(&odata.WatchOptions{PollInterval: time.Hour, CatchUpInterval: -1}))
	deliver(e.Box, "before")
	w := watchInbox(t, mb, "")
	if got, _ := w.upserts(t, 1); got[0] != "before" {
		t.Fatalf("first round: %v", got)
	}
	// No wait for the stream: a message delivered while the subscription
	// is being made is caught by the round its first event starts.
	deliver(e.Box, "racing the subscription")
	if got, _ := w.upserts(t, 1); got[0] != "racing the subscription" {
		t.Fatalf("racing: %v", got)
	}
	waitStreaming(t, e.Srv, 1)
	deliver(e.Box, "pushed 1")
	deliver(e.Box, "pushed 2")
	got, state := w.upserts(t, 2)
	if fmt.Sprint(got) != "[pushed 1 pushed 2]" {
		t.Fatalf("pushed: %v", got)
	}
	w.stop()
	waitStreaming(t, e.Srv, 0)
	if n := e.Srv.StreamingSubscriptions(e.Host()); n != 0 {
		t.Errorf("%d streaming subscriptions left after the watch ended", n)
	}

	deliver(e.Box, "while stopped")
	w = watchInbox(t, mb, state)
	if got, _ := w.upserts(t, 1); got[0] != "while stopped" {
		t.Fatalf("after restart: %v", got)
	}
	waitStreaming(t, e.Srv, 1)
	e.Srv.DropStreams(e.Host()) // a dropped connection loses nothing
	deliver(e.Box, "after a drop")
	if got, _ := w.upserts(t, 1); got[0] != "after a drop" {
		t.Fatalf("after a dropped stream: %v", got)
	}
	w.quiet(t, 200*time.Millisecond)
}

// waitStreaming waits until n streaming connections are open on the
// mailbox's EWS host.
func waitStreaming(t *testing.T, srv *outlooktest.Server, n int) {
	t.Helper()
	for range 400 {
		if srv.OpenStreams(servicetest.OnPremHost) == n {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%d streams open, want %d", srv.OpenStreams(servicetest.OnPremHost), n)
}
