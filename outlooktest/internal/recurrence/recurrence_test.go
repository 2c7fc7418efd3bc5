package recurrence

import (
	"encoding/base64"
	"slices"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

func master(start, zone string, pattern, rng schema.Object) schema.Object {
	st, _ := time.Parse("2006-01-02T15:04", start)
	return schema.Object{
		"start":      schema.Object{"dateTime": st.Format("2006-01-02T15:04:05"), "timeZone": zone},
		"end":        schema.Object{"dateTime": st.Add(time.Hour).Format("2006-01-02T15:04:05"), "timeZone": zone},
		"recurrence": schema.Object{"pattern": pattern, "range": rng},
	}
}

func TestExpand(t *testing.T) {
	jan, feb := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	years := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	numbered := func(n int) schema.Object { return schema.Object{"type": "numbered", "numberOfOccurrences": float64(n)} }
	for _, tc := range []struct {
		name     string
		master   schema.Object
		from, to time.Time
		want     []string // local start date-times
	}{
		{"daily every other day", master("2024-01-01T09:00", "UTC", schema.Object{"type": "daily", "interval": float64(2)}, numbered(3)), jan, feb,
			[]string{"2024-01-01T09:00", "2024-01-03T09:00", "2024-01-05T09:00"}},
		{"weekly on two days to an end date", master("2024-01-01T09:00", "UTC", schema.Object{"type": "weekly", "daysOfWeek": []any{"monday", "Wednesday"}},
			schema.Object{"type": "endDate", "endDate": "2024-01-10"}), jan, feb,
			[]string{"2024-01-01T09:00", "2024-01-03T09:00", "2024-01-08T09:00", "2024-01-10T09:00"}},
		{"monthly on the 31st, clamped", master("2024-01-31T09:00", "UTC", schema.Object{"type": "absoluteMonthly", "dayOfMonth": float64(31)},
			schema.Object{"type": "numbered", "numberOfOccurrences": float64(3), "startDate": "2024-01-31"}), jan, years,
			[]string{"2024-01-31T09:00", "2024-02-29T09:00", "2024-03-31T09:00"}},
		{"second Tuesday", master("2024-01-01T09:00", "UTC", schema.Object{"type": "relativeMonthly", "daysOfWeek": []any{"tuesday"}, "index": "second"}, numbered(2)), jan, years,
			[]string{"2024-01-09T09:00", "2024-02-13T09:00"}},
		{"yearly on 29 February, clamped", master("2024-02-29T09:00", "UTC", schema.Object{"type": "absoluteYearly", "month": float64(2), "dayOfMonth": float64(29)}, numbered(2)), jan, years,
			[]string{"2024-02-29T09:00", "2025-02-28T09:00"}},
		{"last Friday of May", master("2024-01-01T09:00", "UTC", schema.Object{"type": "relativeYearly", "month": float64(5), "daysOfWeek": []any{"friday"}, "index": "last"}, numbered(1)), jan, years,
			[]string{"2024-05-31T09:00"}},
		{"no end, only the window", master("2024-01-01T09:00", "UTC", schema.Object{"type": "daily"}, schema.Object{"type": "noEnd"}),
			time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 12, 0, 0, 0, 0, time.UTC),
			[]string{"2024-01-10T09:00", "2024-01-11T09:00"}},
		{"wall time kept over a DST change", master("2024-03-30T09:00", "W. Europe Standard Time", schema.Object{"type": "daily"}, numbered(2)), jan, years,
			[]string{"2024-03-30T09:00", "2024-03-31T09:00"}},
		{"unknown pattern", master("2024-01-01T09:00", "UTC", schema.Object{"type": "hourly"}, numbered(2)), jan, years, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, o := range Expand("M", tc.master, tc.from, tc.to) {
				st := o["start"].(schema.Object)
				got = append(got, st["dateTime"].(string)[:16])
				if o["type"] != "occurrence" || o["seriesMasterId"] != "M" || o["recurrence"] != nil {
					t.Errorf("occurrence %v: want type occurrence, seriesMasterId M and no recurrence", o)
				}
				day, _ := time.Parse("2006-01-02", st["dateTime"].(string)[:10])
				if m, d, ok := ParseOccurrenceID(o["id"].(string)); !ok || m != "M" || !d.Equal(day) {
					t.Errorf("id %v parses to %q, %v, %v", o["id"], m, d, ok)
				}
				if en := o["end"].(schema.Object)["dateTime"].(string); en[11:16] != "10:00" {
					t.Errorf("occurrence of %s ends at %s; want 10:00, an hour later", st["dateTime"], en)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("starts %q; want %q", got, tc.want)
			}
		})
	}
}

func TestParseOccurrenceID(t *testing.T) {
	for _, id := range []string{"AAMkAGx", "AAMkAG_OCC2024", "AAMkAG_OCCnotadate", ""} {
		if _, _, ok := ParseOccurrenceID(id); ok {
			t.Errorf("ParseOccurrenceID(%q) is ok; want not an occurrence", id)
		}
	}
	day := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	if m, d, ok := ParseOccurrenceID(OccurrenceID("A_OCC_B", day)); !ok || m != "A_OCC_B" || !d.Equal(day) {
		t.Errorf("round trip: %q %v %v", m, d, ok)
	}
}

// An occurrence of a master with an Exchange id has an Exchange id too:
// standard base64 once the REST alphabet is undone, so EWS clients take it.
func TestOccurrenceIDIsBase64(t *testing.T) {
	day := time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC)
	master := ids.Item()
	occ := OccurrenceID(master, day)
	if _, err := base64.StdEncoding.DecodeString(ids.EWSFromREST(occ)); err != nil {
		t.Fatalf("occurrence id %q is not base64: %v", occ, err)
	}
	if m, d, ok := ParseOccurrenceID(occ); !ok || m != master || !d.Equal(day) {
		t.Errorf("ParseOccurrenceID(%q) = %q, %v, %v", occ, m, d, ok)
	}
	if _, _, ok := ParseOccurrenceID(master); ok {
		t.Errorf("a master's id %q parses as an occurrence's", master)
	}
}
