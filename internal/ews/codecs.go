package ews

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/internal/tz"
	"github.com/exchangekit/outlook/odata"
)

// Shape codecs: how the complex types of the models (Graph names) look in
// EWS XML, which has its own shapes for them (a recipient is a Mailbox, a
// body carries its type in an attribute, custom headers are extended
// properties). They are keyed by the Graph type name of the property's
// Elem schema.

// codec converts one complex type. Every function may be nil.
type codec struct {
	// read converts the element of property p just read (and consumes it)
	// into a JSON value appended to out; appending nothing leaves the
	// property out.
	read func(c *converter, p *odata.Prop, out []byte) ([]byte, error)
	// write writes the JSON value v of property p as EWS elements (the
	// whole element, named after p's FieldURI unless elem says otherwise).
	write func(w *xmlWriter, p *odata.Prop, v jsontext.Value) error
	// elem is the element name the written value goes under, for the
	// XSD order, when it is not the property's own.
	elem string
	// leaf resolves a filter or sort on a path inside the value.
	leaf func(p *odata.Prop, rest, path string) (*field, func(odata.FilterValue) (string, error), error)
	// anyRestriction translates any() over a collection of the type.
	anyRestriction func(p *odata.Prop, cond odata.FilterNode, depth int) (*restriction, error)
}

// Graph type names of the shapes below.
const (
	typeRecipient     = "recipient"
	typeItemBody      = "itemBody"
	typeFollowupFlag  = "followupFlag"
	typeHeader        = "internetMessageHeader"
	typeSingleExtProp = "singleValueLegacyExtendedProperty"
	typeMultiExtProp  = "multiValueLegacyExtendedProperty"
	typeAttachment    = "attachment"
)

var codecs map[string]*codec

func init() {
	codecs = map[string]*codec{
		typeRecipient:     {read: readRecipients, write: writeRecipients, leaf: recipientLeaf},
		typeItemBody:      {read: readBody, write: writeBody, leaf: bodyLeaf},
		typeFollowupFlag:  {read: readFlag, write: writeFlag, leaf: flagLeaf},
		typeHeader:        {read: readHeaders, write: writeHeaders, elem: "ExtendedProperty"},
		typeSingleExtProp: {write: writeExtended, elem: "ExtendedProperty", anyRestriction: extendedAny},
		typeMultiExtProp:  {write: writeExtended, elem: "ExtendedProperty"},
		typeAttachment:    {read: readAttachments, write: writeAttachments},
	}
}

// stringConv passes a string literal as the constant.
func stringConv(path string) func(odata.FilterValue) (string, error) {
	return func(v odata.FilterValue) (string, error) {
		if v.Kind != odata.ValueString {
			return "", fmt.Errorf("%w: %s compared with a value that is not a string", odata.ErrInvalidQuery, path)
		}
		return v.Text, nil
	}
}

// Recipients: <t:From><t:Mailbox><t:Name/><t:EmailAddress/>...</t:Mailbox></t:From>,
// and a Mailbox per recipient in <t:ToRecipients>.

func readRecipients(c *converter, p *odata.Prop, out []byte) ([]byte, error) {
	if p.Collection {
		out = append(out, '[')
		err := c.x.children(func() error {
			if !c.x.is("Mailbox") {
				return c.x.skip()
			}
			out = comma(out)
			var err error
			out, err = c.mailbox(out)
			return err
		})
		return append(out, ']'), err
	}
	found := false
	err := c.x.children(func() error {
		if found || !c.x.is("Mailbox") {
			return c.x.skip()
		}
		found = true
		var err error
		out, err = c.mailbox(out)
		return err
	})
	return out, err
}

