package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestDoRetryAfterBeyondDeadline: a Retry-After longer than the time the
// context has left returns the throttled answer at once, with its delay, not
// a context error after waiting.
func TestDoRetryAfterBeyondDeadline(t *testing.T) {
	for _, tt := range []struct {
		name, method, retryAfter string
		status                   int
	}{
		{"GET 429", "GET", "60", 429},
		{"POST 429", "POST", "60", 429},
		{"GET 503", "GET", "30", 503},
		{"GET 503 backoff beyond the deadline", "GET", "", 503},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n := 0
				rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
					n++
					return cannedResponse(r, tt.status, tt.retryAfter), nil
				})
				c, err := New(Config{HTTPClient: &http.Client{Transport: rt}, Retry: RetryPolicy{MinBackoff: 10 * time.Second, MaxBackoff: 10 * time.Second}})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
				defer cancel()
				var body io.Reader
				if tt.method == "POST" {
					body = strings.NewReader("{}")
				}
				req, _ := http.NewRequestWithContext(ctx, tt.method, "https://graph.microsoft.com/v1.0/me/sendMail", body)
				start := time.Now()
				resp, err := c.Do(req)
				elapsed := time.Since(start)
				if err != nil {
					t.Fatalf("Do = %v after %v, want the %d answer at once", err, elapsed, tt.status)
				}
				resp.Body.Close()
				if resp.StatusCode != tt.status || elapsed != 0 || n != 1 {
					t.Errorf("Do = %d after %d attempts in %v, want %d after 1 at once", resp.StatusCode, n, elapsed, tt.status)
				}
				if got := resp.Header.Get("Retry-After"); got != tt.retryAfter {
					t.Errorf("Retry-After = %q, want %q kept for the caller", got, tt.retryAfter)
				}
				t.Logf("%s: %d attempt(s), %v", tt.name, n, elapsed)
			})
		})
	}
}

// TestDoRetryAfterZeroBacksOff: "Retry-After: 0" or a date in the past is
// no reason to send again at once.
func TestDoRetryAfterZeroBacksOff(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for _, ra := range []string{"0", now.Add(-time.Hour).Format(http.TimeFormat)} {
		t.Run(ra, func(t *testing.T) {
			t.Parallel()
			s := &scripted{statuses: []int{429, 429, 200}, retryAfter: ra}
			srv := startScripted(t, s)
			c, rec := newTestClient(t, Config{Retry: RetryPolicy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}})
			c.now = func() time.Time { return now }
			req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			readAll(t, resp)
			waits := rec.got()
			if len(waits) != 2 || waits[0] < 100*time.Millisecond || waits[1] < 200*time.Millisecond {
				t.Errorf("waits = %v, want the backoff (>= 100ms, then >= 200ms)", waits)
			}
		})
	}
}

// TestDoThrottledCallHoldsNoSlot: with one slot, a call waiting out a 30s
// Retry-After must not block a healthy call to the same mailbox.
func TestDoThrottledCallHoldsNoSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		throttled := 0
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == "/throttled" {
				mu.Lock()
				throttled++
				first := throttled == 1
				mu.Unlock()
				if first {
					return cannedResponse(r, 429, "30"), nil
				}
			}
			return cannedResponse(r, 200, ""), nil
		})
		c, err := New(Config{HTTPClient: &http.Client{Transport: rt}, MaxConcurrent: 1})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		done := make(chan time.Duration, 1)
		go func() {
			req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://graph.microsoft.com/throttled", nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			done <- time.Since(start)
		}()
		time.Sleep(time.Second) // the first call is now waiting out its Retry-After
		req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://graph.microsoft.com/healthy", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		healthy := time.Since(start)
		throttledDone := <-done
		if healthy != time.Second {
			t.Errorf("the healthy call ended at %v, want 1s: it waited for the throttled call's slot", healthy)
		}
		if throttledDone != 30*time.Second {
			t.Errorf("the throttled call ended at %v, want 30s", throttledDone)
		}
		t.Logf("healthy call done at %v, throttled call at %v (Retry-After 30s)", healthy, throttledDone)
	})
}

// TestRetryPolicyForSpanningOperations checks Client.Retry, the policy the
// $batch rounds and upload resumes follow.
func TestRetryPolicyForSpanningOperations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := New(Config{Retry: RetryPolicy{MaxAttempts: 3, MinBackoff: time.Second, MaxBackoff: 4 * time.Second, MaxRetryAfter: time.Minute}})
		if err != nil {
			t.Fatal(err)
		}
		c.jitter = func(int64) int64 { return 0 }
		ctx := t.Context()
		check := func(name string, tries int, ra time.Duration, has bool, want bool, wantWait time.Duration) {
			t.Helper()
			start := time.Now()
			ok, err := c.Retry(ctx, tries, ra, has)
			if err != nil || ok != want || time.Since(start) != wantWait {
				t.Errorf("%s: Retry = %v, %v after %v; want %v after %v", name, ok, err, time.Since(start), want, wantWait)
			}
		}
		check("backoff after try 1", 1, 0, false, true, time.Second)
		check("Retry-After", 1, 7*time.Second, true, true, 7*time.Second)
		check("Retry-After 0 backs off", 2, 0, true, true, 2*time.Second)
		check("tries spent", 3, 0, false, false, 0)
		check("Retry-After above the cap", 1, 2*time.Minute, true, false, 0)
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if ok, _ := c.Retry(dctx, 1, 10*time.Second, true); ok {
			t.Error("Retry waited for a Retry-After beyond the deadline")
		}
		cctx, cancel2 := context.WithCancel(ctx)
		time.AfterFunc(time.Second, cancel2)
		if ok, err := c.Retry(cctx, 1, 10*time.Second, true); ok || !errors.Is(err, context.Canceled) {
			t.Errorf("Retry cancelled during its wait = %v, %v; want context.Canceled", ok, err)
		}
	})
}
