package calendar

import (
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Typed query fields of events, for $filter, $select and $orderby:
//
//	q := &odata.Query{
//		Filter:  calendar.Start.Ge("2026-03-02T00:00:00").And(calendar.IsCancelled.Eq(false)),
//		OrderBy: odata.Asc(calendar.Start),
//		Select:  odata.Fields(calendar.Subject, calendar.Start, calendar.End),
//	}
//
// Start and End compare the wall clock of start/dateTime and end/dateTime
// as strings (the services store them so); give the value in UTC unless the
// query also sets odata.Prefer.TimeZone. For date ranges prefer View,
// which expands recurrences: /events lists series masters only.
var (
	ID          = item.ID
	Categories  = item.Categories
	Subject     = odata.NewStringField("subject")
	Body        = item.NewBodyFields("body")
	BodyPreview = odata.NewStringField("bodyPreview")
	// Start and End select the whole start and end, and filter on their
	// wall clocks.
	Start          = odata.NewStringField("start/dateTime")
	End            = odata.NewStringField("end/dateTime")
	IsAllDay       = odata.NewBoolField("isAllDay")
	Location       = item.NewLocationFields("location")
	Organizer      = item.NewRecipientFields("organizer")
	IsOrganizer    = odata.NewBoolField("isOrganizer")
	IsCancelled    = odata.NewBoolField("isCancelled")
	Importance     = odata.NewEnumField[item.Importance]("importance")
	Sensitivity    = odata.NewEnumField[item.Sensitivity]("sensitivity")
	ShowAs         = odata.NewEnumField[FreeBusyStatus]("showAs")
	Type           = odata.NewEnumField[EventType]("type")
	SeriesMasterID = odata.NewStringField("seriesMasterId")
	HasAttachments = odata.NewBoolField("hasAttachments")
	ICalUID        = odata.NewStringField("iCalUId")
	Recurrence     = odata.RawProperty("recurrence")
	IsReminderOn   = odata.NewBoolField("isReminderOn")
	// ReminderMinutesBeforeStart filters on the reminder lead time.
	ReminderMinutesBeforeStart = odata.NewNumberField[int]("reminderMinutesBeforeStart")
	CreatedDateTime            = item.CreatedDateTime
	LastModifiedDateTime       = item.LastModifiedDateTime
	// Attachments is for $expand.
	Attachments = odata.RawProperty("attachments")
)

// Query fields of calendars.
var (
	CalendarName  = odata.NewStringField("name")
	CalendarColor = odata.NewEnumField[Color]("color")
)
