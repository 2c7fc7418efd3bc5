package odata

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Dialect is one wire form of the Outlook mailbox API. The SDK's models carry
// Microsoft Graph v1.0 names; a Dialect says how those names, paths, type
// namespaces, enum values and change-tracking requests are spelled on the wire.
//
// There are exactly two: [Graph] for Exchange Online mailboxes and [OutlookV2]
// for on-premises Exchange 2016/2019 servers. Compare them by identity.
type Dialect struct {
	name      string
	version   string // the version segment of the service root
	namespace string // the @odata.type namespace, with its trailing dot
	v2        bool
}

var (
	// Graph is Microsoft Graph v1.0 (https://graph.microsoft.com/v1.0): camelCase
	// properties, #microsoft.graph.* types, lower-camel enum values, /delta functions.
	Graph = &Dialect{name: "graph-v1.0", version: "v1.0", namespace: "microsoft.graph."}

	// OutlookV2 is the Outlook REST API v2.0 served by on-premises Exchange
	// (https://<host>/api/v2.0): PascalCase properties, #Microsoft.OutlookServices.*
	// types, Pascal enum values, change tracking through Prefer: odata.track-changes.
	OutlookV2 = &Dialect{name: "outlook-v2.0", version: "v2.0", namespace: "Microsoft.OutlookServices.", v2: true}
)

// String returns "graph-v1.0" or "outlook-v2.0".
func (d *Dialect) String() string { return d.name }

// IsOutlookV2 reports whether d is the Outlook REST v2.0 dialect.
func (d *Dialect) IsOutlookV2() bool { return d.v2 }

// ServiceRoot returns the service root URL for a host in this dialect:
// https://graph.microsoft.com/v1.0 or https://mail.contoso.com/api/v2.0.
func (d *Dialect) ServiceRoot(host string) string {
	if d.v2 {
		return "https://" + host + "/api/" + d.version
	}
	return "https://" + host + "/" + d.version
}

// TypeName returns the @odata.type value of a Graph type name in this
// dialect: "fileAttachment" gives "#microsoft.graph.fileAttachment" or
// "#Microsoft.OutlookServices.FileAttachment".
func (d *Dialect) TypeName(graphType string) string {
	if d.v2 {
		return "#" + d.namespace + upperFirst(graphType)
	}
	return "#" + d.namespace + graphType
}

// PropertyName returns the wire name of a Graph property in this dialect,
// within the object held by the Graph property parent ("" when the context
// does not matter). Graph names pass unchanged through the Graph dialect.
func (d *Dialect) PropertyName(parent, name string) string {
	if !d.v2 {
		return name
	}
	return toV2Key(registry.Load(), parent, name)
}

// EnumValue returns the wire spelling of a Graph enum value in this dialect
// ("html" is "HTML" in v2.0, "high" is "High").
func (d *Dialect) EnumValue(graphValue string) string {
	if !d.v2 {
		return graphValue
	}
	return toV2Enum(registry.Load(), graphValue)
}

// Table registration. Model packages declare, at init time, the few places where
// the v2.0 dialect is not "the Graph name with its first letter upper-cased".

// Rename declares that the Graph property name is spelled v2 in Outlook REST
// v2.0. Parent scopes it to objects held by that Graph property (for example
// the "id" of an item of "singleValueExtendedProperties" is "PropertyId");
// an empty parent applies everywhere.
type Rename struct {
	Parent string
	Graph  string
	V2     string
}

// Enum declares that the property Name (within objects held by Parent, or
// anywhere when Parent is empty) holds enum values, so their spelling changes
// between dialects. Values lists the members whose v2.0 spelling is not the
// Graph value with its first letter upper-cased ("html" -> "HTML").
type Enum struct {
	Parent string
	Name   string
	Values map[string]string // Graph value -> v2.0 value, for the irregular ones only
}

// Register adds renamed properties, enum-valued properties and renamed path
// segments to the dialect tables. Model packages call it from init; it is
// safe for concurrent use, and later registrations of the same name win.
// Path segments map a Graph segment (an entity set or action name such as
// "mailFolders" or "replyAll") to its documented v2.0 spelling ("MailFolders",
// "replyall"); segments not registered are sent unchanged (both services
// resolve path segments case-insensitively).
func Register(renames []Rename, enums []Enum, pathSegments map[string]string) {
	registryMu.Lock()
	defer registryMu.Unlock()
	old := registry.Load()
	t := old.clone()
	for _, r := range renames {
		t.renameToV2[r.Graph] = putScoped(t.renameToV2[r.Graph], r.Parent, r.V2)
		t.renameFromV2[r.V2] = putScoped(t.renameFromV2[r.V2], r.Parent, r.Graph)
		t.renameToV2Names.add(r.Graph)
		t.renameFromV2Names.add(r.V2)
	}
	for _, e := range enums {
		if !slices.Contains(t.enumParents[e.Name], e.Parent) {
			t.enumParents[e.Name] = append(t.enumParents[e.Name], e.Parent)
		}
		t.enumNames.add(e.Name)
		for g, v := range e.Values {
			t.enumToV2[g] = v
			t.enumFromV2[v] = g
			t.enumFromV2Fold[strings.ToLower(v)] = g
		}
	}
	for g, v := range pathSegments {
		t.segToV2[g] = v
	}
	registry.Store(t)
}

