package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/outlooktest"
)

// output is a writer the watcher and the test share.
type output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

// printed counts the message lines per "mailbox: subject".
func (o *output) printed() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	got := map[string]int{}
	for l := range strings.Lines(o.b.String()) {
		if m := messageLine.FindStringSubmatch(strings.TrimSuffix(l, "\n")); m != nil {
			got[m[1]+": "+m[2]]++
		}
	}
	return got
}

var messageLine = regexp.MustCompile(`^\d\d:\d\d:\d\d  (\S+)  from .*?: (.*)$`)

// run is one run of the watcher, until stopped.
type run struct {
	up   chan struct{} // closed when every mailbox's watch is up
	stop func() error
}

func start(t *testing.T, boxes []*outlook.Mailbox, out *output, opts Options) *run {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	r := &run{up: make(chan struct{})}
	var mu sync.Mutex
	waiting := len(boxes)
	opts.Webhooks = true
	opts.Ready = func(*outlook.Mailbox) {
		mu.Lock()
		defer mu.Unlock()
		if waiting--; waiting == 0 {
			close(r.up)
		}
	}
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, out, boxes, opts) }()
	r.stop = sync.OnceValue(func() error { cancel(); return <-done })
	t.Cleanup(func() { r.stop() })
	select {
	case <-r.up:
	case err := <-done:
		t.Fatalf("the watch ended before it was up: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the watch is not up after 20s")
	}
	return r
}

// deliver delivers a message to each mailbox, subject prefix plus its
// address, and returns the lines the watcher should print.
func deliver(srv *outlooktest.Server, prefix string) []string {
	return deliverAt(srv, prefix, time.Now())
}

// deliverAt is deliver for messages received at a time of receipt.
func deliverAt(srv *outlooktest.Server, prefix string, at time.Time) []string {
	var want []string
	for _, addr := range demo.Addresses {
		subject := prefix + " for " + addr
		srv.Mailbox(addr).Deliver(outlooktest.Object{"subject": subject,
			"from":             outlooktest.Object{"emailAddress": outlooktest.Object{"address": "pat@fabrikam.com"}},
			"receivedDateTime": at.UTC().Format(time.RFC3339)})
		want = append(want, addr+": "+subject)
	}
	return want
}

