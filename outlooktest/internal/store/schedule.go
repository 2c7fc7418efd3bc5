package store

// Free/busy: what Graph's getSchedule and EWS's GetUserAvailability show
// of a mailbox's default calendar.

import (
	"slices"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// busyRank orders the free/busy statuses by how busy they make a slot;
// the availability view shows the busiest status of each slot.
var busyRank = map[string]int{"free": 0, "workingElsewhere": 1, "tentative": 2, "busy": 3, "oof": 4}

// busyDigit is each status's digit in an availability view.
var busyDigit = map[string]byte{"free": '0', "tentative": '1', "busy": '2', "oof": '3', "workingElsewhere": '4'}

// Schedule is a mailbox's free/busy over a span.
type Schedule struct {
	// Items are the events that make the mailbox busy, tentative, away or
	// working elsewhere (not the free ones, nor cancelled meetings), in
	// start order, as Graph objects: start, end (UTC), status, subject,
	// location, isPrivate, isMeeting, isRecurring, isException,
	// isReminderSet.
	Items []Object
	// View has one digit per interval of the span, for its busiest status.
	View string
	// WorkingHours are the mailbox settings' working hours.
	WorkingHours Object
}

// Schedule computes the free/busy of the mailbox's default calendar over
// [start, end), in intervals of interval for the availability view.
func (m *Mailbox) Schedule(start, end time.Time, interval time.Duration) Schedule {
	var events []Object
	w := &Window{Start: start, End: end, Calendar: m.defaultCalendar}
	for _, e := range m.List("events", w.Holds) {
		for _, o := range m.ViewItems(e, start, end, false) {
			if c, _ := o["isCancelled"].(bool); c {
				continue
			}
			if s, _ := o["showAs"].(string); s == "free" || s == "unknown" {
				continue
			}
			events = append(events, o)
		}
	}
	sortByStart(events)
	var sc Schedule
	for _, o := range events {
		s, _ := datetime.Instant(o["start"])
		e, _ := datetime.Instant(o["end"])
		status, _ := o["showAs"].(string)
		if status == "" {
			status = "busy"
		}
		loc, _ := o["location"].(map[string]any)
		locName, _ := loc["displayName"].(string)
		sens, _ := o["sensitivity"].(string)
		rem, _ := o["isReminderOn"].(bool)
		sc.Items = append(sc.Items, Object{
			"start":         Object{"dateTime": s.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
			"end":           Object{"dateTime": e.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
			"status":        status,
			"subject":       o["subject"],
			"location":      locName,
			"isPrivate":     sens == "private",
			"isMeeting":     len(attendeeAddresses(o)) > 0,
			"isRecurring":   o["type"] == "occurrence" || o["type"] == "exception",
			"isException":   o["type"] == "exception",
			"isReminderSet": rem,
		})
	}
	if interval > 0 {
		var view []byte
		for t := start; t.Before(end); t = t.Add(interval) {
			best := "free"
			for _, it := range sc.Items {
				s, _ := datetime.Instant(it["start"])
				e, _ := datetime.Instant(it["end"])
				st, _ := it["status"].(string)
				if s.Before(t.Add(interval)) && e.After(t) && busyRank[st] > busyRank[best] {
					best = st
				}
			}
			view = append(view, busyDigit[best])
		}
		sc.View = string(view)
	}
	if wh, ok := m.settings["workingHours"].(map[string]any); ok {
		sc.WorkingHours = schema.DeepCopy(wh).(map[string]any)
	}
	return sc
}

// sortByStart orders events by their start instants.
func sortByStart(objs []Object) {
	slices.SortStableFunc(objs, func(a, b Object) int {
		x, _ := datetime.Instant(a["start"])
		y, _ := datetime.Instant(b["start"])
		return x.Compare(y)
	})
}
