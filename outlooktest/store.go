package outlooktest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// store holds every mailbox of one Server. One mutex guards all of it: the
// fake serves tests, where simplicity beats throughput, and a single lock
// makes each request's view of a mailbox consistent.
type store struct {
	mu    sync.Mutex
	now   func() time.Time
	boxes map[string]*Mailbox // by lower-cased SMTP address
	byID  map[string]*Mailbox // by mailbox (user object) id
	key   []byte              // MAC key of delta and skip tokens

	uploads map[string]*uploadSession // attachment upload sessions by id
}

// Mailbox is one mailbox of the fake server: its folders, messages,
// attachments, calendars, events, contact folders and contacts. Tests seed it
// with Add or Seed and inspect it with Items and Get; the REST hosts read and
// write the same data. Its methods are safe for concurrent use with each
// other and with requests in flight.
type Mailbox struct {
	st   *store
	addr string // as given to AddMailbox, lower-cased
	id   string // the user's object id (a GUID), usable in /users/{id}

	ents  map[string]map[string]*entity // entity set -> id -> entity
	seq   uint64                        // change sequence: every write takes the next value
	order uint64                        // creation counter, for stable listing order
	tombs []tomb                        // removals, for delta
	ckPfx [12]byte                      // change-key prefix, random per mailbox

	wellKnown       map[string]string // lower-cased well-known mail folder name -> id
	rootFolder      string            // msgfolderroot
	defaultCalendar string
	defaultGroup    string
	defaultContacts string

	settings Object // mailboxSettings, Graph form
}

// entity is one stored resource. obj holds the Graph-form JSON the API shows
// (read-only properties included); the rest is bookkeeping.
type entity struct {
	set       string
	id        string
	obj       Object
	parent    string // containing folder, calendar, calendar group or item (attachments)
	order     uint64
	createSeq uint64
	modSeq    uint64
	transient bool // an occurrence computed from its series master

	rendered *renderCache // its last list-page rendering (rendercache.go)
}

// tomb records that an entity left a parent (deleted, or moved away), for
// delta rounds that started before.
type tomb struct {
	seq    uint64
	set    string
	id     string
	parent string
}

// newStore returns an empty store whose timestamps come from now.
func newStore(now func() time.Time) *store {
	if now == nil {
		now = time.Now
	}
	key := make([]byte, 32)
	rand.Read(key)
	return &store{now: now, boxes: map[string]*Mailbox{}, byID: map[string]*Mailbox{}, key: key, uploads: map[string]*uploadSession{}}
}

// ensureMailbox returns the mailbox for smtp, creating it with its
// well-known folders, default calendar and contacts folder.
func (st *store) ensureMailbox(smtp string) *Mailbox {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := strings.ToLower(smtp)
	if m, ok := st.boxes[k]; ok {
		return m
	}
	m := &Mailbox{st: st, addr: k, id: userID(k), ents: map[string]map[string]*entity{}, wellKnown: map[string]string{}}
	rand.Read(m.ckPfx[:])
	for name := range sets() {
		m.ents[name] = map[string]*entity{}
	}
	m.initFolders()
	m.settings = m.defaultSettings()
	st.boxes[k] = m
	st.byID[m.id] = m
	return m
}

// mailbox returns the mailbox for an SMTP address (any case) or a user id.
func (st *store) mailbox(smtp string) (*Mailbox, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.lookup(smtp)
}

func (st *store) lookup(key string) (*Mailbox, bool) {
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
		e, err := m.create(set, parent, obj, false)
		if err != nil {
			panic("outlooktest: creating a default folder: " + err.Error())
		}
		return e.id
	}
	m.rootFolder = mk("mailFolders", newID(), Object{"displayName": "Top of Information Store"})
	m.wellKnown["msgfolderroot"] = m.rootFolder
	for _, f := range wellKnownFolders {
		parent := m.rootFolder
		switch f.parent {
		case "":
		case "-":
			parent = newID()
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
	m.defaultContacts = mk("contactFolders", newID(), Object{"displayName": "Contacts"})
	m.seq, m.tombs = 0, nil // the default tree is the mailbox's initial state, not a change
	for _, byID := range m.ents {
		for _, e := range byID {
			e.createSeq, e.modSeq = 0, 0
		}
	}
}

// Address returns the mailbox's SMTP address, lower-cased.
func (m *Mailbox) Address() string { return m.addr }

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
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	id, err := m.seed(collection, obj)
	if err != nil {
		panic(fmt.Sprintf("outlooktest: %s: Add(%q): %v", m.addr, collection, err))
	}
	return id
}

