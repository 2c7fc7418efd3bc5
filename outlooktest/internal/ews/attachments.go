package ews

// Attachments: the Attachments list of an item, CreateAttachment,
// GetAttachment and DeleteAttachment. File attachments carry their bytes
// in Content; item attachments carry a message.

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/mimemsg"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// attachmentKind is the EWS element of a stored attachment.
func attachmentKind(a Object) string {
	switch a["@odata.type"] {
	case schema.GraphNS + "itemAttachment":
		return "ItemAttachment"
	case schema.GraphNS + "referenceAttachment":
		return "ReferenceAttachment"
	}
	return "FileAttachment"
}

// writeAttachmentSummary writes an attachment as an item's Attachments
// list shows it: its id and properties, no content.
func writeAttachmentSummary(w *writer, a *store.Entity, rootAttrs ...string) {
	o := a.Object()
	kind := attachmentKind(o)
	w.open("t:" + kind)
	w.empty("t:AttachmentId", append([]string{"Id", ewsID(a.ID())}, rootAttrs...)...)
	writeAttachmentProps(w, o, kind)
	w.close("t:" + kind)
}

// writeAttachmentProps writes the AttachmentType properties, in schema
// order.
func writeAttachmentProps(w *writer, o Object, kind string) {
	name, _ := o["name"].(string)
	w.leaf("t:Name", name)
	ct, _ := o["contentType"].(string)
	if kind == "ItemAttachment" && ct == "" {
		ct = "message/rfc822"
	}
	if ct != "" {
		w.leaf("t:ContentType", ct)
	}
	if cid, _ := o["contentId"].(string); cid != "" {
		w.leaf("t:ContentId", cid)
	}
	if cl, _ := o["contentLocation"].(string); cl != "" {
		w.leaf("t:ContentLocation", cl)
	}
	if sz, ok := o["size"].(float64); ok {
		w.leaf("t:Size", strconv.FormatInt(int64(sz), 10))
	}
	// Exchange writes an attachment's time without a zone designator.
	if t := ewsTime(o["lastModifiedDateTime"]); t != "" {
		w.leaf("t:LastModifiedTime", strings.TrimSuffix(t, "Z"))
	}
	inline, _ := o["isInline"].(bool)
	w.leaf("t:IsInline", boolText(inline))
	if kind == "FileAttachment" {
		photo, _ := o["isContactPhoto"].(bool)
		w.leaf("t:IsContactPhoto", boolText(photo))
	}
}

func writeAttachmentList(x *itemCtx, w *writer) {
	atts := x.m.List("attachments", func(a *store.Entity) bool { return a.Parent() == x.e.ID() })
	if len(atts) == 0 || x.c.hidesDetails(x.e) {
		return
	}
	w.open("t:Attachments")
	for _, a := range atts {
		writeAttachmentSummary(w, a)
	}
	w.close("t:Attachments")
}

