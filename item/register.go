package item

import "github.com/exchangekit/outlook/odata"

// The Outlook REST v2.0 spellings of the shared types, where they are not
// "the Graph name with its first letter upper-cased".
func init() {
	odata.Register(
		[]odata.Rename{
			{Parent: "singleValueExtendedProperties", Graph: "id", V2: "PropertyId"},
			{Parent: "multiValueExtendedProperties", Graph: "id", V2: "PropertyId"},
			// Early v2.0 servers named the item timestamps differently. Each
			// alias is registered before the current name, so that the
			// current name wins when writing (later registrations win) while
			// both read as the Graph name.
			{Graph: "createdDateTime", V2: "DateTimeCreated"},
			{Graph: "createdDateTime", V2: "CreatedDateTime"},
			{Graph: "lastModifiedDateTime", V2: "DateTimeLastModified"},
			{Graph: "lastModifiedDateTime", V2: "LastModifiedDateTime"},
		},
		[]odata.Enum{
			{Parent: "body", Name: "contentType", Values: map[string]string{"html": "HTML"}},
			{Parent: "uniqueBody", Name: "contentType", Values: map[string]string{"html": "HTML"}},
			{Name: "importance"},
			{Name: "sensitivity"},
			{Parent: "flag", Name: "flagStatus"},
			{Name: "locationType"},
			{Name: "uniqueIdType"},
		},
		nil,
	)
}
