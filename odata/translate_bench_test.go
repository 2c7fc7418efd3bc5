package odata

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkTranslatePage measures the v2.0 -> Graph pass alone over a
// 1000-message page.
func BenchmarkTranslatePage(b *testing.B) {
	var g bytes.Buffer
	g.WriteString(`{"value":[`)
	for i := range 1000 {
		if i > 0 {
			g.WriteByte(',')
		}
		fmt.Fprintf(&g, `{"@odata.etag":"W/\"CQAAABYAAACd9nJ%06d\"","id":"AAMkAGI2THVSAAA%06d=","createdDateTime":"2024-05-02T09:12:44Z","categories":["Red category","Finance"],"receivedDateTime":"2024-05-02T09:12:44Z","subject":"Quarterly numbers %d: please review before Friday","importance":"normal","isRead":true,"body":{"contentType":"html","content":"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><p>Hi team, the quarterly numbers are attached.</p><p>Please review them and send comments before Friday.</p></body></html>"},"from":{"emailAddress":{"name":"Lee Gu","address":"lee@contoso.com"}},"toRecipients":[{"emailAddress":{"name":"Alice","address":"alice@contoso.com"}},{"emailAddress":{"name":"Bob","address":"bob@contoso.com"}}]}`, i, i, i)
	}
	g.WriteString(`]}`)
	v2, err := translate(nil, g.Bytes(), dirToV2, pageOf(FixtureSchema))
	if err != nil {
		b.Fatal(err)
	}
	t := newTranslator(dirFromV2, FixtureSchema, true, defaultLimits)
	t.dst = make([]byte, 0, len(v2)*2)
	in := make([]byte, len(v2))
	b.SetBytes(int64(len(v2)))
	b.ReportAllocs()
	for b.Loop() {
		copy(in, v2) // the pass changes its input
		*t = translator{dir: dirFromV2, root: FixtureSchema, page: true, lim: defaultLimits, dst: t.dst[:0], stack: t.stack[:0]}
		if out, _, err := feedOnce(t, in, true); err != nil || len(out) != len(g.Bytes()) {
			b.Fatal(err, len(out), len(g.Bytes()))
		}
	}
}

// pageOf returns a schema for an envelope of s items, for encoding test pages.
func pageOf(s *Schema) *Schema {
	return &Schema{Name: "page", Props: []Prop{{Graph: "value", V2: "value", Collection: true, Kind: KindObject, Elem: s}}}
}
