package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// Options say where Watch keeps its place and when it stops.
type Options struct {
	// StateDir holds a state file per mailbox; it is created if missing.
	StateDir string
	// Count stops the watch once it has printed this many messages; 0
	// watches until ctx ends.
	Count int
	// Webhooks says the client's Graph mailboxes are pushed to through a
	// notify.Receiver (outlook.WithWatch), for the line that says how each
	// mailbox is watched.
	Webhooks bool
	// Ready, when set, is called once for each mailbox when its watch is
	// up: the first round has run, and a message that arrives from then on
	// is printed.
	Ready func(mb *outlook.Mailbox)
}

// seenWindow is how many printed message ids a state file remembers: a
// message changed soon after it was printed (read, flagged) comes again
// from change tracking, and is not printed again while its id is among the
// last seenWindow printed in its mailbox.
const seenWindow = 256

// margin is how long before a mailbox's last complete round began a message
// may have been received and still be new to the next one: it covers times of
// receipt in whole seconds and a server clock behind ours. A message
// received earlier that comes from change tracking was changed (read,
// flagged) or moved into the inbox, and has not just arrived; one received
// within the margin and printed is among the state's Seen.
const margin = 5 * time.Minute

// state is a mailbox's state file: where its change tracking stands, and
// the messages printed since that point (and a few before), so a restart
// from Sync, which replays them, does not print them again.
type state struct {
	Mailbox string    `json:"mailbox"`
	Sync    string    `json:"sync"`           // the last Checkpoint's State
	Round   time.Time `json:"round,omitzero"` // the last complete round began after it
	Seen    []string  `json:"seen,omitzero"`  // the ids of the last messages printed, oldest first
}

// watcher prints for all the mailboxes of one Watch call.
type watcher struct {
	w    io.Writer
	opts Options
	stop context.CancelFunc

	mu      sync.Mutex // serialises printing and the count
	printed int
}

// Watch prints each message that arrives in the inboxes of boxes, once,
// until ctx ends or opts.Count messages were printed. It keeps a state file
// per mailbox in opts.StateDir, written (whole, by rename) after the
// messages it covers were printed: started again, it prints the messages
// that arrived while it was not running, and none it printed before. On a
// mailbox's first start it prints nothing of what its inbox already holds.
// Change tracking also reports messages that were changed (read, flagged)
// or moved into the inbox: those received well before the last round (see
// margin) have not arrived, and are not printed.
//
// Errors of a mailbox's service are printed and retried (mail.Service.Watch
// retries with a growing pause); Watch fails only when it cannot keep its
// state.
func Watch(ctx context.Context, w io.Writer, boxes []*outlook.Mailbox, opts Options) error {
	if err := os.MkdirAll(opts.StateDir, 0o700); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	x := &watcher{w: w, opts: opts, stop: cancel}
	errs := make([]error, len(boxes))
	var wg sync.WaitGroup
	for i, mb := range boxes {
		wg.Go(func() {
			if errs[i] = x.mailbox(ctx, mb); errs[i] != nil {
				errs[i] = fmt.Errorf("%s: %w", mb.Address(), errs[i])
				cancel()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// mailbox watches one inbox, from its state file.
func (x *watcher) mailbox(ctx context.Context, mb *outlook.Mailbox) error {
	path := filepath.Join(x.opts.StateDir, url.PathEscape(mb.Address())+".json")
	st, err := load(path)
	if err != nil {
		return err
	}
	st.Mailbox = mb.Address()
	// since is the time of receipt from which a message is new: on a first
	// start none of the inbox's messages is, then those received since the
	// last complete round (less the margin) are.
	since := st.Round.Add(-margin)
	if st.Round.IsZero() {
		since = time.Now().Add(24 * time.Hour)
		x.say("%s (%s): watching; what the inbox holds now is not shown", mb.Address(), x.how(mb))
	} else {
		x.say("%s (%s): resuming from %s", mb.Address(), x.how(mb), path)
	}
	ready := false
	begun := time.Now() // no later than the start of the round under way
	for {
		gone := false
		for ch, err := range mb.Mail.Watch(ctx, mail.Inbox, st.Sync) {
			if err != nil {
				if errors.Is(err, odata.ErrGone) {
					gone = true
					break
				}
				x.say("%s: %v (retrying)", mb.Address(), err)
				continue
			}
			switch ch.Kind {
			case odata.Upserted:
				// A change with no time of receipt is not a whole message
				// (EWS reports a changed read flag as the id and the flag).
				at := ch.Item.ReceivedDateTime
				if at.IsZero() || at.Before(since) || slices.Contains(st.Seen, ch.ID) {
					continue
				}
				if !x.print(mb, ch.Item) {
					return nil // the count is reached: this message is for the next run
				}
				st.Seen = append(st.Seen, ch.ID)
				if n := len(st.Seen) - seenWindow; n > 0 {
					st.Seen = slices.Delete(st.Seen, 0, n)
				}
				if err := save(path, st); err != nil {
					return err
				}
			case odata.Checkpoint:
				st.Sync = ch.State
				if ch.Done {
					// Whatever was received before the round began was in
					// it or in an earlier one.
					st.Round, begun = begun, time.Now()
				}
				if err := save(path, st); err != nil {
					return err
				}
				if ch.Done {
					since = st.Round.Add(-margin)
					if !ready && x.opts.Ready != nil {
						x.opts.Ready(mb)
					}
					ready = true
				}
			}
		}
		if !gone || ctx.Err() != nil {
			return nil
		}
		// The service forgot the state (it expired, or the mailbox moved to
		// another API): start over, printing what arrived since the last
		// complete round and was not printed (since stands).
		x.say("%s: the service no longer knows the stored state; starting over", mb.Address())
		st.Sync = ""
	}
}

// print prints a message, unless the count is reached (then it stops the
// watch and reports false).
func (x *watcher) print(mb *outlook.Mailbox, m *mail.Message) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.opts.Count > 0 && x.printed >= x.opts.Count {
		x.stop()
		return false
	}
	x.printed++
	from := m.From.EmailAddress.Address
	if name := m.From.EmailAddress.Name; name != "" && name != from {
		from = name + " <" + from + ">"
	}
	if from == "" {
		from = "(no sender)"
	}
	fmt.Fprintf(x.w, "%s  %s  from %s: %s\n", m.ReceivedDateTime.Local().Format("15:04:05"), mb.Address(), from, m.Subject)
	if x.opts.Count > 0 && x.printed == x.opts.Count {
		x.stop()
	}
	return true
}

// say prints a line about the watch itself.
func (x *watcher) say(format string, args ...any) {
	x.mu.Lock()
	defer x.mu.Unlock()
	fmt.Fprintf(x.w, "-- "+format+"\n", args...)
}

// how says how a mailbox learns of new mail.
func (x *watcher) how(mb *outlook.Mailbox) string {
	api := mb.Route().API
	switch {
	case api == outlook.EWS:
		return "EWS, pushed by streaming notifications"
	case api == outlook.Graph && x.opts.Webhooks:
		return "Graph, pushed by webhooks"
	}
	return demo.APIName(api) + ", polled"
}

// load reads a state file; a missing one is a first start.
func load(path string) (state, error) {
	var st state
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("state file %s: %w (delete it to start over)", path, err)
	}
	return st, nil
}

// save writes a state file whole or not at all: a crash leaves the old
// one or the new one, never a torn one.
func save(path string, st state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
