package ews

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// How EWS outcomes become *odata.Error: each response code gets the HTTP
// status whose sentinel says what happened (404 is odata.ErrNotFound, and
// so on), and the EWS code stays in Error.Code, so callers and the root
// package's relocation can branch on either.

// codeStatus maps EWS response codes to the HTTP status of the same
// meaning. Codes not listed become 400 when a response message carries
// them (the request was at fault), and in a SOAP fault 400 when its
// faultcode blames the client (soap:Client), 500 otherwise.
var codeStatus = map[string]int{
	"ErrorItemNotFound":            http.StatusNotFound,
	"ErrorFolderNotFound":          http.StatusNotFound,
	"ErrorParentFolderNotFound":    http.StatusNotFound,
	"ErrorToFolderNotFound":        http.StatusNotFound,
	"ErrorSyncFolderNotFound":      http.StatusNotFound,
	"ErrorSavedItemFolderNotFound": http.StatusNotFound,
	"ErrorAttachmentNotFound":      http.StatusNotFound,
	// The mailbox is not (or no longer) on this server: the root package
	// rediscovers it on these codes, which it reads from Error.Code.
	"ErrorNonExistentMailbox":    http.StatusNotFound,
	"ErrorMailboxMoveInProgress": http.StatusNotFound,

	"ErrorIrresolvableConflict": http.StatusPreconditionFailed,

	"ErrorAccessDenied":                http.StatusForbidden,
	"ErrorCreateItemAccessDenied":      http.StatusForbidden,
	"ErrorCreateSubfolderAccessDenied": http.StatusForbidden,
	"ErrorImpersonateUserDenied":       http.StatusForbidden,
	"ErrorImpersonationDenied":         http.StatusForbidden,
	"ErrorSendAsDenied":                http.StatusForbidden,
	"ErrorDeleteDistinguishedFolder":   http.StatusForbidden,

	"ErrorFolderExists": http.StatusConflict,

	"ErrorServerBusy":              http.StatusTooManyRequests,
	"ErrorExceededConnectionCount": http.StatusTooManyRequests,
	"ErrorSubmissionQuotaExceeded": http.StatusTooManyRequests,

	"ErrorInvalidSyncStateData": http.StatusGone,

	"ErrorMessageSizeExceeded":         http.StatusRequestEntityTooLarge,
	"ErrorAttachmentSizeLimitExceeded": http.StatusRequestEntityTooLarge,
	"ErrorQuotaExceeded":               http.StatusInsufficientStorage,

	"ErrorInternalServerError":          http.StatusInternalServerError,
	"ErrorInternalServerTransientError": http.StatusServiceUnavailable,
	"ErrorMailboxStoreUnavailable":      http.StatusServiceUnavailable,
	"ErrorConnectionFailed":             http.StatusServiceUnavailable,
	"ErrorADUnavailable":                http.StatusServiceUnavailable,
	"ErrorTimeoutExpired":               http.StatusGatewayTimeout,
}

// changeKeyCodes are the codes a write answers when the change key it was
// given is stale: with an If-Match that is a failed precondition.
var changeKeyCodes = map[string]bool{
	"ErrorChangeKeyRequiredForWriteOperations": true,
	"ErrorChangeKeyRequired":                   true,
	"ErrorInvalidChangeKey":                    true,
	"ErrorStaleObject":                         true,
}

