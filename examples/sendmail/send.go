package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// The exit codes, for scripts.
const (
	ExitSent    = 0 // the message was sent
	ExitNotSent = 1 // the message was not sent: the service refused it or could not be reached
	ExitUsage   = 2 // nothing was sent: bad flags, an invalid address, an unreadable or too large file
	ExitUnknown = 3 // the message may have been sent: check Sent Items before sending it again
)

// inlineLimit is the most attachment bytes sent in the message's own
// request: a request to Graph holds at most 4 MB, and base64 makes 3 bytes
// 4. Above it the message is made as a draft, its files uploaded (through
// upload sessions where the mailbox has them), and the draft sent.
const inlineLimit = 2 << 20

// Message is what to send.
type Message struct {
	To, Cc, Bcc   []string
	Subject, Body string
	HTML          bool     // Body is HTML
	Attachments   []string // file paths
	SkipSentItems bool     // send without a copy in Sent Items
}

// usageError is a mistake in what was asked: nothing was sent.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usage(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }

// draftLeft says a draft may be left in Drafts after a failure.
type draftLeft struct{ err error }

func (e *draftLeft) Error() string { return e.err.Error() }
func (e *draftLeft) Unwrap() error { return e.err }

// file is an attachment to send.
type file struct {
	path, name, contentType string
	size                    int64
}

// Send sends m from the mailbox mb: in one request when its attachments
// are small, else as a draft whose files are uploaded before it is sent.
// The error says whether the message went (see ExitCode and Explain).
func Send(ctx context.Context, mb *outlook.Mailbox, m Message) error {
	msg := &mail.Message{Subject: m.Subject, Body: item.TextBody(m.Body)}
	if m.HTML {
		msg.Body = item.HTMLBody(m.Body)
	}
	for _, l := range []struct {
		name  string
		addrs []string
		to    *[]item.Recipient
	}{{"-to", m.To, &msg.ToRecipients}, {"-cc", m.Cc, &msg.CcRecipients}, {"-bcc", m.Bcc, &msg.BccRecipients}} {
		rs, err := item.Recipients(l.addrs...)
		if err != nil {
			return usage("%s: %w", l.name, err)
		}
		*l.to = rs
	}
	if len(m.To)+len(m.Cc)+len(m.Bcc) == 0 {
		return usage("no recipients: give -to, -cc or -bcc")
	}
	var files []file
	var total int64
	for _, p := range m.Attachments {
		st, err := os.Stat(p)
		if err != nil {
			return usage("attachment: %w", err)
		}
		if !st.Mode().IsRegular() {
			return usage("attachment %s is not a file", p)
		}
		if st.Size() > mail.MaxUploadSize {
			return usage("attachment %s is %d MB; Exchange takes at most %d MB a file", p, st.Size()>>20, mail.MaxUploadSize>>20)
		}
		ct := mime.TypeByExtension(filepath.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		files = append(files, file{path: p, name: filepath.Base(p), contentType: ct, size: st.Size()})
		total += st.Size()
	}
	opts := &mail.SendOptions{SkipSentItems: m.SkipSentItems}
	if total <= inlineLimit {
		for _, f := range files {
			b, err := os.ReadFile(f.path)
			if err != nil {
				return usage("attachment: %w", err)
			}
			msg.Attachments = append(msg.Attachments, mail.Attachment{Kind: mail.FileAttachment, Name: f.name, ContentType: f.contentType, ContentBytes: b})
		}
		return mb.Mail.SendMail(ctx, msg, opts)
	}
	return sendDraft(ctx, mb, msg, files, m.SkipSentItems)
}

// sendDraft makes msg a draft, uploads the files to it and sends it. A
// draft that cannot be completed is deleted again.
func sendDraft(ctx context.Context, mb *outlook.Mailbox, msg *mail.Message, files []file, skipSentItems bool) error {
	if skipSentItems {
		// A draft is sent with the mailbox's own setting: Sent Items
		// keeps its copy.
		return usage("-no-save works only for messages whose attachments total at most %d MB", inlineLimit>>20)
	}
	draft, err := mb.Mail.CreateDraft(ctx, msg)
	if errors.Is(err, odata.ErrOutcomeUnknown) {
		return &draftLeft{fmt.Errorf("creating the draft: %w", err)} // not sent; a draft may be there
	}
	if err != nil {
		return fmt.Errorf("creating the draft: %w", err)
	}
	for _, f := range files {
		if err := upload(ctx, mb, draft.ID, f); err != nil {
			if derr := mb.Mail.DeleteMessage(context.WithoutCancel(ctx), draft.ID); derr != nil {
				return &draftLeft{fmt.Errorf("attaching %s: %w", f.name, err)}
			}
			return fmt.Errorf("attaching %s: %w", f.name, err)
		}
	}
	err = mb.Mail.SendDraft(ctx, draft.ID)
	if err == nil || errors.Is(err, odata.ErrOutcomeUnknown) {
		return err
	}
	// Not sent: take the draft away again, or say it is there.
	if derr := mb.Mail.DeleteMessage(context.WithoutCancel(ctx), draft.ID); derr != nil {
		return &draftLeft{err}
	}
	return err
}

func upload(ctx context.Context, mb *outlook.Mailbox, draftID string, f file) error {
	r, err := os.Open(f.path)
	if err != nil {
		return usage("attachment: %w", err)
	}
	defer r.Close()
	_, err = mb.Mail.UploadAttachment(ctx, draftID, f.name, f.contentType, r, f.size, nil)
	return err
}

// ExitCode is the exit code for Send's error.
func ExitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return ExitSent
	case errors.As(err, &u), errors.Is(err, mail.ErrInvalidMessage), errors.Is(err, mail.ErrAttachmentTooLarge):
		return ExitUsage
	case errors.Is(err, odata.ErrOutcomeUnknown) && !errors.As(err, new(*draftLeft)):
		return ExitUnknown
	}
	return ExitNotSent
}

