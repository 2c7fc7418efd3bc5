package odata

import (
	"strings"
	"time"
)

// This file exposes the tree of a typed Filter, read-only, for backends that
// translate filters into another query language (EWS restrictions) instead
// of rendering them as $filter text: they read the structure the builder
// made and never re-parse a string.

// FilterOp is the operator of a FilterNode.
type FilterOp string

// Filter operators. Comparisons and functions have a property path and a
// value; And and Or have two or more children, Not and Any one.
const (
	OpEq         FilterOp = "eq"
	OpNe         FilterOp = "ne"
	OpGt         FilterOp = "gt"
	OpGe         FilterOp = "ge"
	OpLt         FilterOp = "lt"
	OpLe         FilterOp = "le"
	OpStartsWith FilterOp = "startswith"
	OpEndsWith   FilterOp = "endswith"
	OpContains   FilterOp = "contains"
	OpAnd        FilterOp = "and"
	OpOr         FilterOp = "or"
	OpNot        FilterOp = "not"
	// OpAny holds when an element of the collection at Path satisfies the
	// child; paths inside the child are relative to that element.
	OpAny FilterOp = "any"
	// OpRaw is a RawFilter: text the builder did not make, with no tree.
	// Its Raw method returns the text; a backend that cannot parse OData
	// must refuse it.
	OpRaw FilterOp = "raw"
)

// ValueKind is the kind of a FilterNode's literal.
type ValueKind uint8

// Literal kinds.
const (
	ValueNone   ValueKind = iota // the node has no literal (and, or, not, any, raw)
	ValueString                  // a string
	ValueEnum                    // an enum member, in its Graph spelling
	ValueNull                    // null (IsNull, NotNull)
	ValueBool                    // true or false
	ValueNumber                  // a number, as its decimal text
	ValueTime                    // an instant, RFC 3339 in UTC
)

// FilterValue is the literal of a comparison or function node. Text is the
// value itself, unquoted: the string, the enum member, "true", "42", the
// instant in RFC 3339.
type FilterValue struct {
	Kind ValueKind
	Text string
}

// FilterNode is one node of a typed filter's tree. It is a read-only view:
// nothing a backend does with it changes the Filter.
type FilterNode struct {
	n *node
	// depth counts the Any nodes above n, so that Relative can say whether
	// a path names the element of the innermost one.
	depth int
}

// Root returns the root of f's tree, or false for the zero Filter.
func (f Filter) Root() (FilterNode, bool) {
	if f.n == nil {
		return FilterNode{}, false
	}
	return FilterNode{n: f.n}, true
}

// Op returns the node's operator.
func (n FilterNode) Op() FilterOp { return FilterOp(n.n.op) }

// Path returns the Graph property path a comparison, function or Any node
// applies to ("receivedDateTime", "from/emailAddress/address"). Inside an
// Any, a path relative to the collection's element is returned without the
// range variable ("emailAddress/address", or "" for the element itself, as in
// categories/any(c: c eq 'x')) and Relative reports true. Nodes without a
// path return "".
func (n FilterNode) Path() string {
	switch n.n.op {
	case "and", "or", "not", "raw":
		return ""
	}
	p := n.n.path
	if p == lambdaVar {
		return ""
	}
	return strings.TrimPrefix(p, lambdaVar+"/")
}

// Relative reports whether Path is relative to the element of the innermost
// enclosing Any rather than to the entity.
func (n FilterNode) Relative() bool {
	switch n.n.op {
	case "and", "or", "not", "raw":
		return false
	}
	return n.depth > 0 && (n.n.path == lambdaVar || strings.HasPrefix(n.n.path, lambdaVar+"/"))
}

// Value returns the literal of a comparison or function node; other nodes
// have Kind ValueNone.
func (n FilterNode) Value() FilterValue {
	switch n.n.op {
	case "and", "or", "not", "any", "raw":
		return FilterValue{}
	}
	l := n.n.lit
	switch l.kind {
	case litString:
		return FilterValue{Kind: ValueString, Text: l.s}
	case litEnum:
		return FilterValue{Kind: ValueEnum, Text: l.s}
	}
	switch l.s {
	case "null":
		return FilterValue{Kind: ValueNull, Text: l.s}
	case "true", "false":
		return FilterValue{Kind: ValueBool, Text: l.s}
	}
	if strings.IndexByte(l.s, 'T') > 0 {
		if _, err := time.Parse(time.RFC3339Nano, l.s); err == nil {
			return FilterValue{Kind: ValueTime, Text: l.s}
		}
	}
	return FilterValue{Kind: ValueNumber, Text: l.s}
}

// Children returns the operands of And and Or, the operand of Not and the
// condition of Any; other nodes have none.
func (n FilterNode) Children() []FilterNode {
	switch n.n.op {
	case "and", "or", "not", "any":
	default:
		return nil
	}
	d := n.depth
	if n.n.op == "any" {
		d++
	}
	out := make([]FilterNode, len(n.n.kids))
	for i, k := range n.n.kids {
		out[i] = FilterNode{n: k, depth: d}
	}
	return out
}

// Raw returns the text of a RawFilter node and true; other nodes return
// false. A raw filter has no tree: it was never parsed, so a backend that
// does not speak OData cannot translate it.
func (n FilterNode) Raw() (string, bool) {
	if n.n.op != "raw" {
		return "", false
	}
	return n.n.path, true
}

// WalkFilter calls visit for every node of f, parents before children, in
// order; it skips a node's children when visit returns false.
func WalkFilter(f Filter, visit func(FilterNode) bool) {
	root, ok := f.Root()
	if !ok {
		return
	}
	var walk func(FilterNode)
	walk = func(n FilterNode) {
		if !visit(n) {
			return
		}
		for _, k := range n.Children() {
			walk(k)
		}
	}
	walk(root)
}
