package rest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

func TestParseContentRange(t *testing.T) {
	for _, tc := range []struct {
		in                 string
		first, last, total int64
		ok                 bool
	}{
		{"bytes 0-9/10", 0, 9, 10, true},
		{"bytes 5-5/6", 5, 5, 6, true},
		{"bytes 9-0/10", 0, 0, 0, false},
		{"bytes 0-10/10", 0, 0, 0, false},
		{"bytes 0-9/*", 0, 0, 0, false},
		{"bytes -1-9/10", 0, 0, 0, false},
		{"bytes=0-9/10", 0, 0, 0, false},
		{"bytes +1-9/10", 0, 0, 0, false},
		{"", 0, 0, 0, false},
	} {
		f, l, n, err := parseContentRange(tc.in)
		if (err == nil) != tc.ok || f != tc.first || l != tc.last || n != tc.total {
			t.Errorf("parseContentRange(%q) = %d, %d, %d, %v; want %d, %d, %d, ok %v", tc.in, f, l, n, err, tc.first, tc.last, tc.total, tc.ok)
		}
	}
}

func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-9/10", "bytes 1048576-2097151/3146728", "bytes 0-0/1", "bytes 9-0/1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		first, last, total, err := parseContentRange(s)
		if err != nil {
			return
		}
		if first < 0 || first > last || last >= total {
			t.Fatalf("parseContentRange(%q) = %d-%d/%d: not a range inside the total", s, first, last, total)
		}
	})
}

func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "Bearer", "bearer  x ", "Basic abc", "", "Bearer a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := &http.Request{Header: http.Header{"Authorization": {h}}}
		tok, sent := BearerToken(r)
		if !sent && tok != "" {
			t.Fatalf("BearerToken(%q) = %q without the Bearer scheme", h, tok)
		}
		if tok != strings.TrimSpace(tok) {
			t.Fatalf("BearerToken(%q) = %q: not trimmed", h, tok)
		}
	})
}

// FuzzUploadChunk sends any chunk to a small upload session: the upload
// host answers, never panics, and creates the attachment only from exactly
// the announced bytes.
func FuzzUploadChunk(f *testing.F) {
	f.Add("PUT", "bytes 0-7/8", []byte("12345678"))
	f.Add("PUT", "bytes 0-3/8", []byte("1234"))
	f.Add("PUT", "bytes 4-7/8", []byte("5678"))
	f.Add("PUT", "bytes 0-7/9", []byte("12345678"))
	f.Add("GET", "", []byte(nil))
	f.Add("DELETE", "", []byte(nil))
	f.Fuzz(func(t *testing.T, method, contentRange string, body []byte) {
		st := store.New(time.Now)
		m := st.EnsureMailbox(tCloudUser)
		st.Lock()
		msg, err := m.Seed("messages", Object{"subject": "upload"})
		st.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		u := NewUploads(st)
		u.sessions["S"] = &uploadSession{id: "S", token: "T", box: m, itemSet: "messages", itemID: msg, userSeg: m.ID() + "@t",
			attachment: Object{"@odata.type": schema.GraphNS + "fileAttachment", "name": "f"}, size: 8, expires: time.Now().Add(time.Hour)}
		r, err := http.NewRequestWithContext(t.Context(), method, "https://outlook.office.com/api/v2.0/Users('x@y')/Messages('"+msg+"')/AttachmentSessions('S')?authtoken=T", bytes.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		if contentRange != "" {
			r.Header.Set("Content-Range", contentRange)
		}
		w := httptest.NewRecorder()
		u.ServeHTTP(w, r)
		st.Lock()
		atts := m.Items("attachments")
		st.Unlock()
		switch {
		case w.Code == http.StatusCreated:
			if len(atts) != 1 || atts[0]["size"] != float64(8) || len(body) != 8 {
				t.Fatalf("%s %q with %d bytes: 201, attachments %v", method, contentRange, len(body), atts)
			}
		case len(atts) != 0:
			t.Fatalf("%s %q: %d and an attachment", method, contentRange, w.Code)
		case w.Code < 200 || w.Code > 599:
			t.Fatalf("status %d", w.Code)
		}
	})
}
