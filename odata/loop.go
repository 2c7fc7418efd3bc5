package odata

import (
	"errors"
	"fmt"
	"hash/maphash"
)

// ErrPagingLoop is returned by a listing or a change-tracking round whose
// server hands back a link it already gave (a page that names itself, or
// pages that name each other in a cycle), or too many empty pages in a row:
// following it would repeat items, or spin, without end.
var ErrPagingLoop = errors.New("odata: the server's paging links loop")

// MaxEmptyPages is how many pages in a row may arrive without an item
// before a listing gives up with ErrPagingLoop. Exchange sends an empty page
// with a next link now and then (a change-tracking round over a large
// folder, say); a hundred in a row is a server that will never finish.
const MaxEmptyPages = 100

// linkGuard remembers the links one listing or one sync round has followed,
// as 64-bit hashes (8 bytes a page, however long the links), and counts the
// empty pages in a row.
type linkGuard struct {
	seed  maphash.Seed
	seen  map[uint64]struct{}
	empty int
}

func newLinkGuard(first string) *linkGuard {
	g := &linkGuard{seed: maphash.MakeSeed(), seen: make(map[uint64]struct{}, 8)}
	if first != "" {
		g.seen[maphash.String(g.seed, first)] = struct{}{}
	}
	return g
}

// follow records that a page of n items named link as the next one, and
// says whether following it would loop.
func (g *linkGuard) follow(link string, n int) error {
	if n == 0 {
		g.empty++
		if g.empty >= MaxEmptyPages {
			return fmt.Errorf("%w: %d pages in a row without an item", ErrPagingLoop, g.empty)
		}
	} else {
		g.empty = 0
	}
	h := maphash.String(g.seed, link)
	if _, ok := g.seen[h]; ok {
		return fmt.Errorf("%w: a page links to one already read", ErrPagingLoop)
	}
	g.seen[h] = struct{}{}
	return nil
}

// firstURL returns the URL the first request of a listing goes to, so that
// a page linking back to it is recognised; "" when it cannot be built (the
// request then fails on its own).
func (c *Client) firstURL(r *Request) string {
	u, err := c.url(c.t.Load(), r)
	if err != nil {
		return ""
	}
	return u
}
