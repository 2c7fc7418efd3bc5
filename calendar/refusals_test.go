package calendar_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Bad input is refused before any request, in both dialects, with an error
// that names the operation once and matches what a caller branches on.
func TestRefusals(t *testing.T) {
	type s = *calendar.Service
	type refusal = servicetest.Refusal[s]
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := func(mod func(*calendar.Event)) *calendar.Event {
		e := &calendar.Event{Subject: "x", Start: item.FromTime(start), End: item.FromTime(start.Add(time.Hour))}
		mod(e)
		return e
	}
	badRecurrence := &calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily},
		Range: calendar.RecurrenceRange{Type: calendar.RangeNoEnd, StartDate: calendar.Date{Year: 2026, Month: 3, Day: 2}}}
	proposed := &calendar.ResponseOptions{ProposedNewTime: &item.TimeSlot{Start: item.FromTime(start), End: item.FromTime(start.Add(time.Hour))}}
	drain := func(seq func(func(*calendar.Event, error) bool)) error {
		for _, err := range seq {
			return err
		}
		return nil
	}
	servicetest.CheckRefusals(t, "calendar", calendar.NewService, []refusal{
		{Op: "GetEvent", Call: func(ctx context.Context, s s) error { _, err := s.GetEvent(ctx, " ", nil); return err }, Want: odata.ErrInvalidPath, Text: "empty event id"},
		{Op: "CreateEvent", Call: func(ctx context.Context, s s) error { _, err := s.CreateEvent(ctx, "", nil); return err }, Want: calendar.ErrInvalidEvent, Text: "nil event"},
		{Op: "CreateEvent", Call: func(ctx context.Context, s s) error {
			_, err := s.CreateEvent(ctx, "", ev(func(e *calendar.Event) { e.Attendees = calendar.Attendees("Lee <lee@example.org>", "nobody") }))
			return err
		}, Want: item.ErrInvalidAddress, Text: "attendee 2"},
		{Op: "CreateEvent", Call: func(ctx context.Context, s s) error {
			_, err := s.CreateEvent(ctx, "", ev(func(e *calendar.Event) { e.Recurrence = badRecurrence }))
			return err
		}, Want: calendar.ErrInvalidEvent, Text: "recurrence: interval 0"},
		{Op: "CreateEvent", Call: func(ctx context.Context, s s) error {
			_, err := s.CreateEvent(ctx, "", ev(func(e *calendar.Event) { e.TransactionID = "t1"; e.Attendees = calendar.Attendees("x") }))
			return err
		}, Want: item.ErrInvalidAddress, Text: "attendee 1"},
		{Op: "UpdateEvent", Call: func(ctx context.Context, s s) error {
			_, err := s.UpdateEvent(ctx, "AAMk1", calendar.EventUpdate{Recurrence: odata.Set(*badRecurrence)})
			return err
		}, Want: calendar.ErrInvalidEvent, Text: "interval 0"},
		{Op: "UpdateEvent", Call: func(ctx context.Context, s s) error {
			_, err := s.UpdateEvent(ctx, "AAMk1", calendar.EventUpdate{Attendees: odata.Set(calendar.Attendees("@"))})
			return err
		}, Want: calendar.ErrInvalidEvent, Text: "attendee 1"},
		{Op: "DeleteEvent", Call: func(ctx context.Context, s s) error { return s.DeleteEvent(ctx, "") }, Want: odata.ErrInvalidPath, Text: "empty event id"},
		{Op: "View", Call: func(ctx context.Context, s s) error { return drain(s.View(ctx, start, start, nil)) }, Want: calendar.ErrInvalidEvent, Text: "ends"},
		{Op: "CalendarView", Call: func(ctx context.Context, s s) error {
			return drain(s.CalendarView(ctx, "c1", time.Time{}, start, nil))
		}, Want: calendar.ErrInvalidEvent, Text: "needs a start and an end"},
		{Op: "Instances", Call: func(ctx context.Context, s s) error {
			return drain(s.Instances(ctx, "", start, start.Add(time.Hour), nil))
		}, Want: odata.ErrInvalidPath, Text: "series master id"},
		{Op: "SyncView", Call: func(ctx context.Context, s s) error {
			for _, err := range s.SyncView(ctx, start.Add(time.Hour), start, "") {
				return err
			}
			return nil
		}, Want: calendar.ErrInvalidEvent, Text: "before it starts"},
		{Op: "Accept", Call: func(ctx context.Context, s s) error { return s.Accept(ctx, "AAMk1", proposed) }, Want: calendar.ErrInvalidEvent, Text: "propose a new time"},
		{Op: "Decline", Call: func(ctx context.Context, s s) error {
			return s.Decline(ctx, "AAMk1", &calendar.ResponseOptions{Silent: true, ProposedNewTime: proposed.ProposedNewTime})
		}, Want: calendar.ErrInvalidEvent, Text: "not Silent", OnV2: odata.ErrNotSupported},
		{Op: "TentativelyAccept", Call: func(ctx context.Context, s s) error { return s.TentativelyAccept(ctx, "", nil) }, Want: odata.ErrInvalidPath, Text: "event id"},
		{Op: "Cancel", Call: func(ctx context.Context, s s) error { return s.Cancel(ctx, "", "") }, Want: odata.ErrInvalidPath, Text: "event id"},
		{Op: "Forward", Call: func(ctx context.Context, s s) error { return s.Forward(ctx, "AAMk1", nil, "") }, Want: calendar.ErrInvalidEvent, Text: "no recipients"},
		{Op: "Forward", Call: func(ctx context.Context, s s) error {
			return s.Forward(ctx, "AAMk1", []item.Recipient{{EmailAddress: item.EmailAddress{Address: "kim"}}}, "")
		}, Want: item.ErrInvalidAddress, Text: "recipient 1"},
		{Op: "DismissReminder", Call: func(ctx context.Context, s s) error { return s.DismissReminder(ctx, "") }, Want: odata.ErrInvalidPath, Text: "event id"},
		{Op: "SnoozeReminder", Call: func(ctx context.Context, s s) error { return s.SnoozeReminder(ctx, "AAMk1", time.Time{}) }, Want: calendar.ErrInvalidEvent, Text: "no reminder time"},
		{Op: "GetSchedule", Call: func(ctx context.Context, s s) error {
			_, err := s.GetSchedule(ctx, calendar.ScheduleRequest{})
			return err
		}, Want: calendar.ErrInvalidEvent, Text: "no schedules"},
		{Op: "GetSchedule", Call: func(ctx context.Context, s s) error {
			_, err := s.GetSchedule(ctx, calendar.ScheduleRequest{Schedules: []string{"a@contoso.com", "Room <r@contoso.com>"}, Start: start, End: start.Add(time.Hour)})
			return err
		}, Want: item.ErrInvalidAddress, Text: "schedule 2"},
		{Op: "GetSchedule", Call: func(ctx context.Context, s s) error {
			_, err := s.GetSchedule(ctx, calendar.ScheduleRequest{Schedules: []string{"a@contoso.com"}, Start: start, End: start.Add(time.Hour), Interval: time.Minute})
			return err
		}, Want: calendar.ErrInvalidEvent, Text: "interval 1m0s"},
		{Op: "AddAttachment", Call: func(ctx context.Context, s s) error {
			_, err := s.AddAttachment(ctx, "AAMk1", &calendar.Attachment{ContentBytes: []byte("x")})
			return err
		}, Want: calendar.ErrInvalidEvent, Text: "needs a name"},
		{Op: "GetAttachment", Call: func(ctx context.Context, s s) error { _, err := s.GetAttachment(ctx, "AAMk1", ""); return err }, Want: odata.ErrInvalidPath, Text: "attachment id"},
		{Op: "CreateCalendar", Call: func(ctx context.Context, s s) error {
			_, err := s.CreateCalendar(ctx, &calendar.Calendar{})
			return err
		}, Want: calendar.ErrInvalidEvent, Text: "needs a name"},
		{Op: "UpdateCalendar", Call: func(ctx context.Context, s s) error {
			_, err := s.UpdateCalendar(ctx, "c1", calendar.CalendarUpdate{Name: odata.Set("")})
			return err
		}, Want: calendar.ErrInvalidEvent, Text: "needs a name"},
		{Op: "DeleteCalendar", Call: func(ctx context.Context, s s) error { return s.DeleteCalendar(ctx, "") }, Want: odata.ErrInvalidPath, Text: "calendar id"},
		{Op: "CreateGroupCalendar", Call: func(ctx context.Context, s s) error { _, err := s.CreateGroupCalendar(ctx, "g1", nil); return err }, Want: calendar.ErrInvalidEvent, Text: "needs a name"},
		{Op: "CreateGroup", Call: func(ctx context.Context, s s) error { _, err := s.CreateGroup(ctx, ""); return err }, Want: calendar.ErrInvalidEvent, Text: "needs a name"},
		{Op: "RenameGroup", Call: func(ctx context.Context, s s) error { _, err := s.RenameGroup(ctx, "g1", ""); return err }, Want: calendar.ErrInvalidEvent, Text: "needs a name"},
	})
}

// Validate, called directly, names its package once.
func TestValidateError(t *testing.T) {
	r := calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternWeekly, Interval: 1}}
	err := r.Validate()
	if !errors.Is(err, calendar.ErrInvalidEvent) {
		t.Fatalf("Validate = %v, want ErrInvalidEvent", err)
	}
	servicetest.ReadsOnce(t, err, "calendar: invalid event: recurrence: ")
}
