package calendar

import "github.com/exchangekit/outlook/odata"

// Enum values carry the Graph spelling; package odata respells them for
// Outlook REST v2.0 from the enum types of the wire mappings (WireSchema).
// Each UnmarshalText maps a known value to its constant whatever its case
// and keeps any other value as sent, so a value a server adds later never
// fails a decode: give every switch on these types a default case.

// FreeBusyStatus is how an event shows in free/busy views (an event's
// showAs, a schedule item's status).
type FreeBusyStatus string

// Free/busy statuses.
const (
	FreeBusyUnknown          FreeBusyStatus = "unknown"
	FreeBusyFree             FreeBusyStatus = "free"
	FreeBusyTentative        FreeBusyStatus = "tentative"
	FreeBusyBusy             FreeBusyStatus = "busy"
	FreeBusyOOF              FreeBusyStatus = "oof"
	FreeBusyWorkingElsewhere FreeBusyStatus = "workingElsewhere"
)

// UnmarshalText decodes a free/busy status in any case, and keeps a value it
// does not know as sent.
func (s *FreeBusyStatus) UnmarshalText(b []byte) error {
	*s = odata.ParseEnum(b, FreeBusyUnknown, FreeBusyFree, FreeBusyTentative, FreeBusyBusy, FreeBusyOOF, FreeBusyWorkingElsewhere)
	return nil
}

// EventType says whether an event stands alone or belongs to a series.
type EventType string

// Event types. Lists of /events hold single instances and series masters;
// calendar views and instances hold occurrences and exceptions instead of
// masters.
const (
	EventSingleInstance EventType = "singleInstance"
	EventOccurrence     EventType = "occurrence"
	EventException      EventType = "exception"
	EventSeriesMaster   EventType = "seriesMaster"
)

// UnmarshalText decodes an event type in any case, and keeps a value it does
// not know as sent.
func (t *EventType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, EventSingleInstance, EventOccurrence, EventException, EventSeriesMaster)
	return nil
}

// ResponseType is an attendee's answer to a meeting request.
type ResponseType string

// Response types. ResponseOrganizer is the organizer's own status.
const (
	ResponseNone                ResponseType = "none"
	ResponseOrganizer           ResponseType = "organizer"
	ResponseTentativelyAccepted ResponseType = "tentativelyAccepted"
	ResponseAccepted            ResponseType = "accepted"
	ResponseDeclined            ResponseType = "declined"
	ResponseNotResponded        ResponseType = "notResponded"
)

// UnmarshalText decodes a response type in any case, and keeps a value it
// does not know as sent.
func (t *ResponseType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, ResponseNone, ResponseOrganizer, ResponseTentativelyAccepted, ResponseAccepted, ResponseDeclined, ResponseNotResponded)
	return nil
}

// AttendeeType is the role of an attendee.
type AttendeeType string

// Attendee types. Rooms and equipment are AttendeeResource.
const (
	AttendeeRequired AttendeeType = "required"
	AttendeeOptional AttendeeType = "optional"
	AttendeeResource AttendeeType = "resource"
)

// UnmarshalText decodes an attendee type in any case, and keeps a value it
// does not know as sent.
func (t *AttendeeType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, AttendeeRequired, AttendeeOptional, AttendeeResource)
	return nil
}

// PatternType is how a recurrence repeats.
type PatternType string

// Recurrence pattern types; [PatternedRecurrence.Validate] checks the fields
// each needs.
const (
	PatternDaily           PatternType = "daily"
	PatternWeekly          PatternType = "weekly"
	PatternAbsoluteMonthly PatternType = "absoluteMonthly"
	PatternRelativeMonthly PatternType = "relativeMonthly"
	PatternAbsoluteYearly  PatternType = "absoluteYearly"
	PatternRelativeYearly  PatternType = "relativeYearly"
)

// UnmarshalText decodes a pattern type in any case, and keeps a value it
// does not know as sent.
func (t *PatternType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, PatternDaily, PatternWeekly, PatternAbsoluteMonthly, PatternRelativeMonthly, PatternAbsoluteYearly, PatternRelativeYearly)
	return nil
}

