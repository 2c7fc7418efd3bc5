package autodiscover

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Limits that keep the challenge parser's work bounded whatever a server sends.
const (
	maxChallengeHeader = 16 << 10
	maxChallenges      = 32
	maxChallengeParams = 64
)

// errChallengeSyntax is wrapped by every syntax error of [ParseChallenges].
var errChallengeSyntax = errors.New("autodiscover: malformed WWW-Authenticate header")

// Challenge is one authentication challenge from a WWW-Authenticate header
// (RFC 9110, section 11.6.1), such as the Bearer challenge Exchange and Graph
// send to an unauthenticated request.
type Challenge struct {
	// Scheme is the scheme as sent ("Bearer", "Basic", "Negotiate"); compare
	// it with strings.EqualFold.
	Scheme string
	// Params holds the auth-params, names lower-cased, quoted values unquoted.
	// Nil when the challenge has none.
	Params map[string]string
	// Token68 is the single token some schemes send instead of parameters
	// ("Negotiate <base64>"), if any.
	Token68 string
}

// AuthorizationURI returns the authorization_uri parameter: the Entra ID
// authorize endpoint, present only where OAuth is enabled.
func (c Challenge) AuthorizationURI() string { return c.Params["authorization_uri"] }

// ClientID returns the client_id parameter: the resource application's id
// (00000002-0000-0ff1-ce00-000000000000 for Exchange).
func (c Challenge) ClientID() string { return c.Params["client_id"] }

// TrustedIssuers returns the comma-separated trusted_issuers parameter as a
// list ("00000001-0000-0000-c000-000000000000@<tenant>", ...).
func (c Challenge) TrustedIssuers() []string { return splitList(c.Params["trusted_issuers"], ",") }

// TokenTypes returns the space-separated token_types parameter as a list.
func (c Challenge) TokenTypes() []string { return splitList(c.Params["token_types"], " ") }

// String formats the challenge as it would appear in a header, parameters
// sorted by name, every value quoted.
func (c Challenge) String() string {
	var b strings.Builder
	b.WriteString(c.Scheme)
	if c.Token68 != "" {
		b.WriteByte(' ')
		b.WriteString(c.Token68)
		return b.String()
	}
	for i, k := range slices.Sorted(maps.Keys(c.Params)) {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteString(`="`)
		v := c.Params[k]
		for j := 0; j < len(v); j++ {
			if v[j] == '"' || v[j] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(v[j])
		}
		b.WriteByte('"')
	}
	return b.String()
}

