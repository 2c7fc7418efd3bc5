package outlooktest_test

// Fidelity, issue 12 item 1: the fake accepts what Graph (and an Exchange
// server's Outlook REST v2.0) accepts, as Microsoft's SDKs send it.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/outlooktest"
)

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipBomb is 96 MiB of zeros in under 100 kB: one member of a
// mebibyte, repeated (a gzip stream may hold many members).
func gzipBomb(t *testing.T) []byte {
	member := gzipped(t, make([]byte, 1<<20))
	return bytes.Repeat(member, 96)
}

// TestGzipRequestBodies: msgraph-sdk-go compresses every request body (its
// compression handler is on by default) and Graph inflates it.
func TestGzipRequestBodies(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{rc.n("subject"): "squeezed", rc.n("toRecipients"): []any{
				map[string]any{rc.n("emailAddress"): map[string]any{rc.n("address"): "dana@fabrikam.example"}},
			}})
			r := rc.must(t, 201, "POST", "/messages", gzipped(t, body), "Content-Type", "application/json", "Content-Encoding", "gzip")
			created := r.json(t)
			if created[rc.n("subject")] != "squeezed" {
				t.Fatalf("created %v; want the subject sent compressed", created)
			}
			id, _ := created[rc.n("id")].(string)

			// An action's body too.
			patch, _ := json.Marshal(map[string]any{rc.n("isRead"): false})
			rc.must(t, 200, "PATCH", "/messages/"+id, gzipped(t, patch), "Content-Type", "application/json", "Content-Encoding", "GZIP")
			move, _ := json.Marshal(map[string]any{rc.n("destinationId"): "archive"})
			rc.must(t, 201, "POST", "/messages/"+id+"/move", gzipped(t, move), "Content-Type", "application/json", "Content-Encoding", "gzip")

			// A body that is not gzip, and a gzip bomb, refused without
			// inflating it all.
			if r := rc.do(t, "POST", "/messages", body, "Content-Type", "application/json", "Content-Encoding", "gzip"); r.status != 400 {
				t.Errorf("plain JSON sent as gzip: status %d; want 400", r.status)
			}
			bomb := gzipBomb(t)
			if r := rc.do(t, "POST", "/messages", bomb, "Content-Type", "application/json", "Content-Encoding", "gzip"); r.status != 413 && r.status != 400 {
				t.Errorf("gzip bomb: status %d %s; want 413 or 400", r.status, r.raw)
			}
		})
	}
}

// TestFunctionsWithParentheses: OData lets a function be called with
// parentheses, and the Graph SDKs always write delta so.
func TestFunctionsWithParentheses(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	rc := clients(t, srv)[0] // Graph: v2.0 tracks changes through Prefer, not delta
	seedMessage(rc.box)
	rc.box.Add("contacts", outlooktest.Object{"givenName": "Dana"})
	rc.box.Add("contactFolders", outlooktest.Object{"displayName": "Suppliers"})
	rc.box.Add("events", outlooktest.Object{"subject": "standup",
		"start": outlooktest.Object{"dateTime": "2024-05-02T09:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2024-05-02T09:30:00", "timeZone": "UTC"}})
	for _, path := range []string{
		"/mailFolders/inbox/messages/delta()",
		"/mailFolders/delta()",
		"/contacts/delta()",
		"/contactFolders/delta()",
		"/contactFolders/contacts/contacts/delta()",
		"/calendarView/delta()?startDateTime=2024-05-01T00:00:00Z&endDateTime=2024-05-09T00:00:00Z",
		"/calendars/" + rc.box.Items("calendars")[0]["id"].(string) + "/calendarView/delta()?startDateTime=2024-05-01T00:00:00Z&endDateTime=2024-05-09T00:00:00Z",
	} {
		bare := strings.Replace(path, "delta()", "delta", 1)
		withParens := rc.must(t, 200, "GET", path, nil).json(t)
		without := rc.must(t, 200, "GET", bare, nil).json(t)
		if a, b := len(withParens["value"].([]any)), len(without["value"].([]any)); a != b || a == 0 {
			t.Errorf("GET %s: %d entries; %s: %d (want the same, not none)", path, a, bare, b)
		}
	}
	// delta takes no parameters.
	if r := rc.do(t, "GET", "/messages/delta(top=3)", nil); r.status != 400 {
		t.Errorf("delta(top=3): status %d; want 400", r.status)
	}
}

