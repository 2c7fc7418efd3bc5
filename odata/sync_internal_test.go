package odata

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

type syncItem struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

// A change-tracking element decodes to a change with an id, or fails with
// an error; it never panics.
func FuzzDecodeChange(f *testing.F) {
	for _, s := range []string{
		`{"id":"AAMk1","@removed":{"reason":"deleted"}}`,
		`{"@odata.context":"x/$deletedEntity","id":"Events('AAMk''1')","reason":"deleted"}`,
		`{"id":"Events('","reason":"deleted"}`,
		`{"id":"AAMk2","subject":"s"}`,
		`[]`, `{"id":3}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ch, err := decodeChange[syncItem](jsontext.Value(data))
		if err != nil {
			return
		}
		switch ch.Kind {
		case Removed:
			if strings.Contains(string(data), "Events('") && strings.HasSuffix(ch.ID, "')") {
				t.Fatalf("removed id %q kept its wrapper", ch.ID)
			}
		case Upserted:
			if ch.Item == nil || ch.Item.ID != ch.ID {
				t.Fatalf("upserted %+v", ch)
			}
		default:
			t.Fatalf("kind %v", ch.Kind)
		}
	})
}

func TestKeyFromEntityID(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Events('AAMk1')", "AAMk1"}, {"Messages('O''Brien')", "O'Brien"}, {"AAMk1", "AAMk1"},
	} {
		if got, err := keyFromEntityID(c.in); err != nil || got != c.want {
			t.Errorf("keyFromEntityID(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := keyFromEntityID("Events('x"); err == nil {
		t.Error("unterminated key: no error")
	}
}
