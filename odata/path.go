package odata

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidPath is wrapped by the errors of paths the SDK refuses to build,
// such as an empty id.
var ErrInvalidPath = errors.New("odata: invalid path")

// Path is a resource path under a mailbox (PathOf) or under the service root
// (RootPath). Fixed segments carry Graph names and are respelled for the
// dialect; caller values (ids, names) fill the "{}" placeholders and are
// escaped, so no value can add a segment, a query or a fragment.
type Path struct {
	tmpl string
	ids  []string
	root bool
}

// PathOf returns the path tmpl relative to the client's mailbox (/me or
// /users/{address}), with each "{}" replaced by the next id:
//
//	odata.PathOf("mailFolders/{}/messages", folderID)
func PathOf(tmpl string, ids ...string) Path { return Path{tmpl: tmpl, ids: ids} }

// RootPath returns the path tmpl relative to the service root, such as
// "$batch".
func RootPath(tmpl string, ids ...string) Path { return Path{tmpl: tmpl, ids: ids, root: true} }

// String returns the template with its ids, for messages.
func (p Path) String() string {
	s := p.tmpl
	for _, id := range p.ids {
		s = strings.Replace(s, "{}", id, 1)
	}
	return s
}

// appendTo writes the escaped path in dialect d.
func (p Path) appendTo(b []byte, d *Dialect) ([]byte, error) {
	if p.tmpl == "" {
		return b, fmt.Errorf("%w: empty path", ErrInvalidPath)
	}
	next := 0
	rest := p.tmpl
	for first := true; ; first = false {
		seg, tail, more := strings.Cut(rest, "/")
		if !first {
			b = append(b, '/')
		}
		switch {
		case seg == "{}":
			if next >= len(p.ids) {
				return b, fmt.Errorf("%w: %q has more placeholders than values", ErrInvalidPath, p.tmpl)
			}
			id := p.ids[next]
			next++
			if err := checkID(id); err != nil {
				return b, err
			}
			b = appendPathEscaped(b, id)
		case seg == "":
			return b, fmt.Errorf("%w: empty segment in %q", ErrInvalidPath, p.tmpl)
		default:
			b = append(b, d.pathSegment(seg)...)
		}
		if !more {
			break
		}
		rest = tail
	}
	if next != len(p.ids) {
		return b, fmt.Errorf("%w: %q has fewer placeholders than values", ErrInvalidPath, p.tmpl)
	}
	return b, nil
}

// checkID rejects values that cannot name a resource.
func checkID(id string) error {
	switch id {
	case "":
		return fmt.Errorf("%w: empty id", ErrInvalidPath)
	case ".", "..":
		return fmt.Errorf("%w: id %q", ErrInvalidPath, id)
	}
	return nil
}

// appendPathEscaped escapes a path segment value. On top of url.PathEscape
// it escapes '$' (so a value cannot name an OData segment such as $value)
// and the sub-delimiters servers may treat specially.
func appendPathEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '@', c == '=', c == '+':
			b = append(b, c)
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}
