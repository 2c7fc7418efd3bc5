package ews

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// Reading EWS items and folders into Graph JSON, driven by the model's
// schema: each child element of an item is looked up by its name among the
// schema's FieldURIs and converted by the property's kind, or by the shape
// codec of its complex type.

// converter converts EWS elements read from x into Graph JSON.
type converter struct {
	x   *xmlReader
	buf []byte // element text
	// id is the EWS id of the last item converted.
	id []byte
	// ex is set when a Mailbox read names someone by X.500 address
	// (RoutingType EX), as FindItem and SyncFolderItems do for the
	// organisation's own mailboxes; the caller resets it.
	ex bool
	// owa is Outlook on the web's address on the server ("https://<host>/owa/"):
	// EWS gives an item's web links as query strings to add to it
	// (ref/webclientreadformquerystring), where Graph's webLink is the
	// whole link.
	owa string
	// atts are the file attachments read, for $expand=attachments to add
	// their content to.
	atts []attRef
	// zone is the zone times of events are given in (Prefer:
	// outlook.timezone), "" for UTC.
	zone string
	// seriesMasters are the ids of the series masters of the
	// occurrences and exceptions being read, by their UID (events).
	seriesMasters map[string]string
}

// converter returns a converter for the call's answers.
func (c *call) converter() *converter {
	return &converter{owa: "https://" + c.b.url.Host + "/owa/"}
}

// webClientFields are the FieldURIs whose value is the query string of an
// item's Outlook on the web address, made a link under the converter's owa.
var webClientFields = map[string]bool{"item:WebClientReadFormQueryString": true, "item:WebClientEditFormQueryString": true}

// attRef is a file attachment in the JSON written: its EWS id, and the
// offset of the brace that closes its object.
type attRef struct {
	id  string
	end int
}

// itemTypes are the EWS item elements that are not plain messages, and the
// Graph type they are read as.
var itemTypes = map[string]string{
	"MeetingRequest":      "eventMessageRequest",
	"MeetingResponse":     "eventMessageResponse",
	"MeetingCancellation": "eventMessage",
	"MeetingMessage":      "eventMessage",
}

// meetingTypes are the meetingMessageType of the meeting items whose
// element alone says it.
var meetingTypes = map[string]string{
	"MeetingRequest":      "meetingRequest",
	"MeetingCancellation": "meetingCancelled",
}

// text reads the text of the current element into c.buf, trimmed.
func (c *converter) text() ([]byte, error) {
	var err error
	c.buf, err = c.x.textInto(c.buf[:0])
	if err != nil {
		return nil, err
	}
	return bytes.TrimSpace(c.buf), nil
}

