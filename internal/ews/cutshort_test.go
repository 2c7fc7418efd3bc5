package ews

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestXMLReaderCutShort: a document that stops early, wherever it stops,
// fails with an error matching io.ErrUnexpectedEOF, by which
// transport.Client.Read knows to ask for the answer again (an answer cut
// short by a proxy, with a length that matches the cut).
func TestXMLReaderCutShort(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
		`<m:FindItemResponse><t:Message a="1" b='x &amp; y'><t:Subject>Tom &amp; &#233;<![CDATA[ <raw> ]]><!-- c --></t:Subject><t:Empty/></t:Message>` +
		`</m:FindItemResponse></s:Body></s:Envelope>`
	if _, err := tokens(strings.NewReader(doc), 0); err != nil {
		t.Fatal(err)
	}
	for cut := 1; cut < len(doc); cut++ {
		if _, err := tokens(strings.NewReader(doc[:cut]), 0); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut after %d bytes (%q): %v; want an error matching io.ErrUnexpectedEOF", cut, doc[max(0, cut-12):cut], err)
		}
	}
}
