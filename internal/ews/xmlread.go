package ews

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// This file is the XML tokenizer every EWS response is read with: a pull
// parser over the response body that holds one token at a time, so memory
// follows the largest single token received (a long body or an attachment's
// content), never the whole response or a tree of it. It reads the XML EWS
// writes: UTF-8, namespaces by prefix (matched here by local name, as the
// published examples use default namespaces and several prefixes for the
// same namespace), no DTD. Anything else, and every malformed input, is an
// error, never a panic; fuzz tests hold it to that.

// Limits on what a response may hold; beyond them the reader fails rather
// than grow.
const (
	defaultMaxToken = 256 << 20 // one tag or text run: attachment content, MIME
	maxDepth        = 128       // element nesting
	maxAttrs        = 64        // attributes of one element
	readChunk       = 32 << 10  // bytes asked of the source at a time
)

// errXML is wrapped by every syntax error of the reader.
var errXML = errors.New("ews: malformed XML")

type tokenKind uint8

const (
	tokEOF   tokenKind = iota // end of the document
	tokStart                  // a start tag (name, attrs)
	tokEnd                    // an end tag (name)
	tokText                   // character data, entities decoded
)

// xattr is one attribute of the current start tag; its slices are valid
// until the next token.
type xattr struct {
	local []byte
	value []byte
	ns    bool // a namespace declaration (xmlns, xmlns:p)
}

// xmlReader is the pull tokenizer. Slices it returns (local, attrs, text)
// point into its buffers and are valid until the next call to next.
type xmlReader struct {
	src    io.Reader
	buf    []byte
	pos    int // next unread byte of buf
	end    int // end of the data in buf
	eof    bool
	srcErr error
	max    int // largest token accepted

	kind  tokenKind
	local []byte // local name of the current start or end tag
	attrs []xattr
	text  []byte

	selfClosed bool   // the current start tag ended in "/>": its end comes next
	open       []int  // end offsets into names of the open elements' qualified names
	names      []byte // qualified names of the open elements, concatenated
	qname      []byte // qualified name of the current tag
	scratch    []byte // decoded text and attribute values
	done       bool   // the document element has ended
	started    bool   // the document element has begun
	err        error
}

// newXMLReader reads r; maxToken bounds one token (0 for the default). A
// document r already holds in memory whole (a body the backend read before
// parsing it) is read where it lies, without a copy: the token limit, which
// bounds the reader's growth, has nothing to bound then.
func newXMLReader(r io.Reader, maxToken int) *xmlReader {
	if maxToken <= 0 {
		maxToken = defaultMaxToken
	}
	if w, ok := r.(wholeDocument); ok {
		doc := w.document()
		return &xmlReader{max: maxToken, buf: doc[:len(doc):len(doc)], end: len(doc), eof: true}
	}
	return &xmlReader{src: r, max: maxToken, buf: make([]byte, 0, readChunk)}
}

// inMemory returns the length of a document read in place, 0 for one
// read from a stream: what a caller may size its output by.
func (x *xmlReader) inMemory() int {
	if x.src == nil {
		return x.end
	}
	return 0
}

// wholeDocument is a reader over a document held whole in memory, which
// the xmlReader reads in place; the document must not change meanwhile.
type wholeDocument interface {
	io.Reader
	document() []byte
}

func (x *xmlReader) fail(format string, args ...any) error {
	if x.err == nil {
		x.err = fmt.Errorf("%w: "+format, append([]any{errXML}, args...)...)
	}
	return x.err
}

