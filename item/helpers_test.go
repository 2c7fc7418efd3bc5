package item_test

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"
	_ "time/tzdata" // examples and tests must not depend on the machine's zone database

	"github.com/go-json-experiment/json"
	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// testItem is shaped like the model packages' types: the base embedded
// without a tag, and the shared types as properties.
type testItem struct {
	item.OutlookItem
	Subject                       string                             `json:"subject,omitzero"`
	Body                          item.ItemBody                      `json:"body,omitzero"`
	UniqueBody                    item.ItemBody                      `json:"uniqueBody,omitzero"`
	Importance                    item.Importance                    `json:"importance,omitzero"`
	Sensitivity                   item.Sensitivity                   `json:"sensitivity,omitzero"`
	From                          item.Recipient                     `json:"from,omitzero"`
	Sender                        item.Recipient                     `json:"sender,omitzero"`
	Organizer                     item.Recipient                     `json:"organizer,omitzero"`
	ToRecipients                  []item.Recipient                   `json:"toRecipients,omitzero"`
	CcRecipients                  []item.Recipient                   `json:"ccRecipients,omitzero"`
	BccRecipients                 []item.Recipient                   `json:"bccRecipients,omitzero"`
	ReplyTo                       []item.Recipient                   `json:"replyTo,omitzero"`
	Flag                          item.FollowupFlag                  `json:"flag,omitzero"`
	InternetMessageHeaders        []item.InternetMessageHeader       `json:"internetMessageHeaders,omitzero"`
	Start                         item.DateTimeTimeZone              `json:"start,omitzero"`
	End                           item.DateTimeTimeZone              `json:"end,omitzero"`
	Location                      item.Location                      `json:"location,omitzero"`
	Locations                     []item.Location                    `json:"locations,omitzero"`
	EmailAddresses                []item.EmailAddress                `json:"emailAddresses,omitzero"`
	HomeAddress                   item.PhysicalAddress               `json:"homeAddress,omitzero"`
	BusinessAddress               item.PhysicalAddress               `json:"businessAddress,omitzero"`
	OtherAddress                  item.PhysicalAddress               `json:"otherAddress,omitzero"`
	SingleValueExtendedProperties []item.SingleValueExtendedProperty `json:"singleValueExtendedProperties,omitzero"`
	MultiValueExtendedProperties  []item.MultiValueExtendedProperty  `json:"multiValueExtendedProperties,omitzero"`
}

