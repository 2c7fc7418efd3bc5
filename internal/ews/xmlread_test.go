package ews

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// tokens renders what the reader sees, one token per line: "<local a=v>",
// "</local>", "text". Text is shown with its whitespace trimmed; runs of
// whitespace only are left out, so the form compares with encoding/xml's.
func tokens(r io.Reader, maxToken int) (string, error) {
	x := newXMLReader(r, maxToken)
	var b strings.Builder
	for {
		k, err := x.next()
		if err != nil {
			return b.String(), err
		}
		switch k {
		case tokEOF:
			return b.String(), nil
		case tokStart:
			b.WriteString("<" + string(x.local))
			for _, a := range x.attrs {
				if a.ns {
					continue
				}
				b.WriteString(" " + string(a.local) + "=" + attrForm(string(a.value)))
			}
			b.WriteString(">\n")
		case tokEnd:
			b.WriteString("</" + string(x.local) + ">\n")
		case tokText:
			if t := strings.TrimSpace(string(x.text)); t != "" {
				b.WriteString(t + "\n")
			}
		}
	}
}

// attrForm shows whitespace in attribute values as spaces: the reader
// normalises literal tabs and line ends as XML requires, encoding/xml does
// not, and the renderings cannot tell literal from referenced whitespace.
func attrForm(v string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, v)
}

// stdTokens renders encoding/xml's view of the same document in the form
// of tokens, or fails.
func stdTokens(doc []byte) (string, error) {
	doc = bytes.TrimPrefix(doc, []byte("\xEF\xBB\xBF")) // encoding/xml reads a byte order mark as text
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var b strings.Builder
	var text []byte
	flush := func() {
		if t := strings.TrimSpace(string(text)); t != "" {
			b.WriteString(t + "\n")
		}
		text = text[:0]
	}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			flush()
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			flush()
			b.WriteString("<" + t.Name.Local)
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				b.WriteString(" " + a.Name.Local + "=" + attrForm(a.Value))
			}
			b.WriteString(">\n")
		case xml.EndElement:
			flush()
			b.WriteString("</" + t.Name.Local + ">\n")
		case xml.CharData:
			text = append(text, t...)
		case xml.Directive:
			return "", errors.New("directive")
		}
	}
}

func TestXMLReaderTokens(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?>
<!-- a comment -->
<s:Envelope xmlns:s="x"><s:Body a='1' b="x>y" c="&lt;&amp;&#65;&#x42;&quot;">t&amp;u<![CDATA[<raw>]]>v<!--c-->w<e/><f g="h"></f></s:Body></s:Envelope>
`
	want := "<Envelope>\n<Body a=1 b=x>y c=<&AB\">\nt&u<raw>vw\n<e>\n</e>\n<f g=h>\n</f>\n</Body>\n</Envelope>\n"
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(doc),
		"one byte": iotest.OneByteReader(strings.NewReader(doc)),
		"half":     iotest.HalfReader(strings.NewReader(doc)),
	} {
		got, err := tokens(r, 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != want {
			t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
		}
	}
}

func TestXMLReaderNormalisesLineEnds(t *testing.T) {
	x := newXMLReader(strings.NewReader("<a b=\"1\r\n2\tx&#xA;\">l1\r\nl2\rl3&#xD;</a>"), 0)
	if k, err := x.next(); err != nil || k != tokStart {
		t.Fatal(k, err)
	}
	if v, _ := x.attr("b"); string(v) != "1 2 x\n" {
		t.Errorf("attribute %q", v)
	}
	if k, err := x.next(); err != nil || k != tokText {
		t.Fatal(k, err)
	}
	if string(x.text) != "l1\nl2\nl3\r" {
		t.Errorf("text %q", x.text)
	}
}

func TestXMLReaderErrors(t *testing.T) {
	deep := strings.Repeat("<a>", maxDepth+1) + strings.Repeat("</a>", maxDepth+1)
	var many strings.Builder
	many.WriteString("<a")
	for i := range maxAttrs + 1 {
		many.WriteString(" a" + strings.Repeat("x", i) + `="1"`)
	}
	many.WriteString("/>")
	for _, c := range []struct{ name, doc string }{
		{"empty", ""},
		{"only whitespace", "  \n"},
		{"mismatched", "<a><b></a></b>"},
		{"unclosed", "<a><b></b>"},
		{"truncated tag", "<a><b"},
		{"truncated attribute", `<a b="1`},
		{"end without start", "</a>"},
		{"two roots", "<a/><b/>"},
		{"text after root", "<a/>x"},
		{"text before root", "x<a/>"},
		{"doctype", `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`},
		{"unknown entity", "<a>&nbsp;</a>"},
		{"unterminated entity", "<a>&amp</a>"},
		{"bad char ref", "<a>&#0;</a>"},
		{"surrogate", "<a>&#xD800;</a>"},
		{"huge char ref", "<a>&#x110000;</a>"},
		{"attribute without value", "<a b></a>"},
		{"unquoted attribute", "<a b=1></a>"},
		{"attributes not separated", `<a b="1"c="2"></a>`},
		{"tag without name", "< a></a>"},
		{"unterminated comment", "<a><!-- x</a>"},
		{"unterminated cdata", "<a><![CDATA[x</a>"},
		{"deep", deep},
		{"many attributes", many.String()},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := tokens(strings.NewReader(c.doc), 0); err == nil {
				t.Errorf("%q: no error", c.doc)
			}
		})
	}
}

func TestXMLReaderTokenLimit(t *testing.T) {
	doc := "<a>" + strings.Repeat("x", 5000) + "</a>"
	if _, err := tokens(strings.NewReader(doc), 1000); err == nil || !errors.Is(err, errXML) {
		t.Errorf("a 5000-byte text with a 1000-byte limit: %v", err)
	}
	if _, err := tokens(iotest.OneByteReader(strings.NewReader(doc)), 6000); err != nil {
		t.Errorf("within the limit: %v", err)
	}
}

func TestXMLReaderSourceError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("<a><b>text"), iotest.ErrReader(boom))
	if _, err := tokens(r, 0); !errors.Is(err, boom) {
		t.Errorf("got %v, want the source's error", err)
	}
}

// FuzzXMLReader holds the reader to three properties on any input: it never
// panics, it reads the same tokens whatever the size of the source's reads,
// and what it accepts encoding/xml reads the same way (it may refuse more:
// DTDs, and names encoding/xml's strict mode takes loosely).
func FuzzXMLReader(f *testing.F) {
	for _, s := range []string{
		`<a b="c">d<e/>f&amp;<![CDATA[g]]><!--h--></a>`,
		`<?xml version="1.0"?><s:Envelope xmlns:s="u"><s:Body/></s:Envelope>`,
		"\xEF\xBB\xBF<a>&#x1F600;</a>",
		`<a b='>'>x</a>`,
		"<a>\r\n</a>",
	} {
		f.Add([]byte(s))
	}
	for _, doc := range sampleDocs(f) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, err := tokens(bytes.NewReader(doc), 1<<16)
		slow, serr := tokens(iotest.OneByteReader(bytes.NewReader(doc)), 1<<16)
		if (err == nil) != (serr == nil) || (err == nil && got != slow) {
			t.Fatalf("read in one go: %v\n%s\nread byte by byte: %v\n%s", err, got, serr, slow)
		}
		if err != nil {
			return
		}
		std, serr := stdTokens(doc)
		if serr != nil {
			return // encoding/xml refuses what we take: namespaces and names are read loosely here
		}
		if std != got {
			t.Fatalf("encoding/xml reads\n%s\nthe reader reads\n%s", std, got)
		}
	})
}
