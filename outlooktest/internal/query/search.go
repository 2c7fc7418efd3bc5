package query

import "strings"

// Search is a parsed $search: a small subset of KQL, enough for the queries
// Graph documents for messages. It is immutable and safe for concurrent use.
type Search struct {
	root snode
}

// The fields a term without a property restriction searches, as Graph's
// default search covers from, subject and body.
var defaultSearchFields = [][]string{
	{"subject"}, {"body", "content"}, {"bodyPreview"},
	{"from", "emailAddress", "name"}, {"from", "emailAddress", "address"},
}

func recipientFields(prop string) [][]string {
	return [][]string{{prop, "*", "emailAddress", "name"}, {prop, "*", "emailAddress", "address"}}
}

// searchProps maps a KQL property restriction to the fields it searches; a
// "*" segment stands for every member of a collection.
var searchProps = map[string][][]string{
	"subject":    {{"subject"}},
	"body":       {{"body", "content"}, {"bodyPreview"}},
	"from":       {{"from", "emailAddress", "name"}, {"from", "emailAddress", "address"}},
	"sender":     {{"sender", "emailAddress", "name"}, {"sender", "emailAddress", "address"}},
	"to":         recipientFields("toRecipients"),
	"cc":         recipientFields("ccRecipients"),
	"bcc":        recipientFields("bccRecipients"),
	"recipients": slicesConcat(recipientFields("toRecipients"), recipientFields("ccRecipients"), recipientFields("bccRecipients")),
	"participants": slicesConcat([][]string{{"from", "emailAddress", "name"}, {"from", "emailAddress", "address"}},
		recipientFields("toRecipients"), recipientFields("ccRecipients"), recipientFields("bccRecipients")),
	"attachment":  {{"attachments", "*", "name"}},
	"attachments": {{"attachments", "*", "name"}},
	"category":    {{"categories", "*"}},
	"categories":  {{"categories", "*"}},
}

// Restrictions matched by equality rather than substring.
var searchExact = map[string]string{
	"hasattachment":  "hasAttachments",
	"hasattachments": "hasAttachments",
	"importance":     "importance",
	"isread":         "isRead",
}

// KQL restrictions Graph supports that this fake does not evaluate.
var searchNotImplemented = map[string]bool{
	"received": true, "sent": true, "size": true, "kind": true, "has": true, "isflagged": true,
	"messagesize": true, "datetimecreated": true, "lastmodifiedtime": true, "folder": true,
}

func slicesConcat(lists ...[][]string) [][]string {
	var out [][]string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// ParseSearch parses a $search value (already URL-decoded): a KQL query,
// usually wrapped in double quotes with inner quotes escaped as \" —
// `"budget"`, `"from:lee@corp.example"`, `"subject:\"q3 numbers\""` — or
// bare: `budget`, `subject:q3`. Terms are words or "phrases", optionally
// restricted to a property (from, to, cc, bcc, sender, recipients,
// participants, subject, body, attachment, category; hasAttachments and
// importance match exactly); terms combine with AND (also implicit), OR, NOT
// and parentheses. AND, OR and NOT are operators only in capitals, as in
// KQL. Date and size restrictions (received:, sent:, size:) answer 501.
// Errors are *Error.
func ParseSearch(s string) (*Search, error) {
	sr, err := parseSearch(s)
	if err != nil {
		return nil, err
	}
	return sr, nil
}

func parseSearch(s string) (*Search, *Error) {
	if strings.Trim(s, " \t") == "" {
		return nil, newError(classSyntax, codeBadRequest, "$search: the search is empty")
	}
	q := s
	if s[0] == '"' {
		end, err := closingQuote(s, 0)
		if err != nil {
			return nil, err
		}
		if end == len(s)-1 { // one quoted KQL query: unescape it
			q = unescapeSearch(s[1:end])
			if strings.Trim(q, " \t") == "" {
				return nil, newError(classSyntax, codeBadRequest, "$search: the search is empty")
			}
		}
	}
	toks, err := lexSearch(q)
	if err != nil {
		return nil, err
	}
	p := &searchParser{toks: toks, src: s}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, newError(classSyntax, codeBadRequest, "$search: unexpected '%s' in %s", p.toks[p.i].text, quote(s))
	}
	return &Search{root: root}, nil
}

