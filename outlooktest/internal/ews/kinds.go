package ews

// Kinds of item beside messages: calendar items (the store's events) and
// contacts, each with its element, its property table in the order of its
// schema type (ItemType's elements, then its own), and how an ItemId,
// OccurrenceItemId or RecurringMasterItemId names one.

import (
	"encoding/xml"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// itemKind is one kind of item the fake serves over EWS.
type itemKind struct {
	set, elem string
	props     []*prop
	byURI     map[string]*prop
	byElem    map[string]*prop
	index     map[string]int // the element order of the schema type
}

// itemTypeOrder is ItemType's part of every item's sequence: messageOrder
// up to MessageType's own elements.
var itemTypeOrder = messageOrder[:slices.Index(messageOrder, "Sender")]

func newKind(set, elem string, own []string, props []*prop) *itemKind {
	k := &itemKind{set: set, elem: elem, props: props, byURI: map[string]*prop{}, byElem: map[string]*prop{}, index: map[string]int{}}
	for i, n := range append(slices.Clone(itemTypeOrder), own...) {
		k.index[n] = i
	}
	slices.SortStableFunc(k.props, func(a, b *prop) int { return k.index[a.name] - k.index[b.name] })
	for _, p := range k.props {
		k.byURI[p.uri] = p
		k.byElem[p.name] = p
	}
	return k
}

// kindOf returns the kind of item of a store set, nil for messages.
func kindOf(set string) *itemKind {
	switch set {
	case "events":
		return calendarKind()
	case "contacts":
		return contactKind()
	}
	return nil
}

// writeItem writes an item of any kind in the shape asked for.
func (c *call) writeItem(w *writer, m *store.Mailbox, e *store.Entity, sh *itemShape, find bool) {
	k := kindOf(e.Set())
	if k == nil {
		c.writeMessage(w, m, e, sh, find)
		return
	}
	x := &itemCtx{c: c, m: m, e: e, o: c.calView(e), find: find, body: sh.body}
	w.open("t:" + k.elem)
	extDone := len(sh.ext) == 0
	for _, p := range k.props {
		if !extDone && k.index[p.name] > k.index["ExtendedProperty"] {
			c.writeExtended(w, x, sh.ext)
			extDone = true
		}
		if sh.includes(p, find) {
			p.write(x, w)
		}
	}
	if !extDone {
		c.writeExtended(w, x, sh.ext)
	}
	w.close("t:" + k.elem)
}

// readItem reads the property elements of a CalendarItem or Contact of a
// request into the set context, checking their order against the schema.
func (x *setCtx) readItem(k *itemKind, it *elem) (*respErr, *fault) {
	last := -1
	for _, el := range it.kids {
		i, ok := k.index[el.local]
		if el.space != nsTypes || !ok || i < last || i == last && el.local != "ExtendedProperty" {
			return nil, schemaFault(el.line, el.col, "The element '"+k.elem+"' in namespace '"+nsTypes+"' has invalid child element '"+el.local+"'.")
		}
		last = i
		if rerr, f := x.setKindElement(k, el); rerr != nil || f != nil {
			return rerr, f
		}
	}
	return nil, nil
}

// setKindElement applies one property element of a calendar item or
// contact.
func (x *setCtx) setKindElement(k *itemKind, el *elem) (*respErr, *fault) {
	switch el.local {
	case "ExtendedProperty":
		return x.setExtended(el)
	case "Attachments":
		if !x.create {
			return errf("ErrorInvalidPropertySet", "Set action is invalid for property."), nil
		}
		for _, a := range el.kids {
			o, rerr, f := x.c.readAttachment(a)
			if rerr != nil || f != nil {
				return rerr, f
			}
			x.atts = append(x.atts, o)
		}
		return nil, nil
	}
	p := k.byElem[el.local]
	if p == nil || p.set == nil {
		return errf("ErrorInvalidPropertySet", "Set action is invalid for property."), nil
	}
	return p.set(x, el), nil
}

// anyItem finds the item an ItemId, OccurrenceItemId or
// RecurringMasterItemId names: a message, a calendar item (an occurrence
// too) or a contact the request may reach.
func (c *call) anyItem(idElem *elem) (*store.Mailbox, *store.Entity, *respErr) {
	if idElem == nil {
		return nil, nil, errf("ErrorInvalidIdEmpty", "Id must be non-empty.")
	}
	switch {
	case idElem.is(nsTypes, "OccurrenceItemId"):
		return c.occurrenceByIndex(idElem)
	case idElem.is(nsTypes, "RecurringMasterItemId"):
		occ, _ := idElem.attr("OccurrenceId")
		m, e, rerr := c.anyItem(&elem{space: nsTypes, local: "ItemId", attrs: idAttr(occ)})
		if rerr != nil {
			return nil, nil, rerr
		}
		master := m.Master(e)
		if e.Set() != "events" || master == nil {
			return nil, nil, errf("ErrorCalendarCannotUseIdForRecurringMasterId", "The Id is not that of an occurrence or exception of a series.")
		}
		return m, master, nil
	case !idElem.is(nsTypes, "ItemId"):
		return nil, nil, errf("ErrorInvalidIdMalformed", "Id is malformed.")
	}
	id, _ := idElem.attr("Id")
	if strings.TrimSpace(id) == "" {
		return nil, nil, errf("ErrorInvalidIdEmpty", "Id must be non-empty.")
	}
	sid := storeID(id)
	var m *store.Mailbox
	var e *store.Entity
	for _, set := range []string{"messages", "events", "contacts"} {
		if m, e = c.h.st.Holder(set, sid); e != nil {
			break
		}
	}
	if e == nil && store.IsOccurrenceID(sid) {
		// An occurrence is computed from its master: find the master's
		// mailbox, then the occurrence.
		for _, mb := range c.mailboxesOf(sid) {
			if occ := mb.Occurrence(sid); occ != nil {
				m, e = mb, occ
				break
			}
		}
	}
	if e == nil {
		return nil, nil, notFound(id, false)
	}
	if err := c.openItem(m, e, false); err != nil {
		return nil, nil, err
	}
	if ck, ok := idElem.attr("ChangeKey"); ok && strings.TrimSpace(ck) != "" && !validChangeKey(ck) {
		return nil, nil, errf("ErrorInvalidChangeKey", "ChangeKey is invalid.")
	}
	return m, e, nil
}

// mailboxesOf returns the mailboxes that may hold the series master of an
// occurrence id.
func (c *call) mailboxesOf(occID string) []*store.Mailbox {
	master := store.MasterOf(occID)
	if m, e := c.h.st.Holder("events", master); e != nil {
		return []*store.Mailbox{m}
	}
	return nil
}

// occurrenceByIndex resolves an OccurrenceItemId: the InstanceIndex-th
// occurrence (1 for the first) of the series RecurringMasterId names.
func (c *call) occurrenceByIndex(e *elem) (*store.Mailbox, *store.Entity, *respErr) {
	mid, _ := e.attr("RecurringMasterId")
	idx, err := strconv.Atoi(strings.TrimSpace(e.attrOr("InstanceIndex", "")))
	if err != nil || idx < 1 {
		return nil, nil, errf("ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange", "The occurrence index is out of the recurrence range.")
	}
	m, master, rerr := c.anyItem(&elem{space: nsTypes, local: "ItemId", attrs: idAttr(mid)})
	if rerr != nil {
		return nil, nil, rerr
	}
	if master.Set() != "events" || master.Object()["type"] != "seriesMaster" {
		return nil, nil, errf("ErrorCalendarCannotUseIdForOccurrenceId", "The Id is not that of a recurring master.")
	}
	occ := m.NthOccurrence(master, idx)
	switch {
	case occ == nil:
		return nil, nil, errf("ErrorCalendarOccurrenceIsDeletedFromRecurrence", "The occurrence is out of the recurrence range, or was deleted from it.")
	}
	return m, occ, nil
}

// idAttr is the attribute list of an ItemId naming id.
func idAttr(id string) []xml.Attr { return []xml.Attr{{Name: xml.Name{Local: "Id"}, Value: id}} }

// ewsDuration writes a duration as xs:duration does: PT1H30M.
func ewsDuration(d time.Duration) string {
	if d <= 0 {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteString("P")
	if days := d / (24 * time.Hour); days > 0 {
		b.WriteString(strconv.Itoa(int(days)) + "D")
		d -= days * 24 * time.Hour
	}
	if d > 0 {
		b.WriteString("T")
		if h := d / time.Hour; h > 0 {
			b.WriteString(strconv.Itoa(int(h)) + "H")
			d -= h * time.Hour
		}
		if mi := d / time.Minute; mi > 0 {
			b.WriteString(strconv.Itoa(int(mi)) + "M")
			d -= mi * time.Minute
		}
		if d > 0 {
			b.WriteString(strconv.Itoa(int(d/time.Second)) + "S")
		}
	}
	return b.String()
}
