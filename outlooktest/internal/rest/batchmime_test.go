package rest

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
)

// FuzzMultipartBatch feeds v2.0's multipart $batch reader arbitrary bodies:
// it answers 200 with a multipart body or a 4xx, never panics or 5xx.
func FuzzMultipartBatch(f *testing.F) {
	part := func(req string) string {
		return "--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" + req + "\r\n"
	}
	f.Add([]byte(part("GET /api/v2.0/me/messages?$top=1 HTTP/1.1") + "--b--\r\n"))
	f.Add([]byte(part("POST /api/v2.0/me/messages HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{\"Subject\":\"x\"}") +
		part("PATCH /api/v2.0/me/mailfolders/inbox HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{\"DisplayName\":\"y\"}") + "--b--\r\n"))
	f.Add([]byte(part("GET https://mail.contoso.com/api/v2.0/me/events HTTP/1.1") + "--b--\r\n"))
	f.Add([]byte(part("BREW /api/v2.0/me/messages HTTP/1.1") + "--b--\r\n"))
	f.Add([]byte(part("POST /api/v2.0/me/$batch HTTP/1.1\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c--") + "--b--\r\n"))
	f.Add([]byte("--b\r\n\r\n--b--"))
	h := newFakeHost(f, dialect.V2, 3)
	h.mailbox().Add("messages", Object{"subject": "m"})
	handler := New(h.st, Env{Dialect: dialect.V2, Host: tV2Host, Locate: func(string) (string, bool) { return tV2Host, true }})
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "https://"+tV2Host+"/api/v2.0/me/$batch", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/mixed; boundary=b")
		rec := httptest.NewRecorder()
		handler.Serve(rec, req, h.who)
		switch {
		case rec.Code == http.StatusOK:
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "multipart/mixed; boundary=batchresponse_") {
				t.Fatalf("200 with Content-Type %q", rec.Header().Get("Content-Type"))
			}
		case rec.Code >= 500:
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	})
}

// FuzzFunctionParams: the reader of a function's parentheses never panics,
// and what it reads, written back, reads the same.
func FuzzFunctionParams(f *testing.F) {
	for _, s := range []string{"", "startDateTime='2024-01-01T00:00:00',endDateTime='2024-01-02T00:00:00'", "a=1", "a='it''s'",
		"'AAMkAG=='", "AAMkAG==", "a=1,", "=1", "a=1,a=2", "a='x", "a=''"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, inner string) {
		params, ok := functionParams(inner)
		if !ok {
			return
		}
		var parts []string
		for k, v := range params {
			if !isIdentifier(k) || k != strings.ToLower(k) || v == "" {
				t.Fatalf("%q: read %q=%q", inner, k, v)
			}
			parts = append(parts, k+"='"+strings.ReplaceAll(v, "'", "''")+"'")
		}
		again, ok := functionParams(strings.Join(parts, ","))
		if !ok || len(again) != len(params) {
			t.Fatalf("%q: read %v; written back, %v (%v)", inner, params, again, ok)
		}
		for k, v := range params {
			if again[k] != v {
				t.Fatalf("%q: %s=%q, written back %q", inner, k, v, again[k])
			}
		}
	})
}

// TestInflateBody: a gzip body is inflated to at most the limit; one over it
// gets the host's too-large answer, one that is not gzip a 400, and an
// unknown encoding a 415.
func TestInflateBody(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte("a"), 1000))
	zw.Close()
	tooBig := func() *apiError { return errorf(http.StatusRequestEntityTooLarge, "TooLarge", "too large") }
	for _, c := range []struct {
		name, enc string
		body      []byte
		limit     int64
		status    int
	}{
		{"fits", "gzip", z.Bytes(), 1000, 0},
		{"one byte over", "gzip", z.Bytes(), 999, 413},
		{"not gzip", "gzip", []byte("{}"), 1000, 400},
		{"identity", "identity", []byte("{}"), 1, 0},
		{"brotli", "br", []byte("{}"), 1000, 415},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(c.body))
		r.Header.Set("Content-Encoding", c.enc)
		err := inflateBody(r, c.limit, tooBig)
		switch {
		case c.status == 0 && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.status != 0 && (err == nil || err.status != c.status):
			t.Errorf("%s: %v; want %d", c.name, err, c.status)
		}
		if c.status == 0 && c.enc == "gzip" && (r.ContentLength != 1000 || r.Header.Get("Content-Encoding") != "") {
			t.Errorf("%s: ContentLength %d, Content-Encoding %q after inflating", c.name, r.ContentLength, r.Header.Get("Content-Encoding"))
		}
	}
}
