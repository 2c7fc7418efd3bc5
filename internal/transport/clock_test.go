package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// roundTripFunc is an in-memory server: no sockets, so synctest's fake clock
// can run the real waits of Do.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func cannedResponse(r *http.Request, status int, retryAfter string) *http.Response {
	h := make(http.Header)
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader("x")), ContentLength: 1, Request: r}
}

func TestDoRealWaitsInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := 0
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			n++
			switch n {
			case 1:
				return cannedResponse(r, 429, "7"), nil
			case 2:
				return cannedResponse(r, 503, ""), nil
			}
			return cannedResponse(r, 200, ""), nil
		})
		c, err := New(Config{HTTPClient: &http.Client{Transport: rt}})
		if err != nil {
			t.Fatal(err)
		}
		c.jitter = func(int64) int64 { return 0 } // backoff after attempt 2: half of 2s
		req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://graph.microsoft.com/v1.0/me", nil)
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, want := time.Since(start), 8*time.Second; got != want || n != 3 || resp.StatusCode != 200 {
			t.Errorf("Do = %d after %d attempts in %v, want 200 after 3 in %v (Retry-After 7s, then backoff 1s)", resp.StatusCode, n, got, want)
		}
	})
}

func TestSleepCtx(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := sleepCtx(t.Context(), time.Hour); err != nil || time.Since(start) != time.Hour {
			t.Errorf("sleepCtx(1h) = %v after %v, want nil after 1h", err, time.Since(start))
		}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(10*time.Minute, cancel)
		start = time.Now()
		if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) != 10*time.Minute {
			t.Errorf("sleepCtx cancelled at 10m = %v after %v, want context.Canceled after 10m", err, time.Since(start))
		}
		if err := sleepCtx(ctx, 0); !errors.Is(err, context.Canceled) {
			t.Errorf("sleepCtx(done ctx, 0) = %v, want context.Canceled", err)
		}
	})
}
