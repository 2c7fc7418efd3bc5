package query

import "strings"

// ParseSelect parses a $select value into property paths in the schema's
// spelling, without duplicates. "" and "*" mean every property and return
// nil. Errors are *Error.
func ParseSelect(s string, sc *Schema) ([]string, error) {
	sel, err := parseSelect(s, sc)
	if err != nil {
		return nil, err
	}
	return sel, nil
}

func parseSelect(s string, sc *Schema) ([]string, *Error) {
	const opt = "$select"
	if s == "" {
		return nil, nil
	}
	var out []string
	all := false
	for item := range strings.SplitSeq(s, ",") {
		item = strings.Trim(item, " \t")
		switch {
		case item == "":
			return nil, newError(classSyntax, codeParseURI, "$select: empty item in %s", quote(s))
		case item == "*":
			all = true
			continue
		case strings.ContainsAny(item, "()"):
			return nil, unsupported(codeParseURI, "$select: nested options or function calls (%s) are not supported", quote(item))
		}
		segs := strings.Split(item, "/")
		_, _, declared := sc.lookup(item)
		for _, seg := range segs {
			if declared && strings.HasPrefix(item, "@") {
				break // an annotation the schema declares as a property, such as "@odata.type"
			}
			switch {
			case seg == "":
				return nil, newError(classSyntax, codeParseURI, "$select: empty path segment in %s", quote(item))
			case strings.HasPrefix(seg, "@") || strings.HasPrefix(seg, "$") || strings.Contains(seg, "."):
				return nil, unsupported(codeParseURI, "$select: '%s' (annotations, type casts, actions) is not supported", seg)
			case strings.ContainsFunc(seg, func(r rune) bool { return !isIdentPart(r) }) || !isIdentStart([]rune(seg)[0]):
				return nil, newError(classSyntax, codeParseURI, "$select: %s is not a property name", quote(seg))
			}
		}
		canon, _, err := sc.resolvePath(opt, segs, 0)
		if err != nil {
			return nil, err
		}
		if !containsFold(out, canon) {
			out = append(out, canon)
		}
	}
	if all {
		return nil, nil
	}
	return out, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Project returns a new map holding the selected properties of obj: sel
// (nil keeps every property) and always, plus "id" and every "@odata.*"
// annotation, which Graph returns whatever $select says. A path such as
// "from/emailAddress" keeps only that branch of a complex value. Keys keep
// obj's spelling; nested values are shared with obj, not copied.
func Project(obj map[string]any, sel []string, always []string) map[string]any {
	out := make(map[string]any, len(sel)+len(always)+3)
	if sel == nil {
		for k, v := range obj {
			out[k] = v
		}
		return out
	}
	for k, v := range obj {
		if strings.EqualFold(k, "id") || strings.HasPrefix(k, "@odata.") {
			out[k] = v
		}
	}
	var t selTree
	for _, p := range sel {
		t.add(strings.Split(p, "/"))
	}
	for _, p := range always {
		t.add(strings.Split(p, "/"))
	}
	t.apply(out, obj)
	return out
}

// selTree is a set of selected paths: a node either keeps its whole value
// (all) or only the branches below it.
type selTree struct {
	all      bool
	children map[string]*selTree // keys folded to lower case
}

func (t *selTree) add(segs []string) {
	for _, s := range segs {
		if t.all {
			return // a shorter path already keeps everything below
		}
		if t.children == nil {
			t.children = map[string]*selTree{}
		}
		k := strings.ToLower(s)
		c, ok := t.children[k]
		if !ok {
			c = &selTree{}
			t.children[k] = c
		}
		t = c
	}
	t.all, t.children = true, nil
}

// apply copies into dst the parts of src that t selects.
func (t *selTree) apply(dst, src map[string]any) {
	for name, c := range t.children {
		k, v, ok := fieldKey(src, name)
		if !ok {
			continue
		}
		if c.all {
			dst[k] = v
			continue
		}
		if m, ok := v.(map[string]any); ok {
			sub := make(map[string]any, len(c.children))
			c.apply(sub, m)
			dst[k] = sub
		}
	}
}

// fieldKey is field returning the key as spelled in m.
func fieldKey(m map[string]any, key string) (string, any, bool) {
	if v, ok := m[key]; ok {
		return key, v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return k, v, true
		}
	}
	return "", nil, false
}
