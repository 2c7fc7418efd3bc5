package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// Attachment size limits.
const (
	// MaxInlineAttachmentSize is the largest file sent inline, base64 in a
	// JSON body (AddAttachment, or attachments of a draft): the services
	// want larger files through an upload session.
	MaxInlineAttachmentSize = 3 << 20
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
	const op = "UploadAttachment"
	if err := checkID(op, "message", messageID); err != nil {
		return nil, err
	}
	var o UploadOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case strings.TrimSpace(name) == "":
		return nil, fmt.Errorf("mail: %s: %w: empty file name", op, ErrInvalidMessage)
	case r == nil:
		return nil, fmt.Errorf("mail: %s: %w: nil reader", op, ErrInvalidMessage)
	case size < 0:
		return nil, fmt.Errorf("mail: %s: %w: negative size %d", op, ErrInvalidMessage, size)
	case size > MaxUploadSize:
		return nil, fmt.Errorf("mail: %s: %w: %d bytes, more than the %d an upload session takes", op, ErrInvalidMessage, size, MaxUploadSize)
	case o.ChunkSize < 0 || o.ChunkSize%UploadChunkUnit != 0 || o.ChunkSize > 4<<20:
		return nil, fmt.Errorf("mail: %s: %w: chunk size %d is not a multiple of %d up to 4 MiB", op, ErrInvalidMessage, o.ChunkSize, UploadChunkUnit)
	}
	if o.ChunkSize == 0 {
		o.ChunkSize = DefaultUploadChunkSize
	}
	if size <= MaxInlineAttachmentSize {
		b, err := readExactly(r, size)
		if err != nil {
			return nil, fmt.Errorf("mail: %s: %w", op, err)
		}
		return s.AddAttachment(ctx, messageID, &Attachment{Kind: FileAttachment, Name: name, ContentType: contentType, ContentBytes: b, IsInline: o.IsInline, ContentID: o.ContentID})
	}
	sess, err := s.CreateUploadSession(ctx, messageID, name, contentType, size, &o)
	if errors.Is(err, odata.ErrNotSupported) {
		return s.uploadWhole(ctx, messageID, name, contentType, r, size, &o)
	}
	if err != nil {
		return nil, err
	}
	id, err := s.upload(ctx, sess, r, size, &o)
	if err != nil {
		return nil, fmt.Errorf("mail: %s %q: %w", op, name, err)
	}
	return &Attachment{Kind: FileAttachment, ID: id, Name: name, ContentType: contentType, Size: size, IsInline: o.IsInline, ContentID: o.ContentID}, nil
}

// uploadWhole attaches a file in one request, for a service without upload
// sessions.
func (s *Service) uploadWhole(ctx context.Context, messageID, name, contentType string, r io.Reader, size int64, o *UploadOptions) (*Attachment, error) {
	const op = "UploadAttachment"
	b, err := readExactly(r, size)
	if err != nil {
		return nil, fmt.Errorf("mail: %s: %w", op, err)
	}
	a, err := s.createAttachment(ctx, messageID, &Attachment{Kind: FileAttachment, Name: name, ContentType: contentType, ContentBytes: b, IsInline: o.IsInline, ContentID: o.ContentID})
	if oe, ok := errors.AsType[*odata.Error](err); ok && oe.StatusCode == http.StatusRequestEntityTooLarge {
		return nil, fmt.Errorf("mail: %s: %w: %q has %d bytes, more than the service takes in one request (it has no upload sessions): %w",
			op, ErrAttachmentTooLarge, name, size, err)
	}
	return a, err
}

