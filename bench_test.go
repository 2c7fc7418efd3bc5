package outlook_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/outlooktest"
)

// BenchmarkMailboxCached measures Client.Mailbox for a mailbox already
// located: no network, and (design.md section 10) under a microsecond with
// no allocation.
func BenchmarkMailboxCached(b *testing.B) {
	srv := hybrid(b)
	c := newClient(b, srv, outlook.ClientSecret("contoso.com", appID, secret))
	ctx := context.Background()
	if _, err := c.Mailbox(ctx, "bob@contoso.com"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Mailbox(ctx, "bob@contoso.com"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMailboxCachedDoesNotAllocate(t *testing.T) {
	srv := hybrid(t)
	c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret))
	ctx := context.Background()
	if _, err := c.Mailbox(ctx, "alice@contoso.com"); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() { c.Mailbox(ctx, "alice@contoso.com") }); n != 0 {
		t.Errorf("cached Mailbox allocates %v times", n)
	}
}

// TestColdMailboxesOneDiscoveryEach makes 1000 concurrent Mailbox calls for
// 100 mailboxes of one domain on a cold client: each mailbox is discovered
// with exactly one Autodiscover request, whether the client keeps every
// handle or only 10 of them.
func TestColdMailboxesOneDiscoveryEach(t *testing.T) {
	for _, size := range []int{outlook.DefaultMailboxCacheSize, 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			t.Parallel()
			srv := outlooktest.NewServer()
			t.Cleanup(srv.Close)
			for i := range 100 {
				srv.AddMailbox(fmt.Sprintf("user%d@fabrikam.com", i), outlooktest.Cloud)
			}
			srv.ResetRequests()
			c := newClient(t, srv, outlook.ClientSecret("fabrikam.com", appID, secret), outlook.WithMailboxCacheSize(size))
			var wg sync.WaitGroup
			errs := make(chan error, 1000)
			for i := range 1000 {
				wg.Go(func() {
					_, err := c.Mailbox(t.Context(), fmt.Sprintf("user%d@fabrikam.com", i%100))
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			per := map[string]int{}
			for _, r := range srv.Requests() {
				if r.Host == "autodiscover-s.outlook.com" {
					per[r.Path+"?"+r.RawQuery]++
				}
			}
			if len(per) != 100 {
				t.Errorf("%d distinct autodiscover requests, want 100", len(per))
			}
			for k, n := range per {
				if n != 1 {
					t.Errorf("%s asked %d times", k, n)
				}
			}
			if cached, _ := c.MailboxCacheCounts(); cached > size {
				t.Errorf("%d handles cached, more than %d", cached, size)
			}
		})
	}
}
