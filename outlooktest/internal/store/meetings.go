package store

// Meetings across mailboxes: an organizer's event with attendees is
// delivered to each attendee whose mailbox the server holds, whichever
// host serves it (a copy in the attendee's default calendar, and a meeting
// request in the Inbox); an attendee's response comes back to the
// organizer's event and Inbox; the organizer's changes, cancellations and
// new attendees reach the attendees' copies. Copies are found by the
// meeting's iCalUId, the same in every mailbox, as Exchange finds them by
// its global object id. Every front end (REST, EWS) calls these, so a
// meeting organized over Graph can be answered over EWS.

import (
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// meetingProps are the properties an organizer's change carries to the
// attendees' copies.
var meetingProps = []string{"subject", "body", "bodyPreview", "start", "end", "isAllDay", "location", "locations",
	"recurrence", "attendees", "importance", "sensitivity", "responseRequested", "allowNewTimeProposals",
	"originalStartTimeZone", "originalEndTimeZone"}

// addressOf returns the address of a recipient or attendee object.
func addressOf(v any) string {
	o, _ := v.(map[string]any)
	ea, _ := o["emailAddress"].(map[string]any)
	a, _ := ea["address"].(string)
	return a
}

// attendeeAddresses lists the attendees of an event by lower-cased address.
func attendeeAddresses(obj Object) map[string]bool {
	out := map[string]bool{}
	list, _ := obj["attendees"].([]any)
	for _, a := range list {
		if addr := addressOf(a); addr != "" {
			out[strings.ToLower(addr)] = true
		}
	}
	return out
}

// IsMeeting reports whether e is an organizer's event with attendees.
func IsMeeting(e *Entity) bool {
	org, _ := e.obj["isOrganizer"].(bool)
	return org && len(attendeeAddresses(e.obj)) > 0
}

// copyOf returns the event of this mailbox that is a copy of the meeting
// with iCalUId uid (a series master or single, not an exception), or nil.
func (m *Mailbox) copyOf(uid string) *Entity {
	if uid == "" {
		return nil
	}
	for _, e := range m.List("events", func(e *Entity) bool { return !IsException(e) && e.obj["iCalUId"] == uid }) {
		return e
	}
	return nil
}

// copies calls f with each attendee's copy of the organizer's meeting e
// (a single or a series master) that the server holds.
func (m *Mailbox) copies(e *Entity, f func(am *Mailbox, c *Entity)) {
	uid, _ := e.obj["iCalUId"].(string)
	for addr := range attendeeAddresses(e.obj) {
		am, ok := m.st.lookup(addr)
		if !ok || am == m {
			continue
		}
		if c := am.copyOf(uid); c != nil {
			f(am, c)
		}
	}
}

// Invite delivers the organizer's meeting e to its attendees the server
// holds: those in only, or all of them when only is nil. Each gets a copy
// in the default calendar (not yet responded to) and a meeting request in
// the Inbox; an attendee who already has a copy has it brought up to date.
func (m *Mailbox) Invite(e *Entity, only map[string]bool) {
	if e.transient || IsException(e) {
		return
	}
	uid, _ := e.obj["iCalUId"].(string)
	now := datetime.Format(m.st.now())
	organizer := e.obj["organizer"]
	if organizer == nil {
		organizer = m.self()
	}
	for addr := range attendeeAddresses(e.obj) {
		if only != nil && !only[addr] {
			continue
		}
		m.inviteOne(e, addr, uid, organizer, now)
	}
}

// ForwardMeeting sends the organizer's or an attendee's meeting e to
// recipients who are not its attendees: each whose mailbox the server
// holds gets a copy in the calendar and a meeting request, as Invite
// gives attendees.
func (m *Mailbox) ForwardMeeting(e *Entity, to []string) {
	if e.transient || IsException(e) {
		if master := m.Master(e); master != nil {
			e = master
		}
	}
	uid, _ := e.obj["iCalUId"].(string)
	organizer := e.obj["organizer"]
	if organizer == nil {
		organizer = m.self()
	}
	now := datetime.Format(m.st.now())
	for _, addr := range to {
		m.inviteOne(e, strings.ToLower(addr), uid, organizer, now)
	}
}

// inviteOne delivers meeting e to the mailbox at addr, if the server holds
// it.
func (m *Mailbox) inviteOne(e *Entity, addr, uid string, organizer any, now string) {
	am, ok := m.st.lookup(addr)
	if !ok || am == m {
		return
	}
	if c := am.copyOf(uid); c != nil {
		am.Write(c, meetingPatch(e.obj))
	} else {
		obj := schema.DeepCopy(e.obj).(map[string]any)
		for _, k := range []string{"id", "changeKey", "@odata.etag", "createdDateTime", "lastModifiedDateTime",
			"webLink", "hasAttachments", "cancelledOccurrences", "transactionId"} {
			delete(obj, k)
		}
		obj["isOrganizer"] = false
		obj["organizer"] = schema.DeepCopy(organizer)
		obj["responseStatus"] = Object{"response": "notResponded", "time": "0001-01-01T00:00:00Z"}
		if _, err := am.Create("events", am.defaultCalendar, obj, false); err != nil {
			panic("outlooktest: delivering a meeting: " + err.Error()) // stored data is valid
		}
	}
	am.deliverMeetingMessage(e.obj, organizer, "meetingRequest", "", now)
}

// meetingPatch is what an organizer's event says that the attendees'
// copies show.
func meetingPatch(obj Object) Object {
	p := Object{}
	for _, k := range meetingProps {
		if v, ok := obj[k]; ok {
			p[k] = schema.DeepCopy(v)
		}
	}
	return p
}

// deliverMeetingMessage puts a meeting message in the Inbox: a request, a
// cancellation (kind "meetingCancelled") or a response ("meetingAccepted",
// ...), about the event ev, from sender.
func (m *Mailbox) deliverMeetingMessage(ev Object, sender any, kind, comment, now string) {
	subj, _ := ev["subject"].(string)
	typ := "eventMessageRequest"
	switch kind {
	case "meetingCancelled":
		typ, subj = "eventMessage", "Canceled: "+subj
	case "meetingAccepted":
		typ, subj = "eventMessageResponse", "Accepted: "+subj
	case "meetingTenativelyAccepted":
		typ, subj = "eventMessageResponse", "Tentative: "+subj
	case "meetingDeclined":
		typ, subj = "eventMessageResponse", "Declined: "+subj
	}
	body := ev["body"]
	if comment != "" || kind != "meetingRequest" {
		body = Object{"contentType": "text", "content": comment}
	}
	var to []any
	if kind == "meetingRequest" || kind == "meetingCancelled" {
		list, _ := ev["attendees"].([]any)
		for _, a := range list {
			ao, _ := a.(map[string]any)
			to = append(to, Object{"emailAddress": schema.DeepCopy(ao["emailAddress"])})
		}
	} else {
		to = []any{schema.DeepCopy(ev["organizer"])}
	}
	if to == nil {
		to = []any{}
	}
	msg := Object{
		"@odata.type":        schema.GraphNS + typ,
		"meetingMessageType": kind,
		"subject":            subj,
		"body":               schema.DeepCopy(body),
		"from":               schema.DeepCopy(sender),
		"sender":             schema.DeepCopy(sender),
		"toRecipients":       to,
		"receivedDateTime":   now,
		"sentDateTime":       now,
		"isRead":             false,
		"startDateTime":      schema.DeepCopy(ev["start"]),
		"endDateTime":        schema.DeepCopy(ev["end"]),
		"location":           schema.DeepCopy(ev["location"]),
		"isAllDay":           ev["isAllDay"],
		"iCalUId":            ev["iCalUId"],
	}
	if kind == "meetingRequest" {
		msg["responseRequested"] = ev["responseRequested"]
	}
	e, err := m.Create("messages", m.wellKnown["inbox"], msg, false)
	if err != nil {
		panic("outlooktest: delivering a meeting message: " + err.Error())
	}
	m.RunRules(e)
}

// UpdateMeeting carries the organizer's change of meeting e (a single, a
// series master, or an exception) to the attendees: their copies take the
// changed properties, attendees added are invited, attendees removed get
// a cancellation and lose their copy. before is the attendee list before
// the change.
func (m *Mailbox) UpdateMeeting(e *Entity, patch Object, before map[string]bool) {
	if org, _ := e.obj["isOrganizer"].(bool); !org {
		return
	}
	if IsException(e) {
		master := m.Master(e)
		if master == nil {
			return
		}
		m.copies(master, func(am *Mailbox, c *Entity) {
			if occ := am.OccurrenceOn(c, e.id); occ != nil {
				p := Object{}
				for k, v := range patch {
					if k != "attendees" && k != "recurrence" {
						p[k] = schema.DeepCopy(v)
					}
				}
				if _, err := am.UpdateOccurrence(occ, p, false); err != nil {
					_ = err // the organizer's change was valid; a copy takes it as is
				}
			}
		})
		return
	}
	p := Object{}
	for _, k := range meetingProps {
		if v, ok := patch[k]; ok {
			p[k] = schema.DeepCopy(v)
		}
	}
	if len(p) > 0 {
		m.copies(e, func(am *Mailbox, c *Entity) { am.Write(c, p) })
	}
	if _, ok := patch["attendees"]; !ok {
		return
	}
	after := attendeeAddresses(e.obj)
	added := map[string]bool{}
	for a := range after {
		if !before[a] {
			added[a] = true
		}
	}
	if len(added) > 0 {
		m.Invite(e, added)
	}
	uid, _ := e.obj["iCalUId"].(string)
	now := datetime.Format(m.st.now())
	for a := range before {
		if after[a] {
			continue
		}
		if am, ok := m.st.lookup(a); ok && am != m {
			if c := am.copyOf(uid); c != nil {
				am.deliverMeetingMessage(c.obj, e.obj["organizer"], "meetingCancelled", "", now)
				am.Purge(c)
			}
		}
	}
}

// AttendeesOf returns the lower-cased addresses of an event's attendees.
func AttendeesOf(e *Entity) map[string]bool { return attendeeAddresses(e.obj) }

// CancelMeeting tells the attendees of the organizer's meeting e (a
// single, a series master, an occurrence or an exception) that it is
// cancelled: each copy is marked cancelled ("Canceled: " before its
// subject, as Exchange writes it), or for one occurrence that occurrence
// is taken out of the attendee's series, and a cancellation arrives in
// the Inbox. The organizer's own event is the caller's to remove.
func (m *Mailbox) CancelMeeting(e *Entity, comment string) {
	now := datetime.Format(m.st.now())
	organizer := e.obj["organizer"]
	if e.transient || IsException(e) {
		master := m.Master(e)
		if master == nil {
			return
		}
		m.copies(master, func(am *Mailbox, c *Entity) {
			if occ := am.OccurrenceOn(c, e.id); occ != nil {
				am.deliverMeetingMessage(occ.obj, organizer, "meetingCancelled", comment, now)
				am.CancelOccurrence(occ)
			}
		})
		return
	}
	m.copies(e, func(am *Mailbox, c *Entity) {
		subj, _ := c.obj["subject"].(string)
		if !strings.HasPrefix(subj, "Canceled: ") {
			subj = "Canceled: " + subj
		}
		am.Write(c, Object{"isCancelled": true, "subject": subj})
		am.deliverMeetingMessage(e.obj, organizer, "meetingCancelled", comment, now)
	})
}

// MeetingResponse is an attendee's answer to a meeting.
type MeetingResponse struct {
	// Response is "accepted", "tentativelyAccepted" or "declined".
	Response string
	Comment  string
	// Send tells the organizer (their event's attendee status, and a
	// response in their Inbox); false answers silently.
	Send bool
	// Proposed is a proposed new time (a timeSlot), or nil.
	Proposed Object
}

// Respond records an attendee's response to the meeting copy e (a single,
// a series master, an occurrence or an exception of this mailbox): its own
// responseStatus, and when r.Send the organizer's. A decline removes the
// meeting (or the occurrence) from the calendar, as Exchange does. It
// refuses the organizer's own event.
func (m *Mailbox) Respond(e *Entity, r MeetingResponse) error {
	if org, _ := e.obj["isOrganizer"].(bool); org {
		return badInput("ErrorInvalidRequest", "Your request can't be completed. You can't respond to a meeting you organized.")
	}
	now := datetime.Format(m.st.now())
	status := Object{"response": r.Response, "time": now}
	ev := e
	if e.transient {
		ex, err := m.UpdateOccurrence(e, Object{}, false)
		if err != nil {
			return err
		}
		ev = ex
	}
	obj := ev.obj
	if r.Response == "declined" {
		if ev.transient || IsException(ev) {
			m.CancelOccurrence(ev)
		} else {
			m.Purge(ev)
		}
	} else {
		m.Write(ev, Object{"responseStatus": status})
	}
	if !r.Send {
		return nil
	}
	org := addressOf(obj["organizer"])
	om, ok := m.st.lookup(org)
	if !ok || om == m {
		return nil
	}
	uid, _ := obj["iCalUId"].(string)
	if oe := om.copyOf(uid); oe != nil && (obj["type"] == "singleInstance" || obj["type"] == "seriesMaster") {
		list, _ := oe.obj["attendees"].([]any)
		out := make([]any, len(list))
		for i, a := range list {
			ao := schema.DeepCopy(a).(map[string]any)
			if strings.EqualFold(addressOf(ao), m.addr) {
				ao["status"] = schema.DeepCopy(status)
				if r.Proposed != nil {
					ao["proposedNewTime"] = schema.DeepCopy(r.Proposed)
				}
			}
			out[i] = ao
		}
		om.Write(oe, Object{"attendees": out})
	}
	kind := map[string]string{"accepted": "meetingAccepted", "tentativelyAccepted": "meetingTenativelyAccepted", "declined": "meetingDeclined"}[r.Response]
	me := m.self()
	om.deliverMeetingMessage(obj, me, kind, r.Comment, now)
	return nil
}
