package item_test

import (
	stdjson "encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/item"
)

func TestEnumsDecode(t *testing.T) {
	type enums struct {
		Body        item.ItemBody             `json:"body"`
		Importance  item.Importance           `json:"importance"`
		Sensitivity item.Sensitivity          `json:"sensitivity"`
		Flag        item.FollowupFlag         `json:"flag"`
		Type        item.LocationType         `json:"locationType"`
		IDType      item.LocationUniqueIDType `json:"uniqueIdType"`
	}
	tests := []struct {
		in   string
		want enums
	}{
		{`{"body":{"contentType":"html"},"importance":"high","sensitivity":"private","flag":{"flagStatus":"flagged"},"locationType":"conferenceRoom","uniqueIdType":"directory"}`,
			enums{item.ItemBody{ContentType: item.BodyTypeHTML}, item.ImportanceHigh, item.SensitivityPrivate,
				item.FollowupFlag{FlagStatus: item.FlagStatusFlagged}, item.LocationTypeConferenceRoom, item.LocationUniqueIDTypeDirectory}},
		// Other spellings of known values become the constants.
		{`{"body":{"contentType":"HTML"},"importance":"High","sensitivity":"CONFIDENTIAL","flag":{"flagStatus":"NotFlagged"},"locationType":"Hotel","uniqueIdType":"Bing"}`,
			enums{item.ItemBody{ContentType: item.BodyTypeHTML}, item.ImportanceHigh, item.SensitivityConfidential,
				item.FollowupFlag{FlagStatus: item.FlagStatusNotFlagged}, item.LocationTypeHotel, item.LocationUniqueIDTypeBing}},
		// Unknown values decode unchanged; null leaves the zero value.
		{`{"body":{"contentType":"markdown"},"importance":"unknownFutureValue","sensitivity":null,"flag":{"flagStatus":"snoozed"},"locationType":"airport","uniqueIdType":null}`,
			enums{item.ItemBody{ContentType: "markdown"}, "unknownFutureValue", "",
				item.FollowupFlag{FlagStatus: "snoozed"}, "airport", ""}},
	}
	for _, tc := range tests {
		var v2, v1 enums
		if err := json.Unmarshal([]byte(tc.in), &v2); err != nil {
			t.Fatalf("json v2: %s: %v", tc.in, err)
		}
		if err := stdjson.Unmarshal([]byte(tc.in), &v1); err != nil {
			t.Fatalf("encoding/json: %s: %v", tc.in, err)
		}
		if !reflect.DeepEqual(v2, tc.want) || !reflect.DeepEqual(v1, tc.want) {
			t.Errorf("%s:\n v2 %+v\n v1 %+v\nwant %+v", tc.in, v2, v1, tc.want)
		}
	}
	// An enum is a string on the wire: a number is an error, not a silent zero.
	var e struct {
		Importance item.Importance `json:"importance"`
	}
	if err := json.Unmarshal([]byte(`{"importance":2}`), &e); err == nil {
		t.Error("importance 2: want an error")
	}
}

