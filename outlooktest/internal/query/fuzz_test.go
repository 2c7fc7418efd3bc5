package query

import (
	"errors"
	"testing"
	"time"
)

// fuzzObjects are what a parsed query is run against: the sample messages
// plus data that does not fit the schema.
func fuzzObjects(t testing.TB) []map[string]any {
	objs := sampleMessages(t)
	return append(objs,
		nil,
		map[string]any{},
		map[string]any{"subject": 5.0, "isRead": "yes", "size": "big", "receivedDateTime": true, "categories": "x",
			"toRecipients": []any{nil, "x", 1.0, map[string]any{"emailAddress": "x"}}, "from": []any{}, "body": "x"},
		map[string]any{"Subject": "PascalCase", "IsRead": true, "Categories": []string{"a"}, "Size": 7},
	)
}

// checkError fails unless err is a well-formed *Error.
func checkError(t *testing.T, input string, err error) {
	t.Helper()
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("%q: error %T %v is not *Error", input, err, err)
	}
	if e.Status != 400 && e.Status != 501 || e.Code == "" || e.Message == "" {
		t.Fatalf("%q: malformed error %+v", input, e)
	}
}

var filterSeeds = []string{
	"isRead eq false and receivedDateTime ge 2024-05-01T00:00:00Z",
	"subject eq 'Pat''s notes' or not startswith(from/emailAddress/address,'lee')",
	"categories/any(c:c eq 'Finance') and toRecipients/any(r:r/emailAddress/address eq 'a@b')",
	"importance eq microsoft.graph.importance'high'",
	"Importance eq Microsoft.OutlookServices.Importance'High'",
	"(size gt 1.5e3) and size le -2 or subject in ('a','b')",
	"receivedDateTime lt 2024-05-01T01:00:00.1234567+02:00 and sentDateTime ne null",
	"not (contains(subject,'x'))",
	"toRecipients/any(r:categories/any(c:c eq 'x'))",
	"size add 1 eq 2", "$it eq 1", "categories/all(c:true)", "subject eq 'unterminated",
	"", "((", "'", "-", "2024-13-45", "x/y/z(", "a eq [1]",
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range filterSeeds {
		f.Add(s)
	}
	objs := fuzzObjects(f)
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s, messageSchema)
		if err != nil {
			if flt != nil {
				t.Fatalf("%q: both a filter and an error", s)
			}
			checkError(t, s, err)
			return
		}
		for _, p := range flt.Properties() {
			if _, ok := messageSchema.Props[p]; !ok {
				t.Fatalf("%q: Properties has %q, not a schema path", s, p)
			}
		}
		for _, o := range objs {
			flt.Match(o)
		}
	})
}

func FuzzParseOrderBy(f *testing.F) {
	for _, s := range []string{
		"receivedDateTime desc", "Subject asc,size", "from/emailAddress/address\tdesc", "isRead,importance desc",
		"", " x", "subject,", "a eq b", "categories/$count", "subject descending",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOrderBy(s, messageSchema)
		if err != nil {
			checkError(t, s, err)
			return
		}
		objs := fuzzObjects(t)
		o.Sort(objs)
		// Sorted means no adjacent pair is out of order.
		for i := 1; i < len(objs); i++ {
			for j, k := range o {
				a := makeSortKey(walk(objs[i-1], splitPath(k.Path)), k.kind)
				b := makeSortKey(walk(objs[i], splitPath(k.Path)), k.kind)
				c := a.compare(&b)
				if k.Desc {
					c = -c
				}
				if c < 0 {
					break
				}
				if c > 0 {
					t.Fatalf("%q: objects %d and %d out of order on key %d", s, i-1, i, j)
				}
			}
		}
	})
}

func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{
		`"budget"`, `budget`, `"from:lee@corp.example"`, `subject:q3`, `"subject:\"q3 numbers\""`,
		`lee OR (pat AND NOT q3)`, `'x y'`, `NOT NOT`, `"`, `(`, `received:2024`, `importance:high`, `a:b:c`,
	} {
		f.Add(s)
	}
	objs := fuzzObjects(f)
	f.Fuzz(func(t *testing.T, s string) {
		sr, err := ParseSearch(s)
		if err != nil {
			checkError(t, s, err)
			return
		}
		for _, o := range objs {
			sr.Match(o)
		}
	})
}

func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{
		"$filter=isRead eq false&$orderby=isRead&$top=10&$select=subject",
		"$search=%22budget%22&$count=true", "$expand=attachments($select=name;$top=1)",
		"top=5&skip=2", "$foo=1", "a;b", "@p=1", "$filter=%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := ParseRawQuery(raw)
		if err != nil {
			checkError(t, raw, err)
			return
		}
		o, err := ParseOptions(q, messageSchema, Rules{Messages: true})
		if err != nil {
			checkError(t, raw, err)
			return
		}
		if o.HasTop && (o.Top < 0 || o.Top > 1000) || o.Skip < 0 {
			t.Fatalf("%q: Top %d Skip %d", raw, o.Top, o.Skip)
		}
		for _, item := range o.Expand {
			if _, _, err := ParseExpandItem(item); err != nil {
				t.Fatalf("%q: accepted $expand item %q fails ParseExpandItem: %v", raw, item, err)
			}
		}
	})
}

// FuzzParseOffset checks the fast date-time path against time.Parse: where
// the fast path answers, both must agree on the instant.
func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{
		"2024-05-02T09:12:44Z", "2024-05-02T09:12:44.1234567+02:00", "2024-02-29T23:59:59.999999999-11:30",
		"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-02T24:00:00Z", "2024-05-02T09:12:44.Z",
		"2024-05-02T09:12:44+2:00", "2024-05-02t09:12:44z", "0000-01-01T00:00:00Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := fastOffset(s)
		slow, err := time.Parse("2006-01-02T15:04:05Z07:00", s)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("%q: fast path accepted what time.Parse rejects: %v", s, err)
		}
		if !fast.Equal(slow) {
			t.Fatalf("%q: fast %v, time.Parse %v", s, fast, slow)
		}
	})
}

func FuzzParseSelect(f *testing.F) {
	for _, s := range []string{"subject,from", "From/EmailAddress/Address,*", "", ",", "a($select=b)", "@odata.etag", "body/content,body"} {
		f.Add(s)
	}
	objs := fuzzObjects(f)
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := ParseSelect(s, messageSchema)
		if err != nil {
			checkError(t, s, err)
			return
		}
		for _, p := range sel {
			if _, ok := messageSchema.Props[p]; !ok {
				t.Fatalf("%q: selected %q is not a schema path", s, p)
			}
		}
		for _, o := range objs {
			for k := range Project(o, sel, nil) {
				if _, ok := o[k]; !ok {
					t.Fatalf("%q: projection invented key %q", s, k)
				}
			}
		}
	})
}
