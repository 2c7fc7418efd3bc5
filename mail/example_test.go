package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// exampleMailbox opens an Exchange Online mailbox of the fake tenant with
// the SDK's defaults and an app-only credential:
// outlook.NewClient(outlook.ClientSecret(...), outlook.WithHTTPClient(srv.Client())),
// then Client.Mailbox. A real program leaves out the HTTP client option.
// The examples with an on-premises mailbox show how to sign in there.
var exampleMailbox = servicetest.Mailbox

// appID is the examples' app registration.
const appID = "11111111-2222-3333-4444-555555555555"

func ExampleService_ListMessages() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	alice.Add("messages", outlooktest.Object{"subject": "Quarterly numbers", "receivedDateTime": "2026-03-02T09:00:00Z"})
	alice.Add("messages", outlooktest.Object{"subject": "Lunch?", "receivedDateTime": "2026-03-02T12:00:00Z", "isRead": true})

	mb := exampleMailbox(srv, "alice@contoso.com")
	for msg, err := range mb.Mail.ListMessages(context.Background(), mail.Inbox, &odata.Query{
		// Exchange wants the $orderby properties first in the $filter.
		Filter:  mail.ReceivedDateTime.Ge(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)).And(mail.IsRead.Eq(false)),
		OrderBy: odata.Desc(mail.ReceivedDateTime),
		Select:  odata.Fields(mail.Subject, mail.ReceivedDateTime),
	}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(msg.ReceivedDateTime.Format("15:04"), msg.Subject)
	}
	// Output: 09:00 Quarterly numbers
}

// Mail sent from an Exchange Online mailbox to an on-premises one of the
// same hybrid tenant: one client signs in to each where it lives (app-only
// in the cloud, a service account acting through EWS impersonation on
// premises), and the caller does not branch on where either lives.
func ExampleService_SendMail() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	// The organisation's Active Directory: a service account with the
	// ApplicationImpersonation role.
	srv.AddAccount(`CONTOSO\svc-mail`, "password from your vault")
	srv.GrantImpersonation(`CONTOSO\svc-mail`)
	ctx := context.Background()

	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "secret"),
		outlook.WithOnPremisesCredential(outlook.OnPremisesAccount(`CONTOSO\svc-mail`, "password from your vault")),
		outlook.WithHTTPClient(srv.Client())) // the fake; a real program leaves this out
	if err != nil {
		log.Fatal(err)
	}
	alice, err := c.Mailbox(ctx, "alice@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	err = alice.Mail.SendMail(ctx, &mail.Message{
		Subject:      "Q3 figures",
		Body:         item.TextBody("See the numbers below."),
		ToRecipients: mail.To("Bob <bob@contoso.com>"),
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	bob, err := c.Mailbox(ctx, "bob@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	for msg, err := range bob.Mail.ListMessages(ctx, mail.Inbox, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s got %q from %s\n", bob.Route(), msg.Subject, msg.From.EmailAddress.Address)
	}

	// Bad addresses never leave the process.
	err = alice.Mail.SendMail(ctx, &mail.Message{Subject: "oops", ToRecipients: mail.To("bob at contoso")}, nil)
	fmt.Println(errors.Is(err, item.ErrInvalidAddress))
	// Output:
	// on-premises, EWS (default for on-premises) got "Q3 figures" from alice@contoso.com
	// true
}

// A send that failed may still have gone: when the connection broke after
// the request left, or a gateway answered 502, the SDK does not send it
// again and says the outcome is unknown. Any other error means the message
// was not sent.
func ExampleService_SendMail_outcomeUnknown() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	// A gateway in front of Graph fails the next send.
	srv.Inject(outlooktest.Fault{Host: "graph.microsoft.com", Method: "POST", Path: "/v1.0/users/alice@contoso.com/sendMail", Status: 502, Times: 1})
	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()

	msg := &mail.Message{Subject: "Invoice 1042", ToRecipients: mail.To("bob@contoso.com")}
	err := mb.Mail.SendMail(ctx, msg, nil)
	switch {
	case errors.Is(err, odata.ErrOutcomeUnknown):
		// Look in Sent Items before sending again.
		sent := 0
		for _, err := range mb.Mail.ListMessages(ctx, mail.SentItems, &odata.Query{Filter: mail.Subject.Eq(msg.Subject)}) {
			if err != nil {
				log.Fatal(err)
			}
			sent++
		}
		fmt.Println("outcome unknown; copies in Sent Items:", sent)
	case err != nil:
		log.Fatal(err) // not sent: safe to try again later
	}
	// Output:
	// outcome unknown; copies in Sent Items: 0
}

