package schema

import (
	"strings"
	"testing"
)

// Every table builds: each property's type and enum exist, every entity
// set has its id read-only, and each v2.0 name finds its property.
func TestTablesBuild(t *testing.T) {
	if len(Sets()) != len(entitySpecs) {
		t.Fatalf("%d sets; want %d", len(Sets()), len(entitySpecs))
	}
	for name, es := range Sets() {
		if es.Name != name || es.Type == nil || es.Type.Props["id"] == nil || es.Type.Props["id"].Access != ReadOnly {
			t.Errorf("set %s: %+v; want a type with a read-only id", name, es)
		}
		for _, p := range es.Type.Props {
			if es.Type.ByV2[strings.ToLower(p.V2Name)] != p {
				t.Errorf("%s.%s: its v2.0 name %s does not find it", name, p.Name, p.V2Name)
			}
		}
	}
	if p := Sets()["contacts"].Type.Props["mobilePhone"]; p.V2Name != "MobilePhone1" {
		t.Errorf("contact mobilePhone is %s in v2.0; want MobilePhone1", p.V2Name)
	}
	if Complex("recipient") == nil || Complex("nope") != nil || Settings() == nil {
		t.Error("Complex finds the declared types only")
	}
	if days := Enum("dayOfWeek"); len(days) != 7 || days[0] != "sunday" {
		t.Errorf("dayOfWeek = %v; want Sunday first", days)
	}
}

func TestCheckObject(t *testing.T) {
	msg := Sets()["messages"].Type
	o := Object{"importance": "HIGH", "receivedDateTime": "2024-05-02T11:00:00+02:00", "x-open": 1,
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "a@b.c"}}}}
	if err := CheckObject("", msg, o); err != nil {
		t.Fatal(err)
	}
	if o["importance"] != "high" || o["receivedDateTime"] != "2024-05-02T09:00:00Z" {
		t.Errorf("not normalised: %v", o)
	}
	for _, tc := range []struct {
		o    Object
		want string
	}{
		{Object{"subject": 1.0}, "subject: want a string, got a number"},
		{Object{"isRead": "yes"}, "isRead: want true or false"},
		{Object{"importance": "urgent"}, `importance: "urgent" is not a importance value (one of low, normal, high)`},
		{Object{"toRecipients": map[string]any{}}, "toRecipients: want a JSON array, got an object"},
		{Object{"from": map[string]any{"emailAddress": map[string]any{"address": true}}}, "from/emailAddress/address: want a string"},
		{Object{"toRecipients": []any{"bob"}}, "toRecipients[0]: want a JSON object"},
		{Object{"sentDateTime": "soon"}, `sentDateTime: "soon" is not an ISO 8601 date-time`},
	} {
		if err := CheckObject("", msg, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckObject(%v) = %v; want an error with %q", tc.o, err, tc.want)
		}
	}
}

func TestNames(t *testing.T) {
	for graph, v2 := range map[string]string{
		GraphNS + "fileAttachment": V2NS + "FileAttachment",
		"#Other.type":              "#Other.type",
	} {
		if got := ODataTypeToV2(graph); got != v2 {
			t.Errorf("ODataTypeToV2(%q) = %q; want %q", graph, got, v2)
		}
	}
	for in, want := range map[string]string{
		"#microsoft.outlookservices.Contact": GraphNS + "contact",
		"#Microsoft.Graph.Message":           GraphNS + "message",
		"#Other.type":                        "#Other.type",
	} {
		if got := ODataTypeToGraph(in); got != want {
			t.Errorf("ODataTypeToGraph(%q) = %q; want %q", in, got, want)
		}
	}
	if TypeForODataType(V2NS+"Event") != Sets()["events"].Type || TypeForODataType("#x.y") != nil {
		t.Error("TypeForODataType does not name the entity types")
	}
	if CanonicalSet("MAILFOLDERS") != "mailFolders" || CanonicalSet("tasks") != "" {
		t.Error("CanonicalSet")
	}
	if V2Enum("html") != "HTML" || V2Enum("seriesMaster") != "SeriesMaster" || UpperFirst("") != "" || LowerFirst("Ab") != "ab" {
		t.Error("v2.0 spellings")
	}
	if g, ok := V2Alias("datetimecreated"); !ok || g != "createdDateTime" {
		t.Errorf("V2Alias = %q, %v", g, ok)
	}
	src := map[string]any{"a": []any{map[string]any{"b": 1}}}
	cp := DeepCopy(src).(map[string]any)
	cp["a"].([]any)[0].(map[string]any)["b"] = 2
	if src["a"].([]any)[0].(map[string]any)["b"] != 1 {
		t.Error("DeepCopy shares nested values")
	}
}
