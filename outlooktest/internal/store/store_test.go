package store

import (
	"strings"
	"testing"
	"time"
)

func TestEnsureMailboxIsIdempotent(t *testing.T) {
	st := New(time.Now)
	a := st.EnsureMailbox("alice@contoso.com")
	if b := st.EnsureMailbox("ALICE@contoso.com"); a != b {
		t.Fatal("EnsureMailbox created a second mailbox for the same address in another case")
	}
	if m, ok := st.Mailbox(a.id); !ok || m != a {
		t.Error("the mailbox is not found by its user id")
	}
	if a.Address() != "alice@contoso.com" {
		t.Errorf("Address = %q", a.Address())
	}
	if _, ok := st.Mailbox("bob@contoso.com"); ok {
		t.Error("an unknown mailbox was found")
	}
}

func TestCursorsAreSigned(t *testing.T) {
	st := New(time.Now)
	tok := st.SealCursor(Cursor{Mailbox: "m", Scope: "messages:x", Since: 4})
	got, ok := st.OpenCursor(tok)
	if !ok || got.Since != 4 || got.Scope != "messages:x" {
		t.Fatalf("decode(encode) = %+v, %v", got, ok)
	}
	for _, bad := range []string{"", "x", tok + "x", "A" + tok, strings.Replace(tok, ".", "", 1), New(time.Now).SealCursor(Cursor{Since: 4})} {
		if _, ok := st.OpenCursor(bad); ok {
			t.Errorf("token %q accepted", bad)
		}
	}
}
