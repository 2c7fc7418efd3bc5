package calendar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

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
	const op = "UploadAttachment"
	if err := checkID(op, "event", eventID); err != nil {
		return nil, err
	}
	var o UploadOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case strings.TrimSpace(name) == "":
		return nil, fmt.Errorf("calendar: %s: %w: empty file name", op, ErrInvalidEvent)
	case r == nil:
		return nil, fmt.Errorf("calendar: %s: %w: nil reader", op, ErrInvalidEvent)
	case size < 0:
		return nil, fmt.Errorf("calendar: %s: %w: negative size %d", op, ErrInvalidEvent, size)
	case size > MaxUploadSize:
		return nil, fmt.Errorf("calendar: %s: %w: %d bytes, more than the %d an upload session takes", op, ErrInvalidEvent, size, MaxUploadSize)
	case o.ChunkSize < 0 || o.ChunkSize%UploadChunkUnit != 0 || o.ChunkSize > 4<<20:
		return nil, fmt.Errorf("calendar: %s: %w: chunk size %d is not a multiple of %d up to 4 MiB", op, ErrInvalidEvent, o.ChunkSize, UploadChunkUnit)
	}
	if o.ChunkSize == 0 {
		o.ChunkSize = DefaultUploadChunkSize
	}
	file := func() (*Attachment, error) {
		b, err := readExactly(r, size)
		if err != nil {
			return nil, fmt.Errorf("calendar: %s: %w", op, err)
		}
		return &Attachment{Kind: FileAttachment, Name: name, ContentType: contentType, ContentBytes: b, IsInline: o.IsInline, ContentID: o.ContentID}, nil
	}
	if size <= MaxInlineAttachmentSize {
		a, err := file()
		if err != nil {
			return nil, err
		}
		return s.AddAttachment(ctx, eventID, a)
	}
	sess, err := s.CreateUploadSession(ctx, eventID, name, contentType, size, &o)
	if errors.Is(err, odata.ErrNotSupported) {
		a, err := file()
		if err != nil {
			return nil, err
		}
		a, err = s.addAttachment(ctx, eventID, a)
		if oe, ok := errors.AsType[*odata.Error](err); ok && oe.StatusCode == http.StatusRequestEntityTooLarge {
			return nil, fmt.Errorf("calendar: %s: %w: %q has %d bytes, more than the service takes in one request (it has no upload sessions): %w",
				op, ErrAttachmentTooLarge, name, size, err)
		}
		return a, err
	}
	if err != nil {
		return nil, err
	}
	id, err := s.c.Upload(ctx, sess, r, size, o.ChunkSize)
	if errors.Is(err, odata.ErrUploadReader) {
		err = fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	if err != nil {
		return nil, fmt.Errorf("calendar: %s %q: %w", op, name, err)
	}
	return &Attachment{Kind: FileAttachment, ID: id, Name: name, ContentType: contentType, Size: size, IsInline: o.IsInline, ContentID: o.ContentID}, nil
}

// CreateUploadSession starts a large-attachment upload to an event, for
// callers that drive the upload themselves (odata.Client.Upload);
// UploadAttachment does all of it. Only Graph has upload sessions:
// elsewhere it fails with odata.ErrNotSupported before any request. opts
// may be nil.
func (s *Service) CreateUploadSession(ctx context.Context, eventID, name, contentType string, size int64, opts *UploadOptions) (*odata.UploadSession, error) {
	const op = "CreateUploadSession"
	if err := checkID(op, "event", eventID); err != nil {
		return nil, err
	}
	if err := s.notOnV2(op, "upload sessions are a Microsoft Graph feature"); err != nil {
		return nil, err
	}
	if s.c.Dialect() == odata.EWS {
		return nil, fmt.Errorf("calendar: %s: %w by EWS: upload sessions are a Microsoft Graph feature", op, odata.ErrNotSupported)
	}
	if strings.TrimSpace(name) == "" || size <= 0 || size > MaxUploadSize {
		return nil, fmt.Errorf("calendar: %s: %w: want a name and 1 to %d bytes (got %q, %d)", op, ErrInvalidEvent, MaxUploadSize, name, size)
	}
	it := odata.UploadItem{AttachmentType: "file", Name: name, Size: size, ContentType: contentType}
	if opts != nil {
		it.IsInline, it.ContentID = opts.IsInline, opts.ContentID
	}
	sess, err := s.c.CreateUploadSession(ctx, odata.PathOf("events/{}/attachments/createUploadSession", eventID), it)
	if err != nil {
		return nil, fmt.Errorf("calendar: %s: %w", op, err)
	}
	return sess, nil
}

// readExactly reads size bytes from r and checks that r holds no more.
func readExactly(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("%w: reading %d bytes: %w", ErrInvalidEvent, size, err)
	}
	var one [1]byte
	if n, _ := r.Read(one[:]); n > 0 {
		return nil, fmt.Errorf("%w: the reader holds more than the %d bytes given as size", ErrInvalidEvent, size)
	}
	return b, nil
}
