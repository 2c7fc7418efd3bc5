package odata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// This file holds the one place where JSON bodies change dialect. The models
// are Graph-shaped; a v2.0 body is translated in a single pass over its bytes
// (no tree is built), reading the Schema of the type it decodes into or
// encodes and walking the schemas of nested objects: property names change
// case or are renamed, enum values and @odata.type namespaces are
// respelled, everything else is copied as is. Names a table does not know
// follow the default rule (first letter upper-cased for v2.0; enum values
// untouched). For the bodies the tables describe, the translation is a
// bijection, so decoding then encoding gives back the same bytes.
//
// The same pass, in the Graph direction, changes nothing but drops response
// annotations the model does not keep; in every direction it counts what a
// response holds against the decoder's limits before anything is decoded.
// It works on a stream: feed takes the input in pieces of any size.

// errMalformedJSON is returned by the translator for input that is not JSON.
var errMalformedJSON = errors.New("odata: malformed JSON")

// errTruncatedJSON is errMalformedJSON for input that ends before its value
// does. It matches io.ErrUnexpectedEOF, as the JSON decoder's error does,
// by which transport.Client.Read knows to ask for the document again.
var errTruncatedJSON = fmt.Errorf("%w: %w", errMalformedJSON, io.ErrUnexpectedEOF)

const (
	graphTypePrefix = "#microsoft.graph."
	v2TypePrefix    = "#Microsoft.OutlookServices."
	odataTypeKey    = "@odata.type"
)

// direction is what a translator does to names and values.
type direction uint8

const (
	dirGraph  direction = iota // Graph in, Graph out: names untouched
	dirFromV2                  // a v2.0 body read into Graph form
	dirToV2                    // a Graph body written in v2.0 form
)

// frame is one open object or array.
type frame struct {
	obj     bool
	state   state
	emitted bool // objects: the output holds a member of this object
	raw     bool // inside a KindRaw value: copied untranslated
	// envelope marks a collection envelope ({"value":[...]}); its "value"
	// array holds objects of the translator's root schema.
	envelope bool
	entity   bool    // the object is the entity (or page element) itself
	schema   *Schema // objects: the object's schema (nil: default rules)
	idx      *schemaIndex
	prop     *Prop // objects: the member being read; arrays: the collection
	typeKey  bool  // objects: the member being read is @odata.type
	elems    bool  // arrays: the elements are page items
}

// state is what an open object or array expects next.
type state uint8

const (
	stFirst state = iota // a first member or element, or the end
	stKey                // objects: a member name, after a comma
	stColon              // objects: the colon after a name
	stValue              // a value: after a colon, or an array's comma
	stAfter              // a comma or the end, after a value
)

// wantKey reports whether a member name comes next in the object f.
func (f *frame) wantKey() bool { return f.obj && (f.state == stFirst || f.state == stKey) }

// translator is the state of one pass over one body.
type translator struct {
	dir  direction
	page bool    // the body is a collection envelope
	root *Schema // the schema of the entity, or of each page item
	// keepContext keeps @odata.context on page items: change tracking
	// reports a deleted item by it.
	keepContext bool
	lim         limits

	dst   []byte
	stack []frame
	done  bool // the top-level value is complete

	// Continuation across feeds.
	inStr   bool // inside a string copied through
	inLit   bool // inside a number or literal
	drop    int  // >0: the value of a dropped member is being skipped; its frame depth
	dirty   bool // this feed's output is in dst, not the input itself
	dropped bool // the member just dropped was the first of its object in the output
	// blankFrom is where in this feed's input the dropped member (or what is
	// left of it) starts: it is blanked out, in place, up to where it ends.
	blankFrom int
	dropCount int // members dropped

	// What the body held.
	elems     int64 // array elements
	pageItems int
	sawID     bool // entity: a top-level "id"

	// Per feed.
	src    []byte
	last   int // src[last:] has not been copied to dst yet
	commaI int // index in src of the comma before the awaited key, or -1
}

// newTranslator returns a translator in direction dir for a body whose
// top-level value is described by root (an entity), or, when page is set,
// a collection envelope of root items.
func newTranslator(dir direction, root *Schema, page bool, lim limits) *translator {
	return &translator{dir: dir, root: root, page: page, lim: lim}
}

