package transport

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// busySignal reads a body-spelled throttling answer the way EWS's
// ErrorServerBusy reader does: it peeks, and puts back what it read.
func busySignal(resp *http.Response) (time.Duration, bool) {
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if !strings.HasPrefix(string(b), "busy") {
		return 0, false
	}
	return 1500 * time.Millisecond, true
}

// A protocol that spells throttling in its body (EWS answers ErrorServerBusy
// with HTTP 500) gets the one retry policy too: a request carrying the
// signal is sent again after the server's back-off, even a POST, since the
// server did not run it; without the signal a POST's 500 is final.
func TestThrottleSignal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		signal       bool
		body         func(n int) (int, string)
		maxRetry     time.Duration
		wantAttempts int
		wantWaits    []time.Duration
		wantStatus   int
	}{
		{name: "busy twice then ok", signal: true, body: func(n int) (int, string) {
			if n < 3 {
				return 500, "busy"
			}
			return 200, "done"
		}, wantAttempts: 3, wantWaits: []time.Duration{1500 * time.Millisecond, 1500 * time.Millisecond}, wantStatus: 200},
		{name: "429 with a back-off in its body waits the back-off", signal: true, body: func(n int) (int, string) {
			if n < 2 {
				return 429, "busy"
			}
			return 200, "done"
		}, wantAttempts: 2, wantWaits: []time.Duration{1500 * time.Millisecond}, wantStatus: 200},
		{name: "no signal: a POST's 500 is final", signal: false, body: func(n int) (int, string) { return 500, "busy" }, wantAttempts: 1, wantStatus: 500},
		{name: "other 500s stay final for a POST", signal: true, body: func(n int) (int, string) { return 500, "boom" }, wantAttempts: 1, wantStatus: 500},
		{name: "back-off beyond MaxRetryAfter is returned at once", signal: true, maxRetry: time.Second,
			body: func(n int) (int, string) { return 500, "busy" }, wantAttempts: 1, wantStatus: 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := 0
			srv := startHandler(t, func(w http.ResponseWriter, r *http.Request) {
				n++
				status, body := tc.body(n)
				w.WriteHeader(status)
				io.WriteString(w, body)
			})
			c, rec := newTestClient(t, Config{Retry: RetryPolicy{MaxRetryAfter: tc.maxRetry}})
			req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("<soap/>"))
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("<soap/>")), nil }
			if tc.signal {
				req = WithThrottleSignal(req, busySignal)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != tc.wantStatus || n != tc.wantAttempts {
				t.Fatalf("status %d after %d attempts, want %d after %d", resp.StatusCode, n, tc.wantStatus, tc.wantAttempts)
			}
			if _, want := tc.body(n); body != want {
				t.Errorf("body %q, want %q (the signal must put back what it read)", body, want)
			}
			if got := rec.got(); len(got) != len(tc.wantWaits) || (len(got) > 0 && got[0] != tc.wantWaits[0]) {
				t.Errorf("waits %v, want %v", got, tc.wantWaits)
			}
		})
	}
}

func startHandler(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
