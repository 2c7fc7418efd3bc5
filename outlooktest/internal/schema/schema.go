// Package schema holds the fake server's own tables of the entities it
// stores and the complex values inside them, as generic JSON objects with
// Graph names (Object). They are written from the Graph v1.0 CSDL and the
// Outlook REST v2.0 reference, independently of the SDK's models, so that a
// mistake in a client model cannot hide behind the same mistake in the fake.
// One table serves four purposes: type checks on seeds and request bodies,
// the read-only rules of PATCH, the property kinds the query engine filters
// and sorts on, and the Graph <-> v2.0 renames.
package schema

import (
	"fmt"
	"strings"
	"sync"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
)

// Object is one entity or complex value as plain JSON data with Graph
// (camelCase) property names.
type Object = map[string]any

// Kind is the JSON shape of a property as the server checks it.
type Kind int

// The kinds of property.
const (
	KindString Kind = iota
	KindBool
	KindNumber
	KindDateTime // Edm.DateTimeOffset: an RFC 3339 string
	KindEnum     // a string from an enum table, stored in Graph spelling
	KindObject   // a complex value (or an open object when typ is nil)
)

// Access says who may write a property.
type Access byte

// The access rules of properties.
const (
	ReadWrite  Access = 'W' // create and update
	ReadOnly   Access = 'R' // server-set
	CreateOnly Access = 'C' // on create only
	DraftOnly  Access = 'D' // messages: update only while isDraft
)

// Prop is one property of an entity or complex type.
type Prop struct {
	Name      string   // Graph (camelCase) name
	V2Name    string   // Outlook REST v2.0 name
	Kind      Kind     // shape of one value
	Coll      bool     // a JSON array of Kind
	Enum      string   // enum table name when Kind == KindEnum
	Type      *ObjType // complex type when Kind == KindObject (nil: open object)
	Access    Access
	GraphOnly bool // not in v2.0: dropped from v2.0 answers
}

// ObjType is an entity or complex type: its properties by Graph name and by
// lower-cased v2.0 name (v2.0 bodies are matched case-insensitively).
type ObjType struct {
	Name  string // Graph type name, e.g. "message"
	Props map[string]*Prop
	ByV2  map[string]*Prop // lower-cased v2 name (and lower-cased Graph name) -> Prop
	Order []string         // Graph names in declaration order
}

// EntitySet describes one collection of the store.
type EntitySet struct {
	Name      string // store collection name: "messages"
	GraphType string // "message"
	V2Type    string // "Message"
	V2Set     string // v2.0 entity-set segment in @odata.id: "Messages"
	Type      *ObjType
}

