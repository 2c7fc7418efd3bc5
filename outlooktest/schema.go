package outlooktest

// The server's own schema tables. They are written from resources.md (the
// Graph v1.0 CSDL and the Outlook REST v2.0 reference), independently of the
// SDK's models, so that a mistake in a client model cannot hide behind the
// same mistake in the fake. One table serves four purposes: type checks on
// seeds and request bodies, the read-only rules of PATCH, the property kinds
// the query engine filters and sorts on, and the Graph <-> v2.0 renames.

import (
	"fmt"
	"strings"
	"sync"
)

// kind is the JSON shape of a property as the server checks it.
type kind int

const (
	kString kind = iota
	kBool
	kNumber
	kDateTime // Edm.DateTimeOffset: an RFC 3339 string
	kEnum     // a string from an enum table, stored in Graph spelling
	kObject   // a complex value (or an open object when typ is nil)
)

// access says who may write a property.
type access byte

const (
	accWrite     access = 'W' // create and update
	accRead      access = 'R' // server-set
	accCreate    access = 'C' // on create only
	accDraftOnly access = 'D' // messages: update only while isDraft
)

// prop is one property of an entity or complex type.
type prop struct {
	name      string   // Graph (camelCase) name
	v2Name    string   // Outlook REST v2.0 name
	kind      kind     // shape of one value
	coll      bool     // a JSON array of kind
	enum      string   // enum table name when kind == kEnum
	typ       *objType // complex type when kind == kObject (nil: open object)
	access    access
	graphOnly bool // not in v2.0: dropped from v2.0 answers
}

// objType is an entity or complex type: its properties by Graph name and by
// lower-cased v2.0 name (v2.0 bodies are matched case-insensitively).
type objType struct {
	name  string // Graph type name, e.g. "message"
	props map[string]*prop
	byV2  map[string]*prop // lower-cased v2 name (and lower-cased Graph name) -> prop
	order []string
}

// entitySet describes one collection of the store.
type entitySet struct {
	name      string // store collection name: "messages"
	graphType string // "message"
	v2Type    string // "Message"
	v2Set     string // v2.0 entity-set segment in @odata.id: "Messages"
	typ       *objType
}

