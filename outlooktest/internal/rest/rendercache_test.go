package rest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
)

// seedVaried fills m with entities of every cacheable set and of the
// others, with values that exercise the JSON encoder: non-ASCII text,
// control characters, HTML, invalid UTF-8, U+2028, numbers of every size.
func seedVaried(m *box) {
	sub := m.Add("mailFolders", Object{"displayName": "Receipts \u00e9t\u00e9"})
	odd := []string{"plain", "caf\u00e9 \u65e5\u672c", "tab\there\nline\r\x01\x1f", `quote " back \ slash`, "<b>&amp;</b>", "bad \xff utf8", "sep \u2028 \u2029", "emoji \U0001F600"}
	for i := range 30 {
		s := odd[i%len(odd)]
		msg := Object{
			"subject":          fmt.Sprintf("%s %d", s, i),
			"body":             Object{"contentType": "html", "content": "<p>" + s + "</p><script>x()</script>"},
			"from":             Object{"emailAddress": Object{"name": s, "address": "pat@contoso.com"}},
			"toRecipients":     []Object{{"emailAddress": Object{"address": "alice@contoso.com"}}},
			"importance":       []string{"low", "normal", "high"}[i%3],
			"isRead":           i%2 == 0,
			"categories":       []string{"Red", s},
			"receivedDateTime": time.Date(2024, 5, 1, 0, 0, i, 0, time.UTC).Format(time.RFC3339),
			"x-custom-number":  []float64{0, 1, -1.5, 1e-7, 1e21, 123456789012, 3.14159}[i%7],
		}
		if i%5 == 0 {
			msg["parentFolderId"] = sub
		}
		if i%4 == 0 {
			msg["attachments"] = []Object{{"name": "a" + fmt.Sprint(i) + ".txt", "contentBytes": "aGk="}}
		}
		m.Add("messages", msg)
	}
	for i := range 12 {
		m.Add("contacts", Object{"givenName": odd[i%len(odd)], "surname": fmt.Sprint(i), "emailAddresses": []Object{{"address": fmt.Sprintf("c%d@example.com", i), "name": odd[i%len(odd)]}}})
	}
	m.Add("contactFolders", Object{"displayName": "Vendors"})
	m.Add("calendars", Object{"name": "Team \u00e9"})
	m.Add("events", Object{"subject": "standup", "start": Object{"dateTime": "2024-06-03T09:00:00", "timeZone": "W. Europe Standard Time"},
		"end":        Object{"dateTime": "2024-06-03T09:15:00", "timeZone": "W. Europe Standard Time"},
		"recurrence": Object{"pattern": Object{"type": "daily", "interval": 1}, "range": Object{"type": "numbered", "startDate": "2024-06-03", "numberOfOccurrences": 5}}})
	m.Add("events", Object{"subject": "one-off \u2028", "start": Object{"dateTime": "2024-06-04T13:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2024-06-04T14:00:00", "timeZone": "UTC"}})
	m.Add("messageRules", Object{"displayName": "move \"news\"", "actions": Object{"moveToFolder": sub}})
	m.Add("inferenceClassificationOverrides", Object{"classifyAs": "other", "senderEmailAddress": Object{"address": "news@example.com", "name": "News"}})
}