// CreateUploadSession starts a large-attachment upload, for callers that
// drive the upload themselves; UploadAttachment does all of it. Only Graph
// has upload sessions: elsewhere it fails with odata.ErrNotSupported before
// any request. opts may be nil.
func (s *Service) CreateUploadSession(ctx context.Context, messageID, name, contentType string, size int64, opts *UploadOptions) (*UploadSession, error) {
	const op = "CreateUploadSession"
	if err := checkID(op, "message", messageID); err != nil {
		return nil, err
	}
	if err := s.notOnV2(op, "upload sessions are a Microsoft Graph feature"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" || size <= 0 || size > MaxUploadSize {
		return nil, fmt.Errorf("mail: %s: %w: want a name and 1 to %d bytes (got %q, %d)", op, ErrInvalidMessage, MaxUploadSize, name, size)
	}
	ai := attachmentItem{AttachmentType: "file", Name: name, Size: size, ContentType: contentType}
	if opts != nil {
		ai.IsInline, ai.ContentID = opts.IsInline, opts.ContentID
	}
	body := struct {
		AttachmentItem attachmentItem `json:"AttachmentItem"`
	}{ai}
	sess, err := created(odata.Invoke[UploadSession](ctx, s.c, odata.PathOf("messages/{}/attachments/createUploadSession", messageID), body))
	if err != nil {
		return nil, err
	}
	if sess.UploadURL == "" {
		return nil, fmt.Errorf("mail: %s: the service returned no upload URL", op)
	}
	if err := s.c.CheckPreauthenticatedURL(sess.UploadURL); err != nil {
		return nil, fmt.Errorf("mail: %s: %w", op, err)
	}
	return sess, nil
}

// readExactly reads size bytes from r and checks that r holds no more.
func readExactly(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("%w: reading %d bytes: %w", ErrInvalidMessage, size, err)
	}
	var one [1]byte
	if n, _ := r.Read(one[:]); n > 0 {
		return nil, fmt.Errorf("%w: the reader holds more than the %d bytes given as size", ErrInvalidMessage, size)
	}
	return b, nil
}

// upload sends the file in chunks and returns the new attachment's id.
// buf holds the file's bytes [bufStart, bufStart+bufLen); r is positioned
// at bufStart+bufLen. Each chunk goes through the transport, which retries
// it (a PUT of the same range is idempotent) by the client's policy; what
// is left here is resuming when the service expects another range, each
// position tried as often as the same policy allows.
func (s *Service) upload(ctx context.Context, sess *UploadSession, r io.Reader, size int64, o *UploadOptions) (string, error) {
	buf := make([]byte, o.ChunkSize)
	var bufStart int64
	bufLen := 0
	var start int64 // the offset the service expects next
	if st, ok := parseRanges(sess.NextExpectedRanges); ok {
		start = st
	}
	tries := 0 // failed tries at the current position
	for {
		if start >= size {
			return "", fmt.Errorf("the service expects byte %d of a %d-byte file", start, size)
		}
		switch pos := bufStart + int64(bufLen); {
		case start < bufStart:
			if err := rewind(r, start); err != nil {
				return "", err
			}
			bufStart, bufLen = start, 0
		case start > pos:
			if _, err := io.CopyN(io.Discard, r, start-pos); err != nil {
				return "", fmt.Errorf("%w: reading the file at byte %d: %w", ErrInvalidMessage, pos, err)
			}
			bufStart, bufLen = start, 0
		default:
			d := int(start - bufStart)
			bufLen = copy(buf, buf[d:bufLen])
			bufStart = start
		}
		want := int(min(int64(o.ChunkSize), size-start))
		if bufLen < want {
			n, err := io.ReadFull(r, buf[bufLen:want])
			bufLen += n
			if err != nil {
				return "", fmt.Errorf("%w: reading the file at byte %d: %w", ErrInvalidMessage, bufStart+int64(bufLen), err)
			}
		}
		end := start + int64(want)
		// The transport may still read a body after the answer came (a 503
		// sent before the upload ended), so each attempt gets its own copy.
		id, next, done, err := s.putChunk(ctx, sess.UploadURL, bytes.Clone(buf[:want]), start, size)
		switch {
		case err == nil && done:
			return id, nil
		case err == nil:
			if next <= start || next > size {
				next = end
			}
			if next > start {
				tries = 0
			}
			start = next
			continue
		case !resumable(err):
			return "", err
		}
		tries++
		if ok, werr := s.c.Retry(ctx, tries, err); !ok {
			if werr != nil {
				return "", werr
			}
			return "", err
		}
		st, serr := s.uploadStatus(ctx, sess.UploadURL)
		if serr != nil {
			return "", fmt.Errorf("%w (asking the session which range it expects: %v)", err, serr)
		}
		start = st
	}
}

