package calendar

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Event is a calendar item: a single appointment or meeting, a series
// master (with Recurrence), or an occurrence or exception of a series
// (see Type). Fields the server did not return (left out by a $select)
// stay zero.
//
// The same type serves reads and creates: read-only fields are set by the
// server and ignored in create bodies; to change an existing event use
// [EventUpdate], which sends only the properties it sets.
type Event struct {
	item.OutlookItem

	Subject string        `json:"subject,omitzero"`
	Body    item.ItemBody `json:"body,omitzero"`
	// BodyPreview is the first 255 characters of the body as text (read-only).
	BodyPreview string `json:"bodyPreview,omitzero"`

	// Start and End are wall clocks in a zone. Responses give them in UTC
	// unless the request asked for a zone (odata.Prefer.TimeZone). All-day
	// events start and end at midnight of the same zone.
	Start    item.DateTimeTimeZone `json:"start,omitzero"`
	End      item.DateTimeTimeZone `json:"end,omitzero"`
	IsAllDay bool                  `json:"isAllDay,omitzero"`
	// OriginalStartTimeZone and OriginalEndTimeZone are the zones the event
	// was created in (read-only); "tzone://Microsoft/Custom" is a legacy
	// custom zone.
	OriginalStartTimeZone string `json:"originalStartTimeZone,omitzero"`
	OriginalEndTimeZone   string `json:"originalEndTimeZone,omitzero"`
	// OriginalStart is the start an occurrence or exception had in its
	// series (read-only, Graph only).
	OriginalStart time.Time `json:"originalStart,omitzero"`

	Location item.Location `json:"location,omitzero"`
	// Locations are every place of the event, kept in sync with Location by
	// the server (Graph only).
	Locations []item.Location `json:"locations,omitzero"`

	// Attendees get invitations when the event is created or updated.
	// Exchange Online accepts at most MaxAttendees.
	Attendees []Attendee `json:"attendees,omitzero"`
	// Organizer is the mailbox that sent the invitations (read-only on
	// Graph).
	Organizer item.Recipient `json:"organizer,omitzero"`
	// IsOrganizer is true also for events a delegate organized (read-only).
	IsOrganizer bool `json:"isOrganizer,omitzero"`
	// ResponseRequested asks attendees to respond; nil leaves the service's
	// default (true).
	ResponseRequested *bool `json:"responseRequested,omitzero"`
	// ResponseStatus is the mailbox owner's own response (read-only).
	ResponseStatus ResponseStatus `json:"responseStatus,omitzero"`
	// AllowNewTimeProposals lets attendees propose another time; nil leaves
	// the service's default (true). Graph only, set on create.
	AllowNewTimeProposals *bool `json:"allowNewTimeProposals,omitzero"`
	// HideAttendees hides the attendee list from attendees (Graph only).
	HideAttendees bool `json:"hideAttendees,omitzero"`

	Importance  item.Importance  `json:"importance,omitzero"`
	Sensitivity item.Sensitivity `json:"sensitivity,omitzero"`
	ShowAs      FreeBusyStatus   `json:"showAs,omitzero"`

	// Type says whether the event is single, a series master, an occurrence
	// or an exception (read-only).
	Type EventType `json:"type,omitzero"`
	// SeriesMasterID is the master of an occurrence or exception (read-only).
	SeriesMasterID string `json:"seriesMasterId,omitzero"`
	// Recurrence is set on series masters only; nil elsewhere.
	Recurrence *PatternedRecurrence `json:"recurrence,omitzero"`

	// IsReminderOn nil leaves the service's default (on). Some v2.0 servers
	// send it as a string ("true"); it decodes either way.
	IsReminderOn *bool `json:"isReminderOn,omitzero"`
	// ReminderMinutesBeforeStart nil leaves the service's default (15);
	// 0 reminds at the start. Some v2.0 servers send it as a string ("15");
	// it decodes either way. See [Event.ReminderBefore].
	ReminderMinutesBeforeStart *int `json:"reminderMinutesBeforeStart,omitzero"`

	// IsCancelled is set by the service when the organizer cancelled the
	// meeting (read-only).
	IsCancelled bool `json:"isCancelled,omitzero"`
	// IsDraft marks meeting changes not yet sent to attendees (read-only,
	// Graph only).
	IsDraft bool `json:"isDraft,omitzero"`
	// HasAttachments is read-only.
	HasAttachments bool `json:"hasAttachments,omitzero"`
	// ICalUID is the iCalendar UID, the same in every attendee's calendar
	// and different per occurrence (read-only).
	ICalUID string `json:"iCalUId,omitzero"`
	// WebLink opens the event in Outlook on the web (read-only).
	WebLink string `json:"webLink,omitzero"`

	// IsOnlineMeeting makes the event an online meeting; once true it
	// cannot be turned off (Graph only).
	IsOnlineMeeting bool `json:"isOnlineMeeting,omitzero"`
	// OnlineMeetingProvider is fixed once set (Graph only).
	OnlineMeetingProvider OnlineMeetingProvider `json:"onlineMeetingProvider,omitzero"`
	// OnlineMeeting is how to join, filled by the service (read-only, Graph
	// only).
	OnlineMeeting *OnlineMeetingInfo `json:"onlineMeeting,omitzero"`
	// OnlineMeetingURL is the legacy join URL (read-only); prefer
	// OnlineMeeting.JoinURL.
	OnlineMeetingURL string `json:"onlineMeetingUrl,omitzero"`
	// TransactionID is a client key that makes a create safe to retry: the
	// service keeps one event per key (Graph only).
	TransactionID string `json:"transactionId,omitzero"`
	// CancelledOccurrences lists the ids of cancelled occurrences of a
	// series master (read-only, Graph only).
	CancelledOccurrences []string `json:"cancelledOccurrences,omitzero"`

	// Attachments are returned with $expand=attachments only.
	Attachments []Attachment `json:"attachments,omitzero"`

	// Extra holds the properties this type does not know (events are an
	// open type), with Graph names: extended properties, extensions,
	// annotations.
	Extra map[string]json.RawMessage `json:",embed"`
}

