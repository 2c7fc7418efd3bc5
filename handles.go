package outlook

import (
	"runtime"
	"weak"
)

// DefaultMailboxCacheSize is how many mailbox handles a Client keeps ready
// by default (see WithMailboxCacheSize).
const DefaultMailboxCacheSize = 1000

// handles is the client's bounded set of mailbox handles, by lower-cased
// address. It keeps at most size handles, evicting with the CLOCK algorithm
// (an approximation of least recently used that costs a lookup no lock
// and no allocation: a lookup only sets the handle's used bit). An evicted
// handle is remembered weakly: while a caller still holds it, the client
// hands out that same handle for its address, so one mailbox keeps one
// handle (and one request limit); once nobody does, the garbage collector
// takes it and the entry goes too.
//
// The Client's mutex guards every field.
type handles struct {
	size    int
	byAddr  map[string]*Mailbox
	ring    []*Mailbox // the cached handles, in the order the hand visits them
	hand    int
	evicted map[string]weak.Pointer[Mailbox]
}

func newHandles(size int) handles {
	return handles{size: size, byAddr: map[string]*Mailbox{}, evicted: map[string]weak.Pointer[Mailbox]{}}
}

// get returns the cached handle of addr, or nil. It only reads: callers
// may hold the read lock.
func (h *handles) get(addr string) *Mailbox { return h.byAddr[addr] }

// find returns the handle of addr, cached or evicted but still held,
// bringing an evicted one back into the cache.
func (h *handles) find(c *Client, addr string) *Mailbox {
	if mb := h.byAddr[addr]; mb != nil {
		return mb
	}
	wp, ok := h.evicted[addr]
	if !ok {
		return nil
	}
	mb := wp.Value()
	if mb == nil {
		delete(h.evicted, addr)
		return nil
	}
	delete(h.evicted, addr)
	h.put(c, mb)
	return mb
}

// put caches mb, which must not be cached yet, evicting another handle
// when the cache is full.
func (h *handles) put(c *Client, mb *Mailbox) {
	mb.used.Store(true)
	h.byAddr[mb.address] = mb
	if len(h.ring) < h.size {
		h.ring = append(h.ring, mb)
		return
	}
	for {
		old := h.ring[h.hand]
		if old.used.Swap(false) {
			h.hand = (h.hand + 1) % len(h.ring)
			continue
		}
		delete(h.byAddr, old.address)
		h.remember(c, old)
		h.ring[h.hand] = mb
		h.hand = (h.hand + 1) % len(h.ring)
		return
	}
}

// remember keeps a weak reference to an evicted handle, dropped when the
// handle is collected.
func (h *handles) remember(c *Client, mb *Mailbox) {
	wp := weak.Make(mb)
	h.evicted[mb.address] = wp
	if !mb.cleanup {
		mb.cleanup = true
		runtime.AddCleanup(mb, c.forgetEvicted, mb.address)
	}
}

// forgetEvicted drops the weak entry of a collected handle.
func (c *Client) forgetEvicted(addr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if wp, ok := c.handles.evicted[addr]; ok && wp.Value() == nil {
		delete(c.handles.evicted, addr)
	}
}

// counts reports the cached and the remembered handles.
func (h *handles) counts() (cached, evicted int) { return len(h.byAddr), len(h.evicted) }
