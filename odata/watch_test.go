package odata_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/odata"
)

// logCollection is a collection whose change tracking is a log: the state
// is how far into the log a round has read.
type logCollection struct {
	mu   sync.Mutex
	log  []string
	fail []error // errors the next rounds fail with, in order
}

func (l *logCollection) add(ids ...string) {
	l.mu.Lock()
	l.log = append(l.log, ids...)
	l.mu.Unlock()
}

func (l *logCollection) round(ctx context.Context, state string) iter.Seq2[odata.Change[string], error] {
	return func(yield func(odata.Change[string], error) bool) {
		l.mu.Lock()
		var err error
		if len(l.fail) > 0 {
			err, l.fail = l.fail[0], l.fail[1:]
		}
		from := 0
		if state != "" {
			from, _ = strconv.Atoi(strings.TrimPrefix(state, "pos:"))
		}
		items := append([]string(nil), l.log[from:]...)
		l.mu.Unlock()
		if err != nil {
			yield(odata.Change[string]{}, err)
			return
		}
		for _, id := range items {
			if !yield(odata.Change[string]{Kind: odata.Upserted, ID: id, Item: &id}, nil) {
				return
			}
		}
		yield(odata.Change[string]{Kind: odata.Checkpoint, State: fmt.Sprint("pos:", from+len(items)), Done: true}, nil)
	}
}

// chanPusher is a Pusher whose streams yield what the test sends, and end
// when it sends an error.
type chanPusher struct {
	recordingBackend
	events chan error // nil: a change notice
	mu     sync.Mutex
	marks  []string // the watermark of each Push
	n      int
}

func (p *chanPusher) Push(ctx context.Context, r *odata.PushRequest) iter.Seq2[odata.PushEvent, error] {
	p.mu.Lock()
	p.marks = append(p.marks, r.Watermark)
	p.mu.Unlock()
	return func(yield func(odata.PushEvent, error) bool) {
		for {
			select {
			case <-ctx.Done():
				yield(odata.PushEvent{}, ctx.Err())
				return
			case err := <-p.events:
				if err != nil {
					yield(odata.PushEvent{}, err)
					return
				}
				p.mu.Lock()
				p.n++
				w := fmt.Sprint("w", p.n)
				p.mu.Unlock()
				if !yield(odata.PushEvent{Watermark: w}, nil) {
					return
				}
			}
		}
	}
}

func (p *chanPusher) watermarks() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.marks...)
}

// watcher runs Watch in the background, sending what it yields on a
// channel, until stop is called (which waits for it to end).
type watcher struct {
	got    chan odata.Change[string]
	errs   chan error
	cancel context.CancelFunc
	done   chan struct{}
}

func startWatch(t *testing.T, c *odata.Client, l *logCollection, state string, o *odata.WatchOptions) *watcher {
	ctx, cancel := context.WithCancel(t.Context())
	w := &watcher{got: make(chan odata.Change[string], 100), errs: make(chan error, 100), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for ch, err := range odata.Watch(ctx, c, odata.PathOf("mailFolders/{}/messages", "inbox"), state, o, l.round) {
			if err != nil {
				w.errs <- err
				continue
			}
			w.got <- ch
		}
	}()
	t.Cleanup(w.stop)
	return w
}

func (w *watcher) stop() { w.cancel(); <-w.done }

// items reads until n items came, returning them and the last state.
func (w *watcher) items(t *testing.T, n int) (ids []string, state string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for len(ids) < n || state == "" {
		select {
		case ch := <-w.got:
			switch ch.Kind {
			case odata.Upserted:
				ids = append(ids, ch.ID)
				state = ""
			case odata.Checkpoint:
				state = ch.State
			}
		case err := <-w.errs:
			t.Fatalf("error after %v: %v", ids, err)
		case <-timeout:
			t.Fatalf("got %v, want %d items", ids, n)
		}
	}
	return ids, state
}

// quiet checks that nothing more comes for a while.
func (w *watcher) quiet(t *testing.T) {
	t.Helper()
	select {
	case ch := <-w.got:
		if ch.Kind != odata.Checkpoint {
			t.Errorf("unexpected %+v", ch)
		}
	case <-time.After(100 * time.Millisecond):
	}
}

var noPolling = &odata.WatchOptions{PollInterval: time.Hour, CatchUpInterval: -1}

func pushClient(t *testing.T) (*odata.Client, *chanPusher) {
	p := &chanPusher{events: make(chan error)}
	c, err := odata.NewClient(ewsRoot, odata.EWS, nil, odata.WithBackend(p))
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}

func TestWatchIsDrivenByPush(t *testing.T) {
	c, p := pushClient(t)
	l := &logCollection{log: []string{"a"}}
	w := startWatch(t, c, l, "", noPolling)
	if ids, _ := w.items(t, 1); ids[0] != "a" {
		t.Fatalf("first round = %v", ids)
	}
	l.add("b", "c")
	w.quiet(t) // no push, no polling: nothing yet
	p.events <- nil
	if ids, _ := w.items(t, 2); strings.Join(ids, ",") != "b,c" {
		t.Fatalf("after a push: %v", ids)
	}
	// A push with nothing new yields no item.
	p.events <- nil
	w.quiet(t)
}