// more makes room for and reads more data, keeping buf[pos:end] (moved to
// the front). It returns false at the end of the source or on an error
// (x.srcErr), or when the unread data already fills the token limit.
func (x *xmlReader) more() bool {
	if x.eof {
		return false
	}
	if x.end-x.pos >= x.max {
		x.fail("a token longer than %d bytes", x.max)
		return false
	}
	if x.pos > 0 {
		n := copy(x.buf[:cap(x.buf)], x.buf[x.pos:x.end])
		x.buf = x.buf[:n]
		x.end, x.pos = n, 0
	}
	if cap(x.buf)-x.end < readChunk {
		grown := make([]byte, x.end, 2*cap(x.buf)+readChunk)
		copy(grown, x.buf[:x.end])
		x.buf = grown
	}
	for {
		n, err := x.src.Read(x.buf[x.end:cap(x.buf)])
		x.end += n
		x.buf = x.buf[:x.end]
		if err != nil {
			x.eof = true
			if err != io.EOF {
				x.srcErr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// next reads the next token: a start tag, an end tag, text, or the end of
// the document. Comments, processing instructions and the XML declaration
// are skipped; text between them is joined into one token.
func (x *xmlReader) next() (tokenKind, error) {
	if x.err != nil {
		return tokEOF, x.err
	}
	x.attrs = x.attrs[:0]
	x.text = nil
	if x.selfClosed {
		x.selfClosed = false
		x.pop()
		x.kind = tokEnd
		return tokEnd, nil
	}
	for {
		if x.pos >= x.end && !x.more() {
			return x.atEOF()
		}
		if x.buf[x.pos] != '<' {
			if err := x.readText(); err != nil {
				return tokEOF, err
			}
			if x.kind == tokText {
				return tokText, nil
			}
			continue // whitespace outside the document element
		}
		// Markup: make sure the two bytes after '<' are here.
		for x.end-x.pos < 2 {
			if !x.more() {
				return tokEOF, x.truncated()
			}
		}
		switch x.buf[x.pos+1] {
		case '/':
			return x.readEnd()
		case '?':
			if err := x.skipUntil("?>", 2); err != nil {
				return tokEOF, err
			}
		case '!':
			if x.hasPrefix("<![CDATA[") || x.hasPrefix("<!--") {
				if err := x.readText(); err != nil {
					return tokEOF, err
				}
				if x.kind == tokText {
					return tokText, nil
				}
				continue
			}
			if x.cutShort("<![CDATA[", "<!--") {
				return tokEOF, x.truncated()
			}
			return tokEOF, x.fail("a DTD or unknown declaration")
		default:
			return x.readStart()
		}
	}
}

func (x *xmlReader) atEOF() (tokenKind, error) {
	if x.srcErr != nil {
		return tokEOF, fmt.Errorf("ews: reading the response: %w", x.srcErr)
	}
	if !x.started {
		return tokEOF, x.fail("no document element (%w)", io.ErrUnexpectedEOF) // an answer cut before it
	}
	if !x.done {
		return tokEOF, x.truncated()
	}
	x.kind = tokEOF
	return tokEOF, nil
}

func (x *xmlReader) truncated() error {
	if x.srcErr != nil {
		return fmt.Errorf("ews: reading the response: %w", x.srcErr)
	}
	if x.err != nil {
		return x.err
	}
	// As a JSON decoder's does, the error matches io.ErrUnexpectedEOF, by
	// which transport.Client.Read asks for an answer cut short again.
	return x.fail("the document ends early (%w)", io.ErrUnexpectedEOF)
}

// cutShort reports whether the input ended inside what could have been
// one of the prefixes ps: the unread data is all there is and begins one.
func (x *xmlReader) cutShort(ps ...string) bool {
	if x.more() {
		return false
	}
	rest := x.buf[x.pos:x.end]
	for _, p := range ps {
		if len(rest) < len(p) && bytes.HasPrefix([]byte(p), rest) {
			return true
		}
	}
	return false
}

// hasPrefix reports whether the unread data starts with p, reading more
// if needed.
func (x *xmlReader) hasPrefix(p string) bool {
	for x.end-x.pos < len(p) {
		if !x.more() {
			return false
		}
	}
	return string(x.buf[x.pos:x.pos+len(p)]) == p
}

// skipUntil consumes markup up to and including the terminator, starting
// the search from offset from.
func (x *xmlReader) skipUntil(term string, from int) error {
	k := from
	for {
		if i := bytes.Index(x.buf[x.pos+k:x.end], []byte(term)); i >= 0 {
			x.pos += k + i + len(term)
			return nil
		}
		if n := x.end - x.pos - len(term) + 1; n > k {
			k = n
		}
		if !x.more() {
			return x.truncated()
		}
	}
}

// readText reads a run of character data, CDATA sections and entities up
// to the next tag, skipping comments and processing instructions inside
// it. Outside the document element only whitespace may appear (x.kind is
// then left unchanged and no token results).
func (x *xmlReader) readText() error {
	x.kind = tokEOF
	x.scratch = x.scratch[:0]
	// First find the whole run: [x.pos, x.pos+n) up to a '<' that starts a
	// tag, or the end of the data.
	n := 0
	simple := true // one plain segment: return it without copying
	for {
		i := bytes.IndexByte(x.buf[x.pos+n:x.end], '<')
		if i < 0 {
			n = x.end - x.pos
			if !x.more() {
				if x.err != nil {
					return x.err
				}
				if x.started && !x.done {
					return x.truncated() // the document element's text runs into the end
				}
				break
			}
			continue
		}
		n += i
		// Is the '<' a CDATA section, a comment or a PI? Then the run goes on.
		for x.end-x.pos-n < 9 && x.more() {
		}
		rest := x.buf[x.pos+n : x.end]
		var term string
		switch {
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			term = "]]>"
		case bytes.HasPrefix(rest, []byte("<!--")):
			term = "-->"
		case bytes.HasPrefix(rest, []byte("<?")):
			term = "?>"
		}
		if term == "" {
			break
		}
		simple = false
		k := n + 2
		for {
			if j := bytes.Index(x.buf[x.pos+k:x.end], []byte(term)); j >= 0 {
				n = k + j + len(term)
				break
			}
			if m := x.end - x.pos - len(term) + 1; m > k {
				k = m
			}
			if !x.more() {
				return x.truncated()
			}
		}
	}
	raw := x.buf[x.pos : x.pos+n]
	x.pos += n
	if !x.started || x.done {
		misc := raw
		if !x.started {
			misc = bytes.TrimPrefix(misc, []byte("\xEF\xBB\xBF")) // a UTF-8 byte order mark
		}
		switch {
		case isOnlyMisc(misc):
			return nil
		case x.done:
			return x.fail("content after the document element")
		}
		return x.fail("text outside the document element")
	}
	if simple && bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		x.text = raw
		x.kind = tokText
		return nil
	}
	out, err := x.decodeRun(x.scratch[:0], raw)
	if err != nil {
		return err
	}
	x.scratch = out
	x.text = out
	x.kind = tokText
	return nil
}

// isOnlyMisc reports whether raw holds only whitespace, comments and
// processing instructions (what may surround the document element).
func isOnlyMisc(raw []byte) bool {
	for len(raw) > 0 {
		switch {
		case raw[0] == ' ' || raw[0] == '\t' || raw[0] == '\n' || raw[0] == '\r':
			raw = raw[1:]
		case bytes.HasPrefix(raw, []byte("<!--")):
			i := bytes.Index(raw, []byte("-->"))
			if i < 0 {
				return false
			}
			raw = raw[i+3:]
		case bytes.HasPrefix(raw, []byte("<?")):
			i := bytes.Index(raw, []byte("?>"))
			if i < 0 {
				return false
			}
			raw = raw[i+2:]
		default:
			return false
		}
	}
	return true
}

// decodeRun appends the text of a run: entities decoded, CDATA sections
// copied, comments and PIs dropped, line ends normalised to "\n".
func (x *xmlReader) decodeRun(dst, raw []byte) ([]byte, error) {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '<')
		seg := raw
		if i >= 0 {
			seg = raw[:i]
		}
		var err error
		if dst, err = x.unescape(dst, seg); err != nil {
			return nil, err
		}
		if i < 0 {
			break
		}
		raw = raw[i:]
		switch {
		case bytes.HasPrefix(raw, []byte("<![CDATA[")):
			j := bytes.Index(raw, []byte("]]>"))
			dst = appendNormalized(dst, raw[9:j])
			raw = raw[j+3:]
		case bytes.HasPrefix(raw, []byte("<!--")):
			j := bytes.Index(raw[4:], []byte("-->"))
			raw = raw[4+j+3:]
		default: // "<?"
			j := bytes.Index(raw[2:], []byte("?>"))
			raw = raw[2+j+2:]
		}
	}
	return dst, nil
}

// appendNormalized appends s with "\r\n" and lone "\r" turned into "\n".
func appendNormalized(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '\r')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, '\n')
		s = s[i+1:]
		if len(s) > 0 && s[0] == '\n' {
			s = s[1:]
		}
	}
}

