package query

import (
	"slices"
	"strings"
)

// maxLambda bounds how deeply any() lambdas nest; Graph's own examples use one.
const maxLambda = 4

// maxDepth bounds parser recursion so that a hostile "((((...))))" gets an
// error rather than a deep stack.
const maxDepth = 200

// Filter is a parsed $filter, type-checked against a Schema. It is immutable
// and safe for concurrent use.
type Filter struct {
	root  node
	props []string
}

// ParseFilter parses and type-checks a $filter value (already URL-decoded).
// Errors are *Error: Status 400 for what Graph refuses (syntax errors,
// unknown properties, type mismatches, and valid OData that Outlook resources
// do not support: arithmetic, has, all, cast, isof, $it, other functions),
// 501 for what Graph accepts but this fake does not.
func ParseFilter(s string, sc *Schema) (*Filter, error) {
	f, err := parseFilter(s, sc)
	if err != nil {
		return nil, err // a nil *Error must not become a non-nil error
	}
	return f, nil
}

func parseFilter(s string, sc *Schema) (*Filter, *Error) {
	const opt = "$filter"
	if strings.TrimSpace(s) == "" {
		return nil, newError(classSyntax, codeParseURI, "$filter: the expression is empty")
	}
	if s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t' {
		// The OData ABNF admits no whitespace around the expression; it is
		// usually a '+' meant as %2B or a stray space in a hand-built URL.
		return nil, newError(classSyntax, codeParseURI, "$filter: leading or trailing whitespace in %s", quote(s))
	}
	toks, err := lex(opt, s)
	if err != nil {
		return nil, err
	}
	p := &parser{opt: opt, src: s, toks: toks, sc: sc}
	n, t, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if tok := p.peek(); tok.kind != tEOF {
		return nil, p.unexpected(tok)
	}
	if t.k != sBool && t.k != sNull {
		return nil, newError(classType, codeParseURI, "$filter: the expression must be true or false, but %s is %s", quote(s), t)
	}
	return &Filter{root: n, props: p.props}, nil
}

// Match reports whether obj satisfies the filter. A missing property is null,
// and a comparison with null is false except for eq null / ne null, as in
// OData. Data of another type than the schema declares counts as null.
// A nil *Filter (no $filter) matches everything, so a handler can call
// Options.Filter.Match unconditionally.
func (f *Filter) Match(obj map[string]any) bool {
	if f == nil {
		return true
	}
	e := envPool.Get().(*env)
	e.root = obj
	v := f.root.eval(e)
	*e = env{} // drop references to caller data before pooling
	envPool.Put(e)
	return v.k == vBool && v.b
}

// Properties returns the property paths the filter references, in the
// schema's spelling and in order of first appearance, which is what Graph's
// InefficientFilter rule compares $orderby with. A lambda contributes its
// collection ("toRecipients"), not the members it tests.
func (f *Filter) Properties() []string {
	if f == nil {
		return nil
	}
	return slices.Clone(f.props)
}

// sType is the static type of an expression.
type sType uint8

const (
	sNull sType = iota
	sString
	sBool
	sNumber
	sTime
	sObject
	sCollection
)

type styp struct {
	k     sType
	enum  bool   // an enum property: ordering comparisons are refused
	qenum bool   // a qualified enum literal: only comparable with an enum property
	what  string // how error messages name the expression
}

func (t styp) String() string {
	name := [...]string{"null", "a String", "a Boolean", "a Number", "a DateTimeOffset", "a complex value", "a collection"}[t.k]
	if t.enum {
		name = "an enum"
	}
	return name
}

type scope struct {
	name string // range variable
	path string // canonical path of the collection
	elem Kind   // KindString for a string collection, KindObject otherwise
}

type parser struct {
	opt    string
	src    string
	toks   []token
	i      int
	sc     *Schema
	scopes []scope
	props  []string
	depth  int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) unexpected(t token) *Error {
	return newError(classSyntax, codeParseURI, "%s: syntax error at position %d in %s: unexpected %s", p.opt, t.pos, quote(p.src), t.describe())
}

