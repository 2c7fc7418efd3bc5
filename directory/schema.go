package directory

import "github.com/exchangekit/outlook/odata"

// The wire mapping of the directory models. Graph's names are the
// models'; Outlook REST v2.0's findroomlists and findrooms answer with
// EmailAddress values, whose Name and Address are a room's display name
// and address. EWS names no FieldURI for them: its backend writes the
// Graph form of GetRoomLists', GetRooms', ResolveNames' and ExpandDL's
// answers.

var roomListSchema = &odata.Schema{Name: "roomList", Props: []odata.Prop{
	{Graph: "id", ReadOnly: true},
	{Graph: "displayName", V2: "Name"},
	{Graph: "emailAddress", V2: "Address"},
}}

var roomSchema = &odata.Schema{Name: "room", Props: []odata.Prop{
	{Graph: "id", ReadOnly: true},
	{Graph: "displayName", V2: "Name"},
	{Graph: "emailAddress", V2: "Address"},
	{Graph: "capacity", Kind: odata.KindInt},
	{Graph: "building"},
	{Graph: "floorNumber", Kind: odata.KindInt},
	{Graph: "floorLabel"},
	{Graph: "label"},
	{Graph: "nickname"},
	{Graph: "phone"},
	{Graph: "audioDeviceName"},
	{Graph: "videoDeviceName"},
	{Graph: "displayDeviceName"},
	{Graph: "isWheelChairAccessible", Kind: odata.KindBool},
	{Graph: "tags", Collection: true},
	{Graph: "bookingType"},
}}

// personSchema maps a Graph user (and a group member); "kind" is the
// SDK's own, filled from the member's @odata.type on Graph and from
// MailboxType on EWS.
var personSchema = &odata.Schema{Name: "user", Props: []odata.Prop{
	{Graph: "id", ReadOnly: true},
	{Graph: "@odata.type", ReadOnly: true},
	{Graph: "displayName"},
	{Graph: "mail"},
	{Graph: "userPrincipalName"},
	{Graph: "kind"},
	{Graph: "jobTitle"},
	{Graph: "department"},
	{Graph: "officeLocation"},
}}
