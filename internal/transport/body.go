package transport

import (
	"fmt"
	"io"
	"sync/atomic"
)

// body is a response body that fails past a size limit and gives the
// Client's slot back once the caller is done with it.
type body struct {
	rc    io.ReadCloser
	left  int64 // bytes that may still be read
	limit int64
	sem   chan struct{} // the Client's slots; one is ours until done
	done  atomic.Bool
	err   error // sticky size error
}

func newBody(rc io.ReadCloser, contentLength, limit int64, sem chan struct{}) *body {
	b := &body{rc: rc, left: limit, limit: limit, sem: sem}
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
	if err != nil {
		b.release()
	}
	return n, err
}

// Close closes the underlying body and releases the slot; it is safe to
// call more than once.
func (b *body) Close() error {
	err := b.rc.Close()
	b.release()
	return err
}

func (b *body) release() {
	if b.done.CompareAndSwap(false, true) {
		<-b.sem
	}
}
