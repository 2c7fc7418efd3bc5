package calendar

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// eventsPath is the event collection of a calendar, or of the default
// calendar for DefaultCalendar. The default calendar's is calendar/events,
// not the mailbox's events: the form Microsoft documents for a share
// recipient or delegate reading or adding to another user's calendar
// ("Get shared or delegated Outlook calendar and its events"), and the same
// collection for the owner.
func eventsPath(cal CalendarID) odata.Path {
	if cal == DefaultCalendar {
		return odata.PathOf("calendar/events")
	}
	return odata.PathOf("calendars/{}/events", string(cal))
}

// fail is a sequence that yields err alone.
func fail[T any](err error) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) { yield(nil, err) }
}

// ListEvents yields the events of a calendar (DefaultCalendar or a
// calendar id) page by page as the loop asks for them; q may be nil.
// Lists hold single events and series masters, not occurrences: use View
// for a date range with recurrences expanded. The sequence ends after the
// first error, which it yields.
func (s *Service) ListEvents(ctx context.Context, cal CalendarID, q *odata.Query) iter.Seq2[*Event, error] {
	return odata.List[Event](ctx, s.c, eventsPath(cal), q)
}

// ListEventsPage fetches the first page of a calendar's events, for
// callers that store the page's NextLink to resume later with
// NextEventsPage.
func (s *Service) ListEventsPage(ctx context.Context, cal CalendarID, q *odata.Query) (*odata.Page[Event], error) {
	return odata.ListPage[Event](ctx, s.c, eventsPath(cal), q)
}

// NextEventsPage fetches the page at a NextLink of an earlier page.
func (s *Service) NextEventsPage(ctx context.Context, link string) (*odata.Page[Event], error) {
	return odata.NextPage[Event](ctx, s.c, link)
}

// GetEvent fetches one event, occurrence or exception; q may select
// properties or expand attachments, and may be nil. An event that does not
// exist gives an error matching odata.ErrNotFound.
func (s *Service) GetEvent(ctx context.Context, id string, q *odata.Query) (*Event, error) {
	if err := checkID("GetEvent", "event", id); err != nil {
		return nil, err
	}
	return odata.Get[Event](ctx, s.c, odata.PathOf("events/{}", id), q)
}

// CreateEvent adds e to a calendar (DefaultCalendar or a calendar id) and
// returns it as stored, with its id. Attendees get invitations at once.
// A recurrence makes it a series master; fields a fetched recurrence
// carries for patterns that do not use them are dropped, and what remains
// must pass [PatternedRecurrence.Validate].
func (s *Service) CreateEvent(ctx context.Context, cal CalendarID, e *Event) (*Event, error) {
	if err := s.checkEvent("CreateEvent", e); err != nil {
		return nil, err
	}
	body := outgoing(e)
	if e.Recurrence != nil {
		if body == e {
			c := *e
			body = &c
		}
		r := e.Recurrence.trimmed()
		body.Recurrence = &r
	}
	return created(odata.Create[Event](ctx, s.c, eventsPath(cal), body))
}

// UpdateEvent changes the properties u sets and returns the event as
// updated. With u.ETag set the update is conditional
// (odata.ErrPreconditionFailed if the event changed meanwhile).
func (s *Service) UpdateEvent(ctx context.Context, id string, u EventUpdate) (*Event, error) {
	if err := checkID("UpdateEvent", "event", id); err != nil {
		return nil, err
	}
	if as, ok := u.Attendees.Get(); ok {
		if err := checkAttendees(as); err != nil {
			return nil, fmt.Errorf("calendar: UpdateEvent: %w", err)
		}
	}
	if r, ok := u.Recurrence.Get(); ok {
		r = r.trimmed()
		if err := r.validate(); err != nil {
			return nil, fmt.Errorf("calendar: UpdateEvent: %w", err)
		}
		u.Recurrence = odata.Set(r)
	}
	if s.c.Dialect().IsOutlookV2() {
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"locations", !u.Locations.IsZero()},
			{"hideAttendees", !u.HideAttendees.IsZero()},
			{"isOnlineMeeting", !u.IsOnlineMeeting.IsZero()},
			{"onlineMeetingProvider", !u.OnlineMeetingProvider.IsZero()},
		} {
			if f.set {
				return nil, s.notOnV2("UpdateEvent", f.name+" exists in Microsoft Graph only")
			}
		}
	}
	return odata.Update[Event](ctx, s.c, odata.PathOf("events/{}", id), u, u.ETag)
}

