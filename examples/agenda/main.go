// Command agenda shows the next seven days of several mailboxes' calendars
// side by side, in the reader's time zone, and the free/busy of people (and
// rooms) whose calendars the reader may not open, wherever each mailbox
// lives: Exchange Online through Microsoft Graph, on-premises Exchange
// through EWS or the Outlook REST API v2.0.
//
// With no flags it runs against a demo hybrid tenant in process
// (outlooktest): a cloud mailbox, an on-premises one served through EWS and
// one through REST v2.0, each with a week of meetings:
//
//	go run ./examples/agenda [-tz Europe/Berlin]
//
// Against a real tenant, after a device code sign-in (delegated permission
// Calendars.Read, and Calendars.Read.Shared for other people's calendars):
//
//	go run ./examples/agenda -tenant contoso.com -client-id <app id> -mailbox me@contoso.com,team@contoso.com [-freebusy pat@contoso.com,room1@contoso.com] [-tz Europe/Berlin] [-rest]
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"os"
	"time"
	_ "time/tzdata" // -tz names a zone on any machine, zoneinfo or not

	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/outlooktest"
)

func main() {
	log.SetFlags(0)
	tenant := flag.String("tenant", "", "Entra ID tenant (id or domain) of a real organisation; empty runs against the in-process demo tenant")
	clientID := flag.String("client-id", "", "application (client) id of a public client app registration")
	mailboxes := flag.String("mailbox", "", "mailboxes whose calendars to show, comma-separated")
	freebusy := flag.String("freebusy", "", "addresses (people, rooms) whose free/busy to show, comma-separated")
	zone := flag.String("tz", "", `the reader's time zone, an IANA name ("Europe/Berlin"); empty: the system's`)
	rest := flag.Bool("rest", false, "serve on-premises mailboxes through the Outlook REST API v2.0 instead of EWS")
	flag.Parse()

	opts := Options{Zone: time.Local, FreeBusy: demo.SplitList(*freebusy)}
	if *zone != "" {
		loc, err := time.LoadLocation(*zone)
		if err != nil {
			log.Fatalf("-tz: %v", err)
		}
		opts.Zone = loc
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var err error
	if *tenant == "" {
		err = runDemo(ctx, os.Stdout, opts)
	} else {
		err = runReal(ctx, os.Stdout, opts, demo.Real{Tenant: *tenant, ClientID: *clientID,
			Scopes: []string{"Calendars.Read", "Calendars.Read.Shared"}, REST: *rest, Prompt: os.Stderr}, demo.SplitList(*mailboxes))
	}
	if err != nil {
		log.Fatal(err)
	}
}

// runDemo shows the demo tenant's week, and its free/busy.
func runDemo(ctx context.Context, w io.Writer, opts Options) error {
	t, err := demo.Start()
	if err != nil {
		return err
	}
	defer t.Close()
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	seed(t, opts.Now.In(opts.Zone))
	if len(opts.FreeBusy) == 0 {
		opts.FreeBusy = demo.Addresses
	}
	boxes, err := t.Mailboxes(ctx)
	if err != nil {
		return err
	}
	return Agenda(ctx, w, boxes, opts)
}

// runReal shows mailboxes of a real tenant.
func runReal(ctx context.Context, w io.Writer, opts Options, r demo.Real, addrs []string) error {
	if len(addrs) == 0 {
		return demo.ErrUsage
	}
	c, err := r.Client()
	if err != nil {
		return err
	}
	boxes, err := demo.Open(ctx, c.Mailbox, addrs)
	if err != nil {
		return err
	}
	return Agenda(ctx, w, boxes, opts)
}

// seed books a week of meetings in each demo mailbox, at the reader's
// working hours from today (now's day in its zone).
func seed(t *demo.Tenant, now time.Time) {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	at := func(d, h, m int) time.Time {
		return day.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	book := func(addr, subject string, start time.Time, minutes int) {
		end := start.Add(time.Duration(minutes) * time.Minute)
		t.Server.Mailbox(addr).Add("events", outlooktest.Object{
			"subject": subject,
			"start":   outlooktest.Object{"dateTime": start.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
			"end":     outlooktest.Object{"dateTime": end.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
			"showAs":  "busy",
		})
	}
	book(demo.Cloud, "Standup", at(0, 9, 0), 15)
	book(demo.Cloud, "Q3 budget review", at(1, 14, 0), 60)
	book(demo.Cloud, "Customer call", at(3, 10, 30), 45)
	book(demo.EWS, "Server patching", at(0, 17, 0), 120)
	book(demo.EWS, "Change board", at(2, 11, 0), 60)
	book(demo.REST, "Team offsite", at(4, 9, 0), 8*60)
	book(demo.REST, "1:1 with Lee", at(1, 14, 30), 30)
}
