package ews

// Values between EWS's XML forms and the store's Graph-form JSON: times,
// booleans, enumerations, mailboxes, bodies, extended property names.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
)

// instant reads a Graph date-time: an Edm.DateTimeOffset string or a
// dateTimeTimeZone object.
func instant(v any) (time.Time, bool) {
	if s, ok := v.(string); ok {
		t, err := datetime.Parse(s)
		return t, err == nil
	}
	return datetime.Instant(v)
}

// ewsTime writes a Graph date-time as EWS does: UTC, whole seconds, "Z".
func ewsTime(v any) string {
	t, ok := instant(v)
	if !ok {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// parseTime reads an xs:dateTime.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := datetime.Parse(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("'%s' is not a valid xs:dateTime value", s)
	}
	return t, nil
}

// parseBool reads an xs:boolean.
func parseBool(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("'%s' is not a valid xs:boolean value", strings.TrimSpace(s))
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// enumMap is one enumeration's EWS spellings by Graph spelling.
type enumMap map[string]string

// ews returns the EWS spelling of a Graph value, or "".
func (m enumMap) ews(graph any) string {
	s, _ := graph.(string)
	return m[s]
}

// graph returns the Graph spelling of an EWS value.
func (m enumMap) graph(ews string) (string, bool) {
	for g, e := range m {
		if e == strings.TrimSpace(ews) {
			return g, true
		}
	}
	return "", false
}

var (
	importanceEnum = enumMap{"low": "Low", "normal": "Normal", "high": "High"}
	flagEnum       = enumMap{"notFlagged": "NotFlagged", "flagged": "Flagged", "complete": "Complete"}
	bodyTypeEnum   = enumMap{"html": "HTML", "text": "Text"}
)

// mailboxOf reads a t:Mailbox (EmailAddressType) into Graph's recipient
// form {"emailAddress": {"name", "address"}}.
func mailboxOf(mb *elem) (Object, error) {
	if mb == nil {
		return nil, fmt.Errorf("a Mailbox element is required")
	}
	ea := Object{}
	name := mb.t("Name")
	addr := mb.t("EmailAddress")
	if addr == nil && name == nil {
		if mb.t("ItemId") != nil {
			return nil, fmt.Errorf("recipients given by contact or group ItemId are not served by outlooktest")
		}
		return nil, fmt.Errorf("a Mailbox needs an EmailAddress")
	}
	if name != nil {
		ea["name"] = name.text
	}
	if addr != nil {
		ea["address"] = strings.TrimSpace(addr.text)
		if _, ok := ea["name"]; !ok {
			ea["name"] = ea["address"]
		}
	} else {
		// A name alone is resolved by Exchange against the directory; the
		// fake takes an address-shaped name as the address.
		n := strings.TrimSpace(name.text)
		if !strings.Contains(n, "@") {
			return nil, fmt.Errorf("the recipient '%s' could not be resolved to an e-mail address", n)
		}
		ea["address"] = n
	}
	return Object{"emailAddress": ea}, nil
}

// recipientsOf reads an ArrayOfRecipientsType.
func recipientsOf(e *elem) ([]any, error) {
	out := []any{}
	for _, k := range e.kids {
		if !k.is(nsTypes, "Mailbox") {
			return nil, fmt.Errorf("the element '%s' is not a Mailbox", k.local)
		}
		r, err := mailboxOf(k)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// recipientAddress returns the address of a Graph recipient value.
func recipientAddress(v any) (name, addr string) {
	r, _ := v.(map[string]any)
	ea, _ := r["emailAddress"].(map[string]any)
	name, _ = ea["name"].(string)
	addr, _ = ea["address"].(string)
	return name, addr
}

// Extended properties: an ExtendedFieldURI names a MAPI property by tag or
// by property set and name or id. Graph names the same property with one
// string, "{type} {guid} Name {name}", "{type} {guid} Id 0x{id}" or
// "{type} 0x{tag}", which is how the store keeps them.

// distinguishedSets are the GUIDs of the DistinguishedPropertySetId values.
var distinguishedSets = map[string]string{
	"Meeting":           "6ED8DA90-450B-101B-98DA-00AA003F1305",
	"Appointment":       "00062002-0000-0000-C000-000000000046",
	"Common":            "00062008-0000-0000-C000-000000000046",
	"PublicStrings":     "00020329-0000-0000-C000-000000000046",
	"Address":           "00062004-0000-0000-C000-000000000046",
	"InternetHeaders":   "00020386-0000-0000-C000-000000000046",
	"CalendarAssistant": "11000E07-B51B-40D6-AF21-CAA85EDAB1D0",
	"UnifiedMessaging":  "4442858E-A9E3-4E80-B900-317A210CC15B",
	"Task":              "00062003-0000-0000-C000-000000000046",
	"Sharing":           "00062040-0000-0000-C000-000000000046",
}

// propertyTypes are the MAPIPropertyTypeType values.
var propertyTypes = map[string]bool{
	"ApplicationTime": true, "ApplicationTimeArray": true, "Binary": true, "BinaryArray": true, "Boolean": true,
	"CLSID": true, "CLSIDArray": true, "Currency": true, "CurrencyArray": true, "Double": true, "DoubleArray": true,
	"Error": true, "Float": true, "FloatArray": true, "Integer": true, "IntegerArray": true, "Long": true,
	"LongArray": true, "Null": true, "Object": true, "ObjectArray": true, "Short": true, "ShortArray": true,
	"SystemTime": true, "SystemTimeArray": true, "String": true, "StringArray": true,
}

// extProp is a parsed ExtendedFieldURI.
type extProp struct {
	typ     string
	setGUID string // upper case, "" for a tag
	name    string
	id      int64
	hasID   bool
	tag     int64 // with no set
	headers bool  // the InternetHeaders set: a MIME header
}

// parseExtended reads an ExtendedFieldURI.
func parseExtended(e *elem) (extProp, error) {
	var p extProp
	p.typ, _ = e.attr("PropertyType")
	if !propertyTypes[p.typ] {
		return p, fmt.Errorf("the PropertyType '%s' is not valid", p.typ)
	}
	dist, hasDist := e.attr("DistinguishedPropertySetId")
	setID, hasSet := e.attr("PropertySetId")
	tag, hasTag := e.attr("PropertyTag")
	name, hasName := e.attr("PropertyName")
	id, hasID := e.attr("PropertyId")
	switch {
	case hasDist:
		g, ok := distinguishedSets[dist]
		if !ok {
			return p, fmt.Errorf("the DistinguishedPropertySetId '%s' is not valid", dist)
		}
		p.setGUID, p.headers = g, dist == "InternetHeaders"
	case hasSet:
		p.setGUID = strings.ToUpper(strings.Trim(setID, "{}"))
		p.headers = p.setGUID == distinguishedSets["InternetHeaders"]
	}
	switch {
	case p.setGUID != "" && hasName && !hasID && !hasTag:
		p.name = name
	case p.setGUID != "" && hasID && !hasName && !hasTag:
		n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToLower(id), "0x"), pick(strings.HasPrefix(strings.ToLower(id), "0x"), 16, 10), 32)
		if err != nil {
			return p, fmt.Errorf("the PropertyId '%s' is not valid", id)
		}
		p.id, p.hasID = n, true
	case p.setGUID == "" && hasTag && !hasName && !hasID:
		n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToLower(tag), "0x"), pick(strings.HasPrefix(strings.ToLower(tag), "0x"), 16, 10), 32)
		if err != nil || n < 0 || n > 0xFFFF {
			return p, fmt.Errorf("the PropertyTag '%s' is not valid", tag)
		}
		p.tag = n
	default:
		return p, fmt.Errorf("an ExtendedFieldURI needs a PropertyTag, or a property set with a PropertyName or a PropertyId")
	}
	return p, nil
}

