package item

import (
	"fmt"

	"github.com/exchangekit/outlook/odata"
)

// The wire mapping of the shared types: their names in Microsoft Graph,
// Outlook REST v2.0 and EWS, read by package odata's v2.0 translation and
// by the EWS backend. Complex types have no EWS FieldURI of their own: EWS
// addresses the item property that holds them.

// Enum types.
var (
	bodyTypeEnum = &odata.EnumType{Name: "bodyType",
		Values: []string{string(BodyTypeText), string(BodyTypeHTML)},
		V2:     map[string]string{"html": "HTML"}, EWS: map[string]string{"html": "HTML"}}
	importanceEnum = &odata.EnumType{Name: "importance",
		Values: []string{string(ImportanceLow), string(ImportanceNormal), string(ImportanceHigh)}}
	sensitivityEnum = &odata.EnumType{Name: "sensitivity",
		Values: []string{string(SensitivityNormal), string(SensitivityPersonal), string(SensitivityPrivate), string(SensitivityConfidential)}}
	flagStatusEnum = &odata.EnumType{Name: "followupFlagStatus",
		Values: []string{string(FlagStatusNotFlagged), string(FlagStatusComplete), string(FlagStatusFlagged)}}
	// EWS's EnhancedLocation has a LocationSource (None, LocationServices,
	// PhonebookServices, Device, Contact, Resource), not these types.
	locationTypeEnum = &odata.EnumType{Name: "locationType",
		Values: []string{string(LocationTypeDefault), string(LocationTypeConferenceRoom), string(LocationTypeHomeAddress),
			string(LocationTypeBusinessAddress), string(LocationTypeGeoCoordinates), string(LocationTypeStreetAddress),
			string(LocationTypeHotel), string(LocationTypeRestaurant), string(LocationTypeLocalBusiness), string(LocationTypePostalAddress)},
		EWS: noEWS(LocationTypeDefault, LocationTypeConferenceRoom, LocationTypeHomeAddress, LocationTypeBusinessAddress,
			LocationTypeGeoCoordinates, LocationTypeStreetAddress, LocationTypeHotel, LocationTypeRestaurant,
			LocationTypeLocalBusiness, LocationTypePostalAddress)}
	locationUniqueIDTypeEnum = &odata.EnumType{Name: "locationUniqueIdType",
		Values: []string{string(LocationUniqueIDTypeUnknown), string(LocationUniqueIDTypeLocationStore),
			string(LocationUniqueIDTypeDirectory), string(LocationUniqueIDTypePrivate), string(LocationUniqueIDTypeBing)},
		EWS: noEWS(LocationUniqueIDTypeUnknown, LocationUniqueIDTypeLocationStore, LocationUniqueIDTypeDirectory,
			LocationUniqueIDTypePrivate, LocationUniqueIDTypeBing)}
)

// noEWS lists enum members EWS has no equivalent of, for EnumType.EWS.
func noEWS[E ~string](members ...E) map[string]string {
	m := make(map[string]string, len(members))
	for _, v := range members {
		m[string(v)] = ""
	}
	return m
}

// Schemas of the shared complex types.
var (
	emailAddressSchema = &odata.Schema{Name: "emailAddress", Props: []odata.Prop{
		{Graph: "name"},
		{Graph: "address"},
	}}
	recipientSchema = &odata.Schema{Name: "recipient", Props: []odata.Prop{
		{Graph: "emailAddress", Kind: odata.KindObject, Elem: emailAddressSchema},
	}}
	itemBodySchema = &odata.Schema{Name: "itemBody", Props: []odata.Prop{
		{Graph: "contentType", Kind: odata.KindEnum, Enum: bodyTypeEnum},
		{Graph: "content"},
	}}
	internetMessageHeaderSchema = &odata.Schema{Name: "internetMessageHeader", Props: []odata.Prop{
		{Graph: "name"},
		{Graph: "value"},
	}}
	dateTimeTimeZoneSchema = &odata.Schema{Name: "dateTimeTimeZone", Props: []odata.Prop{
		{Graph: "dateTime"},
		{Graph: "timeZone"},
	}}
	followupFlagSchema = &odata.Schema{Name: "followupFlag", Props: []odata.Prop{
		{Graph: "flagStatus", Kind: odata.KindEnum, Enum: flagStatusEnum},
		{Graph: "startDateTime", Kind: odata.KindObject, Elem: dateTimeTimeZoneSchema},
		{Graph: "dueDateTime", Kind: odata.KindObject, Elem: dateTimeTimeZoneSchema},
		{Graph: "completedDateTime", Kind: odata.KindObject, Elem: dateTimeTimeZoneSchema},
	}}
	timeSlotSchema = &odata.Schema{Name: "timeSlot", Props: []odata.Prop{
		{Graph: "start", Kind: odata.KindObject, Elem: dateTimeTimeZoneSchema},
		{Graph: "end", Kind: odata.KindObject, Elem: dateTimeTimeZoneSchema},
	}}
	physicalAddressSchema = &odata.Schema{Name: "physicalAddress", Props: []odata.Prop{
		{Graph: "street"},
		{Graph: "city"},
		{Graph: "state"},
		{Graph: "countryOrRegion"},
		{Graph: "postalCode"},
	}}
	geoCoordinatesSchema = &odata.Schema{Name: "outlookGeoCoordinates", Props: []odata.Prop{
		{Graph: "latitude", Kind: odata.KindFloat},
		{Graph: "longitude", Kind: odata.KindFloat},
		{Graph: "altitude", Kind: odata.KindFloat},
		{Graph: "accuracy", Kind: odata.KindFloat},
		{Graph: "altitudeAccuracy", Kind: odata.KindFloat},
	}}
	locationSchema = &odata.Schema{Name: "location", Props: []odata.Prop{
		{Graph: "displayName"},
		{Graph: "locationEmailAddress"},
		{Graph: "address", Kind: odata.KindObject, Elem: physicalAddressSchema},
		{Graph: "coordinates", Kind: odata.KindObject, Elem: geoCoordinatesSchema},
		{Graph: "locationUri"},
		{Graph: "locationType", Kind: odata.KindEnum, Enum: locationTypeEnum},
		{Graph: "uniqueId"},
		{Graph: "uniqueIdType", Kind: odata.KindEnum, Enum: locationUniqueIDTypeEnum},
	}}
	// Extended properties are EWS ExtendedFieldURI paths, not FieldURIs. The
	// id is "PropertyId" in v2.0.
	singleValueExtendedPropertySchema = &odata.Schema{Name: "singleValueLegacyExtendedProperty", Props: []odata.Prop{
		{Graph: "id", V2: "PropertyId"},
		{Graph: "value"},
	}}
	multiValueExtendedPropertySchema = &odata.Schema{Name: "multiValueLegacyExtendedProperty", Props: []odata.Prop{
		{Graph: "id", V2: "PropertyId"},
		{Graph: "value", Collection: true},
	}}
)

