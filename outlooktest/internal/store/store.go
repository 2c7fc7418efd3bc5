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
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
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

// Entity is one stored resource. obj holds the Graph-form JSON the API shows
// (read-only properties included); the rest is bookkeeping.
type Entity struct {
	set       string
	id        string
	obj       Object
	parent    string // containing folder, calendar, calendar group or item (attachments)
	order     uint64
	createSeq uint64
	modSeq    uint64
	transient bool // an occurrence computed from its series master

	memos []memo // what front ends keep with it (Memo)
}

type memo struct{ key, v any }

// Set returns the entity set (collection) the entity belongs to, e.g. "messages".
func (e *Entity) Set() string { return e.set }

// ID returns the entity's id. A message's id changes when it moves.
func (e *Entity) ID() string { return e.id }

// Object returns the stored Graph-form object. It is the store's own: read
// it, never change it (write through Mailbox methods). Every write replaces
// top-level properties and never changes a nested value in place, so a
// shallow copy taken under the lock may be read after it is released.
func (e *Entity) Object() Object { return e.obj }

// Parent returns the id of what holds the entity: its folder, calendar,
// calendar group, or for an attachment its message or event.
func (e *Entity) Parent() string { return e.parent }

// ModSeq returns the change sequence number of the entity's last write.
func (e *Entity) ModSeq() uint64 { return e.modSeq }

// Transient reports whether the entity is an occurrence computed from its
// series master (Mailbox.Occurrence): it can be read, not changed.
func (e *Entity) Transient() bool { return e.transient }

// Memo returns what a front end kept with the entity under key (SetMemo),
// or nil. Keys are compared as map keys are; use an unexported type of the
// front end's own, as context keys do.
func (e *Entity) Memo(key any) any {
	for _, m := range e.memos {
		if m.key == key {
			return m.v
		}
	}
	return nil
}

// SetMemo keeps v with the entity under key, e.g. a front end's rendering of
// it; a value must say itself which version of the entity it was made from
// (ModSeq), since the store does not clear memos on writes.
func (e *Entity) SetMemo(key, v any) {
	for i := range e.memos {
		if e.memos[i].key == key {
			e.memos[i].v = v
			return
		}
	}
	e.memos = append(e.memos, memo{key, v})
}