func (p *parser) expect(text string) *Error {
	t := p.next()
	if !t.is(tPunct, text) {
		e := p.unexpected(t)
		e.Message += ", want '" + text + "'"
		return e
	}
	return nil
}

func (p *parser) addProp(path string) {
	if !slices.Contains(p.props, path) {
		p.props = append(p.props, path)
	}
}

// binaryKeyword reports whether the next token is the binary operator w,
// which must stand apart from its left operand.
func (p *parser) binaryKeyword(w string) bool {
	t := p.peek()
	return t.space && t.keyword(w)
}

func (p *parser) enter() *Error {
	p.depth++
	if p.depth > maxDepth {
		return newError(classSyntax, codeParseURI, "%s: expression nested more than %d deep", p.opt, maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) needBool(t styp, op string) *Error {
	if t.k == sBool || t.k == sNull {
		return nil
	}
	return newError(classType, codeParseURI, "%s: operand of '%s' must be true or false, but %s is %s", p.opt, op, t.what, t)
}

func (p *parser) parseOr() (node, styp, *Error) {
	if err := p.enter(); err != nil {
		return nil, styp{}, err
	}
	defer p.leave()
	l, lt, err := p.parseAnd()
	if err != nil {
		return nil, styp{}, err
	}
	for p.binaryKeyword("or") {
		p.next()
		r, rt, err := p.parseAnd()
		if err != nil {
			return nil, styp{}, err
		}
		if err := p.needBool(lt, "or"); err != nil {
			return nil, styp{}, err
		}
		if err := p.needBool(rt, "or"); err != nil {
			return nil, styp{}, err
		}
		l, lt = &orNode{l, r}, styp{k: sBool, what: "an 'or' expression"}
	}
	return l, lt, nil
}

func (p *parser) parseAnd() (node, styp, *Error) {
	l, lt, err := p.parseComparison()
	if err != nil {
		return nil, styp{}, err
	}
	for p.binaryKeyword("and") {
		p.next()
		r, rt, err := p.parseComparison()
		if err != nil {
			return nil, styp{}, err
		}
		if err := p.needBool(lt, "and"); err != nil {
			return nil, styp{}, err
		}
		if err := p.needBool(rt, "and"); err != nil {
			return nil, styp{}, err
		}
		l, lt = &andNode{l, r}, styp{k: sBool, what: "an 'and' expression"}
	}
	return l, lt, nil
}

var compareOps = map[string]cmpOp{"eq": opEq, "ne": opNe, "gt": opGt, "ge": opGe, "lt": opLt, "le": opLe}

func (p *parser) parseComparison() (node, styp, *Error) {
	l, lt, err := p.parseUnary()
	if err != nil {
		return nil, styp{}, err
	}
	for {
		t := p.peek()
		if !t.space || t.kind != tIdent {
			return l, lt, nil
		}
		w := strings.ToLower(t.text)
		if op, ok := compareOps[w]; ok {
			p.next()
			r, rt, err := p.parseUnary()
			if err != nil {
				return nil, styp{}, err
			}
			if err := p.compatible(w, op, lt, rt); err != nil {
				return nil, styp{}, err
			}
			l, lt = &cmpNode{op: op, l: l, r: r}, styp{k: sBool, what: "a comparison"}
			continue
		}
		switch w {
		case "in":
			p.next()
			n, err := p.parseIn(l, lt)
			if err != nil {
				return nil, styp{}, err
			}
			l, lt = n, styp{k: sBool, what: "an 'in' expression"}
		case "add", "sub", "mul", "div", "divby", "mod":
			return nil, styp{}, unsupported(codeParseURI, "%s: arithmetic operator '%s' (position %d) is not supported", p.opt, t.text, t.pos)
		case "has":
			return nil, styp{}, unsupported(codeParseURI, "%s: operator 'has' (position %d) is not supported on Outlook resources", p.opt, t.pos)
		default:
			return l, lt, nil
		}
	}
}

// compatible type-checks a comparison; Graph answers 400 for a mismatch.
func (p *parser) compatible(word string, op cmpOp, l, r styp) *Error {
	if l.k == sNull || r.k == sNull {
		if l.k == sCollection || r.k == sCollection {
			return p.collectionOperand(l, r)
		}
		return nil
	}
	if l.k == sCollection || r.k == sCollection {
		return p.collectionOperand(l, r)
	}
	if l.k == sObject || r.k == sObject {
		return newError(classType, codeParseURI, "%s: cannot compare complex value %s; compare one of its properties (for example from/emailAddress/address)",
			p.opt, pick(l.k == sObject, l, r).what)
	}
	if l.k != r.k {
		return newError(classType, codeParseURI, "%s: cannot compare %s (%s) with %s (%s) using '%s'", p.opt, l.what, l, r.what, r, word)
	}
	if l.k == sString {
		if op != opEq && op != opNe && (l.enum || r.enum || l.qenum || r.qenum) {
			return unsupported(codeParseURI, "%s: ordering operator '%s' on enum value %s is not supported", p.opt, word, pick(l.enum || l.qenum, l, r).what)
		}
		if l.qenum && !r.enum && !r.qenum || r.qenum && !l.enum && !l.qenum {
			lit, other := pick(l.qenum, l, r), pick(l.qenum, r, l)
			return newError(classType, codeParseURI, "%s: enum literal %s compared with %s, which is not an enum", p.opt, lit.what, other.what)
		}
	}
	return nil
}

func (p *parser) collectionOperand(l, r styp) *Error {
	c := pick(l.k == sCollection, l, r)
	return newError(classType, codeParseURI, "%s: %s is a collection; test its members with %s/any(x: x eq ...)", p.opt, c.what, strings.Trim(c.what, "'"))
}

func pick(cond bool, a, b styp) styp {
	if cond {
		return a
	}
	return b
}

func (p *parser) parseUnary() (node, styp, *Error) {
	if err := p.enter(); err != nil {
		return nil, styp{}, err
	}
	defer p.leave()
	t := p.peek()
	if t.keyword("not") {
		if n := p.peekAt(1); n.is(tPunct, "(") || n.space && n.kind != tEOF {
			p.next()
			x, xt, err := p.parseUnary()
			if err != nil {
				return nil, styp{}, err
			}
			if err := p.needBool(xt, "not"); err != nil {
				return nil, styp{}, err
			}
			return &notNode{x}, styp{k: sBool, what: "a 'not' expression"}, nil
		}
	}
	if t.is(tOther, "-") {
		return nil, styp{}, unsupported(codeParseURI, "%s: negation operator '-' (position %d) is not supported", p.opt, t.pos)
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (node, styp, *Error) {
	t := p.next()
	switch t.kind {
	case tPunct:
		if t.text != "(" {
			return nil, styp{}, p.unexpected(t)
		}
		n, nt, err := p.parseOr()
		if err != nil {
			return nil, styp{}, err
		}
		if err := p.expect(")"); err != nil {
			return nil, styp{}, err
		}
		return n, nt, nil
	case tString, tNumber, tDate, tDateTime, tTyped:
		v, vt, err := p.literal(t)
		if err != nil {
			return nil, styp{}, err
		}
		return &litNode{v}, vt, nil
	case tIdent:
		return p.parseIdent(t)
	}
	return nil, styp{}, p.unexpected(t)
}

// literal converts a literal token to a value and its static type.
func (p *parser) literal(t token) (val, styp, *Error) {
	what := t.describe()
	switch t.kind {
	case tString:
		return val{k: vString, s: t.text}, styp{k: sString, what: what}, nil
	case tNumber:
		return val{k: vNumber, n: t.num}, styp{k: sNumber, what: what}, nil
	case tDate, tDateTime:
		// A bare date is midnight UTC: Graph accepts it for receivedDateTime.
		return val{k: vTime, t: t.t}, styp{k: sTime, what: what}, nil
	case tTyped:
		if strings.Contains(t.prefix, ".") { // microsoft.graph.importance'high'
			return val{k: vString, s: t.text}, styp{k: sString, qenum: true, what: what}, nil
		}
		return val{}, styp{}, unsupported(codeParseURI, "%s: %s literals (position %d) are not supported", p.opt, t.prefix, t.pos)
	case tIdent:
		switch strings.ToLower(t.text) {
		case "true", "false":
			return boolVal(strings.EqualFold(t.text, "true")), styp{k: sBool, what: t.text}, nil
		case "null":
			return nullVal, styp{k: sNull, what: "null"}, nil
		}
	}
	return val{}, styp{}, p.unexpected(t)
}

var odataFunctions = map[string]bool{
	"concat": true, "indexof": true, "length": true, "substring": true, "tolower": true, "toupper": true, "trim": true,
	"matchespattern": true, "hassubset": true, "hassubsequence": true, "date": true, "day": true, "fractionalseconds": true,
	"hour": true, "maxdatetime": true, "mindatetime": true, "minute": true, "month": true, "now": true, "second": true,
	"time": true, "totaloffsetminutes": true, "totalseconds": true, "year": true, "ceiling": true, "floor": true, "round": true,
	"cast": true, "isof": true,
}

func (p *parser) parseIdent(t token) (node, styp, *Error) {
	next := p.peek()
	lower := strings.ToLower(t.text)
	if !next.is(tPunct, "/") && !next.is(tPunct, "(") {
		switch lower {
		case "true", "false", "null":
			v, vt, err := p.literal(t)
			return &litNode{v}, vt, err
		case "inf", "nan":
			return nil, styp{}, unsupported(codeParseURI, "%s: %s literals are not supported", p.opt, t.text)
		}
	}
	if _, _, declared := p.sc.lookup(t.text); declared && strings.HasPrefix(t.text, "@") && !next.is(tPunct, "(") {
		// An annotation the schema declares as a property, such as
		// "@odata.type" on attachments.
		return p.parsePath(t)
	}
	switch {
	case strings.HasPrefix(t.text, "$"):
		return nil, styp{}, unsupported(codeParseURI, "%s: '%s' (position %d) is not supported", p.opt, t.text, t.pos)
	case strings.HasPrefix(t.text, "@"):
		return nil, styp{}, unsupported(codeParseURI, "%s: parameter aliases and annotations ('%s' at position %d) are not supported", p.opt, t.text, t.pos)
	}
	if next.is(tPunct, "(") {
		p.next()
		switch lower {
		case "startswith", "endswith", "contains":
			return p.parseStringFunc(t, lower)
		case "any", "all":
			return nil, styp{}, newError(classSyntax, codeParseURI, "%s: '%s' at position %d must follow a collection path, as in categories/%s(c: c eq 'x')", p.opt, t.text, t.pos, lower)
		}
		if _, _, ok := p.sc.lookup(t.text); ok {
			return nil, styp{}, unsupported(codeParseURI, "%s: key or function segment '%s(' (position %d) is not supported", p.opt, t.text, t.pos)
		}
		if odataFunctions[lower] || strings.Contains(t.text, ".") {
			return nil, styp{}, unsupported(codeParseURI, "%s: function '%s' (position %d) is not supported; Outlook resources support startswith, endswith and contains",
				p.opt, t.text, t.pos)
		}
		return nil, styp{}, newError(classSyntax, codeParseURI, "%s: unknown function '%s' at position %d", p.opt, t.text, t.pos)
	}
	if strings.Contains(t.text, ".") {
		return nil, styp{}, unsupported(codeParseURI, "%s: qualified name '%s' (position %d) is not supported: type casts and bound functions are not available", p.opt, t.text, t.pos)
	}
	return p.parsePath(t)
}

// parsePath reads a property path, a range variable path, or a lambda.
func (p *parser) parsePath(first token) (node, styp, *Error) {
	segs := []string{first.text}
	for p.peek().is(tPunct, "/") {
		p.next()
		s := p.next()
		if s.kind != tIdent {
			return nil, styp{}, p.unexpected(s)
		}
		lower := strings.ToLower(s.text)
		if (lower == "any" || lower == "all") && p.peek().is(tPunct, "(") {
			return p.parseLambda(segs, s)
		}
		switch {
		case strings.HasPrefix(s.text, "$"):
			return nil, styp{}, unsupported(codeParseURI, "%s: path segment '%s' (position %d) is not supported", p.opt, s.text, s.pos)
		case strings.HasPrefix(s.text, "@"):
			return nil, styp{}, unsupported(codeParseURI, "%s: annotations ('%s' at position %d) are not supported", p.opt, s.text, s.pos)
		case strings.Contains(s.text, "."):
			return nil, styp{}, unsupported(codeParseURI, "%s: type-cast or function segment '%s' (position %d) is not supported", p.opt, s.text, s.pos)
		}
		segs = append(segs, s.text)
	}
	if t := p.peek(); t.is(tPunct, "(") {
		return nil, styp{}, unsupported(codeParseURI, "%s: key or function segment after '%s' (position %d) is not supported", p.opt, strings.Join(segs, "/"), t.pos)
	}
	ref, err := p.resolve(segs)
	if err != nil {
		return nil, styp{}, err
	}
	if ref.depth < 0 {
		p.addProp(ref.path)
	}
	return ref.node(), ref.typ(), nil
}

// ref is a resolved path: from the entity (depth -1) or from a range variable.
type ref struct {
	depth int      // -1: the entity; otherwise the lambda nesting level
	segs  []string // segments below the entity or the variable
	path  string   // canonical schema path
	kind  Kind
	what  string
}

func (r ref) node() node {
	if r.depth < 0 {
		return &propNode{segs: r.segs, kind: r.kind}
	}
	return &varNode{depth: r.depth, segs: r.segs, kind: r.kind}
}

func (r ref) typ() styp {
	t := styp{what: r.what}
	switch r.kind {
	case KindString:
		t.k = sString
	case KindEnum:
		t.k, t.enum = sString, true
	case KindBool:
		t.k = sBool
	case KindNumber:
		t.k = sNumber
	case KindDateTime:
		t.k = sTime
	case KindObject:
		t.k = sObject
	default:
		t.k = sCollection
	}
	return t
}

func (p *parser) resolve(segs []string) (ref, *Error) {
	what := "'" + strings.Join(segs, "/") + "'"
	for d := len(p.scopes) - 1; d >= 0; d-- {
		sc := p.scopes[d]
		if segs[0] != sc.name {
			continue
		}
		if len(segs) == 1 {
			return ref{depth: d, path: sc.path, kind: sc.elem, what: what}, nil
		}
		if sc.elem != KindObject {
			return ref{}, newError(classType, codeParseURI, "%s: %s: the members of '%s' are strings and have no properties", p.opt, what, sc.path)
		}
		base := strings.Split(sc.path, "/")
		canon, k, err := p.sc.resolvePath(p.opt, append(base, segs[1:]...), len(base))
		if err != nil {
			return ref{}, err
		}
		// Evaluate with the schema's spelling: an alias (a v2.0 rename such
		// as MobilePhone1) names a key the data does not have.
		return ref{depth: d, segs: strings.Split(canon, "/")[len(base):], path: canon, kind: k, what: what}, nil
	}
	canon, k, err := p.sc.resolvePath(p.opt, segs, 0)
	if err != nil {
		return ref{}, err
	}
	return ref{depth: -1, segs: strings.Split(canon, "/"), path: canon, kind: k, what: what}, nil
}

func (p *parser) parseLambda(segs []string, op token) (node, styp, *Error) {
	if strings.EqualFold(op.text, "all") {
		return nil, styp{}, unsupported(codeParseURI, "%s: the 'all' operator (position %d) is not supported; use not(%s/any(x: not (...)))",
			p.opt, op.pos, strings.Join(segs, "/"))
	}
	coll, err := p.resolve(segs)
	if err != nil {
		return nil, styp{}, err
	}
	if !coll.kind.collection() {
		return nil, styp{}, newError(classType, codeParseURI, "%s: any() needs a collection, but %s is %s", p.opt, coll.what, coll.typ())
	}
	if coll.depth < 0 {
		p.addProp(coll.path)
	}
	p.next() // (
	n := &anyNode{from: coll.depth, segs: coll.segs, depth: len(p.scopes)}
	if p.peek().is(tPunct, ")") {
		p.next()
		return n, styp{k: sBool, what: "an any() expression"}, nil
	}
	if len(p.scopes) == maxLambda {
		return nil, styp{}, unsupported(codeParseURI, "%s: lambdas nested more than %d deep are not supported", p.opt, maxLambda)
	}
	v := p.next()
	if v.kind != tIdent || strings.ContainsAny(v.text, ".$@") {
		return nil, styp{}, p.unexpected(v)
	}
	if err := p.expect(":"); err != nil {
		return nil, styp{}, err
	}
	elem := KindObject
	if coll.kind == KindStringCollection {
		elem = KindString
	}
	p.scopes = append(p.scopes, scope{name: v.text, path: coll.path, elem: elem})
	body, bt, err := p.parseOr()
	p.scopes = p.scopes[:len(p.scopes)-1]
	if err != nil {
		return nil, styp{}, err
	}
	if err := p.needBool(bt, "any"); err != nil {
		return nil, styp{}, err
	}
	if err := p.expect(")"); err != nil {
		return nil, styp{}, err
	}
	n.body = body
	return n, styp{k: sBool, what: "an any() expression"}, nil
}

func (p *parser) parseStringFunc(name token, fn string) (node, styp, *Error) {
	var args [2]node
	for i := range args {
		if i > 0 {
			if err := p.expect(","); err != nil {
				return nil, styp{}, err
			}
		}
		a, at, err := p.parseOr()
		if err != nil {
			return nil, styp{}, err
		}
		if at.k == sCollection {
			return nil, styp{}, unsupported(codeParseURI, "%s: %s on collection %s is not supported", p.opt, name.text, at.what)
		}
		if at.k != sString && at.k != sNull {
			return nil, styp{}, newError(classType, codeParseURI, "%s: %s needs strings, but %s is %s", p.opt, name.text, at.what, at)
		}
		args[i] = a
	}
	if err := p.expect(")"); err != nil {
		return nil, styp{}, err
	}
	return &funcNode{fn: fn, a: args[0], b: args[1]}, styp{k: sBool, what: name.text + "()"}, nil
}

// parseIn reads "(lit, lit, ...)" after the keyword in.
func (p *parser) parseIn(x node, xt styp) (node, *Error) {
	t := p.next()
	if !t.is(tPunct, "(") {
		return nil, p.unexpected(t)
	}
	n := &inNode{x: x}
	if p.peek().is(tPunct, ")") {
		p.next()
		return n, nil
	}
	for {
		lt := p.next()
		switch lt.kind {
		case tString, tNumber, tDate, tDateTime, tTyped, tIdent:
		default:
			return nil, p.unexpected(lt)
		}
		if lt.kind == tIdent && !lt.keyword("true") && !lt.keyword("false") && !lt.keyword("null") {
			return nil, unsupported(codeParseURI, "%s: 'in' takes a list of literals; %s at position %d is not one", p.opt, lt.describe(), lt.pos)
		}
		v, vt, err := p.literal(lt)
		if err != nil {
			return nil, err
		}
		if err := p.compatible("in", opEq, xt, vt); err != nil {
			return nil, err
		}
		n.list = append(n.list, v)
		if sep := p.next(); sep.is(tPunct, ")") {
			return n, nil
		} else if !sep.is(tPunct, ",") {
			return nil, p.unexpected(sep)
		}
	}
}
