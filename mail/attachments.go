package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/exchangekit/outlook/internal/attachupload"
	"github.com/exchangekit/outlook/odata"
)

// Attachment size limits.
const (
	// MaxInlineAttachmentSize is the largest file sent inline, base64 in a
	// JSON body (AddAttachment, or attachments of a draft or a message
	// sent): Microsoft documents files "under 3 MB" (decimal: 3 MiB would
	// encode to more than the 4 MB a request may hold) for one request and
	// an upload session for larger ones.
	MaxInlineAttachmentSize = 3_000_000 - 1
	// MaxInlineAttachmentsSize bounds the attachments of one request
	// together, as base64 (4/3 of their size) in its JSON body: Graph
	// takes requests up to 4 MB, so several files each under 3 MB are
	// still refused together when they exceed it. The message around them
	// adds a little; a request the service still finds too large fails
	// with its 413.
	MaxInlineAttachmentsSize = 4_000_000
	// MaxUploadSize is the largest file an upload session takes; the
	// mailbox's own message size limit (35 MB by default in Exchange
	// Online) usually stops a message first.
	MaxUploadSize = 150 << 20
	// UploadChunkUnit is what upload chunk sizes must be a multiple of.
	UploadChunkUnit = 320 << 10
	// DefaultUploadChunkSize is 3.75 MiB: under the 4 MiB the service
	// recommends per chunk.
	DefaultUploadChunkSize = 12 * UploadChunkUnit
)

// checkInlineAttachment refuses attachments that cannot be added inline.
func checkInlineAttachment(a *Attachment) error {
	switch a.Kind {
	case "", FileAttachment:
		if strings.TrimSpace(a.Name) == "" {
			return fmt.Errorf("%w: a file attachment needs a name", ErrInvalidMessage)
		}
		if len(a.ContentBytes) > MaxInlineAttachmentSize {
			return fmt.Errorf("%w: file attachment %q has %d bytes, more than the %d sent inline; use UploadAttachment", ErrInvalidMessage, a.Name, len(a.ContentBytes), MaxInlineAttachmentSize)
		}
	case ItemAttachment:
		if len(a.Item) == 0 {
			return fmt.Errorf("%w: an item attachment needs its Item", ErrInvalidMessage)
		}
	case ReferenceAttachment:
		return fmt.Errorf("%w: reference attachments cannot be added through this API", ErrInvalidMessage)
	default:
		return fmt.Errorf("%w: unknown attachment kind %q", ErrInvalidMessage, a.Kind)
	}
	return nil
}

// inlineSize is what an attachment's content takes in a JSON body: a
// file's bytes in base64, an item attachment's item as it is.
func inlineSize(a *Attachment) int64 {
	if a.Kind == ItemAttachment {
		return int64(len(a.Item))
	}
	return int64(base64.StdEncoding.EncodedLen(len(a.ContentBytes)))
}

// checkInlineAttachments checks each attachment of one request and, since
// the request holds them all, their encoded size together.
func checkInlineAttachments(as []Attachment) error {
	var total int64
	for i := range as {
		if err := checkInlineAttachment(&as[i]); err != nil {
			return fmt.Errorf("attachment %d: %w", i+1, err)
		}
		total += inlineSize(&as[i])
	}
	if total > MaxInlineAttachmentsSize {
		return fmt.Errorf("%w: %d attachments take %d bytes encoded, more than the %d one request holds; add the larger files with UploadAttachment", ErrInvalidMessage, len(as), total, MaxInlineAttachmentsSize)
	}
	return nil
}

func attachmentsPath(messageID string) odata.Path {
	return odata.PathOf("messages/{}/attachments", messageID)
}

// ListAttachments yields the attachments of a message, with the content of
// file attachments; q may select fewer properties, and may be nil.
func (s *Service) ListAttachments(ctx context.Context, messageID string, q *odata.Query) iter.Seq2[*Attachment, error] {
	if err := checkID("ListAttachments", "message", messageID); err != nil {
		return func(yield func(*Attachment, error) bool) { yield(nil, err) }
	}
	return odata.List[Attachment](ctx, s.c, attachmentsPath(messageID), q)
}

