package mail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// exampleMailbox opens a mailbox of the fake tenant with the SDK's
// defaults: outlook.NewClient with outlook.WithHTTPClient(srv.Client()),
// then Client.Mailbox. A real program leaves out the HTTP client option.
var exampleMailbox = servicetest.Mailbox

func ExampleService_ListMessages() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
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
// same hybrid tenant: the caller does not branch on where either lives.
func ExampleService_SendMail() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	ctx := context.Background()

	alice := exampleMailbox(srv, "alice@contoso.com")
	err := alice.Mail.SendMail(ctx, &mail.Message{
		Subject:      "Q3 figures",
		Body:         item.TextBody("See the numbers below."),
		ToRecipients: mail.To("Bob <bob@contoso.com>"),
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	bob := exampleMailbox(srv, "bob@contoso.com")
	for msg, err := range bob.Mail.ListMessages(ctx, mail.Inbox, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s got %q from %s\n", bob.Location(), msg.Subject, msg.From.EmailAddress.Address)
	}

	// Bad addresses never leave the process.
	err = alice.Mail.SendMail(ctx, &mail.Message{Subject: "oops", ToRecipients: mail.To("bob at contoso")}, nil)
	fmt.Println(errors.Is(err, item.ErrInvalidAddress))
	// Output:
	// on-premises got "Q3 figures" from alice@contoso.com
	// true
}

func ExampleService_UpdateMessage() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
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
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
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

func ExampleService_UploadAttachment() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	mb := exampleMailbox(srv, "bob@contoso.com")
	ctx := context.Background()

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

	// On premises there are no upload sessions: larger files are refused
	// before any request.
	_, err = mb.Mail.UploadAttachment(ctx, draft.ID, "big.iso", "", strings.NewReader(""), 10<<20, nil)
	fmt.Println(errors.Is(err, odata.ErrNotSupported))
	// Output:
	// q3.csv: "quarter,revenue\nQ3,42\n"
	// true
}

func ExampleService_WalkFolders() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
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
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
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
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
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

func ExampleService_SetClassificationOverride() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	mb := exampleMailbox(srv, "bob@contoso.com")

	o, err := mb.Mail.SetClassificationOverride(context.Background(),
		item.EmailAddress{Name: "Payroll", Address: "payroll@contoso.com"}, mail.ClassificationFocused)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.SenderEmailAddress.Address, o.ClassifyAs)
	// Output: payroll@contoso.com focused
}

func ExampleService_CreateRule() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	ctx := context.Background()

	rule := &mail.MessageRule{
		DisplayName: "Receipts",
		IsEnabled:   true,
		Conditions:  mail.MessageRulePredicates{SubjectContains: []string{"receipt"}},
		Actions:     mail.MessageRuleActions{MoveToFolder: "archive", StopProcessingRules: true},
	}
	r, err := exampleMailbox(srv, "alice@contoso.com").Mail.CreateRule(ctx, rule)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.DisplayName, r.IsEnabled)

	// Inbox rules are a Graph feature: on premises they are refused.
	_, err = exampleMailbox(srv, "bob@contoso.com").Mail.CreateRule(ctx, rule)
	fmt.Println(errors.Is(err, odata.ErrNotSupported))
	// Output:
	// Receipts true
	// true
}
