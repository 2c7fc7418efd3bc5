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

// windowsZoneList pairs the Windows zone names tests meet most with the
// IANA zone CLDR maps each to. Others (and IANA names) go through
// time.LoadLocation.
var windowsZoneList = [][2]string{
	{"UTC", "UTC"},
	{"Pacific Standard Time", "America/Los_Angeles"},
	{"Mountain Standard Time", "America/Denver"},
	{"Central Standard Time", "America/Chicago"},
	{"Eastern Standard Time", "America/New_York"},
	{"GMT Standard Time", "Europe/London"},
	{"W. Europe Standard Time", "Europe/Berlin"},
	{"Romance Standard Time", "Europe/Paris"},
	{"Central Europe Standard Time", "Europe/Budapest"},
	{"Central European Standard Time", "Europe/Warsaw"},
	{"E. Europe Standard Time", "Europe/Chisinau"},
	{"FLE Standard Time", "Europe/Kiev"},
	{"Russian Standard Time", "Europe/Moscow"},
	{"Tokyo Standard Time", "Asia/Tokyo"},
	{"India Standard Time", "Asia/Kolkata"},
	{"China Standard Time", "Asia/Shanghai"},
	{"Singapore Standard Time", "Asia/Singapore"},
	{"AUS Eastern Standard Time", "Australia/Sydney"},
	{"New Zealand Standard Time", "Pacific/Auckland"},
	{"E. South America Standard Time", "America/Sao_Paulo"},
	{"Hawaiian Standard Time", "Pacific/Honolulu"},
	{"Alaskan Standard Time", "America/Anchorage"},
}

// windowsZones maps lower-cased Windows names to IANA names, and
// windowsNames IANA names to Windows names.
var windowsZones, windowsNames = func() (map[string]string, map[string]string) {
	z, n := map[string]string{}, map[string]string{}
	for _, p := range windowsZoneList {
		z[strings.ToLower(p[0])] = p[1]
		n[p[1]] = p[0]
		n[strings.ToLower(p[0])] = p[0]
	}
	n["Etc/UTC"], n["GMT"] = "UTC", "UTC"
	return z, n
}()

// WindowsName returns the Windows name of a zone given by its IANA or
// Windows name, as EWS names zones; false for a zone it does not know.
func WindowsName(name string) (string, bool) {
	if w, ok := windowsNames[name]; ok {
		return w, true
	}
	w, ok := windowsNames[strings.ToLower(name)]
	return w, ok
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
