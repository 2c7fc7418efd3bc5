package mail

import "testing"

func FuzzTypeName(f *testing.F) {
	for _, s := range []string{"#microsoft.graph.fileAttachment", "#Microsoft.OutlookServices.ItemAttachment", "#microsoft.graph.", "", "eventMessage", "#x", "A0", "microsoft.graph.fileAttachment"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := typeName([]byte(s))
		// After one encoding, decoding and encoding again is stable.
		n1 := typeName(typeValue(n))
		if n2 := typeName(typeValue(n1)); n2 != n1 {
			t.Fatalf("%q: typeName(typeValue(%q)) = %q", s, n1, n2)
		}
	})
}
