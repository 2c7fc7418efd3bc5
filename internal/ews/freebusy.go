package ews

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// Free/busy: Graph's getSchedule is GetUserAvailability with a
// DetailedMerged view. The request's zone is UTC (a SerializableTimeZone
// without bias), so the window and the times answered are instants; the
// answer's times are given in the Prefer: outlook.timezone zone, as Graph
// gives them. EWS's MergedFreeBusy digits are Graph's availabilityView
// (0 free, 1 tentative, 2 busy, 3 out of office), but for 4, "no data",
// kept as EWS says it. A mailbox's working hours come with their zone as
// biases and transitions, which is Graph's customTimeZone.

// maxAvailabilityWindow is the longest window GetUserAvailability takes
// (ErrorTimeIntervalTooBig beyond: 42 days), and maxSchedules the most
// mailboxes one request asks for.
const (
	maxAvailabilityWindow = 42 * 24 * time.Hour
	maxSchedules          = 100
)

func init() {
	routes["POST calendar/getSchedule"] = getSchedule
}

// busyTypes are EWS's LegacyFreeBusyType values as Graph's freeBusyStatus.
var busyTypes = map[string]string{"Free": "free", "Tentative": "tentative", "Busy": "busy", "OOF": "oof",
	"WorkingElsewhere": "workingElsewhere", "NoData": "unknown"}

// getSchedule serves POST calendar/getSchedule.
func getSchedule(c *call) (*http.Response, error) {
	var b struct {
		Schedules []string    `json:"schedules"`
		StartTime *dateTimeTZ `json:"startTime"`
		EndTime   *dateTimeTZ `json:"endTime"`
		Interval  int         `json:"availabilityViewInterval"`
	}
	if err := json.Unmarshal(c.r.Body, &b); err != nil {
		return nil, fmt.Errorf("%w: %v", odata.ErrInvalidQuery, err)
	}
	if len(b.Schedules) == 0 || b.StartTime == nil || b.EndTime == nil {
		return nil, fmt.Errorf("%w: getSchedule needs schedules, a startTime and an endTime", odata.ErrInvalidQuery)
	}
	if len(b.Schedules) > maxSchedules {
		return nil, errNotSupported(fmt.Sprintf("the free/busy of more than %d mailboxes in one request", maxSchedules))
	}
	start, err := b.StartTime.instant()
	if err != nil {
		return nil, fmt.Errorf("%w: startTime: %v", odata.ErrInvalidQuery, err)
	}
	end, err := b.EndTime.instant()
	if err != nil {
		return nil, fmt.Errorf("%w: endTime: %v", odata.ErrInvalidQuery, err)
	}
	switch {
	case !end.After(start):
		return nil, fmt.Errorf("%w: getSchedule's endTime is not after its startTime", odata.ErrInvalidQuery)
	case end.Sub(start) > maxAvailabilityWindow:
		return nil, errNotSupported("a free/busy window over 42 days (GetUserAvailability's limit)")
	}
	interval := b.Interval
	if interval == 0 {
		interval = 30
	}
	if interval < 5 || interval > 1440 {
		return nil, fmt.Errorf("%w: availabilityViewInterval %d, want 5 to 1440", odata.ErrInvalidQuery, interval)
	}
	loc, zone := time.UTC, "UTC"
	if z := c.r.Prefer.TimeZone; z != "" {
		if l, err := loadZone(z); err == nil {
			loc, zone = l, z
		}
	}
	out := append(make([]byte, 0, 2048), `{"value":[`...)
	i := 0
	err = c.send(request{op: "GetUserAvailability", idempotent: true, body: func(w *xmlWriter) {
		writeAvailabilityHead(w, func(mailbox func(addr, kind string)) {
			for _, a := range b.Schedules {
				mailbox(a, "Required")
			}
		})
		w.open("t:FreeBusyViewOptions")
		w.open("t:TimeWindow")
		w.elem("t:StartTime", start.UTC().Format("2006-01-02T15:04:05"))
		w.elem("t:EndTime", end.UTC().Format("2006-01-02T15:04:05"))
		w.close("t:TimeWindow")
		w.elem("t:MergedFreeBusyIntervalInMinutes", strconv.Itoa(interval))
		w.elem("t:RequestedView", "DetailedMerged")
		w.close("t:FreeBusyViewOptions")
		w.close("m:GetUserAvailabilityRequest")
	}}, func(x *xmlReader, buf *[]byte) error {
		return x.children(func() error {
			if !x.is("FreeBusyResponseArray") {
				return x.skip()
			}
			return x.children(func() error {
				if !x.is("FreeBusyResponse") {
					return x.skip()
				}
				if i >= len(b.Schedules) {
					return tooMany("GetUserAvailability", len(b.Schedules))
				}
				var err error
				out = comma(out)
				out, err = readFreeBusy(out, x, buf, b.Schedules[i], loc, zone)
				i++
				return err
			})
		})
	})
	if err != nil {
		return nil, err
	}
	if i != len(b.Schedules) {
		return nil, errorf("GetUserAvailability answered %d of %d mailboxes", i, len(b.Schedules))
	}
	return jsonResponse(http.StatusOK, append(out, "]}"...)), nil
}