// entity converts the item or folder element just read into a Graph JSON
// object appended to out.
func (c *converter) entity(out []byte, s *odata.Schema) ([]byte, error) {
	ix := indexOf(s)
	out = append(out, '{')
	if t := itemTypes[string(c.x.local)]; t != "" {
		out = member(out, "@odata.type")
		out = append(out, `"#microsoft.graph.`...)
		out = append(out, t...)
		out = append(out, '"')
		if m := meetingTypes[string(c.x.local)]; m != "" && ix.graph["meetingMessageType"] != nil {
			out = member(out, "meetingMessageType")
			out = appendString(out, m)
		}
	}
	var single, multi []byte
	var hook entityHook
	if h := entityHooks[s.Name]; h != nil {
		hook = h(c, s)
	}
	err := c.x.children(func() error {
		name := c.x.local
		if hook != nil {
			handled, o, err := hook.element(out)
			if handled || err != nil {
				out = o
				return err
			}
		}
		switch string(name) {
		case "ItemId", "FolderId":
			if id, ok := c.x.attr("Id"); ok && string(name) == "ItemId" {
				c.id = append(c.id[:0], id...)
			}
			out = c.idMembers(out)
			return c.x.skip()
		case "ExtendedProperty":
			var err error
			claim, _ := hook.(extendedClaimer)
			single, multi, err = c.extendedProperty(single, multi, claim)
			return err
		}
		p := ix.elem[string(name)]
		if p == nil {
			return c.x.skip()
		}
		var err error
		out, err = c.value(out, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(single) > 0 && ix.graph["singleValueExtendedProperties"] != nil {
		out = member(out, "singleValueExtendedProperties")
		out = append(out, '[')
		out = append(out, single...)
		out = append(out, ']')
	}
	if len(multi) > 0 && ix.graph["multiValueExtendedProperties"] != nil {
		out = member(out, "multiValueExtendedProperties")
		out = append(out, '[')
		out = append(out, multi...)
		out = append(out, ']')
	}
	if hook != nil {
		if out, err = hook.finish(out); err != nil {
			return nil, err
		}
	}
	return append(out, '}'), nil
}

// idMembers appends the id, change key and etag of an ItemId or FolderId.
func (c *converter) idMembers(out []byte) []byte {
	if id, ok := c.x.attr("Id"); ok {
		out = member(out, "id")
		out = append(out, '"')
		out = appendRestID(out, id)
		out = append(out, '"')
	}
	if ck, ok := c.x.attr("ChangeKey"); ok && len(ck) > 0 {
		out = member(out, "changeKey")
		out = appendString(out, ck)
		out = member(out, "@odata.etag")
		out = appendString(out, etag(string(ck)))
	}
	return out
}

// value appends the member for property p from the element just read.
func (c *converter) value(out []byte, p *odata.Prop) ([]byte, error) {
	if idFields[p.EWS] {
		id, ok := c.x.attr("Id")
		if !ok {
			return out, c.x.skip()
		}
		out = member(out, p.Graph)
		out = append(out, '"')
		out = appendRestID(out, id)
		out = append(out, '"')
		return out, c.x.skip()
	}
	if p.Kind == odata.KindObject {
		var cd *codec
		if p.Elem != nil {
			cd = codecs[p.Elem.Name]
		}
		if cd == nil || cd.read == nil {
			return out, c.x.skip() // a shape this package cannot read
		}
		mark := len(out)
		out = member(out, p.Graph)
		body := len(out)
		var err error
		out, err = cd.read(c, p, out)
		if err != nil {
			return nil, err
		}
		if len(out) == body { // nothing to say
			out = out[:mark]
		}
		return out, nil
	}
	if p.Collection {
		out = member(out, p.Graph)
		out = append(out, '[')
		err := c.x.children(func() error {
			t, err := c.text()
			if err != nil {
				return err
			}
			out = comma(out)
			out, err = scalar(out, p, t)
			return err
		})
		return append(out, ']'), err
	}
	t, err := c.text()
	if err != nil {
		return nil, err
	}
	out = member(out, p.Graph)
	if webClientFields[p.EWS] && c.owa != "" && bytes.HasPrefix(t, []byte("?")) {
		// A link holds no white space (a published example of
		// SyncFolderItems breaks the value over two lines).
		link := append([]byte(c.owa), bytes.Join(bytes.Fields(t), nil)...)
		return appendString(out, link), nil
	}
	return scalar(out, p, t)
}

// scalar appends the JSON value of an element's text for property p.
func scalar(out []byte, p *odata.Prop, t []byte) ([]byte, error) {
	switch p.Kind {
	case odata.KindBool:
		switch string(t) {
		case "true", "1":
			return append(out, "true"...), nil
		case "false", "0":
			return append(out, "false"...), nil
		}
	case odata.KindInt:
		if _, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return append(out, t...), nil
		}
	case odata.KindFloat:
		if f, err := strconv.ParseFloat(string(t), 64); err == nil && !isNaNOrInf(f) {
			return strconv.AppendFloat(out, f, 'g', -1, 64), nil
		}
	case odata.KindTime:
		if tm, ok := parseDateTime(t); ok {
			return appendTime(out, tm), nil
		}
	case odata.KindDate:
		if len(t) >= 10 {
			if _, err := time.Parse("2006-01-02", string(t[:10])); err == nil {
				return appendString(out, t[:10]), nil
			}
		}
	case odata.KindBinary:
		t = bytes.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
				return -1
			}
			return r
		}, t)
		if _, err := base64.StdEncoding.DecodeString(string(t)); err == nil {
			return appendString(out, t), nil
		}
	case odata.KindEnum:
		return appendString(out, graphEnum(p.Enum, string(t))), nil
	default:
		return appendString(out, t), nil
	}
	return nil, fmt.Errorf("%w: %s: %q is not a valid value", errXML, p.EWS, truncate(string(t), 40))
}

func isNaNOrInf(f float64) bool {
	return f != f || f > 1.7976931348623157e308 || f < -1.7976931348623157e308
}

// parseDateTime reads an xs:dateTime: with a zone, or without one (UTC,
// as EWS means it when no time zone context is sent).
func parseDateTime(t []byte) (time.Time, bool) {
	s := string(t)
	if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return tm, true
	}
	if tm, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return tm, true
	}
	return time.Time{}, false
}

