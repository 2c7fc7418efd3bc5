package mail_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// Watching a cloud mailbox's Inbox through Graph change notifications: the
// application serves a notify.Receiver at a public https URL (here mounted
// on the fake) and gives it to the client; Watch subscribes, renews, and
// reads each change by delta when a notification comes. The same loop
// watches an on-premises mailbox (EWS streaming, or polling over REST
// v2.0). Store each Checkpoint's State with what you applied, and pass it
// back after a restart.
func ExampleService_Watch() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)

	rcv, err := notify.NewReceiver("https://hooks.contoso.com/graph", nil)
	if err != nil {
		log.Fatal(err)
	}
	srv.AddHost("hooks.contoso.com", rcv) // a real program serves rcv with net/http
	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "secret"),
		outlook.WithHTTPClient(srv.Client()),
		outlook.WithWatch(&odata.WatchOptions{Waker: rcv}))
	if err != nil {
		log.Fatal(err)
	}
	mb, err := c.Mailbox(context.Background(), "alice@contoso.com")
	if err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	state := "" // load it from where the last run stored it
	rounds := 0
	for ch, err := range mb.Mail.Watch(ctx, mail.Inbox, state) {
		if err != nil {
			log.Fatal(err)
		}
		switch ch.Kind {
		case odata.Upserted:
			fmt.Println("new or changed:", ch.Item.Subject)
		case odata.Removed:
			fmt.Println("removed:", ch.ID)
		case odata.Checkpoint:
			state = ch.State // store it, with what was applied
			if ch.Done {
				rounds++
				if rounds == 1 {
					// Someone writes to Alice once the watch is up.
					go func() {
						for len(srv.Subscriptions()) == 0 {
							time.Sleep(10 * time.Millisecond)
						}
						alice.Add("messages", outlooktest.Object{"subject": "Invoice 1043", "parentFolderId": "inbox"})
					}()
				}
			}
		}
		if rounds > 1 && ch.Kind == odata.Upserted {
			cancel() // the example stops after the first new message
		}
	}
	// Output: new or changed: Invoice 1043
}
