package store

// Calendars: views over a time window, occurrences of a series, and the
// exceptions to a series.
//
// An occurrence is computed from its series master, not stored; changing
// one (Update through UpdateOccurrence) stores an exception: an event of
// type "exception" with the occurrence's id, seriesMasterId and
// originalStart, in the master's calendar. Deleting or cancelling one
// records it on the master (cancelledOccurrences, in Graph's
// "OID.<master id>.<date>" form) and leaves a tombstone for change
// tracking. Views show exceptions in place of the occurrences they
// replace, and neither the occurrences nor the exceptions cancelled; lists
// of a calendar's events show singles and masters only, as Graph's do.

import (
	"slices"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/recurrence"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
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
		return e.id == w.Master || IsException(e) && e.obj["seriesMasterId"] == w.Master
	}
	return e.parent == w.Calendar
}

// IsException reports whether e is a stored exception to a series: shown
// in views and instances, not in lists of events.
func IsException(e *Entity) bool {
	return e.set == "events" && e.obj["type"] == "exception"
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
// [from, to): a single instance or an exception itself when it overlaps; a
// series master's occurrences that overlap (recurrences expanded), those
// cancelled or replaced by an exception left out, preceded by the master
// when withMaster is set and any occurrence does. Occurrences are fresh
// objects; the others are shared with the store (read-only).
func (m *Mailbox) ViewItems(e *Entity, from, to time.Time, withMaster bool) []Object {
	if r, _ := e.obj["recurrence"].(map[string]any); r != nil && !IsException(e) {
		occ := m.occurrences(e, from, to)
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

// occurrences expands a series master over [from, to), without the
// occurrences cancelled or replaced by a stored exception.
func (m *Mailbox) occurrences(master *Entity, from, to time.Time) []Object {
	all := recurrence.Expand(master.id, master.obj, from, to)
	out := all[:0]
	for _, o := range all {
		id, _ := o["id"].(string)
		if m.skipped(master, id) {
			continue
		}
		o["originalStart"] = originalStart(o)
		out = append(out, o)
	}
	return out
}

// skipped reports whether the occurrence id of master is cancelled or
// replaced by an exception.
func (m *Mailbox) skipped(master *Entity, occID string) bool {
	if _, ok := m.ents["events"][occID]; ok {
		return true
	}
	return slices.Contains(cancelledList(master), cancelledKey(master.id, occID))
}

// originalStart is the instant an occurrence starts at in its series,
// Graph's originalStart.
func originalStart(occ Object) string {
	t, _ := datetime.Instant(occ["start"])
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// cancelledKey is the cancelledOccurrences entry of an occurrence, Graph's
// "OID.<master id>.<yyyy-mm-dd>".
func cancelledKey(masterID, occID string) string {
	_, day, ok := recurrence.ParseOccurrenceID(occID)
	if !ok {
		return ""
	}
	return "OID." + masterID + "." + day.Format("2006-01-02")
}

func cancelledList(master *Entity) []string {
	var out []string
	list, _ := master.obj["cancelledOccurrences"].([]any)
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Occurrence returns a transient entity for the occurrence id of a stored
// series master, or nil (also for one cancelled). Occurrences are computed,
// not stored: UpdateOccurrence and CancelOccurrence change them.
func (m *Mailbox) Occurrence(id string) *Entity {
	mid, day, ok := recurrence.ParseOccurrenceID(id)
	if !ok {
		return nil
	}
	master := m.ents["events"][mid]
	if master == nil || IsException(master) {
		return nil
	}
	for _, o := range m.occurrences(master, day.Add(-48*time.Hour), day.Add(72*time.Hour)) {
		if o["id"] == id {
			return &Entity{set: "events", id: id, obj: o, parent: master.parent, order: master.order, transient: true}
		}
	}
	return nil
}

// Master returns the series master of an occurrence or exception, or nil.
func (m *Mailbox) Master(e *Entity) *Entity {
	id, _ := e.obj["seriesMasterId"].(string)
	if id == "" {
		return nil
	}
	return m.ents["events"][id]
}

// UpdateOccurrence applies a Graph-form patch to an occurrence, as Update
// does to an entity (with Graph's access rules when rules is set, Apply's
// type checks alone otherwise): the occurrence becomes a stored
// exception. It returns the exception.
func (m *Mailbox) UpdateOccurrence(occ *Entity, patch Object, rules bool) (*Entity, error) {
	write := m.Apply
	if rules {
		write = m.Update
	}
	if !occ.transient {
		return occ, write(occ, patch)
	}
	obj := schema.DeepCopy(occ.obj).(map[string]any)
	for _, k := range []string{"@odata.etag", "changeKey", "createdDateTime", "lastModifiedDateTime", "recurrence", "webLink"} {
		delete(obj, k)
	}
	obj["type"] = "exception"
	ex, err := m.Create("events", occ.parent, obj, false)
	if err != nil {
		return nil, err
	}
	if err := write(ex, patch); err != nil {
		m.Purge(ex)
		return nil, err
	}
	return ex, nil
}

// CancelOccurrence removes one occurrence (computed, or stored as an
// exception) from its series: the master records it as cancelled, and
// change tracking reports it removed.
func (m *Mailbox) CancelOccurrence(occ *Entity) {
	master := m.Master(occ)
	if master == nil {
		m.Purge(occ)
		return
	}
	if !occ.transient {
		m.Purge(occ)
	} else {
		m.seq++
		m.tombs = append(m.tombs, tomb{seq: m.seq, set: "events", id: occ.id, parent: occ.parent})
	}
	key := cancelledKey(master.id, occ.id)
	list := cancelledList(master)
	if key == "" || slices.Contains(list, key) {
		return
	}
	out := make([]any, 0, len(list)+1)
	for _, s := range append(list, key) {
		out = append(out, s)
	}
	m.Write(master, Object{"cancelledOccurrences": out})
}

// exceptionsOf returns the stored exceptions of a series master.
func (m *Mailbox) exceptionsOf(master *Entity) []*Entity {
	return m.List("events", func(e *Entity) bool { return IsException(e) && e.obj["seriesMasterId"] == master.id })
}

// OccurrenceOn returns the occurrence (or exception) of series master that
// starts on the day another mailbox's occurrence id names, the same
// occurrence of the same meeting in this mailbox; nil when there is none.
func (m *Mailbox) OccurrenceOn(master *Entity, otherOccID string) *Entity {
	_, day, ok := recurrence.ParseOccurrenceID(otherOccID)
	if !ok {
		return nil
	}
	id := recurrence.OccurrenceID(master.id, day)
	if e := m.ents["events"][id]; e != nil {
		return e
	}
	return m.Occurrence(id)
}

// IsOccurrenceID reports whether id names an occurrence of a series (an
// exception's id is one).
func IsOccurrenceID(id string) bool {
	_, _, ok := recurrence.ParseOccurrenceID(id)
	return ok
}

// MasterOf returns the id of the series master an occurrence id names, ""
// for an id that is not an occurrence's.
func MasterOf(occID string) string {
	m, _, _ := recurrence.ParseOccurrenceID(occID)
	return m
}

// NthOccurrence returns the n-th occurrence of a series (1 for the first),
// counting from its start as EWS's InstanceIndex does: an exception in its
// place, nil past the end of the series or for a cancelled one (its place
// still counts).
func (m *Mailbox) NthOccurrence(master *Entity, n int) *Entity {
	start, ok := datetime.Instant(master.obj["start"])
	if !ok || n < 1 || n > 10000 {
		return nil
	}
	// Every pattern recurs at least once in interval years.
	interval := 1
	if r, _ := master.obj["recurrence"].(map[string]any); r != nil {
		p, _ := r["pattern"].(map[string]any)
		if v, _ := p["interval"].(float64); v >= 1 && v <= 99 {
			interval = int(v)
		}
	}
	all := recurrence.Expand(master.id, master.obj, start.Add(-time.Hour), start.AddDate(n*interval+1, 0, 0))
	if n > len(all) {
		return nil
	}
	id, _ := all[n-1]["id"].(string)
	if e := m.ents["events"][id]; e != nil {
		return e
	}
	return m.Occurrence(id)
}

// ViewEntities returns what a calendar view of w shows as entities, in
// start order (then end, then creation): singles and exceptions as
// stored, occurrences as transient entities, for front ends that write
// each one as an item with an id.
func (m *Mailbox) ViewEntities(w *Window) []*Entity {
	var out []*Entity
	for _, e := range m.List("events", w.Holds) {
		if r, _ := e.obj["recurrence"].(map[string]any); r != nil && !IsException(e) {
			for _, o := range m.occurrences(e, w.Start, w.End) {
				id, _ := o["id"].(string)
				out = append(out, &Entity{set: "events", id: id, obj: o, parent: e.parent, order: e.order, transient: true})
			}
			continue
		}
		if inWindow(e.obj, w) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *Entity) int {
		as, _ := datetime.Instant(a.obj["start"])
		bs, _ := datetime.Instant(b.obj["start"])
		if c := as.Compare(bs); c != 0 {
			return c
		}
		ae, _ := datetime.Instant(a.obj["end"])
		be, _ := datetime.Instant(b.obj["end"])
		return ae.Compare(be)
	})
	return out
}
