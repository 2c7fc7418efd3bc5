package contacts_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// exampleMailbox opens a mailbox of the fake tenant with the SDK's
// defaults: outlook.NewClient with outlook.WithHTTPClient(srv.Client()),
// then Client.Mailbox. A real program leaves out the HTTP client option.
var exampleMailbox = servicetest.Mailbox

func ExampleService_ListContacts() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	alice.Add("contacts", outlooktest.Object{"displayName": "Garth Fort", "surname": "Fort",
		"emailAddresses": []any{outlooktest.Object{"address": "garth@fabrikam.com"}}})
	alice.Add("contacts", outlooktest.Object{"displayName": "Lee Gu", "surname": "Gu",
		"emailAddresses": []any{outlooktest.Object{"address": "lee@corp.example"}}})

	mb := exampleMailbox(srv, "alice@contoso.com")
	for ct, err := range mb.Contacts.ListContacts(context.Background(), contacts.DefaultFolder, &odata.Query{
		Filter: contacts.EmailAddresses.Any(func(a item.EmailAddressFields) odata.Filter {
			return a.Address.Eq("lee@corp.example")
		}),
		Select: odata.Fields(contacts.DisplayName),
	}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ct.DisplayName)
	}
	// Output: Lee Gu
}

// The same call creates a contact in an on-premises mailbox, which the SDK
// reaches through EWS: the addresses and phones go into EWS's dictionaries
// (EmailAddress1, MobilePhone) and come back as sent.
func ExampleService_CreateContact() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))

	mb := exampleMailbox(srv, "bob@contoso.com")
	ct, err := mb.Contacts.CreateContact(context.Background(), contacts.DefaultFolder, &contacts.Contact{
		DisplayName:    "Pavel Bansky",
		GivenName:      "Pavel",
		Surname:        "Bansky",
		EmailAddresses: []item.EmailAddress{{Name: "Pavel Bansky", Address: "pavelb@fabrikam.com"}},
		MobilePhone:    "+1 732 555 0102",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mb.Location() == outlook.OnPremises, ct.DisplayName, ct.EmailAddresses[0].Address, ct.MobilePhone)
	// Output: true Pavel Bansky pavelb@fabrikam.com +1 732 555 0102
}

func ExampleService_UpdateContact() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	id := alice.Add("contacts", outlooktest.Object{"displayName": "Garth Fort", "jobTitle": "Engineer", "spouseName": "Jo"})

	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()
	ct, err := mb.Contacts.GetContact(ctx, id, nil)
	if err != nil {
		log.Fatal(err)
	}
	ct, err = mb.Contacts.UpdateContact(ctx, id, contacts.ContactUpdate{
		JobTitle:   odata.Set("Director"),
		SpouseName: odata.Null[string](), // cleared
		ETag:       ct.ETag,              // fails if someone changed the contact meanwhile
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s, %s, spouse %q\n", ct.DisplayName, ct.JobTitle, ct.SpouseName)
	// Output: Garth Fort, Director, spouse ""
}

func ExampleService_WalkFolders() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)

	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()
	vendors, err := mb.Contacts.CreateFolder(ctx, contacts.DefaultFolder, "Vendors")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := mb.Contacts.CreateFolder(ctx, contacts.FolderID(vendors.ID), "EU"); err != nil {
		log.Fatal(err)
	}
	for fe, err := range mb.Contacts.WalkFolders(ctx, contacts.DefaultFolder) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(fe.Depth, fe.Path)
	}
	// Output:
	// 1 Vendors
	// 2 Vendors/EU
}

func ExampleService_SyncContacts() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	alice.Add("contacts", outlooktest.Object{"displayName": "Garth Fort"})

	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()
	state := "" // a real program loads it from storage
	round := func() {
		for ch, err := range mb.Contacts.SyncContacts(ctx, contacts.DefaultFolder, state) {
			if err != nil {
				log.Fatal(err) // resume later from the state stored last
			}
			switch ch.Kind {
			case odata.Upserted:
				fmt.Println("upsert", ch.Item.DisplayName)
			case odata.Removed:
				fmt.Println("remove")
			case odata.Checkpoint:
				state = ch.State // store it
			}
		}
	}
	round()
	alice.Add("contacts", outlooktest.Object{"displayName": "Lee Gu"})
	round()
	// Output:
	// upsert Garth Fort
	// upsert Lee Gu
}

// A contact's photo, set and read back in an on-premises mailbox (over
// EWS, the contact's attachment marked as its photo). SetPhoto sniffs the
// image type and refuses what the services would refuse, before any
// request.
func ExampleService_SetPhoto() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	bob := srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	id := bob.Add("contacts", outlooktest.Object{"displayName": "Garth Fort"})

	mb := exampleMailbox(srv, "bob@contoso.com")
	ctx := context.Background()
	err := mb.Contacts.SetPhoto(ctx, id, []byte("not an image"))
	fmt.Println(errors.Is(err, contacts.ErrInvalidContact))

	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 96, 96))); err != nil {
		log.Fatal(err)
	}
	if err := mb.Contacts.SetPhoto(ctx, id, img.Bytes()); err != nil {
		log.Fatal(err)
	}
	p, err := mb.Contacts.GetPhoto(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.ID, p.ContentType)
	// Output:
	// true
	// 96X96 image/png
}
