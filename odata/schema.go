package odata

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
)

// This file declares the per-model mapping tables (design.md sections 5 and
// 12). Each model package declares one Schema per model type beside the
// type; the v2.0 translation and the EWS backend both read it. There is no
// process-wide registry: a request's tables come from the Go types it
// encodes and decodes (see Mapped), so translation never depends on which
// packages a program imports.

// Kind is the kind of value a property holds on the wire.
type Kind uint8

// Kinds of property values.
const (
	KindString Kind = iota // a JSON string (the zero Kind)
	KindBool               // true or false
	KindInt                // an integer number
	KindFloat              // a number with a fraction
	KindTime               // Edm.DateTimeOffset: an RFC 3339 instant
	KindDate               // Edm.Date: 2006-01-02
	KindBinary             // Edm.Binary: base64
	KindEnum               // a member of Prop.Enum
	KindObject             // an object described by Prop.Elem (default rules when Elem is nil)
	KindRaw                // any JSON, copied through untranslated (open extensions)
)

var kindNames = [...]string{"string", "bool", "int", "float", "time", "date", "binary", "enum", "object", "raw"}

// String returns the kind's name, such as "enum".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// EnumType is the spelling of one enum type in each wire form. Graph spells
// members in lower camel case ("notFlagged"); v2.0 and EWS upper-case the
// first letter ("NotFlagged") unless V2 or EWS says otherwise.
type EnumType struct {
	// Name is the Graph enum type name ("followupFlagStatus").
	Name string
	// Values are the Graph members, in the schema's order.
	Values []string
	// V2 and EWS hold the members whose spelling is irregular in that
	// wire form: Graph value -> wire value ("html" -> "HTML"). EWS lists a
	// member with "" when EWS has no equivalent of it.
	V2  map[string]string
	EWS map[string]string

	once sync.Once
	idx  *enumIndex
}

// enumIndex holds the reverse lookups of an EnumType, built on first use.
type enumIndex struct {
	fromV2     map[string]string // exact v2.0 spelling -> Graph member
	fromV2Fold map[string]string // lower-cased v2.0 spelling -> Graph member
	fromEWS    map[string]string // EWS spelling -> Graph member
}

func (e *EnumType) index() *enumIndex {
	e.once.Do(func() {
		x := &enumIndex{fromV2: map[string]string{}, fromV2Fold: map[string]string{}, fromEWS: map[string]string{}}
		for _, g := range e.Values {
			v := e.V2Value(g)
			x.fromV2[v] = g
			x.fromV2Fold[strings.ToLower(v)] = g
			if w, ok := e.EWSValue(g); ok {
				x.fromEWS[w] = g
			}
		}
		e.idx = x
	})
	return e.idx
}

// V2Value returns the Outlook REST v2.0 spelling of the Graph member g (or
// of any other value: the first letter upper-cased).
func (e *EnumType) V2Value(g string) string {
	if e != nil {
		if v, ok := e.V2[g]; ok {
			return v
		}
	}
	return upperFirst(g)
}

// EWSValue returns the EWS spelling of the Graph member g, and false when
// EWS has no equivalent of it.
func (e *EnumType) EWSValue(g string) (string, bool) {
	if e != nil {
		if v, ok := e.EWS[g]; ok {
			return v, v != ""
		}
	}
	return upperFirst(g), true
}

// FromV2 returns the Graph member an Outlook REST v2.0 value spells,
// ignoring case; a value that is no member comes back with its first letter
// lower-cased, as new members of the service decode.
func (e *EnumType) FromV2(v string) string {
	if e != nil {
		x := e.index()
		if g, ok := x.fromV2[v]; ok {
			return g
		}
		if g, ok := x.fromV2Fold[strings.ToLower(v)]; ok {
			return g
		}
	}
	return lowerFirst(v)
}

// FromEWS returns the Graph member an EWS value spells, and false when it
// is no member.
func (e *EnumType) FromEWS(v string) (string, bool) {
	if e == nil {
		return "", false
	}
	g, ok := e.index().fromEWS[v]
	return g, ok
}

// fromV2Bytes is FromV2 for the translator: it reports whether v spells a
// member (or, failing that, whether the plain rule applies) without
// allocating.
func (e *EnumType) fromV2Bytes(v []byte) (string, bool) {
	if e == nil {
		return "", false
	}
	x := e.index()
	if g, ok := x.fromV2[string(v)]; ok {
		return g, true
	}
	if len(v) <= 64 {
		var buf [64]byte
		if g, ok := x.fromV2Fold[string(lowerASCII(buf[:0], v))]; ok {
			return g, true
		}
	}
	return "", false
}

