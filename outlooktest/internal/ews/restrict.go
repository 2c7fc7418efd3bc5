package ews

// Restrictions and sort orders over the properties of items and folders:
// a Restriction element compiles into a predicate over values the
// property table reads (strings, booleans, numbers, times, and lists of
// strings for multi-valued properties and for mailboxes, which match by
// address or name).

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pathOf resolves a property path element (FieldURI, ExtendedFieldURI,
// IndexedFieldURI) to the function reading its value on a T; searchable
// is false for a property restrictions cannot use.
type pathResolver[T any] func(path *elem) (get func(T) any, searchable bool, rerr *respErr, f *fault)

// restriction is a compiled Restriction.
type restriction[T any] func(T) bool

// compileRestriction compiles the search expression inside a Restriction.
func compileRestriction[T any](e *elem, resolve pathResolver[T]) (restriction[T], *respErr, *fault) {
	if e == nil {
		return func(T) bool { return true }, nil, nil
	}
	if len(e.kids) != 1 {
		return nil, nil, schemaFault(e.line, e.col, "A Restriction holds exactly one search expression.")
	}
	return compileExpr(e.kids[0], resolve, 0)
}

func compileExpr[T any](e *elem, resolve pathResolver[T], depth int) (restriction[T], *respErr, *fault) {
	if depth > 64 {
		return nil, errf("ErrorInvalidRestriction", "The restriction nests too deeply."), nil
	}
	if e.space != nsTypes {
		return nil, nil, schemaFault(e.line, e.col, fmt.Sprintf("The element '%s' is not a search expression.", e.local))
	}
	switch e.local {
	case "And", "Or":
		if len(e.kids) == 0 {
			return nil, nil, schemaFault(e.line, e.col, "The element '"+e.local+"' has incomplete content.")
		}
		var parts []restriction[T]
		for _, k := range e.kids {
			p, rerr, f := compileExpr(k, resolve, depth+1)
			if rerr != nil || f != nil {
				return nil, rerr, f
			}
			parts = append(parts, p)
		}
		if e.local == "And" {
			return func(x T) bool {
				for _, p := range parts {
					if !p(x) {
						return false
					}
				}
				return true
			}, nil, nil
		}
		return func(x T) bool {
			for _, p := range parts {
				if p(x) {
					return true
				}
			}
			return false
		}, nil, nil
	case "Not":
		if len(e.kids) != 1 {
			return nil, nil, schemaFault(e.line, e.col, "The element 'Not' holds exactly one search expression.")
		}
		p, rerr, f := compileExpr(e.kids[0], resolve, depth+1)
		if rerr != nil || f != nil {
			return nil, rerr, f
		}
		return func(x T) bool { return !p(x) }, nil, nil
	case "Exists":
		if len(e.kids) != 1 {
			return nil, nil, schemaFault(e.line, e.col, "The element 'Exists' holds exactly one property path.")
		}
		get, _, rerr, f := resolve(e.kids[0])
		if rerr != nil || f != nil {
			return nil, rerr, f
		}
		return func(x T) bool { return present(get(x)) }, nil, nil
	case "IsEqualTo", "IsNotEqualTo", "IsGreaterThan", "IsGreaterThanOrEqualTo", "IsLessThan", "IsLessThanOrEqualTo":
		return compileComparison(e, resolve)
	case "Contains":
		return compileContains(e, resolve)
	case "Excludes":
		return compileExcludes(e, resolve)
	}
	return nil, nil, schemaFault(e.line, e.col, fmt.Sprintf("The element '%s' is not a search expression.", e.local))
}

func present(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case []string:
		return len(v) > 0
	}
	return true
}

