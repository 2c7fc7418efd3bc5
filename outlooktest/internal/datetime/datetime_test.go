package datetime

import (
	"testing"
	"time"
)

func TestParseAndFormat(t *testing.T) {
	for in, want := range map[string]string{
		"2024-05-02T09:00:00Z":         "2024-05-02T09:00:00Z",
		"2024-05-02T11:00:00+02:00":    "2024-05-02T09:00:00Z",
		"2024-05-02T09:00:00.1234567":  "2024-05-02T09:00:00Z", // no offset: UTC, as Graph reads it
		"2024-05-02T09:00":             "2024-05-02T09:00:00Z",
		"2024-05-02":                   "2024-05-02T00:00:00Z",
		"2024-05-02T09:00:00.9999999Z": "2024-05-02T09:00:00Z", // truncated, not rounded
	} {
		got, err := Parse(in)
		if err != nil || Format(got) != want {
			t.Errorf("Format(Parse(%q)) = %q, %v; want %q", in, Format(got), err, want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2024-13-01", "02/05/2024"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestZonesAndInstants(t *testing.T) {
	for name, want := range map[string]string{"Pacific Standard Time": "America/Los_Angeles", "utc": "UTC", "Europe/Paris": "Europe/Paris"} {
		if loc, ok := LoadZone(name); !ok || loc.String() != want {
			t.Errorf("LoadZone(%q) = %v, %v; want %s", name, loc, ok, want)
		}
	}
	for _, bad := range []string{"", "Mars Standard Time"} {
		if _, ok := LoadZone(bad); ok {
			t.Errorf("LoadZone(%q) is ok", bad)
		}
	}
	v := map[string]any{"dateTime": "2024-06-11T09:00:00.0000000", "timeZone": "W. Europe Standard Time"}
	got, ok := Instant(v)
	if want := time.Date(2024, 6, 11, 7, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("Instant(%v) = %v, %v; want %v", v, got, ok, want)
	}
	if got, ok := Instant(map[string]any{"dateTime": "2024-06-11T09:00:00", "timeZone": "Nowhere"}); !ok || got.Location() != time.UTC || got.Hour() != 9 {
		t.Errorf("an unknown zone reads as UTC: got %v, %v", got, ok)
	}
	for _, bad := range []any{nil, "2024-06-11", map[string]any{"dateTime": "soon"}} {
		if _, ok := Instant(bad); ok {
			t.Errorf("Instant(%v) is ok", bad)
		}
	}
	tokyo, _ := LoadZone("Tokyo Standard Time")
	if c := Convert(v, tokyo, "Tokyo Standard Time"); c["dateTime"] != "2024-06-11T16:00:00.0000000" || c["timeZone"] != "Tokyo Standard Time" {
		t.Errorf("Convert to Tokyo = %v", c)
	}
	if c := Convert(v, nil, ""); c["dateTime"] != "2024-06-11T07:00:00.0000000" || c["timeZone"] != "UTC" {
		t.Errorf("Convert to the default = %v; want UTC", c)
	}
	odd := map[string]any{"dateTime": "soon", "timeZone": "UTC"}
	if c := Convert(odd, tokyo, "x"); c["dateTime"] != "soon" {
		t.Errorf("Convert changed a value it cannot read: %v", c)
	}
}