// TestActionParametersInAnyCase: Graph matches action parameter names
// case-insensitively; its own samples write some in PascalCase.
func TestActionParametersInAnyCase(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			id := seedMessage(rc.box)
			moved := rc.must(t, 201, "POST", "/messages/"+id+"/move", map[string]any{"DESTINATIONID": "archive"}).json(t)
			id, _ = moved[rc.n("id")].(string)
			copied := rc.must(t, 201, "POST", "/messages/"+id+"/copy", map[string]any{"DestinationId": "inbox"}).json(t)
			inbox := rc.must(t, 200, "GET", "/mailFolders/inbox", nil).json(t)[rc.n("id")]
			if copied[rc.n("parentFolderId")] != inbox {
				t.Errorf("copy with DestinationId went to %v; want the Inbox", copied[rc.n("parentFolderId")])
			}
			draft := rc.must(t, 201, "POST", "/messages/"+id+"/createReply", map[string]any{"Comment": "see below"}).json(t)
			if b, _ := draft[rc.n("body")].(map[string]any); !strings.Contains(b[rc.n("content")].(string), "see below") {
				t.Errorf("createReply with Comment: body %v; want the comment in it", b)
			}
			rc.must(t, 202, "POST", "/messages/"+id+"/forward", map[string]any{"COMMENT": "fyi",
				"ToRecipients": []any{map[string]any{"EmailAddress": map[string]any{"Address": "dana@fabrikam.example"}}}})

			ev := meeting(rc, true)
			rc.must(t, 200, "POST", "/events/"+ev+"/snoozeReminder", map[string]any{"NewReminderTime": map[string]any{"DateTime": "2030-01-01T10:00:00", "TimeZone": "UTC"}})
			rc.must(t, 202, "POST", "/events/"+ev+"/tentativelyAccept", map[string]any{"Comment": "maybe", "SendResponse": false})
			got, _ := rc.box.Get("events", ev)
			if rs, _ := got["responseStatus"].(outlooktest.Object); rs["response"] != "tentativelyAccepted" {
				t.Errorf("after tentativelyAccept: responseStatus %v", got["responseStatus"])
			}
			// A parameter of the wrong type is still refused.
			if r := rc.do(t, "POST", "/events/"+ev+"/decline", map[string]any{"SendResponse": "yes"}); r.status != 400 {
				t.Errorf("SendResponse \"yes\": status %d; want 400", r.status)
			}
		})
	}
}

// TestPatchOriginalTimeZones: Graph lets a client write an event's
// originalStartTimeZone and originalEndTimeZone (the CSDL does not mark
// them computed, and msgraph-sdk-go sends them back when a client copies
// an event); the fake refused them as read-only.
func TestPatchOriginalTimeZones(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			ev := rc.box.Add("events", outlooktest.Object{"subject": "review",
				"start": outlooktest.Object{"dateTime": "2024-05-02T09:00:00", "timeZone": "UTC"},
				"end":   outlooktest.Object{"dateTime": "2024-05-02T10:00:00", "timeZone": "UTC"}})
			got := rc.must(t, 200, "PATCH", "/events/"+ev, map[string]any{
				rc.n("originalStartTimeZone"): "Pacific Standard Time", rc.n("originalEndTimeZone"): "Pacific Standard Time",
			}).json(t)
			if got[rc.n("originalStartTimeZone")] != "Pacific Standard Time" || got[rc.n("originalEndTimeZone")] != "Pacific Standard Time" {
				t.Errorf("after PATCH: %v, %v", got[rc.n("originalStartTimeZone")], got[rc.n("originalEndTimeZone")])
			}
			// What stays read-only still is.
			if r := rc.do(t, "PATCH", "/events/"+ev, map[string]any{rc.n("iCalUId"): "x"}); r.status != 400 {
				t.Errorf("PATCH iCalUId: status %d; want 400", r.status)
			}
		})
	}
}

// TestMalformedIDs: Exchange answers an id it cannot read with 400
// ErrorInvalidIdMalformed, and a well-formed one it does not hold with 404
// ErrorItemNotFound.
func TestMalformedIDs(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			id := seedMessage(rc.box)
			unknown := "AAMkAGI2THVSAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
			for _, c := range []struct {
				method, path string
				body         any
				status       int
				code         string
			}{
				{"GET", "/messages/" + unknown, nil, 404, "ErrorItemNotFound"},
				{"GET", "/messages/not-an-id", nil, 400, "ErrorInvalidIdMalformed"},
				{"GET", "/messages/AAMkAG==", nil, 400, "ErrorInvalidIdMalformed"},
				{"PATCH", "/messages/nope", map[string]any{rc.n("isRead"): true}, 400, "ErrorInvalidIdMalformed"},
				{"DELETE", "/events/nope", nil, 400, "ErrorInvalidIdMalformed"},
				{"GET", "/mailFolders/notawellknownname", nil, 400, "ErrorInvalidIdMalformed"},
				{"GET", "/mailFolders/" + unknown, nil, 404, "ErrorItemNotFound"},
				{"POST", "/messages/" + id + "/move", map[string]any{rc.n("destinationId"): "nope"}, 400, "ErrorInvalidIdMalformed"},
				{"POST", "/messages/" + id + "/move", map[string]any{rc.n("destinationId"): unknown}, 404, "ErrorItemNotFound"},
			} {
				r := rc.do(t, c.method, c.path, c.body)
				if r.status != c.status || r.code(t) != c.code {
					t.Errorf("%s %s: %d %s; want %d %s", c.method, c.path, r.status, r.code(t), c.status, c.code)
				}
			}
		})
	}
}

