package contacts_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// replica is what a client keeps from change tracking: id to display name.
type replica struct {
	items map[string]string
	state string
}

func (r *replica) String() string { return fmt.Sprint(slices.Sorted(maps.Values(r.items))) }

// run applies one round from r.state, storing each checkpoint's state.
// With failAfter > 0 it injects a fault on the mailbox's host after that
// many checkpoints, as a crash mid-round.
func (r *replica) run(t *testing.T, e *env, folder contacts.FolderID, failAfter int) (bool, error) {
	t.Helper()
	defer e.Srv.ClearFaults()
	checkpoints := 0
	for ch, err := range e.MB.Contacts.SyncContacts(t.Context(), folder, r.state) {
		if err != nil {
			return false, err
		}
		switch ch.Kind {
		case odata.Upserted:
			if ch.Item.DisplayName != "" {
				r.items[ch.ID] = ch.Item.DisplayName
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

func truth(t *testing.T, e *env, folder contacts.FolderID) string {
	t.Helper()
	r := replica{items: map[string]string{}}
	for c, err := range e.MB.Contacts.ListContacts(t.Context(), folder, nil) {
		if err != nil {
			t.Fatal(err)
		}
		r.items[c.ID] = c.DisplayName
	}
	return r.String()
}

// Change tracking interrupted mid-round and resumed from the last stored
// state ends with the server's truth, in the default folder and in another
// one, in both dialects.
func TestSyncContactsResumesAfterFaults(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		// Pages of 5, so that a round has checkpoints to crash after
		// wherever the server's own page size lies.
		e.MB = e.Reopen(t, outlook.WithPrefer(odata.Prefer{MaxPageSize: 5}))
		f, err := e.MB.Contacts.CreateFolder(ctx, contacts.DefaultFolder, "Vendors")
		if err != nil {
			t.Fatal(err)
		}
		for _, folder := range []contacts.FolderID{contacts.DefaultFolder, contacts.FolderID(f.ID)} {
			var ids []string
			for i := range 23 {
				c, err := e.MB.Contacts.CreateContact(ctx, folder, &contacts.Contact{DisplayName: fmt.Sprintf("c%02d", i),
					EmailAddresses: []item.EmailAddress{{Address: fmt.Sprintf("c%d@example.org", i)}}})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			r := &replica{items: map[string]string{}}
			resume := func(round string, failAfter int) {
				t.Helper()
				done, err := r.run(t, e, folder, failAfter)
				if done || err == nil {
					t.Fatalf("%s: the injected fault did not stop the round (done %v, err %v)", round, done, err)
				}
				for attempt := 0; !done; attempt++ {
					if attempt > 3 {
						t.Fatalf("%s: no progress after resuming", round)
					}
					if done, err = r.run(t, e, folder, 0); err != nil {
						t.Fatalf("%s: resuming: %v", round, err)
					}
				}
				if got, want := r.String(), truth(t, e, folder); got != want {
					t.Fatalf("%s: replica\n%s\nserver\n%s", round, got, want)
				}
			}
			resume(fmt.Sprintf("%q initial", folder), 2)
			if len(r.items) != 23 {
				t.Fatalf("initial round: %d contacts, want 23", len(r.items))
			}
			for i := range 7 {
				if _, err := e.MB.Contacts.CreateContact(ctx, folder, &contacts.Contact{DisplayName: fmt.Sprintf("new%d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			for _, id := range ids[1:4] {
				if _, err := e.MB.Contacts.UpdateContact(ctx, id, contacts.ContactUpdate{DisplayName: odata.Set("renamed " + id[len(id)-4:])}); err != nil {
					t.Fatal(err)
				}
			}
			for _, id := range ids[10:15] {
				if err := e.MB.Contacts.DeleteContact(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
			resume(fmt.Sprintf("%q second", folder), 1)
			if len(r.items) != 25 {
				t.Errorf("second round: %d contacts, want 25", len(r.items))
			}
		}
	})
}

// Folder sync is Graph's and EWS's: over REST v2.0 it fails before any
// request.
func TestSyncFolders(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		if _, err := e.MB.Contacts.CreateFolder(ctx, contacts.DefaultFolder, "Vendors"); err != nil {
			t.Fatal(err)
		}
		before := servicetest.RESTRequests(e.Srv, onPremHost)
		var names []string
		var serr error
		for ch, err := range e.MB.Contacts.SyncFolders(ctx, "") {
			if err != nil {
				serr = err
				break
			}
			if ch.Kind == odata.Upserted {
				names = append(names, ch.Item.DisplayName)
			}
			if ch.Kind == odata.Checkpoint && ch.Done {
				break
			}
		}
		if e.Loc == rest {
			if !errors.Is(serr, odata.ErrNotSupported) || servicetest.RESTRequests(e.Srv, onPremHost) != before {
				t.Errorf("on-premises: %v after %d requests, want ErrNotSupported before any", serr, servicetest.RESTRequests(e.Srv, onPremHost)-before)
			}
			return
		}
		if serr != nil || !slices.Equal(names, []string{"Vendors"}) {
			t.Errorf("folders %q, err %v", names, serr)
		}
	})
}

// Folder change tracking gives the contact folders, then what changed:
// one created, one renamed, one deleted (REST v2.0 has none).
func TestSyncFolderChanges(t *testing.T) {
	servicetest.Locations{cloud, ews}.Each(t, func(t *testing.T, e *env) {
		ctx, s := t.Context(), e.MB.Contacts
		round := func(state string) (map[string]string, []string, string) {
			t.Helper()
			up, gone := map[string]string{}, []string(nil)
			for ch, err := range s.SyncFolders(ctx, state) {
				if err != nil {
					t.Fatal(err)
				}
				switch ch.Kind {
				case odata.Upserted:
					up[ch.ID] = ch.Item.DisplayName
				case odata.Removed:
					gone = append(gone, ch.ID)
				case odata.Checkpoint:
					if ch.Done {
						state = ch.State
					}
				}
			}
			return up, gone, state
		}
		a, err := s.CreateFolder(ctx, contacts.DefaultFolder, "Vendors")
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.CreateFolder(ctx, contacts.FolderID(a.ID), "Europe")
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.CreateFolder(ctx, contacts.DefaultFolder, "Old")
		if err != nil {
			t.Fatal(err)
		}
		up, gone, state := round("")
		if up[a.ID] != "Vendors" || up[b.ID] != "Europe" || up[c.ID] != "Old" || len(gone) != 0 || state == "" {
			t.Fatalf("first round: %v, removed %v", up, gone)
		}
		for _, name := range up {
			if name == "Inbox" || name == "Calendar" {
				t.Errorf("first round holds a folder of another kind: %v", up)
			}
		}
		if _, err := s.UpdateFolder(ctx, contacts.FolderID(b.ID), contacts.FolderUpdate{DisplayName: odata.Set("EU")}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteFolder(ctx, contacts.FolderID(c.ID)); err != nil {
			t.Fatal(err)
		}
		d, err := s.CreateFolder(ctx, contacts.DefaultFolder, "New")
		if err != nil {
			t.Fatal(err)
		}
		up, gone, _ = round(state)
		if up[b.ID] != "EU" || up[d.ID] != "New" || len(up) != 2 || !slices.Equal(gone, []string{c.ID}) {
			t.Errorf("second round: %v, removed %v", up, gone)
		}
	})
}
