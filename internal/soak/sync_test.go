package soak

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// The sync case: a folder of syncSeeded messages tracked in pages of
// syncPage, the tracking killed syncKills times at random points while the
// folder changes between runs.
const (
	syncSeeded = 600
	syncPage   = 40
	syncKills  = 24
)

// syncCase keeps a replica of a folder by change tracking through the
// storm, killing the tracking at random points (the context cancelled
// between two changes or in the middle of a request, or the iterator
// dropped) while messages are added, marked read or unread and deleted between runs, and
// resuming each time from the last state the replica stored. Once the
// folder stops changing and a round completes, the replica must equal the
// folder.
func syncCase(t *testing.T, loc location) {
	const addr = "tracker@contoso.com"
	e := newEnv(t, loc, addr)
	box := e.srv.Mailbox(addr)
	for i := range syncSeeded {
		box.Add("messages", outlooktest.Object{"subject": fmt.Sprintf("seeded %d", i)})
	}
	mb, err := e.client.Mailbox(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	e.stormOn() // on the tracking's requests: the edits are made at the server, as another client's

	r := &replica{items: map[string]string{}, subjects: map[string]string{}}
	q := &odata.Query{Select: odata.Fields(mail.Subject, mail.IsRead), Prefer: odata.Prefer{MaxPageSize: syncPage}}
	var runs, kills, rounds int
	for ; kills < syncKills; runs++ {
		e.edit(box, runs)
		if r.run(t, mb.Mail, q, e.killPlan(rounds > 0)) {
			rounds++
		} else {
			kills++
		}
	}
	for done := false; !done; runs++ { // the folder is still now: run to the end of a round
		done = r.run(t, mb.Mail, q, kill{})
	}
	want := inbox(t, box)
	for _, id := range slices.Sorted(maps.Keys(want)) {
		if got, ok := r.items[id]; !ok {
			t.Errorf("message %s (%q) is missing from the replica", id, want[id])
		} else if got != want[id] {
			t.Errorf("message %s is %q in the replica; the folder has %q", id, got, want[id])
		}
	}
	for _, id := range slices.Sorted(maps.Keys(r.items)) {
		if _, ok := want[id]; !ok {
			t.Errorf("message %s (%q) is in the replica and not in the folder", id, r.items[id])
		}
	}
	t.Logf("%d runs, %d killed, %d rounds completed, %d changes applied; the folder holds %d messages", runs, kills, rounds+1, r.applied, len(want))
}

// replica is the folder as the changes so far describe it, and the state
// to resume from.
type replica struct {
	items    map[string]string // id -> what the case tracks of the message (state)
	subjects map[string]string // id -> subject, for updates that carry only what changed
	state    string
	applied  int
}

// kill says where a run of the tracking stops early: after changes
// changes, by breaking out of the loop ("break") or by cancelling its
// context ("cancel"), or by a timer cancelling the context after delay,
// wherever the run is then ("timer"). The zero kill lets the run end.
type kill struct {
	mode    string
	changes int
	delay   time.Duration
}

// killPlan draws where the next run stops: in the first round (600
// changes) anywhere in its first pages, in later ones (a few changes each)
// anywhere in them; the timer, anywhere in the requests, their retries and
// their Retry-After waits.
func (e *env) killPlan(caughtUp bool) kill {
	changes := 3 * syncPage
	if caughtUp {
		changes = 8
	}
	switch e.rng.IntN(3) {
	case 0:
		return kill{mode: "break", changes: 1 + e.rng.IntN(changes)}
	case 1:
		return kill{mode: "cancel", changes: 1 + e.rng.IntN(changes)}
	}
	return kill{mode: "timer", delay: time.Duration(e.rng.IntN(1200)) * time.Millisecond}
}

// run runs the tracking from the stored state until the round ends or k
// kills it, applying every change and storing every checkpoint's state. It
// reports whether a round completed.
func (r *replica) run(t *testing.T, svc *mail.Service, q *odata.Query, k kill) (done bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	if k.mode == "timer" {
		timer := time.AfterFunc(k.delay, cancel)
		defer timer.Stop()
	}
	if r.state == "" {
		// A round from scratch lists the whole folder: what it does not
		// list is gone, whatever an earlier, killed one listed.
		clear(r.items)
		clear(r.subjects)
	}
	n := 0
	for ch, err := range svc.SyncMessagesQuery(ctx, mail.Inbox, q, r.state) {
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, context.Canceled) {
				return false // killed
			}
			t.Fatalf("tracking from state %q: %v", r.state, err)
		}
		switch ch.Kind {
		case odata.Upserted:
			subject := ch.Item.Subject
			if old, ok := r.subjects[ch.ID]; ok && subject == "" {
				// An update may carry only what changed (EWS reports a
				// read flag changed with the flag alone); every message
				// of the case has a subject.
				subject = old
			}
			r.subjects[ch.ID] = subject
			r.items[ch.ID] = stateOf(subject, ch.Item.IsRead)
			r.applied++
		case odata.Removed:
			delete(r.items, ch.ID)
			delete(r.subjects, ch.ID)
			r.applied++
		case odata.Checkpoint:
			r.state = ch.State
			if ch.Done {
				return true
			}
		}
		n++
		if k.mode == "break" && n == k.changes {
			return false
		}
		if k.mode == "cancel" && n == k.changes {
			cancel()
		}
	}
	if ctx.Err() == nil {
		t.Fatalf("tracking from state %q ended without a final checkpoint", r.state)
	}
	return false
}

// edit changes the folder between two runs, at the server, as other
// clients of the mailbox would: adds messages, marks some read or unread
// and deletes some.
func (e *env) edit(box *outlooktest.Mailbox, run int) {
	t := e.t
	t.Helper()
	for i := range e.rng.IntN(6) {
		box.Add("messages", outlooktest.Object{"subject": fmt.Sprintf("added in run %d, %d", run, i)})
	}
	ids := slices.Sorted(maps.Keys(inbox(t, box)))
	for range e.rng.IntN(4) {
		id, read := ids[e.rng.IntN(len(ids))], e.rng.IntN(2) == 0
		if err := box.Update("messages", id, outlooktest.Object{"isRead": read}); err != nil {
			t.Fatal(err)
		}
	}
	for range e.rng.IntN(4) {
		i := e.rng.IntN(len(ids))
		id := ids[i]
		ids = slices.Delete(ids, i, i+1) // not deleted again
		if !box.Delete("messages", id) {
			t.Fatalf("message %s to delete is gone", id)
		}
	}
}

// inbox returns the Inbox's messages at the server: id -> state.
func inbox(t *testing.T, box *outlooktest.Mailbox) map[string]string {
	t.Helper()
	f, ok := box.Get("mailFolders", "inbox")
	if !ok {
		t.Fatal("no Inbox")
	}
	out := map[string]string{}
	for _, m := range box.Items("messages") {
		if m["parentFolderId"] == f["id"] {
			id, _ := m["id"].(string)
			subject, _ := m["subject"].(string)
			read, _ := m["isRead"].(bool)
			out[id] = stateOf(subject, read)
		}
	}
	return out
}

// stateOf is what the case tracks of a message.
func stateOf(subject string, read bool) string {
	if read {
		return subject + " (read)"
	}
	return subject
}
