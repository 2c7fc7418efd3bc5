package calendar_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want calendar.Date
		err  bool
	}{
		{"2024-06-11", calendar.Date{Year: 2024, Month: 6, Day: 11}, false},
		{"2024-02-29", calendar.Date{Year: 2024, Month: 2, Day: 29}, false},
		{"2024-06-11T00:00:00Z", calendar.Date{Year: 2024, Month: 6, Day: 11}, false},
		{"2024-06-11T00:00:00-07:00", calendar.Date{Year: 2024, Month: 6, Day: 11}, false},
		{"2024-06-11T00:00:00.0000000", calendar.Date{Year: 2024, Month: 6, Day: 11}, false},
		{"0001-01-01", calendar.Date{}, false},
		{"0001-01-01T00:00:00Z", calendar.Date{}, false},
		{"2023-02-29", calendar.Date{}, true},
		{"2024-13-01", calendar.Date{}, true},
		{"2024-6-11", calendar.Date{}, true},
		{"2024-06-11T09:00:00Z", calendar.Date{}, true},
		{"2024-06-11junk", calendar.Date{}, true},
		{"", calendar.Date{}, true},
		{"tomorrow", calendar.Date{}, true},
		{"0000-01-01", calendar.Date{}, true}, // found by FuzzParseDate: year 0 does not marshal
	} {
		got, err := calendar.ParseDate(c.in)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, error %v", c.in, got, err, c.want, c.err)
		}
	}
	if _, err := json.Marshal(calendar.Date{Year: 2023, Month: 2, Day: 29}); err == nil {
		t.Error("marshalling 2023-02-29: no error")
	}
	b, err := json.Marshal(struct {
		D calendar.Date `json:"d,omitzero"`
		E calendar.Date `json:"e"`
	}{D: calendar.Date{}, E: calendar.DateOf(time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC))})
	if err != nil || string(b) != `{"e":"2026-03-02"}` {
		t.Errorf("marshal = %s, %v", b, err)
	}
}

func TestRecurrenceValidate(t *testing.T) {
	start := calendar.Date{Year: 2024, Month: 6, Day: 11}
	numbered := calendar.RecurrenceRange{Type: calendar.RangeNumbered, StartDate: start, NumberOfOccurrences: 3}
	tue := []calendar.DayOfWeek{calendar.Tuesday}
	for _, c := range []struct {
		name string
		r    calendar.PatternedRecurrence
		bad  string // "" when valid; else a word of the error
	}{
		{"daily", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily, Interval: 1}, Range: numbered}, ""},
		{"weekly", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternWeekly, Interval: 2, DaysOfWeek: tue, FirstDayOfWeek: calendar.Monday}, Range: numbered}, ""},
		{"absoluteMonthly", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternAbsoluteMonthly, Interval: 1, DayOfMonth: 31}, Range: numbered}, ""},
		{"relativeYearly", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternRelativeYearly, Interval: 1, DaysOfWeek: tue, Month: 6, Index: calendar.WeekLast}, Range: numbered}, ""},
		{"absoluteYearly", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternAbsoluteYearly, Interval: 1, DayOfMonth: 11, Month: 6},
			Range: calendar.RecurrenceRange{Type: calendar.RangeEndDate, StartDate: start, EndDate: calendar.Date{Year: 2030, Month: 6, Day: 11}}}, ""},
		{"noEnd", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily, Interval: 1}, Range: calendar.RecurrenceRange{Type: calendar.RangeNoEnd, StartDate: start}}, ""},
		{"zero interval", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily}, Range: numbered}, "interval"},
		{"no type", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Interval: 1}, Range: numbered}, "no pattern type"},
		{"unknown type", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: "hourly", Interval: 1}, Range: numbered}, "unknown pattern"},
		{"weekly without days", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternWeekly, Interval: 1}, Range: numbered}, "daysOfWeek"},
		{"daily with days", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily, Interval: 1, DaysOfWeek: tue}, Range: numbered}, "daysOfWeek"},
		{"bad day", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternWeekly, Interval: 1, DaysOfWeek: []calendar.DayOfWeek{"funday"}}, Range: numbered}, "funday"},
		{"dayOfMonth 32", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternAbsoluteMonthly, Interval: 1, DayOfMonth: 32}, Range: numbered}, "dayOfMonth"},
		{"month 13", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternAbsoluteYearly, Interval: 1, DayOfMonth: 1, Month: 13}, Range: numbered}, "month"},
		{"index on weekly", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternWeekly, Interval: 1, DaysOfWeek: tue, Index: calendar.WeekFirst}, Range: numbered}, "index"},
		{"no start", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily, Interval: 1}, Range: calendar.RecurrenceRange{Type: calendar.RangeNoEnd}}, "startDate"},
		{"bad start", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily, Interval: 1}, Range: calendar.RecurrenceRange{Type: calendar.RangeNoEnd, StartDate: calendar.Date{Year: 2023, Month: 2, Day: 30}}}, "no real day"},
		{"numbered 0", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily, Interval: 1}, Range: calendar.RecurrenceRange{Type: calendar.RangeNumbered, StartDate: start}}, "numberOfOccurrences"},
		{"end before start", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily, Interval: 1},
			Range: calendar.RecurrenceRange{Type: calendar.RangeEndDate, StartDate: start, EndDate: calendar.Date{Year: 2024, Month: 6, Day: 10}}}, "before"},
		{"endDate missing", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily, Interval: 1}, Range: calendar.RecurrenceRange{Type: calendar.RangeEndDate, StartDate: start}}, "endDate"},
		{"no range type", calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily, Interval: 1}, Range: calendar.RecurrenceRange{StartDate: start}}, "no range type"},
	} {
		err := c.r.Validate()
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.bad != "" && (!errors.Is(err, calendar.ErrInvalidEvent) || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("%s: %v; want ErrInvalidEvent about %q", c.name, err, c.bad)
		}
	}
}

