package odata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
)

// UploadSession is a large-file upload in progress, as Graph's
// createUploadSession answers it (for attachments of messages and events).
// The upload URL carries its own credential: never log it.
type UploadSession struct {
	UploadURL          string    `json:"uploadUrl"`
	ExpirationDateTime time.Time `json:"expirationDateTime,omitzero"`
	// NextExpectedRanges are the byte ranges the service still wants, such
	// as "0-" or "2097152".
	NextExpectedRanges []string `json:"nextExpectedRanges,omitzero"`
}

// ErrUploadReader is matched by the error of an upload that failed because
// the file's reader did: it held fewer bytes than the size given, failed,
// or could not seek back to a range the service asked for again.
var ErrUploadReader = errors.New("odata: reading the file to upload")

// abandonTimeout bounds the DELETE that abandons a failed upload session:
// it is sent after the caller's context may have ended.
const abandonTimeout = 10 * time.Second

// Upload sends the size bytes of r to an upload session in chunks of
// chunkSize bytes, through SendUnauthenticated (the session's URL is its
// credential), and returns the id of what the session created, read from
// the last answer's Location. Each chunk goes through the transport,
// which retries it by the client's policy (a PUT of the same range is
// idempotent); when the service expects another range than the one sent (a
// chunk stored whose answer was lost, or one the service lost), the upload
// resumes from the range the service says it expects, each position tried
// as often as the same policy allows (if that range lies before the chunk
// in hand, r must be an io.Seeker).
//
// An upload that fails is abandoned: the session is deleted (a DELETE of
// its URL), so the service does not keep the part sent until the session
// expires. The deletion's own failure is not reported; the upload's is.
// Microsoft documents that DELETE for a driveItem's upload session; for
// an attachment's it rests on that page and on Microsoft's own SDKs
// (LargeFileUploadTask's deleteSession), not on the attachment pages.
func (c *Client) Upload(ctx context.Context, sess *UploadSession, r io.Reader, size int64, chunkSize int) (string, error) {
	if sess == nil || sess.UploadURL == "" || size <= 0 || chunkSize <= 0 {
		return "", errors.New("odata: Upload: want a session with a URL, a size and a chunk size")
	}
	id, err := c.upload(ctx, sess, r, size, chunkSize)
	if err != nil {
		c.abandonUpload(ctx, sess.UploadURL)
		return "", err
	}
	return id, nil
}

// abandonUpload deletes an upload session, best effort, also when ctx has
// ended (the caller gave up; the session should not linger).
func (c *Client) abandonUpload(ctx context.Context, uploadURL string) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abandonTimeout)
	defer cancel()
	resp, err := c.SendUnauthenticated(dctx, http.MethodDelete, uploadURL, nil, nil)
	if err == nil {
		resp.Body.Close()
	}
}

// upload is Upload without the abandoning. buf holds the file's bytes
// [bufStart, bufStart+bufLen); r is positioned at bufStart+bufLen.
func (c *Client) upload(ctx context.Context, sess *UploadSession, r io.Reader, size int64, chunkSize int) (string, error) {
	buf := make([]byte, chunkSize)
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
				return "", fmt.Errorf("%w at byte %d: %w", ErrUploadReader, pos, err)
			}
			bufStart, bufLen = start, 0
		default:
			d := int(start - bufStart)
			bufLen = copy(buf, buf[d:bufLen])
			bufStart = start
		}
		want := int(min(int64(chunkSize), size-start))
		if bufLen < want {
			n, err := io.ReadFull(r, buf[bufLen:want])
			bufLen += n
			if err != nil {
				return "", fmt.Errorf("%w at byte %d: %w", ErrUploadReader, bufStart+int64(bufLen), err)
			}
		}
		end := start + int64(want)
		// The transport may still read a body after the answer came (a 503
		// sent before the upload ended), so each attempt gets its own copy.
		id, next, done, err := c.putChunk(ctx, sess.UploadURL, bytes.Clone(buf[:want]), start, size)
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
		if ok, werr := c.Retry(ctx, tries, err); !ok {
			if werr != nil {
				return "", werr
			}
			return "", err
		}
		st, serr := c.uploadStatus(ctx, sess.UploadURL)
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
			return fmt.Errorf("%w: resuming at byte %d: %w", ErrUploadReader, offset, err)
		}
		return nil
	}
	return fmt.Errorf("%w: resuming at byte %d: the service wants data already sent, and the reader cannot seek back", ErrUploadReader, offset)
}

