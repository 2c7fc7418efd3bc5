package contacts_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/odata"
)

// Folders: create at the top and as children, list, get, rename, walk the
// tree, delete, in both dialects.
func TestFolders(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		s := e.MB.Contacts
		mk := func(parent contacts.FolderID, name string) *contacts.ContactFolder {
			t.Helper()
			f, err := s.CreateFolder(ctx, parent, name)
			if err != nil {
				t.Fatalf("CreateFolder(%q, %q): %v", parent, name, err)
			}
			if f.ID == "" || f.DisplayName != name {
				t.Fatalf("created folder %+v", f)
			}
			return f
		}
		vendors := mk(contacts.DefaultFolder, "Vendors")
		eu := mk(contacts.FolderID(vendors.ID), "EU")
		mk(contacts.FolderID(eu.ID), "Czechia")
		mk(contacts.DefaultFolder, "Family")
		if eu.ParentFolderID != vendors.ID {
			t.Errorf("child's parentFolderId %q, want %q", eu.ParentFolderID, vendors.ID)
		}
		if _, err := s.CreateFolder(ctx, contacts.DefaultFolder, "Vendors"); !errors.Is(err, odata.ErrConflict) {
			t.Errorf("duplicate folder name: %v, want ErrConflict", err)
		}

		var top []string
		for f, err := range s.ListFolders(ctx, contacts.DefaultFolder, nil) {
			if err != nil {
				t.Fatal(err)
			}
			top = append(top, f.DisplayName)
		}
		slices.Sort(top)
		if !slices.Equal(top, []string{"Family", "Vendors"}) {
			t.Errorf("top-level folders %q", top)
		}

		walk := func() []string {
			var out []string
			for fe, err := range s.WalkFolders(ctx, contacts.DefaultFolder) {
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fe.Path)
				if want := len(splitPath(fe.Path)); fe.Depth != want {
					t.Errorf("%s: depth %d, want %d", fe.Path, fe.Depth, want)
				}
			}
			slices.Sort(out)
			return out
		}
		if got, want := walk(), []string{"Family", "Vendors", "Vendors/EU", "Vendors/EU/Czechia"}; !slices.Equal(got, want) {
			t.Errorf("walk %q, want %q", got, want)
		}
		// Breaking out of a walk stops it.
		n := 0
		for range s.WalkFolders(ctx, contacts.DefaultFolder) {
			n++
			break
		}
		if n != 1 {
			t.Errorf("broke after one folder, saw %d", n)
		}

		g, err := s.GetFolder(ctx, contacts.FolderID(eu.ID), nil)
		if err != nil || g.DisplayName != "EU" {
			t.Fatalf("GetFolder: %+v, %v", g, err)
		}
		r, err := s.UpdateFolder(ctx, contacts.FolderID(eu.ID), contacts.FolderUpdate{DisplayName: odata.Set("Europe")})
		if err != nil || r.DisplayName != "Europe" {
			t.Fatalf("UpdateFolder: %+v, %v", r, err)
		}
		if err := s.DeleteFolder(ctx, contacts.FolderID(vendors.ID)); err != nil {
			t.Fatal(err)
		}
		if got := walk(); !slices.Equal(got, []string{"Family"}) {
			t.Errorf("after delete: %q", got)
		}
		if _, err := s.GetFolder(ctx, contacts.FolderID(vendors.ID), nil); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("deleted folder: %v, want ErrNotFound", err)
		}
	})
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := range len(p) {
		if p[i] == '/' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}

// Bad input is refused before any request.
func TestBadInput(t *testing.T) {
	e := newEnv(t, cloud)
	ctx := t.Context()
	s := e.MB.Contacts
	for _, tc := range []struct {
		name string
		want error
		call func() error
	}{
		{"get empty id", odata.ErrInvalidPath, func() error { _, err := s.GetContact(ctx, " ", nil); return err }},
		{"update empty id", odata.ErrInvalidPath, func() error { _, err := s.UpdateContact(ctx, "", contacts.ContactUpdate{}); return err }},
		{"delete empty id", odata.ErrInvalidPath, func() error { return s.DeleteContact(ctx, "") }},
		{"nil contact", contacts.ErrInvalidContact, func() error { _, err := s.CreateContact(ctx, contacts.DefaultFolder, nil); return err }},
		{"invalid address", contacts.ErrInvalidContact, func() error {
			_, err := s.CreateContact(ctx, contacts.DefaultFolder, &contacts.Contact{EmailAddresses: mails("not an address")})
			return err
		}},
		{"named address", contacts.ErrInvalidContact, func() error {
			_, err := s.CreateContact(ctx, contacts.DefaultFolder, &contacts.Contact{EmailAddresses: mails("ok@example.org", "Ana <ana@example.org>")})
			return err
		}},
		{"empty address", contacts.ErrInvalidContact, func() error {
			_, err := s.CreateContact(ctx, contacts.DefaultFolder, &contacts.Contact{EmailAddresses: mails("")})
			return err
		}},
		{"update invalid address", contacts.ErrInvalidContact, func() error {
			_, err := s.UpdateContact(ctx, "x", contacts.ContactUpdate{EmailAddresses: odata.Set(mails("a@@b"))})
			return err
		}},
		{"get folder empty", odata.ErrInvalidPath, func() error { _, err := s.GetFolder(ctx, "", nil); return err }},
		{"create folder no name", odata.ErrInvalidPath, func() error { _, err := s.CreateFolder(ctx, contacts.DefaultFolder, " "); return err }},
		{"rename folder empty", odata.ErrInvalidPath, func() error {
			_, err := s.UpdateFolder(ctx, "f", contacts.FolderUpdate{DisplayName: odata.Set("")})
			return err
		}},
		{"rename folder null", odata.ErrInvalidPath, func() error {
			_, err := s.UpdateFolder(ctx, "f", contacts.FolderUpdate{DisplayName: odata.Null[string]()})
			return err
		}},
		{"delete folder empty", odata.ErrInvalidPath, func() error { return s.DeleteFolder(ctx, "") }},
		{"photo empty id", odata.ErrInvalidPath, func() error { _, err := s.GetPhoto(ctx, ""); return err }},
		{"photo content empty id", odata.ErrInvalidPath, func() error { _, err := s.GetPhotoContent(ctx, ""); return err }},
		{"set photo empty", contacts.ErrInvalidContact, func() error { return s.SetPhoto(ctx, "x", nil) }},
		{"set photo not image", contacts.ErrInvalidContact, func() error { return s.SetPhoto(ctx, "x", []byte("hello, world")) }},
		{"set photo too large", contacts.ErrInvalidContact, func() error {
			return s.SetPhoto(ctx, "x", append(append([]byte{}, jpegHeader...), make([]byte, contacts.MaxPhotoSize)...))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := servicetest.RESTRequests(e.Srv, onPremHost)
			err := tc.call()
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if n := servicetest.RESTRequests(e.Srv, onPremHost) - before; n != 0 {
				t.Errorf("%d requests sent for bad input", n)
			}
		})
	}
}
