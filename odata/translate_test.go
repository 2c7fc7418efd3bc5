package odata

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestTranslateCases(t *testing.T) {
	cases := []struct{ name, graph, v2 string }{
		{"keys", `{"subject":"x","isRead":true,"size":12,"n":null}`, `{"Subject":"x","IsRead":true,"Size":12,"N":null}`},
		{"nested", `{"from":{"emailAddress":{"name":"A","address":"a@b"}}}`, `{"From":{"EmailAddress":{"Name":"A","Address":"a@b"}}}`},
		{"enum", `{"importance":"high","body":{"contentType":"html","content":"<p>hi</p>"}}`, `{"Importance":"High","Body":{"ContentType":"HTML","Content":"<p>hi</p>"}}`},
		{"enum only where the schema says", `{"contentType":"text/csv","attachments":[{"contentType":"html"}]}`, `{"ContentType":"text/csv","Attachments":[{"ContentType":"html"}]}`},
		{"enum in array", `{"pattern":{"daysOfWeek":["monday","friday"]}}`, `{"Pattern":{"DaysOfWeek":["Monday","Friday"]}}`},
		{"rename", `{"mobilePhone":"1"}`, `{"MobilePhone1":"1"}`},
		{"kept lower case", `{"iCalUId":"u"}`, `{"iCalUId":"u"}`},
		{"rename in nested schema", `{"id":"a","singleValueExtendedProperties":[{"id":"String 0x1","value":"v"}]}`, `{"Id":"a","SingleValueExtendedProperties":[{"PropertyId":"String 0x1","Value":"v"}]}`},
		{"id elsewhere is Id", `{"toRecipients":[{"emailAddress":{"id":"x"}}]}`, `{"ToRecipients":[{"EmailAddress":{"Id":"x"}}]}`},
		{"annotations", `{"@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.fileAttachment","subject@odata.type":"#String"}`,
			`{"@odata.etag":"W/\"1\"","@odata.type":"#Microsoft.OutlookServices.FileAttachment","Subject@odata.type":"#String"}`},
		{"unknown properties", `{"acme":{"deep":[{"x":1}]}}`, `{"Acme":{"Deep":[{"X":1}]}}`},
		{"raw values untranslated", `{"extensions":[{"myKey":"v","Other":[1]}]}`, `{"Extensions":[{"myKey":"v","Other":[1]}]}`},
		{"whitespace", "{ \"subject\" : \"a\" ,\n \"importance\" :\t\"low\" }", "{ \"Subject\" : \"a\" ,\n \"Importance\" :\t\"Low\" }"},
		{"escaped key", `{"sub\u006aect":"x"}`, `{"Subject":"x"}`},
		{"values untouched", `{"subject":"importance","categories":["red","Blue"]}`, `{"Subject":"importance","Categories":["red","Blue"]}`},
		{"escapes in values", `{"subject":"a \"quoted\" \\ word\\","importance":"low"}`, `{"Subject":"a \"quoted\" \\ word\\","Importance":"Low"}`},
		{"scalars", `"x"`, `"x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := OutlookV2.toWire(nil, []byte(c.graph), FixtureSchema)
			if err != nil || string(got) != c.v2 {
				t.Errorf("toWire(%s) = %s, %v; want %s", c.graph, got, err, c.v2)
			}
			if c.name == "escaped key" {
				return // decoding gives the unescaped form
			}
			back, err := OutlookV2.fromWire(nil, []byte(c.v2), FixtureSchema)
			if err != nil || string(back) != c.graph {
				t.Errorf("fromWire(%s) = %s, %v; want %s", c.v2, back, err, c.graph)
			}
		})
	}
}

// Without a schema, every name follows the default rule and no value
// changes but @odata.type's.
func TestTranslateWithoutSchema(t *testing.T) {
	for _, c := range []struct{ graph, v2 string }{
		{`{"importance":"high","mobilePhone":"1"}`, `{"Importance":"high","MobilePhone":"1"}`},
		{`{"value":[{"subject":"a"}],"@odata.nextLink":"l"}`, `{"value":[{"Subject":"a"}],"@odata.nextLink":"l"}`},
		{`{"value":"v"}`, `{"Value":"v"}`},
		{`[{"a":1},{"b":[1,2,{"c":true}]}]`, `[{"A":1},{"B":[1,2,{"C":true}]}]`},
	} {
		if got, err := OutlookV2.toWire(nil, []byte(c.graph), nil); err != nil || string(got) != c.v2 {
			t.Errorf("toWire(%s) = %s, %v; want %s", c.graph, got, err, c.v2)
		}
		if got, err := OutlookV2.fromWire(nil, []byte(c.v2), nil); err != nil || string(got) != c.graph {
			t.Errorf("fromWire(%s) = %s, %v; want %s", c.v2, got, err, c.graph)
		}
	}
}

func TestTranslateReadsAliasesAndCase(t *testing.T) {
	for in, want := range map[string]string{
		`{"DateTimeCreated":"2024-01-01T00:00:00Z"}`: `{"createdDateTime":"2024-01-01T00:00:00Z"}`,
		`{"Body":{"ContentType":"Html"}}`:            `{"body":{"contentType":"html"}}`,
		`{"Body":{"ContentType":"hTmL"}}`:            `{"body":{"contentType":"html"}}`,
		`{"Importance":"Urgent"}`:                    `{"importance":"urgent"}`,
	} {
		got, err := OutlookV2.fromWire(nil, []byte(in), FixtureSchema)
		if err != nil || string(got) != want {
			t.Errorf("fromWire(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
}

// Response annotations the model does not keep never reach it, in either
// dialect; those it keeps, and those of objects without a schema, stay.
func TestTranslateDropsResponseAnnotations(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"@odata.context":"c","@odata.id":"i","Id":"x","@odata.editLink":"e","Subject":"s","@odata.readLink":"r"}`, `{"id":"x","subject":"s"}`},
		{`{"Id":"x","@odata.id":"i"}`, `{"id":"x"}`},
		{`{"@odata.id":"i"}`, `{}`},
		{`{"@odata.id":"i","Id":"x"}`, `{"id":"x"}`},
		{`{"@odata.id":{"nested":[1,{"a":"}"}]},"@odata.etag":"e"}`, `{"@odata.etag":"e"}`},
		{`{ "@odata.id" : "i" , "Id" : "x" }`, `{"id":"x"}`},
		{`{"Acme":{"@odata.id":"kept"}}`, `{"acme":{"@odata.id":"kept"}}`},
	}
	for _, c := range cases {
		got, err := OutlookV2.fromWire(nil, []byte(c.in), FixtureSchema)
		if err != nil || string(got) != c.want {
			t.Errorf("fromWire(%s) = %s, %v; want %s", c.in, got, err, c.want)
		}
		graph := strings.NewReplacer(`"Id"`, `"id"`, `"Subject"`, `"subject"`, `"Acme"`, `"acme"`).Replace(c.in)
		got, err = translate(nil, []byte(graph), dirGraph, FixtureSchema)
		if err != nil || string(got) != c.want {
			t.Errorf("Graph %s = %s, %v; want %s", graph, got, err, c.want)
		}
	}
}

