package odata

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Query holds the OData system query options and the Prefer settings of one
// call. A nil *Query means the server's defaults. The SDK never modifies a
// Query it is given, so one value may be reused across calls and goroutines.
type Query struct {
	// Select limits the properties returned ($select). The server always
	// returns the id.
	Select []Property
	// Filter restricts the items returned ($filter).
	Filter Filter
	// OrderBy sorts the items ($orderby). On messages, every OrderBy property
	// must also appear in Filter, first and in the same order, or the server
	// answers 400 InefficientFilter.
	OrderBy Order
	// Top is the page size ($top); 0 leaves it to the server (10 for messages).
	Top int
	// Skip skips that many items ($skip).
	Skip int
	// Expand includes related entities ($expand), such as attachments.
	Expand []Expand
	// Search is a KQL search ($search) on messages, without the quotes; the
	// builder quotes and escapes it. It cannot be combined with Filter or
	// OrderBy (the server refuses; so does Encode).
	Search string
	// Count asks for the total number of matching items ($count=true).
	Count bool
	// Prefer overrides the client's Prefer defaults for this call.
	Prefer Prefer
}

// Expand is one $expand entry: a navigation property, optionally with its own
// $select and $filter.
type Expand struct {
	Property Property
	Select   []Property
	Filter   Filter
}

// Fields is a convenience for Query.Select: odata.Fields(mail.Subject, mail.From).
func Fields(ps ...Property) []Property { return ps }

// Order is an $orderby clause: one or more keys.
type Order []OrderKey

// OrderKey is one $orderby key.
type OrderKey struct {
	Property Property
	Desc     bool
}

// Asc sorts by p ascending.
func Asc(p Property) Order { return Order{{Property: p}} }

// Desc sorts by p descending.
func Desc(p Property) Order { return Order{{Property: p, Desc: true}} }

// ThenAsc adds a key sorting by p ascending.
func (o Order) ThenAsc(p Property) Order { return append(o[:len(o):len(o)], OrderKey{Property: p}) }

// ThenDesc adds a key sorting by p descending.
func (o Order) ThenDesc(p Property) Order {
	return append(o[:len(o):len(o)], OrderKey{Property: p, Desc: true})
}

// BodyType is the format the server renders message and event bodies in.
type BodyType string

// Body types for Prefer.BodyType.
const (
	BodyTypeText BodyType = "text"
	BodyTypeHTML BodyType = "html"
)

// Prefer holds the Prefer header settings the Outlook APIs understand. Zero
// fields leave the server's default; in a Query they leave the client's.
type Prefer struct {
	// TimeZone renders times in responses in this zone (outlook.timezone),
	// a Windows name such as "Pacific Standard Time"; the default is UTC.
	TimeZone string
	// BodyType asks for bodies as text or HTML (outlook.body-content-type).
	BodyType BodyType
	// ImmutableIDs asks for ids that survive moves between folders
	// (IdType="ImmutableId"). On-premises support is not documented.
	ImmutableIDs bool
	// MaxPageSize hints the page size of delta and sync requests (odata.maxpagesize).
	MaxPageSize int
	// AllowUnsafeHTML keeps scripts and other unsafe HTML in bodies.
	AllowUnsafeHTML bool
}

// merge returns p with the non-zero fields of over applied.
func (p Prefer) merge(over Prefer) Prefer {
	if over.TimeZone != "" {
		p.TimeZone = over.TimeZone
	}
	if over.BodyType != "" {
		p.BodyType = over.BodyType
	}
	if over.ImmutableIDs {
		p.ImmutableIDs = true
	}
	if over.MaxPageSize != 0 {
		p.MaxPageSize = over.MaxPageSize
	}
	if over.AllowUnsafeHTML {
		p.AllowUnsafeHTML = true
	}
	return p
}

// ErrInvalidQuery is wrapped by the errors of queries the SDK refuses to send.
var ErrInvalidQuery = errors.New("odata: invalid query")

func (p Prefer) validate() error {
	if !validPreferValue(p.TimeZone) {
		return fmt.Errorf("%w: time zone %q has characters a Prefer header cannot carry", ErrInvalidQuery, p.TimeZone)
	}
	switch p.BodyType {
	case "", BodyTypeText, BodyTypeHTML:
	default:
		return fmt.Errorf("%w: body type %q (want %q or %q)", ErrInvalidQuery, p.BodyType, BodyTypeText, BodyTypeHTML)
	}
	if p.MaxPageSize < 0 {
		return fmt.Errorf("%w: MaxPageSize %d < 0", ErrInvalidQuery, p.MaxPageSize)
	}
	return nil
}

// validPreferValue reports whether s can go inside a quoted Prefer value.
func validPreferValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

