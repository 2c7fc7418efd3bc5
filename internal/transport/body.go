package transport

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// ErrBodyChanged is returned by the body of a GET whose connection dropped
// mid-way when the answer to the request sent again does not begin with the
// bytes already read: the resource changed, and the two halves would not
// make one answer.
var ErrBodyChanged = errors.New("the answer changed while it was read again after a dropped connection")

// body is a response body that fails past a size limit, gives the Client's
// slot back once the caller is done with it, records whether the connection
// broke off mid-way and, for a GET, mends the break by sending the request
// again.
type body struct {
	rc     io.ReadCloser // the current answer's body; replaced by a resume
	left   int64         // bytes that may still be read
	limit  int64
	sem    chan struct{} // the Client's slots; one is ours while held
	held   atomic.Bool
	err    error    // sticky error: the size limit, or a break not mended
	broken error    // the transport error that broke the body, if one did
	resume *resumer // nil: a break is reported, not mended; else &res
	// changes: the answer is to a request not safe to send again, so a
	// break leaves its outcome unknown (ErrOutcomeUnknown).
	changes bool
	res     resumer // kept in the body: one allocation for both

	mu     sync.Mutex // guards rc against Close during a resume
	closed bool
}

func newBody(rc io.ReadCloser, contentLength, limit int64, sem chan struct{}) *body {
	b := &body{rc: rc, left: limit, limit: limit, sem: sem}
	b.held.Store(true)
	if contentLength > limit {
		// Declared too large: fail on the first read without reading.
		b.err = fmt.Errorf("%w: Content-Length %d, limit %d bytes", ErrResponseTooLarge, contentLength, limit)
	}
	return b
}

// Read reads up to the limit, then returns ErrResponseTooLarge if more is
// there. The slot is released at EOF or on any error: the body is of no
// further use to the caller, who still closes it.
func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		b.release()
		return 0, b.err
	}
	if int64(len(p)) > b.left {
		// Read one byte past the limit to tell "exactly the limit" from "more".
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.left = 0
		b.err = fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, b.limit)
		b.release()
		return n, b.err
	}
	b.left -= int64(n)
	if b.resume != nil {
		b.resume.delivered(p[:n])
	}
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		b.release()
	case b.resume != nil && b.resume.worthIt(err):
		if rerr := b.mend(err); rerr != nil {
			b.err = rerr
			b.broken = err
			b.release()
			return n, rerr
		}
		return n, nil
	default:
		b.broken = err
		if b.changes {
			err = &brokenChange{err}
			b.err = err
		}
		b.release()
	}
	return n, err
}

// MarkCut returns err marked with ErrOutcomeUnknown when it says that the
// answer to a request not safe to send again (idempotent false) stopped
// short (io.ErrUnexpectedEOF, as a decoder reports it) and it is not marked
// yet; else err as it is.
func MarkCut(err error, idempotent bool) error {
	if idempotent || !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrOutcomeUnknown) {
		return err
	}
	return &brokenChange{err}
}

// UnknownOutcome reports whether an answer of status to a request not safe
// to send again leaves its outcome unknown: a 500, 502 or 504, or a 503
// unless the server declined the work (a Retry-After, throttling), as the
// retry policy reads a 503 too.
func UnknownOutcome(status int, declined bool) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	case http.StatusServiceUnavailable:
		return !declined
	}
	return false
}

// brokenChange is the break of an answer to a change: it matches both the
// break (io.ErrUnexpectedEOF, a reset) and ErrOutcomeUnknown.
type brokenChange struct{ err error }

func (e *brokenChange) Error() string   { return e.err.Error() + " (" + ErrOutcomeUnknown.Error() + ")" }
func (e *brokenChange) Unwrap() []error { return []error{e.err, ErrOutcomeUnknown} }

// Close closes the underlying body and releases the slot; it is safe to
// call more than once, and while a Read is blocked.
func (b *body) Close() error {
	b.mu.Lock()
	b.closed = true
	rc := b.rc
	b.mu.Unlock()
	err := rc.Close()
	b.release()
	return err
}

