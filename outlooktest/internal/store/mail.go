package store

// Mail: moving, copying and sending messages, delivery included.

import (
	"encoding/hex"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

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
