package calendar

import (
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// The wire mapping of the calendar models: each property's name in
// Microsoft Graph, Outlook REST v2.0 and EWS (its FieldURI), read by
// package odata's v2.0 translation and by the EWS backend. Event
// properties are listed in the order of EWS's ItemType, then
// CalendarItemType, as EWS wants the elements of a written item;
// properties EWS lacks follow, each with what EWS has instead, if
// anything.

// Enum types.
var (
	// EWS's LegacyFreeBusyType.
	freeBusyEnum = &odata.EnumType{Name: "freeBusyStatus",
		Values: []string{string(FreeBusyUnknown), string(FreeBusyFree), string(FreeBusyTentative), string(FreeBusyBusy),
			string(FreeBusyOOF), string(FreeBusyWorkingElsewhere)},
		EWS: map[string]string{string(FreeBusyUnknown): "NoData", string(FreeBusyOOF): "OOF"}}
	// EWS's CalendarItemType.
	eventTypeEnum = &odata.EnumType{Name: "eventType",
		Values: []string{string(EventSingleInstance), string(EventOccurrence), string(EventException), string(EventSeriesMaster)},
		EWS:    map[string]string{string(EventSingleInstance): "Single", string(EventSeriesMaster): "RecurringMaster"}}
	// EWS's ResponseTypeType.
	responseTypeEnum = &odata.EnumType{Name: "responseType",
		Values: []string{string(ResponseNone), string(ResponseOrganizer), string(ResponseTentativelyAccepted),
			string(ResponseAccepted), string(ResponseDeclined), string(ResponseNotResponded)},
		EWS: map[string]string{string(ResponseNone): "Unknown", string(ResponseTentativelyAccepted): "Tentative",
			string(ResponseAccepted): "Accept", string(ResponseDeclined): "Decline", string(ResponseNotResponded): "NoResponseReceived"}}
	// EWS files attendees in three lists (calendar:RequiredAttendees,
	// calendar:OptionalAttendees, calendar:Resources) rather than typing
	// them.
	attendeeTypeEnum = &odata.EnumType{Name: "attendeeType",
		Values: []string{string(AttendeeRequired), string(AttendeeOptional), string(AttendeeResource)},
		EWS:    noEWS(AttendeeRequired, AttendeeOptional, AttendeeResource)}
	// EWS names the pattern and range by their elements.
	patternTypeEnum = &odata.EnumType{Name: "recurrencePatternType",
		Values: []string{string(PatternDaily), string(PatternWeekly), string(PatternAbsoluteMonthly),
			string(PatternRelativeMonthly), string(PatternAbsoluteYearly), string(PatternRelativeYearly)},
		EWS: map[string]string{string(PatternDaily): "DailyRecurrence", string(PatternWeekly): "WeeklyRecurrence",
			string(PatternAbsoluteMonthly): "AbsoluteMonthlyRecurrence", string(PatternRelativeMonthly): "RelativeMonthlyRecurrence",
			string(PatternAbsoluteYearly): "AbsoluteYearlyRecurrence", string(PatternRelativeYearly): "RelativeYearlyRecurrence"}}
	rangeTypeEnum = &odata.EnumType{Name: "recurrenceRangeType",
		Values: []string{string(RangeEndDate), string(RangeNoEnd), string(RangeNumbered)},
		EWS: map[string]string{string(RangeEndDate): "EndDateRecurrence", string(RangeNoEnd): "NoEndRecurrence",
			string(RangeNumbered): "NumberedRecurrence"}}
	dayOfWeekEnum = &odata.EnumType{Name: "dayOfWeek",
		Values: []string{string(Sunday), string(Monday), string(Tuesday), string(Wednesday), string(Thursday),
			string(Friday), string(Saturday)}}
	// EWS's DayOfWeekIndex.
	weekIndexEnum = &odata.EnumType{Name: "weekIndex",
		Values: []string{string(WeekFirst), string(WeekSecond), string(WeekThird), string(WeekFourth), string(WeekLast)}}
	// EWS has no calendar colors nor online meeting providers.
	colorEnum = &odata.EnumType{Name: "calendarColor",
		Values: []string{string(ColorAuto), string(ColorLightBlue), string(ColorLightGreen), string(ColorLightOrange),
			string(ColorLightGray), string(ColorLightYellow), string(ColorLightTeal), string(ColorLightPink),
			string(ColorLightBrown), string(ColorLightRed), string(ColorMaxColor)},
		EWS: noEWS(ColorAuto, ColorLightBlue, ColorLightGreen, ColorLightOrange, ColorLightGray, ColorLightYellow,
			ColorLightTeal, ColorLightPink, ColorLightBrown, ColorLightRed, ColorMaxColor)}
	onlineMeetingProviderEnum = &odata.EnumType{Name: "onlineMeetingProviderType",
		Values: []string{string(OnlineMeetingUnknown), string(OnlineMeetingSkypeForBusiness),
			string(OnlineMeetingSkypeForConsumer), string(OnlineMeetingTeamsForBusiness)},
		EWS: noEWS(OnlineMeetingUnknown, OnlineMeetingSkypeForBusiness, OnlineMeetingSkypeForConsumer, OnlineMeetingTeamsForBusiness)}
	importanceEnum  = item.Importance("").WireEnum()
	sensitivityEnum = item.Sensitivity("").WireEnum()
)

// noEWS lists enum members EWS has no equivalent of, for EnumType.EWS.
func noEWS[E ~string](members ...E) map[string]string {
	m := make(map[string]string, len(members))
	for _, v := range members {
		m[string(v)] = ""
	}
	return m
}

var (
	recipientSchema    = item.Recipient{}.WireSchema()
	emailAddressSchema = item.EmailAddress{}.WireSchema()
	dateTimeSchema     = item.DateTimeTimeZone{}.WireSchema()
	locationSchema     = item.Location{}.WireSchema()
	timeSlotSchema     = item.TimeSlot{}.WireSchema()
)

// Complex types of events.
var (
	responseStatusSchema = &odata.Schema{Name: "responseStatus", Props: []odata.Prop{
		{Graph: "response", Kind: odata.KindEnum, Enum: responseTypeEnum},
		{Graph: "time", Kind: odata.KindTime},
	}}
	attendeeSchema = &odata.Schema{Name: "attendee", Props: []odata.Prop{
		{Graph: "emailAddress", Kind: odata.KindObject, Elem: emailAddressSchema},
		{Graph: "type", Kind: odata.KindEnum, Enum: attendeeTypeEnum},
		{Graph: "status", Kind: odata.KindObject, Elem: responseStatusSchema, ReadOnly: true},
		{Graph: "proposedNewTime", Kind: odata.KindObject, Elem: timeSlotSchema, ReadOnly: true},
	}}
	recurrencePatternSchema = &odata.Schema{Name: "recurrencePattern", Props: []odata.Prop{
		{Graph: "type", Kind: odata.KindEnum, Enum: patternTypeEnum},
		{Graph: "interval", Kind: odata.KindInt},
		{Graph: "daysOfWeek", Collection: true, Kind: odata.KindEnum, Enum: dayOfWeekEnum},
		{Graph: "firstDayOfWeek", Kind: odata.KindEnum, Enum: dayOfWeekEnum},
		{Graph: "index", Kind: odata.KindEnum, Enum: weekIndexEnum},
		{Graph: "dayOfMonth", Kind: odata.KindInt},
		{Graph: "month", Kind: odata.KindInt},
	}}
	recurrenceRangeSchema = &odata.Schema{Name: "recurrenceRange", Props: []odata.Prop{
		{Graph: "type", Kind: odata.KindEnum, Enum: rangeTypeEnum},
		{Graph: "startDate", Kind: odata.KindDate},
		{Graph: "endDate", Kind: odata.KindDate},
		{Graph: "numberOfOccurrences", Kind: odata.KindInt},
		{Graph: "recurrenceTimeZone"},
	}}
	patternedRecurrenceSchema = &odata.Schema{Name: "patternedRecurrence", Props: []odata.Prop{
		{Graph: "pattern", Kind: odata.KindObject, Elem: recurrencePatternSchema},
		{Graph: "range", Kind: odata.KindObject, Elem: recurrenceRangeSchema},
	}}
	phoneSchema = &odata.Schema{Name: "phone", Props: []odata.Prop{
		{Graph: "number"},
		// A phoneType, which the models keep as a string.
		{Graph: "type"},
		{Graph: "region"},
		{Graph: "language"},
	}}
	onlineMeetingInfoSchema = &odata.Schema{Name: "onlineMeetingInfo", Props: []odata.Prop{
		{Graph: "joinUrl"},
		{Graph: "conferenceId"},
		{Graph: "tollNumber"},
		{Graph: "tollFreeNumbers", Collection: true},
		{Graph: "quickDial"},
		{Graph: "phones", Collection: true, Kind: odata.KindObject, Elem: phoneSchema},
	}}
)

// eventSchema maps Event. Its attachments hold events again, so the two are
// wired in init.
var eventSchema = &odata.Schema{Name: "event", Props: []odata.Prop{
	item.OutlookItemProp("id"),
	item.OutlookItemProp("@odata.etag"),
	item.OutlookItemProp("changeKey"),
	{Graph: "subject", EWS: "item:Subject"},
	{Graph: "sensitivity", Kind: odata.KindEnum, Enum: sensitivityEnum, EWS: "item:Sensitivity"},
	{Graph: "body", Kind: odata.KindObject, Elem: item.ItemBody{}.WireSchema(), EWS: "item:Body"},
	{Graph: "attachments", Collection: true, Kind: odata.KindObject, EWS: "item:Attachments"}, // Elem: attachmentSchema, in init
	item.OutlookItemProp("categories"),
	{Graph: "importance", Kind: odata.KindEnum, Enum: importanceEnum, EWS: "item:Importance"},
	{Graph: "isDraft", Kind: odata.KindBool, EWS: "item:IsDraft", ReadOnly: true},
	item.OutlookItemProp("createdDateTime"),
	{Graph: "isReminderOn", Kind: odata.KindBool, EWS: "item:ReminderIsSet"},
	{Graph: "reminderMinutesBeforeStart", Kind: odata.KindInt, EWS: "item:ReminderMinutesBeforeStart"},
	{Graph: "hasAttachments", Kind: odata.KindBool, EWS: "item:HasAttachments", ReadOnly: true},
	item.OutlookItemProp("lastModifiedDateTime"),
	{Graph: "bodyPreview", EWS: "item:Preview", ReadOnly: true},
	// v2.0 keeps the lower-case i (the samples send "iCalUId").
	{Graph: "iCalUId", V2: "iCalUId", EWS: "calendar:UID", ReadOnly: true},
	{Graph: "start", Kind: odata.KindObject, Elem: dateTimeSchema, EWS: "calendar:Start"},
	{Graph: "end", Kind: odata.KindObject, Elem: dateTimeSchema, EWS: "calendar:End"},
	{Graph: "originalStart", Kind: odata.KindTime, EWS: "calendar:OriginalStart", ReadOnly: true},
	{Graph: "isAllDay", Kind: odata.KindBool, EWS: "calendar:IsAllDayEvent"},
	{Graph: "showAs", Kind: odata.KindEnum, Enum: freeBusyEnum, EWS: "calendar:LegacyFreeBusyStatus"},
	// EWS's Location is the display name; calendar:EnhancedLocation holds
	// the rest.
	{Graph: "location", Kind: odata.KindObject, Elem: locationSchema, EWS: "calendar:Location"},
	{Graph: "isCancelled", Kind: odata.KindBool, EWS: "calendar:IsCancelled", ReadOnly: true},
	{Graph: "responseRequested", Kind: odata.KindBool, EWS: "calendar:IsResponseRequested"},
	{Graph: "type", Kind: odata.KindEnum, Enum: eventTypeEnum, EWS: "calendar:CalendarItemType", ReadOnly: true},
	// The response itself; its time is calendar:AppointmentReplyTime.
	{Graph: "responseStatus", Kind: odata.KindObject, Elem: responseStatusSchema, EWS: "calendar:MyResponseType", ReadOnly: true},
	{Graph: "organizer", Kind: odata.KindObject, Elem: recipientSchema, EWS: "calendar:Organizer"},
	// EWS files attendees in calendar:RequiredAttendees,
	// calendar:OptionalAttendees and calendar:Resources, by type.
	{Graph: "attendees", Collection: true, Kind: odata.KindObject, Elem: attendeeSchema},
	{Graph: "recurrence", Kind: odata.KindObject, Elem: patternedRecurrenceSchema, EWS: "calendar:Recurrence"},
	{Graph: "allowNewTimeProposals", Kind: odata.KindBool, EWS: "calendar:AllowNewTimeProposal"},
	{Graph: "isOnlineMeeting", Kind: odata.KindBool, EWS: "calendar:IsOnlineMeeting"},
	{Graph: "originalStartTimeZone", EWS: "calendar:StartTimeZoneId", ReadOnly: true},
	{Graph: "originalEndTimeZone", EWS: "calendar:EndTimeZoneId", ReadOnly: true},
	{Graph: "onlineMeetingUrl", EWS: "calendar:JoinOnlineMeetingUrl", ReadOnly: true},
	{Graph: "isOrganizer", Kind: odata.KindBool, EWS: "calendar:IsOrganizer", ReadOnly: true},
	// EWS names a series master by an occurrence's RecurringMasterItemId
	// element, not a FieldURI.
	{Graph: "seriesMasterId", ReadOnly: true},
	// EWS lists cancelled occurrences by start time
	// (calendar:DeletedOccurrences), not by id.
	{Graph: "cancelledOccurrences", Collection: true, ReadOnly: true},
	// EWS has item:WebClientReadFormQueryString, the query string of the
	// Outlook on the web address.
	{Graph: "webLink", ReadOnly: true},
	// EWS has calendar:EnhancedLocation for one place only.
	{Graph: "locations", Collection: true, Kind: odata.KindObject, Elem: locationSchema},
	// Graph only: EWS has none of these.
	{Graph: "hideAttendees", Kind: odata.KindBool},
	{Graph: "onlineMeetingProvider", Kind: odata.KindEnum, Enum: onlineMeetingProviderEnum},
	{Graph: "onlineMeeting", Kind: odata.KindObject, Elem: onlineMeetingInfoSchema, ReadOnly: true},
	{Graph: "transactionId"},
}}

// attachmentSchema maps an event's Attachment. EWS reads attachments with
// GetAttachment, not by FieldURIs.
var attachmentSchema = &odata.Schema{Name: "attachment", Props: []odata.Prop{
	{Graph: "@odata.type"},
	{Graph: "id", ReadOnly: true},
	{Graph: "name"},
	{Graph: "contentType"},
	{Graph: "size", Kind: odata.KindInt, ReadOnly: true},
	{Graph: "isInline", Kind: odata.KindBool},
	{Graph: "lastModifiedDateTime", Kind: odata.KindTime, ReadOnly: true},
	{Graph: "contentBytes", Kind: odata.KindBinary},
	{Graph: "contentId"},
	// An item attachment of an event holds an event (or a message or a
	// contact, read by the event's table but for their own fields).
	{Graph: "item", Kind: odata.KindObject}, // Elem: eventSchema, in init
}}

func init() {
	// An event holds attachments, and an item attachment an event.
	for i := range eventSchema.Props {
		if eventSchema.Props[i].Graph == "attachments" {
			eventSchema.Props[i].Elem = attachmentSchema
		}
	}
	for i := range attachmentSchema.Props {
		if attachmentSchema.Props[i].Graph == "item" {
			attachmentSchema.Props[i].Elem = eventSchema
		}
	}
}

// Calendars and calendar groups are folders to EWS; EWS has no calendar
// groups, colors, owners or sharing rights of its own (the rights are in
// folder:EffectiveRights).
var (
	calendarSchema = &odata.Schema{Name: "calendar", Props: []odata.Prop{
		{Graph: "id", EWS: "folder:FolderId", ReadOnly: true},
		// The ETag and the change key are the ChangeKey attribute of EWS's
		// FolderId.
		{Graph: "@odata.etag", ReadOnly: true},
		{Graph: "changeKey", ReadOnly: true},
		{Graph: "name", EWS: "folder:DisplayName"},
		{Graph: "color", Kind: odata.KindEnum, Enum: colorEnum},
		{Graph: "hexColor", ReadOnly: true},
		{Graph: "isDefaultCalendar", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "canEdit", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "canShare", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "canViewPrivateItems", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "isRemovable", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "isTallyingResponses", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "owner", Kind: odata.KindObject, Elem: emailAddressSchema, ReadOnly: true},
		{Graph: "allowedOnlineMeetingProviders", Collection: true, Kind: odata.KindEnum, Enum: onlineMeetingProviderEnum, ReadOnly: true},
		{Graph: "defaultOnlineMeetingProvider", Kind: odata.KindEnum, Enum: onlineMeetingProviderEnum, ReadOnly: true},
	}}
	calendarGroupSchema = &odata.Schema{Name: "calendarGroup", Props: []odata.Prop{
		{Graph: "id", ReadOnly: true},
		{Graph: "@odata.etag", ReadOnly: true},
		{Graph: "changeKey", ReadOnly: true},
		{Graph: "name"},
		{Graph: "classId", ReadOnly: true},
	}}
)

// Free/busy, which EWS reads with GetUserAvailability.
var (
	scheduleItemSchema = &odata.Schema{Name: "scheduleItem", Props: []odata.Prop{
		{Graph: "start", Kind: odata.KindObject, Elem: dateTimeSchema},
		{Graph: "end", Kind: odata.KindObject, Elem: dateTimeSchema},
		{Graph: "status", Kind: odata.KindEnum, Enum: freeBusyEnum},
		{Graph: "isPrivate", Kind: odata.KindBool},
		{Graph: "subject"},
		{Graph: "location"},
	}}
	// The zone is a timeZoneBase or a customTimeZone, read by the default
	// rules.
	workingHoursSchema = &odata.Schema{Name: "workingHours", Props: []odata.Prop{
		{Graph: "daysOfWeek", Collection: true, Kind: odata.KindEnum, Enum: dayOfWeekEnum},
		{Graph: "startTime"},
		{Graph: "endTime"},
		{Graph: "timeZone", Kind: odata.KindObject},
	}}
	freeBusyErrorSchema = &odata.Schema{Name: "freeBusyError", Props: []odata.Prop{
		{Graph: "message"},
		{Graph: "responseCode"},
	}}
	scheduleInformationSchema = &odata.Schema{Name: "scheduleInformation", Props: []odata.Prop{
		{Graph: "scheduleId"},
		{Graph: "availabilityView"},
		{Graph: "scheduleItems", Collection: true, Kind: odata.KindObject, Elem: scheduleItemSchema},
		{Graph: "workingHours", Kind: odata.KindObject, Elem: workingHoursSchema},
		{Graph: "error", Kind: odata.KindObject, Elem: freeBusyErrorSchema},
	}}
)

// The bodies of actions, and the answer of getSchedule. EWS's operations
// take them as elements, not FieldURIs.
var (
	responseSchema = &odata.Schema{Name: "accept", Props: []odata.Prop{
		{Graph: "comment"},
		{Graph: "sendResponse", Kind: odata.KindBool},
		{Graph: "proposedNewTime", Kind: odata.KindObject, Elem: timeSlotSchema},
	}}
	commentSchema = &odata.Schema{Name: "cancel", Props: []odata.Prop{
		{Graph: "comment"},
	}}
	forwardSchema = &odata.Schema{Name: "forward", Props: []odata.Prop{
		{Graph: "toRecipients", Collection: true, Kind: odata.KindObject, Elem: recipientSchema},
		{Graph: "comment"},
	}}
	snoozeSchema = &odata.Schema{Name: "snoozeReminder", Props: []odata.Prop{
		{Graph: "newReminderTime", Kind: odata.KindObject, Elem: dateTimeSchema},
	}}
	scheduleRequestSchema = &odata.Schema{Name: "getSchedule", Props: []odata.Prop{
		{Graph: "schedules", Collection: true},
		{Graph: "startTime", Kind: odata.KindObject, Elem: dateTimeSchema},
		{Graph: "endTime", Kind: odata.KindObject, Elem: dateTimeSchema},
		{Graph: "availabilityViewInterval", Kind: odata.KindInt},
	}}
	scheduleAnswerSchema = &odata.Schema{Name: "getScheduleResponse", Props: []odata.Prop{
		{Graph: "value", V2: "value", Collection: true, Kind: odata.KindObject, Elem: scheduleInformationSchema},
	}}
	groupBodySchema = &odata.Schema{Name: "calendarGroup", Props: []odata.Prop{
		{Graph: "name"},
	}}
)

// WireSchema returns the wire mapping of an event.
func (Event) WireSchema() *odata.Schema { return eventSchema }

// WireSchema returns the wire mapping of an event, whose properties an
// update sets.
func (EventUpdate) WireSchema() *odata.Schema { return eventSchema }

// WireSchema returns the wire mapping of an attendee.
func (Attendee) WireSchema() *odata.Schema { return attendeeSchema }

// WireSchema returns the wire mapping of a response status.
func (ResponseStatus) WireSchema() *odata.Schema { return responseStatusSchema }

// WireSchema returns the wire mapping of a recurrence.
func (PatternedRecurrence) WireSchema() *odata.Schema { return patternedRecurrenceSchema }

// WireSchema returns the wire mapping of a recurrence pattern.
func (RecurrencePattern) WireSchema() *odata.Schema { return recurrencePatternSchema }

// WireSchema returns the wire mapping of a recurrence range.
func (RecurrenceRange) WireSchema() *odata.Schema { return recurrenceRangeSchema }

// WireSchema returns the wire mapping of online meeting details.
func (OnlineMeetingInfo) WireSchema() *odata.Schema { return onlineMeetingInfoSchema }

// WireSchema returns the wire mapping of a dial-in number.
func (Phone) WireSchema() *odata.Schema { return phoneSchema }

// WireSchema returns the wire mapping of a calendar.
func (Calendar) WireSchema() *odata.Schema { return calendarSchema }

// WireSchema returns the wire mapping of a calendar, whose properties an
// update sets.
func (CalendarUpdate) WireSchema() *odata.Schema { return calendarSchema }

// WireSchema returns the wire mapping of a calendar group.
func (CalendarGroup) WireSchema() *odata.Schema { return calendarGroupSchema }

// WireSchema returns the wire mapping of an event's attachment.
func (Attachment) WireSchema() *odata.Schema { return attachmentSchema }

// WireSchema returns the wire mapping of a schedule.
func (ScheduleInformation) WireSchema() *odata.Schema { return scheduleInformationSchema }

// WireSchema returns the wire mapping of a schedule item.
func (ScheduleItem) WireSchema() *odata.Schema { return scheduleItemSchema }

// WireSchema returns the wire mapping of working hours.
func (WorkingHours) WireSchema() *odata.Schema { return workingHoursSchema }

// WireSchema returns the wire mapping of a free/busy error.
func (FreeBusyError) WireSchema() *odata.Schema { return freeBusyErrorSchema }

func (responseBody) WireSchema() *odata.Schema   { return responseSchema }
func (commentBody) WireSchema() *odata.Schema    { return commentSchema }
func (forwardBody) WireSchema() *odata.Schema    { return forwardSchema }
func (snoozeBody) WireSchema() *odata.Schema     { return snoozeSchema }
func (scheduleBody) WireSchema() *odata.Schema   { return scheduleRequestSchema }
func (scheduleAnswer) WireSchema() *odata.Schema { return scheduleAnswerSchema }
func (groupBody) WireSchema() *odata.Schema      { return groupBodySchema }

// WireEnum returns the spelling of the free/busy statuses in each wire form.
func (FreeBusyStatus) WireEnum() *odata.EnumType { return freeBusyEnum }

// WireEnum returns the spelling of the event types in each wire form.
func (EventType) WireEnum() *odata.EnumType { return eventTypeEnum }

// WireEnum returns the spelling of the responses in each wire form.
func (ResponseType) WireEnum() *odata.EnumType { return responseTypeEnum }

// WireEnum returns the spelling of the attendee types in each wire form.
func (AttendeeType) WireEnum() *odata.EnumType { return attendeeTypeEnum }

// WireEnum returns the spelling of the pattern types in each wire form.
func (PatternType) WireEnum() *odata.EnumType { return patternTypeEnum }

// WireEnum returns the spelling of the range types in each wire form.
func (RangeType) WireEnum() *odata.EnumType { return rangeTypeEnum }

// WireEnum returns the spelling of the days in each wire form.
func (DayOfWeek) WireEnum() *odata.EnumType { return dayOfWeekEnum }

// WireEnum returns the spelling of the week indexes in each wire form.
func (WeekIndex) WireEnum() *odata.EnumType { return weekIndexEnum }

// WireEnum returns the spelling of the colors in each wire form.
func (Color) WireEnum() *odata.EnumType { return colorEnum }

// WireEnum returns the spelling of the meeting providers in each wire form.
func (OnlineMeetingProvider) WireEnum() *odata.EnumType { return onlineMeetingProviderEnum }