// mailbox reads a Mailbox element as a Graph recipient.
func (c *converter) mailbox(out []byte) ([]byte, error) {
	var name, addr []byte
	hasName, hasAddr := false, false
	err := c.x.children(func() error {
		switch string(c.x.local) {
		case "Name":
			t, err := c.text()
			name, hasName = append(name[:0], t...), true
			return err
		case "EmailAddress":
			t, err := c.text()
			addr, hasAddr = append(addr[:0], t...), true
			return err
		case "RoutingType":
			t, err := c.text()
			if string(t) == "EX" {
				c.ex = true
			}
			return err
		}
		return c.x.skip()
	})
	if err != nil {
		return nil, err
	}
	out = append(out, `{"emailAddress":{`...)
	if hasName {
		out = member(out, "name")
		out = appendString(out, name)
	}
	if hasAddr {
		out = member(out, "address")
		out = appendString(out, addr)
	}
	return append(out, "}}"...), nil
}

type recipientJSON struct {
	EmailAddress struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"emailAddress"`
}

func writeMailbox(w *xmlWriter, r recipientJSON) {
	w.open("t:Mailbox")
	if r.EmailAddress.Name != "" {
		w.elem("t:Name", r.EmailAddress.Name)
	}
	w.elem("t:EmailAddress", r.EmailAddress.Address)
	w.close("t:Mailbox")
}

func writeRecipients(w *xmlWriter, p *odata.Prop, v jsontext.Value) error {
	el := "t:" + elemName(p.EWS)
	if p.Collection {
		var rs []recipientJSON
		if err := json.Unmarshal(v, &rs); err != nil {
			return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
		}
		w.open(el)
		for _, r := range rs {
			writeMailbox(w, r)
		}
		w.close(el)
		return nil
	}
	var r recipientJSON
	if err := json.Unmarshal(v, &r); err != nil {
		return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
	}
	w.open(el)
	writeMailbox(w, r)
	w.close(el)
	return nil
}

// recipientLeaf: a filter on from/emailAddress/address compares the
// Mailbox property itself, which EWS matches by address.
func recipientLeaf(p *odata.Prop, rest, path string) (*field, func(odata.FilterValue) (string, error), error) {
	if p.Collection || rest != "emailAddress/address" {
		return nil, nil, errNotSupported(fmt.Sprintf("filtering or sorting on %s (only the address of a single recipient)", path))
	}
	return &field{URI: p.EWS}, stringConv(path), nil
}

// Bodies: <t:Body BodyType="HTML">content</t:Body>.

// elemEnum returns the enum of the property name of the Elem schema of p.
func elemEnum(p *odata.Prop, name string) *odata.EnumType {
	if p.Elem == nil {
		return nil
	}
	if q := indexOf(p.Elem).graph[name]; q != nil {
		return q.Enum
	}
	return nil
}

func readBody(c *converter, p *odata.Prop, out []byte) ([]byte, error) {
	typ, _ := c.x.attr("BodyType")
	ct := graphEnum(elemEnum(p, "contentType"), string(typ))
	t, err := c.x.textInto(c.buf[:0]) // bodies keep their whitespace
	if err != nil {
		return nil, err
	}
	c.buf = t
	out = append(out, '{')
	if ct != "" {
		out = member(out, "contentType")
		out = appendString(out, ct)
	}
	out = member(out, "content")
	out = appendString(out, t)
	return append(out, '}'), nil
}

type bodyJSON struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

func writeBody(w *xmlWriter, p *odata.Prop, v jsontext.Value) error {
	var b bodyJSON
	if err := json.Unmarshal(v, &b); err != nil {
		return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
	}
	bt, ok := ewsEnum(elemEnum(p, "contentType"), b.ContentType)
	if !ok || b.ContentType == "" {
		bt = "Text"
		if strings.EqualFold(b.ContentType, "html") {
			bt = "HTML"
		}
	}
	if strings.EqualFold(bt, "html") {
		bt = "HTML"
	}
	el := "t:" + elemName(p.EWS)
	w.start(el)
	w.attr("BodyType", bt)
	w.gt()
	w.text(b.Content)
	w.close(el)
	return nil
}

func bodyLeaf(p *odata.Prop, rest, path string) (*field, func(odata.FilterValue) (string, error), error) {
	if rest != "content" {
		return nil, nil, errNotSupported(fmt.Sprintf("filtering or sorting on %s (only the body's content)", path))
	}
	return &field{URI: p.EWS}, stringConv(path), nil
}

// Follow-up flags: <t:Flag><t:FlagStatus/><t:StartDate/><t:DueDate/><t:CompleteDate/></t:Flag>,
// dates as instants; Graph's dateTimeTimeZone values are given in UTC.

var flagDates = [...]struct{ ews, graph string }{
	{"StartDate", "startDateTime"},
	{"DueDate", "dueDateTime"},
	{"CompleteDate", "completedDateTime"},
}

func readFlag(c *converter, p *odata.Prop, out []byte) ([]byte, error) {
	out = append(out, '{')
	err := c.x.children(func() error {
		name := string(c.x.local)
		if name == "FlagStatus" {
			t, err := c.text()
			if err != nil {
				return err
			}
			out = member(out, "flagStatus")
			out = appendString(out, graphEnum(elemEnum(p, "flagStatus"), string(t)))
			return nil
		}
		for _, d := range flagDates {
			if name != d.ews {
				continue
			}
			t, err := c.text()
			if err != nil {
				return err
			}
			tm, ok := parseDateTime(t)
			if !ok {
				return fmt.Errorf("%w: Flag/%s: %q is not a date", errXML, name, truncate(string(t), 40))
			}
			out = member(out, d.graph)
			out = append(out, `{"dateTime":"`...)
			out = tm.UTC().AppendFormat(out, "2006-01-02T15:04:05.0000000")
			out = append(out, `","timeZone":"UTC"}`...)
			return nil
		}
		return c.x.skip()
	})
	return append(out, '}'), err
}

