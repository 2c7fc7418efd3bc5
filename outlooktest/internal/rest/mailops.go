package rest

// Mail operations beyond generic CRUD: raw content ($value) of messages and
// attachments, MIME create and send, folder move, copy and permanent
// delete, message permanent delete.

import (
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/mimemsg"
	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// Graph's limits on what a request may carry: "The maximum request length
// supported is 4MB.", and file attachments "under 3 MB" POSTed inline (larger
// ones go through upload sessions). 3 MiB in base64 is exactly 4 MiB, so the
// body limit leaves room for the JSON around the largest inline attachment.
const (
	graphMaxRequest    = 4<<20 + 64<<10
	graphMaxInlineFile = 3 << 20
)

// inlineTooLarge reports whether a fileAttachment in a Graph request is
// over the inline limit.
func (c *call) inlineTooLarge(a map[string]any) bool {
	if c.h.env.Dialect != dialect.Graph {
		return false
	}
	cb, _ := a["contentBytes"].(string)
	n := base64.StdEncoding.DecodedLen(len(cb)) - strings.Count(cb[max(0, len(cb)-2):], "=")
	return n > graphMaxInlineFile
}

// isMIMEBody reports whether a POST carries base64 MIME (text/plain) rather
// than JSON.
func (c *call) isMIMEBody() bool {
	mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	return mt == "text/plain"
}

// readMIMEBody reads a text/plain body of base64 MIME. v2.0 has no MIME
// create or send: a server would refuse the media type.
func (c *call) readMIMEBody() (Object, []Object, *apiError) {
	if c.h.env.Dialect == dialect.V2 {
		return nil, nil, errorf(http.StatusUnsupportedMediaType, "ErrorUnsupportedMediaType",
			"The content type 'text/plain' is not supported: Outlook REST v2.0 takes messages as JSON only.")
	}
	data, err := io.ReadAll(io.LimitReader(c.r.Body, graphMaxRequest+1))
	if err != nil {
		return nil, nil, errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body: %v", err)
	}
	if len(data) > graphMaxRequest {
		return nil, nil, tooLarge()
	}
	msg, atts, perr := mimemsg.DecodeBody(data)
	if perr != nil {
		return nil, nil, mimeAPIError(perr)
	}
	return msg, atts, nil
}

func tooLarge() *apiError {
	return errorf(http.StatusRequestEntityTooLarge, "BadRequest", "The maximum request length supported is 4MB.")
}

// createFromMIME stores a draft read from MIME under folder, with its
// attachments, or drops it again and reports why not.
func (c *call) createFromMIME(folder string, msg Object, atts []Object) (*store.Entity, *apiError) {
	anys := make([]any, len(atts))
	for i, a := range atts {
		anys[i] = a
	}
	e, err := c.m.CreateWithAttachments("messages", folder, msg, anys, true)
	if err != nil {
		return nil, inputError(err)
	}
	return e, nil
}

// rawValue serves GET .../$value of a message (its MIME) or an attachment
// (its bytes; an item attachment as MIME, iCalendar or vCard).
func (c *call) rawValue(t *target, unlock func()) *apiError {
	if t.ent == nil || (t.ent.Set() != "messages" && t.ent.Set() != "attachments") {
		return c.notImplemented()
	}
	if c.r.Method != http.MethodGet {
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	var ct string
	var data []byte
	switch t.ent.Set() {
	case "messages":
		msg := c.m.View(t.ent)
		var atts []Object
		for _, a := range c.m.List("attachments", func(a *store.Entity) bool { return a.Parent() == t.ent.ID() }) {
			atts = append(atts, c.m.View(a))
		}
		// Graph labels the stream text/plain (its documentation's example).
		ct, data = "text/plain", mimemsg.Build(msg, atts)
	case "attachments":
		a := c.m.View(t.ent)
		ct, data = mimemsg.AttachmentContent(a)
		if data == nil {
			return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The content of a reference attachment cannot be read through $value.")
		}
	}
	unlock()
	c.setHeaders()
	c.w.Header().Set("Content-Type", ct)
	c.w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(data)
	return nil
}

// folderAction serves move, copy and permanentDelete of a mail folder.
func (c *call) folderAction(t *target, name string, unlock func()) *apiError {
	f := t.ent
	if name == "permanentdelete" {
		if c.m.Distinguished(f) {
			return errorf(http.StatusBadRequest, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
		}
		c.m.Purge(f)
		unlock()
		c.setHeaders()
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	dest, aerr := c.destination()
	if aerr != nil {
		return aerr
	}
	if name == "move" && c.m.Distinguished(f) {
		return errorf(http.StatusBadRequest, "ErrorMoveDistinguishedFolder", "Distinguished folders cannot be moved.")
	}
	if dest.ID() == f.ID() || c.m.Under(dest, f.ID()) {
		return errorf(http.StatusBadRequest, "ErrorMoveCopyFailed", "A folder cannot be moved or copied into itself or one of its subfolders.")
	}
	display, _ := f.Object()["displayName"].(string)
	self := f // a folder moved where it already is does not clash with itself
	if name == "copy" {
		self = nil
	}
	if c.m.NameTaken("mailFolders", dest.ID(), display, self) {
		return folderExists()
	}
	var e *store.Entity
	if name == "move" {
		e = c.m.MoveFolder(f, dest.ID())
	} else {
		e = c.m.CopyFolder(f, dest.ID(), 0)
	}
	opts := &query.Options{}
	o := c.render("mailFolders", c.m.View(e), opts)
	unlock()
	o["@odata.context"] = c.contextURL(&target{ctx: []string{c.baseCtx(), c.ctxName("mailFolders")}}, opts, "/$entity")
	status := http.StatusOK // Graph
	if c.h.env.Dialect == dialect.V2 {
		status = http.StatusCreated
	}
	c.writeJSON(status, o)
	return nil
}

// destination reads {"destinationId": ...} and finds that folder.
func (c *call) destination() (*store.Entity, *apiError) {
	body, aerr := c.readParams("move", "")
	if aerr != nil {
		return nil, aerr
	}
	dest, _ := body["destinationId"].(string)
	if dest == "" {
		return nil, errorf(http.StatusBadRequest, "ErrorInvalidParameter", "destinationId is required.")
	}
	folder := c.m.Find("mailFolders", dest)
	if folder == nil {
		return nil, notFound(dest)
	}
	return folder, nil
}

// folderExists is Graph's answer (and, the fake assumes, an Exchange
// server's) to a folder created, renamed, moved or copied beside a sibling
// of the same name.
func folderExists() *apiError {
	return errorf(http.StatusConflict, "ErrorFolderExists", "A folder with the specified name already exists.")
}

// mimeAPIError turns a MIME reading error into the 400 Graph answers.
func mimeAPIError(err error) *apiError {
	if me, ok := errors.AsType[*mimemsg.Error](err); ok {
		return errorf(http.StatusBadRequest, me.Code, "%s", me.Message)
	}
	return errorf(http.StatusBadRequest, "ErrorMimeContentConversionFailed", "%v", err)
}

// purgeMessage serves a message's permanentDelete.
func (c *call) purgeMessage(t *target, _ string, unlock func()) *apiError {
	c.m.Purge(t.ent)
	return c.answerEmpty(http.StatusNoContent, unlock)
}

// messageMoveOrCopy serves a message's move and copy.
func (c *call) messageMoveOrCopy(t *target, name string, unlock func()) *apiError {
	folder, aerr := c.destination()
	if aerr != nil {
		return aerr
	}
	var e *store.Entity
	if name == "move" {
		e = c.m.Move(t.ent, folder.ID())
	} else {
		e = c.m.CopyMessage(c.m, t.ent, folder.ID(), nil)
	}
	// Graph's answer to a move names its type, as its reference's move
	// sample shows (the only entity answer there that does); copy is
	// taken to answer as move does.
	return c.answerEntityTyped(e, true, unlock)
}

// sendDraft serves a draft's send.
func (c *call) sendDraft(t *target, _ string, unlock func()) *apiError {
	if d, _ := t.ent.Object()["isDraft"].(bool); !d {
		return errorf(http.StatusBadRequest, "ErrorInvalidOperation", "Only draft messages can be sent.")
	}
	c.m.Send(t.ent, true)
	return c.answerEmpty(http.StatusAccepted, unlock)
}

func (c *call) answerEntity(e *store.Entity, unlock func()) *apiError {
	return c.answerEntityTyped(e, false, unlock)
}

// answerEntityTyped is answerEntity, with the entity's @odata.type when
// typed.
func (c *call) answerEntityTyped(e *store.Entity, typed bool, unlock func()) *apiError {
	opts := &query.Options{}
	o := c.render(e.Set(), c.m.View(e), opts)
	unlock()
	if _, has := o["@odata.type"]; typed && !has {
		t := schema.GraphNS + schema.Sets()[e.Set()].GraphType
		if c.h.env.Dialect == dialect.V2 {
			t = schema.ODataTypeToV2(t)
		}
		o["@odata.type"] = t
	}
	o["@odata.context"] = c.contextURL(&target{ctx: []string{c.baseCtx(), c.ctxName("messages")}}, opts, "/$entity")
	c.writeJSON(http.StatusCreated, o)
	return nil
}

// sendMail serves POST /sendMail.
func (c *call) sendMail(_ *target, _ string, unlock func()) *apiError {
	if c.isMIMEBody() {
		msg, atts, aerr := c.readMIMEBody()
		if aerr != nil {
			return aerr
		}
		draft, aerr := c.createFromMIME(c.m.WellKnown("drafts"), msg, atts)
		if aerr != nil {
			return aerr
		}
		c.m.Send(draft, true)
		unlock()
		c.setHeaders()
		c.w.WriteHeader(http.StatusAccepted)
		return nil
	}
	body, aerr := c.readParams("sendmail", "")
	if aerr != nil {
		return aerr
	}
	msg, ok := body["message"].(map[string]any)
	if !ok {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The message parameter is required.")
	}
	save := true
	if v, ok := body["saveToSentItems"].(bool); ok {
		save = v
	}
	atts, _ := msg["attachments"].([]any)
	delete(msg, "attachments")
	for _, a := range atts {
		if ao, ok := a.(map[string]any); ok && c.inlineTooLarge(ao) {
			return tooLarge()
		}
	}
	draft, cerr := c.m.CreateWithAttachments("messages", c.m.WellKnown("drafts"), msg, atts, true)
	if cerr != nil {
		return inputError(cerr)
	}
	c.m.Send(draft, save)
	unlock()
	c.setHeaders()
	c.w.WriteHeader(http.StatusAccepted)
	return nil
}

// reply serves reply, replyAll, forward and their create* forms: a draft
// answering the message (201 with the draft), or that draft sent (202).
func (c *call) reply(t *target, name string, unlock func()) *apiError {
	orig := t.ent
	params, aerr := c.readParams(name, orig.Set())
	if aerr != nil {
		return aerr
	}
	if err := schema.CheckObject("", paramsOf(name, orig.Set()), params); err != nil {
		return errorf(http.StatusBadRequest, "RequestBodyRead", "%v", err)
	}
	create := strings.HasPrefix(name, "create")
	kind := strings.TrimPrefix(name, "create")
	msg, _ := params["message"].(map[string]any)
	comment, _ := params["comment"].(string)
	if create && comment != "" && msg != nil && msg["body"] != nil {
		return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Give either comment or message.body, not both.")
	}
	draft := Object{}
	for k, v := range msg {
		draft[k] = v
	}
	var to []any
	if rs, ok := params["toRecipients"].([]any); ok {
		to = rs
	}
	e, cerr := c.m.Reply(orig, store.Response{Kind: kind, Draft: draft, Comment: comment, To: to, Send: !create})
	if cerr != nil {
		return inputError(cerr)
	}
	if create {
		return c.answerEntity(e, unlock)
	}
	c.m.Send(e, true)
	unlock()
	c.setHeaders()
	c.w.WriteHeader(http.StatusAccepted)
	return nil
}
