package autodiscover

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func newCountingResolver(t *testing.T, ct *countingTransport, opts ...Option) *Resolver {
	t.Helper()
	base := []Option{WithHTTPClient(&http.Client{Transport: ct}), WithSRVResolver(noSRV)}
	r, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCacheTTL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &countingTransport{}
		r := newCountingResolver(t, ct, WithTTL(time.Hour))
		resolve := func(want int64) {
			t.Helper()
			if _, err := r.Resolve(t.Context(), "alice@contoso.com"); err != nil {
				t.Fatal(err)
			}
			if n := ct.total.Load(); n != want {
				t.Fatalf("%d requests, want %d", n, want)
			}
		}
		resolve(1)
		resolve(1)
		time.Sleep(59 * time.Minute)
		resolve(1)
		time.Sleep(2 * time.Minute)
		resolve(2) // expired: asked again
		resolve(2)
	})
}

func TestDefaultTTLIsADay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &countingTransport{}
		r := newCountingResolver(t, ct)
		for _, step := range []struct {
			sleep time.Duration
			want  int64
		}{{0, 1}, {23 * time.Hour, 1}, {2 * time.Hour, 2}} {
			time.Sleep(step.sleep)
			if _, err := r.Resolve(t.Context(), "alice@contoso.com"); err != nil {
				t.Fatal(err)
			}
			if n := ct.total.Load(); n != step.want {
				t.Errorf("after sleeping %v: %d requests, want %d", step.sleep, n, step.want)
			}
		}
	})
}

func TestNegativeCache(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &countingTransport{}
		ct.fail.Store(true)
		r := newCountingResolver(t, ct, WithNegativeTTL(time.Minute))
		_, err1 := r.Resolve(t.Context(), "ghost@contoso.com")
		if !errors.Is(err1, ErrNoEndpoint) {
			t.Fatalf("Resolve error = %v, want ErrNoEndpoint", err1)
		}
		n := ct.total.Load()
		_, err2 := r.Resolve(t.Context(), "ghost@contoso.com")
		if err2 != err1 || ct.total.Load() != n {
			t.Errorf("second Resolve: %v after %d more requests; want the cached failure, no request", err2, ct.total.Load()-n)
		}
		time.Sleep(61 * time.Second)
		ct.fail.Store(false)
		if _, err := r.Resolve(t.Context(), "ghost@contoso.com"); err != nil {
			t.Errorf("after the negative TTL: %v", err)
		}
	})
}

func TestNoNegativeCache(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &countingTransport{}
		ct.fail.Store(true)
		r := newCountingResolver(t, ct, WithNegativeTTL(0))
		r.Resolve(t.Context(), "ghost@contoso.com")
		n := ct.total.Load()
		r.Resolve(t.Context(), "ghost@contoso.com")
		if ct.total.Load() != 2*n {
			t.Errorf("requests = %d after two failing calls, want %d (no negative caching)", ct.total.Load(), 2*n)
		}
	})
}

// A refresh that meets a busy server keeps the endpoint that worked, and a
// first discovery that meets one is not remembered.
func TestBusyServerKeepsStaleEndpointAndCachesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &countingTransport{}
		r := newCountingResolver(t, ct, WithTTL(time.Hour), WithNegativeTTL(5*time.Minute),
			WithRetry(RetryPolicy{MaxAttempts: 1}))
		first, err := r.Resolve(t.Context(), "alice@contoso.com")
		if err != nil {
			t.Fatal(err)
		}
		ct.busy.Store(true)
		time.Sleep(2 * time.Hour)
		if got, err := r.Resolve(t.Context(), "alice@contoso.com"); err != nil || got != first {
			t.Fatalf("refresh through a 503: Resolve = %+v, %v; want the previous endpoint", got, err)
		}
		if _, err := r.Resolve(t.Context(), "bob@contoso.com"); err == nil {
			t.Fatal("bob resolved through a 503")
		}
		ct.busy.Store(false)
		if _, err := r.Resolve(t.Context(), "bob@contoso.com"); err != nil {
			t.Errorf("bob after the server came back: %v (the 503 was cached)", err)
		}
	})
}

func TestStaleEndpointKeptWhenRefreshFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &countingTransport{}
		r := newCountingResolver(t, ct, WithTTL(time.Hour), WithNegativeTTL(5*time.Minute))
		first, err := r.Resolve(t.Context(), "alice@contoso.com")
		if err != nil {
			t.Fatal(err)
		}
		ct.fail.Store(true)
		time.Sleep(2 * time.Hour)
		got, err := r.Resolve(t.Context(), "alice@contoso.com")
		if err != nil || got != first {
			t.Fatalf("refresh failed: Resolve = %+v, %v; want the previous endpoint", got, err)
		}
		n := ct.total.Load()
		time.Sleep(4 * time.Minute)
		if _, err := r.Resolve(t.Context(), "alice@contoso.com"); err != nil || ct.total.Load() != n {
			t.Errorf("within the negative TTL: %v, %d new requests; want the stale endpoint, none", err, ct.total.Load()-n)
		}
		// Invalidate forgets it for good: now the failure shows.
		if err := r.Invalidate(t.Context(), "Alice@Contoso.com"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Resolve(t.Context(), "alice@contoso.com"); !errors.Is(err, ErrNoEndpoint) {
			t.Errorf("after Invalidate: %v, want ErrNoEndpoint", err)
		}
	})
}

