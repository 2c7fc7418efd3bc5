package odata

import (
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/internal/transport"
)

// This file holds the one path by which bodies are encoded to and decoded
// from the wire: JSON in Graph form for the models, respelled for the
// client's dialect.

// ErrResponseTooLarge is wrapped by the errors of responses the SDK refuses
// to decode because they exceed one of its limits (see [LimitError]): the
// response is not read further, and what was read is dropped.
var ErrResponseTooLarge = errors.New("odata: response too large")

// LimitError says which limit a refused response exceeded. It matches
// ErrResponseTooLarge.
type LimitError struct {
	// What names the limit: "bytes", "items in a page", "array elements"
	// or "nesting depth".
	What string
	// Max is the limit.
	Max int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("odata: response too large: more than %d %s", e.Max, e.What)
}

// Unwrap returns ErrResponseTooLarge.
func (e *LimitError) Unwrap() error { return ErrResponseTooLarge }

// limits bound what one response may cost. Memory is bounded by the bytes
// received, not by what they decode into: a page of 4 MiB of empty objects
// ("[{},{},...]") would otherwise become a million structs.
type limits struct {
	// maxBytes caps the body. It is the transport's default limit, so that
	// a client with its own Doer is held to the same.
	maxBytes int64
	// maxPageItems caps the items of one page. Exchange sends at most 1000
	// (the $top ceiling of Graph and of Outlook REST v2.0, and the largest
	// odata.maxpagesize it honours); twice that leaves room for a server
	// that rounds up, while a page of empty objects stops after 2000
	// decoded items.
	maxPageItems int
	// maxArrayElements caps the elements of every array of a response
	// together, page items included, so that nested arrays cannot blow up
	// either. An element takes at least 2 bytes on the wire and up to a
	// few hundred in memory (an attachment struct for "{}"), so 262,144
	// keep the decoded form of any refused response to tens of MiB. A
	// 1000-message page with 10 recipients, 5 categories and 20 headers a
	// message holds 35,000.
	maxArrayElements int64
	// maxDepth caps nesting. The models nest about 8 deep; open extensions
	// may nest deeper, never near 1000.
	maxDepth int
}

var (
	defaultLimits = limits{maxBytes: transport.DefaultMaxResponseBytes, maxPageItems: 2000, maxArrayElements: 1 << 18, maxDepth: 1000}
	// noLimits is for bodies the SDK made itself.
	noLimits = limits{maxBytes: math.MaxInt64, maxPageItems: math.MaxInt, maxArrayElements: math.MaxInt64, maxDepth: 10000}
)

func (l limits) exceeded(what string, max int64) error { return &LimitError{What: what, Max: max} }

var (
	// Responses are decoded leniently: servers may repeat a name or send
	// invalid UTF-8 in a subject, and neither should lose a whole page.
	decodeOptions = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	// What was decoded leniently must encode again: a fetched item with a
	// repeated name or invalid UTF-8 in an unknown property can be sent back.
	encodeOptions = decodeOptions
)

// encode marshals a Graph-form body and translates it to dialect d, by the
// schema s (the body's own when it is Mapped).
func encode(d *Dialect, v any, s *Schema) ([]byte, error) {
	b, err := json.Marshal(v, encodeOptions)
	if err != nil {
		return nil, fmt.Errorf("odata: encoding the request body: %w", err)
	}
	if !d.v2 {
		return b, nil
	}
	if bs := schemaOfValue(v); bs != nil {
		s = bs
	}
	out, err := d.toWire(make([]byte, 0, len(b)+len(b)/8), b, s)
	if err != nil {
		return nil, fmt.Errorf("odata: encoding the request body: %w", err)
	}
	return out, nil
}

// wireReader reads a response body through a translator, so that the
// decoder reads Graph form and the limits hold before anything is decoded.
type wireReader struct {
	src   io.Reader
	t     translator
	in    []byte // input; in[off:] not yet translated
	off   int
	out   []byte // output; out[outAt:] not yet read
	outAt int
	read  int64 // bytes read from src
	eof   bool
	err   error // sticky, returned once out is drained
}

// readChunk is how much the reader asks the body for at a time.
const readChunk = 32 << 10

