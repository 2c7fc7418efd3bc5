package ews

// Free/busy: GetUserAvailability over the store's schedules (the ones
// Graph's getSchedule shows), with times in the request's time zone, a
// SerializableTimeZone of biases and yearly transitions.

import (
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// maxAvailabilitySpan is the longest time window GetUserAvailability
// takes (ErrorTimeIntervalTooBig beyond), and maxAvailabilityMailboxes the
// most mailboxes one request may ask for.
const (
	maxAvailabilitySpan      = 42 * 24 * time.Hour
	maxAvailabilityMailboxes = 100
)

// transition is when a SerializableTimeZone changes between standard and
// daylight time: the dayOrder-th weekday of month (5 for the last) at
// clock, local time.
type transition struct {
	month, dayOrder int
	weekday         time.Weekday
	clock           time.Duration
}

// serialZone is a SerializableTimeZone: UTC = local + bias (+ the
// period's own bias), in minutes.
type serialZone struct {
	bias, stdBias, dstBias int
	std, dst               transition
	hasDST                 bool
}

var utcZone = &serialZone{}

// readSerialZone reads a t:TimeZone of GetUserAvailability.
func readSerialZone(e *elem) (*serialZone, *fault) {
	if e == nil {
		return utcZone, nil
	}
	bad := func(k *elem) *fault { return schemaFault(k.line, k.col, "The time zone '"+k.local+"' is not valid.") }
	z := &serialZone{}
	b := e.t("Bias")
	if b == nil {
		return nil, bad(e)
	}
	var err error
	if z.bias, err = strconv.Atoi(b.value()); err != nil {
		return nil, bad(b)
	}
	period := func(k *elem) (int, transition, *fault) {
		if k == nil {
			return 0, transition{}, nil
		}
		var tr transition
		bias, err1 := strconv.Atoi(k.t("Bias").value())
		clock, err2 := time.Parse("15:04:05", k.t("Time").value())
		order, err3 := strconv.Atoi(k.t("DayOrder").value())
		month, err4 := strconv.Atoi(k.t("Month").value())
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || month < 1 || month > 12 || order < 1 || order > 5 {
			return 0, tr, bad(k)
		}
		tr.month, tr.dayOrder = month, order
		tr.clock = time.Duration(clock.Hour())*time.Hour + time.Duration(clock.Minute())*time.Minute
		found := false
		for i, d := range ewsDays {
			if d == k.t("DayOfWeek").value() {
				tr.weekday, found = time.Weekday(i), true
			}
		}
		if !found {
			return 0, tr, bad(k)
		}
		return bias, tr, nil
	}
	for _, name := range []string{"StandardTime", "DaylightTime"} {
		if k := e.t(name); k != nil && (k.t("Bias") == nil || k.t("Time") == nil || k.t("DayOrder") == nil || k.t("Month") == nil || k.t("DayOfWeek") == nil) {
			return nil, bad(k)
		}
	}
	var f *fault
	if z.stdBias, z.std, f = period(e.t("StandardTime")); f != nil {
		return nil, f
	}
	if z.dstBias, z.dst, f = period(e.t("DaylightTime")); f != nil {
		return nil, f
	}
	z.hasDST = z.stdBias != z.dstBias && e.t("DaylightTime") != nil
	return z, nil
}

// at is the local wall time (written in UTC) a transition happens in year.
func (t transition) at(year int) time.Time {
	if t.dayOrder == 5 {
		last := time.Date(year, time.Month(t.month)+1, 0, 0, 0, 0, 0, time.UTC)
		for last.Weekday() != t.weekday {
			last = last.AddDate(0, 0, -1)
		}
		return last.Add(t.clock)
	}
	d := time.Date(year, time.Month(t.month), 1, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != t.weekday {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 7*(t.dayOrder-1)).Add(t.clock)
}

// daylight reports whether a local wall time (written in UTC) is in
// daylight time.
func (z *serialZone) daylight(local time.Time) bool {
	if !z.hasDST {
		return false
	}
	on, off := z.dst.at(local.Year()), z.std.at(local.Year())
	if on.Before(off) {
		return !local.Before(on) && local.Before(off)
	}
	return !local.Before(on) || local.Before(off)
}

// toUTC reads a local wall time (written in UTC) as an instant.
func (z *serialZone) toUTC(local time.Time) time.Time {
	b := z.bias + z.stdBias
	if z.daylight(local) {
		b = z.bias + z.dstBias
	}
	return local.Add(time.Duration(b) * time.Minute)
}

// local writes an instant as the zone's wall time.
func (z *serialZone) local(t time.Time) time.Time {
	l := t.UTC().Add(-time.Duration(z.bias+z.stdBias) * time.Minute)
	if z.daylight(l) {
		l = t.UTC().Add(-time.Duration(z.bias+z.dstBias) * time.Minute)
	}
	return l
}

// zoneOf describes a location as a SerializableTimeZone for year: its
// standard offset, and when it has daylight time the transitions the
// location has that year.
func zoneOf(loc *time.Location, year int) *serialZone {
	offset := func(t time.Time) int { _, o := t.In(loc).Zone(); return o / 60 }
	jan, jul := offset(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)), offset(time.Date(year, 7, 1, 0, 0, 0, 0, time.UTC))
	std := min(jan, jul)
	z := &serialZone{bias: -std, std: transition{month: 1, dayOrder: 1, weekday: time.Sunday}, dst: transition{month: 1, dayOrder: 1, weekday: time.Sunday}}
	if jan == jul {
		return z
	}
	z.hasDST, z.dstBias = true, std-max(jan, jul)
	describe := func(u time.Time) transition {
		l := u.In(loc).Add(-time.Duration(offset(u)-offset(u.Add(-time.Hour))) * time.Minute)
		order := (l.Day()-1)/7 + 1
		if l.AddDate(0, 0, 7).Month() != l.Month() {
			order = 5
		}
		return transition{month: int(l.Month()), dayOrder: order, weekday: l.Weekday(), clock: time.Duration(l.Hour()) * time.Hour}
	}
	for t := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); t.Year() == year; t = t.Add(time.Hour) {
		if prev := offset(t.Add(-time.Hour)); prev != offset(t) {
			if offset(t) > prev {
				z.dst = describe(t)
			} else {
				z.std = describe(t)
			}
		}
	}
	return z
}

