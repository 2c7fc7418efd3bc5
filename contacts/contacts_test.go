package contacts_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

func fullContact() *contacts.Contact {
	return &contacts.Contact{
		OutlookItem:     item.OutlookItem{Categories: []string{"Vendors"}},
		DisplayName:     "Pavel Bansky",
		GivenName:       "Pavel",
		MiddleName:      "J",
		Surname:         "Bansky",
		Initials:        "P.B.",
		NickName:        "Pav",
		Generation:      "Jr.",
		Title:           "Dr.",
		FileAs:          "Bansky, Pavel",
		YomiGivenName:   "パベル",
		YomiSurname:     "バンスキー",
		YomiCompanyName: "コントソ",
		EmailAddresses: []item.EmailAddress{
			{Name: "Pavel Bansky", Address: "pavelb@contoso.com"},
			{Address: "pavel@example.org"},
		},
		ImAddresses:      []string{"sip:pavelb@contoso.com"},
		BusinessPhones:   []string{"+1 732 555 0102"},
		HomePhones:       []string{"+1 732 555 0103"},
		MobilePhone:      "+1 732 555 0104",
		BusinessAddress:  item.PhysicalAddress{Street: "1 Main St", City: "Redmond", State: "WA", PostalCode: "98052", CountryOrRegion: "USA"},
		HomeAddress:      item.PhysicalAddress{City: "Seattle"},
		OtherAddress:     item.PhysicalAddress{City: "Prague", CountryOrRegion: "Czechia"},
		BusinessHomePage: "https://contoso.com",
		CompanyName:      "Contoso",
		Department:       "Sales",
		JobTitle:         "Manager",
		OfficeLocation:   "18/2111",
		Profession:       "Engineer",
		Manager:          "Dana Smith",
		AssistantName:    "Lee",
		SpouseName:       "Jana",
		Children:         []string{"Eva", "Petr"},
		Birthday:         contacts.Instant{Time: time.Date(1974, 7, 22, 0, 0, 0, 0, time.UTC)},
		PersonalNotes:    "Met at Ignite",
	}
}

// A contact with every writable property goes to the server and comes
// back unchanged, in both dialects: mobilePhone travels as MobilePhone1 on
// v2.0 and the fake stores it under its Graph name.
func TestContactCRUD(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		s := e.MB.Contacts
		want := fullContact()
		got, err := s.CreateContact(ctx, contacts.DefaultFolder, want)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == "" || got.ETag == "" || got.CreatedDateTime.IsZero() {
			t.Fatalf("created contact lacks server fields: %+v", got.OutlookItem)
		}
		stored, ok := e.Box.Get("contacts", got.ID)
		if !ok {
			t.Fatal("the fake did not store the contact")
		}
		if stored["mobilePhone"] != want.MobilePhone {
			t.Errorf("stored mobilePhone = %v, want %q (v2.0 MobilePhone1 lost?)", stored["mobilePhone"], want.MobilePhone)
		}
		g, err := s.GetContact(ctx, got.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		check := func(c *contacts.Contact) {
			t.Helper()
			for _, f := range []struct {
				name      string
				got, want any
			}{
				{"displayName", c.DisplayName, want.DisplayName}, {"givenName", c.GivenName, want.GivenName},
				{"middleName", c.MiddleName, want.MiddleName}, {"surname", c.Surname, want.Surname},
				{"initials", c.Initials, want.Initials}, {"nickName", c.NickName, want.NickName},
				{"generation", c.Generation, want.Generation}, {"title", c.Title, want.Title}, {"fileAs", c.FileAs, want.FileAs},
				{"yomiGivenName", c.YomiGivenName, want.YomiGivenName}, {"yomiSurname", c.YomiSurname, want.YomiSurname},
				{"yomiCompanyName", c.YomiCompanyName, want.YomiCompanyName},
				{"mobilePhone", c.MobilePhone, want.MobilePhone}, {"businessAddress", c.BusinessAddress, want.BusinessAddress},
				{"homeAddress", c.HomeAddress, want.HomeAddress}, {"otherAddress", c.OtherAddress, want.OtherAddress},
				{"businessHomePage", c.BusinessHomePage, want.BusinessHomePage}, {"companyName", c.CompanyName, want.CompanyName},
				{"department", c.Department, want.Department}, {"jobTitle", c.JobTitle, want.JobTitle},
				{"officeLocation", c.OfficeLocation, want.OfficeLocation}, {"profession", c.Profession, want.Profession},
				{"manager", c.Manager, want.Manager}, {"assistantName", c.AssistantName, want.AssistantName},
				{"spouseName", c.SpouseName, want.SpouseName}, {"personalNotes", c.PersonalNotes, want.PersonalNotes},
				{"birthday", c.Birthday.UTC(), want.Birthday.UTC()},
			} {
				if f.got != f.want {
					t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
				}
			}
			for _, f := range []struct {
				name      string
				got, want []string
			}{
				{"categories", c.Categories, want.Categories}, {"imAddresses", c.ImAddresses, want.ImAddresses},
				{"businessPhones", c.BusinessPhones, want.BusinessPhones}, {"homePhones", c.HomePhones, want.HomePhones},
				{"children", c.Children, want.Children},
			} {
				if !slices.Equal(f.got, f.want) {
					t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
				}
			}
			if !slices.Equal(c.EmailAddresses, want.EmailAddresses) {
				t.Errorf("emailAddresses = %v, want %v", c.EmailAddresses, want.EmailAddresses)
			}
		}
		check(got)
		check(g)

		// Update: one property set, one cleared; ETag honoured.
		u, err := s.UpdateContact(ctx, g.ID, contacts.ContactUpdate{
			MobilePhone: odata.Set("+420 555 111"), SpouseName: odata.Null[string](), ETag: g.ETag})
		if err != nil {
			t.Fatal(err)
		}
		if u.MobilePhone != "+420 555 111" || u.SpouseName != "" || u.Surname != "Bansky" {
			t.Errorf("updated: mobile %q spouse %q surname %q", u.MobilePhone, u.SpouseName, u.Surname)
		}
		if _, err := s.UpdateContact(ctx, g.ID, contacts.ContactUpdate{JobTitle: odata.Set("x"), ETag: g.ETag}); !errors.Is(err, odata.ErrPreconditionFailed) {
			t.Errorf("update with a stale ETag: %v, want ErrPreconditionFailed", err)
		}

		if err := s.DeleteContact(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetContact(ctx, g.ID, nil); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("get after delete: %v, want ErrNotFound", err)
		}
	})
}