func ExampleService_UpdateMessage() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	id := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).Add("messages", outlooktest.Object{"subject": "Invoice 42"})
	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()

	msg, err := mb.Mail.GetMessage(ctx, id, nil)
	if err != nil {
		log.Fatal(err)
	}
	// Only the fields set are sent; the ETag makes the update conditional.
	msg, err = mb.Mail.UpdateMessage(ctx, id, mail.MessageUpdate{
		IsRead:     odata.Set(true),
		Categories: odata.Set([]string{"Finance"}),
		ETag:       msg.ETag,
	})
	if err != nil {
		log.Fatal(err)
	}
	moved, err := mb.Mail.MoveMessage(ctx, msg.ID, mail.Archive)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(moved.Subject, moved.IsRead, moved.Categories)
	// Output: Invoice 42 true [Finance]
}

func ExampleService_CreateReply() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	id := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).Add("messages", outlooktest.Object{
		"subject": "Lunch on Friday?",
		"from":    outlooktest.Object{"emailAddress": outlooktest.Object{"address": "ana@example.org"}},
	})
	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()

	draft, err := mb.Mail.CreateReply(ctx, id, "Sounds good.", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(draft.Subject, "->", draft.ToRecipients[0].EmailAddress.Address)
	if err := mb.Mail.SendDraft(ctx, draft.ID); err != nil {
		log.Fatal(err)
	}
	// Output: RE: Lunch on Friday? -> ana@example.org
}

// A file of any size up to what the mailbox's server takes: Graph takes
// large ones through upload sessions, on-premises Exchange in one request
// (up to its administrator's limit: 64 MB a request by default; above it
// the error matches mail.ErrAttachmentTooLarge). Here bob signs in to his
// on-premises mailbox himself, with a delegated Entra ID token for his
// server (hybrid modern authentication).
func ExampleService_UploadAttachment() {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove("bob@contoso.com")) // bob signs in when asked
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	ctx := context.Background()

	signIn := func(ctx context.Context, p outlook.DeviceCodePrompt) error {
		fmt.Println("sign in at", p.VerificationURL) // and type p.UserCode
		return nil
	}
	c, err := outlook.NewClient(outlook.DeviceCode("contoso.com", appID, signIn, "Mail.ReadWrite"),
		outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	mb, err := c.Mailbox(ctx, "bob@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	draft, err := mb.Mail.CreateDraft(ctx, &mail.Message{Subject: "Report"})
	if err != nil {
		log.Fatal(err)
	}
	report := "quarter,revenue\nQ3,42\n"
	a, err := mb.Mail.UploadAttachment(ctx, draft.ID, "q3.csv", "text/csv", strings.NewReader(report), int64(len(report)), nil)
	if err != nil {
		log.Fatal(err)
	}
	r, err := mb.Mail.AttachmentContent(ctx, draft.ID, a.ID)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	fmt.Printf("%s: %q\n", a.Name, b)

	scan := bytes.Repeat([]byte{0xff}, 4<<20) // more than Graph takes inline
	big, err := mb.Mail.UploadAttachment(ctx, draft.ID, "scan.tif", "image/tiff", bytes.NewReader(scan), int64(len(scan)), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(big.Name, big.Size)
	// Output:
	// sign in at https://microsoft.com/devicelogin
	// q3.csv: "quarter,revenue\nQ3,42\n"
	// scan.tif 4194304
}

func ExampleService_WalkFolders() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()

	receipts, err := mb.Mail.CreateFolder(ctx, mail.Inbox, "Receipts")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := mb.Mail.CreateFolder(ctx, mail.FolderID(receipts.ID), "2026"); err != nil {
		log.Fatal(err)
	}
	for f, err := range mb.Mail.WalkFolders(ctx, mail.Inbox, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(f.Depth, f.Path)
	}
	// Output:
	// 1 Receipts
	// 2 Receipts/2026
}

// A replica of the Inbox kept up to date by change tracking: store each
// checkpoint's state, and a crash costs at most a repeat.
func ExampleService_SyncMessages() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	alice.Add("messages", outlooktest.Object{"subject": "first"})
	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()

	replica := map[string]string{}
	state := "" // load it from storage
	sync := func() {
		for ch, err := range mb.Mail.SyncMessages(ctx, mail.Inbox, state) {
			if err != nil {
				log.Fatal(err) // resume later from the stored state
			}
			switch ch.Kind {
			case odata.Upserted:
				replica[ch.ID] = ch.Item.Subject
			case odata.Removed:
				delete(replica, ch.ID)
			case odata.Checkpoint:
				state = ch.State // store it
			}
		}
	}
	sync()
	alice.Add("messages", outlooktest.Object{"subject": "second"})
	sync()
	fmt.Println(len(replica), "messages")
	// Output: 2 messages
}

