package calendar_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// invitation seeds a meeting organized by someone else into the mailbox,
// as an invitation leaves it in an attendee's calendar.
func invitation(e *env) string {
	return e.Box.Add("events", outlooktest.Object{
		"subject":        "Budget",
		"start":          outlooktest.Object{"dateTime": "2026-03-03T10:00:00", "timeZone": "UTC"},
		"end":            outlooktest.Object{"dateTime": "2026-03-03T11:00:00", "timeZone": "UTC"},
		"isOrganizer":    false,
		"organizer":      outlooktest.Object{"emailAddress": outlooktest.Object{"address": "lee@example.org"}},
		"responseStatus": outlooktest.Object{"response": "notResponded", "time": "0001-01-01T00:00:00Z"},
		"isReminderOn":   true,
	})
}

func TestResponses(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		id := invitation(e)
		for _, r := range []struct {
			name string
			call func() error
			want calendar.ResponseType
		}{
			{"Accept", func() error { return cal.Accept(ctx, id, &calendar.ResponseOptions{Comment: "See you"}) }, calendar.ResponseAccepted},
			{"TentativelyAccept", func() error { return cal.TentativelyAccept(ctx, id, nil) }, calendar.ResponseTentativelyAccepted},
		} {
			noErr(t, r.name, r.call())
			ev, err := cal.GetEvent(ctx, id, nil)
			noErr(t, "GetEvent", err)
			if ev.ResponseStatus.Response != r.want || ev.ResponseStatus.Time.IsZero() {
				t.Errorf("after %s: response %+v, want %q with a time", r.name, ev.ResponseStatus, r.want)
			}
		}
		// A declined meeting leaves the calendar (Exchange moves it to
		// Deleted Items, under another id).
		noErr(t, "Decline", cal.Decline(ctx, id, &calendar.ResponseOptions{Silent: true}))
		if _, err := cal.GetEvent(ctx, id, nil); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("GetEvent after Decline: %v, want ErrNotFound", err)
		}
		own, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "mine",
			Start: item.FromTime(at(0, 8, 0)), End: item.FromTime(at(0, 9, 0))})
		noErr(t, "CreateEvent", err)
		if err := cal.Accept(ctx, own.ID, nil); !isStatus(err, 400) {
			t.Errorf("organizer Accept: %v; want a 400", err)
		}
		id = invitation(e)
		slot := &item.TimeSlot{Start: item.FromTime(at(1, 12, 0)), End: item.FromTime(at(1, 13, 0))}
		err = cal.Decline(ctx, id, &calendar.ResponseOptions{ProposedNewTime: slot, Silent: true})
		if e.Loc == rest && !errors.Is(err, odata.ErrNotSupported) || e.Loc != rest && !errors.Is(err, calendar.ErrInvalidEvent) {
			t.Errorf("silent Decline with a proposal: %v", err)
		}
		err = cal.TentativelyAccept(ctx, id, &calendar.ResponseOptions{ProposedNewTime: slot})
		if e.Loc == rest {
			if !errors.Is(err, odata.ErrNotSupported) {
				t.Errorf("v2.0 TentativelyAccept with a proposal: %v, want ErrNotSupported", err)
			}
			return
		}
		noErr(t, "TentativelyAccept with a proposal", err)
		ev, err := cal.GetEvent(ctx, id, nil)
		noErr(t, "GetEvent", err)
		if ev.ResponseStatus.Response != calendar.ResponseTentativelyAccepted {
			t.Errorf("after a proposal: response %+v", ev.ResponseStatus)
		}
	})
}

func TestCancelForwardReminders(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		ev, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Retro",
			Start: item.FromTime(at(0, 16, 0)), End: item.FromTime(at(0, 17, 0)), Attendees: calendar.Attendees("lee@example.org")})
		noErr(t, "CreateEvent", err)

		e.Srv.ResetRequests()
		errC := cal.Cancel(ctx, ev.ID, "Cancelled, sorry")
		errF := cal.Forward(ctx, ev.ID, []item.Recipient{{EmailAddress: item.EmailAddress{Address: "kim@example.org"}}}, "FYI")
		if e.Loc == rest {
			if !errors.Is(errC, odata.ErrNotSupported) || !errors.Is(errF, odata.ErrNotSupported) {
				t.Errorf("v2.0 Cancel, Forward: %v, %v; want ErrNotSupported", errC, errF)
			}
			if n := servicetest.RESTRequests(e.Srv, onPremHost); n != 0 {
				t.Errorf("%d requests for unsupported operations", n)
			}
		} else {
			noErr(t, "Cancel", errC)
			// The event is gone, so the forward that followed found nothing.
			if !errors.Is(errF, odata.ErrNotFound) {
				t.Errorf("Forward of a cancelled event: %v; want ErrNotFound", errF)
			}
			if _, err := cal.GetEvent(ctx, ev.ID, nil); !errors.Is(err, odata.ErrNotFound) {
				t.Errorf("cancelled event still there: %v", err)
			}
			other, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Demo",
				Start: item.FromTime(at(1, 16, 0)), End: item.FromTime(at(1, 17, 0))})
			noErr(t, "CreateEvent", err)
			noErr(t, "Forward", cal.Forward(ctx, other.ID, []item.Recipient{{EmailAddress: item.EmailAddress{Address: "kim@example.org"}}}, "FYI"))
			if err := cal.Cancel(ctx, invitation(e), ""); !isStatus(err, 400) {
				t.Errorf("attendee Cancel: %v; want a 400", err)
			}
		}

		id := invitation(e)
		noErr(t, "DismissReminder", cal.DismissReminder(ctx, id))
		got, err := cal.GetEvent(ctx, id, nil)
		noErr(t, "GetEvent", err)
		if got.IsReminderOn == nil || *got.IsReminderOn {
			t.Errorf("after DismissReminder isReminderOn = %v", got.IsReminderOn)
		}
		noErr(t, "SnoozeReminder", cal.SnoozeReminder(ctx, id, at(1, 9, 55).In(time.FixedZone("", 3600))))
		got, err = cal.GetEvent(ctx, id, nil)
		noErr(t, "GetEvent", err)
		if got.IsReminderOn == nil || !*got.IsReminderOn {
			t.Errorf("after SnoozeReminder isReminderOn = %v", got.IsReminderOn)
		}
		if err := cal.SnoozeReminder(ctx, id, time.Time{}); !errors.Is(err, calendar.ErrInvalidEvent) {
			t.Errorf("SnoozeReminder without a time: %v", err)
		}
	})
}

