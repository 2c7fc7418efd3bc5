package item

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/internal/tz"
)

// DateTimeLayout is the wire layout of [DateTimeTimeZone.DateTime]: a wall
// clock with seven fractional digits and no offset, as Graph writes it.
const DateTimeLayout = "2006-01-02T15:04:05.0000000"

// ErrInvalidDateTime is wrapped by the errors of [DateTimeTimeZone.Time]
// when DateTime is not a wall-clock time in [DateTimeLayout] form.
var ErrInvalidDateTime = errors.New("item: invalid dateTime")

// ErrUnknownTimeZone is wrapped by the errors of [DateTimeTimeZone.Time] when
// TimeZone is empty or names no zone the SDK can resolve. The SDK never
// substitutes UTC for a zone it does not know. A program running without an
// IANA zone database (a scratch container) gets this error for every zone
// but UTC unless it imports _ "time/tzdata"; the error then says so.
var ErrUnknownTimeZone = tz.ErrUnknownZone

// DateTimeTimeZone is a wall-clock time and the zone it is read in, as the
// services send event boundaries and flag dates. It is kept as sent (not as a
// time.Time) because the zone matters beyond the instant: all-day and
// recurring events are defined in it. Use [DateTimeTimeZone.Time] and
// [FromTime] to convert.
type DateTimeTimeZone struct {
	// DateTime is the wall clock, such as "2026-03-02T09:00:00.0000000".
	DateTime string `json:"dateTime"`
	// TimeZone is a Windows name ("W. Europe Standard Time"), an IANA name
	// ("Europe/Berlin") or "UTC". Responses use UTC unless the request asked
	// for another zone (odata.Prefer.TimeZone).
	TimeZone string `json:"timeZone,omitzero"`
}

// wireDateTimeTimeZone has the fields of DateTimeTimeZone without its methods.
type wireDateTimeTimeZone DateTimeTimeZone

// UnmarshalJSON decodes the object form, and also a bare instant with an
// offset ("2014-10-15T17:30:00Z", the Outlook API v1.0 form that some v2.0
// responses still carry), which becomes its UTC wall clock in zone "UTC".
func (d *DateTimeTimeZone) UnmarshalJSON(b []byte) error {
	if jsontext.Value(b).Kind() != '"' {
		return json.Unmarshal(b, (*wireDateTimeTimeZone)(d), decodeOptions)
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("%w: %q is neither a dateTimeTimeZone object nor an instant with an offset", ErrInvalidDateTime, s)
	}
	*d = DateTimeTimeZone{DateTime: t.UTC().Format(DateTimeLayout), TimeZone: "UTC"}
	return nil
}

// Time returns the instant d denotes, in its zone's location. DateTime may
// have 0 to 7 fractional digits and no offset. A wall clock that falls in a
// daylight-saving gap or overlap resolves as time.Date does.
//
// Errors wrap [ErrInvalidDateTime] or [ErrUnknownTimeZone].
func (d DateTimeTimeZone) Time() (time.Time, error) {
	loc, err := tz.Load(d.TimeZone)
	if err != nil {
		return time.Time{}, fmt.Errorf("item: dateTimeTimeZone: %w", err)
	}
	return parseWallClock(d.DateTime, loc)
}

// parseWallClock parses "2006-01-02T15:04:05" with an optional fraction of 1
// to 7 digits, in loc.
func parseWallClock(s string, loc *time.Location) (time.Time, error) {
	const base = len("2006-01-02T15:04:05")
	bad := func(why string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%w %q: %s (want %s, 0 to 7 fractional digits, no offset)", ErrInvalidDateTime, s, why, DateTimeLayout)
	}
	if len(s) < base {
		return bad("too short")
	}
	ns := 0
	if len(s) > base {
		frac := s[base:]
		if frac[0] != '.' {
			return bad("unexpected text after the seconds")
		}
		digits := frac[1:]
		if len(digits) == 0 || len(digits) > 7 {
			return bad(fmt.Sprintf("%d fractional digits", len(digits)))
		}
		scale := 100_000_000
		for i := 0; i < len(digits); i++ {
			c := digits[i]
			if c < '0' || c > '9' {
				return bad("fraction is not digits")
			}
			ns += int(c-'0') * scale
			scale /= 10
		}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", s[:base], loc)
	if err != nil {
		return bad(err.Error())
	}
	return t.Add(time.Duration(ns)), nil
}

// FromTime returns t as a DateTimeTimeZone in t's own zone, named by its IANA
// name ("Europe/Berlin"), which Graph accepts. When the location has no name
// the service could resolve (time.Local, a time.FixedZone) or the name does
// not give t's offset, t is converted to UTC instead, so the instant is
// always kept. Digits beyond 100ns are dropped.
func FromTime(t time.Time) DateTimeTimeZone {
	name := "UTC"
	if loc := t.Location(); loc != time.UTC && sameZone(t, loc.String()) {
		name = loc.String()
	} else {
		t = t.UTC()
	}
	return DateTimeTimeZone{DateTime: t.Format(DateTimeLayout), TimeZone: name}
}

// FromTimeWindows is [FromTime] with the zone's Windows name ("W. Europe
// Standard Time"), for servers that know only Windows names (on-premises
// Exchange is documented with them). Zones without a Windows name, and
// time.Local, are converted to UTC.
func FromTimeWindows(t time.Time) DateTimeTimeZone {
	name := "UTC"
	if w, ok := tz.WindowsName(t.Location()); ok && w != "UTC" && sameZone(t, w) {
		name = w
	} else {
		t = t.UTC()
	}
	return DateTimeTimeZone{DateTime: t.Format(DateTimeLayout), TimeZone: name}
}

// sameZone reports whether the zone name resolves to a location that gives
// t the offset it has.
func sameZone(t time.Time, name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	loc, err := tz.Load(name)
	if err != nil {
		return false
	}
	_, want := t.Zone()
	_, got := t.In(loc).Zone()
	return got == want
}