func TestWatchReconnectsABrokenStreamAndCatchesUp(t *testing.T) {
	c, p := pushClient(t)
	l := &logCollection{}
	w := startWatch(t, c, l, "", noPolling)
	w.items(t, 0)
	p.events <- nil // watermark w1
	w.items(t, 0)
	l.add("x")
	p.events <- errors.New("connection reset") // the stream breaks: caught up at once
	if ids, _ := w.items(t, 1); ids[0] != "x" {
		t.Fatalf("catch-up = %v", ids)
	}
	// Reconnected from the last watermark, after a pause.
	deadline := time.Now().Add(5 * time.Second)
	for len(p.watermarks()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if m := p.watermarks(); len(m) != 2 || m[0] != "" || m[1] != "w1" {
		t.Fatalf("Push watermarks = %q, want [\"\" w1]", m)
	}
	l.add("y")
	p.events <- nil
	if ids, _ := w.items(t, 1); ids[0] != "y" {
		t.Fatalf("after reconnect = %v", ids)
	}
}

func TestWatchPollsWithoutPush(t *testing.T) {
	// A Graph mailbox without a Waker: c.Push fails with ErrNotSupported.
	c, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}),
		odata.WithWatch(&odata.WatchOptions{PollInterval: 20 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	l := &logCollection{}
	w := startWatch(t, c, l, "", nil) // the client's options
	w.items(t, 0)
	l.add("p")
	if ids, _ := w.items(t, 1); ids[0] != "p" {
		t.Fatalf("polled = %v", ids)
	}
}

// fakeWaker wakes on the test's command.
type fakeWaker struct {
	wake  chan struct{}
	calls chan odata.Path
}

func (f *fakeWaker) Wake(ctx context.Context, c *odata.Client, p odata.Path) (<-chan struct{}, error) {
	f.calls <- p
	out := make(chan struct{})
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case <-f.wake:
				select {
				case out <- struct{}{}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

func TestWatchIsDrivenByAWaker(t *testing.T) {
	c, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}))
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeWaker{wake: make(chan struct{}), calls: make(chan odata.Path, 1)}
	l := &logCollection{}
	w := startWatch(t, c, l, "", &odata.WatchOptions{Waker: f, PollInterval: time.Hour, CatchUpInterval: -1})
	if p := <-f.calls; p.String() != "mailFolders/inbox/messages" {
		t.Errorf("Wake path = %s", p)
	}
	w.items(t, 0)
	l.add("k")
	f.wake <- struct{}{}
	if ids, _ := w.items(t, 1); ids[0] != "k" {
		t.Fatalf("woken = %v", ids)
	}
}

// TestWatchRestartedFromItsStateYieldsEachChangeOnce kills the watch after
// a checkpoint and starts it again from the state it gave.
func TestWatchRestartedFromItsStateYieldsEachChangeOnce(t *testing.T) {
	c, p := pushClient(t)
	l := &logCollection{log: []string{"1", "2"}}
	w := startWatch(t, c, l, "", noPolling)
	seen := map[string]int{}
	ids, state := w.items(t, 2)
	for _, id := range ids {
		seen[id]++
	}
	w.stop()
	l.add("3", "4") // while no watcher runs
	w = startWatch(t, c, l, state, noPolling)
	ids, _ = w.items(t, 2)
	for _, id := range ids {
		seen[id]++
	}
	l.add("5")
	p.events <- nil
	ids, _ = w.items(t, 1)
	for _, id := range ids {
		seen[id]++
	}
	w.quiet(t)
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		if seen[id] != 1 {
			t.Errorf("%s seen %d times (all: %v)", id, seen[id], seen)
		}
	}
}

func TestWatchRetriesAfterAnErrorAndStopsOnGone(t *testing.T) {
	c, _ := pushClient(t)
	l := &logCollection{log: []string{"a"}, fail: []error{errors.New("503")}}
	w := startWatch(t, c, l, "", &odata.WatchOptions{PollInterval: 50 * time.Millisecond, CatchUpInterval: -1})
	select {
	case err := <-w.errs:
		if err.Error() != "503" {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no error")
	}
	if ids, _ := w.items(t, 1); ids[0] != "a" {
		t.Fatalf("after the retry: %v", ids)
	}
	w.stop()

	gone := &logCollection{fail: []error{fmt.Errorf("expired: %w", odata.ErrGone)}}
	var errs []error
	for _, err := range odata.Watch(t.Context(), c, odata.PathOf("messages"), "pos:0", noPolling, gone.round) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], odata.ErrGone) {
		t.Errorf("errors = %v, want one ErrGone, then the end", errs)
	}
}
