package mail

import (
	"strings"
	"testing"
)

func FuzzParseRanges(f *testing.F) {
	for _, s := range []string{"0-", "2097152", "12-99", "-5", "x", "", "9223372036854775807-", "1-2,3-4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseRanges([]string{s})
		if ok && n < 0 {
			t.Fatalf("parseRanges(%q) = %d, true: negative offset", s, n)
		}
		if !ok && n != 0 {
			t.Fatalf("parseRanges(%q) = %d, false", s, n)
		}
	})
}

func FuzzAttachmentIDFromLocation(f *testing.F) {
	for _, s := range []string{
		"https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/Attachments('AAMk=')",
		"https://graph.microsoft.com/v1.0/me/messages/m/attachments/AAMk2", "", "('')", "%zz", "/a/b('x''y')", "(')", // found by fuzzing: the quotes overlap
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := attachmentIDFromLocation(s)
		if strings.Contains(id, "/") && !strings.Contains(s, "('") {
			t.Fatalf("attachmentIDFromLocation(%q) = %q holds a path separator", s, id)
		}
	})
}

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