// Explain says what happened to a person: whether the message went, why
// not, and what to do.
func Explain(err error, from string) string {
	var u *usageError
	var d *draftLeft
	switch {
	case err == nil:
		return "Sent."
	case errors.As(err, &u):
		return "Not sent: " + u.Error() + "."
	case errors.Is(err, mail.ErrAttachmentTooLarge):
		return fmt.Sprintf("Not sent: the server does not take an attachment that large (its administrator sets the limit). (%v)", err)
	case errors.Is(err, mail.ErrInvalidMessage):
		return fmt.Sprintf("Not sent: the message is not valid: %v.", err)
	case errors.As(err, &d):
		return fmt.Sprintf("Not sent, but a draft may be left in %s's Drafts folder: delete it before trying again. (%v)", from, err)
	case errors.Is(err, odata.ErrOutcomeUnknown):
		return fmt.Sprintf("The message MAY HAVE BEEN SENT: the connection broke after %s's server got it, before it answered. Check %s's Sent Items before sending it again. (%v)", from, from, err)
	case errors.Is(err, odata.ErrThrottled):
		return fmt.Sprintf("Not sent: Exchange is throttling %s; try again in a few minutes. (%v)", from, err)
	case errors.Is(err, odata.ErrUnauthorized), errors.Is(err, odata.ErrForbidden):
		return fmt.Sprintf("Not sent: not allowed to send as %s: sign in as its owner or a delegate, with the Mail.Send permission. (%v)", from, err)
	case errors.Is(err, odata.ErrNotFound):
		return fmt.Sprintf("Not sent: %s's mailbox was not found. (%v)", from, err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return fmt.Sprintf("Not sent: stopped before the server took the message. (%v)", err)
	}
	return fmt.Sprintf("Not sent: %v.", err)
}

// maxBody is the largest body taken: the services' request limits are
// near, and a body that large belongs in an attachment.
const maxBody = 3 << 20

// readBody reads the body from path, "-" for standard input.
func readBody(path string, stdin io.Reader) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(stdin, maxBody+1))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", usage("body: %w", err)
	}
	if len(b) > maxBody {
		return "", usage("body: more than %d MB; send large content as an attachment", maxBody>>20)
	}
	return string(b), nil
}
