package outlooktest

import (
	"bufio"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Request is one request the server received, on any host, as tests assert
// what the client did: which hosts it called, whether it sent a token there
// and for which audience. Header values are never recorded.
type Request struct {
	Method   string
	Scheme   string // "https", or "http" for the plain-HTTP listener
	Host     string // lower case, without port
	Path     string // decoded, as in url.URL.Path
	RawQuery string

	// TokenSent reports whether a non-empty bearer token came with the
	// request, whichever host it went to (a token sent to an Autodiscover
	// host is a bug worth a test).
	TokenSent bool
	// Audience is the resource the sent token was minted for, when it was one
	// of this server's unexpired tokens; "" otherwise.
	Audience string
	// Status is the status code answered; 0 when a fault dropped the
	// connection without an answer.
	Status int
	// FaultApplied reports whether an injected Fault acted on the request.
	FaultApplied bool
	// Time is when the request arrived, by the server's clock (WithClock).
	Time time.Time
}

// requestLog keeps every request the server saw, in arrival order.
type requestLog struct {
	mu   sync.Mutex
	reqs []Request
}

func (l *requestLog) add(r Request) {
	l.mu.Lock()
	l.reqs = append(l.reqs, r)
	l.mu.Unlock()
}

func (l *requestLog) snapshot() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reqs)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	l.reqs = nil
	l.mu.Unlock()
}

// Requests returns a copy of the request log: every request received since
// the server started or since ResetRequests, in the order their answers
// began. A request appears as soon as its status is known, before any of its
// answer reaches the client, so a client that has its answer finds the
// request logged; a dropped connection is logged before it is dropped.
func (s *Server) Requests() []Request { return s.log.snapshot() }

// ResetRequests empties the request log and the peaks of MaxInFlight,
// typically after seeding and before the code under test runs.
func (s *Server) ResetRequests() {
	s.log.reset()
	s.inflight.reset()
}

// statusWriter records the status a handler answers with. It passes
// hijacking through, which is how faults drop connections.
type statusWriter struct {
	http.ResponseWriter
	status int
	// onStatus, if set, runs once, when the status is known and before any
	// byte of the answer can reach the client: a client that has read an
	// answer then finds its request in the log.
	onStatus func()
	// beforeLast, if set, runs before the last byte of a body whose
	// Content-Length was declared is written: once a client has all of an
	// answer, the request is no longer in flight (MaxInFlight), even before
	// the handler returns. (An answer without a declared length ends after
	// the handler returns.)
	beforeLast func()
	declared   int64 // the Content-Length of the answer, -1 when none
	written    int64
}

func (w *statusWriter) setStatus(code int) {
	if w.status != 0 || code < 200 { // 1xx answers are interim
		return
	}
	w.status = code
	w.declared = -1
	if n, err := strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64); err == nil && n >= 0 {
		w.declared = n
	}
	if w.onStatus != nil {
		w.onStatus()
	}
}

func (w *statusWriter) WriteHeader(code int) {
	w.setStatus(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.setStatus(http.StatusOK)
	if w.declared >= 0 && w.written+int64(len(b)) >= w.declared && w.beforeLast != nil {
		w.beforeLast()
	}
	w.written += int64(len(b))
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	w.setStatus(http.StatusOK)
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
