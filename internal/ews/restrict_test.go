package ews

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// Typed fields over the test schemas, as the model packages declare them.
type recipientFields struct{ Address, Name odata.StringField }

func recipientAt(prefix string) recipientFields {
	return recipientFields{
		Address: odata.NewStringField(prefix + "/emailAddress/address"),
		Name:    odata.NewStringField(prefix + "/emailAddress/name"),
	}
}

type extFields struct{ ID, Value odata.StringField }

func extAt(prefix string) extFields {
	return extFields{ID: odata.NewStringField(prefix + "/id"), Value: odata.NewStringField(prefix + "/value")}
}

var (
	fSubject     = odata.NewStringField("subject")
	fIsRead      = odata.NewBoolField("isRead")
	fReceived    = odata.NewTimeField("receivedDateTime")
	fImportance  = odata.NewEnumField[string]("importance")
	fCategories  = odata.NewStringCollectionField("categories")
	fTo          = odata.NewCollectionField("toRecipients", recipientAt)
	fFrom        = recipientAt("from")
	fBody        = odata.NewStringField("body/content")
	fBodyType    = odata.NewStringField("body/contentType")
	fFlagStatus  = odata.NewEnumField[string]("flag/flagStatus")
	fClass       = odata.NewEnumField[string]("inferenceClassification")
	fHasAtt      = odata.NewBoolField("hasAttachments")
	fParent      = odata.NewStringField("parentFolderId")
	fExt         = odata.NewCollectionField("singleValueExtendedProperties", extAt)
	fWebLink     = odata.NewStringField("webLink")
	fUnknown     = odata.NewStringField("noSuchProperty")
	fChildCount  = odata.NewNumberField[int]("childFolderCount")
	fDisplayName = odata.NewStringField("displayName")
)

func restrictionXML(t testing.TB, r *restriction) string {
	t.Helper()
	var w xmlWriter
	if r != nil {
		writeRestriction(&w, r)
	}
	return string(w.b)
}

