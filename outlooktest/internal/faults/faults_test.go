package faults

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// outcomes picks for every request of keys, n times each, in the given
// order of the n*len(keys) requests, from workers goroutines at once, and
// returns what the rule did to each key's requests, in their order.
func outcomes(seed uint64, rate float64, keys []string, n int, shuffle uint64, workers int) map[string][]bool {
	s := NewSet(seed)
	s.Add(Rule{Path: "/users/", Rate: rate, Status: 503})
	var reqs []string
	for range n {
		reqs = append(reqs, keys...)
	}
	rand.New(rand.NewPCG(shuffle, shuffle)).Shuffle(len(reqs), func(i, j int) { reqs[i], reqs[j] = reqs[j], reqs[i] })
	// Each key's requests keep their relative order in a worker of their
	// own (a client repeating one request), keys interleave freely.
	byWorker := make([][]string, workers)
	for _, k := range reqs {
		w := int(hashKey(k) % uint64(workers))
		byWorker[w] = append(byWorker[w], k)
	}
	out := map[string][]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, list := range byWorker {
		wg.Go(func() {
			for _, k := range list {
				p, q, _ := strings.Cut(k, "?")
				_, acted := s.Pick("graph.microsoft.com", "GET", p, q)
				mu.Lock()
				out[k] = append(out[k], acted)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return out
}

func hashKey(k string) uint64 {
	var h uint64 = 14695981039346656037
	for i := range len(k) {
		h = (h ^ uint64(k[i])) * 1099511628211
	}
	return h
}

// A seed decides the same requests whatever order concurrent requests
// arrive in, so a failing run of many goroutines replays.
func TestRateDrawsReplayWhateverTheInterleaving(t *testing.T) {
	var keys []string
	for i := range 200 {
		keys = append(keys, fmt.Sprintf("/v1.0/users/u%d@contoso.com/messages?$skip=%d", i%20, i))
	}
	a := outcomes(7, 0.2, keys, 3, 1, 1)
	b := outcomes(7, 0.2, keys, 3, 2, 8)
	c := outcomes(8, 0.2, keys, 3, 1, 1)
	acted, same, differs := 0, true, false
	for _, k := range keys {
		for i := range 3 {
			if a[k][i] {
				acted++
			}
			same = same && a[k][i] == b[k][i]
			differs = differs || a[k][i] != c[k][i]
		}
	}
	if !same {
		t.Error("the same seed decided differently when the requests arrived in another order")
	}
	if !differs {
		t.Error("seeds 7 and 8 decided the same for 600 requests")
	}
	if acted < 60 || acted > 180 {
		t.Errorf("rate 0.2 acted on %d of 600 requests", acted)
	}
	// A request repeated (a client's retry) draws afresh each time.
	retried := false
	for _, k := range keys {
		retried = retried || a[k][0] && !a[k][1]
	}
	if !retried {
		t.Error("no request that failed once succeeded on its retry")
	}
}

func TestValidateCuts(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Rule
		ok   bool
	}{
		{"drop after headers", Rule{DropAfterHeaders: true}, true},
		{"short body", Rule{ShortBody: true}, true},
		{"short body of a fault's answer", Rule{ShortBody: true, Status: 503}, true},
		{"truncate and drop before, as before", Rule{TruncateBody: true, DropBeforeBody: true}, true},
		{"short body and truncate", Rule{ShortBody: true, TruncateBody: true}, false},
		{"drop after headers and short body", Rule{DropAfterHeaders: true, ShortBody: true}, false},
		{"drop after headers and after body", Rule{DropAfterHeaders: true, DropAfterBody: true}, false},
	} {
		if err := tc.r.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v; want ok %v", tc.name, err, tc.ok)
		}
	}
}
