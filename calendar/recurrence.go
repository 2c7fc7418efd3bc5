package calendar

import (
	"fmt"
	"slices"
)

// Validate checks that r has what its pattern and range types need and
// nothing they do not use, as the services require (Graph's
// patternedRecurrence resource documents the fields each type takes): the
// service would answer 400, this answers before any request with an error
// matching ErrInvalidEvent.
func (r *PatternedRecurrence) Validate() error {
	if err := r.validate(); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	return nil
}

// validate is Validate for the operations, which name themselves.
func (r *PatternedRecurrence) validate() error {
	p, g := &r.Pattern, &r.Range
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: recurrence: %s", ErrInvalidEvent, fmt.Sprintf(format, args...))
	}
	if p.Interval < 1 {
		return bad("interval %d, want at least 1", p.Interval)
	}
	var needDays, needDayOfMonth, needMonth, allowIndex, allowFirstDay bool
	switch p.Type {
	case PatternDaily:
	case PatternWeekly:
		needDays, allowFirstDay = true, true
	case PatternAbsoluteMonthly:
		needDayOfMonth = true
	case PatternRelativeMonthly:
		needDays, allowIndex = true, true
	case PatternAbsoluteYearly:
		needDayOfMonth, needMonth = true, true
	case PatternRelativeYearly:
		needDays, needMonth, allowIndex = true, true, true
	case "":
		return bad("no pattern type")
	default:
		return bad("unknown pattern type %q", p.Type)
	}
	switch {
	case needDays && len(p.DaysOfWeek) == 0:
		return bad("a %s pattern needs daysOfWeek", p.Type)
	case !needDays && len(p.DaysOfWeek) > 0:
		return bad("a %s pattern takes no daysOfWeek", p.Type)
	case needDayOfMonth && (p.DayOfMonth < 1 || p.DayOfMonth > 31):
		return bad("a %s pattern needs dayOfMonth 1-31, not %d", p.Type, p.DayOfMonth)
	case !needDayOfMonth && p.DayOfMonth != 0:
		return bad("a %s pattern takes no dayOfMonth", p.Type)
	case needMonth && (p.Month < 1 || p.Month > 12):
		return bad("a %s pattern needs month 1-12, not %d", p.Type, p.Month)
	case !needMonth && p.Month != 0:
		return bad("a %s pattern takes no month", p.Type)
	case !allowIndex && p.Index != "":
		return bad("a %s pattern takes no index", p.Type)
	case !allowFirstDay && p.FirstDayOfWeek != "":
		return bad("a %s pattern takes no firstDayOfWeek", p.Type)
	}
	known := []DayOfWeek{Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday}
	for _, d := range p.DaysOfWeek {
		if !slices.Contains(known, d) {
			return bad("unknown day %q", d)
		}
	}
	if p.FirstDayOfWeek != "" && !slices.Contains(known, p.FirstDayOfWeek) {
		return bad("unknown firstDayOfWeek %q", p.FirstDayOfWeek)
	}
	if p.Index != "" && !slices.Contains([]WeekIndex{WeekFirst, WeekSecond, WeekThird, WeekFourth, WeekLast}, p.Index) {
		return bad("unknown index %q", p.Index)
	}
	if g.StartDate.IsZero() {
		return bad("the range needs a startDate")
	}
	if !g.StartDate.valid() {
		return bad("startDate %04d-%02d-%02d is no real day", g.StartDate.Year, int(g.StartDate.Month), g.StartDate.Day)
	}
	switch g.Type {
	case RangeEndDate:
		if g.EndDate.IsZero() || !g.EndDate.valid() {
			return bad("an endDate range needs a valid endDate")
		}
		if g.EndDate.In(nil).Before(g.StartDate.In(nil)) {
			return bad("endDate %s before startDate %s", g.EndDate, g.StartDate)
		}
		if g.NumberOfOccurrences != 0 {
			return bad("an endDate range takes no numberOfOccurrences")
		}
	case RangeNoEnd:
		if !g.EndDate.IsZero() || g.NumberOfOccurrences != 0 {
			return bad("a noEnd range takes no endDate or numberOfOccurrences")
		}
	case RangeNumbered:
		if g.NumberOfOccurrences < 1 {
			return bad("a numbered range needs numberOfOccurrences > 0")
		}
		if !g.EndDate.IsZero() {
			return bad("a numbered range takes no endDate")
		}
	case "":
		return bad("no range type")
	default:
		return bad("unknown range type %q", g.Type)
	}
	return nil
}

// trimmed returns r without the fields its pattern and range types do not
// use: responses carry them as zeros and defaults ("index":"first" on a
// weekly pattern), and sending them back would be refused.
func (r PatternedRecurrence) trimmed() PatternedRecurrence {
	p, g := &r.Pattern, &r.Range
	switch p.Type {
	case PatternDaily:
		p.DaysOfWeek, p.DayOfMonth, p.Month, p.Index, p.FirstDayOfWeek = nil, 0, 0, "", ""
	case PatternWeekly:
		p.DayOfMonth, p.Month, p.Index = 0, 0, ""
	case PatternAbsoluteMonthly:
		p.DaysOfWeek, p.Month, p.Index, p.FirstDayOfWeek = nil, 0, "", ""
	case PatternRelativeMonthly:
		p.DayOfMonth, p.Month, p.FirstDayOfWeek = 0, 0, ""
	case PatternAbsoluteYearly:
		p.DaysOfWeek, p.Index, p.FirstDayOfWeek = nil, "", ""
	case PatternRelativeYearly:
		p.DayOfMonth, p.FirstDayOfWeek = 0, ""
	}
	switch g.Type {
	case RangeEndDate:
		g.NumberOfOccurrences = 0
	case RangeNoEnd:
		g.EndDate, g.NumberOfOccurrences = Date{}, 0
	case RangeNumbered:
		g.EndDate = Date{}
	}
	return r
}
