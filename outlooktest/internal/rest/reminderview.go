package rest

// The reminders view: Graph's reminderView(startDateTime='…',endDateTime='…')
// and v2.0's ReminderView(StartDateTime='…',EndDateTime='…'), functions of
// the mailbox with their parameters in the path segment. They list, from
// the stored events of every calendar with recurrences expanded, the
// reminders of the events in the window whose reminder is on: fired
// reminderMinutesBeforeStart before the event starts.

import (
	"net/http"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// isReminderView reports whether the path below the mailbox is a call of
// the reminders view.
func isReminderView(rest []seg) bool {
	return len(rest) == 1 && rest[0].params != nil && strings.EqualFold(rest[0].name, "reminderView")
}

// reminderView serves the reminders view; params are the function's
// parameters as parseSegs read them (lower-cased names).
func (c *call) reminderView(params map[string]string, unlock func()) *apiError {
	if c.r.Method != http.MethodGet {
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "reminderView is a function: GET it.")
	}
	var from, to time.Time
	var haveFrom, haveTo bool
	for k, v := range params {
		t, err := datetime.Parse(v)
		switch k {
		case "startdatetime":
			from, haveFrom = t, err == nil
		case "enddatetime":
			to, haveTo = t, err == nil
		default:
			return errorf(http.StatusBadRequest, "BadRequest", "The function reminderView has no parameter %q.", k)
		}
	}
	if !haveFrom || !haveTo {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "reminderView needs startDateTime and endDateTime as ISO 8601 date-times.")
	}
	if !to.After(from) {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The end of the window is not after its start.")
	}
	v2 := c.h.env.Dialect == dialect.V2
	key := func(graph string) string {
		if v2 {
			return strings.ToUpper(graph[:1]) + graph[1:]
		}
		return graph
	}
	dtz := func(v any) map[string]any {
		o, _ := v.(map[string]any)
		return map[string]any{key("dateTime"): o["dateTime"], key("timeZone"): o["timeZone"]}
	}
	var out []any
	for _, cal := range c.m.List("calendars", func(*store.Entity) bool { return true }) {
		for _, e := range c.m.ViewEntities(&store.Window{Start: from, End: to, Calendar: cal.ID()}) {
			o := e.Object()
			if on, _ := o["isReminderOn"].(bool); !on {
				continue
			}
			start, ok := datetime.Instant(o["start"])
			if !ok {
				continue
			}
			n, _ := o["reminderMinutesBeforeStart"].(float64)
			fire := start.Add(-time.Duration(n) * time.Minute).UTC()
			subject, _ := o["subject"].(string)
			loc, _ := o["location"].(map[string]any)
			place, _ := loc["displayName"].(string)
			r := map[string]any{
				key("eventId"):        e.ID(),
				key("eventSubject"):   subject,
				key("eventStartTime"): dtz(o["start"]),
				key("eventEndTime"):   dtz(o["end"]),
				key("eventLocation"):  map[string]any{key("displayName"): place},
				key("reminderFireTime"): map[string]any{key("dateTime"): fire.Format("2006-01-02T15:04:05.0000000"),
					key("timeZone"): "UTC"},
			}
			if ck, ok := o["changeKey"].(string); ok {
				r[key("changeKey")] = ck
			}
			if wl, ok := o["webLink"].(string); ok {
				r[key("eventWebLink")] = wl
			}
			out = append(out, r)
		}
	}
	unlock()
	if out == nil {
		out = []any{}
	}
	c.writeJSON(http.StatusOK, map[string]any{"value": out})
	return nil
}
