package odata

import (
	"errors"
	"testing"
)

// A POST or PATCH answered 500, 502, 504 or a 503 that did not decline the
// work is of unknown outcome; a throttled or declined one, another status,
// or a read is not.
func TestErrorOutcomeUnknown(t *testing.T) {
	for _, tc := range []struct {
		method string
		status int
		code   string
		after  bool
		want   bool
	}{
		{"POST", 500, "", false, true},
		{"POST", 502, "", false, true},
		{"POST", 504, "", false, true},
		{"PATCH", 503, "", false, true},
		{"POST", 503, "", true, false},                      // Retry-After: declined
		{"POST", 503, "ApplicationThrottled", false, false}, // throttled: declined
		{"POST", 429, "", false, false},
		{"POST", 400, "", false, false},
		{"POST", 404, "", false, false},
		{"GET", 500, "", false, false},
		{"DELETE", 502, "", false, false},
		{"EWS", 500, "ErrorInternalServerError", false, false}, // EWS's own answer says what happened
	} {
		e := &Error{StatusCode: tc.status, Code: tc.code, Method: tc.method, hasRetryAfter: tc.after}
		if got := errors.Is(e, ErrOutcomeUnknown); got != tc.want {
			t.Errorf("%s %d %s (Retry-After %v): unknown %v, want %v", tc.method, tc.status, tc.code, tc.after, got, tc.want)
		}
		if tc.code == "ApplicationThrottled" && !errors.Is(e, ErrThrottled) {
			t.Errorf("a throttled 503 no longer matches ErrThrottled")
		}
	}
}
