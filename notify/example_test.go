package notify_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/outlooktest"
)

// A receiver told of new mail in a cloud mailbox's Inbox. A real program
// serves the receiver with net/http at its public https URL (Graph posts
// only to https), e.g. http.Handle("/graph", rcv); here the fake tenant
// mounts it. Subscribe keeps the subscription alive until its context
// ends; a notification names the message, which the application reads (or
// runs a delta round on Missed).
func ExampleReceiver() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)

	rcv, err := notify.NewReceiver("https://hooks.contoso.com/graph", nil)
	if err != nil {
		log.Fatal(err)
	}
	srv.AddHost("hooks.contoso.com", rcv)

	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", "11111111-2222-3333-4444-555555555555", "secret"),
		outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	mb, err := c.Mailbox(context.Background(), "alice@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := rcv.Subscribe(ctx, mb.OData(), notify.MessagesIn("inbox"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { cancel(); <-h.Done() }() // the subscription is deleted

	alice.Add("messages", outlooktest.Object{"subject": "Invoice 1043", "parentFolderId": "inbox"})
	for n := range rcv.Notifications(ctx) {
		if n.Lifecycle == notify.Missed {
			continue // run a delta round: mail.Service.SyncMessages
		}
		msg, err := mb.Mail.GetMessage(ctx, n.ID, nil)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(n.Change, n.Kind, msg.Subject)
		break
	}
	// Output: created messages Invoice 1043
}