// apply adds the Prefer headers to h, one header line per preference (the
// documented form).
func (p Prefer) apply(h http.Header) {
	if p.TimeZone != "" {
		h.Add("Prefer", `outlook.timezone="`+p.TimeZone+`"`)
	}
	if p.BodyType != "" {
		h.Add("Prefer", `outlook.body-content-type="`+string(p.BodyType)+`"`)
	}
	if p.ImmutableIDs {
		h.Add("Prefer", `IdType="ImmutableId"`)
	}
	if p.MaxPageSize > 0 {
		h.Add("Prefer", "odata.maxpagesize="+strconv.Itoa(p.MaxPageSize))
	}
	if p.AllowUnsafeHTML {
		h.Add("Prefer", "outlook.allow-unsafe-html")
	}
}

func (q *Query) validate() error {
	if q == nil {
		return nil
	}
	if q.Top < 0 {
		return fmt.Errorf("%w: Top %d < 0", ErrInvalidQuery, q.Top)
	}
	if q.Skip < 0 {
		return fmt.Errorf("%w: Skip %d < 0", ErrInvalidQuery, q.Skip)
	}
	if q.Search != "" && (!q.Filter.IsZero() || len(q.OrderBy) > 0) {
		return fmt.Errorf("%w: Search cannot be combined with Filter or OrderBy (the server answers SearchWithFilter / SearchWithOrderBy)", ErrInvalidQuery)
	}
	for _, k := range q.OrderBy {
		if k.Property == nil {
			return fmt.Errorf("%w: OrderBy key without a property", ErrInvalidQuery)
		}
	}
	for _, p := range q.Select {
		if p == nil {
			return fmt.Errorf("%w: nil property in Select", ErrInvalidQuery)
		}
	}
	for _, e := range q.Expand {
		if e.Property == nil {
			return fmt.Errorf("%w: Expand without a property", ErrInvalidQuery)
		}
	}
	return q.Prefer.validate()
}

// Encode returns the query string ("$select=...&$filter=...", without "?")
// for dialect d over a collection of items described by s (the model's
// WireSchema; nil applies the default rules): property names in the
// dialect's spelling, values percent-encoded once.
func (q *Query) Encode(d *Dialect, s *Schema) (string, error) {
	if err := q.validate(); err != nil {
		return "", err
	}
	b := make([]byte, 0, 64)
	b = q.appendTo(b, d, s)
	return string(b), nil
}

func (q *Query) appendTo(b []byte, d *Dialect, s *Schema) []byte {
	if q == nil {
		return b
	}
	first := true
	opt := func(name, value string) {
		if !first {
			b = append(b, '&')
		}
		first = false
		b = append(b, name...)
		b = append(b, '=')
		b = appendEscaped(b, value)
	}
	if len(q.Select) > 0 {
		opt("$select", propList(d, s, q.Select))
	}
	if !q.Filter.IsZero() {
		opt("$filter", q.Filter.Render(d, s))
	}
	if len(q.OrderBy) > 0 {
		var o strings.Builder
		for i, k := range q.OrderBy {
			if i > 0 {
				o.WriteByte(',')
			}
			o.WriteString(d.PropertyPath(s, k.Property.Path()))
			if k.Desc {
				o.WriteString(" desc")
			}
		}
		opt("$orderby", o.String())
	}
	if q.Top > 0 {
		opt("$top", strconv.Itoa(q.Top))
	}
	if q.Skip > 0 {
		opt("$skip", strconv.Itoa(q.Skip))
	}
	if len(q.Expand) > 0 {
		var x strings.Builder
		for i, e := range q.Expand {
			if i > 0 {
				x.WriteByte(',')
			}
			x.WriteString(d.PropertyPath(s, e.Property.Path()))
			// The expanded property's own options name its items' properties.
			var within *Schema
			if p := s.PropAt(castFree(e.Property.Path())); p != nil {
				within = p.Elem
			}
			var inner []string
			if len(e.Select) > 0 {
				inner = append(inner, "$select="+propList(d, within, e.Select))
			}
			if !e.Filter.IsZero() {
				inner = append(inner, "$filter="+e.Filter.Render(d, within))
			}
			if len(inner) > 0 {
				x.WriteString("(" + strings.Join(inner, ";") + ")")
			}
		}
		opt("$expand", x.String())
	}
	if q.Search != "" {
		opt("$search", quoteSearch(q.Search))
	}
	if q.Count {
		opt("$count", "true")
	}
	return b
}

func propList(d *Dialect, s *Schema, ps []Property) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(d.PropertyPath(s, p.Path()))
	}
	return b.String()
}

// castFree drops the type cast segments of a path ("microsoft.graph.
// itemAttachment/item" is "item"): the models flatten derived types.
func castFree(path string) string {
	if !strings.Contains(path, ".") {
		return path
	}
	var segs []string
	for seg := range strings.SplitSeq(path, "/") {
		if !strings.Contains(seg, ".") {
			segs = append(segs, seg)
		}
	}
	return strings.Join(segs, "/")
}

// quoteSearch wraps a KQL query in double quotes, escaping quotes and
// backslashes inside.
func quoteSearch(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// appendEscaped percent-encodes a query option value: everything but the
// unreserved characters and the OData punctuation that may stay literal.
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keepInQuery(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return b
}

func keepInQuery(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', '\'', '(', ')', ',', ':', '/', '$', '@', '!', '*':
		return true
	}
	return false
}
