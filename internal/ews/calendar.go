package ews

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/internal/tz"
	"github.com/exchangekit/outlook/odata"
)

// Events as EWS calendar items (CalendarItemType). The model's table maps
// the properties EWS keeps one to one; the hooks here map the others:
//
//   - start and end: Start and End are instants; the zone is
//     StartTimeZone/EndTimeZone (TimeZoneDefinitionType, by Windows id) when
//     writing, StartTimeZoneId/EndTimeZoneId when reading
//     (ews/how-to-create-appointments-in-a-specific-time-zone-by-using-ews-in-exchange:
//     a Start without an offset is in the StartTimeZone). IANA names go
//     through internal/tz. Times are given back in UTC, or in the zone
//     Prefer: outlook.timezone names, as Graph gives them; an all-day
//     event keeps its dates: midnight of its days in its own zone.
//   - attendees: RequiredAttendees, OptionalAttendees and Resources, by
//     attendee type, each Attendee with its ResponseType, LastResponseTime
//     and, Exchange 2013 SP1 on, ProposedStart and ProposedEnd.
//   - responseStatus: MyResponseType and AppointmentReplyTime.
//   - recurrence: RecurrenceType (recurrence.go).
//   - location: Location holds the display name only (EnhancedLocation is
//     Exchange Online's); an address, coordinates or a room's address are
//     refused rather than dropped.
//   - cancelledOccurrences: DeletedOccurrences gives their starts; Graph's
//     entries are "OID.<series master id>.<date>".
//   - seriesMasterId: an occurrence names its master by a
//     RecurringMasterItemId of its id (ref/recurringmasteritemid), which
//     the listings resolve per series (calendarops.go).

// calendarItemOrder is CalendarItemType's part of a calendar item's
// element sequence (types.xsd, Exchange 2013).
var calendarItemOrder = strings.Fields(`UID RecurrenceId DateTimeStamp Start End OriginalStart IsAllDayEvent
LegacyFreeBusyStatus Location When IsMeeting IsCancelled IsRecurring MeetingRequestWasSent IsResponseRequested
CalendarItemType MyResponseType Organizer RequiredAttendees OptionalAttendees Resources ConflictingMeetingCount
AdjacentMeetingCount ConflictingMeetings AdjacentMeetings Duration TimeZone AppointmentReplyTime
AppointmentSequenceNumber AppointmentState Recurrence FirstOccurrence LastOccurrence ModifiedOccurrences
DeletedOccurrences MeetingTimeZone StartTimeZone EndTimeZone ConferenceType AllowNewTimeProposal IsOnlineMeeting
MeetingWorkspaceUrl NetShowUrl EnhancedLocation StartWallClock EndWallClock StartTimeZoneId EndTimeZoneId
IntendedFreeBusyStatus JoinOnlineMeetingUrl OnlineMeetingSettings IsOrganizer`)

// itemTypeOrder is ItemType's part of every item's sequence: itemOrder up
// to MessageType's own elements.
var itemTypeOrder = itemOrder[:indexOfString(itemOrder, "Sender")]

func indexOfString(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return len(list)
}

// The attendee lists, by the Graph attendee type each holds.
var attendeeLists = [...]struct{ elem, typ string }{
	{"RequiredAttendees", "required"}, {"OptionalAttendees", "optional"}, {"Resources", "resource"},
}

// neverResponded is Graph's time of a response never given.
const neverResponded = "0001-01-01T00:00:00Z"

