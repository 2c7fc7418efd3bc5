package rest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
)

// syncRound follows a round of change tracking from link to its deltaLink and
// returns the changed ids, the removed ids and the deltaLink. In v2.0 the
// first request (no token) is the track-changes GET; its deltaLink resumes
// the same round, as protocol.md 3.8 describes.
func syncRound(t *testing.T, f *fakeHost, link string) (changed, removed []string, deltaLink string) {
	t.Helper()
	v2 := f.dialect == dialect.V2
	initialV2 := v2 && !strings.Contains(link, "$deltatoken")
	for range 50 {
		var hdr []string
		if v2 {
			hdr = []string{"Prefer", "odata.track-changes", "Prefer", "odata.maxpagesize=3"}
		} else {
			hdr = []string{"Prefer", "odata.maxpagesize=3"}
		}
		a := f.must(t, http.StatusOK, "GET", link, nil, hdr...)
		if v2 && !strings.Contains(a.header.Get("Preference-Applied"), "odata.track-changes") {
			t.Fatalf("GET %s: Preference-Applied = %q; want odata.track-changes", link, a.header.Get("Preference-Applied"))
		}
		if n := len(a.value()); n > 3 {
			t.Fatalf("GET %s: page of %d; want at most odata.maxpagesize=3", link, n)
		}
		for _, v := range a.value() {
			o := v.(map[string]any)
			switch {
			case !v2 && o["@removed"] != nil:
				removed = append(removed, o["id"].(string))
			case v2 && o["reason"] == "deleted":
				id := o["id"].(string)
				if !strings.HasSuffix(id, "')") || !strings.Contains(id, "('") {
					t.Fatalf("v2 deleted entry id = %q; want Set('id')", id)
				}
				removed = append(removed, id[strings.Index(id, "('")+2:len(id)-2])
				if ctx, _ := o["@odata.context"].(string); !strings.HasSuffix(ctx, "/$deletedEntity") {
					t.Errorf("deleted entry context = %q", ctx)
				}
			default:
				changed = append(changed, o[f.n("id")].(string))
			}
		}
		next, _ := a.body["@odata.nextLink"].(string)
		delta, _ := a.body["@odata.deltaLink"].(string)
		switch {
		case next != "" && delta != "":
			t.Fatalf("both nextLink and deltaLink in %s", a.raw)
		case next != "":
			if !strings.Contains(next, "$skiptoken=") {
				t.Fatalf("nextLink %q has no $skiptoken", next)
			}
			link = next
		case delta != "":
			if !strings.Contains(delta, "$deltatoken=") {
				t.Fatalf("deltaLink %q has no $deltatoken", delta)
			}
			if initialV2 {
				initialV2 = false
				link = delta
				continue
			}
			return changed, removed, delta
		default:
			t.Fatalf("GET %s: neither nextLink nor deltaLink:\n%s", link, a.raw)
		}
	}
	t.Fatal("the round did not end")
	return
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestDeltaMessages(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			var ids []string
			for i := range 8 {
				ids = append(ids, m.Add("messages", Object{"subject": "m" + string(rune('a'+i))}))
			}
			other := m.Add("messages", Object{"subject": "elsewhere", "parentFolderId": "archive"})
			start := "/me/mailFolders/inbox/messages/delta?$select=" + f.n("subject")
			if dl.d == dialect.V2 {
				start = "/me/MailFolders/Inbox/Messages?$select=" + f.n("subject")
			}
			changed, removed, delta1 := syncRound(t, f, start)
			if !slices.Equal(sortedCopy(changed), sortedCopy(ids)) || len(removed) != 0 {
				t.Fatalf("initial round: changed %v removed %v; want the 8 inbox messages, no removals", changed, removed)
			}
			if slices.Contains(changed, other) {
				t.Fatal("the initial round listed a message of another folder")
			}
			// Nothing happened: an empty round.
			changed, removed, _ = syncRound(t, f, delta1)
			if len(changed)+len(removed) != 0 {
				t.Fatalf("quiet round: changed %v removed %v; want nothing", changed, removed)
			}
			// Update one, delete one (moved to Deleted Items), add one.
			f.must(t, 200, "PATCH", "/me/messages/"+ids[2], Object{f.n("isRead"): true})
			f.must(t, 204, "DELETE", "/me/messages/"+ids[5], nil)
			added := m.Add("messages", Object{"subject": "new"})
			m.Add("messages", Object{"subject": "not here", "parentFolderId": "archive"})
			changed, removed, delta2 := syncRound(t, f, delta1)
			if want := []string{ids[2], added}; !slices.Equal(sortedCopy(changed), sortedCopy(want)) {
				t.Errorf("changes: %v; want %v", changed, want)
			}
			if !slices.Equal(removed, []string{ids[5]}) {
				t.Errorf("removed: %v; want [%s]", removed, ids[5])
			}
			// Replaying the old deltaLink gives the same changes again.
			changed2, removed2, _ := syncRound(t, f, delta1)
			if !slices.Equal(sortedCopy(changed2), sortedCopy(changed)) || !slices.Equal(removed2, removed) {
				t.Errorf("replay: %v %v; want %v %v", changed2, removed2, changed, removed)
			}
			changed, removed, _ = syncRound(t, f, delta2)
			if len(changed)+len(removed) != 0 {
				t.Errorf("after the second round: changed %v removed %v; want nothing", changed, removed)
			}
			// A garbled token is refused with 410.
			bad := strings.Replace(delta2, "$deltatoken=", "$deltatoken=x", 1)
			a := f.must(t, http.StatusGone, "GET", bad, nil, "Prefer", "odata.track-changes")
			want := "syncStateNotFound"
			if dl.d == dialect.V2 {
				want = "ErrorInvalidSyncStateData"
			}
			if a.errCode() != want {
				t.Errorf("garbled token code = %q; want %q", a.errCode(), want)
			}
			// A token of another folder is refused too.
			otherLink := strings.Replace(delta2, "inbox", "archive", 1)
			otherLink = strings.Replace(otherLink, "Inbox", "Archive", 1)
			f.must(t, http.StatusGone, "GET", otherLink, nil, "Prefer", "odata.track-changes")
		})
	}
}