// MaxAttendees is the most attendees Exchange Online accepts on one event.
const MaxAttendees = 500

// ReminderBefore returns how long before the start the reminder fires, and
// whether the event says (a nil ReminderMinutesBeforeStart does not).
func (e *Event) ReminderBefore() (time.Duration, bool) {
	if e.ReminderMinutesBeforeStart == nil {
		return 0, false
	}
	return time.Duration(*e.ReminderMinutesBeforeStart) * time.Minute, true
}

// plainEvent has Event's fields without its methods.
type plainEvent Event

// decodeOptions match package odata's: the server's bodies may repeat a
// name or carry invalid UTF-8 in free text, and neither should fail a
// decode.
var decodeOptions = jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// UnmarshalJSON decodes an event, accepting the reminder fields as strings
// too, as some Outlook REST v2.0 servers send them.
func (e *Event) UnmarshalJSON(b []byte) error {
	w := struct {
		*plainEvent
		IsReminderOn               *lenientBool `json:"isReminderOn,omitzero"`
		ReminderMinutesBeforeStart *lenientInt  `json:"reminderMinutesBeforeStart,omitzero"`
	}{plainEvent: (*plainEvent)(e)}
	if err := jsonv2.Unmarshal(b, &w, decodeOptions); err != nil {
		return err
	}
	if w.IsReminderOn != nil {
		e.IsReminderOn = new(bool(*w.IsReminderOn))
	}
	if w.ReminderMinutesBeforeStart != nil {
		e.ReminderMinutesBeforeStart = new(int(*w.ReminderMinutesBeforeStart))
	}
	return nil
}

// lenientBool reads true, false, "true" or "false" (any case).
type lenientBool bool

func (b *lenientBool) UnmarshalJSON(data []byte) error {
	s := string(data)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	switch strings.ToLower(s) {
	case "true":
		*b = true
	case "false":
		*b = false
	default:
		return fmt.Errorf("calendar: invalid boolean %s", data)
	}
	return nil
}

// lenientInt reads a 32-bit integer, bare or quoted ("15").
type lenientInt int

func (n *lenientInt) UnmarshalJSON(data []byte) error {
	s := string(data)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return fmt.Errorf("calendar: invalid integer %s", data)
	}
	*n = lenientInt(v)
	return nil
}

// Attendee is a person, room or piece of equipment invited to an event.
type Attendee struct {
	EmailAddress item.EmailAddress `json:"emailAddress,omitzero"`
	Type         AttendeeType      `json:"type,omitzero"`
	// Status is the attendee's response, as the organizer's copy tallies
	// it (read-only).
	Status ResponseStatus `json:"status,omitzero"`
	// ProposedNewTime is the time the attendee proposed instead (read-only,
	// Graph only).
	ProposedNewTime *item.TimeSlot `json:"proposedNewTime,omitzero"`
}

