package query

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// sampleMessages are written for these tests in Graph's shape.
const sampleMessagesJSON = `[
 {"id":"m1","subject":"Q3 numbers","isRead":false,"importance":"high","receivedDateTime":"2024-05-02T09:00:00Z",
  "from":{"emailAddress":{"name":"Lee Park","address":"lee@corp.example"}},
  "toRecipients":[{"emailAddress":{"name":"Ana","address":"ana@corp.example"}},{"emailAddress":{"address":"bo@corp.example"}}],
  "categories":["Finance","Red"],"size":2048,"hasAttachments":true,"body":{"contentType":"html","content":"<p>See the budget</p>"}},
 {"id":"m2","subject":"Pat's notes","isRead":true,"importance":"normal","receivedDateTime":"2024-04-30T23:59:59.9999999Z",
  "from":{"emailAddress":{"name":"Pat","address":"pat@corp.example"}},
  "toRecipients":[{"emailAddress":{"address":"lee@corp.example"}}],"categories":[],"size":10,"hasAttachments":false},
 {"id":"m3","subject":"lunch","isRead":false,"importance":"Low","receivedDateTime":"2024-05-01T01:00:00+02:00",
  "categories":["finance"],"size":1048577},
 {"id":"m4","isRead":true,"receivedDateTime":"2024-05-03T00:00:00.0000000Z","importance":"High",
  "from":{"emailAddress":{"name":"Lee Park","address":"LEE@corp.example"}},"flag":{"flagStatus":"flagged"}}
]`

func sampleMessages(t testing.TB) []map[string]any {
	t.Helper()
	var ms []map[string]any
	if err := json.Unmarshal([]byte(sampleMessagesJSON), &ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

func ids(objs []map[string]any) string {
	var out []string
	for _, o := range objs {
		id, _ := o["id"].(string)
		out = append(out, id)
	}
	return strings.Join(out, ",")
}

func matching(f *Filter, objs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, o := range objs {
		if f.Match(o) {
			out = append(out, o)
		}
	}
	return out
}

func TestFilterMatch(t *testing.T) {
	msgs := sampleMessages(t)
	tests := []struct {
		filter string
		want   string // ids of the matching sample messages
	}{
		{"isRead eq false", "m1,m3"},
		{"IsRead eq false", "m1,m3"},
		{"isRead ne false", "m2,m4"},
		{"isRead", "m2,m4"},
		{"not isRead", "m1,m3"},
		{"not(isRead)", "m1,m3"},
		{"true", "m1,m2,m3,m4"},
		{"false", ""},
		{"subject eq 'Q3 NUMBERS'", "m1"},
		{"Subject eq 'q3 numbers'", "m1"},
		{"subject eq 'Pat''s notes'", "m2"},
		{"subject eq null", "m4"},
		{"subject ne null", "m1,m2,m3"},
		{"null eq subject", "m4"},
		{"'lunch' eq subject", "m3"},
		{"subject gt 'a'", "m3"},    // ordinal: "Q3", "Pat" sort before "a"
		{"subject lt 'a'", "m1,m2"}, // a missing subject never orders
		{"subject ne 'lunch'", "m1,m2,m4"},
		{"importance eq 'high'", "m1,m4"},
		{"Importance eq 'High'", "m1,m4"},
		{"importance eq microsoft.graph.importance'HIGH'", "m1,m4"},
		{"Importance eq Microsoft.OutlookServices.Importance'Low'", "m3"},
		{"receivedDateTime ge 2024-05-01T00:00:00Z", "m1,m4"},
		{"ReceivedDateTime ge 2024-05-01", "m1,m4"},
		{"receivedDateTime lt 2024-05-01T00:00:00Z", "m2,m3"}, // m3 is 2024-04-30T23:00Z
		{"receivedDateTime eq 2024-05-01T01:00:00+02:00", "m3"},
		{"receivedDateTime eq 2024-04-30T23:00:00.000Z", "m3"},
		{"receivedDateTime gt 2024-04-30t23:59:59.9z", "m1,m2,m4"},
		{"receivedDateTime ge 2024-05-02T11:00+02:00", "m1,m4"},
		{"size gt 1048576", "m3"},
		{"size ge 10 and size le 2048", "m1,m2"},
		{"size eq 2048.0", "m1"},
		{"size lt 1.5e3", "m2"},
		{"size ge -1", "m1,m2,m3"},
		{"hasAttachments eq true", "m1"},
		{"from/emailAddress/address eq 'lee@corp.example'", "m1,m4"},
		{"From/EmailAddress/Address eq 'LEE@CORP.EXAMPLE'", "m1,m4"},
		{"from eq null", "m3"},
		{"from/emailAddress/name eq null", "m3"},
		{"flag/flagStatus eq 'Flagged'", "m4"},
		{"startswith(subject,'q3')", "m1"},
		{"startsWith(Subject,'Q3')", "m1"},
		{"endswith(subject,'NOTES')", "m2"},
		{"contains(subject,'UMB')", "m1"},
		{"contains(body/content,'budget')", "m1"},
		{"not contains(subject,'x')", "m1,m2,m3"}, // a missing subject is null: not null is null
		{"startswith(from/emailAddress/address,'lee')", "m1,m4"},
		{"categories/any(c:c eq 'finance')", "m1,m3"},
		{"Categories/any(cat: cat eq 'Red')", "m1"},
		{"categories/any(c:startswith(c,'fin'))", "m1,m3"},
		{"categories/any()", "m1,m3"},
		{"not categories/any()", "m2,m4"},
		{"not(categories/any(c:c eq 'Red'))", "m2,m3,m4"},
		{"toRecipients/any(r:r/emailAddress/address eq 'bo@corp.example')", "m1"},
		{"ToRecipients/any(r:r/EmailAddress/Address eq 'LEE@corp.example')", "m2"},
		{"toRecipients/any(r:r/emailAddress/address eq 'bo@corp.example' and isRead eq false)", "m1"},
		{"toRecipients/any(r:categories/any(c:c eq 'Red') and r/emailAddress/name eq 'Ana')", "m1"},
		{"isRead eq false and importance eq 'high'", "m1"},
		{"isRead eq false or importance eq 'high'", "m1,m3,m4"},
		{"importance eq 'high' or isRead eq false and size gt 5000", "m1,m3,m4"}, // and binds tighter
		{"(importance eq 'high' or isRead eq false) and size gt 5000", "m3"},
		{"isRead EQ false AND size Lt 2049", "m1"},
		{"not isRead eq true", "m1,m3"}, // (not isRead) eq true, as OData's precedence says
		{"isRead eq (size gt 100)", ""},
		{"( isRead eq true )", "m2,m4"},
		{"subject in ('lunch', 'Q3 numbers')", "m1,m3"},
		{"size in (10)", "m2"},
		{"subject in ()", ""},
		{"importance in ('HIGH')", "m1,m4"},
		{"isRead eq false and receivedDateTime ge 2024-05-01T00:00:00Z", "m1"},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.filter, messageSchema)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.filter, err)
			continue
		}
		if got := ids(matching(f, msgs)); got != tt.want {
			t.Errorf("%q matched [%s], want [%s]", tt.filter, got, tt.want)
		}
	}
}

