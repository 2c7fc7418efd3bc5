package outlooktest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is one misbehaviour the server shows to the requests it matches, as
// data a table test can list. Faults act before authentication, on every
// host: the token issuer and Autodiscover included.
//
// A request matches when Host, Method and Path all match (an empty field
// matches anything). Of the matching requests, the first After are left
// alone; then the fault acts Times times (0: forever), each time with
// probability Rate (0 means always; the draws come from a generator seeded by
// WithFaultSeed, so a run repeats). When several faults match, the first one
// injected that acts wins.
//
// What it does, in order: wait Latency; drop the connection (DropBeforeBody
// or DropAfterBody); answer Status with an error body in the host's own shape
// (OData for the REST hosts, ErrorCode/ErrorMessage for Autodiscover, OAuth
// for the issuer) and Retry-After; cut the answer short (TruncateBody: of the
// fault's answer when Status is set, else of the real one). A fault with
// only Latency delays the real answer.
type Fault struct {
	// Host is the host name, without port, e.g. "graph.microsoft.com".
	Host string
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Path is matched case-insensitively against the request path and against
	// the path below the API root ("/v1.0" on Graph, "/api/v2.0" on-premises),
	// so "/users/*/messages" matches both dialects. With a '*', '?' or '['
	// it is a path.Match glob ('*' stays within one segment) that must match
	// the whole path; without, a prefix.
	Path string

	After int     // matching requests left alone before the fault acts
	Times int     // how many times it acts; 0 means forever
	Rate  float64 // probability of acting on each eligible request, 0..1; 0 means 1

	Status     int           // answer this status (e.g. 429, 503) instead of the real answer
	Code       string        // error code in the body; default by status, e.g. "ApplicationThrottled" for 429
	Message    string        // error message in the body; a default names the fault
	RetryAfter time.Duration // sent as Retry-After, in whole seconds rounded up

	Latency        time.Duration // wait before answering (or before failing)
	DropBeforeBody bool          // close the connection without reading the request body or answering
	DropAfterBody  bool          // read the request body, then close without answering
	TruncateBody   bool          // send the headers (with the full Content-Length) and half the body, then close
}

func (f Fault) validate() error {
	switch {
	case f.After < 0, f.Times < 0:
		return fmt.Errorf("negative After (%d) or Times (%d)", f.After, f.Times)
	case f.Rate < 0, f.Rate > 1, math.IsNaN(f.Rate):
		return fmt.Errorf("rate %v is outside 0..1", f.Rate)
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("status %d is not an HTTP status", f.Status)
	case f.DropBeforeBody && f.DropAfterBody:
		return fmt.Errorf("both DropBeforeBody and DropAfterBody are set")
	case f.Latency < 0 || f.RetryAfter < 0:
		return fmt.Errorf("negative Latency or RetryAfter")
	case f.Status == 0 && f.Latency == 0 && !f.DropBeforeBody && !f.DropAfterBody && !f.TruncateBody:
		return fmt.Errorf("the fault does nothing: set Status, Latency, DropBeforeBody, DropAfterBody or TruncateBody")
	}
	if isGlob(f.Path) {
		if _, err := path.Match(strings.ToLower(f.Path), "/"); err != nil {
			return fmt.Errorf("bad Path glob %q: %w", f.Path, err)
		}
	}
	return nil
}

func isGlob(p string) bool { return strings.ContainsAny(p, "*?[") }

// matches reports whether the request is in the fault's scope.
func (f *Fault) matches(host, method, p string) bool {
	if f.Host != "" && !strings.EqualFold(f.Host, host) {
		return false
	}
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Path == "" {
		return true
	}
	pat := strings.ToLower(f.Path)
	lp := strings.ToLower(p)
	for _, cand := range []string{lp, stripAPIRoot(lp)} {
		if isGlob(pat) {
			if ok, _ := path.Match(pat, cand); ok {
				return true
			}
		} else if strings.HasPrefix(cand, pat) {
			return true
		}
	}
	return false
}

// stripAPIRoot removes the REST root ("/v1.0", "/api/v2.0") from a lower-case path.
func stripAPIRoot(p string) string {
	for _, root := range []string{"/v1.0", "/api/v2.0"} {
		if rest, ok := strings.CutPrefix(p, root); ok && (rest == "" || rest[0] == '/') {
			return rest
		}
	}
	return p
}

