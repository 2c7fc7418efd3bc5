package categories_test

import (
	"context"
	"fmt"
	"log"

	"github.com/exchangekit/outlook/categories"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// exampleMailbox opens a mailbox of the fake tenant with the SDK's
// defaults: outlook.NewClient with outlook.WithHTTPClient(srv.Client()),
// then Client.Mailbox. A real program leaves out the HTTP client option.
var exampleMailbox = servicetest.Mailbox

// Create a category, label mail with it, and find the mail by it. The
// mailbox is on premises: the SDK keeps the list in the mailbox's
// CategoryList configuration item through EWS.
func ExampleService_Create() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	bob := srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	bob.Add("messages", outlooktest.Object{"subject": "Renewal", "categories": []any{"Customers"}})
	bob.Add("messages", outlooktest.Object{"subject": "Lunch?"})

	ctx := context.Background()
	mb := exampleMailbox(srv, "bob@contoso.com")
	c, err := mb.Categories.Create(ctx, categories.Category{DisplayName: "Customers", Color: categories.ColorOrange})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.DisplayName, c.Color)
	for m, err := range mb.Mail.ListMessages(ctx, mail.Inbox, &odata.Query{Filter: mail.Categories.Has(c.DisplayName)}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Subject)
	}
	// Output:
	// Customers preset1
	// Renewal
}

// Recolour every category of the list in Exchange Online.
func ExampleService_SetColor() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).SetCategories(
		outlooktest.Category{DisplayName: "Red category", Color: "preset0"},
		outlooktest.Category{DisplayName: "Travel"})

	ctx := context.Background()
	mb := exampleMailbox(srv, "alice@contoso.com")
	for c, err := range mb.Categories.List(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		up, err := mb.Categories.SetColor(ctx, c.ID, categories.ColorTeal)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s -> %s\n", up.DisplayName, c.Color, up.Color)
	}
	// Output:
	// Red category: preset0 -> preset5
	// Travel: none -> preset5
}
