package calendar

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// MaxInlineAttachmentSize is the largest file AddAttachment sends in one
// request: Microsoft documents files "under 3 MB" (decimal: 3 MiB would
// encode to more than the 4 MB a Graph request holds) for one request and
// an upload session for larger ones (UploadAttachment).
const MaxInlineAttachmentSize = 3_000_000 - 1

func attachmentsPath(eventID string) odata.Path {
	return odata.PathOf("events/{}/attachments", eventID)
}

// ListAttachments yields the attachments of an event, with the content of
// file attachments; q may select fewer properties, and may be nil.
func (s *Service) ListAttachments(ctx context.Context, eventID string, q *odata.Query) iter.Seq2[*Attachment, error] {
	if err := checkID("ListAttachments", "event", eventID); err != nil {
		return fail[Attachment](err)
	}
	return odata.List[Attachment](ctx, s.c, attachmentsPath(eventID), q)
}

// GetAttachment fetches one attachment of an event with its content.
func (s *Service) GetAttachment(ctx context.Context, eventID, attachmentID string) (*Attachment, error) {
	if err := checkID("GetAttachment", "event", eventID); err != nil {
		return nil, err
	}
	if err := checkID("GetAttachment", "attachment", attachmentID); err != nil {
		return nil, err
	}
	return odata.Get[Attachment](ctx, s.c, odata.PathOf("events/{}/attachments/{}", eventID, attachmentID), nil)
}

// AddAttachment adds a file (Kind "" or FileAttachment, at most
// MaxInlineAttachmentSize bytes) or an item attachment to an event and
// returns it as stored. Larger files go through UploadAttachment.
func (s *Service) AddAttachment(ctx context.Context, eventID string, a *Attachment) (*Attachment, error) {
	if err := checkID("AddAttachment", "event", eventID); err != nil {
		return nil, err
	}
	if a == nil || a.Name == "" {
		return nil, fmt.Errorf("calendar: AddAttachment: %w: an attachment needs a name", ErrInvalidEvent)
	}
	if len(a.ContentBytes) > MaxInlineAttachmentSize {
		return nil, fmt.Errorf("calendar: AddAttachment: %w: %d bytes, more than %d", ErrInvalidEvent, len(a.ContentBytes), MaxInlineAttachmentSize)
	}
	return s.addAttachment(ctx, eventID, a)
}

// addAttachment adds a to the event in one request.
func (s *Service) addAttachment(ctx context.Context, eventID string, a *Attachment) (*Attachment, error) {
	body := *a
	if body.Kind == "" {
		body.Kind = FileAttachment
	}
	body.ID, body.Size, body.LastModifiedDateTime = "", 0, time.Time{}
	return created(odata.Create[Attachment](ctx, s.c, attachmentsPath(eventID), &body))
}

// DeleteAttachment removes an attachment from an event.
func (s *Service) DeleteAttachment(ctx context.Context, eventID, attachmentID string) error {
	if err := checkID("DeleteAttachment", "event", eventID); err != nil {
		return err
	}
	if err := checkID("DeleteAttachment", "attachment", attachmentID); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf("events/{}/attachments/{}", eventID, attachmentID), "")
}