// writeAvailabilityHead opens a GetUserAvailabilityRequest and writes what
// getSchedule and findMeetingTimes share: the request's zone, UTC (a
// SerializableTimeZone without bias or daylight time, so every time in the
// request and the answer is an instant), and the mailboxes, which
// mailboxes names, each with its AttendeeType. The caller writes its view
// options and closes the request.
func writeAvailabilityHead(w *xmlWriter, mailboxes func(mailbox func(addr, kind string))) {
	w.open("m:GetUserAvailabilityRequest")
	w.open("t:TimeZone")
	w.elem("t:Bias", "0")
	for _, p := range []string{"t:StandardTime", "t:DaylightTime"} {
		w.open(p)
		w.elem("t:Bias", "0")
		w.elem("t:Time", "00:00:00")
		w.elem("t:DayOrder", "1")
		w.elem("t:Month", "1")
		w.elem("t:DayOfWeek", "Sunday")
		w.close(p)
	}
	w.close("t:TimeZone")
	w.open("m:MailboxDataArray")
	mailboxes(func(addr, kind string) {
		w.open("t:MailboxData")
		w.open("t:Email")
		w.elem("t:Address", addr)
		w.close("t:Email")
		w.elem("t:AttendeeType", kind)
		w.elem("t:ExcludeConflicts", "false")
		w.close("t:MailboxData")
	})
	w.close("m:MailboxDataArray")
}

// readFreeBusy converts one FreeBusyResponse into a scheduleInformation.
func readFreeBusy(out []byte, x *xmlReader, buf *[]byte, id string, loc *time.Location, zone string) ([]byte, error) {
	st := &status{}
	var view string
	var items [][]byte
	var hours []byte
	err := x.children(func() error {
		switch string(x.local) {
		case "ResponseMessage":
			return readClassed(x, buf, st, nil)
		case "FreeBusyView":
			return x.children(func() error {
				switch string(x.local) {
				case "MergedFreeBusy":
					t, err := x.textInto((*buf)[:0])
					view = string(bytes.TrimSpace(t))
					return err
				case "CalendarEventArray":
					return x.children(func() error {
						if !x.is("CalendarEvent") {
							return x.skip()
						}
						it, err := readCalendarEvent(x, loc, zone)
						items = append(items, it)
						return err
					})
				case "WorkingHours":
					var err error
					hours, err = readWorkingHours(x)
					return err
				}
				return x.skip()
			})
		}
		return x.skip()
	})
	if err != nil {
		return nil, err
	}
	out = append(out, `{"scheduleId":`...)
	out = appendString(out, id)
	if !st.ok() {
		out = append(out, `,"error":{"message":`...)
		out = appendString(out, st.text)
		out = append(out, `,"responseCode":`...)
		out = appendString(out, st.code)
		return append(out, "}}"...), nil
	}
	for _, r := range view {
		if r < '0' || r > '9' {
			return nil, errorf("GetUserAvailability: MergedFreeBusy %q is not digits", truncate(view, 40))
		}
	}
	out = member(out, "availabilityView")
	out = appendString(out, view)
	out = member(out, "scheduleItems")
	out = append(out, '[')
	for j, it := range items {
		if j > 0 {
			out = append(out, ',')
		}
		out = append(out, it...)
	}
	out = append(out, ']')
	if hours != nil {
		out = member(out, "workingHours")
		out = append(out, hours...)
	}
	return append(out, '}'), nil
}

// readCalendarEvent converts a CalendarEvent into a scheduleItem. Its
// times are in the request's zone, UTC, or carry their offset.
func readCalendarEvent(x *xmlReader, loc *time.Location, zone string) ([]byte, error) {
	var start, end time.Time
	status, subject, location, private := "", "", "", false
	err := x.children(func() error {
		switch string(x.local) {
		case "StartTime", "EndTime":
			name := string(x.local)
			t, err := x.textInto(nil)
			if err != nil {
				return err
			}
			tm, ok := parseDateTime(bytes.TrimSpace(t))
			if !ok {
				return errorf("%s %q is not a date and time", name, truncate(string(t), 40))
			}
			if name == "StartTime" {
				start = tm
			} else {
				end = tm
			}
			return nil
		case "BusyType":
			t, err := x.textInto(nil)
			status = busyTypes[string(bytes.TrimSpace(t))]
			if status == "" {
				status = "unknown"
			}
			return err
		case "CalendarEventDetails":
			return x.children(func() error {
				t, err := x.textInto(nil)
				switch string(x.local) {
				case "Subject":
					subject = string(t)
				case "Location":
					location = string(t)
				case "IsPrivate":
					private = string(bytes.TrimSpace(t)) == "true"
				}
				return err
			})
		}
		return x.skip()
	})
	if err != nil {
		return nil, err
	}
	dt := func(out []byte, t time.Time) []byte {
		out = append(out, `{"dateTime":"`...)
		out = t.In(loc).AppendFormat(out, "2006-01-02T15:04:05.0000000")
		out = append(out, `","timeZone":`...)
		out = appendString(out, zone)
		return append(out, '}')
	}
	out := []byte(`{"isPrivate":`)
	out = strconv.AppendBool(out, private)
	out = member(out, "status")
	out = appendString(out, status)
	if subject != "" {
		out = member(out, "subject")
		out = appendString(out, subject)
	}
	if location != "" {
		out = member(out, "location")
		out = appendString(out, location)
	}
	out = member(out, "start")
	out = dt(out, start)
	out = member(out, "end")
	out = dt(out, end)
	return append(out, '}'), nil
}

