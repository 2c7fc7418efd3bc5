package query

import (
	"fmt"
	"strings"
)

// Kind is the type of a property as the query engine needs it: enough to
// type-check a comparison and to compare values, no more.
type Kind int

// The kinds of property a Schema can declare. The zero Kind is not valid, so a
// property left out of a literal by mistake is caught rather than read as a string.
const (
	KindString           Kind = iota + 1 // Edm.String
	KindBool                             // Edm.Boolean
	KindNumber                           // any Edm numeric type; float64, json.Number or a Go integer in data
	KindDateTime                         // Edm.DateTimeOffset: an ISO 8601 string (or time.Time) in data, compared as an instant
	KindEnum                             // an enum member name, compared case-insensitively
	KindStringCollection                 // a collection of strings (categories); filter it with any()
	KindObjectCollection                 // a collection of complex values (toRecipients); filter it with any()
	KindObject                           // a complex value (from, body); reach into it with "/"
)

var kindNames = [...]string{
	KindString:           "String",
	KindBool:             "Bool",
	KindNumber:           "Number",
	KindDateTime:         "DateTime",
	KindEnum:             "Enum",
	KindStringCollection: "StringCollection",
	KindObjectCollection: "ObjectCollection",
	KindObject:           "Object",
}

// String returns the kind's name without the "Kind" prefix, as error messages show it.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

func (k Kind) valid() bool { return k >= KindString && k <= KindObject }

func (k Kind) collection() bool { return k == KindStringCollection || k == KindObjectCollection }

// Schema describes the properties of one entity set, so the engine knows types.
//
// Queries name properties case-insensitively (the v2.0 dialect sends
// "Subject", Graph "subject"), and the engine answers with the spelling used
// here, so Properties, OrderKey.Path and ParseSelect results compare with ==.
type Schema struct {
	// Props maps a property path in Graph camelCase ("subject",
	// "from/emailAddress/address", "receivedDateTime", "categories") to its
	// kind. Members of a complex collection are listed under the collection's
	// path ("toRecipients/emailAddress/address"), which is what a lambda
	// such as toRecipients/any(r:r/emailAddress/address eq 'x') refers to.
	Props map[string]Kind

	// Type is the entity's qualified type name ("microsoft.graph.message"),
	// used only in error messages, as Graph names the type a property was not
	// found on. Optional.
	Type string

	// Aliases maps other spellings of a path, lower-cased, to its path in
	// Props: the Outlook REST v2.0 names that are not just a change of case
	// ("mobilephone1" -> "mobilePhone"). Optional.
	Aliases map[string]string
}

// lookup resolves path case-insensitively, returning the schema's spelling.
// The exact spelling is tried first: Graph clients send it, and it is a
// single map access.
func (sc *Schema) lookup(path string) (string, Kind, bool) {
	if sc == nil {
		return "", 0, false
	}
	if k, ok := sc.Props[path]; ok {
		return path, k, true
	}
	// Prefer the lexically smallest match so that a schema holding two
	// spellings of one name (a mistake) still resolves the same way every run.
	best, found := "", false
	for p := range sc.Props {
		if strings.EqualFold(p, path) && (!found || p < best) {
			best, found = p, true
		}
	}
	if !found {
		if canon, ok := sc.Aliases[strings.ToLower(path)]; ok {
			if k, ok := sc.Props[canon]; ok {
				return canon, k, true
			}
		}
		return "", 0, false
	}
	return best, sc.Props[best], true
}

// unknownProperty is the error Graph answers with for a name it does not know.
func (sc *Schema) unknownProperty(option, name string) *Error {
	on := ""
	if sc != nil && sc.Type != "" {
		on = " on type '" + sc.Type + "'"
	}
	return newError(classUnknown, codeParseURI, "%s: could not find a property named '%s'%s", option, name, on)
}

// resolvePath checks a "/"-separated property path against the schema: the
// path itself must be declared and no proper prefix may be a collection
// (collections are entered only through any()). The first entered segments
// name a collection a lambda has already entered. It returns the canonical path.
func (sc *Schema) resolvePath(option string, segs []string, entered int) (string, Kind, *Error) {
	full := strings.Join(segs, "/")
	canon, k, ok := sc.lookup(full)
	if !ok {
		return "", 0, sc.unknownProperty(option, full)
	}
	if !k.valid() {
		return "", 0, notImplemented("%s: the outlooktest schema gives property '%s' no valid kind (%v)", option, canon, k)
	}
	for i := entered + 1; i < len(segs); i++ {
		prefix := strings.Join(segs[:i], "/")
		if p, pk, ok := sc.lookup(prefix); ok && pk.collection() {
			return "", 0, unsupported(codeParseURI, "%s: '%s' is a collection; reach its members with %s/any(x: x/%s ...)",
				option, p, p, strings.Join(segs[i:], "/"))
		}
	}
	return canon, k, nil
}
