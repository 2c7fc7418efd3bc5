package faults

import (
	"strings"
	"testing"
)

func FuzzFaultMatch(f *testing.F) {
	f.Add("/users/*/messages", "/v1.0/users/a@b.c/messages")
	f.Add("/users/", "/api/v2.0/users/x")
	f.Add("[", "/x")
	f.Add("/v1.0/*/*", "/v1.0/me/messages")
	f.Fuzz(func(t *testing.T, pattern, p string) {
		fault := Rule{Path: pattern, Status: 500}
		if fault.Validate() != nil {
			return
		}
		m := fault.Matches("graph.microsoft.com", "GET", p)
		if pattern == "" && !m {
			t.Fatal("an empty pattern must match everything")
		}
		if !isGlob(pattern) && strings.HasPrefix(strings.ToLower(p), strings.ToLower(pattern)) && !m {
			t.Fatalf("prefix %q does not match %q", pattern, p)
		}
	})
}
