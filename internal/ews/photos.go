package ews

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // the formats Exchange takes for a contact's photo
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"strconv"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// Contact photos: EWS keeps a contact's photo as its file attachment
// marked IsContactPhoto (named ContactPicture.jpg by Outlook), where the
// REST APIs show contacts/{id}/photo. Reading finds the attachment
// (GetItem of item:Attachments) and reads it (GetAttachment); setting it
// removes the photo the contact had and adds the new one
// (CreateAttachment with IsContactPhoto). EWS gives no photo's size in
// pixels: the metadata read decodes the image's header.

// contactPhotoName is the name Outlook gives a contact's photo.
const contactPhotoName = "ContactPicture.jpg"

// maxPhoto bounds the photo a PUT takes: 4 MB, as the REST APIs do; and
// maxPhotos the photo attachments a contact may have in an answer.
const (
	maxPhoto  = 4 << 20
	maxPhotos = 16
)

func init() {
	routes["GET contacts/{}/photo"] = photoMetadata
	routes["GET contacts/{}/photo/$value"] = photoValue
	routes["PUT contacts/{}/photo/$value"] = setPhoto
}

// photoIDs returns the EWS ids of the contact's photo attachments.
func (c *call) photoIDs(id string) ([]string, error) {
	var ids []string
	err := c.getItemProps(id, func(w *xmlWriter) {
		writeShape(w, "m:ItemShape", &shape{BodyType: "HTML", Fields: []field{{URI: "item:Attachments"}}}, false)
	}, func(x *xmlReader, buf *[]byte) error { // a property of the contact
		if !x.is("Attachments") {
			return x.skip()
		}
		return x.children(func() error {
			if !x.is("FileAttachment") {
				return x.skip()
			}
			var aid string
			photo := false
			err := x.children(func() error {
				switch string(x.local) {
				case "AttachmentId":
					v, _ := x.attr("Id")
					aid = string(v)
				case "IsContactPhoto":
					t, err := x.textInto((*buf)[:0])
					photo = string(bytes.TrimSpace(t)) == "true"
					return err
				}
				return x.skip()
			})
			if err == nil && photo && aid != "" {
				if len(ids) >= maxPhotos {
					return errorf("GetItem: a contact with more than %d photos", maxPhotos)
				}
				ids = append(ids, aid)
			}
			return err
		})
	})
	return ids, err
}

// photo reads the contact's photo: its bytes and content type.
func (c *call) photo() ([]byte, string, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, "", err
	}
	ids, err := c.photoIDs(id)
	if err != nil {
		return nil, "", err
	}
	if len(ids) == 0 {
		return nil, "", &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorItemNotFound", Method: "EWS", Path: "GetItem",
			Message: "The contact has no photo."}
	}
	out, err := c.fetchAttachmentID(ids[len(ids)-1])
	if err != nil {
		return nil, "", err
	}
	var a struct {
		ContentType  string `json:"contentType"`
		ContentBytes []byte `json:"contentBytes"`
	}
	if err := json.Unmarshal(out, &a); err != nil {
		return nil, "", errorf("GetAttachment: %v", err)
	}
	return a.ContentBytes, a.ContentType, nil
}

// photoValue serves GET contacts/{id}/photo/$value.
func photoValue(c *call) (*http.Response, error) {
	img, ct, err := c.photo()
	if err != nil {
		return nil, err
	}
	if _, format, err := image.DecodeConfig(bytes.NewReader(img)); err == nil {
		ct = "image/" + format
	} else if ct == "" {
		ct = "application/octet-stream"
	}
	resp := jsonResponse(http.StatusOK, img)
	resp.Header.Set("Content-Type", ct)
	return resp, nil
}

// photoMetadata serves GET contacts/{id}/photo as Graph's profilePhoto:
// the size label, width, height and content type.
func photoMetadata(c *call) (*http.Response, error) {
	img, _, err := c.photo()
	if err != nil {
		return nil, err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return nil, errNotSupported(fmt.Sprintf("the size of a contact photo that is not a GIF, JPEG or PNG (%v)", err))
	}
	out := []byte(`{"id":`)
	out = appendString(out, strconv.Itoa(cfg.Width)+"X"+strconv.Itoa(cfg.Height))
	out = member(out, "width")
	out = strconv.AppendInt(out, int64(cfg.Width), 10)
	out = member(out, "height")
	out = strconv.AppendInt(out, int64(cfg.Height), 10)
	out = member(out, "@odata.mediaContentType")
	out = appendString(out, "image/"+format)
	return jsonResponse(http.StatusOK, append(out, '}')), nil
}

// setPhoto serves PUT contacts/{id}/photo/$value: the photos the contact
// had are removed, then the new one added.
func setPhoto(c *call) (*http.Response, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	if c.r.RawBody == nil {
		return nil, fmt.Errorf("%w: a photo needs its image", odata.ErrInvalidQuery)
	}
	img, err := io.ReadAll(io.LimitReader(c.r.RawBody, maxPhoto+1))
	if err != nil {
		return nil, fmt.Errorf("ews: reading the photo: %w", err)
	}
	if len(img) > maxPhoto {
		return nil, fmt.Errorf("%w: a photo over %d bytes", odata.ErrInvalidQuery, maxPhoto)
	}
	old, err := c.photoIDs(id)
	if err != nil {
		return nil, err
	}
	for _, aid := range old {
		if err := c.deleteAttachmentID(aid); err != nil {
			return nil, err
		}
	}
	ct := c.r.ContentType
	if ct == "" {
		ct = "image/jpeg"
	}
	if _, err := c.createAttachment(id, &attachmentJSON{Name: contactPhotoName, ContentType: ct, ContentBytes: img, contactPhoto: true}); err != nil {
		return nil, err
	}
	return noContent(), nil
}
