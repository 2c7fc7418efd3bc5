package ews

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/odata"
)

// Writing messages: create (CreateItem, also from MIME), update
// (UpdateItem with SetItemField and DeleteItemField), delete (DeleteItem),
// move and copy, send (SendItem, CreateItem with SendAndSaveCopy), the
// response objects (replies and forwards, sent or saved as drafts), and
// MIME out (GetItem with IncludeMimeContent).

// maxMIME bounds the MIME content the backend takes from a caller for
// one request: what Exchange's default message size limit allows, base64
// encoded.
const maxMIME = 64 << 20

func init() {
	for k, h := range map[string]handler{
		"POST messages":                    createMessage,
		"POST mailFolders/{}/messages":     createMessage,
		"PATCH messages/{}":                updateMessage,
		"DELETE messages/{}":               deleteMessage("MoveToDeletedItems"),
		"POST messages/{}/permanentDelete": deleteMessage("HardDelete"),
		"POST messages/{}/move":            relocateMessage("MoveItem"),
		"POST messages/{}/copy":            relocateMessage("CopyItem"),
		"POST messages/{}/send":            sendDraft,
		"POST sendMail":                    sendMail,
		"POST messages/{}/reply":           respond("ReplyToItem", true),
		"POST messages/{}/replyAll":        respond("ReplyAllToItem", true),
		"POST messages/{}/forward":         respond("ForwardItem", true),
		"POST messages/{}/createReply":     respond("ReplyToItem", false),
		"POST messages/{}/createReplyAll":  respond("ReplyAllToItem", false),
		"POST messages/{}/createForward":   respond("ForwardItem", false),
		"GET messages/{}/$value":           getMIME,
	} {
		routes[k] = h
	}
}

// readItemIDs reads the ids of the items a CreateItem, MoveItem, CopyItem
// or UpdateItem response returns, with their change keys.
func readItemIDs(x *xmlReader, buf *[]byte, op string, conditional bool, ids *[]itemRef) error {
	return readIDs(x, buf, op, conditional, "Items", "ItemId", func(id, ck string) {
		*ids = append(*ids, itemRef{id: id, changeKey: ck})
	})
}

// readIDs reads the ids (the idElem of each entity in the list element)
// a write's response messages return, failing with the first message's
// error, if any.
func readIDs(x *xmlReader, buf *[]byte, op string, conditional bool, list, idElem string, add func(id, changeKey string)) error {
	return readMessages(x, buf, func(_ int, ms *status) error {
		if !x.is(list) || !ms.ok() {
			return x.skip()
		}
		return x.children(func() error {
			return x.children(func() error {
				if x.is(idElem) {
					id, _ := x.attr("Id")
					ck, _ := x.attr("ChangeKey")
					add(string(id), string(ck))
				}
				return x.skip()
			})
		})
	}, failOn(op, conditional))
}

// created answers a write with the entity it made or changed, fetched
// with the default property set.
func (c *call) created(s *odata.Schema, status int, ids []itemRef) (*http.Response, error) {
	if len(ids) == 0 {
		// Moving or copying to another mailbox returns no id (nor does a
		// server that was told not to).
		return noContent(), nil
	}
	sh, err := shapeOf(nil, s, c.r.Prefer)
	if err != nil {
		return nil, err
	}
	out, err := c.getItems(nil, s, sh, []string{ids[0].id}, false)
	if err != nil {
		return nil, err
	}
	return jsonResponse(status, out), nil
}

// createItem sends a CreateItem of one message and returns the ids it
// made.
func (c *call) createItem(disposition string, saveIn *folderRef, item func(w *xmlWriter) error) ([]itemRef, error) {
	return c.createItemAttr("MessageDisposition", disposition, saveIn, item)
}