// AddAttachment adds an attachment (Graph form, with "@odata.type" such as
// "#microsoft.graph.fileAttachment"; a fileAttachment by default) to the
// message or event itemID and returns the attachment's id. It panics on
// malformed input or an unknown item.
func (m *Mailbox) AddAttachment(itemID string, obj Object) string {
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	norm, err := normalise(obj)
	if err != nil {
		panic(fmt.Sprintf("outlooktest: %s: AddAttachment: %v", m.addr, err))
	}
	if _, ok := norm["@odata.type"]; !ok {
		norm["@odata.type"] = graphNS + "fileAttachment"
	}
	e, err := m.addAttachment(itemID, norm, false)
	if err != nil {
		panic(fmt.Sprintf("outlooktest: %s: AddAttachment(%q): %v", m.addr, itemID, err))
	}
	return e.id
}

// Items returns deep copies of every entity of a collection (as Add names
// them, plus "attachments"), in creation order, in the Graph form a GET
// returns. It panics on an unknown collection.
func (m *Mailbox) Items(collection string) []Object {
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	set := canonicalSet(collection)
	if set == "" {
		panic(fmt.Sprintf("outlooktest: %s: Items(%q): unknown collection", m.addr, collection))
	}
	var out []Object
	for _, e := range m.sorted(set, func(*entity) bool { return true }) {
		if set == "mailFolders" && e.id == m.rootFolder {
			continue
		}
		out = append(out, m.view(e))
	}
	return out
}

// Get returns a deep copy of one entity of a collection by id (folders also
// by well-known name).
func (m *Mailbox) Get(collection, id string) (Object, bool) {
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	set := canonicalSet(collection)
	if set == "" {
		return nil, false
	}
	e := m.find(set, id)
	if e == nil {
		return nil, false
	}
	return m.view(e), true
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
	var doc map[string][]Object
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("outlooktest: seed %s: want {\"collection\": [objects...]}: %w", name, err)
	}
	for k := range doc {
		if canonicalSet(k) == "" || canonicalSet(k) == "attachments" {
			return fmt.Errorf("outlooktest: seed %s: unknown collection %q", name, k)
		}
	}
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	for _, coll := range []string{"mailFolders", "contactFolders", "calendarGroups", "calendars", "messages", "events", "contacts",
		"inferenceClassificationOverrides", "messageRules"} {
		for k, objs := range doc {
			if canonicalSet(k) != coll {
				continue
			}
			for i, obj := range objs {
				if _, err := m.seed(coll, obj); err != nil {
					return fmt.Errorf("outlooktest: seed %s: %s[%d]: %v", name, k, i, err)
				}
			}
		}
	}
	return nil
}

// canonicalSet resolves a collection name case-insensitively.
func canonicalSet(name string) string {
	for s := range sets() {
		if strings.EqualFold(s, name) {
			return s
		}
	}
	return ""
}

