package ews

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// Attachments of a message: listed from GetItem's item:Attachments (with
// their content from GetAttachment, as Graph lists them), read with
// GetAttachment, added with CreateAttachment, removed with
// DeleteAttachment. EWS has no upload sessions: a file goes in one
// CreateAttachment, up to the server's request size limit.

func init() {
	for k, h := range map[string]handler{
		"GET messages/{}/attachments":                      listAttachments,
		"GET messages/{}/attachments/{}":                   getAttachment,
		"GET messages/{}/attachments/{}/$value":            attachmentValue,
		"POST messages/{}/attachments":                     addAttachment,
		"DELETE messages/{}/attachments/{}":                deleteAttachment,
		"POST messages/{}/attachments/createUploadSession": noUploadSessions,
	} {
		routes[k] = h
	}
}

// noUploadSessions refuses upload sessions, which EWS lacks.
func noUploadSessions(*call) (*http.Response, error) {
	return nil, errNotSupported("attachment upload sessions (EWS adds a file in one CreateAttachment request; larger files than the server's request limit cannot be attached)")
}

// listAttachments serves GET messages/{id}/attachments.
func listAttachments(c *call) (*http.Response, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	if q := c.r.Query; q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || len(q.Expand) > 0) {
		return nil, errNotSupported("$filter, $orderby, $search or $expand on attachments")
	}
	cv := c.converter()
	out := []byte(`{"value":`)
	found := false
	err = c.getItemProps(id, func(w *xmlWriter) {
		writeShape(w, "m:ItemShape", &shape{BodyType: "HTML", Fields: []field{{URI: "item:Attachments"}}}, false)
	}, func(x *xmlReader, buf *[]byte) error {
		cv.x = x
		if !x.is("Attachments") || found {
			return x.skip()
		}
		found = true
		var err error
		out, err = readAttachments(cv, nil, out)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		out = append(out, "[]"...)
	}
	if len(cv.atts) > 0 {
		if out, err = c.attachmentContents(out, cv.atts); err != nil {
			return nil, err
		}
	}
	return jsonResponse(http.StatusOK, append(out, '}')), nil
}

// fetchAttachment reads one attachment with GetAttachment, as JSON.
func (c *call) fetchAttachment() ([]byte, error) {
	if _, err := ewsID(c.ids[0]); err != nil {
		return nil, err
	}
	aid, err := ewsID(c.ids[1])
	if err != nil {
		return nil, err
	}
	return c.fetchAttachmentID(aid)
}

// fetchAttachmentID reads the attachment with the EWS id aid, as JSON.
func (c *call) fetchAttachmentID(aid string) ([]byte, error) {
	cv := c.converter()
	var out []byte
	err := c.send(request{op: "GetAttachment", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetAttachment")
		w.open("m:AttachmentIds")
		w.empty1("t:AttachmentId", "Id", aid)
		w.close("m:AttachmentIds")
		w.close("m:GetAttachment")
	}}, func(x *xmlReader, buf *[]byte) error {
		cv.x = x
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !x.is("Attachments") || !ms.ok() {
				return x.skip()
			}
			return x.children(func() error {
				if out != nil || attachmentTypes[string(x.local)] == "" {
					return x.skip()
				}
				var err error
				out, err = cv.attachment([]byte{})
				return err
			})
		}, failOn("GetAttachment", false))
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorAttachmentNotFound", Method: "EWS", Path: "GetAttachment", Message: "the server answered without the attachment"}
	}
	return out, nil
}

// getAttachment serves GET messages/{id}/attachments/{id}.
func getAttachment(c *call) (*http.Response, error) {
	out, err := c.fetchAttachment()
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, out), nil
}