// GetAttachment fetches one attachment with its content.
func (s *Service) GetAttachment(ctx context.Context, messageID, attachmentID string) (*Attachment, error) {
	if err := checkID("GetAttachment", "message", messageID); err != nil {
		return nil, err
	}
	if err := checkID("GetAttachment", "attachment", attachmentID); err != nil {
		return nil, err
	}
	return odata.Get[Attachment](ctx, s.c, odata.PathOf("messages/{}/attachments/{}", messageID, attachmentID), nil)
}

// AddAttachment adds a file (Kind "" or FileAttachment, at most
// MaxInlineAttachmentSize bytes) or an item attachment to a message and
// returns it as stored. Larger files go through UploadAttachment.
func (s *Service) AddAttachment(ctx context.Context, messageID string, a *Attachment) (*Attachment, error) {
	if err := checkID("AddAttachment", "message", messageID); err != nil {
		return nil, err
	}
	if a == nil {
		return nil, fmt.Errorf("mail: AddAttachment: %w: nil attachment", ErrInvalidMessage)
	}
	if err := checkInlineAttachment(a); err != nil {
		return nil, fmt.Errorf("mail: AddAttachment: %w", err)
	}
	if n := inlineSize(a); n > MaxInlineAttachmentsSize {
		return nil, fmt.Errorf("mail: AddAttachment: %w: %q takes %d bytes encoded, more than the %d a request holds", ErrInvalidMessage, a.Name, n, MaxInlineAttachmentsSize)
	}
	return s.createAttachment(ctx, messageID, a)
}

// createAttachment adds a to the message in one request.
func (s *Service) createAttachment(ctx context.Context, messageID string, a *Attachment) (*Attachment, error) {
	body := *a
	if body.Kind == "" {
		body.Kind = FileAttachment
	}
	body.ID, body.Size, body.LastModifiedDateTime = "", 0, time.Time{}
	return created(odata.Create[Attachment](ctx, s.c, attachmentsPath(messageID), &body))
}

// ErrAttachmentTooLarge is matched by the error of a file the mailbox's
// service refused for its size (HTTP 413, or EWS's
// ErrorAttachmentSizeLimitExceeded): a service without upload sessions
// takes a file in one request, up to a size its administrator sets
// (on-premises Exchange's EWS takes requests up to 64 MB by default,
// about 48 MB of file once encoded). The error also wraps the server's
// *odata.Error.
var ErrAttachmentTooLarge = errors.New("attachment too large for the service")

// DeleteAttachment removes an attachment from a message.
func (s *Service) DeleteAttachment(ctx context.Context, messageID, attachmentID string) error {
	if err := checkID("DeleteAttachment", "message", messageID); err != nil {
		return err
	}
	if err := checkID("DeleteAttachment", "attachment", attachmentID); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf("messages/{}/attachments/{}", messageID, attachmentID), "")
}

