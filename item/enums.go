package item

import "github.com/exchangekit/outlook/odata"

// Enum values are the Graph spellings. Package odata respells them for
// Outlook REST v2.0 from the enum types of the models' wire mappings
// (WireSchema). Each type's
// UnmarshalText maps a known value to its constant whatever the case ("HTML",
// "High" from a Graph request echo or a v2.0 body the translator did not
// cover), and keeps any other value as sent, so new server values never fail
// a decode: give every switch on them a default case.

// BodyType is the format of an [ItemBody].
type BodyType string

// Body types.
const (
	BodyTypeText BodyType = "text"
	BodyTypeHTML BodyType = "html" // "HTML" in Outlook REST v2.0
)

// UnmarshalText decodes a body type; see the package comment on case.
func (t *BodyType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, BodyTypeText, BodyTypeHTML)
	return nil
}

// Importance is the importance of a message or event.
type Importance string

// Importance values.
const (
	ImportanceLow    Importance = "low"
	ImportanceNormal Importance = "normal"
	ImportanceHigh   Importance = "high"
)

// UnmarshalText decodes an importance; see the package comment on case.
func (i *Importance) UnmarshalText(b []byte) error {
	*i = odata.ParseEnum(b, ImportanceLow, ImportanceNormal, ImportanceHigh)
	return nil
}

// Sensitivity is how private a message, event or contact is.
type Sensitivity string

// Sensitivity values.
const (
	SensitivityNormal       Sensitivity = "normal"
	SensitivityPersonal     Sensitivity = "personal"
	SensitivityPrivate      Sensitivity = "private"
	SensitivityConfidential Sensitivity = "confidential"
)

// UnmarshalText decodes a sensitivity; see the package comment on case.
func (s *Sensitivity) UnmarshalText(b []byte) error {
	*s = odata.ParseEnum(b, SensitivityNormal, SensitivityPersonal, SensitivityPrivate, SensitivityConfidential)
	return nil
}

// FlagStatus is the state of a message's follow-up flag.
type FlagStatus string

// Follow-up flag states.
const (
	FlagStatusNotFlagged FlagStatus = "notFlagged"
	FlagStatusComplete   FlagStatus = "complete"
	FlagStatusFlagged    FlagStatus = "flagged"
)

// UnmarshalText decodes a flag status; see the package comment on case.
func (s *FlagStatus) UnmarshalText(b []byte) error {
	*s = odata.ParseEnum(b, FlagStatusNotFlagged, FlagStatusComplete, FlagStatusFlagged)
	return nil
}

// LocationType is the kind of place a [Location] is. Graph only: Outlook
// REST v2.0 does not return it.
type LocationType string

// Location types.
const (
	LocationTypeDefault         LocationType = "default"
	LocationTypeConferenceRoom  LocationType = "conferenceRoom"
	LocationTypeHomeAddress     LocationType = "homeAddress"
	LocationTypeBusinessAddress LocationType = "businessAddress"
	LocationTypeGeoCoordinates  LocationType = "geoCoordinates"
	LocationTypeStreetAddress   LocationType = "streetAddress"
	LocationTypeHotel           LocationType = "hotel"
	LocationTypeRestaurant      LocationType = "restaurant"
	LocationTypeLocalBusiness   LocationType = "localBusiness"
	LocationTypePostalAddress   LocationType = "postalAddress"
)

// UnmarshalText decodes a location type; see the package comment on case.
func (t *LocationType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, LocationTypeDefault, LocationTypeConferenceRoom, LocationTypeHomeAddress,
		LocationTypeBusinessAddress, LocationTypeGeoCoordinates, LocationTypeStreetAddress, LocationTypeHotel,
		LocationTypeRestaurant, LocationTypeLocalBusiness, LocationTypePostalAddress)
	return nil
}

// LocationUniqueIDType says where a [Location]'s UniqueID comes from. Graph
// only.
type LocationUniqueIDType string

// Location unique id types.
const (
	LocationUniqueIDTypeUnknown       LocationUniqueIDType = "unknown"
	LocationUniqueIDTypeLocationStore LocationUniqueIDType = "locationStore"
	LocationUniqueIDTypeDirectory     LocationUniqueIDType = "directory"
	LocationUniqueIDTypePrivate       LocationUniqueIDType = "private"
	LocationUniqueIDTypeBing          LocationUniqueIDType = "bing"
)

// UnmarshalText decodes a unique id type; see the package comment on case.
func (t *LocationUniqueIDType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, LocationUniqueIDTypeUnknown, LocationUniqueIDTypeLocationStore,
		LocationUniqueIDTypeDirectory, LocationUniqueIDTypePrivate, LocationUniqueIDTypeBing)
	return nil
}