// DeleteEvent removes an event (to Deleted Items). An organizer deleting a
// meeting should Cancel it instead, to tell the attendees.
func (s *Service) DeleteEvent(ctx context.Context, id string) error {
	if err := checkID("DeleteEvent", "event", id); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf("events/{}", id), "")
}

// windowParams checks a time range and returns it as the
// startDateTime/endDateTime parameters of views and instances, in UTC.
func windowParams(op string, start, end time.Time) (url.Values, error) {
	if start.IsZero() || end.IsZero() {
		return nil, fmt.Errorf("calendar: %s: %w: the time range needs a start and an end", op, ErrInvalidEvent)
	}
	if !end.After(start) {
		return nil, fmt.Errorf("calendar: %s: %w: the time range ends (%s) before it starts (%s)", op, ErrInvalidEvent,
			end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	const layout = "2006-01-02T15:04:05.0000000Z"
	return url.Values{
		"startDateTime": {start.UTC().Format(layout)},
		"endDateTime":   {end.UTC().Format(layout)},
	}, nil
}

// viewPath is the calendar view of a calendar: calendar/calendarView for
// DefaultCalendar, which a share recipient or delegate may read in the
// owner's mailbox as it reads calendar/events.
func viewPath(cal CalendarID) odata.Path {
	if cal == DefaultCalendar {
		return odata.PathOf("calendar/calendarView")
	}
	return odata.PathOf("calendars/{}/calendarView", string(cal))
}

// syncViewPath is the calendar view whose changes SyncView and
// WatchCalendarView track: the mailbox's calendarView for DefaultCalendar,
// the path Graph documents calendarView/delta under.
func syncViewPath(cal CalendarID) odata.Path {
	if cal == DefaultCalendar {
		return odata.PathOf("calendarView")
	}
	return viewPath(cal)
}

// View yields the events of the default calendar that overlap [start,
// end), with recurring series expanded into their occurrences and
// exceptions, page by page; q may be nil (odata.Prefer.TimeZone renders
// the times in a zone). A zero or reversed range fails with
// ErrInvalidEvent before any request.
func (s *Service) View(ctx context.Context, start, end time.Time, q *odata.Query) iter.Seq2[*Event, error] {
	return s.view(ctx, "View", DefaultCalendar, start, end, q)
}

// CalendarView is View over a given calendar.
func (s *Service) CalendarView(ctx context.Context, cal CalendarID, start, end time.Time, q *odata.Query) iter.Seq2[*Event, error] {
	return s.view(ctx, "CalendarView", cal, start, end, q)
}

func (s *Service) view(ctx context.Context, op string, cal CalendarID, start, end time.Time, q *odata.Query) iter.Seq2[*Event, error] {
	params, err := windowParams(op, start, end)
	if err != nil {
		return fail[Event](err)
	}
	if cal != DefaultCalendar {
		if err := checkID(op, "calendar", string(cal)); err != nil {
			return fail[Event](err)
		}
	}
	return odata.Items[Event](ctx, s.c, &odata.Request{Method: http.MethodGet, Path: viewPath(cal), Query: q, Params: params})
}

// Instances yields the occurrences and exceptions of a series that
// overlap [start, end) (not the cancelled ones); seriesID is the series
// master's id.
func (s *Service) Instances(ctx context.Context, seriesID string, start, end time.Time, q *odata.Query) iter.Seq2[*Event, error] {
	if err := checkID("Instances", "series master", seriesID); err != nil {
		return fail[Event](err)
	}
	params, err := windowParams("Instances", start, end)
	if err != nil {
		return fail[Event](err)
	}
	return odata.Items[Event](ctx, s.c, &odata.Request{Method: http.MethodGet, Path: odata.PathOf("events/{}/instances", seriesID), Query: q, Params: params})
}
