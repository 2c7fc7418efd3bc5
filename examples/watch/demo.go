package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// DemoOptions tune the demo.
type DemoOptions struct {
	Options
	// Gap is the time between two messages the demo's mailboxes send; a
	// second when zero.
	Gap time.Duration
}

// demoWebhook is where the demo's Graph webhook is served: a host of the
// fake, as a real program's would be its own public https URL.
const demoWebhook = "https://hooks.contoso.com/graph"

// demoPoll is how often the demo polls the REST v2.0 mailbox: a real
// program's minute would make the demo a long wait.
const demoPoll = time.Second

// startDemo starts the demo tenant wired for watching: a notify.Receiver
// mounted on the fake takes Graph's change notifications for the cloud
// mailbox, EWS streams the on-premises one, and the REST v2.0 one is
// polled. It returns the three mailboxes, in demo.Addresses' order.
func startDemo(ctx context.Context) (*demo.Tenant, []*outlook.Mailbox, error) {
	rcv, err := notify.NewReceiver(demoWebhook, nil)
	if err != nil {
		return nil, nil, err
	}
	t, err := demo.StartWith([]outlook.Option{outlook.WithWatch(&odata.WatchOptions{Waker: rcv, PollInterval: demoPoll})})
	if err != nil {
		return nil, nil, err
	}
	t.Server.AddHost("hooks.contoso.com", rcv)
	boxes, err := t.Mailboxes(ctx)
	if err != nil {
		t.Close()
		return nil, nil, err
	}
	return t, boxes, nil
}

// subjects are what the demo's mailboxes write to each other.
var subjects = []string{
	"Q3 figures", "Lunch on Thursday?", "Change board minutes", "Server patching tonight",
	"Re: Q3 figures", "Offsite agenda", "Your expense report", "Coffee machine is fixed",
}

// runDemo watches the demo tenant's three inboxes while its mailboxes
// write to each other, d.Count messages (8 when zero) a Gap apart: the
// first half while the watcher runs; then the watcher stops, two arrive,
// and it starts again from its state files, prints those two, and the
// rest as they come.
func runDemo(ctx context.Context, w io.Writer, d DemoOptions) error {
	t, boxes, err := startDemo(ctx)
	if err != nil {
		return err
	}
	defer t.Close()
	for _, addr := range demo.Addresses {
		for _, s := range []string{"Welcome to Contoso", "Your mailbox is ready"} {
			t.Server.Mailbox(addr).Add("messages", outlooktest.Object{"subject": s, "parentFolderId": "inbox",
				"receivedDateTime": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
		}
	}
	if d.StateDir == "" {
		dir, err := os.MkdirTemp("", "watch-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		d.StateDir = dir
	}
	if d.Gap == 0 {
		d.Gap = time.Second
	}
	total := d.Count
	if total <= 0 {
		total = 8
	}
	live := total / 2
	down := min(2, total-live)
	next := 0 // the next message to send
	send := func(ctx context.Context, n int, gap time.Duration) error {
		for range n {
			if err := sendOne(ctx, boxes, next); err != nil {
				return err
			}
			next++
			if gap > 0 && next < total {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(gap):
				}
			}
		}
		return nil
	}
	fmt.Fprintf(w, "-- demo: %d messages arrive a %v apart; state files in %s\n", total, d.Gap, d.StateDir)

	if err := watchWhile(ctx, w, boxes, d.Options, live, func(ctx context.Context) error { return send(ctx, live, d.Gap) }); err != nil || ctx.Err() != nil {
		return err
	}
	fmt.Fprintf(w, "-- demo: the watcher stopped; %d messages arrive while it is down\n", down)
	if err := send(ctx, down, 0); err != nil {
		return err
	}
	rest := total - live - down
	return watchWhile(ctx, w, boxes, d.Options, down+rest, func(ctx context.Context) error { return send(ctx, rest, d.Gap) })
}

// watchWhile runs Watch until count messages were printed, and deliver once
// every mailbox's watch is up.
func watchWhile(parent context.Context, w io.Writer, boxes []*outlook.Mailbox, opts Options, count int, deliver func(context.Context) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	up := make(chan struct{})
	waiting := len(boxes)
	var mu sync.Mutex
	opts.Count = count
	opts.Webhooks = true
	opts.Ready = func(*outlook.Mailbox) {
		mu.Lock()
		defer mu.Unlock()
		if waiting--; waiting == 0 {
			close(up)
		}
	}
	sent := make(chan error, 1)
	go func() {
		select {
		case <-ctx.Done():
			sent <- nil
		case <-up:
			sent <- deliver(ctx)
		}
	}()
	err := Watch(ctx, w, boxes, opts)
	cancel()
	if serr := <-sent; err == nil && serr != nil && !errors.Is(serr, context.Canceled) {
		err = serr
	}
	return err
}

// sendOne sends the demo's i-th message, from one of its mailboxes to
// another, through the sender's API.
func sendOne(ctx context.Context, boxes []*outlook.Mailbox, i int) error {
	from, to := boxes[(i+1)%len(boxes)], boxes[i%len(boxes)]
	rcpt, err := item.Recipients(to.Address())
	if err != nil {
		return err
	}
	msg := &mail.Message{Subject: subjects[i%len(subjects)], Body: item.TextBody("Sent by the watch example's demo."), ToRecipients: rcpt}
	if err := from.Mail.SendMail(ctx, msg, nil); err != nil {
		return fmt.Errorf("%s sending to %s: %w", from.Address(), to.Address(), err)
	}
	return nil
}