// Attendees returns required attendees for the addresses, each as
// item.ParseAddress reads it ("ana@example.org" or "Ana Ruiz
// <ana@example.org>"), for an event literal. An address that does not
// parse is kept as given, and the operation that sends the event refuses
// it before any request.
func Attendees(addrs ...string) []Attendee {
	if len(addrs) == 0 {
		return nil
	}
	as := make([]Attendee, len(addrs))
	for i, s := range addrs {
		a, err := item.ParseAddress(s)
		if err != nil {
			a = item.EmailAddress{Address: s}
		}
		as[i] = Attendee{EmailAddress: a, Type: AttendeeRequired}
	}
	return as
}

// ResponseStatus is a response to a meeting request and when it was given
// (the zero time when never).
type ResponseStatus struct {
	Response ResponseType `json:"response,omitzero"`
	Time     time.Time    `json:"time,omitzero"`
}

// PatternedRecurrence is how a series repeats (Pattern) and for how long
// (Range). Send only the fields the pattern type uses: the service refuses
// others ([PatternedRecurrence.Validate] says which).
type PatternedRecurrence struct {
	Pattern RecurrencePattern `json:"pattern"`
	Range   RecurrenceRange   `json:"range"`

	// Extra holds properties this type does not know, with Graph names:
	// some v2.0 servers put recurrenceTimeZone here rather than in Range.
	Extra map[string]json.RawMessage `json:",embed"`
}

// RecurrencePattern is the repeating rule of a series.
type RecurrencePattern struct {
	Type PatternType `json:"type"`
	// Interval is the number of days, weeks, months or years between
	// occurrences; at least 1.
	Interval int `json:"interval"`
	// DaysOfWeek is for weekly and relative patterns.
	DaysOfWeek []DayOfWeek `json:"daysOfWeek,omitzero"`
	// FirstDayOfWeek is for weekly patterns (service default Sunday).
	FirstDayOfWeek DayOfWeek `json:"firstDayOfWeek,omitzero"`
	// Index is for relative patterns (service default WeekFirst).
	Index WeekIndex `json:"index,omitzero"`
	// DayOfMonth is for absolute patterns, 1-31.
	DayOfMonth int `json:"dayOfMonth,omitzero"`
	// Month is for yearly patterns, 1-12.
	Month int `json:"month,omitzero"`
}

// RecurrenceRange is how long a series lasts.
type RecurrenceRange struct {
	Type RangeType `json:"type"`
	// StartDate must be the date of the series master's start.
	StartDate Date `json:"startDate"`
	// EndDate is inclusive, for RangeEndDate.
	EndDate Date `json:"endDate,omitzero"`
	// NumberOfOccurrences is for RangeNumbered, at least 1.
	NumberOfOccurrences int `json:"numberOfOccurrences,omitzero"`
	// RecurrenceTimeZone defaults to the zone of the event's start.
	RecurrenceTimeZone string `json:"recurrenceTimeZone,omitzero"`
}

// OnlineMeetingInfo is how to join an online meeting (Graph only).
type OnlineMeetingInfo struct {
	JoinURL         string   `json:"joinUrl,omitzero"`
	ConferenceID    string   `json:"conferenceId,omitzero"`
	TollNumber      string   `json:"tollNumber,omitzero"`
	TollFreeNumbers []string `json:"tollFreeNumbers,omitzero"`
	QuickDial       string   `json:"quickDial,omitzero"`
	Phones          []Phone  `json:"phones,omitzero"`
}

// Phone is a dial-in number of an online meeting.
type Phone struct {
	Number   string `json:"number,omitzero"`
	Type     string `json:"type,omitzero"`
	Region   string `json:"region,omitzero"`
	Language string `json:"language,omitzero"`
}

