package calendar

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/odata"
)

// SyncView runs one round of change tracking over the default calendar's
// view of [start, end) (Graph calendarView/delta, or Outlook REST v2.0
// track-changes on calendarview): with state "" it reports every event of
// the window as odata.Upserted (series masters, occurrences and
// exceptions), then, from the state of the last odata.Checkpoint of a
// round, only what changed since. Store each Checkpoint's State after
// applying the changes before it; a state is valid only for the window it
// was made with.
//
// Graph reports events that changed outside the window too: SyncView
// reports an upserted event (not a series master) whose start and end lie
// wholly outside the window as odata.Removed (it left the window, or was never in it), so a
// Removed id may name an event the caller never saw: apply changes
// idempotently. On v2.0, occurrences come abbreviated (id, series master,
// start, end, type) and deleting a master removes its occurrences.
//
// An expired state yields an error matching odata.ErrGone, a state from
// the other dialect odata.ErrStateMismatch: start over with "". A zero or
// reversed window fails with ErrInvalidEvent before any request.
func (s *Service) SyncView(ctx context.Context, start, end time.Time, state string) iter.Seq2[odata.Change[Event], error] {
	return s.SyncCalendarView(ctx, DefaultCalendar, start, end, state)
}

// SyncCalendarView is SyncView over a given calendar (Outlook REST v2.0
// only: Graph v1.0 tracks the primary calendar's view alone).
func (s *Service) SyncCalendarView(ctx context.Context, cal CalendarID, start, end time.Time, state string) iter.Seq2[odata.Change[Event], error] {
	failed := func(err error) iter.Seq2[odata.Change[Event], error] {
		return func(yield func(odata.Change[Event], error) bool) { yield(odata.Change[Event]{}, err) }
	}
	params, err := windowParams("SyncView", start, end)
	if err != nil {
		return failed(err)
	}
	v2 := s.c.Dialect().IsOutlookV2()
	if cal != DefaultCalendar && !v2 {
		return failed(fmt.Errorf("calendar: SyncView of a calendar other than the default: %w by %s: Graph v1.0 tracks the primary calendar only", odata.ErrNotSupported, s.c.Dialect()))
	}
	first, err := s.syncRequest(cal, params, state)
	if err != nil {
		return failed(err)
	}
	return func(yield func(odata.Change[Event], error) bool) {
		r, initial := first, state == ""
		for {
			pg, err := s.syncPage(ctx, r)
			if err != nil {
				yield(odata.Change[Event]{}, err)
				return
			}
			for _, raw := range pg.Value {
				ch, err := decodeChange(raw)
				if err != nil {
					yield(odata.Change[Event]{}, err)
					return
				}
				if ch.Kind == odata.Upserted && outside(ch.Item, start, end) {
					ch = odata.Change[Event]{Kind: odata.Removed, ID: ch.ID}
				}
				if !yield(ch, nil) {
					return
				}
			}
			next, done := pg.NextLink, false
			switch {
			case next != "":
			case pg.DeltaLink != "" && initial && v2:
				// v2.0 ends its first answer with a deltaLink even when
				// more data exists: the round goes on from it.
				next = pg.DeltaLink
			case pg.DeltaLink != "":
				next, done = pg.DeltaLink, true
			default:
				yield(odata.Change[Event]{}, errors.New("calendar: SyncView: the page has neither a next link nor a delta link"))
				return
			}
			initial = false
			st := s.encodeState(next)
			if !yield(odata.Change[Event]{Kind: odata.Checkpoint, State: st, Done: done}, nil) || done {
				return
			}
			if r, err = s.syncRequest(cal, params, st); err != nil {
				yield(odata.Change[Event]{}, err)
				return
			}
		}
	}
}

// syncCall is one request of a round: a prepared request, or a link to
// follow verbatim (Graph).
type syncCall struct {
	req  *odata.Request
	link string
}

var trackChanges = http.Header{"Prefer": {"odata.track-changes"}}

const statePrefix = "calendar-view/"

func (s *Service) encodeState(link string) string {
	return statePrefix + s.c.Dialect().String() + " " + link
}

