package odata_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/odata"
)

type importance string

// Fields as a model package declares them.
var (
	subject     = odata.NewStringField("subject")
	isRead      = odata.NewBoolField("isRead")
	received    = odata.NewTimeField("receivedDateTime")
	size        = odata.NewNumberField[int64]("size")
	imp         = odata.NewEnumField[importance]("importance")
	fromAddress = odata.NewStringField("from/emailAddress/address")
	categories  = odata.NewStringCollectionField("categories")
	toRecips    = odata.NewCollectionField("toRecipients", func(p string) recipientFields {
		return recipientFields{Address: odata.NewStringField(p + "/emailAddress/address")}
	})
	bodyContentType = odata.NewEnumField[importance]("body/contentType")
	extProps        = odata.NewCollectionField("singleValueExtendedProperties", func(p string) extFields {
		return extFields{ID: odata.NewStringField(p + "/id")}
	})
)

type recipientFields struct{ Address odata.StringField }
type extFields struct{ ID odata.StringField }

func TestQueryEncode(t *testing.T) {
	since := time.Date(2024, 5, 1, 8, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	cases := []struct {
		name      string
		q         *odata.Query
		graph, v2 string
	}{
		{"nil", nil, "", ""},
		{"select", &odata.Query{Select: odata.Fields(subject, fromAddress)},
			"$select=subject,from/emailAddress/address", "$select=Subject,From/EmailAddress/Address"},
		{"filter and order", &odata.Query{
			Filter:  isRead.Eq(false).And(received.Ge(since)),
			OrderBy: odata.Desc(received).ThenAsc(subject),
			Top:     50, Skip: 10, Count: true},
			"$filter=isRead%20eq%20false%20and%20receivedDateTime%20ge%202024-05-01T06:30:00Z&$orderby=receivedDateTime%20desc,subject&$top=50&$skip=10&$count=true",
			"$filter=IsRead%20eq%20false%20and%20ReceivedDateTime%20ge%202024-05-01T06:30:00Z&$orderby=ReceivedDateTime%20desc,Subject&$top=50&$skip=10&$count=true"},
		{"quote doubled", &odata.Query{Filter: subject.Eq("Pat's notes")},
			"$filter=subject%20eq%20'Pat''s%20notes'", "$filter=Subject%20eq%20'Pat''s%20notes'"},
		{"reserved characters escaped", &odata.Query{Filter: subject.Eq("a&b=c+d#e%f?g")},
			"$filter=subject%20eq%20'a%26b%3Dc%2Bd%23e%25f%3Fg'", "$filter=Subject%20eq%20'a%26b%3Dc%2Bd%23e%25f%3Fg'"},
		{"enum", &odata.Query{Filter: imp.Eq("high")}, "$filter=importance%20eq%20'high'", "$filter=Importance%20eq%20'High'"},
		{"irregular enum", &odata.Query{Filter: bodyContentType.Eq("html")}, "$filter=body/contentType%20eq%20'html'", "$filter=Body/ContentType%20eq%20'HTML'"},
		{"functions", &odata.Query{Filter: odata.Or(subject.StartsWith("Re:"), subject.Contains("x"), subject.EndsWith("y"))},
			"$filter=startswith(subject,'Re:')%20or%20contains(subject,'x')%20or%20endswith(subject,'y')",
			"$filter=startswith(Subject,'Re:')%20or%20contains(Subject,'x')%20or%20endswith(Subject,'y')"},
		{"precedence", &odata.Query{Filter: odata.And(isRead.Eq(true), odata.Or(size.Gt(10), size.Le(2.0)), odata.Not(fromAddress.IsNull()))},
			"$filter=isRead%20eq%20true%20and%20(size%20gt%2010%20or%20size%20le%202)%20and%20not(from/emailAddress/address%20eq%20null)",
			"$filter=IsRead%20eq%20true%20and%20(Size%20gt%2010%20or%20Size%20le%202)%20and%20not(From/EmailAddress/Address%20eq%20null)"},
		{"any on strings", &odata.Query{Filter: categories.Has("Finance")},
			"$filter=categories/any(x:x%20eq%20'Finance')", "$filter=Categories/any(x:x%20eq%20'Finance')"},
		{"any on objects", &odata.Query{Filter: toRecips.Any(func(r recipientFields) odata.Filter { return r.Address.Eq("lee@corp.example") })},
			"$filter=toRecipients/any(x:x/emailAddress/address%20eq%20'lee@corp.example')",
			"$filter=ToRecipients/any(x:x/EmailAddress/Address%20eq%20'lee@corp.example')"},
		{"scoped rename in lambda", &odata.Query{Filter: extProps.Any(func(e extFields) odata.Filter { return e.ID.Eq("String 0x1") })},
			"$filter=singleValueExtendedProperties/any(x:x/id%20eq%20'String%200x1')",
			"$filter=SingleValueExtendedProperties/any(x:x/PropertyId%20eq%20'String%200x1')"},
		{"expand with filter", &odata.Query{Expand: []odata.Expand{{Property: odata.RawProperty("singleValueExtendedProperties"), Filter: odata.RawFilter("id eq 'x'")}}},
			"$expand=singleValueExtendedProperties($filter%3D(id%20eq%20'x'))", "$expand=SingleValueExtendedProperties($filter%3D(id%20eq%20'x'))"},
		{"expand typed filter", &odata.Query{Expand: []odata.Expand{{Property: odata.RawProperty("singleValueExtendedProperties"), Filter: odata.NewStringField("id").Eq("String 0x1")}}},
			"$expand=singleValueExtendedProperties($filter%3Did%20eq%20'String%200x1')", "$expand=SingleValueExtendedProperties($filter%3DPropertyId%20eq%20'String%200x1')"},
		{"search", &odata.Query{Search: `from:lee "q3"`}, "$search=%22from:lee%20%5C%22q3%5C%22%22", "$search=%22from:lee%20%5C%22q3%5C%22%22"},
		{"raw filter", &odata.Query{Filter: odata.RawFilter("size gt 5")}, "$filter=(size%20gt%205)", "$filter=(size%20gt%205)"},
		{"zero filters ignored", &odata.Query{Filter: odata.And(odata.Filter{}, isRead.Eq(true), odata.Filter{})}, "$filter=isRead%20eq%20true", "$filter=IsRead%20eq%20true"},
		{"fractional seconds", &odata.Query{Filter: received.Lt(time.Date(2024, 1, 2, 3, 4, 5, 600000000, time.UTC))},
			"$filter=receivedDateTime%20lt%202024-01-02T03:04:05.6Z", "$filter=ReceivedDateTime%20lt%202024-01-02T03:04:05.6Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, d := range []struct {
				d    *odata.Dialect
				want string
			}{{odata.Graph, c.graph}, {odata.OutlookV2, c.v2}} {
				got, err := c.q.Encode(d.d, odata.FixtureSchema)
				if err != nil || got != d.want {
					t.Errorf("Encode(%s) =\n %s, %v\nwant\n %s", d.d, got, err, d.want)
				}
				if _, err := url.ParseQuery(got); err != nil {
					t.Errorf("Encode(%s) is not a valid query string: %v", d.d, err)
				}
			}
		})
	}
}

