package odata

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzPathSegment checks that no id can leave its path segment: the URL
// built around it parses back to the same segments, with no query or
// fragment, and the id reads back exactly.
func FuzzPathSegment(f *testing.F) {
	for _, s := range []string{"AAMk/a==", "..", ".", "", "$value", "a?b#c", "%2F", "x y", "é", "a\x00b", "../../me"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		for _, d := range []*Dialect{Graph, OutlookV2} {
			b, err := PathOf("mailFolders/{}/messages", id).appendTo([]byte("https://h/v1.0/me/"), d)
			if err != nil {
				if !errors.Is(err, ErrInvalidPath) {
					t.Fatalf("error %v is not ErrInvalidPath", err)
				}
				return
			}
			u, err := url.Parse(string(b))
			if err != nil {
				t.Fatalf("%q: %v", b, err)
			}
			if u.RawQuery != "" || u.Fragment != "" || u.Host != "h" {
				t.Fatalf("id %q escaped its segment: %q", id, b)
			}
			segs := strings.Split(u.EscapedPath(), "/")
			if len(segs) != 6 || segs[5] != "messages" {
				t.Fatalf("id %q changed the segments: %q", id, segs)
			}
			got, err := url.PathUnescape(segs[4])
			if err != nil || got != id {
				t.Fatalf("id read back as %q, %v; want %q", got, err, id)
			}
			if strings.HasPrefix(segs[4], "$") || segs[4] == "." || segs[4] == ".." {
				t.Fatalf("id %q became a special segment %q", id, segs[4])
			}
		}
	})
}

// FuzzErrorDecoding feeds any body and headers to the error decoder: it must
// not panic, must keep the status, and must never lose the sentinel.
func FuzzErrorDecoding(f *testing.F) {
	f.Add(404, `{"error":{"code":"ErrorItemNotFound","message":"x","innerError":{"request-id":"r"}}}`, "5")
	f.Add(429, `{"error":{"code":"ApplicationThrottled"}}`, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(500, `<html>`, "")
	f.Add(503, `{"error":{"innerError":{"innerError":{"innerError":{}}}}}`, "-1")
	f.Add(400, `{"error":{"message":{"value":1}}}`, "99999999999999999999")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		if status < 100 || status > 999 {
			status = 500
		}
		h := http.Header{"Retry-After": {retryAfter}}
		e := newError("GET", "/v1.0/me", status, h, []byte(body), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if e.StatusCode != status || e.Error() == "" || e.RetryAfter < 0 {
			t.Fatalf("newError = %+v", e)
		}
		if len(e.Body) > maxKeptBody || strings.HasPrefix(e.Error(), "odata: odata:") {
			t.Fatalf("newError kept %d bytes of body, or repeats its prefix: %q", len(e.Body), e.Error())
		}
		if status == 404 && !errors.Is(e, ErrNotFound) && !errors.Is(e, ErrGone) {
			t.Fatalf("404 lost ErrNotFound: %+v", e)
		}
	})
}