// Read implements io.Reader.
func (w *wireReader) Read(p []byte) (int, error) {
	for w.outAt == len(w.out) {
		if w.err != nil {
			return 0, w.err
		}
		w.out, w.outAt = w.out[:0], 0
		w.step()
	}
	n := copy(p, w.out[w.outAt:])
	w.outAt += n
	return n, nil
}

// step reads more of the body and translates what it can.
func (w *wireReader) step() {
	if !w.eof {
		if w.off > 0 {
			n := copy(w.in, w.in[w.off:])
			w.in, w.off = w.in[:n], 0
		}
		if cap(w.in)-len(w.in) < readChunk/2 {
			// A name or value longer than the buffer: grow it, within the
			// byte limit.
			grown := make([]byte, len(w.in), int(min(int64(max(2*cap(w.in), len(w.in)+readChunk)), w.t.lim.maxBytes+1)))
			copy(grown, w.in)
			w.in = grown
		}
		n, err := w.src.Read(w.in[len(w.in):cap(w.in)])
		w.in = w.in[:len(w.in)+n]
		w.read += int64(n)
		switch {
		case w.read > w.t.lim.maxBytes:
			w.err = w.t.lim.exceeded("bytes", w.t.lim.maxBytes)
			return
		case errors.Is(err, transport.ErrResponseTooLarge):
			w.err = fmt.Errorf("%w: %w", ErrResponseTooLarge, err)
			return
		case err == io.EOF:
			w.eof = true
		case err != nil:
			w.err = err
			return
		case n == 0:
			return
		}
	}
	w.t.dst = w.out
	k, err := w.t.feed(w.in[w.off:], w.eof)
	w.out = w.t.dst
	w.off += k
	switch {
	case err != nil:
		w.err = err
	case w.eof && w.off == len(w.in):
		w.err = io.EOF
	}
}

// decoding is the pooled state of one response being decoded.
type decoding struct {
	w   wireReader
	dec jsontext.Decoder
}

var decodingPool = sync.Pool{New: func() any { return new(decoding) }}

// newDecoding starts decoding body, in dialect d, described by root (the
// entity, or each item when page is set).
func newDecoding(d *Dialect, body io.Reader, root *Schema, page bool, lim limits) *decoding {
	x := decodingPool.Get().(*decoding)
	dir := dirGraph
	if d.v2 {
		dir = dirFromV2
	}
	in, out, stack := x.w.in[:0], x.w.out[:0], x.w.t.stack[:0]
	x.w = wireReader{src: body, in: in, out: out}
	if x.w.in == nil {
		x.w.in = make([]byte, 0, readChunk)
	}
	x.w.t = translator{dir: dir, root: root, page: page, lim: lim, stack: stack}
	x.dec.Reset(&x.w, decodeOptions)
	return x
}

// release returns x to the pool unless it grew large.
func (x *decoding) release() {
	x.w.src = nil
	x.w.t.root, x.w.t.src, x.w.t.dst = nil, nil, nil
	clear(x.w.t.stack[:cap(x.w.t.stack)])
	if x.w.read <= 4<<20 && cap(x.w.in) <= 1<<20 && cap(x.w.out) <= 1<<20 {
		decodingPool.Put(x)
	}
}

// checkJSON refuses a body whose Content-Type is set and not JSON.
func checkJSON(resp *http.Response) error {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return fmt.Errorf("odata: %s %s: response is %q, not JSON", resp.Request.Method, resp.Request.URL.Path, ct)
	}
	return nil
}

// blank reports whether what is left of a body is empty or white space.
func blank(r io.Reader) bool {
	var b [512]byte
	for range 8 {
		n, err := r.Read(b[:])
		if len(strings.TrimSpace(string(b[:n]))) > 0 {
			return false
		}
		if err != nil {
			return err == io.EOF
		}
	}
	return false
}

// decodeError wraps an error met while reading or decoding the response
// to r.
func decodeError(resp *http.Response, err error) error {
	return fmt.Errorf("odata: decoding the response of %s %s: %w", resp.Request.Method, resp.Request.URL.Path, err)
}

// tooLarge refuses a body declared larger than the limit before reading it.
func tooLarge(resp *http.Response, lim limits) error {
	if resp.ContentLength > lim.maxBytes {
		return decodeError(resp, fmt.Errorf("Content-Length %d: %w", resp.ContentLength, lim.exceeded("bytes", lim.maxBytes)))
	}
	return nil
}

