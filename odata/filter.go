package odata

import (
	"strconv"
	"strings"
	"time"
)

// Property is a property path of a model, in Graph names, usable in $select,
// $orderby and $expand. Model packages declare their properties once with the
// NewXxxField constructors, so a misspelled property does not compile.
type Property interface {
	// Path returns the Graph property path, such as "from/emailAddress/address".
	Path() string
}

type prop struct{ path string }

// Path returns the Graph property path.
func (p prop) Path() string { return p.path }

// IsNull matches items where the property is null or absent.
func (p prop) IsNull() Filter { return cmp(p.path, "eq", literal{kind: litRaw, s: "null"}) }

// NotNull matches items where the property has a value.
func (p prop) NotNull() Filter { return cmp(p.path, "ne", literal{kind: litRaw, s: "null"}) }

// RawProperty names a property by its Graph path without a declaration.
// Nothing checks the name; prefer the fields the model packages declare.
func RawProperty(path string) Property { return prop{path} }

// StringField is a string property.
type StringField struct{ prop }

// NewStringField declares a string property at a Graph path.
func NewStringField(path string) StringField { return StringField{prop{path}} }

// Eq matches items whose property equals v.
func (f StringField) Eq(v string) Filter { return cmp(f.path, "eq", strLit(v)) }

// Ne matches items whose property differs from v.
func (f StringField) Ne(v string) Filter { return cmp(f.path, "ne", strLit(v)) }

// Gt compares strings ordinally, as the server does.
func (f StringField) Gt(v string) Filter { return cmp(f.path, "gt", strLit(v)) }

// Ge compares strings ordinally, as the server does.
func (f StringField) Ge(v string) Filter { return cmp(f.path, "ge", strLit(v)) }

// Lt compares strings ordinally, as the server does.
func (f StringField) Lt(v string) Filter { return cmp(f.path, "lt", strLit(v)) }

// Le compares strings ordinally, as the server does.
func (f StringField) Le(v string) Filter { return cmp(f.path, "le", strLit(v)) }

// StartsWith matches items whose property starts with prefix.
func (f StringField) StartsWith(prefix string) Filter {
	return fn("startswith", f.path, strLit(prefix))
}

// EndsWith matches items whose property ends with suffix. Exchange does not
// support it on every property.
func (f StringField) EndsWith(suffix string) Filter { return fn("endswith", f.path, strLit(suffix)) }

// Contains matches items whose property contains s. On messages it cannot be
// combined with $orderby on another property (the server answers
// InefficientFilter); use StartsWith or $search there.
func (f StringField) Contains(s string) Filter { return fn("contains", f.path, strLit(s)) }

// BoolField is a boolean property.
type BoolField struct{ prop }

// NewBoolField declares a boolean property at a Graph path.
func NewBoolField(path string) BoolField { return BoolField{prop{path}} }

// Eq matches items whose property equals v.
func (f BoolField) Eq(v bool) Filter {
	return cmp(f.path, "eq", literal{kind: litRaw, s: strconv.FormatBool(v)})
}

// Ne matches items whose property differs from v.
func (f BoolField) Ne(v bool) Filter {
	return cmp(f.path, "ne", literal{kind: litRaw, s: strconv.FormatBool(v)})
}

// TimeField is an Edm.DateTimeOffset property (an instant).
type TimeField struct{ prop }

// NewTimeField declares an instant-valued property at a Graph path.
func NewTimeField(path string) TimeField { return TimeField{prop{path}} }

func timeLit(t time.Time) literal {
	return literal{kind: litRaw, s: t.UTC().Format(time.RFC3339Nano)}
}

// Eq matches items whose property is the instant t.
func (f TimeField) Eq(t time.Time) Filter { return cmp(f.path, "eq", timeLit(t)) }

// Ne matches items whose property is not the instant t.
func (f TimeField) Ne(t time.Time) Filter { return cmp(f.path, "ne", timeLit(t)) }

// Gt matches items whose property is after t.
func (f TimeField) Gt(t time.Time) Filter { return cmp(f.path, "gt", timeLit(t)) }

// Ge matches items whose property is t or after.
func (f TimeField) Ge(t time.Time) Filter { return cmp(f.path, "ge", timeLit(t)) }

// Lt matches items whose property is before t.
func (f TimeField) Lt(t time.Time) Filter { return cmp(f.path, "lt", timeLit(t)) }

// Le matches items whose property is t or before.
func (f TimeField) Le(t time.Time) Filter { return cmp(f.path, "le", timeLit(t)) }

// Number is the set of Go types a NumberField holds.
type Number interface {
	~int | ~int32 | ~int64 | ~float32 | ~float64
}

// NumberField is a numeric property.
type NumberField[N Number] struct{ prop }

// NewNumberField declares a numeric property at a Graph path.
func NewNumberField[N Number](path string) NumberField[N] { return NumberField[N]{prop{path}} }

