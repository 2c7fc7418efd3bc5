package ews

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/odata"
)

// Recurrences: Graph's patternedRecurrence and EWS's RecurrenceType
// (recurrence-patterns-and-ews, ref/recurrence-recurrencetype). Each
// pattern has an element (DailyRecurrence, WeeklyRecurrence,
// AbsoluteMonthlyRecurrence, RelativeMonthlyRecurrence,
// AbsoluteYearlyRecurrence, RelativeYearlyRecurrence) and each range one
// (NoEndRecurrence, EndDateRecurrence, NumberedRecurrence). What one side
// cannot say is refused with odata.ErrNotSupported before any request:
// EWS's yearly patterns have no interval, its relative patterns take one
// DayOfWeekType (a day, or Day, Weekday, WeekendDay) where Graph takes a
// list, and a series keeps the zone of its start (no recurrenceTimeZone of
// its own).

type recurrenceJSON struct {
	Pattern struct {
		Type           string   `json:"type"`
		Interval       int      `json:"interval"`
		DaysOfWeek     []string `json:"daysOfWeek"`
		FirstDayOfWeek string   `json:"firstDayOfWeek"`
		Index          string   `json:"index"`
		DayOfMonth     int      `json:"dayOfMonth"`
		Month          int      `json:"month"`
	} `json:"pattern"`
	Range struct {
		Type                string `json:"type"`
		StartDate           string `json:"startDate"`
		EndDate             string `json:"endDate"`
		NumberOfOccurrences int    `json:"numberOfOccurrences"`
		RecurrenceTimeZone  string `json:"recurrenceTimeZone"`
	} `json:"range"`
}

var (
	ewsWeekDays = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	ewsMonths   = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
		"October", "November", "December"}
	// The DayOfWeekType values that name several days.
	dayGroups = map[string][]string{
		"Day":        {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"},
		"Weekday":    {"monday", "tuesday", "wednesday", "thursday", "friday"},
		"WeekendDay": {"sunday", "saturday"},
	}
)

// dayName returns EWS's name of a Graph day ("monday" -> "Monday").
func dayName(graph string) (string, bool) {
	for _, d := range ewsWeekDays {
		if strings.EqualFold(d, graph) {
			return d, true
		}
	}
	return "", false
}

