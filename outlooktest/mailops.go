package outlooktest

// Mail operations beyond generic CRUD: raw content ($value) of messages and
// attachments, MIME create and send, folder move, copy and permanent
// delete, message permanent delete.

import (
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/query"
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
	if c.h.env.dialect != dialectGraph {
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
	if c.h.env.dialect == dialectV2 {
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
	msg, atts, perr := decodeMIMEBody(data)
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
func (c *call) createFromMIME(folder string, msg Object, atts []Object) (*entity, *apiError) {
	e, err := c.m.create("messages", folder, msg, true)
	for i := 0; err == nil && i < len(atts); i++ {
		_, err = c.m.addAttachment(e.id, atts[i], true)
	}
	if err != nil {
		if e != nil {
			c.m.drop(e)
		}
		return nil, inputError(err)
	}
	return e, nil
}

// rawValue serves GET .../$value of a message (its MIME) or an attachment
// (its bytes; an item attachment as MIME, iCalendar or vCard).
func (c *call) rawValue(t *target, unlock func()) *apiError {
	if t.ent == nil || (t.ent.set != "messages" && t.ent.set != "attachments") {
		return c.notImplemented()
	}
	if c.r.Method != http.MethodGet {
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	var ct string
	var data []byte
	switch t.ent.set {
	case "messages":
		msg := c.m.view(t.ent)
		var atts []Object
		for _, a := range c.m.sorted("attachments", func(a *entity) bool { return a.parent == t.ent.id }) {
			atts = append(atts, c.m.view(a))
		}
		// Graph labels the stream text/plain (its documentation's example).
		ct, data = "text/plain", buildMIME(msg, atts, 0)
	case "attachments":
		a := c.m.view(t.ent)
		ct, data = attachmentContent(a, 0)
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
func (c *call) folderAction(f *entity, name string, unlock func()) *apiError {
	if name == "permanentdelete" {
		if c.m.distinguished(f) {
			return errorf(http.StatusBadRequest, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
		}
		c.m.drop(f)
		unlock()
		c.setHeaders()
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	dest, aerr := c.destination()
	if aerr != nil {
		return aerr
	}
	if name == "move" && c.m.distinguished(f) {
		return errorf(http.StatusBadRequest, "ErrorMoveDistinguishedFolder", "Distinguished folders cannot be moved.")
	}
	if dest.id == f.id || c.m.under(dest, f.id) {
		return errorf(http.StatusBadRequest, "ErrorMoveCopyFailed", "A folder cannot be moved or copied into itself or one of its subfolders.")
	}
	display, _ := f.obj["displayName"].(string)
	self := f // a folder moved where it already is does not clash with itself
	if name == "copy" {
		self = nil
	}
	if c.m.nameTaken("mailFolders", dest.id, display, self) {
		return folderExists()
	}
	var e *entity
	if name == "move" {
		e = c.m.moveFolder(f, dest.id)
	} else {
		e = c.m.copyFolder(f, dest.id, 0)
	}
	opts := &query.Options{}
	o := c.render("mailFolders", c.m.view(e), opts)
	unlock()
	o["@odata.context"] = c.contextURL(&target{ctx: []string{c.baseCtx(), c.ctxName("mailFolders")}}, opts, "/$entity")
	status := http.StatusOK // Graph
	if c.h.env.dialect == dialectV2 {
		status = http.StatusCreated
	}
	c.writeJSON(status, o)
	return nil
}

// destination reads {"destinationId": ...} and finds that folder.
func (c *call) destination() (*entity, *apiError) {
	data, _ := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes))
	body, err := decodeBody(c.h.env.dialect, data, nil)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "%v", err)
	}
	dest, _ := body["destinationId"].(string)
	if dest == "" {
		return nil, errorf(http.StatusBadRequest, "ErrorInvalidParameter", "destinationId is required.")
	}
	folder := c.m.find("mailFolders", dest)
	if folder == nil {
		return nil, errorf(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
	}
	return folder, nil
}

// moveFolder puts a folder, with everything in it, under parent. Folder ids
// do not change on move (message ids do).
func (m *Mailbox) moveFolder(f *entity, parent string) *entity {
	m.seq++
	m.tombs = append(m.tombs, tomb{seq: m.seq, set: f.set, id: f.id, parent: f.parent})
	f.parent = parent
	f.obj["parentFolderId"] = parent
	m.stamp(f)
	return f
}

// copyFolder copies a folder, its messages and its subfolders under parent,
// all with new ids.
func (m *Mailbox) copyFolder(f *entity, parent string, depth int) *entity {
	obj := Object{"displayName": f.obj["displayName"], "isHidden": f.obj["isHidden"]}
	e, err := m.create("mailFolders", parent, obj, false)
	if err != nil {
		panic("outlooktest: copying a stored folder: " + err.Error()) // stored data is valid
	}
	for _, msg := range m.sorted("messages", func(x *entity) bool { return x.parent == f.id }) {
		m.copyMessage(m, msg, e.id, nil)
	}
	if depth < 64 {
		for _, sub := range m.sorted("mailFolders", func(x *entity) bool { return x.parent == f.id }) {
			m.copyFolder(sub, e.id, depth+1)
		}
	}
	return e
}

// overrideFor returns the Focused Inbox override for the sender a create
// body names, if there is one.
func (m *Mailbox) overrideFor(obj Object) *entity {
	ea, _ := obj["senderEmailAddress"].(map[string]any)
	addr, _ := ea["address"].(string)
	for _, o := range m.ents["inferenceClassificationOverrides"] {
		oa, _ := o.obj["senderEmailAddress"].(map[string]any)
		if a, _ := oa["address"].(string); addr != "" && strings.EqualFold(a, addr) {
			return o
		}
	}
	return nil
}

// folderNameProp is the property that names a folder of set (a calendar's
// is "name"), or "" for sets whose entities are not folders.
func folderNameProp(set string) string {
	switch set {
	case "mailFolders", "contactFolders":
		return "displayName"
	case "calendars":
		return "name"
	}
	return ""
}

// nameTaken reports whether parent already holds a folder of set named name,
// compared case-insensitively as Exchange compares folder names; except (the
// folder being renamed or moved) does not count.
func (m *Mailbox) nameTaken(set, parent, name string, except *entity) bool {
	prop := folderNameProp(set)
	if prop == "" {
		return false
	}
	for _, e := range m.ents[set] {
		if e == except || e.parent != parent {
			continue
		}
		if n, _ := e.obj[prop].(string); strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// folderExists is Graph's answer (and, the fake assumes, an Exchange
// server's) to a folder created, renamed, moved or copied beside a sibling
// of the same name.
func folderExists() *apiError {
	return errorf(http.StatusConflict, "ErrorFolderExists", "A folder with the specified name already exists.")
}
