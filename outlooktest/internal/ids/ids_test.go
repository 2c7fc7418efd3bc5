package ids

import (
	"encoding/base64"
	"regexp"
	"testing"
)

func TestIDs(t *testing.T) {
	item := regexp.MustCompile(`^AAMkAG[A-Za-z0-9_-]{45}=$`)
	guid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id, g := Item(), GUID()
		if !item.MatchString(id) || seen[id] {
			t.Fatalf("Item() = %q: not a fresh URL-safe Exchange id", id)
		}
		ews := EWSFromREST(id)
		if b, err := base64.StdEncoding.DecodeString(ews); err != nil || len(b) != itemBytes || EWSToREST(ews) != id {
			t.Fatalf("Item() = %q: its EWS form %q is not standard base64 of %d bytes that maps back (%v)", id, ews, itemBytes, err)
		}
		if m := guid.FindStringSubmatch(g); m == nil || m[1] != "4" || seen[g] {
			t.Fatalf("GUID() = %q: not a fresh version-4 GUID", g)
		}
		seen[id], seen[g] = true, true
	}
	a, b := FromName("tenant:contoso.com"), FromName("tenant:fabrikam.com")
	if m := guid.FindStringSubmatch(a); m == nil || m[1] != "8" || a != FromName("tenant:contoso.com") || a == b {
		t.Errorf("FromName: %q, %q; want stable, distinct version-8 GUIDs", a, b)
	}
	if User("Alice@Contoso.com") != User("alice@contoso.com") || User("alice@contoso.com") == User("bob@contoso.com") {
		t.Error("User must ignore the case of the address, and tell users apart")
	}
	if tok := Token(32); len(tok) != 43 || tok == Token(32) {
		t.Errorf("Token(32) = %q: want 43 fresh base64url characters", tok)
	}
}

// The REST alphabet is Office.js's: '/' is written '-' and '+' '_'.
func TestRESTAlphabet(t *testing.T) {
	const ews = "AAMk+/8="
	if got := EWSToREST(ews); got != "AAMk_-8=" {
		t.Errorf("EWSToREST(%q) = %q; want AAMk_-8=", ews, got)
	}
	if got := EWSFromREST("AAMk_-8="); got != ews {
		t.Errorf("EWSFromREST = %q; want %q", got, ews)
	}
}

func TestWellFormed(t *testing.T) {
	for _, c := range []struct {
		id   string
		want bool
	}{
		{Item(), true},
		{"AAMkAGnope", false},       // not base64 (length)
		{"AAAA", false},             // base64, too short for an id
		{"AAMkAGI2THVSAAA=", false}, // 11 bytes
		{"AAMkAGI2TG93AAA-AAAAAAEMAAAAAAAAAAAAAAA=", true},  // REST alphabet
		{"AAMkAGI2TG93AAA/AAAAAAEMAAAAAAAAAAAAAAA=", false}, // EWS alphabet
		{"AAMkAGI2TG93AAA-AAAAAAEMAAAAAAAAAAAAAAA", false},  // padding dropped
		{"not an id at all", false},
		{"", false},
	} {
		if got := WellFormed(c.id); got != c.want {
			t.Errorf("WellFormed(%q) = %v; want %v", c.id, got, c.want)
		}
	}
}