// enums holds each enum's members in Graph spelling (Graph v1.0's CSDL).
var enums = map[string][]string{
	"importance":         {"low", "normal", "high"},
	"sensitivity":        {"normal", "personal", "private", "confidential"},
	"bodyType":           {"text", "html"},
	"followupFlagStatus": {"notFlagged", "complete", "flagged"},
	"calendarRoleType": {"none", "freeBusyRead", "limitedRead", "read", "write",
		"delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess", "custom"},
	"inferenceClassificationType":           {"focused", "other"},
	"freeBusyStatus":                        {"unknown", "free", "tentative", "busy", "oof", "workingElsewhere"},
	"responseType":                          {"none", "organizer", "tentativelyAccepted", "accepted", "declined", "notResponded"},
	"attendeeType":                          {"required", "optional", "resource"},
	"eventType":                             {"singleInstance", "occurrence", "exception", "seriesMaster"},
	"onlineMeetingProviderType":             {"unknown", "skypeForBusiness", "skypeForConsumer", "teamsForBusiness"},
	"recurrencePatternType":                 {"daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"},
	"recurrenceRangeType":                   {"endDate", "noEnd", "numbered"},
	"dayOfWeek":                             {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"},
	"weekIndex":                             {"first", "second", "third", "fourth", "last"},
	"calendarColor":                         {"auto", "lightBlue", "lightGreen", "lightOrange", "lightGray", "lightYellow", "lightTeal", "lightPink", "lightBrown", "lightRed", "maxColor"},
	"locationType":                          {"default", "conferenceRoom", "homeAddress", "businessAddress", "geoCoordinates", "streetAddress", "hotel", "restaurant", "localBusiness", "postalAddress"},
	"locationUniqueIdType":                  {"unknown", "locationStore", "directory", "private", "bing"},
	"automaticRepliesStatus":                {"disabled", "alwaysEnabled", "scheduled"},
	"externalAudienceScope":                 {"none", "contactsOnly", "all"},
	"delegateMeetingMessageDeliveryOptions": {"sendToDelegateAndInformationToPrincipal", "sendToDelegateAndPrincipal", "sendToDelegateOnly"},
	"userPurpose":                           {"user", "linked", "shared", "room", "equipment", "others"},
}

// enumLookup maps enum name -> lower-cased member -> Graph spelling.
var enumLookup = func() map[string]map[string]string {
	m := map[string]map[string]string{}
	for name, members := range enums {
		mm := map[string]string{}
		for _, v := range members {
			mm[strings.ToLower(v)] = v
		}
		m[name] = mm
	}
	return m
}()

// CanonicalEnum returns the Graph spelling of v in enum e, matching case-insensitively.
func CanonicalEnum(e, v string) (string, bool) {
	c, ok := enumLookup[e][strings.ToLower(v)]
	return c, ok
}

// V2Enum returns the v2.0 spelling of a Graph enum member: PascalCase, except
// bodyType html, which v2.0 spells HTML.
func V2Enum(v string) string {
	if v == "html" {
		return "HTML"
	}
	return UpperFirst(v)
}

// Type specifications: one line per property, "name type [flags]". Types are
// string, bool, number, datetime, object (open), enum:<name>, a complex type
// name, and any of those prefixed by [] for a collection. Flags: R read-only,
// C create-only, D draft-only, G Graph only, v2=<Name> the v2.0 name.
var complexSpecs = map[string]string{
	"emailAddress": `name string
address string`,
	"recipient": `emailAddress emailAddress`,
	"itemBody": `contentType enum:bodyType
content string`,
	"dateTimeTimeZone": `dateTime string
timeZone string`,
	"physicalAddress": `street string
city string
state string
countryOrRegion string
postalCode string`,
	"outlookGeoCoordinates": `latitude number
longitude number
altitude number
accuracy number
altitudeAccuracy number`,
	"location": `displayName string
address physicalAddress
coordinates outlookGeoCoordinates
locationEmailAddress string G
locationUri string G
locationType enum:locationType G
uniqueId string G
uniqueIdType enum:locationUniqueIdType G`,
	"internetMessageHeader": `name string
value string`,
	"followupFlag": `flagStatus enum:followupFlagStatus
startDateTime dateTimeTimeZone
dueDateTime dateTimeTimeZone
completedDateTime dateTimeTimeZone`,
	"singleValueLegacyExtendedProperty": `id string v2=PropertyId
value string`,
	"multiValueLegacyExtendedProperty": `id string v2=PropertyId
value []string`,
	"responseStatus": `response enum:responseType
time datetime`,
	"timeSlot": `start dateTimeTimeZone
end dateTimeTimeZone`,
	"attendee": `type enum:attendeeType
emailAddress emailAddress
status responseStatus
proposedNewTime timeSlot G`,
	"patternedRecurrence": `pattern recurrencePattern
range recurrenceRange`,
	"recurrencePattern": `type enum:recurrencePatternType
interval number
daysOfWeek []enum:dayOfWeek
firstDayOfWeek enum:dayOfWeek
index enum:weekIndex
dayOfMonth number
month number`,
	"automaticRepliesSetting": `status enum:automaticRepliesStatus
externalAudience enum:externalAudienceScope
internalReplyMessage string
externalReplyMessage string
scheduledStartDateTime dateTimeTimeZone
scheduledEndDateTime dateTimeTimeZone`,
	"localeInfo": `locale string
displayName string R`,
	"workingHours": `daysOfWeek []enum:dayOfWeek
startTime string
endTime string
timeZone object`,
	// mailboxSettings is not an entity: one value per mailbox (Settings).
	"mailboxSettings": `automaticRepliesSetting automaticRepliesSetting
archiveFolder string R
timeZone string
language localeInfo
workingHours workingHours
dateFormat string G
timeFormat string G
delegateMeetingMessageDeliveryOptions enum:delegateMeetingMessageDeliveryOptions G
userPurpose enum:userPurpose R G`,
	"recurrenceRange": `type enum:recurrenceRangeType
startDate string
endDate string
numberOfOccurrences number
recurrenceTimeZone string`,
}

// outlookItem is the base of message, event and contact.
const outlookItemSpec = `id string R
createdDateTime datetime R
lastModifiedDateTime datetime R
changeKey string R
categories []string
singleValueExtendedProperties []singleValueLegacyExtendedProperty
multiValueExtendedProperties []multiValueLegacyExtendedProperty
`

var entitySpecs = []struct {
	set, graphType, v2Type, v2Set, spec string
}{
	{"messages", "message", "Message", "Messages", outlookItemSpec + `receivedDateTime datetime R
sentDateTime datetime R
hasAttachments bool R
internetMessageId string D
internetMessageHeaders []internetMessageHeader C G
subject string D
body itemBody D
bodyPreview string R
uniqueBody itemBody R
importance enum:importance
parentFolderId string R
conversationId string R
conversationIndex string R
isDeliveryReceiptRequested bool
isReadReceiptRequested bool
isRead bool
isDraft bool R
webLink string R
inferenceClassification enum:inferenceClassificationType
from recipient
sender recipient
toRecipients []recipient
ccRecipients []recipient
bccRecipients []recipient
replyTo []recipient D
flag followupFlag`},
	{"mailFolders", "mailFolder", "MailFolder", "MailFolders", `id string R
displayName string
parentFolderId string R
childFolderCount number R
totalItemCount number R
unreadItemCount number R
isHidden bool C G
singleValueExtendedProperties []singleValueLegacyExtendedProperty
multiValueExtendedProperties []multiValueLegacyExtendedProperty`},
	// originalStartTimeZone and originalEndTimeZone are writable: the CSDL
	// does not mark them computed, and the update-event sample of Graph's
	// reference PATCHes both (its table of updatable properties omits
	// them; the sample is what this rests on).
	{"events", "event", "Event", "Events", outlookItemSpec + `subject string
body itemBody
bodyPreview string R
start dateTimeTimeZone
end dateTimeTimeZone
originalStartTimeZone string
originalEndTimeZone string
originalStart datetime R G
isAllDay bool
location location
locations []location G
attendees []attendee
organizer recipient
isOrganizer bool R
responseRequested bool
responseStatus responseStatus R
importance enum:importance
sensitivity enum:sensitivity
showAs enum:freeBusyStatus
type enum:eventType R
seriesMasterId string R
recurrence patternedRecurrence
isReminderOn bool
reminderMinutesBeforeStart number
isCancelled bool R
isDraft bool R G
hasAttachments bool R
iCalUId string R v2=iCalUId
webLink string R
allowNewTimeProposals bool G
hideAttendees bool G
isOnlineMeeting bool G
onlineMeetingProvider enum:onlineMeetingProviderType G
onlineMeeting object R G
onlineMeetingUrl string R G
transactionId string C G
cancelledOccurrences []string R G`},
	{"calendars", "calendar", "Calendar", "Calendars", `id string R
name string
changeKey string R
color enum:calendarColor
hexColor string R G
isDefaultCalendar bool R G
canEdit bool R G
canShare bool R G
canViewPrivateItems bool R G
isRemovable bool R G
isTallyingResponses bool R G
owner emailAddress R G
allowedOnlineMeetingProviders []enum:onlineMeetingProviderType R G
defaultOnlineMeetingProvider enum:onlineMeetingProviderType R G
singleValueExtendedProperties []singleValueLegacyExtendedProperty
multiValueExtendedProperties []multiValueLegacyExtendedProperty`},
	{"calendarGroups", "calendarGroup", "CalendarGroup", "CalendarGroups", `id string R
name string
changeKey string R
classId string R`},
	{"contacts", "contact", "Contact", "Contacts", outlookItemSpec + `parentFolderId string R
displayName string
givenName string
middleName string
surname string
initials string
nickName string
generation string
title string
fileAs string
yomiGivenName string
yomiSurname string
yomiCompanyName string
emailAddresses []emailAddress
primaryEmailAddress emailAddress G
secondaryEmailAddress emailAddress G
tertiaryEmailAddress emailAddress G
imAddresses []string
businessPhones []string
homePhones []string
mobilePhone string v2=MobilePhone1
businessAddress physicalAddress
homeAddress physicalAddress
otherAddress physicalAddress
businessHomePage string
companyName string
department string
jobTitle string
officeLocation string
profession string
manager string
assistantName string
spouseName string
children []string
birthday datetime
personalNotes string`},
	{"contactFolders", "contactFolder", "ContactFolder", "ContactFolders", `id string R
displayName string
parentFolderId string R
singleValueExtendedProperties []singleValueLegacyExtendedProperty
multiValueExtendedProperties []multiValueLegacyExtendedProperty`},
	{"inferenceClassificationOverrides", "inferenceClassificationOverride", "InferenceClassificationOverride", "InferenceClassification/Overrides", `id string R
classifyAs enum:inferenceClassificationType
senderEmailAddress emailAddress C`},
	// Inbox rules, Graph only (the v2.0 rules API never left preview).
	{"messageRules", "messageRule", "MessageRule", "MessageRules", `id string R
displayName string
sequence number
isEnabled bool
hasError bool R
isReadOnly bool R
conditions object
exceptions object
actions object`},
	// The people a calendar is shared with, Graph only: only role
	// changes once created.
	{"calendarPermissions", "calendarPermission", "CalendarPermission", "CalendarPermissions", `id string R
emailAddress emailAddress C
role enum:calendarRoleType
allowedRoles []enum:calendarRoleType R
isRemovable bool R
isInsideOrganization bool R`},
	// attachments: the union of fileAttachment, itemAttachment and
	// referenceAttachment; @odata.type tells them apart.
	{"attachments", "attachment", "Attachment", "Attachments", `id string R
name string
contentType string
size number R
isInline bool
lastModifiedDateTime datetime R
contentBytes string C
contentId string
contentLocation string
item object C`},
}

var (
	schemaOnce sync.Once
	complexes  map[string]*ObjType
	entitySets map[string]*EntitySet // by collection name
)

// Sets returns the entity sets by collection name, building the tables on first use. The specs
// are constants, so a mistake in them is a bug caught by any test: panic.
func Sets() map[string]*EntitySet {
	schemaOnce.Do(buildSchema)
	return entitySets
}

func buildSchema() {
	complexes = map[string]*ObjType{}
	for name := range complexSpecs {
		complexes[name] = &ObjType{Name: name}
	}
	for name, spec := range complexSpecs {
		fillType(complexes[name], spec)
	}
	entitySets = map[string]*EntitySet{}
	for _, e := range entitySpecs {
		t := &ObjType{Name: e.graphType}
		fillType(t, e.spec)
		entitySets[e.set] = &EntitySet{Name: e.set, GraphType: e.graphType, V2Type: e.v2Type, V2Set: e.v2Set, Type: t}
	}
}

func fillType(t *ObjType, spec string) {
	t.Props = map[string]*Prop{}
	t.ByV2 = map[string]*Prop{}
	for line := range strings.Lines(spec) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 {
			panic(fmt.Sprintf("outlooktest: schema %s: bad line %q", t.Name, line))
		}
		p := &Prop{Name: f[0], V2Name: UpperFirst(f[0]), Access: ReadWrite}
		ty := f[1]
		if rest, ok := strings.CutPrefix(ty, "[]"); ok {
			p.Coll, ty = true, rest
		}
		switch {
		case ty == "string":
			p.Kind = KindString
		case ty == "bool":
			p.Kind = KindBool
		case ty == "number":
			p.Kind = KindNumber
		case ty == "datetime":
			p.Kind = KindDateTime
		case ty == "object":
			p.Kind = KindObject
		case strings.HasPrefix(ty, "enum:"):
			p.Kind, p.Enum = KindEnum, ty[len("enum:"):]
			if _, ok := enums[p.Enum]; !ok {
				panic("outlooktest: schema: unknown enum " + p.Enum)
			}
		default:
			c, ok := complexes[ty]
			if !ok {
				panic("outlooktest: schema: unknown type " + ty)
			}
			p.Kind, p.Type = KindObject, c
		}
		for _, fl := range f[2:] {
			switch {
			case fl == "R" || fl == "C" || fl == "D":
				p.Access = Access(fl[0])
			case fl == "G":
				p.GraphOnly = true
			case strings.HasPrefix(fl, "v2="):
				p.V2Name = fl[3:]
			default:
				panic(fmt.Sprintf("outlooktest: schema %s.%s: bad flag %q", t.Name, p.Name, fl))
			}
		}
		t.Props[p.Name] = p
		t.ByV2[strings.ToLower(p.V2Name)] = p
		t.Order = append(t.Order, p.Name)
	}
	// A v2 body that spells a property in Graph's name (PropertyId vs id)
	// still finds it, unless another property owns that spelling.
	for _, name := range t.Order {
		if _, taken := t.ByV2[strings.ToLower(name)]; !taken {
			t.ByV2[strings.ToLower(name)] = t.Props[name]
		}
	}
}

