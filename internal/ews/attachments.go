package ews

import (
	"bytes"
	"encoding/base64"
)

// Attachment content. GetItem returns an item's attachments without their
// content; Graph's $expand=attachments returns file attachments with it
// (contentBytes), so the backend asks GetAttachment for the content of
// each and adds it to the attachment's JSON.

// maxGetAttachmentBatch bounds the attachments of one GetAttachment call:
// their content is in the answer, which must stay within what one
// response may hold.
const maxGetAttachmentBatch = 20

// attachmentContents fetches the content of the file attachments refs
// points at in out and adds it to each as contentBytes.
func (c *call) attachmentContents(out []byte, refs []attRef) ([]byte, error) {
	contents := make([][]byte, len(refs))
	for lo := 0; lo < len(refs); lo += maxGetAttachmentBatch {
		batch := refs[lo:min(len(refs), lo+maxGetAttachmentBatch)]
		err := c.send(request{op: "GetAttachment", idempotent: true, body: func(w *xmlWriter) {
			w.open("m:GetAttachment")
			w.open("m:AttachmentIds")
			for _, r := range batch {
				w.empty1("t:AttachmentId", "Id", r.id)
			}
			w.close("m:AttachmentIds")
			w.close("m:GetAttachment")
		}}, func(x *xmlReader, buf *[]byte) error {
			return readMessages(x, buf, func(i int, ms *status) error {
				if !x.is("Attachments") || !ms.ok() || i >= len(batch) {
					return x.skip()
				}
				return x.children(func() error {
					return x.children(func() error {
						if !x.is("Content") || contents[lo+i] != nil {
							return x.skip()
						}
						t, err := x.textInto(nil)
						if err != nil {
							return err
						}
						t = bytes.TrimSpace(t)
						if _, err := base64.StdEncoding.DecodeString(string(t)); err != nil {
							return errorf("GetAttachment: content that is not base64")
						}
						contents[lo+i] = t
						return nil
					})
				})
			}, func(_ int, ms *status) error {
				// An attachment removed meanwhile keeps its metadata only.
				if ms.ok() || ms.code == "ErrorAttachmentNotFound" || ms.code == "ErrorItemNotFound" {
					return nil
				}
				return errorOf("GetAttachment", ms, false, nil)
			})
		})
		if err != nil {
			return nil, err
		}
	}
	n := len(out)
	for _, t := range contents {
		n += len(t) + len(`,"contentBytes":""`)
	}
	res := make([]byte, 0, n)
	prev := 0
	for i, r := range refs {
		res = append(res, out[prev:r.end]...)
		prev = r.end
		if contents[i] != nil {
			res = member(res, "contentBytes")
			res = appendString(res, contents[i])
		}
	}
	return append(res, out[prev:]...), nil
}