// resumable reports whether a chunk failure calls for asking the session
// which range it expects and going on from there: 416, the service's
// answer to a range other than the one it expects (after a chunk it stored
// whose answer was lost, or one it lost). Throttling, server errors and
// dropped connections were retried by the transport already, by the same
// policy; retrying them here again would multiply its attempts.
func resumable(err error) bool {
	oe, ok := errors.AsType[*Error](err)
	return ok && oe.StatusCode == http.StatusRequestedRangeNotSatisfiable
}

// putChunk sends bytes [start, start+len(chunk)) of a file of size bytes.
func (c *Client) putChunk(ctx context.Context, uploadURL string, chunk []byte, start, size int64) (id string, next int64, done bool, err error) {
	h := http.Header{}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+int64(len(chunk))-1, size))
	resp, err := c.SendUnauthenticated(ctx, http.MethodPut, uploadURL, bytes.NewReader(chunk), h)
	if err != nil {
		return "", 0, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusNoContent {
		if last := start+int64(len(chunk)) >= size; !last {
			// Only the last chunk completes the file: a service that says
			// it is complete earlier holds a truncated file.
			return "", 0, false, fmt.Errorf("the upload session answered %d (complete) to bytes %d-%d of a %d-byte file",
				resp.StatusCode, start, start+int64(len(chunk))-1, size)
		}
		return idFromLocation(resp.Header.Get("Location")), 0, true, nil
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
func (c *Client) uploadStatus(ctx context.Context, uploadURL string) (int64, error) {
	resp, err := c.SendUnauthenticated(ctx, http.MethodGet, uploadURL, nil, nil)
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

// idFromLocation extracts the created entity's id from the Location of the
// last chunk's answer: ".../Attachments('id')" or ".../attachments/id".
// The first form rests on the sample answer of Microsoft's large
// attachments page (an Outlook REST URL); the page does not define the
// header's form, so the second is read too.
func idFromLocation(loc string) string {
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

// UploadItem describes the file of an attachment upload session (Graph's
// attachmentItem).
type UploadItem struct {
	// AttachmentType is "file", the only kind an upload session takes.
	AttachmentType string `json:"attachmentType"`
	Name           string `json:"name"`
	Size           int64  `json:"size"`
	ContentType    string `json:"contentType,omitzero"`
	IsInline       bool   `json:"isInline,omitzero"`
	ContentID      string `json:"contentId,omitzero"`
}

// WireSchema returns the wire mapping of an upload item (Graph only).
func (UploadItem) WireSchema() *Schema { return uploadItemSchema }

// WireSchema returns the wire mapping of an upload session (Graph only).
func (UploadSession) WireSchema() *Schema { return uploadSessionSchema }

var (
	uploadItemSchema = &Schema{Name: "attachmentItem", Props: []Prop{
		{Graph: "attachmentType"},
		{Graph: "name"},
		{Graph: "size", Kind: KindInt},
		{Graph: "contentType"},
		{Graph: "isInline", Kind: KindBool},
		{Graph: "contentId"},
	}}
	uploadSessionSchema = &Schema{Name: "uploadSession", Props: []Prop{
		{Graph: "uploadUrl", ReadOnly: true},
		{Graph: "expirationDateTime", Kind: KindTime, ReadOnly: true},
		{Graph: "nextExpectedRanges", Collection: true, ReadOnly: true},
	}}
)

// CreateUploadSession starts an attachment upload session by the action
// at p (an item's attachments/createUploadSession) and checks that its
// URL is one the client may send the file to (CheckPreauthenticatedURL),
// before a byte of the file is sent.
func (c *Client) CreateUploadSession(ctx context.Context, p Path, item UploadItem) (*UploadSession, error) {
	body := struct {
		AttachmentItem UploadItem `json:"AttachmentItem"`
	}{item}
	sess, err := Invoke[UploadSession](ctx, c, p, body)
	switch {
	case err != nil:
		return nil, err
	case sess == nil || sess.UploadURL == "":
		return nil, errors.New("the service returned no upload URL")
	}
	if err := c.CheckPreauthenticatedURL(sess.UploadURL); err != nil {
		return nil, err
	}
	return sess, nil
}
