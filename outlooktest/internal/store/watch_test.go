package store

import (
	"slices"
	"testing"
	"time"
)

// A watch sees each write at the release that follows it, under the lock,
// with the store as that write left it, until it is done or stopped; Await
// closes its channel once, at the first release its condition holds.
func TestWatchSeesEachWrite(t *testing.T) {
	st := New(time.Now)
	m := st.EnsureMailbox("bob@contoso.com")
	var seen []uint64
	base := m.Seq()
	st.Lock()
	stop := st.Watch(func() bool {
		if !st.mu.TryLock() {
			seen = append(seen, m.Seq())
		} else {
			st.mu.Unlock()
			t.Error("a watch ran without the lock")
		}
		return m.Seq() >= base+3
	})
	changed, _ := st.Await(func() bool { return m.Seq() >= base+2 })
	st.Unlock()
	write := func() {
		st.Lock()
		if _, err := m.Create("contacts", m.defaultContacts, Object{"displayName": "Dana"}, true); err != nil {
			t.Fatal(err)
		}
		st.Unlock()
	}
	for range 3 {
		write()
		select {
		case <-changed:
			if m.Seq() < base+2 {
				t.Fatalf("Await fired at sequence %d", m.Seq())
			}
		default:
		}
	}
	select {
	case <-changed:
	default:
		t.Fatal("Await's channel did not close")
	}
	stop() // after done: harmless
	// The release that registered it, then each write's.
	if want := []uint64{base, base + 1, base + 2, base + 3}; !slices.Equal(seen, want) {
		t.Fatalf("the watch saw sequences %v, want %v", seen, want)
	}
	n := len(seen)
	write()
	if len(seen) != n {
		t.Errorf("a watch that was done ran again: %v", seen)
	}
	st.Lock()
	quit := st.Watch(func() bool { seen = append(seen, 0); return false })
	st.Unlock()
	quit()
	n = len(seen)
	write()
	if len(seen) != n {
		t.Errorf("a stopped watch ran: %v", seen)
	}
}
