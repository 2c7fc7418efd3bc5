package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retryWait decides whether resp is worth another attempt and how long to
// wait first. Non-idempotent requests are retried only when the server says
// it did not process them: 429, or 503 with a Retry-After.
func (c *Client) retryWait(ctx context.Context, resp *http.Response, idempotent bool, attempt int) (time.Duration, bool) {
	if backOff, busy := signalledBusy(ctx, resp); busy && (backOff > 0 || resp.StatusCode != http.StatusTooManyRequests) {
		return c.waitFor(ctx, attempt, backOff, backOff > 0)
	}
	after, hasAfter := ParseRetryAfter(headerValue(resp.Header, hdrRetryAfter), c.now())
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
	case http.StatusServiceUnavailable:
		if !idempotent && !hasAfter {
			return 0, false
		}
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		if !idempotent {
			return 0, false
		}
	default:
		return 0, false
	}
	return c.waitFor(ctx, attempt, after, hasAfter)
}

// waitFor is the policy's wait after the given failed attempt: the server's
// Retry-After when it gave a positive one, else the backoff (a Retry-After
// of 0 or a date past is no reason to hammer the server). It reports false,
// so that the caller gets the failure at once, when the Retry-After exceeds
// MaxRetryAfter or the wait would outlast the context's deadline.
func (c *Client) waitFor(ctx context.Context, attempt int, after time.Duration, hasAfter bool) (time.Duration, bool) {
	wait := after
	switch {
	case hasAfter && after > c.retry.MaxRetryAfter:
		return 0, false // the caller reports the throttling; we do not park the call
	case !hasAfter || after <= 0:
		wait = c.backoff(attempt)
	}
	if !fits(ctx, wait) {
		return 0, false
	}
	return wait, true
}

// fits reports whether a wait of d leaves time before ctx's deadline for
// the attempt that follows it.
func fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

// Retry is the policy for operations that span several requests, which Do
// cannot repeat by itself: items a $batch answer reports throttled, an
// upload session resumed after a chunk went astray. After the tries-th try
// failed (1 after the first), it waits as Do would before another attempt
// (retryAfter is the server's delay when hasRetryAfter) and reports true; it
// reports false at once when the policy's MaxAttempts are spent, the
// Retry-After exceeds MaxRetryAfter or the wait would outlast ctx's
// deadline, and an error when ctx ends during the wait. The wait holds no
// request slot.
func (c *Client) Retry(ctx context.Context, tries int, retryAfter time.Duration, hasRetryAfter bool) (bool, error) {
	if tries >= c.retry.MaxAttempts || ctx.Err() != nil {
		return false, nil
	}
	wait, ok := c.waitFor(ctx, tries, retryAfter, hasRetryAfter)
	if !ok {
		return false, nil
	}
	if err := c.sleep(ctx, wait); err != nil {
		return false, fmt.Errorf("waiting %v before try %d: %w", wait, tries+1, err)
	}
	return true, nil
}

func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// backoff is the wait after the given failed attempt (1 for the first) when
// the server did not say how long: exponential from MinBackoff with equal
// jitter, so attempt n waits between half and all of MinBackoff*2^n, never
// less than MinBackoff nor more than MaxBackoff.
func (c *Client) backoff(attempt int) time.Duration {
	return backoff(c.retry.MinBackoff, c.retry.MaxBackoff, attempt, c.jitter)
}

func backoff(lo, hi time.Duration, attempt int, jitter func(int64) int64) time.Duration {
	// retryablehttp's DefaultBackoff is min*2^n capped at max, overflow-safe;
	// with a nil response it ignores Retry-After, which is ours to cap.
	ceil := retryablehttp.DefaultBackoff(lo, hi, attempt, nil)
	half := ceil / 2
	d := half + time.Duration(jitter(int64(ceil-half)+1))
	return min(max(d, lo), hi)
}

func randInt64N(n int64) int64 { return rand.Int64N(n) }

// Backoff is the policy's wait after the given failed attempt (1 for the
// first) when the server did not say how long, for requests sent outside a
// Client (Autodiscover's): as Do waits, with jitter.
func Backoff(minBackoff, maxBackoff time.Duration, attempt int) time.Duration {
	return backoff(minBackoff, maxBackoff, attempt, randInt64N)
}