// normalise deep-copies obj through JSON, so seeds in Go values ([]string,
// int, nested Object) take the shapes a request body has.
func normalise(obj Object) (Object, error) {
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

// seed is Add without the lock and the panic.
func (m *Mailbox) seed(collection string, obj Object) (string, error) {
	set := canonicalSet(collection)
	if set == "" || set == "attachments" {
		return "", fmt.Errorf("unknown collection (want messages, mailFolders, events, calendars, calendarGroups, contacts, contactFolders, inferenceClassificationOverrides or messageRules)")
	}
	norm, err := normalise(obj)
	if err != nil {
		return "", err
	}
	var atts []any
	if set == "messages" || set == "events" {
		if a, ok := norm["attachments"]; ok {
			arr, ok := a.([]any)
			if !ok {
				return "", fmt.Errorf("attachments: want a JSON array, got %s", jsonKind(a))
			}
			atts = arr
			delete(norm, "attachments")
		}
	}
	parent, err := m.seedParent(set, norm)
	if err != nil {
		return "", err
	}
	e, err := m.create(set, parent, norm, false)
	if err != nil {
		return "", err
	}
	for i, a := range atts {
		ao, ok := a.(map[string]any)
		if !ok {
			return "", fmt.Errorf("attachments[%d]: want a JSON object", i)
		}
		if _, ok := ao["@odata.type"]; !ok {
			ao["@odata.type"] = graphNS + "fileAttachment"
		}
		if _, err := m.addAttachment(e.id, ao, false); err != nil {
			return "", fmt.Errorf("attachments[%d]: %v", i, err)
		}
	}
	return e.id, nil
}

// seedParent finds where a seeded entity goes.
func (m *Mailbox) seedParent(set string, obj Object) (string, error) {
	pf, _ := obj["parentFolderId"].(string)
	if v, ok := obj["parentFolderId"]; ok && v != nil && pf == "" {
		return "", fmt.Errorf("parentFolderId: want a folder id or well-known name, got %s", jsonKind(v))
	}
	folder := func(folderSet, def string) (string, error) {
		if pf == "" {
			return def, nil
		}
		f := m.find(folderSet, pf)
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

// find returns the entity of set with that id; folders also answer to their
// well-known names, case-insensitively (ids are case-sensitive).
func (m *Mailbox) find(set, id string) *entity {
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

// sorted returns the entities of set that keep, in creation order.
func (m *Mailbox) sorted(set string, keep func(*entity) bool) []*entity {
	var out []*entity
	for _, e := range m.ents[set] {
		if keep(e) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *entity) int { return cmpU64(a.order, b.order) })
	return out
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// errBadInput is a create or update the server refuses with 400.
type errBadInput struct{ code, msg string }

func (e *errBadInput) Error() string { return e.msg }

func badInput(code, format string, args ...any) error {
	return &errBadInput{code: code, msg: fmt.Sprintf(format, args...)}
}

// create stores a new entity of set under parent. obj is Graph form and owned
// by the store from now on. fromREST marks a POST: read-only properties in
// the body are dropped (the server sets them) and messages become drafts.
func (m *Mailbox) create(set, parent string, obj Object, fromREST bool) (*entity, error) {
	es := sets()[set]
	if err := checkObject("", es.typ, obj); err != nil {
		return nil, badInput("RequestBodyRead", "%v", err)
	}
	id, _ := obj["id"].(string)
	if fromREST || id == "" {
		id = newID()
	} else if _, dup := m.ents[set][id]; dup || m.find(set, id) != nil {
		return nil, badInput("ErrorDuplicateId", "id %q is already used in %s", id, set)
	}
	if fromREST {
		for k, p := range es.typ.props {
			if p.access == accRead {
				delete(obj, k)
			}
		}
	}
	for k := range obj {
		if k == "@odata.etag" || k == "@odata.context" || k == "@odata.id" {
			delete(obj, k)
		}
	}
	now := formatDateTime(m.st.now())
	m.order++
	e := &entity{set: set, id: id, obj: obj, parent: parent, order: m.order}
	obj["id"] = id
	setDefault := func(k string, v any) {
		if cur, ok := obj[k]; !ok || cur == nil {
			obj[k] = v
		}
	}
	if _, item := es.typ.props["createdDateTime"]; item { // outlookItem: message, event, contact
		setDefault("createdDateTime", now)
		setDefault("categories", []any{})
	}
	switch set {
	case "messages":
		obj["parentFolderId"] = parent
		if fromREST {
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
		setDefault("conversationId", newID())
		setDefault("webLink", "https://outlook.office365.com/owa/?ItemID="+id+"&exvsurl=1&viewmodel=ReadMessageItem")
		if !obj["isDraft"].(bool) {
			setDefault("internetMessageId", "<"+hex.EncodeToString(randBytes(8))+"@"+mailDomain(m.addr)+">")
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
		setDefault("iCalUId", "040000008200E00074C5B7101A82E008"+strings.ToUpper(hex.EncodeToString(randBytes(16))))
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
		setDefault("classId", newGUID())
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
		if _, has := es.typ.props["bodyPreview"]; has {
			c, _ := b["content"].(string)
			setDefault("bodyPreview", preview(c))
		}
	}
	m.ents[set][id] = e
	m.stamp(e)
	e.createSeq = e.modSeq
	if _, has := es.typ.props["createdDateTime"]; has {
		obj["lastModifiedDateTime"] = obj["createdDateTime"] // equal on create
	}
	return e, nil
}

// stamp records a write of e: the next change sequence number, a new change
// key and ETag, and the modification time.
func (m *Mailbox) stamp(e *entity) {
	m.seq++
	e.modSeq = m.seq
	props := sets()[e.set].typ.props
	if _, has := props["lastModifiedDateTime"]; has {
		e.obj["lastModifiedDateTime"] = formatDateTime(m.st.now())
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

// addAttachment validates and stores an attachment (Graph form) of the
// message or event itemID.
func (m *Mailbox) addAttachment(itemID string, obj Object, fromREST bool) (*entity, error) {
	item := m.ents["messages"][itemID]
	if item == nil {
		item = m.ents["events"][itemID]
	}
	if item == nil {
		return nil, badInput("ErrorItemNotFound", "no message or event %q", itemID)
	}
	var size float64
	t, _ := obj["@odata.type"].(string)
	t = odataTypeToGraph(t)
	obj["@odata.type"] = t
	switch t {
	case graphNS + "fileAttachment":
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
	case graphNS + "itemAttachment":
		it, ok := obj["item"].(map[string]any)
		if !ok {
			return nil, badInput("ErrorInvalidRequest", "an itemAttachment needs item")
		}
		b, _ := json.Marshal(it)
		size = float64(len(b))
	case graphNS + "referenceAttachment":
		size = 0
	case "":
		return nil, badInput("ErrorInvalidRequest", "@odata.type is required to create an attachment (#microsoft.graph.fileAttachment, itemAttachment or referenceAttachment)")
	default:
		return nil, badInput("ErrorInvalidRequest", "@odata.type %q is not an attachment type", t)
	}
	e, err := m.create("attachments", item.id, obj, fromREST)
	if err != nil {
		return nil, err
	}
	e.obj["size"] = size
	m.refreshHasAttachments(item)
	m.stamp(item)
	return e, nil
}

func (m *Mailbox) refreshHasAttachments(item *entity) {
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

// update applies a Graph-form PATCH body to e. Read-only properties (and, on
// messages that are no longer drafts, draft-only ones) are refused with 400
// as Graph does; the rest are checked for type.
func (m *Mailbox) update(e *entity, patch Object) error {
	es := sets()[e.set]
	for k := range patch {
		if strings.HasPrefix(k, "@") {
			delete(patch, k)
			continue
		}
		p := es.typ.props[k]
		if p == nil {
			continue
		}
		switch p.access {
		case accRead:
			return badInput("ErrorInvalidPropertyUpdate", "The property '%s' is read-only and cannot be updated.", k)
		case accCreate:
			return badInput("ErrorInvalidPropertyUpdate", "The property '%s' can only be set when the item is created.", k)
		case accDraftOnly:
			if d, _ := e.obj["isDraft"].(bool); !d {
				return badInput("ErrorInvalidPropertyUpdate", "The property '%s' can only be updated on a draft message.", k)
			}
		}
	}
	if err := checkObject("", es.typ, patch); err != nil {
		return badInput("RequestBodyRead", "%v", err)
	}
	for k, v := range patch {
		e.obj[k] = v
	}
	if b, ok := patch["body"].(map[string]any); ok {
		if _, has := es.typ.props["bodyPreview"]; has {
			c, _ := b["content"].(string)
			e.obj["bodyPreview"] = preview(c)
		}
	}
	m.stamp(e)
	return nil
}

// distinguished reports whether a folder, calendar or group may not be
// deleted.
func (m *Mailbox) distinguished(e *entity) bool {
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

// remove deletes e and everything it contains. A message outside Deleted
// Items is moved there instead, with a new id, as Exchange does.
func (m *Mailbox) remove(e *entity) {
	if e.set == "messages" && e.parent != m.wellKnown["deleteditems"] {
		m.move(e, m.wellKnown["deleteditems"])
		return
	}
	m.drop(e)
}

// move puts a message in another folder under a new id (regular ids change
// on move); for delta, it left its old folder.
func (m *Mailbox) move(e *entity, folder string) *entity {
	m.seq++
	m.tombs = append(m.tombs, tomb{seq: m.seq, set: e.set, id: e.id, parent: e.parent})
	delete(m.ents[e.set], e.id)
	old := e.id
	e.id = newID()
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

func (m *Mailbox) drop(e *entity) {
	// Contents first, so that their tombstones precede the container's.
	var children []*entity
	for _, byID := range m.ents {
		for _, c := range byID {
			if c.parent == e.id && c != e {
				children = append(children, c)
			}
		}
	}
	for _, c := range children {
		m.drop(c)
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

// view returns a deep copy of e as the API shows it, with computed
// properties (folder counts) filled in.
func (m *Mailbox) view(e *entity) Object {
	o := deepCopy(e.obj).(map[string]any)
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

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

var tagRE = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`)

// htmlToText crudely turns an HTML body into text, as the body-content-type
// preference asks: tags out, entities decoded, blank runs squeezed.
func htmlToText(s string) string {
	s = tagRE.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	return strings.Join(strings.Fields(s), " ")
}

func preview(body string) string {
	t := htmlToText(body)
	if r := []rune(t); len(r) > 255 {
		t = string(r[:255])
	}
	return t
}

// newID returns an Exchange-looking REST id: "AAMkAG" and URL-safe base64 of
// random bytes. Ids are case-sensitive.
func newID() string {
	return "AAMkAG" + base64.RawURLEncoding.EncodeToString(randBytes(33))
}

func newGUID() string {
	b := randBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func mailDomain(smtp string) string {
	_, d, _ := strings.Cut(smtp, "@")
	return d
}

// formatDateTime is how Graph writes an Edm.DateTimeOffset.
func formatDateTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
}

// parseDateTime reads an ISO 8601 date-time with or without offset (none
// means UTC, as Graph reads it) or a bare date.
func parseDateTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an ISO 8601 date-time: %q", s)
}

// mac signs a token payload with the store's key.
func (st *store) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, st.key)
	h.Write(payload)
	return h.Sum(nil)[:12]
}

// copyMessage stores a copy of msg (of mailbox src) in folder of m, with a
// new id and its attachments; extra, if any, overrides properties.
func (m *Mailbox) copyMessage(src *Mailbox, msg *entity, folder string, extra Object) *entity {
	obj := deepCopy(msg.obj).(map[string]any)
	for _, k := range []string{"id", "changeKey", "@odata.etag", "createdDateTime", "lastModifiedDateTime", "parentFolderId", "webLink", "hasAttachments"} {
		delete(obj, k)
	}
	for k, v := range extra {
		obj[k] = v
	}
	e, err := m.create("messages", folder, obj, false)
	if err != nil {
		panic("outlooktest: copying a stored message: " + err.Error()) // stored data is valid
	}
	for _, a := range src.sorted("attachments", func(a *entity) bool { return a.parent == msg.id }) {
		ao := deepCopy(a.obj).(map[string]any)
		delete(ao, "id")
		if _, err := m.addAttachment(e.id, ao, false); err != nil {
			panic("outlooktest: copying a stored attachment: " + err.Error())
		}
	}
	return e
}

// send sends a draft: it is delivered to every recipient whose mailbox is on
// this server (whichever host serves it) and moved to Sent Items, or
// removed when save is false.
func (m *Mailbox) send(draft *entity, save bool) {
	now := formatDateTime(m.st.now())
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
	draft.obj["internetMessageId"] = "<" + hex.EncodeToString(randBytes(8)) + "@" + mailDomain(m.addr) + ">"
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
			to.copyMessage(m, draft, to.wellKnown["inbox"], extra)
		}
	}
	if save {
		m.move(draft, m.wellKnown["sentitems"])
	} else {
		m.drop(draft)
	}
}

// under reports whether folder e lies below the folder root.
func (m *Mailbox) under(e *entity, root string) bool {
	for i := 0; e != nil && i < 64; i++ {
		if e.parent == root {
			return true
		}
		e = m.ents[e.set][e.parent]
	}
	return false
}

// occSep joins a series master's id and an occurrence's date in the id of
// the occurrence, so that occurrences, which the store does not keep, have
// stable ids a client can read back.
const occSep = "_OCC"

// viewItems returns what an event contributes to a calendar view of
// [from, to): a single instance itself when it overlaps; a series master's
// occurrences that overlap (recurrences expanded), preceded by the master
// when withMaster is set and any occurrence does. Occurrences are fresh
// objects; the others are shared with the store (read-only).
func viewItems(e *entity, from, to time.Time, withMaster bool) []Object {
	if r, _ := e.obj["recurrence"].(map[string]any); r != nil {
		occ := expandSeries(e.id, e.obj, from, to)
		if withMaster && len(occ) > 0 {
			return append([]Object{e.obj}, occ...)
		}
		return occ
	}
	if inWindow(e.obj, &window{start: from, end: to}) {
		return []Object{e.obj}
	}
	return nil
}

// expandSeries returns the occurrences of a series master overlapping
// [from, to). Patterns: daily, weekly, absolute and relative monthly and
// yearly; ranges: endDate, numbered, noEnd. Exceptions and cancelled
// occurrences are not modelled.
func expandSeries(id string, master Object, from, to time.Time) []Object {
	starts, dur, loc := occurrenceStarts(master, from, to)
	out := make([]Object, 0, len(starts))
	sm, _ := master["start"].(map[string]any)
	stz, _ := sm["timeZone"].(string)
	etz := stz
	if e, ok := master["end"].(map[string]any); ok {
		if z, ok := e["timeZone"].(string); ok {
			etz = z
		}
	}
	eloc, ok := loadZone(etz)
	if !ok {
		eloc = loc
	}
	for _, s := range starts {
		o := make(Object, len(master))
		for k, v := range master {
			o[k] = deepCopy(v)
		}
		o["id"] = id + occSep + s.Format("20060102")
		o["type"] = "occurrence"
		o["seriesMasterId"] = id
		o["recurrence"] = nil
		o["start"] = Object{"dateTime": s.Format("2006-01-02T15:04:05.0000000"), "timeZone": stz}
		o["end"] = Object{"dateTime": s.Add(dur).In(eloc).Format("2006-01-02T15:04:05.0000000"), "timeZone": etz}
		out = append(out, o)
	}
	return out
}

// occurrenceStarts lists the start instants (in the master's zone) of the
// occurrences that overlap [from, to), with the events' duration.
func occurrenceStarts(master Object, from, to time.Time) ([]time.Time, time.Duration, *time.Location) {
	start, ok1 := eventTime(master["start"])
	end, ok2 := eventTime(master["end"])
	r, _ := master["recurrence"].(map[string]any)
	p, _ := r["pattern"].(map[string]any)
	rg, _ := r["range"].(map[string]any)
	if !ok1 || !ok2 || p == nil || rg == nil {
		return nil, 0, time.UTC
	}
	sm, _ := master["start"].(map[string]any)
	tz, _ := sm["timeZone"].(string)
	loc, ok := loadZone(tz)
	if !ok {
		loc = time.UTC
	}
	local := start.In(loc)
	dur := end.Sub(start)
	civil := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	rangeStart := civil(local)
	if s, ok := rg["startDate"].(string); ok {
		if d, err := time.Parse("2006-01-02", s); err == nil {
			rangeStart = d
		}
	}
	var rangeEnd time.Time
	limit := -1
	switch rt, _ := rg["type"].(string); rt {
	case "endDate":
		if s, ok := rg["endDate"].(string); ok {
			if d, err := time.Parse("2006-01-02", s); err == nil {
				rangeEnd = d
			}
		}
	case "numbered":
		n, _ := rg["numberOfOccurrences"].(float64)
		limit = int(n)
	}
	interval := 1
	if n, _ := p["interval"].(float64); n >= 1 {
		interval = int(n)
	}
	days := map[time.Weekday]bool{}
	if ds, ok := p["daysOfWeek"].([]any); ok {
		for _, d := range ds {
			s, _ := d.(string)
			for i, name := range enums["dayOfWeek"] {
				if strings.EqualFold(s, name) {
					days[time.Weekday(i)] = true
				}
			}
		}
	}
	if len(days) == 0 {
		days[rangeStart.Weekday()] = true
	}
	firstDay := time.Sunday
	if s, ok := p["firstDayOfWeek"].(string); ok {
		for i, name := range enums["dayOfWeek"] {
			if strings.EqualFold(s, name) {
				firstDay = time.Weekday(i)
			}
		}
	}
	dayOfMonth := rangeStart.Day()
	if n, _ := p["dayOfMonth"].(float64); n >= 1 {
		dayOfMonth = int(n)
	}
	month := rangeStart.Month()
	if n, _ := p["month"].(float64); n >= 1 && n <= 12 {
		month = time.Month(n)
	}
	index, _ := p["index"].(string)
	daysIn := func(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }
	nth := func(y int, m time.Month) (time.Time, bool) { // relative patterns
		var match []time.Time
		for d := 1; d <= daysIn(y, m); d++ {
			t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			if days[t.Weekday()] {
				match = append(match, t)
			}
		}
		i := map[string]int{"second": 1, "third": 2, "fourth": 3, "last": len(match) - 1}[strings.ToLower(index)]
		if i < 0 || i >= len(match) {
			return time.Time{}, false
		}
		return match[i], true
	}
	// next yields the k-th group of candidate dates of the pattern.
	var next func(k int) []time.Time
	switch pt, _ := p["type"].(string); strings.ToLower(pt) {
	case "daily":
		next = func(k int) []time.Time { return []time.Time{rangeStart.AddDate(0, 0, k*interval)} }
	case "weekly":
		ws := rangeStart.AddDate(0, 0, -int((rangeStart.Weekday()-firstDay+7)%7))
		next = func(k int) []time.Time {
			var out []time.Time
			w := ws.AddDate(0, 0, 7*interval*k)
			for off := range 7 {
				if d := w.AddDate(0, 0, off); days[d.Weekday()] {
					out = append(out, d)
				}
			}
			return out
		}
	case "absolutemonthly":
		next = func(k int) []time.Time {
			m := time.Date(rangeStart.Year(), rangeStart.Month()+time.Month(k*interval), 1, 0, 0, 0, 0, time.UTC)
			return []time.Time{time.Date(m.Year(), m.Month(), min(dayOfMonth, daysIn(m.Year(), m.Month())), 0, 0, 0, 0, time.UTC)}
		}
	case "relativemonthly":
		next = func(k int) []time.Time {
			m := time.Date(rangeStart.Year(), rangeStart.Month()+time.Month(k*interval), 1, 0, 0, 0, 0, time.UTC)
			if d, ok := nth(m.Year(), m.Month()); ok {
				return []time.Time{d}
			}
			return nil
		}
	case "absoluteyearly":
		next = func(k int) []time.Time {
			y := rangeStart.Year() + k*interval
			return []time.Time{time.Date(y, month, min(dayOfMonth, daysIn(y, month)), 0, 0, 0, 0, time.UTC)}
		}
	case "relativeyearly":
		next = func(k int) []time.Time {
			if d, ok := nth(rangeStart.Year()+k*interval, month); ok {
				return []time.Time{d}
			}
			return nil
		}
	default:
		return nil, dur, loc
	}
	var out []time.Time
	count := 0
	for k := 0; k < 100000; k++ {
		for _, d := range next(k) {
			if d.Before(rangeStart) {
				continue
			}
			if !rangeEnd.IsZero() && d.After(rangeEnd) {
				return out, dur, loc
			}
			s := time.Date(d.Year(), d.Month(), d.Day(), local.Hour(), local.Minute(), local.Second(), 0, loc)
			if !s.Before(to) {
				return out, dur, loc
			}
			count++
			if limit >= 0 && count > limit {
				return out, dur, loc
			}
			if s.Add(dur).After(from) {
				out = append(out, s)
			}
		}
	}
	return out, dur, loc
}

// occurrence returns a transient entity for the occurrence id of a stored
// series master, or nil. Occurrences are computed, not stored: they can be
// read but not changed.
func (m *Mailbox) occurrence(id string) *entity {
	i := strings.LastIndex(id, occSep)
	if i < 0 {
		return nil
	}
	master := m.ents["events"][id[:i]]
	day, err := time.Parse("20060102", id[i+len(occSep):])
	if master == nil || err != nil {
		return nil
	}
	for _, o := range expandSeries(master.id, master.obj, day.Add(-48*time.Hour), day.Add(72*time.Hour)) {
		if o["id"] == id {
			return &entity{set: "events", id: id, obj: o, parent: master.parent, order: master.order, transient: true}
		}
	}
	return nil
}