// syncRequest builds a request of a round from its state. Graph follows
// its links verbatim. v2.0 repeats the view's URL with the token of the
// link ($deltatoken or $skiptoken) and the track-changes preference, as
// Microsoft documents.
func (s *Service) syncRequest(cal CalendarID, params url.Values, state string) (syncCall, error) {
	v2 := s.c.Dialect().IsOutlookV2()
	if state == "" {
		if v2 {
			return syncCall{req: &odata.Request{Method: http.MethodGet, Path: viewPath(cal), Params: params, Header: trackChanges}}, nil
		}
		return syncCall{req: &odata.Request{Method: http.MethodGet, Path: odata.PathOf("calendarView/delta"), Params: params}}, nil
	}
	rest, ok := strings.CutPrefix(state, statePrefix)
	dialect, link, ok2 := strings.Cut(rest, " ")
	if !ok || !ok2 || link == "" {
		return syncCall{}, fmt.Errorf("calendar: SyncView: %w: malformed state", odata.ErrGone)
	}
	if dialect != s.c.Dialect().String() {
		return syncCall{}, fmt.Errorf("calendar: SyncView: %w (made by %s)", odata.ErrStateMismatch, dialect)
	}
	u, err := url.Parse(link)
	if err != nil {
		return syncCall{}, fmt.Errorf("calendar: SyncView: %w: malformed state: %v", odata.ErrGone, err)
	}
	q := u.Query()
	for _, k := range []string{"startDateTime", "endDateTime"} {
		if got := paramFold(q, k); got != "" && !sameInstant(got, params.Get(k)) {
			return syncCall{}, fmt.Errorf("calendar: SyncView: %w: the state was made for another window (%s %s, not %s)", ErrInvalidEvent, k, got, params.Get(k))
		}
	}
	if !v2 {
		return syncCall{link: link}, nil
	}
	p := url.Values{}
	for k, vs := range params {
		p[k] = vs
	}
	h := trackChanges
	switch {
	case paramFold(q, "$skiptoken") != "":
		p.Set("$skiptoken", paramFold(q, "$skiptoken"))
	case paramFold(q, "$deltatoken") != "":
		p.Set("$deltatoken", paramFold(q, "$deltatoken"))
	default:
		return syncCall{}, fmt.Errorf("calendar: SyncView: %w: the state holds no token", odata.ErrGone)
	}
	return syncCall{req: &odata.Request{Method: http.MethodGet, Path: viewPath(cal), Params: p, Header: h}}, nil
}

// paramFold returns the value of a query parameter, ignoring the case of
// its name (v2.0 links may spell it StartDateTime).
func paramFold(q url.Values, name string) string {
	for k, vs := range q {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// sameInstant compares two window bounds as instants when both parse.
func sameInstant(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339Nano, a)
	tb, err2 := time.Parse(time.RFC3339Nano, b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return ta.Equal(tb)
}

func (s *Service) syncPage(ctx context.Context, r syncCall) (*odata.Page[jsontext.Value], error) {
	if r.link != "" {
		return odata.NextPage[jsontext.Value](ctx, s.c, r.link)
	}
	return odata.Call[odata.Page[jsontext.Value]](ctx, s.c, r.req)
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

var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// decodeChange reads one element of a change-tracking page: a Graph
// "@removed" entry, a v2.0 deleted entity ({"id":"Events('AAMk...')",
// "reason":"deleted"}), or an event.
func decodeChange(raw jsontext.Value) (odata.Change[Event], error) {
	var p changeProbe
	if err := json.Unmarshal(raw, &p, lenient); err != nil {
		return odata.Change[Event]{}, fmt.Errorf("calendar: decoding a change: %w", err)
	}
	if p.Removed != nil {
		return odata.Change[Event]{Kind: odata.Removed, ID: p.ID}, nil
	}
	if strings.HasSuffix(p.Context, "$deletedEntity") || (p.Reason != "" && strings.HasSuffix(p.ID, "')")) {
		id, err := keyFromEntityID(p.ID)
		if err != nil {
			return odata.Change[Event]{}, err
		}
		return odata.Change[Event]{Kind: odata.Removed, ID: id}, nil
	}
	ev := new(Event)
	if err := json.Unmarshal(raw, ev, lenient); err != nil {
		return odata.Change[Event]{}, fmt.Errorf("calendar: decoding a change: %w", err)
	}
	return odata.Change[Event]{Kind: odata.Upserted, ID: ev.ID, Item: ev}, nil
}

// keyFromEntityID reads the key out of "Events('AAMk...')" (quotes inside
// doubled), or returns a bare id unchanged.
func keyFromEntityID(s string) (string, error) {
	open := strings.Index(s, "('")
	if open < 0 {
		return s, nil
	}
	if !strings.HasSuffix(s, "')") || len(s) < open+4 {
		return "", fmt.Errorf("calendar: malformed deleted-entity id %q", s)
	}
	return strings.ReplaceAll(s[open+2:len(s)-2], "''", "'"), nil
}

// outside reports whether an event with both boundaries known lies wholly
// outside [start, end). Events without them (partial updates) are kept.
func outside(e *Event, start, end time.Time) bool {
	if e == nil || e.Start.DateTime == "" || e.End.DateTime == "" {
		return false
	}
	if e.Type == EventSeriesMaster || e.Recurrence != nil {
		return false // a master's times are its first occurrence's
	}
	s, err1 := e.Start.Time()
	f, err2 := e.End.Time()
	if err1 != nil || err2 != nil {
		return false
	}
	if !f.After(s) { // zero-length events sit at their start
		return s.Before(start) || !s.Before(end)
	}
	return !f.After(start) || !s.Before(end)
}
