package odata

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/internal/transport"
)

// Sentinel errors. An [*Error] matches the one for its status with
// errors.Is, so callers branch without looking at codes:
//
//	if errors.Is(err, odata.ErrNotFound) { ... }
var (
	ErrNotFound           = errors.New("odata: not found")           // 404
	ErrUnauthorized       = errors.New("odata: unauthorized")        // 401
	ErrForbidden          = errors.New("odata: forbidden")           // 403
	ErrThrottled          = errors.New("odata: throttled")           // 429, or 503 with ApplicationThrottled
	ErrConflict           = errors.New("odata: conflict")            // 409
	ErrPreconditionFailed = errors.New("odata: precondition failed") // 412 (If-Match)
	ErrNotSupported       = errors.New("odata: not supported")       // 501, or a feature the dialect lacks
	ErrGone               = errors.New("odata: gone")                // 410, or a sync state the server no longer knows
	ErrEmptyResponse      = errors.New("odata: empty response")      // a 2xx answer without the entity asked for
	// ErrOutcomeUnknown: a change not safe to send again (a POST such as
	// sendMail or createDraft, a PATCH) failed where the server may have
	// carried it out: the connection broke after the request could have
	// reached it, its answer broke off, or the server answered 500, 502,
	// 504 or a 503 that did not say it declined the work. The SDK does not
	// send it again; check the mailbox (Sent Items, the draft) before you
	// do. Errors that do not match it mean the change was not made.
	ErrOutcomeUnknown = transport.ErrOutcomeUnknown
)

// Error is a non-2xx answer from the service. Its text is for people and may
// change; branch on its fields or with errors.Is against the sentinels.
type Error struct {
	StatusCode int    // HTTP status
	Code       string // OData error code, such as "ErrorItemNotFound"
	Message    string // for developers; not stable
	// InnerCode is the most specific code of the nested inner errors, when
	// the service sent one that differs from Code.
	InnerCode       string
	RequestID       string        // the service's request-id: what Microsoft support asks for
	ClientRequestID string        // the client-request-id sent
	Date            time.Time     // when the service answered, if it said
	RetryAfter      time.Duration // from Retry-After, if present
	Method          string        // the request's method
	Path            string        // the request's URL path (no query: it may hold tokens)
	// Body is the start of the answer's body (at most 4 KiB) when it was not
	// an OData error the SDK recognises (an HTML page of a proxy, a
	// load balancer's text), for diagnosis; nil otherwise. It is not part
	// of the error's text.
	Body []byte

	hasRetryAfter bool // the answer carried a valid Retry-After
}

// Error returns "odata: GET /v1.0/me/messages: 404 ErrorItemNotFound: ...",
// ending in "(retry after 30s)" when the service said how long to wait.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("odata: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.Path + ": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.hasRetryAfter {
		b.WriteString(" (retry after " + e.RetryAfter.String() + ")")
	}
	return b.String()
}

// Is reports whether e is of unknown outcome (ErrOutcomeUnknown): a 500,
// 502, 504, or a 503 without Retry-After and not throttling, answering a
// POST or a PATCH. The other sentinels come through Unwrap.
func (e *Error) Is(target error) bool {
	if target != ErrOutcomeUnknown || (e.Method != http.MethodPost && e.Method != http.MethodPatch) {
		return false
	}
	return transport.UnknownOutcome(e.StatusCode, e.hasRetryAfter || e.Unwrap() == ErrThrottled)
}

// Unwrap returns the sentinel for the status, so errors.Is works.
func (e *Error) Unwrap() error {
	for _, code := range []string{e.Code, e.InnerCode} {
		switch strings.ToLower(code) {
		case "syncstatenotfound", "resyncrequired", "syncstateinvalid":
			return ErrGone // whatever the status: the sync must start over
		}
	}
	switch e.StatusCode {
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusTooManyRequests:
		return ErrThrottled
	case http.StatusConflict:
		return ErrConflict
	case http.StatusPreconditionFailed:
		return ErrPreconditionFailed
	case http.StatusNotImplemented:
		return ErrNotSupported
	case http.StatusGone:
		return ErrGone
	case http.StatusServiceUnavailable:
		if strings.EqualFold(e.Code, "ApplicationThrottled") || strings.EqualFold(e.InnerCode, "ApplicationThrottled") {
			return ErrThrottled
		}
	}
	return nil
}

// maxErrorBody bounds how much of an error body is read; maxKeptBody how
// much of an unrecognised one an Error keeps.
const (
	maxErrorBody = 64 << 10
	maxKeptBody  = 4 << 10
)

// wireError is the OData JSON error envelope. encoding/json matches names
// case-insensitively, so "innerError" (Outlook), "innererror" (the OData
// spec) and PascalCase forms all decode.
type wireError struct {
	Error *struct {
		Code       string     `json:"code"`
		Message    any        `json:"message"` // a string, or {"lang","value"} in OData v3 form
		InnerError *wireInner `json:"innerError"`
	} `json:"error"`
}

type wireInner struct {
	Code            string     `json:"code"`
	Date            string     `json:"date"`
	RequestID       string     `json:"request-id"`
	ClientRequestID string     `json:"client-request-id"`
	InnerError      *wireInner `json:"innerError"`
}

// newError builds an Error from a response status, headers and body (which
// may be anything: JSON, HTML, empty, truncated); now is the client's clock,
// against which a Retry-After date is read.
func newError(method, path string, status int, h http.Header, body []byte, now time.Time) *Error {
	e := &Error{
		StatusCode:      status,
		Method:          method,
		Path:            path,
		RequestID:       h.Get("request-id"),
		ClientRequestID: h.Get("client-request-id"),
	}
	// Retry-After is read the way the transport reads it when deciding to
	// wait, so the caller sees the same delay the transport would have used.
	e.RetryAfter, e.hasRetryAfter = transport.ParseRetryAfter(h.Get("Retry-After"), now)
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		e.Date = d.UTC()
	}
	var w wireError
	if json.Unmarshal(body, &w) != nil || w.Error == nil {
		if len(body) > 0 {
			e.Body = bytes.Clone(body[:min(len(body), maxKeptBody)])
		}
	} else {
		e.Code = w.Error.Code
		switch m := w.Error.Message.(type) {
		case string:
			e.Message = m
		case map[string]any:
			if v, ok := m["value"].(string); ok {
				e.Message = v
			}
		}
		for in, depth := w.Error.InnerError, 0; in != nil && depth < 32; in, depth = in.InnerError, depth+1 {
			if in.Code != "" && in.Code != e.Code {
				e.InnerCode = in.Code
			}
			if e.RequestID == "" {
				e.RequestID = in.RequestID
			}
			if e.ClientRequestID == "" {
				e.ClientRequestID = in.ClientRequestID
			}
			if e.Date.IsZero() && in.Date != "" {
				if d, err := time.Parse("2006-01-02T15:04:05", in.Date); err == nil {
					e.Date = d
				}
			}
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}
