package query

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Options is the parsed set of system query options from a URL query,
// validated together.
type Options struct {
	Filter     *Filter  // nil without $filter
	OrderBy    OrderBy  // nil without $orderby
	Select     []string // nil: every property
	Expand     []string // items as written ("attachments", "extensions($filter=id eq 'x')"); the handler checks names
	Top, Skip  int
	HasTop     bool // $top was given (Top may be 0)
	Count      bool
	Search     *Search // nil without $search
	SkipToken  string
	DeltaToken string

	// Custom holds the query parameters that are not system query options
	// (no "$" and not a system option's name), such as calendarView's
	// startDateTime and endDateTime, for the handler to check.
	Custom url.Values
}

// Rules selects the usage rules of one kind of collection.
type Rules struct {
	// Messages applies the message-list rules: $search with $filter answers
	// 400 SearchWithFilter, $search with $orderby 400 SearchWithOrderBy, and
	// $orderby with $filter must pass the InefficientFilter rule (every
	// $orderby property also appears in $filter, in the same order, before
	// any filter-only property) or answer 400 InefficientFilter.
	Messages bool

	// MaxTop is the largest $top accepted; 0 means 1000, Graph's limit for
	// messages.
	MaxTop int
}

// systemOptions are the options ParseOptions understands, by folded name
// without "$".
var systemOptions = []string{"filter", "orderby", "select", "expand", "top", "skip", "count", "search", "skiptoken", "deltatoken"}

// Known OData options that Outlook resources do not take.
var refusedOptions = []string{"format", "compute", "apply", "levels", "index", "schemaversion", "id"}

// ParseOptions parses the system query options of q. Names match
// case-insensitively and with or without "$" ($top, $Top, top); an option
// given twice, an unknown "$" option, a parameter alias (@name) and a
// malformed value answer 400. Errors are *Error.
func ParseOptions(q url.Values, sc *Schema, rules Rules) (*Options, error) {
	o, err := parseOptions(q, sc, rules)
	if err != nil {
		return nil, err
	}
	return o, nil
}

