package ews

// Calendar items: the properties of CalendarItemType over the store's
// events (Graph form), in the schema's order; recurrences both ways; time
// zones by Windows id (StartTimeZone, EndTimeZone, StartTimeZoneId); the
// attendee lists EWS keeps by type.

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// calendarOrder is CalendarItemType's own part of the sequence (Exchange
// 2013 and later).
var calendarOrder = strings.Fields(`UID RecurrenceId DateTimeStamp Start End OriginalStart IsAllDayEvent
LegacyFreeBusyStatus Location When IsMeeting IsCancelled IsRecurring MeetingRequestWasSent IsResponseRequested
CalendarItemType MyResponseType Organizer RequiredAttendees OptionalAttendees Resources ConflictingMeetingCount
AdjacentMeetingCount ConflictingMeetings AdjacentMeetings Duration TimeZone AppointmentReplyTime
AppointmentSequenceNumber AppointmentState Recurrence FirstOccurrence LastOccurrence ModifiedOccurrences
DeletedOccurrences MeetingTimeZone StartTimeZone EndTimeZone ConferenceType AllowNewTimeProposal IsOnlineMeeting
MeetingWorkspaceUrl NetShowUrl EnhancedLocation StartWallClock EndWallClock StartTimeZoneId EndTimeZoneId
IntendedFreeBusyStatus JoinOnlineMeetingUrl OnlineMeetingSettings IsOrganizer CalendarActivityData DoNotForwardMeeting`)

var (
	freeBusyEnum  = enumMap{"free": "Free", "tentative": "Tentative", "busy": "Busy", "oof": "OOF", "workingElsewhere": "WorkingElsewhere", "unknown": "NoData"}
	eventTypeEnum = enumMap{"singleInstance": "Single", "occurrence": "Occurrence", "exception": "Exception", "seriesMaster": "RecurringMaster"}
	responseEnum  = enumMap{"none": "Unknown", "organizer": "Organizer", "tentativelyAccepted": "Tentative", "accepted": "Accept",
		"declined": "Decline", "notResponded": "NoResponseReceived"}
	attendeeLists = [...]struct{ elem, typ string }{{"RequiredAttendees", "required"}, {"OptionalAttendees", "optional"}, {"Resources", "resource"}}
)

// calPending is what a CalendarItem of a request sets that only makes
// sense once all of it is read: times are written before their zones.
type calPending struct {
	start, end       *elem
	startTZ, endTZ   string // Windows ids
	tzSet            bool
	attendees        map[string][]any // by Graph attendee type, for the lists set
	attendeesTouched bool
}

func (x *setCtx) pending() *calPending {
	if x.pend == nil {
		x.pend = &calPending{attendees: map[string][]any{}}
	}
	return x.pend
}

// commonProps are the ItemType properties items of every kind share with
// messages, by element name.
func commonProps(names ...string) []*prop {
	var out []*prop
	for _, n := range names {
		p := messageByElem[n]
		if p == nil {
			panic("outlooktest: no message property " + n)
		}
		cp := *p
		out = append(out, &cp)
	}
	return out
}

