package contacts

import (
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// The wire mapping of the contact models: each property's name in
// Microsoft Graph, Outlook REST v2.0 and EWS (its FieldURI), read by
// package odata's v2.0 translation and by the EWS backend. Contact
// properties are listed in the order of EWS's ItemType, then ContactItemType,
// as EWS wants the elements of a written item; properties EWS lacks follow.
//
// EWS keeps a contact's addresses, phone numbers and instant-messaging
// addresses in dictionaries, addressed by indexed FieldURIs
// (contacts:EmailAddress with FieldIndex EmailAddress1 to 3,
// contacts:PhoneNumber with BusinessPhone, HomePhone, MobilePhone...,
// contacts:PhysicalAddress:Street with Business, Home or Other, ...): no
// single FieldURI names one of those Graph properties, so their EWS is ""
// and the comment says what EWS has.

var (
	emailAddressSchema    = item.EmailAddress{}.WireSchema()
	physicalAddressSchema = item.PhysicalAddress{}.WireSchema()
)

var contactSchema = &odata.Schema{Name: "contact", Props: []odata.Prop{
	item.OutlookItemProp("id"),
	item.OutlookItemProp("@odata.etag"),
	item.OutlookItemProp("changeKey"),
	{Graph: "parentFolderId", EWS: "item:ParentFolderId", ReadOnly: true},
	item.OutlookItemProp("categories"),
	item.OutlookItemProp("createdDateTime"),
	item.OutlookItemProp("lastModifiedDateTime"),
	{Graph: "fileAs", EWS: "contacts:FileAs"},
	{Graph: "displayName", EWS: "contacts:DisplayName"},
	{Graph: "givenName", EWS: "contacts:GivenName"},
	{Graph: "initials", EWS: "contacts:Initials"},
	{Graph: "middleName", EWS: "contacts:MiddleName"},
	{Graph: "nickName", EWS: "contacts:Nickname"},
	{Graph: "companyName", EWS: "contacts:CompanyName"},
	// EWS: contacts:EmailAddress, FieldIndex EmailAddress1 to 3.
	{Graph: "emailAddresses", Collection: true, Kind: odata.KindObject, Elem: emailAddressSchema},
	// EWS: contacts:PhysicalAddress:Street (City, State,
	// CountryOrRegion, PostalCode), FieldIndex Business, Home, Other.
	{Graph: "businessAddress", Kind: odata.KindObject, Elem: physicalAddressSchema},
	{Graph: "homeAddress", Kind: odata.KindObject, Elem: physicalAddressSchema},
	{Graph: "otherAddress", Kind: odata.KindObject, Elem: physicalAddressSchema},
	// EWS: contacts:PhoneNumber, FieldIndex BusinessPhone and
	// BusinessPhone2, HomePhone and HomePhone2, MobilePhone. v2.0 names the
	// mobile phone MobilePhone1.
	{Graph: "businessPhones", Collection: true},
	{Graph: "homePhones", Collection: true},
	{Graph: "mobilePhone", V2: "MobilePhone1"},
	{Graph: "assistantName", EWS: "contacts:AssistantName"},
	{Graph: "birthday", Kind: odata.KindTime, EWS: "contacts:Birthday"},
	{Graph: "businessHomePage", EWS: "contacts:BusinessHomePage"},
	{Graph: "children", Collection: true, EWS: "contacts:Children"},
	{Graph: "department", EWS: "contacts:Department"},
	{Graph: "generation", EWS: "contacts:Generation"},
	// EWS: contacts:ImAddress, FieldIndex ImAddress1 to 3.
	{Graph: "imAddresses", Collection: true},
	{Graph: "jobTitle", EWS: "contacts:JobTitle"},
	{Graph: "manager", EWS: "contacts:Manager"},
	{Graph: "officeLocation", EWS: "contacts:OfficeLocation"},
	{Graph: "profession", EWS: "contacts:Profession"},
	{Graph: "spouseName", EWS: "contacts:SpouseName"},
	{Graph: "surname", EWS: "contacts:Surname"},
	// EWS reads the contact's notes as its body (item:Body); Exchange 2013
	// added contacts:Notes.
	{Graph: "personalNotes", EWS: "contacts:Notes"},
	{Graph: "yomiGivenName", EWS: "contacts:PhoneticFirstName"},
	{Graph: "yomiSurname", EWS: "contacts:PhoneticLastName"},
	// EWS has no phonetic company name on contacts (persona:YomiCompanyName
	// is a persona's), and a title only inside contacts:CompleteName, which
	// is read-only.
	{Graph: "yomiCompanyName"},
	{Graph: "title"},
	// EWS: contacts:EmailAddress, FieldIndex EmailAddress1, 2 and 3.
	{Graph: "primaryEmailAddress", Kind: odata.KindObject, Elem: emailAddressSchema},
	{Graph: "secondaryEmailAddress", Kind: odata.KindObject, Elem: emailAddressSchema},
	{Graph: "tertiaryEmailAddress", Kind: odata.KindObject, Elem: emailAddressSchema},
	// Open extensions are REST only; EWS addresses extended properties by
	// ExtendedFieldURI paths.
	{Graph: "extensions", Collection: true, Kind: odata.KindObject, Elem: extensionSchema},
	{Graph: "singleValueExtendedProperties", Collection: true, Kind: odata.KindObject, Elem: item.SingleValueExtendedProperty{}.WireSchema()},
	{Graph: "multiValueExtendedProperties", Collection: true, Kind: odata.KindObject, Elem: item.MultiValueExtendedProperty{}.WireSchema()},
}}

// extensionSchema maps an open extension: the names its data holds are the
// caller's, and follow the default rules.
var extensionSchema = &odata.Schema{Name: "extension", Props: []odata.Prop{
	{Graph: "@odata.type"},
	{Graph: "id", ReadOnly: true},
	{Graph: "extensionName"},
}}

var contactFolderSchema = &odata.Schema{Name: "contactFolder", Props: []odata.Prop{
	{Graph: "id", EWS: "folder:FolderId", ReadOnly: true},
	// The ETag is the ChangeKey attribute of EWS's FolderId.
	{Graph: "@odata.etag", ReadOnly: true},
	{Graph: "parentFolderId", EWS: "folder:ParentFolderId", ReadOnly: true},
	{Graph: "displayName", EWS: "folder:DisplayName"},
	{Graph: "wellKnownName", EWS: "folder:DistinguishedFolderId", ReadOnly: true},
	{Graph: "singleValueExtendedProperties", Collection: true, Kind: odata.KindObject, Elem: item.SingleValueExtendedProperty{}.WireSchema()},
	{Graph: "multiValueExtendedProperties", Collection: true, Kind: odata.KindObject, Elem: item.MultiValueExtendedProperty{}.WireSchema()},
}}

// photoSchema maps a contact's photo. EWS has contacts:HasPicture and
// reads the image as a file attachment named ContactPicture.jpg.
var photoSchema = &odata.Schema{Name: "profilePhoto", Props: []odata.Prop{
	{Graph: "id", ReadOnly: true},
	{Graph: "width", Kind: odata.KindInt, ReadOnly: true},
	{Graph: "height", Kind: odata.KindInt, ReadOnly: true},
	{Graph: "@odata.mediaContentType", ReadOnly: true},
	{Graph: "@odata.mediaEtag", ReadOnly: true},
}}

// WireSchema returns the wire mapping of a contact.
func (Contact) WireSchema() *odata.Schema { return contactSchema }

// WireSchema returns the wire mapping of a contact, whose properties an
// update sets.
func (ContactUpdate) WireSchema() *odata.Schema { return contactSchema }

// WireSchema returns the wire mapping of a contact folder.
func (ContactFolder) WireSchema() *odata.Schema { return contactFolderSchema }

// WireSchema returns the wire mapping of a contact folder, whose
// properties an update sets.
func (FolderUpdate) WireSchema() *odata.Schema { return contactFolderSchema }

// WireSchema returns the wire mapping of a contact's photo.
func (Photo) WireSchema() *odata.Schema { return photoSchema }