func TestEventLenientDecode(t *testing.T) {
	for _, c := range []struct {
		in      string
		on      bool
		minutes int
		err     bool
	}{
		{`{"isReminderOn":true,"reminderMinutesBeforeStart":15}`, true, 15, false},
		{`{"isReminderOn":"true","reminderMinutesBeforeStart":"15"}`, true, 15, false},
		{`{"isReminderOn":"False","reminderMinutesBeforeStart":"0"}`, false, 0, false},
		{`{"isReminderOn":"yes"}`, false, 0, true},
		{`{"reminderMinutesBeforeStart":"15m"}`, false, 0, true},
		{`{"reminderMinutesBeforeStart":1.5}`, false, 0, true},
		{`{"reminderMinutesBeforeStart":99999999999}`, false, 0, true},
	} {
		var e calendar.Event
		err := json.Unmarshal([]byte(c.in), &e)
		if c.err {
			if err == nil {
				t.Errorf("%s: no error", c.in)
			}
			continue
		}
		if err != nil || e.IsReminderOn == nil || *e.IsReminderOn != c.on {
			t.Errorf("%s: isReminderOn %v, %v", c.in, e.IsReminderOn, err)
			continue
		}
		if d, ok := e.ReminderBefore(); !ok || d != time.Duration(c.minutes)*time.Minute {
			t.Errorf("%s: ReminderBefore = %v, %v", c.in, d, ok)
		}
	}
	// Known fields stay out of Extra; unknown ones land there.
	var e calendar.Event
	if err := json.Unmarshal([]byte(`{"subject":"s","iCalUId":"u","isReminderOn":"true","acme":1}`), &e); err != nil {
		t.Fatal(err)
	}
	if e.Subject != "s" || e.ICalUID != "u" || len(e.Extra) != 1 || e.Extra["acme"] == nil {
		t.Errorf("decoded %+v", e)
	}
}