func TestTranslateMalformed(t *testing.T) {
	for _, in := range []string{`{`, `{"a"`, `{"a":}`, `{"a":1]`, `[1,2`, `"abc`, `{"a":1}}`, `{1:2}`, `}`, `{"a":1} x`, `{,}`, `{"a":1,,"b":2}`} {
		for _, dir := range []direction{dirGraph, dirFromV2, dirToV2} {
			got, err := translate(nil, []byte(in), dir, FixtureSchema)
			if err == nil && json.Valid(got) {
				// The translator need not validate everything (the decoder
				// after it does), but it must never turn garbage into valid
				// JSON.
				t.Errorf("translate(%q, %d) = %q: invalid input became valid", in, dir, got)
			}
		}
	}
}

// Fed in pieces of any size, the translator gives what it gives for the
// whole body.
func TestTranslateStreams(t *testing.T) {
	bodies := []string{
		`{"@odata.context":"c","value":[{"@odata.id":"i","Id":"a\\\"b","Subject":"x \\\\\\\" y","Body":{"ContentType":"HTML","Content":"<p class=\"x\">\\u00e9</p>"},"MobilePhone1":"1","Importance":"High","Extensions":[{"K":"v"}],"Size":12345,"IsRead":true}],"@odata.nextLink":"n"}`,
		`{ "@odata.id" : "i" , "@odata.id" : "j" , "Id" : "x" , "@odata.readLink":"r" }`,
	}
	for _, body := range bodies {
		for _, page := range []bool{false, true} {
			whole, _, err := feedOnce(newTranslator(dirFromV2, FixtureSchema, page, noLimits), []byte(body), true)
			if err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			for size := 1; size < len(body); size++ {
				got, err := feedInPieces(newTranslator(dirFromV2, FixtureSchema, page, noLimits), []byte(body), size)
				if err != nil || !bytes.Equal(got, whole) {
					t.Fatalf("in pieces of %d: %s, %v\nwant %s", size, got, err, whole)
				}
			}
		}
	}
}

