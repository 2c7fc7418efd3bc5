package mail_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// waitFor polls the mailbox's folder until a message with the subject
// arrives (delivery may be asynchronous, as Exchange's is).
func waitFor(t *testing.T, svc *mail.Service, folder mail.FolderID, subject string) *mail.Message {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for m, err := range svc.ListMessages(t.Context(), folder, &odata.Query{Filter: mail.Subject.Eq(subject)}) {
			if err != nil {
				t.Fatalf("listing %s: %v", folder, err)
			}
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message %q arrived in %s", subject, folder)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Mail sent from each dialect's mailbox arrives in the other's Inbox, and
// a copy is kept in Sent Items unless asked otherwise.
func TestSendMailAcrossDialects(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		other, err := e.Client.Mailbox(ctx, e.Other)
		if err != nil {
			t.Fatal(err)
		}
		subject := "hello from " + e.Addr
		err = e.MB.Mail.SendMail(ctx, &mail.Message{
			Subject:      subject,
			Body:         item.TextBody("across the hybrid"),
			ToRecipients: mail.To(e.Other),
			Importance:   item.ImportanceHigh,
		}, nil)
		if err != nil {
			t.Fatalf("SendMail: %v", err)
		}
		got := waitFor(t, other.Mail, mail.Inbox, subject)
		if got.From.EmailAddress.Address != e.Addr || got.Importance != item.ImportanceHigh || got.IsDraft {
			t.Errorf("delivered message: from %q importance %q draft %v", got.From.EmailAddress.Address, got.Importance, got.IsDraft)
		}
		if !strings.Contains(got.Body.Content, "across the hybrid") {
			t.Errorf("delivered body %q", got.Body.Content)
		}
		waitFor(t, e.MB.Mail, mail.SentItems, subject)

		// And back, without a copy in Sent Items.
		back := "reply from " + e.Other
		if err := other.Mail.SendMail(ctx, &mail.Message{Subject: back, ToRecipients: mail.To(e.Addr)}, &mail.SendOptions{SkipSentItems: true}); err != nil {
			t.Fatalf("SendMail back: %v", err)
		}
		waitFor(t, e.MB.Mail, mail.Inbox, back)
		for m, err := range other.Mail.ListMessages(ctx, mail.SentItems, nil) {
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject == back {
				t.Errorf("SkipSentItems: a copy was saved to Sent Items")
			}
		}
	})
}

func TestSendDraft(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		d, err := e.MB.Mail.CreateDraft(ctx, &mail.Message{Subject: "drafted", ToRecipients: mail.To(e.Other)})
		if err != nil {
			t.Fatal(err)
		}
		err = e.MB.Mail.SendDraft(ctx, d.ID)
		if err != nil {
			t.Fatalf("SendDraft: %v", err)
		}
		other, _ := e.Client.Mailbox(ctx, e.Other)
		waitFor(t, other.Mail, mail.Inbox, "drafted")
		sent := waitFor(t, e.MB.Mail, mail.SentItems, "drafted")
		if sent.IsDraft {
			t.Error("the sent copy is still a draft")
		}
		if slices.Contains(subjects(t, e.MB.Mail.ListMessages(ctx, mail.Drafts, nil)), "drafted") {
			t.Error("the sent draft is still in Drafts")
		}
	})
}

func TestReplyAndForward(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		other, _ := e.Client.Mailbox(ctx, e.Other)
		id := e.Box.Add("messages", map[string]any{
			"subject":      "Lunch?",
			"from":         map[string]any{"emailAddress": map[string]any{"address": e.Other}},
			"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": e.Addr}}},
			"ccRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "carl@example.org"}}},
		})
		cases := []struct {
			name string
			do   func() error
			want string // subject expected in the other mailbox's Inbox, "" for drafts
		}{
			{"reply", func() error { return svc.Reply(ctx, id, "Sure.", nil) }, "RE: Lunch?"},
			{"replyAll", func() error { return svc.ReplyAll(ctx, id, "Count me in.", nil) }, "RE: Lunch?"},
			{"forward", func() error { return svc.Forward(ctx, id, mail.To(e.Other), "FYI", nil) }, "FW: Lunch?"},
		}
		for _, c := range cases {
			err := c.do()
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			waitFor(t, other.Mail, mail.Inbox, c.want)
		}
		drafts := []struct {
			name    string
			do      func() (*mail.Message, error)
			subject string
			to      int
		}{
			{"createReply", func() (*mail.Message, error) { return svc.CreateReply(ctx, id, "draft reply", nil) }, "RE: Lunch?", 1},
			{"createReplyAll", func() (*mail.Message, error) { return svc.CreateReplyAll(ctx, id, "", nil) }, "RE: Lunch?", 1},
			{"createForward", func() (*mail.Message, error) {
				return svc.CreateForward(ctx, id, mail.To("dana@example.org"), "see below", nil)
			}, "FW: Lunch?", 1},
		}
		for _, c := range drafts {
			d, err := c.do()
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !d.IsDraft || !strings.EqualFold(d.Subject, c.subject) || len(d.ToRecipients) != c.to {
				t.Errorf("%s = draft %v subject %q to %+v", c.name, d.IsDraft, d.Subject, d.ToRecipients)
			}
		}
	})
}

func TestMIME(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		id := e.Box.Add("messages", map[string]any{"subject": "mime me", "body": map[string]any{"contentType": "text", "content": "plain words"}})
		r, err := e.MB.Mail.GetMIME(ctx, id)
		if e.Loc == rest {
			if !errors.Is(err, odata.ErrNotSupported) {
				t.Fatalf("GetMIME on premises: %v, want ErrNotSupported", err)
			}
			if err := e.MB.Mail.SendMIME(ctx, strings.NewReader("Subject: x\r\n\r\nhi")); !errors.Is(err, odata.ErrNotSupported) {
				t.Fatalf("SendMIME on premises: %v, want ErrNotSupported", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("GetMIME: %v", err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil || !strings.Contains(string(b), "mime me") {
			t.Fatalf("GetMIME content %q, %v", b, err)
		}
		msg := "From: " + e.Addr + "\r\nTo: " + e.Other + "\r\nSubject: sent as MIME\r\nContent-Type: text/plain\r\n\r\nHello.\r\n"
		err = e.MB.Mail.SendMIME(ctx, strings.NewReader(msg))
		if err != nil {
			t.Fatalf("SendMIME: %v", err)
		}
		other, _ := e.Client.Mailbox(ctx, e.Other)
		waitFor(t, other.Mail, mail.Inbox, "sent as MIME")
	})
}
