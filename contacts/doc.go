// Package contacts reads, writes and tracks the personal contacts of one
// mailbox: contacts, contact folders (with child folders), change tracking
// and contact photos.
//
// A [Service] is reached through a mailbox handle (mb.Contacts) and works
// the same for Exchange Online mailboxes (Microsoft Graph v1.0) and
// on-premises ones (Outlook REST v2.0):
//
//	for ct, err := range mb.Contacts.ListContacts(ctx, contacts.DefaultFolder, &odata.Query{
//		Filter: contacts.EmailAddresses.Any(func(a item.EmailAddressFields) odata.Filter {
//			return a.Address.Eq("lee@corp.example")
//		}),
//	}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(ct.DisplayName)
//	}
//
// The models carry Graph names, and each carries its wire mapping
// (WireSchema: MobilePhone1 is mobilePhone's v2.0 name, contacts:GivenName
// givenName's EWS FieldURI), from which package odata spells bodies and
// queries for every service. Properties the models do
// not know are kept in their Extra maps, so a contact read and written
// back loses nothing.
//
// Bad input (an empty id, an invalid email address, an empty folder name,
// a photo that is not an image or is too large) is refused before any
// request with an error wrapping odata.ErrInvalidPath or [ErrInvalidContact].
package contacts
