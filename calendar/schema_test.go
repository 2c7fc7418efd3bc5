package calendar_test

import (
	"testing"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/odata"
)

// Each model's table and its Go type agree, and the tables agree with the
// Graph v1.0 schema and EWS's FieldURIs.
func TestSchemas(t *testing.T) {
	models := []odata.Mapped{calendar.Event{}, calendar.Attendee{}, calendar.ResponseStatus{}, calendar.PatternedRecurrence{},
		calendar.RecurrencePattern{}, calendar.RecurrenceRange{}, calendar.OnlineMeetingInfo{}, calendar.Phone{},
		calendar.Calendar{}, calendar.CalendarGroup{}, calendar.Attachment{}, calendar.ScheduleInformation{},
		calendar.ScheduleItem{}, calendar.WorkingHours{}, calendar.FreeBusyError{}, calendar.Reminder{},
		calendar.MeetingTimeSuggestions{}, calendar.MeetingTimeSuggestion{}, calendar.AttendeeAvailability{}, calendar.Permission{}}
	var roots []*odata.Schema
	for _, v := range models {
		schematest.Type(t, v)
		roots = append(roots, v.WireSchema())
	}
	for _, u := range []odata.Mapped{calendar.EventUpdate{}, calendar.CalendarUpdate{}} {
		schematest.Update(t, u)
	}
	schematest.Graph(t, nil, roots...)
	schematest.Covered(t, ".", "Event", "EventUpdate", "Attendee", "ResponseStatus", "PatternedRecurrence",
		"RecurrencePattern", "RecurrenceRange", "OnlineMeetingInfo", "Phone", "Calendar", "CalendarUpdate",
		"CalendarGroup", "Attachment", "ScheduleInformation", "ScheduleItem", "WorkingHours", "FreeBusyError",
		"Reminder", "MeetingTimeSuggestions", "MeetingTimeSuggestion", "AttendeeAvailability", "timeConstraint", "meetingTimesBody",
		"responseBody", "commentBody", "forwardBody", "snoozeBody", "scheduleBody", "scheduleAnswer", "groupBody",
		"Permission", "grantBody", "roleBody")
}