// calendarKind is the kind of calendar items, built on first use (its
// table borrows messages' item properties).
var calendarKind = sync.OnceValue(func() *itemKind {
	str := func(graph string) func(x *itemCtx) any {
		return func(x *itemCtx) any {
			if s, ok := x.o[graph].(string); ok {
				return s
			}
			return nil
		}
	}
	boolv := func(graph string) func(x *itemCtx) any {
		return func(x *itemCtx) any {
			if b, ok := x.o[graph].(bool); ok {
				return b
			}
			return nil
		}
	}
	leafBool := func(name, graph string) func(x *itemCtx, w *writer) {
		return func(x *itemCtx, w *writer) {
			if b, ok := x.o[graph].(bool); ok {
				w.leaf("t:"+name, boolText(b))
			}
		}
	}
	setBool := func(graph string) func(x *setCtx, e *elem) *respErr {
		return func(x *setCtx, e *elem) *respErr {
			b, err := parseBool(e.text)
			if err != nil {
				return errf("ErrorInvalidValueForProperty", err.Error())
			}
			x.patch[graph] = b
			return nil
		}
	}
	enumProp := func(name, graph string, m enumMap) (func(x *itemCtx, w *writer), func(x *itemCtx) any, func(x *setCtx, e *elem) *respErr) {
		return func(x *itemCtx, w *writer) {
				if v := m.ews(x.o[graph]); v != "" {
					w.leaf("t:"+name, v)
				}
			}, func(x *itemCtx) any { return m.ews(x.o[graph]) },
			func(x *setCtx, e *elem) *respErr {
				g, ok := m.graph(e.text)
				if !ok {
					return errf("ErrorInvalidValueForProperty", "The value '"+e.value()+"' is not valid for "+name+".")
				}
				x.patch[graph] = g
				return nil
			}
	}
	props := commonProps("ItemId", "Subject", "Body", "Attachments", "Size", "Categories", "Importance",
		"DateTimeCreated", "HasAttachments", "Culture", "EffectiveRights", "LastModifiedName", "LastModifiedTime",
		"IsAssociated", "UniqueBody", "Preview", "TextBody")
	for _, p := range props {
		if p.name == "Body" || p.name == "Attachments" || p.name == "UniqueBody" || p.name == "TextBody" || p.name == "Categories" {
			p.find = false // FindItem returns no body, attachment or category of a calendar item
		}
	}
	sw, sv, ss := enumProp("Sensitivity", "sensitivity", sensitivityEnum)
	fw, fv, fs := enumProp("LegacyFreeBusyStatus", "showAs", freeBusyEnum)
	props = append(props,
		&prop{uri: "item:ParentFolderId", name: "ParentFolderId", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				ck := ""
				if f := x.m.Lookup("calendars", x.e.Parent()); f != nil {
					ck = changeKey(f)
				}
				w.empty("t:ParentFolderId", "Id", ewsID(x.e.Parent()), "ChangeKey", ck)
			},
			value: func(x *itemCtx) any { return ewsID(x.e.Parent()) }},
		&prop{uri: "item:ItemClass", name: "ItemClass", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:ItemClass", "IPM.Appointment") },
			value: func(*itemCtx) any { return "IPM.Appointment" },
			set:   func(*setCtx, *elem) *respErr { return nil }},
		&prop{uri: "item:Sensitivity", name: "Sensitivity", find: true, def: true, all: true, write: sw, value: sv, set: ss},
		&prop{uri: "item:DateTimeReceived", name: "DateTimeReceived", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:DateTimeReceived", ewsTime(x.o["createdDateTime"])) }},
		&prop{uri: "item:IsDraft", name: "IsDraft", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:IsDraft", "false") }},
		&prop{uri: "item:ResponseObjects", name: "ResponseObjects", def: true, all: true, write: writeCalendarResponses},
		&prop{uri: "item:ReminderDueBy", name: "ReminderDueBy", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if t, ok := reminderDue(x); ok {
					w.leaf("t:ReminderDueBy", t.UTC().Format("2006-01-02T15:04:05Z"))
				}
			},
			set: func(x *setCtx, e *elem) *respErr {
				t, err := parseTime(e.text)
				if err != nil {
					return errf("ErrorInvalidValueForProperty", err.Error())
				}
				x.memos["reminderDueBy"] = t.UTC().Format(time.RFC3339)
				return nil
			}},
		&prop{uri: "item:ReminderIsSet", name: "ReminderIsSet", find: true, def: true, all: true,
			write: leafBool("ReminderIsSet", "isReminderOn"), value: boolv("isReminderOn"), set: setBool("isReminderOn"),
			del: func(x *setCtx) *respErr { x.patch["isReminderOn"] = false; return nil }},
		&prop{uri: "item:ReminderMinutesBeforeStart", name: "ReminderMinutesBeforeStart", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if n, ok := x.o["reminderMinutesBeforeStart"].(float64); ok {
					w.leaf("t:ReminderMinutesBeforeStart", strconv.Itoa(int(n)))
				}
			},
			value: func(x *itemCtx) any { return x.o["reminderMinutesBeforeStart"] },
			set: func(x *setCtx, e *elem) *respErr {
				n, err := strconv.Atoi(e.value())
				if err != nil || n < 0 {
					return errf("ErrorInvalidValueForProperty", "ReminderMinutesBeforeStart must be a whole number of minutes.")
				}
				x.patch["reminderMinutesBeforeStart"] = float64(n)
				return nil
			}},
		&prop{uri: "item:DisplayTo", name: "DisplayTo", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:DisplayTo", attendeeNames(x.o, "required")) }},
		&prop{uri: "item:DisplayCc", name: "DisplayCc", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:DisplayCc", attendeeNames(x.o, "optional")) }},
		&prop{uri: "item:WebClientReadFormQueryString", name: "WebClientReadFormQueryString", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				w.leaf("t:WebClientReadFormQueryString", "?ItemID="+ewsID(x.e.ID())+"&exvsurl=1&viewmodel=CalendarItemDetailsViewModelFactory")
			}},
		&prop{uri: "calendar:UID", name: "UID", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if s, _ := x.o["iCalUId"].(string); s != "" {
					w.leaf("t:UID", s)
				}
			}, value: str("iCalUId")},
		&prop{uri: "calendar:Start", name: "Start", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:Start", ewsTime(x.o["start"])) },
			value: func(x *itemCtx) any { t, _ := instant(x.o["start"]); return t },
			set:   func(x *setCtx, e *elem) *respErr { x.pending().start = e; return nil }},
		&prop{uri: "calendar:End", name: "End", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:End", ewsTime(x.o["end"])) },
			value: func(x *itemCtx) any { t, _ := instant(x.o["end"]); return t },
			set:   func(x *setCtx, e *elem) *respErr { x.pending().end = e; return nil }},
		&prop{uri: "calendar:OriginalStart", name: "OriginalStart", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if x.o["type"] == "occurrence" || x.o["type"] == "exception" {
					w.leaf("t:OriginalStart", ewsTime(x.o["originalStart"]))
				}
			}},
		&prop{uri: "calendar:IsAllDayEvent", name: "IsAllDayEvent", find: true, def: true, all: true,
			write: leafBool("IsAllDayEvent", "isAllDay"), value: boolv("isAllDay"), set: setBool("isAllDay")},
		&prop{uri: "calendar:LegacyFreeBusyStatus", name: "LegacyFreeBusyStatus", find: true, def: true, all: true, write: fw, value: fv, set: fs},
		&prop{uri: "calendar:Location", name: "Location", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) {
				l, _ := x.o["location"].(map[string]any)
				if n, _ := l["displayName"].(string); n != "" {
					w.leaf("t:Location", n)
				}
			},
			value: func(x *itemCtx) any { l, _ := x.o["location"].(map[string]any); return l["displayName"] },
			set: func(x *setCtx, e *elem) *respErr {
				x.patch["location"] = Object{"displayName": e.text}
				return nil
			},
			del: func(x *setCtx) *respErr { x.patch["location"] = Object{"displayName": ""}; return nil }},
		&prop{uri: "calendar:IsMeeting", name: "IsMeeting", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:IsMeeting", boolText(len(store.AttendeesOf(x.e)) > 0)) }},
		&prop{uri: "calendar:IsCancelled", name: "IsCancelled", find: true, all: true,
			write: func(x *itemCtx, w *writer) { b, _ := x.o["isCancelled"].(bool); w.leaf("t:IsCancelled", boolText(b)) },
			value: boolv("isCancelled")},
		&prop{uri: "calendar:IsRecurring", name: "IsRecurring", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:IsRecurring", boolText(x.o["type"] != "singleInstance")) }},
		&prop{uri: "calendar:MeetingRequestWasSent", name: "MeetingRequestWasSent", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				org, _ := x.o["isOrganizer"].(bool)
				w.leaf("t:MeetingRequestWasSent", boolText(org && len(store.AttendeesOf(x.e)) > 0 && memo(x.e, "unsent") != "true"))
			}},
		&prop{uri: "calendar:IsResponseRequested", name: "IsResponseRequested", find: true, all: true,
			write: leafBool("IsResponseRequested", "responseRequested"), value: boolv("responseRequested"), set: setBool("responseRequested")},
		&prop{uri: "calendar:CalendarItemType", name: "CalendarItemType", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:CalendarItemType", eventTypeEnum.ews(x.o["type"])) },
			value: func(x *itemCtx) any { return eventTypeEnum.ews(x.o["type"]) }},
		&prop{uri: "calendar:MyResponseType", name: "MyResponseType", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) {
				rs, _ := x.o["responseStatus"].(map[string]any)
				if v := responseEnum.ews(rs["response"]); v != "" {
					w.leaf("t:MyResponseType", v)
				}
			}},
		&prop{uri: "calendar:Organizer", name: "Organizer", find: true, def: true, all: true,
			write: writeSingle("Organizer", "organizer"),
			value: func(x *itemCtx) any {
				name, addr := recipientAddress(x.o["organizer"])
				return []string{addr, name}
			}},
	)
	for _, l := range attendeeLists {
		props = append(props, &prop{uri: "calendar:" + l.elem, name: l.elem, def: true, all: true,
			write: writeAttendees(l.elem, l.typ), set: setAttendees(l.typ),
			del: func(x *setCtx) *respErr {
				p := x.pending()
				p.attendees[l.typ], p.attendeesTouched = []any{}, true
				return nil
			}})
	}
	props = append(props,
		&prop{uri: "calendar:Duration", name: "Duration", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				s, _ := instant(x.o["start"])
				e, _ := instant(x.o["end"])
				w.leaf("t:Duration", ewsDuration(e.Sub(s)))
			}},
		&prop{uri: "calendar:AppointmentReplyTime", name: "AppointmentReplyTime", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				rs, _ := x.o["responseStatus"].(map[string]any)
				if t, ok := instant(rs["time"]); ok && t.Year() > 1 {
					w.leaf("t:AppointmentReplyTime", t.UTC().Format("2006-01-02T15:04:05Z"))
				}
			}},
		&prop{uri: "calendar:AppointmentSequenceNumber", name: "AppointmentSequenceNumber", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:AppointmentSequenceNumber", "0") }},
		&prop{uri: "calendar:AppointmentState", name: "AppointmentState", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:AppointmentState", strconv.Itoa(appointmentState(x))) }},
		&prop{uri: "calendar:Recurrence", name: "Recurrence", def: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if r, _ := x.o["recurrence"].(map[string]any); r != nil && x.o["type"] == "seriesMaster" {
					writeRecurrence(w, r)
				}
			},
			set: func(x *setCtx, e *elem) *respErr {
				r, rerr := readRecurrence(e)
				if rerr != nil {
					return rerr
				}
				x.patch["recurrence"] = r
				return nil
			},
			del: func(x *setCtx) *respErr { x.patch["recurrence"] = nil; return nil }},
		&prop{uri: "calendar:FirstOccurrence", name: "FirstOccurrence", all: true, write: writeFirstLast(true)},
		&prop{uri: "calendar:LastOccurrence", name: "LastOccurrence", all: true, write: writeFirstLast(false)},
		&prop{uri: "calendar:ModifiedOccurrences", name: "ModifiedOccurrences", all: true, write: writeModified},
		&prop{uri: "calendar:DeletedOccurrences", name: "DeletedOccurrences", all: true, write: writeDeleted},
		// The zone of Exchange 2007's requests: StartTimeZone and
		// EndTimeZone, unless the request names them.
		&prop{uri: "calendar:MeetingTimeZone", name: "MeetingTimeZone",
			write: func(x *itemCtx, w *writer) { w.empty("t:MeetingTimeZone", "TimeZoneName", zoneID(x.o, "start")) },
			set: func(x *setCtx, e *elem) *respErr {
				p := x.pending()
				if name, _ := e.attr("TimeZoneName"); name != "" && p.startTZ == "" {
					p.startTZ, p.endTZ, p.tzSet = name, name, true
				}
				return nil
			}},
		&prop{uri: "calendar:StartTimeZone", name: "StartTimeZone", all: true,
			write: writeTZDefinition("StartTimeZone", "start"),
			set: func(x *setCtx, e *elem) *respErr {
				id, _ := e.attr("Id")
				p := x.pending()
				p.startTZ, p.tzSet = id, true
				if p.endTZ == "" {
					p.endTZ = id
				}
				return nil
			}},
		&prop{uri: "calendar:EndTimeZone", name: "EndTimeZone", all: true,
			write: writeTZDefinition("EndTimeZone", "end"),
			set: func(x *setCtx, e *elem) *respErr {
				id, _ := e.attr("Id")
				p := x.pending()
				p.endTZ, p.tzSet = id, true
				return nil
			}},
		&prop{uri: "calendar:AllowNewTimeProposal", name: "AllowNewTimeProposal", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				b, ok := x.o["allowNewTimeProposals"].(bool)
				w.leaf("t:AllowNewTimeProposal", boolText(b || !ok))
			}, set: setBool("allowNewTimeProposals")},
		&prop{uri: "calendar:IsOnlineMeeting", name: "IsOnlineMeeting", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				b, _ := x.o["isOnlineMeeting"].(bool)
				w.leaf("t:IsOnlineMeeting", boolText(b))
			},
			set: setBool("isOnlineMeeting")},
		&prop{uri: "calendar:StartTimeZoneId", name: "StartTimeZoneId", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:StartTimeZoneId", zoneID(x.o, "start")) }},
		&prop{uri: "calendar:EndTimeZoneId", name: "EndTimeZoneId", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:EndTimeZoneId", zoneID(x.o, "end")) }},
		&prop{uri: "calendar:IsOrganizer", name: "IsOrganizer", find: true, all: true,
			write: leafBool("IsOrganizer", "isOrganizer"), value: boolv("isOrganizer")},
	)
	return newKind("events", "CalendarItem", calendarOrder, props)
})