// testItemSchema is testItem's table, built from the shared types' own.
var testItemSchema = &odata.Schema{Name: "testItem", Props: []odata.Prop{
	item.OutlookItemProp("id"),
	item.OutlookItemProp("@odata.etag"),
	item.OutlookItemProp("changeKey"),
	item.OutlookItemProp("categories"),
	item.OutlookItemProp("createdDateTime"),
	item.OutlookItemProp("lastModifiedDateTime"),
	{Graph: "subject"},
	{Graph: "body", Kind: odata.KindObject, Elem: item.ItemBody{}.WireSchema()},
	{Graph: "uniqueBody", Kind: odata.KindObject, Elem: item.ItemBody{}.WireSchema()},
	{Graph: "importance", Kind: odata.KindEnum, Enum: item.Importance("").WireEnum()},
	{Graph: "sensitivity", Kind: odata.KindEnum, Enum: item.Sensitivity("").WireEnum()},
	{Graph: "from", Kind: odata.KindObject, Elem: item.Recipient{}.WireSchema()},
	{Graph: "sender", Kind: odata.KindObject, Elem: item.Recipient{}.WireSchema()},
	{Graph: "organizer", Kind: odata.KindObject, Elem: item.Recipient{}.WireSchema()},
	{Graph: "toRecipients", Collection: true, Kind: odata.KindObject, Elem: item.Recipient{}.WireSchema()},
	{Graph: "ccRecipients", Collection: true, Kind: odata.KindObject, Elem: item.Recipient{}.WireSchema()},
	{Graph: "bccRecipients", Collection: true, Kind: odata.KindObject, Elem: item.Recipient{}.WireSchema()},
	{Graph: "replyTo", Collection: true, Kind: odata.KindObject, Elem: item.Recipient{}.WireSchema()},
	{Graph: "flag", Kind: odata.KindObject, Elem: item.FollowupFlag{}.WireSchema()},
	{Graph: "internetMessageHeaders", Collection: true, Kind: odata.KindObject, Elem: item.InternetMessageHeader{}.WireSchema()},
	{Graph: "start", Kind: odata.KindObject, Elem: item.DateTimeTimeZone{}.WireSchema()},
	{Graph: "end", Kind: odata.KindObject, Elem: item.DateTimeTimeZone{}.WireSchema()},
	{Graph: "location", Kind: odata.KindObject, Elem: item.Location{}.WireSchema()},
	{Graph: "locations", Collection: true, Kind: odata.KindObject, Elem: item.Location{}.WireSchema()},
	{Graph: "emailAddresses", Collection: true, Kind: odata.KindObject, Elem: item.EmailAddress{}.WireSchema()},
	{Graph: "homeAddress", Kind: odata.KindObject, Elem: item.PhysicalAddress{}.WireSchema()},
	{Graph: "businessAddress", Kind: odata.KindObject, Elem: item.PhysicalAddress{}.WireSchema()},
	{Graph: "otherAddress", Kind: odata.KindObject, Elem: item.PhysicalAddress{}.WireSchema()},
	{Graph: "singleValueExtendedProperties", Collection: true, Kind: odata.KindObject, Elem: item.SingleValueExtendedProperty{}.WireSchema()},
	{Graph: "multiValueExtendedProperties", Collection: true, Kind: odata.KindObject, Elem: item.MultiValueExtendedProperty{}.WireSchema()},
}}

func (testItem) WireSchema() *odata.Schema { return testItemSchema }

// knownKeys are the JSON names testItem covers, for the round-trip checks:
// its table's.
var knownKeys = func() []string {
	var out []string
	for _, p := range testItemSchema.Props {
		out = append(out, p.Graph)
	}
	return out
}()

// enumKeys hold enum values, compared ignoring case (Graph requests in the
// samples write "HTML" or "Low"; the types decode them to the constants):
// the enum properties of the tables.
var enumKeys = func() map[string]bool {
	out := map[string]bool{}
	schematest.Walk(func(s *odata.Schema) {
		for _, p := range s.Props {
			if p.Kind == odata.KindEnum {
				out[p.Graph] = true
			}
		}
	}, testItemSchema)
	return out
}()

// cannedDoer answers every request with one body and keeps the last request
// body, as a server would, without a network.
type cannedDoer struct {
	status int
	body   []byte
	mu     sync.Mutex
	sent   []byte
}

func (d *cannedDoer) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		d.mu.Lock()
		d.sent = b
		d.mu.Unlock()
	}
	status := d.status
	if status == 0 {
		status = 200
	}
	return &http.Response{StatusCode: status, Request: r, ContentLength: int64(len(d.body)),
		Header: http.Header{"Content-Type": {"application/json; odata.metadata=minimal"}},
		Body:   io.NopCloser(bytes.NewReader(d.body))}, nil
}

func (d *cannedDoer) lastBody() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sent
}

var testToken = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})

// newClient returns an odata client of dialect d answering with body.
func newClient(t testing.TB, d *odata.Dialect, body []byte) (*odata.Client, *cannedDoer) {
	t.Helper()
	root := "https://graph.example/v1.0"
	if d.IsOutlookV2() {
		root = "https://mail.contoso.example/api/v2.0"
	}
	doer := &cannedDoer{body: body}
	c, err := odata.NewClient(root, d, testToken, odata.WithDoer(doer))
	if err != nil {
		t.Fatal(err)
	}
	return c, doer
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
