package calendar

import (
	"context"
	"errors"
	"io"

	"github.com/exchangekit/outlook/internal/attachupload"
	"github.com/exchangekit/outlook/odata"
)

// Large event attachments: Graph takes them through upload sessions as it
// does for messages (POST events/{id}/attachments/createUploadSession,
// files of 3 MB to 150 MB); on premises (EWS, REST v2.0) a file goes in
// one request, up to the size the server's administrator allows.

// Upload limits, as for messages.
const (
	// MaxUploadSize is the largest file an upload session takes.
	MaxUploadSize = 150 << 20
	// UploadChunkUnit is what upload chunk sizes must be a multiple of.
	UploadChunkUnit = 320 << 10
	// DefaultUploadChunkSize is 3.75 MiB: under the 4 MiB the service
	// recommends per chunk.
	DefaultUploadChunkSize = 12 * UploadChunkUnit
)

// ErrAttachmentTooLarge is matched by the error of a file the mailbox's
// service refused for its size (HTTP 413, or EWS's
// ErrorAttachmentSizeLimitExceeded), where it has no upload sessions. The
// error also wraps the server's *odata.Error.
var ErrAttachmentTooLarge = errors.New("attachment too large for the service")

// UploadOptions are the options of UploadAttachment; nil means the defaults.
type UploadOptions struct {
	// ChunkSize is the size of each upload request: a multiple of
	// UploadChunkUnit, at most 4 MiB. Zero means DefaultUploadChunkSize.
	ChunkSize int
	// IsInline and ContentID make the file an inline image of an HTML body.
	IsInline  bool
	ContentID string
}

// UploadAttachment attaches a file of size bytes read from r to an event,
// in every location. Files up to MaxInlineAttachmentSize go in one
// request (AddAttachment). Larger files (up to MaxUploadSize) go through
// an upload session where the service has them (Graph), in chunks sent to
// the session's pre-authenticated URL without the mailbox's token; the URL
// must be https on one of the service's upload hosts, or the upload is
// refused with odata.ErrUntrustedURL before a byte is sent. A chunk is
// retried and the upload resumed as the client's retry policy allows (see
// odata.Client.Upload); an upload that fails deletes its session.
//
// Where the service has no upload sessions (on-premises Exchange), the
// file is read into memory and goes in one request; a file the server
// refuses for its size fails with an error matching ErrAttachmentTooLarge.
//
// r must hold exactly size bytes.
func (s *Service) UploadAttachment(ctx context.Context, eventID, name, contentType string, r io.Reader, size int64, opts *UploadOptions) (*Attachment, error) {
	if err := checkID("UploadAttachment", "event", eventID); err != nil {
		return nil, err
	}
	var o attachupload.Options
	if opts != nil {
		o = attachupload.Options(*opts)
	}
	return attachupload.Upload(ctx, s.uploadTarget(), eventID, name, contentType, r, size, o)
}

// uploadTarget is what an event's attachment upload needs of the service.
func (s *Service) uploadTarget() *attachupload.Target[Attachment] {
	return &attachupload.Target[Attachment]{
		Client:       s.c,
		Service:      "calendar",
		SessionPath:  "events/{}/attachments/createUploadSession",
		Invalid:      ErrInvalidEvent,
		TooLarge:     ErrAttachmentTooLarge,
		MaxInline:    MaxInlineAttachmentSize,
		MaxSize:      MaxUploadSize,
		ChunkUnit:    UploadChunkUnit,
		DefaultChunk: DefaultUploadChunkSize,
		Add:          s.AddAttachment,
		Create:       s.addAttachment,
		New: func(f attachupload.File) *Attachment {
			return &Attachment{Kind: FileAttachment, ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size,
				ContentBytes: f.ContentBytes, IsInline: f.IsInline, ContentID: f.ContentID}
		},
	}
}

// CreateUploadSession starts a large-attachment upload to an event, for
// callers that drive the upload themselves (odata.Client.Upload);
// UploadAttachment does all of it. Only Graph has upload sessions:
// elsewhere it fails with odata.ErrNotSupported before any request. opts
// may be nil.
func (s *Service) CreateUploadSession(ctx context.Context, eventID, name, contentType string, size int64, opts *UploadOptions) (*odata.UploadSession, error) {
	if err := checkID("CreateUploadSession", "event", eventID); err != nil {
		return nil, err
	}
	return attachupload.CreateSession(ctx, s.uploadTarget(), eventID, name, contentType, size, (*attachupload.Options)(opts))
}
