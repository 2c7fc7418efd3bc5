package outlook_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// Megan reads the calendar Alex shared with her, signed in as herself:
// Client.Mailbox with his address, and the calls go out with her token
// and her rights. His calendar permission lets her read his events; his
// inbox stays his.
func ExampleClient_Mailbox_sharedCalendar() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alex@contoso.com", outlooktest.Cloud).Add("events", outlooktest.Object{"subject": "Quarterly review",
		"start": outlooktest.Object{"dateTime": "2025-03-04T09:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2025-03-04T10:00:00", "timeZone": "UTC"}})
	srv.AddMailbox("megan@contoso.com", outlooktest.Cloud)
	ctx := context.Background()

	// Each signs in with a device code (the fake approves it as the user).
	signIn := func(who string, scopes ...string) *outlook.Client {
		approve := func(_ context.Context, p outlook.DeviceCodePrompt) error {
			return srv.ApproveDeviceCode(p.UserCode, who)
		}
		c, err := outlook.NewClient(outlook.DeviceCode("contoso.com", "11111111-2222-3333-4444-555555555555", approve, scopes...),
			outlook.WithHTTPClient(srv.Client()))
		if err != nil {
			log.Fatal(err)
		}
		return c
	}

	// Alex shares his calendar with Megan, who may read it.
	alex, err := signIn("alex@contoso.com", "Calendars.ReadWrite").Mailbox(ctx, "alex@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := alex.Calendar.GrantPermission(ctx, calendar.DefaultCalendar,
		item.EmailAddress{Name: "Megan Bowen", Address: "megan@contoso.com"}, calendar.RoleRead); err != nil {
		log.Fatal(err)
	}

	// Megan opens Alex's mailbox with her own credential, asking for the
	// .Shared permissions Graph requires for other users' items.
	alexForMegan, err := signIn("megan@contoso.com", "Calendars.Read.Shared").Mailbox(ctx, "alex@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	for ev, err := range alexForMegan.Calendar.ListEvents(ctx, calendar.DefaultCalendar, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("Alex's calendar:", ev.Subject)
	}
	for _, err := range alexForMegan.Mail.ListMessages(ctx, mail.Inbox, nil) {
		fmt.Println("Alex's inbox is his:", errors.Is(err, odata.ErrForbidden))
	}
	// Output:
	// Alex's calendar: Quarterly review
	// Alex's inbox is his: true
}