// translate rewrites a whole body, appending to dst. It may change src.
func translate(dst, src []byte, dir direction, root *Schema) ([]byte, error) {
	t := newTranslator(dir, root, false, noLimits)
	start := len(dst)
	t.dst = dst
	n, err := t.feed(src, true)
	if err != nil {
		return t.dst, err
	}
	if !t.dirty {
		t.dst = append(t.dst, src[:n]...)
	}
	if t.dropCount > 0 {
		// Take out the blanks the dropped members left.
		var b bytes.Buffer
		if json.Compact(&b, t.dst[start:]) == nil {
			t.dst = append(t.dst[:start], b.Bytes()...)
		}
	}
	return t.dst, nil
}

// FromWire returns a JSON body in dialect d's form (a response, or a body
// kept from one) in Graph form, spelled by the schema s of what it
// describes (nil applies the default rules). Response annotations that s
// does not list (@odata.context, @odata.id, @odata.editLink,
// @odata.readLink) are left out, in every dialect: they describe the
// response, not the entity.
func (d *Dialect) FromWire(body []byte, s *Schema) ([]byte, error) {
	b, err := d.fromWire(make([]byte, 0, len(body)), bytes.Clone(body), s)
	if err != nil {
		return nil, fmt.Errorf("odata: reading a %s body: %w", d, err)
	}
	return b, nil
}

// ToWire returns a Graph-form JSON body in dialect d's form, spelled by the
// schema s of what it describes (nil applies the default rules). For the
// Graph dialect it returns body itself.
func (d *Dialect) ToWire(body []byte, s *Schema) ([]byte, error) {
	if !d.v2 {
		return body, nil
	}
	b, err := d.toWire(nil, bytes.Clone(body), s)
	if err != nil {
		return nil, fmt.Errorf("odata: writing a %s body: %w", d, err)
	}
	return b, nil
}

// fromWire translates a body received in dialect d into Graph form, for an
// entity described by s, appending to dst. It may change src.
func (d *Dialect) fromWire(dst, src []byte, s *Schema) ([]byte, error) {
	dir := dirGraph
	if d.v2 {
		dir = dirFromV2
	}
	return translate(dst, src, dir, s)
}

// toWire translates a Graph-form body described by s into dialect d,
// appending to dst. For the Graph dialect it returns src unchanged. It may
// change src.
func (d *Dialect) toWire(dst, src []byte, s *Schema) ([]byte, error) {
	if !d.v2 {
		return src, nil
	}
	if cap(dst)-len(dst) < len(src)+len(src)/8 {
		dst = append(make([]byte, 0, len(dst)+len(src)+len(src)/8), dst...)
	}
	return translate(dst, src, dirToV2, s)
}

// The output of a feed is the feed's input, changed in place, until a name
// or value changes length: only then is it copied (materialize), so that
// most pieces of a body are not copied at all. A dropped member is
// overwritten with blanks, which JSON allows between tokens.

// materialize starts the feed's output in dst: what was used of the input
// so far, as the output is from now on.
func (t *translator) materialize() {
	if !t.dirty {
		t.dst = append(t.dst, t.src[:t.last]...)
		t.dirty = true
	}
}

// blank overwrites src[from:to] with spaces.
func (t *translator) blank(from, to int) {
	b := t.src[max(from, 0):to]
	for i := range b {
		b[i] = ' '
	}
}

// copyTo copies the input up to upTo to the output, unless a dropped member
// is being skipped.
func (t *translator) copyTo(upTo int) {
	if t.dirty {
		t.dst = append(t.dst, t.src[t.last:upTo]...)
	}
	t.last = upTo
}

// replace copies the input up to start, then writes the parts in place of
// src[start:end].
func (t *translator) replace(start, end int, parts ...string) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == end-start {
		// As long as what it replaces: write it over the input.
		at := start
		for _, p := range parts {
			at += copy(t.src[at:], p)
		}
		return
	}
	t.materialize()
	t.copyTo(start)
	for _, p := range parts {
		t.dst = append(t.dst, p...)
	}
	t.last = end
}

