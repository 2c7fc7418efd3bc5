// Package recurrence expands an event series (a master with a
// patternedRecurrence, in Graph form) into its occurrences, as calendar
// views, instances and change tracking of a view show them. Patterns: daily,
// weekly, absolute and relative monthly and yearly; ranges: endDate,
// numbered, noEnd. Occurrences are computed from the master; the store
// keeps the exceptions and cancelled occurrences of a series, and takes
// them out of what Expand gives.
package recurrence

import (
	"encoding/base64"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// Occurrence ids. Occurrences are not stored, so their ids are made from
// their series master's id and their day: as Exchange's are, standard
// base64 of the master's id bytes followed by a marker and the date
// (written in the REST alphabet, as the store keeps ids), so that an
// occurrence id is an Exchange id to clients of every protocol. A master
// whose id is not base64 (a test may seed any id) gets "<id>_OCC<date>".

// occMarker follows a master's id bytes in an occurrence id.
const occMarker = "\x00OCC"

// occSep joins a master id that is not base64 and an occurrence's date.
const occSep = "_OCC"

// OccurrenceID is the id of the occurrence of series master starting on day
// (in the master's zone).
func OccurrenceID(master string, day time.Time) string {
	raw, err := base64.StdEncoding.DecodeString(ids.EWSFromREST(master))
	if err != nil || len(raw) == 0 || ids.EWSToREST(base64.StdEncoding.EncodeToString(raw)) != master {
		return master + occSep + day.Format("20060102")
	}
	raw = append(raw, occMarker+day.Format("20060102")...)
	return ids.EWSToREST(base64.StdEncoding.EncodeToString(raw))
}

// ParseOccurrenceID splits the id of an occurrence into its master's id and
// its day; ok is false for an id that is not an occurrence's.
func ParseOccurrenceID(id string) (master string, day time.Time, ok bool) {
	if raw, err := base64.StdEncoding.DecodeString(ids.EWSFromREST(id)); err == nil && len(raw) > len(occMarker)+8 {
		n := len(raw) - 8
		if string(raw[n-len(occMarker):n]) == occMarker {
			if day, err := time.Parse("20060102", string(raw[n:])); err == nil {
				return ids.EWSToREST(base64.StdEncoding.EncodeToString(raw[:n-len(occMarker)])), day, true
			}
		}
	}
	i := strings.LastIndex(id, occSep)
	if i < 0 {
		return "", time.Time{}, false
	}
	day, err := time.Parse("20060102", id[i+len(occSep):])
	if err != nil {
		return "", time.Time{}, false
	}
	return id[:i], day, true
}

// Expand returns the occurrences of a series master overlapping
// [from, to). Patterns: daily, weekly, absolute and relative monthly and
// yearly; ranges: endDate, numbered, noEnd. Exceptions and cancelled
// occurrences are the store's to take out.
func Expand(id string, master schema.Object, from, to time.Time) []schema.Object {
	starts, dur, loc := occurrenceStarts(master, from, to)
	out := make([]schema.Object, 0, len(starts))
	sm, _ := master["start"].(map[string]any)
	stz, _ := sm["timeZone"].(string)
	etz := stz
	if e, ok := master["end"].(map[string]any); ok {
		if z, ok := e["timeZone"].(string); ok {
			etz = z
		}
	}
	eloc, ok := datetime.LoadZone(etz)
	if !ok {
		eloc = loc
	}
	for _, s := range starts {
		o := make(schema.Object, len(master))
		for k, v := range master {
			o[k] = schema.DeepCopy(v)
		}
		o["id"] = OccurrenceID(id, s)
		o["type"] = "occurrence"
		o["seriesMasterId"] = id
		o["recurrence"] = nil
		o["start"] = schema.Object{"dateTime": s.Format("2006-01-02T15:04:05.0000000"), "timeZone": stz}
		o["end"] = schema.Object{"dateTime": s.Add(dur).In(eloc).Format("2006-01-02T15:04:05.0000000"), "timeZone": etz}
		out = append(out, o)
	}
	return out
}

// occurrenceStarts lists the start instants (in the master's zone) of the
// occurrences that overlap [from, to), with the events' duration.
func occurrenceStarts(master schema.Object, from, to time.Time) ([]time.Time, time.Duration, *time.Location) {
	start, ok1 := datetime.Instant(master["start"])
	end, ok2 := datetime.Instant(master["end"])
	r, _ := master["recurrence"].(map[string]any)
	p, _ := r["pattern"].(map[string]any)
	rg, _ := r["range"].(map[string]any)
	if !ok1 || !ok2 || p == nil || rg == nil {
		return nil, 0, time.UTC
	}
	sm, _ := master["start"].(map[string]any)
	tz, _ := sm["timeZone"].(string)
	loc, ok := datetime.LoadZone(tz)
	if !ok {
		loc = time.UTC
	}
	local := start.In(loc)
	dur := end.Sub(start)
	civil := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	rangeStart := civil(local)
	if s, ok := rg["startDate"].(string); ok {
		if d, err := time.Parse("2006-01-02", s); err == nil {
			rangeStart = d
		}
	}
	var rangeEnd time.Time
	limit := -1
	switch rt, _ := rg["type"].(string); rt {
	case "endDate":
		if s, ok := rg["endDate"].(string); ok {
			if d, err := time.Parse("2006-01-02", s); err == nil {
				rangeEnd = d
			}
		}
	case "numbered":
		n, _ := rg["numberOfOccurrences"].(float64)
		limit = int(n)
	}
	interval := 1
	if n, _ := p["interval"].(float64); n >= 1 {
		interval = int(n)
	}
	days := map[time.Weekday]bool{}
	if ds, ok := p["daysOfWeek"].([]any); ok {
		for _, d := range ds {
			s, _ := d.(string)
			for i, name := range schema.Enum("dayOfWeek") {
				if strings.EqualFold(s, name) {
					days[time.Weekday(i)] = true
				}
			}
		}
	}
	if len(days) == 0 {
		days[rangeStart.Weekday()] = true
	}
	firstDay := time.Sunday
	if s, ok := p["firstDayOfWeek"].(string); ok {
		for i, name := range schema.Enum("dayOfWeek") {
			if strings.EqualFold(s, name) {
				firstDay = time.Weekday(i)
			}
		}
	}
	dayOfMonth := rangeStart.Day()
	if n, _ := p["dayOfMonth"].(float64); n >= 1 {
		dayOfMonth = int(n)
	}
	month := rangeStart.Month()
	if n, _ := p["month"].(float64); n >= 1 && n <= 12 {
		month = time.Month(n)
	}
	index, _ := p["index"].(string)
	daysIn := func(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }
	nth := func(y int, m time.Month) (time.Time, bool) { // relative patterns
		var match []time.Time
		for d := 1; d <= daysIn(y, m); d++ {
			t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			if days[t.Weekday()] {
				match = append(match, t)
			}
		}
		i := map[string]int{"second": 1, "third": 2, "fourth": 3, "last": len(match) - 1}[strings.ToLower(index)]
		if i < 0 || i >= len(match) {
			return time.Time{}, false
		}
		return match[i], true
	}
	// next yields the k-th group of candidate dates of the pattern.
	var next func(k int) []time.Time
	switch pt, _ := p["type"].(string); strings.ToLower(pt) {
	case "daily":
		next = func(k int) []time.Time { return []time.Time{rangeStart.AddDate(0, 0, k*interval)} }
	case "weekly":
		ws := rangeStart.AddDate(0, 0, -int((rangeStart.Weekday()-firstDay+7)%7))
		next = func(k int) []time.Time {
			var out []time.Time
			w := ws.AddDate(0, 0, 7*interval*k)
			for off := range 7 {
				if d := w.AddDate(0, 0, off); days[d.Weekday()] {
					out = append(out, d)
				}
			}
			return out
		}
	case "absolutemonthly":
		next = func(k int) []time.Time {
			m := time.Date(rangeStart.Year(), rangeStart.Month()+time.Month(k*interval), 1, 0, 0, 0, 0, time.UTC)
			return []time.Time{time.Date(m.Year(), m.Month(), min(dayOfMonth, daysIn(m.Year(), m.Month())), 0, 0, 0, 0, time.UTC)}
		}
	case "relativemonthly":
		next = func(k int) []time.Time {
			m := time.Date(rangeStart.Year(), rangeStart.Month()+time.Month(k*interval), 1, 0, 0, 0, 0, time.UTC)
			if d, ok := nth(m.Year(), m.Month()); ok {
				return []time.Time{d}
			}
			return nil
		}
	case "absoluteyearly":
		next = func(k int) []time.Time {
			y := rangeStart.Year() + k*interval
			return []time.Time{time.Date(y, month, min(dayOfMonth, daysIn(y, month)), 0, 0, 0, 0, time.UTC)}
		}
	case "relativeyearly":
		next = func(k int) []time.Time {
			if d, ok := nth(rangeStart.Year()+k*interval, month); ok {
				return []time.Time{d}
			}
			return nil
		}
	default:
		return nil, dur, loc
	}
	var out []time.Time
	count := 0
	for k := 0; k < 100000; k++ {
		for _, d := range next(k) {
			if d.Before(rangeStart) {
				continue
			}
			if !rangeEnd.IsZero() && d.After(rangeEnd) {
				return out, dur, loc
			}
			s := time.Date(d.Year(), d.Month(), d.Day(), local.Hour(), local.Minute(), local.Second(), 0, loc)
			if !s.Before(to) {
				return out, dur, loc
			}
			count++
			if limit >= 0 && count > limit {
				return out, dur, loc
			}
			if s.Add(dur).After(from) {
				out = append(out, s)
			}
		}
	}
	return out, dur, loc
}
