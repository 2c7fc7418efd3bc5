package ews

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// The reminders view: Graph's reminderView(startDateTime=…,endDateTime=…)
// over GetReminders (Exchange 2013 and later) with ReminderType All, whose
// Reminder elements (Subject, Location, ReminderTime, StartDate, EndDate,
// ItemId, RecurringMasterItemId, ReminderGroup, UID) map to Graph's
// reminder. EWS documents BeginTime and EndTime as bounding the items
// whose reminders are returned; GetReminders names no web link, so
// eventWebLink is left out. Microsoft publishes no request of the
// operation, only answers: the request's shape rests on the operation's
// reference page. Like PerformReminderAction, the answer carries
// ResponseClass on the response element itself.

func init() {
	routes["GET reminderView()"] = reminderView
}

// functionKey returns the route key of a function called with its
// parameters in its path segment ("reminderView(startDateTime='…',…)" is
// "reminderView()"), or "" when tmpl is no such call.
func functionKey(tmpl string) string {
	i := strings.IndexByte(tmpl, '(')
	if i <= 0 || strings.IndexByte(tmpl, '/') >= 0 || !strings.HasSuffix(tmpl, ")") {
		return ""
	}
	return tmpl[:i] + "()"
}

// functionParams parses the name='value' parameters of a function segment.
func functionParams(tmpl string) map[string]string {
	i := strings.IndexByte(tmpl, '(')
	if i < 0 || !strings.HasSuffix(tmpl, ")") {
		return nil
	}
	out := map[string]string{}
	for _, kv := range strings.Split(tmpl[i+1:len(tmpl)-1], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		out[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), "'")
	}
	return out
}

// reminderView serves GET reminderView(startDateTime='…',endDateTime='…').
func reminderView(c *call) (*http.Response, error) {
	p := functionParams(c.r.Path.Template())
	var bounds [2]time.Time
	for i, name := range []string{"startDateTime", "endDateTime"} {
		t, err := time.Parse("2006-01-02T15:04:05.9999999", p[name])
		if err != nil {
			return nil, fmt.Errorf("%w: reminderView needs %s: %v", odata.ErrInvalidQuery, name, err)
		}
		bounds[i] = t
	}
	var st status
	out := []byte(`{"value":[`)
	err := c.send(request{op: "GetReminders", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetReminders")
		w.elem("m:BeginTime", bounds[0].Format("2006-01-02T15:04:05Z"))
		w.elem("m:EndTime", bounds[1].Format("2006-01-02T15:04:05Z"))
		w.elem("m:ReminderType", "All")
		w.close("m:GetReminders")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readClassedList(x, buf, &st, "Reminders", "Reminder", func() error {
			out = comma(out)
			var err error
			out, err = readReminder(x, out)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() {
		return nil, errorOf("GetReminders", &st, false, nil)
	}
	return jsonResponse(http.StatusOK, append(out, "]}"...)), nil
}

// readReminder appends one Reminder element as a Graph reminder.
func readReminder(x *xmlReader, out []byte) ([]byte, error) {
	out = append(out, '{')
	err := x.children(func() error {
		name := string(x.local)
		switch name {
		case "ItemId":
			id, _ := x.attr("Id")
			ck, _ := x.attr("ChangeKey")
			out = member(out, "eventId")
			out = appendString(out, appendRestID(nil, bytes.Clone(id)))
			if len(ck) > 0 {
				out = member(out, "changeKey")
				out = appendString(out, ck)
			}
			return x.skip()
		case "Subject", "Location", "ReminderTime", "StartDate", "EndDate":
			t, err := x.textInto(nil)
			if err != nil {
				return err
			}
			t = bytes.TrimSpace(t)
			switch name {
			case "Subject":
				out = member(out, "eventSubject")
				out = appendString(out, t)
			case "Location":
				out = member(out, "eventLocation")
				out = append(out, `{"displayName":`...)
				out = appendString(out, t)
				out = append(out, '}')
			default:
				tm, ok := parseDateTime(t)
				if !ok {
					return fmt.Errorf("%w: Reminder/%s: %q is not a time", errXML, name, truncate(string(t), 40))
				}
				out = member(out, map[string]string{"ReminderTime": "reminderFireTime", "StartDate": "eventStartTime", "EndDate": "eventEndTime"}[name])
				out = append(out, `{"dateTime":"`...)
				out = tm.UTC().AppendFormat(out, "2006-01-02T15:04:05.0000000")
				out = append(out, `","timeZone":"UTC"}`...)
			}
			return nil
		}
		return x.skip()
	})
	return append(out, '}'), err
}
