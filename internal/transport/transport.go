// Package transport is the HTTP layer every request of the SDK goes through:
// one retry policy (backoff, Retry-After, bodies that break off mid-way), a
// per-mailbox limit on requests in flight, the redirect rule of every client
// the SDK builds, correlation headers, a cap on response sizes, and the one
// redaction of URLs for logs and errors.
//
// It is the only package that imports go-retryablehttp, and it uses two
// parts of it: its exponential backoff formula and its judgement of which
// errors are never worth another attempt (DefaultRetryPolicy: untrusted
// certificates, too many redirects, unsupported schemes, invalid headers).
// Its retry loop is not used: it cannot tell a POST that the server never
// saw from one it may have processed, holds nothing like a per-mailbox slot
// to give back while waiting, closes the shared pool's idle connections when
// it gives up, and waits on timers no test can control.
package transport

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"net/http"
	"net/url"
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

// ErrOutcomeUnknown marks the failure of a request that is not safe to send
// again (a POST, a PATCH without If-Match) at a point where the server may
// have carried it out: the connection broke after the request could have
// reached it, or its answer broke off. Do does not send such a request
// again; the caller checks the mailbox before it does.
var ErrOutcomeUnknown = errors.New("its outcome is unknown: the server may have carried it out")

// Idempotent reports whether req is safe to send again: by its method, an
// If-Match on a PATCH, or MarkIdempotent.
func Idempotent(req *http.Request) bool { return isIdempotent(req) }

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
	//
	// The copy follows redirects by CheckRedirect whatever hc's own
	// CheckRedirect says.
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
	// default discards. Debug records hold request URLs with their query
	// values (a $filter may hold a subject or an address) and credentials
	// replaced; Warn records and errors hold no query values.
	Logger *slog.Logger
	// Now is the clock Retry-After dates are read against; default time.Now.
	Now func() time.Time
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
	hcCopy.CheckRedirect = CheckRedirect
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Client{
		hc:      &hcCopy,
		retry:   p,
		sem:     make(chan struct{}, orDefault(cfg.MaxConcurrent, DefaultMaxConcurrent)),
		ua:      []string{ua},
		maxBody: orDefault(cfg.MaxResponseBytes, DefaultMaxResponseBytes),
		log:     logger,
		sleep:   sleepCtx,
		now:     now,
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
// its connection pool. Do not modify it; Guard gives a copy with the SDK's
// redirect rule.
func DefaultHTTPClient() *http.Client { return defaultHTTPClient() }

// defaultHTTPClient is shared by every Client built without one, so that all
// mailboxes of a process reuse one connection pool.
var defaultHTTPClient = sync.OnceValue(func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = dialer()
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

// dialTimeout bounds a dial of the default client, and is its keep-alive period.
const dialTimeout = 30 * time.Second

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
// Each attempt waits for a free slot of the Client's concurrency limit and
// holds it until its response is decided: a retried attempt gives its slot
// back before waiting out its backoff or Retry-After, so a throttled call
// does not starve the mailbox's healthy ones, and the returned response keeps
// its slot until its body is read to the end, fails or is closed.
//
// No wait outlasts the request's context: when the next wait (a Retry-After
// or a backoff) would end after the context's deadline, Do returns the last
// response or error at once instead, as it does when the Retry-After exceeds
// the policy's MaxRetryAfter, so the caller reports the throttling with its
// delay. Cancellation during a wait returns at once with an error wrapping
// the context's error.
//
// The body of a successful GET resumes when the connection drops in the
// middle of it: the request is sent again within the same attempts and
// backoff, the part already read is checked against the new answer and
// skipped, and reading goes on; an answer whose beginning differs fails
// the read with ErrBodyChanged.
//
// When attempts run out Do returns the last response, status and body intact,
// with a nil error, or the last transport error.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	cl, err := c.newCall(req)
	if err != nil {
		return nil, err
	}
	resp, err := cl.send()
	if err != nil {
		return nil, err
	}
	cl.wrapBody(resp, req.Method == http.MethodGet && resp.StatusCode == http.StatusOK)
	return resp, nil
}

// Read sends req, a read (GET, or a request marked with MarkIdempotent),
// and hands the response, whatever its status, to read. When the body breaks
// off while read consumes it (a dropped connection, a truncated answer, or
// read failing with an error that wraps io.ErrUnexpectedEOF, as a decoder
// does on a document cut short), Read waits as after a failed attempt and
// sends req again, within the policy's attempts shared with the retries of
// statuses, and calls read anew, which must start over. It returns read's
// error, or the transport's. read need not close the body.
//
// Callers that decode a whole answer (a page, an entity) use Read rather
// than Do: the answer is decoded from its first byte again, so a page that
// changed between the two attempts is still read whole and consistent.
func (c *Client) Read(req *http.Request, read func(*http.Response) error) error {
	cl, err := c.newCall(req)
	if err != nil {
		return err
	}
	for {
		resp, err := cl.send()
		if err != nil {
			return err
		}
		b := cl.wrapBody(resp, false)
		err = read(resp)
		resp.Body.Close()
		// A body cut short shows as a transport error, or, when the server
		// closes a connection-delimited answer early, as a clean end that
		// the decoder finds premature (io.ErrUnexpectedEOF in its error).
		if err == nil || b == nil || b.broken == nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return err
		}
		if cerr := cl.ctx.Err(); cerr != nil {
			// The context ending most likely cut the body: callers test
			// for the context's error.
			if errors.Is(err, cerr) {
				return err
			}
			return fmt.Errorf("%w: %w", cerr, err)
		}
		if !cl.idempotent || cl.attempt >= c.retry.MaxAttempts {
			return err
		}
		wait := c.backoff(cl.attempt)
		if !fits(cl.ctx, wait) {
			return err
		}
		cl.logRetry(resp.StatusCode, wait, err)
		if serr := c.sleep(cl.ctx, wait); serr != nil {
			return err
		}
	}
}