func init() {
	orderIndex["calendarItem"] = orderOf(append(append([]string{}, itemTypeOrder...), calendarItemOrder...))
	entityHooks["event"] = newEventReader
	writeHooks["event"] = eventFragment
	changeHooks["event"] = eventChanges
	companionFields["event"] = map[string][]field{
		"start":                {{URI: "calendar:Start"}, {URI: "calendar:IsAllDayEvent"}, {URI: "calendar:StartTimeZoneId"}},
		"end":                  {{URI: "calendar:End"}, {URI: "calendar:IsAllDayEvent"}, {URI: "calendar:EndTimeZoneId"}},
		"attendees":            {{URI: "calendar:RequiredAttendees"}, {URI: "calendar:OptionalAttendees"}, {URI: "calendar:Resources"}},
		"responseStatus":       {{URI: "calendar:MyResponseType"}, {URI: "calendar:AppointmentReplyTime"}},
		"recurrence":           {{URI: "calendar:Recurrence"}, {URI: "calendar:StartTimeZoneId"}},
		"seriesMasterId":       {{URI: "calendar:UID"}, {URI: "calendar:CalendarItemType"}},
		"cancelledOccurrences": {{URI: "calendar:DeletedOccurrences"}, {URI: "calendar:StartTimeZoneId"}, {URI: "calendar:Start"}},
	}
	for _, uri := range []string{"calendar:RequiredAttendees", "calendar:OptionalAttendees", "calendar:Resources",
		"calendar:Recurrence", "calendar:ModifiedOccurrences", "calendar:DeletedOccurrences"} {
		getItemOnly[uri] = true
	}
}

func orderOf(list []string) map[string]int {
	m := make(map[string]int, len(list))
	for i, e := range list {
		m[e] = i
	}
	return m
}

// loadZone loads a zone by Windows or IANA name.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	return tz.Load(name)
}

// windowsID returns the Windows id EWS names a location by.
func windowsID(loc *time.Location) (string, bool) { return tz.WindowsName(loc) }

// wallClock converts a Graph dateTimeTimeZone into what EWS takes: the
// wall clock (no offset) and the Windows id of its zone. A zone without a
// Windows id has the instant written in UTC.
func wallClock(d dateTimeTZ, what string) (string, string, error) {
	loc, err := loadZone(d.TimeZone)
	if err != nil {
		return "", "", fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, what, err)
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", strings.TrimSuffix(d.DateTime, "Z"), loc)
	if err != nil {
		return "", "", fmt.Errorf("%w: %s: %q is not a date and time", odata.ErrInvalidQuery, what, d.DateTime)
	}
	id, ok := windowsID(loc)
	if !ok {
		t, id = t.UTC(), "UTC"
	}
	layout := "2006-01-02T15:04:05"
	if t.Nanosecond() != 0 {
		layout += ".9999999"
	}
	return t.Format(layout), id, nil
}

// eventReader reads what the event table cannot (see the file comment).
type eventReader struct {
	c *converter
	s *odata.Schema

	id, uid, typ        string
	start, end          time.Time
	hasStart, hasEnd    bool
	allDay              bool
	startZone, endZone  string
	attendees           []byte
	hasAttendees        bool
	response, replyTime string
	recurrence          []byte
	deleted             []time.Time
}

func newEventReader(c *converter, s *odata.Schema) entityHook { return &eventReader{c: c, s: s} }

// enumOf returns the enum of the property at a Graph path of the schema.
func enumOf(s *odata.Schema, path string) *odata.EnumType {
	if p := s.PropAt(path); p != nil {
		return p.Enum
	}
	return nil
}

