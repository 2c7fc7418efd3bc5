package calendar

import "github.com/exchangekit/outlook/odata"

// The Outlook REST v2.0 spellings of the calendar resources, where they are
// not "the Graph name with its first letter upper-cased". Package item
// registers the shared shapes (bodies, importance, sensitivity, locations);
// only what is the calendar's own is here.
//
// "type" is an enum in four places: the event itself (top level of an
// entity, or an element of a list's "value"), an attendee, a recurrence
// pattern and a recurrence range. Each is scoped to its parent, so that a
// "type" elsewhere (a phone of an online meeting, say) is left alone.
// Decoding is case-insensitive anyway (odata.ParseEnum), so an event read
// on its own, whose "Type" has no parent to scope it, still decodes.
func init() {
	odata.Register(
		[]odata.Rename{
			// v2.0 keeps the lower-case i (samples; the table says iCalUID).
			{Graph: "iCalUId", V2: "iCalUId"},
		},
		[]odata.Enum{
			{Name: "showAs"},
			{Parent: "value", Name: "type"},
			{Parent: "instances", Name: "type"},
			{Parent: "attendees", Name: "type"},
			{Parent: "pattern", Name: "type"},
			{Parent: "range", Name: "type"},
			{Parent: "responseStatus", Name: "response"},
			{Parent: "status", Name: "response"},
			{Parent: "scheduleItems", Name: "status"},
			{Name: "daysOfWeek"},
			{Name: "firstDayOfWeek"},
			{Parent: "pattern", Name: "index"},
			{Parent: "value", Name: "color"},
			{Parent: "calendars", Name: "color"},
			{Name: "onlineMeetingProvider"},
			{Name: "defaultOnlineMeetingProvider"},
			{Name: "allowedOnlineMeetingProviders"},
		},
		map[string]string{
			"calendarView":      "calendarview",
			"calendarGroups":    "calendargroups",
			"tentativelyAccept": "tentativelyaccept",
			"dismissReminder":   "DismissReminder",
			"snoozeReminder":    "SnoozeReminder",
			"reminderView":      "ReminderView",
			"findMeetingTimes":  "findmeetingtimes",
		},
	)
}
