package query

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseSelect(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"*", nil},
		{"subject,*", nil},
		{"subject", []string{"subject"}},
		{"Subject,From,subject", []string{"subject", "from"}},
		{"subject, isRead", []string{"subject", "isRead"}},
		{"from/emailAddress", []string{"from/emailAddress"}},
	}
	for _, tt := range tests {
		got, err := ParseSelect(tt.in, messageSchema)
		if err != nil {
			t.Errorf("ParseSelect(%q): %v", tt.in, err)
			continue
		}
		if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("ParseSelect(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseSelectErrors(t *testing.T) {
	tests := []struct {
		in    string
		class errClass
		msg   string
	}{
		{"subject,,from", classSyntax, "empty item"},
		{",", classSyntax, "empty item"},
		{"nope", classUnknown, "could not find a property named 'nope' on type 'microsoft.graph.message'"},
		{"from//x", classSyntax, "empty path segment"},
		{"attachments($select=name)", classUnsupported, "nested options"},
		{"microsoft.graph.eventMessage/event", classUnsupported, "type casts"},
		{"@odata.etag", classUnsupported, "annotations"},
		{"sub ject", classSyntax, "not a property name"},
		{"9lives", classSyntax, "not a property name"},
		{"toRecipients/emailAddress", classUnsupported, "collection"},
	}
	for _, tt := range tests {
		_, err := ParseSelect(tt.in, messageSchema)
		e, ok := errors.AsType[*Error](err)
		if !ok {
			t.Errorf("ParseSelect(%q) error = %v, want *Error", tt.in, err)
			continue
		}
		if e.Status != 400 || e.class != tt.class || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("ParseSelect(%q) = %d class %d %q; want 400 class %d containing %q", tt.in, e.Status, e.class, e.Message, tt.class, tt.msg)
		}
	}
}

// TestAnnotationProperty checks an annotation a schema declares as a
// property, as the fake's attachments schema declares "@odata.type".
func TestAnnotationProperty(t *testing.T) {
	sc := &Schema{Props: map[string]Kind{"@odata.type": KindString, "name": KindString}}
	sel, err := ParseSelect("@odata.type,name", sc)
	if err != nil || !slices.Equal(sel, []string{"@odata.type", "name"}) {
		t.Errorf("ParseSelect = %q, %v", sel, err)
	}
	f, err := ParseFilter("@odata.type eq '#microsoft.graph.fileAttachment'", sc)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Match(map[string]any{"@odata.type": "#microsoft.graph.fileAttachment"}) || f.Match(map[string]any{"@odata.type": "#x"}) {
		t.Error("@odata.type filter matched wrongly")
	}
	if _, err := ParseFilter("@odata.etag eq 'x'", sc); err == nil {
		t.Error("an undeclared annotation was accepted")
	}
}

func TestProject(t *testing.T) {
	m := obj(t, `{"id":"m1","@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.message","subject":"s","isRead":true,
		"from":{"emailAddress":{"name":"Lee","address":"lee@corp.example"}},"body":{"contentType":"text","content":"hi"},"parentFolderId":"inbox"}`)
	tests := []struct {
		sel, always []string
		want        string
	}{
		{nil, nil, `{"@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.message","body":{"content":"hi","contentType":"text"},"from":{"emailAddress":{"address":"lee@corp.example","name":"Lee"}},"id":"m1","isRead":true,"parentFolderId":"inbox","subject":"s"}`},
		{[]string{"subject"}, nil, `{"@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.message","id":"m1","subject":"s"}`},
		{[]string{"Subject", "nope"}, []string{"parentFolderId"}, `{"@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.message","id":"m1","parentFolderId":"inbox","subject":"s"}`},
		{[]string{"from/emailAddress/address"}, nil, `{"@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.message","from":{"emailAddress":{"address":"lee@corp.example"}},"id":"m1"}`},
		{[]string{"from/emailAddress/address", "from"}, nil, `{"@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.message","from":{"emailAddress":{"address":"lee@corp.example","name":"Lee"}},"id":"m1"}`},
		{[]string{"from", "from/emailAddress/address"}, nil, `{"@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.message","from":{"emailAddress":{"address":"lee@corp.example","name":"Lee"}},"id":"m1"}`},
		{[]string{"subject/x", "body/content"}, nil, `{"@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.message","body":{"content":"hi"},"id":"m1"}`},
		{[]string{}, nil, `{"@odata.etag":"W/\"1\"","@odata.type":"#microsoft.graph.message","id":"m1"}`},
	}
	for _, tt := range tests {
		got := Project(m, tt.sel, tt.always)
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("Project(%q, %q) =\n%s\nwant\n%s", tt.sel, tt.always, b, tt.want)
		}
	}
	// The result is a new map: changing it leaves the store's object alone.
	p := Project(m, nil, nil)
	p["subject"] = "changed"
	delete(p, "id")
	if m["subject"] != "s" || m["id"] != "m1" {
		t.Error("Project returned obj itself")
	}
}
