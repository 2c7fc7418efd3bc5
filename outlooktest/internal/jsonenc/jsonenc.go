// Package jsonenc is the fake server's JSON encoder for the generic values
// the store keeps and the REST hosts render (maps, slices, strings, float64,
// bool, nil), so that answers skip encoding/json's reflection and its
// per-map key sorting through reflect.Value: on a 100-message page that was
// most of the handler's time. Its output is byte for byte what json.Encoder
// with SetEscapeHTML(false) writes (minus the trailing newline);
// FuzzAppend holds it to that. Any other type goes through encoding/json
// itself.
package jsonenc

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Append appends the JSON encoding of v to b.
func Append(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case float64:
		return appendJSONFloat(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case map[string]any:
		return appendJSONObject(b, v)
	case json.RawMessage:
		// Only the render cache's own output, already compact and valid:
		// encoding/json would compact it again, to the same bytes.
		if v == nil {
			return append(b, "null"...), nil
		}
		return append(b, v...), nil
	case []any:
		if v == nil {
			return append(b, "null"...), nil
		}
		return appendJSONArray(b, v)
	case []map[string]any:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONObject(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case []string:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, e)
		}
		return append(b, ']'), nil
	}
	return AppendReflect(b, v)
}

func appendJSONArray(b []byte, v []any) ([]byte, error) {
	b = append(b, '[')
	for i, e := range v {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = Append(b, e); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

// keyPool recycles the key slices objects are sorted with.
var keyPool = sync.Pool{New: func() any { s := make([]string, 0, 64); return &s }}

// appendJSONObject writes a map with its keys sorted, as encoding/json does.
func appendJSONObject(b []byte, v map[string]any) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	kp := keyPool.Get().(*[]string)
	keys := (*kp)[:0]
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		if b, err = Append(b, v[k]); err != nil {
			break
		}
	}
	clear(keys)
	*kp = keys[:0]
	keyPool.Put(kp)
	if err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// appendJSONFloat is encoding/json's float64 encoding: the shortest
// representation, in exponent form only for very small or large magnitudes,
// with a one-digit negative exponent unpadded ("1e-7", not "1e-07").
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return AppendReflect(b, f) // encoding/json's own error
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// quote, backslash and control characters escaped (the short forms for \b,
// \f, \n, \r, \t), invalid UTF-8 replaced by \ufffd, and U+2028 and U+2029
// escaped so that the output is also valid JavaScript.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendReflect encodes any other value through encoding/json, with the
// same settings as the fast path.
func AppendReflect(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}