// unescape appends s with its entity and character references decoded.
func (x *xmlReader) unescape(dst, s []byte) ([]byte, error) {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return appendNormalized(dst, s), nil
		}
		dst = appendNormalized(dst, s[:i])
		s = s[i:]
		j := bytes.IndexByte(s, ';')
		if j < 0 || j > 12 {
			return nil, x.fail("an unterminated entity reference")
		}
		ref := s[1:j]
		s = s[j+1:]
		switch string(ref) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			r, ok := charRef(ref)
			if !ok {
				return nil, x.fail("unknown entity &%s;", ref)
			}
			dst = utf8.AppendRune(dst, r)
		}
	}
}

// charRef decodes "#123" or "#x7B".
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*rune(base) + d
	}
	if r == 0 || r > utf8.MaxRune || (0xD800 <= r && r <= 0xDFFF) {
		return 0, false
	}
	return r, true
}

// tagEnd returns the offset, from x.pos, of the '>' that closes the tag at
// x.pos, reading more data as needed; '>' inside quoted values does not count.
func (x *xmlReader) tagEnd() (int, error) {
	k := 1
	var quote byte
	for {
		data := x.buf[x.pos+k : x.end]
		for i := 0; i < len(data); {
			if quote != 0 {
				j := bytes.IndexByte(data[i:], quote)
				if j < 0 {
					break
				}
				i += j + 1
				quote = 0
				continue
			}
			j := indexTagByte(data[i:])
			if j < 0 {
				break
			}
			i += j
			if data[i] == '>' {
				return k + i, nil
			}
			quote = data[i]
			i++
		}
		k = x.end - x.pos
		if !x.more() {
			return 0, x.truncated()
		}
	}
}

