package calendar_test

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/internal/testutil"
)

// model names the type an entity decodes into, by its properties.
func model(e map[string]any) string {
	typ := ""
	for k, v := range e {
		if strings.EqualFold(k, "@odata.type") {
			typ, _ = v.(string)
		}
	}
	switch {
	case strings.Contains(strings.ToLower(typ), "attachment") || servicetest.Has(e, "contentBytes"):
		return "attachment"
	case servicetest.Has(e, "@removed") || servicetest.Has(e, "reason") && !servicetest.Has(e, "subject"):
		return ""
	case servicetest.Has(e, "scheduleId"):
		return "schedule"
	case servicetest.Has(e, "classId"):
		return "group"
	case servicetest.Has(e, "subject") || servicetest.Has(e, "start") || servicetest.Has(e, "attendees") || servicetest.Has(e, "recurrence") || servicetest.Has(e, "seriesMasterId"):
		return "event"
	case servicetest.Has(e, "name") && (servicetest.Has(e, "color") || servicetest.Has(e, "canEdit") || servicetest.Has(e, "changeKey") || len(e) <= 3):
		return "calendar"
	}
	return ""
}

// pruner normalises sample entities and what the models send back for
// comparison; besides its defaults, the v2.0 string forms of the reminder
// fields compare as what they say, and a UTC dateTimeTimeZone as the bare
// instant of early v2.0 samples.
var pruner = &servicetest.Pruner{
	Enums:    enumKeys,
	Instants: map[string]bool{"start": true, "end": true, "time": true, "originalstart": true},
	Aliases:  v2Aliases,
	Value: func(key string, v any) (any, bool) {
		lk := strings.ToLower(key)
		switch x := v.(type) {
		case string:
			switch lk {
			case "reminderminutesbeforestart":
				if n, err := strconv.Atoi(x); err == nil {
					return float64(n), true
				}
			case "isreminderon":
				return strings.EqualFold(x, "true"), true
			case "startdate", "enddate":
				if x == "0001-01-01" {
					return nil, true
				}
				return x[:min(len(x), 10)], true
			}
		case map[string]any:
			if lk == "start" || lk == "end" {
				return instant(x)
			}
		}
		return nil, false
	},
}

// enumKeys are the members whose values compare ignoring case: the enum
// properties of the tables.
var enumKeys = schematest.EnumNames(calendar.Event{}.WireSchema(), calendar.Calendar{}.WireSchema(),
	calendar.ScheduleInformation{}.WireSchema())

// placeholder reports whether a sample holds documentation placeholders
// rather than data.
func placeholder(e map[string]any) bool {
	for k, v := range e {
		switch x := v.(type) {
		case string:
			lk := strings.ToLower(k)
			if strings.HasSuffix(x, "-value") && (strings.Contains(lk, "time") || strings.Contains(lk, "date")) || strings.HasPrefix(x, "{") {
				return true
			}
			if strings.EqualFold(k, "contentBytes") {
				if _, err := base64.StdEncoding.DecodeString(x); err != nil {
					return true // "base64bWFj..." in the docs
				}
			}
		case map[string]any:
			if len(x) == 0 && enumKeys[strings.ToLower(k)] || placeholder(x) {
				return true // "color": {} in the docs
			}
		}
	}
	return false
}

