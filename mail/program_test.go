package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// program is a program written against mb.Mail, knowing nothing of where
// the mailbox lives: it files a colleague's request, answers it with a
// report attached, and keeps a replica of its Inbox.
func program(ctx context.Context, mb, colleague *outlook.Mailbox) error {
	// The colleague asks.
	if err := colleague.Mail.SendMail(ctx, &mail.Message{
		Subject: "Q3 report, please", Body: item.TextBody("Can you send it?"),
		ToRecipients: mail.To(mb.Address()), Importance: item.ImportanceHigh,
	}, nil); err != nil {
		return fmt.Errorf("colleague's SendMail: %w", err)
	}
	req, err := arrived(ctx, mb, "Q3 report, please")
	if err != nil {
		return err
	}
	if req.From.EmailAddress.Address != colleague.Address() || req.Importance != item.ImportanceHigh {
		return fmt.Errorf("the request came from %q, importance %q", req.From.EmailAddress.Address, req.Importance)
	}
	// A reply with the report, drafted, attached to and sent.
	d, err := mb.Mail.CreateReply(ctx, req.ID, "Here it is.", nil)
	if err != nil {
		return fmt.Errorf("CreateReply: %w", err)
	}
	report := bytes.Repeat([]byte("quarter,revenue\n"), 1000)
	if _, err := mb.Mail.UploadAttachment(ctx, d.ID, "q3.csv", "text/csv", bytes.NewReader(report), int64(len(report)), nil); err != nil {
		return fmt.Errorf("UploadAttachment: %w", err)
	}
	if _, err := mb.Mail.UpdateMessage(ctx, d.ID, mail.MessageUpdate{Categories: odata.Set([]string{"Reports"})}); err != nil {
		return fmt.Errorf("UpdateMessage: %w", err)
	}
	if err := mb.Mail.SendDraft(ctx, d.ID); err != nil {
		return fmt.Errorf("SendDraft: %w", err)
	}
	got, err := arrived(ctx, colleague, "RE: Q3 report, please")
	if err != nil {
		return err
	}
	if !got.HasAttachments || got.From.EmailAddress.Address != mb.Address() {
		return fmt.Errorf("the reply arrived from %q, attachments %v", got.From.EmailAddress.Address, got.HasAttachments)
	}
	// The request filed away, read.
	done, err := mb.Mail.CreateFolder(ctx, mail.Inbox, "Done")
	if err != nil {
		return fmt.Errorf("CreateFolder: %w", err)
	}
	if _, err := mb.Mail.UpdateMessage(ctx, req.ID, mail.MessageUpdate{IsRead: odata.Set(true), ETag: req.ETag}); err != nil {
		return fmt.Errorf("UpdateMessage: %w", err)
	}
	if _, err := mb.Mail.MoveMessage(ctx, req.ID, mail.FolderID(done.ID)); err != nil {
		return fmt.Errorf("MoveMessage: %w", err)
	}
	// A replica of the Inbox, then of the folder.
	for _, f := range []mail.FolderID{mail.Inbox, mail.FolderID(done.ID)} {
		var subjects []string
		for ch, err := range mb.Mail.SyncMessages(ctx, f, "") {
			if err != nil {
				return fmt.Errorf("SyncMessages(%s): %w", f, err)
			}
			if ch.Kind == odata.Upserted {
				subjects = append(subjects, ch.Item.Subject)
			}
		}
		want := []string{}
		if f != mail.Inbox {
			want = []string{"Q3 report, please"}
		}
		if !slices.Equal(subjects, want) {
			return fmt.Errorf("SyncMessages(%s) = %q, want %q", f, subjects, want)
		}
	}
	return nil
}

// arrived waits for a message with subject in mb's Inbox.
func arrived(ctx context.Context, mb *outlook.Mailbox, subject string) (*mail.Message, error) {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for m, err := range mb.Mail.ListMessages(ctx, mail.Inbox, &odata.Query{Filter: mail.Subject.Eq(subject)}) {
			if err != nil {
				return nil, fmt.Errorf("ListMessages: %w", err)
			}
			return m, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil, errors.New("no message " + subject + " arrived in " + mb.Address())
}

// TestOneProgramEverywhere runs one program against the cloud mailbox and
// the on-premises one in every way a deployment reaches it: through EWS
// with a service account (NTLM, Basic) acting by impersonation or with the
// user's delegated token, and through REST v2.0 with that token. The
// colleague is the mailbox on the other side of the hybrid.
func TestOneProgramEverywhere(t *testing.T) {
	for _, tc := range []struct {
		loc    servicetest.Location
		signIn servicetest.SignIn
		route  string
	}{
		{cloud, servicetest.ServiceAccount, "cloud, Microsoft Graph (the API of Exchange Online)"},
		{ews, servicetest.ServiceAccount, "on-premises, EWS (default for on-premises)"},
		{ews, servicetest.ServiceAccountBasic, "on-premises, EWS (default for on-premises)"},
		{ews, servicetest.Delegated, "on-premises, EWS (default for on-premises)"},
		{rest, servicetest.Delegated, "on-premises, REST v2.0 (chosen by WithOnPremisesAPI)"},
	} {
		t.Run(string(tc.loc)+"/"+string(tc.signIn), func(t *testing.T) {
			t.Parallel()
			e := servicetest.NewEnvSignIn(t, tc.loc, tc.signIn)
			if got := e.MB.Route().String(); got != tc.route {
				t.Fatalf("route %q, want %q", got, tc.route)
			}
			colleague, err := e.Client.Mailbox(t.Context(), e.Other)
			if err != nil {
				t.Fatal(err)
			}
			if err := program(t.Context(), e.MB, colleague); err != nil {
				t.Fatal(err)
			}
			for _, r := range e.Srv.Requests() {
				if r.TokenSent && r.Audience != "https://"+r.Host {
					t.Errorf("%s %s%s carried a token for %q", r.Method, r.Host, r.Path, r.Audience)
				}
			}
		})
	}
}