func TestFilterContacts(t *testing.T) {
	c := obj(t, `{"displayName":"Lee","emailAddresses":[{"name":"Lee","address":"lee@corp.example"}]}`)
	for _, tt := range []struct {
		filter string
		want   bool
	}{
		{"emailAddresses/any(a:a/address eq 'lee@corp.example')", true},
		{"EmailAddresses/any(a:a/Address eq 'LEE@CORP.EXAMPLE')", true},
		{"emailAddresses/any(a:a/address eq 'x@corp.example')", false},
	} {
		f, err := ParseFilter(tt.filter, contactSchema)
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", tt.filter, err)
		}
		if got := f.Match(c); got != tt.want {
			t.Errorf("%q: Match = %v, want %v", tt.filter, got, tt.want)
		}
	}
}

// TestFilterDataShapes checks data a test may seed from Go rather than JSON.
func TestFilterDataShapes(t *testing.T) {
	f, err := ParseFilter("size gt 5 and categories/any(c:c eq 'a') and toRecipients/any(r:r/emailAddress/address eq 'x')", messageSchema)
	if err != nil {
		t.Fatal(err)
	}
	o := map[string]any{
		"size":         json.Number("6"),
		"categories":   []string{"A"},
		"toRecipients": []map[string]any{{"emailAddress": map[string]any{"address": "X"}}},
	}
	if !f.Match(o) {
		t.Error("json.Number, []string and []map[string]any data did not match")
	}
	for _, size := range []any{6, int64(6), 6.0, float32(6), uint(6)} {
		o["size"] = size
		if !f.Match(o) {
			t.Errorf("size %T did not match", size)
		}
	}
	// Data of the wrong type is null, never a panic.
	for _, bad := range []map[string]any{
		{"size": "6"}, {"size": []any{1}}, {"categories": "a"}, {"toRecipients": []any{"x", 1, nil}},
		{"receivedDateTime": 5}, {"receivedDateTime": "yesterday"}, {"from": "x"}, nil,
	} {
		if f.Match(bad) {
			t.Errorf("matched %v", bad)
		}
	}
	g, _ := ParseFilter("receivedDateTime ge 2024-01-01 and from/emailAddress/address eq null", messageSchema)
	if !g.Match(map[string]any{"receivedDateTime": "2024-01-02T00:00:00", "from": "not an object"}) {
		t.Error("a zone-less date-time in data is UTC; a non-object on the path is null")
	}
}