// call is one Do or Read: a request and the attempts made for it.
type call struct {
	c          *Client
	req        *http.Request
	ctx        context.Context
	id         string // client-request-id
	idempotent bool
	replayable bool
	logging    bool
	attempt    int // attempts made so far
	// sem is the slots the call's attempts take: the Client's, or one of
	// its own for a hanging request (MarkHanging).
	sem chan struct{}
}

func (c *Client) newCall(req *http.Request) (*call, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("nil request or URL")
	}
	if s := req.URL.Scheme; s != "https" && s != "http" {
		return nil, fmt.Errorf("unsupported URL scheme %q", s)
	}
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
	ctx := req.Context()
	return &call{
		c:          c,
		req:        req,
		ctx:        ctx,
		id:         id,
		idempotent: isIdempotent(req),
		replayable: req.Body == nil || req.Body == http.NoBody || req.GetBody != nil,
		logging:    c.log.Enabled(ctx, slog.LevelDebug) || c.log.Enabled(ctx, slog.LevelWarn),
		sem:        semFor(c, req),
	}, nil
}

// acquire takes a slot of the concurrency limit.
func (cl *call) acquire(ctx context.Context) error {
	select {
	case cl.sem <- struct{}{}:
		return nil
	default:
	}
	select {
	case cl.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for a request slot: %w", ctx.Err())
	}
}

func (cl *call) release() { <-cl.sem }

