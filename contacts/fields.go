package contacts

import (
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Contact properties for queries ($filter, $orderby, $select), so that a
// misspelled property does not compile:
//
//	q := &odata.Query{
//		Filter:  contacts.Surname.Eq("Fort"),
//		OrderBy: odata.Asc(contacts.DisplayName),
//		Select:  odata.Fields(contacts.DisplayName, contacts.EmailAddresses),
//	}
//
// Outlook REST v2.0 cannot filter on BusinessPhones, HomePhones,
// ImAddresses, Categories, Title or the Yomi fields; Graph allows only
// Any with Eq on Address for EmailAddresses.
var (
	ID                   = item.ID
	ChangeKey            = item.ChangeKey
	Categories           = item.Categories
	CreatedDateTime      = item.CreatedDateTime
	LastModifiedDateTime = item.LastModifiedDateTime
	ParentFolderID       = odata.NewStringField("parentFolderId")

	DisplayName     = odata.NewStringField("displayName")
	GivenName       = odata.NewStringField("givenName")
	MiddleName      = odata.NewStringField("middleName")
	Surname         = odata.NewStringField("surname")
	Initials        = odata.NewStringField("initials")
	NickName        = odata.NewStringField("nickName")
	Generation      = odata.NewStringField("generation")
	Title           = odata.NewStringField("title")
	FileAs          = odata.NewStringField("fileAs")
	YomiGivenName   = odata.NewStringField("yomiGivenName")
	YomiSurname     = odata.NewStringField("yomiSurname")
	YomiCompanyName = odata.NewStringField("yomiCompanyName")

	// EmailAddresses filters with Any on the element's Address:
	//
	//	contacts.EmailAddresses.Any(func(a item.EmailAddressFields) odata.Filter {
	//		return a.Address.Eq("lee@corp.example")
	//	})
	EmailAddresses = odata.NewCollectionField("emailAddresses", item.NewEmailAddressFields)
	ImAddresses    = odata.NewStringCollectionField("imAddresses")
	BusinessPhones = odata.NewStringCollectionField("businessPhones")
	HomePhones     = odata.NewStringCollectionField("homePhones")
	// MobilePhone is MobilePhone1 on Outlook REST v2.0; the dialect respells it.
	MobilePhone = odata.NewStringField("mobilePhone")

	BusinessAddress  = odata.RawProperty("businessAddress")
	HomeAddress      = odata.RawProperty("homeAddress")
	OtherAddress     = odata.RawProperty("otherAddress")
	BusinessHomePage = odata.NewStringField("businessHomePage")
	CompanyName      = odata.NewStringField("companyName")
	Department       = odata.NewStringField("department")
	JobTitle         = odata.NewStringField("jobTitle")
	OfficeLocation   = odata.NewStringField("officeLocation")
	Profession       = odata.NewStringField("profession")
	Manager          = odata.NewStringField("manager")
	AssistantName    = odata.NewStringField("assistantName")
	SpouseName       = odata.NewStringField("spouseName")
	Children         = odata.NewStringCollectionField("children")
	Birthday         = odata.NewTimeField("birthday")
	PersonalNotes    = odata.NewStringField("personalNotes")

	// Navigation properties, for $expand.
	Extensions                    = odata.RawProperty("extensions")
	SingleValueExtendedProperties = item.SingleValueExtendedProperties
	MultiValueExtendedProperties  = item.MultiValueExtendedProperties
)

// Contact folder properties for queries.
var (
	FolderDisplayName    = odata.NewStringField("displayName")
	FolderParentFolderID = odata.NewStringField("parentFolderId")
)