// createItemAttr sends a CreateItem of one item whose attribute attr
// (MessageDisposition for messages, SendMeetingInvitations for calendar
// items, none for contacts when "") has value, and returns the ids it made.
func (c *call) createItemAttr(attr, value string, saveIn *folderRef, item func(w *xmlWriter) error) ([]itemRef, error) {
	var werr error
	var ids []itemRef
	err := c.send(request{op: "CreateItem", body: func(w *xmlWriter) {
		w.start("m:CreateItem")
		if attr != "" {
			w.attr(attr, value)
		}
		w.gt()
		if saveIn != nil {
			w.open("m:SavedItemFolderId")
			saveIn.write(w)
			w.close("m:SavedItemFolderId")
		}
		w.open("m:Items")
		werr = item(w)
		w.close("m:Items")
		w.close("m:CreateItem")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readItemIDs(x, buf, "CreateItem", false, &ids)
	})
	if werr != nil {
		return nil, werr
	}
	return ids, err
}

// messageFrags converts a Graph message body into the elements of a
// t:Message, before any request (so bad input never reaches the server).
func messageFrags(body []byte, s *odata.Schema) ([]fragment, error) {
	if len(body) == 0 {
		return nil, fmt.Errorf("%w: no message", odata.ErrInvalidQuery)
	}
	return propFragments(body, s, "item")
}

// readMIME reads the caller's MIME content, already base64 as the mail
// service streams it (Graph's form), bounded.
func readMIME(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxMIME+1))
	if err != nil {
		return "", fmt.Errorf("ews: reading the MIME content: %w", err)
	}
	if len(b) > maxMIME {
		return "", fmt.Errorf("%w: MIME content over %d bytes", odata.ErrInvalidQuery, maxMIME)
	}
	b = bytes.TrimSpace(b)
	if _, err := base64.StdEncoding.DecodeString(string(b)); err != nil {
		return "", fmt.Errorf("%w: the MIME content is not base64", odata.ErrInvalidQuery)
	}
	return string(b), nil
}

func writeMIMEItem(mime string) func(w *xmlWriter) error {
	return func(w *xmlWriter) error {
		w.open("t:Message")
		w.open("t:MimeContent")
		w.b = append(w.b, mime...) // checked base64: no markup
		w.close("t:MimeContent")
		w.close("t:Message")
		return nil
	}
}

// createMessage serves POST messages and POST mailFolders/{id}/messages: a
// draft, from a Graph message or from MIME content.
func createMessage(c *call) (*http.Response, error) {
	s, err := c.schema("message")
	if err != nil {
		return nil, err
	}
	folder := c.pathFolder("drafts")
	f, err := c.folder(folder)
	if err != nil {
		return nil, err
	}
	var item func(w *xmlWriter) error
	if c.r.RawBody != nil {
		mime, err := readMIME(c.r.RawBody)
		if err != nil {
			return nil, err
		}
		item = writeMIMEItem(mime)
	} else {
		frags, err := messageFrags(c.r.Body, s)
		if err != nil {
			return nil, err
		}
		item = func(w *xmlWriter) error { writeFragments(w, "t:Message", frags); return nil }
	}
	ids, err := c.createItem("SaveOnly", &f, item)
	if err != nil {
		return nil, err
	}
	return c.created(s, http.StatusCreated, ids)
}

// sendMail serves POST sendMail: CreateItem that sends, saving a copy to
// Sent Items unless saveToSentItems is false.
func sendMail(c *call) (*http.Response, error) {
	s, err := c.schema("message")
	if err != nil {
		return nil, err
	}
	disposition := "SendAndSaveCopy"
	var item func(w *xmlWriter) error
	if c.r.RawBody != nil {
		mime, err := readMIME(c.r.RawBody)
		if err != nil {
			return nil, err
		}
		item = writeMIMEItem(mime)
	} else {
		var b struct {
			Message         jsontext.Value `json:"message"`
			SaveToSentItems *bool          `json:"saveToSentItems"`
		}
		if err := json.Unmarshal(c.r.Body, &b); err != nil || len(b.Message) == 0 {
			return nil, fmt.Errorf("%w: sendMail needs a message", odata.ErrInvalidQuery)
		}
		frags, err := messageFrags(b.Message, s)
		if err != nil {
			return nil, err
		}
		if b.SaveToSentItems != nil && !*b.SaveToSentItems {
			disposition = "SendOnly"
		}
		item = func(w *xmlWriter) error { writeFragments(w, "t:Message", frags); return nil }
	}
	var saveIn *folderRef
	if disposition == "SendAndSaveCopy" {
		f, _ := c.folder("sentitems")
		saveIn = &f
	}
	if _, err := c.createItem(disposition, saveIn, item); err != nil {
		return nil, err
	}
	return accepted(), nil
}

// accepted is the 202 Graph answers sends with.
func accepted() *http.Response {
	r := noContent()
	r.StatusCode, r.Status = http.StatusAccepted, "202 Accepted"
	return r
}

// getItemProps sends a GetItem of the item id with the ItemShape that
// shape writes, and calls prop on each property element of the item
// answered (positioned on its start tag; prop must consume it).
func (c *call) getItemProps(id string, shape func(w *xmlWriter), prop func(x *xmlReader, buf *[]byte) error) error {
	return c.send(request{op: "GetItem", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetItem")
		shape(w)
		w.open("m:ItemIds")
		itemRef{id: id}.write(w, "t:ItemId")
		w.close("m:ItemIds")
		w.close("m:GetItem")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !x.is("Items") || !ms.ok() {
				return x.skip()
			}
			return x.children(func() error { // the item
				return x.children(func() error { return prop(x, buf) })
			})
		}, failOn("GetItem", false))
	})
}

