package rest

import (
	"slices"
	"strings"
	"testing"
)

func TestSearchTerms(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`"displayName:ad" OR "mail:ad"`, []string{"ad", "ad"}},
		{`"displayName:a \"b\" \\c"`, []string{`a "b" \c`}},
		{`"mail:x:y"`, []string{"x:y"}},
		{`ad`, nil},
		{`"displayName:ad" AND "mail:ad"`, nil},
		{`"displayName:ad`, nil},
		{`"ad"`, nil},
		{`"displayName: "`, nil},
	} {
		got, ok := SearchTerms(c.in)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("SearchTerms(%s) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

// The reader of $search takes any input without panicking, and reads back
// the clauses a client writes.
func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{`"displayName:ad" OR "mail:ad"`, `"displayName:a\"b"`, `"x`, `"a:b" OR`, `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms, ok := SearchTerms(s)
		for _, term := range terms {
			if ok && strings.TrimSpace(term) == "" {
				t.Fatalf("SearchTerms(%q) gave an empty term", s)
			}
		}
		if strings.TrimSpace(s) == "" {
			return
		}
		e := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
		got, ok := SearchTerms(`"displayName:` + e + `" OR "mail:` + e + `"`)
		if !ok || !slices.Equal(got, []string{s, s}) {
			t.Fatalf("the clauses of %q read as %q, %v", s, got, ok)
		}
	})
}
