package query

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // name, keyword, qualified name, $it, @alias
	tString           // 'text' with '' decoded
	tNumber           // 42, -1.5, 1e3
	tDate             // 2024-05-01
	tDateTime         // 2024-05-01T00:00:00Z
	tTyped            // prefix'text': enum member or another typed literal
	tPunct            // ( ) , / :
	tOther            // any other character: [ { - * ...
)

type token struct {
	kind   tokKind
	text   string    // identifier, decoded string, literal as written, or the character
	prefix string    // tTyped: the part before the quote
	num    float64   // tNumber
	t      time.Time // tDate, tDateTime
	pos    int       // byte offset in the input, as the OData ABNF test cases count
	space  bool      // whitespace precedes the token: binary operators need it
}

func (t token) is(kind tokKind, text string) bool { return t.kind == kind && t.text == text }

// keyword reports whether t is the word w; OData keywords and function names
// are case-insensitive ("EQ", "startsWith").
func (t token) keyword(w string) bool { return t.kind == tIdent && strings.EqualFold(t.text, w) }

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tString:
		return "string literal " + quote(t.text)
	case tTyped:
		return "literal " + t.prefix + quote(t.text)
	}
	return quote(t.text)
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool {
	return r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isLiteralPart(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == ':' || c == '+' || c == '-'
}

// lex splits a $filter or $orderby value into tokens. Option names the
// option in error messages.
func lex(option, s string) ([]token, *Error) {
	var toks []token
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			space = true
			i++
			continue
		case c == '(' || c == ')' || c == ',' || c == '/' || c == ':':
			toks = append(toks, token{kind: tPunct, text: s[i : i+1], pos: i, space: space})
			i++
		case c == '\'':
			text, n, err := lexString(option, s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tString, text: text, pos: i, space: space})
			i += n
		case c >= '0' && c <= '9' || c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && isLiteralPart(s[j]) {
				j++
			}
			tok, err := classifyLiteral(option, s[i:j], i)
			if err != nil {
				return nil, err
			}
			tok.space = space
			toks = append(toks, tok)
			i = j
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				return nil, newError(classSyntax, codeParseURI, "%s: invalid UTF-8 at position %d", option, i)
			}
			if r == '[' || r == '{' {
				// Stop here: the JSON inside would not lex as OData.
				return nil, unsupported(codeParseURI, "%s: JSON literals ('%c' at position %d) are not supported", option, r, i)
			}
			if !isIdentStart(r) && r != '$' && r != '@' {
				toks = append(toks, token{kind: tOther, text: string(r), pos: i, space: space})
				i += size
				break
			}
			j := i + size
			for j < len(s) {
				r, n := utf8.DecodeRuneInString(s[j:])
				if !isIdentPart(r) {
					break
				}
				j += n
			}
			tok := token{kind: tIdent, text: s[i:j], pos: i, space: space}
			if j < len(s) && s[j] == '\'' { // Namespace.Enum'member', duration'P1D', ...
				text, n, err := lexString(option, s, j)
				if err != nil {
					return nil, err
				}
				tok.kind, tok.prefix, tok.text = tTyped, s[i:j], text
				j += n
			}
			toks = append(toks, tok)
			i = j
		}
		space = false
	}
	toks = append(toks, token{kind: tEOF, pos: len(s), space: space})
	return toks, nil
}

// lexString reads the string literal whose opening single quote is s[i]; a quote
// inside is doubled. It returns the text and the number of bytes consumed.
func lexString(option, s string, i int) (string, int, *Error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		if s[j] != '\'' {
			b.WriteByte(s[j])
			continue
		}
		if j+1 < len(s) && s[j+1] == '\'' {
			b.WriteByte('\'')
			j++
			continue
		}
		return b.String(), j + 1 - i, nil
	}
	return "", 0, newError(classSyntax, codeParseURI,
		"%s: unterminated string literal starting at position %d (a quote inside a string is written '')", option, i)
}

// classifyLiteral reads an unquoted literal starting with a digit or '-'.
func classifyLiteral(option, lit string, pos int) (token, *Error) {
	tok := token{text: lit, pos: pos}
	if isDatePrefix(lit) {
		switch {
		case len(lit) == 10:
			t, err := time.Parse("2006-01-02", lit)
			if err != nil {
				return tok, newError(classSyntax, codeParseURI, "%s: invalid date literal '%s' at position %d", option, lit, pos)
			}
			tok.kind, tok.t = tDate, t
			return tok, nil
		case lit[10] == 'T' || lit[10] == 't':
			t, ok := parseOffset(lit)
			if !ok {
				return tok, newError(classSyntax, codeParseURI,
					"%s: invalid DateTimeOffset literal '%s' at position %d (want 2024-05-01T00:00:00Z or an offset such as +02:00; "+
						"a '+' must be sent as %%2B or it decodes to a space)", option, lit, pos)
			}
			tok.kind, tok.t = tDateTime, t
			return tok, nil
		}
	}
	if isNumber(lit) {
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil { // out of range
			return tok, newError(classSyntax, codeParseURI, "%s: number literal '%s' at position %d is out of range", option, lit, pos)
		}
		tok.kind, tok.num = tNumber, f
		return tok, nil
	}
	if isGUID(lit) {
		return tok, unsupported(codeParseURI, "%s: GUID literals (%s) are not supported; Outlook ids are strings, quote them", option, lit)
	}
	if isTimeOfDay(lit) {
		return tok, unsupported(codeParseURI, "%s: TimeOfDay literals (%s) are not supported", option, lit)
	}
	return tok, newError(classSyntax, codeParseURI, "%s: invalid literal '%s' at position %d", option, lit, pos)
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isDatePrefix(s string) bool {
	return len(s) >= 10 && digits(s[0:4]) && s[4] == '-' && digits(s[5:7]) && s[7] == '-' && digits(s[8:10])
}

// isNumber matches the OData decimal/double forms: -?d+(.d+)?([eE][+-]?d+)?
func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	mant, exp, hasExp := s, "", false
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp, hasExp = s[:i], s[i+1:], true
	}
	intPart, frac, hasFrac := strings.Cut(mant, ".")
	if !digits(intPart) || hasFrac && !digits(frac) {
		return false
	}
	if hasExp {
		if exp != "" && (exp[0] == '+' || exp[0] == '-') {
			exp = exp[1:]
		}
		return digits(exp)
	}
	return true
}

func isGUID(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) != 5 {
		return false
	}
	for i, n := range [...]int{8, 4, 4, 4, 12} {
		if len(parts[i]) != n {
			return false
		}
		for _, c := range []byte(parts[i]) {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func isTimeOfDay(s string) bool {
	hh, rest, ok := strings.Cut(s, ":")
	return ok && len(hh) == 2 && digits(hh) && len(rest) >= 2 && digits(rest[:2])
}