// scoped is one registration of a name, valid within objects held by parent
// (any object when parent is empty).
type scoped struct{ parent, name string }

// tables is an immutable snapshot of the registrations; readers load it
// without locking, writers copy it. Maps are keyed by the bare name so that
// the JSON translator can look names up from byte slices without allocating.
type tables struct {
	renameToV2     map[string][]scoped // Graph name -> (parent, v2 name)
	renameFromV2   map[string][]scoped // v2 name -> (parent, Graph name)
	enumParents    map[string][]string // Graph name of an enum-valued property -> parents ("" = any)
	enumToV2       map[string]string   // irregular enum values: Graph -> v2
	enumFromV2     map[string]string   // irregular enum values: v2 -> Graph
	enumFromV2Fold map[string]string   // the same, keyed by the lower-cased v2 value
	segToV2        map[string]string   // path segments: Graph -> v2

	// Filters over the names in the maps above, so the translator skips the
	// map lookup for nearly every name that is not there.
	renameToV2Names, renameFromV2Names, enumNames nameFilter
}

// nameFilter is a 256-bit set over a small hash of names: a name whose bit
// is clear is certainly not in the set it was built from.
type nameFilter [4]uint64

func nameHash[S ~string | ~[]byte](s S) uint8 {
	if len(s) == 0 {
		return 0
	}
	return uint8(len(s)*31) ^ s[0]*7 ^ s[len(s)-1]*13
}

func (f *nameFilter) add(name string) {
	h := nameHash(name)
	f[h>>6] |= 1 << (h & 63)
}

func (f *nameFilter) mayHave(name []byte) bool {
	h := nameHash(name)
	return f[h>>6]&(1<<(h&63)) != 0
}

func newTables() *tables {
	return &tables{
		renameToV2: map[string][]scoped{}, renameFromV2: map[string][]scoped{},
		enumParents: map[string][]string{}, enumToV2: map[string]string{}, enumFromV2: map[string]string{},
		enumFromV2Fold: map[string]string{}, segToV2: map[string]string{},
	}
}

func (t *tables) clone() *tables {
	n := newTables()
	for k, v := range t.renameToV2 {
		n.renameToV2[k] = append([]scoped(nil), v...)
	}
	for k, v := range t.renameFromV2 {
		n.renameFromV2[k] = append([]scoped(nil), v...)
	}
	for k, v := range t.enumParents {
		n.enumParents[k] = append([]string(nil), v...)
	}
	for k, v := range t.enumToV2 {
		n.enumToV2[k] = v
	}
	for k, v := range t.enumFromV2 {
		n.enumFromV2[k] = v
	}
	for k, v := range t.enumFromV2Fold {
		n.enumFromV2Fold[k] = v
	}
	for k, v := range t.segToV2 {
		n.segToV2[k] = v
	}
	n.renameToV2Names, n.renameFromV2Names, n.enumNames = t.renameToV2Names, t.renameFromV2Names, t.enumNames
	return n
}

// putScoped replaces the entry for parent in list, or appends one.
func putScoped(list []scoped, parent, name string) []scoped {
	for i := range list {
		if list[i].parent == parent {
			list[i].name = name
			return list
		}
	}
	return append(list, scoped{parent, name})
}

// lookupScoped finds the entry for parent, falling back to the unscoped one.
func lookupScoped(list []scoped, parent []byte) (string, bool) {
	any := -1
	for i := range list {
		switch {
		case list[i].parent == "":
			any = i
		case list[i].parent == string(parent):
			return list[i].name, true
		}
	}
	if any >= 0 {
		return list[any].name, true
	}
	return "", false
}

var (
	registryMu sync.Mutex
	registry   atomic.Pointer[tables]
)

func init() {
	// Nothing is registered here: the OData envelope and annotations are the
	// same in both dialects, and model packages own their tables.
	registry.Store(newTables())
}

// isEnum reports whether the property name within parent holds enum values.
func (t *tables) isEnum(parent, name []byte) bool {
	if !t.enumNames.mayHave(name) {
		return false
	}
	ps, ok := t.enumParents[string(name)]
	if !ok {
		return false
	}
	for _, p := range ps {
		if p == "" || p == string(parent) {
			return true
		}
	}
	return false
}

func toV2Key(t *tables, parent, name string) string {
	if v, ok := lookupScoped(t.renameToV2[name], []byte(parent)); ok {
		return v
	}
	return upperFirst(name)
}

func toV2Enum(t *tables, v string) string {
	if s, ok := t.enumToV2[v]; ok {
		return s
	}
	return upperFirst(v)
}

// pathSegment returns the wire spelling of a fixed Graph path segment.
func (d *Dialect) pathSegment(seg string) string {
	if !d.v2 {
		return seg
	}
	if v, ok := registry.Load().segToV2[seg]; ok {
		return v
	}
	return seg
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
