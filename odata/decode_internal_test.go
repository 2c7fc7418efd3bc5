package odata

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAllIn reads r through a buffer of size bytes at a time, as a decoder
// with a small buffer would.
func readAllIn(r io.Reader, size int) ([]byte, error) {
	var out []byte
	buf := make([]byte, size)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

func compact(b []byte) string {
	var c bytes.Buffer
	if err := stdjson.Compact(&c, b); err != nil {
		return "invalid: " + string(b)
	}
	return c.String()
}

// The reader gives what the whole-body translation gives (but for the
// blanks a dropped member leaves), however the body arrives and however
// much the decoder asks for at a time.
func TestWireReaderPieces(t *testing.T) {
	bodies := []string{
		`{"@odata.context":"c","value":[{"@odata.id":"i","Id":"a\\\"b","Subject":"x \\\\\\\" y","Body":{"ContentType":"HTML","Content":"<p class=\"x\">\\u00e9</p>"},"MobilePhone1":"1","Importance":"High","Extensions":[{"K":"v"}],"Size":12345,"IsRead":true,"@odata.type":"#Microsoft.OutlookServices.Message"}],"@odata.nextLink":"n"}`,
		`{"value":[]}`,
		`{"value":[{"@odata.id":"` + strings.Repeat("x", 100_000) + `","Subject":"` + strings.Repeat(`\"`, 50_000) + `"}]}`,
	}
	for _, body := range bodies {
		want, err := OutlookV2.FromWire([]byte(body), FixtureSchema.collection())
		if err != nil {
			t.Fatal(err)
		}
		sources := map[string]func() io.Reader{
			"whole":    func() io.Reader { return strings.NewReader(body) },
			"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) },
			"halves":   func() io.Reader { return iotest.HalfReader(strings.NewReader(body)) },
			"data+eof": func() io.Reader { return iotest.DataErrReader(strings.NewReader(body)) },
		}
		for name, src := range sources {
			for _, size := range []int{1, 7, 512, readChunk + 100, 4 * readChunk} {
				x := newDecoding(OutlookV2, src(), FixtureSchema, true, defaultLimits)
				got, err := readAllIn(&x.w, size)
				x.release()
				if err != nil || compact(got) != string(want) {
					t.Fatalf("%s, reads of %d: %.200s, %v\nwant %.200s", name, size, compact(got), err, want)
				}
			}
		}
	}
}

// collection returns a schema of an envelope of s items.
func (s *Schema) collection() *Schema { return pageOf(s) }

// The counter counts the elements the translator counts, fed in any
// pieces.
func FuzzCounter(f *testing.F) {
	for _, s := range []string{`{"value":[{},{"a":[1,2,[3]]},{"b":"]\"["}]}`, `[[[]]]`, `{"value":[{"s":"\\\\"},1]}`, `"\\"`, `{"a":[]}`} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, piece uint8) {
		if !stdjson.Valid(in) {
			return
		}
		tr := newTranslator(dirGraph, nil, true, noLimits)
		if _, err := tr.feed(bytes.Clone(in), true); err != nil {
			return
		}
		c := counter{lim: noLimits}
		size := int(piece)%9 + 1
		for i := 0; i < len(in); i += size {
			if err := c.scan(in[i:min(i+size, len(in))]); err != nil {
				t.Fatal(err)
			}
		}
		// The counter takes any array of the envelope for its items: at
		// least "value"'s.
		if c.elems != tr.elems || c.items < tr.pageItems {
			t.Fatalf("%q in pieces of %d: counter %d elements, %d items; translator %d, %d", in, size, c.elems, c.items, tr.elems, tr.pageItems)
		}
	})
}

func TestCounterLimits(t *testing.T) {
	lim := limits{maxBytes: 1 << 20, maxPageItems: 3, maxArrayElements: 10, maxDepth: 5}
	for _, c := range []struct{ body, what string }{
		{`{"value":[{},{},{},{}]}`, "items in a page"},
		{`{"value":[{"toRecipients":[{},{},{},{},{},{},{},{},{},{}]}]}`, "array elements"},
		{`{"value":[[[[[1]]]]]}`, "nesting depth"},
		{`{"value":[{"s":"[[[[[[[[[[,,,,,,,,,,,,"}]}`, ""},
	} {
		ctr := counter{lim: lim}
		err := ctr.scan([]byte(c.body))
		var le *LimitError
		switch {
		case c.what == "" && err != nil:
			t.Errorf("%s: %v", c.body, err)
		case c.what != "" && (!errors.As(err, &le) || le.What != c.what):
			t.Errorf("%s: %v, want a %s LimitError", c.body, err, c.what)
		}
	}
}
