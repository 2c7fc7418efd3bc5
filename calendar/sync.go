package calendar

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

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
	return s.syncView(ctx, "SyncView", DefaultCalendar, start, end, state)
}

// SyncCalendarView is SyncView over a given calendar (Outlook REST v2.0
// only: Graph v1.0 tracks the primary calendar's view alone).
func (s *Service) SyncCalendarView(ctx context.Context, cal CalendarID, start, end time.Time, state string) iter.Seq2[odata.Change[Event], error] {
	return s.syncView(ctx, "SyncCalendarView", cal, start, end, state)
}

func (s *Service) syncView(ctx context.Context, op string, cal CalendarID, start, end time.Time, state string) iter.Seq2[odata.Change[Event], error] {
	failed := func(err error) iter.Seq2[odata.Change[Event], error] {
		return func(yield func(odata.Change[Event], error) bool) { yield(odata.Change[Event]{}, err) }
	}
	params, err := windowParams(op, start, end)
	if err != nil {
		return failed(err)
	}
	if cal != DefaultCalendar && !s.c.Dialect().IsOutlookV2() {
		return failed(fmt.Errorf("calendar: %s: %w by %s: Graph v1.0 tracks the primary calendar's view only", op, odata.ErrNotSupported, s.c.Dialect()))
	}
	if err := checkWindow(op, state, params); err != nil {
		return failed(err)
	}
	changes := odata.SyncRequest[Event](ctx, s.c, &odata.Request{Path: syncViewPath(cal), Params: params}, state)
	return func(yield func(odata.Change[Event], error) bool) {
		for ch, err := range changes {
			if err == nil && ch.Kind == odata.Upserted && outside(ch.Item, start, end) {
				ch = odata.Change[Event]{Kind: odata.Removed, ID: ch.ID}
			}
			if !yield(ch, err) || err != nil {
				return
			}
		}
	}
}

// checkWindow refuses a state made for another window: its links carry the
// window they were made for.
func checkWindow(op, state string, params url.Values) error {
	if state == "" {
		return nil
	}
	_, link, err := odata.ParseSyncState(state)
	if err != nil {
		return err // odata.SyncRequest reports it the same way
	}
	u, err := url.Parse(link)
	if err != nil {
		return nil // odata.SyncRequest refuses the link
	}
	q := u.Query()
	for _, k := range []string{"startDateTime", "endDateTime"} {
		if got := paramFold(q, k); got != "" && !sameInstant(got, params.Get(k)) {
			return fmt.Errorf("calendar: %s: %w: the state was made for another window (%s %s, not %s)", op, ErrInvalidEvent, k, got, params.Get(k))
		}
	}
	return nil
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
