package schematest

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"flag"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/odata"
)

// Segments returns the names of a sample URL's path, lower-cased, without
// the service root, the mailbox, ids and key predicates:
// ".../me/mailFolders('inbox')/messages/AAMk=/move" gives [mailfolders
// inbox messages move]; the caller knows which names it models.
func Segments(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	var out []string
	for seg := range strings.SplitSeq(u.Path, "/") {
		if i := strings.IndexByte(seg, '('); i >= 0 {
			seg = seg[:i]
		}
		if seg == "" || !name.MatchString(seg) {
			continue
		}
		out = append(out, strings.ToLower(seg))
	}
	return out
}

var name = regexp.MustCompile(`^[a-zA-Z]+$`)

// V2RoundTrip checks that a v2.0 body read into Graph form by the schema s
// and written back is the body again, but for the response annotations the
// reading leaves out, and that reading is stable. It returns the Graph form.
func V2RoundTrip(t testing.TB, sample string, body []byte, s *odata.Schema) []byte {
	t.Helper()
	graph, err := odata.OutlookV2.FromWire(body, s)
	if err != nil {
		t.Errorf("%s: FromWire: %v", sample, err)
		return nil
	}
	if !stdjson.Valid(graph) {
		t.Errorf("%s: FromWire gave invalid JSON: %s", sample, graph)
		return nil
	}
	back, err := odata.OutlookV2.ToWire(graph, s)
	if err != nil {
		t.Errorf("%s: ToWire: %v", sample, err)
		return nil
	}
	if want := canonicalAliases(stripResponseAnnotations(body), s); !bytes.Equal(back, want) {
		t.Errorf("%s: the round trip changed the body\n in: %s\nout: %s", sample, want, back)
	}
	return graph
}

// GraphRoundTrip checks that a Graph body written in v2.0 form by s and read
// back is stable, and compares the v2.0 form with the golden file when
// golden is not "" (rewriting it when update is set). Graph's samples
// send some enum values in Pascal case, which the round trip makes
// canonical; a body with a member name that starts with a capital (custom
// data of open extensions) cannot survive it.
func GraphRoundTrip(t testing.TB, sample string, body []byte, s *odata.Schema, golden string, update bool) []byte {
	t.Helper()
	v2, err := odata.OutlookV2.ToWire(body, s)
	if err != nil {
		t.Errorf("%s: ToWire: %v", sample, err)
		return nil
	}
	back, err := odata.OutlookV2.FromWire(v2, s)
	if err != nil {
		t.Errorf("%s: FromWire: %v", sample, err)
		return nil
	}
	again, err := odata.OutlookV2.ToWire(back, s)
	if err != nil || !bytes.Equal(again, stripResponseAnnotations(v2)) && !hasCapitalisedKey(body) {
		t.Errorf("%s: the round trip is not stable (%v)\n in: %s\n v2: %s\nout: %s", sample, err, body, v2, again)
	}
	if golden != "" {
		var pretty bytes.Buffer
		stdjson.Indent(&pretty, v2, "", "  ")
		pretty.WriteByte('\n')
		testutil.Golden(t, filepath.Join("testdata", "v2", golden), pretty.Bytes(), update)
	}
	return v2
}

// stripResponseAnnotations leaves out of a compact body the annotations
// that describe a response (@odata.context, @odata.id, @odata.editLink,
// @odata.readLink) wherever they are, as reading a body for a model does.
func stripResponseAnnotations(body []byte) []byte {
	if !bytes.Contains(body, []byte(`"@odata.`)) {
		return body
	}
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var out bytes.Buffer
	enc := jsontext.NewEncoder(&out, jsontext.PreserveRawStrings(true), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	for {
		kind := dec.PeekKind()
		k, n := dec.StackIndex(dec.StackDepth())
		tok, err := dec.ReadToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return body
		}
		if k == '{' && n%2 == 0 && kind == '"' { // a member name
			switch tok.String() {
			case "@odata.context", "@odata.id", "@odata.editLink", "@odata.readLink":
				if dec.SkipValue() != nil {
					return body
				}
				continue
			}
		}
		if enc.WriteToken(tok) != nil {
			return body
		}
	}
	return bytes.TrimSpace(out.Bytes())
}

