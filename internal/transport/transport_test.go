package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder stands in for the Client's sleep: it records each wait and
// returns at once (or with the context's error).
type recorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *recorder) got() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// newTestClient builds a Client whose waits are recorded, not slept.
func newTestClient(t *testing.T, cfg Config) (*Client, *recorder) {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	rec := &recorder{}
	c.sleep = rec.sleep
	return c, rec
}

// scripted is a server answering the n-th request (from 1) with
// statuses[n-1], or the last status once the script runs out. It records
// every request's headers and body.
type scripted struct {
	statuses   []int
	retryAfter string // sent with every non-2xx answer when set
	mu         sync.Mutex
	headers    []http.Header
	bodies     []string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.headers = append(s.headers, r.Header.Clone())
	s.bodies = append(s.bodies, string(b))
	n := len(s.headers)
	s.mu.Unlock()
	status := s.statuses[min(n, len(s.statuses))-1]
	if s.retryAfter != "" && status >= 300 {
		w.Header().Set("Retry-After", s.retryAfter)
	}
	w.Header().Set("request-id", fmt.Sprintf("server-%d", n))
	w.WriteHeader(status)
	fmt.Fprintf(w, "attempt %d", n)
}

func (s *scripted) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.headers)
}

func startScripted(t *testing.T, s *scripted) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return string(b)
}