// A message deleted during the first round, after that round returned it,
// is reported removed in the next round, as Graph does (issue 16 item 9):
// the first round lists current items only, so without that the client
// would keep it forever.
func TestDeltaReportsRemovalDuringFirstRound(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			for i := range 8 {
				m.Add("messages", Object{"subject": fmt.Sprint("m", i)})
			}
			start, hdr := "/me/mailFolders/inbox/messages/delta", []string{"Prefer", "odata.maxpagesize=3"}
			if dl.d == dialect.V2 {
				start, hdr = "/me/MailFolders/Inbox/Messages", []string{"Prefer", "odata.track-changes", "Prefer", "odata.maxpagesize=3"}
			}
			first := f.must(t, http.StatusOK, "GET", start, nil, hdr...)
			if len(first.value()) == 0 {
				t.Fatalf("the first page is empty: %s", first.raw)
			}
			gone := first.value()[0].(map[string]any)[f.n("id")].(string)
			link, _ := first.body["@odata.nextLink"].(string)
			if dl.d == dialect.V2 {
				link, _ = first.body["@odata.deltaLink"].(string) // resumes the first round
			}
			f.must(t, http.StatusNoContent, "DELETE", "/me/messages/"+gone, nil)

			changed, _, delta := syncRound(t, f, link) // the rest of the first round
			if slices.Contains(changed, gone) {
				t.Errorf("the rest of the first round listed %s again", gone)
			}
			_, removed, _ := syncRound(t, f, delta)
			if !slices.Contains(removed, gone) {
				t.Errorf("the round after the first one removed %v; want it to report %s, deleted after the first round returned it", removed, gone)
			}
		})
	}
}

