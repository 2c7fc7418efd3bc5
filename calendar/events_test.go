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
)

func TestEventLifecycle(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		ev, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{
			Subject:                    "Design review",
			Body:                       item.TextBody("Agenda: the calendar package."),
			Start:                      item.FromTime(at(0, 14, 0)),
			End:                        item.FromTime(at(0, 15, 0)),
			Location:                   item.Location{DisplayName: "Room 4.12"},
			Attendees:                  calendar.Attendees("Lee <lee@example.org>", e.Other),
			ShowAs:                     calendar.FreeBusyTentative,
			ReminderMinutesBeforeStart: new(0),
		})
		noErr(t, "CreateEvent", err)
		if ev.ID == "" || ev.Subject != "Design review" || ev.Type != calendar.EventSingleInstance || !ev.IsOrganizer {
			t.Fatalf("created %+v", ev)
		}
		if len(ev.Attendees) != 2 || ev.Attendees[0].EmailAddress != (item.EmailAddress{Name: "Lee", Address: "lee@example.org"}) || ev.Attendees[0].Type != calendar.AttendeeRequired {
			t.Errorf("attendees = %+v", ev.Attendees)
		}
		if d, ok := ev.ReminderBefore(); !ok || d != 0 {
			t.Errorf("ReminderBefore = %v, %v; want 0, true (an explicit 0 must be sent)", d, ok)
		}
		if ev.ShowAs != calendar.FreeBusyTentative {
			t.Errorf("showAs = %q", ev.ShowAs)
		}
		start, err := ev.Start.Time()
		if err != nil || !start.Equal(at(0, 14, 0)) {
			t.Errorf("start = %v (%v), want %v", start, err, at(0, 14, 0))
		}

		got, err := cal.GetEvent(ctx, ev.ID, &odata.Query{Select: odata.Fields(calendar.Subject, calendar.Start)})
		noErr(t, "GetEvent", err)
		if got.Subject != ev.Subject || got.Start.DateTime == "" || got.Body.Content != "" {
			t.Errorf("selected get = %+v", got)
		}

		var subjects []string
		for ev, err := range cal.ListEvents(ctx, calendar.DefaultCalendar, &odata.Query{Filter: calendar.Subject.StartsWith("Design")}) {
			noErr(t, "ListEvents", err)
			subjects = append(subjects, ev.Subject)
		}
		if !slices.Equal(subjects, []string{"Design review"}) {
			t.Errorf("ListEvents = %q", subjects)
		}

		up, err := cal.UpdateEvent(ctx, ev.ID, calendar.EventUpdate{
			Subject: odata.Set("Design review (moved)"), End: odata.Set(item.FromTime(at(0, 16, 0))), ETag: ev.ETag,
			Categories: odata.Set([]string{"Blue"}),
		})
		noErr(t, "UpdateEvent", err)
		if up.Subject != "Design review (moved)" || !slices.Equal(up.Categories, []string{"Blue"}) {
			t.Errorf("updated = %q %q", up.Subject, up.Categories)
		}
		_, err = cal.UpdateEvent(ctx, ev.ID, calendar.EventUpdate{Subject: odata.Set("stale"), ETag: ev.ETag})
		if !errors.Is(err, odata.ErrPreconditionFailed) {
			t.Errorf("update with a stale ETag: %v; want ErrPreconditionFailed", err)
		}

		noErr(t, "DeleteEvent", cal.DeleteEvent(ctx, ev.ID))
		if _, err := cal.GetEvent(ctx, ev.ID, nil); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("get after delete: %v; want ErrNotFound", err)
		}
	})
}

// weekly is a Monday and Wednesday series of four occurrences from day.
func weekly() *calendar.Event {
	return &calendar.Event{
		Subject: "Stand-up",
		Start:   item.FromTime(at(0, 9, 0)),
		End:     item.FromTime(at(0, 9, 15)),
		Recurrence: &calendar.PatternedRecurrence{
			Pattern: calendar.RecurrencePattern{Type: calendar.PatternWeekly, Interval: 1,
				DaysOfWeek: []calendar.DayOfWeek{calendar.Monday, calendar.Wednesday}, FirstDayOfWeek: calendar.Sunday},
			Range: calendar.RecurrenceRange{Type: calendar.RangeNumbered, StartDate: calendar.DateOf(day), NumberOfOccurrences: 4},
		},
	}
}