func TestFilterProperties(t *testing.T) {
	tests := []struct {
		filter string
		want   []string
	}{
		{"ReceivedDateTime ge 2024-05-01 and Subject eq 'x' and receivedDateTime lt 2024-06-01", []string{"receivedDateTime", "subject"}},
		{"categories/any(c:c eq 'x') and from/emailAddress/address eq 'a'", []string{"categories", "from/emailAddress/address"}},
		{"toRecipients/any(r:r/emailAddress/address eq 'a' and isRead)", []string{"toRecipients", "isRead"}},
		{"true", nil},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.filter, messageSchema)
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", tt.filter, err)
		}
		got := f.Properties()
		if !slices.Equal(got, tt.want) {
			t.Errorf("Properties(%q) = %q, want %q", tt.filter, got, tt.want)
		}
		if len(got) > 0 {
			got[0] = "changed"
			if f.Properties()[0] == "changed" {
				t.Error("Properties returned the filter's own slice")
			}
		}
	}
}

func TestFilterErrors(t *testing.T) {
	tests := []struct {
		filter string
		status int
		class  errClass
		msg    string // must appear in the message
	}{
		{"", 400, classSyntax, "empty"},
		{" isRead", 400, classSyntax, "whitespace"},
		{"isRead ", 400, classSyntax, "whitespace"},
		{"subject eq 'abc", 400, classSyntax, "unterminated"},
		{"subject eq 'it''s", 400, classSyntax, "unterminated"},
		{"nope eq 1", 400, classUnknown, "'nope' on type 'microsoft.graph.message'"},
		{"from/emailAddress/nope eq 'x'", 400, classUnknown, "from/emailAddress/nope"},
		{"isRead eq 'x'", 400, classType, "cannot compare"},
		{"size eq 'x'", 400, classType, "cannot compare"},
		{"receivedDateTime ge '2024-05-01T00:00:00Z'", 400, classType, "cannot compare"},
		{"subject eq 5", 400, classType, "cannot compare"},
		{"subject eq microsoft.graph.importance'high'", 400, classType, "not an enum"},
		{"from eq 'x'", 400, classType, "complex value"},
		{"categories eq 'x'", 400, classType, "categories/any"},
		{"subject", 400, classType, "must be true or false"},
		{"subject and isRead", 400, classType, "'and'"},
		{"not subject", 400, classType, "'not'"},
		{"subject/any(c:c eq 'x')", 400, classType, "needs a collection"},
		{"categories/any(c:c/name eq 'x')", 400, classType, "are strings"},
		{"startswith(size,'1')", 400, classType, "needs strings"},
		{"startswith(categories,'1')", 400, classUnsupported, "collection"},
		{"startswith(subject)", 400, classSyntax, "want ','"},
		{"startswith(subject,'a','b')", 400, classSyntax, "want ')'"},
		{"importance gt 'low'", 400, classUnsupported, "ordering operator"},
		{"size add 1 eq 2", 400, classUnsupported, "arithmetic operator 'add'"},
		{"size mod 2 eq 0", 400, classUnsupported, "'mod'"},
		{"importance has microsoft.graph.importance'high'", 400, classUnsupported, "'has'"},
		{"categories/all(c:c eq 'x')", 400, classUnsupported, "'all'"},
		{"$it/subject eq 'x'", 400, classUnsupported, "'$it'"},
		{"length(subject) eq 1", 400, classUnsupported, "function 'length'"},
		{"tolower(subject) eq 'x'", 400, classUnsupported, "function 'tolower'"},
		{"cast(subject,Edm.String) eq 'x'", 400, classUnsupported, "function 'cast'"},
		{"isof(microsoft.graph.message)", 400, classUnsupported, "function 'isof'"},
		{"frobnicate(subject)", 400, classSyntax, "unknown function"},
		{"-size eq 1", 400, classUnsupported, "negation"},
		{"subject eq @p", 400, classUnsupported, "parameter aliases"},
		{"subject in ['a']", 400, classUnsupported, "JSON literals"},
		{"subject in 'a'", 400, classSyntax, "unexpected string literal"},
		{"subject eq ['a']", 400, classUnsupported, "JSON literals"},
		{"subject in (subject)", 400, classUnsupported, "list of literals"},
		{"subject eq ('a','b')", 400, classSyntax, "unexpected ','"},
		{"toRecipients/emailAddress/address eq 'x'", 400, classUnsupported, "is a collection"},
		{"toRecipients/any(r:r/any(s:s eq 'x'))", 400, classType, "needs a collection"},
		{"categories/any(c:categories/any(d:categories/any(e:categories/any(f:categories/any(g:g eq 'x')))))", 400, classUnsupported, "nested more than 4"},
		{"any(c:c eq 'x')", 400, classSyntax, "must follow a collection"},
		{"microsoft.graph.message/subject eq 'x'", 400, classUnsupported, "qualified name"},
		{"from/microsoft.graph.recipient/emailAddress eq null", 400, classUnsupported, "type-cast"},
		{"categories/$count gt 0", 400, classUnsupported, "'$count'"},
		{"subject/@odata.type eq 'x'", 400, classUnsupported, "annotations"},
		{"id eq 01234567-89ab-cdef-0123-456789abcdef", 400, classUnsupported, "GUID"},
		{"receivedDateTime ge 2024-05-01T00:00:00", 400, classSyntax, "DateTimeOffset"},
		{"receivedDateTime ge 2024-05-01T00:00:00 02:00", 400, classSyntax, "%2B"},
		{"receivedDateTime ge 2024-13-01", 400, classSyntax, "invalid date"},
		{"size eq 1e999", 400, classSyntax, "out of range"},
		{"size eq 12abc", 400, classSyntax, "invalid literal"},
		{"size eq 10:30:00", 400, classUnsupported, "TimeOfDay"},
		{"size eq INF", 400, classUnsupported, "INF"},
		{"subject eq duration'P1D'", 400, classUnsupported, "duration literals"},
		{"isRead eq true eq", 400, classSyntax, "end of input"},
		{"isRead eq true)", 400, classSyntax, "unexpected ')'"},
		{"(isRead eq true", 400, classSyntax, "want ')'"},
		{"isRead eqtrue", 400, classSyntax, "unexpected 'eqtrue'"},
		{"isRead eq true xor false", 400, classSyntax, "'xor'"},
		{"subject eq 'x' #", 400, classSyntax, "'#'"},
		{strings.Repeat("(", 300) + "true" + strings.Repeat(")", 300), 400, classSyntax, "nested"},
		{"\xff", 400, classSyntax, "UTF-8"},
		{"bogus eq 'x'", 501, classUnsupported, "no valid kind"},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.filter, messageSchema)
		if err == nil {
			t.Errorf("ParseFilter(%q) = %v, want an error", tt.filter, f)
			continue
		}
		e, ok := errors.AsType[*Error](err)
		if !ok {
			t.Errorf("ParseFilter(%q) error %T is not *Error", tt.filter, err)
			continue
		}
		if e.Status != tt.status || e.class != tt.class || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("ParseFilter(%q) = %d class %d %q; want %d class %d containing %q", tt.filter, e.Status, e.class, e.Message, tt.status, tt.class, tt.msg)
		}
		if e.Code == "" || !strings.HasPrefix(e.Error(), "query: ") {
			t.Errorf("ParseFilter(%q): code %q, Error() %q", tt.filter, e.Code, e.Error())
		}
	}
}

