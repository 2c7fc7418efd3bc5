package query

import (
	"errors"
	"strings"
	"testing"
)

func TestSearchMatch(t *testing.T) {
	msgs := sampleMessages(t)
	tests := []struct {
		search string
		want   string
	}{
		{`"budget"`, "m1"},
		{`budget`, "m1"},
		{`BUDGET`, "m1"},
		{`"q3"`, "m1"},
		{`"from:lee@corp.example"`, "m1,m4"},
		{`from:Pat`, "m2"},
		{`From:"lee park"`, "m1,m4"},
		{`subject:q3`, "m1"},
		{`"subject:\"Q3 numbers\""`, "m1"},
		{`"subject:\"numbers Q3\""`, ""},
		{`to:bo@corp.example`, "m1"},
		{`recipients:lee`, "m2"},
		{`participants:lee`, "m1,m2,m4"},
		{`category:fin`, "m1,m3"},
		{`hasAttachments:true`, "m1"},
		{`hasattachments:false`, "m2"},
		{`importance:HIGH`, "m1,m4"},
		{`body:budget`, "m1"},
		{`lee notes`, ""},
		{`lee AND notes`, ""},
		{`lee OR notes`, "m1,m2,m4"},
		{`"lee OR notes"`, "m1,m2,m4"},
		{`lee NOT q3`, "m4"},
		{`NOT lee`, "m2,m3"},
		{`(lee OR pat) AND NOT q3`, "m2,m4"},
		{`lee or notes`, ""},   // lower-case "or" is a word
		{`'Q3 numbers'`, "m1"}, // a single-quoted phrase (OData 4.01)
		{`"pat's"`, "m2"},
		{`Pat's`, "m2"},
		{`"\"Q3 numbers\""`, "m1"},
		{`AND`, ""},
		{`NOT NOT`, "m1,m3,m4"}, // NOT of the word "NOT": m2's body says "notes"
		{`x:y`, ""},             // an unknown restriction is plain text
	}
	for _, tt := range tests {
		s, err := ParseSearch(tt.search)
		if err != nil {
			t.Errorf("ParseSearch(%q): %v", tt.search, err)
			continue
		}
		var got []map[string]any
		for _, m := range msgs {
			if s.Match(m) {
				got = append(got, m)
			}
		}
		if ids(got) != tt.want {
			t.Errorf("$search=%s matched [%s], want [%s]", tt.search, ids(got), tt.want)
		}
	}
}

func TestParseSearchErrors(t *testing.T) {
	tests := []struct {
		in     string
		status int
		msg    string
	}{
		{``, 400, "empty"},
		{`   `, 400, "empty"},
		{`""`, 400, "empty"},
		{`"budget`, 400, "unterminated"},
		{`"a \"b"`[:6], 400, "unterminated"},
		{`subject:"q3`, 400, "unterminated"},
		{`'pat''s'`, 400, "followed by a space"},
		{`lunch (`, 400, "unexpected end"},
		{`"blue"green`, 400, "followed by a space"},
		{`(budget`, 400, "missing ')'"},
		{`budget)`, 400, "unexpected ')'"},
		{`()`, 400, "unexpected ')'"},
		{`subject:`, 400, "nothing to search"},
		{`subject:""`, 400, "empty phrase"},
		{`received:2024-05-01`, 501, "received"},
		{`"size:1..500"`, 501, "size"},
		{`subject:(a OR b)`, 501, "group"},
		{strings.Repeat("(", 300) + "a" + strings.Repeat(")", 300), 400, "nested"},
		{strings.Repeat("NOT ", 300) + "a", 400, "nested"},
	}
	for _, tt := range tests {
		_, err := ParseSearch(tt.in)
		e, ok := errors.AsType[*Error](err)
		if !ok {
			t.Errorf("ParseSearch(%q) error = %v, want *Error", tt.in, err)
			continue
		}
		if e.Status != tt.status || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("ParseSearch(%q) = %d %q; want %d containing %q", tt.in, e.Status, e.Message, tt.status, tt.msg)
		}
	}
}
