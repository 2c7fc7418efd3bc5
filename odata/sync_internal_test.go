package odata

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

type syncItem struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

// A change-tracking element decodes to a change with an id, or fails with
// an error; it never panics. A removal named by a v2.0 entity id
// ("Messages('AAMk...')", quotes inside doubled) gives the key the id
// quotes, whatever characters it holds (a key may itself end in "')"); and
// any key, quoted into such an id, comes back unchanged.
func FuzzDecodeChange(f *testing.F) {
	for _, s := range []string{
		`{"id":"AAMk1","@removed":{"reason":"deleted"}}`,
		`{"@odata.context":"x/$deletedEntity","id":"Events('AAMk''1')","reason":"deleted"}`,
		`{"id":"Events('","reason":"deleted"}`,
		`{"id":"AAMk2","subject":"s"}`,
		`[]`, `{"id":3}`,
		`{"id":"Events('x'')')","reason":"deleted"}`, // the key x') is legitimate: it ends in ')
		`{"id":"Events('a'b')","reason":"deleted"}`,  // a lone quote: not well-formed
	} {
		f.Add([]byte(s), "AAMk='1')")
	}
	f.Fuzz(func(t *testing.T, data []byte, key string) {
		ch, err := decodeChange[syncItem](jsontext.Value(data))
		if err == nil {
			checkChange(t, data, ch)
		}
		if !utf8.ValidString(key) {
			return // JSON cannot carry it
		}
		raw, err := json.Marshal(map[string]string{"@odata.context": "https://x/api/v2.0/$metadata#Me/Messages/$deletedEntity",
			"id": "Messages('" + strings.ReplaceAll(key, "'", "''") + "')", "reason": "deleted"})
		if err != nil {
			t.Fatal(err)
		}
		ch, err = decodeChange[syncItem](raw)
		if err != nil || ch.Kind != Removed || ch.ID != key {
			t.Fatalf("removal of key %q (%s) = %+v, %v", key, raw, ch, err)
		}
	})
}

// checkChange checks a change decoded from data against data's own id.
func checkChange(t *testing.T, data []byte, ch Change[syncItem]) {
	t.Helper()
	var p changeProbe
	if err := json.Unmarshal(data, &p, decodeOptions); err != nil {
		t.Fatalf("decoded %s, whose id does not decode: %v", data, err)
	}
	switch ch.Kind {
	case Removed:
		if p.Removed != nil {
			if ch.ID != p.ID {
				t.Fatalf("@removed id %q became %q", p.ID, ch.ID)
			}
			return
		}
		open := strings.Index(p.ID, "('")
		if open < 0 {
			if ch.ID != p.ID {
				t.Fatalf("bare removed id %q became %q", p.ID, ch.ID)
			}
			return
		}
		quoted := p.ID[open+2 : len(p.ID)-2]
		if wellQuoted(quoted) && strings.ReplaceAll(ch.ID, "'", "''") != quoted {
			t.Fatalf("removed id %q gave key %q", p.ID, ch.ID)
		}
	case Upserted:
		if ch.Item == nil || ch.Item.ID != ch.ID || ch.ID != p.ID {
			t.Fatalf("upserted %+v from id %q", ch, p.ID)
		}
	default:
		t.Fatalf("kind %v", ch.Kind)
	}
}

// wellQuoted reports whether every quote of an OData string literal's body
// is doubled.
func wellQuoted(s string) bool {
	return !strings.Contains(strings.ReplaceAll(s, "''", ""), "'")
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