// currentChangeKey returns the item's change key, which SendItem and
// response objects need, from a GetItem of its id alone.
func (c *call) currentChangeKey(id string) (string, error) {
	var ck string
	err := c.send(request{op: "GetItem", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetItem")
		writeShape(w, "m:ItemShape", &shape{BodyType: "HTML"}, false)
		w.open("m:ItemIds")
		itemRef{id: id}.write(w, "t:ItemId")
		w.close("m:ItemIds")
		w.close("m:GetItem")
	}}, func(x *xmlReader, buf *[]byte) error {
		var ids []itemRef
		err := readItemIDs(x, buf, "GetItem", false, &ids)
		if len(ids) > 0 {
			ck = ids[0].changeKey
		}
		return err
	})
	return ck, err
}

// sendDraft serves POST messages/{id}/send: SendItem, saving to Sent Items.
func sendDraft(c *call) (*http.Response, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	ck, err := c.currentChangeKey(id)
	if err != nil {
		return nil, err
	}
	sent, _ := c.folder("sentitems")
	err = c.send(request{op: "SendItem", body: func(w *xmlWriter) {
		w.start("m:SendItem")
		w.attr("SaveItemToFolder", "true")
		w.gt()
		w.open("m:ItemIds")
		itemRef{id: id, changeKey: ck}.write(w, "t:ItemId")
		w.close("m:ItemIds")
		w.open("m:SavedItemFolderId")
		sent.write(w)
		w.close("m:SavedItemFolderId")
		w.close("m:SendItem")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, nil, failOn("SendItem", false))
	})
	if err != nil {
		return nil, err
	}
	return accepted(), nil
}

// deleteMessage serves DELETE messages/{id} (to Deleted Items) and POST
// messages/{id}/permanentDelete (HardDelete).
func deleteMessage(deleteType string) handler { return deleteItem(deleteType, "") }

// deleteItem serves a DELETE of one item by a DeleteItem of deleteType;
// cancellations, where not empty, is its SendMeetingCancellations.
func deleteItem(deleteType, cancellations string) handler {
	return func(c *call) (*http.Response, error) {
		id, err := ewsID(c.ids[0])
		if err != nil {
			return nil, err
		}
		ck, err := changeKeyOf(c.r.IfMatch)
		if err != nil {
			return nil, err
		}
		err = c.send(request{op: "DeleteItem", conditional: ck != "", body: func(w *xmlWriter) {
			w.start("m:DeleteItem")
			w.attr("DeleteType", deleteType)
			if cancellations != "" {
				w.attr("SendMeetingCancellations", cancellations)
			}
			w.gt()
			w.open("m:ItemIds")
			itemRef{id: id, changeKey: ck}.write(w, "t:ItemId")
			w.close("m:ItemIds")
			w.close("m:DeleteItem")
		}}, func(x *xmlReader, buf *[]byte) error {
			return readMessages(x, buf, nil, failOn("DeleteItem", ck != ""))
		})
		if err != nil {
			return nil, err
		}
		return noContent(), nil
	}
}

// destinationOf reads an action body's destinationId.
func (c *call) destinationOf() (folderRef, error) {
	var b struct {
		DestinationID string `json:"destinationId"`
	}
	if err := json.Unmarshal(c.r.Body, &b); err != nil || b.DestinationID == "" {
		return folderRef{}, fmt.Errorf("%w: no destinationId", odata.ErrInvalidQuery)
	}
	return c.folder(b.DestinationID)
}

// relocateMessage serves POST messages/{id}/move and /copy.
func relocateMessage(op string) handler {
	return func(c *call) (*http.Response, error) {
		s, err := c.schema("message")
		if err != nil {
			return nil, err
		}
		id, err := ewsID(c.ids[0])
		if err != nil {
			return nil, err
		}
		to, err := c.destinationOf()
		if err != nil {
			return nil, err
		}
		var ids []itemRef
		err = c.send(request{op: op, body: func(w *xmlWriter) {
			w.open("m:" + op)
			w.open("m:ToFolderId")
			to.write(w)
			w.close("m:ToFolderId")
			w.open("m:ItemIds")
			itemRef{id: id}.write(w, "t:ItemId")
			w.close("m:ItemIds")
			w.elem("m:ReturnNewItemIds", "true")
			w.close("m:" + op)
		}}, func(x *xmlReader, buf *[]byte) error {
			return readItemIDs(x, buf, op, false, &ids)
		})
		if err != nil {
			return nil, err
		}
		return c.created(s, http.StatusCreated, ids)
	}
}