func TestGetScheduleDialects(t *testing.T) {
	e := newEnv(t, rest)
	e.Srv.ResetRequests()
	_, err := e.MB.Calendar.GetSchedule(t.Context(), calendar.ScheduleRequest{Schedules: []string{cloudAddr}, Start: day, End: day.AddDate(0, 0, 1)})
	if !errors.Is(err, odata.ErrNotSupported) || servicetest.RESTRequests(e.Srv, onPremHost) != 0 {
		t.Errorf("v2.0 GetSchedule: %v after %d requests; want ErrNotSupported before any", err, servicetest.RESTRequests(e.Srv, onPremHost))
	}
}

// isStatus reports whether err is the service's answer with that status.
func isStatus(err error, status int) bool {
	oe, ok := errors.AsType[*odata.Error](err)
	return ok && oe.StatusCode == status
}

// GetSchedule reads the free/busy of the other side of the hybrid, and
// reports a mailbox that does not exist in its own entry.
func TestGetSchedule(t *testing.T) {
	servicetest.Locations{cloud, ews}.Each(t, func(t *testing.T, e *env) {
		other := e.Srv.Mailbox(e.Other)
		for _, ev := range []struct{ subject, showAs, from, to string }{
			{"Busy", "busy", "09:00", "10:00"}, {"Maybe", "tentative", "10:30", "11:00"},
		} {
			other.Add("events", outlooktest.Object{"subject": ev.subject, "showAs": ev.showAs,
				"start": outlooktest.Object{"dateTime": "2026-03-02T" + ev.from + ":00", "timeZone": "UTC"},
				"end":   outlooktest.Object{"dateTime": "2026-03-02T" + ev.to + ":00", "timeZone": "UTC"}})
		}
		got, err := e.MB.Calendar.GetSchedule(t.Context(), calendar.ScheduleRequest{Schedules: []string{e.Other, "nobody@fabrikam.com"},
			Start: at(0, 8, 0), End: at(0, 12, 0), Interval: time.Hour})
		noErr(t, "GetSchedule", err)
		if len(got) != 2 {
			t.Fatalf("%d schedules, want 2", len(got))
		}
		s := got[0]
		if s.ScheduleID != e.Other || s.AvailabilityView != "0210" || s.Error != nil {
			t.Errorf("schedule = %+v", s)
		}
		var status []string
		for _, it := range s.ScheduleItems {
			status = append(status, string(it.Status)+" "+it.Start.DateTime[11:16]+"-"+it.End.DateTime[11:16])
		}
		if !slices.Equal(status, []string{"busy 09:00-10:00", "tentative 10:30-11:00"}) {
			t.Errorf("schedule items %q", status)
		}
		if wh := s.WorkingHours; wh == nil || len(wh.DaysOfWeek) != 5 || wh.StartTime != "08:00:00.0000000" || string(wh.TimeZone) != `{"name":"UTC"}` {
			t.Errorf("working hours %+v", wh)
		}
		if got[1].ScheduleID != "nobody@fabrikam.com" || got[1].Error == nil {
			t.Errorf("unknown mailbox: %+v", got[1])
		}
		if e.Loc == ews {
			// GetUserAvailability takes 42 days at most.
			before := servicetest.RESTRequests(e.Srv, onPremHost)
			_, err := e.MB.Calendar.GetSchedule(t.Context(), calendar.ScheduleRequest{Schedules: []string{e.Other}, Start: day, End: day.AddDate(0, 0, 50)})
			if !errors.Is(err, odata.ErrNotSupported) || servicetest.RESTRequests(e.Srv, onPremHost) != before {
				t.Errorf("a 50-day window: %v, want ErrNotSupported before any request", err)
			}
		}
	})
}
