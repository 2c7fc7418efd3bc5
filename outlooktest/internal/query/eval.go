package query

import (
	"strings"
	"sync"
)

// env is the evaluation state of one Match: the entity and the current
// member of each enclosing any() lambda.
type env struct {
	root map[string]any
	vars [maxLambda]any
}

// envPool recycles evaluation state so that Match allocates nothing: the
// env escapes through the node interface, and a page is thousands of calls.
var envPool = sync.Pool{New: func() any { return new(env) }}

type node interface {
	eval(e *env) val
}

type litNode struct{ v val }

func (n *litNode) eval(*env) val { return n.v }

type propNode struct {
	segs []string
	kind Kind
}

func (n *propNode) eval(e *env) val {
	if len(n.segs) == 1 { // the common case: a top-level property
		v, _ := field(e.root, n.segs[0])
		return convert(v, n.kind)
	}
	return convert(walk(e.root, n.segs), n.kind)
}

type varNode struct {
	depth int
	segs  []string
	kind  Kind
}

func (n *varNode) eval(e *env) val { return convert(walk(e.vars[n.depth], n.segs), n.kind) }

type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opGt
	opGe
	opLt
	opLe
)

type cmpNode struct {
	op   cmpOp
	l, r node
}

func (n *cmpNode) eval(e *env) val { return boolVal(compare(n.op, n.l.eval(e), n.r.eval(e))) }

// compare applies op. Null equals only null and orders with nothing, as in
// OData. Strings are equal ignoring case, as Exchange compares them, and
// ordered ordinally.
func compare(op cmpOp, l, r val) bool {
	if l.k == vNull || r.k == vNull || l.k != r.k || l.k == vOther {
		same := l.k == vNull && r.k == vNull
		switch op {
		case opEq:
			return same
		case opNe:
			return !same
		}
		return false
	}
	var c int
	switch l.k {
	case vString:
		if op == opEq || op == opNe {
			return strings.EqualFold(l.s, r.s) == (op == opEq)
		}
		c = strings.Compare(l.s, r.s)
	case vNumber:
		c = cmpFloat(l.n, r.n)
	case vTime:
		c = l.t.Compare(r.t)
	case vBool:
		c = cmpBool(l.b, r.b)
	}
	switch op {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opGt:
		return c > 0
	case opGe:
		return c >= 0
	case opLt:
		return c < 0
	default:
		return c <= 0
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// The logical operators use OData's three-valued logic: null and false is
// false, null or true is true, not null is null.

type andNode struct{ l, r node }

func (n *andNode) eval(e *env) val {
	l := n.l.eval(e)
	if l.k == vBool && !l.b {
		return l
	}
	r := n.r.eval(e)
	if r.k == vBool && !r.b {
		return r
	}
	if l.k == vBool && r.k == vBool {
		return boolVal(true)
	}
	return nullVal
}

type orNode struct{ l, r node }

func (n *orNode) eval(e *env) val {
	l := n.l.eval(e)
	if l.k == vBool && l.b {
		return l
	}
	r := n.r.eval(e)
	if r.k == vBool && r.b {
		return r
	}
	if l.k == vBool && r.k == vBool {
		return boolVal(false)
	}
	return nullVal
}

type notNode struct{ x node }

func (n *notNode) eval(e *env) val {
	v := n.x.eval(e)
	if v.k != vBool {
		return nullVal
	}
	return boolVal(!v.b)
}

// funcNode is startswith, endswith or contains, case-insensitive as Exchange
// evaluates them.
type funcNode struct {
	fn   string
	a, b node
}

func (n *funcNode) eval(e *env) val {
	a, b := n.a.eval(e), n.b.eval(e)
	if a.k != vString || b.k != vString {
		return nullVal
	}
	s, sub := strings.ToLower(a.s), strings.ToLower(b.s)
	switch n.fn {
	case "startswith":
		return boolVal(strings.HasPrefix(s, sub))
	case "endswith":
		return boolVal(strings.HasSuffix(s, sub))
	default:
		return boolVal(strings.Contains(s, sub))
	}
}

// anyNode is coll/any(x: body), or coll/any() when body is nil.
type anyNode struct {
	from  int      // -1: the collection is below the entity; otherwise below that range variable
	segs  []string // path to the collection
	depth int      // the range variable's slot in env.vars
	body  node
}

func (n *anyNode) eval(e *env) val {
	var base any = e.root
	if n.from >= 0 {
		base = e.vars[n.from]
	}
	found := false
	each(walk(base, n.segs), func(m any) bool {
		if n.body == nil {
			found = true
			return false
		}
		e.vars[n.depth] = m
		if v := n.body.eval(e); v.k == vBool && v.b {
			found = true
			return false
		}
		return true
	})
	e.vars[n.depth] = nil
	return boolVal(found)
}

// each calls f for every member of a collection as encoding/json decodes it
// ([]any) or as a Go test may seed it ([]string, []map[string]any), until f
// returns false. Anything else is an empty collection.
func each(c any, f func(any) bool) {
	switch c := c.(type) {
	case []any:
		for _, m := range c {
			if !f(m) {
				return
			}
		}
	case []string:
		for _, m := range c {
			if !f(m) {
				return
			}
		}
	case []map[string]any:
		for _, m := range c {
			if !f(m) {
				return
			}
		}
	}
}

type inNode struct {
	x    node
	list []val
}

func (n *inNode) eval(e *env) val {
	x := n.x.eval(e)
	for _, v := range n.list {
		if compare(opEq, x, v) {
			return boolVal(true)
		}
	}
	return boolVal(false)
}
