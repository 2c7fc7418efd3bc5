package contacts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Service performs the contact operations of one mailbox: contacts,
// contact folders, change tracking and photos. Get one from
// outlook.Mailbox (mb.Contacts) or build one on an odata.Client. It is
// safe for concurrent use.
//
// Every request goes through the odata client, which speaks the mailbox's
// dialect: the same calls work for Exchange Online (Graph v1.0) and
// on-premises (Outlook REST v2.0) mailboxes. An operation the mailbox's
// service lacks fails with an error matching odata.ErrNotSupported before
// any request; bad input fails with an error matching odata.ErrInvalidPath
// or ErrInvalidContact, also before any request.
type Service struct{ c *odata.Client }

// NewService returns the contacts service of the mailbox c is bound to.
func NewService(c *odata.Client) *Service { return &Service{c: c} }

// ErrInvalidContact is wrapped by the errors of contacts and photos the SDK
// refuses to send: an invalid email address (which also matches
// item.ErrInvalidAddress), a photo that is empty, not an image, or too
// large.
//
// Match it with errors.Is: the errors wrapping it start "contacts: " and name
// the operation, so its own text carries no package prefix.
var ErrInvalidContact = errors.New("invalid contact")

// checkID refuses an empty id before any request.
func checkID(op, what, id string) error {
	if strings.TrimSpace(id) == "" {
		return fmt.Errorf("contacts: %s: empty %s id: %w", op, what, odata.ErrInvalidPath)
	}
	return nil
}

// notOnV2 refuses an operation the Outlook REST v2.0 dialect lacks.
func (s *Service) notOnV2(op, why string) error {
	if s.c.Dialect().IsOutlookV2() {
		return fmt.Errorf("contacts: %s: %w by %s (on-premises Exchange): %s", op, odata.ErrNotSupported, s.c.Dialect(), why)
	}
	return nil
}

// checkAddresses accepts bare addresses ("ana@example.org") only: the
// display name belongs in EmailAddress.Name.
func checkAddresses(op string, as []item.EmailAddress) error {
	for i, a := range as {
		if err := checkAddress(a.Address); err != nil {
			return fmt.Errorf("contacts: %s: %w: emailAddresses %d: %w", op, ErrInvalidContact, i+1, err)
		}
	}
	return nil
}

func checkAddress(addr string) error {
	a, err := item.ParseAddress(addr)
	if err != nil {
		return err
	}
	if a.Name != "" || a.Address != strings.TrimSpace(addr) {
		return fmt.Errorf("%w %q: want a bare address, with the name in EmailAddress.Name", item.ErrInvalidAddress, addr)
	}
	return nil
}

// checkContact validates a contact before it is created.
func checkContact(op string, c *Contact) error {
	if c == nil {
		return fmt.Errorf("contacts: %s: %w: nil contact", op, ErrInvalidContact)
	}
	if err := checkAddresses(op, c.EmailAddresses); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		a    *item.EmailAddress
	}{{"primaryEmailAddress", c.PrimaryEmailAddress}, {"secondaryEmailAddress", c.SecondaryEmailAddress}, {"tertiaryEmailAddress", c.TertiaryEmailAddress}} {
		if p.a == nil || p.a.Address == "" {
			continue
		}
		if err := checkAddress(p.a.Address); err != nil {
			return fmt.Errorf("contacts: %s: %w: %s: %w", op, ErrInvalidContact, p.name, err)
		}
	}
	return nil
}

// outgoing returns c as a request body: without the service annotations
// ("@odata.context", "@odata.id") a fetched contact carries in Extra, and
// without its ETag.
func outgoing(c *Contact) *Contact {
	dirty := false
	for k := range c.Extra {
		if strings.HasPrefix(k, "@") {
			dirty = true
			break
		}
	}
	if !dirty && c.ETag == "" {
		return c
	}
	o := *c
	o.ETag = ""
	if dirty {
		o.Extra = make(map[string]json.RawMessage, len(c.Extra))
		for k, v := range c.Extra {
			if !strings.HasPrefix(k, "@") {
				o.Extra[k] = v
			}
		}
	}
	return &o
}