func writeSerialZone(w *writer, name string, z *serialZone) {
	w.open(name)
	w.leaf("t:Bias", strconv.Itoa(z.bias))
	for _, p := range []struct {
		name string
		bias int
		tr   transition
	}{{"t:StandardTime", z.stdBias, z.std}, {"t:DaylightTime", z.dstBias, z.dst}} {
		w.open(p.name)
		w.leaf("t:Bias", strconv.Itoa(p.bias))
		w.leaf("t:Time", time.Time{}.Add(p.tr.clock).Format("15:04:05"))
		w.leaf("t:DayOrder", strconv.Itoa(p.tr.dayOrder))
		w.leaf("t:Month", strconv.Itoa(p.tr.month))
		w.leaf("t:DayOfWeek", ewsDays[p.tr.weekday])
		w.close(p.name)
	}
	w.close(name)
}

// getUserAvailability serves GetUserAvailabilityRequest: the free/busy of
// each mailbox asked for (merged into one digit per interval, and its
// events, with their details for a Detailed view) and its working hours.
func (c *call) getUserAvailability(op *elem, w *writer) *fault {
	z, f := readSerialZone(op.t("TimeZone"))
	if f != nil {
		return f
	}
	list := op.m("MailboxDataArray")
	opts := op.t("FreeBusyViewOptions")
	if list != nil && opts == nil && op.t("SuggestionsViewOptions") != nil {
		return c.suggestions(op, w, z)
	}
	if list == nil || opts == nil || opts.t("TimeWindow") == nil {
		return schemaFault(op.line, op.col, "GetUserAvailabilityRequest needs a MailboxDataArray and FreeBusyViewOptions with a TimeWindow.")
	}
	if op.t("SuggestionsViewOptions") != nil {
		return notImplemented("free/busy and meeting time suggestions in one request")
	}
	tw := opts.t("TimeWindow")
	ls, err1 := time.Parse("2006-01-02T15:04:05", strings.TrimSpace(tw.t("StartTime").value()))
	le, err2 := time.Parse("2006-01-02T15:04:05", strings.TrimSpace(tw.t("EndTime").value()))
	if err1 != nil || err2 != nil {
		return schemaFault(tw.line, tw.col, "The TimeWindow needs StartTime and EndTime.")
	}
	start, end := z.toUTC(ls), z.toUTC(le)
	interval := 30
	if iv := opts.t("MergedFreeBusyIntervalInMinutes"); iv != nil {
		n, err := strconv.Atoi(iv.value())
		if err != nil || n < 5 || n > 1440 {
			return faultClient("ErrorInvalidParameter", "MergedFreeBusyIntervalInMinutes must be from 5 to 1440.")
		}
		interval = n
	}
	view := "Detailed"
	if v := opts.t("RequestedView"); v != nil {
		view = v.value()
	}
	switch view {
	case "None", "MergedOnly", "FreeBusy", "FreeBusyMerged", "Detailed", "DetailedMerged":
	default:
		return schemaFault(opts.line, opts.col, "The 'RequestedView' element is invalid.")
	}
	mailboxes := list.all(nsTypes, "MailboxData")
	switch {
	case !end.After(start):
		return faultClient("ErrorInvalidTimeInterval", "The end of the time window must be after its start.")
	case end.Sub(start) > maxAvailabilitySpan:
		return faultClient("ErrorTimeIntervalTooBig", "The time window of a free/busy request is at most 42 days.")
	case len(mailboxes) > maxAvailabilityMailboxes:
		return faultClient("ErrorExceededFindCountLimit", "A free/busy request asks for at most 100 mailboxes.")
	}
	w.open("m:GetUserAvailabilityResponse", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
	w.open("m:FreeBusyResponseArray")
	for _, md := range mailboxes {
		addr := ""
		if e := md.t("Email"); e != nil && e.t("Address") != nil {
			addr = strings.TrimSpace(e.t("Address").text)
		}
		w.open("m:FreeBusyResponse")
		m, ok := c.h.st.Lookup(addr)
		if !ok {
			w.open("m:ResponseMessage", "ResponseClass", "Error")
			w.leaf("m:MessageText", "No mailbox with such guid or address: "+addr)
			w.leaf("m:ResponseCode", "ErrorMailRecipientNotFound")
			w.leaf("m:DescriptiveLinkKey", "0")
			w.close("m:ResponseMessage")
			w.open("m:FreeBusyView")
			w.leaf("t:FreeBusyViewType", "None")
			w.close("m:FreeBusyView")
			w.close("m:FreeBusyResponse")
			continue
		}
		c.track(m.Address())
		sc := m.Schedule(start, end, time.Duration(interval)*time.Minute)
		w.open("m:ResponseMessage", "ResponseClass", "Success")
		w.leaf("m:ResponseCode", "NoError")
		w.close("m:ResponseMessage")
		w.open("m:FreeBusyView")
		w.leaf("t:FreeBusyViewType", map[string]string{"None": "None", "MergedOnly": "MergedOnly", "FreeBusy": "FreeBusy",
			"FreeBusyMerged": "FreeBusyMerged", "Detailed": "Detailed", "DetailedMerged": "DetailedMerged"}[view])
		if strings.Contains(view, "Merged") {
			w.leaf("t:MergedFreeBusy", sc.View)
		}
		if view != "MergedOnly" && view != "None" {
			w.open("t:CalendarEventArray")
			for _, it := range sc.Items {
				s, _ := instant(it["start"])
				e, _ := instant(it["end"])
				w.open("t:CalendarEvent")
				w.leaf("t:StartTime", z.local(s).Format("2006-01-02T15:04:05"))
				w.leaf("t:EndTime", z.local(e).Format("2006-01-02T15:04:05"))
				w.leaf("t:BusyType", freeBusyEnum.ews(it["status"]))
				if strings.HasPrefix(view, "Detailed") {
					subj, _ := it["subject"].(string)
					loc, _ := it["location"].(string)
					w.open("t:CalendarEventDetails")
					w.leaf("t:ID", strconv.FormatInt(s.Unix(), 16))
					w.leaf("t:Subject", subj)
					w.leaf("t:Location", loc)
					for _, k := range [][2]string{{"IsMeeting", "isMeeting"}, {"IsRecurring", "isRecurring"}, {"IsException", "isException"},
						{"IsReminderSet", "isReminderSet"}, {"IsPrivate", "isPrivate"}} {
						b, _ := it[k[1]].(bool)
						w.leaf("t:"+k[0], boolText(b))
					}
					w.close("t:CalendarEventDetails")
				}
				w.close("t:CalendarEvent")
			}
			w.close("t:CalendarEventArray")
		}
		writeWorkingHours(w, sc, start.Year())
		w.close("m:FreeBusyView")
		w.close("m:FreeBusyResponse")
	}
	w.close("m:FreeBusyResponseArray")
	w.close("m:GetUserAvailabilityResponse")
	return nil
}

// writeWorkingHours writes a mailbox's working hours: its zone as a
// SerializableTimeZone, and one working period.
func writeWorkingHours(w *writer, sc store.Schedule, year int) {
	wh := sc.WorkingHours
	if wh == nil {
		return
	}
	tz, _ := wh["timeZone"].(map[string]any)
	name, _ := tz["name"].(string)
	loc, ok := datetime.LoadZone(name)
	if !ok {
		loc = time.UTC
	}
	minutes := func(k string) string {
		s, _ := wh[k].(string)
		t, err := time.Parse("15:04:05", s[:min(8, len(s))])
		if err != nil {
			return "0"
		}
		return strconv.Itoa(t.Hour()*60 + t.Minute())
	}
	var days []string
	list, _ := wh["daysOfWeek"].([]any)
	for _, d := range list {
		s, _ := d.(string)
		for _, n := range ewsDays {
			if strings.EqualFold(n, s) {
				days = append(days, n)
			}
		}
	}
	w.open("t:WorkingHours")
	writeSerialZone(w, "t:TimeZone", zoneOf(loc, year))
	w.open("t:WorkingPeriodArray")
	w.open("t:WorkingPeriod")
	w.leaf("t:DayOfWeek", strings.Join(days, " "))
	w.leaf("t:StartTimeInMinutes", minutes("startTime"))
	w.leaf("t:EndTimeInMinutes", minutes("endTime"))
	w.close("t:WorkingPeriod")
	w.close("t:WorkingPeriodArray")
	w.close("t:WorkingHours")
}