// tomb records that an entity left a parent (deleted, or moved away), for
// change-tracking rounds that started before.
type tomb struct {
	seq    uint64
	set    string
	id     string
	parent string
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

// Unlock releases the store's lock.
func (st *Store) Unlock() { st.mu.Unlock() }

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

func (st *Store) lookup(key string) (*Mailbox, bool) {
	if m, ok := st.boxes[strings.ToLower(key)]; ok {
		return m, true
	}
	m, ok := st.byID[strings.ToLower(key)]
	return m, ok
}

// wellKnownFolders are the distinguished mail folders every mailbox has,
// under msgfolderroot unless noted, with their English display names.
var wellKnownFolders = []struct{ name, display, parent string }{
	{"inbox", "Inbox", ""},
	{"drafts", "Drafts", ""},
	{"sentitems", "Sent Items", ""},
	{"deleteditems", "Deleted Items", ""},
	{"junkemail", "Junk Email", ""},
	{"outbox", "Outbox", ""},
	{"archive", "Archive", ""},
	{"clutter", "Clutter", ""},
	{"conversationhistory", "Conversation History", ""},
	{"scheduled", "Scheduled", ""},
	{"searchfolders", "Search Folders", ""},
	{"syncissues", "Sync Issues", ""},
	{"conflicts", "Conflicts", "syncissues"},
	{"localfailures", "Local Failures", "syncissues"},
	{"serverfailures", "Server Failures", "syncissues"},
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

// Items returns views of every entity of set (a canonical set name) in
// creation order, without the root folder: what a test inspecting the
// mailbox sees.
func (m *Mailbox) Items(set string) []Object {
	var out []Object
	for _, e := range m.List(set, func(*Entity) bool { return true }) {
		if set == "mailFolders" && e.id == m.rootFolder {
			continue
		}
		out = append(out, m.View(e))
	}
	return out
}

// SeedAttachment adds an attachment given by a test (Graph form, a
// fileAttachment unless its @odata.type says otherwise) to the message or
// event itemID and returns the attachment's id. An attachment the store
// refuses is an *InputError; one that is not JSON data, another error.
func (m *Mailbox) SeedAttachment(itemID string, obj Object) (string, error) {
	norm, err := Normalise(obj)
	if err != nil {
		return "", err
	}
	if _, ok := norm["@odata.type"]; !ok {
		norm["@odata.type"] = schema.GraphNS + "fileAttachment"
	}
	e, err := m.AddAttachment(itemID, norm, false)
	if err != nil {
		return "", err
	}
	return e.id, nil
}

// SeedFile is a seed file's entities by collection name, as ParseSeedFile
// reads them.
type SeedFile map[string][]Object

// ParseSeedFile reads a seed file named name: one JSON object whose keys
// are collection names and whose values are arrays of entities, as Seed
// takes them.
func ParseSeedFile(name string, data []byte) (SeedFile, error) {
	var doc SeedFile
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("outlooktest: seed %s: want {\"collection\": [objects...]}: %w", name, err)
	}
	for k := range doc {
		if schema.CanonicalSet(k) == "" || schema.CanonicalSet(k) == "attachments" {
			return nil, fmt.Errorf("outlooktest: seed %s: unknown collection %q", name, k)
		}
	}
	return doc, nil
}

// SeedFile adds the entities of a seed file, folders first, so items may
// name folders seeded in the same file. It stops at the first error.
func (m *Mailbox) SeedFile(name string, doc SeedFile) error {
	for _, coll := range []string{"mailFolders", "contactFolders", "calendarGroups", "calendars", "messages", "events", "contacts",
		"inferenceClassificationOverrides", "messageRules"} {
		for k, objs := range doc {
			if schema.CanonicalSet(k) != coll {
				continue
			}
			for i, obj := range objs {
				if _, err := m.Seed(coll, obj); err != nil {
					return fmt.Errorf("outlooktest: seed %s: %s[%d]: %v", name, k, i, err)
				}
			}
		}
	}
	return nil
}

// Normalise deep-copies obj through JSON, so seeds in Go values ([]string,
// int, nested Object) take the shapes a request body has.
func Normalise(obj Object) (Object, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("not representable as JSON: %v", err)
	}
	var out Object
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = Object{}
	}
	return out, nil
}

// Seed stores obj, given by a test with Graph (camelCase) property names, in
// one of the mailbox's collections and returns its id, filling what
// Exchange would (see outlooktest's Mailbox.Add for the rules). Seeded
// messages are received mail in "parentFolderId", Inbox by default.
func (m *Mailbox) Seed(collection string, obj Object) (string, error) {
	set := schema.CanonicalSet(collection)
	if set == "" || set == "attachments" {
		return "", fmt.Errorf("unknown collection (want messages, mailFolders, events, calendars, calendarGroups, contacts, contactFolders, inferenceClassificationOverrides or messageRules)")
	}
	norm, err := Normalise(obj)
	if err != nil {
		return "", err
	}
	var atts []any
	if set == "messages" || set == "events" {
		if a, ok := norm["attachments"]; ok {
			arr, ok := a.([]any)
			if !ok {
				return "", fmt.Errorf("attachments: want a JSON array, got %s", schema.JSONKind(a))
			}
			atts = arr
			delete(norm, "attachments")
		}
	}
	parent, err := m.seedParent(set, norm)
	if err != nil {
		return "", err
	}
	e, err := m.Create(set, parent, norm, false)
	if err != nil {
		return "", err
	}
	for i, a := range atts {
		ao, ok := a.(map[string]any)
		if !ok {
			return "", fmt.Errorf("attachments[%d]: want a JSON object", i)
		}
		if _, ok := ao["@odata.type"]; !ok {
			ao["@odata.type"] = schema.GraphNS + "fileAttachment"
		}
		if _, err := m.AddAttachment(e.id, ao, false); err != nil {
			return "", fmt.Errorf("attachments[%d]: %v", i, err)
		}
	}
	return e.id, nil
}