// IsDialError reports whether err happened while connecting (refused, DNS
// failure, unreachable), before any byte of the request was written.
func IsDialError(err error) bool { return isDialError(err) }

// ParseRetryAfter reads a Retry-After value: delay-seconds or an HTTP-date
// (RFC 9110, section 10.2.3). A date in the past means no wait. ok is false
// for an absent or malformed value. Huge values saturate rather than wrap.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		var secs int64
		for i := 0; i < len(v); i++ {
			b := v[i]
			if b < '0' || b > '9' {
				return 0, false
			}
			if secs > (math.MaxInt64/int64(time.Second)-9)/10 {
				secs = math.MaxInt64 / int64(time.Second) // saturate; keep checking digits
				continue
			}
			secs = secs*10 + int64(b-'0')
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}

// retryableError reports whether a failed attempt may be repeated. Any
// request may be repeated after a dial failure, since nothing reached the
// server; an idempotent one after any error that is not permanent.
func retryableError(err error, idempotent bool) bool {
	if permanentError(err) {
		return false
	}
	if isDialError(err) {
		return true
	}
	return idempotent
}

// isDialError reports whether err happened while connecting (refused, DNS
// failure, unreachable), before any byte of the request was written.
func isDialError(err error) bool {
	if opErr, ok := errors.AsType[*net.OpError](err); ok && opErr.Op == "dial" {
		return !errors.Is(err, errPrivateAddress)
	}
	_, ok := errors.AsType[*net.DNSError](err)
	return ok
}

// permanentError reports errors that another attempt cannot cure. The SDK's
// own: a refused redirect, an address refused at dial. Then go-retryablehttp's
// classification (its DefaultRetryPolicy), which knows the untyped errors of
// net/http: too many redirects, an unsupported scheme, an invalid header, an
// untrusted certificate. Its retry loop is not used (see the package doc);
// its judgement of errors is. Certificate errors that net/http does not wrap
// in *tls.CertificateVerificationError are checked by type as well.
func permanentError(err error) bool {
	if isRedirectError(err) || errors.Is(err, errPrivateAddress) {
		return true
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		if retry, _ := retryablehttp.DefaultRetryPolicy(context.Background(), nil, ue); !retry {
			return true
		}
	}
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.HostnameError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.CertificateInvalidError](err); ok {
		return true
	}
	// http.Client's redirect limit has no type of its own, and a caller may
	// have wrapped the *url.Error that retryablehttp recognises.
	return strings.Contains(err.Error(), "stopped after") && strings.Contains(err.Error(), "redirects")
}

// sleepCtx waits d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// drainLimit bounds what is read from a retried response so that its
// connection can be reused; a longer body costs a new connection instead.
const drainLimit = 64 << 10

func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, drainLimit))
	_ = body.Close()
}

// ThrottleSignal recognises throttling that a protocol spells in the body
// of its answer rather than in its status: EWS answers ErrorServerBusy, with
// the back-off it wants in BackOffMilliseconds, as a SOAP fault under HTTP
// 500. It reports the back-off (0 when the server named none) and whether
// resp is such an answer, and leaves resp.Body reading the same as before.
type ThrottleSignal func(resp *http.Response) (backOff time.Duration, busy bool)

type throttleSignalKey struct{}

// WithThrottleSignal returns a copy of req whose 500, 503 and 429 answers
// Do shows to s. An answer s recognises is throttling the server did not act
// on: Do sends the request again after the back-off under the one retry
// policy (MaxAttempts, MaxRetryAfter, the context's deadline), even a POST.
func WithThrottleSignal(req *http.Request, s ThrottleSignal) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), throttleSignalKey{}, s))
}

// signalledBusy asks the request's ThrottleSignal, if it has one, about a
// 500, 503 or 429 answer (a front end may throttle with 429 and the body
// still say how long to back off).
func signalledBusy(ctx context.Context, resp *http.Response) (time.Duration, bool) {
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests:
	default:
		return 0, false
	}
	s, ok := ctx.Value(throttleSignalKey{}).(ThrottleSignal)
	if !ok {
		return 0, false
	}
	return s(resp)
}
