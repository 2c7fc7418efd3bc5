// Command quickstart tours the SDK on two mailboxes of a hybrid Exchange
// organisation: one in Exchange Online, one on an on-premises server. It
// locates both through Autodiscover, says how each is served (which API and
// why), lists each inbox, sends a message from one to the other and waits
// for it to arrive (and the reply to come back), then has the first invite
// the second to a meeting, which the second accepts, through one API that
// speaks Microsoft Graph to the
// first and the on-premises server's API to the second: EWS by default, the
// Outlook REST API v2.0 with -rest.
//
// With no flags it runs in process against outlooktest, the SDK's fake
// Exchange, seeded with a small hybrid tenant, using the SDK's real default
// URLs (add -rest to serve the on-premises mailbox through REST v2.0):
//
//	go run ./examples/quickstart
//
// Against a real tenant it signs you in with a device code (the app
// registration needs the delegated permissions Mail.ReadWrite, Mail.Send and
// Calendars.ReadWrite, and "Allow public client flows"):
//
//	go run ./examples/quickstart -tenant contoso.com -client-id <app id> -mailbox you@contoso.com[,other@contoso.com] [-rest]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

func main() {
	log.SetFlags(0)
	tenant := flag.String("tenant", "", "Entra ID tenant (id or domain) of a real organisation; empty runs against the in-process fake")
	clientID := flag.String("client-id", "", "application (client) id of a public client app registration")
	mailboxes := flag.String("mailbox", "", "one or two mailbox addresses, comma-separated (one: it mails itself)")
	rest := flag.Bool("rest", false, "serve on-premises mailboxes through the Outlook REST API v2.0 instead of EWS")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var err error
	if *tenant == "" {
		err = runFake(ctx, os.Stdout, *rest)
	} else {
		err = runReal(ctx, os.Stdout, *tenant, *clientID, *mailboxes, *rest)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// errUsage says what a run against a real tenant needs.
var errUsage = errors.New("with -tenant, give -client-id and -mailbox (one or two addresses)")

// runFake starts the fake Exchange with a hybrid tenant and tours it; rest
// serves the on-premises mailbox through the REST API v2.0 instead of EWS.
func runFake(ctx context.Context, w io.Writer, rest bool) error {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove("bob@contoso.com"))
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	bob := srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	seed := func(mb *outlooktest.Mailbox, from string, subjects ...string) {
		for i, s := range subjects {
			mb.Add("messages", outlooktest.Object{
				"subject": s, "parentFolderId": "inbox", "isRead": i > 0,
				"from":             outlooktest.Object{"emailAddress": outlooktest.Object{"address": from}},
				"receivedDateTime": time.Now().Add(-time.Duration(i+1) * time.Hour).UTC().Format(time.RFC3339),
			})
		}
	}
	seed(alice, "lee@contoso.com", "Q3 budget review", "Team offsite: dates")
	seed(bob, "pat@contoso.com", "Server patching tonight", "Welcome to the team")

	fmt.Fprintln(w, "Running against outlooktest, an in-process fake of Exchange Online and an on-premises Exchange server.")
	// A daemon's credentials: app-only for Exchange Online; for the
	// on-premises server, where Microsoft supports no app-only access,
	// bob's own sign-in (the fake approves the device code at once).
	const appID = "11111111-2222-3333-4444-555555555555"
	cloud := outlook.ClientSecret("contoso.com", appID, "demo-secret")
	bobSignsIn := outlook.DeviceCode("contoso.com", appID, func(context.Context, outlook.DeviceCodePrompt) error { return nil }, "Mail.ReadWrite")
	opts := []outlook.Option{outlook.WithOnPremisesCredential(bobSignsIn), outlook.WithHTTPClient(srv.Client())}
	if rest {
		opts = append(opts, outlook.WithOnPremisesAPI(outlook.RESTv2))
	}
	c, err := outlook.NewClient(cloud, opts...)
	if err != nil {
		return err
	}
	return tour(ctx, w, c, "alice@contoso.com", "bob@contoso.com")
}

// runReal tours a real tenant after a device-code sign-in.
func runReal(ctx context.Context, w io.Writer, tenant, clientID, mailboxes string, rest bool) error {
	addrs := strings.Split(mailboxes, ",")
	if clientID == "" || len(addrs) > 2 || slices.ContainsFunc(addrs, func(a string) bool { return strings.TrimSpace(a) == "" }) {
		return errUsage
	}
	if len(addrs) == 1 {
		addrs = append(addrs, addrs[0])
	}
	prompt := func(_ context.Context, p outlook.DeviceCodePrompt) error {
		fmt.Fprintln(w, p.Message)
		return nil
	}
	var opts []outlook.Option
	if rest {
		opts = append(opts, outlook.WithOnPremisesAPI(outlook.RESTv2))
	}
	c, err := outlook.NewClient(outlook.DeviceCode(tenant, clientID, prompt, "Mail.ReadWrite", "Mail.Send", "Calendars.ReadWrite"), opts...)
	if err != nil {
		return err
	}
	return tour(ctx, w, c, strings.TrimSpace(addrs[0]), strings.TrimSpace(addrs[1]))
}

// tour is the same code for every mailbox, wherever it lives.
func tour(ctx context.Context, w io.Writer, c *outlook.Client, from, to string) error {
	var boxes []*outlook.Mailbox
	for _, addr := range []string{from, to} {
		mb, err := c.Mailbox(ctx, addr)
		if err != nil {
			return err
		}
		ep := mb.Endpoint()
		via := ""
		if ep.Source.Redirects > 0 {
			via = fmt.Sprintf(" after %d redirect(s)", ep.Source.Redirects)
		}
		fmt.Fprintf(w, "\n%s: %s\n  found by %s%s, served at %s\n", mb.Address(), mb.Route(), ep.Source.Candidate, via, ep.URL)
		if err := printInbox(ctx, w, mb); err != nil {
			return err
		}
		boxes = append(boxes, mb)
	}

	subject := fmt.Sprintf("Hello from %s (%s)", boxes[0].Address(), time.Now().UTC().Format("15:04:05"))
	fmt.Fprintf(w, "\nSending %q from %s to %s...\n", subject, boxes[0].Address(), boxes[1].Address())
	err := boxes[0].Mail.SendMail(ctx, &mail.Message{
		Subject:      subject,
		Body:         item.TextBody("Sent by the exchangekit/outlook quickstart."),
		ToRecipients: mail.To(boxes[1].Address()),
	}, nil)
	if err != nil {
		return err
	}
	m, err := waitFor(ctx, boxes[1], subject)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Arrived in %s's inbox: %q from %s\n", boxes[1].Address(), m.Subject, m.From.EmailAddress.Address)

	fmt.Fprintf(w, "\n%s replies...\n", boxes[1].Address())
	if err := boxes[1].Mail.Reply(ctx, m.ID, "Got it, thanks!", nil); err != nil {
		return err
	}
	r, err := waitFor(ctx, boxes[0], "RE: "+subject)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Arrived in %s's inbox: %q from %s\n", boxes[0].Address(), r.Subject, r.From.EmailAddress.Address)
	return meet(ctx, w, boxes[0], boxes[1])
}

// meet has org invite att to a meeting tomorrow, att accept it, and org
// see the acceptance; then org cancels the meeting (deleting an
// organiser's meeting sends the cancellation).
func meet(ctx context.Context, w io.Writer, org, att *outlook.Mailbox) error {
	subject := fmt.Sprintf("Quickstart sync (%s)", time.Now().UTC().Format("15:04:05"))
	start := time.Now().UTC().Truncate(time.Hour).Add(24 * time.Hour)
	fmt.Fprintf(w, "\n%s invites %s to %q...\n", org.Address(), att.Address(), subject)
	ev, err := org.Calendar.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{
		Subject:   subject,
		Start:     item.FromTime(start),
		End:       item.FromTime(start.Add(30 * time.Minute)),
		Attendees: calendar.Attendees(att.Address()),
	})
	if err != nil {
		return err
	}
	defer func() {
		if err := org.Calendar.DeleteEvent(context.WithoutCancel(ctx), ev.ID); err != nil {
			fmt.Fprintf(w, "cancelling the meeting: %v\n", err)
		}
	}()
	// The invitation reaches the attendee's calendar.
	var copyID string
	err = poll(ctx, func() (bool, error) {
		for got, err := range att.Calendar.View(ctx, start.Add(-time.Hour), start.Add(time.Hour), nil) {
			if err != nil {
				return false, err
			}
			if got.Subject == subject {
				copyID = got.ID
				fmt.Fprintf(w, "In %s's calendar: %q, organised by %s\n", att.Address(), got.Subject, got.Organizer.EmailAddress.Address)
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the invitation in %s: %w", att.Address(), err)
	}
	fmt.Fprintf(w, "%s accepts...\n", att.Address())
	if err := att.Calendar.Accept(ctx, copyID, &calendar.ResponseOptions{Comment: "See you there"}); err != nil {
		return err
	}
	// The response reaches the organiser's copy.
	err = poll(ctx, func() (bool, error) {
		got, err := org.Calendar.GetEvent(ctx, ev.ID, nil)
		if err != nil {
			return false, err
		}
		for _, a := range got.Attendees {
			if strings.EqualFold(a.EmailAddress.Address, att.Address()) && a.Status.Response == calendar.ResponseAccepted {
				fmt.Fprintf(w, "%s sees %s: %s\n", org.Address(), att.Address(), a.Status.Response)
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for %s's acceptance: %w", att.Address(), err)
	}
	return nil
}

// poll calls f each second until it reports done, fails, or ctx ends.
func poll(ctx context.Context, f func() (bool, error)) error {
	for {
		done, err := f()
		if done || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// printInbox lists the newest messages of the inbox.
func printInbox(ctx context.Context, w io.Writer, mb *outlook.Mailbox) error {
	q := &odata.Query{Select: odata.Fields(mail.Subject, mail.ReceivedDateTime), OrderBy: odata.Desc(mail.ReceivedDateTime), Top: 5}
	n := 0
	for m, err := range mb.Mail.ListMessages(ctx, mail.Inbox, q) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  inbox: %s\n", m.Subject)
		if n++; n == 5 {
			break
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "  inbox: (empty)")
	}
	return nil
}

// waitFor polls the inbox until a message with subject arrives.
func waitFor(ctx context.Context, mb *outlook.Mailbox, subject string) (*mail.Message, error) {
	q := &odata.Query{Filter: mail.Subject.Eq(subject)}
	for {
		for m, err := range mb.Mail.ListMessages(ctx, mail.Inbox, q) {
			if err != nil {
				return nil, err
			}
			return m, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %q in %s: %w", subject, mb.Address(), ctx.Err())
		case <-time.After(time.Second):
		}
	}
}
