package outlooktest

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// Mailbox is one mailbox of the fake server: its folders, messages,
// attachments, calendars, events, contact folders and contacts. Tests seed it
// with Add or Seed and inspect it with Items and Get; the REST hosts read and
// write the same data. Its methods are safe for concurrent use with each
// other and with requests in flight.
type Mailbox struct {
	st *store.Store
	m  *store.Mailbox
}

// Address returns the mailbox's SMTP address, lower-cased.
func (m *Mailbox) Address() string { return m.m.Address() }

// Add stores obj, given with Graph (camelCase) property names, in one of the
// mailbox's collections ("messages", "mailFolders", "events", "calendars",
// "calendarGroups", "contacts", "contactFolders",
// "inferenceClassificationOverrides", "messageRules" (the Inbox's rules))
// and returns its id. The
// server fills what Exchange would (id unless given, changeKey, @odata.etag,
// timestamps, defaults). Seeded messages are received mail (isDraft false,
// isRead false unless set) in "parentFolderId", a folder id or well-known
// name, Inbox by default; mailFolders and contacts also take a parent in
// "parentFolderId". A message or event may carry its attachments in
// "attachments". Unknown properties are kept (Outlook items are open types).
//
// Add panics on malformed input (an unknown collection or folder, a known
// property of the wrong JSON type, an id already used): that is a bug in the
// test, not a condition to handle.
func (m *Mailbox) Add(collection string, obj Object) string {
	m.st.Lock()
	defer m.st.Unlock()
	id, err := m.m.Seed(collection, obj)
	if err != nil {
		panic(fmt.Sprintf("outlooktest: %s: Add(%q): %v", m.Address(), collection, err))
	}
	return id
}

// AddAttachment adds an attachment (Graph form, with "@odata.type" such as
// "#microsoft.graph.fileAttachment"; a fileAttachment by default) to the
// message or event itemID and returns the attachment's id. It panics on
// malformed input or an unknown item.
func (m *Mailbox) AddAttachment(itemID string, obj Object) string {
	m.st.Lock()
	defer m.st.Unlock()
	id, err := m.m.SeedAttachment(itemID, obj)
	if _, refused := errors.AsType[*store.InputError](err); refused {
		panic(fmt.Sprintf("outlooktest: %s: AddAttachment(%q): %v", m.Address(), itemID, err))
	} else if err != nil {
		panic(fmt.Sprintf("outlooktest: %s: AddAttachment: %v", m.Address(), err))
	}
	return id
}

// Items returns deep copies of every entity of a collection (as Add names
// them, plus "attachments"), in creation order, in the Graph form a GET
// returns. It panics on an unknown collection.
func (m *Mailbox) Items(collection string) []Object {
	set := schema.CanonicalSet(collection)
	if set == "" {
		panic(fmt.Sprintf("outlooktest: %s: Items(%q): unknown collection", m.Address(), collection))
	}
	m.st.Lock()
	defer m.st.Unlock()
	return m.m.Items(set)
}

// Get returns a deep copy of one entity of a collection by id (folders also
// by well-known name).
func (m *Mailbox) Get(collection, id string) (Object, bool) {
	set := schema.CanonicalSet(collection)
	if set == "" {
		return nil, false
	}
	m.st.Lock()
	defer m.st.Unlock()
	e := m.m.Find(set, id)
	if e == nil {
		return nil, false
	}
	return m.m.View(e), true
}

// Update changes one entity of a collection (by id; folders also by
// well-known name) as another client of the mailbox would with a PATCH of
// patch (Graph names): its change key and ETag change and change tracking
// reports it. It returns the error Graph would answer such a PATCH with
// (a read-only property, a value of the wrong type), or one saying the
// entity does not exist.
func (m *Mailbox) Update(collection, id string, patch Object) error {
	set := schema.CanonicalSet(collection)
	if set == "" {
		return fmt.Errorf("outlooktest: %s: Update(%q): unknown collection", m.Address(), collection)
	}
	m.st.Lock()
	defer m.st.Unlock()
	e := m.m.Find(set, id)
	if e == nil {
		return fmt.Errorf("outlooktest: %s: Update(%q, %q): no such entity", m.Address(), collection, id)
	}
	if err := m.m.Update(e, maps.Clone(patch)); err != nil {
		return fmt.Errorf("outlooktest: %s: Update(%q, %q): %w", m.Address(), collection, id, err)
	}
	return nil
}

// Delete deletes one entity of a collection as another client of the
// mailbox would with a DELETE: a message outside Deleted Items moves there
// (with a new id, as Exchange does), anything else is gone with what it
// contains, and change tracking reports it removed. It reports whether the
// entity existed.
func (m *Mailbox) Delete(collection, id string) bool {
	set := schema.CanonicalSet(collection)
	if set == "" {
		return false
	}
	m.st.Lock()
	defer m.st.Unlock()
	e := m.m.Find(set, id)
	if e == nil {
		return false
	}
	m.m.Delete(e)
	return true
}

// Seed adds the entities of the JSON file name in fsys: one object whose keys
// are collection names and whose values are arrays of entities, as Add takes
// them, e.g. {"mailFolders":[{"id":"f1","displayName":"Receipts"}],
// "messages":[{"subject":"hi","parentFolderId":"f1"}]}. Folders are added
// first, so items may name folders seeded in the same file. Unlike Add it
// returns an error, since the file is data rather than code.
func (m *Mailbox) Seed(fsys fs.FS, name string) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("outlooktest: seed %s: %w", name, err)
	}
	doc, err := store.ParseSeedFile(name, data)
	if err != nil {
		return err
	}
	m.st.Lock()
	defer m.st.Unlock()
	return m.m.SeedFile(name, doc)
}

// Settings returns a deep copy of the mailbox's settings (Graph form), as
// GET /mailboxSettings shows them.
func (m *Mailbox) Settings() Object {
	m.st.Lock()
	defer m.st.Unlock()
	return schema.DeepCopy(m.m.Settings()).(map[string]any)
}

// ShareCalendar shares a calendar of the mailbox with another user, as
// its owner does in Outlook or with a POST (or PATCH) of a Graph
// calendarPermission: calendarID is a calendar's id, or "" for the
// default calendar; with is the user's SMTP address; role is a Graph
// calendarRoleType ("freeBusyRead", "limitedRead", "read", "write",
// "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess",
// or "none" to take the share back). The user then reaches that calendar
// through the mailbox's own paths (/users/{owner}/calendar/events on
// Graph and REST v2.0; the owner's calendar folder, named by
// DistinguishedFolderId with a Mailbox or by its FolderId, on EWS), with
// what the role lets it see and do; the rest of the mailbox answers
// ErrorAccessDenied unless the user also has Server.GrantFullAccess. It
// shares without a request, for tests of what the recipient sees in any
// location. It panics on an unknown calendar or role, or a
// role the recipient may not have (delegation is for users of the
// mailbox's own domain): that is a bug in the test.
func (m *Mailbox) ShareCalendar(calendarID, with, role string) {
	m.st.Lock()
	defer m.st.Unlock()
	if calendarID == "" {
		calendarID = m.m.DefaultCalendar()
	}
	if err := m.m.ShareCalendar(calendarID, with, role); err != nil {
		panic(fmt.Sprintf("outlooktest: %s: ShareCalendar(%q, %q, %q): %v", m.Address(), calendarID, with, role, err))
	}
}