// enums holds each enum's members in Graph spelling (resources.md 1.11).
var enums = map[string][]string{
	"importance":                            {"low", "normal", "high"},
	"sensitivity":                           {"normal", "personal", "private", "confidential"},
	"bodyType":                              {"text", "html"},
	"followupFlagStatus":                    {"notFlagged", "complete", "flagged"},
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

// canonicalEnum returns the Graph spelling of v in enum e, matching case-insensitively.
func canonicalEnum(e, v string) (string, bool) {
	c, ok := enumLookup[e][strings.ToLower(v)]
	return c, ok
}

// v2Enum returns the v2.0 spelling of a Graph enum member: PascalCase, except
// bodyType html, which v2.0 spells HTML.
func v2Enum(v string) string {
	if v == "html" {
		return "HTML"
	}
	return upperFirst(v)
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
	// mailboxSettings is not an entity: one value per mailbox (settings.go).
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
	{"events", "event", "Event", "Events", outlookItemSpec + `subject string
body itemBody
bodyPreview string R
start dateTimeTimeZone
end dateTimeTimeZone
originalStartTimeZone string R
originalEndTimeZone string R
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
	complexes  map[string]*objType
	entitySets map[string]*entitySet // by collection name
)

// sets returns the entity sets, building the tables on first use. The specs
// are constants, so a mistake in them is a bug caught by any test: panic.
func sets() map[string]*entitySet {
	schemaOnce.Do(buildSchema)
	return entitySets
}

func buildSchema() {
	complexes = map[string]*objType{}
	for name := range complexSpecs {
		complexes[name] = &objType{name: name}
	}
	for name, spec := range complexSpecs {
		fillType(complexes[name], spec)
	}
	entitySets = map[string]*entitySet{}
	for _, e := range entitySpecs {
		t := &objType{name: e.graphType}
		fillType(t, e.spec)
		entitySets[e.set] = &entitySet{name: e.set, graphType: e.graphType, v2Type: e.v2Type, v2Set: e.v2Set, typ: t}
	}
}

func fillType(t *objType, spec string) {
	t.props = map[string]*prop{}
	t.byV2 = map[string]*prop{}
	for line := range strings.Lines(spec) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 {
			panic(fmt.Sprintf("outlooktest: schema %s: bad line %q", t.name, line))
		}
		p := &prop{name: f[0], v2Name: upperFirst(f[0]), access: accWrite}
		ty := f[1]
		if rest, ok := strings.CutPrefix(ty, "[]"); ok {
			p.coll, ty = true, rest
		}
		switch {
		case ty == "string":
			p.kind = kString
		case ty == "bool":
			p.kind = kBool
		case ty == "number":
			p.kind = kNumber
		case ty == "datetime":
			p.kind = kDateTime
		case ty == "object":
			p.kind = kObject
		case strings.HasPrefix(ty, "enum:"):
			p.kind, p.enum = kEnum, ty[len("enum:"):]
			if _, ok := enums[p.enum]; !ok {
				panic("outlooktest: schema: unknown enum " + p.enum)
			}
		default:
			c, ok := complexes[ty]
			if !ok {
				panic("outlooktest: schema: unknown type " + ty)
			}
			p.kind, p.typ = kObject, c
		}
		for _, fl := range f[2:] {
			switch {
			case fl == "R" || fl == "C" || fl == "D":
				p.access = access(fl[0])
			case fl == "G":
				p.graphOnly = true
			case strings.HasPrefix(fl, "v2="):
				p.v2Name = fl[3:]
			default:
				panic(fmt.Sprintf("outlooktest: schema %s.%s: bad flag %q", t.name, p.name, fl))
			}
		}
		t.props[p.name] = p
		t.byV2[strings.ToLower(p.v2Name)] = p
		t.order = append(t.order, p.name)
	}
	// A v2 body that spells a property in Graph's name (PropertyId vs id)
	// still finds it, unless another property owns that spelling.
	for _, name := range t.order {
		if _, taken := t.byV2[strings.ToLower(name)]; !taken {
			t.byV2[strings.ToLower(name)] = t.props[name]
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

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]-'A'+'a') + s[1:]
}

// checkValue reports whether v (decoded JSON: string, bool, float64, []any,
// map[string]any or nil) has the shape p declares, normalising enum members
// to their Graph spelling in place. It returns a message for people, naming
// the path, when it does not.
func checkValue(path string, p *prop, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if p.coll {
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: want a JSON array, got %s", path, jsonKind(v))
		}
		one := *p
		one.coll = false
		for i, e := range arr {
			ne, err := checkValue(fmt.Sprintf("%s[%d]", path, i), &one, e)
			if err != nil {
				return nil, err
			}
			arr[i] = ne
		}
		return arr, nil
	}
	switch p.kind {
	case kString:
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("%s: want a string, got %s", path, jsonKind(v))
		}
	case kBool:
		if _, ok := v.(bool); !ok {
			return nil, fmt.Errorf("%s: want true or false, got %s", path, jsonKind(v))
		}
	case kNumber:
		if _, ok := v.(float64); !ok {
			return nil, fmt.Errorf("%s: want a number, got %s", path, jsonKind(v))
		}
	case kDateTime:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: want a date-time string, got %s", path, jsonKind(v))
		}
		t, err := parseDateTime(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an ISO 8601 date-time", path, s)
		}
		return formatDateTime(t), nil
	case kEnum:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: want a %s value, got %s", path, p.enum, jsonKind(v))
		}
		c, ok := canonicalEnum(p.enum, s)
		if !ok {
			return nil, fmt.Errorf("%s: %q is not a %s value (one of %s)", path, s, p.enum, strings.Join(enums[p.enum], ", "))
		}
		return c, nil
	case kObject:
		o, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: want a JSON object, got %s", path, jsonKind(v))
		}
		if p.typ != nil {
			if err := checkObject(path+"/", p.typ, o); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

// checkObject checks the known properties of o against t; unknown ones are
// allowed (Outlook items are open types).
func checkObject(prefix string, t *objType, o map[string]any) error {
	for k, v := range o {
		p, ok := t.props[k]
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

func jsonKind(v any) string {
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