func TestDeltaContactsAndCalendarView(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			c1 := m.Add("contacts", Object{"givenName": "A"})
			c2 := m.Add("contacts", Object{"givenName": "B"})
			contacts := "/me/contactFolders/contacts/contacts/delta"
			if dl.d == dialect.V2 {
				contacts = "/me/contacts"
			}
			changed, _, dlink := syncRound(t, f, contacts)
			if !slices.Equal(sortedCopy(changed), sortedCopy([]string{c1, c2})) {
				t.Fatalf("contacts initial: %v", changed)
			}
			f.must(t, 204, "DELETE", "/me/contacts/"+c1, nil)
			_, removed, _ := syncRound(t, f, dlink)
			if !slices.Equal(removed, []string{c1}) {
				t.Errorf("contacts removed %v; want [%s]", removed, c1)
			}

			ev := func(subj, s, e string) string {
				return m.Add("events", Object{"subject": subj, "start": Object{"dateTime": s, "timeZone": "UTC"}, "end": Object{"dateTime": e, "timeZone": "UTC"}})
			}
			in1 := ev("in", "2024-06-10T09:00:00", "2024-06-10T10:00:00")
			ev("out", "2024-07-10T09:00:00", "2024-07-10T10:00:00")
			view := "/me/calendarView/delta?startDateTime=2024-06-01T00:00:00Z&endDateTime=2024-06-30T00:00:00Z"
			if dl.d == dialect.V2 {
				view = "/me/calendarview?startDateTime=2024-06-01T00:00:00Z&endDateTime=2024-06-30T00:00:00Z"
			}
			changed, _, vlink := syncRound(t, f, view)
			if !slices.Equal(changed, []string{in1}) {
				t.Fatalf("calendar view initial: %v; want [%s]", changed, in1)
			}
			// Moving the event out of the window removes it from the view.
			f.must(t, 200, "PATCH", "/me/events/"+in1, Object{f.n("start"): Object{f.n("dateTime"): "2024-08-01T09:00:00", f.n("timeZone"): "UTC"}, f.n("end"): Object{f.n("dateTime"): "2024-08-01T10:00:00", f.n("timeZone"): "UTC"}})
			changed, removed, _ = syncRound(t, f, vlink)
			if len(changed) != 0 || !slices.Equal(removed, []string{in1}) {
				t.Errorf("after moving out: changed %v removed %v; want removed [%s]", changed, removed, in1)
			}
		})
	}
}

func TestDeltaGraphFoldersAndChangeType(t *testing.T) {
	f := newFakeHost(t, dialect.Graph, 10)
	m := f.mailbox()
	_, _, dlink := syncRound(t, f, "/me/mailFolders/delta")
	fid := m.Add("mailFolders", Object{"displayName": "New"})
	sub := m.Add("mailFolders", Object{"displayName": "Sub", "parentFolderId": "inbox"})
	changed, _, dlink2 := syncRound(t, f, dlink)
	if !slices.Equal(changed, []string{fid, sub}) {
		t.Errorf("mailFolders delta: %v; want [%s %s]", changed, fid, sub)
	}
	f.must(t, 204, "DELETE", "/me/mailFolders/"+sub, nil)
	_, removed, _ := syncRound(t, f, dlink2)
	if !slices.Equal(removed, []string{sub}) {
		t.Errorf("mailFolders delta removed %v; want [%s]", removed, sub)
	}
	a := m.Add("messages", Object{"subject": "a"})
	_, _, mlink := syncRound(t, f, "/me/mailFolders/inbox/messages/delta?changeType=created")
	b := m.Add("messages", Object{"subject": "b"})
	f.must(t, 200, "PATCH", "/me/messages/"+a, Object{"isRead": true})
	changed, _, _ = syncRound(t, f, mlink)
	if !slices.Equal(changed, []string{b}) {
		t.Errorf("changeType=created: %v; want only the new message %s", changed, b)
	}
	f.must(t, 400, "GET", "/me/mailFolders/inbox/messages/delta?$search=%22x%22", nil)
	f.must(t, 400, "GET", "/me/events/delta", nil)
}