// TestRenderMatchesReference compares, byte for byte, the answers of the
// fast path (its own JSON encoder and the rendered-entity cache, cold and
// warm) with those of the reference path (encoding/json, no cache) on a
// seeded mailbox in both dialects, before and after writes that must
// invalidate the cache.
func TestRenderMatchesReference(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 7)
			m := f.mailbox()
			seedVaried(m)
			env := Env{Dialect: dl.d, Host: f.host, PageSize: func() int { return 7 }, Now: f.st.Now,
				Locate: func(s string) (string, bool) {
					if strings.EqualFold(s, tCloudUser) {
						return "", true
					}
					return tV2Host, true
				}}
			fast := New(f.st, env)
			ref := New(f.st, env)
			ref.reference = true

			serve := func(h *Handler, method, target, body string, hdr []string) *httptest.ResponseRecorder {
				r := httptest.NewRequestWithContext(t.Context(), method, "https://"+f.host+f.root+escapeTarget(target), strings.NewReader(body))
				if body != "" {
					r.Header.Set("Content-Type", "application/json")
				}
				for i := 0; i+1 < len(hdr); i += 2 {
					r.Header.Add(hdr[i], hdr[i+1])
				}
				w := httptest.NewRecorder()
				h.Serve(w, r, f.who)
				return w
			}
			inbox := url.PathEscape(m.m.WellKnown("inbox"))
			reads := []struct {
				path string
				hdr  []string
			}{
				{"/me/messages", nil},
				{"/me/messages?$top=100", nil},
				{"/me/messages?$top=100", []string{"Prefer", `outlook.body-content-type="text"`}},
				{"/me/messages?$top=100", []string{"Prefer", `outlook.body-content-type="html"`}},
				{"/me/mailFolders/inbox/messages?$top=5&$skip=3&$count=true", nil},
				{"/me/mailFolders/" + inbox + "/messages?$orderby=subject desc&$top=50", nil},
				{"/me/messages?$filter=importance eq 'high' and isRead eq false&$orderby=importance", nil},
				{"/me/messages?$select=subject,from&$top=50", nil},
				{"/me/messages?$expand=attachments&$top=50", nil},
				{"/me/messages?$search=\"caf\u00e9\"", nil},
				{"/me/messages?$top=0", nil},
				{"/me/contacts?$top=50", nil},
				{"/me/contacts?$orderby=displayName", []string{"Prefer", "odata.maxpagesize=4"}},
				{"/me/contactFolders", nil},
				{"/me/calendars", nil},
				{"/me/calendarGroups", nil},
				{"/me/events", nil},
				{"/me/events", []string{"Prefer", `outlook.timezone="Tokyo Standard Time"`}},
				{"/me/calendarView?startDateTime=2024-06-01T00:00:00Z&endDateTime=2024-06-30T00:00:00Z", nil},
				{"/me/mailFolders?$top=50", nil},
				{"/me/mailFolders/inbox/childFolders", nil},
				{"/me/inferenceClassification/overrides", nil},
				{"/me/mailboxSettings", nil},
			}
			if dl.d == dialect.Graph {
				reads = append(reads, struct {
					path string
					hdr  []string
				}{"/me/mailFolders/inbox/messageRules", nil})
			}
			compare := func(stage string) {
				t.Helper()
				for _, rd := range reads {
					want := serve(ref, "GET", rd.path, "", rd.hdr)
					if want.Code != http.StatusOK {
						t.Errorf("%s: GET %s = %d %s; the comparison needs a 200", stage, rd.path, want.Code, want.Body)
						continue
					}
					for _, name := range []string{"cold", "warm"} {
						got := serve(fast, "GET", rd.path, "", rd.hdr)
						if got.Code != want.Code || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
							t.Errorf("%s, %s cache: GET %s %v:\n got %d %s\nwant %d %s", stage, name, rd.path, rd.hdr, got.Code, got.Body, want.Code, want.Body)
							continue
						}
						for _, k := range []string{"Content-Type", "Content-Length", "Preference-Applied", "OData-Version"} {
							if got.Header().Get(k) != want.Header().Get(k) {
								t.Errorf("%s: GET %s: %s %q; want %q", stage, rd.path, k, got.Header().Get(k), want.Header().Get(k))
							}
						}
					}
				}
			}
			compare("seeded")

			// Writes through the fast handler, each of which must reach the
			// next page rendered from the cache.
			msgs := m.Items("messages")
			first, _ := msgs[0]["id"].(string)
			second, _ := msgs[1]["id"].(string)
			contacts := m.Items("contacts")
			contact, _ := contacts[0]["id"].(string)
			n := f.n
			writes := []struct{ method, path, body string }{
				{"PATCH", "/me/messages/" + first, fmt.Sprintf(`{%q:true,%q:["Blue"]}`, n("isRead"), n("categories"))},
				{"POST", "/me/messages/" + second + "/move", fmt.Sprintf(`{%q:"archive"}`, n("destinationId"))},
				{"POST", "/me/messages/" + first + "/attachments", fmt.Sprintf(`{"@odata.type":"#%s.fileAttachment",%q:"b.txt",%q:"aGk="}`,
					map[dialect.Dialect]string{dialect.Graph: "microsoft.graph", dialect.V2: "Microsoft.OutlookServices"}[dl.d], n("name"), n("contentBytes"))},
				{"PATCH", "/me/contacts/" + contact, fmt.Sprintf(`{%q:"Renamed \u00e9"}`, n("givenName"))},
				{"DELETE", "/me/messages/" + first, ""},
			}
			for _, w := range writes {
				before := serve(fast, "GET", "/me/messages?$top=100", "", nil).Body.String()
				if res := serve(fast, w.method, w.path, w.body, nil); res.Code >= 300 {
					t.Fatalf("%s %s = %d %s", w.method, w.path, res.Code, res.Body)
				}
				compare("after " + w.method + " " + w.path)
				if w.method != "PATCH" || !strings.Contains(w.path, "contacts") {
					if after := serve(fast, "GET", "/me/messages?$top=100", "", nil).Body.String(); after == before {
						t.Errorf("%s %s left the message list as it was", w.method, w.path)
					}
				}
			}
		})
	}
}

// escapeTarget percent-encodes what may not stand in a request line.
func escapeTarget(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == '"' || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// BenchmarkListPage measures the REST handler alone (no HTTP, no client
// decoding) serving a 100-message page, in each dialect, on the fast path
// (warm cache) and on the reference path (encoding/json, no cache), which
// is how every page was served before the cache.
func BenchmarkListPage(b *testing.B) {
	for _, dl := range dialects() {
		for _, mode := range []string{"fast", "reference"} {
			b.Run(dl.name+"/"+mode, func(b *testing.B) {
				f := newFakeHost(b, dl.d, 10)
				m := f.mailbox()
				for i := range 100 {
					m.Add("messages", Object{"subject": fmt.Sprint("message ", i), "body": Object{"contentType": "html", "content": "<p>Hello, this is a message body.</p>"},
						"from": Object{"emailAddress": Object{"name": "Pat", "address": "pat@contoso.com"}}, "toRecipients": []Object{{"emailAddress": Object{"address": "alice@contoso.com"}}}})
				}
				h := New(f.st, Env{Dialect: dl.d, Host: f.host, Now: f.st.Now,
					Locate: func(string) (string, bool) {
						if dl.d == dialect.V2 {
							return tV2Host, true
						}
						return "", true
					}})
				h.reference = mode == "reference"
				r := httptest.NewRequestWithContext(b.Context(), "GET", "https://"+f.host+f.root+"/me/mailFolders/inbox/messages?$top=100", nil)
				b.ReportAllocs()
				for b.Loop() {
					w := httptest.NewRecorder()
					h.Serve(w, r, f.who)
					if w.Code != http.StatusOK {
						b.Fatalf("%d %s", w.Code, w.Body)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
}