// decode reads a 2xx response body in dialect d into v, an entity. It
// returns false when the body is empty (204, or 202 with no content). An
// entity whose schema has an id but whose answer has none is
// ErrEmptyResponse: the service answered without the entity.
func decode(d *Dialect, resp *http.Response, v any, lim limits) (bool, error) {
	defer resp.Body.Close()
	if err := tooLarge(resp, lim); err != nil {
		return false, err
	}
	if err := checkJSON(resp); err != nil {
		if blank(resp.Body) {
			return false, nil
		}
		return false, err
	}
	s := schemaOfValue(v)
	x := newDecoding(d, resp.Body, s, false, lim)
	defer x.release()
	if x.dec.PeekKind() == 0 {
		if _, err := x.dec.ReadToken(); err != io.EOF {
			return false, decodeError(resp, err)
		}
		return false, nil
	}
	if err := json.UnmarshalDecode(&x.dec, v, decodeOptions); err != nil {
		return false, decodeError(resp, err)
	}
	if _, err := x.dec.ReadToken(); err != io.EOF {
		return false, decodeError(resp, trailing(err))
	}
	if s != nil && !x.w.t.sawID && s.Prop("id") != nil {
		return false, fmt.Errorf("%w: %s %s: the answer has no %s id", ErrEmptyResponse, resp.Request.Method, resp.Request.URL.Path, s.Name)
	}
	return true, nil
}

// trailing explains what follows a complete top-level value.
func trailing(err error) error {
	if err == nil {
		return fmt.Errorf("%w: data after the top-level value", errMalformedJSON)
	}
	return err
}

// decodePage reads a 2xx response body in dialect d into pg, one item at a
// time, each described by s. keepContext keeps the items' @odata.context
// (change tracking reports deletions by it). A body without "value" is
// ErrEmptyResponse.
func decodePage[T any](d *Dialect, resp *http.Response, pg *Page[T], s *Schema, lim limits, keepContext bool) error {
	defer resp.Body.Close()
	if err := tooLarge(resp, lim); err != nil {
		return err
	}
	x := newDecoding(d, resp.Body, s, true, lim)
	x.w.t.keepContext = keepContext
	defer x.release()
	if err := checkJSON(resp); err != nil {
		return err
	}
	if err := readPage(&x.dec, pg); err != nil {
		if err == io.EOF {
			return fmt.Errorf("%w: %s %s: an empty answer, not a collection", ErrEmptyResponse, resp.Request.Method, resp.Request.URL.Path)
		}
		return decodeError(resp, err)
	}
	if !x.w.t.sawValue {
		return fmt.Errorf("%w: %s %s: the answer has no \"value\" collection", ErrEmptyResponse, resp.Request.Method, resp.Request.URL.Path)
	}
	return nil
}

// readPage decodes a collection envelope from dec.
func readPage[T any](dec *jsontext.Decoder, pg *Page[T]) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return fmt.Errorf("%w: a collection answer is %s, not an object", errMalformedJSON, tok.Kind())
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		switch name.String() {
		case "value":
			if dec.PeekKind() != '[' {
				return fmt.Errorf("%w: \"value\" is not an array", errMalformedJSON)
			}
			if _, err := dec.ReadToken(); err != nil {
				return err
			}
			for dec.PeekKind() != ']' {
				var zero T
				pg.Value = append(pg.Value, zero)
				if err := json.UnmarshalDecode(dec, &pg.Value[len(pg.Value)-1], decodeOptions); err != nil {
					return err
				}
			}
			if _, err := dec.ReadToken(); err != nil {
				return err
			}
		case "@odata.nextLink":
			err = json.UnmarshalDecode(dec, &pg.NextLink, decodeOptions)
		case "@odata.deltaLink":
			err = json.UnmarshalDecode(dec, &pg.DeltaLink, decodeOptions)
		case "@odata.count":
			err = json.UnmarshalDecode(dec, &pg.Count, decodeOptions)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return trailing(err)
	}
	return nil
}

// decodeBytes decodes a whole body in dialect d into v (a $batch answer).
func decodeBytes(d *Dialect, data []byte, v any) error {
	if d != nil {
		var err error
		if data, err = d.fromWire(nil, data, schemaOfValue(v)); err != nil {
			return err
		}
	}
	return json.Unmarshal(data, v, decodeOptions)
}
