package odata

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
	KindObject             // an object described by Prop.Elem
	KindRaw                // any JSON, copied through untranslated (open extensions)
)

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
}

// Prop is one property of a model: its name in each wire form, the kind of
// value it holds and, for objects, the schema of that object.
type Prop struct {
	// Graph is the Microsoft Graph v1.0 name, as in the model's JSON tag.
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
	// KindObject property.
	Elem *Schema
	// Enum spells the members of a KindEnum property.
	Enum *EnumType
	// EWS is the property's EWS FieldURI ("item:Subject",
	// "message:ToRecipients"), or "" when EWS has no equivalent: selecting,
	// filtering, ordering by or writing the property then fails on an EWS
	// mailbox with ErrNotSupported. The element name in EWS XML is the part
	// after the colon unless the EWS backend knows better.
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
type Schema struct {
	// Name is the Graph type name ("message", "emailAddress").
	Name string
	// Props are the properties.
	Props []Prop
}

// Mapped is implemented by model types that carry their wire mapping. The
// odata client reads the schema of the type a request decodes into (the
// element type of a page) and of the body it encodes; types that do not
// implement it are translated by the default rules alone (first letter
// upper-cased for v2.0, enum values left alone).
type Mapped interface {
	WireSchema() *Schema
}
