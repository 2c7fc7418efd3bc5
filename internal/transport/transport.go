// Package transport is the HTTP layer every request of the SDK goes through:
// retries with backoff and Retry-After, a per-mailbox limit on requests in
// flight, correlation headers, a cap on response sizes and logs that never
// carry secrets.
//
// It is the only package that imports go-retryablehttp, and it uses only its
// exponential backoff: retryablehttp's loop cannot tell a POST that the server
// never saw from one it may have processed, closes the shared pool's idle
// connections when it gives up, and waits on timers no test can control.
package transport

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// Defaults used when a Config or RetryPolicy field is zero.
const (
	DefaultMaxAttempts      = 4
	DefaultMinBackoff       = 500 * time.Millisecond
	DefaultMaxBackoff       = 30 * time.Second
	DefaultMaxRetryAfter    = 2 * time.Minute
	DefaultMaxConcurrent    = 4 // Exchange throttles a mailbox above 4 concurrent requests
	DefaultMaxResponseBytes = 256 << 20
)

// ErrResponseTooLarge is returned by a response body's Read once the body
// passes Config.MaxResponseBytes. The body is never silently truncated, so a
// decoder sees this error instead of a short document.
var ErrResponseTooLarge = errors.New("transport: response body exceeds the size limit")

// RetryPolicy says how often and how long Do retries. Zero fields mean the
// defaults named below.
type RetryPolicy struct {
	// MaxAttempts counts all attempts including the first; default 4. 1
	// disables retries.
	MaxAttempts int
	// MinBackoff is the base of the exponential backoff used when the server
	// gives no Retry-After; default 500ms.
	MinBackoff time.Duration
	// MaxBackoff caps one backoff wait; default 30s.
	MaxBackoff time.Duration
	// MaxRetryAfter caps an honoured Retry-After; default 2m. A response asking
	// for a longer wait is returned to the caller at once (who reports it as
	// throttling with its Retry-After) rather than parking the call.
	MaxRetryAfter time.Duration
}

// Config configures a Client. Zero fields mean the defaults named below.
type Config struct {
	// HTTPClient is copied; its Transport, and so its connection pool, is
	// shared by every Client made from it. Default: one process-wide client on
	// a tuned clone of http.DefaultTransport (dial, TLS and response-header
	// timeouts, HTTP/2 with health checks, more idle connections per host) and
	// no Timeout, since deadlines come from each request's context.
	HTTPClient *http.Client
	// Retry is the retry policy.
	Retry RetryPolicy
	// MaxConcurrent caps requests in flight through one Client, reading of the
	// response body included; default 4, the per-mailbox limit of Exchange.
	// Callers beyond it wait for a slot (their context bounds the wait): a
	// caller running 32 requests at once through one Client gets the
	// throughput of 4.
	MaxConcurrent int
	// UserAgent is sent unless a request carries its own; default
	// "exchangekit-outlook/<version> go/<go version>".
	UserAgent string
	// MaxResponseBytes caps a response body; default 256 MiB. Reading past it
	// fails with ErrResponseTooLarge.
	MaxResponseBytes int64
	// Logger receives a Debug record per attempt and a Warn record per retry;
	// default discards.
	Logger *slog.Logger
}

// Client sends requests with retries and a concurrency limit. Make one per
// mailbox: it is cheap, since it shares the base HTTP client's connection
// pool, and the limit it enforces is Exchange's per-mailbox one. A Client is
// immutable and safe for concurrent use.
type Client struct {
	hc      *http.Client
	retry   RetryPolicy
	sem     chan struct{}
	ua      []string // one-element header value shared by all requests
	maxBody int64
	log     *slog.Logger

	// sleep, now and jitter are the clock and randomness of the retry loop,
	// replaced by tests so that they need not wait.
	sleep  func(ctx context.Context, d time.Duration) error
	now    func() time.Time
	jitter func(n int64) int64 // uniform in [0, n)
}