// Every calendar entity of the Graph samples decodes into its model and
// encodes back with nothing lost or changed.
func TestGraphSamplesRoundTrip(t *testing.T) {
	counts := map[string]int{}
	for name, s := range testutil.Samples(t, "graph-samples", testutil.Prefixed("calendar-", "event-", "user-list-events", "user-post-events",
		"calendargroup-", "delta-query-events-")) {
		if strings.HasPrefix(name, "calendarpermission") {
			continue
		}
		for _, body := range [][]byte{s.ResponseBody, s.RequestBody} {
			for _, e := range servicetest.Entities(body) {
				kind := model(e)
				if kind == "" {
					continue
				}
				if placeholder(e) {
					counts["placeholder"]++
					continue
				}
				v := map[string]any{"event": new(calendar.Event), "calendar": new(calendar.Calendar), "group": new(calendar.CalendarGroup),
					"attachment": new(calendar.Attachment), "schedule": new(calendar.ScheduleInformation)}[kind]
				if servicetest.GraphRoundTrip(t, name, kind, e, v, pruner) {
					counts[kind]++
				}
			}
		}
	}
	t.Logf("entities round-tripped: %v", counts)
	for kind, min := range map[string]int{"event": 15, "calendar": 3, "group": 1, "attachment": 2, "schedule": 1} {
		if counts[kind] < min {
			t.Errorf("only %d %s entities in the samples, want at least %d", counts[kind], kind, min)
		}
	}
}

// Every calendar entity of the Outlook REST v2.0 samples decodes through
// the dialect into its model and goes back to the same v2.0 JSON.
func TestV2SamplesRoundTrip(t *testing.T) {
	counts := map[string]int{}
	for name, s := range testutil.Samples(t, "v2-samples", testutil.Prefixed("calendar-rest-operations-")) {
		for _, body := range [][]byte{s.ResponseBody, s.RequestBody} {
			for _, e := range servicetest.Entities(body) {
				kind := model(e)
				if kind == "" || placeholder(e) {
					continue
				}
				raw, _ := json.Marshal(e)
				var sent []byte
				var err error
				switch kind {
				case "event":
					var ev *calendar.Event
					ev, sent, err = servicetest.V2RoundTrip[calendar.Event](t, raw)
					if err == nil && servicetest.Has(e, "Subject") && ev.Subject == "" {
						t.Errorf("%s: Subject not decoded from v2.0", name)
					}
					if err == nil && servicetest.Has(e, "ReminderMinutesBeforeStart") && ev.ReminderMinutesBeforeStart == nil {
						t.Errorf("%s: ReminderMinutesBeforeStart not decoded from v2.0", name)
					}
				case "calendar":
					_, sent, err = servicetest.V2RoundTrip[calendar.Calendar](t, raw)
				case "group":
					_, sent, err = servicetest.V2RoundTrip[calendar.CalendarGroup](t, raw)
				case "attachment":
					_, sent, err = servicetest.V2RoundTrip[calendar.Attachment](t, raw)
				default:
					continue
				}
				if err != nil {
					t.Errorf("%s: %s: %v", name, kind, err)
					continue
				}
				var got map[string]any
				if err := json.Unmarshal(sent, &got); err != nil {
					t.Fatalf("%s: %v\n%s", name, err, sent)
				}
				for _, d := range pruner.Diff(e, got) {
					t.Errorf("%s (%s) changed in the v2.0 round trip: %s", name, kind, d)
				}
				counts[kind]++
			}
		}
	}
	t.Logf("v2.0 entities round-tripped: %v", counts)
	if counts["event"] < 5 {
		t.Errorf("only %d events in the v2.0 samples", counts["event"])
	}
}

// v2Aliases are the early v2.0 names the tables read (the item timestamps'
// DateTimeCreated...); they decode as the current names and are sent back
// so.
var v2Aliases = schematest.Aliases(calendar.Event{}.WireSchema())

// instant reads a UTC dateTimeTimeZone as an RFC 3339 instant, to compare
// it with the bare instants of early v2.0 samples.
func instant(m map[string]any) (string, bool) {
	var dt, tz string
	for k, v := range m {
		switch strings.ToLower(k) {
		case "datetime":
			dt, _ = v.(string)
		case "timezone":
			tz, _ = v.(string)
		default:
			return "", false
		}
	}
	if tz != "UTC" {
		return "", false
	}
	t, err := time.Parse("2006-01-02T15:04:05.9999999", dt)
	if err != nil {
		return "", false
	}
	return t.UTC().Format(time.RFC3339Nano), true
}
