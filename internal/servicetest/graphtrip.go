package servicetest

import (
	stdjson "encoding/json"
	"reflect"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// GraphRoundTrip decodes sample entity e (a Graph JSON object of the kind
// named, from sample name) into v, a new model value, encodes v back, and
// reports through t every difference p finds between the two, and every
// property v's wire table knows that landed in its Extra (a known property
// must have its field). It reports whether the entity decoded.
func GraphRoundTrip(t testing.TB, name, kind string, e map[string]any, v any, p *Pruner) bool {
	t.Helper()
	raw, _ := json.Marshal(e)
	if err := json.Unmarshal(raw, v, lenient); err != nil {
		t.Errorf("%s: decoding a %s: %v\n%s", name, kind, err, raw)
		return false
	}
	out, err := json.Marshal(v, lenient)
	if err != nil {
		t.Errorf("%s: encoding a %s: %v", name, kind, err)
		return true
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: the %s encoded is not a JSON object: %v", name, kind, err)
	}
	for _, d := range p.Diff(e, got) {
		t.Errorf("%s (%s) changed in the round trip: %s", name, kind, d)
	}
	if m, ok := v.(odata.Mapped); ok {
		for k := range extraOf(v) {
			if m.WireSchema().Prop(k) != nil {
				t.Errorf("%s: known property %q of a %s landed in Extra", name, k, kind)
			}
		}
	}
	return true
}

// extraOf returns the Extra map of a model value (a pointer to a struct
// with an Extra field of unknown properties), nil when it has none.
func extraOf(v any) map[string]stdjson.RawMessage {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := rv.Elem().FieldByName("Extra")
	if !f.IsValid() || !f.CanInterface() {
		return nil
	}
	x, _ := f.Interface().(map[string]stdjson.RawMessage)
	return x
}