func (h *eventReader) element(out []byte) (bool, []byte, error) {
	x := h.c.x
	switch string(x.local) {
	case "ItemId":
		if v, ok := x.attr("Id"); ok {
			h.id = string(v)
		}
		return false, out, nil // the table writes the id
	case "Start", "End":
		start := x.is("Start")
		t, err := h.c.text()
		if err != nil {
			return true, out, err
		}
		tm, ok := parseDateTime(t)
		if !ok {
			return true, out, fmt.Errorf("%w: %s %q is not a date and time", errXML, map[bool]string{true: "Start", false: "End"}[start], truncate(string(t), 40))
		}
		if start {
			h.start, h.hasStart = tm, true
		} else {
			h.end, h.hasEnd = tm, true
		}
		return true, out, nil
	case "IsAllDayEvent":
		t, err := h.c.text()
		h.allDay = string(t) == "true" || string(t) == "1"
		out = member(out, "isAllDay")
		out = append(out, fmt.Sprint(h.allDay)...)
		return true, out, err
	case "StartTimeZoneId", "EndTimeZoneId":
		start := x.is("StartTimeZoneId")
		t, err := h.c.text()
		if err != nil {
			return true, out, err
		}
		name := "originalEndTimeZone"
		if start {
			h.startZone, name = string(t), "originalStartTimeZone"
		} else {
			h.endZone = string(t)
		}
		out = member(out, name)
		out = appendString(out, t)
		return true, out, nil
	case "UID":
		t, err := h.c.text()
		h.uid = string(t)
		out = member(out, "iCalUId")
		out = appendString(out, t)
		return true, out, err
	case "CalendarItemType":
		t, err := h.c.text()
		h.typ = graphEnum(enumOf(h.s, "type"), string(t))
		out = member(out, "type")
		out = appendString(out, h.typ)
		return true, out, err
	case "RequiredAttendees", "OptionalAttendees", "Resources":
		typ := ""
		for _, l := range attendeeLists {
			if x.is(l.elem) {
				typ = l.typ
			}
		}
		h.hasAttendees = true
		err := x.children(func() error {
			if !x.is("Attendee") {
				return x.skip()
			}
			h.attendees = comma(h.attendees)
			var err error
			h.attendees, err = h.attendee(h.attendees, typ)
			return err
		})
		return true, out, err
	case "MyResponseType":
		t, err := h.c.text()
		h.response = graphEnum(enumOf(h.s, "responseStatus/response"), string(t))
		return true, out, err
	case "AppointmentReplyTime":
		t, err := h.c.text()
		if tm, ok := parseDateTime(t); ok {
			h.replyTime = tm.UTC().Format(time.RFC3339)
		}
		return true, out, err
	case "Recurrence":
		// Read once the start's zone is known: buffer the element.
		r, err := h.c.readRecurrence("")
		h.recurrence = r
		return true, out, err
	case "Location":
		t, err := h.c.text()
		if err != nil {
			return true, out, err
		}
		out = member(out, "location")
		out = append(out, `{"displayName":`...)
		out = appendString(out, t)
		return true, append(out, '}'), nil
	case "DeletedOccurrences":
		err := x.children(func() error {
			return x.children(func() error {
				if !x.is("Start") {
					return x.skip()
				}
				t, err := h.c.text()
				if tm, ok := parseDateTime(t); ok {
					h.deleted = append(h.deleted, tm)
				}
				return err
			})
		})
		return true, out, err
	}
	return false, out, nil
}

// attendee reads one Attendee.
func (h *eventReader) attendee(out []byte, typ string) ([]byte, error) {
	x := h.c.x
	out = append(out, `{"type":`...)
	out = appendString(out, typ)
	response, when := "none", neverResponded
	var proposedStart, proposedEnd string
	err := x.children(func() error {
		switch string(x.local) {
		case "Mailbox":
			out = append(out, ',')
			var r []byte
			r, err := h.c.mailbox(nil)
			if err != nil {
				return err
			}
			// mailbox writes {"emailAddress":{...}}: keep its member.
			out = append(out, r[1:len(r)-1]...)
			return nil
		case "ResponseType":
			t, err := h.c.text()
			response = graphEnum(enumOf(h.s, "attendees/status/response"), string(t))
			return err
		case "LastResponseTime", "ProposedStart", "ProposedEnd":
			name := string(x.local)
			t, err := h.c.text()
			if tm, ok := parseDateTime(t); ok {
				switch name {
				case "LastResponseTime":
					when = tm.UTC().Format(time.RFC3339)
				case "ProposedStart":
					proposedStart = h.dateTime(tm)
				case "ProposedEnd":
					proposedEnd = h.dateTime(tm)
				}
			}
			return err
		}
		return x.skip()
	})
	out = append(out, `,"status":{"response":`...)
	out = appendString(out, response)
	out = append(out, `,"time":`...)
	out = appendString(out, when)
	out = append(out, '}')
	if proposedStart != "" && proposedEnd != "" {
		out = append(out, `,"proposedNewTime":{"start":`...)
		out = append(out, proposedStart...)
		out = append(out, `,"end":`...)
		out = append(out, proposedEnd...)
		out = append(out, '}')
	}
	return append(out, '}'), err
}

