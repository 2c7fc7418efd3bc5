package mail_test

import (
	"context"
	"fmt"
	"log"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// An Inbox rule created after the existing ones (its sequence left to
// the SDK), then turned off, here in an on-premises mailbox served by EWS:
// the calls are the same in Exchange Online.
func ExampleService_UpdateRule() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	mb := exampleMailbox(srv, "bob@contoso.com")
	ctx := context.Background()

	r, err := mb.Mail.CreateRule(ctx, &mail.MessageRule{
		DisplayName: "Newsletters read",
		IsEnabled:   true,
		Conditions:  mail.MessageRulePredicates{SenderContains: []string{"news@"}},
		Actions:     mail.MessageRuleActions{MarkAsRead: true},
	})
	if err != nil {
		log.Fatal(err)
	}
	r, err = mb.Mail.UpdateRule(ctx, r.ID, mail.MessageRuleUpdate{IsEnabled: odata.Set(false)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.DisplayName, r.Sequence, r.IsEnabled)
	// Output: Newsletters read 1 false
}
