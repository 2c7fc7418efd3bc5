package calendar_test

import (
	"context"
	"fmt"
	"log"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/outlooktest"
)

// Share the primary calendar with a colleague who reads it, then make her
// a delegate; "My Organization" is always listed and cannot be removed.
func ExampleService_GrantPermission() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()

	p, err := mb.Calendar.GrantPermission(ctx, calendar.DefaultCalendar,
		item.EmailAddress{Name: "Megan Bowen", Address: "megan@contoso.com"}, calendar.RoleRead)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := mb.Calendar.SetPermissionRole(ctx, calendar.DefaultCalendar, p.ID, calendar.RoleDelegate); err != nil {
		log.Fatal(err)
	}
	for p, err := range mb.Calendar.ListPermissions(ctx, calendar.DefaultCalendar) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s (removable %t)\n", p.EmailAddress.Name, p.Role, p.IsRemovable)
	}
	// Output:
	// My Organization: freeBusyRead (removable false)
	// Megan Bowen: delegateWithoutPrivateEventAccess (removable true)
}
