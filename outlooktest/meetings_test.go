package outlooktest_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/outlooktest"
)

// find returns the objects of a collection whose key has value.
func find(box *outlooktest.Mailbox, collection, key string, value any) []outlooktest.Object {
	var out []outlooktest.Object
	for _, o := range box.Items(collection) {
		if o[key] == value {
			out = append(out, o)
		}
	}
	return out
}

// A meeting organized in the cloud (Graph) with an on-premises attendee
// reaches the attendee's calendar and Inbox; the attendee's acceptance
// (REST v2.0) reaches the organizer's event and Inbox; the organizer's
// change and cancellation reach the attendee's copy.
func TestMeetingAcrossHosts(t *testing.T) {
	srv := newHybrid(t)
	cs := clients(t, srv)
	org, att := cs[0], cs[1]
	ev := org.must(t, http.StatusCreated, http.MethodPost, "/events", map[string]any{
		"subject": "Budget", "body": map[string]any{"contentType": "text", "content": "Q3"},
		"start":     map[string]any{"dateTime": "2026-03-02T14:00:00", "timeZone": "UTC"},
		"end":       map[string]any{"dateTime": "2026-03-02T15:00:00", "timeZone": "UTC"},
		"attendees": []any{map[string]any{"type": "required", "emailAddress": map[string]any{"address": onpremUser, "name": "Bob"}}},
	}).json(t)
	uid := ev["iCalUId"]
	copies := find(att.box, "events", "iCalUId", uid)
	if len(copies) != 1 {
		t.Fatalf("%d copies of the meeting in the attendee's calendar", len(copies))
	}
	c := copies[0]
	if c["isOrganizer"] != false || c["subject"] != "Budget" || c["responseStatus"].(map[string]any)["response"] != "notResponded" {
		t.Errorf("attendee's copy: %v", c)
	}
	if reqs := find(att.box, "messages", "meetingMessageType", "meetingRequest"); len(reqs) != 1 || reqs[0]["subject"] != "Budget" {
		t.Errorf("meeting requests in the attendee's Inbox: %v", reqs)
	}

	att.must(t, http.StatusAccepted, http.MethodPost, "/events/"+c["id"].(string)+"/accept", map[string]any{"Comment": "See you", "SendResponse": true})
	got := org.must(t, http.StatusOK, http.MethodGet, "/events/"+ev["id"].(string), nil).json(t)
	a := got["attendees"].([]any)[0].(map[string]any)
	if a["status"].(map[string]any)["response"] != "accepted" {
		t.Errorf("organizer sees %v", a)
	}
	if rs := find(org.box, "messages", "meetingMessageType", "meetingAccepted"); len(rs) != 1 || !strings.HasPrefix(rs[0]["subject"].(string), "Accepted: ") {
		t.Errorf("responses in the organizer's Inbox: %v", rs)
	}
	if cc, _ := att.box.Get("events", c["id"].(string)); cc["responseStatus"].(map[string]any)["response"] != "accepted" {
		t.Errorf("attendee's response: %v", cc["responseStatus"])
	}

	org.must(t, http.StatusOK, http.MethodPatch, "/events/"+ev["id"].(string), map[string]any{"location": map[string]any{"displayName": "Room 2"}})
	if cc, _ := att.box.Get("events", c["id"].(string)); cc["location"].(map[string]any)["displayName"] != "Room 2" {
		t.Errorf("the organizer's change did not reach the copy: %v", cc["location"])
	}

	org.must(t, http.StatusAccepted, http.MethodPost, "/events/"+ev["id"].(string)+"/cancel", map[string]any{"comment": "Off"})
	if cc, _ := att.box.Get("events", c["id"].(string)); cc["isCancelled"] != true || !strings.HasPrefix(cc["subject"].(string), "Canceled: ") {
		t.Errorf("attendee's copy after cancel: %v", cc)
	}
	if cs := find(att.box, "messages", "meetingMessageType", "meetingCancelled"); len(cs) != 1 {
		t.Errorf("%d cancellations in the attendee's Inbox", len(cs))
	}

	// A silent decline tells nobody, and leaves the calendar.
	ev2 := org.must(t, http.StatusCreated, http.MethodPost, "/events", map[string]any{
		"subject": "Retro", "start": map[string]any{"dateTime": "2026-03-03T14:00:00", "timeZone": "UTC"},
		"end":       map[string]any{"dateTime": "2026-03-03T15:00:00", "timeZone": "UTC"},
		"attendees": []any{map[string]any{"type": "optional", "emailAddress": map[string]any{"address": onpremUser}}},
	}).json(t)
	c2 := find(att.box, "events", "iCalUId", ev2["iCalUId"])[0]
	att.must(t, http.StatusAccepted, http.MethodPost, "/events/"+c2["id"].(string)+"/decline", map[string]any{"SendResponse": false})
	if _, ok := att.box.Get("events", c2["id"].(string)); ok {
		t.Error("a declined meeting is still in the attendee's calendar")
	}
	got = org.must(t, http.StatusOK, http.MethodGet, "/events/"+ev2["id"].(string), nil).json(t)
	if st, _ := got["attendees"].([]any)[0].(map[string]any)["status"].(map[string]any); st != nil && st["response"] == "declined" {
		t.Errorf("a silent decline reached the organizer: %v", st)
	}
	if r := org.do(t, http.MethodPost, "/events/"+ev2["id"].(string)+"/accept", map[string]any{}); r.status != http.StatusBadRequest {
		t.Errorf("organizer accepting their own meeting = %d", r.status)
	}
}

func tinyPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Contact photos are served by both REST dialects, over one store.
func TestContactPhotos(t *testing.T) {
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			id := rc.box.Add("contacts", outlooktest.Object{"displayName": "Ana"})
			if r := rc.do(t, http.MethodGet, "/contacts/"+id+"/photo", nil); r.status != http.StatusNotFound {
				t.Fatalf("photo of a contact without one = %d %s", r.status, r.raw)
			}
			img := tinyPNG(t, 3, 2)
			rc.must(t, http.StatusOK, http.MethodPut, "/contacts/"+id+"/photo/$value", img, "Content-Type", "image/png")
			meta := rc.must(t, http.StatusOK, http.MethodGet, "/contacts/"+id+"/photo", nil).json(t)
			if meta[rc.n("width")] != 3.0 || meta[rc.n("height")] != 2.0 || meta["@odata.mediaContentType"] != "image/png" {
				t.Errorf("photo = %v", meta)
			}
			r := rc.must(t, http.StatusOK, http.MethodGet, "/contacts/"+id+"/photo/$value", nil)
			if !bytes.Equal(r.raw, img) || r.header.Get("Content-Type") != "image/png" {
				t.Errorf("photo bytes: %d bytes, %s", len(r.raw), r.header.Get("Content-Type"))
			}
			if r := rc.do(t, http.MethodPut, "/contacts/"+id+"/photo/$value", []byte("not an image")); r.status != http.StatusBadRequest {
				t.Errorf("a photo that is no image = %d", r.status)
			}
		})
	}
}

// getSchedule shows the busy times of a mailbox, whichever host serves it.
func TestGetSchedule(t *testing.T) {
	srv := newHybrid(t)
	cs := clients(t, srv)
	cs[1].box.Add("events", outlooktest.Object{"subject": "Busy", "showAs": "busy",
		"start": outlooktest.Object{"dateTime": "2026-03-02T09:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2026-03-02T10:00:00", "timeZone": "UTC"}})
	cs[1].box.Add("events", outlooktest.Object{"subject": "Maybe", "showAs": "tentative",
		"start": outlooktest.Object{"dateTime": "2026-03-02T10:30:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2026-03-02T11:00:00", "timeZone": "UTC"}})
	body := map[string]any{"schedules": []string{onpremUser, "nobody@fabrikam.com"},
		"startTime":                map[string]any{"dateTime": "2026-03-02T08:00:00", "timeZone": "UTC"},
		"endTime":                  map[string]any{"dateTime": "2026-03-02T12:00:00", "timeZone": "UTC"},
		"availabilityViewInterval": 60}
	got := cs[0].must(t, http.StatusOK, http.MethodPost, "/calendar/getSchedule", body).json(t)
	v := got["value"].([]any)
	bob := v[0].(map[string]any)
	if bob["availabilityView"] != "0210" || len(bob["scheduleItems"].([]any)) != 2 {
		t.Errorf("bob's schedule: %v", bob)
	}
	if e, _ := v[1].(map[string]any)["error"].(map[string]any); e == nil {
		t.Errorf("an unknown mailbox has no error: %v", v[1])
	}
	cs[1].must(t, http.StatusNotFound, http.MethodPost, "/calendar/getSchedule", body)
}