// waitPrinted waits until every line of want was printed.
func waitPrinted(t *testing.T, out *output, want []string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, missing := out.printed(), 0
		for _, w := range want {
			if got[w] == 0 {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20s, %d of %v not printed; output:\n%s", missing, want, out.b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Messages delivered to each kind of mailbox (Graph pushed by webhooks, EWS
// by streaming, REST v2.0 polled) are printed once each; what the inboxes
// held before the first start never. Killed (its context cancelled) and
// started again from its state files, the watcher prints the messages that
// arrived while it was down once, and nothing it printed before, even a
// message changed since (it comes again from change tracking).
func TestRestartPrintsEachMessageOnce(t *testing.T) {
	tn, boxes, err := startDemo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	deliverAt(tn.Server, "old", time.Now().Add(-time.Hour))
	dir := t.TempDir()
	out := &output{}

	r := start(t, boxes, out, Options{StateDir: dir})
	// A mailbox is ready after its first sync round; its push source
	// comes up beside that round (odata.Watch), so it may come a little
	// later under load.
	testutil.WaitFor(t, "one Graph subscription, the cloud inbox's webhook", func() bool { return len(tn.Server.Subscriptions()) == 1 })
	testutil.WaitFor(t, "one EWS streaming subscription", func() bool { return tn.Server.StreamingSubscriptions("mail.contoso.com") == 1 })
	want := deliver(tn.Server, "first")
	want = append(want, deliver(tn.Server, "second")...)
	waitPrinted(t, out, want)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	for _, addr := range demo.Addresses {
		if _, err := os.Stat(filepath.Join(dir, addr+".json")); err != nil {
			t.Errorf("no state file for %s: %v", addr, err)
		}
	}

	// While it is down: new mail, and printed messages changed; and once it
	// runs again, older messages changed (they come from change tracking
	// too, but have not arrived).
	want = append(want, deliver(tn.Server, "while down")...)
	markRead(t, tn.Server, "first")
	r = start(t, boxes, out, Options{StateDir: dir})
	waitPrinted(t, out, want)
	markRead(t, tn.Server, "old")
	want = append(want, deliver(tn.Server, "after restart")...)
	waitPrinted(t, out, want)
	time.Sleep(2 * demoPoll) // a round more for anything printed twice
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}

	got := out.printed()
	for _, w := range want {
		if got[w] != 1 {
			t.Errorf("%q printed %d times, want once", w, got[w])
		}
		delete(got, w)
	}
	for l, n := range got {
		t.Errorf("%q printed %d times, want never", l, n)
	}
	if t.Failed() {
		t.Logf("output:\n%s", out.b.String())
	}
}

// With a count the watch stops after that many messages; the one it had no
// room for is printed by the next run.
func TestCountStopsAndLeavesTheRestForTheNextRun(t *testing.T) {
	tn, boxes, err := startDemo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	dir := t.TempDir()
	out := &output{}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	opts := Options{StateDir: dir, Count: 2}
	// A first start that prints nothing stores where each inbox stands.
	r := start(t, boxes, out, Options{StateDir: dir})
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	want := deliver(tn.Server, "counted")
	if err := Watch(ctx, out, boxes, opts); err != nil {
		t.Fatal(err)
	}
	if got := out.printed(); len(got) != 2 {
		t.Fatalf("printed %v, want 2 messages", got)
	}
	r = start(t, boxes, out, Options{StateDir: dir})
	waitPrinted(t, out, want)
	time.Sleep(2 * demoPoll)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	got := out.printed()
	for _, w := range want {
		if got[w] != 1 {
			t.Errorf("%q printed %d times, want once; output:\n%s", w, got[w], out.b.String())
		}
	}
}

// The demo prints every message its mailboxes send, once, across its own
// restart.
func TestDemo(t *testing.T) {
	out := &output{}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := runDemo(ctx, out, DemoOptions{Gap: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	got := out.printed()
	n := 0
	for l, c := range got {
		if c != 1 {
			t.Errorf("%q printed %d times", l, c)
		}
		n += c
	}
	if n != 8 || ctx.Err() != nil {
		t.Errorf("printed %d messages (context: %v), want 8; output:\n%s", n, ctx.Err(), out.b.String())
	}
	if !strings.Contains(out.b.String(), "resuming from") {
		t.Errorf("the demo did not restart; output:\n%s", out.b.String())
	}
}

// A state the service no longer takes (expired, or made for the API that
// served the mailbox before it moved) starts the mailbox over: what arrived
// after the state was stored is printed, once, and nothing printed before.
func TestForgottenStateStartsOver(t *testing.T) {
	tn, boxes, err := startDemo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	dir := t.TempDir()
	out := &output{}
	r := start(t, boxes, out, Options{StateDir: dir})
	want := deliver(tn.Server, "first")
	waitPrinted(t, out, want)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	// Each mailbox gets the state of one served by another API, as if it
	// had moved (odata.ErrStateMismatch, an odata.ErrGone).
	var states []state
	for _, addr := range demo.Addresses {
		st, err := load(filepath.Join(dir, addr+".json"))
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, st)
	}
	for i, st := range states {
		st.Sync = states[(i+1)%len(states)].Sync
		if err := save(filepath.Join(dir, st.Mailbox+".json"), st); err != nil {
			t.Fatal(err)
		}
	}
	want = append(want, deliver(tn.Server, "while down")...)
	r = start(t, boxes, out, Options{StateDir: dir})
	waitPrinted(t, out, want)
	time.Sleep(2 * demoPoll)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.b.String(), "no longer knows the stored state"); n != len(boxes) {
		t.Errorf("%d mailboxes started over, want %d; output:\n%s", n, len(boxes), out.b.String())
	}
	got := out.printed()
	for _, w := range want {
		if got[w] != 1 {
			t.Errorf("%q printed %d times, want once; output:\n%s", w, got[w], out.b.String())
		}
	}
}

// markRead marks read the messages whose subjects start with prefix, as
// another client of the mailboxes would.
func markRead(t *testing.T, srv *outlooktest.Server, prefix string) {
	t.Helper()
	for _, addr := range demo.Addresses {
		box := srv.Mailbox(addr)
		for _, m := range box.Items("messages") {
			if s, _ := m["subject"].(string); strings.HasPrefix(s, prefix) {
				if err := box.Update("messages", m["id"].(string), outlooktest.Object{"isRead": true}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// Against a real tenant the flags must make sense before anyone signs in.
func TestRealNeedsMailboxesAndAWholeWebhook(t *testing.T) {
	r := demo.Real{Tenant: "contoso.com", ClientID: "11111111-2222-3333-4444-555555555555"}
	for _, tc := range []struct {
		name              string
		addrs             []string
		publicURL, listen string
	}{
		{"no mailbox", nil, "", ""},
		{"public URL without listen", []string{"me@contoso.com"}, "https://hooks.contoso.com/graph", ""},
		{"listen without public URL", []string{"me@contoso.com"}, "", ":0"},
	} {
		if err := runReal(t.Context(), io.Discard, Options{StateDir: t.TempDir()}, r, tc.addrs, tc.publicURL, tc.listen, time.Minute); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
