package odata

import (
	"context"
	"errors"
	"iter"
	"sync"
	"sync/atomic"
	"time"
)

// A Waker wakes a watcher when a collection of a mailbox changes, by means
// the mailbox's backend does not have itself: notify.Receiver, through
// Microsoft Graph subscriptions delivered to the application's endpoint.
type Waker interface {
	// Wake starts watching the collection at p of c's mailbox and returns a
	// channel that receives a value after changes (several changes may
	// share one) until ctx ends, when it is closed. It fails with an error
	// matching ErrNotSupported where it cannot watch that mailbox (one not
	// served by Graph); any other error is retried. The channel may also
	// be closed early when the watch broke: the watcher catches up and
	// calls Wake again.
	Wake(ctx context.Context, c *Client, p Path) (<-chan struct{}, error)
}

// Watch's default timings.
const (
	// DefaultPollInterval is how often Watch runs a delta round when no push
	// reaches it: often enough for an inbox a person waits on, rarely
	// enough to stay far below Exchange's throttling budgets (a delta round
	// that finds nothing is one small request).
	DefaultPollInterval = time.Minute
	// DefaultCatchUpInterval is how often Watch runs a delta round while
	// pushes do reach it, to bound the delay of a change whose notice was
	// lost without the server saying so.
	DefaultCatchUpInterval = 15 * time.Minute
)

// WatchOptions tune Watch; the zero value (or nil) is ready to use.
type WatchOptions struct {
	// PollInterval is the time between delta rounds when nothing pushes
	// changes (an Outlook REST v2.0 mailbox, a Graph mailbox without a
	// Waker, a broken push stream); DefaultPollInterval when zero.
	PollInterval time.Duration
	// CatchUpInterval is the time between delta rounds while pushes arrive;
	// DefaultCatchUpInterval when zero, never when negative.
	CatchUpInterval time.Duration
	// Waker, when set, wakes the watcher of a Graph mailbox (a
	// notify.Receiver). Without it a Graph mailbox is polled.
	Waker Waker
}

func (o *WatchOptions) poll() time.Duration {
	if o == nil || o.PollInterval <= 0 {
		return DefaultPollInterval
	}
	return o.PollInterval
}

func (o *WatchOptions) catchUp() time.Duration {
	switch {
	case o == nil || o.CatchUpInterval == 0:
		return DefaultCatchUpInterval
	case o.CatchUpInterval < 0:
		return 0
	}
	return o.CatchUpInterval
}

// Watch yields the changes of the collection at p as round (the
// collection's change tracking: Sync, or a model package's wrapper of it)
// yields them, round after round, from state on, until ctx ends. Rounds run
// at once, then whenever a push says the collection changed (the mailbox's
// backend as a Pusher, such as EWS streaming notifications, or o.Waker for
// Graph), and otherwise every o.PollInterval.
//
// A push only wakes the watcher; the changes are read by the delta round,
// from the State of the last Checkpoint yielded. So a push that is lost,
// repeated or late delays a change but never loses or repeats one, and
// a broken stream is caught up by a round before it is reconnected.
// Store each Checkpoint's State after applying the changes before it, in
// the same transaction where that matters: started again from that state,
// Watch yields exactly the changes after it, each once. With state "" the
// first round reports every current item as Upserted, as Sync does.
//
// The watch ends, with no error, when ctx ends. An error is yielded as it
// happens; one matching ErrGone (an expired state, a state of another
// dialect) ends the watch; after any other, if the caller goes on, Watch
// retries from the last Checkpoint after a pause that grows with each
// failure in a row, up to the poll interval.
func Watch[T any](ctx context.Context, c *Client, p Path, state string, o *WatchOptions, round func(ctx context.Context, state string) iter.Seq2[Change[T], error]) iter.Seq2[Change[T], error] {
	if o == nil {
		o = c.watch
	}
	return func(yield func(Change[T], error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer wg.Wait()
		defer cancel()
		w := &watchWake{wake: make(chan struct{}, 1)}
		wg.Go(func() { w.run(ctx, c, p, o) })

		pause := time.Duration(0)
		for {
			failed := false
			for ch, err := range round(ctx, state) {
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					if !yield(Change[T]{}, err) || errors.Is(err, ErrGone) {
						return
					}
					failed = true
					break
				}
				if ch.Kind == Checkpoint {
					state = ch.State
				}
				if !yield(ch, nil) {
					return
				}
			}
			var wait time.Duration
			switch {
			case failed:
				pause = min(max(2*pause, time.Second), o.poll())
				wait = pause
			case w.pushing.Load():
				pause, wait = 0, o.catchUp()
			default:
				pause, wait = 0, o.poll()
			}
			if !w.sleep(ctx, wait, failed) {
				return
			}
		}
	}
}