// flip changes the case of the letter at src[pos] in the direction of the
// translation, in place: the input is copied to the output in bulk later.
func (t *translator) flip(pos int) {
	b := t.src[pos]
	if t.dir == dirToV2 && b >= 'a' && b <= 'z' {
		t.src[pos] = b - 'a' + 'A'
	} else if t.dir == dirFromV2 && b >= 'A' && b <= 'Z' {
		t.src[pos] = b - 'A' + 'a'
	}
}

// feed translates src, appending to t.dst. It returns how much of src it
// used: the caller presents the rest again, followed by more input (a name
// or an enum value is translated whole). With final set, src ends the body.
//
// When the output is the input itself (t.dirty is false afterwards), it is
// src[:n], changed in place, and t.dst is unchanged: the reader hands it
// on as it is.
func (t *translator) feed(src []byte, final bool) (int, error) {
	t.src, t.last, t.commaI, t.dirty, t.blankFrom = src, 0, -1, false, 0
	n, err := t.run(final)
	if err != nil {
		return n, err
	}
	if t.drop != 0 {
		// The dropped member goes on in the next piece.
		t.blank(t.blankFrom, n)
	}
	t.copyTo(n)
	if final {
		if len(t.stack) != 0 || t.inStr || (!t.done && t.started()) {
			return n, errTruncatedJSON
		}
	}
	return n, nil
}

func (t *translator) started() bool { return t.done || len(t.stack) > 0 || t.inLit }

// run is the loop of feed; it returns the index in t.src up to which the
// input was used.
func (t *translator) run(final bool) (int, error) {
	src := t.src
	i := 0
	if t.inStr {
		end, ok := t.stringEnd(i, final)
		if !ok {
			return end, nil
		}
		t.inStr = false
		i = end
		t.valueDone(i)
	}
	if t.inLit {
		i = literalEnd(src, i)
		if i == len(src) && !final {
			return i, nil
		}
		t.inLit = false
		t.valueDone(i)
	}
	for i < len(src) {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		case ',':
			if len(t.stack) == 0 {
				return i, errMalformedJSON
			}
			top := &t.stack[len(t.stack)-1]
			if top.state != stAfter {
				return i, errMalformedJSON
			}
			top.state = stValue
			if top.obj {
				top.state = stKey
				t.commaI = i
				if t.dropped {
					// The member dropped before this comma was the first
					// of its object: its comma goes too.
					t.dropped = false
					t.blank(i, i+1)
					t.commaI = -1
				}
			}
			i++
			continue
		case ':':
			if len(t.stack) == 0 || t.stack[len(t.stack)-1].state != stColon {
				return i, errMalformedJSON
			}
			t.stack[len(t.stack)-1].state = stValue
			i++
			continue
		case '}', ']':
			if len(t.stack) == 0 {
				return i, errMalformedJSON
			}
			if top := &t.stack[len(t.stack)-1]; top.obj != (c == '}') || top.state != stFirst && top.state != stAfter {
				return i, errMalformedJSON
			}
			if t.drop == 0 {
				t.dropped = false
			}
			t.stack = t.stack[:len(t.stack)-1]
			i++
			t.valueDone(i)
			continue
		}
		if t.done {
			return i, fmt.Errorf("%w: data after the top-level value", errMalformedJSON)
		}
		var top *frame
		if len(t.stack) > 0 {
			top = &t.stack[len(t.stack)-1]
		}
		if top != nil && top.wantKey() {
			if c != '"' {
				return i, errMalformedJSON
			}
			end, esc, ok := scanString(src, i)
			if !ok {
				if final {
					return i, fmt.Errorf("%w in a string", errTruncatedJSON)
				}
				return t.rewind(i), nil
			}
			top.state = stColon
			if err := t.key(i, end, esc, top); err != nil {
				return i, err
			}
			t.commaI = -1
			i = end
			continue
		}
		if top != nil {
			if top.state != stValue && (top.obj || top.state != stFirst) {
				return i, errMalformedJSON
			}
			if !top.obj {
				if err := t.countElement(top); err != nil {
					return i, err
				}
			}
		}
		switch c {
		case '{', '[':
			if len(t.stack) >= t.lim.maxDepth {
				return i, t.lim.exceeded("nesting depth", int64(t.lim.maxDepth))
			}
			if top != nil {
				top.state = stAfter
			}
			t.push(c == '{', top)
			i++
		case '"':
			if top != nil && t.wantsWholeString(top) {
				end, esc, ok := scanString(src, i)
				if !ok {
					if final {
						return i, fmt.Errorf("%w in a string", errTruncatedJSON)
					}
					t.uncount(top)
					return i, nil
				}
				top.state = stAfter
				if !esc {
					t.value(i, end, top)
				}
				i = end
				t.valueDone(i)
				continue
			}
			if top != nil {
				top.state = stAfter
			}
			end, ok := t.stringEnd(i+1, final)
			if !ok {
				t.inStr = true
				return end, nil
			}
			i = end
			t.valueDone(i)
		default:
			// A number, true, false or null is copied through.
			j := literalEnd(src, i)
			if j == i {
				return i, errMalformedJSON
			}
			if top != nil {
				top.state = stAfter
			}
			if j == len(src) && !final {
				t.inLit = true
				return j, nil
			}
			i = j
			t.valueDone(i)
		}
	}
	if !final && len(t.stack) > 0 && t.stack[len(t.stack)-1].wantKey() {
		return t.rewind(i), nil
	}
	return i, nil
}