func compileComparison[T any](e *elem, resolve pathResolver[T]) (restriction[T], *respErr, *fault) {
	if len(e.kids) != 2 || !e.kids[1].is(nsTypes, "FieldURIOrConstant") || len(e.kids[1].kids) != 1 {
		return nil, nil, schemaFault(e.line, e.col, "The element '"+e.local+"' needs a property path and a FieldURIOrConstant.")
	}
	get, searchable, rerr, f := resolve(e.kids[0])
	if rerr != nil || f != nil {
		return nil, rerr, f
	}
	if !searchable {
		return nil, errf("ErrorUnsupportedPathForQuery", "The property can not be used with this type of restriction."), nil
	}
	var right func(T) any
	if k := e.kids[1].kids[0]; k.is(nsTypes, "Constant") {
		v, ok := k.attr("Value")
		if !ok {
			return nil, nil, schemaFault(k.line, k.col, "The required attribute 'Value' is missing.")
		}
		right = func(T) any { return v }
	} else {
		g, s, rerr, f := resolve(k)
		if rerr != nil || f != nil {
			return nil, rerr, f
		}
		if !s {
			return nil, errf("ErrorUnsupportedPathForQuery", "The property can not be used with this type of restriction."), nil
		}
		right = g
	}
	op := e.local
	return func(x T) bool {
		l, r := get(x), right(x)
		if !present(l) || r == nil {
			// A restriction on a property the item does not have matches
			// nothing, except "not equal to".
			return op == "IsNotEqualTo"
		}
		c, ok := compareLoose(l, r, op == "IsEqualTo" || op == "IsNotEqualTo")
		if !ok {
			return op == "IsNotEqualTo"
		}
		switch op {
		case "IsEqualTo":
			return c == 0
		case "IsNotEqualTo":
			return c != 0
		case "IsGreaterThan":
			return c > 0
		case "IsGreaterThanOrEqualTo":
			return c >= 0
		case "IsLessThan":
			return c < 0
		}
		return c <= 0
	}, nil, nil
}

// compareLoose compares a property's value with another value (a constant
// is a string, read in the property's type). Strings compare without
// regard to case, as Exchange's default collation does; a list matches
// when one of its members does.
func compareLoose(l, r any, equality bool) (int, bool) {
	if rs, ok := r.([]string); ok {
		if len(rs) == 0 {
			return 0, false
		}
		r = rs[0]
	}
	switch lv := l.(type) {
	case []string:
		best, found := 1, false
		for _, s := range lv {
			if s == "" {
				continue
			}
			c, ok := compareLoose(s, r, equality)
			if ok && c == 0 {
				return 0, true
			}
			if ok {
				best, found = c, true
			}
		}
		return best, found
	case string:
		rv := fmt.Sprint(r)
		return cmp.Compare(strings.ToLower(lv), strings.ToLower(rv)), true
	case bool:
		var rv bool
		switch r := r.(type) {
		case bool:
			rv = r
		case string:
			b, err := parseBool(r)
			if err != nil {
				return 0, false
			}
			rv = b
		default:
			return 0, false
		}
		switch {
		case lv == rv:
			return 0, true
		case !lv:
			return -1, true
		}
		return 1, true
	case float64:
		var rv float64
		switch r := r.(type) {
		case float64:
			rv = r
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(r), 64)
			if err != nil {
				return 0, false
			}
			rv = f
		default:
			return 0, false
		}
		return cmp.Compare(lv, rv), true
	case time.Time:
		var rv time.Time
		switch r := r.(type) {
		case time.Time:
			rv = r
		case string:
			t, err := parseTime(r)
			if err != nil {
				return 0, false
			}
			rv = t
		default:
			return 0, false
		}
		// Exchange keeps times to the second.
		return lv.Truncate(time.Second).Compare(rv.Truncate(time.Second)), true
	}
	return 0, false
}

