package directory_test

import (
	"context"
	"fmt"
	"log"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/outlooktest"
)

// exampleMailbox opens a mailbox of the fake tenant with the SDK's
// defaults: outlook.NewClient with outlook.WithHTTPClient(srv.Client()),
// then Client.Mailbox. A real program leaves out the HTTP client option.
var exampleMailbox = servicetest.Mailbox

// List the rooms of each room list, with their capacity where the server
// gives it (Graph does; EWS and REST v2.0 give names and addresses).
func ExampleService_Rooms() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddRoom(outlooktest.Room{Address: "rainier@contoso.com", Name: "Conf Room Rainier", Capacity: 12})
	srv.AddRoom(outlooktest.Room{Address: "baker@contoso.com", Name: "Conf Room Baker"})
	srv.AddRoomList("building1@contoso.com", "Building 1", "rainier@contoso.com", "baker@contoso.com")

	ctx := context.Background()
	mb := exampleMailbox(srv, "alice@contoso.com")
	for list, err := range mb.Directory.RoomLists(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(list.DisplayName)
		for r, err := range mb.Directory.Rooms(ctx, list.EmailAddress) {
			if err != nil {
				log.Fatal(err)
			}
			if r.Capacity != nil {
				fmt.Printf("  %s <%s>, %d seats\n", r.DisplayName, r.EmailAddress, *r.Capacity)
			} else {
				fmt.Printf("  %s <%s>\n", r.DisplayName, r.EmailAddress)
			}
		}
	}
	// Output:
	// Building 1
	//   Conf Room Rainier <rainier@contoso.com>, 12 seats
	//   Conf Room Baker <baker@contoso.com>
}

// Resolve a partial name to the address to write to, and expand a
// distribution list, for an on-premises mailbox (EWS ResolveNames and
// ExpandDL).
func ExampleService_Resolve() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	srv.AddPerson(outlooktest.Person{Address: "adele.vance@contoso.com", Name: "Adele Vance", JobTitle: "Retail Manager"})
	srv.AddDistributionList("sales@contoso.com", "Sales", "adele.vance@contoso.com", "bob@contoso.com")

	ctx := context.Background()
	mb := exampleMailbox(srv, "bob@contoso.com")
	for p, err := range mb.Directory.Resolve(ctx, "vance") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (%s): %s\n", p.DisplayName, p.JobTitle, p.Recipient().EmailAddress)
	}
	for p, err := range mb.Directory.ExpandGroup(ctx, "sales@contoso.com") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("member:", p.EmailAddress)
	}
	// Output:
	// Adele Vance (Retail Manager): "Adele Vance" <adele.vance@contoso.com>
	// member: adele.vance@contoso.com
	// member: bob@contoso.com
}
