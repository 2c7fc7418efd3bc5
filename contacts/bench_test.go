package contacts_test

import (
	"fmt"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/outlooktest"
)

// BenchmarkListContacts lists 200 full contacts against the fake, in
// both dialects (the v2.0 run includes the dialect translation).
func BenchmarkListContacts(b *testing.B) {
	for _, loc := range []servicetest.Location{cloud, rest} {
		b.Run(string(loc), func(b *testing.B) {
			e := newEnv(b, loc)
			raw, _ := json.Marshal(fullContact())
			var obj outlooktest.Object
			if err := json.Unmarshal(raw, &obj); err != nil {
				b.Fatal(err)
			}
			for i := range 200 {
				obj["displayName"] = fmt.Sprint("c", i)
				e.Box.Add("contacts", obj)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				n := 0
				for _, err := range e.MB.Contacts.ListContacts(b.Context(), contacts.DefaultFolder, nil) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 200 {
					b.Fatalf("%d contacts", n)
				}
			}
		})
	}
}

// BenchmarkDecodeContact decodes one full contact in Graph form.
func BenchmarkDecodeContact(b *testing.B) {
	raw, _ := json.Marshal(fullContact())
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var c contacts.Contact
		if err := json.Unmarshal(raw, &c, lenient); err != nil {
			b.Fatal(err)
		}
	}
}
