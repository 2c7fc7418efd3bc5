package autodiscover

import (
	"context"
	"sync"
	"time"
)

// Cache stores resolved endpoints per mailbox. Keys are lower-cased SMTP
// addresses. The in-memory default ([NewMemoryCache]) suits one process; a
// fleet can share one store (Redis, memcached) by implementing Cache.
//
// Implementations must be safe for concurrent use. Get is on the hot path of
// every cached Resolve: it should not allocate. A shared store may decline to
// keep negative entries (Entry.Failure set), whose error values do not
// serialize; Resolve then simply asks again when they are missing.
type Cache interface {
	// Get returns the entry stored for key, expired or not: Resolve decides
	// what an expired entry is still good for.
	Get(ctx context.Context, key string) (Entry, bool)
	// Put stores e for key, replacing any earlier entry.
	Put(ctx context.Context, key string, e Entry)
	// Delete removes the entry for key, if any.
	Delete(ctx context.Context, key string)
}

// Entry is one cached answer: an endpoint, or the failure to find one.
type Entry struct {
	// Endpoint is the answer; zero for a negative entry.
	Endpoint Endpoint
	// Failure is set for a negative entry: the error the last resolution ended with.
	Failure *Error
	// Expires is when the entry stops being fresh.
	Expires time.Time
}

// DefaultCacheSize is the number of mailboxes [NewMemoryCache] keeps when
// given a size below 1.
const DefaultCacheSize = 10000

// MemoryCache is the in-process [Cache]. It holds at most a fixed number of
// entries; when full it drops expired entries first, then arbitrary ones.
type MemoryCache struct {
	mu  sync.RWMutex
	max int
	m   map[string]Entry
	now func() time.Time
}

// NewMemoryCache returns an empty in-memory cache holding up to max entries
// ([DefaultCacheSize] when max < 1).
func NewMemoryCache(max int) *MemoryCache {
	if max < 1 {
		max = DefaultCacheSize
	}
	return &MemoryCache{max: max, m: make(map[string]Entry), now: time.Now}
}

// Get implements [Cache]. It does not allocate.
func (c *MemoryCache) Get(_ context.Context, key string) (Entry, bool) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	return e, ok
}

// Put implements [Cache].
func (c *MemoryCache) Put(_ context.Context, key string, e Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		c.evictLocked()
	}
	c.m[key] = e
}

// Delete implements [Cache].
func (c *MemoryCache) Delete(_ context.Context, key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// Len returns the number of entries held, expired ones included.
func (c *MemoryCache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// evictLocked makes room for one entry: every expired entry goes, and if none
// had expired, one arbitrary entry (map order) does.
func (c *MemoryCache) evictLocked() {
	now := c.now()
	n := len(c.m)
	for k, e := range c.m {
		if !now.Before(e.Expires) {
			delete(c.m, k)
		}
	}
	if len(c.m) < n {
		return
	}
	for k := range c.m {
		delete(c.m, k)
		return
	}
}