// rewind positions r at offset, for a resume before the buffered chunk.
func rewind(r io.Reader, offset int64) error {
	if sk, ok := r.(io.Seeker); ok {
		if _, err := sk.Seek(offset, io.SeekStart); err != nil {
			return fmt.Errorf("resuming at byte %d: %w", offset, err)
		}
		return nil
	}
	return fmt.Errorf("resuming at byte %d: the service wants data already sent, and the reader cannot seek back", offset)
}

// resumable reports whether a chunk failure calls for asking the session
// which range it expects and going on from there: 416, the service's
// answer to a range other than the one it expects (after a chunk it stored
// whose answer was lost, or one it lost). Throttling, server errors and
// dropped connections were retried by the transport already, by the same
// policy; retrying them here again would multiply its attempts.
func resumable(err error) bool {
	oe, ok := errors.AsType[*odata.Error](err)
	return ok && oe.StatusCode == http.StatusRequestedRangeNotSatisfiable
}

// putChunk sends bytes [start, start+len(chunk)) of a file of size bytes.
func (s *Service) putChunk(ctx context.Context, uploadURL string, chunk []byte, start, size int64) (id string, next int64, done bool, err error) {
	h := http.Header{}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+int64(len(chunk))-1, size))
	resp, err := s.c.SendUnauthenticated(ctx, http.MethodPut, uploadURL, bytes.NewReader(chunk), h)
	if err != nil {
		return "", 0, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusNoContent {
		if last := start+int64(len(chunk)) >= size; !last {
			// Only the last chunk completes the file: a service that says
			// it is complete earlier holds a truncated attachment.
			return "", 0, false, fmt.Errorf("the upload session answered %d (complete) to bytes %d-%d of a %d-byte file",
				resp.StatusCode, start, start+int64(len(chunk))-1, size)
		}
		return attachmentIDFromLocation(resp.Header.Get("Location")), 0, true, nil
	}
	var st UploadSession
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, &st); err != nil {
			return "", 0, false, fmt.Errorf("decoding the upload session's answer: %w", err)
		}
	}
	n, ok := parseRanges(st.NextExpectedRanges)
	if !ok {
		n = start + int64(len(chunk))
	}
	return "", n, false, nil
}

// uploadStatus asks the session which bytes it still expects.
func (s *Service) uploadStatus(ctx context.Context, uploadURL string) (int64, error) {
	resp, err := s.c.SendUnauthenticated(ctx, http.MethodGet, uploadURL, nil, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var st UploadSession
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return 0, fmt.Errorf("reading the session's state: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return 0, fmt.Errorf("decoding the session's state: %w", err)
	}
	n, ok := parseRanges(st.NextExpectedRanges)
	if !ok {
		return 0, fmt.Errorf("the session's state names no expected range: %q", st.NextExpectedRanges)
	}
	return n, nil
}

// parseRanges returns the start of the first expected range ("2097152-" or
// "2097152").
func parseRanges(rs []string) (int64, bool) {
	if len(rs) == 0 {
		return 0, false
	}
	first, _, _ := strings.Cut(rs[0], "-")
	n, err := strconv.ParseInt(strings.TrimSpace(first), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// attachmentIDFromLocation extracts the attachment id from the Location of
// the last chunk's answer: ".../Attachments('id')" or ".../attachments/id".
func attachmentIDFromLocation(loc string) string {
	if loc == "" {
		return ""
	}
	p := loc
	if u, err := url.Parse(loc); err == nil {
		p = u.Path
	}
	if i := strings.LastIndex(p, "('"); i >= 0 && i+2 <= len(p)-2 && strings.HasSuffix(p, "')") {
		return strings.ReplaceAll(p[i+2:len(p)-2], "''", "'")
	}
	return p[strings.LastIndexByte(p, '/')+1:]
}

// created turns the (nil, nil) of an answer without a body into an error.
func created[T any](v *T, err error) (*T, error) {
	if err == nil && v == nil {
		return nil, errors.New("mail: the service answered without the entity")
	}
	return v, err
}