func ExampleService_SetAutomaticReplies() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()

	err := mb.Mail.SetAutomaticReplies(ctx, mail.AutomaticRepliesSetting{
		Status:                 mail.AutomaticRepliesScheduled,
		ExternalAudience:       mail.ExternalAudienceContactsOnly,
		InternalReplyMessage:   "Back on 15 July.",
		ScheduledStartDateTime: item.DateTimeTimeZone{DateTime: "2026-07-01T00:00:00", TimeZone: "W. Europe Standard Time"},
		ScheduledEndDateTime:   item.DateTimeTimeZone{DateTime: "2026-07-15T00:00:00", TimeZone: "W. Europe Standard Time"},
	})
	if err != nil {
		log.Fatal(err)
	}
	ar, err := mb.Mail.GetAutomaticReplies(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ar.Status, ar.InternalReplyMessage)
	// Output: scheduled Back on 15 July.
}

// Focused Inbox overrides are Exchange Online's: on an on-premises
// mailbox served by EWS, which has no such operation, the call fails with
// odata.ErrNotSupported before any request.
func ExampleService_SetClassificationOverride() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	srv.AddAccount(`CONTOSO\svc-mail`, "password from your vault")
	srv.GrantImpersonation(`CONTOSO\svc-mail`)
	ctx := context.Background()

	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "secret"),
		outlook.WithOnPremisesCredential(outlook.OnPremisesAccount(`CONTOSO\svc-mail`, "password from your vault")),
		outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	payroll := item.EmailAddress{Name: "Payroll", Address: "payroll@contoso.com"}
	for _, addr := range []string{"alice@contoso.com", "bob@contoso.com"} {
		mb, err := c.Mailbox(ctx, addr)
		if err != nil {
			log.Fatal(err)
		}
		o, err := mb.Mail.SetClassificationOverride(ctx, payroll, mail.ClassificationFocused)
		switch {
		case errors.Is(err, odata.ErrNotSupported):
			fmt.Println(addr, "has no Focused Inbox overrides")
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Println(addr, o.SenderEmailAddress.Address, o.ClassifyAs)
		}
	}
	// Output:
	// alice@contoso.com payroll@contoso.com focused
	// bob@contoso.com has no Focused Inbox overrides
}

// The same Inbox rule for a cloud mailbox (Graph) and an on-premises one
// (EWS's UpdateInboxRules), signed in to with a service account there.
func ExampleService_CreateRule() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	srv.AddAccount(`CONTOSO\svc-mail`, "password from your vault")
	srv.GrantImpersonation(`CONTOSO\svc-mail`)
	ctx := context.Background()

	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "secret"),
		outlook.WithOnPremisesCredential(outlook.OnPremisesAccount(`CONTOSO\svc-mail`, "password from your vault")),
		outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	rule := &mail.MessageRule{
		DisplayName: "Receipts",
		IsEnabled:   true,
		Conditions:  mail.MessageRulePredicates{SubjectContains: []string{"receipt"}},
		Actions:     mail.MessageRuleActions{MoveToFolder: "deleteditems", StopProcessingRules: true},
	}
	for _, addr := range []string{"alice@contoso.com", "bob@contoso.com"} {
		mb, err := c.Mailbox(ctx, addr)
		if err != nil {
			log.Fatal(err)
		}
		r, err := mb.Mail.CreateRule(ctx, rule)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s %v\n", mb.Route(), r.DisplayName, r.IsEnabled)
	}
	// Output:
	// cloud, Microsoft Graph (the API of Exchange Online): Receipts true
	// on-premises, EWS (default for on-premises): Receipts true
}