// zoneID is the Windows id of the zone an event's start (or end) is in,
// as StartTimeZoneId shows it.
func zoneID(o Object, which string) string {
	key := "originalStartTimeZone"
	if which == "end" {
		key = "originalEndTimeZone"
	}
	name, _ := o[key].(string)
	if name == "" {
		v, _ := o[which].(map[string]any)
		name, _ = v["timeZone"].(string)
	}
	if w, ok := datetime.WindowsName(name); ok {
		return w
	}
	return "UTC"
}

func writeTZDefinition(elem, which string) func(x *itemCtx, w *writer) {
	return func(x *itemCtx, w *writer) {
		id := zoneID(x.o, which)
		w.empty("t:"+elem, "Id", id, "Name", id)
	}
}

// attendeeNames lists the names of the attendees of one type, as
// DisplayTo and DisplayCc do.
func attendeeNames(o Object, typ string) string {
	list, _ := o["attendees"].([]any)
	var names []string
	for _, a := range list {
		ao, _ := a.(map[string]any)
		if ao["type"] != typ {
			continue
		}
		name, addr := recipientAddress(ao)
		if name == "" {
			name = addr
		}
		names = append(names, name)
	}
	return strings.Join(names, "; ")
}

// appointmentState is the AppointmentState bit mask: 1 a meeting, 2
// received (the mailbox is an attendee), 4 cancelled.
func appointmentState(x *itemCtx) int {
	n := 0
	if len(store.AttendeesOf(x.e)) > 0 {
		n |= 1
	}
	if org, _ := x.o["isOrganizer"].(bool); !org {
		n |= 2
	}
	if c, _ := x.o["isCancelled"].(bool); c {
		n |= 4
	}
	return n
}