// Listing by folder: the default folder and a given one hold their own
// contacts only; select and order apply in both dialects.
func TestListContacts(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		s := e.MB.Contacts
		f, err := s.CreateFolder(ctx, contacts.DefaultFolder, "Vendors")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"Cleo", "Ana", "Bo"} {
			e.Box.Add("contacts", outlooktest.Object{"displayName": n, "givenName": n, "mobilePhone": "1-" + n})
		}
		if _, err := s.CreateContact(ctx, contacts.FolderID(f.ID), &contacts.Contact{DisplayName: "Vera", MobilePhone: "2"}); err != nil {
			t.Fatal(err)
		}
		var names []string
		sel := odata.Fields(contacts.DisplayName, contacts.MobilePhone)
		for c, err := range s.ListContacts(ctx, contacts.DefaultFolder, &odata.Query{
			OrderBy: odata.Asc(contacts.DisplayName),
			Select:  sel,
		}) {
			if err != nil {
				t.Fatal(err)
			}
			if len(sel) == 2 && c.MobilePhone != "1-"+c.DisplayName {
				t.Errorf("%s: mobilePhone %q", c.DisplayName, c.MobilePhone)
			}
			if c.GivenName != "" {
				t.Errorf("%s: givenName returned though not selected", c.DisplayName)
			}
			names = append(names, c.DisplayName)
		}
		if want := []string{"Ana", "Bo", "Cleo"}; !slices.Equal(names, want) {
			t.Errorf("default folder: %q, want %q", names, want)
		}
		names = nil
		for c, err := range s.ListContacts(ctx, contacts.FolderID(f.ID), nil) {
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, c.DisplayName)
			if c.ParentFolderID != f.ID {
				t.Errorf("parentFolderId %q, want %q", c.ParentFolderID, f.ID)
			}
		}
		if !slices.Equal(names, []string{"Vera"}) {
			t.Errorf("folder: %q, want [Vera]", names)
		}

		// Paging, page by page.
		for i := range 5 {
			e.Box.Add("contacts", outlooktest.Object{"displayName": string(rune('k' + i))})
		}
		p, err := s.ListContactsPage(ctx, contacts.DefaultFolder, &odata.Query{Top: 3})
		if err != nil {
			t.Fatal(err)
		}
		n := len(p.Value)
		for p.NextLink != "" {
			if p, err = s.NextContactsPage(ctx, p.NextLink); err != nil {
				t.Fatal(err)
			}
			n += len(p.Value)
		}
		if n != 8 {
			t.Errorf("paged listing: %d contacts, want 8", n)
		}
	})
}

