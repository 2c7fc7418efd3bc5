package ews

import (
	"strings"
	"sync"

	"github.com/exchangekit/outlook/odata"
)

// How the backend reads the models' wire tables (odata.Schema): lookups by
// Graph name and by EWS element name, built once per table.

// schemaIndex is the lookup table of one schema.
type schemaIndex struct {
	schema *odata.Schema
	graph  map[string]*odata.Prop // Graph name -> property
	elem   map[string]*odata.Prop // EWS element name -> property
}

var indexes sync.Map // *odata.Schema -> *schemaIndex

// indexOf returns the lookup table of s, building it on first use.
func indexOf(s *odata.Schema) *schemaIndex {
	if v, ok := indexes.Load(s); ok {
		return v.(*schemaIndex)
	}
	ix := &schemaIndex{schema: s, graph: make(map[string]*odata.Prop, len(s.Props)), elem: make(map[string]*odata.Prop, len(s.Props))}
	for i := range s.Props {
		p := &s.Props[i]
		ix.graph[p.Graph] = p
		if p.EWS == "" {
			continue
		}
		if e := elemName(p.EWS); e != "" {
			if _, dup := ix.elem[e]; !dup {
				ix.elem[e] = p
			}
		}
	}
	v, _ := indexes.LoadOrStore(s, ix)
	return v.(*schemaIndex)
}

// elemName returns the element an item or folder holds a FieldURI's value
// in: "item:Subject" is in <t:Subject>. (EWS spells every FieldURI the
// mail models use this way.)
func elemName(fieldURI string) string {
	i := strings.IndexByte(fieldURI, ':')
	if i < 0 {
		return ""
	}
	return fieldURI[i+1:]
}

// idFields are the FieldURIs whose value is an id, held in an Id
// attribute, and given to callers in REST form.
var idFields = map[string]bool{
	"item:ItemId":           true,
	"item:ParentFolderId":   true,
	"item:ConversationId":   true,
	"folder:FolderId":       true,
	"folder:ParentFolderId": true,
}

// lookupPath resolves a Graph property path in s: the property its first
// segment names and the rest of the path inside that property's value.
func lookupPath(s *odata.Schema, path string) (*odata.Prop, string, bool) {
	first, rest, _ := strings.Cut(path, "/")
	p, ok := indexOf(s).graph[first]
	return p, rest, ok
}