func TestDoRetriesByStatusAndMethod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		ifMatch      bool
		mark         bool // MarkIdempotent
		body         string
		noGetBody    bool
		statuses     []int
		retryAfter   string
		wantAttempts int
		wantStatus   int
	}{
		{name: "GET 503 until attempts run out", method: "GET", statuses: []int{503}, wantAttempts: 4, wantStatus: 503},
		{name: "GET 503 then 200", method: "GET", statuses: []int{503, 200}, wantAttempts: 2, wantStatus: 200},
		{name: "GET 500 502 504 then 200", method: "GET", statuses: []int{500, 502, 504, 200}, wantAttempts: 4, wantStatus: 200},
		{name: "GET 400 never retried", method: "GET", statuses: []int{400}, wantAttempts: 1, wantStatus: 400},
		{name: "GET 404 never retried", method: "GET", statuses: []int{404}, wantAttempts: 1, wantStatus: 404},
		{name: "GET 501 never retried", method: "GET", statuses: []int{501}, wantAttempts: 1, wantStatus: 501},
		{name: "GET 412 never retried", method: "GET", statuses: []int{412}, wantAttempts: 1, wantStatus: 412},
		{name: "HEAD 503 retried", method: "HEAD", statuses: []int{503, 200}, wantAttempts: 2, wantStatus: 200},
		{name: "DELETE 500 retried", method: "DELETE", statuses: []int{500, 204}, wantAttempts: 2, wantStatus: 204},
		{name: "PUT 502 retried with body", method: "PUT", body: "put-body", statuses: []int{502, 200}, wantAttempts: 2, wantStatus: 200},
		{name: "PUT without GetBody not retried", method: "PUT", body: "x", noGetBody: true, statuses: []int{503, 200}, wantAttempts: 1, wantStatus: 503},
		{name: "POST 503 without Retry-After not retried", method: "POST", body: "send", statuses: []int{503, 200}, wantAttempts: 1, wantStatus: 503},
		{name: "POST 503 with Retry-After retried", method: "POST", body: "send", statuses: []int{503, 200}, retryAfter: "0", wantAttempts: 2, wantStatus: 200},
		{name: "POST 503 with malformed Retry-After not retried", method: "POST", body: "send", statuses: []int{503, 200}, retryAfter: "soon", wantAttempts: 1, wantStatus: 503},
		{name: "POST 429 retried", method: "POST", body: "send", statuses: []int{429, 429, 200}, wantAttempts: 3, wantStatus: 200},
		{name: "POST 429 retried without Retry-After", method: "POST", body: "send", statuses: []int{429, 201}, wantAttempts: 2, wantStatus: 201},
		{name: "POST 500 not retried", method: "POST", body: "send", statuses: []int{500, 200}, wantAttempts: 1, wantStatus: 500},
		{name: "POST 502 not retried", method: "POST", body: "send", statuses: []int{502, 200}, wantAttempts: 1, wantStatus: 502},
		{name: "POST 504 not retried", method: "POST", body: "send", statuses: []int{504, 200}, wantAttempts: 1, wantStatus: 504},
		{name: "POST 400 not retried", method: "POST", body: "send", statuses: []int{400}, wantAttempts: 1, wantStatus: 400},
		{name: "POST marked idempotent 500 retried", method: "POST", body: "batch", mark: true, statuses: []int{500, 200}, wantAttempts: 2, wantStatus: 200},
		{name: "PATCH without If-Match 500 not retried", method: "PATCH", body: "{}", statuses: []int{500, 200}, wantAttempts: 1, wantStatus: 500},
		{name: "PATCH without If-Match 429 retried", method: "PATCH", body: "{}", statuses: []int{429, 200}, wantAttempts: 2, wantStatus: 200},
		{name: "PATCH with If-Match 500 retried", method: "PATCH", body: "{}", ifMatch: true, statuses: []int{500}, wantAttempts: 4, wantStatus: 500},
		{name: "PATCH with If-Match 503 then 200", method: "PATCH", body: "{}", ifMatch: true, statuses: []int{503, 200}, wantAttempts: 2, wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &scripted{statuses: tt.statuses, retryAfter: tt.retryAfter}
			srv := startScripted(t, s)
			c, rec := newTestClient(t, Config{Retry: RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}})
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
				if tt.noGetBody {
					body = io.MultiReader(body) // hides the type http.NewRequest knows how to rewind
				}
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+"/x", body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.ifMatch {
				req.Header.Set("If-Match", `W/"abc"`)
			}
			if tt.mark {
				req = MarkIdempotent(req)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("Do(%s) error: %v", tt.method, err)
			}
			got := readAll(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("Do(%s) status = %d, want %d", tt.method, resp.StatusCode, tt.wantStatus)
			}
			if n := s.count(); n != tt.wantAttempts {
				t.Errorf("Do(%s) made %d attempts, want %d", tt.method, n, tt.wantAttempts)
			}
			if w := rec.got(); len(w) != tt.wantAttempts-1 {
				t.Errorf("Do(%s) waited %d times (%v), want %d", tt.method, len(w), w, tt.wantAttempts-1)
			}
			// The last response comes back intact.
			if tt.method != "HEAD" && tt.wantStatus != http.StatusNoContent {
				if want := fmt.Sprintf("attempt %d", tt.wantAttempts); got != want {
					t.Errorf("Do(%s) body = %q, want %q", tt.method, got, want)
				}
			}
			// Every attempt carried the whole body.
			if tt.body != "" && !tt.noGetBody {
				for i, b := range s.bodies {
					if b != tt.body {
						t.Errorf("attempt %d body = %q, want %q", i+1, b, tt.body)
					}
				}
			}
		})
	}
}

func TestDoMaxAttemptsOneDisablesRetries(t *testing.T) {
	t.Parallel()
	s := &scripted{statuses: []int{503, 200}}
	srv := startScripted(t, s)
	c, _ := newTestClient(t, Config{Retry: RetryPolicy{MaxAttempts: 1}})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	if resp.StatusCode != 503 || s.count() != 1 {
		t.Errorf("Do = %d after %d attempts, want 503 after 1", resp.StatusCode, s.count())
	}
}

func TestDoRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		status       int
		retryAfter   string
		wantWait     time.Duration
		wantAttempts int
		wantStatus   int
	}{
		{name: "seconds", status: 429, retryAfter: "7", wantWait: 7 * time.Second, wantAttempts: 2, wantStatus: 200},
		{name: "seconds with spaces", status: 503, retryAfter: " 3 ", wantWait: 3 * time.Second, wantAttempts: 2, wantStatus: 200},
		{name: "HTTP-date", status: 503, retryAfter: now.Add(42 * time.Second).Format(http.TimeFormat), wantWait: 42 * time.Second, wantAttempts: 2, wantStatus: 200},
		{name: "HTTP-date in the past backs off", status: 429, retryAfter: now.Add(-time.Hour).Format(http.TimeFormat), wantWait: -1, wantAttempts: 2, wantStatus: 200},
		{name: "at the cap", status: 429, retryAfter: "120", wantWait: 2 * time.Minute, wantAttempts: 2, wantStatus: 200},
		{name: "above the cap returns at once", status: 429, retryAfter: "121", wantAttempts: 1, wantStatus: 429},
		{name: "date above the cap returns at once", status: 503, retryAfter: now.Add(time.Hour).Format(http.TimeFormat), wantAttempts: 1, wantStatus: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &scripted{statuses: []int{tt.status, 200}, retryAfter: tt.retryAfter}
			srv := startScripted(t, s)
			c, rec := newTestClient(t, Config{})
			c.now = func() time.Time { return now }
			req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != tt.wantStatus || s.count() != tt.wantAttempts {
				t.Fatalf("Do = %d after %d attempts, want %d after %d", resp.StatusCode, s.count(), tt.wantStatus, tt.wantAttempts)
			}
			waits := rec.got()
			if tt.wantAttempts == 1 {
				if len(waits) != 0 {
					t.Errorf("waited %v, want no wait", waits)
				}
				if got := resp.Header.Get("Retry-After"); got != tt.retryAfter {
					t.Errorf("Retry-After = %q, want %q kept for the caller", got, tt.retryAfter)
				}
				if body != "attempt 1" {
					t.Errorf("body = %q, want the throttled response's", body)
				}
				return
			}
			if tt.wantWait < 0 { // the backoff of attempt 1: 500ms to 1s
				if len(waits) != 1 || waits[0] < 500*time.Millisecond || waits[0] > time.Second {
					t.Errorf("waits = %v, want one backoff within [500ms, 1s]", waits)
				}
				return
			}
			if len(waits) != 1 || waits[0] != tt.wantWait {
				t.Errorf("waits = %v, want [%v]", waits, tt.wantWait)
			}
		})
	}
}

