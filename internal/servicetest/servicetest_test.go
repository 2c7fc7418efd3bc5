package servicetest

import (
	"net/http"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	got := Diff(map[string]any{"a": 1.0, "b": "x", "c": []any{"y"}}, map[string]any{"a": 1.0, "b": "z", "d": true})
	if len(got) != 3 || !strings.HasPrefix(got[0], "b:") || !strings.HasPrefix(got[1], "c:") || !strings.HasPrefix(got[2], "d:") {
		t.Errorf("Diff = %q", got)
	}
	if d := Diff(map[string]any{"a": 1.0}, map[string]any{"a": 1.0}); d != nil {
		t.Errorf("Diff of equal objects = %q", d)
	}
}

type entity struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

func TestV2RoundTrip(t *testing.T) {
	v, sent, err := V2RoundTrip[entity](t, []byte(`{"Id":"AAMk","Subject":"Hi"}`))
	if err != nil || v.ID != "AAMk" || v.Subject != "Hi" || string(sent) != `{"Id":"AAMk","Subject":"Hi"}` {
		t.Errorf("V2RoundTrip = %+v, %s, %v", v, sent, err)
	}
}

func TestPrune(t *testing.T) {
	p := &Pruner{
		Enums:    map[string]bool{"importance": true},
		Instants: map[string]bool{"birthday": true},
		Aliases:  map[string]string{"DateTimeCreated": "CreatedDateTime"},
		Value: func(key string, v any) (any, bool) {
			if s, ok := v.(string); ok && key == "count" {
				return float64(len(s)), true
			}
			return nil, false
		},
	}
	got := p.Prune(map[string]any{
		"@odata.context": "x", "@odata.etag": "W/1", "@odata.type": "#Microsoft.OutlookServices.Message",
		"Importance": "High", "subject": "", "isRead": false, "n": 0.0, "empty": map[string]any{}, "none": []any{},
		"receivedDateTime": "2024-06-11T16:00:00+02:00", "birthday": "1974-07-22", "DateTimeCreated": "0001-01-01T00:00:00Z",
		"count": "abc", "zeroCount": "", "nested": map[string]any{"@odata.id": "y", "isDraft": true},
	})
	want := map[string]any{
		"@odata.etag": "W/1", "@odata.type": "message", "Importance": "high", "receivedDateTime": "2024-06-11T14:00:00Z",
		"birthday": "1974-07-22T00:00:00Z", "count": 3.0, "nested": map[string]any{"isDraft": true},
	}
	if d := Diff(want, got.(map[string]any)); d != nil {
		t.Errorf("Prune:\n%s", strings.Join(d, "\n"))
	}
	if p.Prune(map[string]any{"@odata.id": "x", "a": nil}) != nil {
		t.Error("an object of annotations and zero values did not prune to nothing")
	}
}

func TestEntities(t *testing.T) {
	for _, tc := range []struct {
		body     string
		wrappers []string
		want     int
	}{
		{`{"value":[{"id":"1"},{"id":"2"},3]}`, nil, 2},
		{`{"message":{"subject":"s"},"saveToSentItems":false}`, []string{"message"}, 1},
		{`{"message":{"subject":"s"}}`, nil, 1}, // no wrapper named: the body itself
		{`{"id":"1","id":"1"}`, nil, 1},         // the docs repeat names
		{`[{"id":"1"}]`, nil, 0},
		{``, nil, 0},
	} {
		if got := Entities([]byte(tc.body), tc.wrappers...); len(got) != tc.want {
			t.Errorf("Entities(%s, %q) = %v, want %d objects", tc.body, tc.wrappers, got, tc.want)
		}
	}
}

func TestRecorder(t *testing.T) {
	rec := &Recorder{}
	r, _ := http.NewRequest(http.MethodPatch, "https://h/v1.0/users/a/events/x%2F1?$select=subject", strings.NewReader(`{"a":1}`))
	r.Header.Set("If-Match", `W/"1"`)
	r.Header.Add("Prefer", `outlook.timezone="UTC"`)
	resp, err := rec.Do(r)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("Do = %v, %v", resp, err)
	}
	r, _ = http.NewRequest(http.MethodPut, "https://h/photo/$value", strings.NewReader("\xff\xd8\xff\xe0\x00\x10JFIF"))
	r.Header.Set("Content-Type", "image/jpeg")
	rec.Do(r)
	want := "PATCH /v1.0/users/a/events/x%2F1?$select=subject\nPrefer: outlook.timezone=\"UTC\"\nIf-Match: W/\"1\"\n{\n  \"a\": 1\n}\n" +
		"PUT /photo/$value\nimage/jpeg: FF D8 FF E0 00 10 4A 46 ...\n"
	if got := string(rec.Bytes()); got != want {
		t.Errorf("recorded:\n%s\nwant:\n%s", got, want)
	}
}

func TestTextProblem(t *testing.T) {
	for msg, want := range map[string]string{
		"mail: SendMail: invalid message: nil message":                                      "",
		"mail: GetMessage: empty message id: odata: invalid path":                           "",
		"mail: SendMail: mail: invalid message: nil message":                                `names "mail:" twice`,
		"mail: SendMail: odata: GET /x: 404: odata: not found":                              `names "odata:" twice`,
		"mail: SendMail: attachment 1: SendMail: too big":                                   `repeats "SendMail"`,
		"calendar: View: bad range":                                                         `does not start with "mail: "`,
		"mail: ListMessages: invalid query:\nsecond line":                                   "spans lines",
		"mail: UpdateMessage: invalid message: toRecipients 1: item: invalid email address": "",
	} {
		if got := textProblem(msg, "mail: "); got != want {
			t.Errorf("textProblem(%q) = %q, want %q", msg, got, want)
		}
	}
}

// Each location opens its mailbox through its API, signed in as a
// deployment is: app-only to Graph, the service account (no token) to EWS,
// the user's token to REST v2.0.
func TestLocations(t *testing.T) {
	for _, tc := range []struct {
		loc   Location
		route string
		token bool // a bearer token went to the mailbox's host
	}{
		{Cloud, "cloud, Microsoft Graph (the API of Exchange Online)", true},
		{EWS, "on-premises, EWS (default for on-premises)", false},
		{REST, "on-premises, REST v2.0 (chosen by WithOnPremisesAPI)", true},
	} {
		t.Run(string(tc.loc), func(t *testing.T) {
			e := NewEnv(t, tc.loc)
			if got := e.MB.Route().String(); got != tc.route || e.Addr != tc.loc.Addr() || e.Other == e.Addr || e.Host() != tc.loc.Host() {
				t.Fatalf("route %q, addr %s, other %s, host %s", got, e.Addr, e.Other, e.Host())
			}
			if _, err := e.MB.Mail.GetAutomaticReplies(t.Context()); err != nil {
				t.Fatal(err)
			}
			if e.Reads("") == 0 {
				t.Error("Reads counted no request")
			}
			sent := false
			for _, r := range e.Srv.Requests() {
				if r.Host == e.Host() && r.TokenSent {
					sent = true
				}
			}
			if sent != tc.token {
				t.Errorf("a token went to %s: %v, want %v", e.Host(), sent, tc.token)
			}
		})
	}
}