// closingQuote returns the index of the double quote closing the one at
// s[i], skipping backslash escapes.
func closingQuote(s string, i int) (int, *Error) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j, nil
		}
	}
	return 0, newError(classSyntax, codeBadRequest, "$search: unterminated quoted string starting at position %d", i)
}

func unescapeSearch(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

type stokKind uint8

const (
	sWord stokKind = iota
	sPhrase
	sOpen
	sClose
)

type stok struct {
	kind stokKind
	text string
	prop string // a restriction written before the term: prop:term
	pos  int
}

func isSearchSpace(c byte) bool { return c == ' ' || c == '\t' }

func lexSearch(s string) ([]stok, *Error) {
	var toks []stok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isSearchSpace(c):
			i++
			continue
		case c == '(':
			toks = append(toks, stok{kind: sOpen, text: "(", pos: i})
			i++
			continue
		case c == ')':
			toks = append(toks, stok{kind: sClose, text: ")", pos: i})
			i++
			continue
		}
		start := i
		var t stok
		switch {
		case c == '"':
			end, err := closingQuote(s, i)
			if err != nil {
				return nil, err
			}
			t = stok{kind: sPhrase, text: unescapeSearch(s[i+1 : end]), pos: i}
			i = end + 1
		case c == '\'' && strings.IndexByte(s[i+1:], '\'') >= 0:
			end := i + 1 + strings.IndexByte(s[i+1:], '\'')
			t = stok{kind: sPhrase, text: s[i+1 : end], pos: i}
			i = end + 1
		default:
			j := i
			for j < len(s) && !isSearchSpace(s[j]) && s[j] != '(' && s[j] != ')' && s[j] != '"' {
				j++
			}
			t = stok{kind: sWord, text: s[i:j], pos: i}
			i = j
			if prop, rest, ok := strings.Cut(t.text, ":"); ok && prop != "" {
				lp := strings.ToLower(prop)
				_, known := searchProps[lp]
				_, exact := searchExact[lp]
				switch {
				case searchNotImplemented[lp]:
					return nil, notImplemented("$search: the '%s:' restriction is not implemented by outlooktest", prop)
				case known || exact:
					if rest == "" {
						if i < len(s) && s[i] == '(' {
							return nil, notImplemented("$search: a restriction on a group ('%s:(') is not implemented by outlooktest", prop)
						}
						if i < len(s) && s[i] == '"' { // subject:"q3 numbers"
							end, err := closingQuote(s, i)
							if err != nil {
								return nil, err
							}
							t = stok{kind: sPhrase, prop: lp, text: unescapeSearch(s[i+1 : end]), pos: start}
							i = end + 1
							break
						}
						return nil, newError(classSyntax, codeBadRequest, "$search: nothing to search for after '%s:'", prop)
					}
					t.prop, t.text = lp, rest
				}
			}
		}
		if i < len(s) && !isSearchSpace(s[i]) && s[i] != ')' && t.kind == sPhrase {
			return nil, newError(classSyntax, codeBadRequest, "$search: a quoted phrase must be followed by a space (position %d)", i)
		}
		if t.text == "" && t.kind == sPhrase {
			return nil, newError(classSyntax, codeBadRequest, "$search: empty phrase at position %d", start)
		}
		toks = append(toks, t)
	}
	if len(toks) == 0 {
		return nil, newError(classSyntax, codeBadRequest, "$search: the search is empty")
	}
	return toks, nil
}

type searchParser struct {
	toks  []stok
	i     int
	src   string
	depth int
}

func (p *searchParser) peekAt(k int) (stok, bool) {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k], true
	}
	return stok{}, false
}