func TestDoBackoffWithoutRetryAfter(t *testing.T) {
	t.Parallel()
	s := &scripted{statuses: []int{503}}
	srv := startScripted(t, s)
	c, rec := newTestClient(t, Config{Retry: RetryPolicy{MaxAttempts: 5, MinBackoff: 100 * time.Millisecond, MaxBackoff: 500 * time.Millisecond}})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	waits := rec.got()
	bounds := [][2]time.Duration{{100, 200}, {200, 400}, {250, 500}, {250, 500}}
	if len(waits) != len(bounds) {
		t.Fatalf("waits = %v, want %d of them", waits, len(bounds))
	}
	for i, w := range waits {
		lo, hi := bounds[i][0]*time.Millisecond, bounds[i][1]*time.Millisecond
		if w < lo || w > hi {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, w, lo, hi)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	lo, hi := 500*time.Millisecond, 30*time.Second
	least := func(int64) int64 { return 0 }
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 500 * time.Millisecond, time.Second},
		{2, time.Second, 2 * time.Second},
		{3, 2 * time.Second, 4 * time.Second},
		{5, 8 * time.Second, 16 * time.Second},
		{6, 15 * time.Second, 30 * time.Second},
		{7, 15 * time.Second, 30 * time.Second},
		{200, 15 * time.Second, 30 * time.Second}, // 2^200 must not overflow
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("attempt ", tt.attempt), func(t *testing.T) {
			most := func(n int64) int64 { return n - 1 }
			if got := backoff(lo, hi, tt.attempt, least); got != tt.min {
				t.Errorf("backoff(attempt %d, least jitter) = %v, want %v", tt.attempt, got, tt.min)
			}
			if got := backoff(lo, hi, tt.attempt, most); got != tt.max {
				t.Errorf("backoff(attempt %d, most jitter) = %v, want %v", tt.attempt, got, tt.max)
			}
			for range 1000 {
				if got := backoff(lo, hi, tt.attempt, randInt64N); got < tt.min || got > tt.max {
					t.Fatalf("backoff(attempt %d) = %v, want within [%v, %v]", tt.attempt, got, tt.min, tt.max)
				}
			}
		})
	}
	// A floor above half the ceiling holds: MinBackoff is never undercut.
	if got := backoff(time.Second, time.Second, 3, least); got != time.Second {
		t.Errorf("backoff(1s, 1s) = %v, want 1s", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"  5\t", 5 * time.Second, true},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1.5", 0, false},
		{"1e3", 0, false},
		{"12abc", 0, false},
		{"99999999999999999999999999", time.Duration(9223372036) * time.Second, true},
		{"Sun, 29 Nov 2026 12:00:10 GMT", 10 * time.Second, true}, // RFC 1123
		{"Sunday, 29-Nov-26 12:01:00 GMT", time.Minute, true},     // RFC 850
		{"Sun Nov 29 12:00:30 2026", 30 * time.Second, true},      // asctime
		{"Fri, 31 Dec 1999 23:59:59 GMT", 0, true},                // past
		{"Sun, 29 Nov 2026 12:00:10 +0100", 0, false},
		{"tomorrow", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestDoContextCancelDuringWait(t *testing.T) {
	t.Parallel()
	s := &scripted{statuses: []int{503}, retryAfter: "60"}
	srv := startScripted(t, s)
	c, err := New(Config{MaxConcurrent: 1}) // real sleep: the wait is 60s
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	start := time.Now()
	resp, err := c.Do(req)
	elapsed := time.Since(start)
	if err == nil {
		resp.Body.Close()
		t.Fatal("Do returned no error after its context was cancelled")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Do error = %v, want it to wrap context.Canceled", err)
	}
	if elapsed > time.Second {
		t.Errorf("Do took %v after cancellation during a 60s wait, want prompt return", elapsed)
	}
	// The slot came back: another call on the single-slot client proceeds.
	s.mu.Lock()
	s.statuses = []int{200}
	s.mu.Unlock()
	ctx2, cancel2 := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel2()
	req2, _ := http.NewRequestWithContext(ctx2, "GET", srv.URL, nil)
	resp2, err := c.Do(req2)
	if err != nil {
		t.Fatalf("Do after a cancelled call: %v", err)
	}
	readAll(t, resp2)
}

func TestDoContextDeadlineInRetryLoop(t *testing.T) {
	t.Parallel()
	s := &scripted{statuses: []int{503}}
	srv := startScripted(t, s)
	c, err := New(Config{Retry: RetryPolicy{MinBackoff: 10 * time.Second, MaxBackoff: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil || time.Since(start) > time.Second {
		t.Fatalf("Do = %v after %v, want the 503 at once: a 10s backoff cannot end before the deadline", err, time.Since(start))
	}
	readAll(t, resp)
	if resp.StatusCode != 503 || s.count() != 1 {
		t.Errorf("Do = %d after %d attempts, want 503 after 1", resp.StatusCode, s.count())
	}
}

// hijacker reads the whole request, counts it, then drops the connection
// without answering: the server may have acted on it.
type hijacker struct{ n atomic.Int32 }

func (h *hijacker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.ReadAll(r.Body)
	h.n.Add(1)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func TestDoDroppedConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method       string
		ifMatch      bool
		wantAttempts int32
	}{
		{method: "POST", wantAttempts: 1},
		{method: "PATCH", wantAttempts: 1},
		{method: "PATCH", ifMatch: true, wantAttempts: 3},
		{method: "GET", wantAttempts: 3},
		{method: "PUT", wantAttempts: 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s if-match=%v", tt.method, tt.ifMatch), func(t *testing.T) {
			t.Parallel()
			h := &hijacker{}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			c, _ := newTestClient(t, Config{Retry: RetryPolicy{MaxAttempts: 3}})
			var body io.Reader
			if tt.method != "GET" {
				body = strings.NewReader(`{"message":{"subject":"hi"}}`)
			}
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+"/me/sendMail", body)
			if tt.ifMatch {
				req.Header.Set("If-Match", `W/"1"`)
			}
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("Do(%s) to a server that drops the connection: no error", tt.method)
			}
			if got := h.n.Load(); got != tt.wantAttempts {
				t.Errorf("Do(%s) reached the server %d times, want %d (err %v)", tt.method, got, tt.wantAttempts, err)
			}
			if strings.Contains(err.Error(), "giving up") {
				t.Errorf("error %q carries retryablehttp's wording", err)
			}
		})
	}
}

// countingTransport counts round trips before handing them on.
type countingTransport struct {
	n    atomic.Int32
	base http.RoundTripper
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.base.RoundTrip(r)
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestDoConnectionRefusedRetriesPOST(t *testing.T) {
	t.Parallel()
	ct := &countingTransport{base: http.DefaultTransport}
	c, rec := newTestClient(t, Config{HTTPClient: &http.Client{Transport: ct}, Retry: RetryPolicy{MaxAttempts: 3}, MaxConcurrent: 1})
	req, _ := http.NewRequestWithContext(t.Context(), "POST", "http://"+closedPort(t)+"/me/sendMail", strings.NewReader("{}"))
	_, err := c.Do(req)
	if err == nil {
		t.Fatal("Do to a closed port: no error")
	}
	if got := ct.n.Load(); got != 3 {
		t.Errorf("Do(POST) to a closed port made %d attempts, want 3 (err %v)", got, err)
	}
	if len(rec.got()) != 2 {
		t.Errorf("waits = %v, want 2", rec.got())
	}
	if opErr, ok := errors.AsType[*net.OpError](err); !ok || opErr.Op != "dial" {
		t.Errorf("Do error = %v, want it to wrap the dial *net.OpError", err)
	}
	if strings.Contains(err.Error(), "giving up") {
		t.Errorf("error %q carries retryablehttp's wording", err)
	}
	// The error released the only slot.
	req2, _ := http.NewRequestWithContext(t.Context(), "GET", "http://"+closedPort(t)+"/", nil)
	if _, err := c.Do(req2); err == nil {
		t.Fatal("second Do to a closed port: no error")
	}
}

func TestDoConnectionRefusedThenServerUp(t *testing.T) {
	t.Parallel()
	// The first attempt is refused; the server comes up during the wait, and
	// the POST's body is replayed to it.
	var ln net.Listener
	addr := closedPort(t)
	s := &scripted{statuses: []int{202}}
	srv := &http.Server{Handler: s}
	t.Cleanup(func() { srv.Close() })
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		if ln != nil {
			return nil
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("port %s taken meanwhile: %w", addr, err)
		}
		ln = l
		go srv.Serve(ln)
		return nil
	}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", "http://"+addr+"/me/sendMail", strings.NewReader("mail"))
	resp, err := c.Do(req)
	if err != nil {
		if ln == nil {
			t.Skipf("could not reopen %s: %v", addr, err)
		}
		t.Fatal(err)
	}
	readAll(t, resp)
	if resp.StatusCode != 202 || s.count() != 1 || s.bodies[0] != "mail" {
		t.Errorf("Do = %d, server saw %d requests %q; want 202 and one request %q", resp.StatusCode, s.count(), s.bodies, "mail")
	}
}

func TestRetryableError(t *testing.T) {
	t.Parallel()
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	dns := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}}
	read := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	wrap := func(err error) error { return fmt.Errorf("Post %q: %w", "https://h/x", err) }
	tests := []struct {
		name          string
		err           error
		idempotent    bool
		nonIdempotent bool
	}{
		{"dial refused", wrap(dial), true, true},
		{"dns failure", wrap(dns), true, true},
		{"bare dns error", &net.DNSError{Err: "no such host"}, true, true},
		{"reset after write", wrap(read), true, false},
		{"EOF before response", wrap(io.EOF), true, false},
		{"unexpected EOF", wrap(io.ErrUnexpectedEOF), true, false},
		{"timeout", wrap(context.DeadlineExceeded), true, false},
		{"too many redirects", wrap(errors.New("stopped after 10 redirects")), false, false},
	}
	for _, tt := range tests {
		if got := retryableError(tt.err, true); got != tt.idempotent {
			t.Errorf("%s: retryableError(idempotent) = %v, want %v", tt.name, got, tt.idempotent)
		}
		if got := retryableError(tt.err, false); got != tt.nonIdempotent {
			t.Errorf("%s: retryableError(non-idempotent) = %v, want %v", tt.name, got, tt.nonIdempotent)
		}
	}
}

