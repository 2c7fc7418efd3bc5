package calendar_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/item"
)

// The reminders view lists the reminders of the events in the window, an
// occurrence of a series under its own id, and none of an event whose
// reminder is off or that lies outside the window, in every location.
func TestReminderView(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		review, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Review",
			Start: item.FromTime(at(0, 10, 0)), End: item.FromTime(at(0, 11, 0)),
			Location: item.Location{DisplayName: "Room 4.12"}, ReminderMinutesBeforeStart: new(30)})
		noErr(t, "CreateEvent", err)
		_, err = cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Quiet",
			Start: item.FromTime(at(0, 14, 0)), End: item.FromTime(at(0, 15, 0)), IsReminderOn: new(false)})
		noErr(t, "CreateEvent", err)
		_, err = cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Later",
			Start: item.FromTime(at(5, 10, 0)), End: item.FromTime(at(5, 11, 0))})
		noErr(t, "CreateEvent", err)
		series := weekly()
		series.ReminderMinutesBeforeStart = new(10)
		_, err = cal.CreateEvent(ctx, calendar.DefaultCalendar, series)
		noErr(t, "CreateEvent", err)

		var got []*calendar.Reminder
		for r, err := range cal.ReminderView(ctx, at(0, 0, 0), at(2, 0, 0)) {
			noErr(t, "ReminderView", err)
			got = append(got, r)
		}
		slices.SortFunc(got, func(a, b *calendar.Reminder) int { return compareFire(t, a, b) })
		if len(got) != 2 {
			t.Fatalf("%d reminders, want the review's and the stand-up's: %+v", len(got), got)
		}
		s, r := got[0], got[1] // the stand-up's fires first
		if r.EventID != review.ID || r.EventSubject != "Review" || r.EventLocation.DisplayName != "Room 4.12" {
			t.Errorf("first reminder %+v, want the review's", r)
		}
		if fire, err := r.ReminderFireTime.Time(); err != nil || !fire.Equal(at(0, 9, 30)) {
			t.Errorf("review's reminder fires at %v (%v), want %v", fire, err, at(0, 9, 30))
		}
		if st, err := r.EventStartTime.Time(); err != nil || !st.Equal(at(0, 10, 0)) {
			t.Errorf("review starts at %v (%v)", st, err)
		}
		if s.EventSubject != "Stand-up" || s.EventID == "" || s.EventID == review.ID {
			t.Errorf("second reminder %+v, want the stand-up occurrence's", s)
		}
		if fire, err := s.ReminderFireTime.Time(); err != nil || !fire.Equal(at(0, 8, 50)) {
			t.Errorf("stand-up's reminder fires at %v (%v), want %v", fire, err, at(0, 8, 50))
		}
	})
}

func compareFire(t *testing.T, a, b *calendar.Reminder) int {
	fa, err1 := a.ReminderFireTime.Time()
	fb, err2 := b.ReminderFireTime.Time()
	if err1 != nil || err2 != nil {
		t.Fatalf("reminder fire times %+v, %+v", a.ReminderFireTime, b.ReminderFireTime)
	}
	return fa.Compare(fb)
}

// A reversed or empty window is refused before any request.
func TestReminderViewBadRange(t *testing.T) {
	cal := calendar.NewService(nil)
	for _, w := range [][2]time.Time{{at(1, 0, 0), at(0, 0, 0)}, {{}, at(0, 0, 0)}} {
		for _, err := range cal.ReminderView(t.Context(), w[0], w[1]) {
			if !errors.Is(err, calendar.ErrInvalidEvent) {
				t.Errorf("ReminderView(%v, %v) = %v, want ErrInvalidEvent", w[0], w[1], err)
			}
		}
	}
}
