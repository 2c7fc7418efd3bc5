package mail_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// replica is what a client keeps from change tracking: id to subject and
// read state, plus the last state stored.
type replica struct {
	items map[string]string
	state string
}

func (r *replica) String() string { return fmt.Sprint(slices.Sorted(maps.Values(r.items))) }

// run applies one round of changes from r.state, storing each checkpoint's
// state after what came before it. With failAfter > 0 it injects a fault
// on the mailbox's host after that many checkpoints, as a crash mid-round:
// the round then stops with the fault's error, which run returns.
func (r *replica) run(t *testing.T, e *env, mb *outlook.Mailbox, failAfter int) (done bool, err error) {
	t.Helper()
	checkpoints := 0
	defer e.Srv.ClearFaults()
	for ch, err := range mb.Mail.SyncMessages(t.Context(), mail.Inbox, r.state) {
		if err != nil {
			return false, err
		}
		switch ch.Kind {
		case odata.Upserted:
			if ch.Item.Subject != "" {
				r.items[ch.ID] = fmt.Sprintf("%s/%v", ch.Item.Subject, ch.Item.IsRead)
			} else if prev, ok := r.items[ch.ID]; ok { // a partial update: the read flag alone
				subject := prev[:strings.LastIndexByte(prev, '/')]
				r.items[ch.ID] = fmt.Sprintf("%s/%v", subject, ch.Item.IsRead)
			}
		case odata.Removed:
			delete(r.items, ch.ID)
		case odata.Checkpoint:
			r.state = ch.State
			if ch.Done {
				return true, nil
			}
			if checkpoints++; checkpoints == failAfter {
				f := e.ReadFault("")
				f.Status, f.Code = 400, "InjectedCrash"
				e.Srv.Inject(f)
			}
		}
	}
	return false, errors.New("the round ended without a final checkpoint")
}

// inbox is the server's truth in the replica's form.
func inbox(t *testing.T, e *env) string {
	t.Helper()
	r := replica{items: map[string]string{}}
	for m, err := range e.MB.Mail.ListMessages(t.Context(), mail.Inbox, nil) {
		if err != nil {
			t.Fatal(err)
		}
		r.items[m.ID] = fmt.Sprintf("%s/%v", m.Subject, m.IsRead)
	}
	return r.String()
}

// Change tracking interrupted mid-round and resumed from the last stored
// state ends with the same replica as an uninterrupted run: nothing lost,
// nothing applied twice in effect.
func TestSyncMessagesResumesAfterFaults(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		ids := seedInbox(e.Box, 23)
		e.Box.Add("messages", outlooktest.Object{"subject": "elsewhere", "parentFolderId": "archive"})
		r := &replica{items: map[string]string{}}
		// Rounds of several pages: five changes a page, asked for with
		// odata.maxpagesize (Graph, REST v2.0) or MaxChangesReturned (EWS).
		mb := e.Reopen(t, outlook.WithPrefer(odata.Prefer{MaxPageSize: 5}))

		resume := func(round string) {
			t.Helper()
			done, err := r.run(t, e, mb, 2)
			if done {
				t.Fatalf("%s: the round finished before the injected fault", round)
			}
			if err == nil {
				t.Fatalf("%s: no error from the injected fault", round)
			}
			for attempt := 0; !done; attempt++ {
				if attempt > 3 {
					t.Fatalf("%s: no progress after resuming", round)
				}
				if done, err = r.run(t, e, mb, 0); err != nil {
					t.Fatalf("%s: resuming: %v", round, err)
				}
			}
			if got, want := r.String(), inbox(t, e); got != want {
				t.Fatalf("%s: replica\n%s\nserver\n%s", round, got, want)
			}
		}
		resume("initial round")
		if len(r.items) != 23 {
			t.Fatalf("initial round: %d items, want 23", len(r.items))
		}
		roundStart := r.state

		// Changes of every kind between rounds.
		for i := range 7 {
			e.Box.Add("messages", outlooktest.Object{"subject": fmt.Sprintf("new%d", i), "parentFolderId": "inbox"})
		}
		for _, id := range ids[1:3] {
			if _, err := e.MB.Mail.UpdateMessage(ctx, id, mail.MessageUpdate{IsRead: odata.Set(true)}); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range ids[3:5] {
			if err := e.MB.Mail.DeleteMessage(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.MB.Mail.MoveMessage(ctx, ids[5], mail.JunkEmail); err != nil {
			t.Fatal(err)
		}
		resume("incremental round")
		if len(r.items) != 23+7-3 {
			t.Errorf("incremental round: %d items, want 27", len(r.items))
		}

		// Replaying the older state after a crash repeats, loses nothing.
		r.state = roundStart
		for done := false; !done; {
			var err error
			if done, err = r.run(t, e, mb, 0); err != nil {
				t.Fatalf("replay: %v", err)
			}
		}
		if got, want := r.String(), inbox(t, e); got != want {
			t.Fatalf("replay: replica\n%s\nserver\n%s", got, want)
		}
	})
}

func TestSyncFolders(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		if e.Loc == rest {
			for _, err := range e.MB.Mail.SyncFolders(ctx, "") {
				if !errors.Is(err, odata.ErrNotSupported) {
					t.Fatalf("SyncFolders on premises: %v, want ErrNotSupported", err)
				}
			}
			return
		}
		names := map[string]string{}
		parents := map[string]string{}
		state := ""
		apply := func() {
			for ch, err := range e.MB.Mail.SyncFolders(ctx, state) {
				if err != nil {
					t.Fatalf("SyncFolders: %v", err)
				}
				switch ch.Kind {
				case odata.Upserted:
					names[ch.ID] = ch.Item.DisplayName
					parents[ch.ID] = ch.Item.ParentFolderID
				case odata.Removed:
					delete(names, ch.ID)
				case odata.Checkpoint:
					state = ch.State
				}
			}
		}
		apply()
		if !slices.Contains(slices.Collect(maps.Values(names)), "Drafts") {
			t.Errorf("first folder round lacks Drafts: %v", names)
		}
		f, err := e.MB.Mail.CreateFolder(ctx, mail.Inbox, "Receipts")
		if err != nil {
			t.Fatal(err)
		}
		apply()
		if names[f.ID] != "Receipts" {
			t.Errorf("the new folder was not reported: %v", names)
		}
		if err := e.MB.Mail.DeleteFolder(ctx, mail.FolderID(f.ID)); err != nil {
			t.Fatal(err)
		}
		apply()
		// Deleted, the folder went to Deleted Items (reported as moved
		// there) or is gone (reported removed).
		deleted, err := e.MB.Mail.GetFolder(ctx, mail.DeletedItems, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := names[f.ID]; ok && parents[f.ID] != deleted.ID {
			t.Errorf("the deleted folder was reported neither removed nor moved to Deleted Items (parent %q)", parents[f.ID])
		}
	})
}