// RangeType is how a recurrence ends.
type RangeType string

// Recurrence range types.
const (
	RangeEndDate  RangeType = "endDate"
	RangeNoEnd    RangeType = "noEnd"
	RangeNumbered RangeType = "numbered"
)

// UnmarshalText decodes a range type in any case, and keeps a value it does
// not know as sent.
func (t *RangeType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, RangeEndDate, RangeNoEnd, RangeNumbered)
	return nil
}

// DayOfWeek is a day in recurrence patterns and working hours.
type DayOfWeek string

// Days of the week.
const (
	Sunday    DayOfWeek = "sunday"
	Monday    DayOfWeek = "monday"
	Tuesday   DayOfWeek = "tuesday"
	Wednesday DayOfWeek = "wednesday"
	Thursday  DayOfWeek = "thursday"
	Friday    DayOfWeek = "friday"
	Saturday  DayOfWeek = "saturday"
)

// UnmarshalText decodes a day in any case, and keeps a value it does not
// know as sent.
func (d *DayOfWeek) UnmarshalText(b []byte) error {
	*d = odata.ParseEnum(b, Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday)
	return nil
}

// WeekIndex picks the week of the month in relative patterns.
type WeekIndex string

// Week indexes; the service's default is WeekFirst.
const (
	WeekFirst  WeekIndex = "first"
	WeekSecond WeekIndex = "second"
	WeekThird  WeekIndex = "third"
	WeekFourth WeekIndex = "fourth"
	WeekLast   WeekIndex = "last"
)

// UnmarshalText decodes a week index in any case, and keeps a value it does
// not know as sent.
func (w *WeekIndex) UnmarshalText(b []byte) error {
	*w = odata.ParseEnum(b, WeekFirst, WeekSecond, WeekThird, WeekFourth, WeekLast)
	return nil
}

// Color is the color Outlook shows a calendar in.
type Color string

// Calendar colors. ColorAuto lets the client choose.
const (
	ColorAuto        Color = "auto"
	ColorLightBlue   Color = "lightBlue"
	ColorLightGreen  Color = "lightGreen"
	ColorLightOrange Color = "lightOrange"
	ColorLightGray   Color = "lightGray"
	ColorLightYellow Color = "lightYellow"
	ColorLightTeal   Color = "lightTeal"
	ColorLightPink   Color = "lightPink"
	ColorLightBrown  Color = "lightBrown"
	ColorLightRed    Color = "lightRed"
	ColorMaxColor    Color = "maxColor"
)

// UnmarshalText decodes a color in any case, and keeps a value it does not
// know as sent.
func (c *Color) UnmarshalText(b []byte) error {
	*c = odata.ParseEnum(b, ColorAuto, ColorLightBlue, ColorLightGreen, ColorLightOrange, ColorLightGray,
		ColorLightYellow, ColorLightTeal, ColorLightPink, ColorLightBrown, ColorLightRed, ColorMaxColor)
	return nil
}

// OnlineMeetingProvider is the service hosting an event's online meeting
// (Graph only).
type OnlineMeetingProvider string

// Online meeting providers.
const (
	OnlineMeetingUnknown          OnlineMeetingProvider = "unknown"
	OnlineMeetingTeamsForBusiness OnlineMeetingProvider = "teamsForBusiness"
	OnlineMeetingSkypeForBusiness OnlineMeetingProvider = "skypeForBusiness"
	OnlineMeetingSkypeForConsumer OnlineMeetingProvider = "skypeForConsumer"
)

// UnmarshalText decodes a provider in any case, and keeps a value it does
// not know as sent.
func (p *OnlineMeetingProvider) UnmarshalText(b []byte) error {
	*p = odata.ParseEnum(b, OnlineMeetingUnknown, OnlineMeetingTeamsForBusiness, OnlineMeetingSkypeForBusiness, OnlineMeetingSkypeForConsumer)
	return nil
}
