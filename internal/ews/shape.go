package ews

import (
	"fmt"
	"strings"

	"github.com/exchangekit/outlook/odata"
)

// The property set of a request ($select and $expand) and the parts of an
// OData query that become FindItem's view, restriction, order and search.

// selectOnly are the Graph properties returned only when $select names
// them (Graph's default set leaves them out), and expandOnly those that
// come only with $expand.
var (
	selectOnly = map[string]bool{"uniqueBody": true, "internetMessageHeaders": true}
	expandOnly = map[string]bool{
		"attachments": true, "extensions": true,
		"singleValueExtendedProperties": true, "multiValueExtendedProperties": true,
	}
)

// getItemOnly are the FieldURIs FindItem cannot return (its page then
// takes a GetItem): bodies, recipient lists, attachments, headers, MIME.
// finditem-operation: "It does not return any of the message body formats
// or the recipient lists"; email-properties-and-elements-in-ews-in-exchange
// lists the rest.
var getItemOnly = map[string]bool{
	"item:Body": true, "item:UniqueBody": true, "item:TextBody": true, "item:NormalizedBody": true,
	"item:Attachments": true, "item:Categories": true, "item:InternetMessageHeaders": true,
	"item:MimeContent": true, "item:ResponseObjects": true, "item:EntityExtractionResult": true,
	"message:ToRecipients": true, "message:CcRecipients": true, "message:BccRecipients": true,
	"message:ReplyTo": true,
}

// shape is the property set of a request, as stored in links.
type shape struct {
	Fields []field `json:"p,omitempty"` // AdditionalProperties
	// Attachments expands the attachments, with their content.
	Attachments bool `json:"a,omitempty"`
	// BodyType is HTML or Text.
	BodyType string `json:"b,omitempty"`
	// Unsafe keeps unsafe HTML (FilterHtmlContent off).
	Unsafe bool `json:"u,omitempty"`
}

// needsGetItem reports whether FindItem cannot return the shape.
func (s *shape) needsGetItem() bool {
	if s.Attachments {
		return true
	}
	for _, f := range s.Fields {
		if f.Ext == nil && getItemOnly[f.URI] {
			return true
		}
	}
	return false
}

// itemFieldURIs are the FieldURIs of the implicit id, never asked for.
var implicitFields = map[string]bool{"item:ItemId": true, "folder:FolderId": true}

// derivedOnly reports whether the FieldURI uri, a property of schema s,
// belongs to a derived type only: the meeting fields of a message (which
// only meeting messages have) or the search parameters of a folder (only
// search folders). Exchange answers ErrorInvalidPropertyRequest ("Property
// is not valid for this object type") when an item or folder of another
// type is asked for one, as exchangelib's issues #100 and #909 and
// thunderbird/ews-rs #41 record, so the default property set leaves them
// out; a $select may still name them.
func derivedOnly(s *odata.Schema, uri string) bool {
	prefix, _, _ := strings.Cut(uri, ":")
	switch s.Name {
	case "message":
		return prefix != "item" && prefix != "message"
	case "mailFolder":
		return uri == "folder:SearchParameters"
	}
	return false
}

