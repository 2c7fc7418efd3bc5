package odata

// A schema fixture for the package's own tests: a message-like entity with
// one of each feature the translation and the query rendering read
// (renamed properties, an old alias, irregular enum spellings, enum
// collections, nested and repeated objects, raw values, annotations). The
// model packages' real tables are tested in those packages.

var (
	fixtureBodyType   = &EnumType{Name: "bodyType", Values: []string{"text", "html"}, V2: map[string]string{"html": "HTML"}}
	fixtureImportance = &EnumType{Name: "importance", Values: []string{"low", "normal", "high"}}
	fixtureDay        = &EnumType{Name: "dayOfWeek", Values: []string{"monday", "friday"}}

	fixtureAddress   = &Schema{Name: "emailAddress", Props: []Prop{{Graph: "name"}, {Graph: "address"}}}
	fixtureRecipient = &Schema{Name: "recipient", Props: []Prop{{Graph: "emailAddress", Kind: KindObject, Elem: fixtureAddress}}}
	fixtureBody      = &Schema{Name: "itemBody", Props: []Prop{{Graph: "contentType", Kind: KindEnum, Enum: fixtureBodyType}, {Graph: "content"}}}
	fixtureExtended  = &Schema{Name: "singleValueLegacyExtendedProperty", Props: []Prop{{Graph: "id", V2: "PropertyId"}, {Graph: "value"}}}
	fixturePattern   = &Schema{Name: "recurrencePattern", Props: []Prop{{Graph: "daysOfWeek", Collection: true, Kind: KindEnum, Enum: fixtureDay}}}

	// FixtureSchema is the entity.
	FixtureSchema = &Schema{Name: "message", Props: []Prop{
		{Graph: "id"},
		{Graph: "@odata.etag"},
		{Graph: "@odata.type"},
		{Graph: "subject", EWS: "item:Subject"},
		{Graph: "isRead", Kind: KindBool},
		{Graph: "size", Kind: KindInt},
		{Graph: "receivedDateTime", Kind: KindTime},
		{Graph: "createdDateTime", Kind: KindTime, V2Aliases: []string{"DateTimeCreated"}},
		{Graph: "importance", Kind: KindEnum, Enum: fixtureImportance},
		{Graph: "body", Kind: KindObject, Elem: fixtureBody},
		{Graph: "from", Kind: KindObject, Elem: fixtureRecipient},
		{Graph: "toRecipients", Collection: true, Kind: KindObject, Elem: fixtureRecipient},
		{Graph: "categories", Collection: true},
		{Graph: "mobilePhone", V2: "MobilePhone1"},
		{Graph: "iCalUId", V2: "iCalUId"},
		{Graph: "pattern", Kind: KindObject, Elem: fixturePattern},
		{Graph: "singleValueExtendedProperties", Collection: true, Kind: KindObject, Elem: fixtureExtended},
		{Graph: "extensions", Collection: true, Kind: KindRaw},
		{Graph: "attachments", Collection: true, Kind: KindObject}, // default rules
	}}
)
