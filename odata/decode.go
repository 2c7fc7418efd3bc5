package odata

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// This file holds the one path by which bodies are encoded to and decoded
// from the wire: JSON in Graph form for the models, respelled for the
// client's dialect.

// sliceBuf is a pooled byte slice for translated bodies.
type sliceBuf struct{ b []byte }

var sliceBufPool = sync.Pool{New: func() any { return new(sliceBuf) }}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuf() *bytes.Buffer { b := bufPool.Get().(*bytes.Buffer); b.Reset(); return b }

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 8<<20 { // do not pin huge pages
		bufPool.Put(b)
	}
}

// encode marshals a Graph-form body and translates it to dialect d.
func encode(d *Dialect, v any) ([]byte, error) {
	b, err := json.Marshal(v, encodeOptions)
	if err != nil {
		return nil, fmt.Errorf("odata: encoding the request body: %w", err)
	}
	if !d.v2 {
		return b, nil
	}
	out, err := d.toWire(make([]byte, 0, len(b)+len(b)/8), b)
	if err != nil {
		return nil, fmt.Errorf("odata: encoding the request body: %w", err)
	}
	return out, nil
}

var (
	// Responses are decoded leniently: servers may repeat a name or send
	// invalid UTF-8 in a subject, and neither should lose a whole page.
	decodeOptions = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	// What was decoded leniently must encode again: a fetched item with a
	// repeated name or invalid UTF-8 in an unknown property can be sent back.
	encodeOptions = decodeOptions
)

// decode reads a 2xx response body in dialect d into v. It returns false
// when the body is empty (204, or 202 with no content).
func decode(d *Dialect, resp *http.Response, v any) (bool, error) {
	defer resp.Body.Close()
	buf := getBuf()
	defer putBuf(buf)
	if resp.ContentLength > 0 && resp.ContentLength < 64<<20 {
		buf.Grow(int(resp.ContentLength))
	}
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return false, fmt.Errorf("odata: reading the response of %s %s: %w", resp.Request.Method, resp.Request.URL.Path, err)
	}
	data := buf.Bytes()
	if len(bytes.TrimSpace(data)) == 0 {
		return false, nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
			return false, fmt.Errorf("odata: %s %s: response is %q, not JSON", resp.Request.Method, resp.Request.URL.Path, ct)
		}
	}
	if d.v2 {
		tb := sliceBufPool.Get().(*sliceBuf)
		out, err := d.fromWire(tb.b[:0], data)
		defer func() {
			if cap(out) <= 8<<20 {
				tb.b = out[:0]
				sliceBufPool.Put(tb)
			}
		}()
		if err != nil {
			return false, fmt.Errorf("odata: decoding the response of %s %s: %w", resp.Request.Method, resp.Request.URL.Path, err)
		}
		data = out
	}
	if err := json.Unmarshal(data, v, decodeOptions); err != nil {
		return false, fmt.Errorf("odata: decoding the response of %s %s: %w", resp.Request.Method, resp.Request.URL.Path, err)
	}
	return true, nil
}
