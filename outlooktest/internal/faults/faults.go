// Package faults is the fault injection of the fake server: rules that make
// the requests they match misbehave (throttling, errors, latency, dropped
// connections, truncated bodies), the seeded draws that decide which
// requests a rule with a rate acts on, and the acting itself, on any host.
package faults

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/ews"
)

// Rule is one misbehaviour, as outlooktest.Fault describes it field by
// field.
type Rule struct {
	Host, Method, Path string

	After, Times int
	Rate         float64

	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration

	Latency          time.Duration
	DropBeforeBody   bool
	DropAfterBody    bool
	DropAfterHeaders bool
	TruncateBody     bool
	ShortBody        bool
}

// Validate reports what makes a rule malformed, for people.
func (f Rule) Validate() error {
	cuts := 0 // the ways of ending an answer early; DropAfterHeaders and ShortBody go alone
	for _, on := range []bool{f.DropBeforeBody || f.DropAfterBody || f.TruncateBody, f.DropAfterHeaders, f.ShortBody} {
		if on {
			cuts++
		}
	}
	switch {
	case f.After < 0, f.Times < 0:
		return fmt.Errorf("negative After (%d) or Times (%d)", f.After, f.Times)
	case f.Rate < 0, f.Rate > 1, math.IsNaN(f.Rate):
		return fmt.Errorf("rate %v is outside 0..1", f.Rate)
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("status %d is not an HTTP status", f.Status)
	case f.DropBeforeBody && f.DropAfterBody:
		return fmt.Errorf("both DropBeforeBody and DropAfterBody are set")
	case cuts > 1:
		return fmt.Errorf("DropAfterHeaders and ShortBody go alone: neither with the other nor with DropBeforeBody, DropAfterBody or TruncateBody")
	case f.Latency < 0 || f.RetryAfter < 0:
		return fmt.Errorf("negative Latency or RetryAfter")
	case f.Status == 0 && f.Latency == 0 && cuts == 0:
		return fmt.Errorf("the fault does nothing: set Status, Latency, DropBeforeBody, DropAfterBody, DropAfterHeaders, TruncateBody or ShortBody")
	}
	if isGlob(f.Path) {
		if _, err := path.Match(strings.ToLower(f.Path), "/"); err != nil {
			return fmt.Errorf("bad Path glob %q: %w", f.Path, err)
		}
	}
	return nil
}

func isGlob(p string) bool { return strings.ContainsAny(p, "*?[") }

// Matches reports whether a request is in the rule's scope.
func (f *Rule) Matches(host, method, p string) bool {
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

type ruleState struct {
	f       Rule
	index   uint64         // injection order since the set was made, part of every draw
	matched int            // matching requests seen
	fired   int            // times acted
	draws   map[string]int // rate draws made per request key
}

// Set holds the injected rules and decides which one acts on a request. It
// is safe for concurrent use.
type Set struct {
	seed uint64

	mu       sync.Mutex
	rules    []*ruleState
	injected uint64
}

// NewSet returns an empty set whose rate draws derive from seed.
func NewSet(seed uint64) *Set { return &Set{seed: seed} }

// Add appends a rule, which must be valid.
func (s *Set) Add(f Rule) {
	s.mu.Lock()
	s.rules = append(s.rules, &ruleState{f: f, index: s.injected, draws: map[string]int{}})
	s.injected++
	s.mu.Unlock()
}

// Clear removes every rule.
func (s *Set) Clear() {
	s.mu.Lock()
	s.rules = nil
	s.mu.Unlock()
}

// Pick returns the rule that acts on a request, if any, and counts it. Of
// the rules that match, the first added that acts wins.
//
// A rule with a rate decides by a draw that depends only on the seed, the
// rule, the request (method, host, path and raw query) and how many times the
// rule has drawn for that same request before: the n-th identical request a
// rule sees gets the same answer in every run with the seed, however other
// requests interleave with it. That is what makes a failing concurrent run
// replay. (After and Times count every matching request in arrival order.)
func (s *Set) Pick(host, method, p, rawQuery string) (Rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.rules {
		if !st.f.Matches(host, method, p) {
			continue
		}
		st.matched++
		if st.matched <= st.f.After {
			continue
		}
		if st.f.Times > 0 && st.fired >= st.f.Times {
			continue
		}
		if st.f.Rate > 0 && st.f.Rate < 1 {
			key := strings.ToUpper(method) + " " + strings.ToLower(host) + p + "?" + rawQuery
			n := st.draws[key]
			st.draws[key] = n + 1
			if draw(s.seed, st.index, key, n) >= st.f.Rate {
				continue
			}
		}
		st.fired++
		return st.f, true
	}
	return Rule{}, false
}

// draw is a number in [0, 1) determined by its arguments.
func draw(seed, rule uint64, key string, n int) float64 {
	h := fnv.New64a()
	var b [24]byte
	binary.LittleEndian.PutUint64(b[0:], seed)
	binary.LittleEndian.PutUint64(b[8:], rule)
	binary.LittleEndian.PutUint64(b[16:], uint64(n))
	h.Write(b[:])
	h.Write([]byte(key))
	x := h.Sum64()
	// splitmix64's finaliser: FNV's low bits are weak on short inputs.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// Shape is how a host spells an error body.
type Shape int

// The error body shapes of the hosts.
const (
	OData        Shape = iota // {"error": {"code", "message"}}: the REST hosts
	OAuth                     // {"error", "error_description"}: the token issuer
	Autodiscover              // {"ErrorCode", "ErrorMessage"}: Autodiscover v2
	// EWS is a SOAP fault: EWS answers throttling (ErrorServerBusy) with
	// HTTP 500 and the time to wait in the fault's BackOffMilliseconds,
	// not in Retry-After.
	EWS
)

// Apply makes the rule act on a request. It reports whether the request
// has been answered (or dropped); false means "serve it normally", after a
// latency-only rule has waited. next serves the request normally, when the
// rule cuts the real answer short. record logs the request; Apply calls it
// before it closes the connection, so a client that saw the drop finds the
// request logged.
func Apply(w http.ResponseWriter, r *http.Request, f Rule, shape Shape, next http.Handler, record func()) bool {
	if !Sleep(r.Context(), f.Latency) {
		record()
		drop(w) // the client gave up or the server is closing
		return true
	}
	switch {
	case f.DropBeforeBody:
		record()
		drop(w)
		return true
	case f.DropAfterBody:
		_, _ = io.Copy(io.Discard, r.Body)
		record()
		drop(w)
		return true
	}
	cut := f.TruncateBody || f.ShortBody || f.DropAfterHeaders
	if f.Status == 0 && !cut {
		return false
	}
	rec := httptest.NewRecorder()
	if f.Status != 0 {
		// The error body names the answer's request ids, which the host
		// set on w.
		for _, k := range []string{"request-id", "client-request-id"} {
			if v := w.Header().Get(k); v != "" {
				rec.Header().Set(k, v)
			}
		}
		writeAnswer(rec, r, f, shape)
	} else {
		next.ServeHTTP(rec, r)
	}
	switch {
	case f.ShortBody:
		// A complete answer as HTTP sees it (the length matches what is
		// sent, the connection stays), whose content stops half way.
		n := rec.Body.Len() / 2
		copyRecorded(w, rec, n, n)
		return true
	case f.TruncateBody, f.DropAfterHeaders:
		n := rec.Body.Len() / 2
		if f.DropAfterHeaders {
			n = 0
		}
		copyRecorded(w, rec, rec.Body.Len(), n)
		_ = http.NewResponseController(w).Flush()
		record()
		drop(w)
		return true
	}
	copyRecorded(w, rec, rec.Body.Len(), rec.Body.Len())
	return true
}

// copyRecorded sends a recorded answer, declaring a body of length bytes
// and writing only its first n.
func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder, length, n int) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(length))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes()[:n])
}