// Prop is one property of a model: its name in each wire form, the kind of
// value it holds and, for objects, the schema of that object.
type Prop struct {
	// Graph is the Microsoft Graph v1.0 name, as in the model's JSON tag.
	// Instance annotations the model keeps ("@odata.etag", "@odata.type")
	// are listed too, under their own name.
	Graph string
	// V2 is the Outlook REST v2.0 name when it is not Graph with its first
	// letter upper-cased ("mobilePhone" is "MobilePhone1").
	V2 string
	// V2Aliases are older v2.0 spellings still accepted when reading
	// ("DateTimeCreated" for "CreatedDateTime"); writes use V2.
	V2Aliases []string
	// Kind is the kind of the value, or of each element of a collection.
	Kind Kind
	// Collection marks a property that holds a JSON array of Kind.
	Collection bool
	// Elem describes the object (or each object of a collection) of a
	// KindObject property; nil translates it by the default rules alone.
	Elem *Schema
	// Enum spells the members of a KindEnum property.
	Enum *EnumType
	// EWS is the property's EWS FieldURI ("item:Subject",
	// "message:ToRecipients"), or "" when EWS has no equivalent: selecting,
	// filtering, ordering by or writing the property then fails on an EWS
	// mailbox with ErrNotSupported. The element name in EWS XML is the part
	// after the colon unless the EWS backend knows better. Properties of
	// complex types (an emailAddress's address) have none: EWS addresses
	// the property holding them.
	EWS string
	// ReadOnly marks a property the server sets: it is never written.
	ReadOnly bool
}

// V2Name returns the property's Outlook REST v2.0 name.
func (p *Prop) V2Name() string {
	if p.V2 != "" {
		return p.V2
	}
	return upperFirst(p.Graph)
}

// Schema is the wire mapping of one model type (an entity such as
// "message", or a complex type such as "recipient"). Its Props list every
// property the model has, in EWS schema order where EWS has them (EWS
// requires elements of a written item in that order).
//
// A Schema is read-only once declared: the lookups below index it on first
// use. Schemas that refer to each other (an item attachment holds a
// message) are wired in the model package's init.
type Schema struct {
	// Name is the Graph type name ("message", "emailAddress").
	Name string
	// Props are the properties.
	Props []Prop

	once sync.Once
	idx  atomic.Pointer[schemaIndex]
}

// schemaIndex holds the lookups of a Schema, built on first use.
type schemaIndex struct {
	graph map[string]*Prop // Graph name -> property
	wire  map[string]*Prop // v2.0 name and aliases -> property
	// annotations the model keeps, as bits of droppable
	keeps uint8
	// The properties the translator must look up (renamed, enum, object
	// and raw ones) by Graph name and by wire name: a name not in them
	// only changes the case of its first letter.
	graphSpecial, wireSpecial nameTable
}

// nameTable finds a property by name from the bytes of a JSON member name
// without allocating or hashing the whole name: it is looked up for every
// member the translator meets.
type nameTable struct {
	head    [256]int16 // by nameHash: 1 + the index of the first entry, 0 for none
	entries []nameEntry
}

type nameEntry struct {
	name string
	prop *Prop
	next int16 // 1 + the index of the next entry of the same hash, 0 for none
}

func nameHash[S ~string | ~[]byte](s S) uint8 {
	if len(s) == 0 {
		return 0
	}
	return uint8(len(s)*31) ^ s[0]*7 ^ s[len(s)-1]*13 ^ s[len(s)/2]*3
}

func (t *nameTable) add(name string, p *Prop) {
	h := nameHash(name)
	t.entries = append(t.entries, nameEntry{name: name, prop: p, next: t.head[h]})
	t.head[h] = int16(len(t.entries))
}

func (t *nameTable) lookup(name []byte) *Prop {
	for i := t.head[nameHash(name)]; i != 0; {
		e := &t.entries[i-1]
		if e.name == string(name) {
			return e.prop
		}
		i = e.next
	}
	return nil
}

// special reports whether the translator must look p up: its name or its
// values are not the default rule's, or it holds objects.
func (p *Prop) special() bool {
	return p.V2 != "" || len(p.V2Aliases) > 0 || p.Kind == KindEnum || p.Kind == KindObject || p.Kind == KindRaw
}

func (s *Schema) index() *schemaIndex {
	if x := s.idx.Load(); x != nil {
		return x
	}
	s.once.Do(func() {
		x := &schemaIndex{graph: make(map[string]*Prop, len(s.Props)), wire: make(map[string]*Prop, len(s.Props))}
		for i := range s.Props {
			p := &s.Props[i]
			x.graph[p.Graph] = p
			x.wire[p.V2Name()] = p
			for _, a := range p.V2Aliases {
				x.wire[a] = p
			}
			if bit := droppable(p.Graph); bit != 0 {
				x.keeps |= bit
			}
			if p.special() {
				x.graphSpecial.add(p.Graph, p)
				x.wireSpecial.add(p.V2Name(), p)
				for _, a := range p.V2Aliases {
					x.wireSpecial.add(a, p)
				}
			}
		}
		s.idx.Store(x)
	})
	return s.idx.Load()
}

// Prop returns the property of Graph name name, or nil.
func (s *Schema) Prop(name string) *Prop {
	if s == nil {
		return nil
	}
	return s.index().graph[name]
}

