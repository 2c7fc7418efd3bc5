package categories

import "github.com/exchangekit/outlook/odata"

// categorySchema maps a category (Graph outlookCategory, v2.0
// OutlookCategory). EWS has no FieldURI for it: the list is an XML
// document in a configuration item, whose category element carries the
// name, color and guid attributes, read and written by the EWS backend.
var categorySchema = &odata.Schema{Name: "outlookCategory", Props: []odata.Prop{
	{Graph: "id", ReadOnly: true},
	{Graph: "displayName"},
	{Graph: "color", Kind: odata.KindEnum, Enum: colorEnum},
}}
