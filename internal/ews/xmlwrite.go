package ews

import (
	"unicode/utf8"
)

// xmlWriter appends the XML of a request. Element and attribute names are
// the package's own constants; every value (caller data, ids, server data
// echoed back) goes through the escapers, so no value can add markup.
type xmlWriter struct{ b []byte }

// open writes a start tag without attributes.
func (w *xmlWriter) open(name string) {
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

// start begins a start tag that attrs follow; finish it with gt or slash.
func (w *xmlWriter) start(name string) {
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
}

// attr writes one attribute of the tag begun with start.
func (w *xmlWriter) attr(name, value string) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, '=', '"')
	w.b = appendEscaped(w.b, value, true)
	w.b = append(w.b, '"')
}

// gt ends a start tag begun with start.
func (w *xmlWriter) gt() { w.b = append(w.b, '>') }

// slash ends a tag begun with start as an empty element.
func (w *xmlWriter) slash() { w.b = append(w.b, '/', '>') }

// close writes an end tag.
func (w *xmlWriter) close(name string) {
	w.b = append(w.b, '<', '/')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

// text writes escaped character data.
func (w *xmlWriter) text(s string) { w.b = appendEscaped(w.b, s, false) }

// elem writes <name>text</name>.
func (w *xmlWriter) elem(name, text string) {
	w.open(name)
	w.text(text)
	w.close(name)
}

// empty writes <name/> with one attribute.
func (w *xmlWriter) empty1(name, attr, value string) {
	w.start(name)
	w.attr(attr, value)
	w.slash()
}

// appendEscaped escapes s as character data or, with inAttr, as an
// attribute value. Characters XML 1.0 cannot carry at all (most control
// characters, U+FFFE, U+FFFF, invalid UTF-8) become U+FFFD, since the
// server would refuse the whole request for one of them; carriage returns,
// and in attributes tabs and line ends, are written as references so that
// the server's parser keeps them.
func appendEscaped(b []byte, s string, inAttr bool) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			var esc string
			switch {
			case c == '<':
				esc = "&lt;"
			case c == '>':
				esc = "&gt;"
			case c == '&':
				esc = "&amp;"
			case c == '"' && inAttr:
				esc = "&quot;"
			case c == '\r':
				esc = "&#xD;"
			case c == '\n' && inAttr:
				esc = "&#xA;"
			case c == '\t' && inAttr:
				esc = "&#x9;"
			case c < 0x20 && c != '\n' && c != '\t':
				esc = "\uFFFD"
			default:
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, esc...)
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF {
			b = append(b, s[start:i]...)
			b = append(b, "\uFFFD"...)
			i += n
			start = i
			continue
		}
		i += n
	}
	return append(b, s[start:]...)
}
