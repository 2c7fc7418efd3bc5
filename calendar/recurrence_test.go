package calendar_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/item"
)

// Every pattern and range type goes to the server in each location and
// comes back as sent.
func TestRecurrenceRoundTrip(t *testing.T) {
	weekdays := []calendar.DayOfWeek{calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday}
	patterns := []calendar.RecurrencePattern{
		{Type: calendar.PatternDaily, Interval: 2},
		{Type: calendar.PatternWeekly, Interval: 1, DaysOfWeek: []calendar.DayOfWeek{calendar.Monday, calendar.Thursday}, FirstDayOfWeek: calendar.Monday},
		{Type: calendar.PatternWeekly, Interval: 3, DaysOfWeek: []calendar.DayOfWeek{calendar.Monday}, FirstDayOfWeek: calendar.Sunday},
		{Type: calendar.PatternAbsoluteMonthly, Interval: 1, DayOfMonth: 2},
		{Type: calendar.PatternRelativeMonthly, Interval: 2, DaysOfWeek: []calendar.DayOfWeek{calendar.Monday}, Index: calendar.WeekFirst},
		{Type: calendar.PatternRelativeMonthly, Interval: 1, DaysOfWeek: []calendar.DayOfWeek{calendar.Monday}, Index: calendar.WeekLast},
		{Type: calendar.PatternRelativeMonthly, Interval: 1, DaysOfWeek: weekdays, Index: calendar.WeekFirst},
		{Type: calendar.PatternAbsoluteYearly, Interval: 1, DayOfMonth: 2, Month: 3},
		{Type: calendar.PatternRelativeYearly, Interval: 1, DaysOfWeek: []calendar.DayOfWeek{calendar.Monday}, Index: calendar.WeekFirst, Month: 3},
	}
	ranges := []calendar.RecurrenceRange{
		{Type: calendar.RangeNumbered, StartDate: calendar.DateOf(day), NumberOfOccurrences: 5},
		{Type: calendar.RangeEndDate, StartDate: calendar.DateOf(day), EndDate: calendar.DateOf(day.AddDate(1, 0, 0))},
		{Type: calendar.RangeNoEnd, StartDate: calendar.DateOf(day)},
	}
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		for _, p := range patterns {
			for _, r := range ranges {
				name := fmt.Sprintf("%s/%d %v %s %s", p.Type, p.Interval, p.DaysOfWeek, p.Index, r.Type)
				ev, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: name,
					Start: item.FromTime(at(0, 9, 0)), End: item.FromTime(at(0, 10, 0)),
					Recurrence: &calendar.PatternedRecurrence{Pattern: p, Range: r}})
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				got, err := cal.GetEvent(ctx, ev.ID, nil)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if d := recurrenceDiff(p, r, got.Recurrence); d != "" {
					t.Errorf("%s: %s", name, d)
				}
			}
		}
	})
}

// recurrenceDiff compares what a pattern type uses, and the range.
func recurrenceDiff(p calendar.RecurrencePattern, r calendar.RecurrenceRange, got *calendar.PatternedRecurrence) string {
	if got == nil {
		return "no recurrence read back"
	}
	g := got.Pattern
	switch {
	case g.Type != p.Type || g.Interval != p.Interval:
		return fmt.Sprintf("pattern %+v", g)
	case p.DaysOfWeek != nil && !slices.Equal(g.DaysOfWeek, p.DaysOfWeek):
		return fmt.Sprintf("daysOfWeek %v", g.DaysOfWeek)
	case p.FirstDayOfWeek != "" && g.FirstDayOfWeek != p.FirstDayOfWeek:
		return fmt.Sprintf("firstDayOfWeek %v", g.FirstDayOfWeek)
	case p.Index != "" && g.Index != p.Index:
		return fmt.Sprintf("index %v", g.Index)
	case p.DayOfMonth != 0 && g.DayOfMonth != p.DayOfMonth, p.Month != 0 && g.Month != p.Month:
		return fmt.Sprintf("dayOfMonth %d month %d", g.DayOfMonth, g.Month)
	}
	gr := got.Range
	switch {
	case gr.Type != r.Type || gr.StartDate != r.StartDate:
		return fmt.Sprintf("range %+v", gr)
	case r.Type == calendar.RangeEndDate && gr.EndDate != r.EndDate:
		return fmt.Sprintf("endDate %v", gr.EndDate)
	case r.Type == calendar.RangeNumbered && gr.NumberOfOccurrences != r.NumberOfOccurrences:
		return fmt.Sprintf("numberOfOccurrences %d", gr.NumberOfOccurrences)
	}
	return ""
}