// rewind returns where the next feed must start when the member name at i
// is not whole yet: at the comma before it, if this feed holds it, so that
// the comma can still be dropped with the member.
func (t *translator) rewind(i int) int {
	if t.commaI < 0 {
		return i
	}
	t.stack[len(t.stack)-1].state = stAfter
	return t.commaI
}

// push opens an object or array inside top (nil at the top level).
func (t *translator) push(obj bool, top *frame) {
	f := frame{obj: obj}
	switch {
	case top == nil:
		if obj {
			f.schema, f.entity = t.root, !t.page
			f.envelope = t.page
		}
	case top.raw:
		f.raw = true
	case top.obj:
		p := top.prop
		switch {
		case p != nil && p.Kind == KindRaw:
			f.raw = true
		case !obj:
			f.prop = p
			f.elems = top.envelope && p == &envelopeValue
		case p != nil:
			f.schema = p.Elem
		}
	case obj && top.elems: // a page item
		f.schema, f.entity = t.root, true
	case obj && top.prop != nil: // an element of a collection
		f.schema = top.prop.Elem
	}
	if f.schema != nil {
		f.idx = f.schema.index()
	}
	t.stack = append(t.stack, f)
}

// envelopeValue stands for the "value" member of a collection envelope.
var envelopeValue = Prop{Graph: "value", V2: "value", Collection: true, Kind: KindObject}

// countElement counts a value that starts in the array top.
func (t *translator) countElement(top *frame) error {
	t.elems++
	if t.elems > t.lim.maxArrayElements {
		return t.lim.exceeded("array elements", t.lim.maxArrayElements)
	}
	if top.elems {
		t.pageItems++
		if t.pageItems > t.lim.maxPageItems {
			return t.lim.exceeded("items in a page", int64(t.lim.maxPageItems))
		}
	}
	return nil
}

// uncount takes back the count of a value whose first token must be
// presented again.
func (t *translator) uncount(top *frame) {
	if !top.obj {
		t.elems--
		if top.elems {
			t.pageItems--
		}
	}
}

// valueDone notes that a value ended at i: the top-level one, or the value
// of a dropped member, after which the output resumes.
func (t *translator) valueDone(i int) {
	if len(t.stack) == 0 {
		t.done = true
	}
	if t.drop != 0 && len(t.stack) == t.drop {
		t.drop = 0
		t.blank(t.blankFrom, i)
	}
}

// wantsWholeString reports whether a string value in top must be seen
// whole: it is an enum member or an @odata.type name to respell.
func (t *translator) wantsWholeString(top *frame) bool {
	if t.dir == dirGraph || top.raw {
		return false
	}
	if top.obj {
		return top.typeKey || top.prop != nil && top.prop.Kind == KindEnum
	}
	return top.prop != nil && top.prop.Kind == KindEnum
}

// stringEnd finds the end of a string copied through, from i (inside it).
// It returns the index past the closing quote and true, or, when the
// string does not end in the input, how much of it may be used now and
// false: a run of backslashes is never split from what it escapes.
func (t *translator) stringEnd(i int, final bool) (int, bool) {
	src := t.src
	for {
		j := bytes.IndexByte(src[i:], '"')
		if j < 0 {
			k := len(src)
			for k > i && src[k-1] == '\\' {
				k--
			}
			return k, false
		}
		q := i + j
		n := 0
		for k := q - 1; k >= 0 && src[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true
		}
		i = q + 1
	}
}

