package odata

import (
	"context"
	"fmt"
	"iter"
	"net/http"
)

// Page is one page of a collection. Keep NextLink (or DeltaLink) to resume a
// long listing after a crash with [NextPage].
type Page[T any] struct {
	Value []T `json:"value"`
	// NextLink is the URL of the next page, or "" on the last page. Follow
	// it verbatim: it repeats the query and the server's paging state.
	NextLink string `json:"@odata.nextLink,omitzero"`
	// DeltaLink ends a round of change tracking: the state to start the
	// next round from.
	DeltaLink string `json:"@odata.deltaLink,omitzero"`
	// Count is the total number of matching items when the query asked for
	// it ($count=true), else nil.
	Count *int64 `json:"@odata.count,omitzero"`
}

// Get fetches one entity.
func Get[T any](ctx context.Context, c *Client, p Path, q *Query) (*T, error) {
	v, err := call[T](ctx, c, &Request{Method: http.MethodGet, Path: p, Query: q})
	if err == nil && v == nil {
		// A GET of an entity answered 2xx without one: never hand the caller
		// a nil value with a nil error.
		return nil, fmt.Errorf("%w: GET %s", ErrEmptyResponse, p)
	}
	return v, err
}

// Create posts body to a collection and returns the entity the server made.
// Create, Update and Invoke return a nil value and no error when the service
// answers 2xx with no body (some actions answer 202 or 204).
func Create[T any](ctx context.Context, c *Client, p Path, body any) (*T, error) {
	return call[T](ctx, c, &Request{Method: http.MethodPost, Path: p, Body: body})
}

// Update patches the entity at p with body (an update type whose fields are
// Optional with `omitzero`, so only set fields are sent) and returns the
// updated entity. A non-empty ifMatch (the entity's @odata.etag) makes the
// update conditional: ErrPreconditionFailed if the entity changed meanwhile.
func Update[T any](ctx context.Context, c *Client, p Path, body any, ifMatch string) (*T, error) {
	return call[T](ctx, c, &Request{Method: http.MethodPatch, Path: p, Body: body, IfMatch: ifMatch})
}

// Delete deletes the entity at p, conditionally when ifMatch is not empty.
func Delete(ctx context.Context, c *Client, p Path, ifMatch string) error {
	resp, err := c.Do(ctx, &Request{Method: http.MethodDelete, Path: p, IfMatch: ifMatch})
	if err != nil {
		return err
	}
	drainClose(resp)
	return nil
}

// Invoke calls the action at p with params (nil for none) and decodes the
// entity it returns (move, copy, createReply...).
func Invoke[T any](ctx context.Context, c *Client, p Path, params any) (*T, error) {
	return call[T](ctx, c, &Request{Method: http.MethodPost, Path: p, Body: params})
}

// Action calls the action at p with params (nil for none) and discards any
// answer body (send, reply, forward: 202 Accepted).
func Action(ctx context.Context, c *Client, p Path, params any) error {
	resp, err := c.Do(ctx, &Request{Method: http.MethodPost, Path: p, Body: params})
	if err != nil {
		return err
	}
	drainClose(resp)
	return nil
}

// Call sends r and decodes the entity in the answer, or returns nil and no
// error when the answer has no body.
func Call[T any](ctx context.Context, c *Client, r *Request) (*T, error) {
	rr := *r // the caller's request is not changed
	return call[T](ctx, c, &rr)
}

// call sends r, a request of the package's own making, and decodes its
// whole answer into a T; a read whose body breaks off mid-way is sent again
// and decoded from the start (Client.read).
func call[T any](ctx context.Context, c *Client, r *Request) (*T, error) {
	r.result = schemaOf[T]()
	var v *T
	err := c.read(ctx, r, func(resp *http.Response, t *target) error {
		v = new(T)
		ok, err := decode(t.dialect, resp, v, c.lim)
		if !ok {
			v = nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func drainClose(resp *http.Response) {
	// Reading a little lets the connection be reused.
	var b [512]byte
	for range 8 {
		if _, err := resp.Body.Read(b[:]); err != nil {
			break
		}
	}
	resp.Body.Close()
}

// ListPage fetches the first page of the collection at p.
func ListPage[T any](ctx context.Context, c *Client, p Path, q *Query) (*Page[T], error) {
	return fetchPage[T](ctx, c, &Request{Method: http.MethodGet, Path: p, Query: q})
}

// NextPage fetches the page at link, a NextLink or DeltaLink the server
// returned (possibly stored by an earlier process). Links outside the
// client's service root are refused with ErrForeignLink.
func NextPage[T any](ctx context.Context, c *Client, link string) (*Page[T], error) {
	return fetchPage[T](ctx, c, &Request{Method: http.MethodGet, link: link})
}

// fetchPage gets one page into a fresh slice, so elements stay valid after
// the iterator moves on. A page whose body breaks off mid-way is requested
// again and decoded from the start (Client.read): List and Sync go on from
// the page that failed, and yield nothing twice, since a page is yielded
// only once decoded whole.
func fetchPage[T any](ctx context.Context, c *Client, r *Request) (*Page[T], error) {
	return fetchPageOf[T](ctx, c, r, schemaOf[T]())
}

// fetchPageOf is fetchPage for items described by s (change tracking reads
// raw items it decodes later).
func fetchPageOf[T any](ctx context.Context, c *Client, r *Request, s *Schema) (*Page[T], error) {
	r.result = s
	var pg *Page[T]
	err := c.read(ctx, r, func(resp *http.Response, t *target) error {
		pg = new(Page[T])
		return decodePage(t.dialect, resp, pg, s, c.lim, r.trackChanges, pageSizeHint(r))
	})
	if err != nil {
		return nil, err
	}
	return pg, nil
}

// List yields every item of the collection at p, page by page: lazily, one
// page in memory, following NextLink until the last page. It stops at the
// first error (yielded once) or when the caller breaks, sending nothing
// more. Ranging again starts over.
func List[T any](ctx context.Context, c *Client, p Path, q *Query) iter.Seq2[*T, error] {
	return Items[T](ctx, c, &Request{Method: http.MethodGet, Path: p, Query: q})
}

// Items is List for a prepared request.
func Items[T any](ctx context.Context, c *Client, first *Request) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		r := *first
		guard := newLinkGuard(c.firstURL(&r))
		for {
			pg, err := fetchPage[T](ctx, c, &r)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range pg.Value {
				if !yield(&pg.Value[i], nil) {
					return
				}
			}
			if pg.NextLink == "" {
				return
			}
			if err := guard.follow(pg.NextLink, len(pg.Value)); err != nil {
				yield(nil, err)
				return
			}
			r = Request{Method: http.MethodGet, link: pg.NextLink, Header: first.Header, Query: prefOnly(first.Query), trackChanges: first.trackChanges}
		}
	}
}

// prefOnly keeps a query's Prefer settings for the following pages: the
// next link carries the query options, but Prefer headers must be sent on
// every request.
func prefOnly(q *Query) *Query {
	if q == nil {
		return nil
	}
	return &Query{Prefer: q.Prefer}
}