// ewsDaysOfWeek writes Graph's days: a list for a weekly pattern, one
// DayOfWeekType for a relative one.
func ewsDaysOfWeek(days []string, relative bool) (string, error) {
	set := map[string]bool{}
	var names []string
	for _, d := range days {
		n, ok := dayName(d)
		if !ok {
			return "", fmt.Errorf("%w: recurrence: %q is not a day of the week", odata.ErrInvalidQuery, d)
		}
		if !set[n] {
			set[n] = true
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "", fmt.Errorf("%w: recurrence: the pattern needs daysOfWeek", odata.ErrInvalidQuery)
	}
	if !relative || len(names) == 1 {
		// EWS lists the days in week order.
		slices.SortFunc(names, func(a, b string) int { return slices.Index(ewsWeekDays[:], a) - slices.Index(ewsWeekDays[:], b) })
		return strings.Join(names, " "), nil
	}
	for group, members := range dayGroups {
		if len(members) != len(set) {
			continue
		}
		all := true
		for _, m := range members {
			all = all && set[upperFirst(m)]
		}
		if all {
			return group, nil
		}
	}
	return "", errNotSupported(fmt.Sprintf("a relative recurrence on the days %s (EWS takes one day, every day, weekdays or weekend days)", strings.Join(names, ", ")))
}

// writeRecurrence writes a Graph recurrence as a Recurrence element, given
// the Windows id of the zone the event starts in.
func writeRecurrence(w *xmlWriter, v jsontext.Value, startZone string) error {
	var r recurrenceJSON
	if err := json.Unmarshal(v, &r); err != nil {
		return fmt.Errorf("%w: recurrence: %v", odata.ErrInvalidQuery, err)
	}
	p, rg := r.Pattern, r.Range
	if z := rg.RecurrenceTimeZone; z != "" && startZone != "" && !sameZone(z, startZone) {
		return errNotSupported(fmt.Sprintf("a recurrence in the zone %q while the event starts in %q (EWS keeps a series in its start's zone)", z, startZone))
	}
	interval := p.Interval
	if interval == 0 {
		interval = 1
	}
	if interval < 1 || interval > 999 {
		return fmt.Errorf("%w: recurrence: interval %d", odata.ErrInvalidQuery, interval)
	}
	index := ""
	if p.Type == "relativeMonthly" || p.Type == "relativeYearly" {
		index = "First"
		if p.Index != "" {
			switch strings.ToLower(p.Index) {
			case "first", "second", "third", "fourth", "last":
				index = upperFirst(strings.ToLower(p.Index))
			default:
				return fmt.Errorf("%w: recurrence: index %q", odata.ErrInvalidQuery, p.Index)
			}
		}
	}
	month := func() (string, error) {
		if p.Month < 1 || p.Month > 12 {
			return "", fmt.Errorf("%w: recurrence: month %d", odata.ErrInvalidQuery, p.Month)
		}
		return ewsMonths[p.Month-1], nil
	}
	dayOfMonth := func() (string, error) {
		if p.DayOfMonth < 1 || p.DayOfMonth > 31 {
			return "", fmt.Errorf("%w: recurrence: dayOfMonth %d", odata.ErrInvalidQuery, p.DayOfMonth)
		}
		return strconv.Itoa(p.DayOfMonth), nil
	}
	var inner xmlWriter
	var el string
	switch strings.ToLower(p.Type) {
	case "daily":
		el = "t:DailyRecurrence"
		inner.elem("t:Interval", itoa(interval))
	case "weekly":
		el = "t:WeeklyRecurrence"
		days, err := ewsDaysOfWeek(p.DaysOfWeek, false)
		if err != nil {
			return err
		}
		inner.elem("t:Interval", itoa(interval))
		inner.elem("t:DaysOfWeek", days)
		first := "Sunday"
		if p.FirstDayOfWeek != "" {
			var ok bool
			if first, ok = dayName(p.FirstDayOfWeek); !ok {
				return fmt.Errorf("%w: recurrence: firstDayOfWeek %q", odata.ErrInvalidQuery, p.FirstDayOfWeek)
			}
		}
		inner.elem("t:FirstDayOfWeek", first)
	case "absolutemonthly":
		el = "t:AbsoluteMonthlyRecurrence"
		d, err := dayOfMonth()
		if err != nil {
			return err
		}
		inner.elem("t:Interval", itoa(interval))
		inner.elem("t:DayOfMonth", d)
	case "relativemonthly":
		el = "t:RelativeMonthlyRecurrence"
		days, err := ewsDaysOfWeek(p.DaysOfWeek, true)
		if err != nil {
			return err
		}
		inner.elem("t:Interval", itoa(interval))
		inner.elem("t:DaysOfWeek", days)
		inner.elem("t:DayOfWeekIndex", index)
	case "absoluteyearly", "relativeyearly":
		if interval != 1 {
			return errNotSupported(fmt.Sprintf("a yearly recurrence every %d years (EWS's yearly patterns recur every year)", interval))
		}
		m, err := month()
		if err != nil {
			return err
		}
		if strings.EqualFold(p.Type, "absoluteYearly") {
			el = "t:AbsoluteYearlyRecurrence"
			d, err := dayOfMonth()
			if err != nil {
				return err
			}
			inner.elem("t:DayOfMonth", d)
			inner.elem("t:Month", m)
		} else {
			el = "t:RelativeYearlyRecurrence"
			days, err := ewsDaysOfWeek(p.DaysOfWeek, true)
			if err != nil {
				return err
			}
			inner.elem("t:DaysOfWeek", days)
			inner.elem("t:DayOfWeekIndex", index)
			inner.elem("t:Month", m)
		}
	default:
		return errNotSupported(fmt.Sprintf("the recurrence pattern %q", p.Type))
	}
	date := func(name, v string) (string, error) {
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "", fmt.Errorf("%w: recurrence: %s %q is not a date", odata.ErrInvalidQuery, name, v)
		}
		return v, nil
	}
	start, err := date("startDate", rg.StartDate)
	if err != nil {
		return err
	}
	w.open("t:Recurrence")
	w.open(el)
	w.b = append(w.b, inner.b...)
	w.close(el)
	switch strings.ToLower(rg.Type) {
	case "noend":
		w.open("t:NoEndRecurrence")
		w.elem("t:StartDate", start)
		w.close("t:NoEndRecurrence")
	case "enddate":
		end, err := date("endDate", rg.EndDate)
		if err != nil {
			return err
		}
		w.open("t:EndDateRecurrence")
		w.elem("t:StartDate", start)
		w.elem("t:EndDate", end)
		w.close("t:EndDateRecurrence")
	case "numbered":
		if rg.NumberOfOccurrences < 1 || rg.NumberOfOccurrences > 999 {
			return fmt.Errorf("%w: recurrence: numberOfOccurrences %d (EWS takes 1 to 999)", odata.ErrInvalidQuery, rg.NumberOfOccurrences)
		}
		w.open("t:NumberedRecurrence")
		w.elem("t:StartDate", start)
		w.elem("t:NumberOfOccurrences", itoa(rg.NumberOfOccurrences))
		w.close("t:NumberedRecurrence")
	default:
		return errNotSupported(fmt.Sprintf("the recurrence range %q", rg.Type))
	}
	w.close("t:Recurrence")
	return nil
}

