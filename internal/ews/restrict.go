package ews

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// Typed filters as EWS restrictions. The translation reads the filter's
// tree (odata.WalkFilter), never its text, and builds a restriction of its
// own (below) that is written into requests and, for the next pages of a
// listing, into next links; a link that comes back is checked before its
// restriction is written again, and every value is escaped when written.

// restriction is one node of an EWS restriction (SearchExpressionType).
type restriction struct {
	Op    string         `json:"o"`           // IsEqualTo, ..., Contains, Exists, And, Or, Not
	Field *field         `json:"f,omitempty"` // the property compared, tested or searched
	Value string         `json:"v,omitempty"` // the constant
	Mode  string         `json:"m,omitempty"` // Contains: Substring or Prefixed
	Kids  []*restriction `json:"k,omitempty"`
}

// field is a property path of a request: a FieldURI, or an extended MAPI
// property.
type field struct {
	URI string    `json:"u,omitempty"`
	Ext *extField `json:"e,omitempty"`
	// Index makes URI an IndexedFieldURI: one entry of a contact's
	// dictionaries ("EmailAddress1", "Business").
	Index string `json:"i,omitempty"`
}

// extField is an ExtendedFieldURI.
type extField struct {
	Tag     string `json:"t,omitempty"` // PropertyTag, "0x1090"
	SetID   string `json:"s,omitempty"` // PropertySetId, a GUID
	DistSet string `json:"d,omitempty"` // DistinguishedPropertySetId
	Name    string `json:"n,omitempty"` // PropertyName
	ID      string `json:"i,omitempty"` // PropertyId
	Type    string `json:"y"`           // PropertyType
}

// Comparison operators and the EWS elements they become.
var comparisons = map[odata.FilterOp]string{
	odata.OpEq: "IsEqualTo",
	odata.OpNe: "IsNotEqualTo",
	odata.OpGt: "IsGreaterThan",
	odata.OpGe: "IsGreaterThanOrEqualTo",
	odata.OpLt: "IsLessThan",
	odata.OpLe: "IsLessThanOrEqualTo",
}

// maxRestrictionDepth bounds the nesting of a restriction, in filters and
// in links.
const maxRestrictionDepth = 64

// translateFilter turns a typed filter on entities of schema s into a
// restriction, or fails with an error matching odata.ErrNotSupported that
// names the part EWS cannot express.
func translateFilter(f odata.Filter, s *odata.Schema) (*restriction, error) {
	root, ok := f.Root()
	if !ok {
		return nil, nil
	}
	return translateNode(root, s, 0)
}

func translateNode(n odata.FilterNode, s *odata.Schema, depth int) (*restriction, error) {
	if depth > maxRestrictionDepth {
		return nil, fmt.Errorf("%w: a filter nested deeper than %d", odata.ErrInvalidQuery, maxRestrictionDepth)
	}
	switch op := n.Op(); op {
	case odata.OpAnd, odata.OpOr, odata.OpNot:
		r := &restriction{Op: map[odata.FilterOp]string{odata.OpAnd: "And", odata.OpOr: "Or", odata.OpNot: "Not"}[op]}
		for _, k := range n.Children() {
			kr, err := translateNode(k, s, depth+1)
			if err != nil {
				return nil, err
			}
			r.Kids = append(r.Kids, kr)
		}
		return r, nil
	case odata.OpRaw:
		return nil, errNotSupported("a RawFilter (raw text has no tree to translate into a restriction)")
	case odata.OpAny:
		return translateAny(n, s, depth)
	case odata.OpEndsWith:
		return nil, errNotSupported(fmt.Sprintf("endswith(%s) (restrictions match substrings and prefixes only)", n.Path()))
	}
	p, rest, ok := lookupPath(s, n.Path())
	if !ok {
		return nil, errNotSupported(fmt.Sprintf("filtering on %s (not a property of %s)", n.Path(), s.Name))
	}
	if h := filterHooks[s.Name]; h != nil && p.EWS == "" {
		if r, handled, err := h(n, p, rest); handled || err != nil {
			return r, err
		}
	}
	fld, conv, err := filterField(p, rest, n.Path())
	if err != nil {
		return nil, err
	}
	return leafRestriction(n, fld, conv)
}