// attachmentValue serves GET messages/{id}/attachments/{id}/$value: a file
// attachment's bytes.
func attachmentValue(c *call) (*http.Response, error) {
	out, err := c.fetchAttachment()
	if err != nil {
		return nil, err
	}
	var a struct {
		Type         string `json:"@odata.type"`
		ContentType  string `json:"contentType"`
		ContentBytes []byte `json:"contentBytes"`
	}
	if err := json.Unmarshal(out, &a); err != nil {
		return nil, errorf("GetAttachment: %v", err)
	}
	if a.Type != "#microsoft.graph.fileAttachment" {
		return nil, errNotSupported("the raw content of an item attachment")
	}
	resp := jsonResponse(http.StatusOK, a.ContentBytes)
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	resp.Header.Set("Content-Type", ct)
	return resp, nil
}

// addAttachment serves POST messages/{id}/attachments: CreateAttachment of
// a file attachment, answered with the attachment as stored.
func addAttachment(c *call) (*http.Response, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	var a attachmentJSON
	if err := json.Unmarshal(c.r.Body, &a); err != nil {
		return nil, fmt.Errorf("%w: %v", odata.ErrInvalidQuery, err)
	}
	newID, err := c.createAttachment(id, &a)
	if err != nil {
		return nil, err
	}
	// The answer has the new id only; the rest is what was sent.
	out := []byte(`{"@odata.type":"#microsoft.graph.fileAttachment"`)
	if newID != "" {
		out = member(out, "id")
		out = appendString(out, restID(newID))
	}
	out = member(out, "name")
	out = appendString(out, a.Name)
	if a.ContentType != "" {
		out = member(out, "contentType")
		out = appendString(out, a.ContentType)
	}
	out = member(out, "size")
	out = strconv.AppendInt(out, int64(len(a.ContentBytes)), 10)
	out = member(out, "isInline")
	out = strconv.AppendBool(out, a.IsInline)
	out = member(out, "contentBytes")
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, a.ContentBytes)
	out = append(out, `"}`...)
	return jsonResponse(http.StatusCreated, out), nil
}

// createAttachment adds a file attachment to the item with the EWS id id
// (CreateAttachment) and returns the new attachment's EWS id.
func (c *call) createAttachment(id string, a *attachmentJSON) (string, error) {
	var w xmlWriter
	if err := writeFileAttachment(&w, a); err != nil {
		return "", err
	}
	var newID string
	err := c.send(request{op: "CreateAttachment", body: func(rw *xmlWriter) {
		rw.open("m:CreateAttachment")
		rw.empty1("m:ParentItemId", "Id", id)
		rw.open("m:Attachments")
		rw.b = append(rw.b, w.b...)
		rw.close("m:Attachments")
		rw.close("m:CreateAttachment")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !x.is("Attachments") || !ms.ok() {
				return x.skip()
			}
			return x.children(func() error {
				return x.children(func() error {
					if x.is("AttachmentId") && newID == "" {
						v, _ := x.attr("Id")
						newID = string(v)
					}
					return x.skip()
				})
			})
		}, failOn("CreateAttachment", false))
	})
	return newID, err
}

// deleteAttachment serves DELETE messages/{id}/attachments/{id}.
func deleteAttachment(c *call) (*http.Response, error) {
	if _, err := ewsID(c.ids[0]); err != nil {
		return nil, err
	}
	aid, err := ewsID(c.ids[1])
	if err != nil {
		return nil, err
	}
	if err := c.deleteAttachmentID(aid); err != nil {
		return nil, err
	}
	return noContent(), nil
}

// deleteAttachmentID removes the attachment with the EWS id aid.
func (c *call) deleteAttachmentID(aid string) error {
	err := c.send(request{op: "DeleteAttachment", body: func(w *xmlWriter) {
		w.open("m:DeleteAttachment")
		w.open("m:AttachmentIds")
		w.empty1("t:AttachmentId", "Id", aid)
		w.close("m:AttachmentIds")
		w.close("m:DeleteAttachment")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, nil, failOn("DeleteAttachment", false))
	})
	return err
}
