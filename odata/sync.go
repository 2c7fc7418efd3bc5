package odata

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ChangeKind says what a Change reports.
type ChangeKind uint8

const (
	// Upserted: the item was created or changed. Graph does not tell the two
	// apart; an update may carry only the changed properties.
	Upserted ChangeKind = iota + 1
	// Removed: the item was deleted or left the tracked collection.
	Removed
	// Checkpoint: every change before it has been yielded; store State to
	// resume from here. The last one of a round has Done set and its State
	// starts the next round.
	Checkpoint
)

// Change is one element of a change-tracking round.
type Change[T any] struct {
	Kind  ChangeKind
	ID    string // the item's id (Upserted, Removed)
	Item  *T     // Upserted only
	State string // Checkpoint only: opaque, store it as is
	Done  bool   // Checkpoint only: the round is complete
}

// ErrStateMismatch is returned when a sync state was made by another dialect
// (the mailbox moved between Exchange Online and on-premises): start over
// with an empty state. It matches ErrGone too.
var ErrStateMismatch = fmt.Errorf("%w: sync state from another dialect", ErrGone)

// Sync runs one round of change tracking over the collection at p (a
// folder's messages, contacts, a calendar view). With an empty state it
// starts from scratch (every item is reported as Upserted) with the query q
// (Graph allows only some options on delta queries); otherwise it resumes
// from a Checkpoint's State, and q's options are ignored except Prefer.
//
// Graph v1.0 uses the collection's /delta function; Outlook REST v2.0 uses
// the collection itself with Prefer: odata.track-changes. The state records
// which, so a state made for one dialect is refused by the other
// (ErrStateMismatch). An expired state yields an error matching ErrGone:
// start over with "".
//
// Replaying an older state repeats changes but loses none: apply Upserted
// and Removed idempotently and store each Checkpoint's State after applying
// what came before it.
func Sync[T any](ctx context.Context, c *Client, p Path, q *Query, state string) iter.Seq2[Change[T], error] {
	return SyncRequest[T](ctx, c, &Request{Path: p, Query: q}, state)
}

// SyncRequest is Sync for a prepared first request: its Path names the
// tracked collection, and its Query, Params (a calendar view's
// startDateTime and endDateTime) and Header go with the first call of a
// round started from scratch. Later calls follow the server's links, which
// carry them.
func SyncRequest[T any](ctx context.Context, c *Client, first *Request, state string) iter.Seq2[Change[T], error] {
	return func(yield func(Change[T], error) bool) {
		q := first.Query
		r, initialV2, err := c.syncRequest(first, state)
		if err != nil {
			yield(Change[T]{}, err)
			return
		}
		guard := newLinkGuard(c.firstURL(r))
		for {
			pg, err := fetchPageOf[jsontext.Value](ctx, c, r, schemaOf[T]())
			if err != nil {
				yield(Change[T]{}, err)
				return
			}
			for _, raw := range pg.Value {
				ch, err := decodeChange[T](raw)
				if err != nil {
					yield(Change[T]{}, err)
					return
				}
				if !yield(ch, nil) {
					return
				}
			}
			next, done := pg.NextLink, false
			switch {
			case next != "":
			case pg.DeltaLink != "" && initialV2:
				// v2.0 ends its first answer with a deltaLink even when more
				// data exists: the round goes on from it.
				next = pg.DeltaLink
			case pg.DeltaLink != "":
				next, done = pg.DeltaLink, true
			default:
				yield(Change[T]{}, fmt.Errorf("odata: change tracking of %s: the page has neither a next link nor a delta link", first.Path))
				return
			}
			initialV2 = false
			if !done {
				if err := guard.follow(next, len(pg.Value)); err != nil {
					yield(Change[T]{}, err)
					return
				}
			}
			if !yield(Change[T]{Kind: Checkpoint, State: c.encodeState(next), Done: done}, nil) || done {
				return
			}
			r = &Request{Method: http.MethodGet, link: next, Query: prefOnly(q), trackChanges: true}
		}
	}
}