// seedParent finds where a seeded entity goes.
func (m *Mailbox) seedParent(set string, obj Object) (string, error) {
	pf, _ := obj["parentFolderId"].(string)
	if v, ok := obj["parentFolderId"]; ok && v != nil && pf == "" {
		return "", fmt.Errorf("parentFolderId: want a folder id or well-known name, got %s", schema.JSONKind(v))
	}
	folder := func(folderSet, def string) (string, error) {
		if pf == "" {
			return def, nil
		}
		f := m.Find(folderSet, pf)
		if f == nil {
			return "", fmt.Errorf("parentFolderId: no %s %q in this mailbox", folderSet, pf)
		}
		return f.id, nil
	}
	switch set {
	case "messages":
		return folder("mailFolders", m.wellKnown["inbox"])
	case "mailFolders":
		return folder("mailFolders", m.rootFolder)
	case "contacts", "contactFolders":
		return folder("contactFolders", m.defaultContacts)
	case "calendars":
		return m.defaultGroup, nil
	case "messageRules":
		return m.wellKnown["inbox"], nil
	case "events":
		return m.defaultCalendar, nil
	}
	return "", nil
}

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

// InputError is a write the server refuses because of what the client
// sent: front ends answer it as a 400 with Code (an Exchange error code).
type InputError struct{ Code, Message string }

func (e *InputError) Error() string { return e.Message }

