package store

// Mail: moving, copying and sending messages, delivery included.

import (
	"html"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
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
	folder := ""
	if save {
		folder = m.wellKnown["sentitems"]
	}
	m.SendTo(draft, folder)
}

// SendTo sends a draft as Send does and keeps the sent copy in folder
// ("" keeps none): Sent Items, or the folder an EWS client names.
func (m *Mailbox) SendTo(draft *Entity, folder string) {
	now := datetime.Format(m.st.now())
	me := m.self()
	if draft.obj["from"] == nil {
		draft.obj["from"] = me
	}
	if draft.obj["sender"] == nil {
		draft.obj["sender"] = draft.obj["from"]
	}
	draft.obj["isDraft"] = false
	draft.obj["sentDateTime"] = now
	draft.obj["receivedDateTime"] = now
	if draft.obj["internetMessageId"] == nil {
		draft.obj["internetMessageId"] = m.newMessageID()
	}
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
			to.deliver(m, draft, extra)
		}
	}
	if folder != "" {
		m.Move(draft, folder)
	} else {
		m.Purge(draft)
	}
}

// Response is what a reply, reply-all or forward says beyond the message
// it answers.
type Response struct {
	// Kind is "reply", "replyall" or "forward".
	Kind string
	// Draft holds the properties the client set on the response itself
	// (Graph form, the store's from now on); those it leaves out come from
	// the original message.
	Draft Object
	// Comment is put above the quoted original when Draft has no body:
	// text, or HTML when CommentHTML.
	Comment     string
	CommentHTML bool
	// To are the recipients of a forward, when Draft names none.
	To []any
	// Send says the response is to be sent at once: one that would go to
	// nobody is refused (ErrorInvalidRecipients) before anything is stored.
	Send bool
}

// Reply creates the draft of a response to orig in Drafts, as Exchange
// composes it whichever protocol asks: the subject prefixed "RE: " or
// "FW: ", a reply addressed to the original's Reply-To or sender (and, for
// reply-all, its other recipients but this mailbox, and its Cc line), the
// comment above the quoted original, and a forward's copies of the
// attachments.
func (m *Mailbox) Reply(orig *Entity, r Response) (*Entity, error) {
	draft := r.Draft
	if draft == nil {
		draft = Object{}
	}
	subj, _ := orig.obj["subject"].(string)
	var to []any
	switch r.Kind {
	case "forward":
		subj = "FW: " + subj
		to = r.To
	default:
		subj = "RE: " + subj
		if rt, _ := orig.obj["replyTo"].([]any); len(rt) > 0 {
			to = schema.DeepCopy(rt).([]any)
		} else if from := orig.obj["from"]; from != nil {
			to = []any{schema.DeepCopy(from)}
		}
		if r.Kind == "replyall" {
			rs, _ := orig.obj["toRecipients"].([]any)
			for _, rc := range rs {
				ro, _ := rc.(map[string]any)
				ea, _ := ro["emailAddress"].(map[string]any)
				if a, _ := ea["address"].(string); !strings.EqualFold(a, m.addr) {
					to = append(to, schema.DeepCopy(rc))
				}
			}
			if cc, ok := orig.obj["ccRecipients"].([]any); ok && draft["ccRecipients"] == nil {
				draft["ccRecipients"] = schema.DeepCopy(cc)
			}
		}
	}
	if draft["toRecipients"] == nil {
		if to == nil {
			to = []any{}
		}
		draft["toRecipients"] = to
	}
	if rs, _ := draft["toRecipients"].([]any); r.Send && len(rs) == 0 {
		return nil, badInput("ErrorInvalidRecipients", "At least one recipient is required.")
	}
	if draft["subject"] == nil {
		draft["subject"] = subj
	}
	if draft["body"] == nil {
		ob, _ := orig.obj["body"].(map[string]any)
		quoted, _ := ob["content"].(string)
		if ob["contentType"] == "text" {
			quoted = html.EscapeString(quoted)
		}
		comment := r.Comment
		if !r.CommentHTML {
			comment = html.EscapeString(comment)
		}
		draft["body"] = Object{"contentType": "html", "content": comment + "<hr>" + quoted}
	}
	e, err := m.Create("messages", m.wellKnown["drafts"], draft, true)
	if err != nil {
		return nil, err
	}
	if r.Kind == "forward" {
		for _, a := range m.List("attachments", func(a *Entity) bool { return a.parent == orig.id }) {
			ao := schema.DeepCopy(a.obj).(map[string]any)
			delete(ao, "id")
			if _, err := m.AddAttachment(e.id, ao, false); err != nil {
				m.Purge(e)
				return nil, err
			}
		}
	}
	return e, nil
}
