package calendar_test

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/calendar"
)

// A date either fails to parse or parses to a day that prints and parses
// back to itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-06-11", "0001-01-01", "2024-02-29", "2023-02-29", "2024-06-11T00:00:00Z",
		"2024-06-11T00:00:00.0000000", "9999-12-31", "2024-06-11T00:00:00+14:00", "", "2024-06-1", "2024-06-11T01:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return
		}
		if d.IsZero() {
			return
		}
		b, err := d.MarshalText()
		if err != nil {
			t.Fatalf("ParseDate(%q) = %v, which does not marshal: %v", s, d, err)
		}
		again, err := calendar.ParseDate(string(b))
		if err != nil || again != d {
			t.Fatalf("%q -> %v -> %s -> %v, %v", s, d, b, again, err)
		}
	})
}

// Recurrence JSON either fails to decode, or decodes, encodes and decodes
// again to the same value; Validate never panics. Unknown properties are
// kept as JSON values, not as bytes: `[1, 2]` may come back as `[1,2]` and
// `"\u0041"` as `"A"`, so they compare in canonical form (RFC 8785).
func FuzzRecurrence(f *testing.F) {
	for _, s := range []string{
		`{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["tuesday"],"index":"second"},"range":{"type":"numbered","startDate":"2024-06-11","numberOfOccurrences":6}}`,
		`{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["Monday","wednesday"],"firstDayOfWeek":"sunday","index":"first","dayOfMonth":0,"month":0},"range":{"type":"endDate","startDate":"2024-06-11","endDate":"2024-12-31","recurrenceTimeZone":"UTC","numberOfOccurrences":0}}`,
		`{"pattern":{"type":"daily","interval":"1"},"range":{"type":"noEnd","startDate":"2024-06-11","endDate":"0001-01-01"}}`,
		`{"Pattern":{},"range":{"startDate":"2024-02-30"}}`,
		`{"pattern":{"type":"absoluteYearly","interval":1,"dayOfMonth":31,"month":2},"range":{"type":"numbered","startDate":"2024-06-11T00:00:00Z","numberOfOccurrences":-1},"recurrenceTimeZone":"x"}`,
		`{"pattern":{},"range":{},"x": [1, 2],"y":"\u0041","z":{"b":1.0e0,"a":[]}}`, // unknown JSON, not in canonical form
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r calendar.PatternedRecurrence
		if json.Unmarshal(data, &r) != nil {
			return
		}
		_ = r.Validate()
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", r, err)
		}
		var again calendar.PatternedRecurrence
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		if !reflect.DeepEqual(normal(t, r), normal(t, again)) {
			t.Fatalf("round trip changed\n%+v\n%+v", r, again)
		}
	})
}

// normal treats nil and empty slices and maps alike, and puts unknown
// JSON in canonical form.
func normal(t *testing.T, r calendar.PatternedRecurrence) calendar.PatternedRecurrence {
	t.Helper()
	if len(r.Pattern.DaysOfWeek) == 0 {
		r.Pattern.DaysOfWeek = nil
	}
	if len(r.Extra) == 0 {
		r.Extra = nil
	}
	if r.Extra != nil {
		extra := maps.Clone(r.Extra)
		for k, v := range extra {
			c := jsontext.Value(slices.Clone(v))
			if err := c.Canonicalize(); err != nil {
				t.Fatalf("unknown property %q holds %s, which is not JSON: %v", k, v, err)
			}
			extra[k] = append(v[:0:0], c...) // v's type, whichever byte slice Extra holds
		}
		r.Extra = extra
	}
	return r
}

// An event either fails to decode or re-encodes to JSON that decodes to
// the same event.
func FuzzEventDecode(f *testing.F) {
	for _, s := range []string{
		`{"subject":"s","isReminderOn":"true","reminderMinutesBeforeStart":"15","start":{"dateTime":"2024-06-11T14:00:00","timeZone":"UTC"}}`,
		`{"showAs":"OOF","type":"SeriesMaster","attendees":[{"type":"Required","status":{"response":"accepted","time":"2024-06-11T14:00:00Z"}}]}`,
		`{"recurrence":null,"iCalUId":"x","isReminderOn":false,"reminderMinutesBeforeStart":0,"acme":{"a":[1]}}`,
		`{"reminderMinutesBeforeStart":"-2147483648","responseRequested":false}`,
		`{"2":8,"2 1":{}}`, // found by the fuzzer: Extra's order must not matter
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var e calendar.Event
		if json.Unmarshal(data, &e) != nil {
			return
		}
		b, err := json.Marshal(&e, json.Deterministic(true)) // Extra is a map
		if err != nil {
			return // a decoded unknown property may not re-encode (invalid UTF-8)
		}
		var again calendar.Event
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		b2, err := json.Marshal(&again, json.Deterministic(true))
		if err != nil || string(b) != string(b2) {
			t.Fatalf("round trip changed\n%s\n%s (%v)", b, b2, err)
		}
	})
}