// leafRestriction builds the restriction of a comparison or function on
// a resolved field; conv turns the literal into the constant EWS compares.
func leafRestriction(n odata.FilterNode, fld *field, conv func(odata.FilterValue) (string, error)) (*restriction, error) {
	v := n.Value()
	switch op := n.Op(); op {
	case odata.OpStartsWith, odata.OpContains:
		if v.Kind != odata.ValueString {
			return nil, errNotSupported(fmt.Sprintf("%s(%s) on a value that is not a string", op, n.Path()))
		}
		mode := "Substring"
		if op == odata.OpStartsWith {
			mode = "Prefixed"
		}
		c, err := conv(v)
		if err != nil {
			return nil, err
		}
		return &restriction{Op: "Contains", Field: fld, Value: c, Mode: mode}, nil
	}
	el, ok := comparisons[n.Op()]
	if !ok {
		return nil, errNotSupported(fmt.Sprintf("the filter operator %s", n.Op()))
	}
	if v.Kind == odata.ValueNull {
		switch n.Op() {
		case odata.OpEq:
			return &restriction{Op: "Not", Kids: []*restriction{{Op: "Exists", Field: fld}}}, nil
		case odata.OpNe:
			return &restriction{Op: "Exists", Field: fld}, nil
		}
		return nil, errNotSupported(fmt.Sprintf("comparing %s with null by %s", n.Path(), n.Op()))
	}
	c, err := conv(v)
	if err != nil {
		return nil, err
	}
	return &restriction{Op: el, Field: fld, Value: c}, nil
}

// filterField resolves the field a filter or sort on the Graph property p
// (and the path rest inside its value) compares, and the conversion of
// literals to EWS constants.
func filterField(p *odata.Prop, rest, path string) (*field, func(odata.FilterValue) (string, error), error) {
	if p.EWS == "" {
		return nil, nil, errNotSupported(fmt.Sprintf("the property %s (no EWS equivalent)", path))
	}
	if webClientFields[p.EWS] {
		return nil, nil, errNotSupported(fmt.Sprintf("filtering or sorting on %s (EWS holds the link's query string only)", path))
	}
	if p.Kind == odata.KindObject || rest != "" {
		var name string
		if p.Elem != nil {
			name = p.Elem.Name
		}
		c := codecs[name]
		if c == nil || c.leaf == nil {
			return nil, nil, errNotSupported(fmt.Sprintf("filtering or sorting on %s", path))
		}
		return c.leaf(p, rest, path)
	}
	if p.Collection {
		return nil, nil, errNotSupported(fmt.Sprintf("comparing the collection %s (use any())", path))
	}
	return &field{URI: p.EWS}, func(v odata.FilterValue) (string, error) { return constantOf(p, v, path) }, nil
}

// constantOf spells a literal as the EWS constant for property p.
func constantOf(p *odata.Prop, v odata.FilterValue, path string) (string, error) {
	switch p.Kind {
	case odata.KindEnum:
		if v.Kind != odata.ValueEnum && v.Kind != odata.ValueString {
			break
		}
		w, ok := ewsEnum(p.Enum, v.Text)
		if !ok {
			return "", errNotSupported(fmt.Sprintf("%s %q (no EWS equivalent)", path, v.Text))
		}
		return w, nil
	case odata.KindTime:
		if v.Kind != odata.ValueTime {
			break
		}
		t, err := time.Parse(time.RFC3339Nano, v.Text)
		if err != nil {
			break
		}
		return formatTime(t), nil
	case odata.KindBool:
		if v.Kind == odata.ValueBool {
			return v.Text, nil
		}
	case odata.KindInt, odata.KindFloat:
		if v.Kind == odata.ValueNumber {
			return v.Text, nil
		}
	default:
		if v.Kind == odata.ValueString || v.Kind == odata.ValueEnum {
			if idFields[p.EWS] {
				return ewsID(v.Text)
			}
			return v.Text, nil
		}
	}
	return "", fmt.Errorf("%w: %s compared with %q, a value of another kind", odata.ErrInvalidQuery, path, v.Text)
}