type dateTimeTZ struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

// instant reads a Graph dateTimeTimeZone as an instant.
func (d dateTimeTZ) instant() (time.Time, error) {
	loc := time.UTC
	if d.TimeZone != "" {
		l, err := tz.Load(d.TimeZone)
		if err != nil {
			return time.Time{}, err
		}
		loc = l
	}
	return time.ParseInLocation("2006-01-02T15:04:05.9999999", strings.TrimSuffix(d.DateTime, "Z"), loc)
}

func writeFlag(w *xmlWriter, p *odata.Prop, v jsontext.Value) error {
	var f struct {
		FlagStatus        string     `json:"flagStatus"`
		StartDateTime     dateTimeTZ `json:"startDateTime"`
		DueDateTime       dateTimeTZ `json:"dueDateTime"`
		CompletedDateTime dateTimeTZ `json:"completedDateTime"`
	}
	if err := json.Unmarshal(v, &f); err != nil {
		return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
	}
	st, ok := ewsEnum(elemEnum(p, "flagStatus"), f.FlagStatus)
	if !ok || f.FlagStatus == "" {
		return errNotSupported(fmt.Sprintf("the flag status %q", f.FlagStatus))
	}
	el := "t:" + elemName(p.EWS)
	w.open(el)
	w.elem("t:FlagStatus", st)
	for i, d := range []dateTimeTZ{f.StartDateTime, f.DueDateTime, f.CompletedDateTime} {
		if d.DateTime == "" {
			continue
		}
		tm, err := d.instant()
		if err != nil {
			return fmt.Errorf("%w: %s/%s: %v", odata.ErrInvalidQuery, p.Graph, flagDates[i].graph, err)
		}
		w.elem("t:"+flagDates[i].ews, formatTime(tm))
	}
	w.close(el)
	return nil
}

// flagValues are the values of PidTagFlagStatus (0x1090), which restrictions
// compare since the Flag element itself cannot be searched.
var flagValues = map[string]string{"notflagged": "0", "complete": "1", "flagged": "2"}

func flagLeaf(p *odata.Prop, rest, path string) (*field, func(odata.FilterValue) (string, error), error) {
	if rest != "flagStatus" {
		return nil, nil, errNotSupported(fmt.Sprintf("filtering or sorting on %s (only the flag status)", path))
	}
	return &field{Ext: &extField{Tag: "0x1090", Type: "Integer"}}, func(v odata.FilterValue) (string, error) {
		n, ok := flagValues[strings.ToLower(v.Text)]
		if !ok {
			return "", fmt.Errorf("%w: %s compared with %q", odata.ErrInvalidQuery, path, v.Text)
		}
		return n, nil
	}, nil
}

