package jsonenc

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"
)

// referenceJSON is what the answers were encoded with before Append.
func referenceJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func checkSameJSON(t *testing.T, v any) {
	t.Helper()
	want, werr := referenceJSON(v)
	got, gerr := Append([]byte("prefix:"), v)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("Append(%#v): error %v; encoding/json: %v", v, gerr, werr)
	}
	if werr != nil {
		return
	}
	if got, ok := bytes.CutPrefix(got, []byte("prefix:")); !ok || !bytes.Equal(got, want) {
		t.Fatalf("Append(%#v)\n got %s\nwant %s", v, got, want)
	}
}

func TestAppend(t *testing.T) {
	type custom struct {
		A string `json:"a"`
		B int    `json:"b,omitempty"`
	}
	tests := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"nil map", map[string]any(nil)},
		{"nil array", []any(nil)},
		{"nil object array", []map[string]any(nil)},
		{"nil string array", []string(nil)},
		{"empty", map[string]any{"a": []any{}, "b": map[string]any{}, "c": []string{}, "d": []map[string]any{}}},
		{"key order", map[string]any{"b": 1, "a": 2, "@odata.context": 3, "B": 4, "\u00e9": 5, "": 6}},
		{"escaped keys", map[string]any{"a\"b": 1, "<k>": 2, "\x00": 3, "\xff": 4}},
		{"strings", []any{"", "plain", "<p>&amp;</p>", "\"\\/", "\b\f\n\r\t\x00\x01\x1f\x7f", "\u2028\u2029", "\xff\xfe", "caf\u00e9 \U0001F600", "a\xc3"}},
		{"floats", []any{0.0, math.Copysign(0, -1), 1.0, -1.5, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123456789012345678.0, math.MaxFloat64, math.SmallestNonzeroFloat64, 1.0 / 3}},
		{"ints", []any{0, -1, math.MaxInt64, int64(math.MinInt64)}},
		{"bools", []any{true, false}},
		{"objects in arrays", []map[string]any{{"x": 1}, nil, {"y": []any{nil, "z"}}}},
		{"raw", json.RawMessage(`{"a":1}`)},
		{"other types", map[string]any{"s": custom{A: "<x>"}, "t": time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC), "m": map[string]string{"b": "1", "a": "2"}, "f32": float32(0.1)}},
		{"NaN", math.NaN()},
		{"Inf in a map", map[string]any{"x": math.Inf(-1)}},
		{"unsupported", map[string]any{"c": make(chan int)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkSameJSON(t, tc.v) })
	}
}

// FuzzAppend holds Append to encoding/json's output for any JSON
// document (decoded into the generic values the store keeps), any string
// and any float64.
func FuzzAppend(f *testing.F) {
	f.Add([]byte(`{"subject":"caf\u00e9","n":1e-7,"a":[true,null,{"b":"\u2028"}]}`), "tab\there \xff \u2029", 1e21)
	f.Add([]byte(`[1.5,-0,123456789012345678901234567890]`), `"quoted" \ back`, 9.99e-7)
	f.Add([]byte(`"<p>&amp;</p>"`), "\x00\x1f\x7f", -1.0/3)
	f.Fuzz(func(t *testing.T, data []byte, s string, x float64) {
		var v any
		if json.Unmarshal(data, &v) == nil {
			checkSameJSON(t, v)
		}
		checkSameJSON(t, s)
		checkSameJSON(t, map[string]any{s: x})
		checkSameJSON(t, x)
	})
}
