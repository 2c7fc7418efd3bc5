package outlooktest_test

import (
	"net/http"
	"testing"

	"github.com/exchangekit/outlook/outlooktest"
)

// meeting adds an event to the client's mailbox: organized by the owner
// unless attendee is set.
func meeting(rc *restClient, attendee bool) string {
	obj := outlooktest.Object{
		"subject":      "Design review",
		"start":        outlooktest.Object{"dateTime": "2026-03-02T14:00:00", "timeZone": "UTC"},
		"end":          outlooktest.Object{"dateTime": "2026-03-02T15:00:00", "timeZone": "UTC"},
		"isReminderOn": true,
		"attendees": []any{outlooktest.Object{"type": "required",
			"emailAddress": outlooktest.Object{"address": "lee@example.org", "name": "Lee"}}},
	}
	if attendee {
		obj["isOrganizer"] = false
		obj["organizer"] = outlooktest.Object{"emailAddress": outlooktest.Object{"address": "lee@example.org"}}
	}
	return rc.box.Add("events", obj)
}

func TestEventCancel(t *testing.T) {
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			id := meeting(rc, false)
			body := map[string]any{rc.n("comment"): "Moved to next week"}
			if rc.v2 {
				// Beta-only on v2.0: the segment is unknown there.
				if r := rc.do(t, http.MethodPost, "/events/"+id+"/cancel", body); r.status != http.StatusNotFound {
					t.Fatalf("v2.0 cancel = %d %s; want 404", r.status, r.raw)
				}
				if _, ok := rc.box.Get("events", id); !ok {
					t.Fatal("a refused cancel removed the event")
				}
				return
			}
			rc.must(t, http.StatusAccepted, http.MethodPost, "/events/"+id+"/cancel", body)
			if _, ok := rc.box.Get("events", id); ok {
				t.Fatal("the cancelled meeting is still in the calendar")
			}
			rc.must(t, http.StatusNotFound, http.MethodGet, "/events/"+id, nil)

			att := meeting(rc, true)
			if r := rc.do(t, http.MethodPost, "/events/"+att+"/cancel", map[string]any{}); r.status != http.StatusBadRequest || r.code(t) != "ErrorInvalidRequest" {
				t.Fatalf("attendee cancel = %d %s; want 400 ErrorInvalidRequest", r.status, r.raw)
			}
			if r := rc.do(t, http.MethodPost, "/events/"+att+"/cancel", []byte(`{"comment":`)); r.status != http.StatusBadRequest {
				t.Fatalf("malformed body = %d; want 400", r.status)
			}
			rc.must(t, http.StatusNotFound, http.MethodPost, "/events/AAMkAGI2THVSAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=/cancel", map[string]any{})
		})
	}
}

func TestEventForward(t *testing.T) {
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			id := meeting(rc, false)
			to := []any{map[string]any{rc.n("emailAddress"): map[string]any{rc.n("address"): "kim@example.org"}}}
			body := map[string]any{rc.n("toRecipients"): to, rc.n("comment"): "FYI"}
			if rc.v2 {
				rc.must(t, http.StatusNotFound, http.MethodPost, "/events/"+id+"/forward", body)
				return
			}
			rc.must(t, http.StatusAccepted, http.MethodPost, "/events/"+id+"/forward", body)
			for _, bad := range []map[string]any{
				{"comment": "no recipients"},
				{"toRecipients": []any{}},
				{"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "not-an-address"}}}},
			} {
				if r := rc.do(t, http.MethodPost, "/events/"+id+"/forward", bad); r.status != http.StatusBadRequest || r.code(t) != "ErrorInvalidRecipients" {
					t.Errorf("forward %v = %d %s; want 400 ErrorInvalidRecipients", bad, r.status, r.raw)
				}
			}
		})
	}
}

func TestEventReminders(t *testing.T) {
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			id := meeting(rc, true)
			seg := map[bool][2]string{false: {"dismissReminder", "snoozeReminder"}, true: {"DismissReminder", "SnoozeReminder"}}[rc.v2]
			before := rc.must(t, http.StatusOK, http.MethodGet, "/events/"+id, nil).json(t)[rc.n("changeKey")]

			rc.must(t, http.StatusOK, http.MethodPost, "/events/"+id+"/"+seg[0], nil)
			got := rc.must(t, http.StatusOK, http.MethodGet, "/events/"+id, nil).json(t)
			if got[rc.n("isReminderOn")] != false {
				t.Fatalf("after dismissReminder isReminderOn = %v; want false", got[rc.n("isReminderOn")])
			}
			if got[rc.n("changeKey")] == before {
				t.Error("dismissReminder left the change key as it was")
			}
			if r := rc.do(t, http.MethodPost, "/events/"+id+"/"+seg[0], map[string]any{"x": 1}); r.status != http.StatusBadRequest {
				t.Errorf("dismissReminder with parameters = %d; want 400", r.status)
			}

			when := map[string]any{rc.n("newReminderTime"): map[string]any{rc.n("dateTime"): "2026-03-02T13:55:00", rc.n("timeZone"): "UTC"}}
			rc.must(t, http.StatusOK, http.MethodPost, "/events/"+id+"/"+seg[1], when)
			got = rc.must(t, http.StatusOK, http.MethodGet, "/events/"+id, nil).json(t)
			if got[rc.n("isReminderOn")] != true {
				t.Errorf("after snoozeReminder isReminderOn = %v; want true", got[rc.n("isReminderOn")])
			}
			for _, bad := range []any{nil, map[string]any{}, map[string]any{rc.n("newReminderTime"): map[string]any{rc.n("dateTime"): "soon"}}} {
				if r := rc.do(t, http.MethodPost, "/events/"+id+"/"+seg[1], bad); r.status != http.StatusBadRequest {
					t.Errorf("snoozeReminder %v = %d %s; want 400", bad, r.status, r.raw)
				}
			}
			rc.must(t, http.StatusNotFound, http.MethodPost, "/events/AAMkAGI2THVSAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=/"+seg[0], nil)
		})
	}
}