// Internet message headers: read from <t:InternetMessageHeaders>, written
// (custom "x-" headers of a draft) as extended properties in the
// InternetHeaders property set, which is how EWS sets them.

func readHeaders(c *converter, p *odata.Prop, out []byte) ([]byte, error) {
	out = append(out, '[')
	err := c.x.children(func() error {
		if !c.x.is("InternetMessageHeader") {
			return c.x.skip()
		}
		name, _ := c.x.attr("HeaderName")
		out = comma(out)
		out = append(out, `{"name":`...)
		out = appendString(out, name)
		t, err := c.text()
		if err != nil {
			return err
		}
		out = append(out, `,"value":`...)
		out = appendString(out, t)
		out = append(out, '}')
		return nil
	})
	return append(out, ']'), err
}

func writeHeaders(w *xmlWriter, p *odata.Prop, v jsontext.Value) error {
	var hs []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	if err := json.Unmarshal(v, &hs); err != nil {
		return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
	}
	for _, h := range hs {
		if h.Name == "" {
			return fmt.Errorf("%w: %s: a header without a name", odata.ErrInvalidQuery, p.Graph)
		}
		writeExtendedProperty(w, &extField{DistSet: "InternetHeaders", Name: h.Name, Type: "String"}, []string{h.Value}, false)
	}
	return nil
}

// Extended properties: <t:ExtendedProperty><t:ExtendedFieldURI .../><t:Value/></t:ExtendedProperty>,
// or <t:Values> for a multi-valued one. Reading is the converter's (they
// are siblings of the item's other elements, not wrapped).

func writeExtendedProperty(w *xmlWriter, f *extField, values []string, multi bool) {
	w.open("t:ExtendedProperty")
	(&field{Ext: f}).write(w)
	if multi {
		w.open("t:Values")
		for _, v := range values {
			w.elem("t:Value", v)
		}
		w.close("t:Values")
	} else {
		w.elem("t:Value", values[0])
	}
	w.close("t:ExtendedProperty")
}

func writeExtended(w *xmlWriter, p *odata.Prop, v jsontext.Value) error {
	multi := p.Elem != nil && p.Elem.Name == typeMultiExtProp
	var props []struct {
		ID    string         `json:"id"`
		Value jsontext.Value `json:"value"`
	}
	if err := json.Unmarshal(v, &props); err != nil {
		return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, p.Graph, err)
	}
	for _, e := range props {
		f, err := parseExtendedID(e.ID)
		if err != nil {
			return err
		}
		var values []string
		if multi {
			err = json.Unmarshal(e.Value, &values)
		} else {
			values = make([]string, 1)
			err = json.Unmarshal(e.Value, &values[0])
		}
		if err != nil {
			return fmt.Errorf("%w: %s %s: %v", odata.ErrInvalidQuery, p.Graph, e.ID, err)
		}
		writeExtendedProperty(w, f, values, multi)
	}
	return nil
}

