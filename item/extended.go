package item

import (
	"errors"
	"fmt"
	"strings"
)

// SingleValueExtendedProperty is a MAPI property the models do not expose,
// read with $expand and written with a create or update. Address a property
// always in the form it was created with (see [NamedPropertyID]).
// Outlook REST v2.0 spells ID "PropertyId"; the dialect tables translate it.
type SingleValueExtendedProperty struct {
	ID    string `json:"id"`
	Value string `json:"value"` // the value as a string, also for numbers and dates
}

// MultiValueExtendedProperty is a multi-valued MAPI property (a ...Array
// type); it can be expanded but not used in a $filter.
type MultiValueExtendedProperty struct {
	ID    string   `json:"id"`
	Value []string `json:"value"`
}

// PropertyType is the MAPI type keyword an extended property id starts
// with. The server defines the set; the constants are the common ones.
type PropertyType string

// MAPI property types. String and Integer (and their arrays) are documented
// for both services; the others come from the Graph documentation and are
// not confirmed on on-premises servers.
const (
	PropertyTypeString       PropertyType = "String"
	PropertyTypeInteger      PropertyType = "Integer"
	PropertyTypeLong         PropertyType = "Long"
	PropertyTypeBoolean      PropertyType = "Boolean"
	PropertyTypeDouble       PropertyType = "Double"
	PropertyTypeSystemTime   PropertyType = "SystemTime"
	PropertyTypeBinary       PropertyType = "Binary"
	PropertyTypeCLSID        PropertyType = "CLSID"
	PropertyTypeStringArray  PropertyType = "StringArray"
	PropertyTypeIntegerArray PropertyType = "IntegerArray"
)

// ErrInvalidPropertyID is wrapped by the errors of [NamedPropertyID] and
// [IDPropertyID].
var ErrInvalidPropertyID = errors.New("item: invalid extended property id")

// NamedPropertyID returns the id of a named MAPI property,
// "{type} {guid} Name {name}", such as
// "String {00020329-0000-0000-C000-000000000046} Name AcmeTicket". The GUID
// (the property set) may be given with or without braces; it is written in
// braces. The server matches the name case-sensitively.
func NamedPropertyID(typ PropertyType, propertySet, name string) (string, error) {
	g, err := checkPropertyParts(typ, propertySet)
	if err != nil {
		return "", err
	}
	if name == "" || strings.TrimSpace(name) != name || strings.ContainsFunc(name, isControl) {
		return "", fmt.Errorf("%w: name %q: want non-empty text without control characters or outer spaces", ErrInvalidPropertyID, name)
	}
	return string(typ) + " " + g + " Name " + name, nil
}

// IDPropertyID returns the id of a MAPI property identified by number within
// a property set, "{type} {guid} Id 0x{id}", such as
// "Integer {11111111-2222-3333-4444-555555555555} Id 0x8201".
func IDPropertyID(typ PropertyType, propertySet string, id uint16) (string, error) {
	g, err := checkPropertyParts(typ, propertySet)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s Id 0x%04X", typ, g, id), nil
}

func checkPropertyParts(typ PropertyType, guid string) (string, error) {
	if typ == "" || strings.ContainsFunc(string(typ), func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	}) {
		return "", fmt.Errorf("%w: type %q: want a MAPI type keyword such as String", ErrInvalidPropertyID, typ)
	}
	g := strings.TrimSuffix(strings.TrimPrefix(guid, "{"), "}")
	if len(g) != 36 || len(g)+2 != len(guid) && len(g) != len(guid) {
		return "", fmt.Errorf("%w: property set %q: want a GUID such as {00020329-0000-0000-C000-000000000046}", ErrInvalidPropertyID, guid)
	}
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", fmt.Errorf("%w: property set %q: want a GUID such as {00020329-0000-0000-C000-000000000046}", ErrInvalidPropertyID, guid)
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return "", fmt.Errorf("%w: property set %q: want a GUID such as {00020329-0000-0000-C000-000000000046}", ErrInvalidPropertyID, guid)
			}
		}
	}
	return "{" + g + "}", nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
