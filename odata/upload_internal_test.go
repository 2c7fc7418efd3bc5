package odata

import (
	"strings"
	"testing"
)

func TestParseRangesAndLocation(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want int64
		ok   bool
	}{{[]string{"0-"}, 0, true}, {[]string{"2097152"}, 2097152, true}, {[]string{"12-99", "200-"}, 12, true}, {nil, 0, false}, {[]string{"x-"}, 0, false}, {[]string{"-5"}, 0, false}} {
		got, ok := parseRanges(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRanges(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for in, want := range map[string]string{
		"https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/Attachments('AAMk=')": "AAMk=",
		"https://graph.microsoft.com/v1.0/me/messages/m/attachments/AAMk2":                  "AAMk2",
		"": "",
	} {
		if got := idFromLocation(in); got != want {
			t.Errorf("idFromLocation(%q) = %q, want %q", in, got, want)
		}
	}
}

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

func FuzzIDFromLocation(f *testing.F) {
	for _, s := range []string{
		"https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/Attachments('AAMk=')",
		"https://graph.microsoft.com/v1.0/me/messages/m/attachments/AAMk2", "", "('')", "%zz", "/a/b('x''y')", "(')", // found by fuzzing: the quotes overlap
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := idFromLocation(s)
		if strings.Contains(id, "/") && !strings.Contains(s, "('") {
			t.Fatalf("idFromLocation(%q) = %q holds a path separator", s, id)
		}
	})
}