func TestGeoCoordinates(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		in      string
		want    item.GeoCoordinates
		wantErr string
	}{
		{in: `{"latitude":47.64,"longitude":-122.13,"altitude":0}`,
			want: item.GeoCoordinates{Latitude: f(47.64), Longitude: f(-122.13), Altitude: f(0)}},
		{in: `{"Latitude":1}`, want: item.GeoCoordinates{}}, // names are case-sensitive, as everywhere in json v2
		{in: `{"latitude":"NaN","longitude":"NaN","altitude":"NaN","accuracy":"NaN","altitudeAccuracy":"NaN"}`},
		{in: `{"latitude":"47.5","longitude":"-INF","accuracy":"INF","altitude":null,"altitudeAccuracy":""}`,
			want: item.GeoCoordinates{Latitude: f(47.5)}},
		{in: `{}`},
		{in: `null`},
		{in: `{"latitude":"north"}`, wantErr: "latitude"},
		{in: `{"longitude":true}`, wantErr: "longitude"},
		{in: `{"accuracy":[1]}`, wantErr: "accuracy"},
		{in: `[]`, wantErr: "coordinates"},
	}
	for _, tc := range tests {
		for lib, unmarshal := range map[string]func([]byte, any) error{
			"json v2":       func(b []byte, v any) error { return json.Unmarshal(b, v) },
			"encoding/json": stdjson.Unmarshal,
		} {
			var g item.GeoCoordinates
			err := unmarshal([]byte(tc.in), &g)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("%s %s: error %v, want one mentioning %q", lib, tc.in, err, tc.wantErr)
				}
				continue
			}
			if err != nil || !reflect.DeepEqual(g, tc.want) {
				t.Errorf("%s %s = %s, %v; want %s", lib, tc.in, geoString(g), err, geoString(tc.want))
			}
		}
	}
	// Unset coordinates are left out of a body; a location without any
	// leaves out the whole object.
	b, err := json.Marshal(item.Location{DisplayName: "Lobby", Coordinates: item.GeoCoordinates{Latitude: f(0), Longitude: f(9.5)}})
	if err != nil || string(b) != `{"displayName":"Lobby","coordinates":{"latitude":0,"longitude":9.5}}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	b, err = json.Marshal(item.Location{DisplayName: "Lobby"})
	if err != nil || string(b) != `{"displayName":"Lobby"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}