func parseOptions(q url.Values, sc *Schema, rules Rules) (*Options, *Error) {
	// Gather by folded name first so that "$top" and "top" count as one
	// option given twice, and iterate in a fixed order so that a query
	// with several problems always reports the same one.
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	slices.Sort(names)
	raw := map[string]string{}
	o := &Options{}
	for _, k := range names {
		vs := q[k]
		name := strings.ToLower(strings.TrimPrefix(k, "$"))
		switch {
		case strings.HasPrefix(k, "@"):
			return nil, unsupported(codeBadRequest, "parameter aliases ('%s') are not supported", k)
		case slices.Contains(systemOptions, name):
			if _, dup := raw[name]; dup || len(vs) != 1 {
				return nil, newError(classSyntax, codeBadRequest, "query option '$%s' is given more than once", name)
			}
			raw[name] = vs[0]
		case strings.HasPrefix(k, "$") && slices.Contains(refusedOptions, name):
			return nil, unsupported(codeBadRequest, "query option '%s' is not supported", k)
		case strings.HasPrefix(k, "$"):
			return nil, newError(classUnknown, codeBadRequest, "query option '%s' is not allowed; the allowed options are $%s",
				k, strings.Join(systemOptions, ", $"))
		default:
			if o.Custom == nil {
				o.Custom = url.Values{}
			}
			o.Custom[k] = vs
		}
	}

	var err *Error
	if v, ok := raw["filter"]; ok {
		if o.Filter, err = parseFilter(v, sc); err != nil {
			return nil, err
		}
	}
	if v, ok := raw["orderby"]; ok {
		if o.OrderBy, err = parseOrderBy(v, sc); err != nil {
			return nil, err
		}
	}
	if v, ok := raw["select"]; ok {
		if o.Select, err = parseSelect(v, sc); err != nil {
			return nil, err
		}
	}
	if v, ok := raw["expand"]; ok {
		if o.Expand, err = parseExpand(v); err != nil {
			return nil, err
		}
	}
	if v, ok := raw["search"]; ok {
		if o.Search, err = parseSearch(v); err != nil {
			return nil, err
		}
	}
	maxTop := rules.MaxTop
	if maxTop <= 0 {
		maxTop = 1000
	}
	if v, ok := raw["top"]; ok {
		n, err := parseCount("$top", v)
		if err != nil {
			return nil, err
		}
		if n > maxTop {
			return nil, newError(classSyntax, codeBadRequest, "$top: %d is more than the maximum of %d", n, maxTop)
		}
		o.Top, o.HasTop = n, true
	}
	if v, ok := raw["skip"]; ok {
		if o.Skip, err = parseCount("$skip", v); err != nil {
			return nil, err
		}
	}
	if v, ok := raw["count"]; ok {
		switch strings.ToLower(v) {
		case "true":
			o.Count = true
		case "false":
		default:
			return nil, newError(classSyntax, codeBadRequest, "$count: '%s' is not true or false", v)
		}
	}
	o.SkipToken, o.DeltaToken = raw["skiptoken"], raw["deltatoken"]
	if rules.Messages {
		if err := messageRules(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// parseCount reads a non-negative decimal integer: no sign, no spaces.
func parseCount(opt, v string) (int, *Error) {
	if !digits(v) {
		return 0, newError(classSyntax, codeBadRequest, "%s: '%s' is not a non-negative integer", opt, v)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, newError(classSyntax, codeBadRequest, "%s: '%s' is out of range", opt, v)
	}
	return n, nil
}

func messageRules(o *Options) *Error {
	if o.Search != nil && o.Filter != nil {
		return newError(classRule, codeSearchWithFilter, "$search cannot be combined with $filter on messages")
	}
	if o.Search != nil && o.OrderBy != nil {
		return newError(classRule, codeSearchWithOrderBy, "$search cannot be combined with $orderby on messages")
	}
	if o.Filter == nil || o.OrderBy == nil {
		return nil
	}
	props := o.Filter.props
	for i, k := range o.OrderBy {
		if i >= len(props) || !strings.EqualFold(props[i], k.Path) {
			return newError(classRule, codeInefficientFilter,
				"The restriction or sort order is too complex for this operation: $orderby property '%s' must appear in $filter, "+
					"in the same order as in $orderby and before any other property (the $filter names %s)",
				k.Path, listOrNone(props))
		}
	}
	return nil
}

func listOrNone(props []string) string {
	if len(props) == 0 {
		return "no property"
	}
	return "'" + strings.Join(props, "', '") + "'"
}

// parseExpand splits a $expand value into its items and checks each with
// parseExpandItem; the items' names are left to the handler, which knows
// the entity's relationships.
func parseExpand(s string) ([]string, *Error) {
	if strings.Trim(s, " \t") == "" {
		return nil, newError(classSyntax, codeBadRequest, "$expand: no item given")
	}
	var items []string
	depth, start, inQuote := 0, 0, false
	for i := 0; i <= len(s); i++ {
		var c byte = ','
		if i < len(s) {
			c = s[i]
		}
		switch {
		case inQuote:
			if c == '\'' {
				inQuote = false
			}
			if i == len(s) {
				return nil, newError(classSyntax, codeBadRequest, "$expand: unterminated string literal in %s", quote(s))
			}
		case c == '\'':
			inQuote = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return nil, newError(classSyntax, codeBadRequest, "$expand: unbalanced ')' at position %d", i)
			}
		case c == ',' && depth == 0:
			item := strings.Trim(s[start:i], " \t")
			if item == "" || item[0] == '(' {
				return nil, newError(classSyntax, codeBadRequest, "$expand: empty item in %s", quote(s))
			}
			if _, _, err := parseExpandItem(item); err != nil {
				return nil, err
			}
			items = append(items, item)
			start = i + 1
		}
	}
	if depth != 0 {
		return nil, newError(classSyntax, codeBadRequest, "$expand: unbalanced '(' in %s", quote(s))
	}
	return items, nil
}

// ParseRawQuery splits a raw URL query (r.URL.RawQuery) into values for
// ParseOptions. Unlike url.ParseQuery, and r.URL.Query, which silently drops
// such pairs, it keeps ';' inside parentheses, where OData separates nested
// options ($expand=attachments($select=name;$top=5)); a ';' outside
// parentheses, a malformed escape or a pair without a name answer 400. '+'
// decodes to a space, as in every form-encoded query. Errors are *Error.
func ParseRawQuery(raw string) (url.Values, error) {
	q, err := parseRawQuery(raw)
	if err != nil {
		return nil, err
	}
	return q, nil
}

func parseRawQuery(raw string) (url.Values, *Error) {
	q := url.Values{}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		depth := 0
		for i := 0; i < len(pair); i++ {
			switch pair[i] {
			case '(':
				depth++
			case ')':
				depth--
			case ';':
				if depth <= 0 {
					return nil, newError(classSyntax, codeBadRequest,
						"query: ';' outside parentheses in %s; separate options with '&' or encode it as %%3B", quote(pair))
				}
			}
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, newError(classSyntax, codeBadRequest, "query: malformed escape in option name %s", quote(k))
		}
		if key == "" {
			return nil, newError(classSyntax, codeBadRequest, "query: a value without an option name: %s", quote(pair))
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, newError(classSyntax, codeBadRequest, "query: malformed escape in the value of %s", quote(key))
		}
		q[key] = append(q[key], val)
	}
	return q, nil
}

// expandOptions are the options allowed inside $expand=item(...).
var expandOptions = []string{"filter", "select", "orderby", "top", "skip", "count", "search", "expand"}

// ParseExpandItem splits one Options.Expand item, such as
// "singleValueExtendedProperties($filter=id eq 'String {...} Name Color')",
// into its path and its nested options (names as written, values not
// parsed: the handler parses them against the related entity's schema).
// $ref, $count and $levels answer 400, as Graph does on Outlook resources.
// Errors are *Error.
func ParseExpandItem(item string) (path string, nested url.Values, err error) {
	path, nested, e := parseExpandItem(item)
	if e != nil {
		return "", nil, e
	}
	return path, nested, nil
}

func parseExpandItem(item string) (string, url.Values, *Error) {
	path, rest, hasOpts := strings.Cut(item, "(")
	path = strings.Trim(path, " \t")
	if path == "" {
		return "", nil, newError(classSyntax, codeBadRequest, "$expand: item %s has no path", quote(item))
	}
	for seg := range strings.SplitSeq(path, "/") {
		switch {
		case seg == "":
			return "", nil, newError(classSyntax, codeBadRequest, "$expand: empty path segment in %s", quote(item))
		case seg == "$ref" || seg == "$count" || strings.HasPrefix(seg, "@"):
			return "", nil, unsupported(codeBadRequest, "$expand: '%s' is not supported", seg)
		case strings.ContainsAny(seg, " \t'\")"):
			return "", nil, newError(classSyntax, codeBadRequest, "$expand: %s is not a path", quote(path))
		}
	}
	if !hasOpts {
		return path, nil, nil
	}
	if !strings.HasSuffix(rest, ")") {
		return "", nil, newError(classSyntax, codeBadRequest, "$expand: text after the options of %s", quote(item))
	}
	rest = rest[:len(rest)-1]
	nested := url.Values{}
	depth, start, inQuote := 0, 0, false
	for i := 0; i <= len(rest); i++ {
		c := byte(';')
		if i < len(rest) {
			c = rest[i]
		}
		switch {
		case inQuote:
			if c == '\'' {
				inQuote = false
			}
		case c == '\'':
			inQuote = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ';' && depth == 0:
			opt := rest[start:i]
			start = i + 1
			name, val, ok := strings.Cut(opt, "=")
			folded := strings.ToLower(strings.TrimPrefix(name, "$"))
			switch {
			case !ok || name == "":
				return "", nil, newError(classSyntax, codeBadRequest, "$expand: %s in %s is not name=value", quote(opt), quote(item))
			case strings.HasPrefix(name, "@"):
				return "", nil, unsupported(codeBadRequest, "$expand: parameter aliases ('%s') are not supported", name)
			case folded == "levels":
				return "", nil, unsupported(codeBadRequest, "$expand: '%s' is not supported", name)
			case !slices.Contains(expandOptions, folded):
				return "", nil, newError(classUnknown, codeBadRequest, "$expand: option '%s' is not allowed inside $expand", name)
			}
			nested[name] = append(nested[name], val)
		}
	}
	return path, nested, nil
}
