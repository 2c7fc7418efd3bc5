package calendar

import (
	"fmt"
	"time"
)

// Date is a calendar day without a time or zone: the start and end dates
// of a recurrence range (Edm.Date, "2024-06-11"). The zero Date is "no
// date"; Outlook REST v2.0 sends it as "0001-01-01" for ranges without an
// end.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a date as the services send it: "2024-06-11", or a
// date-time at midnight such as "2024-06-11T00:00:00Z" (v2.0 documents
// the range dates as datetimeoffset). "0001-01-01" is the zero Date.
func ParseDate(s string) (Date, error) {
	if len(s) < 10 {
		return Date{}, fmt.Errorf("calendar: invalid date %q: want YYYY-MM-DD", s)
	}
	t, err := time.Parse(time.DateOnly, s[:10])
	if err != nil {
		return Date{}, fmt.Errorf("calendar: invalid date %q: want YYYY-MM-DD", s)
	}
	if rest := s[10:]; rest != "" {
		full, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			full, err = time.Parse("2006-01-02T15:04:05.9999999", s)
		}
		if err != nil {
			return Date{}, fmt.Errorf("calendar: invalid date %q: want YYYY-MM-DD", s)
		}
		if h, m, sec := full.Clock(); h != 0 || m != 0 || sec != 0 || full.Nanosecond() != 0 {
			return Date{}, fmt.Errorf("calendar: invalid date %q: a date-time not at midnight", s)
		}
	}
	d := DateOf(t)
	if d == (Date{1, time.January, 1}) {
		return Date{}, nil
	}
	if !d.valid() {
		return Date{}, fmt.Errorf("calendar: invalid date %q: years run from 0001 to 9999", s)
	}
	return d, nil
}

// String returns the date as YYYY-MM-DD ("" for the zero Date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date; it lets `omitzero` leave it out.
func (d Date) IsZero() bool { return d == Date{} }

// In returns midnight of d in loc (nil means UTC).
func (d Date) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// valid reports whether d names a real day (not 2024-02-30).
func (d Date) valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && DateOf(d.In(time.UTC)) == d
}

// MarshalText writes YYYY-MM-DD; a Date that names no real day is an error.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte("0001-01-01"), nil
	}
	if !d.valid() {
		return nil, fmt.Errorf("calendar: invalid date %04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads a date as ParseDate does.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