// syncRequest builds the first request of a round.
func (c *Client) syncRequest(first *Request, state string) (r *Request, initialV2 bool, err error) {
	q := first.Query
	if state == "" {
		if q != nil && q.Search != "" {
			return nil, false, fmt.Errorf("%w: $search is not available in change tracking", ErrInvalidQuery)
		}
		r := &Request{Method: http.MethodGet, Path: first.Path, Query: q, Params: first.Params, Header: first.Header}
		if c.Dialect().v2 {
			r.trackChanges = true
			return r, true, nil
		}
		r.Path.tmpl += "/delta"
		return r, false, nil
	}
	link, err := c.decodeState(state)
	if err != nil {
		return nil, false, err
	}
	return &Request{Method: http.MethodGet, link: link, Query: prefOnly(q), trackChanges: true}, false, nil
}

const statePrefix = "odata-sync/"

func (c *Client) encodeState(link string) string {
	return statePrefix + c.Dialect().name + " " + link
}

// ParseSyncState returns the dialect name and the server link a Checkpoint
// state holds, for model packages that check a state against their own
// parameters (a calendar view's window) before resuming with it.
func ParseSyncState(state string) (dialect, link string, err error) {
	rest, ok := strings.CutPrefix(state, statePrefix)
	name, link, ok2 := strings.Cut(rest, " ")
	if !ok || !ok2 || link == "" {
		return "", "", fmt.Errorf("%w: not a sync state made by this SDK", ErrInvalidQuery)
	}
	return name, link, nil
}

func (c *Client) decodeState(state string) (string, error) {
	name, link, err := ParseSyncState(state)
	if err != nil {
		return "", err
	}
	t := c.t.Load()
	if name != t.dialect.name {
		return "", fmt.Errorf("%w (state from %s, mailbox now %s)", ErrStateMismatch, name, t.dialect.name)
	}
	if err := t.checkLink(link); err != nil {
		return "", err
	}
	return link, nil
}

// changeProbe reads what a change-tracking element says about itself.
type changeProbe struct {
	ID      string `json:"id"`
	Removed *struct {
		Reason string `json:"reason"`
	} `json:"@removed"`
	Reason  string `json:"reason"`
	Context string `json:"@odata.context"`
}

func decodeChange[T any](raw jsontext.Value) (Change[T], error) {
	var p changeProbe
	if err := json.Unmarshal(raw, &p, decodeOptions); err != nil {
		return Change[T]{}, fmt.Errorf("odata: decoding a change: %w", err)
	}
	if p.Removed != nil {
		return Change[T]{Kind: Removed, ID: p.ID}, nil
	}
	if strings.HasSuffix(p.Context, "$deletedEntity") || (p.Reason != "" && strings.HasSuffix(p.ID, "')")) {
		// v2.0: {"id":"Messages('AAMk...')","reason":"deleted"}.
		id, err := keyFromEntityID(p.ID)
		if err != nil {
			return Change[T]{}, err
		}
		return Change[T]{Kind: Removed, ID: id}, nil
	}
	v := new(T)
	if err := json.Unmarshal(raw, v, decodeOptions); err != nil {
		return Change[T]{}, fmt.Errorf("odata: decoding a change: %w", err)
	}
	return Change[T]{Kind: Upserted, ID: p.ID, Item: v}, nil
}

// keyFromEntityID reads the key out of "Messages('AAMk...')" (quotes inside
// doubled), or returns a bare id unchanged.
func keyFromEntityID(s string) (string, error) {
	open := strings.Index(s, "('")
	if open < 0 {
		return s, nil
	}
	if !strings.HasSuffix(s, "')") || len(s) < open+4 {
		return "", errors.New("odata: malformed deleted-entity id " + fmt.Sprintf("%q", s))
	}
	return strings.ReplaceAll(s[open+2:len(s)-2], "''", "'"), nil
}
