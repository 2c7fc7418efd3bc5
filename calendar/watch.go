package calendar

import (
	"context"
	"iter"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// WatchView yields the changes to the default calendar's view of
// [start, end) as SyncView does, round after round, until ctx ends:
// pushed where the mailbox pushes (EWS streaming notifications on
// premises; Graph change notifications on the mailbox's events when the
// client's odata.WatchOptions name a Waker such as a notify.Receiver) and
// polled otherwise, each change once. Store the State of each
// odata.Checkpoint after applying the changes before it, and pass it back
// (with the same window) to resume after a restart. odata.Watch says how
// errors, retries and catching up go.
func (s *Service) WatchView(ctx context.Context, start, end time.Time, state string) iter.Seq2[odata.Change[Event], error] {
	return s.watchView(ctx, DefaultCalendar, start, end, state)
}

// WatchCalendarView is WatchView over a given calendar (Outlook REST v2.0
// and EWS only, as SyncCalendarView).
func (s *Service) WatchCalendarView(ctx context.Context, cal CalendarID, start, end time.Time, state string) iter.Seq2[odata.Change[Event], error] {
	return s.watchView(ctx, cal, start, end, state)
}

func (s *Service) watchView(ctx context.Context, cal CalendarID, start, end time.Time, state string) iter.Seq2[odata.Change[Event], error] {
	op := "WatchView"
	if cal != DefaultCalendar {
		op = "WatchCalendarView"
	}
	if _, err := windowParams(op, start, end); err != nil {
		return func(yield func(odata.Change[Event], error) bool) { yield(odata.Change[Event]{}, err) }
	}
	return odata.Watch(ctx, s.c, syncViewPath(cal), state, nil,
		func(ctx context.Context, state string) iter.Seq2[odata.Change[Event], error] {
			return s.syncView(ctx, op, cal, start, end, state)
		})
}