// created refuses a success answer without the entity (an empty 200 or
// 201 body), so that callers never get a nil entity with a nil error.
func created[T any](v *T, err error) (*T, error) {
	if err == nil && v == nil {
		return nil, fmt.Errorf("contacts: %w: the service answered without the entity", odata.ErrEmptyResponse)
	}
	return v, err
}

// contactsPath is the contact collection of a folder, or of the default
// Contacts folder for DefaultFolder.
func contactsPath(folder FolderID) odata.Path {
	if folder == DefaultFolder {
		return odata.PathOf("contacts")
	}
	return odata.PathOf("contactFolders/{}/contacts", string(folder))
}

// ListContacts yields the contacts of a folder (DefaultFolder for the
// mailbox's Contacts folder), page by page as the loop asks for them; q may
// be nil. Listings are shallow: contacts of child folders are not included.
// The sequence ends after the first error, which it yields.
func (s *Service) ListContacts(ctx context.Context, folder FolderID, q *odata.Query) iter.Seq2[*Contact, error] {
	return odata.List[Contact](ctx, s.c, contactsPath(folder), q)
}

// ListContactsPage fetches the first page of a folder's contacts, for
// callers that store the page's NextLink to resume a long listing later
// with NextContactsPage.
func (s *Service) ListContactsPage(ctx context.Context, folder FolderID, q *odata.Query) (*odata.Page[Contact], error) {
	return odata.ListPage[Contact](ctx, s.c, contactsPath(folder), q)
}

// NextContactsPage fetches the page at a NextLink of an earlier page.
func (s *Service) NextContactsPage(ctx context.Context, link string) (*odata.Page[Contact], error) {
	return odata.NextPage[Contact](ctx, s.c, link)
}

// GetContact fetches one contact; q may select properties and may be nil.
// A contact that does not exist gives an error matching odata.ErrNotFound.
func (s *Service) GetContact(ctx context.Context, id string, q *odata.Query) (*Contact, error) {
	if err := checkID("GetContact", "contact", id); err != nil {
		return nil, err
	}
	return created(odata.Get[Contact](ctx, s.c, odata.PathOf("contacts/{}", id), q))
}

// CreateContact saves c in folder (DefaultFolder for the Contacts folder)
// and returns it as stored, with its id. Its email addresses must be bare
// valid addresses.
func (s *Service) CreateContact(ctx context.Context, folder FolderID, c *Contact) (*Contact, error) {
	if err := checkContact("CreateContact", c); err != nil {
		return nil, err
	}
	return created(odata.Create[Contact](ctx, s.c, contactsPath(folder), outgoing(c)))
}

// UpdateContact changes the properties u sets and returns the contact as
// updated. With u.ETag set the update is conditional
// (odata.ErrPreconditionFailed if the contact changed meanwhile).
func (s *Service) UpdateContact(ctx context.Context, id string, u ContactUpdate) (*Contact, error) {
	if err := checkID("UpdateContact", "contact", id); err != nil {
		return nil, err
	}
	if as, ok := u.EmailAddresses.Get(); ok {
		if err := checkAddresses("UpdateContact", as); err != nil {
			return nil, err
		}
	}
	return odata.Update[Contact](ctx, s.c, odata.PathOf("contacts/{}", id), u, u.ETag)
}

// DeleteContact moves a contact to Deleted Items.
func (s *Service) DeleteContact(ctx context.Context, id string) error {
	if err := checkID("DeleteContact", "contact", id); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf("contacts/{}", id), "")
}