// v2Aliases are the early v2.0 preview names still met in old payloads.
var v2Aliases = map[string]string{
	"datetimecreated":      "createdDateTime",
	"datetimelastmodified": "lastModifiedDateTime",
	"datetimereceived":     "receivedDateTime",
	"datetimesent":         "sentDateTime",
}

// UpperFirst capitalises the first letter: a Graph name's v2.0 spelling.
func UpperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// LowerFirst lower-cases the first letter: a v2.0 name's Graph spelling.
func LowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]-'A'+'a') + s[1:]
}

// checkValue reports whether v (decoded JSON: string, bool, float64, []any,
// map[string]any or nil) has the shape p declares, normalising enum members
// to their Graph spelling in place. It returns a message for people, naming
// the path, when it does not.
func checkValue(path string, p *Prop, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if p.Coll {
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: want a JSON array, got %s", path, JSONKind(v))
		}
		one := *p
		one.Coll = false
		for i, e := range arr {
			ne, err := checkValue(fmt.Sprintf("%s[%d]", path, i), &one, e)
			if err != nil {
				return nil, err
			}
			arr[i] = ne
		}
		return arr, nil
	}
	switch p.Kind {
	case KindString:
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("%s: want a string, got %s", path, JSONKind(v))
		}
	case KindBool:
		if _, ok := v.(bool); !ok {
			return nil, fmt.Errorf("%s: want true or false, got %s", path, JSONKind(v))
		}
	case KindNumber:
		if _, ok := v.(float64); !ok {
			return nil, fmt.Errorf("%s: want a number, got %s", path, JSONKind(v))
		}
	case KindDateTime:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: want a date-time string, got %s", path, JSONKind(v))
		}
		t, err := datetime.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an ISO 8601 date-time", path, s)
		}
		return datetime.Format(t), nil
	case KindEnum:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: want a %s value, got %s", path, p.Enum, JSONKind(v))
		}
		c, ok := CanonicalEnum(p.Enum, s)
		if !ok {
			return nil, fmt.Errorf("%s: %q is not a %s value (one of %s)", path, s, p.Enum, strings.Join(enums[p.Enum], ", "))
		}
		return c, nil
	case KindObject:
		o, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: want a JSON object, got %s", path, JSONKind(v))
		}
		if p.Type != nil {
			if err := CheckObject(path+"/", p.Type, o); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

// CheckObject checks the known properties of o against t; unknown ones are
// allowed (Outlook items are open types).
func CheckObject(prefix string, t *ObjType, o map[string]any) error {
	for k, v := range o {
		p, ok := t.Props[k]
		if !ok {
			continue
		}
		nv, err := checkValue(prefix+k, p, v)
		if err != nil {
			return err
		}
		o[k] = nv
	}
	return nil
}

// JSONKind names the JSON kind of a decoded value, for messages to people
// ("a string", "an object").
func JSONKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// The @odata.type namespaces of the two REST dialects.
const (
	GraphNS = "#microsoft.graph."
	V2NS    = "#Microsoft.OutlookServices."
)

// ODataTypeToV2 turns "#microsoft.graph.fileAttachment" into
// "#Microsoft.OutlookServices.FileAttachment"; other values pass unchanged.
func ODataTypeToV2(s string) string {
	if rest, ok := strings.CutPrefix(s, GraphNS); ok {
		return V2NS + UpperFirst(rest)
	}
	return s
}

// ODataTypeToGraph is the inverse of ODataTypeToV2. The namespace is matched
// case-insensitively, as both services do.
func ODataTypeToGraph(s string) string {
	if len(s) > len(V2NS) && strings.EqualFold(s[:len(V2NS)], V2NS) {
		return GraphNS + LowerFirst(s[len(V2NS):])
	}
	if len(s) > len(GraphNS) && strings.EqualFold(s[:len(GraphNS)], GraphNS) {
		return GraphNS + LowerFirst(s[len(GraphNS):])
	}
	return s
}

// TypeForODataType returns the schema of the entity an @odata.type names
// (for itemAttachment.item, whose type varies), or nil.
func TypeForODataType(s string) *ObjType {
	g := strings.ToLower(ODataTypeToGraph(s))
	for _, es := range Sets() {
		if g == strings.ToLower(GraphNS+es.GraphType) {
			return es.Type
		}
	}
	return nil
}

// Complex returns the complex type of that Graph name (e.g. "recipient"),
// or nil.
func Complex(name string) *ObjType {
	Sets() // builds complexes
	return complexes[name]
}

// Settings is the type of mailboxSettings: one value per mailbox, not an
// entity.
func Settings() *ObjType { return Complex("mailboxSettings") }

// Enum returns the members of an enum, in Graph spelling, in declaration
// order (for dayOfWeek, Sunday first).
func Enum(name string) []string { return enums[name] }

// V2Alias returns the Graph name of an early v2.0 preview name
// (DateTimeCreated), given lower-cased.
func V2Alias(lowerName string) (string, bool) {
	g, ok := v2Aliases[lowerName]
	return g, ok
}

// ParamType builds the type of an action's parameters, for the dialect
// translation and checks of its body.
func ParamType(name string, props map[string]*Prop) *ObjType {
	t := &ObjType{Name: name, Props: props, ByV2: map[string]*Prop{}}
	for k, p := range props {
		t.ByV2[strings.ToLower(p.V2Name)] = p
		t.Order = append(t.Order, k)
	}
	return t
}

// CanonicalSet resolves a collection name case-insensitively; "" when the
// store has no such collection.
func CanonicalSet(name string) string {
	for s := range Sets() {
		if strings.EqualFold(s, name) {
			return s
		}
	}
	return ""
}

// DeepCopy copies a JSON value (maps and slices all the way down).
func DeepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = DeepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = DeepCopy(e)
		}
		return out
	}
	return v
}
