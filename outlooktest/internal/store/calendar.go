package store

// Calendars: views over a time window, and occurrences of a series.

import (
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/recurrence"
)

// Window is a calendar view's time range over one calendar, or over one
// series (instances).
type Window struct {
	Start, End time.Time
	Calendar   string // the calendar's id
	Master     string // instances of this series master only
}

// Holds reports whether e belongs to the calendar or series the view shows.
func (w *Window) Holds(e *Entity) bool {
	if w.Master != "" {
		return e.id == w.Master
	}
	return e.parent == w.Calendar
}

// inWindow reports whether a single event overlaps the view's range.
func inWindow(ev Object, w *Window) bool {
	s, ok1 := datetime.Instant(ev["start"])
	e, ok2 := datetime.Instant(ev["end"])
	if !ok1 || !ok2 {
		return false
	}
	return s.Before(w.End) && e.After(w.Start)
}

// ViewItems returns what an event contributes to a calendar view of
// [from, to): a single instance itself when it overlaps; a series master's
// occurrences that overlap (recurrences expanded), preceded by the master
// when withMaster is set and any occurrence does. Occurrences are fresh
// objects; the others are shared with the store (read-only).
func ViewItems(e *Entity, from, to time.Time, withMaster bool) []Object {
	if r, _ := e.obj["recurrence"].(map[string]any); r != nil {
		occ := recurrence.Expand(e.id, e.obj, from, to)
		if withMaster && len(occ) > 0 {
			return append([]Object{e.obj}, occ...)
		}
		return occ
	}
	if inWindow(e.obj, &Window{Start: from, End: to}) {
		return []Object{e.obj}
	}
	return nil
}

// Occurrence returns a transient entity for the occurrence id of a stored
// series master, or nil. Occurrences are computed, not stored: they can be
// read but not changed.
func (m *Mailbox) Occurrence(id string) *Entity {
	mid, day, ok := recurrence.ParseOccurrenceID(id)
	if !ok {
		return nil
	}
	master := m.ents["events"][mid]
	if master == nil {
		return nil
	}
	for _, o := range recurrence.Expand(master.id, master.obj, day.Add(-48*time.Hour), day.Add(72*time.Hour)) {
		if o["id"] == id {
			return &Entity{set: "events", id: id, obj: o, parent: master.parent, order: master.order, transient: true}
		}
	}
	return nil
}