// watchWake turns whatever pushes a collection's changes into wake-ups of
// one watcher: a channel of one slot, so pushes that come while a round
// runs make one more round, not one each.
type watchWake struct {
	wake    chan struct{}
	pushing atomic.Bool // a push stream is up: poll only to catch up
}

func (w *watchWake) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// sleep waits for a wake-up, d (0: no timer) or the end of ctx, and
// reports false for the last. After a failed round only the timer ends
// the pause: a push must not make a failing server be asked at once.
func (w *watchWake) sleep(ctx context.Context, d time.Duration, failed bool) bool {
	var timer <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	wake := w.wake
	if failed {
		wake = nil
	}
	select {
	case <-ctx.Done():
		return false
	case <-wake:
	case <-timer:
	}
	return true
}

// maxPushBackoff caps the pause before a broken push stream is reconnected.
const maxPushBackoff = time.Minute

// run keeps a push source up until ctx ends: the Waker, else the backend's
// Push, else nothing (the watcher polls). When a stream breaks it wakes the
// watcher to catch up, and reconnects after a pause that grows while
// reconnects fail.
func (w *watchWake) run(ctx context.Context, c *Client, p Path, o *WatchOptions) {
	var waker Waker
	if o != nil {
		waker = o.Waker
	}
	watermark, backoff := "", time.Duration(0)
	for ctx.Err() == nil {
		got := false
		var err error
		if waker != nil {
			var ch <-chan struct{}
			if ch, err = waker.Wake(ctx, c, p); err == nil {
				w.pushing.Store(true)
				w.signal() // changes made before the subscription took effect
				for range ch {
					got = true
					w.signal()
				}
			} else if errors.Is(err, ErrNotSupported) {
				waker = nil
				continue
			}
		} else {
			var seq iter.Seq2[PushEvent, error]
			if seq, err = c.Push(ctx, p, watermark); errors.Is(err, ErrNotSupported) {
				return // the watcher polls
			}
			if err == nil {
				w.pushing.Store(true)
				for ev, err := range seq {
					if err != nil {
						break
					}
					got = true
					if ev.Watermark != "" {
						watermark = ev.Watermark
					}
					w.signal()
				}
			}
		}
		w.pushing.Store(false)
		w.signal() // the stream broke: catch up while it is down
		if got {
			backoff = 0
		}
		backoff = min(max(2*backoff, time.Second), maxPushBackoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

// WithWatch sets the options of the client's Watch calls that give none
// (the model packages' Watch methods): a Waker, the intervals.
func WithWatch(o *WatchOptions) ClientOption {
	return func(c *Client) error {
		c.watch = o
		return nil
	}
}

// Resource returns the path of p from the service root in Graph's
// spelling, mailbox segment included ("users/a%40b.com/mailFolders/inbox/messages"):
// what a Graph subscription names as its resource.
func (c *Client) Resource(p Path) (string, error) {
	b := make([]byte, 0, len(c.mailbox)+64)
	if !p.root {
		b = append(b, c.mailbox...)
		b = append(b, '/')
	}
	b, err := p.appendTo(b, Graph)
	return string(b), err
}