func numLit[N Number](v N) literal {
	switch x := any(v).(type) {
	case float32:
		return literal{kind: litRaw, s: strconv.FormatFloat(float64(x), 'g', -1, 32)}
	case float64:
		return literal{kind: litRaw, s: strconv.FormatFloat(x, 'g', -1, 64)}
	}
	f := float64(v)
	if f == float64(int64(f)) {
		return literal{kind: litRaw, s: strconv.FormatInt(int64(f), 10)}
	}
	return literal{kind: litRaw, s: strconv.FormatFloat(f, 'g', -1, 64)}
}

// Eq matches items whose property equals v.
func (f NumberField[N]) Eq(v N) Filter { return cmp(f.path, "eq", numLit(v)) }

// Ne matches items whose property differs from v.
func (f NumberField[N]) Ne(v N) Filter { return cmp(f.path, "ne", numLit(v)) }

// Gt matches items whose property is greater than v.
func (f NumberField[N]) Gt(v N) Filter { return cmp(f.path, "gt", numLit(v)) }

// Ge matches items whose property is v or greater.
func (f NumberField[N]) Ge(v N) Filter { return cmp(f.path, "ge", numLit(v)) }

// Lt matches items whose property is less than v.
func (f NumberField[N]) Lt(v N) Filter { return cmp(f.path, "lt", numLit(v)) }

// Le matches items whose property is v or less.
func (f NumberField[N]) Le(v N) Filter { return cmp(f.path, "le", numLit(v)) }

// EnumField is an enum-valued property; E is the model's enum type, whose
// constants carry the Graph spelling. The v2.0 dialect respells values.
type EnumField[E ~string] struct{ prop }

// NewEnumField declares an enum-valued property at a Graph path.
func NewEnumField[E ~string](path string) EnumField[E] { return EnumField[E]{prop{path}} }

// Eq matches items whose property equals v.
func (f EnumField[E]) Eq(v E) Filter { return cmp(f.path, "eq", literal{kind: litEnum, s: string(v)}) }

// Ne matches items whose property differs from v.
func (f EnumField[E]) Ne(v E) Filter { return cmp(f.path, "ne", literal{kind: litEnum, s: string(v)}) }

// StringCollectionField is a collection of strings, such as categories.
type StringCollectionField struct{ prop }

// NewStringCollectionField declares a string-collection property at a Graph path.
func NewStringCollectionField(path string) StringCollectionField {
	return StringCollectionField{prop{path}}
}

// Any matches items where at least one element satisfies the condition
// built from the element.
func (f StringCollectionField) Any(cond func(elem StringField) Filter) Filter {
	return lambda(f.path, func(v string) Filter { return cond(NewStringField(v)) })
}

// Has matches items whose collection holds v (Any with equality).
func (f StringCollectionField) Has(v string) Filter {
	return f.Any(func(e StringField) Filter { return e.Eq(v) })
}

// CollectionField is a collection of complex values whose element fields are
// E (a struct of fields made by the model package for a given path prefix).
type CollectionField[E any] struct {
	prop
	elem func(prefix string) E
}

// NewCollectionField declares a collection of complex values at a Graph path;
// elem returns the element's fields rooted at a prefix (the lambda variable).
func NewCollectionField[E any](path string, elem func(prefix string) E) CollectionField[E] {
	return CollectionField[E]{prop{path}, elem}
}

// Any matches items where at least one element satisfies the condition.
func (f CollectionField[E]) Any(cond func(elem E) Filter) Filter {
	return lambda(f.path, func(v string) Filter { return cond(f.elem(v)) })
}

// Filter is a $filter expression built from typed fields. The zero Filter
// means "no filter". Values are always quoted and escaped by the builder, so
// no caller data can change the expression's structure.
type Filter struct{ n *node }

type litKind uint8

const (
	litString litKind = iota // quoted, ' doubled
	litEnum                  // quoted, respelled for the dialect
	litRaw                   // written as is: numbers, booleans, null, instants
)

type literal struct {
	kind litKind
	s    string
}

func strLit(s string) literal { return literal{kind: litString, s: s} }

type node struct {
	op   string // eq ne gt ge lt le, startswith endswith contains, and or not, any, raw
	path string
	lit  literal
	kids []*node
}

func cmp(path, op string, l literal) Filter  { return Filter{&node{op: op, path: path, lit: l}} }
func fn(name, path string, l literal) Filter { return Filter{&node{op: name, path: path, lit: l}} }

// lambdaVar is the range variable of lambdas; nested lambdas get distinct
// names from their depth when rendered.
const lambdaVar = "\x00v"

func lambda(path string, body func(v string) Filter) Filter {
	inner := body(lambdaVar)
	if inner.n == nil {
		return Filter{}
	}
	return Filter{&node{op: "any", path: path, kids: []*node{inner.n}}}
}

// IsZero reports whether f is the empty filter.
func (f Filter) IsZero() bool { return f.n == nil }

// And combines f with others; all must hold. Zero filters are ignored.
func (f Filter) And(others ...Filter) Filter { return join("and", append([]Filter{f}, others...)) }

// Or combines f with others; one must hold. Zero filters are ignored.
func (f Filter) Or(others ...Filter) Filter { return join("or", append([]Filter{f}, others...)) }

