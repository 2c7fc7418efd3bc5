package hosts

import (
	"strings"
	"testing"
)

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"alice@contoso.com", "A@B.C", "@x.com", "a@", "a@b", "a@@b.c", "a b@c.d", "a@-b.c", "a@b..c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, domain, err := ParseAddress(s)
		if err != nil {
			return
		}
		if addr != strings.ToLower(addr) || !strings.HasSuffix(addr, "@"+domain) || !Valid(domain) {
			t.Fatalf("ParseAddress(%q) = %q, %q", s, addr, domain)
		}
		if a2, d2, err := ParseAddress(addr); err != nil || a2 != addr || d2 != domain {
			t.Fatalf("ParseAddress is not idempotent on %q: %q, %q, %v", addr, a2, d2, err)
		}
	})
}