// startsTerm reports whether the token k ahead can begin a term.
func (p *searchParser) startsTerm(k int) bool {
	t, ok := p.peekAt(k)
	return ok && t.kind != sClose
}

// operator reports whether the next token is the operator op: the capital
// word, followed by something it can apply to. Otherwise it is a word.
func (p *searchParser) operator(op string) bool {
	t, ok := p.peekAt(0)
	return ok && t.kind == sWord && t.prop == "" && t.text == op && p.startsTerm(1)
}

func (p *searchParser) parseOr() (snode, *Error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, newError(classSyntax, codeBadRequest, "$search: nested more than %d deep", maxDepth)
	}
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.operator("OR") {
		p.i++
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &sOr{l, r}
	}
	return l, nil
}

func (p *searchParser) parseAnd() (snode, *Error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		if p.operator("AND") {
			p.i++
		} else if !p.startsTerm(0) || p.operator("OR") {
			return l, nil
		}
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &sAnd{l, r}
	}
}

func (p *searchParser) parseUnary() (snode, *Error) {
	if p.operator("NOT") {
		p.i++
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, newError(classSyntax, codeBadRequest, "$search: nested more than %d deep", maxDepth)
		}
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &sNot{x}, nil
	}
	t, ok := p.peekAt(0)
	if !ok {
		return nil, newError(classSyntax, codeBadRequest, "$search: unexpected end of %s", quote(p.src))
	}
	p.i++
	switch t.kind {
	case sOpen:
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c, ok := p.peekAt(0); !ok || c.kind != sClose {
			return nil, newError(classSyntax, codeBadRequest, "$search: missing ')' for '(' at position %d", t.pos)
		}
		p.i++
		return x, nil
	case sClose:
		return nil, newError(classSyntax, codeBadRequest, "$search: unexpected ')' at position %d", t.pos)
	}
	return newTerm(t), nil
}

// Match reports whether obj (a message in Graph names) satisfies the search:
// every term is a case-insensitive substring of one of its fields. A nil
// *Search (no $search) matches everything.
func (s *Search) Match(obj map[string]any) bool {
	if s == nil {
		return true
	}
	return s.root.match(obj)
}

type snode interface{ match(obj map[string]any) bool }

type sAnd struct{ l, r snode }

func (n *sAnd) match(o map[string]any) bool { return n.l.match(o) && n.r.match(o) }

type sOr struct{ l, r snode }

func (n *sOr) match(o map[string]any) bool { return n.l.match(o) || n.r.match(o) }

type sNot struct{ x snode }

func (n *sNot) match(o map[string]any) bool { return !n.x.match(o) }

type sTerm struct {
	text   string     // folded
	fields [][]string // substring match in any of these
	exact  string     // or: equality with this property
}

func newTerm(t stok) *sTerm {
	n := &sTerm{text: strings.ToLower(t.text), fields: defaultSearchFields}
	if t.prop != "" {
		if f, ok := searchProps[t.prop]; ok {
			n.fields = f
		} else {
			n.fields, n.exact = nil, searchExact[t.prop]
		}
	}
	return n
}

func (n *sTerm) match(o map[string]any) bool {
	if n.exact != "" {
		v, _ := field(o, n.exact)
		switch v := v.(type) {
		case string:
			return strings.EqualFold(v, n.text)
		case bool:
			return (n.text == "true") == v && (n.text == "true" || n.text == "false")
		}
		return false
	}
	for _, f := range n.fields {
		if searchIn(o, f, n.text) {
			return true
		}
	}
	return false
}

// searchIn reports whether text is a case-insensitive substring of a string
// reached from v along segs ("*" enters each member of a collection).
func searchIn(v any, segs []string, text string) bool {
	for i, s := range segs {
		if s == "*" {
			found := false
			each(v, func(m any) bool {
				found = searchIn(m, segs[i+1:], text)
				return !found
			})
			return found
		}
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		v, _ = field(m, s)
	}
	str, ok := v.(string)
	return ok && strings.Contains(strings.ToLower(str), text)
}