// SyncContacts runs one round of change tracking over a folder's contacts
// (Graph /delta, or Outlook REST v2.0 track-changes; DefaultFolder for the
// Contacts folder): with state "" it reports every contact as
// odata.Upserted, then, from the state of the last odata.Checkpoint of a
// round, only what changed since (Upserted and Removed). Store each
// Checkpoint's State after applying the changes before it: resuming from
// it after a crash repeats at most the changes since, and loses none. An
// expired state yields an error matching odata.ErrGone; a state from the
// other dialect odata.ErrStateMismatch: start over with "".
//
// For DefaultFolder the round runs on /contacts/delta: Graph's delta
// function is bound to every contact collection (v1.0 CSDL), though its
// documentation shows only the per-folder form.
//
// On-premises servers may answer every round with all contacts (Exchange
// 2016 shipped contact sync as a full-sync preview): the replica is still
// right, the work is not smaller.
func (s *Service) SyncContacts(ctx context.Context, folder FolderID, state string) iter.Seq2[odata.Change[Contact], error] {
	return odata.Sync[Contact](ctx, s.c, contactsPath(folder), nil, state)
}

// SyncFolders tracks changes to the contact folders below the Contacts
// folder as SyncContacts does to contacts (Graph and EWS; over the REST
// API v2.0, which has no folder sync, it fails with odata.ErrNotSupported).
func (s *Service) SyncFolders(ctx context.Context, state string) iter.Seq2[odata.Change[ContactFolder], error] {
	if err := s.notOnV2("SyncFolders", "Outlook REST v2.0 has no contact folder sync"); err != nil {
		return func(yield func(odata.Change[ContactFolder], error) bool) { yield(odata.Change[ContactFolder]{}, err) }
	}
	return odata.Sync[ContactFolder](ctx, s.c, odata.PathOf("contactFolders"), nil, state)
}

// MaxPhotoSize is the largest photo SetPhoto sends: the services refuse
// requests of 4 MB or more, headers included.
const MaxPhotoSize = 4_000_000 - 16<<10

// GetPhoto fetches the description of a contact's photo (its size). A
// contact without a photo gives an error matching odata.ErrNotFound.
func (s *Service) GetPhoto(ctx context.Context, id string) (*Photo, error) {
	if err := checkID("GetPhoto", "contact", id); err != nil {
		return nil, err
	}
	return created(odata.Get[Photo](ctx, s.c, odata.PathOf("contacts/{}/photo", id), nil))
}

// GetPhotoContent returns the image of a contact's photo; the caller
// closes it. A contact without a photo gives an error matching
// odata.ErrNotFound.
func (s *Service) GetPhotoContent(ctx context.Context, id string) (io.ReadCloser, error) {
	if err := checkID("GetPhotoContent", "contact", id); err != nil {
		return nil, err
	}
	resp, err := s.c.Do(ctx, &odata.Request{Method: http.MethodGet, Path: odata.PathOf("contacts/{}/photo/$value", id),
		Header: http.Header{"Accept": {"image/*"}}})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// SetPhoto sets or replaces a contact's photo. image must be a JPEG, PNG or
// GIF of at most MaxPhotoSize bytes; its type is sniffed, not trusted.
func (s *Service) SetPhoto(ctx context.Context, id string, image []byte) error {
	if err := checkID("SetPhoto", "contact", id); err != nil {
		return err
	}
	ct, err := photoType(image)
	if err != nil {
		return fmt.Errorf("contacts: SetPhoto: %w", err)
	}
	resp, err := s.c.Do(ctx, &odata.Request{Method: http.MethodPut, Path: odata.PathOf("contacts/{}/photo/$value", id),
		RawBody: bytes.NewReader(image), ContentType: ct})
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.Body.Close()
}

// photoType returns the media type of a photo the services accept.
func photoType(image []byte) (string, error) {
	switch {
	case len(image) == 0:
		return "", fmt.Errorf("%w: empty photo", ErrInvalidContact)
	case len(image) > MaxPhotoSize:
		return "", fmt.Errorf("%w: photo of %d bytes, more than %d", ErrInvalidContact, len(image), MaxPhotoSize)
	}
	switch ct := http.DetectContentType(image); ct {
	case "image/jpeg", "image/png", "image/gif":
		return ct, nil
	default:
		return "", fmt.Errorf("%w: photo is %s, want a JPEG, PNG or GIF image", ErrInvalidContact, ct)
	}
}