func splitList(s, sep string) []string {
	var out []string
	for f := range strings.SplitSeq(s, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// ParseChallenge returns the Bearer challenge of a WWW-Authenticate header
// value, which may carry several challenges ("Bearer ..., Basic realm=..."),
// values being quoted strings that may hold commas. When the header is
// well-formed but has no Bearer challenge, the error matches
// [ErrModernAuthNotConfigured]. It never panics, whatever the input.
func ParseChallenge(header string) (Challenge, error) {
	cs, err := ParseChallenges(header)
	if err != nil {
		return Challenge{}, err
	}
	for _, c := range cs {
		if strings.EqualFold(c.Scheme, "Bearer") {
			return c, nil
		}
	}
	return Challenge{}, fmt.Errorf("%w: no Bearer challenge in %q", ErrModernAuthNotConfigured, truncate(header, 200))
}

// ParseChallenges parses every challenge of one WWW-Authenticate header
// value. Servers also send several headers; parse each. Malformed input
// (an unterminated quote, a parameter given twice, stray characters, more
// than 16 KiB) is an error, never a panic.
func ParseChallenges(header string) ([]Challenge, error) {
	if len(header) > maxChallengeHeader {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", errChallengeSyntax, len(header), maxChallengeHeader)
	}
	p := &challengeParser{s: header}
	var out []Challenge
	for {
		p.skipSeparators()
		if p.eof() {
			return out, nil
		}
		if len(out) == maxChallenges {
			return nil, p.errorf("more than %d challenges", maxChallenges)
		}
		c, err := p.challenge()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}

type challengeParser struct {
	s   string
	pos int
}

func (p *challengeParser) eof() bool { return p.pos >= len(p.s) }

func (p *challengeParser) peek() byte { return p.s[p.pos] }

func (p *challengeParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w at offset %d: %s", errChallengeSyntax, p.pos, fmt.Sprintf(format, args...))
}

// skipSpace skips optional whitespace and reports whether there was any.
func (p *challengeParser) skipSpace() bool {
	start := p.pos
	for !p.eof() && (p.peek() == ' ' || p.peek() == '\t') {
		p.pos++
	}
	return p.pos > start
}

// skipSeparators skips whitespace and the empty list elements RFC 9110 allows.
func (p *challengeParser) skipSeparators() {
	for !p.eof() && (p.peek() == ' ' || p.peek() == '\t' || p.peek() == ',') {
		p.pos++
	}
}

func (p *challengeParser) token() string {
	start := p.pos
	for !p.eof() && isTchar(p.peek()) {
		p.pos++
	}
	return p.s[start:p.pos]
}

// challenge parses: auth-scheme [ 1*SP ( token68 / #auth-param ) ].
func (p *challengeParser) challenge() (Challenge, error) {
	c := Challenge{Scheme: p.token()}
	if c.Scheme == "" {
		return Challenge{}, p.errorf("expected an auth scheme, found %q", p.peek())
	}
	spaced := p.skipSpace()
	if p.eof() || p.peek() == ',' {
		return c, nil
	}
	if !spaced {
		return Challenge{}, p.errorf("unexpected %q after scheme %q", p.peek(), c.Scheme)
	}
	if t, ok := p.token68(); ok {
		c.Token68 = t
		return c, nil
	}
	for {
		if len(c.Params) == maxChallengeParams {
			return Challenge{}, p.errorf("more than %d parameters", maxChallengeParams)
		}
		name, value, err := p.param()
		if err != nil {
			return Challenge{}, err
		}
		name = strings.ToLower(name)
		if _, dup := c.Params[name]; dup {
			return Challenge{}, p.errorf("parameter %q given twice", name)
		}
		if c.Params == nil {
			c.Params = make(map[string]string)
		}
		c.Params[name] = value
		p.skipSpace()
		if p.eof() {
			return c, nil
		}
		if p.peek() != ',' {
			return Challenge{}, p.errorf("unexpected %q after parameter %q", p.peek(), name)
		}
		p.skipSeparators()
		if p.eof() || !p.atParam() {
			return c, nil // what follows is the next challenge
		}
	}
}

// atParam reports whether the input continues with "token OWS =", that is
// another auth-param rather than the next challenge's scheme.
func (p *challengeParser) atParam() bool {
	save := p.pos
	defer func() { p.pos = save }()
	if p.token() == "" {
		return false
	}
	p.skipSpace()
	return !p.eof() && p.peek() == '='
}

// token68 consumes a token68 if the rest of this challenge is exactly one.
func (p *challengeParser) token68() (string, bool) {
	start := p.pos
	for !p.eof() && isToken68Char(p.peek()) {
		p.pos++
	}
	if p.pos == start {
		return "", false
	}
	for !p.eof() && p.peek() == '=' {
		p.pos++
	}
	end := p.pos
	p.skipSpace()
	if p.eof() || p.peek() == ',' {
		return p.s[start:end], true
	}
	p.pos = start
	return "", false
}

// param parses: token BWS "=" BWS ( token / quoted-string ).
func (p *challengeParser) param() (name, value string, err error) {
	name = p.token()
	if name == "" {
		if p.eof() {
			return "", "", p.errorf("expected a parameter")
		}
		return "", "", p.errorf("expected a parameter name, found %q", p.peek())
	}
	p.skipSpace()
	if p.eof() || p.peek() != '=' {
		return "", "", p.errorf("parameter %q has no value", name)
	}
	p.pos++
	p.skipSpace()
	if !p.eof() && p.peek() == '"' {
		value, err = p.quoted()
		return name, value, err
	}
	value = p.token()
	if value == "" {
		return "", "", p.errorf("parameter %q has an empty value", name)
	}
	return name, value, nil
}

// quoted parses a quoted-string, undoing backslash escapes.
func (p *challengeParser) quoted() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	var b strings.Builder
	plain := p.pos
	for !p.eof() {
		switch ch := p.peek(); ch {
		case '"':
			var v string
			if b.Len() == 0 {
				v = p.s[plain:p.pos]
			} else {
				b.WriteString(p.s[plain:p.pos])
				v = b.String()
			}
			p.pos++
			return v, nil
		case '\\':
			b.WriteString(p.s[plain:p.pos])
			p.pos++
			if p.eof() {
				p.pos = start
				return "", p.errorf("unterminated quoted string")
			}
			b.WriteByte(p.peek())
			p.pos++
			plain = p.pos
		default:
			p.pos++
		}
	}
	p.pos = start
	return "", p.errorf("unterminated quoted string")
}

func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isToken68Char(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", c) >= 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