// respondBody is the body of reply, replyAll and forward and their draft
// forms.
type respondBody struct {
	Comment      string         `json:"comment"`
	ToRecipients jsontext.Value `json:"toRecipients"`
	Message      jsontext.Value `json:"message"`
}

// respond serves the response objects: a reply, reply-all or forward,
// sent (CreateItem SendAndSaveCopy) or saved as a draft (SaveOnly) whose
// entity is returned.
func respond(kind string, send bool) handler {
	return func(c *call) (*http.Response, error) {
		s, err := c.schema("message")
		if err != nil {
			return nil, err
		}
		id, err := ewsID(c.ids[0])
		if err != nil {
			return nil, err
		}
		var b respondBody
		if len(c.r.Body) > 0 {
			if err := json.Unmarshal(c.r.Body, &b); err != nil {
				return nil, fmt.Errorf("%w: %v", odata.ErrInvalidQuery, err)
			}
		}
		// The response object's own elements (SmartResponseType): what the
		// message body sets, and the comment as NewBodyContent.
		var frags []fragment
		if len(b.Message) > 0 && !isNothing(b.Message) {
			if frags, err = messageFrags(b.Message, s); err != nil {
				return nil, err
			}
			for _, f := range frags {
				if !smartResponseElems[f.elem] {
					return nil, errNotSupported(fmt.Sprintf("setting %s on a reply or forward", f.elem))
				}
			}
		}
		if len(b.ToRecipients) > 0 && !isNothing(b.ToRecipients) {
			p := indexOf(s).graph["toRecipients"]
			if p == nil {
				return nil, errors.New("ews: the message table has no toRecipients")
			}
			f, err := propFragment(p, b.ToRecipients)
			if err != nil {
				return nil, err
			}
			frags = append(frags, f)
		}
		ck, err := c.currentChangeKey(id)
		if err != nil {
			return nil, err
		}
		disposition := "SaveOnly"
		var saveIn *folderRef
		if send {
			disposition = "SendAndSaveCopy"
			f, _ := c.folder("sentitems")
			saveIn = &f
		} else {
			f, _ := c.folder("drafts")
			saveIn = &f
		}
		ids, err := c.createItem(disposition, saveIn, func(w *xmlWriter) error {
			w.open("t:" + kind)
			for _, name := range smartResponseOrder {
				for _, f := range frags {
					if f.elem == name {
						w.b = append(w.b, f.xml...)
					}
				}
				if name == "ReferenceItemId" {
					itemRef{id: id, changeKey: ck}.write(w, "t:ReferenceItemId")
				}
			}
			writeNewBody(w, "HTML", b.Comment)
			w.close("t:" + kind)
			return nil
		})
		if err != nil {
			return nil, err
		}
		if send {
			return accepted(), nil
		}
		return c.created(s, http.StatusCreated, ids)
	}
}

// writeNewBody writes a response object's comment as its NewBodyContent
// of bodyType ("Text", "HTML"); nothing when there is none.
func writeNewBody(w *xmlWriter, bodyType, comment string) {
	if comment == "" {
		return
	}
	w.start("t:NewBodyContent")
	w.attr("BodyType", bodyType)
	w.gt()
	w.text(comment)
	w.close("t:NewBodyContent")
}

// smartResponseOrder is SmartResponseBaseType's sequence; NewBodyContent
// follows it.
var smartResponseOrder = []string{"Subject", "Body", "ToRecipients", "CcRecipients", "BccRecipients",
	"IsReadReceiptRequested", "IsDeliveryReceiptRequested", "From", "ReferenceItemId"}

var smartResponseElems = map[string]bool{"Subject": true, "Body": true, "ToRecipients": true, "CcRecipients": true,
	"BccRecipients": true, "IsReadReceiptRequested": true, "IsDeliveryReceiptRequested": true, "From": true}

// updateMessage serves PATCH messages/{id}: UpdateItem with one
// SetItemField per property set and a DeleteItemField per property
// cleared; the change key comes from If-Match (a stale one is a failed
// precondition). It answers with the message as updated.
func updateMessage(c *call) (*http.Response, error) {
	s, err := c.schema("message")
	if err != nil {
		return nil, err
	}
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	ck, err := changeKeyOf(c.r.IfMatch)
	if err != nil {
		return nil, err
	}
	changes, err := fieldChanges(c.r.Body, s, "t:Message", "t:SetItemField", "t:DeleteItemField")
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return c.created(s, http.StatusOK, []itemRef{{id: id}})
	}
	ids, err := c.updateItemChanges(id, ck, updateHow{disposition: "SaveOnly"}, changes)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		ids = []itemRef{{id: id}}
	}
	return c.created(s, http.StatusOK, ids)
}