// drop closes the client's connection without (the rest of) an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (cannot happen with the fake's HTTP/1.1 listeners):
		// abort the handler, which makes net/http close the connection.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// codes are the error codes a fault answers with by default.
var codes = map[int]string{
	http.StatusTooManyRequests:     "ApplicationThrottled",
	http.StatusInternalServerError: "InternalServerError",
	http.StatusBadGateway:          "BadGateway",
	http.StatusServiceUnavailable:  "ServiceUnavailable",
	http.StatusGatewayTimeout:      "GatewayTimeout",
}

func writeAnswer(w http.ResponseWriter, r *http.Request, f Rule, shape Shape) {
	if shape == EWS {
		writeEWSAnswer(w, f)
		return
	}
	code := f.Code
	if code == "" {
		code = codes[f.Status]
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
	switch shape {
	case OAuth:
		body = map[string]any{"error": code, "error_description": msg}
	case Autodiscover:
		body = map[string]string{"ErrorCode": code, "ErrorMessage": msg}
	default:
		// Graph's innerError, on injected faults as on any other error.
		rid := w.Header().Get("request-id")
		crid := w.Header().Get("client-request-id")
		if crid == "" {
			crid = rid
		}
		inner := map[string]any{"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": rid, "client-request-id": crid}
		body = map[string]any{"error": map[string]any{"code": code, "message": msg, "innerError": inner}}
	}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write(buf.Bytes())
}

// writeEWSAnswer answers as EWS does: a SOAP fault whose code is the
// rule's (ErrorServerBusy by default, with Exchange's message), and the
// rule's RetryAfter as BackOffMilliseconds.
func writeEWSAnswer(w http.ResponseWriter, f Rule) {
	code, msg := f.Code, f.Message
	if code == "" {
		code = "ErrorServerBusy"
		if f.Status != http.StatusInternalServerError && f.Status != http.StatusServiceUnavailable && f.Status != http.StatusTooManyRequests {
			code = "ErrorInternalServerError"
		}
	}
	if msg == "" {
		msg = fmt.Sprintf("outlooktest: injected fault: %d %s", f.Status, code)
		if code == "ErrorServerBusy" {
			msg = "The server cannot service this request right now. Try again later."
		}
	}
	body := ews.Fault(code, msg, f.RetryAfter)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write(body)
}

// Sleep waits d or until ctx ends; it reports whether d elapsed. Every
// wait the fake makes on a request's behalf ends when the request does.
func Sleep(ctx context.Context, d time.Duration) bool {
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