func (b *body) release() {
	if b.held.CompareAndSwap(true, false) {
		<-b.sem
	}
}

// resumer mends a GET's body that broke off: it remembers what was read
// (how much, and a hash of it) and what the answer looked like.
type resumer struct {
	cl     *call
	status int
	length int64  // Content-Length, or -1
	etag   string // ETag, if any
	seed   maphash.Seed
	sum    maphash.Hash // of the bytes read so far
	n      int64        // bytes read so far
}

func (r *resumer) delivered(p []byte) {
	r.sum.Write(p)
	r.n += int64(len(p))
}

// worthIt reports whether a read error may be mended by sending the request
// again: any transport error, while the context lives and attempts remain.
func (r *resumer) worthIt(err error) bool {
	return r.cl.ctx.Err() == nil && r.cl.attempt < r.cl.c.retry.MaxAttempts &&
		!errors.Is(err, ErrResponseTooLarge)
}

// mend sends the request again after cause broke the body, skips what was
// read after checking it is the same, and continues on the new answer. It
// returns the error that ends the body when it cannot.
func (b *body) mend(cause error) error {
	r := b.resume
	cl, c := r.cl, r.cl.c
	fail := func(err error) error {
		return fmt.Errorf("the body broke off after %d bytes (%v) and could not be read again: %w", r.n, cause, err)
	}
	for {
		b.mu.Lock()
		closed := b.closed
		b.mu.Unlock()
		if closed {
			return cause
		}
		b.rc.Close()
		b.release()
		wait := c.backoff(cl.attempt)
		if !fits(cl.ctx, wait) {
			return cause
		}
		cl.logRetry(r.status, wait, cause)
		if err := c.sleep(cl.ctx, wait); err != nil {
			return fail(err)
		}
		resp, err := cl.send()
		if err != nil {
			return fail(err)
		}
		b.mu.Lock()
		b.rc = resp.Body
		b.held.Store(true)
		closed = b.closed
		b.mu.Unlock()
		if closed {
			resp.Body.Close()
			b.release()
			return cause
		}
		if err := r.same(resp); err != nil {
			return fail(err)
		}
		err = r.skip(resp.Body)
		if err == nil {
			return nil
		}
		if errors.Is(err, ErrBodyChanged) || !r.worthIt(err) {
			return fail(err)
		}
		cause = err // broke again while skipping: another attempt
	}
}

// same checks that the new answer is the same resource as the first.
func (r *resumer) same(resp *http.Response) error {
	switch {
	case resp.StatusCode != r.status:
		return fmt.Errorf("%w: status %d, was %d", ErrBodyChanged, resp.StatusCode, r.status)
	case r.length >= 0 && resp.ContentLength >= 0 && resp.ContentLength != r.length:
		return fmt.Errorf("%w: %d bytes, were %d", ErrBodyChanged, resp.ContentLength, r.length)
	case r.etag != "" && resp.Header.Get("ETag") != "" && resp.Header.Get("ETag") != r.etag:
		return fmt.Errorf("%w: ETag %q, was %q", ErrBodyChanged, resp.Header.Get("ETag"), r.etag)
	}
	return nil
}

// skip reads the first r.n bytes of rc and checks they hash as those read
// before.
func (r *resumer) skip(rc io.Reader) error {
	var h maphash.Hash
	h.SetSeed(r.seed)
	buf := make([]byte, 32<<10)
	for left := r.n; left > 0; {
		k, err := rc.Read(buf[:min(int64(len(buf)), left)])
		h.Write(buf[:k])
		left -= int64(k)
		if left == 0 {
			break
		}
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: it is shorter than the %d bytes read before", ErrBodyChanged, r.n)
		}
		if err != nil {
			// Keep the hash of what was read this time out of it: the
			// next attempt skips from the start again.
			return err
		}
	}
	if h.Sum64() != r.sum.Sum64() {
		return fmt.Errorf("%w: its first %d bytes differ", ErrBodyChanged, r.n)
	}
	return nil
}
