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

// round lists a whole round from cur, n changes at a time, calling between
// after the first page; it returns the changes and the next round's cursor.
func round(m *Mailbox, sc Scope, cur Cursor, n int, between func()) ([]Change, Cursor) {
	var out []Change
	for page := 0; ; page++ {
		var rest []Change
		for _, ch := range m.Changes(sc, cur, nil) {
			if ch.After(cur) {
				rest = append(rest, ch)
			}
		}
		if len(rest) == 0 {
			return out, m.NextRound(cur)
		}
		rest = rest[:min(n, len(rest))]
		out = append(out, rest...)
		cur = cur.Advance(rest[len(rest)-1])
		if page == 0 && between != nil {
			between()
		}
	}
}

// An entity removed during a first round, after the round listed it, is a
// removal of the next round (issue 16 item 9).
func TestRemovalDuringFirstRoundIsInTheNextRound(t *testing.T) {
	st := New(time.Now)
	m := st.EnsureMailbox("alice@contoso.com")
	inbox := m.WellKnown("inbox")
	for range 6 {
		if _, err := m.Seed("messages", Object{"subject": "x"}); err != nil {
			t.Fatal(err)
		}
	}
	sc := Scope{Key: "messages:" + inbox, Set: "messages", Parent: inbox, Member: func(e *Entity) bool { return e.parent == inbox }}
	var gone string
	first, next := round(m, sc, m.FirstRound(sc.Key), 2, func() {
		gone = m.List("messages", func(e *Entity) bool { return e.parent == inbox })[0].id
		m.Delete(m.Lookup("messages", gone))
	})
	for _, ch := range first {
		if ch.Entity == nil {
			t.Errorf("the first round reported a removal (%s); it lists current items only", ch.Removed)
		}
	}
	second, _ := round(m, sc, next, 2, nil)
	var removed []string
	for _, ch := range second {
		if ch.Entity == nil {
			removed = append(removed, ch.Removed)
		} else {
			t.Errorf("the second round reported %s, unchanged since the first round listed it", ch.Entity.id)
		}
	}
	if len(removed) != 1 || removed[0] != gone {
		t.Errorf("the second round removed %v; want [%s]", removed, gone)
	}
}
