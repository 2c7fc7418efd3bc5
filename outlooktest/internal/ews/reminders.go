package ews

// Reminders: GetReminders lists the reminders of the mailbox's calendar
// items (an occurrence's under its own id, with its series' id beside
// it); PerformReminderAction dismisses or snoozes one. Both answer with
// ResponseClass on the response element itself.

import (
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// reminderOf is one reminder: the calendar item (an occurrence as a
// transient entity) and when it fires.
type reminderOf struct {
	m    *store.Mailbox
	e    *store.Entity
	fire time.Time
}

// bareResponse writes an answer whose response element carries
// ResponseClass and the ResponseCode directly (GetReminders,
// PerformReminderAction).
func (c *call) bareResponse(w *writer, rerr *respErr, body func(w *writer)) {
	name := "m:" + c.op + "Response"
	if rerr != nil {
		w.open(name, "ResponseClass", "Error", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
		w.leaf("m:MessageText", rerr.text)
		w.leaf("m:ResponseCode", rerr.code)
		w.leaf("m:DescriptiveLinkKey", "0")
		w.close(name)
		return
	}
	w.open(name, "ResponseClass", "Success", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
	w.leaf("m:ResponseCode", "NoError")
	body(w)
	w.close(name)
}

// reminders lists the reminders of a mailbox's calendars that fire in
// [from, to].
func (c *call) reminders(m *store.Mailbox, from, to time.Time) []reminderOf {
	var out []reminderOf
	for _, cal := range m.List("calendars", func(*store.Entity) bool { return true }) {
		w := &store.Window{Start: from.Add(-7 * 24 * time.Hour), End: to.Add(7 * 24 * time.Hour), Calendar: cal.ID()}
		for _, e := range m.ViewEntities(w) {
			x := &itemCtx{c: c, m: m, e: e, o: e.Object()}
			if e.Transient() {
				master := m.Master(e)
				if master == nil {
					continue
				}
				// Occurrences take the series' reminder, up to the
				// occurrence the series' reminder was dismissed at.
				if until := memo(master, "dismissedUntil"); until != "" {
					if t, err := time.Parse(time.RFC3339, until); err == nil {
						if s, _ := instant(x.o["start"]); !s.After(t) {
							continue
						}
					}
				}
				if due := memo(master, memoKey("snooze:"+e.ID())); due != "" {
					if t, err := time.Parse(time.RFC3339, due); err == nil && !t.Before(from) && !t.After(to) {
						out = append(out, reminderOf{m, e, t})
					}
					continue
				}
			}
			if t, ok := reminderDue(x); ok && !t.Before(from) && !t.After(to) {
				out = append(out, reminderOf{m, e, t})
			}
		}
	}
	return out
}

// getReminders serves GetReminders.
func (c *call) getReminders(op *elem, w *writer) *fault {
	m, rerr := c.selfMailbox()
	now := c.h.env.Now()
	from, to := now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0)
	if b := op.m("BeginTime"); b != nil {
		t, err := parseTime(b.text)
		if err != nil {
			return schemaFault(b.line, b.col, err.Error())
		}
		from = t
	}
	if e := op.m("EndTime"); e != nil {
		t, err := parseTime(e.text)
		if err != nil {
			return schemaFault(e.line, e.col, err.Error())
		}
		to = t
	}
	maxItems := 1000
	if mi := op.m("MaxItems"); mi != nil {
		n, err := strconv.Atoi(mi.value())
		if err != nil || n < 1 {
			return schemaFault(mi.line, mi.col, "The 'MaxItems' element is invalid.")
		}
		maxItems = min(n, 1000)
	}
	switch rt := op.m("ReminderType"); {
	case rt == nil:
	case rt.value() == "All", rt.value() == "Current", rt.value() == "Old":
		if rt.value() == "Current" {
			from = time.Time{}
		}
	default:
		return schemaFault(rt.line, rt.col, "The 'ReminderType' element is invalid.")
	}
	if rerr == nil && to.Before(from) {
		rerr = errf("ErrorInvalidOperation", "EndDate is earlier than StartDate")
	}
	var rs []reminderOf
	if rerr == nil {
		rs = c.reminders(m, from, to)
	}
	if len(rs) > maxItems {
		rs = rs[:maxItems]
	}
	c.bareResponse(w, rerr, func(w *writer) {
		w.open("m:Reminders")
		for _, r := range rs {
			o := r.e.Object()
			w.open("t:Reminder")
			subj, _ := o["subject"].(string)
			w.leaf("t:Subject", subj)
			loc, _ := o["location"].(map[string]any)
			l, _ := loc["displayName"].(string)
			w.leaf("t:Location", l)
			w.leaf("t:ReminderTime", r.fire.UTC().Format("2006-01-02T15:04:05Z"))
			w.leaf("t:StartDate", ewsTime(o["start"]))
			w.leaf("t:EndDate", ewsTime(o["end"]))
			w.empty("t:ItemId", "Id", ewsID(r.e.ID()), "ChangeKey", changeKey(r.e))
			if mid, _ := o["seriesMasterId"].(string); mid != "" {
				if master := r.m.Lookup("events", mid); master != nil {
					w.empty("t:RecurringMasterItemId", "Id", ewsID(mid), "ChangeKey", changeKey(master))
				}
			}
			w.leaf("t:ReminderGroup", "Calendar")
			uid, _ := o["iCalUId"].(string)
			w.leaf("t:UID", uid)
			w.close("t:Reminder")
		}
		w.close("m:Reminders")
	})
	return nil
}

// performReminderAction serves PerformReminderAction: Dismiss turns a
// reminder off (for an occurrence, the series' reminders up to it), Snooze
// makes it fire again at NewReminderTime.
func (c *call) performReminderAction(op *elem, w *writer) *fault {
	list := op.m("ReminderItemActions")
	if list == nil || len(list.kids) == 0 {
		return schemaFault(op.line, op.col, "The element 'PerformReminderAction' has incomplete content. List of possible elements expected: 'ReminderItemActions'.")
	}
	var done []*store.Entity
	var rerr *respErr
	for _, a := range list.all(nsTypes, "ReminderItemAction") {
		action := a.t("ActionType")
		if action == nil || (action.value() != "Dismiss" && action.value() != "Snooze") {
			return schemaFault(a.line, a.col, "The 'ActionType' element is invalid.")
		}
		m, e, err := c.anyItem(a.t("ItemId"))
		if err != nil {
			rerr = err
			break
		}
		if e.Set() != "events" {
			rerr = errf("ErrorInvalidOperation", "Only calendar items have reminders here.")
			break
		}
		master := m.Master(e)
		switch action.value() {
		case "Dismiss":
			switch {
			case e.Transient() && master != nil:
				master.SetMemo(memoKey("dismissedUntil"), ewsTime(e.Object()["start"]))
				m.Write(master, Object{})
			default:
				m.Write(e, Object{"isReminderOn": false})
			}
		case "Snooze":
			nt := a.t("NewReminderTime")
			if nt == nil {
				rerr = errf("ErrorInvalidOperation", "Snooze needs a NewReminderTime.")
				break
			}
			t, perr := parseTime(strings.TrimSpace(nt.text))
			if perr != nil {
				return schemaFault(nt.line, nt.col, perr.Error())
			}
			due := t.UTC().Format(time.RFC3339)
			if e.Transient() && master != nil {
				master.SetMemo(memoKey("snooze:"+e.ID()), due)
				m.Write(master, Object{})
			} else {
				e.SetMemo(memoKey("reminderDueBy"), due)
				m.Write(e, Object{"isReminderOn": true})
			}
		}
		done = append(done, e)
	}
	c.bareResponse(w, rerr, func(w *writer) {
		w.open("m:UpdatedItemIds")
		for _, e := range done {
			w.empty("t:ItemId", "Id", ewsID(e.ID()), "ChangeKey", changeKey(e))
		}
		w.close("m:UpdatedItemIds")
	})
	return nil
}