// readAttachment reads a FileAttachment or ItemAttachment of a request
// into Graph form.
func (c *call) readAttachment(e *elem) (Object, *respErr, *fault) {
	switch {
	case e.is(nsTypes, "FileAttachment"):
		o := Object{"@odata.type": schema.GraphNS + "fileAttachment"}
		name := e.t("Name")
		content := e.t("Content")
		if name == nil || content == nil {
			return nil, errf("ErrorInvalidAttachmentSubfilter", "A FileAttachment needs a Name and a Content."), nil
		}
		raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(content.text), ""))
		if err != nil {
			return nil, nil, schemaFault(content.line, content.col, "The 'Content' element is invalid - The value is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:base64Binary'.")
		}
		o["name"] = name.text
		o["contentBytes"] = base64.StdEncoding.EncodeToString(raw)
		if ct := e.t("ContentType"); ct != nil {
			o["contentType"] = strings.TrimSpace(ct.text)
		}
		if cid := e.t("ContentId"); cid != nil {
			o["contentId"] = strings.TrimSpace(cid.text)
		}
		if cl := e.t("ContentLocation"); cl != nil {
			o["contentLocation"] = strings.TrimSpace(cl.text)
		}
		if in := e.t("IsInline"); in != nil {
			b, err := parseBool(in.text)
			if err != nil {
				return nil, errf("ErrorInvalidValueForProperty", err.Error()), nil
			}
			o["isInline"] = b
		}
		if photo := e.t("IsContactPhoto"); photo != nil {
			if b, _ := parseBool(photo.text); b {
				o["isContactPhoto"] = true
			}
		}
		return o, nil, nil
	case e.is(nsTypes, "ItemAttachment"):
		o := Object{"@odata.type": schema.GraphNS + "itemAttachment"}
		if name := e.t("Name"); name != nil {
			o["name"] = name.text
		}
		var msg *elem
		for _, k := range e.kids {
			if k.space == nsTypes && (k.local == "Message" || k.local == "Item") {
				msg = k
			} else if k.space == nsTypes && k.local != "Name" && k.local != "ContentType" && k.local != "ContentId" && k.local != "IsInline" {
				return nil, errf("ErrorInvalidOperation", "outlooktest: item attachments other than messages are not served over EWS yet ("+k.local+")"), nil
			}
		}
		if msg == nil {
			return nil, errf("ErrorInvalidAttachmentSubfilter", "An ItemAttachment needs an item."), nil
		}
		sc := &setCtx{c: c, patch: Object{}, memos: map[memoKey]string{}, create: true}
		if rerr, f := sc.readMessage(msg); rerr != nil || f != nil {
			return nil, rerr, f
		}
		item := sc.patch
		if _, ok := item["isDraft"]; !ok {
			item["isDraft"] = false
		}
		if len(sc.atts) > 0 {
			anys := make([]any, len(sc.atts))
			for i, a := range sc.atts {
				anys[i] = a
			}
			item["attachments"] = anys
		}
		if _, ok := o["name"]; !ok {
			o["name"], _ = item["subject"].(string)
		}
		o["item"] = item
		return o, nil, nil
	case e.is(nsTypes, "ReferenceAttachment"):
		return nil, errf("ErrorInvalidOperation", "outlooktest: reference attachments are not served over EWS"), nil
	}
	return nil, nil, schemaFault(e.line, e.col, "The element '"+e.local+"' is not an attachment.")
}

// createAttachment serves CreateAttachment: the attachments go on the
// parent item, each answered with its id and the item's new change key.
func (c *call) createAttachment(op *elem, w *writer) *fault {
	parent := op.m("ParentItemId")
	atts := op.m("Attachments")
	if parent == nil || atts == nil {
		return schemaFault(op.line, op.col, "CreateAttachment needs a ParentItemId and Attachments.")
	}
	m, item, perr := c.anyItem(&elem{space: nsTypes, local: "ItemId", attrs: parent.attrs})
	if perr == nil && item.Transient() {
		perr = errf("ErrorInvalidOperation", "Attachments go on a series or an exception, not on an occurrence.")
	}
	var results []result
	for _, a := range atts.kids {
		if perr != nil {
			results = append(results, result{err: perr})
			continue
		}
		o, rerr, f := c.readAttachment(a)
		if f != nil {
			return f
		}
		if rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		var ae *store.Entity
		var err error
		if photo, _ := o["isContactPhoto"].(bool); photo {
			// A contact's photo replaces the one it had.
			if item.Set() != "contacts" {
				err = &store.InputError{Code: "ErrorInvalidOperation", Message: "Only contacts have photos."}
			} else {
				cb, _ := o["contentBytes"].(string)
				raw, _ := base64.StdEncoding.DecodeString(cb)
				ae, err = m.SetPhoto(item, raw)
			}
		} else {
			ae, err = m.AddAttachment(item.ID(), o, true)
		}
		if err != nil {
			results = append(results, result{err: inputErr(err)})
			continue
		}
		// Each answer carries the item's change key as this attachment
		// left it.
		rootCK := changeKey(item)
		results = append(results, result{write: func(w *writer) {
			w.open("m:Attachments")
			kind := attachmentKind(ae.Object())
			w.open("t:" + kind)
			w.empty("t:AttachmentId", "Id", ewsID(ae.ID()), "RootItemId", ewsID(item.ID()), "RootItemChangeKey", rootCK)
			w.close("t:" + kind)
			w.close("m:Attachments")
		}})
	}
	c.respond(w, results)
	return nil
}

// attachment finds an attachment by its AttachmentId element.
func (c *call) attachment(e *elem) (*store.Mailbox, *store.Entity, *store.Entity, *respErr) {
	id, _ := e.attr("Id")
	if strings.TrimSpace(id) == "" {
		return nil, nil, nil, errf("ErrorInvalidIdEmpty", "Id must be non-empty.")
	}
	m, a := c.h.st.Holder("attachments", storeID(id))
	if a == nil {
		if !wellFormed(id) {
			return nil, nil, nil, errf("ErrorInvalidIdMalformed", "Id is malformed.")
		}
		return nil, nil, nil, errf("ErrorItemNotFound", "The specified object was not found in the store.")
	}
	root := m.Lookup("messages", a.Parent())
	for _, set := range []string{"events", "contacts"} {
		if root == nil {
			root = m.Lookup(set, a.Parent())
		}
	}
	if root != nil {
		if err := c.openItem(m, root, true); err != nil {
			return nil, nil, nil, err
		}
	} else if _, err := c.open(m.Address()); err != nil {
		return nil, nil, nil, err
	}
	return m, a, root, nil
}

