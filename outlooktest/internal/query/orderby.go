package query

import (
	"slices"
	"strings"
	"time"
)

// OrderBy is a parsed $orderby: the sort keys, most significant first.
type OrderBy []OrderKey

// OrderKey is one $orderby key. ParseOrderBy fills Path with the schema's
// spelling. A key built by hand (a handler's default "receivedDateTime
// desc") works too: Sort then infers each value's type from the data.
type OrderKey struct {
	Path string // property path, "/"-separated
	Desc bool

	kind Kind // from the schema; 0 when the key was built by hand
}

// ParseOrderBy parses a $orderby value such as "receivedDateTime desc,subject"
// (keys separated by commas, a space or tab before asc/desc). Only property
// paths are supported as keys: expressions answer 400 naming the construct.
// Errors are *Error.
func ParseOrderBy(s string, sc *Schema) (OrderBy, error) {
	o, err := parseOrderBy(s, sc)
	if err != nil {
		return nil, err
	}
	return o, nil
}

func parseOrderBy(s string, sc *Schema) (OrderBy, *Error) {
	const opt = "$orderby"
	if strings.TrimSpace(s) == "" {
		return nil, newError(classSyntax, codeParseURI, "$orderby: no sort key given")
	}
	if s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t' {
		return nil, newError(classSyntax, codeParseURI, "$orderby: leading or trailing whitespace in %s", quote(s))
	}
	toks, err := lex(opt, s)
	if err != nil {
		return nil, err
	}
	p := &parser{opt: opt, src: s, toks: toks, sc: sc}
	var o OrderBy
	for {
		first := p.next()
		if first.kind != tIdent {
			return nil, p.unexpected(first)
		}
		segs := []string{first.text}
		for {
			last := segs[len(segs)-1]
			switch {
			case strings.HasPrefix(last, "$") || strings.HasPrefix(last, "@") || strings.Contains(last, "."):
				return nil, unsupported(codeParseURI, "$orderby: '%s' (in %s) is not supported; sort by a property", last, quote(s))
			case p.peek().is(tPunct, "("):
				return nil, unsupported(codeParseURI, "$orderby: function calls ('%s(') are not supported; sort by a property", last)
			}
			if !p.peek().is(tPunct, "/") {
				break
			}
			p.next()
			seg := p.next()
			if seg.kind != tIdent {
				return nil, p.unexpected(seg)
			}
			segs = append(segs, seg.text)
		}
		canon, k, err := sc.resolvePath(opt, segs, 0)
		if err != nil {
			return nil, err
		}
		if k.collection() || k == KindObject {
			return nil, newError(classType, codeParseURI, "$orderby: cannot sort by '%s', %s", canon, ref{kind: k}.typ())
		}
		key := OrderKey{Path: canon, kind: k}
		if t := p.peek(); t.space && (t.keyword("asc") || t.keyword("desc")) {
			key.Desc = t.keyword("desc")
			p.next()
		}
		o = append(o, key)
		switch t := p.next(); {
		case t.kind == tEOF:
			return o, nil
		case t.is(tPunct, ","):
		case t.space && t.kind == tIdent:
			return nil, unsupported(codeParseURI, "$orderby: expressions ('%s' at position %d) are not supported; sort by a property", t.text, t.pos)
		default:
			return nil, p.unexpected(t)
		}
	}
}

// sortKey is one value prepared for sorting, so that date-times are parsed
// and strings folded once per object rather than once per comparison.
type sortKey struct {
	rank uint8 // 0 null, 1 bool, 2 number, 3 date-time, 4 string, 5 other: the order between types
	b    bool
	n    float64
	t    time.Time
	s    string // folded
}

func makeSortKey(v any, k Kind) sortKey {
	if k != 0 {
		// With the schema's kind, data that does not fit it is null, as
		// Match treats it.
		switch x := convert(v, k); x.k {
		case vNull:
			return sortKey{}
		case vBool:
			return sortKey{rank: 1, b: x.b}
		case vNumber:
			return sortKey{rank: 2, n: x.n}
		case vTime:
			return sortKey{rank: 3, t: x.t}
		case vString:
			return sortKey{rank: 4, s: strings.ToLower(x.s)}
		default:
			return sortKey{rank: 5}
		}
	}
	switch x := v.(type) {
	case nil:
		return sortKey{}
	case bool:
		return sortKey{rank: 1, b: x}
	case time.Time:
		return sortKey{rank: 3, t: x}
	case string:
		if isDatePrefix(x) {
			if t, ok := parseDataTime(x); ok {
				return sortKey{rank: 3, t: t}
			}
		}
		return sortKey{rank: 4, s: strings.ToLower(x)}
	}
	if f, ok := number(v); ok {
		return sortKey{rank: 2, n: f}
	}
	return sortKey{rank: 5}
}

func (a *sortKey) compare(b *sortKey) int {
	if a.rank != b.rank {
		return int(a.rank) - int(b.rank)
	}
	switch a.rank {
	case 1:
		return cmpBool(a.b, b.b)
	case 2:
		return cmpFloat(a.n, b.n)
	case 3:
		return a.t.Compare(b.t)
	case 4:
		return strings.Compare(a.s, b.s)
	}
	return 0
}

// Sort sorts objs in place, stably. Null (or missing) sorts first ascending
// and last descending, as OData specifies. Strings sort ignoring case, as a
// mailbox shows them (so "High" and "high" tie and keep their order);
// date-times sort as instants whatever their offset. Data that does not fit
// the schema's kind sorts as null. A key built by hand has no kind: values
// then sort by their JSON type, null, false/true, numbers, strings that
// parse as date-times, other strings, then objects.
func (o OrderBy) Sort(objs []map[string]any) {
	if len(o) == 0 || len(objs) < 2 {
		return
	}
	type item struct {
		obj  map[string]any
		keys []sortKey
	}
	items := make([]item, len(objs))
	keys := make([]sortKey, len(objs)*len(o))
	segs := make([][]string, len(o))
	for j, k := range o {
		segs[j] = splitPath(k.Path)
	}
	for i, obj := range objs {
		ks := keys[i*len(o) : (i+1)*len(o) : (i+1)*len(o)]
		for j, k := range o {
			ks[j] = makeSortKey(walk(obj, segs[j]), k.kind)
		}
		items[i] = item{obj, ks}
	}
	slices.SortStableFunc(items, func(a, b item) int {
		for j, k := range o {
			c := a.keys[j].compare(&b.keys[j])
			if c != 0 {
				if k.Desc {
					return -c
				}
				return c
			}
		}
		return 0
	})
	for i := range items {
		objs[i] = items[i].obj
	}
}

func splitPath(p string) []string { return strings.Split(p, "/") }