// send makes attempts until one gives a response that is not retried, which
// it returns holding a slot (the caller wraps its body), or an error, with
// no slot held.
func (cl *call) send() (*http.Response, error) {
	c, req, ctx := cl.c, cl.req, cl.ctx
	for {
		if err := cl.acquire(ctx); err != nil {
			return nil, err
		}
		cl.attempt++
		r := req
		if cl.attempt > 1 && req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				cl.release()
				return nil, fmt.Errorf("rewinding the request body for attempt %d: %w", cl.attempt, err)
			}
			rc := *req // the transport may still be closing the old body
			rc.Body = body
			r = &rc
		}
		var start time.Time
		if cl.logging {
			start = time.Now()
		}
		resp, err := c.hc.Do(r)
		if err != nil {
			resp = nil // with a refused redirect, Do returns the redirect too, its body closed
			redactURLError(err)
		}
		var elapsed time.Duration
		if cl.logging {
			elapsed = time.Since(start)
			c.logAttempt(ctx, req, cl.id, cl.attempt, resp, err, elapsed)
		}

		if err != nil {
			cl.release()
			// A change that may have reached the server is not sent again
			// (retryableError), and says so; one refused before a byte left
			// (a dial error, a refused redirect) has no doubt about it.
			aerr := &attemptError{attempt: cl.attempt, err: err,
				unknown: !cl.idempotent && !isDialError(err) && !permanentError(err)}
			if ctx.Err() != nil || cl.attempt >= c.retry.MaxAttempts || !cl.replayable || !retryableError(err, cl.idempotent) {
				return nil, aerr
			}
			wait := c.backoff(cl.attempt)
			if !fits(ctx, wait) {
				return nil, aerr
			}
			if cl.logging {
				c.logRetry(ctx, req, cl.id, cl.attempt, 0, wait, elapsed, "", err)
			}
			if err := c.sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("waiting %v before attempt %d: %w", wait, cl.attempt+1, err)
			}
			continue
		}

		if cl.attempt >= c.retry.MaxAttempts || !cl.replayable {
			return resp, nil
		}
		wait, retry := c.retryWait(ctx, resp, cl.idempotent, cl.attempt)
		if !retry {
			return resp, nil
		}
		if cl.logging {
			c.logRetry(ctx, req, cl.id, cl.attempt, resp.StatusCode, wait, elapsed, resp.Header.Get(hdrRequestID), nil)
		}
		drain(resp.Body)
		cl.release()
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("waiting %v before attempt %d: %w", wait, cl.attempt+1, err)
		}
	}
}

// logRetry records a retry after a broken body.
func (cl *call) logRetry(status int, wait time.Duration, err error) {
	if cl.logging {
		cl.c.logRetry(cl.ctx, cl.req, cl.id, cl.attempt, status, wait, 0, "", err)
	}
}

// wrapBody gives resp a body that enforces the size limit, records a break
// and gives the slot back when done; with resume, a break is mended by
// sending the request again. A response without a body gives its slot back
// at once, and wrapBody returns nil.
func (cl *call) wrapBody(resp *http.Response, resume bool) *body {
	if resp.Body == nil || resp.Body == http.NoBody {
		cl.release()
		return nil
	}
	b := newBody(resp.Body, resp.ContentLength, cl.c.maxBody, cl.sem)
	b.changes = !cl.idempotent
	if resume && cl.idempotent {
		b.res = resumer{cl: cl, status: resp.StatusCode, length: resp.ContentLength, etag: resp.Header.Get("ETag"), seed: maphash.MakeSeed()}
		b.res.sum.SetSeed(b.res.seed)
		b.resume = &b.res
	}
	resp.Body = b
	return b
}

// attemptError is a failed attempt's error. Its text leaves out what the
// caller's own error says (method and URL) and the attempt count of a first
// attempt.
type attemptError struct {
	attempt int
	err     error
	// unknown: the request changes the mailbox and may have reached the
	// server (ErrOutcomeUnknown).
	unknown bool
}

func (e *attemptError) Error() string {
	inner := e.err
	if ue, ok := inner.(*url.Error); ok {
		inner = ue.Err // "Get \"https://...\": " repeats the caller's words
	}
	msg := inner.Error()
	if e.attempt > 1 {
		msg = fmt.Sprintf("after %d attempts: %v", e.attempt, inner)
	}
	if e.unknown {
		msg += " (" + ErrOutcomeUnknown.Error() + ")"
	}
	return msg
}

func (e *attemptError) Unwrap() []error {
	if e.unknown {
		return []error{e.err, ErrOutcomeUnknown}
	}
	return []error{e.err}
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
