package servicetest

import (
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// lenient reads the samples as the docs hold them: some repeat a name or
// carry invalid UTF-8.
var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// Entities returns the objects of a sample body: the elements of its
// "value", the objects under the wrapper names given (a sendMail body's
// "message"), or else the body itself. A body that is not a JSON object
// gives none.
func Entities(body []byte, wrappers ...string) []map[string]any {
	var m map[string]any
	if len(body) == 0 || json.Unmarshal(body, &m, lenient) != nil {
		return nil
	}
	var out []map[string]any
	for k, v := range m {
		switch {
		case strings.EqualFold(k, "value"):
			vs, _ := v.([]any)
			for _, e := range vs {
				if o, ok := e.(map[string]any); ok {
					out = append(out, o)
				}
			}
		case containsFold(wrappers, k):
			if o, ok := v.(map[string]any); ok {
				out = append(out, o)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	return []map[string]any{m}
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// annotations describe a response, not the entity: a body sent back need
// not repeat them.
var annotations = []string{"@odata.context", "@odata.id", "@odata.editLink", "@odata.readLink"}

// Pruner normalises decoded JSON so that a sample entity and what a model
// sends back compare by meaning: zero values (null, false, 0, "", and
// objects and arrays left empty) are absent, as omitzero drops them and the
// services treat them alike on reads; the response annotations
// (@odata.context, @odata.id, @odata.editLink, @odata.readLink) are
// dropped; @odata.type compares by its last segment, as the namespace
// differs by dialect; enum values compare ignoring case; and instants (the
// values of properties named "...DateTime" and of Instants) compare as
// instants in UTC, the zero time being absent.
type Pruner struct {
	// Enums are the lower-cased names of the properties holding enum values.
	Enums map[string]bool
	// Instants are the lower-cased names of properties, besides those ending
	// in "datetime", holding an RFC 3339 instant or a date.
	Instants map[string]bool
	// Aliases renames properties before they are compared: the early v2.0
	// names of properties the model reads and writes under their current
	// names.
	Aliases map[string]string
	// Value, when set, is asked first about every value, with the name of
	// the property holding it (for an array, the array's): it returns the
	// value to use, which the defaults then normalise, and true; or false to
	// leave the value to the defaults.
	Value func(key string, v any) (any, bool)
}

// Prune returns the normalised form of v, a value decoded from JSON into
// any; nil means absent.
func (p *Pruner) Prune(v any) any { return p.prune(v, "", true) }

func (p *Pruner) prune(v any, key string, ask bool) any {
	if ask && p.Value != nil {
		if nv, ok := p.Value(key, v); ok {
			return p.prune(nv, key, false)
		}
	}
	lk := strings.ToLower(key)
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		if !x {
			return nil
		}
	case float64:
		if x == 0 {
			return nil
		}
	case string:
		switch {
		case x == "":
			return nil
		case lk == "@odata.type":
			return strings.ToLower(x[strings.LastIndexByte(x, '.')+1:])
		case p.Enums[lk]:
			return strings.ToLower(x)
		case strings.HasSuffix(lk, "datetime") || p.Instants[lk]:
			if t, ok := parseInstant(x); ok {
				if t.Year() == 1 {
					return nil
				}
				return t.Format(time.RFC3339Nano)
			}
		}
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if containsFold(annotations, k) {
				continue
			}
			if alias, ok := p.Aliases[k]; ok {
				k = alias
			}
			if pe := p.prune(e, k, true); pe != nil {
				out[k] = pe
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = p.prune(e, key, true)
		}
		return out
	}
	return v
}

// parseInstant reads an RFC 3339 instant, or a date as its midnight UTC.
func parseInstant(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// Has reports whether the object e has the property k, ignoring case (the
// samples come in both dialects).
func Has(e map[string]any, k string) bool {
	for key := range e {
		if strings.EqualFold(key, k) {
			return true
		}
	}
	return false
}

// Diff prunes a sample entity and what a model sent back, and lists how
// they differ (as the package-level Diff does).
func (p *Pruner) Diff(want, got map[string]any) []string {
	w, _ := p.Prune(want).(map[string]any)
	g, _ := p.Prune(got).(map[string]any)
	return Diff(w, g)
}
