package query

import (
	"encoding/json"
	"testing"
)

// messageSchema is the part of Graph's message type the tests query.
var messageSchema = &Schema{Type: "microsoft.graph.message", Props: map[string]Kind{
	"id":                                KindString,
	"subject":                           KindString,
	"bodyPreview":                       KindString,
	"body":                              KindObject,
	"body/content":                      KindString,
	"body/contentType":                  KindEnum,
	"importance":                        KindEnum,
	"inferenceClassification":           KindEnum,
	"isRead":                            KindBool,
	"isDraft":                           KindBool,
	"hasAttachments":                    KindBool,
	"receivedDateTime":                  KindDateTime,
	"sentDateTime":                      KindDateTime,
	"createdDateTime":                   KindDateTime,
	"lastModifiedDateTime":              KindDateTime,
	"categories":                        KindStringCollection,
	"from":                              KindObject,
	"from/emailAddress":                 KindObject,
	"from/emailAddress/name":            KindString,
	"from/emailAddress/address":         KindString,
	"sender":                            KindObject,
	"sender/emailAddress/address":       KindString,
	"toRecipients":                      KindObjectCollection,
	"toRecipients/emailAddress":         KindObject,
	"toRecipients/emailAddress/name":    KindString,
	"toRecipients/emailAddress/address": KindString,
	"ccRecipients":                      KindObjectCollection,
	"ccRecipients/emailAddress/address": KindString,
	"size":                              KindNumber,
	"parentFolderId":                    KindString,
	"conversationId":                    KindString,
	"flag":                              KindObject,
	"flag/flagStatus":                   KindEnum,
	"bogus":                             Kind(0),
}}

var contactSchema = &Schema{Type: "microsoft.graph.contact", Props: map[string]Kind{
	"displayName":            KindString,
	"emailAddresses":         KindObjectCollection,
	"emailAddresses/address": KindString,
	"emailAddresses/name":    KindString,
}}

// obj decodes JSON as the store holds entities.
func obj(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return m
}

func TestSchemaLookup(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"subject", "subject", true},
		{"Subject", "subject", true},
		{"RECEIVEDDATETIME", "receivedDateTime", true},
		{"From/EmailAddress/Address", "from/emailAddress/address", true},
		{"nope", "", false},
	}
	for _, tt := range tests {
		got, _, ok := messageSchema.lookup(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("lookup(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	var nilSchema *Schema
	if _, _, ok := nilSchema.lookup("x"); ok {
		t.Error("nil schema resolved a name")
	}
}

func TestKindString(t *testing.T) {
	if got := KindDateTime.String(); got != "DateTime" {
		t.Errorf("KindDateTime.String() = %q", got)
	}
	if got := Kind(99).String(); got != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", got)
	}
}

// A v2.0 rename is an alias: queries may name it, evaluation uses the
// schema's spelling.
func TestSchemaAliases(t *testing.T) {
	sc := &Schema{Props: map[string]Kind{"mobilePhone": KindString, "displayName": KindString}, Aliases: map[string]string{"mobilephone1": "mobilePhone"}}
	f, err := ParseFilter("MobilePhone1 eq '+1 555'", sc)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Match(map[string]any{"mobilePhone": "+1 555"}) || f.Match(map[string]any{"mobilePhone": "+1 556"}) {
		t.Error("alias filter does not evaluate against the canonical property")
	}
	sel, err := ParseSelect("MobilePhone1,DisplayName", sc)
	if err != nil || len(sel) != 2 || sel[0] != "mobilePhone" {
		t.Errorf("ParseSelect = %v, %v", sel, err)
	}
	ob, err := ParseOrderBy("MobilePhone1 desc", sc)
	if err != nil || len(ob) != 1 || ob[0].Path != "mobilePhone" {
		t.Errorf("ParseOrderBy = %v, %v", ob, err)
	}
	if _, err := ParseFilter("MobilePhone2 eq 'x'", sc); err == nil {
		t.Error("an unknown name passed")
	}
}
