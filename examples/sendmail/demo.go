package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// runDemo sends m from the demo tenant (alice to bob, copied to carol, a
// 4 MB attachment, when m says nothing), then reads each recipient's inbox
// back through its own API.
func runDemo(ctx context.Context, stdout, stderr io.Writer, from string, m Message) int {
	t, err := demo.Start()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitNotSent
	}
	defer t.Close()
	if from == "" {
		from = demo.Cloud
	}
	if len(m.To)+len(m.Cc)+len(m.Bcc) == 0 {
		m.To, m.Cc = []string{demo.EWS}, []string{demo.REST}
	}
	if m.Subject == "" {
		m.Subject = "Q3 figures (" + time.Now().UTC().Format("15:04:05") + ")"
	}
	if m.Body == "" {
		m.Body = "The figures are attached.\n\nSent by the exchangekit/outlook sendmail example."
	}
	if m.Attachments == nil {
		dir, err := os.MkdirTemp("", "sendmail-demo-")
		if err != nil {
			fmt.Fprintln(stderr, err)
			return ExitNotSent
		}
		defer os.RemoveAll(dir)
		p := filepath.Join(dir, "figures.bin")
		if err := os.WriteFile(p, randomBytes(4<<20), 0o600); err != nil {
			fmt.Fprintln(stderr, err)
			return ExitNotSent
		}
		m.Attachments = []string{p}
	}
	mb, err := t.Mailbox(ctx, from)
	if err != nil {
		fmt.Fprintln(stderr, Explain(err, from))
		return ExitCode(err)
	}
	fmt.Fprintf(stdout, "From %s (%s) to %s", from, demo.APIName(mb.Route().API), usageLine(m.To))
	if len(m.Cc) > 0 {
		fmt.Fprintf(stdout, ", copied to %s", usageLine(m.Cc))
	}
	fmt.Fprintf(stdout, ": %q, %d attachment(s)...\n", m.Subject, len(m.Attachments))
	if err := Send(ctx, mb, m); err != nil {
		fmt.Fprintln(stderr, Explain(err, from))
		return ExitCode(err)
	}
	fmt.Fprintln(stdout, Explain(nil, from))
	for _, addr := range append(append(append([]string(nil), m.To...), m.Cc...), m.Bcc...) {
		rcpt, err := t.Mailbox(ctx, addr)
		if err != nil {
			fmt.Fprintf(stdout, "  %s: %v\n", addr, err)
			continue
		}
		line, err := received(ctx, rcpt.Mail, m.Subject)
		if err != nil {
			fmt.Fprintf(stderr, "  %s: %v\n", addr, err)
			return ExitNotSent
		}
		fmt.Fprintf(stdout, "  %s (%s): %s\n", addr, demo.APIName(rcpt.Route().API), line)
	}
	return ExitSent
}

// attachmentSummary asks for the attachments' names and sizes, not their
// content.
var attachmentSummary = &odata.Query{Select: odata.Fields(odata.NewStringField("name"), odata.NewStringField("size"))}

// received finds the message in the inbox and says what arrived.
func received(ctx context.Context, svc *mail.Service, subject string) (string, error) {
	q := &odata.Query{Filter: mail.Subject.Eq(subject)}
	for range 20 {
		for msg, err := range svc.ListMessages(ctx, mail.Inbox, q) {
			if err != nil {
				return "", err
			}
			line := fmt.Sprintf("received %q from %s", msg.Subject, msg.From.EmailAddress.Address)
			for a, err := range svc.ListAttachments(ctx, msg.ID, attachmentSummary) {
				if err != nil {
					return "", err
				}
				line += fmt.Sprintf(", with %s (%.1f MB)", a.Name, float64(a.Size)/(1<<20))
			}
			return line, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("%q has not arrived", subject)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