// Every operation refuses bad input before any request.
func TestBadInputSendsNothing(t *testing.T) {
	e := newEnv(t, cloud)
	ctx, cal := t.Context(), e.MB.Calendar
	e.Srv.ResetRequests()
	valid := calendar.Event{Subject: "x"}
	tooMany := make([]calendar.Attendee, calendar.MaxAttendees+1)
	for i := range tooMany {
		tooMany[i] = calendar.Attendees("a@example.org")[0]
	}
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"GetEvent empty id", func() error { _, err := cal.GetEvent(ctx, " ", nil); return err }(), odata.ErrInvalidPath},
		{"CreateEvent nil", func() error { _, err := cal.CreateEvent(ctx, "", nil); return err }(), calendar.ErrInvalidEvent},
		{"CreateEvent bad attendee", func() error {
			ev := valid
			ev.Attendees = calendar.Attendees("not an address")
			_, err := cal.CreateEvent(ctx, "", &ev)
			return err
		}(), calendar.ErrInvalidEvent},
		{"CreateEvent 501 attendees", func() error {
			ev := valid
			ev.Attendees = tooMany
			_, err := cal.CreateEvent(ctx, "", &ev)
			return err
		}(), calendar.ErrInvalidEvent},
		{"CreateEvent bad recurrence", func() error {
			ev := valid
			ev.Recurrence = &calendar.PatternedRecurrence{Pattern: calendar.RecurrencePattern{Type: calendar.PatternDaily}}
			_, err := cal.CreateEvent(ctx, "", &ev)
			return err
		}(), calendar.ErrInvalidEvent},
		{"UpdateEvent empty id", func() error { _, err := cal.UpdateEvent(ctx, "", calendar.EventUpdate{}); return err }(), odata.ErrInvalidPath},
		{"UpdateEvent bad attendee", func() error {
			_, err := cal.UpdateEvent(ctx, "e1", calendar.EventUpdate{Attendees: odata.Set(calendar.Attendees("Ana <ana@example.org"))})
			return err
		}(), calendar.ErrInvalidEvent},
		{"UpdateEvent bad recurrence", func() error {
			_, err := cal.UpdateEvent(ctx, "e1", calendar.EventUpdate{Recurrence: odata.Set(calendar.PatternedRecurrence{})})
			return err
		}(), calendar.ErrInvalidEvent},
		{"DeleteEvent", cal.DeleteEvent(ctx, ""), odata.ErrInvalidPath},
		{"Accept", cal.Accept(ctx, "", nil), odata.ErrInvalidPath},
		{"Accept proposing", cal.Accept(ctx, "e1", &calendar.ResponseOptions{ProposedNewTime: &item0}), calendar.ErrInvalidEvent},
		{"Cancel", cal.Cancel(ctx, "", ""), odata.ErrInvalidPath},
		{"Forward nobody", cal.Forward(ctx, "e1", nil, ""), calendar.ErrInvalidEvent},
		{"DismissReminder", cal.DismissReminder(ctx, ""), odata.ErrInvalidPath},
		{"SnoozeReminder", cal.SnoozeReminder(ctx, "e1", time.Time{}), calendar.ErrInvalidEvent},
		{"CreateCalendar nameless", func() error { _, err := cal.CreateCalendar(ctx, &calendar.Calendar{}); return err }(), calendar.ErrInvalidEvent},
		{"UpdateCalendar null name", func() error {
			_, err := cal.UpdateCalendar(ctx, "c1", calendar.CalendarUpdate{Name: odata.Null[string]()})
			return err
		}(), calendar.ErrInvalidEvent},
		{"DeleteCalendar", cal.DeleteCalendar(ctx, ""), odata.ErrInvalidPath},
		{"CreateGroup", func() error { _, err := cal.CreateGroup(ctx, ""); return err }(), calendar.ErrInvalidEvent},
		{"DeleteGroup", cal.DeleteGroup(ctx, ""), odata.ErrInvalidPath},
		{"AddAttachment nameless", func() error { _, err := cal.AddAttachment(ctx, "e1", &calendar.Attachment{}); return err }(), calendar.ErrInvalidEvent},
		{"AddAttachment too large", func() error {
			_, err := cal.AddAttachment(ctx, "e1", &calendar.Attachment{Name: "a", ContentBytes: make([]byte, calendar.MaxInlineAttachmentSize+1)})
			return err
		}(), calendar.ErrInvalidEvent},
		{"GetSchedule nobody", func() error {
			_, err := cal.GetSchedule(ctx, calendar.ScheduleRequest{Start: day, End: day.Add(time.Hour)})
			return err
		}(), calendar.ErrInvalidEvent},
		{"GetSchedule interval", func() error {
			_, err := cal.GetSchedule(ctx, calendar.ScheduleRequest{Schedules: []string{cloudAddr}, Start: day, End: day.Add(time.Hour), Interval: time.Minute})
			return err
		}(), calendar.ErrInvalidEvent},
		{"SyncCalendarView of a calendar on Graph", func() error {
			for _, err := range cal.SyncCalendarView(ctx, "c1", day, day.Add(time.Hour), "") {
				return err
			}
			return nil
		}(), odata.ErrNotSupported},
		{"SyncView malformed state", func() error {
			for _, err := range cal.SyncView(ctx, day, day.Add(time.Hour), "garbage") {
				return err
			}
			return nil
		}(), odata.ErrInvalidQuery},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v; want %v", c.name, c.err, c.want)
		}
	}
	if n := servicetest.RESTRequests(e.Srv, onPremHost); n != 0 {
		t.Errorf("%d requests for bad input", n)
	}
}

var item0 = itemSlot()

func itemSlot() item.TimeSlot {
	return item.TimeSlot{Start: item.FromTime(day), End: item.FromTime(day.Add(time.Hour))}
}