func geoString(g item.GeoCoordinates) string {
	var parts []string
	for _, p := range []*float64{g.Latitude, g.Longitude, g.Altitude, g.Accuracy, g.AltitudeAccuracy} {
		if p == nil {
			parts = append(parts, "nil")
		} else {
			parts = append(parts, strings.TrimSpace(stdjsonString(*p)))
		}
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func stdjsonString(v float64) string { b, _ := stdjson.Marshal(v); return string(b) }

// OutlookItem, embedded without a tag, is inlined by json v2 and
// encoding/json alike, and adds no JSON methods to the item.
func TestOutlookItemEmbedding(t *testing.T) {
	in := `{"@odata.etag":"W/\"CQAAABYAAAC4\"","id":"AAMkAD1","changeKey":"CQAAABYAAAC4","categories":["Red","Blue"],` +
		`"createdDateTime":"2018-09-09T03:15:05Z","lastModifiedDateTime":"2018-09-09T03:15:08.1234567Z","subject":"Hi"}`
	want := testItem{
		OutlookItem: item.OutlookItem{
			ID: "AAMkAD1", ETag: `W/"CQAAABYAAAC4"`, ChangeKey: "CQAAABYAAAC4", Categories: []string{"Red", "Blue"},
			CreatedDateTime:      time.Date(2018, 9, 9, 3, 15, 5, 0, time.UTC),
			LastModifiedDateTime: time.Date(2018, 9, 9, 3, 15, 8, 123456700, time.UTC),
		},
		Subject: "Hi",
	}
	var v2, v1 testItem
	if err := json.Unmarshal([]byte(in), &v2); err != nil {
		t.Fatal(err)
	}
	if err := stdjson.Unmarshal([]byte(in), &v1); err != nil {
		t.Fatal(err)
	}
	for lib, got := range map[string]testItem{"json v2": v2, "encoding/json": v1} {
		if !got.CreatedDateTime.Equal(want.CreatedDateTime) || !got.LastModifiedDateTime.Equal(want.LastModifiedDateTime) {
			t.Errorf("%s: times %v %v", lib, got.CreatedDateTime, got.LastModifiedDateTime)
		}
		got.CreatedDateTime, got.LastModifiedDateTime = want.CreatedDateTime, want.LastModifiedDateTime
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s decode:\n got %+v\nwant %+v", lib, got, want)
		}
	}
	b2, err2 := json.Marshal(want)
	b1, err1 := stdjson.Marshal(want)
	if err2 != nil || err1 != nil || string(b2) != string(b1) {
		t.Errorf("encodings differ:\n json v2       %s %v\n encoding/json %s %v", b2, err2, b1, err1)
	}
	if !strings.Contains(string(b2), `"id":"AAMkAD1"`) || strings.Contains(string(b2), "OutlookItem") {
		t.Errorf("OutlookItem not inlined: %s", b2)
	}
	// A new item sends none of the server-set fields.
	b, err := json.Marshal(testItem{Subject: "Draft"})
	if err != nil || string(b) != `{"subject":"Draft"}` {
		t.Errorf("new item = %s, %v", b, err)
	}
	for _, iface := range []reflect.Type{reflect.TypeFor[stdjson.Marshaler](), reflect.TypeFor[stdjson.Unmarshaler](), reflect.TypeFor[json.MarshalerTo](), reflect.TypeFor[json.UnmarshalerFrom]()} {
		if reflect.PointerTo(reflect.TypeFor[item.OutlookItem]()).Implements(iface) {
			t.Errorf("OutlookItem implements %v: embedding it would take over the item's JSON", iface)
		}
	}
}

func TestPropertyIDs(t *testing.T) {
	const guid = "00020329-0000-0000-C000-000000000046"
	tests := []struct {
		typ     item.PropertyType
		set     string
		name    string
		want    string
		wantErr string
	}{
		{item.PropertyTypeString, "{" + guid + "}", "AcmeTicket", "String {" + guid + "} Name AcmeTicket", ""},
		{item.PropertyTypeStringArray, guid, "Recreation Plans", "StringArray {" + guid + "} Name Recreation Plans", ""},
		{item.PropertyTypeString, "66f5a359-4659-4830-9070-00047ec6ac6e", "Color", "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color", ""},
		{item.PropertyTypeString, guid, "", "", "name"},
		{item.PropertyTypeString, guid, " Padded", "", "name"},
		{item.PropertyTypeString, guid, "Line\nBreak", "", "name"},
		{"", guid, "X", "", "type"},
		{"String Name", guid, "X", "", "type"},
		{item.PropertyTypeString, "{" + guid, "X", "", "property set"},
		{item.PropertyTypeString, "0002032-90000-0000-C000-000000000046", "X", "", "property set"},
		{item.PropertyTypeString, "00020329-0000-0000-C000-00000000004G", "X", "", "property set"},
		{item.PropertyTypeString, "PS_PUBLIC_STRINGS", "X", "", "property set"},
	}
	for _, tc := range tests {
		got, err := item.NamedPropertyID(tc.typ, tc.set, tc.name)
		if tc.wantErr != "" {
			if !errors.Is(err, item.ErrInvalidPropertyID) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("NamedPropertyID(%q, %q, %q) = %q, %v; want error about %s", tc.typ, tc.set, tc.name, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NamedPropertyID(%q, %q, %q) = %q, %v; want %q", tc.typ, tc.set, tc.name, got, err, tc.want)
		}
	}
	got, err := item.IDPropertyID(item.PropertyTypeInteger, "11111111-2222-3333-4444-555555555555", 0x8201)
	if err != nil || got != "Integer {11111111-2222-3333-4444-555555555555} Id 0x8201" {
		t.Errorf("IDPropertyID = %q, %v", got, err)
	}
	if _, err := item.IDPropertyID(item.PropertyTypeInteger, "x", 1); !errors.Is(err, item.ErrInvalidPropertyID) {
		t.Errorf("IDPropertyID with a bad GUID: %v", err)
	}
}

func TestBodies(t *testing.T) {
	if b := item.HTMLBody("<p>Hi</p>"); b.ContentType != item.BodyTypeHTML || b.Content != "<p>Hi</p>" {
		t.Errorf("HTMLBody = %+v", b)
	}
	if b := item.TextBody("Hi"); b.ContentType != item.BodyTypeText || b.Content != "Hi" {
		t.Errorf("TextBody = %+v", b)
	}
}
