package calendar

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Reminder is one reminder of the reminders view: an event (an occurrence
// of a series under its own id) and when its reminder fires.
type Reminder struct {
	EventID        string                `json:"eventId,omitzero"`
	EventSubject   string                `json:"eventSubject,omitzero"`
	EventStartTime item.DateTimeTimeZone `json:"eventStartTime,omitzero"`
	EventEndTime   item.DateTimeTimeZone `json:"eventEndTime,omitzero"`
	EventLocation  item.Location         `json:"eventLocation,omitzero"`
	EventWebLink   string                `json:"eventWebLink,omitzero"`
	// ChangeKey is the event's version when the view was read.
	ChangeKey string `json:"changeKey,omitzero"`
	// ReminderFireTime is when the reminder fires (after a snooze, the
	// time it was snoozed to).
	ReminderFireTime item.DateTimeTimeZone `json:"reminderFireTime,omitzero"`

	// Extra holds properties this type does not know, with Graph names.
	Extra map[string]json.RawMessage `json:",embed"`
}

// WireSchema returns the wire mapping of a reminder.
func (Reminder) WireSchema() *odata.Schema { return reminderSchema }

// reminderSchema maps Reminder: Graph's reminder, v2.0's Reminder (the
// same names, capitalised), EWS's GetReminders Reminder elements (mapped
// by the EWS backend itself).
var reminderSchema = &odata.Schema{Name: "reminder", Props: []odata.Prop{
	{Graph: "eventId", ReadOnly: true},
	{Graph: "eventSubject", ReadOnly: true},
	{Graph: "eventStartTime", Kind: odata.KindObject, Elem: dateTimeSchema, ReadOnly: true},
	{Graph: "eventEndTime", Kind: odata.KindObject, Elem: dateTimeSchema, ReadOnly: true},
	{Graph: "eventLocation", Kind: odata.KindObject, Elem: locationSchema, ReadOnly: true},
	{Graph: "eventWebLink", ReadOnly: true},
	{Graph: "changeKey", ReadOnly: true},
	{Graph: "reminderFireTime", Kind: odata.KindObject, Elem: dateTimeSchema, ReadOnly: true},
}}

// ReminderView yields the reminders of the events of the mailbox's
// calendar between start and end, recurrences expanded, in every location:
// Graph's reminderView function, REST v2.0's ReminderView, EWS's
// GetReminders. Events whose reminder is off or dismissed have none. The
// range is checked before any request.
func (s *Service) ReminderView(ctx context.Context, start, end time.Time) iter.Seq2[*Reminder, error] {
	const op = "ReminderView"
	if _, err := windowParams(op, start, end); err != nil {
		return fail[Reminder](err)
	}
	// The function's parameters are part of its path segment:
	// reminderView(startDateTime='…',endDateTime='…') in Graph,
	// ReminderView(StartDateTime='…',EndDateTime='…') in v2.0. The values
	// are formatted here (digits, '-', ':', '.'), so nothing needs escaping.
	const layout = "2006-01-02T15:04:05.0000000"
	from, to := start.UTC().Format(layout), end.UTC().Format(layout)
	tmpl := fmt.Sprintf("reminderView(startDateTime='%s',endDateTime='%s')", from, to)
	if s.c.Dialect().IsOutlookV2() {
		tmpl = fmt.Sprintf("ReminderView(StartDateTime='%s',EndDateTime='%s')", from, to)
	}
	return odata.List[Reminder](ctx, s.c, odata.PathOf(tmpl), nil)
}