// EventUpdate changes an event: only the fields set are sent, and a field
// set to odata.Null is cleared:
//
//	u := calendar.EventUpdate{
//		Subject:    odata.Set("Stand-up (moved)"),
//		Recurrence: odata.Null[calendar.PatternedRecurrence](), // back to a single event
//	}
//
// Changing attendees notifies only the attendees added or removed. Fields
// marked Graph only fail with odata.ErrNotSupported on Outlook REST v2.0.
type EventUpdate struct {
	Subject                    odata.Optional[string]                `json:"subject,omitzero"`
	Body                       odata.Optional[item.ItemBody]         `json:"body,omitzero"`
	Categories                 odata.Optional[[]string]              `json:"categories,omitzero"`
	Start                      odata.Optional[item.DateTimeTimeZone] `json:"start,omitzero"`
	End                        odata.Optional[item.DateTimeTimeZone] `json:"end,omitzero"`
	IsAllDay                   odata.Optional[bool]                  `json:"isAllDay,omitzero"`
	Location                   odata.Optional[item.Location]         `json:"location,omitzero"`
	Attendees                  odata.Optional[[]Attendee]            `json:"attendees,omitzero"`
	ResponseRequested          odata.Optional[bool]                  `json:"responseRequested,omitzero"`
	Importance                 odata.Optional[item.Importance]       `json:"importance,omitzero"`
	Sensitivity                odata.Optional[item.Sensitivity]      `json:"sensitivity,omitzero"`
	ShowAs                     odata.Optional[FreeBusyStatus]        `json:"showAs,omitzero"`
	Recurrence                 odata.Optional[PatternedRecurrence]   `json:"recurrence,omitzero"`
	IsReminderOn               odata.Optional[bool]                  `json:"isReminderOn,omitzero"`
	ReminderMinutesBeforeStart odata.Optional[int]                   `json:"reminderMinutesBeforeStart,omitzero"`

	// Graph only.
	Locations             odata.Optional[[]item.Location]       `json:"locations,omitzero"`
	HideAttendees         odata.Optional[bool]                  `json:"hideAttendees,omitzero"`
	IsOnlineMeeting       odata.Optional[bool]                  `json:"isOnlineMeeting,omitzero"`
	OnlineMeetingProvider odata.Optional[OnlineMeetingProvider] `json:"onlineMeetingProvider,omitzero"`

	// ETag makes the update conditional: it fails with
	// odata.ErrPreconditionFailed if the event changed since it was read
	// (pass the event's ETag).
	ETag string `json:"-"`
}

// Calendar is a folder of events.
type Calendar struct {
	ID        string `json:"id,omitzero"`
	ETag      string `json:"@odata.etag,omitzero"`
	Name      string `json:"name,omitzero"`
	ChangeKey string `json:"changeKey,omitzero"`
	Color     Color  `json:"color,omitzero"`
	// HexColor is "#rrggbb", empty if never set (read-only, Graph only).
	HexColor string `json:"hexColor,omitzero"`
	// The rest is read-only and Graph only: the caller's rights on the
	// calendar and its owner (the sharer, for a shared calendar).
	IsDefaultCalendar             bool                    `json:"isDefaultCalendar,omitzero"`
	CanEdit                       bool                    `json:"canEdit,omitzero"`
	CanShare                      bool                    `json:"canShare,omitzero"`
	CanViewPrivateItems           bool                    `json:"canViewPrivateItems,omitzero"`
	IsRemovable                   bool                    `json:"isRemovable,omitzero"`
	IsTallyingResponses           bool                    `json:"isTallyingResponses,omitzero"`
	Owner                         item.EmailAddress       `json:"owner,omitzero"`
	AllowedOnlineMeetingProviders []OnlineMeetingProvider `json:"allowedOnlineMeetingProviders,omitzero"`
	DefaultOnlineMeetingProvider  OnlineMeetingProvider   `json:"defaultOnlineMeetingProvider,omitzero"`

	// Extra holds properties this type does not know, with Graph names.
	Extra map[string]json.RawMessage `json:",embed"`
}

// CalendarUpdate changes a calendar: only the fields set are sent.
type CalendarUpdate struct {
	Name  odata.Optional[string] `json:"name,omitzero"`
	Color odata.Optional[Color]  `json:"color,omitzero"`
	// ETag makes the update conditional, as EventUpdate.ETag does.
	ETag string `json:"-"`
}

// CalendarGroup groups calendars in Outlook's folder pane. Consumer
// mailboxes have only the default group.
type CalendarGroup struct {
	ID        string `json:"id,omitzero"`
	ETag      string `json:"@odata.etag,omitzero"`
	Name      string `json:"name,omitzero"`
	ChangeKey string `json:"changeKey,omitzero"`
	// ClassID is a GUID identifying the group (read-only).
	ClassID string `json:"classId,omitzero"`

	// Extra holds properties this type does not know, with Graph names.
	Extra map[string]json.RawMessage `json:",embed"`
}

// AttachmentKind is the type of an attachment.
type AttachmentKind string

