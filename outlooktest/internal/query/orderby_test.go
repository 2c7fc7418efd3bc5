package query

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseOrderBy(t *testing.T) {
	tests := []struct {
		in   string
		want OrderBy
	}{
		{"receivedDateTime desc", OrderBy{{Path: "receivedDateTime", Desc: true, kind: KindDateTime}}},
		{"ReceivedDateTime DESC", OrderBy{{Path: "receivedDateTime", Desc: true, kind: KindDateTime}}},
		{"subject", OrderBy{{Path: "subject", kind: KindString}}},
		{"subject\tasc,size desc", OrderBy{{Path: "subject", kind: KindString}, {Path: "size", Desc: true, kind: KindNumber}}},
		{"from/emailAddress/address asc", OrderBy{{Path: "from/emailAddress/address", kind: KindString}}},
		{"Importance,isRead", OrderBy{{Path: "importance", kind: KindEnum}, {Path: "isRead", kind: KindBool}}},
	}
	for _, tt := range tests {
		got, err := ParseOrderBy(tt.in, messageSchema)
		if err != nil {
			t.Errorf("ParseOrderBy(%q): %v", tt.in, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ParseOrderBy(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseOrderByErrors(t *testing.T) {
	tests := []struct {
		in    string
		class errClass
		msg   string
	}{
		{"", classSyntax, "no sort key"},
		{" subject", classSyntax, "whitespace"},
		{"subject,", classSyntax, "end of input"},
		{",subject", classSyntax, "unexpected ','"},
		{"nope", classUnknown, "'nope'"},
		{"subject sideways", classUnsupported, "'sideways'"},
		{"subject desc asc", classUnsupported, "'asc'"},
		{"subject eq 'x'", classUnsupported, "'eq'"},
		{"categories", classType, "collection"},
		{"from", classType, "complex"},
		{"toRecipients/emailAddress/address", classUnsupported, "collection"},
		{"length(subject)", classUnsupported, "function"},
		{"categories/$count", classUnsupported, "$count"},
		{"subject/", classSyntax, "end of input"},
		{"'subject'", classSyntax, "string literal"},
		{"subject descx", classUnsupported, "descx"},
		{"subject.desc", classUnsupported, "subject.desc"},
	}
	for _, tt := range tests {
		_, err := ParseOrderBy(tt.in, messageSchema)
		e, ok := errors.AsType[*Error](err)
		if !ok {
			t.Errorf("ParseOrderBy(%q) error = %v, want *Error", tt.in, err)
			continue
		}
		if e.Status != 400 || e.class != tt.class || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("ParseOrderBy(%q) = %d class %d %q; want 400 class %d containing %q", tt.in, e.Status, e.class, e.Message, tt.class, tt.msg)
		}
	}
}

func TestSort(t *testing.T) {
	tests := []struct {
		orderby string
		want    string
	}{
		{"receivedDateTime", "m3,m2,m1,m4"}, // m3 is 2024-05-01T01:00+02:00 = 04-30T23:00Z
		{"receivedDateTime desc", "m4,m1,m2,m3"},
		{"subject", "m4,m3,m2,m1"},      // null first, then ignoring case: lunch, Pat's, Q3
		{"subject desc", "m1,m2,m3,m4"}, // null last
		{"size desc", "m3,m1,m2,m4"},
		{"isRead,receivedDateTime desc", "m1,m3,m4,m2"},
		{"importance", "m1,m4,m3,m2"}, // high, High (a tie: input order), Low, normal
		{"from/emailAddress/address,receivedDateTime", "m3,m1,m4,m2"},
		{"from/emailAddress/address desc", "m2,m1,m4,m3"}, // lee ties keep input order under desc too
	}
	for _, tt := range tests {
		o, err := ParseOrderBy(tt.orderby, messageSchema)
		if err != nil {
			t.Fatalf("ParseOrderBy(%q): %v", tt.orderby, err)
		}
		msgs := sampleMessages(t)
		o.Sort(msgs)
		if got := ids(msgs); got != tt.want {
			t.Errorf("$orderby=%s: %s, want %s", tt.orderby, got, tt.want)
		}
	}
}

// TestSortHandBuilt checks keys a handler builds itself, without a schema:
// types come from the data.
func TestSortHandBuilt(t *testing.T) {
	msgs := sampleMessages(t)
	OrderBy{{Path: "receivedDateTime", Desc: true}}.Sort(msgs)
	if got, want := ids(msgs), "m4,m1,m2,m3"; got != want {
		t.Errorf("hand-built receivedDateTime desc: %s, want %s", got, want)
	}
	mixed := []map[string]any{
		{"id": "s", "v": "b"}, {"id": "o", "v": map[string]any{}}, {"id": "n", "v": 2.0}, {"id": "z"},
		{"id": "t", "v": true}, {"id": "d", "v": "2024-01-01T00:00:00Z"}, {"id": "f", "v": false}, {"id": "S", "v": "B"},
	}
	OrderBy{{Path: "v"}}.Sort(mixed)
	if got, want := ids(mixed), "z,f,t,n,d,s,S,o"; got != want {
		t.Errorf("mixed types: %s, want %s", got, want)
	}
	var empty OrderBy
	empty.Sort(mixed) // no keys: nothing to do, no panic
	OrderBy{{Path: "v"}}.Sort(nil)
}

func TestSortStable(t *testing.T) {
	var objs []map[string]any
	for i := range 50 {
		objs = append(objs, map[string]any{"id": string(rune('A' + i%26)), "n": float64(i), "g": float64(i % 3)})
	}
	OrderBy{{Path: "g", Desc: true}}.Sort(objs)
	for i := 1; i < len(objs); i++ {
		a, b := objs[i-1], objs[i]
		if a["g"].(float64) < b["g"].(float64) || a["g"] == b["g"] && a["n"].(float64) > b["n"].(float64) {
			t.Fatalf("not a stable descending sort at %d: %v then %v", i, a, b)
		}
	}
}
