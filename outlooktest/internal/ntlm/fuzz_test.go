package ntlm

import (
	"testing"
	"time"
)

// The message parsers read what any client sends: they must refuse bad
// input with an error, never panic or read outside the message, and never
// accept a response without the password.
func FuzzParse(f *testing.F) {
	ch := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	f.Add(authenticate("svc", "CONTOSO", "S3cret!", ch, now))
	f.Add([]byte("NTLMSSP\x00\x01\x00\x00\x00\x07\x82\x08\xa2"))
	f.Add(Challenge(nil, Target{"A", "B", "a.example", "b.a.example"}, ch, now))
	f.Add([]byte("NTLMSSP\x00\x03\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := ParseNegotiate(b); err == nil && len(b) < 16 {
			t.Fatalf("ParseNegotiate took %d bytes", len(b))
		}
		a, err := ParseAuthenticate(b)
		if err != nil {
			return
		}
		if Verify(a, ch, NTHash("not the password"), now) == nil {
			t.Fatalf("Verify accepted a fuzzed message for a password it was not made with: user %q", a.User)
		}
	})
}