// readWorkingHours converts WorkingHours into Graph's workingHours: the
// first working period's days and times, and the zone as a
// customTimeZone.
func readWorkingHours(x *xmlReader) ([]byte, error) {
	var days []string
	startMin, endMin := -1, -1
	var zone []byte
	err := x.children(func() error {
		switch string(x.local) {
		case "TimeZone":
			var err error
			zone, err = readSerialZone(x)
			return err
		case "WorkingPeriodArray":
			return x.children(func() error {
				if !x.is("WorkingPeriod") || startMin >= 0 {
					return x.skip()
				}
				return x.children(func() error {
					t, err := x.textInto(nil)
					if err != nil {
						return err
					}
					v := string(bytes.TrimSpace(t))
					switch string(x.local) {
					case "DayOfWeek":
						for d := range strings.FieldsSeq(v) {
							days = append(days, strings.ToLower(d))
						}
					case "StartTimeInMinutes":
						startMin, err = strconv.Atoi(v)
					case "EndTimeInMinutes":
						endMin, err = strconv.Atoi(v)
					}
					if err != nil || startMin > 1440 || endMin > 1440 {
						return errorf("WorkingPeriod %s %q", x.local, truncate(v, 20))
					}
					return nil
				})
			})
		}
		return x.skip()
	})
	if err != nil || startMin < 0 || endMin < 0 {
		return nil, err
	}
	clock := func(m int) string { return fmt.Sprintf("%02d:%02d:00.0000000", m/60, m%60) }
	out := []byte(`{"daysOfWeek":[`)
	for i, d := range days {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendString(out, d)
	}
	out = append(out, ']')
	out = member(out, "startTime")
	out = appendString(out, clock(startMin))
	out = member(out, "endTime")
	out = appendString(out, clock(endMin))
	if zone != nil {
		out = member(out, "timeZone")
		out = append(out, zone...)
	}
	return append(out, '}'), nil
}

// readSerialZone converts a SerializableTimeZone into Graph's
// customTimeZone: the bias and the standard and daylight transitions.
func readSerialZone(x *xmlReader) ([]byte, error) {
	bias := 0
	shifts := false // a period has a bias of its own
	var periods [2][]byte
	err := x.children(func() error {
		name := string(x.local)
		switch name {
		case "Bias":
			t, err := x.textInto(nil)
			if err != nil {
				return err
			}
			if bias, err = strconv.Atoi(string(bytes.TrimSpace(t))); err != nil {
				return errorf("TimeZone Bias %q", truncate(string(t), 20))
			}
			return nil
		case "StandardTime", "DaylightTime":
			p := map[string]string{}
			err := x.children(func() error {
				t, err := x.textInto(nil)
				p[string(x.local)] = string(bytes.TrimSpace(t))
				return err
			})
			if err != nil {
				return err
			}
			occ, err1 := strconv.Atoi(p["DayOrder"])
			month, err2 := strconv.Atoi(p["Month"])
			pb, err3 := strconv.Atoi(p["Bias"])
			if err1 != nil || err2 != nil || err3 != nil {
				return errorf("TimeZone %s", name)
			}
			if pb != 0 {
				shifts = true
			}
			o := []byte(`{"time":`)
			o = appendString(o, p["Time"]+".0000000")
			o = member(o, "dayOccurrence")
			o = strconv.AppendInt(o, int64(occ), 10)
			o = member(o, "dayOfWeek")
			o = appendString(o, strings.ToLower(p["DayOfWeek"]))
			o = member(o, "month")
			o = strconv.AppendInt(o, int64(month), 10)
			o = member(o, "year")
			o = append(o, '0')
			if name == "DaylightTime" {
				o = member(o, "daylightBias")
				o = strconv.AppendInt(o, int64(pb), 10)
				periods[1] = append(o, '}')
			} else {
				periods[0] = append(o, '}')
			}
			return nil
		}
		return x.skip()
	})
	if err != nil {
		return nil, err
	}
	if bias == 0 && !shifts {
		return []byte(`{"name":"UTC"}`), nil // a zone that is UTC all year
	}
	out := []byte(`{"@odata.type":"#microsoft.graph.customTimeZone","name":"Customized Time Zone","bias":`)
	out = strconv.AppendInt(out, int64(bias), 10)
	if periods[0] != nil {
		out = member(out, "standardOffset")
		out = append(out, periods[0]...)
	}
	if periods[1] != nil {
		out = member(out, "daylightOffset")
		out = append(out, periods[1]...)
	}
	return append(out, '}'), nil
}
