// Package attachupload is the one flow behind mail's and calendar's
// UploadAttachment and CreateUploadSession: the argument checks, a small
// file in one request, a large one through a Graph upload session in
// chunks (odata.Client.Upload, which deletes an abandoned session), and
// the whole file in one request where the service has no upload sessions
// (on-premises Exchange).
//
// It lives under internal, not in odata, because it is shaped by the two
// services' public types and errors (their Attachment, their invalid-input
// sentinel, ErrAttachmentTooLarge), which odata must not know, and users
// should not build on it.
package attachupload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/exchangekit/outlook/odata"
)

// MaxChunkSize is the largest chunk an upload session is sent: Microsoft
// recommends chunks under 4 MiB.
const MaxChunkSize = 4 << 20

// Options are a service's UploadOptions.
type Options struct {
	ChunkSize int
	IsInline  bool
	ContentID string
}

// File is the file attachment an upload adds: its content where it goes
// in one request, its id and size where an upload session stored it.
type File struct {
	ID           string
	Name         string
	ContentType  string
	Size         int64
	ContentBytes []byte
	IsInline     bool
	ContentID    string
}

// Target is what one service's attachment uploads differ in. A is the
// service's Attachment type.
type Target[A any] struct {
	Client *odata.Client
	// Service prefixes errors ("mail").
	Service string
	// SessionPath is the createUploadSession action, with {} for the
	// parent's id ("messages/{}/attachments/createUploadSession").
	SessionPath string
	// Invalid is the service's sentinel for invalid input, wrapped by
	// every refusal of an argument and every failure of the reader.
	Invalid error
	// TooLarge is the service's ErrAttachmentTooLarge.
	TooLarge error
	// MaxInline is the largest file sent in one request by Add;
	// MaxSize the largest an upload session takes; ChunkUnit what chunk
	// sizes must be a multiple of; DefaultChunk the chunk size of zero
	// Options.ChunkSize.
	MaxInline, MaxSize      int64
	ChunkUnit, DefaultChunk int
	// Add adds a small file in one request, as the service's public
	// AddAttachment does (with its checks).
	Add func(ctx context.Context, parentID string, a *A) (*A, error)
	// Create adds a file of any size in one request, without Add's
	// limits: for a service without upload sessions, whose server says
	// what it takes.
	Create func(ctx context.Context, parentID string, a *A) (*A, error)
	// New makes the service's Attachment of a file.
	New func(File) *A
}

// Upload attaches the size bytes of r to the parent item: see mail's
// Service.UploadAttachment. The parent's id has been checked.
func Upload[A any](ctx context.Context, t *Target[A], parentID, name, contentType string, r io.Reader, size int64, opts Options) (*A, error) {
	const op = "UploadAttachment"
	switch {
	case strings.TrimSpace(name) == "":
		return nil, fmt.Errorf("%s: %s: %w: empty file name", t.Service, op, t.Invalid)
	case r == nil:
		return nil, fmt.Errorf("%s: %s: %w: nil reader", t.Service, op, t.Invalid)
	case size < 0:
		return nil, fmt.Errorf("%s: %s: %w: negative size %d", t.Service, op, t.Invalid, size)
	case size > t.MaxSize:
		return nil, fmt.Errorf("%s: %s: %w: %d bytes, more than the %d an upload session takes", t.Service, op, t.Invalid, size, t.MaxSize)
	case opts.ChunkSize < 0 || opts.ChunkSize%t.ChunkUnit != 0 || opts.ChunkSize > MaxChunkSize:
		return nil, fmt.Errorf("%s: %s: %w: chunk size %d is not a multiple of %d up to 4 MiB", t.Service, op, t.Invalid, opts.ChunkSize, t.ChunkUnit)
	}
	if opts.ChunkSize == 0 {
		opts.ChunkSize = t.DefaultChunk
	}
	file := func() (*A, error) {
		b, err := readExactly(r, size, t.Invalid)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", t.Service, op, err)
		}
		return t.New(File{Name: name, ContentType: contentType, ContentBytes: b, IsInline: opts.IsInline, ContentID: opts.ContentID}), nil
	}
	if size <= t.MaxInline {
		a, err := file()
		if err != nil {
			return nil, err
		}
		return t.Add(ctx, parentID, a)
	}
	sess, err := CreateSession(ctx, t, parentID, name, contentType, size, &opts)
	if errors.Is(err, odata.ErrNotSupported) {
		a, err := file()
		if err != nil {
			return nil, err
		}
		a, err = t.Create(ctx, parentID, a)
		if oe, ok := errors.AsType[*odata.Error](err); ok && oe.StatusCode == http.StatusRequestEntityTooLarge {
			return nil, fmt.Errorf("%s: %s: %w: %q has %d bytes, more than the service takes in one request (it has no upload sessions): %w",
				t.Service, op, t.TooLarge, name, size, err)
		}
		return a, err
	}
	if err != nil {
		return nil, err
	}
	id, err := Send(ctx, t.Client, sess, r, size, opts.ChunkSize, t.Invalid)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %q: %w", t.Service, op, name, err)
	}
	return t.New(File{ID: id, Name: name, ContentType: contentType, Size: size, IsInline: opts.IsInline, ContentID: opts.ContentID}), nil
}

// CreateSession starts an upload session for a file of the parent item:
// see mail's Service.CreateUploadSession. Outlook REST v2.0 is refused
// here, EWS by its backend, both before any request. The parent's id has
// been checked; opts may be nil.
func CreateSession[A any](ctx context.Context, t *Target[A], parentID, name, contentType string, size int64, opts *Options) (*odata.UploadSession, error) {
	const op = "CreateUploadSession"
	if d := t.Client.Dialect(); d.IsOutlookV2() {
		return nil, fmt.Errorf("%s: %s: %w by %s (on-premises Exchange): upload sessions are a Microsoft Graph feature", t.Service, op, odata.ErrNotSupported, d)
	}
	if strings.TrimSpace(name) == "" || size <= 0 || size > t.MaxSize {
		return nil, fmt.Errorf("%s: %s: %w: want a name and 1 to %d bytes (got %q, %d)", t.Service, op, t.Invalid, t.MaxSize, name, size)
	}
	it := odata.UploadItem{AttachmentType: "file", Name: name, Size: size, ContentType: contentType}
	if opts != nil {
		it.IsInline, it.ContentID = opts.IsInline, opts.ContentID
	}
	sess, err := t.Client.CreateUploadSession(ctx, odata.PathOf(t.SessionPath, parentID), it)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", t.Service, op, err)
	}
	return sess, nil
}

// Send sends the file through the session in chunks (odata.Client.Upload,
// which also abandons a failed session); a failure of the reader also
// matches invalid.
func Send(ctx context.Context, c *odata.Client, sess *odata.UploadSession, r io.Reader, size int64, chunkSize int, invalid error) (string, error) {
	id, err := c.Upload(ctx, sess, r, size, chunkSize)
	if errors.Is(err, odata.ErrUploadReader) {
		return "", fmt.Errorf("%w: %w", invalid, err)
	}
	return id, err
}

// readExactly reads size bytes from r and checks that r holds no more.
func readExactly(r io.Reader, size int64, invalid error) ([]byte, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("%w: reading %d bytes: %w", invalid, size, err)
	}
	var one [1]byte
	if n, _ := r.Read(one[:]); n > 0 {
		return nil, fmt.Errorf("%w: the reader holds more than the %d bytes given as size", invalid, size)
	}
	return b, nil
}