// PropAt returns the property at a Graph property path such as
// "from/emailAddress/address", following the schemas of object properties,
// or nil when a segment is not in the tables.
func (s *Schema) PropAt(path string) *Prop {
	var p *Prop
	for seg := range strings.SplitSeq(path, "/") {
		if p = s.Prop(seg); p == nil {
			return nil
		}
		s = p.Elem
	}
	return p
}

// ErrInvalidSchema is wrapped by the errors of [Schema.Validate].
var ErrInvalidSchema = errors.New("odata: invalid schema")

// Validate checks s and the schemas it refers to: every property has a
// Graph name, no two share a Graph or a v2.0 name, enum properties spell
// their enum and only they do, only object properties have an Elem, and
// EWS FieldURIs have the "prefix:Name" form. Model packages call it from
// their tests.
func (s *Schema) Validate() error {
	return s.validate(map[*Schema]bool{})
}

func (s *Schema) validate(seen map[*Schema]bool) error {
	if seen[s] {
		return nil
	}
	seen[s] = true
	if s.Name == "" {
		return fmt.Errorf("%w: a schema without a name", ErrInvalidSchema)
	}
	graph, wire := map[string]bool{}, map[string]bool{}
	var errs []error
	bad := func(p *Prop, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s.%s: %s", ErrInvalidSchema, s.Name, p.Graph, fmt.Sprintf(format, args...)))
	}
	for i := range s.Props {
		p := &s.Props[i]
		switch {
		case p.Graph == "":
			bad(p, "no Graph name")
		case graph[p.Graph]:
			bad(p, "listed twice")
		}
		graph[p.Graph] = true
		for _, w := range append([]string{p.V2Name()}, p.V2Aliases...) {
			if wire[w] {
				bad(p, "v2.0 name %q used twice", w)
			}
			wire[w] = true
		}
		if (p.Kind == KindEnum) != (p.Enum != nil) {
			bad(p, "kind %s with enum %v", p.Kind, p.Enum != nil)
		}
		if p.Elem != nil && p.Kind != KindObject {
			bad(p, "kind %s with an element schema", p.Kind)
		}
		if p.EWS != "" {
			prefix, name, ok := strings.Cut(p.EWS, ":")
			if !ok || prefix == "" || name == "" || strings.ContainsAny(p.EWS, " /") {
				bad(p, "EWS FieldURI %q is not prefix:Name", p.EWS)
			}
		}
		if p.Enum != nil {
			if err := p.Enum.validate(); err != nil {
				bad(p, "%v", err)
			}
		}
		if p.Elem != nil {
			if err := p.Elem.validate(seen); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (e *EnumType) validate() error {
	if e.Name == "" || len(e.Values) == 0 {
		return fmt.Errorf("enum %q without a name or members", e.Name)
	}
	seen := map[string]bool{}
	for _, v := range e.Values {
		if seen[strings.ToLower(v)] {
			return fmt.Errorf("enum %s: member %q twice", e.Name, v)
		}
		seen[strings.ToLower(v)] = true
	}
	for _, m := range []map[string]string{e.V2, e.EWS} {
		for g := range m {
			if !seen[strings.ToLower(g)] {
				return fmt.Errorf("enum %s: irregular spelling of %q, which is no member", e.Name, g)
			}
		}
	}
	return nil
}

// Mapped is implemented by model types that carry their wire mapping. The
// odata client reads the schema of the type a request decodes into (the
// element type of a page) and of the body it encodes; types that do not
// implement it are translated by the default rules alone (first letter
// upper-cased for v2.0, enum values left alone).
type Mapped interface {
	WireSchema() *Schema
}

// MappedEnum is implemented by the models' enum types: WireEnum spells
// their members in each wire form.
type MappedEnum interface {
	WireEnum() *EnumType
}

// schemaOf returns the schema of T, or nil when T does not carry one. It
// is asked on every request: the answer is kept per type, as finding it
// boxes a T.
func schemaOf[T any]() *Schema {
	t := reflect.TypeFor[T]()
	if s, ok := schemaCache.Load(t); ok {
		return s.(*Schema)
	}
	var s *Schema
	var v T
	if m, ok := any(v).(Mapped); ok {
		s = m.WireSchema()
	} else if m, ok := any(&v).(Mapped); ok {
		s = m.WireSchema()
	}
	schemaCache.Store(t, s)
	return s
}

var schemaCache sync.Map // reflect.Type -> *Schema

// schemaOfValue returns the schema of the value v (a body, or a pointer to
// what a response decodes into), or nil.
func schemaOfValue(v any) *Schema {
	if m, ok := v.(Mapped); ok {
		return m.WireSchema()
	}
	return nil
}

// Instance annotations that describe a response rather than the entity:
// the decoder drops them from objects whose schema does not list them, so
// that they never reach a model's Extra (an EWS mailbox could not fill
// them) nor a body sent back.
const (
	dropContext uint8 = 1 << iota
	dropID
	dropEditLink
	dropReadLink
)

func droppable(name string) uint8 {
	switch name {
	case "@odata.context":
		return dropContext
	case "@odata.id":
		return dropID
	case "@odata.editLink":
		return dropEditLink
	case "@odata.readLink":
		return dropReadLink
	}
	return 0
}
