package testutil

import (
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PeakHeap runs f and returns by how much the heap (live objects and those
// not swept yet, as /memory/classes/heap/objects:bytes counts them) grew
// at most meanwhile, sampled every 100µs and once f has returned: the
// measure of the tests that bound what a hostile answer costs in memory.
// Those tests do not build with -race, which changes what is allocated.
func PeakHeap(f func()) uint64 {
	read := func() uint64 {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	// Twice: the first collection's finalizers may free more.
	runtime.GC()
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	note := func() {
		if v := read(); v > base && v-base > peak.Load() {
			peak.Store(v - base)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Microsecond)
		defer tick.Stop()
		for {
			note()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	note()
	return peak.Load()
}

// Streamed answers with prefix, then unit until total bytes are written
// (or the client goes away), then suffix: a hostile body built as it is
// sent, so that the test's server costs no memory. contentType, unless
// empty, is the answer's Content-Type.
func Streamed(contentType, prefix, unit, suffix string, total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		io.WriteString(w, prefix)
		chunk := strings.Repeat(unit, max(1, 64<<10/len(unit)))
		for n := len(prefix); n < total; n += len(chunk) {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		io.WriteString(w, suffix)
	}
}
