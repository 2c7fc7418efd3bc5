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
// (no tree is built): property names change case or are renamed, enum values
// and @odata.type namespaces are respelled, everything else is copied as is.
// The tables come from Register. For the bodies the tables describe, the
// translation is a bijection, so decoding then encoding gives back the same
// bytes.

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

// maxDepth bounds nesting so hostile input cannot grow the stack without end.
const maxDepth = 10000

// frame is one open object or array.
type frame struct {
	obj     bool
	wantKey bool   // objects: a member name comes next
	parent  []byte // Graph name of the property holding this container
	outer   []byte // Graph name of the property holding the enclosing object
	key     []byte // objects: Graph name of the current member (nil before the first)
}

// fromWire translates a body received in dialect d into Graph form, appending
// to dst. For the Graph dialect it returns src unchanged.
func (d *Dialect) fromWire(dst, src []byte) ([]byte, error) {
	if !d.v2 {
		return src, nil
	}
	if cap(dst)-len(dst) < len(src)+len(src)/16 {
		dst = append(make([]byte, 0, len(dst)+len(src)+len(src)/16), dst...)
	}
	return translate(dst, src, false, registry.Load())
}

// toWire translates a Graph-form body into dialect d, appending to dst. For
// the Graph dialect it returns src unchanged.
func (d *Dialect) toWire(dst, src []byte) ([]byte, error) {
	if !d.v2 {
		return src, nil
	}
	return translate(dst, src, true, registry.Load())
}

// translator holds the state of one pass: the output and how much of the
// input has been copied to it.
type translator struct {
	dst  []byte
	src  []byte
	last int // src[last:] has not been copied to dst yet
	toV2 bool
	t    *tables
}

// translate rewrites src (Graph form when toV2, v2.0 form otherwise) into the
// other form, appending to dst.
func translate(dst, src []byte, toV2 bool, t *tables) ([]byte, error) {
	x := translator{dst: dst, src: src, toV2: toV2, t: t}
	err := x.run()
	return x.dst, err
}

// copyTo copies the input up to upTo to the output.
func (x *translator) copyTo(upTo int) {
	x.dst = append(x.dst, x.src[x.last:upTo]...)
	x.last = upTo
}

// replace copies the input up to start, then writes the parts in place of
// src[start:end].
func (x *translator) replace(start, end int, parts ...string) {
	x.copyTo(start)
	for _, p := range parts {
		x.dst = append(x.dst, p...)
	}
	x.last = end
}

// flip changes the case of the letter at dst[pos] in the direction of the
// translation.
func (x *translator) flip(pos int) {
	b := x.dst[pos]
	if x.toV2 && b >= 'a' && b <= 'z' {
		x.dst[pos] = b - 'a' + 'A'
	} else if !x.toV2 && b >= 'A' && b <= 'Z' {
		x.dst[pos] = b - 'A' + 'a'
	}
}

func (x *translator) run() error {
	src := x.src
	var stackBuf [16]frame
	stack := stackBuf[:0]
	done := false // the top-level value is complete
	i := 0
	for i < len(src) {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		case ',':
			if len(stack) == 0 {
				return errMalformedJSON
			}
			if top := &stack[len(stack)-1]; top.obj {
				top.wantKey = true
			}
			i++
			continue
		case ':':
			if len(stack) == 0 || !stack[len(stack)-1].obj || stack[len(stack)-1].key == nil {
				return errMalformedJSON
			}
			i++
			continue
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1].obj != (c == '}') {
				return errMalformedJSON
			}
			stack = stack[:len(stack)-1]
			done = len(stack) == 0
			i++
			continue
		}
		if done {
			return fmt.Errorf("%w: data after the top-level value", errMalformedJSON)
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		if top != nil && top.obj && top.wantKey {
			if c != '"' {
				return errMalformedJSON
			}
			end, esc, err := scanString(src, i)
			if err != nil {
				return err
			}
			top.wantKey = false
			if len(stack) == 1 && x.isEnvelopeValue(i, end) {
				// The collection envelope's "value" is spelled the same in
				// both dialects.
				top.key = src[i+1 : end-1]
				i = end
				continue
			}
			if err := x.key(i, end, esc, top); err != nil {
				return err
			}
			i = end
			continue
		}
		switch c {
		case '{', '[':
			if len(stack) >= maxDepth {
				return fmt.Errorf("%w: nested deeper than %d", errMalformedJSON, maxDepth)
			}
			f := frame{obj: c == '{', wantKey: c == '{'}
			if top != nil {
				if top.obj {
					f.parent, f.outer = top.key, top.parent
				} else {
					f.parent, f.outer = top.parent, top.outer
				}
			}
			stack = append(stack, f)
			i++
		case '"':
			end, esc, err := scanString(src, i)
			if err != nil {
				return err
			}
			switch {
			case top == nil:
				done = true
			case esc:
				// Enum values and type names never need escapes; leave such strings alone.
			case top.obj:
				x.value(i, end, top.parent, top.key, true)
			default:
				x.value(i, end, top.outer, top.parent, false)
			}
			i = end
		default:
			// A number, true, false or null is copied through.
			j := i
			for j < len(src) && !isDelim(src[j]) {
				j++
			}
			if j == i {
				return errMalformedJSON
			}
			done = top == nil
			i = j
		}
	}
	if len(stack) != 0 {
		return errTruncatedJSON
	}
	x.copyTo(len(src))
	return nil
}

func isDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ':', '}', ']', '{', '[', '"':
		return true
	}
	return false
}

// scanString returns the index just past the string starting at src[i] (a
// quote) and whether it holds escapes.
func scanString(src []byte, i int) (end int, esc bool, err error) {
	// Fast path: the closing quote with no backslash before it.
	if j := bytes.IndexByte(src[i+1:], '"'); j >= 0 && bytes.IndexByte(src[i+1:i+1+j], '\\') < 0 {
		return i + 2 + j, false, nil
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '"':
			return j + 1, esc, nil
		case '\\':
			esc = true
			j++
		}
	}
	return 0, false, fmt.Errorf("%w in a string", errTruncatedJSON)
}

// isEnvelopeValue reports whether the top-level member name at
// src[start:end] is the "value" array of a collection envelope.
func (x *translator) isEnvelopeValue(start, end int) bool {
	if string(x.src[start:end]) != `"value"` {
		return false
	}
	for j := end; j < len(x.src); j++ {
		switch x.src[j] {
		case ' ', '\t', '\n', '\r', ':':
			continue
		case '[':
			return true
		}
		return false
	}
	return false
}

// key writes the translated member name src[start:end] and records the
// member's Graph name in top.
func (x *translator) key(start, end int, esc bool, top *frame) error {
	raw := x.src[start+1 : end-1]
	if esc {
		// Rare: decode, translate as a string, re-encode.
		var name string
		if err := json.Unmarshal(x.src[start:end], &name); err != nil {
			return fmt.Errorf("%w: %v", errMalformedJSON, err)
		}
		out, graph := translateName(name, x.toV2, x.t, top.parent)
		b, _ := json.Marshal(out)
		x.replace(start, end, string(b))
		top.key = []byte(graph)
		return nil
	}
	if len(raw) > 0 && raw[0] == '@' {
		// Instance annotations are spelled the same in both dialects.
		top.key = raw
		return nil
	}
	// Property annotations ("name@odata.type") translate the name part.
	name, suffix := raw, []byte(nil)
	if k := bytes.IndexByte(raw, '@'); k > 0 {
		name, suffix = raw[:k], raw[k:]
	}
	table, names := x.t.renameFromV2, &x.t.renameFromV2Names
	if x.toV2 {
		table, names = x.t.renameToV2, &x.t.renameToV2Names
	}
	if !names.mayHave(name) {
		// Certainly not renamed: skip the map.
	} else if renamed, ok := lookupScoped(table[string(name)], top.parent); ok {
		x.replace(start, end, `"`, renamed, string(suffix), `"`)
		if x.toV2 {
			top.key = name
		} else {
			top.key = []byte(renamed)
		}
		return nil
	}
	// The general rule: flip the case of the first letter in place.
	x.copyTo(end)
	pos := len(x.dst) - len(raw) - 1
	if len(raw) > 0 {
		x.flip(pos)
	}
	if x.toV2 {
		top.key = name
	} else {
		top.key = x.dst[pos : pos+len(name) : pos+len(name)]
	}
	return nil
}

// translateName applies the member-name rules to a decoded name and returns
// the output name and the Graph name.
func translateName(name string, toV2 bool, t *tables, parent []byte) (out, graph string) {
	if name == "" || name[0] == '@' {
		return name, name
	}
	base, suffix := name, ""
	if k := bytes.IndexByte([]byte(name), '@'); k > 0 {
		base, suffix = name[:k], name[k:]
	}
	if toV2 {
		if v, ok := lookupScoped(t.renameToV2[base], parent); ok {
			return v + suffix, base
		}
		return upperFirst(base) + suffix, base
	}
	if v, ok := lookupScoped(t.renameFromV2[base], parent); ok {
		return v + suffix, v
	}
	g := lowerFirst(base)
	return g + suffix, g
}

// value rewrites the string src[start:end] (no escapes) when it is an enum
// member or an @odata.type name. parent and name locate it: the Graph name of
// the property holding it and of the property holding that object.
func (x *translator) value(start, end int, parent, name []byte, inObject bool) {
	v := x.src[start+1 : end-1]
	if inObject && string(name) == odataTypeKey {
		from, to := graphTypePrefix, v2TypePrefix
		if !x.toV2 {
			from, to = v2TypePrefix, graphTypePrefix
		}
		if !bytes.HasPrefix(v, []byte(from)) {
			return
		}
		x.replace(start, end, `"`, to, string(v[len(from):]), `"`)
		if len(v) > len(from) {
			x.flip(len(x.dst) - 1 - (len(v) - len(from)))
		}
		return
	}
	if name == nil || !x.t.isEnum(parent, name) {
		return
	}
	var irregular string
	var ok bool
	if x.toV2 {
		irregular, ok = x.t.enumToV2[string(v)]
	} else if irregular, ok = x.t.enumFromV2[string(v)]; !ok && len(v) <= 64 {
		var buf [64]byte
		irregular, ok = x.t.enumFromV2Fold[string(lowerASCII(buf[:0], v))]
	}
	if ok {
		x.replace(start, end, `"`, irregular, `"`)
		return
	}
	x.copyTo(end)
	if len(v) > 0 {
		x.flip(len(x.dst) - 1 - len(v))
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
