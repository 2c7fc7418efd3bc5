package outlooktest

// The server's own Graph <-> Outlook REST v2.0 JSON translation. The store
// keeps every entity in Graph form; a v2.0 host decodes request bodies from
// PascalCase into Graph form and encodes answers back. It is table-driven by
// schema.go and written independently of the SDK's odata dialect, so the two
// check each other.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

const (
	graphNS = "#microsoft.graph."
	v2NS    = "#Microsoft.OutlookServices."
)

// odataTypeToV2 turns "#microsoft.graph.fileAttachment" into
// "#Microsoft.OutlookServices.FileAttachment"; other values pass unchanged.
func odataTypeToV2(s string) string {
	if rest, ok := strings.CutPrefix(s, graphNS); ok {
		return v2NS + upperFirst(rest)
	}
	return s
}

// odataTypeToGraph is the inverse of odataTypeToV2. The namespace is matched
// case-insensitively, as both services do.
func odataTypeToGraph(s string) string {
	if len(s) > len(v2NS) && strings.EqualFold(s[:len(v2NS)], v2NS) {
		return graphNS + lowerFirst(s[len(v2NS):])
	}
	if len(s) > len(graphNS) && strings.EqualFold(s[:len(graphNS)], graphNS) {
		return graphNS + lowerFirst(s[len(graphNS):])
	}
	return s
}

// typeForODataType returns the schema of the entity an @odata.type names
// (for itemAttachment.item, whose type varies), or nil.
func typeForODataType(s string) *objType {
	g := strings.ToLower(odataTypeToGraph(s))
	for _, es := range sets() {
		if g == strings.ToLower(graphNS+es.graphType) {
			return es.typ
		}
	}
	return nil
}

// encodeV2 returns the v2.0 form of a Graph-form value of type t (nil: an
// open object, whose keys are only re-cased). v is not modified.
func encodeV2(v any, t *objType) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, val := range v {
			if strings.HasPrefix(k, "@") {
				if k == "@odata.type" {
					if s, ok := val.(string); ok {
						val = odataTypeToV2(s)
					}
				}
				out[k] = val
				continue
			}
			name, annot, _ := strings.Cut(k, "@")
			if annot != "" {
				annot = "@" + annot
			}
			var p *prop
			if t != nil {
				p = t.props[name]
			}
			if p == nil {
				out[upperFirst(name)+annot] = encodeV2(val, childType(name, val, nil))
				continue
			}
			if p.graphOnly {
				continue
			}
			if annot != "" {
				out[p.v2Name+annot] = val
				continue
			}
			out[p.v2Name] = encodeV2Prop(val, p)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = encodeV2(e, t)
		}
		return out
	}
	return v
}

func encodeV2Prop(v any, p *prop) any {
	switch p.kind {
	case kEnum:
		switch v := v.(type) {
		case string:
			return v2Enum(v)
		case []any:
			out := make([]any, len(v))
			for i, e := range v {
				if s, ok := e.(string); ok {
					out[i] = v2Enum(s)
				} else {
					out[i] = e
				}
			}
			return out
		}
		return v
	case kObject:
		return encodeV2(v, childType(p.name, v, p.typ))
	}
	return v
}

// childType picks the schema for an object value: the declared complex type,
// or for an open object with an @odata.type the entity that type names.
func childType(name string, v any, declared *objType) *objType {
	if declared != nil {
		return declared
	}
	if o, ok := v.(map[string]any); ok {
		if s, ok := o["@odata.type"].(string); ok {
			return typeForODataType(s)
		}
	}
	return nil
}

// decodeV2 returns the Graph form of a v2.0 request value of type t. Property
// names are matched case-insensitively, renamed ones (MobilePhone1,
// PropertyId) and early preview aliases (DateTimeCreated) included; enum
// members are turned into Graph spelling when known and left for validation
// otherwise. v is not modified.
func decodeV2(v any, t *objType) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, val := range v {
			if strings.HasPrefix(k, "@") {
				if strings.EqualFold(k, "@odata.type") {
					if s, ok := val.(string); ok {
						val = odataTypeToGraph(s)
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
			var p *prop
			if t != nil {
				p = t.byV2[strings.ToLower(name)]
				if p == nil {
					if g, ok := v2Aliases[strings.ToLower(name)]; ok {
						p = t.props[g]
					}
				}
			}
			if p == nil {
				out[lowerFirst(name)+annot] = decodeV2(val, childType(name, val, nil))
				continue
			}
			if annot != "" {
				out[p.name+annot] = val
				continue
			}
			out[p.name] = decodeV2Prop(val, p)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = decodeV2(e, t)
		}
		return out
	}
	return v
}

func decodeV2Prop(v any, p *prop) any {
	switch p.kind {
	case kEnum:
		norm := func(e any) any {
			if s, ok := e.(string); ok {
				if c, ok := canonicalEnum(p.enum, s); ok {
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
	case kObject:
		return decodeV2(v, childType(p.name, v, p.typ))
	}
	return v
}

// decodeBody reads a request body in dialect d as a JSON object of type t and
// returns it in Graph form. A body that is not one JSON object is an error
// for people (the caller answers 400).
func decodeBody(d wireDialect, data []byte, t *objType) (Object, error) {
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
		return nil, fmt.Errorf("the request body is %s, not a JSON object", jsonKind(v))
	}
	if d == dialectV2 {
		return decodeV2(o, t).(map[string]any), nil
	}
	return normaliseGraph(o, t), nil
}

// normaliseGraph accepts a Graph body whose known property names differ only
// in case ("Subject") and enum members in any case ("HTML"), as Graph's own
// samples send them, and returns it with canonical names and members.
func normaliseGraph(o map[string]any, t *objType) map[string]any {
	if t == nil {
		return o
	}
	out := make(map[string]any, len(o))
	for k, v := range o {
		if strings.HasPrefix(k, "@") {
			out[k] = v
			continue
		}
		p := t.props[k]
		if p == nil {
			if q := t.byV2[strings.ToLower(k)]; q != nil && strings.EqualFold(q.name, k) {
				p = q
			}
		}
		if p == nil {
			out[k] = v
			continue
		}
		switch {
		case p.kind == kEnum:
			out[p.name] = decodeV2Prop(v, p)
		case p.kind == kObject && p.typ != nil:
			if arr, ok := v.([]any); ok {
				na := make([]any, len(arr))
				for i, e := range arr {
					if eo, ok := e.(map[string]any); ok {
						na[i] = normaliseGraph(eo, p.typ)
					} else {
						na[i] = e
					}
				}
				out[p.name] = na
			} else if vo, ok := v.(map[string]any); ok {
				out[p.name] = normaliseGraph(vo, p.typ)
			} else {
				out[p.name] = v
			}
		default:
			out[p.name] = v
		}
	}
	return out
}
