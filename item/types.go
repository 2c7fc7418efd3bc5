package item

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// OutlookItem is the base of messages, events and contacts. Embed it without
// a tag: both encoding/json and json v2 then read and write its fields as the
// item's own. It has no methods, so embedding it adds none to the item.
//
// Read-only fields (everything but Categories) are filled by the server and
// left zero when a $select omits them; sending them back is harmless, and
// `omitzero` keeps them out of bodies built from scratch.
type OutlookItem struct {
	// ID identifies the item in its mailbox; it changes when the item moves
	// to another folder unless immutable ids are requested.
	ID string `json:"id,omitzero"`
	// ETag is the version the server reported (@odata.etag), for conditional
	// updates (If-Match). It is not part of the item's data: another backend
	// may fill it from its own change marker.
	ETag string `json:"@odata.etag,omitzero"`
	// ChangeKey is the version of the item, as Exchange Web Services knows it.
	ChangeKey string `json:"changeKey,omitzero"`
	// Categories are the names of the Outlook categories applied to the item.
	Categories []string `json:"categories,omitzero"`
	// CreatedDateTime and LastModifiedDateTime are instants in UTC. Early
	// v2.0 servers name them DateTimeCreated and DateTimeLastModified; both
	// spellings decode.
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
}

// ItemBody is the body of a message, event or contact note.
type ItemBody struct {
	ContentType BodyType `json:"contentType,omitzero"`
	Content     string   `json:"content,omitzero"`
}

// TextBody returns a plain-text body.
func TextBody(s string) ItemBody { return ItemBody{ContentType: BodyTypeText, Content: s} }

// HTMLBody returns an HTML body. The server removes unsafe HTML (scripts) on
// the way back unless the request asks to keep it.
func HTMLBody(s string) ItemBody { return ItemBody{ContentType: BodyTypeHTML, Content: s} }

// InternetMessageHeader is one RFC 5322 header of a received message. Graph
// only: Outlook REST v2.0 does not return headers.
type InternetMessageHeader struct {
	Name  string `json:"name,omitzero"`
	Value string `json:"value,omitzero"`
}

// FollowupFlag is a message's follow-up flag. Setting DueDateTime requires
// StartDateTime too (the server answers 400 otherwise). Outlook REST v2.0
// documented it only in beta; expect it empty from on-premises servers.
type FollowupFlag struct {
	FlagStatus        FlagStatus       `json:"flagStatus,omitzero"`
	StartDateTime     DateTimeTimeZone `json:"startDateTime,omitzero"`
	DueDateTime       DateTimeTimeZone `json:"dueDateTime,omitzero"`
	CompletedDateTime DateTimeTimeZone `json:"completedDateTime,omitzero"`
}

// TimeSlot is a span of time, as proposed for a meeting or returned by
// scheduling calls.
type TimeSlot struct {
	Start DateTimeTimeZone `json:"start"`
	End   DateTimeTimeZone `json:"end"`
}

// PhysicalAddress is a postal address; every part is optional.
type PhysicalAddress struct {
	Street          string `json:"street,omitzero"`
	City            string `json:"city,omitzero"`
	State           string `json:"state,omitzero"`
	CountryOrRegion string `json:"countryOrRegion,omitzero"`
	PostalCode      string `json:"postalCode,omitzero"`
}

// GeoCoordinates is a position (Graph outlookGeoCoordinates, v2.0
// GeoCoordinates). A nil field is not set: the server sends null, nothing,
// or (v2.0) the string "NaN" for those, and all decode to nil. Latitude and
// longitude are degrees; altitude and accuracies are meters.
type GeoCoordinates struct {
	Latitude         *float64 `json:"latitude,omitzero"`
	Longitude        *float64 `json:"longitude,omitzero"`
	Altitude         *float64 `json:"altitude,omitzero"`
	Accuracy         *float64 `json:"accuracy,omitzero"`
	AltitudeAccuracy *float64 `json:"altitudeAccuracy,omitzero"`
}

// decodeOptions match package odata's: the server's bodies may repeat a name
// or carry invalid UTF-8 in free text, and neither should fail a decode.
var decodeOptions = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// UnmarshalJSON reads numbers, numeric strings (IEEE754Compatible bodies),
// and "NaN" or null for an unset value. Unknown members are ignored.
func (g *GeoCoordinates) UnmarshalJSON(b []byte) error {
	if v := jsontext.Value(b); v.Kind() == 'n' {
		*g = GeoCoordinates{}
		return nil
	} else if v.Kind() != '{' {
		return fmt.Errorf("item: coordinates: want an object, got %.20s", b)
	}
	var w struct {
		Latitude         lenientDouble `json:"latitude"`
		Longitude        lenientDouble `json:"longitude"`
		Altitude         lenientDouble `json:"altitude"`
		Accuracy         lenientDouble `json:"accuracy"`
		AltitudeAccuracy lenientDouble `json:"altitudeAccuracy"`
	}
	if err := json.Unmarshal(b, &w, decodeOptions); err != nil {
		return fmt.Errorf("item: coordinates: %w", err)
	}
	*g = GeoCoordinates{w.Latitude.v, w.Longitude.v, w.Altitude.v, w.Accuracy.v, w.AltitudeAccuracy.v}
	return nil
}

// lenientDouble reads an Edm.Double as parseDouble does.
type lenientDouble struct{ v *float64 }

func (d *lenientDouble) UnmarshalJSON(b []byte) (err error) {
	d.v, err = parseDouble(b)
	return err
}

// parseDouble reads an Edm.Double: a number, a string holding one, or null;
// non-finite values ("NaN", "INF") mean unset.
func parseDouble(b []byte) (*float64, error) {
	v := jsontext.Value(b)
	var s string
	switch v.Kind() {
	case 'n':
		return nil, nil
	case '0':
		s = string(v)
	case '"':
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil
		}
	default:
		return nil, fmt.Errorf("want a number, got %s", v)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("want a number, got %q", s)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, nil
	}
	return &f, nil
}

// Location is where an event takes place, or a room or place a user picked.
// Only DisplayName, Address and Coordinates exist in Outlook REST v2.0.
type Location struct {
	DisplayName string `json:"displayName,omitzero"`
	// LocationEmailAddress is the mailbox of a room or resource.
	LocationEmailAddress string               `json:"locationEmailAddress,omitzero"`
	Address              PhysicalAddress      `json:"address,omitzero"`
	Coordinates          GeoCoordinates       `json:"coordinates,omitzero"`
	LocationURI          string               `json:"locationUri,omitzero"`
	LocationType         LocationType         `json:"locationType,omitzero"`
	UniqueID             string               `json:"uniqueId,omitzero"`
	UniqueIDType         LocationUniqueIDType `json:"uniqueIdType,omitzero"`
}