// TestErrorInnerError: every error body carries Graph's innerError, with
// the answer's request-id, the client's client-request-id (or the
// request-id when it sent none) and the date; injected faults too.
func TestErrorInnerError(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	rc := clients(t, srv)[0]
	check := func(t *testing.T, r resp, sent string) {
		t.Helper()
		e, _ := r.json(t)["error"].(map[string]any)
		inner, _ := e["innerError"].(map[string]any)
		rid := r.header.Get("request-id")
		if rid == "" || inner["request-id"] != rid {
			t.Errorf("innerError.request-id %v; want the request-id header %q", inner["request-id"], rid)
		}
		want := sent
		if want == "" {
			want = rid
		}
		if inner["client-request-id"] != want {
			t.Errorf("innerError.client-request-id %v; want %q", inner["client-request-id"], want)
		}
		if d, _ := inner["date"].(string); len(d) != len("2006-01-02T15:04:05") {
			t.Errorf("innerError.date %q", inner["date"])
		}
	}
	t.Run("answer", func(t *testing.T) {
		check(t, rc.do(t, "GET", "/messages/nope", nil, "client-request-id", "c0ffee00-0000-4000-8000-000000000001"), "c0ffee00-0000-4000-8000-000000000001")
		check(t, rc.do(t, "GET", "/messages/nope", nil), "")
	})
	t.Run("fault", func(t *testing.T) {
		srv.Inject(outlooktest.Fault{Status: http.StatusServiceUnavailable, Host: "graph.microsoft.com", Path: "/users/*/mailFolders"})
		r := rc.do(t, "GET", "/mailFolders", nil, "client-request-id", "c0ffee00-0000-4000-8000-000000000002")
		if r.status != 503 {
			t.Fatalf("status %d; want the injected 503", r.status)
		}
		check(t, r, "c0ffee00-0000-4000-8000-000000000002")
	})
}

// TestGzipUploadChunks: the chunks of an upload session may come
// compressed too (the SDKs' compression handler sits under their upload
// tasks); Content-Range counts the inflated bytes.
func TestGzipUploadChunks(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	rc := clients(t, srv)[0]
	id := rc.box.Add("messages", outlooktest.Object{"subject": "with a big file"})
	const size = 3<<20 + 1000
	content := make([]byte, size)
	for i := range content {
		content[i] = byte(i * 7)
	}
	s := rc.must(t, 201, "POST", "/messages/"+id+"/attachments/createUploadSession", map[string]any{
		"AttachmentItem": map[string]any{"attachmentType": "file", "name": "big.bin", "size": size},
	}).json(t)
	uploadURL := s["uploadUrl"].(string)
	up := &restClient{srv: srv}
	put := func(from, to int, data []byte) resp {
		return up.do(t, "PUT", uploadURL, data, "Content-Type", "application/octet-stream", "Content-Encoding", "gzip",
			"Content-Range", "bytes "+itoa(from)+"-"+itoa(to)+"/"+itoa(size))
	}
	// A chunk that inflates past its range is refused and the session goes on.
	if r := put(0, 999, gzipped(t, content[:2000])); r.status != 400 {
		t.Errorf("chunk inflating past its range: %d %s; want 400", r.status, r.raw)
	}
	if r := put(0, 1<<20-1, gzipped(t, content[:1<<20])); r.status != 200 {
		t.Fatalf("first chunk: %d %s", r.status, r.raw)
	}
	last := put(1<<20, size-1, gzipped(t, content[1<<20:]))
	if last.status != 201 {
		t.Fatalf("last chunk: %d %s", last.status, last.raw)
	}
	loc := last.header.Get("Location")
	aid := loc[strings.LastIndex(loc, "('")+2 : len(loc)-2]
	if v := rc.must(t, 200, "GET", "/messages/"+id+"/attachments/"+aid+"/$value", nil); !bytes.Equal(v.raw, content) {
		t.Errorf("uploaded content differs (%d bytes; want %d)", len(v.raw), size)
	}
}