// sameZone reports whether two zone names (Windows or IANA) are one zone.
func sameZone(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	la, err1 := loadZone(a)
	lb, err2 := loadZone(b)
	if err1 != nil || err2 != nil {
		return false
	}
	wa, ok1 := windowsID(la)
	wb, ok2 := windowsID(lb)
	return ok1 && ok2 && wa == wb
}

// readRecurrence reads a Recurrence element into Graph's
// patternedRecurrence; zone (a Windows id, or "") becomes its
// recurrenceTimeZone.
func (c *converter) readRecurrence(zone string) ([]byte, error) {
	var pattern, rng []byte
	err := c.x.children(func() error {
		el := string(c.x.local)
		vals := map[string]string{}
		err := c.x.children(func() error {
			k := string(c.x.local)
			t, err := c.text()
			vals[k] = string(t)
			return err
		})
		if err != nil {
			return err
		}
		num := func(k string) string {
			if _, err := strconv.Atoi(vals[k]); err != nil {
				return "0"
			}
			return vals[k]
		}
		days := func() []byte {
			var out []byte
			out = append(out, '[')
			for _, f := range strings.Fields(vals["DaysOfWeek"]) {
				if g, ok := dayGroups[f]; ok {
					for _, d := range g {
						out = comma(out)
						out = appendString(out, d)
					}
					continue
				}
				out = comma(out)
				out = appendString(out, lowerFirst(f))
			}
			return append(out, ']')
		}
		month := func() string {
			for i, m := range ewsMonths {
				if m == vals["Month"] {
					return itoa(i + 1)
				}
			}
			return "0"
		}
		index := func() []byte { return appendString(nil, strings.ToLower(vals["DayOfWeekIndex"])) }
		var b []byte
		switch el {
		case "DailyRecurrence":
			b = fmt.Appendf(b, `{"type":"daily","interval":%s}`, num("Interval"))
		case "WeeklyRecurrence":
			first := "sunday"
			if vals["FirstDayOfWeek"] != "" {
				first = lowerFirst(vals["FirstDayOfWeek"])
			}
			b = fmt.Appendf(b, `{"type":"weekly","interval":%s,"daysOfWeek":%s,"firstDayOfWeek":%s}`, num("Interval"), days(), appendString(nil, first))
		case "AbsoluteMonthlyRecurrence":
			b = fmt.Appendf(b, `{"type":"absoluteMonthly","interval":%s,"dayOfMonth":%s}`, num("Interval"), num("DayOfMonth"))
		case "RelativeMonthlyRecurrence":
			b = fmt.Appendf(b, `{"type":"relativeMonthly","interval":%s,"daysOfWeek":%s,"index":%s}`, num("Interval"), days(), index())
		case "AbsoluteYearlyRecurrence":
			b = fmt.Appendf(b, `{"type":"absoluteYearly","interval":1,"dayOfMonth":%s,"month":%s}`, num("DayOfMonth"), month())
		case "RelativeYearlyRecurrence":
			b = fmt.Appendf(b, `{"type":"relativeYearly","interval":1,"daysOfWeek":%s,"index":%s,"month":%s}`, days(), index(), month())
		case "NoEndRecurrence", "EndDateRecurrence", "NumberedRecurrence":
			b = append(b, `{"type":`...)
			b = appendString(b, map[string]string{"NoEndRecurrence": "noEnd", "EndDateRecurrence": "endDate", "NumberedRecurrence": "numbered"}[el])
			b = append(b, `,"startDate":`...)
			b = appendString(b, dateOnly(vals["StartDate"]))
			if el == "EndDateRecurrence" {
				b = append(b, `,"endDate":`...)
				b = appendString(b, dateOnly(vals["EndDate"]))
			}
			if el == "NumberedRecurrence" {
				b = append(b, `,"numberOfOccurrences":`...)
				b = append(b, num("NumberOfOccurrences")...)
			}
			if zone != "" {
				b = append(b, `,"recurrenceTimeZone":`...)
				b = appendString(b, zone)
			}
			rng = append(b, '}')
			return nil
		default:
			return nil // a task's regeneration pattern, or a newer element
		}
		pattern = b
		return nil
	})
	if err != nil || pattern == nil || rng == nil {
		return nil, err
	}
	out := append([]byte(`{"pattern":`), pattern...)
	out = append(out, `,"range":`...)
	out = append(out, rng...)
	return append(out, '}'), nil
}

// dateOnly keeps the date of an xs:date, which EWS may write with a zone
// ("2014-04-07-07:00"); "" for what is not a date.
func dateOnly(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 10 {
		return ""
	}
	if _, err := time.Parse("2006-01-02", s[:10]); err != nil {
		return ""
	}
	return s[:10]
}

// isNullJSON reports whether a JSON value is null.
func isNullJSON(v jsontext.Value) bool { return string(bytes.TrimSpace(v)) == "null" }
