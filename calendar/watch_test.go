package calendar_test

import (
	"context"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// TestWatchViewThroughWebhooks: a cloud calendar view watched with
// polling an hour apart: only a notification of the mailbox's events
// subscription brings the new event in time.
func TestWatchViewThroughWebhooks(t *testing.T) {
	e := newEnv(t, cloud)
	rcv, err := notify.NewReceiver("https://hooks.contoso.com/graph", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Srv.AddHost("hooks.contoso.com", rcv)
	mb := e.Reopen(t, outlook.WithWatch(&odata.WatchOptions{Waker: rcv, PollInterval: time.Hour, CatchUpInterval: -1}))
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan odata.Change[calendar.Event], 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ch, err := range mb.Calendar.WatchView(ctx, day, day.AddDate(0, 0, 7), "") {
			if err != nil {
				t.Error(err)
				return
			}
			got <- ch
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	waitFor := func(kind odata.ChangeKind) odata.Change[calendar.Event] {
		t.Helper()
		for {
			select {
			case ch := <-got:
				if ch.Kind == kind {
					return ch
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("no %v", kind)
			}
		}
	}
	waitFor(odata.Checkpoint)
	for range 400 {
		if len(e.Srv.Subscriptions()) == 1 {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if subs := e.Srv.Subscriptions(); len(subs) != 1 || subs[0].Resource == "" {
		t.Fatalf("subscriptions = %+v", subs)
	}
	time.Sleep(100 * time.Millisecond)
	e.Box.Add("events", outlooktest.Object{
		"subject": "Planning",
		"start":   outlooktest.Object{"dateTime": "2026-03-03T10:00:00", "timeZone": "UTC"},
		"end":     outlooktest.Object{"dateTime": "2026-03-03T11:00:00", "timeZone": "UTC"},
	})
	if ch := waitFor(odata.Upserted); ch.Item.Subject != "Planning" {
		t.Errorf("upserted %+v", ch.Item)
	}
}