func TestViewExpandsRecurrence(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		master, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, weekly())
		noErr(t, "CreateEvent", err)
		if master.Type != calendar.EventSeriesMaster || master.Recurrence == nil || master.Recurrence.Range.StartDate != calendar.DateOf(day) {
			t.Fatalf("master = %+v, recurrence %+v", master, master.Recurrence)
		}
		single, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Lunch",
			Start: item.FromTime(at(1, 12, 0)), End: item.FromTime(at(1, 13, 0))})
		noErr(t, "CreateEvent", err)

		var got []string
		for ev, err := range cal.View(ctx, day, day.AddDate(0, 0, 14), &odata.Query{Top: 2}) {
			noErr(t, "View", err)
			s, _ := ev.Start.Time()
			got = append(got, s.Format("Mon 02 15:04 ")+ev.Subject+" "+string(ev.Type))
			if ev.Type == calendar.EventOccurrence && ev.SeriesMasterID != master.ID {
				t.Errorf("occurrence %s has master %q, want %q", ev.ID, ev.SeriesMasterID, master.ID)
			}
		}
		slices.Sort(got)
		want := []string{
			"Mon 02 09:00 Stand-up occurrence", "Mon 09 09:00 Stand-up occurrence",
			"Tue 03 12:00 Lunch singleInstance",
			"Wed 04 09:00 Stand-up occurrence", "Wed 11 09:00 Stand-up occurrence",
		}
		if !slices.Equal(got, want) {
			t.Errorf("View =\n%q\nwant\n%q", got, want)
		}

		n := 0
		for ev, err := range cal.Instances(ctx, master.ID, at(2, 0, 0), at(7, 23, 0), nil) {
			noErr(t, "Instances", err)
			n++
			if ev.Type != calendar.EventOccurrence || ev.Subject != "Stand-up" {
				t.Errorf("instance %+v", ev)
			}
		}
		if n != 2 {
			t.Errorf("Instances from Wednesday to next Monday: %d, want 2", n)
		}

		// Clearing the recurrence sends null and makes a single event.
		up, err := cal.UpdateEvent(ctx, master.ID, calendar.EventUpdate{Recurrence: odata.Null[calendar.PatternedRecurrence]()})
		noErr(t, "UpdateEvent", err)
		if up.Recurrence != nil {
			t.Errorf("recurrence after clearing = %+v", up.Recurrence)
		}
		_ = single
	})
}

func TestViewRejectsBadRange(t *testing.T) {
	e := newEnv(t, cloud)
	e.Srv.ResetRequests()
	for _, r := range []struct {
		name       string
		start, end time.Time
	}{
		{"zero", time.Time{}, time.Time{}},
		{"zero end", day, time.Time{}},
		{"empty", day, day},
		{"reversed", day.AddDate(0, 0, 1), day},
	} {
		for _, err := range e.MB.Calendar.View(t.Context(), r.start, r.end, nil) {
			if !errors.Is(err, calendar.ErrInvalidEvent) {
				t.Errorf("%s: %v; want ErrInvalidEvent", r.name, err)
			}
		}
		for _, err := range e.MB.Calendar.Instances(t.Context(), "AAMk1", r.start, r.end, nil) {
			if !errors.Is(err, calendar.ErrInvalidEvent) {
				t.Errorf("Instances %s: %v; want ErrInvalidEvent", r.name, err)
			}
		}
		for _, err := range e.MB.Calendar.SyncView(t.Context(), r.start, r.end, "") {
			if !errors.Is(err, calendar.ErrInvalidEvent) {
				t.Errorf("SyncView %s: %v; want ErrInvalidEvent", r.name, err)
			}
		}
	}
	if n := servicetest.RESTRequests(e.Srv, onPremHost); n != 0 {
		t.Errorf("%d requests for invalid ranges", n)
	}
}