// shapeOf builds the property set of q for entities of schema s. An
// unsupported $select or $expand fails with odata.ErrNotSupported.
func shapeOf(q *odata.Query, s *odata.Schema, prefer odata.Prefer) (*shape, error) {
	sh := &shape{BodyType: "HTML", Unsafe: prefer.AllowUnsafeHTML}
	if prefer.BodyType == odata.BodyTypeText {
		sh.BodyType = "Text"
	}
	seen := map[string]bool{}
	add := func(f field) {
		k := f.URI
		if f.Ext != nil {
			k = fmt.Sprintf("%+v", *f.Ext)
		}
		if !seen[k] && !implicitFields[f.URI] {
			seen[k] = true
			sh.Fields = append(sh.Fields, f)
		}
	}
	if q == nil || len(q.Select) == 0 {
		for i := range s.Props {
			p := &s.Props[i]
			if p.EWS != "" && !selectOnly[p.Graph] && !expandOnly[p.Graph] && !derivedOnly(s, p.EWS) {
				add(field{URI: p.EWS})
			}
		}
	} else {
		for _, sel := range q.Select {
			path := sel.Path()
			first, _, _ := strings.Cut(path, "/")
			p, ok := indexOf(s).graph[first]
			if !ok {
				return nil, errNotSupported(fmt.Sprintf("selecting %s (not a property of %s)", path, s.Name))
			}
			if first == "id" || p.EWS == "item:ItemId" || p.EWS == "folder:FolderId" {
				continue // always returned
			}
			if p.EWS == "" {
				return nil, errNotSupported(fmt.Sprintf("selecting %s (no EWS equivalent)", path))
			}
			add(field{URI: p.EWS})
		}
	}
	if q == nil {
		return sh, nil
	}
	for _, e := range q.Expand {
		path := e.Property.Path()
		p, ok := indexOf(s).graph[path]
		switch {
		case !ok:
			return nil, errNotSupported(fmt.Sprintf("expanding %s (not a property of %s)", path, s.Name))
		case p.Elem != nil && p.Elem.Name == typeAttachment && p.EWS != "":
			if len(e.Select) > 0 || !e.Filter.IsZero() {
				return nil, errNotSupported(fmt.Sprintf("$select or $filter inside $expand=%s", path))
			}
			sh.Attachments = true
			add(field{URI: p.EWS})
		case p.Elem != nil && (p.Elem.Name == typeSingleExtProp || p.Elem.Name == typeMultiExtProp):
			fields, err := expandedExtended(e, p)
			if err != nil {
				return nil, err
			}
			for _, f := range fields {
				add(f)
			}
		default:
			return nil, errNotSupported(fmt.Sprintf("expanding %s", path))
		}
	}
	return sh, nil
}

// expandedExtended reads $expand=singleValueExtendedProperties($filter=id
// eq '...' or id eq '...'): the extended properties to fetch.
func expandedExtended(e odata.Expand, p *odata.Prop) ([]field, error) {
	root, ok := e.Filter.Root()
	if !ok {
		return nil, errNotSupported(fmt.Sprintf("expanding %s without $filter=id eq '...' (EWS fetches extended properties by id only)", p.Graph))
	}
	var out []field
	var walk func(n odata.FilterNode) error
	walk = func(n odata.FilterNode) error {
		switch {
		case n.Op() == odata.OpOr:
			for _, k := range n.Children() {
				if err := walk(k); err != nil {
					return err
				}
			}
			return nil
		case n.Op() == odata.OpEq && n.Path() == "id":
			f, err := parseExtendedID(n.Value().Text)
			if err != nil {
				return err
			}
			out = append(out, field{Ext: f})
			return nil
		}
		return errNotSupported(fmt.Sprintf("expanding %s with a $filter other than id eq '...'", p.Graph))
	}
	if err := walk(root); err != nil {
		return nil, err
	}
	return out, nil
}

// writeItemShape writes an ItemShape (or, with elem, a FolderShape) of
// base shape IdOnly and the additional properties of sh.
func writeShape(w *xmlWriter, elem string, sh *shape, items bool) {
	w.open(elem)
	w.elem("t:BaseShape", "IdOnly")
	if items {
		w.elem("t:BodyType", sh.BodyType)
		if !sh.Unsafe {
			w.elem("t:FilterHtmlContent", "true")
		}
	}
	if len(sh.Fields) > 0 {
		w.open("t:AdditionalProperties")
		for i := range sh.Fields {
			sh.Fields[i].write(w)
		}
		w.close("t:AdditionalProperties")
	}
	w.close(elem)
}

// view is the paging of a listing.
type view struct {
	Top    int  `json:"t"`
	Offset int  `json:"o,omitempty"`
	Count  bool `json:"c,omitempty"`
}

// Page sizes: Graph's default for messages and folders, and the most
// EWSFindCountLimit lets one FindItem return.
const (
	defaultTop = 10
	maxTop     = 1000
)

func viewOf(q *odata.Query) view {
	v := view{Top: defaultTop}
	if q == nil {
		return v
	}
	if q.Top > 0 {
		v.Top = min(q.Top, maxTop)
	}
	v.Offset = q.Skip
	v.Count = q.Count
	return v
}

// writeIndexedView writes an IndexedPageItemView (or folder view).
func writeIndexedView(w *xmlWriter, elem string, v view) {
	w.start(elem)
	w.attr("MaxEntriesReturned", itoa(v.Top))
	w.attr("Offset", itoa(v.Offset))
	w.attr("BasePoint", "Beginning")
	w.slash()
}
