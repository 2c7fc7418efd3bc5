package transport

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParseRetryAfter checks that any header value parses without panic to a
// non-negative wait, that delay-seconds read exactly, and that an HTTP-date
// formatted from a parsed wait reads back the same.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{
		"", "0", "120", " 5 ", "-1", "+3", "1.5", "1e3", "99999999999999999999999999",
		"Fri, 31 Dec 1999 23:59:59 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
		"Sun, 29 Nov 2026 12:00:10 GMT", "Sun, 29 Nov 2026 12:00:10 +0100", "\x00", "٣",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseRetryAfter(v, now)
		if d < 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, negative", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, false; want 0 when not ok", v, d)
		}
		trimmed := strings.TrimSpace(v)
		if n, err := strconv.ParseUint(trimmed, 10, 64); err == nil && trimmed[0] != '+' {
			want := time.Duration(9223372036) * time.Second
			if n < 9223372036 {
				want = time.Duration(n) * time.Second
			}
			if !ok || d != want {
				t.Fatalf("ParseRetryAfter(%q) = %v, %v; want %v, true", v, d, ok, want)
			}
		}
		if ok && d > 0 && d < 100*365*24*time.Hour && !strings.ContainsAny(trimmed[:1], "0123456789") {
			// A date: formatting now+d back as an HTTP-date must give d again.
			date := now.Add(d).Format(time.RFC1123)
			date = strings.Replace(date, "UTC", "GMT", 1)
			if d2, ok2 := ParseRetryAfter(date, now); !ok2 || d2 != d.Truncate(time.Second) {
				t.Fatalf("ParseRetryAfter(%q) = %v; reformatted %q reads %v, %v", v, d, date, d2, ok2)
			}
		}
	})
}