// outlookItemSchema maps the OutlookItem fields. The types that embed
// OutlookItem list these properties in their own schemas, where EWS orders
// them, through OutlookItemProp.
var outlookItemSchema = &odata.Schema{Name: "outlookItem", Props: []odata.Prop{
	{Graph: "id", EWS: "item:ItemId", ReadOnly: true},
	// The ETag and the change key are the ChangeKey attribute of EWS's
	// ItemId.
	{Graph: "@odata.etag", ReadOnly: true},
	{Graph: "changeKey", ReadOnly: true},
	{Graph: "categories", Collection: true, EWS: "item:Categories"},
	// Early v2.0 servers named the timestamps DateTimeCreated and
	// DateTimeLastModified; both spellings read.
	{Graph: "createdDateTime", V2Aliases: []string{"DateTimeCreated"}, Kind: odata.KindTime, EWS: "item:DateTimeCreated", ReadOnly: true},
	{Graph: "lastModifiedDateTime", V2Aliases: []string{"DateTimeLastModified"}, Kind: odata.KindTime, EWS: "item:LastModifiedTime", ReadOnly: true},
}}

// OutlookItemProp returns the wire mapping of the OutlookItem property of
// Graph name name ("id", "categories", ...), for the schemas of the types
// that embed OutlookItem. It panics on a name OutlookItem does not have:
// schemas are declared once, at init.
func OutlookItemProp(name string) odata.Prop {
	p := outlookItemSchema.Prop(name)
	if p == nil {
		panic(fmt.Sprintf("item: OutlookItem has no property %q", name))
	}
	return *p
}

// WireSchema returns the wire mapping of an email address.
func (EmailAddress) WireSchema() *odata.Schema { return emailAddressSchema }

// WireSchema returns the wire mapping of a recipient.
func (Recipient) WireSchema() *odata.Schema { return recipientSchema }

// WireSchema returns the wire mapping of an item body.
func (ItemBody) WireSchema() *odata.Schema { return itemBodySchema }

// WireSchema returns the wire mapping of a message header.
func (InternetMessageHeader) WireSchema() *odata.Schema { return internetMessageHeaderSchema }

// WireSchema returns the wire mapping of a date, time and zone.
func (DateTimeTimeZone) WireSchema() *odata.Schema { return dateTimeTimeZoneSchema }

// WireSchema returns the wire mapping of a follow-up flag.
func (FollowupFlag) WireSchema() *odata.Schema { return followupFlagSchema }

// WireSchema returns the wire mapping of a time slot.
func (TimeSlot) WireSchema() *odata.Schema { return timeSlotSchema }

// WireSchema returns the wire mapping of a postal address.
func (PhysicalAddress) WireSchema() *odata.Schema { return physicalAddressSchema }

// WireSchema returns the wire mapping of coordinates.
func (GeoCoordinates) WireSchema() *odata.Schema { return geoCoordinatesSchema }

// WireSchema returns the wire mapping of a location.
func (Location) WireSchema() *odata.Schema { return locationSchema }

// WireSchema returns the wire mapping of a single-valued extended property.
func (SingleValueExtendedProperty) WireSchema() *odata.Schema {
	return singleValueExtendedPropertySchema
}

// WireSchema returns the wire mapping of a multi-valued extended property.
func (MultiValueExtendedProperty) WireSchema() *odata.Schema {
	return multiValueExtendedPropertySchema
}

// WireEnum returns the spelling of the body types in each wire form.
func (BodyType) WireEnum() *odata.EnumType { return bodyTypeEnum }

// WireEnum returns the spelling of the importance values in each wire form.
func (Importance) WireEnum() *odata.EnumType { return importanceEnum }

// WireEnum returns the spelling of the sensitivity values in each wire form.
func (Sensitivity) WireEnum() *odata.EnumType { return sensitivityEnum }

// WireEnum returns the spelling of the flag states in each wire form.
func (FlagStatus) WireEnum() *odata.EnumType { return flagStatusEnum }

// WireEnum returns the spelling of the location types in each wire form.
func (LocationType) WireEnum() *odata.EnumType { return locationTypeEnum }

// WireEnum returns the spelling of the unique id types in each wire form.
func (LocationUniqueIDType) WireEnum() *odata.EnumType { return locationUniqueIDTypeEnum }
