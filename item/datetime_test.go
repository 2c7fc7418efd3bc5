package item_test

import (
	stdjson "encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/item"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("zone %s not available: %v", name, err)
	}
	return loc
}

func TestDateTimeTimeZoneTime(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	berlin := mustLoad(t, "Europe/Berlin")
	tests := []struct {
		in      item.DateTimeTimeZone
		want    time.Time
		wantErr error
		errText string
	}{
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.0000000", TimeZone: "Pacific Standard Time"},
			want: time.Date(2026, 3, 2, 9, 0, 0, 0, la)},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00", TimeZone: "W. Europe Standard Time"},
			want: time.Date(2026, 3, 2, 9, 0, 0, 0, berlin)},
		{in: item.DateTimeTimeZone{DateTime: "2026-07-02T09:00:00.5", TimeZone: "Europe/Berlin"},
			want: time.Date(2026, 7, 2, 9, 0, 0, 500_000_000, berlin)},
		{in: item.DateTimeTimeZone{DateTime: "2026-07-02T09:00:00.1234567", TimeZone: "UTC"},
			want: time.Date(2026, 7, 2, 9, 0, 0, 123_456_700, time.UTC)},
		{in: item.DateTimeTimeZone{DateTime: "2024-02-29T23:59:59.9999999", TimeZone: "tzone://Microsoft/Utc"},
			want: time.Date(2024, 2, 29, 23, 59, 59, 999_999_900, time.UTC)},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.0000000", TimeZone: ""},
			wantErr: item.ErrUnknownTimeZone, errText: "empty"},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.0000000", TimeZone: "Atlantis Standard Time"},
			wantErr: item.ErrUnknownTimeZone, errText: "Atlantis"},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.0000000", TimeZone: "Local"},
			wantErr: item.ErrUnknownTimeZone},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.00000000", TimeZone: "UTC"},
			wantErr: item.ErrInvalidDateTime, errText: "8 fractional digits"},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.", TimeZone: "UTC"},
			wantErr: item.ErrInvalidDateTime, errText: "0 fractional digits"},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00Z", TimeZone: "UTC"},
			wantErr: item.ErrInvalidDateTime, errText: "after the seconds"},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00+01:00", TimeZone: "UTC"},
			wantErr: item.ErrInvalidDateTime},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02", TimeZone: "UTC"},
			wantErr: item.ErrInvalidDateTime, errText: "too short"},
		{in: item.DateTimeTimeZone{DateTime: "2026-02-30T09:00:00", TimeZone: "UTC"},
			wantErr: item.ErrInvalidDateTime, errText: "out of range"},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T24:00:00", TimeZone: "UTC"},
			wantErr: item.ErrInvalidDateTime},
		{in: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.12a", TimeZone: "UTC"},
			wantErr: item.ErrInvalidDateTime, errText: "not digits"},
		{in: item.DateTimeTimeZone{DateTime: "", TimeZone: "UTC"},
			wantErr: item.ErrInvalidDateTime},
	}
	for _, tc := range tests {
		t.Run(tc.in.DateTime+" "+tc.in.TimeZone, func(t *testing.T) {
			got, err := tc.in.Time()
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("Time() = %v, %v; want %v mentioning %q", got, err, tc.wantErr, tc.errText)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) || got.Location().String() != tc.want.Location().String() {
				t.Fatalf("Time() = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestFromTime(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	kolkata := mustLoad(t, "Asia/Kolkata")
	instant := time.Date(2026, 7, 2, 7, 30, 0, 123_456_789, time.UTC)
	tests := []struct {
		in          time.Time
		want        item.DateTimeTimeZone
		wantWindows item.DateTimeTimeZone
	}{
		{instant.In(berlin),
			item.DateTimeTimeZone{DateTime: "2026-07-02T09:30:00.1234567", TimeZone: "Europe/Berlin"},
			item.DateTimeTimeZone{DateTime: "2026-07-02T09:30:00.1234567", TimeZone: "W. Europe Standard Time"}},
		{instant.In(kolkata),
			item.DateTimeTimeZone{DateTime: "2026-07-02T13:00:00.1234567", TimeZone: "Asia/Kolkata"},
			item.DateTimeTimeZone{DateTime: "2026-07-02T13:00:00.1234567", TimeZone: "India Standard Time"}},
		{instant,
			item.DateTimeTimeZone{DateTime: "2026-07-02T07:30:00.1234567", TimeZone: "UTC"},
			item.DateTimeTimeZone{DateTime: "2026-07-02T07:30:00.1234567", TimeZone: "UTC"}},
		// No name the service could resolve: the instant is kept, in UTC.
		{instant.In(time.FixedZone("", 3*3600)),
			item.DateTimeTimeZone{DateTime: "2026-07-02T07:30:00.1234567", TimeZone: "UTC"},
			item.DateTimeTimeZone{DateTime: "2026-07-02T07:30:00.1234567", TimeZone: "UTC"}},
		// A fixed zone named like a real one but with another offset.
		{instant.In(time.FixedZone("Europe/Berlin", 5*3600)),
			item.DateTimeTimeZone{DateTime: "2026-07-02T07:30:00.1234567", TimeZone: "UTC"},
			item.DateTimeTimeZone{DateTime: "2026-07-02T07:30:00.1234567", TimeZone: "UTC"}},
	}
	for _, tc := range tests {
		if got := item.FromTime(tc.in); got != tc.want {
			t.Errorf("FromTime(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
		if got := item.FromTimeWindows(tc.in); got != tc.wantWindows {
			t.Errorf("FromTimeWindows(%v) = %+v, want %+v", tc.in, got, tc.wantWindows)
		}
		for _, d := range []item.DateTimeTimeZone{item.FromTime(tc.in), item.FromTimeWindows(tc.in)} {
			back, err := d.Time()
			if err != nil || !back.Equal(tc.in.Truncate(100*time.Nanosecond)) {
				t.Errorf("%+v.Time() = %v, %v; want %v", d, back, err, tc.in)
			}
		}
	}
	// time.Local has no IANA name to send.
	if got := item.FromTime(instant.In(time.Local)); got.TimeZone != "UTC" && got.TimeZone != time.Local.String() {
		t.Errorf("FromTime in time.Local = %+v", got)
	}
}

// The wire form decodes with json v2 and encoding/json alike, including the
// bare-instant form of Outlook API v1.0.
func TestDateTimeTimeZoneJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    item.DateTimeTimeZone
		wantErr bool
	}{
		{in: `{"dateTime":"2026-03-02T09:00:00.0000000","timeZone":"Pacific Standard Time"}`,
			want: item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.0000000", TimeZone: "Pacific Standard Time"}},
		{in: `"2014-10-15T17:30:00Z"`, want: item.DateTimeTimeZone{DateTime: "2014-10-15T17:30:00.0000000", TimeZone: "UTC"}},
		{in: `"2014-10-15T17:30:00-07:00"`, want: item.DateTimeTimeZone{DateTime: "2014-10-16T00:30:00.0000000", TimeZone: "UTC"}},
		{in: `null`, want: item.DateTimeTimeZone{}},
		{in: `"tomorrow"`, wantErr: true},
		{in: `42`, wantErr: true},
	}
	for _, tc := range tests {
		var v2, v1 item.DateTimeTimeZone
		err2 := json.Unmarshal([]byte(tc.in), &v2)
		err1 := stdjson.Unmarshal([]byte(tc.in), &v1)
		if tc.wantErr {
			if err2 == nil || err1 == nil {
				t.Errorf("%s: want errors, got %v / %v", tc.in, err2, err1)
			}
			continue
		}
		if err2 != nil || err1 != nil || v2 != tc.want || v1 != tc.want {
			t.Errorf("%s: json v2 %+v, %v; encoding/json %+v, %v; want %+v", tc.in, v2, err2, v1, err1, tc.want)
		}
	}
	// Encoding keeps the wire names; an empty zone is left out.
	b, err := json.Marshal(item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.0000000"})
	if err != nil || string(b) != `{"dateTime":"2026-03-02T09:00:00.0000000"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}

func FuzzDateTimeTimeZone(f *testing.F) {
	f.Add("2026-03-02T09:00:00.0000000", "Pacific Standard Time", int64(0))
	f.Add("2026-03-29T02:30:00", "W. Europe Standard Time", int64(1_700_000_000))
	f.Add("2024-02-29T23:59:59.9999999", "Asia/Kolkata", int64(-86400*365*30))
	f.Add("0001-01-01T00:00:00", "UTC", int64(253402300799))
	f.Add("2026-13-01T00:00:00", "tzone://Microsoft/Utc", int64(1))
	f.Fuzz(func(t *testing.T, dt, zone string, unix int64) {
		got, err := item.DateTimeTimeZone{DateTime: dt, TimeZone: zone}.Time()
		if err != nil {
			if !errors.Is(err, item.ErrInvalidDateTime) && !errors.Is(err, item.ErrUnknownTimeZone) {
				t.Fatalf("Time(%q, %q): untyped error %v", dt, zone, err)
			}
		} else if got.Location() == time.Local && zone != "Local" {
			t.Fatalf("Time(%q, %q) fell back to time.Local", dt, zone)
		}
		// FromTime then Time gives back the same wall clock in the same zone,
		// and the same instant outside daylight-saving overlaps.
		loc := time.UTC
		if err == nil {
			loc = got.Location()
		}
		in := time.Unix(unix%(1<<35), 0).In(loc)
		d := item.FromTime(in)
		back, err := d.Time()
		if err != nil {
			t.Fatalf("FromTime(%v) = %+v: Time: %v", in, d, err)
		}
		if back.Format(item.DateTimeLayout) != d.DateTime {
			t.Fatalf("FromTime(%v) = %+v; Time gives wall clock %s", in, d, back.Format(item.DateTimeLayout))
		}
		if diff := back.Sub(in); diff != 0 && (diff < -2*time.Hour || diff > 2*time.Hour) {
			t.Fatalf("FromTime(%v) = %+v; Time gives %v", in, d, back)
		}
	})
}
