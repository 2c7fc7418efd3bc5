package autodiscover_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/outlooktest"
)

// A throttled or unavailable Autodiscover answer is asked again under the
// retry policy (its Retry-After honoured), not taken as the mailbox's
// answer; a refusal beyond MaxRetryAfter is not waited for.
func TestRetriesThrottling(t *testing.T) {
	t.Parallel()
	fast := autodiscover.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: 2 * time.Second}
	for _, tc := range []struct {
		name   string
		fault  outlooktest.Fault
		policy autodiscover.RetryPolicy
		wantOK bool
		asked  int // requests to Exchange Online's Autodiscover
		waited time.Duration
	}{
		{"503 once", outlooktest.Fault{Status: http.StatusServiceUnavailable, Times: 1}, fast, true, 2, 0},
		{"429 with Retry-After", outlooktest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second, Times: 1}, fast, true, 2, time.Second},
		{"dropped connection", outlooktest.Fault{DropBeforeBody: true, Times: 1}, fast, true, 2, 0},
		{"Retry-After beyond the cap", outlooktest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 5 * time.Second, Times: 1}, fast, false, 1, 0},
		{"no retries", outlooktest.Fault{Status: http.StatusServiceUnavailable, Times: 1}, autodiscover.RetryPolicy{MaxAttempts: 1}, false, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
			f := tc.fault
			f.Host = "autodiscover-s.outlook.com"
			srv.Inject(f)
			r := newResolver(t, srv, autodiscover.WithRetry(tc.policy),
				autodiscover.WithCandidates(autodiscover.CandidateExchangeOnline))
			start := time.Now()
			ep, err := r.Resolve(t.Context(), "alice@contoso.com")
			if tc.wantOK && (err != nil || ep.API != autodiscover.APIGraph) {
				t.Fatalf("Resolve = %+v, %v", ep, err)
			}
			if !tc.wantOK && err == nil {
				t.Fatal("Resolve succeeded")
			}
			asked := 0
			for _, q := range srv.Requests() {
				if q.Host == "autodiscover-s.outlook.com" {
					asked++
				}
			}
			if asked != tc.asked {
				t.Errorf("Exchange Online's Autodiscover asked %d times, want %d", asked, tc.asked)
			}
			if d := time.Since(start); d < tc.waited {
				t.Errorf("answered after %v, before the Retry-After of %v", d, tc.waited)
			}
		})
	}
}

// A discovery that failed for a passing reason (throttling, an unavailable
// server) is not remembered: the next call asks again at once. One that
// failed for good is (WithNegativeTTL).
func TestPassingFailuresNotCached(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.Inject(outlooktest.Fault{Host: "autodiscover-s.outlook.com", Status: http.StatusServiceUnavailable})
	r := newResolver(t, srv, autodiscover.WithRetry(autodiscover.RetryPolicy{MaxAttempts: 1}),
		autodiscover.WithCandidates(autodiscover.CandidateExchangeOnline))
	if _, err := r.Resolve(t.Context(), "alice@contoso.com"); err == nil {
		t.Fatal("Resolve succeeded through a 503")
	}
	srv.ClearFaults()
	if ep, err := r.Resolve(t.Context(), "alice@contoso.com"); err != nil || ep.API != autodiscover.APIGraph {
		t.Fatalf("after the server came back: %+v, %v (the 503 was cached)", ep, err)
	}
	// A mailbox nobody knows fails for good, and is remembered.
	if _, err := r.Resolve(t.Context(), "nobody@fabrikam.example"); err == nil {
		t.Fatal("an unknown mailbox resolved")
	}
	n := len(srv.Requests())
	_, err := r.Resolve(t.Context(), "nobody@fabrikam.example")
	var ae *autodiscover.Error
	if !errors.As(err, &ae) || len(srv.Requests()) != n {
		t.Errorf("the definite failure was asked again (%d requests more): %v", len(srv.Requests())-n, err)
	}
}

// The retries are the discovery's, not each candidate's: when every
// candidate answers 503, a policy of 4 attempts costs 3 requests more than
// a policy of 1, however many candidates there are.
func TestRetryBudgetSharedByCandidates(t *testing.T) {
	t.Parallel()
	asked := func(attempts int) int {
		srv := newServer(t)
		srv.AddMailbox("eve@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
		srv.Inject(outlooktest.Fault{Status: http.StatusServiceUnavailable})
		r := newResolver(t, srv, autodiscover.WithRetry(autodiscover.RetryPolicy{MaxAttempts: attempts,
			MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}))
		if _, err := r.Resolve(t.Context(), "eve@contoso.com"); err == nil {
			t.Fatal("Resolve succeeded through 503s")
		}
		return len(srv.Requests())
	}
	once, four := asked(1), asked(4)
	if once < 2 {
		t.Fatalf("only %d candidates asked; the test needs several", once)
	}
	if four-once != 3 {
		t.Errorf("4 attempts cost %d requests, 1 attempt %d: want exactly 3 retries in all", four, once)
	}
}