func TestTranslateFilter(t *testing.T) {
	at := time.Date(2024, 3, 1, 8, 30, 0, 123456789, time.UTC)
	const extID = "String {00020329-0000-0000-C000-000000000046} Name Color"
	for _, c := range []struct {
		name string
		f    odata.Filter
		want string
	}{
		{"eq bool", fIsRead.Eq(false),
			`<t:IsEqualTo><t:FieldURI FieldURI="message:IsRead"/><t:FieldURIOrConstant><t:Constant Value="false"/></t:FieldURIOrConstant></t:IsEqualTo>`},
		{"comparisons", fReceived.Ge(at).And(fReceived.Lt(at.Add(time.Hour)), fSubject.Ne("x"), fSubject.Gt("a"), fSubject.Le("b")),
			`<t:And><t:IsGreaterThanOrEqualTo><t:FieldURI FieldURI="item:DateTimeReceived"/><t:FieldURIOrConstant><t:Constant Value="2024-03-01T08:30:00.1234568Z"/></t:FieldURIOrConstant></t:IsGreaterThanOrEqualTo>` +
				`<t:IsLessThan><t:FieldURI FieldURI="item:DateTimeReceived"/><t:FieldURIOrConstant><t:Constant Value="2024-03-01T09:30:00.1234568Z"/></t:FieldURIOrConstant></t:IsLessThan>` +
				`<t:IsNotEqualTo><t:FieldURI FieldURI="item:Subject"/><t:FieldURIOrConstant><t:Constant Value="x"/></t:FieldURIOrConstant></t:IsNotEqualTo>` +
				`<t:IsGreaterThan><t:FieldURI FieldURI="item:Subject"/><t:FieldURIOrConstant><t:Constant Value="a"/></t:FieldURIOrConstant></t:IsGreaterThan>` +
				`<t:IsLessThanOrEqualTo><t:FieldURI FieldURI="item:Subject"/><t:FieldURIOrConstant><t:Constant Value="b"/></t:FieldURIOrConstant></t:IsLessThanOrEqualTo></t:And>`},
		{"or not enum", odata.Not(fImportance.Eq("high").Or(fImportance.Eq("LOW"))),
			`<t:Not><t:Or><t:IsEqualTo><t:FieldURI FieldURI="item:Importance"/><t:FieldURIOrConstant><t:Constant Value="High"/></t:FieldURIOrConstant></t:IsEqualTo>` +
				`<t:IsEqualTo><t:FieldURI FieldURI="item:Importance"/><t:FieldURIOrConstant><t:Constant Value="Low"/></t:FieldURIOrConstant></t:IsEqualTo></t:Or></t:Not>`},
		{"contains and startswith", fSubject.Contains(`a"<b>`).And(fSubject.StartsWith("Re:")),
			`<t:And><t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Subject"/><t:Constant Value="a&quot;&lt;b&gt;"/></t:Contains>` +
				`<t:Contains ContainmentMode="Prefixed" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Subject"/><t:Constant Value="Re:"/></t:Contains></t:And>`},
		{"not null", fSubject.NotNull(), `<t:Exists><t:FieldURI FieldURI="item:Subject"/></t:Exists>`},
		{"is null", fSubject.IsNull(), `<t:Not><t:Exists><t:FieldURI FieldURI="item:Subject"/></t:Exists></t:Not>`},
		{"from address", fFrom.Address.Eq("ana@contoso.com"),
			`<t:IsEqualTo><t:FieldURI FieldURI="message:From"/><t:FieldURIOrConstant><t:Constant Value="ana@contoso.com"/></t:FieldURIOrConstant></t:IsEqualTo>`},
		{"body content", fBody.Contains("budget"),
			`<t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Body"/><t:Constant Value="budget"/></t:Contains>`},
		{"flag status", fFlagStatus.Eq("flagged"),
			`<t:IsEqualTo><t:ExtendedFieldURI PropertyTag="0x1090" PropertyType="Integer"/><t:FieldURIOrConstant><t:Constant Value="2"/></t:FieldURIOrConstant></t:IsEqualTo>`},
		{"category", fCategories.Has("Red"),
			`<t:IsEqualTo><t:FieldURI FieldURI="item:Categories"/><t:FieldURIOrConstant><t:Constant Value="Red"/></t:FieldURIOrConstant></t:IsEqualTo>`},
		{"category prefix", fCategories.Any(func(e odata.StringField) odata.Filter { return e.StartsWith("Proj") }),
			`<t:Contains ContainmentMode="Prefixed" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Categories"/><t:Constant Value="Proj"/></t:Contains>`},
		{"extended property", fExt.Any(func(e extFields) odata.Filter { return e.ID.Eq(extID).And(e.Value.Eq("Blue")) }),
			`<t:IsEqualTo><t:ExtendedFieldURI PropertySetId="00020329-0000-0000-C000-000000000046" PropertyName="Color" PropertyType="String"/><t:FieldURIOrConstant><t:Constant Value="Blue"/></t:FieldURIOrConstant></t:IsEqualTo>`},
		{"extended property exists", fExt.Any(func(e extFields) odata.Filter {
			return e.ID.Eq("Integer {00020329-0000-0000-C000-000000000046} Id 0x8201")
		}),
			`<t:Exists><t:ExtendedFieldURI PropertySetId="00020329-0000-0000-C000-000000000046" PropertyId="0x8201" PropertyType="Integer"/></t:Exists>`},
		{"parent folder id in REST form", fParent.Eq("AAMk-x_yAA=="),
			`<t:IsEqualTo><t:FieldURI FieldURI="item:ParentFolderId"/><t:FieldURIOrConstant><t:Constant Value="AAMk/x+yAA=="/></t:FieldURIOrConstant></t:IsEqualTo>`},
		{"zero", odata.Filter{}, ``},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := translateFilter(c.f, messageSchema)
			if err != nil {
				t.Fatal(err)
			}
			if got := restrictionXML(t, r); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	// Folders: a numeric comparison.
	r, err := translateFilter(fChildCount.Gt(0).And(fDisplayName.StartsWith("Pro")), mailFolderSchema)
	if err != nil {
		t.Fatal(err)
	}
	want := `<t:And><t:IsGreaterThan><t:FieldURI FieldURI="folder:ChildFolderCount"/><t:FieldURIOrConstant><t:Constant Value="0"/></t:FieldURIOrConstant></t:IsGreaterThan>` +
		`<t:Contains ContainmentMode="Prefixed" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="folder:DisplayName"/><t:Constant Value="Pro"/></t:Contains></t:And>`
	if got := restrictionXML(t, r); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTranslateFilterNotSupported(t *testing.T) {
	for _, c := range []struct {
		f    odata.Filter
		part string
	}{
		{fTo.Any(func(r recipientFields) odata.Filter { return r.Address.Eq("a@b.c") }), "any() over toRecipients"},
		{fSubject.EndsWith("x"), "endswith(subject)"},
		{odata.RawFilter("subject eq 'x'"), "RawFilter"},
		{fWebLink.Eq("x"), "webLink"},
		{fClass.Eq("focused"), "inferenceClassification"},
		{fUnknown.Eq("x"), "noSuchProperty"},
		{fFrom.Name.Eq("Ana"), "from/emailAddress/name"},
		{fBodyType.Eq("html"), "body/contentType"},
		{fIsRead.Eq(true).And(fSubject.EndsWith("x")), "endswith(subject)"},
		{fCategories.Any(func(e odata.StringField) odata.Filter { return e.Ne("x") }), "any() over categories with ne"},
	} {
		_, err := translateFilter(c.f, messageSchema)
		if !errors.Is(err, odata.ErrNotSupported) || !strings.Contains(err.Error(), c.part) {
			t.Errorf("%s: %v, want ErrNotSupported naming %q", c.f, err, c.part)
		}
	}
	// A literal of the wrong kind is bad input, not an unsupported feature.
	if _, err := translateFilter(odata.NewStringField("isRead").Eq("yes"), messageSchema); !errors.Is(err, odata.ErrInvalidQuery) {
		t.Errorf("a string compared with a boolean: %v", err)
	}
	if _, err := translateFilter(fExt.Any(func(e extFields) odata.Filter { return e.ID.Eq("bogus") }), messageSchema); !errors.Is(err, odata.ErrInvalidQuery) {
		t.Errorf("a malformed extended property id: %v", err)
	}
}

func TestTranslateOrder(t *testing.T) {
	keys, err := translateOrder(odata.Desc(fReceived).ThenAsc(fFrom.Address).ThenDesc(fFlagStatus), messageSchema)
	if err != nil {
		t.Fatal(err)
	}
	var w xmlWriter
	writeSortOrder(&w, keys)
	want := `<m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder>` +
		`<t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="message:From"/></t:FieldOrder>` +
		`<t:FieldOrder Order="Descending"><t:ExtendedFieldURI PropertyTag="0x1090" PropertyType="Integer"/></t:FieldOrder></m:SortOrder>`
	if string(w.b) != want {
		t.Errorf("got\n%s\nwant\n%s", w.b, want)
	}
	for _, o := range []odata.Order{odata.Asc(fCategories), odata.Asc(fWebLink), odata.Asc(fTo)} {
		if _, err := translateOrder(o, messageSchema); !errors.Is(err, odata.ErrNotSupported) {
			t.Errorf("%v: %v", o, err)
		}
	}
}

// fuzzFilter builds a filter from a program of bytes: each byte picks a
// leaf or a combinator, so the fuzzer explores trees of any shape over the
// message schema's fields.
func fuzzFilter(prog []byte, s string) odata.Filter {
	var stack []odata.Filter
	pop := func() odata.Filter {
		if len(stack) == 0 {
			return fIsRead.Eq(true)
		}
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		return f
	}
	for i, b := range prog {
		v := s
		if len(s) > 0 {
			v = s[:i%len(s)]
		}
		var f odata.Filter
		switch b % 24 {
		case 0:
			f = fSubject.Eq(v)
		case 1:
			f = fSubject.Contains(v)
		case 2:
			f = fSubject.StartsWith(v)
		case 3:
			f = fSubject.EndsWith(v)
		case 4:
			f = fIsRead.Ne(b&1 == 0)
		case 5:
			f = fReceived.Gt(time.Unix(int64(b)*1e7, int64(i)))
		case 6:
			f = fImportance.Eq(v)
		case 7:
			f = fCategories.Has(v)
		case 8:
			f = fTo.Any(func(r recipientFields) odata.Filter { return r.Address.Eq(v) })
		case 9:
			f = fFrom.Address.Eq(v)
		case 10:
			f = fFlagStatus.Eq(v)
		case 11:
			f = fExt.Any(func(e extFields) odata.Filter { return e.ID.Eq(v).And(e.Value.Contains(v)) })
		case 12:
			f = odata.RawFilter(v)
		case 13:
			f = fSubject.IsNull()
		case 14:
			f = fParent.Eq(v)
		case 15:
			f = fHasAtt.Eq(true)
		case 16:
			f = odata.NewNumberField[float64]("subject").Le(float64(b) / 3)
		case 17, 18:
			f = pop().And(pop())
		case 19, 20:
			f = pop().Or(pop())
		case 21:
			f = odata.Not(pop())
		case 22:
			f = fCategories.Any(func(e odata.StringField) odata.Filter { return e.Contains(v).Or(e.Eq(v)) })
		case 23:
			f = fBody.Contains(v)
		}
		stack = append(stack, f)
	}
	out := odata.Filter{}
	for len(stack) > 0 {
		out = out.And(pop())
	}
	return out
}

// FuzzTranslateFilter holds the translation to its contract on any filter
// the builder can make: no panic; success gives a well-formed restriction
// that survives the trip through a next link unchanged; failure is
// ErrNotSupported or ErrInvalidQuery, never anything else.
func FuzzTranslateFilter(f *testing.F) {
	f.Add([]byte{0, 1, 17}, "hello")
	f.Add([]byte{4, 5, 19, 21, 6}, "high")
	f.Add([]byte{8, 0, 17}, "a@b.c")
	f.Add([]byte{11}, "String {00020329-0000-0000-C000-000000000046} Name X")
	f.Add([]byte{14, 7, 22, 20}, "AAMk-x_y")
	f.Add([]byte{10, 10, 18}, "flagged")
	f.Fuzz(func(t *testing.T, prog []byte, s string) {
		if len(prog) > 200 {
			return
		}
		filter := fuzzFilter(prog, s)
		r, err := translateFilter(filter, messageSchema)
		if err != nil {
			if !errors.Is(err, odata.ErrNotSupported) && !errors.Is(err, odata.ErrInvalidQuery) && !errors.Is(err, odata.ErrInvalidPath) {
				t.Fatalf("%s: %v", filter, err)
			}
			return
		}
		doc := restrictionXML(t, r)
		d := xml.NewDecoder(strings.NewReader("<m:Restriction xmlns:m='m' xmlns:t='t'>" + doc + "</m:Restriction>"))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s gives malformed XML %s: %v", filter, doc, err)
			}
		}
		if r == nil {
			return
		}
		if err := r.check(0); err != nil {
			t.Fatalf("%s: the restriction does not pass its own check: %v", filter, err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back restriction
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if got := restrictionXML(t, &back); got != doc {
			t.Fatalf("through a link %s becomes %s", doc, got)
		}
		if bytes.Contains([]byte(doc), []byte("<t:Constant Value=\"\x00")) {
			t.Fatalf("a NUL reached the request: %s", doc)
		}
	})
}
