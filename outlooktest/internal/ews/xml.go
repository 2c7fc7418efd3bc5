package ews

// The XML underneath: requests are read into a small tree of elements with
// their namespaces resolved (a SOAP request is small and every operation
// looks at it more than once), and answers are written by a buffer that
// escapes as it goes.

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// The namespaces of EWS messages.
const (
	nsSOAP     = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSOAP12   = "http://www.w3.org/2003/05/soap-envelope"
	nsTypes    = "http://schemas.microsoft.com/exchange/services/2006/types"
	nsMessages = "http://schemas.microsoft.com/exchange/services/2006/messages"
	nsErrors   = "http://schemas.microsoft.com/exchange/services/2006/errors"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
)

// Limits of the request reader: deeper or larger documents are not EWS
// requests (the deepest real one, a restriction, nests a few dozen levels).
const (
	maxDepth    = 128
	maxElements = 200000
)

// elem is one element of a request: its resolved name, attributes, child
// elements and the character data directly inside it.
type elem struct {
	space, local string
	attrs        []xml.Attr
	kids         []*elem
	text         string
	line, col    int // where the start tag ends, for schema errors
}

// parseError is a request that is not well-formed XML, or breaks the
// reader's limits: EWS answers it as a schema validation failure.
type parseError struct {
	line, col int
	msg       string
}

func (e *parseError) Error() string { return e.msg }

// parseXML reads a whole document into a tree.
func parseXML(data []byte) (*elem, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var stack []*elem
	var root *elem
	n := 0
	fail := func(format string, args ...any) error {
		line, col := d.InputPos()
		return &parseError{line: line, col: col, msg: fmt.Sprintf(format, args...)}
	}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				_, col := d.InputPos()
				return nil, &parseError{line: se.Line, col: col, msg: se.Msg}
			}
			line, col := d.InputPos()
			return nil, &parseError{line: line, col: col, msg: err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n++
			if n > maxElements {
				return nil, fail("the request has more than %d elements", maxElements)
			}
			if len(stack) >= maxDepth {
				return nil, fail("the request nests elements more than %d deep", maxDepth)
			}
			if root != nil && len(stack) == 0 {
				return nil, fail("there are multiple root elements")
			}
			line, col := d.InputPos()
			e := &elem{space: t.Name.Space, local: t.Name.Local, line: line, col: col}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" && a.Name.Space == "" {
					continue
				}
				e.attrs = append(e.attrs, a)
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, fail("Data at the root level is invalid.")
				}
				continue
			}
			stack[len(stack)-1].text += string(t)
		case xml.Directive:
			// A DOCTYPE: entity declarations have no place in a request.
			return nil, fail("For security reasons DTD is prohibited in this XML document.")
		}
	}
	if root == nil {
		return nil, &parseError{line: 1, col: 1, msg: "Root element is missing."}
	}
	return root, nil
}

func (e *elem) is(space, local string) bool { return e != nil && e.space == space && e.local == local }

// child returns the first child element named space:local, or nil.
func (e *elem) child(space, local string) *elem {
	if e == nil {
		return nil
	}
	for _, k := range e.kids {
		if k.space == space && k.local == local {
			return k
		}
	}
	return nil
}

// t returns the first child element in the types namespace named local.
func (e *elem) t(local string) *elem { return e.child(nsTypes, local) }

// m returns the first child element in the messages namespace named local.
func (e *elem) m(local string) *elem { return e.child(nsMessages, local) }

// all returns the child elements named space:local.
func (e *elem) all(space, local string) []*elem {
	if e == nil {
		return nil
	}
	var out []*elem
	for _, k := range e.kids {
		if k.space == space && k.local == local {
			out = append(out, k)
		}
	}
	return out
}

// attr returns an attribute in no namespace.
func (e *elem) attr(local string) (string, bool) {
	if e == nil {
		return "", false
	}
	for _, a := range e.attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// attrOr returns an attribute in no namespace, or def.
func (e *elem) attrOr(local, def string) string {
	if v, ok := e.attr(local); ok {
		return v
	}
	return def
}

// value returns the element's text with the white space XML Schema
// collapses in tokens (booleans, numbers, enumerations) trimmed.
func (e *elem) value() string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.text)
}

// writer builds an answer. Names are written as given (with their prefix);
// text and attribute values are escaped, and characters XML cannot carry
// are replaced, so the answer is always well-formed.
type writer struct{ b bytes.Buffer }

// open writes a start tag; attrs are name, value pairs.
func (w *writer) open(name string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(name)
	w.attrs(attrs)
	w.b.WriteByte('>')
}

func (w *writer) attrs(attrs []string) {
	for i := 0; i+1 < len(attrs); i += 2 {
		w.b.WriteByte(' ')
		w.b.WriteString(attrs[i])
		w.b.WriteString(`="`)
		escape(&w.b, attrs[i+1], true)
		w.b.WriteByte('"')
	}
}

// close writes an end tag.
func (w *writer) close(name string) {
	w.b.WriteString("</")
	w.b.WriteString(name)
	w.b.WriteByte('>')
}

// empty writes an empty element.
func (w *writer) empty(name string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(name)
	w.attrs(attrs)
	w.b.WriteString("/>")
}

// leaf writes an element holding text.
func (w *writer) leaf(name, text string, attrs ...string) {
	if text == "" {
		w.empty(name, attrs...)
		return
	}
	w.open(name, attrs...)
	escape(&w.b, text, false)
	w.close(name)
}

// text writes character data.
func (w *writer) text(s string) { escape(&w.b, s, false) }

// escape writes s as XML character data or an attribute value.
func escape(b *bytes.Buffer, s string, attr bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\r':
			b.WriteString("&#xD;")
		case (r == '\n' || r == '\t') && attr:
			fmt.Fprintf(b, "&#x%X;", r)
		case r == utf8.RuneError && size == 1, !xmlChar(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
}

// xmlChar reports whether XML 1.0 can carry r.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
