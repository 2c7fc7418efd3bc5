package outlooktest_test

// Fidelity, issue 12 item 2: the fake answers what Graph (and an Exchange
// server's Outlook REST v2.0) answers, as Graph's reference samples show.

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/outlooktest"
)

// TestAbsentPropertiesPresent: Graph answers every property of an entity's
// default set, null, [] or {} when it has no value, with $select too.
func TestAbsentPropertiesPresent(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			ev := rc.box.Add("events", outlooktest.Object{"subject": "one-off",
				"start": outlooktest.Object{"dateTime": "2024-05-02T09:00:00", "timeZone": "UTC"},
				"end":   outlooktest.Object{"dateTime": "2024-05-02T10:00:00", "timeZone": "UTC"}})
			contact := rc.box.Add("contacts", outlooktest.Object{"givenName": "Garth"})
			msg := rc.box.Add("messages", outlooktest.Object{"subject": "bare"})
			type want struct {
				path string
				null []string
				empty,
				object []string // [] and {}
			}
			for _, w := range []want{
				{path: "/events/" + ev, null: []string{"seriesMasterId", "recurrence"}, empty: []string{"categories", "attendees"}},
				{path: "/events/" + ev + "?$select=subject,recurrence,seriesMasterId", null: []string{"recurrence", "seriesMasterId"}},
				{path: "/contacts/" + contact, null: []string{"middleName", "jobTitle", "personalNotes", "birthday", "spouseName"},
					empty: []string{"homePhones", "children", "categories"}, object: []string{"homeAddress", "businessAddress", "otherAddress"}},
				{path: "/contacts/" + contact + "?$select=jobTitle,homeAddress", null: []string{"jobTitle"}, object: []string{"homeAddress"}},
				{path: "/messages/" + msg, null: []string{"from", "sender"}, empty: []string{"toRecipients", "replyTo"}},
			} {
				got := rc.must(t, 200, "GET", w.path, nil).json(t)
				for _, k := range w.null {
					if v, ok := got[rc.n(k)]; !ok || v != nil {
						t.Errorf("GET %s: %s = %v (present %v); want null", w.path, k, v, ok)
					}
				}
				for _, k := range w.empty {
					if v, ok := got[rc.n(k)].([]any); !ok || len(v) != 0 {
						t.Errorf("GET %s: %s = %v; want []", w.path, k, got[rc.n(k)])
					}
				}
				for _, k := range w.object {
					if _, ok := got[rc.n(k)].(map[string]any); !ok {
						t.Errorf("GET %s: %s = %v; want an object", w.path, k, got[rc.n(k)])
					}
				}
			}
			// Not what Graph sends only on request.
			got := rc.must(t, 200, "GET", "/messages/"+msg, nil).json(t)
			for _, k := range []string{"uniqueBody", "internetMessageHeaders", "singleValueExtendedProperties"} {
				if _, ok := got[rc.n(k)]; ok {
					t.Errorf("GET message: %s present; Graph sends it only when asked", k)
				}
			}
		})
	}
}

// TestSeededMessageNames: a seeded message's sender is its from, and
// recipients given with an address only are named as Exchange names them.
func TestSeededMessageNames(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			id := rc.box.Add("messages", outlooktest.Object{"subject": "hi",
				"from":         outlooktest.Object{"emailAddress": outlooktest.Object{"name": "Dana Doe", "address": "dana@fabrikam.example"}},
				"toRecipients": []outlooktest.Object{{"emailAddress": outlooktest.Object{"address": cloudUser}}, {"emailAddress": outlooktest.Object{"address": "ext@fabrikam.example"}}},
			})
			got := rc.must(t, 200, "GET", "/messages/"+id, nil).json(t)
			ea := func(v any) map[string]any {
				r, _ := v.(map[string]any)
				e, _ := r[rc.n("emailAddress")].(map[string]any)
				return e
			}
			if s := ea(got[rc.n("sender")]); s[rc.n("address")] != "dana@fabrikam.example" || s[rc.n("name")] != "Dana Doe" {
				t.Errorf("sender %v; want the from address", got[rc.n("sender")])
			}
			to, _ := got[rc.n("toRecipients")].([]any)
			if len(to) != 2 || ea(to[0])[rc.n("name")] != "alice" || ea(to[1])[rc.n("name")] != "ext@fabrikam.example" {
				t.Errorf("toRecipients %v; want the directory name of a colleague and the address of an outsider", to)
			}
		})
	}
}