// hasCapitalisedKey reports whether a Graph body holds a member name that
// starts with a capital: such a name has no distinct v2.0 spelling.
func hasCapitalisedKey(body []byte) bool {
	var v any
	if stdjson.Unmarshal(body, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k != "" && k[0] >= 'A' && k[0] <= 'Z' || walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// Bodies returns a sample's request and response bodies, compact, nil when
// absent (as testutil.Sample.Bodies reads them).
func Bodies(s testutil.Sample) (request, response []byte) {
	if b := (testutil.Sample{RequestBody: s.RequestBody}).Bodies(); len(b) == 1 {
		request = b[0]
	}
	if b := (testutil.Sample{ResponseBody: s.ResponseBody}).Bodies(); len(b) == 1 {
		response = b[0]
	}
	return request, response
}

// ForBody returns the schema to translate body by: s, or a collection of s
// when body is a collection envelope ({"value":[...]}).
func ForBody(body []byte, s *odata.Schema) *odata.Schema {
	if s == nil {
		return nil
	}
	var top map[string]stdjson.RawMessage
	if stdjson.Unmarshal(body, &top) != nil {
		return s
	}
	for k, v := range top {
		if strings.EqualFold(k, "value") && len(v) > 0 && v[0] == '[' && s.Prop("value") == nil {
			return &odata.Schema{Name: "collection", Props: []odata.Prop{{Graph: "value", V2: "value", Collection: true, Kind: odata.KindObject, Elem: s}}}
		}
	}
	return s
}

// Updating reports whether the test binary runs with -update (a flag the
// package's external tests define), for golden files written by internal
// tests.
func Updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// canonicalAliases respells in body the older v2.0 names the tables of s
// read (V2Aliases) as the names they write.
func canonicalAliases(body []byte, s *odata.Schema) []byte {
	seen := map[*odata.Schema]bool{}
	var pairs []string
	var walk func(*odata.Schema)
	walk = func(s *odata.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for i := range s.Props {
			p := &s.Props[i]
			for _, a := range p.V2Aliases {
				pairs = append(pairs, `"`+a+`":`, `"`+p.V2Name()+`":`)
			}
			walk(p.Elem)
		}
	}
	walk(s)
	if len(pairs) == 0 {
		return body
	}
	return []byte(strings.NewReplacer(pairs...).Replace(string(body)))
}

// SamplesRoundTrip checks that every body of the v2.0 and Graph samples
// that schemaOf maps (by the sample's URL, and whether the body is the
// request's) translates and translates back to the same bytes by its
// table; the Graph samples named in golden also leave their translation
// in testdata (name-a.json for the first body, name-b.json for the
// second). what names the package's bodies in errors ("mail"); fewer
// than minV2 or minGraph round trips fail the test, which would otherwise
// pass with samples it no longer finds.
func SamplesRoundTrip(t *testing.T, what string, schemaOf func(url string, request bool) *odata.Schema, golden []string, minV2, minGraph int) {
	t.Helper()
	n := 0
	for name, s := range testutil.Samples(t, "v2-samples", nil) {
		req, resp := Bodies(s)
		for i, body := range [][]byte{req, resp} {
			if sc := schemaOf(s.URL, i == 0); body != nil && sc != nil {
				V2RoundTrip(t, name, body, ForBody(body, sc))
				n++
			}
		}
	}
	if n < minV2 {
		t.Errorf("only %d v2.0 %s bodies round-tripped; the samples hold more", n, what)
	}
	n = 0
	for name, s := range testutil.Samples(t, "graph-samples", nil) {
		req, resp := Bodies(s)
		letter := 'a'
		for i, body := range [][]byte{req, resp} {
			if body == nil {
				continue
			}
			g := ""
			if slices.Contains(golden, name) {
				g = strings.TrimSuffix(name, ".json") + "-" + string(letter) + ".json"
			}
			letter++
			if sc := schemaOf(s.URL, i == 0); sc != nil {
				GraphRoundTrip(t, name, body, ForBody(body, sc), g, Updating())
				n++
			}
		}
	}
	if n < minGraph {
		t.Errorf("only %d Graph %s bodies round-tripped; the samples hold more", n, what)
	}
}
