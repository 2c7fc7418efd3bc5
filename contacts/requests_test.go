package contacts_test

import (
	"context"
	stdjson "encoding/json"
	"flag"
	"testing"
	"time"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Every request the service builds, in both dialects, against golden
// files (go test -update rewrites them). The v2.0 files show MobilePhone1,
// Pascal-cased names and the contactfolders/childfolders segments.
func TestRequestBodies(t *testing.T) {
	ops := []servicetest.Op[*contacts.Service]{
		{Name: "create-contact", Call: func(ctx context.Context, s *contacts.Service) error {
			_, err := s.CreateContact(ctx, contacts.DefaultFolder, fullContact())
			return err
		}},
		{Name: "create-contact-in-folder", Call: func(ctx context.Context, s *contacts.Service) error {
			// A contact read earlier: its annotations and ETag stay out of the body.
			c := &contacts.Contact{DisplayName: "Rob Young", MobilePhone: "+1 425 555 0100",
				EmailAddresses: []item.EmailAddress{{Name: "Rob", Address: "roby@contoso.com"}},
				Extra:          map[string]stdjson.RawMessage{"@odata.context": stdjson.RawMessage(`"x"`), "nickname2": stdjson.RawMessage(`"Bobby"`)}}
			c.ETag = `W/"abc"`
			_, err := s.CreateContact(ctx, "AAMkF1", c)
			return err
		}},
		{Name: "update-contact", Call: func(ctx context.Context, s *contacts.Service) error {
			_, err := s.UpdateContact(ctx, "AAMkC1", contacts.ContactUpdate{
				MobilePhone: odata.Set("+1 425 555 0199"),
				HomeAddress: odata.Set(item.PhysicalAddress{Street: "123 Some street", City: "Seattle", State: "WA", PostalCode: "98121"}),
				Birthday:    odata.Set(contacts.Instant{Time: time.Date(1974, 7, 22, 0, 0, 0, 0, time.UTC)}),
				SpouseName:  odata.Null[string](),
				ETag:        `W/"EQAAABYAAACd9nJ"`,
			})
			return err
		}},
		{Name: "delete-contact", Call: func(ctx context.Context, s *contacts.Service) error { return s.DeleteContact(ctx, "AAMkC1") }},
		{Name: "get-contact-select", Call: func(ctx context.Context, s *contacts.Service) error {
			_, err := s.GetContact(ctx, "AAMkC1", &odata.Query{Select: odata.Fields(contacts.GivenName, contacts.MobilePhone, contacts.EmailAddresses)})
			return err
		}},
		{Name: "list-filter-email", Call: func(ctx context.Context, s *contacts.Service) error {
			_, err := s.ListContactsPage(ctx, contacts.DefaultFolder, &odata.Query{
				Filter: contacts.EmailAddresses.Any(func(a item.EmailAddressFields) odata.Filter { return a.Address.Eq("lee@corp.example") }),
			})
			return err
		}},
		{Name: "list-folder-contacts", Call: func(ctx context.Context, s *contacts.Service) error {
			_, err := s.ListContactsPage(ctx, "AAMkF1", &odata.Query{OrderBy: odata.Asc(contacts.Surname), Top: 10})
			return err
		}},
		{Name: "create-folder", Call: func(ctx context.Context, s *contacts.Service) error {
			_, err := s.CreateFolder(ctx, contacts.DefaultFolder, "Vendors")
			return err
		}},
		{Name: "create-child-folder", Call: func(ctx context.Context, s *contacts.Service) error {
			_, err := s.CreateFolder(ctx, "AAMkF1", "Family")
			return err
		}},
		{Name: "update-folder", Call: func(ctx context.Context, s *contacts.Service) error {
			_, err := s.UpdateFolder(ctx, "AAMkF1", contacts.FolderUpdate{DisplayName: odata.Set("Suppliers")})
			return err
		}},
		{Name: "delete-folder", Call: func(ctx context.Context, s *contacts.Service) error { return s.DeleteFolder(ctx, "AAMkF1") }},
		{Name: "set-photo", Call: func(ctx context.Context, s *contacts.Service) error {
			return s.SetPhoto(ctx, "AAMkC1", append(append([]byte{}, jpegHeader...), 1, 2, 3))
		}},
	}
	servicetest.CheckRequests(t, contacts.NewService, ops, nil, *update)
}