func pick(cond bool, a, b int) int {
	if cond {
		return a
	}
	return b
}

// graphID is Graph's name of the property.
func (p extProp) graphID() string {
	switch {
	case p.setGUID == "":
		return fmt.Sprintf("%s 0x%04x", p.typ, p.tag)
	case p.hasID:
		return fmt.Sprintf("%s {%s} Id 0x%04x", p.typ, p.setGUID, p.id)
	}
	return fmt.Sprintf("%s {%s} Name %s", p.typ, p.setGUID, p.name)
}

// attrs writes the ExtendedFieldURI back as the request named it, in the
// canonical form Exchange echoes.
func (p extProp) attrs() []string {
	switch {
	case p.setGUID == "":
		return []string{"PropertyTag", fmt.Sprintf("0x%x", p.tag), "PropertyType", p.typ}
	case p.hasID:
		return []string{"PropertySetId", strings.ToLower(p.setGUID), "PropertyId", strconv.FormatInt(p.id, 10), "PropertyType", p.typ}
	}
	for name, g := range distinguishedSets {
		if g == p.setGUID {
			return []string{"DistinguishedPropertySetId", name, "PropertyName", p.name, "PropertyType", p.typ}
		}
	}
	return []string{"PropertySetId", strings.ToLower(p.setGUID), "PropertyName", p.name, "PropertyType", p.typ}
}

// isArray reports whether the property holds several values.
func (p extProp) isArray() bool { return strings.HasSuffix(p.typ, "Array") }

// checkValue checks an extended property's value against its type.
func (p extProp) checkValue(v string) error {
	base := strings.TrimSuffix(p.typ, "Array")
	var err error
	switch base {
	case "Integer", "Short", "Long":
		_, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	case "Double", "Float", "Currency", "ApplicationTime":
		_, err = strconv.ParseFloat(strings.TrimSpace(v), 64)
	case "Boolean":
		_, err = parseBool(v)
	case "SystemTime":
		_, err = parseTime(v)
	}
	if err != nil {
		return fmt.Errorf("the value '%s' is not valid for a property of type %s", v, p.typ)
	}
	return nil
}

// sameExtended reports whether a Graph extended property id names p.
func sameExtended(graphID string, p extProp) bool {
	return strings.EqualFold(strings.Join(strings.Fields(graphID), " "), p.graphID())
}