// TestDraftIdentifiers: a draft has its internetMessageId and a
// conversationIndex from the start, and keeps the Message-ID when sent.
func TestDraftIdentifiers(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			d := rc.must(t, 201, "POST", "/messages", map[string]any{rc.n("subject"): "draft",
				rc.n("toRecipients"): []any{map[string]any{rc.n("emailAddress"): map[string]any{rc.n("address"): "dana@fabrikam.example"}}}}).json(t)
			mid, _ := d[rc.n("internetMessageId")].(string)
			if !strings.HasPrefix(mid, "<") || !strings.HasSuffix(mid, ">") {
				t.Errorf("draft internetMessageId %q", mid)
			}
			ci, _ := d[rc.n("conversationIndex")].(string)
			if b, err := base64.StdEncoding.DecodeString(ci); err != nil || len(b) != 22 {
				t.Errorf("draft conversationIndex %q: want 22 bytes of base64", ci)
			}
			to, _ := d[rc.n("toRecipients")].([]any)
			if r, _ := to[0].(map[string]any); r[rc.n("emailAddress")].(map[string]any)[rc.n("name")] != "dana@fabrikam.example" {
				t.Errorf("draft recipient %v; want the name filled", to[0])
			}
			rc.must(t, 202, "POST", "/messages/"+d[rc.n("id")].(string)+"/send", nil)
			var sent outlooktest.Object
			for _, m := range rc.box.Items("messages") {
				if m["subject"] == "draft" {
					sent = m
				}
			}
			if sent["internetMessageId"] != mid {
				t.Errorf("sent internetMessageId %v; want the draft's %q", sent["internetMessageId"], mid)
			}
		})
	}
}

// TestCreateEventAnswersInItsZone: POST /events answers in the zone the
// request wrote (Graph's create-event samples), or in the one Prefer:
// outlook.timezone names; a GET answers in UTC.
func TestCreateEventAnswersInItsZone(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			body := map[string]any{rc.n("subject"): "lunch",
				rc.n("start"): map[string]any{rc.n("dateTime"): "2019-03-15T12:00:00", rc.n("timeZone"): "Pacific Standard Time"},
				rc.n("end"):   map[string]any{rc.n("dateTime"): "2019-03-15T14:00:00", rc.n("timeZone"): "Pacific Standard Time"}}
			zone := func(o map[string]any, k string) (string, string) {
				v, _ := o[rc.n(k)].(map[string]any)
				dt, _ := v[rc.n("dateTime")].(string)
				tz, _ := v[rc.n("timeZone")].(string)
				return dt, tz
			}
			got := rc.must(t, 201, "POST", "/events", body).json(t)
			if dt, tz := zone(got, "start"); dt != "2019-03-15T12:00:00.0000000" || tz != "Pacific Standard Time" {
				t.Errorf("created start %s %s; want 12:00 Pacific Standard Time", dt, tz)
			}
			if dt, tz := zone(got, "end"); dt != "2019-03-15T14:00:00.0000000" || tz != "Pacific Standard Time" {
				t.Errorf("created end %s %s", dt, tz)
			}
			id := got[rc.n("id")].(string)
			if dt, tz := zone(rc.must(t, 200, "GET", "/events/"+id, nil).json(t), "start"); dt != "2019-03-15T19:00:00.0000000" || tz != "UTC" {
				t.Errorf("GET start %s %s; want UTC", dt, tz)
			}
			got = rc.must(t, 201, "POST", "/events", body, "Prefer", `outlook.timezone="UTC"`).json(t)
			if dt, tz := zone(got, "start"); dt != "2019-03-15T19:00:00.0000000" || tz != "UTC" {
				t.Errorf("created with Prefer UTC: start %s %s", dt, tz)
			}
		})
	}
}

// TestMoveAnswerTyped: Graph's answer to a message move carries its
// @odata.type (the move sample of Graph's reference).
func TestMoveAnswerTyped(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			id := seedMessage(rc.box)
			got := rc.must(t, 201, "POST", "/messages/"+id+"/move", map[string]any{rc.n("destinationId"): "deleteditems"}).json(t)
			want := "#microsoft.graph.message"
			if rc.v2 {
				want = "#Microsoft.OutlookServices.Message"
			}
			if got["@odata.type"] != want {
				t.Errorf("move answer @odata.type %v; want %s", got["@odata.type"], want)
			}
		})
	}
}

// TestNewMailboxFolders: a new mailbox has the folders Exchange gives
// one, no others (Graph's list-mailFolders sample shows the visible ones).
func TestNewMailboxFolders(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			var names []string
			for _, f := range rc.must(t, 200, "GET", "/mailFolders?$top=100", nil).json(t)["value"].([]any) {
				names = append(names, f.(map[string]any)[rc.n("displayName")].(string))
			}
			slices.Sort(names)
			want := []string{"Archive", "Conversation History", "Deleted Items", "Drafts", "Inbox", "Junk Email", "Outbox", "Sent Items"}
			if !slices.Equal(names, want) {
				t.Errorf("a new mailbox lists %q; want %q", names, want)
			}
		})
	}
}
