// Package faults is the fault injection of the fake server: rules that make
// the requests they match misbehave (throttling, errors, latency, dropped
// connections, truncated bodies), the seeded draws that decide which
// requests a rule with a rate acts on, and the acting itself, on any host.
package faults

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

	Latency        time.Duration
	DropBeforeBody bool
	DropAfterBody  bool
	TruncateBody   bool
}

// Validate reports what makes a rule malformed, for people.
func (f Rule) Validate() error {
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
	matched int
	fired   int
}

// Set holds the injected rules and decides which one acts on a request. It
// is safe for concurrent use.
type Set struct {
	mu    sync.Mutex
	rules []*ruleState
	rng   *rand.Rand
}

// NewSet returns an empty set whose rate draws come from a generator
// seeded with seed.
func NewSet(seed uint64) *Set {
	return &Set{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Add appends a rule, which must be valid.
func (s *Set) Add(f Rule) {
	s.mu.Lock()
	s.rules = append(s.rules, &ruleState{f: f})
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
		if st.f.Rate > 0 && st.f.Rate < 1 && s.rng.Float64() >= st.f.Rate {
			continue
		}
		st.fired++
		return st.f, true
	}
	return Rule{}, false
}

// Shape is how a host spells an error body.
type Shape int

// The error body shapes of the hosts.
const (
	OData        Shape = iota // {"error": {"code", "message"}}: the REST hosts
	OAuth                     // {"error", "error_description"}: the token issuer
	Autodiscover              // {"ErrorCode", "ErrorMessage"}: Autodiscover v2
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
	if f.Status == 0 && !f.TruncateBody {
		return false
	}
	rec := httptest.NewRecorder()
	if f.Status != 0 {
		writeAnswer(rec, r, f, shape)
	} else {
		next.ServeHTTP(rec, r)
	}
	if !f.TruncateBody {
		copyRecorded(w, rec, rec.Body.Len(), rec.Body.Len())
		return true
	}
	copyRecorded(w, rec, rec.Body.Len(), rec.Body.Len()/2)
	_ = http.NewResponseController(w).Flush()
	record()
	drop(w)
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
		body = map[string]any{"error": map[string]any{"code": code, "message": msg}}
	}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write(buf.Bytes())
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
