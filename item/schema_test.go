package item_test

import (
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// A Graph-shaped body is sent in each dialect's spelling: the tables of
// this package's types are what make the v2.0 form right.
func TestBodiesInBothDialects(t *testing.T) {
	draft := testItem{
		OutlookItem:                   item.OutlookItem{Categories: []string{"Red"}, CreatedDateTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		Body:                          item.HTMLBody("<p>Hi</p>"),
		UniqueBody:                    item.HTMLBody("<p>Hi</p>"),
		Importance:                    item.ImportanceHigh,
		Sensitivity:                   item.SensitivityConfidential,
		Flag:                          item.FollowupFlag{FlagStatus: item.FlagStatusNotFlagged},
		ToRecipients:                  []item.Recipient{{EmailAddress: item.EmailAddress{Name: "Ana", Address: "ana@example.org"}}},
		Location:                      item.Location{DisplayName: "Room 1", LocationType: item.LocationTypeConferenceRoom, UniqueIDType: item.LocationUniqueIDTypeDirectory},
		SingleValueExtendedProperties: []item.SingleValueExtendedProperty{{ID: "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color", Value: "Green"}},
		MultiValueExtendedProperties:  []item.MultiValueExtendedProperty{{ID: "StringArray {66f5a359-4659-4830-9070-00050ec6ac6e} Name Recreation", Value: []string{"Food", "Hiking"}}},
	}
	want := map[*odata.Dialect]string{
		odata.Graph: `{"categories":["Red"],"createdDateTime":"2026-01-02T03:04:05Z","body":{"contentType":"html","content":"<p>Hi</p>"},` +
			`"uniqueBody":{"contentType":"html","content":"<p>Hi</p>"},"importance":"high","sensitivity":"confidential",` +
			`"toRecipients":[{"emailAddress":{"name":"Ana","address":"ana@example.org"}}],"flag":{"flagStatus":"notFlagged"},` +
			`"location":{"displayName":"Room 1","locationType":"conferenceRoom","uniqueIdType":"directory"},` +
			`"singleValueExtendedProperties":[{"id":"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color","value":"Green"}],` +
			`"multiValueExtendedProperties":[{"id":"StringArray {66f5a359-4659-4830-9070-00050ec6ac6e} Name Recreation","value":["Food","Hiking"]}]}`,
		odata.OutlookV2: `{"Categories":["Red"],"CreatedDateTime":"2026-01-02T03:04:05Z","Body":{"ContentType":"HTML","Content":"<p>Hi</p>"},` +
			`"UniqueBody":{"ContentType":"HTML","Content":"<p>Hi</p>"},"Importance":"High","Sensitivity":"Confidential",` +
			`"ToRecipients":[{"EmailAddress":{"Name":"Ana","Address":"ana@example.org"}}],"Flag":{"FlagStatus":"NotFlagged"},` +
			`"Location":{"DisplayName":"Room 1","LocationType":"ConferenceRoom","UniqueIdType":"Directory"},` +
			`"SingleValueExtendedProperties":[{"PropertyId":"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color","Value":"Green"}],` +
			`"MultiValueExtendedProperties":[{"PropertyId":"StringArray {66f5a359-4659-4830-9070-00050ec6ac6e} Name Recreation","Value":["Food","Hiking"]}]}`,
	}
	for d, w := range want {
		id := `{"id":"A1",`
		if d == odata.OutlookV2 {
			id = `{"Id":"A1",`
		}
		c, doer := newClient(t, d, []byte(id+w[1:])) // the server echoes the item
		got, err := odata.Create[testItem](t.Context(), c, odata.PathOf("messages"), draft)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if sent := string(doer.lastBody()); sent != w {
			t.Errorf("%s sent\n%s\nwant\n%s", d, sent, w)
		}
		// And the echo decodes back to the draft.
		if got.Body != draft.Body || got.UniqueBody != draft.UniqueBody || got.Importance != draft.Importance ||
			got.Sensitivity != draft.Sensitivity || got.Flag != draft.Flag || got.Location != draft.Location ||
			got.SingleValueExtendedProperties[0] != draft.SingleValueExtendedProperties[0] ||
			strings.Join(got.MultiValueExtendedProperties[0].Value, ",") != "Food,Hiking" ||
			got.MultiValueExtendedProperties[0].ID != draft.MultiValueExtendedProperties[0].ID ||
			!got.CreatedDateTime.Equal(draft.CreatedDateTime) {
			t.Errorf("%s decoded %+v", d, got)
		}
	}
}

// Early v2.0 servers' DateTimeCreated and DateTimeLastModified read as the
// Graph names; CreatedDateTime is what is written.
func TestTimestampAliases(t *testing.T) {
	body := `{"Id":"A1","DateTimeCreated":"2015-04-10T17:54:49.2725912Z","DateTimeLastModified":"2015-04-10T17:54:49.3038538Z"}`
	c, _ := newClient(t, odata.OutlookV2, []byte(body))
	it, err := odata.Get[testItem](t.Context(), c, odata.PathOf("events/{}", "A1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if it.ID != "A1" || !it.CreatedDateTime.Equal(time.Date(2015, 4, 10, 17, 54, 49, 272591200, time.UTC)) ||
		!it.LastModifiedDateTime.Equal(time.Date(2015, 4, 10, 17, 54, 49, 303853800, time.UTC)) {
		t.Errorf("decoded %+v", it.OutlookItem)
	}
	if got := odata.OutlookV2.PropertyPath(testItemSchema, "createdDateTime"); got != "CreatedDateTime" {
		t.Errorf("createdDateTime is written %q in v2.0", got)
	}
	if got := odata.OutlookV2.PropertyPath(testItemSchema, "lastModifiedDateTime"); got != "LastModifiedDateTime" {
		t.Errorf("lastModifiedDateTime is written %q in v2.0", got)
	}
}

// The typed fields render in each dialect's names and enum spellings.
func TestFieldsRender(t *testing.T) {
	toRecipients := odata.NewCollectionField("toRecipients", item.NewRecipientFields)
	from := item.NewRecipientFields("from")
	body := item.NewBodyFields("body")
	flag := item.NewFollowupFlagFields("flag")
	loc := item.NewLocationFields("location")
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pid := "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color"
	q := &odata.Query{
		Select: odata.Fields(item.ID, item.Categories, from, body.ContentType, item.LastModifiedDateTime),
		Filter: odata.And(
			item.Categories.Has("Red"),
			from.Address.Eq("o'neil@example.org"),
			toRecipients.Any(func(r item.RecipientFields) odata.Filter { return r.Name.StartsWith("Ana") }),
			body.ContentType.Eq(item.BodyTypeHTML),
			flag.FlagStatus.Ne(item.FlagStatusComplete),
			loc.LocationType.Eq(item.LocationTypeConferenceRoom),
			item.CreatedDateTime.Ge(since),
			item.SingleValueExtendedProperties.Any(func(p item.ExtendedPropertyFields) odata.Filter {
				return p.ID.Eq(pid).And(p.Value.Eq("Green"))
			}),
		),
		Expand: []odata.Expand{
			{Property: item.SingleValueExtendedProperties, Filter: item.NewExtendedPropertyFields("").ID.Eq(pid)},
			{Property: item.MultiValueExtendedProperties, Filter: item.NewExtendedPropertyFields("").ID.Eq(pid)},
		},
	}
	want := map[*odata.Dialect]string{
		odata.Graph: "$select=id,categories,from,body/contentType,lastModifiedDateTime&$filter=categories/any(x:x eq 'Red') and " +
			"from/emailAddress/address eq 'o''neil@example.org' and toRecipients/any(x:startswith(x/emailAddress/name,'Ana')) and " +
			"body/contentType eq 'html' and flag/flagStatus ne 'complete' and location/locationType eq 'conferenceRoom' and " +
			"createdDateTime ge 2026-01-01T00:00:00Z and singleValueExtendedProperties/any(x:x/id eq '" + pid + "' and x/value eq 'Green')" +
			"&$expand=singleValueExtendedProperties($filter=id eq '" + pid + "'),multiValueExtendedProperties($filter=id eq '" + pid + "')",
		odata.OutlookV2: "$select=Id,Categories,From,Body/ContentType,LastModifiedDateTime&$filter=Categories/any(x:x eq 'Red') and " +
			"From/EmailAddress/Address eq 'o''neil@example.org' and ToRecipients/any(x:startswith(x/EmailAddress/Name,'Ana')) and " +
			"Body/ContentType eq 'HTML' and Flag/FlagStatus ne 'Complete' and Location/LocationType eq 'ConferenceRoom' and " +
			"CreatedDateTime ge 2026-01-01T00:00:00Z and SingleValueExtendedProperties/any(x:x/PropertyId eq '" + pid + "' and x/Value eq 'Green')" +
			"&$expand=SingleValueExtendedProperties($filter=PropertyId eq '" + pid + "'),MultiValueExtendedProperties($filter=PropertyId eq '" + pid + "')",
	}
	for d, w := range want {
		s, err := q.Encode(d, testItemSchema)
		if err != nil {
			t.Fatal(err)
		}
		if got := unescape(s); got != w {
			t.Errorf("%s:\n got %s\nwant %s", d, got, w)
		}
	}
	if from.Path() != "from" || from.EmailAddress.Path() != "from/emailAddress" || item.NewEmailAddressFields("").Address.Path() != "address" {
		t.Errorf("paths: %q %q", from.Path(), from.EmailAddress.Path())
	}
}

// unescape undoes the query's percent-encoding for readable comparisons.
func unescape(s string) string {
	return strings.NewReplacer("%20", " ", "%27", "'", "%7B", "{", "%7D", "}", "%24", "$", "%28", "(", "%29", ")", "%2C", ",", "%3A", ":", "%2F", "/", "%3D", "=", "%3B", ";", "%40", "@").Replace(s)
}

// Each type's table and its Go type agree, and the tables agree with the
// Graph v1.0 schema and EWS's FieldURIs.
func TestSchemas(t *testing.T) {
	models := []odata.Mapped{item.EmailAddress{}, item.Recipient{}, item.ItemBody{}, item.InternetMessageHeader{},
		item.DateTimeTimeZone{}, item.FollowupFlag{}, item.TimeSlot{}, item.PhysicalAddress{}, item.GeoCoordinates{},
		item.Location{}, item.SingleValueExtendedProperty{}, item.MultiValueExtendedProperty{}, testItem{}}
	var roots []*odata.Schema
	for _, v := range models[:len(models)-1] {
		schematest.Type(t, v)
		roots = append(roots, v.WireSchema())
	}
	schematest.Type(t, testItem{}) // the OutlookItem rows, as the models embed them
	schematest.Graph(t, nil, roots...)
	schematest.Covered(t, ".", "OutlookItem", "EmailAddress", "Recipient", "ItemBody", "InternetMessageHeader",
		"DateTimeTimeZone", "FollowupFlag", "TimeSlot", "PhysicalAddress", "GeoCoordinates", "Location",
		"SingleValueExtendedProperty", "MultiValueExtendedProperty")
}

// OutlookItemProp hands out the rows of the OutlookItem table, and refuses
// a name OutlookItem does not have.
func TestOutlookItemProp(t *testing.T) {
	if p := item.OutlookItemProp("createdDateTime"); p.EWS != "item:DateTimeCreated" || p.V2Aliases[0] != "DateTimeCreated" {
		t.Errorf("createdDateTime = %+v", p)
	}
	defer func() {
		if recover() == nil {
			t.Error("OutlookItemProp(\"subject\") did not panic")
		}
	}()
	item.OutlookItemProp("subject")
}