// reminderDue is when an item's reminder fires: a snoozed time, or its
// start less the minutes before.
func reminderDue(x *itemCtx) (time.Time, bool) {
	if on, _ := x.o["isReminderOn"].(bool); !on {
		return time.Time{}, false
	}
	if s := memo(x.e, "reminderDueBy"); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, true
		}
	}
	start, ok := instant(x.o["start"])
	n, _ := x.o["reminderMinutesBeforeStart"].(float64)
	return start.Add(-time.Duration(n) * time.Minute), ok
}

// writeCalendarResponses lists the responses a calendar item allows: an
// attendee accepts, tentatively accepts or declines (and may propose a new
// time); an organizer cancels; both forward and reply.
func writeCalendarResponses(x *itemCtx, w *writer) {
	w.open("t:ResponseObjects")
	org, _ := x.o["isOrganizer"].(bool)
	meeting := len(store.AttendeesOf(x.e)) > 0 || !org
	switch {
	case org && meeting:
		w.empty("t:CancelCalendarItem")
	case meeting:
		w.empty("t:AcceptItem")
		w.empty("t:TentativelyAcceptItem")
		w.empty("t:DeclineItem")
		if b, ok := x.o["allowNewTimeProposals"].(bool); b || !ok {
			w.empty("t:ProposeNewTime")
		}
	}
	if meeting {
		w.empty("t:ReplyToItem")
		w.empty("t:ReplyAllToItem")
	}
	w.empty("t:ForwardItem")
	w.close("t:ResponseObjects")
}

