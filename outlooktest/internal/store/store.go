// Package store is the fake server's mailbox store: every mailbox of one
// server with its folders, messages, attachments, calendars, events,
// contact folders, contacts, Focused Inbox overrides, Inbox rules and
// settings, as generic JSON objects in Graph form (schema.Object), and the
// change log that change tracking reads.
//
// It is the one model the protocol front ends share: the REST hosts (Graph
// v1.0 and Outlook REST v2.0, package rest) are one client of it, and an
// EWS front end is meant to be another, so that mail sent through one
// arrives in a mailbox read through the other. Its operations are typed by
// what they do (Create, Update, Delete, Move, Send, MoveFolder, Changes,
// UpdateSettings, ...), not by any protocol's paths; protocol details (wire
// names, paging, links, error bodies) stay in the front ends. Errors a
// client caused are *InputError, which a front end turns into its own
// shape of a 400.
//
// One mutex guards the whole store: the fake serves tests, where simplicity
// beats throughput, and a single lock makes each request's view of a
// mailbox consistent. A front end takes it with Lock for the whole of one
// operation (find, check, write, render) and releases it before writing its
// answer. Every method of Mailbox and Entity requires the lock; the methods
// of Store say when they take it themselves.
package store

import (
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// Object is one entity or complex value in Graph form.
type Object = schema.Object

// Store holds every mailbox of one server.
type Store struct {
	mu    sync.Mutex
	now   func() time.Time
	boxes map[string]*Mailbox // by lower-cased SMTP address
	byID  map[string]*Mailbox // by mailbox (user object) id
	key   []byte              // MAC key of change-tracking cursors
	dir   directory           // the address book and master category lists (directory.go)
	watch watches             // who learns of changes (watch.go)
}

// Mailbox is one mailbox: its entities by set and id, its change log and
// its distinguished folders.
type Mailbox struct {
	st   *Store
	addr string // as given to AddMailbox, lower-cased
	id   string // the user's object id (a GUID), usable in /users/{id}

	ents  map[string]map[string]*Entity // entity set -> id -> entity
	seq   uint64                        // change sequence: every write takes the next value
	order uint64                        // creation counter, for stable listing order
	tombs []tomb                        // removals, for change tracking
	ckPfx [12]byte                      // change-key prefix, random per mailbox

	wellKnown       map[string]string // lower-cased well-known mail folder name -> id
	rootFolder      string            // msgfolderroot
	defaultCalendar string
	defaultGroup    string
	defaultContacts string

	settings Object // mailboxSettings, Graph form
}

// New returns an empty store whose timestamps come from now.
func New(now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	key := make([]byte, 32)
	rand.Read(key)
	return &Store{now: now, boxes: map[string]*Mailbox{}, byID: map[string]*Mailbox{}, key: key}
}

// Lock takes the store's lock, which every Mailbox and Entity method
// requires.
func (st *Store) Lock() { st.mu.Lock() }

// Unlock releases the store's lock, first running the watches (Watch) on
// what the writes made while it was held left.
func (st *Store) Unlock() {
	st.watch.wake()
	st.mu.Unlock()
}

// Now returns the server's clock's time.
func (st *Store) Now() time.Time { return st.now() }

// EnsureMailbox returns the mailbox for smtp, creating it with its
// well-known folders, default calendar and contacts folder. It takes the
// lock.
func (st *Store) EnsureMailbox(smtp string) *Mailbox {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := strings.ToLower(smtp)
	if m, ok := st.boxes[k]; ok {
		return m
	}
	m := &Mailbox{st: st, addr: k, id: ids.User(k), ents: map[string]map[string]*Entity{}, wellKnown: map[string]string{}}
	rand.Read(m.ckPfx[:])
	for name := range schema.Sets() {
		m.ents[name] = map[string]*Entity{}
	}
	m.initFolders()
	m.settings = m.defaultSettings()
	st.boxes[k] = m
	st.byID[m.id] = m
	return m
}

// Mailbox returns the mailbox for an SMTP address (any case) or a user id.
// It takes the lock.
func (st *Store) Mailbox(smtp string) (*Mailbox, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.lookup(smtp)
}

// Lookup is Mailbox for a caller that holds the lock.
func (st *Store) Lookup(key string) (*Mailbox, bool) { return st.lookup(key) }

// Holder returns the mailbox holding the entity of set with that id, and
// the entity, or nils: ids are unique across the store, and protocols
// whose ids do not name their mailbox (EWS's, as the fake mints them) find
// it this way. It requires the lock.
func (st *Store) Holder(set, id string) (*Mailbox, *Entity) {
	for _, m := range st.boxes {
		if e := m.ents[set][id]; e != nil {
			return m, e
		}
	}
	return nil, nil
}

func (st *Store) lookup(key string) (*Mailbox, bool) {
	if m, ok := st.boxes[strings.ToLower(key)]; ok {
		return m, true
	}
	m, ok := st.byID[strings.ToLower(key)]
	return m, ok
}

// wellKnownFolders are the distinguished mail folders a new mailbox has,
// under msgfolderroot unless noted, with their English display names: what
// Graph lists for a mailbox no client has touched yet (the list-mailFolders
// sample of Graph's reference shows exactly the visible ones). Outlook
// creates Sync Issues and its subfolders, and RSS Feeds, when it first
// connects; Clutter and Scheduled belong to features a new mailbox has not
// used. A test that needs them creates them.
var wellKnownFolders = []struct{ name, display, parent string }{
	{"inbox", "Inbox", ""},
	{"drafts", "Drafts", ""},
	{"sentitems", "Sent Items", ""},
	{"deleteditems", "Deleted Items", ""},
	{"junkemail", "Junk Email", ""},
	{"outbox", "Outbox", ""},
	{"archive", "Archive", ""},
	{"conversationhistory", "Conversation History", ""},
	{"searchfolders", "Search Folders", ""},         // hidden
	{"recoverableitemsdeletions", "Deletions", "-"}, // outside the visible tree
}

func (m *Mailbox) initFolders() {
	mk := func(set, parent string, obj Object) string {
		e, err := m.Create(set, parent, obj, false)
		if err != nil {
			panic("outlooktest: creating a default folder: " + err.Error())
		}
		return e.id
	}
	m.rootFolder = mk("mailFolders", ids.Item(), Object{"displayName": "Top of Information Store"})
	m.wellKnown["msgfolderroot"] = m.rootFolder
	for _, f := range wellKnownFolders {
		parent := m.rootFolder
		switch f.parent {
		case "":
		case "-":
			parent = ids.Item()
		default:
			parent = m.wellKnown[f.parent]
		}
		obj := Object{"displayName": f.display}
		if f.parent == "-" || f.name == "searchfolders" {
			obj["isHidden"] = true
		}
		m.wellKnown[f.name] = mk("mailFolders", parent, obj)
	}
	m.defaultGroup = mk("calendarGroups", "", Object{"name": "My Calendars", "classId": "0006f0b7-0000-0000-c000-000000000046"})
	m.defaultCalendar = mk("calendars", m.defaultGroup, Object{"name": "Calendar"})
	m.ents["calendars"][m.defaultCalendar].obj["isDefaultCalendar"] = true
	m.ents["calendars"][m.defaultCalendar].obj["isRemovable"] = false
	m.defaultContacts = mk("contactFolders", ids.Item(), Object{"displayName": "Contacts"})
	m.seq, m.tombs = 0, nil // the default tree is the mailbox's initial state, not a change
	for _, byID := range m.ents {
		for _, e := range byID {
			e.createSeq, e.modSeq = 0, 0
		}
	}
}

// Address returns the mailbox's SMTP address, lower-cased.
func (m *Mailbox) Address() string { return m.addr }

// ID returns the mailbox's id: the object id of its user.
func (m *Mailbox) ID() string { return m.id }

// Seq returns the mailbox's change sequence number: every write takes the
// next one.
func (m *Mailbox) Seq() uint64 { return m.seq }

// WellKnown returns the id of a distinguished mail folder by its well-known
// name ("inbox", "drafts", "sentitems", "deleteditems", "msgfolderroot",
// ...), given in lower case, or "".
func (m *Mailbox) WellKnown(name string) string { return m.wellKnown[name] }

// RootFolder returns the id of the root of the mail folder tree
// (msgfolderroot).
func (m *Mailbox) RootFolder() string { return m.rootFolder }

// DefaultCalendar returns the id of the default calendar.
func (m *Mailbox) DefaultCalendar() string { return m.defaultCalendar }

// DefaultCalendarGroup returns the id of the calendar group the default
// calendar is in ("My Calendars").
func (m *Mailbox) DefaultCalendarGroup() string { return m.defaultGroup }

// DefaultContactFolder returns the id of the default contacts folder.
func (m *Mailbox) DefaultContactFolder() string { return m.defaultContacts }

// Lookup returns the entity of set with exactly that id, or nil. Unlike
// Find it knows no well-known names and no occurrences.
func (m *Mailbox) Lookup(set, id string) *Entity { return m.ents[set][id] }

// Find returns the entity of set with that id; folders also answer to their
// well-known names, case-insensitively (ids are case-sensitive).
func (m *Mailbox) Find(set, id string) *Entity {
	if e, ok := m.ents[set][id]; ok {
		return e
	}
	switch set {
	case "mailFolders":
		if fid, ok := m.wellKnown[strings.ToLower(id)]; ok {
			return m.ents[set][fid]
		}
	case "contactFolders":
		if strings.EqualFold(id, "contacts") {
			return m.ents[set][m.defaultContacts]
		}
	}
	return nil
}

// List returns the entities of set that keep, in creation order.
func (m *Mailbox) List(set string, keep func(*Entity) bool) []*Entity {
	var out []*Entity
	for _, e := range m.ents[set] {
		if keep(e) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *Entity) int { return cmp.Compare(a.order, b.order) })
	return out
}

// View returns a deep copy of e as the API shows it, with computed
// properties (folder counts) filled in.
func (m *Mailbox) View(e *Entity) Object {
	o := schema.DeepCopy(e.obj).(map[string]any)
	switch e.set {
	case "mailFolders":
		var total, unread, children float64
		for _, msg := range m.ents["messages"] {
			if msg.parent == e.id {
				total++
				if r, _ := msg.obj["isRead"].(bool); !r {
					unread++
				}
			}
		}
		for _, f := range m.ents["mailFolders"] {
			if f.parent == e.id {
				children++
			}
		}
		o["totalItemCount"], o["unreadItemCount"], o["childFolderCount"] = total, unread, children
	}
	return o
}

// mac signs a cursor with the store's key.
func (st *Store) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, st.key)
	h.Write(payload)
	return h.Sum(nil)[:12]
}
