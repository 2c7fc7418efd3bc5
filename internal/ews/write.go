package ews

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/odata"
)

// Writing Graph JSON bodies as EWS items, folders and attachments. EWS
// validates requests against its schema, where the elements of an item are
// an xs:sequence: they must come in the order of types.xsd, kept here.

// Element order of the written types, from types.xsd (ItemType and its
// extension MessageType; BaseFolderType and FolderType; AttachmentType and
// FileAttachmentType), including the Exchange 2013 additions after
// UniqueBody.
var (
	itemOrder = []string{
		"MimeContent", "ItemId", "ParentFolderId", "ItemClass", "Subject", "Sensitivity", "Body", "Attachments",
		"DateTimeReceived", "Size", "Categories", "Importance", "InReplyTo", "IsSubmitted", "IsDraft", "IsFromMe",
		"IsResend", "IsUnmodified", "InternetMessageHeaders", "DateTimeSent", "DateTimeCreated", "ResponseObjects",
		"ReminderDueBy", "ReminderIsSet", "ReminderMinutesBeforeStart", "DisplayCc", "DisplayTo", "HasAttachments",
		"ExtendedProperty", "Culture", "EffectiveRights", "LastModifiedName", "LastModifiedTime", "IsAssociated",
		"WebClientReadFormQueryString", "WebClientEditFormQueryString", "ConversationId", "UniqueBody", "Flag",
		"StoreEntryId", "InstanceKey", "NormalizedBody", "EntityExtractionResult", "PolicyTag", "ArchiveTag",
		"RetentionDate", "Preview",
		// MessageType
		"Sender", "ToRecipients", "CcRecipients", "BccRecipients", "IsReadReceiptRequested",
		"IsDeliveryReceiptRequested", "ConversationIndex", "ConversationTopic", "From", "InternetMessageId", "IsRead",
		"IsResponseRequested", "References", "ReplyTo", "ReceivedBy", "ReceivedRepresenting",
	}
	folderOrder = []string{
		"FolderId", "ParentFolderId", "FolderClass", "DisplayName", "TotalCount", "ChildFolderCount",
		"ExtendedProperty", "ManagedFolderInformation", "EffectiveRights", "PermissionSet", "UnreadCount",
	}
	orderIndex = func() map[string]map[string]int {
		m := map[string]map[string]int{}
		for name, order := range map[string][]string{"item": itemOrder, "folder": folderOrder} {
			m[name] = map[string]int{}
			for i, e := range order {
				m[name][e] = i
			}
		}
		return m
	}()
)

// fragment is the XML of one property, under its element name.
type fragment struct {
	elem string
	xml  []byte
}

// members reads the members of a JSON object, in order.
func members(body []byte) ([]string, []jsontext.Value, error) {
	d := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	tok, err := d.ReadToken()
	if err != nil || tok.Kind() != '{' {
		return nil, nil, fmt.Errorf("%w: the request body is not a JSON object", odata.ErrInvalidQuery)
	}
	var names []string
	var values []jsontext.Value
	for d.PeekKind() != '}' {
		name, err := d.ReadToken()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: the request body: %v", odata.ErrInvalidQuery, err)
		}
		n := name.String()
		v, err := d.ReadValue()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: the request body: %v", odata.ErrInvalidQuery, err)
		}
		names = append(names, n)
		values = append(values, v.Clone())
	}
	return names, values, nil
}

// isNothing reports whether a JSON value is null or an empty array or
// object: a create body's way of not setting the property.
func isNothing(v jsontext.Value) bool {
	switch string(bytes.TrimSpace(v)) {
	case "null", "[]", "{}":
		return true
	}
	return false
}

// isEmpty reports whether a JSON value says nothing: null, "", [], {}.
func isEmpty(v jsontext.Value) bool {
	switch string(bytes.TrimSpace(v)) {
	case "null", `""`, "[]", "{}", "false", "0":
		return true
	}
	return false
}

// propFragments converts the members of a Graph JSON object of schema s into
// EWS element fragments, in the XSD order of kind ("item" or "folder").
// Read-only properties and service annotations are left out; a property
// EWS lacks fails with ErrNotSupported unless its value is empty.
func propFragments(body []byte, s *odata.Schema, kind string) ([]fragment, error) {
	names, values, err := members(body)
	if err != nil {
		return nil, err
	}
	ix := indexOf(s)
	var frags []fragment
	for i, name := range names {
		v := values[i]
		if strings.HasPrefix(name, "@") || strings.Contains(name, "@odata.") {
			continue
		}
		p := ix.graph[name]
		if p == nil || p.ReadOnly || isNothing(v) {
			continue // not a property of the model, the server's to set, or empty
		}
		f, err := propFragment(p, v)
		if err != nil {
			return nil, err
		}
		if f.elem != "" {
			frags = append(frags, f)
		}
	}
	order := orderIndex[kind]
	slices.SortStableFunc(frags, func(a, b fragment) int {
		ia, oka := order[a.elem]
		ib, okb := order[b.elem]
		switch {
		case !oka && !okb:
			return 0
		case !oka:
			return 1
		case !okb:
			return -1
		}
		return ia - ib
	})
	return frags, nil
}