// writeAttendees writes one of the attendee lists.
func writeAttendees(elem, typ string) func(x *itemCtx, w *writer) {
	return func(x *itemCtx, w *writer) {
		list, _ := x.o["attendees"].([]any)
		var mine []map[string]any
		for _, a := range list {
			if ao, _ := a.(map[string]any); ao["type"] == typ || typ == "required" && ao["type"] == nil {
				mine = append(mine, ao)
			}
		}
		if len(mine) == 0 {
			return
		}
		w.open("t:" + elem)
		for _, a := range mine {
			name, addr := recipientAddress(a)
			if name == "" {
				name = addr
			}
			_, internal := x.c.h.st.Lookup(addr)
			w.open("t:Attendee")
			w.open("t:Mailbox")
			w.leaf("t:Name", name)
			w.leaf("t:EmailAddress", addr)
			w.leaf("t:RoutingType", "SMTP")
			w.leaf("t:MailboxType", pickStr(internal, "Mailbox", "OneOff"))
			w.close("t:Mailbox")
			st, _ := a["status"].(map[string]any)
			resp := responseEnum.ews(st["response"])
			if resp == "" {
				resp = "Unknown"
			}
			w.leaf("t:ResponseType", resp)
			if t, ok := instant(st["time"]); ok && t.Year() > 1 {
				w.leaf("t:LastResponseTime", t.UTC().Format("2006-01-02T15:04:05Z"))
			}
			if p, _ := a["proposedNewTime"].(map[string]any); p != nil {
				w.leaf("t:ProposedStart", ewsTime(p["start"]))
				w.leaf("t:ProposedEnd", ewsTime(p["end"]))
			}
			w.close("t:Attendee")
		}
		w.close("t:" + elem)
	}
}

// setAttendees reads one of the attendee lists of a request.
func setAttendees(typ string) func(x *setCtx, e *elem) *respErr {
	return func(x *setCtx, e *elem) *respErr {
		list := []any{}
		for _, a := range e.kids {
			if !a.is(nsTypes, "Attendee") {
				return errf("ErrorInvalidRecipients", "The element '"+a.local+"' is not an Attendee.")
			}
			r, err := mailboxOf(a.t("Mailbox"))
			if err != nil {
				return errf("ErrorInvalidRecipients", err.Error())
			}
			r["type"] = typ
			r["status"] = Object{"response": "none", "time": "0001-01-01T00:00:00Z"}
			list = append(list, r)
		}
		p := x.pending()
		p.attendees[typ], p.attendeesTouched = list, true
		return nil
	}
}

