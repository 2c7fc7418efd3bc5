package outlook_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/outlooktest"
)

// A client that walks through many mailboxes holds a bounded number of
// handles: the cache keeps its size, and the handles it let go of are
// forgotten once nobody holds them.
func TestMailboxCacheIsBounded(t *testing.T) {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	t.Cleanup(srv.Close)
	const n, size = 40, 8
	for i := range n {
		srv.AddMailbox(fmt.Sprintf("user%d@fabrikam.com", i), outlooktest.Cloud)
	}
	c := newClient(t, srv, outlook.ClientSecret("fabrikam.com", appID, secret), outlook.WithMailboxCacheSize(size))
	for i := range n {
		if _, err := c.Mailbox(t.Context(), fmt.Sprintf("user%d@fabrikam.com", i)); err != nil {
			t.Fatal(err)
		}
	}
	cached, evicted := c.MailboxCacheCounts()
	if cached != size || cached+evicted > n { // the collector may have taken some already
		t.Errorf("after %d mailboxes: %d cached, %d let go; want %d cached", n, cached, evicted, size)
	}
	deadline := time.Now().Add(10 * time.Second)
	for evicted > 0 && time.Now().Before(deadline) {
		runtime.GC() // the handles let go of are unreachable: their cleanups forget them
		time.Sleep(10 * time.Millisecond)
		_, evicted = c.MailboxCacheCounts()
	}
	if evicted != 0 {
		t.Errorf("%d handles nobody holds are still remembered", evicted)
	}
}

// A handle the cache let go of keeps working for whoever holds it, and
// Client.Mailbox hands out that same handle (with its request limit)
// while it is held.
func TestEvictedHandleKeepsWorking(t *testing.T) {
	srv := hybrid(t)
	c := hybridClient(t, srv, outlook.EWS, outlook.WithMailboxCacheSize(1))
	ctx := t.Context()
	alice, err := c.Mailbox(ctx, "alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Mailbox(ctx, "bob@contoso.com"); err != nil { // evicts alice's handle
		t.Fatal(err)
	}
	if cached, evicted := c.MailboxCacheCounts(); cached != 1 || evicted != 1 {
		t.Fatalf("%d cached, %d let go; want 1 and 1", cached, evicted)
	}
	got, err := inboxSubjects(ctx, alice)
	if err != nil || !slices.Equal(got, []string{"Hello from the cloud"}) {
		t.Errorf("evicted handle: inbox %q, %v", got, err)
	}
	again, err := c.Mailbox(ctx, "ALICE@contoso.com")
	if err != nil || again != alice {
		t.Errorf("Mailbox after eviction = %p, %v; want the handle still held, %p", again, err, alice)
	}
	runtime.KeepAlive(alice)
}

// The cached lookup stays under a microsecond with a full cache (design.md
// section 10): the CLOCK bit costs it no lock.
func BenchmarkMailboxCachedFullCache(b *testing.B) {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	b.Cleanup(srv.Close)
	const n = 64
	for i := range n {
		srv.AddMailbox(fmt.Sprintf("user%d@fabrikam.com", i), outlooktest.Cloud)
	}
	c := newClient(b, srv, outlook.ClientSecret("fabrikam.com", appID, secret), outlook.WithMailboxCacheSize(n))
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("user%d@fabrikam.com", i)
		if _, err := c.Mailbox(b.Context(), addrs[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer() // the fake tenant's setup is not the lookup's
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := c.Mailbox(b.Context(), addrs[i%n]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