// extendedAny translates the documented Graph filter on an extended
// property, ep/id eq '{id}' and ep/value {op} '{v}' (or ep/id alone: the
// property exists).
func extendedAny(p *odata.Prop, cond odata.FilterNode, depth int) (*restriction, error) {
	var idNode, valueNode *odata.FilterNode
	parts := []odata.FilterNode{cond}
	if cond.Op() == odata.OpAnd {
		parts = cond.Children()
	}
	for i := range parts {
		n := parts[i]
		if !n.Relative() {
			return nil, errNotSupported(fmt.Sprintf("any() over %s with a condition outside the property", p.Graph))
		}
		switch n.Path() {
		case "id":
			if n.Op() != odata.OpEq || idNode != nil {
				return nil, errNotSupported(fmt.Sprintf("any() over %s testing the id other than by eq", p.Graph))
			}
			idNode = &parts[i]
		case "value":
			if valueNode != nil {
				return nil, errNotSupported(fmt.Sprintf("any() over %s with two conditions on the value", p.Graph))
			}
			valueNode = &parts[i]
		default:
			return nil, errNotSupported(fmt.Sprintf("any() over %s testing %s", p.Graph, n.Path()))
		}
	}
	if idNode == nil {
		return nil, errNotSupported(fmt.Sprintf("any() over %s without ep/id eq '{id}'", p.Graph))
	}
	f, err := parseExtendedID(idNode.Value().Text)
	if err != nil {
		return nil, err
	}
	fld := &field{Ext: f}
	if valueNode == nil {
		return &restriction{Op: "Exists", Field: fld}, nil
	}
	return leafRestriction(*valueNode, fld, func(v odata.FilterValue) (string, error) { return v.Text, nil })
}

// Attachments: <t:Attachments> holds <t:FileAttachment>, <t:ItemAttachment>
// and <t:ReferenceAttachment> elements (metadata; content only from
// GetAttachment).

var attachmentTypes = map[string]string{
	"FileAttachment":      "fileAttachment",
	"ItemAttachment":      "itemAttachment",
	"ReferenceAttachment": "referenceAttachment",
}

func readAttachments(c *converter, p *odata.Prop, out []byte) ([]byte, error) {
	out = append(out, '[')
	err := c.x.children(func() error {
		if attachmentTypes[string(c.x.local)] == "" {
			return c.x.skip()
		}
		out = comma(out)
		var err error
		out, err = c.attachment(out)
		return err
	})
	return append(out, ']'), err
}

// attachment reads a FileAttachment, ItemAttachment or ReferenceAttachment
// element as a Graph attachment.
func (c *converter) attachment(out []byte) ([]byte, error) {
	typ := attachmentTypes[string(c.x.local)]
	out = append(out, '{')
	out = member(out, "@odata.type")
	out = append(out, `"#microsoft.graph.`...)
	out = append(out, typ...)
	out = append(out, '"')
	var id string
	hasContent := false
	err := c.x.children(func() error {
		var err error
		var t []byte
		switch string(c.x.local) {
		case "AttachmentId":
			if v, ok := c.x.attr("Id"); ok {
				id = string(v)
				out = member(out, "id")
				out = append(out, '"')
				out = appendRestID(out, v)
				out = append(out, '"')
			}
			return c.x.skip()
		case "Name", "ContentType", "ContentId", "ContentLocation":
			name := map[string]string{"Name": "name", "ContentType": "contentType", "ContentId": "contentId", "ContentLocation": "contentLocation"}[string(c.x.local)]
			if t, err = c.text(); err == nil {
				out = member(out, name)
				out = appendString(out, t)
			}
		case "Size":
			if t, err = c.text(); err == nil {
				out = member(out, "size")
				out, err = scalar(out, &odata.Prop{Kind: odata.KindInt, EWS: "attachment:Size"}, t)
			}
		case "IsInline":
			if t, err = c.text(); err == nil {
				out = member(out, "isInline")
				out, err = scalar(out, &odata.Prop{Kind: odata.KindBool, EWS: "attachment:IsInline"}, t)
			}
		case "LastModifiedTime":
			if t, err = c.text(); err == nil {
				out = member(out, "lastModifiedDateTime")
				out, err = scalar(out, &odata.Prop{Kind: odata.KindTime, EWS: "attachment:LastModifiedTime"}, t)
			}
		case "Content":
			hasContent = true
			if t, err = c.text(); err == nil {
				out = member(out, "contentBytes")
				out, err = scalar(out, &odata.Prop{Kind: odata.KindBinary, EWS: "attachment:Content"}, t)
			}
		default:
			return c.x.skip()
		}
		return err
	})
	if typ == "fileAttachment" && id != "" && !hasContent {
		c.atts = append(c.atts, attRef{id: id, end: len(out)})
	}
	return append(out, '}'), err
}