// finishCalendar turns what a CalendarItem of a request set into the
// Graph patch: the times in their zones, the attendee lists merged. e is
// the item updated, nil on create.
func (x *setCtx) finishCalendar(e *store.Entity) *respErr {
	p := x.pend
	if p == nil {
		return nil
	}
	var cur Object
	if e != nil {
		cur = e.Object()
	}
	if p.attendeesTouched {
		all := []any{}
		for _, l := range attendeeLists {
			if list, ok := p.attendees[l.typ]; ok {
				all = append(all, list...)
				continue
			}
			old, _ := cur["attendees"].([]any)
			for _, a := range old {
				if ao, _ := a.(map[string]any); ao["type"] == l.typ {
					all = append(all, schema.DeepCopy(a))
				}
			}
		}
		x.patch["attendees"] = all
	}
	for _, w := range []struct {
		which string
		el    *elem
		tz    string
	}{{"start", p.start, p.startTZ}, {"end", p.end, p.endTZ}} {
		zone := w.tz
		if zone == "" && cur != nil {
			zone = zoneID(cur, w.which)
		}
		if zone == "" {
			// Times without an offset are in the request's
			// TimeZoneContext.
			zone = x.c.tzContext
		}
		if zone == "" {
			zone = "UTC"
		}
		loc, ok := datetime.LoadZone(zone)
		if !ok {
			return errf("ErrorCalendarInvalidTimeZone", "The time zone '"+zone+"' is not valid.")
		}
		var t time.Time
		switch {
		case w.el != nil:
			text := strings.TrimSpace(w.el.text)
			var err error
			if hasZone(text) {
				t, err = parseTime(text)
			} else {
				t, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", text, loc)
			}
			if err != nil {
				return errf("ErrorInvalidValueForProperty", "'"+text+"' is not a valid xs:dateTime value.")
			}
		case p.tzSet && cur != nil:
			// A new zone alone keeps the wall clock.
			v, _ := cur[w.which].(map[string]any)
			old, ok := instant(v)
			if !ok {
				continue
			}
			oldLoc, _ := datetime.LoadZone(zoneID(cur, w.which))
			if oldLoc == nil {
				oldLoc = time.UTC
			}
			l := old.In(oldLoc)
			t = time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, loc)
		default:
			continue
		}
		x.patch[w.which] = Object{"dateTime": t.In(loc).Format("2006-01-02T15:04:05.0000000"), "timeZone": zone}
		key := "originalStartTimeZone"
		if w.which == "end" {
			key = "originalEndTimeZone"
		}
		x.patch[key] = zone
	}
	return nil
}

// hasZone reports whether an xs:dateTime carries a zone designator.
func hasZone(s string) bool {
	if strings.HasSuffix(s, "Z") {
		return true
	}
	if i := strings.IndexByte(s, 'T'); i >= 0 {
		return strings.ContainsAny(s[i:], "+-")
	}
	return false
}

// Recurrences. EWS names the pattern and the range by their elements
// (RecurrenceType); the store keeps Graph's patternedRecurrence.

var (
	ewsDays   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	ewsMonths = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	weekIdx   = enumMap{"first": "First", "second": "Second", "third": "Third", "fourth": "Fourth", "last": "Last"}
)

// daysOfWeekText writes Graph days for a pattern: a list for weekly ones,
// one DayOfWeekType (a day, Day, Weekday or WeekendDay) for relative ones.
func daysOfWeekText(days []any, relative bool) string {
	set := map[string]bool{}
	var names []string
	for _, d := range days {
		s, _ := d.(string)
		for _, n := range ewsDays {
			if strings.EqualFold(n, s) && !set[n] {
				set[n] = true
				names = append(names, n)
			}
		}
	}
	if relative {
		switch {
		case len(set) == 7:
			return "Day"
		case len(set) == 5 && !set["Sunday"] && !set["Saturday"]:
			return "Weekday"
		case len(set) == 2 && set["Sunday"] && set["Saturday"]:
			return "WeekendDay"
		}
	}
	return strings.Join(names, " ")
}

func writeRecurrence(w *writer, r map[string]any) {
	p, _ := r["pattern"].(map[string]any)
	rg, _ := r["range"].(map[string]any)
	num := func(k string) string { n, _ := p[k].(float64); return strconv.Itoa(int(n)) }
	month := func() string {
		n, _ := p["month"].(float64)
		if n >= 1 && n <= 12 {
			return ewsMonths[int(n)-1]
		}
		return "January"
	}
	days, _ := p["daysOfWeek"].([]any)
	idx := weekIdx.ews(p["index"])
	if idx == "" {
		idx = "First"
	}
	w.open("t:Recurrence")
	switch pt, _ := p["type"].(string); pt {
	case "daily":
		w.open("t:DailyRecurrence")
		w.leaf("t:Interval", num("interval"))
		w.close("t:DailyRecurrence")
	case "weekly":
		w.open("t:WeeklyRecurrence")
		w.leaf("t:Interval", num("interval"))
		w.leaf("t:DaysOfWeek", daysOfWeekText(days, false))
		if f, _ := p["firstDayOfWeek"].(string); f != "" {
			w.leaf("t:FirstDayOfWeek", daysOfWeekText([]any{f}, false))
		}
		w.close("t:WeeklyRecurrence")
	case "absoluteMonthly":
		w.open("t:AbsoluteMonthlyRecurrence")
		w.leaf("t:Interval", num("interval"))
		w.leaf("t:DayOfMonth", num("dayOfMonth"))
		w.close("t:AbsoluteMonthlyRecurrence")
	case "relativeMonthly":
		w.open("t:RelativeMonthlyRecurrence")
		w.leaf("t:Interval", num("interval"))
		w.leaf("t:DaysOfWeek", daysOfWeekText(days, true))
		w.leaf("t:DayOfWeekIndex", idx)
		w.close("t:RelativeMonthlyRecurrence")
	case "absoluteYearly":
		w.open("t:AbsoluteYearlyRecurrence")
		w.leaf("t:DayOfMonth", num("dayOfMonth"))
		w.leaf("t:Month", month())
		w.close("t:AbsoluteYearlyRecurrence")
	case "relativeYearly":
		w.open("t:RelativeYearlyRecurrence")
		w.leaf("t:DaysOfWeek", daysOfWeekText(days, true))
		w.leaf("t:DayOfWeekIndex", idx)
		w.leaf("t:Month", month())
		w.close("t:RelativeYearlyRecurrence")
	}
	start, _ := rg["startDate"].(string)
	switch rt, _ := rg["type"].(string); rt {
	case "endDate":
		end, _ := rg["endDate"].(string)
		w.open("t:EndDateRecurrence")
		w.leaf("t:StartDate", start)
		w.leaf("t:EndDate", end)
		w.close("t:EndDateRecurrence")
	case "numbered":
		n, _ := rg["numberOfOccurrences"].(float64)
		w.open("t:NumberedRecurrence")
		w.leaf("t:StartDate", start)
		w.leaf("t:NumberOfOccurrences", strconv.Itoa(int(n)))
		w.close("t:NumberedRecurrence")
	default:
		w.open("t:NoEndRecurrence")
		w.leaf("t:StartDate", start)
		w.close("t:NoEndRecurrence")
	}
	w.close("t:Recurrence")
}

