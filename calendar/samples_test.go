package calendar_test

import (
	"encoding/base64"
	stdjson "encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/odata"
)

var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// samples reads the samples of dir whose names start with a prefix.
func samples(t *testing.T, dir string, prefixes ...string) map[string]testutil.Sample {
	t.Helper()
	return testutil.Samples(t, dir, func(name string) bool {
		return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(name, p) })
	})
}

// entities returns the objects of a body: the body itself or the elements
// of its "value".
func entities(body []byte) []map[string]any {
	var m map[string]any
	if len(body) == 0 || json.Unmarshal(body, &m, lenient) != nil {
		return nil
	}
	for k, v := range m {
		if strings.EqualFold(k, "value") {
			var out []map[string]any
			vs, _ := v.([]any)
			for _, e := range vs {
				if o, ok := e.(map[string]any); ok {
					out = append(out, o)
				}
			}
			return out
		}
	}
	return []map[string]any{m}
}

func has(e map[string]any, k string) bool {
	for key := range e {
		if strings.EqualFold(key, k) {
			return true
		}
	}
	return false
}

// model names the type an entity decodes into, by its properties.
func model(e map[string]any) string {
	typ := ""
	for k, v := range e {
		if strings.EqualFold(k, "@odata.type") {
			typ, _ = v.(string)
		}
	}
	switch {
	case strings.Contains(strings.ToLower(typ), "attachment") || has(e, "contentBytes"):
		return "attachment"
	case has(e, "@removed") || has(e, "reason") && !has(e, "subject"):
		return ""
	case has(e, "scheduleId"):
		return "schedule"
	case has(e, "classId"):
		return "group"
	case has(e, "subject") || has(e, "start") || has(e, "attendees") || has(e, "recurrence") || has(e, "seriesMasterId"):
		return "event"
	case has(e, "name") && (has(e, "color") || has(e, "canEdit") || has(e, "changeKey") || len(e) <= 3):
		return "calendar"
	}
	return ""
}

var annotations = map[string]bool{"@odata.context": true, "@odata.id": true, "@odata.editLink": true, "@odata.readLink": true}

// enumKeys are the members whose values compare ignoring case: the enum
// properties of the tables.
var enumKeys = schematest.EnumNames(calendar.Event{}.WireSchema(), calendar.Calendar{}.WireSchema(),
	calendar.ScheduleInformation{}.WireSchema())

// prune normalises a JSON value for comparison: zero values are absent
// (omitzero drops them), enum values compare ignoring case, instants as
// instants, and the v2.0 string forms of the reminder fields as what they
// say.
func prune(v any, key string) any {
	lk := strings.ToLower(key)
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		if !x {
			return nil
		}
		return x
	case float64:
		if x == 0 {
			return nil
		}
		return x
	case string:
		switch {
		case x == "":
			return nil
		case lk == "@odata.type":
			return strings.ToLower(x[strings.LastIndexByte(x, '.')+1:])
		case enumKeys[lk]:
			return strings.ToLower(x)
		case lk == "reminderminutesbeforestart":
			if n, err := strconv.Atoi(x); err == nil {
				return prune(float64(n), key)
			}
		case lk == "isreminderon":
			return prune(strings.EqualFold(x, "true"), key)
		case lk == "startdate" || lk == "enddate":
			if x == "0001-01-01" {
				return nil
			}
			return x[:min(len(x), 10)]
		case lk == "start" || lk == "end":
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return t.UTC().Format(time.RFC3339Nano)
			}
		case strings.HasSuffix(lk, "datetime") || lk == "time" || lk == "originalstart":
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				if t.Year() == 1 {
					return nil
				}
				return t.UTC().Format(time.RFC3339Nano)
			}
		}
		return x
	case map[string]any:
		if lk == "start" || lk == "end" {
			if inst, ok := instant(x); ok {
				return inst
			}
		}
		out := map[string]any{}
		for k, e := range x {
			if annotations[k] {
				continue
			}
			if alias, ok := v2Aliases[k]; ok {
				k = alias
			}
			if p := prune(e, k); p != nil {
				out[k] = p
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, 0, len(x))
		for _, e := range x {
			out = append(out, prune(e, key))
		}
		return out
	}
	return v
}

func extraOf(v any) map[string]stdjson.RawMessage {
	switch x := v.(type) {
	case *calendar.Event:
		return x.Extra
	case *calendar.Calendar:
		return x.Extra
	case *calendar.CalendarGroup:
		return x.Extra
	case *calendar.Attachment:
		return x.Extra
	case *calendar.ScheduleInformation:
		return x.Extra
	}
	return nil
}

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
	for name, s := range samples(t, "graph-samples", "calendar-", "event-", "user-list-events", "user-post-events",
		"calendargroup-", "delta-query-events-") {
		if strings.HasPrefix(name, "calendarpermission") {
			continue
		}
		for _, body := range [][]byte{s.ResponseBody, s.RequestBody} {
			for _, e := range entities(body) {
				kind := model(e)
				if kind == "" {
					continue
				}
				if placeholder(e) {
					counts["placeholder"]++
					continue
				}
				raw, _ := json.Marshal(e)
				v := map[string]any{"event": new(calendar.Event), "calendar": new(calendar.Calendar), "group": new(calendar.CalendarGroup),
					"attachment": new(calendar.Attachment), "schedule": new(calendar.ScheduleInformation)}[kind]
				if err := json.Unmarshal(raw, v, lenient); err != nil {
					t.Errorf("%s: decoding a %s: %v\n%s", name, kind, err, raw)
					continue
				}
				out, err := json.Marshal(v, lenient)
				if err != nil {
					t.Errorf("%s: encoding a %s: %v", name, kind, err)
					continue
				}
				var got map[string]any
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatal(err)
				}
				w, _ := prune(e, "").(map[string]any)
				g, _ := prune(got, "").(map[string]any)
				for _, d := range servicetest.Diff(w, g) {
					t.Errorf("%s (%s) changed in the round trip: %s", name, kind, d)
				}
				// A property the table lists has a field: it must not land in
				// Extra.
				if m, ok := v.(odata.Mapped); ok {
					for k := range e {
						if _, extra := extraOf(v)[k]; extra && m.WireSchema().Prop(k) != nil {
							t.Errorf("%s: known property %q of a %s landed in Extra", name, k, kind)
						}
					}
				}
				counts[kind]++
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
	for name, s := range samples(t, "v2-samples", "calendar-rest-operations-") {
		for _, body := range [][]byte{s.ResponseBody, s.RequestBody} {
			for _, e := range entities(body) {
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
					if err == nil && has(e, "Subject") && ev.Subject == "" {
						t.Errorf("%s: Subject not decoded from v2.0", name)
					}
					if err == nil && has(e, "ReminderMinutesBeforeStart") && ev.ReminderMinutesBeforeStart == nil {
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
				w, _ := prune(e, "").(map[string]any)
				g, _ := prune(got, "").(map[string]any)
				for _, d := range servicetest.Diff(w, g) {
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
