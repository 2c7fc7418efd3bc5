package contacts_test

import (
	"context"
	"testing"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Bad input is refused before any request, in both dialects, with an error
// that names the operation once and matches what a caller branches on.
func TestRefusals(t *testing.T) {
	type s = *contacts.Service
	type refusal = servicetest.Refusal[s]
	emails := func(addrs ...string) []item.EmailAddress {
		out := make([]item.EmailAddress, len(addrs))
		for i, a := range addrs {
			out[i] = item.EmailAddress{Address: a}
		}
		return out
	}
	servicetest.CheckRefusals(t, "contacts", contacts.NewService, []refusal{
		{Op: "GetContact", Call: func(ctx context.Context, s s) error { _, err := s.GetContact(ctx, "", nil); return err }, Want: odata.ErrInvalidPath, Text: "empty contact id"},
		{Op: "CreateContact", Call: func(ctx context.Context, s s) error { _, err := s.CreateContact(ctx, "", nil); return err }, Want: contacts.ErrInvalidContact, Text: "nil contact"},
		{Op: "CreateContact", Call: func(ctx context.Context, s s) error {
			_, err := s.CreateContact(ctx, "", &contacts.Contact{EmailAddresses: emails("ana@example.org", "Lee <lee@example.org>")})
			return err
		}, Want: item.ErrInvalidAddress, Text: "emailAddresses 2"},
		{Op: "UpdateContact", Call: func(ctx context.Context, s s) error {
			_, err := s.UpdateContact(ctx, "AAMk1", contacts.ContactUpdate{EmailAddresses: odata.Set(emails("nobody"))})
			return err
		}, Want: contacts.ErrInvalidContact, Text: "emailAddresses 1"},
		{Op: "UpdateContact", Call: func(ctx context.Context, s s) error {
			_, err := s.UpdateContact(ctx, " ", contacts.ContactUpdate{})
			return err
		}, Want: odata.ErrInvalidPath, Text: "contact id"},
		{Op: "DeleteContact", Call: func(ctx context.Context, s s) error { return s.DeleteContact(ctx, "") }, Want: odata.ErrInvalidPath, Text: "contact id"},
		{Op: "GetFolder", Call: func(ctx context.Context, s s) error { _, err := s.GetFolder(ctx, "", nil); return err }, Want: odata.ErrInvalidPath, Text: "folder id"},
		{Op: "CreateFolder", Call: func(ctx context.Context, s s) error { _, err := s.CreateFolder(ctx, "", " "); return err }, Want: odata.ErrInvalidPath, Text: "empty folder name"},
		{Op: "UpdateFolder", Call: func(ctx context.Context, s s) error {
			_, err := s.UpdateFolder(ctx, "f1", contacts.FolderUpdate{DisplayName: odata.Set("")})
			return err
		}, Want: odata.ErrInvalidPath, Text: "empty folder name"},
		{Op: "SetPhoto", Call: func(ctx context.Context, s s) error { return s.SetPhoto(ctx, "AAMk1", nil) }, Want: contacts.ErrInvalidContact, Text: "empty photo"},
		{Op: "SetPhoto", Call: func(ctx context.Context, s s) error { return s.SetPhoto(ctx, "AAMk1", []byte("not an image")) }, Want: contacts.ErrInvalidContact, Text: "want a JPEG"},
		{Op: "SetPhoto", Call: func(ctx context.Context, s s) error {
			return s.SetPhoto(ctx, "AAMk1", make([]byte, contacts.MaxPhotoSize+1))
		}, Want: contacts.ErrInvalidContact, Text: "more than"},
		{Op: "GetPhotoContent", Call: func(ctx context.Context, s s) error { _, err := s.GetPhotoContent(ctx, ""); return err }, Want: odata.ErrInvalidPath, Text: "contact id"},
	})
}