// getAttachment serves GetAttachment.
func (c *call) getAttachment(op *elem, w *writer) *fault {
	list := op.m("AttachmentIds")
	if list == nil {
		return schemaFault(op.line, op.col, "GetAttachment needs AttachmentIds.")
	}
	sh := &itemShape{base: "AllProperties", extra: map[*prop]bool{}, body: "Best"}
	if s := op.m("AttachmentShape"); s != nil {
		if v := s.t("IncludeMimeContent"); v != nil {
			sh.mime, _ = parseBool(v.text)
		}
		if v := s.t("BodyType"); v != nil {
			sh.body = v.value()
		}
		if ap := s.t("AdditionalProperties"); ap != nil {
			if f := c.additionalItemProps(ap, sh); f != nil {
				return f
			}
		}
	}
	var results []result
	for _, idElem := range list.kids {
		m, a, _, rerr := c.attachment(idElem)
		if rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		results = append(results, result{write: func(w *writer) {
			w.open("m:Attachments")
			o := a.Object()
			kind := attachmentKind(o)
			w.open("t:" + kind)
			w.empty("t:AttachmentId", "Id", ewsID(a.ID()))
			writeAttachmentProps(w, o, kind)
			switch kind {
			case "FileAttachment":
				cb, _ := o["contentBytes"].(string)
				w.leaf("t:Content", cb)
			case "ItemAttachment":
				item, _ := o["item"].(map[string]any)
				c.writeEmbedded(w, m, item, sh)
			}
			w.close("t:" + kind)
			w.close("m:Attachments")
		}})
	}
	c.respond(w, results)
	return nil
}

// writeEmbedded writes the message inside an item attachment. It is no
// store entity: it is shown from its Graph form, without an ItemId.
func (c *call) writeEmbedded(w *writer, m *store.Mailbox, item Object, sh *itemShape) {
	w.open("t:Message")
	if sh.mime {
		var atts []Object
		if as, ok := item["attachments"].([]any); ok {
			for _, a := range as {
				if ao, ok := a.(map[string]any); ok {
					atts = append(atts, ao)
				}
			}
		}
		w.leaf("t:MimeContent", base64.StdEncoding.EncodeToString(mimemsg.Build(item, atts)), "CharacterSet", "UTF-8")
	}
	x := &itemCtx{c: c, m: m, o: item, body: sh.body}
	for _, p := range messageProps {
		switch p.name {
		case "MimeContent", "ItemId", "ParentFolderId", "Attachments", "ResponseObjects", "WebClientReadFormQueryString",
			"WebClientEditFormQueryString", "Size", "EffectiveRights", "ReceivedBy", "ReceivedRepresenting", "ConversationIndex", "LastModifiedName":
			continue
		}
		if p.all || sh.extra[p] {
			p.write(x, w)
		}
	}
	w.close("t:Message")
}

// deleteAttachment serves DeleteAttachment: each answer names the item
// the attachment was on, with its new change key.
func (c *call) deleteAttachment(op *elem, w *writer) *fault {
	list := op.m("AttachmentIds")
	if list == nil {
		return schemaFault(op.line, op.col, "DeleteAttachment needs AttachmentIds.")
	}
	var results []result
	for _, idElem := range list.kids {
		m, a, root, rerr := c.attachment(idElem)
		if rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		m.Purge(a)
		results = append(results, result{write: func(w *writer) {
			if root != nil {
				w.empty("m:RootItemId", "RootItemId", ewsID(root.ID()), "RootItemChangeKey", changeKey(root))
			}
		}})
	}
	c.respond(w, results)
	return nil
}

// inputErr turns a store refusal into a response message error.
func inputErr(err error) *respErr {
	if ie, ok := err.(*store.InputError); ok {
		code := ie.Code
		switch code {
		case "RequestBodyRead", "ErrorInvalidRequest":
			code = "ErrorInvalidRequest"
		}
		return errf(code, ie.Message)
	}
	return errf("ErrorInternalServerError", err.Error())
}