// readDays reads a DaysOfWeek: a list of days, or one of Day, Weekday and
// WeekendDay.
func readDays(s string) ([]any, bool) {
	var out []any
	for _, f := range strings.Fields(s) {
		switch f {
		case "Day":
			for _, d := range ewsDays {
				out = append(out, strings.ToLower(d))
			}
			continue
		case "Weekday":
			for _, d := range ewsDays[1:6] {
				out = append(out, strings.ToLower(d))
			}
			continue
		case "WeekendDay":
			out = append(out, "sunday", "saturday")
			continue
		}
		found := false
		for _, d := range ewsDays {
			if d == f {
				out, found = append(out, strings.ToLower(d)), true
			}
		}
		if !found {
			return nil, false
		}
	}
	return out, len(out) > 0
}

func readRecurrence(e *elem) (Object, *respErr) {
	bad := func(what string) (Object, *respErr) {
		return nil, errf("ErrorCalendarInvalidRecurrence", "The recurrence is not valid: "+what+".")
	}
	if len(e.kids) != 2 {
		return bad("a Recurrence holds a pattern and a range")
	}
	pe, re := e.kids[0], e.kids[1]
	p := Object{}
	intOf := func(name string, lo, hi int) (float64, bool) {
		k := pe.t(name)
		if k == nil {
			return 0, false
		}
		n, err := strconv.Atoi(k.value())
		return float64(n), err == nil && n >= lo && n <= hi
	}
	needInterval := func() bool {
		n, ok := intOf("Interval", 1, 999)
		p["interval"] = n
		return ok
	}
	days := func() bool {
		k := pe.t("DaysOfWeek")
		if k == nil {
			return false
		}
		d, ok := readDays(k.value())
		p["daysOfWeek"] = d
		return ok
	}
	index := func() bool {
		k := pe.t("DayOfWeekIndex")
		if k == nil {
			return false
		}
		g, ok := weekIdx.graph(k.value())
		p["index"] = g
		return ok
	}
	month := func() bool {
		k := pe.t("Month")
		if k == nil {
			return false
		}
		for i, m := range ewsMonths {
			if m == k.value() {
				p["month"] = float64(i + 1)
				return true
			}
		}
		return false
	}
	switch pe.local {
	case "DailyRecurrence":
		p["type"] = "daily"
		if !needInterval() {
			return bad("DailyRecurrence needs an Interval")
		}
	case "WeeklyRecurrence":
		p["type"] = "weekly"
		if !needInterval() || !days() {
			return bad("WeeklyRecurrence needs an Interval and DaysOfWeek")
		}
		p["firstDayOfWeek"] = "sunday"
		if k := pe.t("FirstDayOfWeek"); k != nil {
			d, ok := readDays(k.value())
			if !ok || len(d) != 1 {
				return bad("FirstDayOfWeek is one day")
			}
			p["firstDayOfWeek"] = d[0]
		}
	case "AbsoluteMonthlyRecurrence":
		p["type"] = "absoluteMonthly"
		n, ok := intOf("DayOfMonth", 1, 31)
		p["dayOfMonth"] = n
		if !needInterval() || !ok {
			return bad("AbsoluteMonthlyRecurrence needs an Interval and a DayOfMonth")
		}
	case "RelativeMonthlyRecurrence":
		p["type"] = "relativeMonthly"
		if !needInterval() || !days() || !index() {
			return bad("RelativeMonthlyRecurrence needs an Interval, DaysOfWeek and a DayOfWeekIndex")
		}
	case "AbsoluteYearlyRecurrence":
		p["type"], p["interval"] = "absoluteYearly", float64(1)
		n, ok := intOf("DayOfMonth", 1, 31)
		p["dayOfMonth"] = n
		if !ok || !month() {
			return bad("AbsoluteYearlyRecurrence needs a DayOfMonth and a Month")
		}
	case "RelativeYearlyRecurrence":
		p["type"], p["interval"] = "relativeYearly", float64(1)
		if !days() || !index() || !month() {
			return bad("RelativeYearlyRecurrence needs DaysOfWeek, a DayOfWeekIndex and a Month")
		}
	default:
		return bad("the pattern " + pe.local + " is not one of a calendar item")
	}
	date := func(name string) (string, bool) {
		k := re.t(name)
		if k == nil || len(k.value()) < 10 {
			return "", false
		}
		d := k.value()[:10]
		_, err := time.Parse("2006-01-02", d)
		return d, err == nil
	}
	rg := Object{}
	start, ok := date("StartDate")
	if !ok {
		return bad("the range needs a StartDate")
	}
	rg["startDate"] = start
	switch re.local {
	case "NoEndRecurrence":
		rg["type"] = "noEnd"
	case "EndDateRecurrence":
		end, ok := date("EndDate")
		if !ok || end < start {
			return bad("EndDateRecurrence needs an EndDate on or after its StartDate")
		}
		rg["type"], rg["endDate"] = "endDate", end
	case "NumberedRecurrence":
		k := re.t("NumberOfOccurrences")
		n := 0
		if k != nil {
			n, _ = strconv.Atoi(k.value())
		}
		if n < 1 || n > 999 {
			return bad("NumberedRecurrence needs NumberOfOccurrences from 1 to 999")
		}
		rg["type"], rg["numberOfOccurrences"] = "numbered", float64(n)
	default:
		return bad("the range " + re.local + " is not one of a calendar item")
	}
	return Object{"pattern": p, "range": rg}, nil
}