func TestInvalidate(t *testing.T) {
	t.Parallel()
	ct := &countingTransport{}
	r := newCountingResolver(t, ct)
	for range 3 {
		if _, err := r.Resolve(t.Context(), "alice@contoso.com"); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Invalidate(t.Context(), "ALICE@contoso.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(t.Context(), "alice@contoso.com"); err != nil {
		t.Fatal(err)
	}
	if n := ct.total.Load(); n != 2 {
		t.Errorf("%d requests, want 2 (one before, one after Invalidate)", n)
	}
}

func TestWithClock(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ct := &countingTransport{}
	r := newCountingResolver(t, ct, WithClock(clock), WithTTL(10*time.Minute))
	r.Resolve(t.Context(), "a@contoso.com")
	advance(9 * time.Minute)
	r.Resolve(t.Context(), "a@contoso.com")
	if n := ct.total.Load(); n != 1 {
		t.Errorf("before expiry: %d requests, want 1", n)
	}
	advance(time.Minute)
	r.Resolve(t.Context(), "a@contoso.com")
	if n := ct.total.Load(); n != 2 {
		t.Errorf("at expiry: %d requests, want 2", n)
	}
}

// recordingCache is a Cache a fleet might share, reduced to a map.
type recordingCache struct {
	mu             sync.Mutex
	m              map[string]Entry
	gets, puts, ds int
}

func (c *recordingCache) Get(_ context.Context, k string) (Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gets++
	e, ok := c.m[k]
	return e, ok
}

func (c *recordingCache) Put(_ context.Context, k string, e Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.puts++
	c.m[k] = e
}

func (c *recordingCache) Delete(_ context.Context, k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ds++
	delete(c.m, k)
}

func TestWithCacheSharedBetweenResolvers(t *testing.T) {
	t.Parallel()
	shared := &recordingCache{m: map[string]Entry{}}
	ct1, ct2 := &countingTransport{}, &countingTransport{}
	r1 := newCountingResolver(t, ct1, WithCache(shared))
	r2 := newCountingResolver(t, ct2, WithCache(shared))
	ep1, err := r1.Resolve(t.Context(), "a@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	ep2, err := r2.Resolve(t.Context(), "A@contoso.com")
	if err != nil || ep2 != ep1 {
		t.Fatalf("second resolver: %+v, %v; want %+v from the shared cache", ep2, err, ep1)
	}
	if ct2.total.Load() != 0 {
		t.Errorf("second resolver asked the network despite the shared cache")
	}
	if _, ok := shared.m["a@contoso.com"]; !ok || shared.puts != 1 {
		t.Errorf("shared cache: %v, %d puts", shared.m, shared.puts)
	}
	r2.Invalidate(t.Context(), "a@contoso.com")
	if shared.ds != 1 || len(shared.m) != 0 {
		t.Errorf("Invalidate did not reach the shared cache")
	}
}

func TestMemoryCacheBound(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewMemoryCache(3)
	c.now = func() time.Time { return now }
	ctx := t.Context()
	c.Put(ctx, "old", Entry{Expires: now.Add(-time.Second)})
	c.Put(ctx, "a", Entry{Expires: now.Add(time.Hour)})
	c.Put(ctx, "b", Entry{Expires: now.Add(time.Hour)})
	c.Put(ctx, "c", Entry{Expires: now.Add(time.Hour)}) // full: the expired one goes
	if _, ok := c.Get(ctx, "old"); ok || c.Len() != 3 {
		t.Errorf("expired entry kept (len %d)", c.Len())
	}
	c.Put(ctx, "d", Entry{Expires: now.Add(time.Hour)}) // full, none expired: one goes
	if c.Len() != 3 {
		t.Errorf("len = %d, want 3", c.Len())
	}
	if _, ok := c.Get(ctx, "d"); !ok {
		t.Error("new entry missing")
	}
	c.Put(ctx, "d", Entry{Expires: now.Add(2 * time.Hour)}) // replacing evicts nothing
	if c.Len() != 3 {
		t.Errorf("len = %d after replacing, want 3", c.Len())
	}
	if NewMemoryCache(0).max != DefaultCacheSize {
		t.Error("NewMemoryCache(0) is not the default size")
	}
}

func TestCachedResolveDoesNotAllocate(t *testing.T) {
	ct := &countingTransport{}
	r := newCountingResolver(t, ct)
	ctx := t.Context()
	if _, err := r.Resolve(ctx, "alice@contoso.com"); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := r.Resolve(ctx, "alice@contoso.com"); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("cached Resolve: %v allocations, want 0", allocs)
	}
	ct.fail.Store(true)
	r.Resolve(ctx, "ghost@contoso.com")
	allocs = testing.AllocsPerRun(1000, func() {
		if _, err := r.Resolve(ctx, "ghost@contoso.com"); err == nil {
			t.Fatal("want the cached failure")
		}
	})
	if allocs != 0 {
		t.Errorf("cached negative Resolve: %v allocations, want 0", allocs)
	}
}

func BenchmarkResolveCached(b *testing.B) {
	r, err := New(WithHTTPClient(&http.Client{Transport: &countingTransport{}}), WithSRVResolver(noSRV))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if _, err := r.Resolve(ctx, "alice@contoso.com"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Resolve(ctx, "alice@contoso.com"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolveCachedParallel(b *testing.B) {
	r, err := New(WithHTTPClient(&http.Client{Transport: &countingTransport{}}), WithSRVResolver(noSRV))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if _, err := r.Resolve(ctx, "alice@contoso.com"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Resolve(ctx, "alice@contoso.com"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