// scanString returns the index just past the string starting at src[i] (a
// quote), whether it holds escapes, and false when it does not end in src.
// Names and enum values are short: a plain loop finds their end faster
// than IndexByte, which takes over for long strings.
func scanString(src []byte, i int) (end int, esc bool, ok bool) {
	j := i + 1
	for stop := min(len(src), j+32); j < stop; j++ {
		switch src[j] {
		case '"':
			return j + 1, false, true
		case '\\':
			return scanEscaped(src, i)
		}
	}
	q := bytes.IndexByte(src[j:], '"')
	if q < 0 {
		return 0, false, false
	}
	if bytes.IndexByte(src[j:j+q], '\\') >= 0 {
		return scanEscaped(src, i)
	}
	return j + q + 1, false, true
}

// scanEscaped is scanString for a string holding escapes.
func scanEscaped(src []byte, i int) (end int, esc bool, ok bool) {
	j := i + 1
	for {
		q := bytes.IndexByte(src[j:], '"')
		if q < 0 {
			return 0, false, false
		}
		q += j
		n := 0
		for k := q - 1; k > i && src[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true, true
		}
		j = q + 1
	}
}

// literalEnd returns the index of the first delimiter at or after i.
func literalEnd(src []byte, i int) int {
	for i < len(src) && !isDelim(src[i]) {
		i++
	}
	return i
}

func isDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ':', '}', ']', '{', '[', '"':
		return true
	}
	return false
}

// key writes the translated member name src[start:end] and finds the
// member's property in top's schema.
func (t *translator) key(start, end int, esc bool, top *frame) error {
	raw := t.src[start+1 : end-1]
	top.prop, top.typeKey = nil, false
	if t.drop != 0 {
		return nil // inside a dropped value: nothing is written
	}
	if esc {
		return t.escapedKey(start, end, top)
	}
	if top.raw {
		return nil
	}
	if len(raw) > 0 && raw[0] == '@' {
		// Instance annotations are spelled the same in both dialects.
		top.typeKey = string(raw) == odataTypeKey
		if bit := droppableBytes(raw); bit != 0 && t.dir != dirToV2 && t.drops(top, bit) {
			t.dropMember(start, top)
		} else {
			t.emit(top)
		}
		return nil
	}
	t.emit(top)
	if top.envelope && string(raw) == "value" {
		// The collection envelope's "value" is spelled the same in both
		// dialects.
		top.prop = &envelopeValue
		return nil
	}
	if top.entity && t.dir != dirToV2 && len(raw) == 2 && (raw[0] == 'i' || raw[0] == 'I') && raw[1] == 'd' {
		t.sawID = true
	}
	if t.dir == dirGraph {
		return nil // names and values pass unchanged
	}
	// Property annotations ("name@odata.type") translate the name part.
	name, suffix := raw, []byte(nil)
	if k := bytes.IndexByte(raw, '@'); k > 0 {
		name, suffix = raw[:k], raw[k:]
	}
	if !top.envelope && top.schema == nil && len(t.stack) == 1 && string(name) == "value" && t.isArrayNext(end) {
		// A collection envelope read without a schema.
		top.prop = &envelopeValue
		top.envelope = true
		return nil
	}
	if x := top.idx; x != nil {
		var p *Prop
		if t.dir == dirFromV2 {
			p = x.wireSpecial.lookup(name)
		} else {
			p = x.graphSpecial.lookup(name)
		}
		if p != nil {
			top.prop = p
			out := p.Graph
			if t.dir == dirToV2 {
				out = p.V2Name()
			}
			switch {
			case out == string(name):
				return nil
			case !sameButFirst(out, name):
				t.replace(start, end, `"`, out, string(suffix), `"`)
				return nil
			}
		}
	}
	// The general rule: flip the case of the first letter.
	if len(raw) > 0 {
		t.flip(start + 1)
	}
	return nil
}

// sameButFirst reports whether a and b are equal but for the case of their
// first letter.
func sameButFirst(a string, b []byte) bool {
	if len(a) != len(b) || len(a) == 0 {
		return len(a) == len(b)
	}
	return a[0]|0x20 == b[0]|0x20 && a[1:] == string(b[1:])
}

