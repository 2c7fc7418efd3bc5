package odata

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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
	// Method and Path are the request's (the path without its query).
	Method, Path string
	// Declared is the body's Content-Length when the response was refused
	// for it, before it was read; 0 otherwise.
	Declared int64
}

// Error returns "odata: GET /v1.0/me/messages: response too large: more
// than 2000 items in a page".
func (e *LimitError) Error() string {
	req := ""
	if e.Method != "" {
		req = e.Method + " " + e.Path + ": "
	}
	if e.Declared > 0 {
		return fmt.Sprintf("odata: %sresponse too large: %d bytes declared, more than %d %s", req, e.Declared, e.Max, e.What)
	}
	return fmt.Sprintf("odata: %sresponse too large: more than %d %s", req, e.Max, e.What)
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

// bodySchema is the schema of r's body: the body's own when it is Mapped,
// else the result's (the body of a create or an update is the entity it
// makes or changes). The EWS backend reads it as BackendRequest.BodySchema.
func (r *Request) bodySchema() *Schema {
	if s := schemaOfValue(r.Body); s != nil {
		return s
	}
	return r.result
}

// encode marshals a Graph-form body and translates it to dialect d, by the
// schema s (see Request.bodySchema).
func encode(d *Dialect, v any, s *Schema) ([]byte, error) {
	b, err := json.Marshal(v, encodeOptions)
	if err != nil {
		return nil, fmt.Errorf("odata: encoding the request body: %w", err)
	}
	if !d.v2 {
		return b, nil
	}
	out, err := d.toWire(make([]byte, 0, len(b)+len(b)/8), b, s)
	if err != nil {
		return nil, fmt.Errorf("odata: encoding the request body: %w", err)
	}
	return out, nil
}

// wireReader reads a response body through a translator, so that the
// decoder reads Graph form and the limits hold before anything is decoded.
// A Graph page needs no translation: its bytes pass through a counter,
// which holds the limits without copying them.
type wireReader struct {
	src   io.Reader
	t     translator
	c     *counter // set: the Graph page mode
	in    []byte   // input; in[off:] not yet translated
	off   int
	out   []byte // output; out[outAt:] not yet read
	buf   []byte // the translator's output buffer, which out may view
	outAt int
	read  int64 // bytes read from src
	eof   bool
	err   error // sticky, returned once out is drained
}

// readChunk is how much the reader asks the body for at a time.
const readChunk = 32 << 10

// Read implements io.Reader.
func (w *wireReader) Read(p []byte) (int, error) {
	if w.c != nil {
		return w.readCounted(p)
	}
	if w.outAt == len(w.out) && w.err == nil && !w.eof && len(p) >= len(w.in)-w.off+readChunk {
		if n, ok := w.readInto(p); ok {
			if n == 0 && w.err != nil {
				return 0, w.err
			}
			return n, nil
		}
	}
	for w.outAt == len(w.out) {
		if w.err != nil {
			return 0, w.err
		}
		w.out, w.outAt = nil, 0
		w.step()
	}
	n := copy(p, w.out[w.outAt:])
	w.outAt += n
	return n, nil
}

// readInto reads the body into p, behind the input carried over, and
// translates it there: the output is in p without another copy unless a
// name or value changed length. It returns how much of p is output, or
// false when a name or value is longer than what was read, which the
// buffered path then reads whole.
func (w *wireReader) readInto(p []byte) (int, bool) {
	c := copy(p, w.in[w.off:])
	n, err := w.src.Read(p[c:])
	w.read += int64(n)
	switch {
	case w.read > w.t.lim.maxBytes:
		w.err = w.t.lim.exceeded("bytes", w.t.lim.maxBytes)
		return 0, true
	case errors.Is(err, transport.ErrResponseTooLarge):
		w.err = fmt.Errorf("%w: %w", ErrResponseTooLarge, err)
		return 0, true
	case err == io.EOF:
		w.eof = true
	case err != nil:
		w.err = err
		return 0, true
	}
	total := c + n
	w.t.dst = w.buf[:0]
	k, err := w.t.feed(p[:total], w.eof)
	if err != nil {
		w.err = err
		return 0, true
	}
	// What was not used waits for more input.
	w.in, w.off = append(w.in[:0], p[k:total]...), 0
	if w.t.dirty {
		w.buf = w.t.dst
		w.out, w.outAt = w.buf, copy(p, w.buf)
		return w.outAt, true
	}
	if w.eof && len(w.in) == 0 {
		w.err = io.EOF
	}
	if k == 0 && w.err == nil {
		return 0, false
	}
	return k, true
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
	w.t.dst = w.buf[:0]
	k, err := w.t.feed(w.in[w.off:], w.eof)
	if w.t.dirty {
		w.buf = w.t.dst
		w.out = w.buf
	} else {
		// The input, changed in place, is the output: read it from there.
		// It stays put until the output is read, as only then is more read.
		w.out = w.in[w.off : w.off+k]
	}
	w.off += k
	switch {
	case err != nil:
		w.err = err
	case w.eof && w.off == len(w.in):
		w.err = io.EOF
	}
}

// readCounted reads the body into p as it is, counting what it holds.
func (w *wireReader) readCounted(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.src.Read(p)
	w.read += int64(n)
	if w.read > w.t.lim.maxBytes {
		w.err = w.t.lim.exceeded("bytes", w.t.lim.maxBytes)
		return 0, w.err
	}
	if e := w.c.scan(p[:n]); e != nil {
		w.err = e
		return 0, e
	}
	if errors.Is(err, transport.ErrResponseTooLarge) {
		err = fmt.Errorf("%w: %w", ErrResponseTooLarge, err)
	}
	if err != nil {
		w.err = err
	}
	return n, err
}

// counter holds a Graph page to the limits in one pass over its bytes as
// they stream by: it tracks strings and nesting only, and counts array
// elements and the envelope's items.
type counter struct {
	lim     limits
	inStr   bool // inside a string
	esc     bool // the string's next byte is escaped
	stack   []uint8
	pending bool // the innermost array has no element yet
	elems   int64
	items   int
}

const (
	ctrObject uint8 = 1 << iota
	ctrArray
)

// scan counts what p holds, p following what earlier calls saw.
func (c *counter) scan(p []byte) error {
	i := 0
	for i < len(p) {
		if c.inStr {
			if c.esc {
				c.esc = false
				i++
				continue
			}
			j := bytes.IndexByte(p[i:], '"')
			if j < 0 {
				n := 0
				for k := len(p) - 1; k >= i && p[k] == '\\'; k-- {
					n++
				}
				c.esc = n%2 == 1
				return nil
			}
			q := i + j
			n := 0
			for k := q - 1; k >= i && p[k] == '\\'; k-- {
				n++
			}
			i = q + 1
			if n%2 == 0 {
				c.inStr = false
			}
			continue
		}
		b := p[i]
		i++
		switch b {
		case ' ', '\t', '\n', '\r', ':':
			continue
		case ',':
			if d := len(c.stack); d > 0 && c.stack[d-1] == ctrArray {
				if err := c.element(); err != nil {
					return err
				}
			}
			continue
		case ']', '}':
			if len(c.stack) > 0 {
				c.stack = c.stack[:len(c.stack)-1]
			}
			c.pending = false
			continue
		}
		if c.pending {
			c.pending = false
			if err := c.element(); err != nil {
				return err
			}
		}
		switch b {
		case '"':
			c.inStr = true
		case '{', '[':
			if len(c.stack) >= c.lim.maxDepth {
				return c.lim.exceeded("nesting depth", int64(c.lim.maxDepth))
			}
			k := ctrObject
			if b == '[' {
				k = ctrArray
			}
			c.stack = append(c.stack, k)
			c.pending = b == '['
		}
	}
	return nil
}

// element counts an element of the innermost array.
func (c *counter) element() error {
	c.elems++
	if c.elems > c.lim.maxArrayElements {
		return c.lim.exceeded("array elements", c.lim.maxArrayElements)
	}
	if len(c.stack) == 2 && c.stack[0] == ctrObject {
		// An item of the envelope's collection.
		c.items++
		if c.items > c.lim.maxPageItems {
			return c.lim.exceeded("items in a page", int64(c.lim.maxPageItems))
		}
	}
	return nil
}

// decoding is the pooled state of one response being decoded.
type decoding struct {
	w   wireReader
	c   counter
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
	in, buf, stack := x.w.in[:0], x.w.buf[:0], x.w.t.stack[:0]
	x.w = wireReader{src: body, in: in, buf: buf}
	if x.w.in == nil {
		x.w.in = make([]byte, 0, readChunk)
	}
	x.w.t = translator{dir: dir, root: root, page: page, lim: lim, stack: stack}
	if page && dir == dirGraph {
		x.c = counter{lim: lim, stack: x.c.stack[:0]}
		x.w.c = &x.c
	}
	x.dec.Reset(&x.w, decodeOptions)
	return x
}

// release returns x to the pool unless it grew large.
func (x *decoding) release() {
	x.w.src, x.w.c = nil, nil
	x.w.t.root, x.w.t.src, x.w.t.dst = nil, nil, nil
	clear(x.w.t.stack[:cap(x.w.t.stack)])
	x.w.out = nil
	if x.w.read <= 4<<20 && cap(x.w.in) <= 1<<20 && cap(x.w.buf) <= 1<<20 {
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
	if le, ok := errors.AsType[*LimitError](err); ok {
		// The decoder reports it as a read error of its own: the limit
		// says it all.
		le.Method, le.Path = resp.Request.Method, resp.Request.URL.Path
		return le
	}
	// The answer to a change that stops short leaves it made, or not.
	err = transport.MarkCut(err, transport.Idempotent(resp.Request))
	return fmt.Errorf("odata: decoding the response of %s %s: %w", resp.Request.Method, resp.Request.URL.Path, err)
}

// tooLarge refuses a body declared larger than the limit before reading it.
func tooLarge(resp *http.Response, lim limits) error {
	if resp.ContentLength > lim.maxBytes {
		return &LimitError{What: "bytes", Max: lim.maxBytes, Method: resp.Request.Method, Path: resp.Request.URL.Path,
			Declared: resp.ContentLength}
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
func decodePage[T any](d *Dialect, resp *http.Response, pg *Page[T], s *Schema, lim limits, keepContext bool, sizeHint int) error {
	if sizeHint > 0 {
		// The page is as large as the request asked: grow it once.
		pg.Value = make([]T, 0, min(sizeHint, lim.maxPageItems))
	}
	defer resp.Body.Close()
	if err := tooLarge(resp, lim); err != nil {
		return err
	}
	// Graph's list items carry no response annotation (the services
	// answer with odata.metadata=minimal): its pages stream to the
	// decoder untranslated, through a counter. v2.0's items carry their
	// @odata.id, which the translation leaves out.
	x := newDecoding(d, resp.Body, s, true, lim)
	x.w.t.keepContext = keepContext
	defer x.release()
	if err := checkJSON(resp); err != nil {
		return err
	}
	sawValue, err := readPage(&x.dec, pg)
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("%w: %s %s: an empty answer, not a collection", ErrEmptyResponse, resp.Request.Method, resp.Request.URL.Path)
		}
		return decodeError(resp, err)
	}
	if !sawValue {
		return fmt.Errorf("%w: %s %s: the answer has no \"value\" collection", ErrEmptyResponse, resp.Request.Method, resp.Request.URL.Path)
	}
	return nil
}

// readPage decodes a collection envelope from dec, and reports whether it
// held the "value" collection.
func readPage[T any](dec *jsontext.Decoder, pg *Page[T]) (sawValue bool, err error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return false, err
	}
	switch tok.Kind() {
	case '{':
	case 'n': // null: no collection
		if _, err := dec.ReadToken(); err != io.EOF {
			return false, trailing(err)
		}
		return false, nil
	default:
		return false, fmt.Errorf("%w: a collection answer is %s, not an object", errMalformedJSON, tok.Kind())
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return false, err
		}
		switch name.String() {
		case "value":
			switch dec.PeekKind() {
			case '[':
			case 0: // no value: the document ended or broke, as ReadToken says
				_, err := dec.ReadToken()
				return false, err
			default:
				return false, fmt.Errorf("%w: \"value\" is not an array", errMalformedJSON)
			}
			sawValue = true
			if _, err := dec.ReadToken(); err != nil {
				return false, err
			}
			for dec.PeekKind() != ']' {
				// Grow without copying a zero T in: the slot past the
				// length of a fresh or grown slice is zero already.
				pg.Value = slices.Grow(pg.Value, 1)
				pg.Value = pg.Value[:len(pg.Value)+1]
				if err := json.UnmarshalDecode(dec, &pg.Value[len(pg.Value)-1], decodeOptions); err != nil {
					return false, err
				}
			}
			if _, err := dec.ReadToken(); err != nil {
				return false, err
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
			return false, err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return false, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return false, trailing(err)
	}
	return sawValue, nil
}

// decodeBytes decodes a whole body in dialect d into v (a $batch answer).
func decodeBytes(d *Dialect, data []byte, v any) error {
	if d != nil {
		var err error
		if data, err = d.fromWire(nil, bytes.Clone(data), schemaOfValue(v)); err != nil {
			return err
		}
	}
	return json.Unmarshal(data, v, decodeOptions)
}

// pageSizeHint returns the number of items r asked a page to hold, when it
// says: $top (in the query, or in the next link the server built from it)
// or odata.maxpagesize; 0 when it does not.
func pageSizeHint(r *Request) int {
	if r.Query != nil && r.Query.Top > 0 {
		return r.Query.Top
	}
	if r.link != "" {
		if u, err := url.Parse(r.link); err == nil {
			if n, err := strconv.Atoi(u.Query().Get("$top")); err == nil && n > 0 {
				return n
			}
		}
	}
	if r.Query != nil && r.Query.Prefer.MaxPageSize > 0 {
		return r.Query.Prefer.MaxPageSize
	}
	return 0
}