func badInput(code, format string, args ...any) error {
	return &InputError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Create stores a new entity of set under parent. obj is Graph form and owned
// by the store from now on. fromClient marks a client's create (a REST POST):
// read-only properties in it are dropped (the server sets them) and messages
// become drafts.
func (m *Mailbox) Create(set, parent string, obj Object, fromClient bool) (*Entity, error) {
	es := schema.Sets()[set]
	if err := schema.CheckObject("", es.Type, obj); err != nil {
		return nil, badInput("RequestBodyRead", "%v", err)
	}
	id, _ := obj["id"].(string)
	if fromClient || id == "" {
		id = ids.Item()
	} else if _, dup := m.ents[set][id]; dup || m.Find(set, id) != nil {
		return nil, badInput("ErrorDuplicateId", "id %q is already used in %s", id, set)
	}
	if fromClient {
		for k, p := range es.Type.Props {
			if p.Access == schema.ReadOnly {
				delete(obj, k)
			}
		}
	}
	for k := range obj {
		if k == "@odata.etag" || k == "@odata.context" || k == "@odata.id" {
			delete(obj, k)
		}
	}
	now := datetime.Format(m.st.now())
	m.order++
	e := &Entity{set: set, id: id, obj: obj, parent: parent, order: m.order}
	obj["id"] = id
	setDefault := func(k string, v any) {
		if cur, ok := obj[k]; !ok || cur == nil {
			obj[k] = v
		}
	}
	if _, item := es.Type.Props["createdDateTime"]; item { // outlookItem: message, event, contact
		setDefault("createdDateTime", now)
		setDefault("categories", []any{})
	}
	switch set {
	case "messages":
		obj["parentFolderId"] = parent
		if fromClient {
			obj["isDraft"] = true
			obj["isRead"] = true
		} else {
			setDefault("isDraft", false)
			setDefault("isRead", false)
		}
		setDefault("receivedDateTime", now)
		setDefault("sentDateTime", obj["receivedDateTime"])
		setDefault("importance", "normal")
		setDefault("inferenceClassification", "focused")
		setDefault("body", Object{"contentType": "html", "content": ""})
		setDefault("toRecipients", []any{})
		setDefault("ccRecipients", []any{})
		setDefault("bccRecipients", []any{})
		setDefault("replyTo", []any{})
		setDefault("isDeliveryReceiptRequested", false)
		setDefault("isReadReceiptRequested", false)
		setDefault("flag", Object{"flagStatus": "notFlagged"})
		setDefault("conversationId", ids.Item())
		setDefault("webLink", "https://outlook.office365.com/owa/?ItemID="+id+"&exvsurl=1&viewmodel=ReadMessageItem")
		if !obj["isDraft"].(bool) {
			setDefault("internetMessageId", "<"+hex.EncodeToString(ids.Random(8))+"@"+hosts.DomainOf(m.addr)+">")
		}
		obj["hasAttachments"] = false
	case "mailFolders":
		obj["parentFolderId"] = parent
		setDefault("isHidden", false)
	case "contactFolders":
		obj["parentFolderId"] = parent
	case "contacts":
		obj["parentFolderId"] = parent
		for _, k := range []string{"emailAddresses", "imAddresses", "businessPhones", "homePhones", "children"} {
			setDefault(k, []any{})
		}
		if _, ok := obj["displayName"]; !ok {
			g, _ := obj["givenName"].(string)
			s, _ := obj["surname"].(string)
			obj["displayName"] = strings.TrimSpace(g + " " + s)
		}
	case "events":
		if r, ok := obj["recurrence"].(map[string]any); ok && r != nil {
			setDefault("type", "seriesMaster")
		}
		setDefault("type", "singleInstance")
		setDefault("showAs", "busy")
		setDefault("importance", "normal")
		setDefault("sensitivity", "normal")
		setDefault("isAllDay", false)
		setDefault("isCancelled", false)
		setDefault("isOrganizer", true)
		setDefault("isDraft", false)
		setDefault("responseRequested", true)
		setDefault("isReminderOn", true)
		setDefault("reminderMinutesBeforeStart", float64(15))
		setDefault("responseStatus", Object{"response": "organizer", "time": "0001-01-01T00:00:00Z"})
		setDefault("organizer", Object{"emailAddress": Object{"name": m.addr, "address": m.addr}})
		setDefault("attendees", []any{})
		setDefault("body", Object{"contentType": "html", "content": ""})
		setDefault("location", Object{"displayName": ""})
		setDefault("iCalUId", "040000008200E00074C5B7101A82E008"+strings.ToUpper(hex.EncodeToString(ids.Random(16))))
		setDefault("webLink", "https://outlook.office365.com/owa/?itemid="+id+"&exvsurl=1&path=/calendar/item")
		if s, ok := obj["start"].(map[string]any); ok {
			setDefault("originalStartTimeZone", s["timeZone"])
		}
		if s, ok := obj["end"].(map[string]any); ok {
			setDefault("originalEndTimeZone", s["timeZone"])
		}
		obj["hasAttachments"] = false
	case "calendars":
		setDefault("color", "auto")
		setDefault("hexColor", "")
		setDefault("isDefaultCalendar", false)
		setDefault("canEdit", true)
		setDefault("canShare", true)
		setDefault("canViewPrivateItems", true)
		setDefault("isRemovable", true)
		setDefault("isTallyingResponses", true)
		setDefault("owner", Object{"name": m.addr, "address": m.addr})
	case "calendarGroups":
		setDefault("classId", ids.GUID())
	case "attachments":
		setDefault("isInline", false)
	case "messageRules":
		if name, _ := obj["displayName"].(string); name == "" {
			return nil, badInput("ErrorInvalidRequest", "A message rule needs a displayName.")
		}
		if _, ok := obj["sequence"].(float64); !ok {
			var top float64
			for _, r := range m.ents["messageRules"] {
				top = max(top, r.obj["sequence"].(float64))
			}
			obj["sequence"] = top + 1
		}
		setDefault("isEnabled", true)
		obj["hasError"], obj["isReadOnly"] = false, false
		setDefault("conditions", Object{})
		setDefault("exceptions", Object{})
		setDefault("actions", Object{})
	case "inferenceClassificationOverrides":
		ea, _ := obj["senderEmailAddress"].(map[string]any)
		if a, _ := ea["address"].(string); !strings.Contains(a, "@") {
			return nil, badInput("ErrorInvalidRequest", "An override needs senderEmailAddress with an SMTP address.")
		}
		if _, ok := obj["classifyAs"].(string); !ok {
			return nil, badInput("ErrorInvalidRequest", "An override needs classifyAs (focused or other).")
		}
	}
	if b, ok := obj["body"].(map[string]any); ok && set != "attachments" {
		if _, has := es.Type.Props["bodyPreview"]; has {
			c, _ := b["content"].(string)
			setDefault("bodyPreview", preview(c))
		}
	}
	m.ents[set][id] = e
	m.stamp(e)
	e.createSeq = e.modSeq
	if _, has := es.Type.Props["createdDateTime"]; has {
		obj["lastModifiedDateTime"] = obj["createdDateTime"] // equal on create
	}
	return e, nil
}

// CreateWithAttachments creates a message or event with its attachments
// (Graph-form objects, the store's from now on) as one write: when the item
// or any attachment is refused, nothing is kept.
func (m *Mailbox) CreateWithAttachments(set, parent string, obj Object, atts []any, fromClient bool) (*Entity, error) {
	e, err := m.Create(set, parent, obj, fromClient)
	for i := 0; err == nil && i < len(atts); i++ {
		ao, ok := atts[i].(map[string]any)
		if !ok {
			err = badInput("RequestBodyRead", "attachments[%d]: want a JSON object", i)
			break
		}
		_, err = m.AddAttachment(e.id, ao, fromClient)
	}
	if err != nil {
		if e != nil {
			m.Purge(e)
		}
		return nil, err
	}
	return e, nil
}

// Write sets properties of e as the server itself does (an attendee's
// response, a reminder dismissed): no access rules or type checks, but a
// change like any other, with a new change key.
func (m *Mailbox) Write(e *Entity, props Object) {
	for k, v := range props {
		e.obj[k] = v
	}
	m.stamp(e)
}

// stamp records a write of e: the next change sequence number, a new change
// key and ETag, and the modification time.
func (m *Mailbox) stamp(e *Entity) {
	m.seq++
	e.modSeq = m.seq
	props := schema.Sets()[e.set].Type.Props
	if _, has := props["lastModifiedDateTime"]; has {
		e.obj["lastModifiedDateTime"] = datetime.Format(m.st.now())
	}
	if e.set == "attachments" {
		return
	}
	ck := m.changeKey(e.modSeq)
	if _, has := props["changeKey"]; has {
		e.obj["changeKey"] = ck
	}
	e.obj["@odata.etag"] = `W/"` + ck + `"`
}

func (m *Mailbox) changeKey(seq uint64) string {
	var b [20]byte
	copy(b[:], m.ckPfx[:])
	binary.BigEndian.PutUint64(b[12:], seq)
	return base64.StdEncoding.EncodeToString(b[:])
}

// AddAttachment validates and stores an attachment (Graph form) of the
// message or event itemID.
func (m *Mailbox) AddAttachment(itemID string, obj Object, fromClient bool) (*Entity, error) {
	item := m.ents["messages"][itemID]
	if item == nil {
		item = m.ents["events"][itemID]
	}
	if item == nil {
		return nil, badInput("ErrorItemNotFound", "no message or event %q", itemID)
	}
	var size float64
	t, _ := obj["@odata.type"].(string)
	t = schema.ODataTypeToGraph(t)
	obj["@odata.type"] = t
	switch t {
	case schema.GraphNS + "fileAttachment":
		name, _ := obj["name"].(string)
		cb, ok := obj["contentBytes"].(string)
		if name == "" || !ok {
			return nil, badInput("ErrorInvalidRequest", "a fileAttachment needs name and contentBytes")
		}
		raw, err := base64.StdEncoding.DecodeString(cb)
		if err != nil {
			return nil, badInput("ErrorInvalidRequest", "contentBytes is not valid base64: %v", err)
		}
		size = float64(len(raw))
		if _, ok := obj["contentType"]; !ok {
			obj["contentType"] = "application/octet-stream"
		}
	case schema.GraphNS + "itemAttachment":
		it, ok := obj["item"].(map[string]any)
		if !ok {
			return nil, badInput("ErrorInvalidRequest", "an itemAttachment needs item")
		}
		b, _ := json.Marshal(it)
		size = float64(len(b))
	case schema.GraphNS + "referenceAttachment":
		size = 0
	case "":
		return nil, badInput("ErrorInvalidRequest", "@odata.type is required to create an attachment (#microsoft.graph.fileAttachment, itemAttachment or referenceAttachment)")
	default:
		return nil, badInput("ErrorInvalidRequest", "@odata.type %q is not an attachment type", t)
	}
	e, err := m.Create("attachments", item.id, obj, fromClient)
	if err != nil {
		return nil, err
	}
	e.obj["size"] = size
	m.refreshHasAttachments(item)
	m.stamp(item)
	return e, nil
}

func (m *Mailbox) refreshHasAttachments(item *Entity) {
	has := false
	for _, a := range m.ents["attachments"] {
		if a.parent == item.id {
			if in, _ := a.obj["isInline"].(bool); !in {
				has = true
			}
		}
	}
	item.obj["hasAttachments"] = has
}

// Update applies a Graph-form PATCH body to e. Read-only properties (and, on
// messages that are no longer drafts, draft-only ones) are refused with 400
// as Graph does; the rest are checked for type.
func (m *Mailbox) Update(e *Entity, patch Object) error {
	es := schema.Sets()[e.set]
	for k := range patch {
		if strings.HasPrefix(k, "@") {
			delete(patch, k)
			continue
		}
		p := es.Type.Props[k]
		if p == nil {
			continue
		}
		switch p.Access {
		case schema.ReadOnly:
			return badInput("ErrorInvalidPropertyUpdate", "The property '%s' is read-only and cannot be updated.", k)
		case schema.CreateOnly:
			return badInput("ErrorInvalidPropertyUpdate", "The property '%s' can only be set when the item is created.", k)
		case schema.DraftOnly:
			if d, _ := e.obj["isDraft"].(bool); !d {
				return badInput("ErrorInvalidPropertyUpdate", "The property '%s' can only be updated on a draft message.", k)
			}
		}
	}
	if err := schema.CheckObject("", es.Type, patch); err != nil {
		return badInput("RequestBodyRead", "%v", err)
	}
	for k, v := range patch {
		e.obj[k] = v
	}
	if b, ok := patch["body"].(map[string]any); ok {
		if _, has := es.Type.Props["bodyPreview"]; has {
			c, _ := b["content"].(string)
			e.obj["bodyPreview"] = preview(c)
		}
	}
	m.stamp(e)
	return nil
}

// Distinguished reports whether a folder, calendar or group may not be
// deleted.
func (m *Mailbox) Distinguished(e *Entity) bool {
	switch e.set {
	case "mailFolders":
		for _, id := range m.wellKnown {
			if id == e.id {
				return true
			}
		}
	case "calendars":
		return e.id == m.defaultCalendar
	case "calendarGroups":
		return e.id == m.defaultGroup
	case "contactFolders":
		return e.id == m.defaultContacts
	}
	return false
}

// Delete deletes e and everything it contains. A message outside Deleted
// Items is moved there instead, with a new id, as Exchange does.
func (m *Mailbox) Delete(e *Entity) {
	if e.set == "messages" && e.parent != m.wellKnown["deleteditems"] {
		m.Move(e, m.wellKnown["deleteditems"])
		return
	}
	m.Purge(e)
}

// Move puts a message in another folder under a new id (regular ids change
// on move); for delta, it left its old folder.
func (m *Mailbox) Move(e *Entity, folder string) *Entity {
	m.seq++
	m.tombs = append(m.tombs, tomb{seq: m.seq, set: e.set, id: e.id, parent: e.parent})
	delete(m.ents[e.set], e.id)
	old := e.id
	e.id = ids.Item()
	e.parent = folder
	e.obj["id"] = e.id
	e.obj["parentFolderId"] = folder
	m.ents[e.set][e.id] = e
	for _, a := range m.ents["attachments"] {
		if a.parent == old {
			a.parent = e.id
		}
	}
	m.stamp(e)
	e.createSeq = e.modSeq
	return e
}

func (m *Mailbox) Purge(e *Entity) {
	// Contents first, so that their tombstones precede the container's.
	var children []*Entity
	for _, byID := range m.ents {
		for _, c := range byID {
			if c.parent == e.id && c != e {
				children = append(children, c)
			}
		}
	}
	for _, c := range children {
		m.Purge(c)
	}
	if _, ok := m.ents[e.set][e.id]; !ok {
		return
	}
	delete(m.ents[e.set], e.id)
	m.seq++
	m.tombs = append(m.tombs, tomb{seq: m.seq, set: e.set, id: e.id, parent: e.parent})
	if e.set == "attachments" {
		if item := m.ents["messages"][e.parent]; item != nil {
			m.refreshHasAttachments(item)
			m.stamp(item)
		} else if item := m.ents["events"][e.parent]; item != nil {
			m.refreshHasAttachments(item)
			m.stamp(item)
		}
	}
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

var tagRE = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`)

// HTMLToText crudely turns an HTML body into text, as the body-content-type
// preference asks: tags out, entities decoded, blank runs squeezed.
func HTMLToText(s string) string {
	s = tagRE.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	return strings.Join(strings.Fields(s), " ")
}

func preview(body string) string {
	t := HTMLToText(body)
	if r := []rune(t); len(r) > 255 {
		t = string(r[:255])
	}
	return t
}

// mac signs a cursor with the store's key.
func (st *Store) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, st.key)
	h.Write(payload)
	return h.Sum(nil)[:12]
}

// CopyMessage stores a copy of msg (of mailbox src) in folder of m, with a
// new id and its attachments; extra, if any, overrides properties.
func (m *Mailbox) CopyMessage(src *Mailbox, msg *Entity, folder string, extra Object) *Entity {
	obj := schema.DeepCopy(msg.obj).(map[string]any)
	for _, k := range []string{"id", "changeKey", "@odata.etag", "createdDateTime", "lastModifiedDateTime", "parentFolderId", "webLink", "hasAttachments"} {
		delete(obj, k)
	}
	for k, v := range extra {
		obj[k] = v
	}
	e, err := m.Create("messages", folder, obj, false)
	if err != nil {
		panic("outlooktest: copying a stored message: " + err.Error()) // stored data is valid
	}
	for _, a := range src.List("attachments", func(a *Entity) bool { return a.parent == msg.id }) {
		ao := schema.DeepCopy(a.obj).(map[string]any)
		delete(ao, "id")
		if _, err := m.AddAttachment(e.id, ao, false); err != nil {
			panic("outlooktest: copying a stored attachment: " + err.Error())
		}
	}
	return e
}

// Send sends a draft: it is delivered to every recipient whose mailbox is on
// this server (whichever host serves it) and moved to Sent Items, or
// removed when save is false.
func (m *Mailbox) Send(draft *Entity, save bool) {
	now := datetime.Format(m.st.now())
	me := Object{"emailAddress": Object{"name": m.addr, "address": m.addr}}
	if draft.obj["from"] == nil {
		draft.obj["from"] = me
	}
	if draft.obj["sender"] == nil {
		draft.obj["sender"] = draft.obj["from"]
	}
	draft.obj["isDraft"] = false
	draft.obj["sentDateTime"] = now
	draft.obj["receivedDateTime"] = now
	draft.obj["internetMessageId"] = "<" + hex.EncodeToString(ids.Random(8)) + "@" + hosts.DomainOf(m.addr) + ">"
	delivered := map[*Mailbox]bool{}
	for _, field := range []string{"toRecipients", "ccRecipients", "bccRecipients"} {
		rs, _ := draft.obj[field].([]any)
		for _, r := range rs {
			ro, _ := r.(map[string]any)
			ea, _ := ro["emailAddress"].(map[string]any)
			addr, _ := ea["address"].(string)
			to, ok := m.st.lookup(addr)
			if !ok || delivered[to] {
				continue
			}
			delivered[to] = true
			extra := Object{"isRead": false, "isDraft": false, "receivedDateTime": now, "sentDateTime": now}
			extra["bccRecipients"] = []any{} // recipients do not see the Bcc line
			to.CopyMessage(m, draft, to.wellKnown["inbox"], extra)
		}
	}
	if save {
		m.Move(draft, m.wellKnown["sentitems"])
	} else {
		m.Purge(draft)
	}
}

// Under reports whether folder e lies below the folder root.
func (m *Mailbox) Under(e *Entity, root string) bool {
	for i := 0; e != nil && i < 64; i++ {
		if e.parent == root {
			return true
		}
		e = m.ents[e.set][e.parent]
	}
	return false
}
