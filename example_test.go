package outlook_test

import (
	"context"
	"fmt"
	"log"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/outlooktest"
)

// The same function lists the inbox of a cloud mailbox and of an on-premises
// one: the client finds each mailbox through Autodiscover and speaks Graph
// to the first and the server's Outlook REST API v2.0 to the second.
func ExampleClient_Mailbox() {
	// A fake hybrid tenant, in process; a real program leaves out the
	// HTTP client option and talks to Microsoft's hosts.
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).
		Add("messages", outlooktest.Object{"subject": "Quarterly numbers", "parentFolderId": "inbox"})
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).
		Add("messages", outlooktest.Object{"subject": "Lunch on Friday?", "parentFolderId": "inbox"})

	cred := outlook.ClientSecret("contoso.com", "11111111-2222-3333-4444-555555555555", "secret")
	c, err := outlook.NewClient(cred, outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, addr := range []string{"alice@contoso.com", "bob@contoso.com"} {
		mb, err := c.Mailbox(ctx, addr)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (%s, %s)\n", mb.Address(), mb.Location(), mb.Endpoint().URL)
		if err := printInbox(ctx, mb); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// alice@contoso.com (cloud, https://graph.microsoft.com/v1.0)
	//   Quarterly numbers
	// bob@contoso.com (on-premises, https://mail.contoso.com/api/v2.0)
	//   Lunch on Friday?
}

// printInbox does not know, or care, where the mailbox lives.
func printInbox(ctx context.Context, mb *outlook.Mailbox) error {
	for m, err := range mb.Mail.ListMessages(ctx, mail.Inbox, nil) {
		if err != nil {
			return err
		}
		fmt.Println(" ", m.Subject)
	}
	return nil
}

// A device-code sign-in: the prompt function shows the user where to go
// and which code to type. Tokens for the mailbox's other hosts then come
// without asking again.
func ExampleDeviceCode() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))

	prompt := func(ctx context.Context, p outlook.DeviceCodePrompt) error {
		fmt.Println("sign in at", p.VerificationURL)
		// Here a person would type p.UserCode; the fake signs bob in instead.
		return srv.ApproveDeviceCode(p.UserCode, "bob@contoso.com")
	}
	cred := outlook.DeviceCode("contoso.com", "11111111-2222-3333-4444-555555555555", prompt, "Mail.ReadWrite")
	c, err := outlook.NewClient(cred, outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	mb, err := c.Mailbox(context.Background(), "bob@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	if err := printInbox(context.Background(), mb); err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in to", mb.Endpoint().Resource)
	// Output:
	// sign in at https://microsoft.com/devicelogin
	// signed in to https://mail.contoso.com
}