func TestCalendarViewExpandsRecurrences(t *testing.T) {
	series := func(pattern, rng Object) Object {
		return Object{"subject": "series", "start": Object{"dateTime": "2024-06-03T09:00:00", "timeZone": "W. Europe Standard Time"},
			"end":        Object{"dateTime": "2024-06-03T09:30:00", "timeZone": "W. Europe Standard Time"},
			"recurrence": Object{"pattern": pattern, "range": rng}}
	}
	tests := []struct {
		name       string
		pattern    Object
		rng        Object
		start, end string
		want       []string // local start dates
	}{
		{"daily numbered", Object{"type": "daily", "interval": 2}, Object{"type": "numbered", "startDate": "2024-06-03", "numberOfOccurrences": 3},
			"2024-06-01", "2024-07-01", []string{"2024-06-03", "2024-06-05", "2024-06-07"}},
		{"weekly two days, window cuts", Object{"type": "weekly", "interval": 1, "daysOfWeek": []string{"monday", "thursday"}, "firstDayOfWeek": "sunday"},
			Object{"type": "noEnd", "startDate": "2024-06-03"}, "2024-06-05", "2024-06-14", []string{"2024-06-06", "2024-06-10", "2024-06-13"}},
		{"biweekly end date", Object{"type": "weekly", "interval": 2, "daysOfWeek": []string{"Monday"}},
			Object{"type": "endDate", "startDate": "2024-06-03", "endDate": "2024-07-01"}, "2024-06-01", "2024-12-01", []string{"2024-06-03", "2024-06-17", "2024-07-01"}},
		{"absolute monthly clamps", Object{"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
			Object{"type": "numbered", "startDate": "2024-06-03", "numberOfOccurrences": 3}, "2024-01-01", "2025-01-01", []string{"2024-06-30", "2024-07-31", "2024-08-31"}},
		{"relative monthly second tuesday", Object{"type": "relativeMonthly", "interval": 1, "daysOfWeek": []string{"tuesday"}, "index": "second"},
			Object{"type": "numbered", "startDate": "2024-06-03", "numberOfOccurrences": 2}, "2024-01-01", "2025-01-01", []string{"2024-06-11", "2024-07-09"}},
		{"relative yearly last friday of november", Object{"type": "relativeYearly", "interval": 1, "daysOfWeek": []string{"friday"}, "index": "last", "month": 11},
			Object{"type": "noEnd", "startDate": "2024-06-03"}, "2024-01-01", "2026-01-01", []string{"2024-11-29", "2025-11-28"}},
		{"absolute yearly", Object{"type": "absoluteYearly", "interval": 1, "dayOfMonth": 3, "month": 6},
			Object{"type": "endDate", "startDate": "2024-06-03", "endDate": "2026-06-02"}, "2024-01-01", "2030-01-01", []string{"2024-06-03", "2025-06-03"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHost(t, dialect.Graph, 50)
			m := f.mailbox()
			id := m.Add("events", series(tc.pattern, tc.rng))
			single := m.Add("events", Object{"subject": "single", "start": Object{"dateTime": "2024-06-05T12:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2024-06-05T13:00:00", "timeZone": "UTC"}})
			a := f.must(t, 200, "GET", "/me/calendarView?startDateTime="+tc.start+"T00:00:00Z&endDateTime="+tc.end+"T00:00:00Z", nil,
				"Prefer", `outlook.timezone="W. Europe Standard Time"`)
			var got []string
			for _, v := range a.value() {
				o := v.(map[string]any)
				if o["id"] == single {
					continue
				}
				if o["type"] != "occurrence" || o["seriesMasterId"] != id {
					t.Fatalf("view item %v; want occurrences of %s", o, id)
				}
				st := o["start"].(map[string]any)["dateTime"].(string)
				if !strings.HasSuffix(st, "T09:00:00.0000000") {
					t.Errorf("occurrence starts at %s; want 09:00 local", st)
				}
				got = append(got, st[:10])
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("occurrences %v; want %v", got, tc.want)
			}
			if len(got) > 0 {
				occ := a.value()[0].(map[string]any)["id"].(string)
				if occ == single {
					occ = a.value()[1].(map[string]any)["id"].(string)
				}
				{
					g := f.must(t, 200, "GET", "/me/events/"+occ, nil)
					if g.body["seriesMasterId"] != id {
						t.Errorf("GET occurrence: %s", g.raw)
					}
					// A changed occurrence is stored as an exception, under
					// the occurrence's id.
					p := f.must(t, 200, "PATCH", "/me/events/"+occ, Object{"subject": "x"})
					if p.body["type"] != "exception" || p.body["id"] != occ || p.body["subject"] != "x" || p.body["originalStart"] == nil {
						t.Errorf("PATCH occurrence: %s", p.raw)
					}
				}
			}
			instances := "/me/events/" + id + "/instances?startDateTime=" + tc.start + "T00:00:00Z&endDateTime=" + tc.end + "T00:00:00Z"
			inst := f.must(t, 200, "GET", instances, nil)
			if len(inst.value()) != len(tc.want) {
				t.Errorf("instances: %d; want %d", len(inst.value()), len(tc.want))
			}
			if len(inst.value()) > 0 {
				first := inst.value()[0].(map[string]any)
				if first["type"] != "exception" || first["subject"] != "x" {
					t.Errorf("first instance after its change: %v", first)
				}
				// Deleting an occurrence cancels it: the series goes on
				// without it.
				last := inst.value()[len(inst.value())-1].(map[string]any)["id"].(string)
				f.must(t, 204, "DELETE", "/me/events/"+last, nil)
				if after := f.must(t, 200, "GET", instances, nil); len(after.value()) != len(tc.want)-1 {
					t.Errorf("instances after deleting one: %d; want %d", len(after.value()), len(tc.want)-1)
				}
				f.must(t, 404, "GET", "/me/events/"+last, nil)
				m, _ := f.mailbox().Get("events", id)
				if c, _ := m["cancelledOccurrences"].([]any); len(c) != 1 {
					t.Errorf("cancelledOccurrences = %v", m["cancelledOccurrences"])
				}
			}
		})
	}
}

func TestCalendarViewDeltaWithSeries(t *testing.T) {
	f := newFakeHost(t, dialect.Graph, 50)
	m := f.mailbox()
	id := m.Add("events", Object{"subject": "standup", "start": Object{"dateTime": "2024-06-03T09:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2024-06-03T09:15:00", "timeZone": "UTC"},
		"recurrence": Object{"pattern": Object{"type": "daily", "interval": 1}, "range": Object{"type": "numbered", "startDate": "2024-06-03", "numberOfOccurrences": 5}}})
	view := "/me/calendarView/delta?startDateTime=2024-06-01T00:00:00Z&endDateTime=2024-06-30T00:00:00Z"
	changed, _, dlink := syncRound(t, f, view)
	if len(changed) != 6 || changed[0] != id {
		t.Fatalf("initial round: %v; want the master then 5 occurrences", changed)
	}
	f.must(t, 200, "PATCH", "/me/events/"+id, Object{"subject": "daily standup"})
	changed, _, _ = syncRound(t, f, dlink)
	if len(changed) != 6 {
		t.Errorf("after changing the master: %d changes; want 6", len(changed))
	}
	if got, _ := m.Get("events", id); got["type"] != "seriesMaster" {
		t.Errorf("type = %v; want seriesMaster", got["type"])
	}
}