// outZone is the zone times are given in, and its name.
func (h *eventReader) outZone() (*time.Location, string) {
	if h.c.zone == "" {
		return time.UTC, "UTC"
	}
	loc, err := loadZone(h.c.zone)
	if err != nil {
		return time.UTC, "UTC"
	}
	return loc, h.c.zone
}

// dateTime writes an instant as a Graph dateTimeTimeZone in the output
// zone.
func (h *eventReader) dateTime(t time.Time) string {
	loc, name := h.outZone()
	var b []byte
	b = append(b, `{"dateTime":"`...)
	b = t.In(loc).AppendFormat(b, "2006-01-02T15:04:05.0000000")
	b = append(b, `","timeZone":`...)
	b = appendString(b, name)
	return string(append(b, '}'))
}

// allDayDate writes an all-day event's boundary: midnight of its day in
// the event's own zone, labelled with the output zone.
func (h *eventReader) allDayDate(t time.Time, zone string) string {
	loc, err := loadZone(zone)
	if err != nil || zone == "" {
		loc = time.UTC
	}
	_, name := h.outZone()
	day := t.In(loc)
	var b []byte
	b = append(b, `{"dateTime":"`...)
	b = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC).AppendFormat(b, "2006-01-02T15:04:05.0000000")
	b = append(b, `","timeZone":`...)
	b = appendString(b, name)
	return string(append(b, '}'))
}

func (h *eventReader) finish(out []byte) ([]byte, error) {
	for _, v := range []struct {
		name string
		t    time.Time
		ok   bool
		zone string
	}{{"start", h.start, h.hasStart, h.startZone}, {"end", h.end, h.hasEnd, h.endZone}} {
		if !v.ok {
			continue
		}
		out = member(out, v.name)
		if h.allDay {
			out = append(out, h.allDayDate(v.t, v.zone)...)
		} else {
			out = append(out, h.dateTime(v.t)...)
		}
	}
	if h.hasAttendees {
		out = member(out, "attendees")
		out = append(out, '[')
		out = append(out, h.attendees...)
		out = append(out, ']')
	}
	if h.response != "" {
		when := h.replyTime
		if when == "" {
			when = neverResponded
		}
		out = member(out, "responseStatus")
		out = append(out, `{"response":`...)
		out = appendString(out, h.response)
		out = append(out, `,"time":`...)
		out = appendString(out, when)
		out = append(out, '}')
	}
	if h.recurrence != nil {
		r := h.recurrence
		if h.startZone != "" {
			// The series recurs in its start's zone.
			i := bytes.LastIndexByte(r, '}')
			j := bytes.LastIndexByte(r[:i], '}')
			zone := append(append([]byte(`,"recurrenceTimeZone":`), appendString(nil, h.startZone)...), '}')
			r = append(append(append([]byte{}, r[:j]...), zone...), r[j+1:]...)
		}
		out = member(out, "recurrence")
		out = append(out, r...)
	}
	if len(h.deleted) > 0 && h.id != "" {
		loc, err := loadZone(h.startZone)
		if err != nil {
			loc = time.UTC
		}
		out = member(out, "cancelledOccurrences")
		out = append(out, '[')
		for i, d := range h.deleted {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendString(out, "OID."+restID(h.id)+"."+d.In(loc).Format("2006-01-02"))
		}
		out = append(out, ']')
	}
	if (h.typ == "occurrence" || h.typ == "exception") && h.uid != "" {
		if m := h.c.seriesMasters[h.uid]; m != "" {
			out = member(out, "seriesMasterId")
			out = appendString(out, m)
		}
	}
	return out, nil
}