// New returns a Client for cfg. Negative values, a MinBackoff above
// MaxBackoff and a User-Agent with control characters are errors.
func New(cfg Config) (*Client, error) {
	p := cfg.Retry
	switch {
	case p.MaxAttempts < 0:
		return nil, fmt.Errorf("transport: Retry.MaxAttempts %d is negative", p.MaxAttempts)
	case p.MinBackoff < 0:
		return nil, fmt.Errorf("transport: Retry.MinBackoff %v is negative", p.MinBackoff)
	case p.MaxBackoff < 0:
		return nil, fmt.Errorf("transport: Retry.MaxBackoff %v is negative", p.MaxBackoff)
	case p.MaxRetryAfter < 0:
		return nil, fmt.Errorf("transport: Retry.MaxRetryAfter %v is negative", p.MaxRetryAfter)
	case cfg.MaxConcurrent < 0:
		return nil, fmt.Errorf("transport: MaxConcurrent %d is negative", cfg.MaxConcurrent)
	case cfg.MaxResponseBytes < 0:
		return nil, fmt.Errorf("transport: MaxResponseBytes %d is negative", cfg.MaxResponseBytes)
	}
	p.MaxAttempts = orDefault(p.MaxAttempts, DefaultMaxAttempts)
	p.MinBackoff = orDefault(p.MinBackoff, DefaultMinBackoff)
	p.MaxBackoff = orDefault(p.MaxBackoff, DefaultMaxBackoff)
	p.MaxRetryAfter = orDefault(p.MaxRetryAfter, DefaultMaxRetryAfter)
	if p.MinBackoff > p.MaxBackoff {
		return nil, fmt.Errorf("transport: Retry.MinBackoff %v exceeds MaxBackoff %v", p.MinBackoff, p.MaxBackoff)
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = defaultUserAgent()
	}
	for i := 0; i < len(ua); i++ {
		if b := ua[i]; b < ' ' || b == 0x7f {
			return nil, fmt.Errorf("transport: UserAgent %q holds a control character", ua)
		}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	hcCopy := *hc // later changes to the caller's struct do not reach us
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Client{
		hc:      &hcCopy,
		retry:   p,
		sem:     make(chan struct{}, orDefault(cfg.MaxConcurrent, DefaultMaxConcurrent)),
		ua:      []string{ua},
		maxBody: orDefault(cfg.MaxResponseBytes, DefaultMaxResponseBytes),
		log:     logger,
		sleep:   sleepCtx,
		now:     time.Now,
		jitter:  randInt64N,
	}, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// DefaultHTTPClient returns the process-wide client every Client built
// without one uses, so that other callers (sign-in, Autodiscover) can share
// its connection pool. Do not modify it.
func DefaultHTTPClient() *http.Client { return defaultHTTPClient() }

// defaultHTTPClient is shared by every Client built without one, so that all
// mailboxes of a process reuse one connection pool.
var defaultHTTPClient = sync.OnceValue(func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	// A server that accepts a request and then says nothing is retried (for
	// idempotent requests) instead of hanging until the caller's deadline.
	t.ResponseHeaderTimeout = 2 * time.Minute
	t.ExpectContinueTimeout = time.Second
	t.ForceAttemptHTTP2 = true
	t.MaxIdleConns = 256
	// Every mailbox of a tenant talks to the same host: the default of 2 idle
	// connections per host would redial for most requests.
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 90 * time.Second
	t.HTTP2 = &http.HTTP2Config{SendPingTimeout: 30 * time.Second, PingTimeout: 15 * time.Second}
	return &http.Client{Transport: t}
})

// modulePath is the SDK's module, whose version goes in the User-Agent.
const modulePath = "github.com/exchangekit/outlook"

var defaultUserAgent = sync.OnceValue(func() string {
	version := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == modulePath && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == modulePath && d.Version != "" {
				version = d.Version
			}
		}
	}
	return "exchangekit-outlook/" + version + " go/" + runtime.Version()
})

// Canonical header keys, indexed directly to skip canonicalisation.
const (
	hdrClientRequestID       = "Client-Request-Id"
	hdrReturnClientRequestID = "Return-Client-Request-Id"
	hdrUserAgent             = "User-Agent"
	hdrRetryAfter            = "Retry-After"
	hdrRequestID             = "Request-Id"
	hdrIfMatch               = "If-Match"
)

// trueValue is shared by all requests; its capacity equals its length, so an
// append by a caller copies instead of writing into it.
var trueValue = []string{"true"}