// And returns a filter that holds when all of fs hold.
func And(fs ...Filter) Filter { return join("and", fs) }

// Or returns a filter that holds when any of fs holds.
func Or(fs ...Filter) Filter { return join("or", fs) }

// Not negates f. Graph has no "all" lambda: negate an Any instead.
func Not(f Filter) Filter {
	if f.n == nil {
		return f
	}
	return Filter{&node{op: "not", kids: []*node{f.n}}}
}

// RawFilter is the escape hatch for expressions the builder cannot express.
// The text is sent as is to both dialects: it is neither escaped nor
// translated, so never build it from untrusted input.
func RawFilter(expr string) Filter {
	if expr == "" {
		return Filter{}
	}
	return Filter{&node{op: "raw", path: expr}}
}

func join(op string, fs []Filter) Filter {
	var kids []*node
	for _, f := range fs {
		if f.n != nil {
			kids = append(kids, f.n)
		}
	}
	switch len(kids) {
	case 0:
		return Filter{}
	case 1:
		return Filter{kids[0]}
	}
	return Filter{&node{op: op, kids: kids}}
}

// Render returns the filter's text in dialect d, not yet percent-encoded,
// for a collection of items described by s (the model's WireSchema; nil
// applies the default rules).
func (f Filter) Render(d *Dialect, s *Schema) string {
	if f.n == nil {
		return ""
	}
	var b strings.Builder
	r := renderer{d: d, s: s, b: &b}
	r.node(f.n, 0)
	return b.String()
}

// String returns the filter in the Graph dialect.
func (f Filter) String() string { return f.Render(Graph, nil) }

type renderer struct {
	d    *Dialect
	s    *Schema // the items filtered
	b    *strings.Builder
	vars []varScope // lambda variables in scope, innermost last
}

// varScope is a lambda variable and the collection it ranges over.
type varScope struct {
	name string
	coll *Prop // nil when the tables do not know the collection
}

func (r *renderer) node(n *node, depth int) {
	switch n.op {
	case "and", "or":
		for i, k := range n.kids {
			if i > 0 {
				r.b.WriteString(" " + n.op + " ")
			}
			r.group(k, n.op, depth)
		}
	case "not":
		r.b.WriteString("not(")
		r.node(n.kids[0], depth)
		r.b.WriteString(")")
	case "raw":
		r.b.WriteString("(")
		r.b.WriteString(n.path)
		r.b.WriteString(")")
	case "startswith", "endswith", "contains":
		r.b.WriteString(n.op)
		r.b.WriteString("(")
		p := r.path(n.path)
		r.b.WriteString(",")
		r.lit(n.lit, p)
		r.b.WriteString(")")
	case "any":
		coll := r.path(n.path)
		v := "x"
		if depth > 0 {
			v = "x" + strconv.Itoa(depth)
		}
		r.vars = append(r.vars, varScope{v, coll})
		r.b.WriteString("/any(" + v + ":")
		r.node(n.kids[0], depth+1)
		r.b.WriteString(")")
		r.vars = r.vars[:len(r.vars)-1]
	default:
		p := r.path(n.path)
		r.b.WriteString(" " + n.op + " ")
		r.lit(n.lit, p)
	}
}

// group writes a child of and/or, parenthesised when precedence needs it.
func (r *renderer) group(n *node, parentOp string, depth int) {
	if (n.op == "and" || n.op == "or") && n.op != parentOp {
		r.b.WriteString("(")
		r.node(n, depth)
		r.b.WriteString(")")
		return
	}
	r.node(n, depth)
}

// path writes a property path in the dialect's spelling and returns the
// property it ends at (nil when the tables do not know it). The first
// segment may be a lambda variable: the element of its collection.
func (r *renderer) path(p string) *Prop {
	s := r.s
	var prop *Prop
	first, rest := p, ""
	if i := strings.IndexByte(p, '/'); i >= 0 {
		first, rest = p[:i], p[i+1:]
	}
	if first == lambdaVar && len(r.vars) > 0 {
		v := r.vars[len(r.vars)-1]
		r.b.WriteString(v.name)
		prop, s = v.coll, nil
		if prop != nil {
			s = prop.Elem
		}
		if rest == "" {
			return prop
		}
		r.b.WriteByte('/')
		p = rest
	}
	for i, seg := range strings.Split(p, "/") {
		if i > 0 {
			r.b.WriteByte('/')
		}
		prop, s = r.d.segment(r.b, s, seg)
	}
	return prop
}

// lit writes a literal compared with the property p.
func (r *renderer) lit(l literal, p *Prop) {
	switch l.kind {
	case litString:
		r.b.WriteString(quoteString(l.s))
	case litEnum:
		v := l.s
		if r.d.v2 {
			var e *EnumType
			if p != nil {
				e = p.Enum
			}
			v = e.V2Value(v)
		}
		r.b.WriteString(quoteString(v))
	default:
		r.b.WriteString(l.s)
	}
}

// quoteString writes an OData string literal: single quotes, with each
// single quote inside doubled.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
