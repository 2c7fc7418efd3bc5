// Package datetime reads and writes the date and time forms of the Graph and
// Outlook REST v2.0 wire: Edm.DateTimeOffset strings, dateTimeTimeZone
// values ({"dateTime": ..., "timeZone": ...}) and the time zone names
// Exchange takes (IANA names and the Windows names tests meet most).
package datetime

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // outlook.timezone and event zones must not depend on the host's zoneinfo
)

// Format is how Graph writes an Edm.DateTimeOffset.
func Format(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
}

// Parse reads an ISO 8601 date-time with or without offset (none means UTC,
// as Graph reads it) or a bare date.
func Parse(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an ISO 8601 date-time: %q", s)
}

// windowsZones maps the Windows zone names tests meet most to IANA names.
// Others (and IANA names) go through time.LoadLocation.
var windowsZones = map[string]string{
	"utc":                            "UTC",
	"pacific standard time":          "America/Los_Angeles",
	"mountain standard time":         "America/Denver",
	"central standard time":          "America/Chicago",
	"eastern standard time":          "America/New_York",
	"gmt standard time":              "Europe/London",
	"w. europe standard time":        "Europe/Berlin",
	"romance standard time":          "Europe/Paris",
	"central europe standard time":   "Europe/Budapest",
	"tokyo standard time":            "Asia/Tokyo",
	"india standard time":            "Asia/Kolkata",
	"china standard time":            "Asia/Shanghai",
	"aus eastern standard time":      "Australia/Sydney",
	"e. south america standard time": "America/Sao_Paulo",
}

// LoadZone returns the location of a zone name, IANA or Windows.
func LoadZone(name string) (*time.Location, bool) {
	if name == "" {
		return nil, false
	}
	if iana, ok := windowsZones[strings.ToLower(name)]; ok {
		name = iana
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// Instant reads a dateTimeTimeZone value as an instant. A zone the server
// does not know reads as UTC.
func Instant(v any) (time.Time, bool) {
	o, ok := v.(map[string]any)
	if !ok {
		return time.Time{}, false
	}
	dt, _ := o["dateTime"].(string)
	tz, _ := o["timeZone"].(string)
	loc, ok := LoadZone(tz)
	if !ok {
		loc = time.UTC
	}
	for _, layout := range []string{"2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, dt, loc); err == nil {
			return t, true
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, dt); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// Convert expresses a dateTimeTimeZone in loc (UTC when nil), named name,
// as Graph answers event times: in UTC unless Prefer: outlook.timezone asks
// otherwise. A value it cannot read is returned unchanged.
func Convert(v map[string]any, loc *time.Location, name string) map[string]any {
	t, ok := Instant(v)
	if !ok {
		return v
	}
	if loc == nil {
		loc, name = time.UTC, "UTC"
	}
	return map[string]any{"dateTime": t.In(loc).Format("2006-01-02T15:04:05.0000000"), "timeZone": name}
}