func compileContains[T any](e *elem, resolve pathResolver[T]) (restriction[T], *respErr, *fault) {
	if len(e.kids) != 2 || !e.kids[1].is(nsTypes, "Constant") {
		return nil, nil, schemaFault(e.line, e.col, "The element 'Contains' needs a property path and a Constant.")
	}
	get, searchable, rerr, f := resolve(e.kids[0])
	if rerr != nil || f != nil {
		return nil, rerr, f
	}
	if !searchable {
		return nil, errf("ErrorUnsupportedPathForQuery", "The property can not be used with this type of restriction."), nil
	}
	want, _ := e.kids[1].attr("Value")
	mode := e.attrOr("ContainmentMode", "FullString")
	comparison := e.attrOr("ContainmentComparison", "Exact")
	switch mode {
	case "FullString", "Prefixed", "Substring", "PrefixOnWords", "ExactPhrase":
	default:
		return nil, nil, schemaFault(e.line, e.col, "The 'ContainmentMode' attribute is invalid - The value '"+mode+"' is invalid according to its datatype.")
	}
	fold := true
	switch comparison {
	case "Exact", "IgnoreNonSpacingCharacters":
		fold = false
	case "IgnoreCase", "Loose", "IgnoreCaseAndNonSpacingCharacters", "LooseAndIgnoreCase", "LooseAndIgnoreNonSpace", "LooseAndIgnoreCaseAndIgnoreNonSpace":
	default:
		return nil, nil, schemaFault(e.line, e.col, "The 'ContainmentComparison' attribute is invalid - The value '"+comparison+"' is invalid according to its datatype.")
	}
	if fold {
		want = strings.ToLower(want)
	}
	match := func(s string) bool {
		if fold {
			s = strings.ToLower(s)
		}
		switch mode {
		case "FullString":
			return s == want
		case "Prefixed":
			return strings.HasPrefix(s, want)
		case "PrefixOnWords":
			for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '-' }) {
				if strings.HasPrefix(w, want) {
					return true
				}
			}
			return false
		}
		return strings.Contains(s, want)
	}
	return func(x T) bool {
		switch v := get(x).(type) {
		case string:
			return match(v)
		case []string:
			return slices.ContainsFunc(v, match)
		}
		return false
	}, nil, nil
}

func compileExcludes[T any](e *elem, resolve pathResolver[T]) (restriction[T], *respErr, *fault) {
	if len(e.kids) != 2 || !e.kids[1].is(nsTypes, "Bitmask") {
		return nil, nil, schemaFault(e.line, e.col, "The element 'Excludes' needs a property path and a Bitmask.")
	}
	get, _, rerr, f := resolve(e.kids[0])
	if rerr != nil || f != nil {
		return nil, rerr, f
	}
	v, _ := e.kids[1].attr("Value")
	base := 10
	if strings.HasPrefix(strings.ToLower(v), "0x") {
		v, base = v[2:], 16
	}
	mask, err := strconv.ParseInt(v, base, 64)
	if err != nil {
		return nil, errf("ErrorInvalidValueForProperty", "The Bitmask value is not a number."), nil
	}
	return func(x T) bool {
		n, ok := get(x).(float64)
		return ok && int64(n)&mask == 0
	}, nil, nil
}

// sortKey is one key of a SortOrder.
type sortKey[T any] struct {
	get  func(T) any
	desc bool
}

// compileSort compiles a SortOrder.
func compileSort[T any](e *elem, resolve pathResolver[T]) ([]sortKey[T], *respErr, *fault) {
	if e == nil {
		return nil, nil, nil
	}
	var keys []sortKey[T]
	for _, fo := range e.all(nsTypes, "FieldOrder") {
		order := fo.attrOr("Order", "Ascending")
		if order != "Ascending" && order != "Descending" {
			return nil, nil, schemaFault(fo.line, fo.col, "The 'Order' attribute is invalid - The value '"+order+"' is invalid according to its datatype.")
		}
		if len(fo.kids) != 1 {
			return nil, nil, schemaFault(fo.line, fo.col, "A FieldOrder holds exactly one property path.")
		}
		get, searchable, rerr, f := resolve(fo.kids[0])
		if rerr != nil || f != nil {
			return nil, rerr, f
		}
		if !searchable {
			return nil, errf("ErrorUnsupportedPathForSortGroup", "The property can not be used for sorting or grouping results."), nil
		}
		keys = append(keys, sortKey[T]{get: get, desc: order == "Descending"})
	}
	return keys, nil, nil
}

// sortBy orders xs by keys, stably; values a member does not have sort
// before all others.
func sortBy[T any](xs []T, keys []sortKey[T]) {
	slices.SortStableFunc(xs, func(a, b T) int {
		for _, k := range keys {
			c := compareValues(k.get(a), k.get(b))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

func compareValues(a, b any) int {
	switch {
	case !present(a) && !present(b):
		return 0
	case !present(a):
		return -1
	case !present(b):
		return 1
	}
	if as, ok := a.([]string); ok {
		a = as[0]
	}
	if bs, ok := b.([]string); ok {
		b = bs[0]
	}
	c, ok := compareLoose(a, b, false)
	if !ok {
		return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
	}
	return c
}