func TestDoUntrustedCertificateNotRetried(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ct := &countingTransport{base: http.DefaultTransport} // does not trust srv's certificate
	c, _ := newTestClient(t, Config{HTTPClient: &http.Client{Transport: ct}})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
	if _, err := c.Do(req); err == nil {
		t.Fatal("Do to an untrusted server: no error")
	}
	if got := ct.n.Load(); got != 1 {
		t.Errorf("Do to an untrusted server made %d attempts, want 1", got)
	}
}

func TestDoConcurrencyLimit(t *testing.T) {
	t.Parallel()
	const limit = 3
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		time.Sleep(20 * time.Millisecond)
		inFlight.Add(-1)
		io.WriteString(w, "done")
	}))
	t.Cleanup(srv.Close)
	c, _ := newTestClient(t, Config{MaxConcurrent: limit})
	var wg sync.WaitGroup
	errs := make(chan error, 4*limit)
	for range 4 * limit {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
			resp, err := c.Do(req)
			if err != nil {
				errs <- err
				return
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || string(b) != "done" {
				errs <- fmt.Errorf("body %q, %v", b, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if p := peak.Load(); p != limit {
		t.Errorf("peak in flight at the server = %d, want %d", p, limit)
	}
}

func TestDoSlotHeldUntilBodyDone(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "hello")
	}))
	t.Cleanup(srv.Close)
	c, _ := newTestClient(t, Config{MaxConcurrent: 1})
	get := func(timeout time.Duration) (*http.Response, error) {
		ctx, cancel := context.WithTimeout(t.Context(), timeout)
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		return c.Do(req)
	}

	first, err := get(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// The body is open: a second call waits for the slot and gives up with its context.
	start := time.Now()
	if resp, err := get(50 * time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		if err == nil {
			resp.Body.Close()
		}
		t.Fatalf("Do while the only slot is held = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("blocked Do returned after %v, want about 50ms", d)
	}
	if hits.Load() != 1 {
		t.Errorf("server saw %d requests, want 1: the blocked call must not be sent", hits.Load())
	}
	// Reading to EOF, without Close, gives the slot back.
	if b, err := io.ReadAll(first.Body); err != nil || string(b) != "hello" {
		t.Fatalf("reading first body = %q, %v", b, err)
	}
	second, err := get(5 * time.Second)
	if err != nil {
		t.Fatalf("Do after the first body hit EOF: %v", err)
	}
	first.Body.Close() // a second release must not free someone else's slot
	// Close without reading gives it back too.
	second.Body.Close()
	second.Body.Close()
	third, err := get(5 * time.Second)
	if err != nil {
		t.Fatalf("Do after the second body was closed: %v", err)
	}
	if resp, err := get(50 * time.Millisecond); err == nil {
		resp.Body.Close()
		t.Fatal("a double Close freed an extra slot: two calls in flight on a limit of 1")
	}
	third.Body.Close()
}

func TestDoClientRequestIDAndUserAgent(t *testing.T) {
	t.Parallel()
	uuidV4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	tests := []struct {
		name   string
		cfgUA  string
		reqUA  string
		reqID  string
		wantUA *regexp.Regexp
		wantID *regexp.Regexp
	}{
		{name: "defaults", wantUA: regexp.MustCompile(`^exchangekit-outlook/\S+ go/go1\.\S+$`), wantID: uuidV4},
		{name: "configured agent", cfgUA: "archiver/2.0", wantUA: regexp.MustCompile(`^archiver/2\.0$`), wantID: uuidV4},
		{name: "caller's agent and id kept", cfgUA: "archiver/2.0", reqUA: "mine/1", reqID: "my-id-1",
			wantUA: regexp.MustCompile(`^mine/1$`), wantID: regexp.MustCompile(`^my-id-1$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &scripted{statuses: []int{503, 429, 200}}
			srv := startScripted(t, s)
			c, _ := newTestClient(t, Config{UserAgent: tt.cfgUA})
			req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
			if tt.reqUA != "" {
				req.Header.Set("User-Agent", tt.reqUA)
			}
			if tt.reqID != "" {
				req.Header.Set("client-request-id", tt.reqID)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			readAll(t, resp)
			if s.count() != 3 {
				t.Fatalf("attempts = %d, want 3", s.count())
			}
			first := s.headers[0].Get("client-request-id")
			if !tt.wantID.MatchString(first) {
				t.Errorf("client-request-id = %q, want match for %v", first, tt.wantID)
			}
			if got := req.Header.Get("client-request-id"); got != first {
				t.Errorf("req.Header client-request-id = %q, want the sent %q", got, first)
			}
			for i, h := range s.headers {
				if got := h.Get("client-request-id"); got != first {
					t.Errorf("attempt %d client-request-id = %q, want %q as on attempt 1", i+1, got, first)
				}
				if got := h.Get("return-client-request-id"); got != "true" {
					t.Errorf("attempt %d return-client-request-id = %q, want true", i+1, got)
				}
				if got := h.Get("User-Agent"); !tt.wantUA.MatchString(got) {
					t.Errorf("attempt %d User-Agent = %q, want match for %v", i+1, got, tt.wantUA)
				}
			}
		})
	}
	// Two calls get two different ids.
	if a, b := newUUID(), newUUID(); a == b || !uuidV4.MatchString(a) {
		t.Errorf("newUUID() = %q then %q, want two distinct v4 UUIDs", a, b)
	}
}

func TestDoResponseSizeLimit(t *testing.T) {
	t.Parallel()
	const limit = 10
	tests := []struct {
		name    string
		body    string
		chunked bool
		wantErr bool
	}{
		{name: "under", body: "123456789"},
		{name: "exactly", body: "1234567890"},
		{name: "exactly chunked", body: "1234567890", chunked: true},
		{name: "over with Content-Length", body: "12345678901", wantErr: true},
		{name: "over chunked", body: "12345678901", chunked: true, wantErr: true},
		{name: "far over chunked", body: strings.Repeat("x", 100000), chunked: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.chunked {
					w.(http.Flusher).Flush() // no Content-Length
				} else {
					w.Header().Set("Content-Length", fmt.Sprint(len(tt.body)))
				}
				io.WriteString(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			c, _ := newTestClient(t, Config{MaxResponseBytes: limit, MaxConcurrent: 1})
			req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tt.wantErr {
				if !errors.Is(err, ErrResponseTooLarge) {
					t.Errorf("reading a %d-byte body with limit %d: err = %v, want ErrResponseTooLarge", len(tt.body), limit, err)
				}
				if len(b) > limit {
					t.Errorf("read %d bytes past a limit of %d", len(b), limit)
				}
			} else if err != nil || string(b) != tt.body {
				t.Errorf("reading body = %q, %v; want %q", b, err, tt.body)
			}
			// The slot is free again.
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			req2, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
			resp2, err := c.Do(req2)
			if err != nil {
				t.Fatalf("Do after the first body: %v", err)
			}
			resp2.Body.Close()
		})
	}
}

func TestDoRedactsLogsAndErrors(t *testing.T) {
	t.Parallel()
	const bearer = "eyJ0eXAiOiJKV1QiSECRETBEARER"
	secrets := []string{bearer, "SECRETACCESS", "SECRETCODE", "SECRETCLIENT", "SECRETASSERTION", "SECRETREFRESH", "SECRETPASSWORD", "SECRETUSERINFO"}
	query := "?access_token=SECRETACCESS&Code=SECRETCODE&client_secret=SECRETCLIENT&client_assertion=SECRETASSERTION" +
		"&refresh_token=SECRETREFRESH&password=SECRETPASSWORD&$top=5"

	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))

	s := &scripted{statuses: []int{503, 429, 200}}
	srv := startScripted(t, s)
	c, _ := newTestClient(t, Config{Logger: logger})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/me/messages"+query, nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.URL.User = url.UserPassword("alice", "SECRETUSERINFO")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	if got := s.headers[0].Get("Authorization"); got != "Bearer "+bearer {
		t.Fatalf("server got Authorization %q: the token must still be sent", got)
	}

	// A failing call: its error text must be clean too.
	req2, _ := http.NewRequestWithContext(t.Context(), "POST", "http://"+closedPort(t)+"/token"+query, strings.NewReader("x"))
	req2.Header.Set("Authorization", "Bearer "+bearer)
	_, err = c.Do(req2)
	if err == nil {
		t.Fatal("Do to a closed port: no error")
	}

	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log output holds secret %q:\n%s", s, out)
		}
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q holds secret %q", err, s)
		}
	}
	for _, want := range []string{`"level":"DEBUG"`, `"level":"WARN"`, "REDACTED", "$top=5", `"request_id":"server-1"`, `"client_request_id":"`, `"wait":`, `"attempt":3`} {
		if !strings.Contains(out, want) {
			t.Errorf("log output lacks %q:\n%s", want, out)
		}
	}
	ue, ok := errors.AsType[*url.Error](err)
	if !ok || !strings.Contains(ue.URL, "Code=REDACTED") || !strings.Contains(ue.URL, "$top=...") {
		t.Errorf("the error's *url.Error shows URL %q, want credentials redacted and values dropped", ue.URL)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
	}{
		{"negative MaxAttempts", Config{Retry: RetryPolicy{MaxAttempts: -1}}},
		{"negative MinBackoff", Config{Retry: RetryPolicy{MinBackoff: -time.Second}}},
		{"negative MaxBackoff", Config{Retry: RetryPolicy{MaxBackoff: -time.Second}}},
		{"negative MaxRetryAfter", Config{Retry: RetryPolicy{MaxRetryAfter: -time.Second}}},
		{"MinBackoff above MaxBackoff", Config{Retry: RetryPolicy{MinBackoff: time.Minute, MaxBackoff: time.Second}}},
		{"MinBackoff above default MaxBackoff", Config{Retry: RetryPolicy{MinBackoff: time.Hour}}},
		{"negative MaxConcurrent", Config{MaxConcurrent: -1}},
		{"negative MaxResponseBytes", Config{MaxResponseBytes: -1}},
		{"User-Agent with newline", Config{UserAgent: "a\r\nX-Evil: 1"}},
	}
	for _, tt := range tests {
		if c, err := New(tt.cfg); err == nil || c != nil {
			t.Errorf("New(%s) = %v, %v; want an error", tt.name, c, err)
		}
	}
	c, err := New(Config{})
	if err != nil {
		t.Fatalf("New(Config{}) = %v", err)
	}
	want := RetryPolicy{MaxAttempts: 4, MinBackoff: 500 * time.Millisecond, MaxBackoff: 30 * time.Second, MaxRetryAfter: 2 * time.Minute}
	if c.retry != want || cap(c.sem) != 4 || c.maxBody != 256<<20 {
		t.Errorf("New(Config{}) = retry %+v, slots %d, max body %d; want %+v, 4, %d", c.retry, cap(c.sem), c.maxBody, want, 256<<20)
	}
	c2, _ := New(Config{})
	if c.hc.Transport == nil || c.hc.Transport != c2.hc.Transport {
		t.Error("two default Clients do not share one transport (connection pool)")
	}
}

func TestDoRejectsBadRequests(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, Config{})
	if _, err := c.Do(nil); err == nil {
		t.Error("Do(nil): no error")
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", "ftp://example.com/x?access_token=SECRET", nil)
	_, err := c.Do(req)
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("Do(ftp URL) = %v, want an error without the token", err)
	}
}
