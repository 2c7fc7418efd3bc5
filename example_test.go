package outlook_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/outlooktest"
)

// The same function lists the inbox of a cloud mailbox and of an on-premises
// one: the client finds each mailbox through Autodiscover and speaks Graph
// to the first and the on-premises server's API to the second, with the
// credential each accepts.
func ExampleClient_Mailbox() {
	// A fake hybrid tenant, in process; a real program leaves out the
	// HTTP client option and talks to Microsoft's hosts. Bob signs in at
	// once when asked to.
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove("bob@contoso.com"))
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).
		Add("messages", outlooktest.Object{"subject": "Quarterly numbers", "parentFolderId": "inbox"})
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).
		Add("messages", outlooktest.Object{"subject": "Lunch on Friday?", "parentFolderId": "inbox"})

	// App-only for Exchange Online; on premises, Microsoft supports only
	// delegated sign-in (or a service account: see OnPremisesAccount).
	cloud := outlook.ClientSecret("contoso.com", "11111111-2222-3333-4444-555555555555", "secret")
	bob := outlook.DeviceCode("contoso.com", "11111111-2222-3333-4444-555555555555",
		func(ctx context.Context, p outlook.DeviceCodePrompt) error { return nil }, "Mail.ReadWrite")
	c, err := outlook.NewClient(cloud, outlook.WithOnPremisesCredential(bob), outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, addr := range []string{"alice@contoso.com", "bob@contoso.com"} {
		mb, err := c.Mailbox(ctx, addr)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s\n", mb.Address(), mb.Route())
		if err := printInbox(ctx, mb); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// alice@contoso.com: cloud, Microsoft Graph (the API of Exchange Online)
	//   Quarterly numbers
	// bob@contoso.com: on-premises, EWS (default for on-premises)
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
	srv := outlooktest.NewServer()
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

// An app-only credential reaches Exchange Online only: Microsoft supports
// no app-only access to on-premises Exchange, and the client says so before
// sending anything to the server.
func ExampleClientSecret_onPremises() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))

	cred := outlook.ClientSecret("contoso.com", "11111111-2222-3333-4444-555555555555", "secret")
	c, err := outlook.NewClient(cred, outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Mailbox(context.Background(), "bob@contoso.com")
	var ce *outlook.CredentialError
	if errors.Is(err, outlook.ErrAppOnlyOnPremises) && errors.As(err, &ce) {
		fmt.Println(ce.Route)
		fmt.Println("use", ce.Instead)
	}
	// Output:
	// on-premises, EWS (default for on-premises)
	// use a delegated Entra ID credential (DeviceCode, AuthorizationCode, OnBehalfOf), or an on-premises service account holding the ApplicationImpersonation role (OnPremisesAccount, passed with WithOnPremisesCredential), which reaches every mailbox through EWS
}

// A program written against the Outlook REST API v2.0 keeps it for the
// on-premises servers that still serve it; the mailbox's route says so.
func ExampleWithOnPremisesAPI() {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove("bob@contoso.com"))
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))

	bob := outlook.DeviceCode("contoso.com", "11111111-2222-3333-4444-555555555555",
		func(ctx context.Context, p outlook.DeviceCodePrompt) error { return nil }, "Mail.ReadWrite")
	c, err := outlook.NewClient(bob, outlook.WithOnPremisesAPI(outlook.RESTv2), outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	mb, err := c.Mailbox(context.Background(), "bob@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mb.Route())
	fmt.Println(mb.Endpoint().URL)
	// Output:
	// on-premises, REST v2.0 (chosen by WithOnPremisesAPI)
	// https://mail.contoso.com/api/v2.0
}

// A daemon holds two credentials: an app registration for Exchange Online,
// and an on-premises service account with the ApplicationImpersonation role
// for the mailboxes on the organisation's own servers, which it reaches
// through EWS, signed in with NTLM. The account's password goes only to the
// EWS hosts Autodiscover names for those mailboxes.
func ExampleOnPremisesAccount() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	// The organisation's Active Directory: the account, and its role.
	srv.AddAccount(`CONTOSO\svc-mail`, "password from your vault")
	srv.GrantImpersonation(`CONTOSO\svc-mail`)

	cloud := outlook.ClientSecret("contoso.com", "11111111-2222-3333-4444-555555555555", "secret")
	account := outlook.OnPremisesAccount(`CONTOSO\svc-mail`, "password from your vault")
	c, err := outlook.NewClient(cloud, outlook.WithOnPremisesCredential(account), outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, addr := range []string{"alice@contoso.com", "bob@contoso.com"} {
		mb, err := c.Mailbox(ctx, addr)
		if err != nil {
			log.Fatal(err)
		}
		ar, err := mb.Mail.GetAutomaticReplies(ctx)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s; automatic replies %s\n", addr, mb.Route(), ar.Status)
	}
	// Output:
	// alice@contoso.com: cloud, Microsoft Graph (the API of Exchange Online); automatic replies disabled
	// bob@contoso.com: on-premises, EWS (default for on-premises); automatic replies disabled
}

// Route says where a mailbox lives, which API serves it and why: an
// on-premises mailbox goes through its server's EWS unless the client chose
// otherwise.
func ExampleMailbox_Route() {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove("bob@contoso.com"))
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))

	bob := outlook.DeviceCode("contoso.com", "11111111-2222-3333-4444-555555555555",
		func(ctx context.Context, p outlook.DeviceCodePrompt) error { return nil }, "Mail.ReadWrite")
	c, err := outlook.NewClient(bob, outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	mb, err := c.Mailbox(context.Background(), "bob@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	rt := mb.Route()
	fmt.Println(rt)
	fmt.Println(rt.Location == outlook.OnPremises, rt.API == outlook.EWS, mb.Endpoint().URL)
	// Output:
	// on-premises, EWS (default for on-premises)
	// true true https://mail.contoso.com/EWS/Exchange.asmx
}