// appendTime appends an instant as Graph writes it: UTC, RFC 3339.
func appendTime(out []byte, t time.Time) []byte {
	out = append(out, '"')
	out = t.UTC().AppendFormat(out, time.RFC3339Nano)
	return append(out, '"')
}

// extendedClaimer is an entity hook that reads some extended properties
// as properties of its own (a contact's phonetic company name).
type extendedClaimer interface {
	// claimExtended reports whether the single-value property id (in
	// Graph's form) is the hook's, and takes its value if so.
	claimExtended(id string, value []byte) bool
}

// extendedProperty reads an ExtendedProperty element into the Graph
// single- or multi-value extended property it is, unless claim (nil for
// none) takes it.
func (c *converter) extendedProperty(single, multi []byte, claim extendedClaimer) ([]byte, []byte, error) {
	var id string
	var values [][]byte
	isMulti := false
	err := c.x.children(func() error {
		switch string(c.x.local) {
		case "ExtendedFieldURI":
			id = graphExtendedID(c.x)
			return c.x.skip()
		case "Value":
			t, err := c.x.textInto(nil)
			values = append(values, t)
			return err
		case "Values":
			isMulti = true
			return c.x.children(func() error {
				t, err := c.x.textInto(nil)
				values = append(values, t)
				return err
			})
		}
		return c.x.skip()
	})
	if err != nil || id == "" {
		return single, multi, err
	}
	if isMulti {
		multi = comma(multi)
		multi = append(multi, `{"id":`...)
		multi = appendString(multi, id)
		multi = append(multi, `,"value":[`...)
		for i, v := range values {
			if i > 0 {
				multi = append(multi, ',')
			}
			multi = appendString(multi, v)
		}
		multi = append(multi, "]}"...)
		return single, multi, nil
	}
	var v []byte
	if len(values) > 0 {
		v = values[0]
	}
	if claim != nil && claim.claimExtended(id, v) {
		return single, multi, nil
	}
	single = comma(single)
	single = append(single, `{"id":`...)
	single = appendString(single, id)
	single = append(single, `,"value":`...)
	single = appendString(single, v)
	single = append(single, '}')
	return single, multi, nil
}

// distinguishedSets are the property sets EWS names, and their GUIDs, as
// Microsoft's "Commonly used property sets" lists them.
var distinguishedSets = map[string]string{
	"Address":           "00062004-0000-0000-C000-000000000046",
	"Appointment":       "00062002-0000-0000-C000-000000000046",
	"CalendarAssistant": "11000E07-B51B-40D6-AF21-CAA85EDAB1D0",
	"Common":            "00062008-0000-0000-C000-000000000046",
	"InternetHeaders":   "00020386-0000-0000-C000-000000000046",
	"Meeting":           "6ED8DA90-450B-101B-98DA-00AA003F1305",
	"PublicStrings":     "00020329-0000-0000-C000-000000000046",
	"Sharing":           "00062040-0000-0000-C000-000000000046",
	"Task":              "00062003-0000-0000-C000-000000000046",
	"UnifiedMessaging":  "4442858E-A9E3-4E80-B900-317A210CC15B",
}

// graphExtendedID spells the ExtendedFieldURI just read as a Graph extended
// property id: "String {guid} Name X", "Integer {guid} Id 0x8201" or
// "String 0x0037"; "" when it is none of these.
func graphExtendedID(x *xmlReader) string {
	typ, _ := x.attr("PropertyType")
	if len(typ) == 0 {
		return ""
	}
	if tag, ok := x.attr("PropertyTag"); ok {
		// Hexadecimal with "0x", or a decimal short.
		n, err := strconv.ParseUint(string(tag), 0, 16)
		if err != nil {
			return ""
		}
		return fmt.Sprintf("%s 0x%04X", typ, n)
	}
	guid := ""
	if set, ok := x.attr("PropertySetId"); ok {
		guid = string(set)
	} else if d, ok := x.attr("DistinguishedPropertySetId"); ok {
		guid = distinguishedSets[string(d)]
	}
	if guid == "" {
		return ""
	}
	if name, ok := x.attr("PropertyName"); ok {
		return string(typ) + " {" + guid + "} Name " + string(name)
	}
	if id, ok := x.attr("PropertyId"); ok {
		n, err := strconv.ParseUint(string(id), 0, 16)
		if err != nil {
			return ""
		}
		return fmt.Sprintf("%s {%s} Id 0x%04X", typ, guid, n)
	}
	return ""
}
