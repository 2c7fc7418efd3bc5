package store

// Writes: creating, updating and deleting entities, with the defaults
// Exchange fills and the change each write records.

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// InputError is a write the server refuses because of what the client
// sent: front ends answer it as a 400 with Code (an Exchange error code).
type InputError struct{ Code, Message string }

// Error returns the message for people.
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
		// A draft has its Message-ID and conversation index from the start
		// (Graph's create-message sample answers with both) and keeps them
		// when sent.
		setDefault("internetMessageId", m.newMessageID())
		if fromClient {
			setDefault("conversationIndex", conversationIndex(m.st.now()))
		} else {
			// Received mail: the sender is the from address unless the
			// seed says otherwise (a delegate's mail), and the other way
			// round.
			if obj["sender"] == nil && obj["from"] != nil {
				obj["sender"] = schema.DeepCopy(obj["from"])
			}
			if obj["from"] == nil && obj["sender"] != nil {
				obj["from"] = schema.DeepCopy(obj["sender"])
			}
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
		setDefault("organizer", m.self())
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
		setDefault("owner", Object{"name": m.DisplayName(), "address": m.addr})
	case "calendarGroups":
		setDefault("classId", ids.GUID())
	case "calendarPermissions":
		if err := m.fillPermission(parent, obj); err != nil {
			return nil, err
		}
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
	m.fillNames(set, obj)
	if b, ok := obj["body"].(map[string]any); ok && set != "attachments" {
		if _, has := es.Type.Props["bodyPreview"]; has {
			c, _ := b["content"].(string)
			setDefault("bodyPreview", preview(c))
		}
	}
	m.ents[set][id] = e
	m.stamp(e)
	e.createSeq = e.modSeq
	if set == "calendars" {
		m.addBuiltinPermissions(id)
	}
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
	m.wrote(e, props)
}

// wrote records which properties the last write of e changed.
func (m *Mailbox) wrote(e *Entity, props Object) {
	if e.propSeq == nil {
		e.propSeq = map[string]uint64{}
	}
	for k := range props {
		e.propSeq[k] = e.modSeq
	}
}

// ChangeKeySeq returns the change sequence number a change key of this
// mailbox stands for (the sequence number of the write that made it);
// ok is false for anything that is not one of this mailbox's change keys.
func (m *Mailbox) ChangeKeySeq(ck string) (seq uint64, ok bool) {
	b, err := base64.StdEncoding.DecodeString(ck)
	if err != nil || len(b) != 20 || string(b[:12]) != string(m.ckPfx[:]) {
		return 0, false
	}
	return binary.BigEndian.Uint64(b[12:]), true
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
		// A contact holds its photo as an attachment (SetPhoto).
		item = m.ents["contacts"][itemID]
	}
	if item == nil {
		return nil, badInput("ErrorItemNotFound", "no message, event or contact %q", itemID)
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
	if item.set != "contacts" {
		m.refreshHasAttachments(item)
	}
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
	if r, ok := patch["role"]; ok && e.set == "calendarPermissions" {
		if err := checkAllowedRole(e.obj, r); err != nil {
			return err
		}
	}
	return m.Apply(e, patch)
}

// Apply writes a Graph-form patch to e with the type checks of Update but
// not its access rules, for a protocol whose rules differ from Graph's
// (EWS lets a received message's subject and body change, say), which it
// checks itself.
func (m *Mailbox) Apply(e *Entity, patch Object) error {
	es := schema.Sets()[e.set]
	if err := schema.CheckObject("", es.Type, patch); err != nil {
		return badInput("RequestBodyRead", "%v", err)
	}
	m.fillNames(e.set, patch)
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
	m.wrote(e, patch)
	return nil
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

// Purge deletes e for good, with everything it contains (a folder's
// folders and items, an item's attachments), each leaving a tombstone.
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
	if e.set == "events" && !IsException(e) {
		children = append(children, m.exceptionsOf(e)...)
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
		} else if item := m.ents["contacts"][e.parent]; item != nil {
			m.stamp(item)
		}
	}
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

// newMessageID returns a new RFC 5322 Message-ID in the mailbox's domain.
func (m *Mailbox) newMessageID() string {
	return "<" + hex.EncodeToString(ids.Random(8)) + "@" + hosts.DomainOf(m.addr) + ">"
}

// conversationIndex returns the PidTagConversationIndex of a message that
// starts a conversation, base64 as Graph shows it: a reserved byte (1),
// the five high bytes of the time as a FILETIME, and a new GUID.
func conversationIndex(now time.Time) string {
	var b [22]byte
	b[0] = 1
	ft := uint64(now.UnixNano()/100) + 116444736000000000 // 100 ns since 1601
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], ft)
	copy(b[1:6], t[:5])
	copy(b[6:], ids.Random(16))
	return base64.StdEncoding.EncodeToString(b[:])
}