// fieldChanges converts a PATCH body into set and delete elements
// (SetItemField and DeleteItemField, or their folder forms), in the body's
// order; elem is the element that holds a set value ("t:Message").
func fieldChanges(body []byte, s *odata.Schema, elem, set, del string) ([][]byte, error) {
	names, values, err := members(body)
	if err != nil {
		return nil, err
	}
	ix := indexOf(s)
	var out [][]byte
	for i, name := range names {
		if strings.HasPrefix(name, "@") {
			continue
		}
		p := ix.graph[name]
		if p == nil {
			return nil, errNotSupported(fmt.Sprintf("updating %s (not a property of %s)", name, s.Name))
		}
		if p.ReadOnly {
			return nil, fmt.Errorf("%w: %s is read-only", odata.ErrInvalidQuery, name)
		}
		v := values[i]
		if h := changeHooks[s.Name]; h != nil {
			chs, handled, err := h(p, v, elem, set, del)
			if err != nil {
				return nil, err
			}
			if handled {
				out = append(out, chs...)
				continue
			}
		}
		if p.Elem != nil && (p.Elem.Name == typeSingleExtProp || p.Elem.Name == typeMultiExtProp) {
			chs, err := extendedChanges(p, v, elem, set)
			if err != nil {
				return nil, err
			}
			out = append(out, chs...)
			continue
		}
		if p.EWS == "" {
			return nil, errNotSupported(fmt.Sprintf("updating %s (no EWS equivalent)", name))
		}
		var w xmlWriter
		if string(v) == "null" {
			w.open(del)
			(&field{URI: p.EWS}).write(&w)
			w.close(del)
			out = append(out, w.b)
			continue
		}
		f, err := propFragment(p, v)
		if err != nil {
			return nil, err
		}
		if f.elem == "" {
			continue
		}
		w.open(set)
		(&field{URI: p.EWS}).write(&w)
		w.open(elem)
		w.b = append(w.b, f.xml...)
		w.close(elem)
		w.close(set)
		out = append(out, w.b)
	}
	return out, nil
}

// extendedChanges sets each extended property of an update with its own
// SetItemField, addressed by its ExtendedFieldURI.
func extendedChanges(p *odata.Prop, v jsontext.Value, elem, set string) ([][]byte, error) {
	multi := p.Elem.Name == typeMultiExtProp
	var props []struct {
		ID    string         `json:"id"`
		Value jsontext.Value `json:"value"`
	}
	if err := json.Unmarshal(v, &props); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
	}
	var out [][]byte
	for _, e := range props {
		f, err := parseExtendedID(e.ID)
		if err != nil {
			return nil, err
		}
		var values []string
		if multi {
			err = json.Unmarshal(e.Value, &values)
		} else {
			values = make([]string, 1)
			err = json.Unmarshal(e.Value, &values[0])
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s %s: %v", odata.ErrInvalidQuery, p.Graph, e.ID, err)
		}
		var w xmlWriter
		w.open(set)
		(&field{Ext: f}).write(&w)
		w.open(elem)
		writeExtendedProperty(&w, f, values, multi)
		w.close(elem)
		w.close(set)
		out = append(out, w.b)
	}
	return out, nil
}

// getMIME serves GET messages/{id}/$value: the message's MIME content.
func getMIME(c *call) (*http.Response, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	var mime []byte
	found := false
	err = c.getItemProps(id, func(w *xmlWriter) {
		w.open("m:ItemShape")
		w.elem("t:BaseShape", "IdOnly")
		w.elem("t:IncludeMimeContent", "true")
		w.close("m:ItemShape")
	}, func(x *xmlReader, buf *[]byte) error {
		if !x.is("MimeContent") {
			return x.skip()
		}
		t, err := x.textInto(nil)
		if err != nil {
			return err
		}
		found = true
		mime, err = base64.StdEncoding.AppendDecode(nil, bytes.TrimSpace(t))
		if err != nil {
			return errorf("GetItem: MIME content that is not base64")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorItemNotFound", Method: "EWS", Path: "GetItem", Message: "the server answered without the MIME content"}
	}
	resp := jsonResponse(http.StatusOK, mime)
	resp.Header.Set("Content-Type", "message/rfc822")
	return resp, nil
}