type faultState struct {
	f       Fault
	matched int
	fired   int
}

// faultSet holds the injected faults and decides which one acts on a request.
type faultSet struct {
	mu     sync.Mutex
	faults []*faultState
	rng    *rand.Rand
}

func newFaultSet(seed uint64) *faultSet {
	return &faultSet{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// pick returns the fault that acts on this request, if any, and counts it.
func (fs *faultSet) pick(host, method, p string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, st := range fs.faults {
		if !st.f.matches(host, method, p) {
			continue
		}
		st.matched++
		if st.matched <= st.f.After {
			continue
		}
		if st.f.Times > 0 && st.fired >= st.f.Times {
			continue
		}
		if st.f.Rate > 0 && st.f.Rate < 1 && fs.rng.Float64() >= st.f.Rate {
			continue
		}
		st.fired++
		return st.f, true
	}
	return Fault{}, false
}

// Inject adds a fault. It panics if the fault is malformed (a negative count,
// a Rate outside 0..1, a bad glob, or nothing to do): that is a bug in the test.
func (s *Server) Inject(f Fault) {
	if err := f.validate(); err != nil {
		panic("outlooktest: Inject: " + err.Error())
	}
	s.faults.mu.Lock()
	s.faults.faults = append(s.faults.faults, &faultState{f: f})
	s.faults.mu.Unlock()
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.faults = nil
	s.faults.mu.Unlock()
}

// applyFault makes the fault act. It reports whether the request has been
// answered (or dropped); false means "serve it normally", after a latency-only
// fault has waited.
//
// record logs the request; it is called before the connection is closed.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, kind hostKind, next http.Handler, record func()) bool {
	if !sleepCtx(r.Context(), f.Latency) {
		record()
		dropConnection(w) // the client gave up or the server is closing
		return true
	}
	switch {
	case f.DropBeforeBody:
		record()
		dropConnection(w)
		return true
	case f.DropAfterBody:
		_, _ = io.Copy(io.Discard, r.Body)
		record()
		dropConnection(w)
		return true
	}
	if f.Status == 0 && !f.TruncateBody {
		return false
	}
	rec := httptest.NewRecorder()
	if f.Status != 0 {
		writeFaultAnswer(rec, r, f, kind)
	} else {
		next.ServeHTTP(rec, r)
	}
	if !f.TruncateBody {
		copyRecorded(w, rec, rec.Body.Len())
		return true
	}
	copyRecorded(w, rec, rec.Body.Len()/2)
	_ = http.NewResponseController(w).Flush()
	record()
	dropConnection(w)
	return true
}

// copyRecorded sends a recorded answer, declaring its full length but
// writing only n bytes of the body.
func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder, n int) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(rec.Body.Len()))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes()[:n])
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (cannot happen with the fake's HTTP/1.1 listeners):
		// abort the handler, which makes net/http close the connection.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// faultCodes are the error codes a fault answers with by default.
var faultCodes = map[int]string{
	http.StatusTooManyRequests:     "ApplicationThrottled",
	http.StatusInternalServerError: "InternalServerError",
	http.StatusBadGateway:          "BadGateway",
	http.StatusServiceUnavailable:  "ServiceUnavailable",
	http.StatusGatewayTimeout:      "GatewayTimeout",
}

func writeFaultAnswer(w http.ResponseWriter, r *http.Request, f Fault, kind hostKind) {
	code := f.Code
	if code == "" {
		code = faultCodes[f.Status]
	}
	if code == "" {
		code = "InjectedFault"
	}
	msg := f.Message
	if msg == "" {
		msg = fmt.Sprintf("outlooktest: injected fault: %d %s", f.Status, code)
		if f.Status == http.StatusTooManyRequests && f.Code == "" {
			msg = "Application is over its MailboxConcurrency limit."
		}
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64(math.Ceil(f.RetryAfter.Seconds())), 10))
	}
	var body any
	switch {
	case kind == hostLogin:
		body = map[string]any{"error": code, "error_description": msg}
	case isAutodiscoverPath(r.URL.Path):
		body = map[string]string{"ErrorCode": code, "ErrorMessage": msg}
	default:
		body = map[string]any{"error": map[string]any{"code": code, "message": msg}}
	}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write(buf.Bytes())
}

// sleepCtx waits d or until ctx ends; it reports whether d elapsed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
