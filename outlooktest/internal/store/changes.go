package store

// Change tracking, one mechanism for every front end (Graph delta, Outlook
// REST v2.0 track-changes, and an EWS SyncFolderItems to come). Every write
// to a mailbox takes the next change sequence number; an entity remembers
// the number of its last write, and a removal (delete, or a move out of a
// folder) leaves a tombstone with its own number. A round lists the changes
// of a scope after a point, ordered by number; a Cursor carries that point
// and how far the round has gone, and is sealed with the store's key, so
// front ends can hand it out as an opaque token that needs no state on the
// server: replaying an old one returns the same changes again, and a
// garbled one is refused.

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"strings"
)

// Scope is what a change-tracking round follows: the members of a list
// (the messages of a folder, a whole folder hierarchy) or a calendar view.
type Scope struct {
	// Key names the scope; a cursor is good for the scope it was made for
	// only.
	Key string
	// Set is the entity set the scope's members belong to.
	Set string
	// Member reports whether an entity is in a list scope (nil for a view).
	Member func(*Entity) bool
	// Parent is the container whose removals the round reports: the folder
	// of a list, or "" for a hierarchy (removals anywhere in the set).
	Parent string
	// View, when set, makes the scope a calendar view: the events of its
	// calendar overlapping its window, series expanded into occurrences.
	View *Window
}

// holdsRemoval reports whether a removal from parent belongs to the scope.
func (sc *Scope) holdsRemoval(parent string) bool {
	if sc.View != nil {
		return parent == sc.View.Calendar
	}
	return sc.Parent == "" || parent == sc.Parent
}

// Cursor is where a change-tracking round of one scope stands.
type Cursor struct {
	Mailbox string `json:"m"`
	Scope   string `json:"sc"`
	Since   uint64 `json:"s"`  // changes after this sequence number
	Initial bool   `json:"i"`  // a first round: current items only, no removals
	CurSeq  uint64 `json:"cs"` // resume after (CurSeq, CurOrd)
	CurOrd  uint64 `json:"co"`
	// Start is the sequence number a first round began at.
	Start uint64 `json:"st,omitempty"`
	// Removals are reported after this sequence number. It is Since, except
	// in the round after a first round, which also reports what was removed
	// while the first round ran (that round lists current items only, and
	// may have listed them before they went).
	Removals uint64 `json:"r,omitempty"`
}

// SealCursor encodes a cursor as an opaque token signed with the store's key.
func (st *Store) SealCursor(c Cursor) string {
	b, _ := json.Marshal(c)
	sum := st.mac(b)
	return base64.RawURLEncoding.EncodeToString(b) + "." + base64.RawURLEncoding.EncodeToString(sum)
}

// OpenCursor decodes a token of SealCursor; ok is false for anything the
// store did not seal.
func (st *Store) OpenCursor(s string) (c Cursor, ok bool) {
	p, sig, ok := strings.Cut(s, ".")
	if !ok {
		return c, false
	}
	b, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || len(mac) != len(st.mac(b)) || string(mac) != string(st.mac(b)) {
		return c, false
	}
	return c, json.Unmarshal(b, &c) == nil
}

// FirstRound returns the cursor of a first round of a scope: every current
// member, no removals.
func (m *Mailbox) FirstRound(scope string) Cursor {
	return Cursor{Mailbox: m.id, Scope: scope, Initial: true, Start: m.seq}
}

// NextRound returns the cursor that starts the round after the one cur
// belongs to, once that round has listed everything: changes from now on,
// and after a first round the removals made while it ran.
func (m *Mailbox) NextRound(cur Cursor) Cursor {
	next := Cursor{Mailbox: m.id, Scope: cur.Scope, Since: m.seq, CurSeq: m.seq, CurOrd: math.MaxUint64, Removals: m.seq}
	if cur.Initial {
		// Changes of members during the first round were listed in it (a
		// write moves a member after the cursor), removals were not.
		next.Removals, next.CurSeq = cur.Start, cur.Start
	}
	return next
}

// Valid reports whether cur is a cursor of this mailbox for scope, at a
// point the mailbox has reached.
func (m *Mailbox) Valid(cur Cursor, scope string) bool {
	return cur.Mailbox == m.id && cur.Since <= m.seq && cur.CurSeq <= m.seq && cur.Start <= m.seq && cur.Removals <= m.seq && cur.Scope == scope
}

// Change is one entry of a round: an entity as it is now, or a removal.
type Change struct {
	Seq, Ord uint64
	Entity   *Entity // nil for a removal
	Object   Object  // an occurrence of Entity (Graph form, the caller's), when not Entity itself
	Removed  string  // the id removed, when Entity is nil
	Created  bool    // the entity was created after the round's starting point
}

// After reports whether the change comes after where cur stands.
func (c Change) After(cur Cursor) bool {
	return c.Seq > cur.CurSeq || c.Seq == cur.CurSeq && c.Ord > cur.CurOrd
}

// Advance returns cur moved past c.
func (cur Cursor) Advance(c Change) Cursor {
	cur.CurSeq, cur.CurOrd = c.Seq, c.Ord
	return cur
}

// Changes lists what happened in the scope after cur.Since (removals after
// cur.Removals), in sequence order, from the start of the round (callers
// skip what cur has passed).
// match, when not nil, keeps list members whose view it accepts (a
// $filter): a member it refuses is not in the scope.
func (m *Mailbox) Changes(sc Scope, cur Cursor, match func(Object) bool) []Change {
	var out []Change
	seen := map[string]bool{}
	for _, e := range m.ents[sc.Set] {
		var items []Object // what e shows in scope; nil: not in scope
		switch {
		case sc.View != nil:
			if sc.View.Holds(e) {
				items = m.ViewItems(e, sc.View.Start, sc.View.End, true)
			}
		case sc.Member(e):
			items = []Object{e.obj}
		}
		if len(items) == 1 && match != nil && !match(m.View(e)) {
			items = nil
		}
		seen[e.id] = true
		switch {
		case len(items) > 0 && (cur.Initial || e.modSeq > cur.Since):
			for i, it := range items {
				ch := Change{Seq: e.modSeq, Ord: e.order << 20, Entity: e, Created: e.createSeq > cur.Since}
				if i > 0 || it["type"] == "occurrence" {
					ch.Object, ch.Ord = it, e.order<<20|uint64(i+1)
				}
				out = append(out, ch)
			}
		case len(items) == 0 && !cur.Initial && sc.View != nil && sc.View.Holds(e) && e.modSeq > cur.Since:
			// Changed and now outside the window: gone from the view.
			out = append(out, Change{Seq: e.modSeq, Ord: e.order << 20, Removed: e.id})
		case len(items) == 0:
			seen[e.id] = false
		}
	}
	if !cur.Initial {
		for _, tb := range m.tombs {
			if tb.set != sc.Set || tb.seq <= min(cur.Since, cur.Removals) || seen[tb.id] || !sc.holdsRemoval(tb.parent) {
				continue
			}
			seen[tb.id] = true
			out = append(out, Change{Seq: tb.seq, Removed: tb.id})
		}
	}
	slices.SortFunc(out, func(a, b Change) int {
		if a.Seq != b.Seq {
			return cmp.Compare(a.Seq, b.Seq)
		}
		return cmp.Compare(a.Ord, b.Ord)
	})
	return out
}