// A filter on an email address (emailAddresses/any) finds the contact in
// both dialects, whichever of its addresses matches.
func TestFilterEmailAddresses(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.Box.Add("contacts", outlooktest.Object{"displayName": "Lee", "emailAddresses": []any{
			outlooktest.Object{"name": "Lee", "address": "lee@other.example"},
			outlooktest.Object{"address": "lee@corp.example"},
		}})
		e.Box.Add("contacts", outlooktest.Object{"displayName": "Ana", "emailAddresses": []any{outlooktest.Object{"address": "ana@corp.example"}}})
		e.Box.Add("contacts", outlooktest.Object{"displayName": "Nobody"})
		for _, tc := range []struct {
			addr string
			want []string
		}{
			{"lee@corp.example", []string{"Lee"}},
			{"lee@other.example", []string{"Lee"}},
			{"ana@corp.example", []string{"Ana"}},
			{"o'brien@corp.example", nil}, // quoting
			{"nobody@corp.example", nil},
		} {
			var got []string
			for c, err := range e.MB.Contacts.ListContacts(ctx, contacts.DefaultFolder, &odata.Query{
				Filter: contacts.EmailAddresses.Any(func(a item.EmailAddressFields) odata.Filter { return a.Address.Eq(tc.addr) }),
			}) {
				if err != nil {
					t.Fatalf("%s: %v", tc.addr, err)
				}
				got = append(got, c.DisplayName)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q, want %q", tc.addr, got, tc.want)
			}
		}
	})
}

// The filter renders to the documented wire forms.
func TestFilterRendering(t *testing.T) {
	f := contacts.EmailAddresses.Any(func(a item.EmailAddressFields) odata.Filter { return a.Address.Eq("lee@corp.example") })
	for _, tc := range []struct {
		d    *odata.Dialect
		want string
	}{
		{odata.Graph, "emailAddresses/any(a:a/address eq 'lee@corp.example')"},
		{odata.OutlookV2, "EmailAddresses/any(a:a/Address eq 'lee@corp.example')"},
	} {
		got := f.Render(tc.d, contacts.Contact{}.WireSchema())
		// The range variable's name is free; compare with it normalised.
		if norm(got) != norm(tc.want) {
			t.Errorf("%s: %s, want %s", tc.d, got, tc.want)
		}
	}
	if got := contacts.MobilePhone.Eq("1").Render(odata.OutlookV2, contacts.Contact{}.WireSchema()); got != "MobilePhone1 eq '1'" {
		t.Errorf("v2.0 mobilePhone filter: %s", got)
	}
}

// norm replaces the lambda variable, whatever its name, with "x".
func norm(s string) string {
	i := len("any(")
	for j := 0; j+i < len(s); j++ {
		if s[j:j+i] == "any(" {
			k := j + i
			end := k
			for end < len(s) && s[end] != ':' {
				end++
			}
			v := s[k:end]
			out := s[:k] + "x"
			rest := s[end:]
			for len(rest) > 0 {
				if len(rest) >= len(v)+1 && rest[:len(v)] == v && rest[len(v)] == '/' {
					out += "x"
					rest = rest[len(v):]
					continue
				}
				out += rest[:1]
				rest = rest[1:]
			}
			return out
		}
	}
	return s
}

// A filter on the renamed mobilePhone finds the contact in both dialects
// (MobilePhone1 on v2.0).
func TestFilterMobilePhone(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		e.Box.Add("contacts", outlooktest.Object{"displayName": "Lee", "mobilePhone": "+1 555 0100"})
		e.Box.Add("contacts", outlooktest.Object{"displayName": "Ana", "mobilePhone": "+1 555 0101"})
		var got []string
		for c, err := range e.MB.Contacts.ListContacts(t.Context(), contacts.DefaultFolder, &odata.Query{Filter: contacts.MobilePhone.Eq("+1 555 0100")}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, c.DisplayName)
		}
		if !slices.Equal(got, []string{"Lee"}) {
			t.Errorf("got %q, want [Lee]", got)
		}
	})
}