// Attachment kinds, as Graph names the types.
const (
	FileAttachment      AttachmentKind = "fileAttachment"
	ItemAttachment      AttachmentKind = "itemAttachment"
	ReferenceAttachment AttachmentKind = "referenceAttachment"
)

const graphTypePrefix = "#microsoft.graph."

// MarshalText writes the kind as an @odata.type value.
func (k AttachmentKind) MarshalText() ([]byte, error) {
	if k == "" || strings.HasPrefix(string(k), "#") {
		return []byte(k), nil
	}
	return []byte(graphTypePrefix + string(k)), nil
}

// UnmarshalText reads an @odata.type value of either dialect.
func (k *AttachmentKind) UnmarshalText(b []byte) error {
	s := string(b)
	for _, p := range []string{graphTypePrefix, "#Microsoft.OutlookServices.", "microsoft.graph.", "Microsoft.OutlookServices."} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			s = s[len(p):]
			if s[0] >= 'A' && s[0] <= 'Z' {
				s = string(s[0]+'a'-'A') + s[1:]
			}
			break
		}
	}
	*k = AttachmentKind(s)
	return nil
}

// Attachment is a file, an Outlook item or a reference attached to an
// event. Attachments cannot be changed: delete and add again.
type Attachment struct {
	// Kind is required when adding; AddAttachment defaults it to FileAttachment.
	Kind        AttachmentKind `json:"@odata.type,omitzero"`
	ID          string         `json:"id,omitzero"`
	Name        string         `json:"name,omitzero"`
	ContentType string         `json:"contentType,omitzero"`
	// Size is in bytes (read-only).
	Size                 int64     `json:"size,omitzero"`
	IsInline             bool      `json:"isInline,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
	// ContentBytes is the file (FileAttachment); base64 on the wire.
	ContentBytes []byte `json:"contentBytes,omitzero"`
	ContentID    string `json:"contentId,omitzero"`
	// Item is the attached item (ItemAttachment), returned with $expand only.
	Item json.RawMessage `json:"item,omitzero"`

	// Extra holds properties this type does not know, with Graph names.
	Extra map[string]json.RawMessage `json:",embed"`
}

// ScheduleInformation is the free/busy of one mailbox or room over the
// span GetSchedule asked for.
type ScheduleInformation struct {
	// ScheduleID is the SMTP address asked for.
	ScheduleID string `json:"scheduleId,omitzero"`
	// AvailabilityView has one digit per interval: 0 free, 1 tentative,
	// 2 busy, 3 out of office, 4 working elsewhere. Over EWS (an
	// on-premises mailbox) 4 means "no data" instead: EWS's merged
	// free/busy has no digit for working elsewhere, and the SDK passes
	// the digits through as the server sends them.
	AvailabilityView string                     `json:"availabilityView,omitzero"`
	ScheduleItems    []ScheduleItem             `json:"scheduleItems,omitzero"`
	WorkingHours     *WorkingHours              `json:"workingHours,omitzero"`
	Error            *FreeBusyError             `json:"error,omitzero"`
	Extra            map[string]json.RawMessage `json:",embed"`
}

// ScheduleItem is one busy span of a schedule.
type ScheduleItem struct {
	Start     item.DateTimeTimeZone `json:"start,omitzero"`
	End       item.DateTimeTimeZone `json:"end,omitzero"`
	Status    FreeBusyStatus        `json:"status,omitzero"`
	IsPrivate bool                  `json:"isPrivate,omitzero"`
	// Subject and Location are set only when the caller may see details.
	Subject  string `json:"subject,omitzero"`
	Location string `json:"location,omitzero"`
}

// WorkingHours are the days and hours a mailbox owner works. StartTime and
// EndTime are times of day such as "08:00:00.0000000" in TimeZone.
type WorkingHours struct {
	DaysOfWeek []DayOfWeek `json:"daysOfWeek,omitzero"`
	StartTime  string      `json:"startTime,omitzero"`
	EndTime    string      `json:"endTime,omitzero"`
	// TimeZone is the zone as sent (Graph timeZoneBase: {"name": ...}, or a
	// customTimeZone with its offsets), in Graph form.
	TimeZone json.RawMessage `json:"timeZone,omitzero"`
}

// FreeBusyError is why the schedule of one mailbox could not be read.
type FreeBusyError struct {
	Message      string `json:"message,omitzero"`
	ResponseCode string `json:"responseCode,omitzero"`
}
