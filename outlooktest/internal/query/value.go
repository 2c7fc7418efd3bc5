package query

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// vkind is the runtime type of a value during evaluation.
type vkind uint8

const (
	vNull vkind = iota
	vString
	vBool
	vNumber
	vTime
	vOther // an object or collection: only comparable with null
)

// val is one evaluated operand. It is passed by value so that matching a
// filter allocates nothing for plain comparisons.
type val struct {
	k vkind
	b bool
	s string
	n float64
	t time.Time
}

var nullVal = val{}

func boolVal(b bool) val { return val{k: vBool, b: b} }

// field returns m[key], matching key case-insensitively when the exact
// spelling is absent: stores keep Graph camelCase, but a test may seed an
// object with PascalCase names.
func field(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// walk follows segs from v through nested objects. A missing member, or a
// member that is not an object where one is needed, is null, as OData treats
// a missing property.
func walk(v any, segs []string) any {
	for _, s := range segs {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v, _ = field(m, s)
	}
	return v
}

// convert turns raw JSON data into a val of the kind the schema declares.
// Data that does not fit its declared kind is treated as null rather than
// failing the whole request: the schema is a promise about Graph, the seeded
// data is whatever a test wrote.
func convert(v any, k Kind) val {
	if v == nil {
		return nullVal
	}
	switch k {
	case KindString, KindEnum:
		if s, ok := v.(string); ok {
			return val{k: vString, s: s}
		}
	case KindBool:
		if b, ok := v.(bool); ok {
			return boolVal(b)
		}
	case KindNumber:
		if f, ok := number(v); ok {
			return val{k: vNumber, n: f}
		}
	case KindDateTime:
		switch x := v.(type) {
		case string:
			if t, ok := parseDataTime(x); ok {
				return val{k: vTime, t: t}
			}
		case time.Time:
			return val{k: vTime, t: x}
		}
	default:
		return val{k: vOther}
	}
	return nullVal
}

// number accepts what encoding/json produces (float64, or json.Number with
// UseNumber) and the Go integers a test may seed with.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case json.Number:
		f, err := x.Float64()
		return f, err == nil && !math.IsNaN(f)
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case float32:
		return float64(x), !math.IsNaN(float64(x))
	case uint:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	}
	return 0, false
}

// Layouts for DateTimeOffset literals: seconds are optional in OData and
// time.Parse accepts any fractional seconds after the seconds field.
var offsetLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04Z07:00",
}

// parseOffset parses a DateTimeOffset literal: a zone (Z or ±hh:mm) is
// required, as the OData ABNF requires it.
func parseOffset(s string) (time.Time, bool) {
	if t, ok := fastOffset(s); ok {
		return t, true
	}
	s = strings.ToUpper(s) // 't' and 'z' are allowed by the ABNF
	for _, l := range offsetLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseDataTime parses a date-time found in data: a DateTimeOffset as Graph
// sends it ("2024-05-02T09:12:44Z", seven fractional digits allowed) or one
// without a zone, which Graph means as UTC.
func parseDataTime(s string) (time.Time, bool) {
	if t, ok := parseOffset(s); ok {
		return t, true
	}
	s = strings.ToUpper(s)
	for _, l := range [...]string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// fastOffset parses the shape Graph sends and stores hold,
// 2024-05-02T09:12:44Z or 2024-05-02T09:12:44.1234567+02:00, several times
// faster than time.Parse: matching or sorting a page parses one per object.
// Anything else (lower-case t/z, no seconds, out-of-range fields) reports
// false and is left to time.Parse, so the two agree on every input.
func fastOffset(s string) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	if d > time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, false
	}
	i, ns := 19, 0
	if s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 || j-i-1 > 9 {
			return time.Time{}, false
		}
		frac, _ := num(i+1, j)
		for k := j - i - 1; k < 9; k++ {
			frac *= 10
		}
		ns, i = frac, j
	}
	off := 0
	switch rest := s[i:]; {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num(i+1, i+3)
		om, ok2 := num(i+4, i+6)
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off = (oh*60 + om) * 60
		if rest[0] == '-' {
			off = -off
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC)
	return t.Add(-time.Duration(off) * time.Second), true
}
