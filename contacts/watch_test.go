package contacts_test

import (
	"context"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// TestWatchPolls: contacts watched where nothing pushes (REST v2.0, and
// EWS until its streaming lands) are polled.
func TestWatchPolls(t *testing.T) {
	for _, loc := range []servicetest.Location{rest, ews} {
		t.Run(string(loc), func(t *testing.T) {
			e := newEnv(t, loc)
			mb := e.Reopen(t, outlook.WithWatch(&odata.WatchOptions{PollInterval: 50 * time.Millisecond}))
			ctx, cancel := context.WithCancel(t.Context())
			got := make(chan odata.Change[contacts.Contact], 10)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for ch, err := range mb.Contacts.Watch(ctx, contacts.DefaultFolder, "") {
					if err != nil {
						t.Error(err)
						return
					}
					got <- ch
				}
			}()
			t.Cleanup(func() { cancel(); <-done })
			added := false
			for {
				select {
				case ch := <-got:
					if ch.Kind == odata.Checkpoint && !added {
						added = true
						e.Box.Add("contacts", outlooktest.Object{"displayName": "Ana Ruiz", "givenName": "Ana"})
					}
					if ch.Kind == odata.Upserted {
						if !added || ch.Item.DisplayName != "Ana Ruiz" {
							t.Fatalf("upserted %+v", ch.Item)
						}
						return
					}
				case <-time.After(10 * time.Second):
					t.Fatal("the new contact did not come")
				}
			}
		})
	}
}