// propFragment writes the value v of property p.
func propFragment(p *odata.Prop, v jsontext.Value) (fragment, error) {
	var cd *codec
	if p.Elem != nil {
		cd = codecs[p.Elem.Name]
	}
	if cd != nil && cd.write != nil {
		if p.EWS == "" && cd.elem == "" {
			if isEmpty(v) {
				return fragment{}, nil
			}
			return fragment{}, errNotSupported(fmt.Sprintf("writing %s (no EWS equivalent)", p.Graph))
		}
		var w xmlWriter
		if err := cd.write(&w, p, v); err != nil {
			return fragment{}, err
		}
		el := cd.elem
		if el == "" {
			el = elemName(p.EWS)
		}
		return fragment{elem: el, xml: w.b}, nil
	}
	if p.EWS == "" || p.Kind == odata.KindObject || idFields[p.EWS] {
		if isEmpty(v) {
			return fragment{}, nil
		}
		return fragment{}, errNotSupported(fmt.Sprintf("writing %s (no EWS equivalent)", p.Graph))
	}
	el := elemName(p.EWS)
	var w xmlWriter
	if p.Collection {
		var items []jsontext.Value
		if err := json.Unmarshal(v, &items); err != nil {
			return fragment{}, fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
		}
		w.open("t:" + el)
		for _, it := range items {
			s, err := scalarText(p, it)
			if err != nil {
				return fragment{}, err
			}
			w.elem("t:String", s)
		}
		w.close("t:" + el)
		return fragment{elem: el, xml: w.b}, nil
	}
	s, err := scalarText(p, v)
	if err != nil {
		return fragment{}, err
	}
	w.elem("t:"+el, s)
	return fragment{elem: el, xml: w.b}, nil
}

// scalarText spells a JSON scalar as EWS text for property p.
func scalarText(p *odata.Prop, v jsontext.Value) (string, error) {
	bad := func() (string, error) {
		return "", fmt.Errorf("%w: %s: %s is not a valid value", odata.ErrInvalidQuery, p.Graph, truncate(string(v), 40))
	}
	switch v.Kind() {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s, jsontext.AllowInvalidUTF8(true)); err != nil {
			return bad()
		}
		switch p.Kind {
		case odata.KindEnum:
			w, ok := ewsEnum(p.Enum, s)
			if !ok {
				return "", errNotSupported(fmt.Sprintf("%s %q (no EWS equivalent)", p.Graph, s))
			}
			return w, nil
		case odata.KindTime:
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return bad()
			}
			return formatTime(t), nil
		case odata.KindBool, odata.KindInt, odata.KindFloat:
			return bad()
		}
		return s, nil
	case 't', 'f':
		if p.Kind != odata.KindBool {
			return bad()
		}
		return string(v), nil
	case '0':
		if p.Kind != odata.KindInt && p.Kind != odata.KindFloat {
			return bad()
		}
		return string(v), nil
	}
	return bad()
}

// writeFragments writes fragments inside an element.
func writeFragments(w *xmlWriter, elem string, frags []fragment) {
	w.open(elem)
	for _, f := range frags {
		w.b = append(w.b, f.xml...)
	}
	w.close(elem)
}

// attachmentJSON is a Graph attachment in a request body.
type attachmentJSON struct {
	Type         string `json:"@odata.type"`
	Name         string `json:"name"`
	ContentType  string `json:"contentType"`
	ContentID    string `json:"contentId"`
	IsInline     bool   `json:"isInline"`
	ContentBytes []byte `json:"contentBytes"`
}

// writeFileAttachment writes a Graph file attachment as a FileAttachment
// element, in AttachmentType's order.
func writeFileAttachment(w *xmlWriter, a *attachmentJSON) error {
	t := strings.ToLower(a.Type)
	if t != "" && !strings.HasSuffix(t, ".fileattachment") && t != "fileattachment" {
		return errNotSupported(fmt.Sprintf("adding a %s (only file attachments)", a.Type))
	}
	if a.Name == "" {
		return fmt.Errorf("%w: an attachment without a name", odata.ErrInvalidQuery)
	}
	w.open("t:FileAttachment")
	w.elem("t:Name", a.Name)
	if a.ContentType != "" {
		w.elem("t:ContentType", a.ContentType)
	}
	if a.ContentID != "" {
		w.elem("t:ContentId", a.ContentID)
	}
	if a.IsInline {
		w.elem("t:IsInline", "true")
	}
	w.open("t:Content")
	w.b = appendBase64(w.b, a.ContentBytes)
	w.close("t:Content")
	w.close("t:FileAttachment")
	return nil
}

func appendBase64(dst, src []byte) []byte {
	return base64.StdEncoding.AppendEncode(dst, src)
}

// writeAttachments writes the attachments of a create body (file
// attachments with their content) as an Attachments element.
func writeAttachments(w *xmlWriter, p *odata.Prop, v jsontext.Value) error {
	var atts []attachmentJSON
	if err := json.Unmarshal(v, &atts); err != nil {
		return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
	}
	w.open("t:Attachments")
	for i := range atts {
		if err := writeFileAttachment(w, &atts[i]); err != nil {
			return err
		}
	}
	w.close("t:Attachments")
	return nil
}