// AttachmentContent returns an attachment's raw content: a file's bytes,
// an attached message as MIME. Graph streams it; on-premises servers have
// no raw-content call, so there the file attachment is fetched and its
// bytes are returned (item attachments give odata.ErrNotSupported).
// Close the reader when done.
func (s *Service) AttachmentContent(ctx context.Context, messageID, attachmentID string) (io.ReadCloser, error) {
	if err := checkID("AttachmentContent", "message", messageID); err != nil {
		return nil, err
	}
	if err := checkID("AttachmentContent", "attachment", attachmentID); err != nil {
		return nil, err
	}
	if s.c.Dialect().IsOutlookV2() {
		a, err := s.GetAttachment(ctx, messageID, attachmentID)
		if err != nil {
			return nil, err
		}
		if a.Kind != FileAttachment {
			return nil, fmt.Errorf("mail: AttachmentContent: %w by %s: raw content of a %s", odata.ErrNotSupported, s.c.Dialect(), a.Kind)
		}
		return io.NopCloser(bytes.NewReader(a.ContentBytes)), nil
	}
	resp, err := s.c.Do(ctx, &odata.Request{Method: http.MethodGet, Path: odata.PathOf("messages/{}/attachments/{}/$value", messageID, attachmentID), Header: acceptAny})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// UploadOptions are the options of UploadAttachment; nil means the defaults.
type UploadOptions struct {
	// ChunkSize is the size of each upload request: a multiple of
	// UploadChunkUnit, at most 4 MiB. Zero means DefaultUploadChunkSize.
	ChunkSize int
	// IsInline and ContentID make the file an inline image of an HTML body.
	IsInline  bool
	ContentID string
}

// UploadAttachment attaches a file of size bytes read from r to a message,
// in every location. Files up to MaxInlineAttachmentSize go in one request.
// Larger files (up to MaxUploadSize) go through an upload session where the
// service has them (Graph), in chunks sent to the session's
// pre-authenticated URL without the mailbox's token. The URL must be https
// on one of the service's upload hosts (outlook.office.com and its
// national-cloud kin); any other is refused with odata.ErrUntrustedURL
// before a byte of the file is sent. A chunk is retried as the client's
// retry policy says (the root package's WithRetry); when the service
// expects another range than the one sent (a chunk stored whose answer was
// lost, or one the service lost), the upload resumes from the range the
// service says it expects, as often as that policy allows (if that range
// lies before the chunk, r must be an io.Seeker).
//
// Where the service has no upload sessions (on-premises Exchange: it
// answers CreateUploadSession with odata.ErrNotSupported, before any
// request), the file is read into memory and goes in one request, which the
// server takes up to the size its administrator allows; a file it refuses
// for its size fails with an error matching ErrAttachmentTooLarge.
//
// r must hold exactly size bytes.
func (s *Service) UploadAttachment(ctx context.Context, messageID, name, contentType string, r io.Reader, size int64, opts *UploadOptions) (*Attachment, error) {
	if err := checkID("UploadAttachment", "message", messageID); err != nil {
		return nil, err
	}
	var o attachupload.Options
	if opts != nil {
		o = attachupload.Options(*opts)
	}
	return attachupload.Upload(ctx, s.uploadTarget(), messageID, name, contentType, r, size, o)
}

// uploadTarget is what a message's attachment upload needs of the service.
func (s *Service) uploadTarget() *attachupload.Target[Attachment] {
	return &attachupload.Target[Attachment]{
		Client:       s.c,
		Service:      "mail",
		SessionPath:  "messages/{}/attachments/createUploadSession",
		Invalid:      ErrInvalidMessage,
		TooLarge:     ErrAttachmentTooLarge,
		MaxInline:    MaxInlineAttachmentSize,
		MaxSize:      MaxUploadSize,
		ChunkUnit:    UploadChunkUnit,
		DefaultChunk: DefaultUploadChunkSize,
		Add:          s.AddAttachment,
		Create:       s.createAttachment,
		New: func(f attachupload.File) *Attachment {
			return &Attachment{Kind: FileAttachment, ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size,
				ContentBytes: f.ContentBytes, IsInline: f.IsInline, ContentID: f.ContentID}
		},
	}
}

// CreateUploadSession starts a large-attachment upload, for callers that
// drive the upload themselves; UploadAttachment does all of it. Only Graph
// has upload sessions: elsewhere it fails with odata.ErrNotSupported before
// any request. opts may be nil.
func (s *Service) CreateUploadSession(ctx context.Context, messageID, name, contentType string, size int64, opts *UploadOptions) (*UploadSession, error) {
	if err := checkID("CreateUploadSession", "message", messageID); err != nil {
		return nil, err
	}
	sess, err := attachupload.CreateSession(ctx, s.uploadTarget(), messageID, name, contentType, size, (*attachupload.Options)(opts))
	if err != nil {
		return nil, err
	}
	ms := UploadSession(*sess)
	return &ms, nil
}

// upload sends the file through the session in chunks (odata's Upload,
// which also abandons a failed session).
func (s *Service) upload(ctx context.Context, sess *UploadSession, r io.Reader, size int64, o *UploadOptions) (string, error) {
	os := odata.UploadSession(*sess)
	return attachupload.Send(ctx, s.c, &os, r, size, o.ChunkSize, ErrInvalidMessage)
}

// created turns the (nil, nil) of an answer without a body into an error.
func created[T any](v *T, err error) (*T, error) {
	if err == nil && v == nil {
		return nil, errors.New("mail: the service answered without the entity")
	}
	return v, err
}
