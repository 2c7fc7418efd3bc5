package schematest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/odata"
)

// recorder collects what a check reports.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any)                { panic(fmt.Sprint(args...)) }
func (r *recorder) Skipf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

type address struct {
	Name string `json:"name,omitzero"`
}

var addressSchema = &odata.Schema{Name: "emailAddress", Props: []odata.Prop{{Graph: "name"}}}

func (address) WireSchema() *odata.Schema { return addressSchema }

type level string

var levelEnum = &odata.EnumType{Name: "importance", Values: []string{"low", "normal", "high"}}

func (level) WireEnum() *odata.EnumType { return levelEnum }

type base struct {
	ID string `json:"id,omitzero"`
}

// good is described right.
type good struct {
	base
	Subject    string            `json:"subject,omitzero"`
	To         []address         `json:"toRecipients,omitzero"`
	Importance level             `json:"importance,omitzero"`
	Extra      map[string]string `json:",embed"`
}

var goodSchema = &odata.Schema{Name: "message", Props: []odata.Prop{
	{Graph: "id"}, {Graph: "subject", EWS: "item:Subject"},
	{Graph: "toRecipients", Collection: true, Kind: odata.KindObject, Elem: addressSchema},
	{Graph: "importance", Kind: odata.KindEnum, Enum: levelEnum},
}}

func (good) WireSchema() *odata.Schema { return goodSchema }

// drifted has a field its table lacks, a row its type lacks, and rows of
// the wrong kind, collection, element and enum.
type drifted struct {
	Subject    int       `json:"subject"`
	IsRead     bool      `json:"isRead"`
	To         []address `json:"toRecipients"`
	From       address   `json:"from"`
	Importance level     `json:"importance"`
}

var driftedSchema = &odata.Schema{Name: "message", Props: []odata.Prop{
	{Graph: "subject", EWS: "item:NoSuchField"},
	{Graph: "toRecipients", Kind: odata.KindObject, Elem: addressSchema},
	{Graph: "from", Kind: odata.KindObject, Elem: goodSchema},
	{Graph: "importance", Kind: odata.KindEnum, Enum: &odata.EnumType{Name: "importance", Values: []string{"low", "normal", "high"}}},
	{Graph: "bodyPreview"},
}}

func (drifted) WireSchema() *odata.Schema { return driftedSchema }

func TestTypeFindsDrift(t *testing.T) {
	var r recorder
	Type(&r, good{})
	if len(r.errs) != 0 {
		t.Fatalf("good type: %q", r.errs)
	}
	Type(&r, drifted{})
	for _, want := range []string{
		`member "isRead" (field IsRead) is not in the message table`,
		`lists "bodyPreview", which the type does not have`,
		"subject: kind string",
		"toRecipients: Collection is false",
		"from: Elem is message",
		"importance: Enum is not the importance",
	} {
		if !containsOne(r.errs, want) {
			t.Errorf("no error %q in %q", want, r.errs)
		}
	}
}

func TestGraphFindsDrift(t *testing.T) {
	Graph(t, nil) // loads the digest, or skips without it
	var r recorder
	Graph(&r, map[string]string{"message.unused": "x"}, driftedSchema)
	for _, want := range []string{
		`EWS FieldURI "item:NoSuchField" is not one of EWS's`,
		"message.toRecipients: Collection false, Graph says true",
		"message.from: holds a message, Graph says recipient",
		`exception "message.unused" is not needed`,
	} {
		if !containsOne(r.errs, want) {
			t.Errorf("no error %q in %q", want, r.errs)
		}
	}
}

func TestCoveredFindsUntabledTypes(t *testing.T) {
	var r recorder
	// The package's own types with JSON tags are the digest's.
	Covered(&r, ".", "digest", "digestType", "digestProp")
	if len(r.errs) != 0 {
		t.Fatalf("%q", r.errs)
	}
	Covered(&r, ".", "digestType", "digestProp")
	if !containsOne(r.errs, "struct type digest has JSON tags but no schema test") {
		t.Errorf("%q", r.errs)
	}
}

func containsOne(errs []string, want string) bool {
	for _, e := range errs {
		if strings.Contains(e, want) {
			return true
		}
	}
	return false
}