// Do sends req, retrying as the policy allows, and returns the response whose
// body the caller must close. Do sets the client-request-id (kept if the
// caller set one; the same on every attempt), return-client-request-id and
// User-Agent (unless set) headers on req itself, so the caller can read the id
// back from req.Header to report it.
//
// Do first waits for a free slot of the Client's concurrency limit; the slot
// is held across retries and their waits (a throttled mailbox is not helped by
// others' requests) and until the response body is read to its end, fails or
// is closed.
//
// When attempts run out Do returns the last response, status and body intact,
// with a nil error, or the last transport error. Context cancellation during
// any wait returns at once with an error wrapping the context's error.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("transport: nil request or URL")
	}
	if s := req.URL.Scheme; s != "https" && s != "http" {
		return nil, fmt.Errorf("transport: %s %s: unsupported URL scheme %q", req.Method, redactURL(req.URL), s)
	}
	ctx := req.Context()
	select {
	case c.sem <- struct{}{}:
	default:
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("transport: %s %s: waiting for a request slot: %w", req.Method, redactURL(req.URL), ctx.Err())
		}
	}
	resp, err := c.do(ctx, req)
	if err != nil || resp.Body == http.NoBody || resp.Body == nil {
		c.release()
		return resp, err
	}
	resp.Body = newBody(resp.Body, resp.ContentLength, c.maxBody, c.sem)
	return resp, nil
}

func (c *Client) release() { <-c.sem }

// do runs the attempts while the caller holds a slot.
func (c *Client) do(ctx context.Context, req *http.Request) (*http.Response, error) {
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	id := ""
	if v := req.Header[hdrClientRequestID]; len(v) > 0 && v[0] != "" {
		id = v[0]
	} else {
		id = newUUID()
		req.Header[hdrClientRequestID] = []string{id}
	}
	req.Header[hdrReturnClientRequestID] = trueValue
	if len(req.Header[hdrUserAgent]) == 0 {
		req.Header[hdrUserAgent] = c.ua
	}
	idempotent := isIdempotent(req)
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil

	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 && req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("transport: %s %s: rewinding the request body for attempt %d: %w", req.Method, redactURL(req.URL), attempt, err)
			}
			rc := *req // the transport may still be closing the old body
			rc.Body = body
			r = &rc
		}
		var start time.Time
		logging := c.log.Enabled(ctx, slog.LevelDebug) || c.log.Enabled(ctx, slog.LevelWarn)
		if logging {
			start = time.Now()
		}
		resp, err := c.hc.Do(r)
		if err != nil {
			redactURLError(err)
		}
		var elapsed time.Duration
		if logging {
			elapsed = time.Since(start)
			c.logAttempt(ctx, req, id, attempt, resp, err, elapsed)
		}

		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("transport: attempt %d: %w", attempt, err)
			}
			if attempt >= c.retry.MaxAttempts || !replayable || !retryableError(err, idempotent) {
				return nil, fmt.Errorf("transport: attempt %d of %d: %w", attempt, c.retry.MaxAttempts, err)
			}
			wait := c.backoff(attempt)
			if logging {
				c.logRetry(ctx, req, id, attempt, 0, wait, elapsed, "", err)
			}
			if err := c.sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("transport: %s %s: waiting %v before attempt %d: %w", req.Method, redactURL(req.URL), wait, attempt+1, err)
			}
			continue
		}

		if attempt >= c.retry.MaxAttempts || !replayable {
			return resp, nil
		}
		wait, retry := c.retryWait(resp, idempotent, attempt)
		if !retry {
			return resp, nil
		}
		if logging {
			c.logRetry(ctx, req, id, attempt, resp.StatusCode, wait, elapsed, resp.Header.Get(hdrRequestID), nil)
		}
		drain(resp.Body)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("transport: %s %s: waiting %v before attempt %d: %w", req.Method, redactURL(req.URL), wait, attempt+1, err)
		}
	}
}

// newUUID returns a random (version 4) UUID in its canonical form.
func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // never fails, per its documentation
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	const hexDigits = "0123456789abcdef"
	var b [36]byte
	j := 0
	for i, x := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b[j] = '-'
			j++
		}
		b[j] = hexDigits[x>>4]
		b[j+1] = hexDigits[x&0x0f]
		j += 2
	}
	return string(b[:])
}

// idempotentKey marks a request's context as safe to retry.
type idempotentKey struct{}

// MarkIdempotent returns a copy of req that Do retries as it retries a GET,
// for a POST the caller knows to be safe to repeat, such as a $batch of GETs.
func MarkIdempotent(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), idempotentKey{}, true))
}

func isIdempotent(req *http.Request) bool {
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	case http.MethodPatch:
		// With If-Match a repeated PATCH fails with 412 instead of applying twice.
		if len(req.Header[hdrIfMatch]) > 0 {
			return true
		}
	}
	marked, _ := req.Context().Value(idempotentKey{}).(bool)
	return marked
}