// locationJSON is a Graph location as a request sends it.
type locationJSON struct {
	DisplayName          string         `json:"displayName"`
	LocationEmailAddress string         `json:"locationEmailAddress"`
	LocationURI          string         `json:"locationUri"`
	Address              map[string]any `json:"address"`
	Coordinates          map[string]any `json:"coordinates"`
}

// location reads a Graph location, refusing the parts EWS's Location (a
// display name) cannot hold.
func location(v jsontext.Value) (string, error) {
	var l locationJSON
	if err := json.Unmarshal(v, &l); err != nil {
		return "", fmt.Errorf("%w: location: %v", odata.ErrInvalidQuery, err)
	}
	for name, set := range map[string]bool{"address": nonEmpty(l.Address), "coordinates": nonEmpty(l.Coordinates),
		"locationEmailAddress": l.LocationEmailAddress != "", "locationUri": l.LocationURI != ""} {
		if set {
			return "", errNotSupported(fmt.Sprintf("a location's %s (EWS's Location is a display name; invite a room as a resource attendee)", name))
		}
	}
	return l.DisplayName, nil
}

func nonEmpty(m map[string]any) bool {
	for _, v := range m {
		switch v := v.(type) {
		case nil:
		case string:
			if v != "" {
				return true
			}
		case float64:
			if v != 0 {
				return true
			}
		default:
			return true
		}
	}
	return false
}