func TestQueryInvalid(t *testing.T) {
	cases := map[string]*odata.Query{
		"negative top":       {Top: -1},
		"negative skip":      {Skip: -2},
		"search with filter": {Search: "x", Filter: isRead.Eq(true)},
		"search with order":  {Search: "x", OrderBy: odata.Asc(subject)},
		"quote in zone":      {Prefer: odata.Prefer{TimeZone: `UTC"`}},
		"newline in zone":    {Prefer: odata.Prefer{TimeZone: "UTC\r\nX-Evil: 1"}},
		"bad body type":      {Prefer: odata.Prefer{BodyType: "rtf"}},
		"nil select":         {Select: []odata.Property{nil}},
	}
	for name, q := range cases {
		if _, err := q.Encode(odata.Graph, nil); !errors.Is(err, odata.ErrInvalidQuery) {
			t.Errorf("%s: Encode error = %v, want ErrInvalidQuery", name, err)
		}
	}
}

// FuzzFilterLiteral checks that no string can break out of a filter literal:
// the rendered expression, once percent-decoded, parses back into exactly the
// same structure with the same value.
func FuzzFilterLiteral(f *testing.F) {
	for _, s := range []string{"", "'", "''", "a' or 1 eq 1 or 'a", "x&$top=1", "%27", "\x00", "é", ")", "#frag"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range []*odata.Dialect{odata.Graph, odata.OutlookV2} {
			q := &odata.Query{Filter: subject.Eq(s).And(isRead.Eq(true))}
			enc, err := q.Encode(d, odata.FixtureSchema)
			if err != nil {
				t.Fatal(err)
			}
			vals, err := url.ParseQuery(enc)
			if err != nil {
				t.Fatalf("query %q does not parse: %v", enc, err)
			}
			if len(vals) != 1 || len(vals["$filter"]) != 1 {
				t.Fatalf("value %q added query options: %v", s, vals)
			}
			expr := vals["$filter"][0]
			name := d.PropertyPath(odata.FixtureSchema, "subject")
			prefix := name + " eq '"
			if !strings.HasPrefix(expr, prefix) {
				t.Fatalf("filter %q lost its shape", expr)
			}
			lit, rest, ok := readLiteral(expr[len(prefix):])
			if !ok || lit != s {
				t.Fatalf("literal read back as %q (ok=%v), want %q", lit, ok, s)
			}
			if want := " and " + d.PropertyPath(odata.FixtureSchema, "isRead") + " eq true"; rest != want {
				t.Fatalf("after the literal: %q, want %q", rest, want)
			}
		}
	})
}

// readLiteral reads the rest of an OData string literal whose opening quote
// was consumed, as a server's tokenizer does.
func readLiteral(s string) (lit, rest string, ok bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), s[i+1:], true
		}
		b.WriteByte(s[i])
	}
	return "", "", false
}

func TestParseEnum(t *testing.T) {
	for in, want := range map[string]importance{"high": "high", "High": "high", "HIGH": "high", "low": "low", "urgent": "urgent", "": ""} {
		if got := odata.ParseEnum([]byte(in), importance("low"), importance("high")); got != want {
			t.Errorf("ParseEnum(%q) = %q, want %q", in, got, want)
		}
	}
}