// statusOf returns the HTTP status for a code; conditional says the
// request carried an If-Match.
func statusOf(code string, fault, client, conditional bool) int {
	if conditional && changeKeyCodes[code] {
		return http.StatusPreconditionFailed
	}
	if s, ok := codeStatus[code]; ok {
		return s
	}
	if strings.HasPrefix(code, "ErrorInvalidId") {
		return http.StatusBadRequest // malformed, empty or too long ids
	}
	if fault && !client {
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// errorOf builds the *odata.Error of a failed operation. The Error's
// Method is "EWS" and its Path the operation, so its text reads
// "odata: EWS GetItem: 404 ErrorItemNotFound: ...".
func errorOf(op string, s *status, conditional bool, h http.Header) *odata.Error {
	code := s.code
	if code == "" && s.fault {
		code = "SoapFault"
	}
	e := &odata.Error{
		StatusCode: statusOf(s.code, s.fault, s.client, conditional),
		Code:       code,
		Message:    s.text,
		InnerCode:  s.inner,
		Method:     "EWS",
		Path:       op,
	}
	if s.hasBackOff || s.inner == "ErrorServerBusy" {
		// ErrorInternalServerError with an inner ErrorServerBusy, or any
		// answer with a back-off, is throttling.
		e.StatusCode = http.StatusTooManyRequests
		e.RetryAfter = s.backOff
		if e.InnerCode == "" && s.code != "ErrorServerBusy" {
			e.InnerCode = "ErrorServerBusy"
		}
	}
	if len(s.fields) > 0 {
		e.Message += " (" + strings.Join(s.fields, ", ") + ")"
	}
	if e.Message == "" {
		e.Message = http.StatusText(e.StatusCode)
	}
	if h != nil {
		e.RequestID = h.Get("request-id")
		e.ClientRequestID = h.Get("client-request-id")
		if d, err := http.ParseTime(h.Get("Date")); err == nil {
			e.Date = d.UTC()
		}
	}
	return e
}

// maxPeek bounds how much of a 500 answer ServerBusyBackOff reads.
const maxPeek = 64 << 10

// ServerBusyBackOff reports whether resp is EWS's ErrorServerBusy (a SOAP
// fault, normally with HTTP 500, or a response message carrying the code)
// and returns its BackOffMilliseconds hint (0 when the server gave none).
// The server did not run a request it answered so: the transport's retry
// policy may send it again, even a non-idempotent one, after the back-off.
//
// It reads at most 64 KiB of the body and puts what it read back, so the
// body reads the same afterwards. It never fails: an answer it cannot read
// is not ErrorServerBusy.
func ServerBusyBackOff(resp *http.Response) (time.Duration, bool) {
	if resp == nil || resp.Body == nil || resp.Body == http.NoBody {
		return 0, false
	}
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusOK, http.StatusTooManyRequests:
	default:
		return 0, false
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "xml") {
		return 0, false
	}
	peek, err := io.ReadAll(io.LimitReader(resp.Body, maxPeek))
	resp.Body = &replayBody{r: io.MultiReader(bytes.NewReader(peek), errReader{err}, resp.Body), c: resp.Body}
	if !bytes.Contains(peek, []byte("ErrorServerBusy")) {
		return 0, false
	}
	var s status
	var buf []byte
	x := newXMLReader(bytes.NewReader(peek), maxPeek)
	_, _ = readEnvelope(x, &s, &buf, func() error { return readResponseStatus(x, &s, &buf) })
	if s.code != "ErrorServerBusy" && s.inner != "ErrorServerBusy" {
		return 0, false
	}
	return s.backOff, true
}

// readResponseStatus reads the status of the first response message of a
// response body (for ServerBusyBackOff, which only needs the code).
func readResponseStatus(x *xmlReader, s *status, buf *[]byte) error {
	found := false
	var walk func() error
	walk = func() error {
		if found {
			return x.skip()
		}
		if _, ok := x.attr("ResponseClass"); ok {
			c, _ := x.attr("ResponseClass")
			s.class = string(c)
			found = true
			return x.children(func() error {
				ok, err := readStatusChild(x, s, buf)
				if !ok && err == nil {
					err = x.skip()
				}
				return err
			})
		}
		return x.children(walk)
	}
	return walk()
}

// replayBody is a response body whose first bytes were read and are served
// again.
type replayBody struct {
	r io.Reader
	c io.Closer
}

func (b *replayBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *replayBody) Close() error               { return b.c.Close() }

// errReader returns its error, if any, after the peeked bytes, so that a
// read error met while peeking is not lost.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

// errNotSupported returns an error matching odata.ErrNotSupported that
// names what has no EWS form.
func errNotSupported(what string) error {
	return fmt.Errorf("ews: %s: %w by EWS", what, odata.ErrNotSupported)
}

// errorf reports a response the backend cannot read.
func errorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errXML}, args...)...)
}
