package item

import "github.com/exchangekit/outlook/odata"

// Typed query fields. The model packages declare their properties with these
// so that a filter on a shared shape reads the same everywhere:
//
//	var ToRecipients = odata.NewCollectionField("toRecipients", item.NewRecipientFields)
//	var From = item.NewRecipientFields("from")
//	q := &odata.Query{Filter: From.Address.Eq("ana@example.org")}
//
// Each XxxFields value is rooted at a prefix: a property path such as "from",
// or the lambda variable odata passes to a collection's element function. The
// value is also an [odata.Property] for $select and $orderby.

// Base item properties, common to messages, events and contacts.
var (
	ID                   = odata.NewStringField("id")
	ChangeKey            = odata.NewStringField("changeKey")
	Categories           = odata.NewStringCollectionField("categories")
	CreatedDateTime      = odata.NewTimeField("createdDateTime")
	LastModifiedDateTime = odata.NewTimeField("lastModifiedDateTime")

	// SingleValueExtendedProperties filters items by an extended property,
	// or names it in an $expand:
	//
	//	item.SingleValueExtendedProperties.Any(func(p item.ExtendedPropertyFields) odata.Filter {
	//		return p.ID.Eq(id).And(p.Value.Eq("Blue"))
	//	})
	SingleValueExtendedProperties = odata.NewCollectionField("singleValueExtendedProperties", NewExtendedPropertyFields)
	// MultiValueExtendedProperties can be expanded but not filtered on.
	MultiValueExtendedProperties = odata.RawProperty("multiValueExtendedProperties")
)

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "/" + name
}

// path is an odata.Property at a fixed path; the Fields types embed it.
type path string

// Path returns the Graph property path.
func (p path) Path() string { return string(p) }

// EmailAddressFields are the fields of an [EmailAddress].
type EmailAddressFields struct {
	path
	Address odata.StringField
	Name    odata.StringField
}

// NewEmailAddressFields returns the fields of an email address at prefix.
func NewEmailAddressFields(prefix string) EmailAddressFields {
	return EmailAddressFields{path(prefix), odata.NewStringField(join(prefix, "address")), odata.NewStringField(join(prefix, "name"))}
}

// RecipientFields are the fields of a [Recipient]. Address and Name are
// shortcuts for EmailAddress.Address and EmailAddress.Name.
type RecipientFields struct {
	path
	EmailAddress EmailAddressFields
	Address      odata.StringField
	Name         odata.StringField
}

// NewRecipientFields returns the fields of a recipient at prefix; it is the
// element function for recipient collections (odata.NewCollectionField).
func NewRecipientFields(prefix string) RecipientFields {
	e := NewEmailAddressFields(join(prefix, "emailAddress"))
	return RecipientFields{path(prefix), e, e.Address, e.Name}
}

// BodyFields are the fields of an [ItemBody].
type BodyFields struct {
	path
	ContentType odata.EnumField[BodyType]
	Content     odata.StringField
}

// NewBodyFields returns the fields of a body at prefix ("body", "uniqueBody").
func NewBodyFields(prefix string) BodyFields {
	return BodyFields{path(prefix), odata.NewEnumField[BodyType](join(prefix, "contentType")), odata.NewStringField(join(prefix, "content"))}
}

// FollowupFlagFields are the fields of a [FollowupFlag] that can be filtered
// on.
type FollowupFlagFields struct {
	path
	FlagStatus odata.EnumField[FlagStatus]
}

// NewFollowupFlagFields returns the fields of a follow-up flag at prefix.
func NewFollowupFlagFields(prefix string) FollowupFlagFields {
	return FollowupFlagFields{path(prefix), odata.NewEnumField[FlagStatus](join(prefix, "flagStatus"))}
}

// LocationFields are the fields of a [Location] that can be filtered on.
type LocationFields struct {
	path
	DisplayName          odata.StringField
	LocationEmailAddress odata.StringField
	LocationType         odata.EnumField[LocationType]
	UniqueID             odata.StringField
}

// NewLocationFields returns the fields of a location at prefix.
func NewLocationFields(prefix string) LocationFields {
	return LocationFields{
		path(prefix),
		odata.NewStringField(join(prefix, "displayName")),
		odata.NewStringField(join(prefix, "locationEmailAddress")),
		odata.NewEnumField[LocationType](join(prefix, "locationType")),
		odata.NewStringField(join(prefix, "uniqueId")),
	}
}

// ExtendedPropertyFields are the fields of an extended property, the element
// of [SingleValueExtendedProperties].
type ExtendedPropertyFields struct {
	path
	ID    odata.StringField // "PropertyId" in Outlook REST v2.0
	Value odata.StringField
}

// NewExtendedPropertyFields returns the fields of an extended property at
// prefix.
func NewExtendedPropertyFields(prefix string) ExtendedPropertyFields {
	return ExtendedPropertyFields{path(prefix), odata.NewStringField(join(prefix, "id")), odata.NewStringField(join(prefix, "value"))}
}