// writeFirstLast writes a series' FirstOccurrence or LastOccurrence.
func writeFirstLast(first bool) func(x *itemCtx, w *writer) {
	return func(x *itemCtx, w *writer) {
		if x.o["type"] != "seriesMaster" {
			return
		}
		start, ok := instant(x.o["start"])
		if !ok {
			return
		}
		occ := x.m.ViewItems(x.e, start.Add(-time.Hour), start.AddDate(5, 0, 0), false)
		if len(occ) == 0 {
			return
		}
		o := occ[0]
		name := "t:FirstOccurrence"
		if !first {
			if rg, _ := x.o["recurrence"].(map[string]any)["range"].(map[string]any); rg["type"] == "noEnd" {
				return
			}
			o, name = occ[len(occ)-1], "t:LastOccurrence"
		}
		id, _ := o["id"].(string)
		w.open(name)
		w.empty("t:ItemId", "Id", ewsID(id), "ChangeKey", changeKey(x.e))
		w.leaf("t:Start", ewsTime(o["start"]))
		w.leaf("t:End", ewsTime(o["end"]))
		w.leaf("t:OriginalStart", ewsTime(o["originalStart"]))
		w.close(name)
	}
}

// writeModified lists the exceptions of a series.
func writeModified(x *itemCtx, w *writer) {
	if x.o["type"] != "seriesMaster" {
		return
	}
	ex := x.m.List("events", func(e *store.Entity) bool { return store.IsException(e) && e.Object()["seriesMasterId"] == x.e.ID() })
	if len(ex) == 0 {
		return
	}
	w.open("t:ModifiedOccurrences")
	for _, e := range ex {
		o := e.Object()
		w.open("t:Occurrence")
		w.empty("t:ItemId", "Id", ewsID(e.ID()), "ChangeKey", changeKey(e))
		w.leaf("t:Start", ewsTime(o["start"]))
		w.leaf("t:End", ewsTime(o["end"]))
		w.leaf("t:OriginalStart", ewsTime(o["originalStart"]))
		w.close("t:Occurrence")
	}
	w.close("t:ModifiedOccurrences")
}

// writeDeleted lists the cancelled occurrences of a series by their
// original start.
func writeDeleted(x *itemCtx, w *writer) {
	list, _ := x.o["cancelledOccurrences"].([]any)
	if len(list) == 0 || x.o["type"] != "seriesMaster" {
		return
	}
	start, _ := instant(x.o["start"])
	zone, _ := datetime.LoadZone(zoneID(x.o, "start"))
	if zone == nil {
		zone = time.UTC
	}
	local := start.In(zone)
	w.open("t:DeletedOccurrences")
	for _, v := range list {
		s, _ := v.(string)
		d, err := time.Parse("2006-01-02", s[max(0, len(s)-10):])
		if err != nil {
			continue
		}
		t := time.Date(d.Year(), d.Month(), d.Day(), local.Hour(), local.Minute(), local.Second(), 0, zone)
		w.open("t:DeletedOccurrence")
		w.leaf("t:Start", t.UTC().Format("2006-01-02T15:04:05Z"))
		w.close("t:DeletedOccurrence")
	}
	w.close("t:DeletedOccurrences")
}