// formatTime writes an instant as EWS compares it: UTC, at most seven
// fraction digits (what Exchange keeps).
func formatTime(t time.Time) string {
	t = t.UTC().Round(100 * time.Nanosecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	s := strings.TrimRight(t.Format("2006-01-02T15:04:05.0000000"), "0")
	return s + "Z"
}

// ewsEnum spells a Graph enum member in EWS: the table's irregular
// spelling, or the Graph member with its first letter upper-cased. It
// reports false for a member EWS lacks.
func ewsEnum(e *odata.EnumType, graph string) (string, bool) {
	if e != nil {
		for _, m := range e.Values {
			if strings.EqualFold(m, graph) {
				graph = m
				break
			}
		}
		if w, ok := e.EWS[graph]; ok {
			return w, w != ""
		}
	}
	return upperFirst(graph), graph != ""
}

// graphEnum spells an EWS enum value as Graph does.
func graphEnum(e *odata.EnumType, wire string) string {
	if e != nil {
		for g, w := range e.EWS {
			if w != "" && strings.EqualFold(w, wire) {
				return g
			}
		}
		for _, m := range e.Values {
			if strings.EqualFold(m, wire) {
				return m
			}
		}
	}
	return lowerFirst(wire)
}

func upperFirst(s string) string {
	if s != "" && 'a' <= s[0] && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

func lowerFirst(s string) string {
	if s != "" && 'A' <= s[0] && s[0] <= 'Z' {
		return string(s[0]-'A'+'a') + s[1:]
	}
	return s
}

// translateAny translates any() over a collection: over strings
// (categories) a comparison or search of one element; over extended
// properties, a test of one property by id. Collections of objects
// (recipients, attachments) have no restriction form.
func translateAny(n odata.FilterNode, s *odata.Schema, depth int) (*restriction, error) {
	p, rest, ok := lookupPath(s, n.Path())
	if !ok || rest != "" {
		return nil, errNotSupported(fmt.Sprintf("any() over %s (not a collection of %s)", n.Path(), s.Name))
	}
	kids := n.Children()
	if len(kids) != 1 {
		return nil, errNotSupported(fmt.Sprintf("any() over %s", n.Path()))
	}
	cond := kids[0]
	if h := anyHooks[s.Name]; h != nil {
		if r, handled, err := h(p, cond); handled || err != nil {
			return r, err
		}
	}
	if p.Elem != nil {
		// Extended properties have no FieldURI: their codec addresses them.
		if c := codecs[p.Elem.Name]; c != nil && c.anyRestriction != nil {
			return c.anyRestriction(p, cond, depth)
		}
		return nil, errNotSupported(fmt.Sprintf("any() over %s (restrictions cannot test the elements of a collection of objects)", n.Path()))
	}
	if p.EWS == "" {
		return nil, errNotSupported(fmt.Sprintf("the property %s (no EWS equivalent)", n.Path()))
	}
	// A string collection: EWS tests a multivalued property by each value.
	if !cond.Relative() || cond.Path() != "" {
		return nil, errNotSupported(fmt.Sprintf("any() over %s with a condition that is not on the element", n.Path()))
	}
	switch cond.Op() {
	case odata.OpEq, odata.OpStartsWith, odata.OpContains:
	default:
		return nil, errNotSupported(fmt.Sprintf("any() over %s with %s (only eq, startswith and contains)", n.Path(), cond.Op()))
	}
	fld := &field{URI: p.EWS}
	return leafRestriction(cond, fld, func(v odata.FilterValue) (string, error) {
		if v.Kind != odata.ValueString {
			return "", fmt.Errorf("%w: %s compared with a value that is not a string", odata.ErrInvalidQuery, n.Path())
		}
		return v.Text, nil
	})
}

// writeRestriction writes r as the content of a Restriction element.
func writeRestriction(w *xmlWriter, r *restriction) {
	switch r.Op {
	case "And", "Or", "Not":
		w.open("t:" + r.Op)
		for _, k := range r.Kids {
			writeRestriction(w, k)
		}
		w.close("t:" + r.Op)
	case "Exists":
		w.open("t:Exists")
		r.Field.write(w)
		w.close("t:Exists")
	case "Contains":
		w.start("t:Contains")
		w.attr("ContainmentMode", r.Mode)
		w.attr("ContainmentComparison", "IgnoreCase")
		w.gt()
		r.Field.write(w)
		w.empty1("t:Constant", "Value", r.Value)
		w.close("t:Contains")
	default:
		w.open("t:" + r.Op)
		r.Field.write(w)
		w.open("t:FieldURIOrConstant")
		w.empty1("t:Constant", "Value", r.Value)
		w.close("t:FieldURIOrConstant")
		w.close("t:" + r.Op)
	}
}

// write writes the field as a FieldURI or ExtendedFieldURI element.
func (f *field) write(w *xmlWriter) {
	if f.Ext == nil && f.Index != "" {
		w.start("t:IndexedFieldURI")
		w.attr("FieldURI", f.URI)
		w.attr("FieldIndex", f.Index)
		w.slash()
		return
	}
	if f.Ext == nil {
		w.empty1("t:FieldURI", "FieldURI", f.URI)
		return
	}
	e := f.Ext
	w.start("t:ExtendedFieldURI")
	if e.DistSet != "" {
		w.attr("DistinguishedPropertySetId", e.DistSet)
	}
	if e.SetID != "" {
		w.attr("PropertySetId", e.SetID)
	}
	if e.Tag != "" {
		w.attr("PropertyTag", e.Tag)
	}
	if e.Name != "" {
		w.attr("PropertyName", e.Name)
	}
	if e.ID != "" {
		w.attr("PropertyId", e.ID)
	}
	w.attr("PropertyType", e.Type)
	w.slash()
}

// check validates a restriction that came back in a link: known operators,
// well-formed fields, bounded depth. Values need no check: they are
// escaped when written.
func (r *restriction) check(depth int) error {
	if r == nil || depth > maxRestrictionDepth {
		return fmt.Errorf("%w: restriction too deep or empty", errBadLink)
	}
	switch r.Op {
	case "And", "Or":
		if len(r.Kids) < 2 {
			return fmt.Errorf("%w: %s with %d operands", errBadLink, r.Op, len(r.Kids))
		}
	case "Not":
		if len(r.Kids) != 1 {
			return fmt.Errorf("%w: Not with %d operands", errBadLink, len(r.Kids))
		}
	case "Exists", "Contains", "IsEqualTo", "IsNotEqualTo", "IsGreaterThan", "IsGreaterThanOrEqualTo", "IsLessThan", "IsLessThanOrEqualTo":
		if len(r.Kids) != 0 || r.Field.check() != nil {
			return fmt.Errorf("%w: malformed %s", errBadLink, r.Op)
		}
		if r.Op == "Contains" && r.Mode != "Substring" && r.Mode != "Prefixed" {
			return fmt.Errorf("%w: containment mode %q", errBadLink, r.Mode)
		}
		return nil
	default:
		return fmt.Errorf("%w: operator %q", errBadLink, r.Op)
	}
	for _, k := range r.Kids {
		if err := k.check(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

// check validates a field from a link: a FieldURI of the form
// "prefix:Name", or an extended property with a known type.
func (f *field) check() error {
	if f == nil {
		return errBadLink
	}
	if f.Ext == nil {
		if !isFieldURI(strings.Replace(f.URI, ":PhysicalAddress:", ":PhysicalAddress", 1)) || f.Index != "" && !indexKeys[f.Index] {
			return fmt.Errorf("%w: field %q", errBadLink, f.URI)
		}
		return nil
	}
	if f.URI != "" || !mapiTypes[f.Ext.Type] {
		return fmt.Errorf("%w: extended field", errBadLink)
	}
	return nil
}

// isFieldURI reports whether s has the form of a FieldURI, "item:Subject".
func isFieldURI(s string) bool {
	prefix, name, ok := strings.Cut(s, ":")
	if !ok || prefix == "" || name == "" || len(s) > 64 {
		return false
	}
	for _, c := range prefix + name {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// mapiTypes are the PropertyType values of ExtendedFieldURI.
var mapiTypes = map[string]bool{
	"ApplicationTime": true, "ApplicationTimeArray": true, "Binary": true, "BinaryArray": true,
	"Boolean": true, "CLSID": true, "CLSIDArray": true, "Currency": true, "CurrencyArray": true,
	"Double": true, "DoubleArray": true, "Float": true, "FloatArray": true, "Integer": true,
	"IntegerArray": true, "Long": true, "LongArray": true, "Short": true, "ShortArray": true,
	"SystemTime": true, "SystemTimeArray": true, "String": true, "StringArray": true,
}

// sortKey is one key of a SortOrder.
type sortKey struct {
	Field *field `json:"f"`
	Desc  bool   `json:"d,omitempty"`
}

// translateOrder turns $orderby into SortOrder keys.
func translateOrder(o odata.Order, s *odata.Schema) ([]sortKey, error) {
	var keys []sortKey
	for _, k := range o {
		path := k.Property.Path()
		p, rest, ok := lookupPath(s, path)
		if !ok {
			return nil, errNotSupported(fmt.Sprintf("sorting by %s (not a property of %s)", path, s.Name))
		}
		if p.Collection {
			return nil, errNotSupported(fmt.Sprintf("sorting by the collection %s", path))
		}
		fld, _, err := filterField(p, rest, path)
		if err != nil {
			return nil, err
		}
		keys = append(keys, sortKey{Field: fld, Desc: k.Desc})
	}
	return keys, nil
}

// writeSortOrder writes a SortOrder element, if there are keys.
func writeSortOrder(w *xmlWriter, keys []sortKey) {
	if len(keys) == 0 {
		return
	}
	w.open("m:SortOrder")
	for _, k := range keys {
		w.start("t:FieldOrder")
		if k.Desc {
			w.attr("Order", "Descending")
		} else {
			w.attr("Order", "Ascending")
		}
		w.gt()
		k.Field.write(w)
		w.close("t:FieldOrder")
	}
	w.close("m:SortOrder")
}

// parseExtendedID reads a Graph extended property id: "{type} {guid} Name
// {name}", "{type} {guid} Id {id}" or "{type} {tag}".
func parseExtendedID(id string) (*extField, error) {
	typ, rest, ok := strings.Cut(strings.TrimSpace(id), " ")
	if !ok || !mapiTypes[typ] {
		return nil, fmt.Errorf("%w: extended property id %q", odata.ErrInvalidQuery, id)
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "{") {
		guid, after, ok := strings.Cut(rest[1:], "}")
		kind, value, ok2 := strings.Cut(strings.TrimSpace(after), " ")
		if !ok || !ok2 || len(guid) != 36 || value == "" {
			return nil, fmt.Errorf("%w: extended property id %q", odata.ErrInvalidQuery, id)
		}
		e := &extField{SetID: guid, Type: typ}
		switch strings.ToLower(kind) {
		case "name":
			e.Name = value
		case "id":
			if _, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(value), "0x"), 16, 16); err != nil {
				return nil, fmt.Errorf("%w: extended property id %q", odata.ErrInvalidQuery, id)
			}
			e.ID = value
		default:
			return nil, fmt.Errorf("%w: extended property id %q", odata.ErrInvalidQuery, id)
		}
		return e, nil
	}
	if _, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(rest), "0x"), 16, 16); err != nil || !strings.HasPrefix(strings.ToLower(rest), "0x") {
		return nil, fmt.Errorf("%w: extended property id %q", odata.ErrInvalidQuery, id)
	}
	return &extField{Tag: rest, Type: typ}, nil
}
