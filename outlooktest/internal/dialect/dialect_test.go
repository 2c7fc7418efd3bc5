package dialect

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

func TestDialectTranslation(t *testing.T) {
	tests := []struct {
		name  string
		set   string
		graph string // Graph form
		v2    string // its v2.0 form
	}{
		{"enum and body", "messages",
			`{"subject":"s","importance":"high","body":{"contentType":"html","content":"<p>x</p>"}}`,
			`{"Subject":"s","Importance":"High","Body":{"ContentType":"HTML","Content":"<p>x</p>"}}`},
		{"text body and recipients", "messages",
			`{"body":{"contentType":"text","content":"x"},"toRecipients":[{"emailAddress":{"name":"A","address":"a@b"}}]}`,
			`{"Body":{"ContentType":"Text","Content":"x"},"ToRecipients":[{"EmailAddress":{"Name":"A","Address":"a@b"}}]}`},
		{"contact mobile phone", "contacts", `{"mobilePhone":"+1","givenName":"P"}`, `{"MobilePhone1":"+1","GivenName":"P"}`},
		{"extended property id", "messages",
			`{"singleValueExtendedProperties":[{"id":"String {00020329-0000-0000-C000-000000000046} Name X","value":"1"}]}`,
			`{"SingleValueExtendedProperties":[{"PropertyId":"String {00020329-0000-0000-C000-000000000046} Name X","Value":"1"}]}`},
		{"attachment type", "attachments",
			`{"@odata.type":"#microsoft.graph.fileAttachment","name":"a","contentType":"text/csv"}`,
			`{"@odata.type":"#Microsoft.OutlookServices.FileAttachment","Name":"a","ContentType":"text/csv"}`},
		{"item attachment content typed by @odata.type", "attachments",
			`{"@odata.type":"#microsoft.graph.itemAttachment","item":{"@odata.type":"#microsoft.graph.contact","mobilePhone":"1"}}`,
			`{"@odata.type":"#Microsoft.OutlookServices.ItemAttachment","Item":{"@odata.type":"#Microsoft.OutlookServices.Contact","MobilePhone1":"1"}}`},
		{"event enums and iCalUId", "events",
			`{"showAs":"oof","type":"seriesMaster","iCalUId":"u","recurrence":{"pattern":{"type":"relativeMonthly","daysOfWeek":["tuesday"],"index":"second"}}}`,
			`{"ShowAs":"Oof","Type":"SeriesMaster","iCalUId":"u","Recurrence":{"Pattern":{"Type":"RelativeMonthly","DaysOfWeek":["Tuesday"],"Index":"Second"}}}`},
		{"open properties and annotations", "messages",
			`{"customThing":{"nestedKey":1},"@odata.etag":"W/\"x\"","dealValue@odata.type":"#Int64"}`,
			`{"CustomThing":{"NestedKey":1},"@odata.etag":"W/\"x\"","DealValue@odata.type":"#Int64"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			typ := schema.Sets()[tc.set].Type
			var g, v map[string]any
			if err := json.Unmarshal([]byte(tc.graph), &g); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.v2), &v); err != nil {
				t.Fatal(err)
			}
			if got := EncodeV2(g, typ); !reflect.DeepEqual(got, any(v)) {
				t.Errorf("EncodeV2(%s) =\n%v\nwant\n%v", tc.graph, got, v)
			}
			if got := DecodeV2(v, typ); !reflect.DeepEqual(got, any(g)) {
				t.Errorf("DecodeV2(%s) =\n%v\nwant\n%v", tc.v2, got, g)
			}
		})
	}
	// Graph-only properties are not shown on v2.0; early v2.0 names and any
	// casing are read.
	ev := EncodeV2(map[string]any{"isOnlineMeeting": true, "subject": "x"}, schema.Sets()["events"].Type).(map[string]any)
	if _, ok := ev["IsOnlineMeeting"]; ok || ev["Subject"] != "x" {
		t.Errorf("Graph-only property shown in v2.0: %v", ev)
	}
	dm := DecodeV2(map[string]any{"DateTimeCreated": "2015-01-01T00:00:00Z", "subject": "lower", "IMPORTANCE": "HIGH"}, schema.Sets()["messages"].Type).(map[string]any)
	if dm["createdDateTime"] == nil || dm["subject"] != "lower" || dm["importance"] != "high" {
		t.Errorf("DecodeV2 of aliases and odd casing = %v", dm)
	}
}

// FuzzDecodeV2Body feeds arbitrary bodies to the v2.0 request decoding: it
// must never panic; what it accepts must re-encode as valid JSON; and for a
// body that fits the schema, encoding to v2.0 is stable under a further
// decode and encode.
func FuzzDecodeV2Body(f *testing.F) {
	for _, s := range []string{
		`{"Subject":"s","Importance":"High","Body":{"ContentType":"HTML","Content":"<p>x</p>"}}`,
		`{"ToRecipients":[{"EmailAddress":{"Name":"A","Address":"a@b"}}],"IsRead":true}`,
		`{"MobilePhone1":"+1","EmailAddresses":[{"Address":"x@y"}]}`,
		`{"SingleValueExtendedProperties":[{"PropertyId":"String 0x0E1D","Value":"1"}]}`,
		`{"@odata.type":"#Microsoft.OutlookServices.ItemAttachment","Item":{"@odata.type":"#Microsoft.OutlookServices.Event","ShowAs":"Oof"}}`,
		`{"DateTimeCreated":"2015-01-01T00:00:00Z","X@odata.type":"#Int64","X":1}`,
		`{"a":{"b":[1,{"C":null}]},"":"","@":1}`,
		`[]`, `null`, `{`, `{"Subject":1}`, `{"Start":{"DateTime":"2014-02-02T18:00:00","TimeZone":"Pacific Standard Time"}}`,
	} {
		f.Add([]byte(s))
	}
	names := []string{"messages", "events", "contacts", "attachments", "mailFolders", "calendars"}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, set := range names {
			typ := schema.Sets()[set].Type
			g, err := DecodeBody(V2, data, typ)
			if err != nil {
				continue
			}
			out, err := json.Marshal(g)
			if err != nil || !json.Valid(out) {
				t.Fatalf("%s: decoded body does not encode as JSON: %v", set, err)
			}
			v1, err := json.Marshal(EncodeV2(g, typ))
			if err != nil || !json.Valid(v1) {
				t.Fatalf("%s: EncodeV2 gave invalid JSON: %v", set, err)
			}
			if schema.CheckObject("", typ, g) != nil {
				continue
			}
			v1, _ = json.Marshal(EncodeV2(g, typ))
			g2, err := DecodeBody(V2, v1, typ)
			if err != nil {
				t.Fatalf("%s: re-decoding our own v2.0 output failed: %v\n%s", set, err, v1)
			}
			v2, _ := json.Marshal(EncodeV2(g2, typ))
			if !bytes.Equal(v1, v2) {
				t.Fatalf("%s: v2.0 form not stable:\n%s\n%s", set, v1, v2)
			}
		}
	})
}