// feedInPieces feeds body to t as a reader would, size bytes at a time.
func feedInPieces(t *translator, body []byte, size int) ([]byte, error) {
	var pending, out []byte
	for len(body) > 0 || len(pending) > 0 {
		n := min(size, len(body))
		pending = append(pending, body[:n]...)
		body = body[n:]
		piece, k, err := feedOnce(t, pending, len(body) == 0)
		if err != nil {
			return nil, err
		}
		out = append(out, piece...)
		pending = append(pending[:0], pending[k:]...)
		if len(body) == 0 && len(pending) > 0 {
			return nil, errors.New("the final feed left input")
		}
	}
	return out, nil
}

// feedOnce feeds src to t and returns the output of that feed, wherever
// the translator left it, and how much of src it used.
func feedOnce(t *translator, src []byte, final bool) ([]byte, int, error) {
	t.dst = t.dst[:0]
	k, err := t.feed(src, final)
	if err != nil || t.dirty {
		return t.dst, k, err
	}
	return src[:k], k, nil
}

func TestTranslateLimits(t *testing.T) {
	lim := limits{maxBytes: 1 << 20, maxPageItems: 3, maxArrayElements: 10, maxDepth: 5}
	for _, c := range []struct {
		body string
		page bool
		what string
	}{
		{`{"value":[{},{},{},{}]}`, true, "items in a page"},
		{`{"value":[{"ToRecipients":[{},{},{},{},{},{},{},{},{},{}]}]}`, true, "array elements"},
		{`{"Categories":["a","b","c","d","e","f","g","h","i","j","k"]}`, false, "array elements"},
		{`[[[[[[1]]]]]]`, false, "nesting depth"},
	} {
		_, err := newTranslator(dirFromV2, FixtureSchema, c.page, lim).feed([]byte(c.body), true)
		var le *LimitError
		if !errors.As(err, &le) || le.What != c.what || !errors.Is(err, ErrResponseTooLarge) {
			t.Errorf("%s: %v, want a %s LimitError", c.body, err, c.what)
		}
		// In the Graph dialect too, where names pass unchanged.
		_, err = newTranslator(dirGraph, FixtureSchema, c.page, lim).feed([]byte(c.body), true)
		if !errors.As(err, &le) || le.What != c.what {
			t.Errorf("Graph %s: %v, want a %s LimitError", c.body, err, c.what)
		}
	}
	if _, err := newTranslator(dirFromV2, FixtureSchema, true, lim).feed([]byte(`{"value":[{},{},{"A":[1,2,3,4,5,6,7]}]}`), true); err != nil {
		t.Errorf("a body at the limits: %v", err)
	}
}

func FuzzTranslate(f *testing.F) {
	for _, s := range []string{`{"subject":"x","body":{"contentType":"html"}}`, `[{"a":[1,{"b":"c"}]}]`, `{"@odata.type":"#microsoft.graph.x"}`, `"s"`, `1`, `{"a\u0041":1}`,
		`{"@odata.id":"x","Id":"y"}`, `{"value":[{"@odata.context":"c"}]}`, `{"Subject":"\\\""}`} {
		f.Add([]byte(s), uint8(7))
	}
	f.Fuzz(func(t *testing.T, in []byte, piece uint8) {
		for _, dir := range []direction{dirGraph, dirFromV2, dirToV2} {
			for _, page := range []bool{false, true} {
				out, _, err := feedOnce(newTranslator(dir, FixtureSchema, page, noLimits), bytes.Clone(in), true)
				if err != nil {
					continue
				}
				if json.Valid(in) && !json.Valid(out) {
					t.Fatalf("valid %q became invalid %q", in, out)
				}
				if !json.Valid(in) && json.Valid(out) && !bytes.Equal(in, out) {
					t.Fatalf("invalid %q became valid %q", in, out)
				}
				got, err := feedInPieces(newTranslator(dir, FixtureSchema, page, noLimits), in, int(piece)%16+1)
				if err != nil || !bytes.Equal(got, out) {
					t.Fatalf("%q in pieces: %q, %v; whole: %q", in, got, err, out)
				}
			}
		}
	})
}
