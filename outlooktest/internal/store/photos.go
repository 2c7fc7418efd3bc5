package store

// Contact photos. Exchange keeps a contact's photo as a file attachment of
// the contact named ContactPicture.jpg with IsContactPhoto set (which is
// how EWS reads and writes it); the REST APIs show it at
// /contacts/{id}/photo. The store keeps it that way, so every protocol
// sees the same photo.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/gif" // photos may be GIF, JPEG or PNG, as Exchange takes them
	_ "image/jpeg"
	_ "image/png"
)

// PhotoName is the name Exchange gives a contact photo attachment.
const PhotoName = "ContactPicture.jpg"

// IsPhoto reports whether an attachment is a contact's photo.
func IsPhoto(a *Entity) bool {
	p, _ := a.obj["isContactPhoto"].(bool)
	return a.set == "attachments" && p
}

// Photo returns the photo attachment of a contact, or nil.
func (m *Mailbox) Photo(contact *Entity) *Entity {
	for _, a := range m.List("attachments", func(a *Entity) bool { return a.parent == contact.id && IsPhoto(a) }) {
		return a
	}
	return nil
}

// PhotoInfo describes a photo as Graph's profilePhoto does: its id (the
// size, "96X96"), width, height and content type.
func PhotoInfo(a *Entity) Object {
	w, _ := a.obj["width"].(float64)
	h, _ := a.obj["height"].(float64)
	ct, _ := a.obj["contentType"].(string)
	return Object{"id": fmt.Sprintf("%.0fX%.0f", w, h), "width": w, "height": h, "@odata.mediaContentType": ct}
}

// SetPhoto makes image the contact's photo, replacing the one it had. An
// image that is not a GIF, JPEG or PNG is refused.
func (m *Mailbox) SetPhoto(contact *Entity, img []byte) (*Entity, error) {
	if contact.set != "contacts" {
		return nil, badInput("ErrorInvalidRequest", "only contacts have photos")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return nil, badInput("ErrorInvalidImage", "The photo is not an image: %v", err)
	}
	if old := m.Photo(contact); old != nil {
		m.Purge(old)
	}
	e, err := m.AddAttachment(contact.id, Object{
		"@odata.type":    "#microsoft.graph.fileAttachment",
		"name":           PhotoName,
		"contentType":    "image/" + format,
		"contentBytes":   base64.StdEncoding.EncodeToString(img),
		"isContactPhoto": true,
	}, false)
	if err != nil {
		return nil, err
	}
	e.obj["width"], e.obj["height"] = float64(cfg.Width), float64(cfg.Height)
	return e, nil
}

// PhotoBytes returns the image of a photo attachment.
func PhotoBytes(a *Entity) []byte {
	cb, _ := a.obj["contentBytes"].(string)
	b, _ := base64.StdEncoding.DecodeString(cb)
	return b
}
