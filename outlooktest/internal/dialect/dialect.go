// Package dialect is the fake server's own Graph <-> Outlook REST v2.0 JSON
// translation. The store keeps every entity in Graph form; a v2.0 host
// decodes request bodies from PascalCase into Graph form and encodes answers
// back. It is driven by the schema package's tables and written
// independently of the SDK's odata dialect, so the two check each other.
package dialect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// Dialect is the JSON dialect a REST host speaks.
type Dialect int

const (
	// Graph is Microsoft Graph v1.0: camelCase, #microsoft.graph.* types, /v1.0 root.
	Graph Dialect = iota
	// V2 is Outlook REST v2.0: PascalCase, #Microsoft.OutlookServices.* types, /api/v2.0 root.
	V2
)

// EncodeV2 returns the v2.0 form of a Graph-form value of type t (nil: an
// open object, whose keys are only re-cased). v is not modified.
func EncodeV2(v any, t *schema.ObjType) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, val := range v {
			if strings.HasPrefix(k, "@") {
				if k == "@odata.type" {
					if s, ok := val.(string); ok {
						val = schema.ODataTypeToV2(s)
					}
				}
				out[k] = val
				continue
			}
			name, annot, _ := strings.Cut(k, "@")
			if annot != "" {
				annot = "@" + annot
			}
			var p *schema.Prop
			if t != nil {
				p = t.Props[name]
			}
			if p == nil {
				out[schema.UpperFirst(name)+annot] = EncodeV2(val, childType(name, val, nil))
				continue
			}
			if p.GraphOnly {
				continue
			}
			if annot != "" {
				out[p.V2Name+annot] = val
				continue
			}
			out[p.V2Name] = EncodeV2Prop(val, p)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = EncodeV2(e, t)
		}
		return out
	}
	return v
}

// EncodeV2Prop returns the v2.0 form of one value of property p.
func EncodeV2Prop(v any, p *schema.Prop) any {
	switch p.Kind {
	case schema.KindEnum:
		switch v := v.(type) {
		case string:
			return schema.V2Enum(v)
		case []any:
			out := make([]any, len(v))
			for i, e := range v {
				if s, ok := e.(string); ok {
					out[i] = schema.V2Enum(s)
				} else {
					out[i] = e
				}
			}
			return out
		}
		return v
	case schema.KindObject:
		return EncodeV2(v, childType(p.Name, v, p.Type))
	}
	return v
}

// childType picks the schema for an object value: the declared complex type,
// or for an open object with an @odata.type the entity that type names.
func childType(name string, v any, declared *schema.ObjType) *schema.ObjType {
	if declared != nil {
		return declared
	}
	if o, ok := v.(map[string]any); ok {
		if s, ok := o["@odata.type"].(string); ok {
			return schema.TypeForODataType(s)
		}
	}
	return nil
}

// DecodeV2 returns the Graph form of a v2.0 request value of type t. Property
// names are matched case-insensitively, renamed ones (MobilePhone1,
// PropertyId) and early preview aliases (DateTimeCreated) included; enum
// members are turned into Graph spelling when known and left for validation
// otherwise. v is not modified.
func DecodeV2(v any, t *schema.ObjType) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, val := range v {
			if strings.HasPrefix(k, "@") {
				if strings.EqualFold(k, "@odata.type") {
					if s, ok := val.(string); ok {
						val = schema.ODataTypeToGraph(s)
					}
					k = "@odata.type"
				}
				out[k] = val
				continue
			}
			name, annot, _ := strings.Cut(k, "@")
			if annot != "" {
				annot = "@" + annot
			}
			var p *schema.Prop
			if t != nil {
				p = t.ByV2[strings.ToLower(name)]
				if p == nil {
					if g, ok := schema.V2Alias(strings.ToLower(name)); ok {
						p = t.Props[g]
					}
				}
			}
			if p == nil {
				out[schema.LowerFirst(name)+annot] = DecodeV2(val, childType(name, val, nil))
				continue
			}
			if annot != "" {
				out[p.Name+annot] = val
				continue
			}
			out[p.Name] = decodeV2Prop(val, p)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = DecodeV2(e, t)
		}
		return out
	}
	return v
}

func decodeV2Prop(v any, p *schema.Prop) any {
	switch p.Kind {
	case schema.KindEnum:
		norm := func(e any) any {
			if s, ok := e.(string); ok {
				if c, ok := schema.CanonicalEnum(p.Enum, s); ok {
					return c
				}
			}
			return e
		}
		if arr, ok := v.([]any); ok {
			out := make([]any, len(arr))
			for i, e := range arr {
				out[i] = norm(e)
			}
			return out
		}
		return norm(v)
	case schema.KindObject:
		return DecodeV2(v, childType(p.Name, v, p.Type))
	}
	return v
}

// DecodeBody reads a request body in dialect d as a JSON object of type t and
// returns it in Graph form. A body that is not one JSON object is an error
// for people (the caller answers 400).
func DecodeBody(d Dialect, data []byte, t *schema.ObjType) (schema.Object, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, fmt.Errorf("the request body is empty; a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("the request body holds more than one JSON value")
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the request body is %s, not a JSON object", schema.JSONKind(v))
	}
	if d == V2 {
		return DecodeV2(o, t).(map[string]any), nil
	}
	return normaliseGraph(o, t), nil
}

// normaliseGraph accepts a Graph body whose known property names differ only
// in case ("Subject") and enum members in any case ("HTML"), as Graph's own
// samples send them, and returns it with canonical names and members.
func normaliseGraph(o map[string]any, t *schema.ObjType) map[string]any {
	if t == nil {
		return o
	}
	out := make(map[string]any, len(o))
	for k, v := range o {
		if strings.HasPrefix(k, "@") {
			out[k] = v
			continue
		}
		p := t.Props[k]
		if p == nil {
			if q := t.ByV2[strings.ToLower(k)]; q != nil && strings.EqualFold(q.Name, k) {
				p = q
			}
		}
		if p == nil {
			out[k] = v
			continue
		}
		switch {
		case p.Kind == schema.KindEnum:
			out[p.Name] = decodeV2Prop(v, p)
		case p.Kind == schema.KindObject && p.Type != nil:
			if arr, ok := v.([]any); ok {
				na := make([]any, len(arr))
				for i, e := range arr {
					if eo, ok := e.(map[string]any); ok {
						na[i] = normaliseGraph(eo, p.Type)
					} else {
						na[i] = e
					}
				}
				out[p.Name] = na
			} else if vo, ok := v.(map[string]any); ok {
				out[p.Name] = normaliseGraph(vo, p.Type)
			} else {
				out[p.Name] = v
			}
		default:
			out[p.Name] = v
		}
	}
	return out
}
