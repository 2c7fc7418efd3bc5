package contacts_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// indexedContact fills every entry EWS's dictionaries have: three e-mail
// addresses, two business and two home phones, the mobile, the three
// postal addresses and three IM addresses.
func indexedContact() *contacts.Contact {
	return &contacts.Contact{
		DisplayName: "Full Dictionaries",
		EmailAddresses: []item.EmailAddress{
			{Name: "Work", Address: "one@contoso.com"}, {Address: "two@example.org"}, {Name: "Old", Address: "three@example.net"},
		},
		BusinessPhones:  []string{"+1 425 555 0100", "+1 425 555 0101"},
		HomePhones:      []string{"+1 425 555 0102", "+1 425 555 0103"},
		MobilePhone:     "+1 425 555 0104",
		ImAddresses:     []string{"sip:one@contoso.com", "sip:two@contoso.com", "xmpp:three@example.org"},
		BusinessAddress: item.PhysicalAddress{Street: "1 Microsoft Way", City: "Redmond", State: "WA", PostalCode: "98052", CountryOrRegion: "USA"},
		HomeAddress:     item.PhysicalAddress{Street: "2 Pine St", City: "Seattle", State: "WA", PostalCode: "98101", CountryOrRegion: "USA"},
		OtherAddress:    item.PhysicalAddress{Street: "Vodičkova 1", City: "Praha", PostalCode: "110 00", CountryOrRegion: "Czechia"},
	}
}

func indexedDiff(t *testing.T, what string, got, want *contacts.Contact) {
	t.Helper()
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"emailAddresses", got.EmailAddresses, want.EmailAddresses}, {"businessPhones", got.BusinessPhones, want.BusinessPhones},
		{"homePhones", got.HomePhones, want.HomePhones}, {"mobilePhone", got.MobilePhone, want.MobilePhone},
		{"imAddresses", got.ImAddresses, want.ImAddresses}, {"businessAddress", got.BusinessAddress, want.BusinessAddress},
		{"homeAddress", got.HomeAddress, want.HomeAddress}, {"otherAddress", got.OtherAddress, want.OtherAddress},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Errorf("%s: %s = %v, want %v", what, f.name, f.got, f.want)
		}
	}
}

// Every dictionary entry survives a round trip, and an update of one
// entry list leaves the others as they were, in each location.
func TestContactIndexedRoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, s := t.Context(), e.MB.Contacts
		want := indexedContact()
		c, err := s.CreateContact(ctx, contacts.DefaultFolder, want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetContact(ctx, c.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		indexedDiff(t, "created", got, want)

		want.HomePhones = []string{"+1 425 555 0199"}
		want.EmailAddresses = slices.Delete(want.EmailAddresses, 1, 2)
		want.OtherAddress = item.PhysicalAddress{}
		_, err = s.UpdateContact(ctx, c.ID, contacts.ContactUpdate{HomePhones: odata.Set(want.HomePhones),
			EmailAddresses: odata.Set(want.EmailAddresses), OtherAddress: odata.Set(item.PhysicalAddress{})})
		if err != nil {
			t.Fatal(err)
		}
		if got, err = s.GetContact(ctx, c.ID, nil); err != nil {
			t.Fatal(err)
		}
		indexedDiff(t, "updated", got, want)
	})
}

// What the model holds beyond EWS's dictionaries is refused over EWS,
// before any request, rather than dropped.
func TestContactBeyondDictionaries(t *testing.T) {
	servicetest.Locations{ews}.Each(t, func(t *testing.T, e *env) {
		ctx, s := t.Context(), e.MB.Contacts
		for name, c := range map[string]*contacts.Contact{
			"three business phones": {DisplayName: "x", BusinessPhones: []string{"1", "2", "3"}},
			"four e-mail addresses": {DisplayName: "x", EmailAddresses: []item.EmailAddress{{Address: "a@x.org"}, {Address: "b@x.org"}, {Address: "c@x.org"}, {Address: "d@x.org"}}},
			"four IM addresses":     {DisplayName: "x", ImAddresses: []string{"a", "b", "c", "d"}},
		} {
			before := servicetest.RESTRequests(e.Srv, onPremHost)
			if _, err := s.CreateContact(ctx, contacts.DefaultFolder, c); !errors.Is(err, odata.ErrNotSupported) {
				t.Errorf("%s: %v, want ErrNotSupported", name, err)
			}
			if n := servicetest.RESTRequests(e.Srv, onPremHost) - before; n != 0 {
				t.Errorf("%s: %d requests sent", name, n)
			}
		}
	})
}