// indexTagByte returns the index of the first quote or '>' in b, or -1:
// what bytes.IndexAny(b, "\"'>") returns, without building its set on every
// call (tags are short, and there is one a property).
func indexTagByte(b []byte) int {
	for i, c := range b {
		if c == '>' || c == '"' || c == '\'' {
			return i
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isNameByte reports whether c may appear in a name. Names are checked
// loosely (EWS writes only ASCII names); what matters is that a name
// cannot swallow the syntax around it.
func isNameByte(c byte) bool {
	return !isSpace(c) && c != '/' && c != '>' && c != '=' && c != '"' && c != '\'' && c != '<' && c != '&'
}

// validQName reports whether q is a name with at most one prefix, neither
// part empty.
func validQName(q []byte) bool {
	i := bytes.IndexByte(q, ':')
	if i < 0 {
		return len(q) > 0
	}
	return i > 0 && i < len(q)-1 && bytes.IndexByte(q[i+1:], ':') < 0
}

// isNSDecl reports whether an attribute name declares a namespace.
func isNSDecl(name []byte) bool {
	return bytes.Equal(name, []byte("xmlns")) || bytes.HasPrefix(name, []byte("xmlns:"))
}

// localName returns the part of a qualified name after its prefix.
func localName(q []byte) []byte {
	if i := bytes.IndexByte(q, ':'); i >= 0 {
		return q[i+1:]
	}
	return q
}

func (x *xmlReader) readStart() (tokenKind, error) {
	if x.done {
		return tokEOF, x.fail("content after the document element")
	}
	n, err := x.tagEnd()
	if err != nil {
		return tokEOF, err
	}
	tag := x.buf[x.pos+1 : x.pos+n] // between '<' and '>'
	x.pos += n + 1
	self := false
	if len(tag) > 0 && tag[len(tag)-1] == '/' {
		self = true
		tag = tag[:len(tag)-1]
	}
	i := 0
	for i < len(tag) && isNameByte(tag[i]) {
		i++
	}
	if i == 0 {
		return tokEOF, x.fail("a tag without a name")
	}
	x.qname = tag[:i]
	if !validQName(x.qname) {
		return tokEOF, x.fail("a malformed name <%s>", x.qname)
	}
	x.local = localName(x.qname)
	x.scratch = x.scratch[:0]
	// Attribute values are decoded into scratch; their slices are fixed
	// up once scratch stops growing.
	type span struct{ lo, hi int }
	var spans [maxAttrs]span
	rest := tag[i:]
	for {
		j := 0
		for j < len(rest) && isSpace(rest[j]) {
			j++
		}
		if j == len(rest) {
			break
		}
		if j == 0 {
			return tokEOF, x.fail("attributes not separated by space in <%s>", x.qname)
		}
		rest = rest[j:]
		k := 0
		for k < len(rest) && isNameByte(rest[k]) {
			k++
		}
		if k == 0 {
			return tokEOF, x.fail("a malformed attribute in <%s>", x.qname)
		}
		name := rest[:k]
		if !validQName(name) {
			return tokEOF, x.fail("a malformed attribute name %s", name)
		}
		rest = rest[k:]
		for len(rest) > 0 && isSpace(rest[0]) {
			rest = rest[1:]
		}
		if len(rest) == 0 || rest[0] != '=' {
			return tokEOF, x.fail("attribute %s without a value", name)
		}
		rest = rest[1:]
		for len(rest) > 0 && isSpace(rest[0]) {
			rest = rest[1:]
		}
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return tokEOF, x.fail("attribute %s without a quoted value", name)
		}
		q := rest[0]
		end := bytes.IndexByte(rest[1:], q)
		if end < 0 {
			return tokEOF, x.fail("an unterminated attribute value")
		}
		val := rest[1 : 1+end]
		rest = rest[2+end:]
		if len(x.attrs) == maxAttrs {
			return tokEOF, x.fail("more than %d attributes in <%s>", maxAttrs, x.qname)
		}
		lo := len(x.scratch)
		if bytes.IndexByte(val, '&') >= 0 || bytes.ContainsAny(val, "\t\n\r") {
			x.scratch, err = x.unescapeAttr(x.scratch, val)
			if err != nil {
				return tokEOF, err
			}
			spans[len(x.attrs)] = span{lo, len(x.scratch)}
			x.attrs = append(x.attrs, xattr{local: localName(name), ns: isNSDecl(name)})
		} else {
			spans[len(x.attrs)] = span{-1, 0}
			x.attrs = append(x.attrs, xattr{local: localName(name), value: val, ns: isNSDecl(name)})
		}
	}
	for a := range x.attrs {
		if s := spans[a]; s.lo >= 0 {
			x.attrs[a].value = x.scratch[s.lo:s.hi]
		}
	}
	if len(x.open) == maxDepth {
		return tokEOF, x.fail("elements nested deeper than %d", maxDepth)
	}
	x.started = true
	x.names = append(x.names, x.qname...)
	x.open = append(x.open, len(x.names))
	x.selfClosed = self
	x.kind = tokStart
	return tokStart, nil
}

// unescapeAttr decodes an attribute value: literal tabs and line ends
// become spaces, as XML requires, then references are decoded (so that
// "&#xA;" stays a line end).
func (x *xmlReader) unescapeAttr(dst, v []byte) ([]byte, error) {
	if bytes.ContainsAny(v, "\t\n\r") {
		norm := make([]byte, 0, len(v))
		for i := 0; i < len(v); i++ {
			c := v[i]
			switch c {
			case '\r':
				if i+1 < len(v) && v[i+1] == '\n' {
					i++
				}
				c = ' '
			case '\n', '\t':
				c = ' '
			}
			norm = append(norm, c)
		}
		v = norm
	}
	return x.unescape(dst, v)
}

func (x *xmlReader) pop() {
	x.open = x.open[:len(x.open)-1]
	lo := 0
	if len(x.open) > 0 {
		lo = x.open[len(x.open)-1]
	}
	x.names = x.names[:lo]
	if len(x.open) == 0 {
		x.done = true
	}
}

func (x *xmlReader) readEnd() (tokenKind, error) {
	n, err := x.tagEnd()
	if err != nil {
		return tokEOF, err
	}
	tag := x.buf[x.pos+2 : x.pos+n]
	x.pos += n + 1
	for len(tag) > 0 && isSpace(tag[len(tag)-1]) {
		tag = tag[:len(tag)-1]
	}
	if len(x.open) == 0 {
		return tokEOF, x.fail("an end tag </%s> without a start", tag)
	}
	lo := 0
	if len(x.open) > 1 {
		lo = x.open[len(x.open)-2]
	}
	if !bytes.Equal(tag, x.names[lo:]) {
		return tokEOF, x.fail("</%s> closes <%s>", tag, x.names[lo:])
	}
	x.qname = tag
	x.local = localName(tag)
	x.pop()
	x.kind = tokEnd
	return tokEnd, nil
}

// nextDocument readies the reader for another document after the one
// that ended: a stream of documents, as GetStreamingEvents answers with.
func (x *xmlReader) nextDocument() { x.done, x.started = false, false }

// depth returns how many elements are open.
func (x *xmlReader) depth() int { return len(x.open) }

// attr returns the value of the current start tag's attribute with the
// given local name.
func (x *xmlReader) attr(local string) ([]byte, bool) {
	for _, a := range x.attrs {
		if !a.ns && string(a.local) == local {
			return a.value, true
		}
	}
	return nil, false
}

// is reports whether the current token is a tag with that local name.
func (x *xmlReader) is(local string) bool { return string(x.local) == local }

// skip consumes the rest of the element whose start tag was just read.
func (x *xmlReader) skip() error {
	d := x.depth() - 1
	for x.depth() > d {
		if _, err := x.next(); err != nil {
			return err
		}
	}
	return nil
}

// textInto reads the text of the element whose start tag was just read,
// up to its end tag, appending it to dst; text of nested elements is
// dropped with them.
func (x *xmlReader) textInto(dst []byte) ([]byte, error) { return x.elementText(dst, false) }

// deepTextInto is textInto keeping the text of nested elements too, in
// document order (a Mailbox's name, then its address).
func (x *xmlReader) deepTextInto(dst []byte) ([]byte, error) { return x.elementText(dst, true) }

func (x *xmlReader) elementText(dst []byte, deep bool) ([]byte, error) {
	d := x.depth() - 1
	for {
		k, err := x.next()
		if err != nil {
			return nil, err
		}
		switch {
		case k == tokText && (deep || x.depth() == d+1):
			dst = append(dst, x.text...)
		case k == tokStart && !deep:
			if err := x.skip(); err != nil {
				return nil, err
			}
		case k == tokEnd && x.depth() == d:
			return dst, nil
		}
	}
}

// children calls f for each child element of the element whose start tag
// was just read, positioned on the child's start tag; f must consume the
// child (skip it, read its text, or walk it). Text between children is
// ignored.
func (x *xmlReader) children(f func() error) error {
	d := x.depth()
	for {
		k, err := x.next()
		if err != nil {
			return err
		}
		switch k {
		case tokStart:
			if err := f(); err != nil {
				return err
			}
			if x.depth() != d {
				return fmt.Errorf("ews: internal error: a child of depth %d was not consumed", d)
			}
		case tokEnd:
			if x.depth() < d {
				return nil
			}
		}
	}
}
