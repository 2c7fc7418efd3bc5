package odata_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/odata"
)

// syncFake plays both change-tracking spellings over a fixed history: the
// first round lists m1..m3 in two pages, the second reports m2 changed and
// m3 deleted.
func syncFake(t *testing.T, v2 bool) (*fake, *odata.Client) {
	return newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		base := f.srv.URL + r.URL.Path
		tracking := strings.Contains(strings.Join(r.Header.Values("Prefer"), ","), "odata.track-changes")
		if v2 {
			if !tracking {
				t.Errorf("v2 sync request without Prefer: odata.track-changes: %s", r.URL)
			}
			if strings.HasSuffix(r.URL.Path, "/delta") {
				t.Errorf("v2 sync used /delta: %s", r.URL.Path)
			}
			w.Header().Set("Preference-Applied", "odata.track-changes")
		} else if !strings.HasSuffix(r.URL.Path, "/messages/delta") {
			t.Errorf("graph sync path = %s", r.URL.Path)
		}
		item := func(id, subj string) string {
			if v2 {
				return fmt.Sprintf(`{"Id":%q,"Subject":%q}`, id, subj)
			}
			return fmt.Sprintf(`{"id":%q,"subject":%q}`, id, subj)
		}
		removed := `{"id":"m3","@removed":{"reason":"deleted"}}`
		if v2 {
			removed = `{"@odata.context":"https://x/api/v2.0/$metadata#Me/MailFolders('inbox')/Messages/$deletedEntity","id":"Messages('m3')","reason":"deleted"}`
		}
		var body string
		switch {
		case q.Get("$deltatoken") == "" && q.Get("$skiptoken") == "" && v2:
			// v2.0: the first answer is empty and ends with a deltaLink.
			body = `{"value":[],"@odata.deltaLink":"` + base + `?$deltatoken=t0"}`
		case q.Get("$deltatoken") == "" && q.Get("$skiptoken") == "" || q.Get("$deltatoken") == "t0":
			body = `{"value":[` + item("m1", "one") + `,` + item("m2", "two") + `],"@odata.nextLink":"` + base + `?$skiptoken=p2"}`
		case q.Get("$skiptoken") == "p2":
			body = `{"value":[` + item("m3", "three") + `],"@odata.deltaLink":"` + base + `?$deltatoken=t1"}`
		case q.Get("$deltatoken") == "t1":
			body = `{"value":[` + item("m2", "two!") + `,` + removed + `],"@odata.deltaLink":"` + base + `?$deltatoken=t2"}`
		case q.Get("$deltatoken") == "expired":
			w.WriteHeader(410)
			body = `{"error":{"code":"syncStateNotFound","message":"gone"}}`
		default:
			t.Errorf("unexpected sync request %s", r.URL)
		}
		f.json(w, 200, body, body)
	})
}

func runRound(t *testing.T, c *odata.Client, state string) (changes []string, next string) {
	t.Helper()
	for ch, err := range odata.Sync[message](t.Context(), c, odata.PathOf("mailFolders/{}/messages", "inbox"), nil, state) {
		if err != nil {
			t.Fatal(err)
		}
		switch ch.Kind {
		case odata.Upserted:
			changes = append(changes, "+"+ch.ID+":"+ch.Item.Subject)
		case odata.Removed:
			changes = append(changes, "-"+ch.ID)
		case odata.Checkpoint:
			if ch.Done {
				next = ch.State
			}
		}
	}
	return changes, next
}

func TestSync(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		_, c := syncFake(t, v2)
		got, state := runRound(t, c, "")
		if strings.Join(got, " ") != "+m1:one +m2:two +m3:three" || state == "" {
			t.Fatalf("first round = %v, state %q", got, state)
		}
		got, state2 := runRound(t, c, state)
		if strings.Join(got, " ") != "+m2:two! -m3" || state2 == "" {
			t.Fatalf("second round = %v", got)
		}
		// Replaying the older state repeats the changes, losing none.
		again, _ := runRound(t, c, state)
		if strings.Join(again, " ") != strings.Join(got, " ") {
			t.Errorf("replay = %v, want %v", again, got)
		}
	})
}

func TestSyncResumeFromCheckpoint(t *testing.T) {
	_, c := syncFake(t, false)
	var mid string
	for ch, err := range odata.Sync[message](t.Context(), c, odata.PathOf("mailFolders/{}/messages", "inbox"), nil, "") {
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind == odata.Checkpoint && !ch.Done {
			mid = ch.State
			break // crash after the first page
		}
	}
	got, _ := runRound(t, c, mid)
	if strings.Join(got, " ") != "+m3:three" {
		t.Errorf("resumed round = %v", got)
	}
}

func TestSyncStateErrors(t *testing.T) {
	_, graph := syncFake(t, false)
	_, v2 := syncFake(t, true)
	_, gstate := runRound(t, graph, "")
	for name, tc := range map[string]struct {
		c     *odata.Client
		state string
		want  error
	}{
		"other dialect": {v2, gstate, odata.ErrStateMismatch},
		"garbage":       {graph, "hello", odata.ErrInvalidQuery},
		"foreign link":  {graph, "odata-sync/graph-v1.0 https://evil.example/v1.0/x", odata.ErrForeignLink},
		"expired":       {graph, strings.Replace(gstate, "t1", "expired", 1), odata.ErrGone},
	} {
		var err error
		for _, err = range odata.Sync[message](t.Context(), tc.c, odata.PathOf("mailFolders/{}/messages", "inbox"), nil, tc.state) {
			if err != nil {
				break
			}
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
}