type attendeeJSON struct {
	Type         string `json:"type"`
	EmailAddress struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"emailAddress"`
}

// attendeeFragments writes attendees as the three lists EWS keeps; a list
// with nobody is left out (listed in empty, for updates to delete).
func attendeeFragments(v jsontext.Value) (frags []fragment, empty []string, err error) {
	var as []attendeeJSON
	if !isNullJSON(v) {
		if err := json.Unmarshal(v, &as); err != nil {
			return nil, nil, fmt.Errorf("%w: attendees: %v", odata.ErrInvalidQuery, err)
		}
	}
	for _, l := range attendeeLists {
		var w xmlWriter
		n := 0
		for _, a := range as {
			typ := strings.ToLower(a.Type)
			if typ == "" {
				typ = "required"
			}
			if typ != "required" && typ != "optional" && typ != "resource" {
				return nil, nil, fmt.Errorf("%w: attendee type %q", odata.ErrInvalidQuery, a.Type)
			}
			if typ != l.typ {
				continue
			}
			if n == 0 {
				w.open("t:" + l.elem)
			}
			n++
			w.open("t:Attendee")
			writeMailbox(&w, recipientJSON{EmailAddress: a.EmailAddress})
			w.close("t:Attendee")
		}
		if n == 0 {
			empty = append(empty, l.elem)
			continue
		}
		w.close("t:" + l.elem)
		frags = append(frags, fragment{elem: l.elem, xml: w.b})
	}
	return frags, empty, nil
}

// timeFragments writes a start or end as the time and its zone.
func timeFragments(p *odata.Prop, v jsontext.Value) ([]fragment, error) {
	var d dateTimeTZ
	if err := json.Unmarshal(v, &d); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
	}
	text, zone, err := wallClock(d, p.Graph)
	if err != nil {
		return nil, err
	}
	el, zel := "Start", "StartTimeZone"
	if p.Graph == "end" {
		el, zel = "End", "EndTimeZone"
	}
	var w, zw xmlWriter
	w.elem("t:"+el, text)
	zw.empty1("t:"+zel, "Id", zone)
	return []fragment{{elem: el, xml: w.b}, {elem: zel, xml: zw.b}}, nil
}

// eventFragment is the write hook of events.
func eventFragment(p *odata.Prop, v jsontext.Value) ([]fragment, bool, error) {
	switch p.Graph {
	case "start", "end":
		fs, err := timeFragments(p, v)
		return fs, true, err
	case "attendees":
		fs, _, err := attendeeFragments(v)
		return fs, true, err
	case "recurrence":
		var w xmlWriter
		if err := writeRecurrence(&w, v, ""); err != nil {
			return nil, true, err
		}
		return []fragment{{elem: "Recurrence", xml: w.b}}, true, nil
	case "location":
		name, err := location(v)
		if err != nil || name == "" {
			return nil, true, err
		}
		var w xmlWriter
		w.elem("t:Location", name)
		return []fragment{{elem: "Location", xml: w.b}}, true, nil
	case "locations":
		return nil, true, checkLocations(v)
	case "organizer":
		// The organizer is the mailbox that sends the invitations; Graph
		// too ignores one in a new event.
		return nil, true, nil
	}
	return nil, false, nil
}

// checkLocations accepts a locations list EWS's one Location can hold:
// one place, by display name.
func checkLocations(v jsontext.Value) error {
	var ls []jsontext.Value
	if err := json.Unmarshal(v, &ls); err != nil {
		return fmt.Errorf("%w: locations: %v", odata.ErrInvalidQuery, err)
	}
	if len(ls) > 1 {
		return errNotSupported("several locations (EWS's calendar items have one Location)")
	}
	for _, l := range ls {
		if _, err := location(l); err != nil {
			return err
		}
	}
	return nil
}

// setField writes a SetItemField (or SetFolderField) of a FieldURI.
func setField(uri, elem, set string, value []byte) []byte {
	var w xmlWriter
	w.open(set)
	(&field{URI: uri}).write(&w)
	w.open(elem)
	w.b = append(w.b, value...)
	w.close(elem)
	w.close(set)
	return w.b
}

// deleteField writes a DeleteItemField of a FieldURI.
func deleteField(uri, del string) []byte {
	var w xmlWriter
	w.open(del)
	(&field{URI: uri}).write(&w)
	w.close(del)
	return w.b
}

// eventChanges is the update hook of events.
func eventChanges(p *odata.Prop, v jsontext.Value, elem, set, del string) ([][]byte, bool, error) {
	switch p.Graph {
	case "start", "end":
		if isNullJSON(v) {
			return nil, true, fmt.Errorf("%w: an event's %s cannot be removed", odata.ErrInvalidQuery, p.Graph)
		}
		fs, err := timeFragments(p, v)
		if err != nil {
			return nil, true, err
		}
		var out [][]byte
		for _, f := range fs {
			out = append(out, setField("calendar:"+f.elem, elem, set, f.xml))
		}
		return out, true, nil
	case "attendees":
		fs, empty, err := attendeeFragments(v)
		if err != nil {
			return nil, true, err
		}
		var out [][]byte
		for _, f := range fs {
			out = append(out, setField("calendar:"+f.elem, elem, set, f.xml))
		}
		for _, e := range empty {
			out = append(out, deleteField("calendar:"+e, del))
		}
		return out, true, nil
	case "recurrence":
		if isNullJSON(v) {
			return [][]byte{deleteField("calendar:Recurrence", del)}, true, nil
		}
		var w xmlWriter
		if err := writeRecurrence(&w, v, ""); err != nil {
			return nil, true, err
		}
		return [][]byte{setField("calendar:Recurrence", elem, set, w.b)}, true, nil
	case "location":
		name := ""
		if !isNullJSON(v) {
			var err error
			if name, err = location(v); err != nil {
				return nil, true, err
			}
		}
		if name == "" {
			return [][]byte{deleteField("calendar:Location", del)}, true, nil
		}
		var w xmlWriter
		w.elem("t:Location", name)
		return [][]byte{setField("calendar:Location", elem, set, w.b)}, true, nil
	case "locations":
		if isNullJSON(v) {
			return nil, true, nil
		}
		return nil, true, checkLocations(v)
	case "organizer":
		return nil, true, errNotSupported("changing an event's organizer (Exchange keeps the mailbox that sent the invitations)")
	}
	return nil, false, nil
}