func TestErrorMessageShortensInput(t *testing.T) {
	long := "subject eq 'é" + strings.Repeat("é", 200)
	_, err := ParseFilter(long+"' )", messageSchema)
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	if len(e.Message) > 300 || !strings.Contains(e.Message, "...") {
		t.Errorf("message not shortened: %d bytes: %s", len(e.Message), e.Message)
	}
	if !strings.Contains(e.Message, "position") {
		t.Errorf("message does not give the position: %s", e.Message)
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	f, err := ParseFilter("isRead eq false and receivedDateTime ge 2024-05-01T00:00:00Z and categories/any(c:c eq 'Red')", messageSchema)
	if err != nil {
		t.Fatal(err)
	}
	m := sampleMessages(t)[0]
	if !f.Match(m) {
		t.Fatal("no match")
	}
	if n := testing.AllocsPerRun(1000, func() { f.Match(m) }); n != 0 {
		t.Errorf("Match allocates %v times per call", n)
	}
}

// TestFilterConcurrent shares one Filter between goroutines, as concurrent
// requests with the same query would; run it with -race.
func TestFilterConcurrent(t *testing.T) {
	f, err := ParseFilter("toRecipients/any(r:r/emailAddress/address eq 'bo@corp.example' and categories/any(c:c eq 'Red'))", messageSchema)
	if err != nil {
		t.Fatal(err)
	}
	msgs := sampleMessages(t)
	done := make(chan string)
	for range 8 {
		go func() {
			var got string
			for range 200 {
				got = ids(matching(f, msgs))
			}
			done <- got
		}()
	}
	for range 8 {
		if got := <-done; got != "m1" {
			t.Errorf("concurrent Match = %q, want m1", got)
		}
	}
}