// isArrayNext reports whether the value after the member name ending at
// end is an array.
func (t *translator) isArrayNext(end int) bool {
	for j := end; j < len(t.src); j++ {
		switch t.src[j] {
		case ' ', '\t', '\n', '\r', ':':
			continue
		case '[':
			return true
		}
		return false
	}
	return false
}

// escapedKey handles a member name written with escapes (rare): decode,
// translate as a string, re-encode.
func (t *translator) escapedKey(start, end int, top *frame) error {
	var name string
	if err := json.Unmarshal(t.src[start:end], &name); err != nil {
		return fmt.Errorf("%w: %v", errMalformedJSON, err)
	}
	t.emit(top)
	if top.raw || t.dir == dirGraph || name == "" || name[0] == '@' {
		return nil
	}
	base, suffix := name, ""
	if k := bytes.IndexByte([]byte(name), '@'); k > 0 {
		base, suffix = name[:k], name[k:]
	}
	var p *Prop
	if top.schema != nil {
		if t.dir == dirFromV2 {
			p = top.schema.index().wire[base]
		} else {
			p = top.schema.index().graph[base]
		}
	}
	out := upperFirst(base)
	switch {
	case p != nil && t.dir == dirFromV2:
		out = p.Graph
	case p != nil:
		out = p.V2Name()
	case t.dir == dirFromV2:
		out = lowerFirst(base)
	}
	top.prop = p
	b, _ := json.Marshal(out + suffix)
	t.replace(start, end, string(b))
	return nil
}

// drops reports whether the annotation of bit is dropped from the object top.
func (t *translator) drops(top *frame, bit uint8) bool {
	if top.schema == nil || top.schema.index().keeps&bit != 0 {
		return false
	}
	return !(bit == dropContext && t.keepContext)
}

func droppableBytes(b []byte) uint8 {
	if len(b) < 9 || string(b[:7]) != "@odata." {
		return 0
	}
	return droppable(string(b))
}

// emit records that the member starting now goes to the output.
func (t *translator) emit(top *frame) {
	top.emitted = true
	t.dropped = false
}

// dropMember leaves out of the output the member whose name starts at
// start, with one of the commas around it.
func (t *translator) dropMember(start int, top *frame) {
	if top.emitted && t.commaI >= 0 {
		// A member precedes in the output: drop the comma before this one.
		t.blankFrom = t.commaI
	} else {
		t.blankFrom = start
		t.dropped = true // and the comma after it, if any
	}
	t.drop = len(t.stack)
	t.dropCount++
}

// value rewrites the string src[start:end] (no escapes) when it is an enum
// member or an @odata.type name.
func (t *translator) value(start, end int, top *frame) {
	if t.drop != 0 {
		return // inside a dropped value: blanked
	}
	v := t.src[start+1 : end-1]
	if top.obj && top.typeKey {
		from, to := graphTypePrefix, v2TypePrefix
		if t.dir == dirFromV2 {
			from, to = v2TypePrefix, graphTypePrefix
		}
		if !bytes.HasPrefix(v, []byte(from)) {
			return
		}
		t.replace(start, end, `"`, to, string(v[len(from):]), `"`)
		if len(v) > len(from) {
			b := &t.dst[len(t.dst)-1-(len(v)-len(from))]
			if t.dir == dirToV2 && *b >= 'a' && *b <= 'z' {
				*b -= 'a' - 'A'
			} else if t.dir == dirFromV2 && *b >= 'A' && *b <= 'Z' {
				*b += 'a' - 'A'
			}
		}
		return
	}
	e := top.prop.Enum
	var out string
	if t.dir == dirToV2 {
		irregular, ok := e.V2[string(v)]
		if !ok {
			t.flip(start + 1)
			return
		}
		out = irregular
	} else {
		g, ok := e.fromV2Bytes(v)
		if !ok {
			t.flip(start + 1)
			return
		}
		out = g
	}
	switch {
	case out == string(v):
	case sameButFirst(out, v):
		t.flip(start + 1)
	default:
		t.replace(start, end, `"`, out, `"`)
	}
}

// lowerASCII appends the ASCII lower-case form of b to dst.
func lowerASCII(dst, b []byte) []byte {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
