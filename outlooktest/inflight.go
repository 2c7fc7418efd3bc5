package outlooktest

import (
	"strings"
	"sync"
)

// MaxInFlight returns the highest number of requests for the mailbox smtp
// that were in flight at the fake at once, since the server started or since
// ResetRequests: what a client's per-mailbox concurrency limit (Exchange
// throttles above 4 per app and mailbox) must keep low, and a test can
// assert. A request counts from its arrival, before faults and
// authentication, until the last byte of its answer is sent (before the
// client can have the whole answer and send its next request) or its
// connection is dropped.
// The requests counted are those of the REST hosts (Graph and the
// on-premises Outlook REST v2.0) whose path names the mailbox (/users/{id or
// address}/... or, with a token for its user, /me/...), and those of EWS
// for the mailbox X-AnchorMailbox names (or the bearer token's user) from
// their arrival, and for the mailbox they act on (impersonated, reached
// through a Mailbox element, or the caller's own) from the moment the
// front end has read them; a Graph $batch counts once for each mailbox its
// parts name while its parts run. An EWS GetStreamingEvents stops counting
// once its stream begins: Exchange counts streaming connections apart
// (HangingConnectionLimit). It returns 0 for a mailbox no request named.
func (s *Server) MaxInFlight(smtp string) int { return s.inflight.max(strings.ToLower(smtp)) }

// inflight counts the requests in flight per mailbox and the most there
// have been at once.
type inflight struct {
	mu   sync.Mutex
	cur  map[string]int // mailbox address -> requests in flight
	peak map[string]int // mailbox address -> most in flight at once
}

// enter counts a request of mailbox addr in flight until the returned func
// is called.
func (f *inflight) enter(addr string) (leave func()) {
	f.mu.Lock()
	if f.cur == nil {
		f.cur, f.peak = map[string]int{}, map[string]int{}
	}
	f.cur[addr]++
	f.peak[addr] = max(f.peak[addr], f.cur[addr])
	f.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			f.cur[addr]--
			if f.cur[addr] == 0 {
				delete(f.cur, addr)
			}
			f.mu.Unlock()
		})
	}
}

func (f *inflight) max(addr string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.peak[addr]
}

// reset forgets the peaks; requests in flight stay counted, and make the
// new peaks.
func (f *inflight) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.peak = map[string]int{}
	for addr, n := range f.cur {
		f.peak[addr] = n
	}
}
