package ews

// Items: response shapes, writing a message, and the item operations
// (FindItem, GetItem, CreateItem, UpdateItem, DeleteItem, MoveItem,
// CopyItem, SendItem).

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// findCountLimit is EWSFindCountLimit, the most items Exchange Server
// returns from one FindItem (default throttling policy, Exchange 2013 and
// later).
const findCountLimit = 1000

// maxSendSize is the largest message Exchange Server sends by default
// (Get-TransportConfig MaxSendSize, 10 MB).
const maxSendSize = 10 << 20

// result is one response message: an error, or the content written after
// ResponseCode NoError.
type result struct {
	err   *respErr
	write func(w *writer)
}

// respond writes an operation's response: one response message per
// result, in the order of the request's items.
func (c *call) respond(w *writer, results []result) {
	w.open("m:"+c.op+"Response", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
	w.open("m:ResponseMessages")
	for _, r := range results {
		name := "m:" + c.op + "ResponseMessage"
		if r.err != nil {
			w.open(name, "ResponseClass", "Error")
			w.leaf("m:MessageText", r.err.text)
			w.leaf("m:ResponseCode", r.err.code)
			w.leaf("m:DescriptiveLinkKey", "0")
			w.close(name)
			continue
		}
		w.open(name, "ResponseClass", "Success")
		w.leaf("m:ResponseCode", "NoError")
		if r.write != nil {
			r.write(w)
		}
		w.close(name)
	}
	w.close("m:ResponseMessages")
	w.close("m:" + c.op + "Response")
}

// itemShape is a parsed ItemShape.
type itemShape struct {
	base  string // IdOnly, Default or AllProperties
	extra map[*prop]bool
	ext   []extProp
	mime  bool
	body  string // Best, HTML or Text
	// uris are the FieldURIs AdditionalProperties names, for the kinds of
	// item whose properties are not messages' (calendar items, contacts).
	uris map[string]bool
}

// validPrefixes are the FieldURI prefixes of the schema; the fake knows
// the item:, message: and folder: ones by name, and ignores the others on
// messages (a message has no calendar: property, so none is written).
var validPrefixes = map[string]bool{
	"item": true, "message": true, "meeting": true, "meetingRequest": true, "calendar": true, "task": true,
	"contacts": true, "distributionlist": true, "postitem": true, "conversation": true, "persona": true,
	"folder": true, "itemTraversal": true, "folderTraversal": true, "rolemember": true, "network": true, "person": true,
}

func (c *call) parseItemShape(e *elem) (*itemShape, *fault) {
	if e == nil {
		return nil, schemaFault(1, 1, "The element '"+c.op+"' has incomplete content. List of possible elements expected: 'ItemShape'.")
	}
	base := e.t("BaseShape")
	if base == nil {
		return nil, schemaFault(e.line, e.col, "The element 'ItemShape' has incomplete content. List of possible elements expected: 'BaseShape'.")
	}
	sh := &itemShape{base: base.value(), extra: map[*prop]bool{}, body: "Best"}
	switch sh.base {
	case "IdOnly", "Default", "AllProperties":
	case "PcxPeopleSearch":
		sh.base = "IdOnly"
	default:
		return nil, schemaFault(base.line, base.col, "The 'BaseShape' element is invalid - The value '"+sh.base+"' is invalid according to its datatype.")
	}
	if v := e.t("IncludeMimeContent"); v != nil {
		b, err := parseBool(v.text)
		if err != nil {
			return nil, schemaFault(v.line, v.col, err.Error())
		}
		sh.mime = b
	}
	if v := e.t("BodyType"); v != nil {
		switch sh.body = v.value(); sh.body {
		case "Best", "HTML", "Text":
		default:
			return nil, schemaFault(v.line, v.col, "The 'BodyType' element is invalid - The value '"+sh.body+"' is invalid according to its datatype.")
		}
	}
	if ap := e.t("AdditionalProperties"); ap != nil {
		if f := c.additionalItemProps(ap, sh); f != nil {
			return nil, f
		}
	}
	return sh, nil
}

func (c *call) additionalItemProps(ap *elem, sh *itemShape) *fault {
	for _, k := range ap.kids {
		switch {
		case k.is(nsTypes, "FieldURI"):
			uri, _ := k.attr("FieldURI")
			p, known, f := itemPath(uri, k)
			if f != nil {
				return f
			}
			if known && p != nil {
				sh.extra[p] = true
			}
			if sh.uris == nil {
				sh.uris = map[string]bool{}
			}
			sh.uris[uri] = true
			if uri == "item:MimeContent" {
				sh.mime = true
			}
		case k.is(nsTypes, "ExtendedFieldURI"):
			xp, err := parseExtended(k)
			if err != nil {
				return schemaFault(k.line, k.col, err.Error())
			}
			sh.ext = append(sh.ext, xp)
		case k.is(nsTypes, "IndexedFieldURI"):
			// Indexed properties belong to contacts, which show the whole
			// dictionary the entry is in.
			uri, _ := k.attr("FieldURI")
			if d := contactDictionaries[uri]; d != "" {
				if sh.uris == nil {
					sh.uris = map[string]bool{}
				}
				sh.uris[d] = true
			}
		default:
			return schemaFault(k.line, k.col, "The element '"+k.local+"' is not a property path.")
		}
	}
	return nil
}

// itemPath resolves a FieldURI on messages: the property, or nil for a
// valid URI that messages do not have (known is true for both); a fault
// for a value the schema does not allow.
func itemPath(uri string, at *elem) (*prop, bool, *fault) {
	prefix, name, ok := strings.Cut(uri, ":")
	if !ok || !validPrefixes[prefix] || name == "" {
		return nil, false, schemaFault(at.line, at.col, "The 'FieldURI' attribute is invalid - The value '"+uri+"' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:UnindexedFieldURIType' - The Enumeration constraint failed.")
	}
	if p := messageByURI[uri]; p != nil {
		return p, true, nil
	}
	if prefix == "item" || prefix == "message" {
		if _, ok := messageIndex[name]; !ok && name != "MimeContentUTF8" && name != "FirstBody" {
			return nil, false, schemaFault(at.line, at.col, "The 'FieldURI' attribute is invalid - The value '"+uri+"' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:UnindexedFieldURIType' - The Enumeration constraint failed.")
		}
	}
	return nil, true, nil
}

// includes reports whether the shape writes p for an item in a find
// context (FindItem, SyncFolderItems) or not.
func (sh *itemShape) includes(p *prop, find bool) bool {
	if find && !p.find {
		// FindItem and SyncFolderItems return no body, recipient list,
		// attachment or MIME content, whatever was asked.
		return false
	}
	switch {
	case p.name == "ItemId":
		return true
	case p.name == "MimeContent":
		return sh.mime
	case sh.extra[p], sh.uris[p.uri]:
		return true
	case sh.base == "Default":
		return p.def
	case sh.base == "AllProperties":
		return p.all && !(find && p.notSummary)
	}
	return false
}

// writeMessage writes one message in the shape asked for.
func (c *call) writeMessage(w *writer, m *store.Mailbox, e *store.Entity, sh *itemShape, find bool) {
	x := &itemCtx{c: c, m: m, e: e, o: e.Object(), find: find, body: sh.body}
	w.open("t:Message")
	extDone := len(sh.ext) == 0
	for _, p := range messageProps {
		if !extDone && messageIndex[p.name] > messageIndex["ExtendedProperty"] {
			c.writeExtended(w, x, sh.ext)
			extDone = true
		}
		if sh.includes(p, find) {
			p.write(x, w)
		}
	}
	if !extDone {
		c.writeExtended(w, x, sh.ext)
	}
	w.close("t:Message")
}

// writeExtended writes the extended properties asked for that the item
// has.
func (c *call) writeExtended(w *writer, x *itemCtx, ext []extProp) {
	for _, p := range ext {
		writeExtendedProperty(w, p, extValue(x.o, x, p))
	}
}

// writeExtendedProperty writes one extended property of an item or a
// folder with its value (a string, or a []string for a multi-valued
// one); nothing when the value is nil (the property is not set).
func writeExtendedProperty(w *writer, p extProp, v any) {
	if v == nil {
		return
	}
	w.open("t:ExtendedProperty")
	w.empty("t:ExtendedFieldURI", p.attrs()...)
	switch v := v.(type) {
	case []string:
		w.open("t:Values")
		for _, s := range v {
			w.leaf("t:Value", s)
		}
		w.close("t:Values")
	case string:
		w.leaf("t:Value", v)
	}
	w.close("t:ExtendedProperty")
}

// messageFlags is PR_MESSAGE_FLAGS: read (1), unsent (8), has
// attachments (0x10).
func messageFlags(o Object) int {
	n := 0
	if r, _ := o["isRead"].(bool); r {
		n |= 1
	}
	if d, _ := o["isDraft"].(bool); d {
		n |= 8
	}
	if a, _ := o["hasAttachments"].(bool); a {
		n |= 0x10
	}
	return n
}

// taggedProps are the MAPI properties of a message the store keeps under
// Graph names: PropertyTag -> Graph property.
var taggedProps = map[int64]string{
	0x0037: "subject", 0x1035: "internetMessageId", 0x0E06: "receivedDateTime", 0x0039: "sentDateTime",
	0x3007: "createdDateTime", 0x3008: "lastModifiedDateTime", 0x0E1B: "hasAttachments", 0x10F4: "isHidden",
}

// contactExtended returns the Graph property of a contact that an
// extended property is, "" for none: PidTagDisplayNamePrefix is the title
// (which EWS writes only this way, CompleteName being read-only) and
// PidLidYomiCompanyName the company's phonetic name (which EWS has no
// element for).
func contactExtended(p extProp) string {
	switch {
	case p.setGUID == "" && p.tag == 0x3A45 && p.typ == "String":
		return "title"
	case p.setGUID == distinguishedSets["Address"] && p.hasID && p.id == 0x802E && p.typ == "String":
		return "yomiCompanyName"
	}
	return ""
}

// extValue reads an extended property of an item or folder: a string, a
// list of strings for an array, or nil when it has none.
func extValue(o Object, x *itemCtx, p extProp) any {
	if p.headers {
		hs, _ := o["internetMessageHeaders"].([]any)
		for _, h := range hs {
			ho, _ := h.(map[string]any)
			if n, _ := ho["name"].(string); strings.EqualFold(n, p.name) {
				v, _ := ho["value"].(string)
				return v
			}
		}
		return nil
	}
	if p.setGUID == "" {
		switch p.tag {
		case 0x0E07:
			return strconv.Itoa(messageFlags(o))
		case 0x0E08:
			if x != nil && x.e != nil {
				return strconv.Itoa(itemSize(x))
			}
		case 0x1000:
			b, _ := o["body"].(map[string]any)
			s, _ := b["content"].(string)
			if b["contentType"] == "html" {
				s = store.HTMLToText(s)
			}
			return s
		}
		if g, ok := taggedProps[p.tag]; ok {
			switch v := o[g].(type) {
			case string:
				if p.typ == "SystemTime" {
					return ewsTime(v)
				}
				return v
			case bool:
				return boolText(v)
			}
			return nil
		}
	}
	if g := contactExtended(p); g != "" && x != nil && x.e != nil && x.e.Set() == "contacts" {
		if v, _ := o[g].(string); v != "" {
			return v
		}
		return nil
	}
	key := "singleValueExtendedProperties"
	if p.isArray() {
		key = "multiValueExtendedProperties"
	}
	props, _ := o[key].([]any)
	for _, sp := range props {
		so, _ := sp.(map[string]any)
		id, _ := so["id"].(string)
		if !sameExtended(id, p) {
			continue
		}
		switch v := so["value"].(type) {
		case string:
			return v
		case []any:
			var out []string
			for _, s := range v {
				if str, ok := s.(string); ok {
					out = append(out, str)
				}
			}
			return out
		}
	}
	return nil
}

// itemResolver resolves a property path for restrictions and sorting on
// messages.
func (c *call) itemResolver() pathResolver[*itemCtx] {
	return func(path *elem) (func(*itemCtx) any, bool, *respErr, *fault) {
		switch {
		case path.is(nsTypes, "FieldURI"):
			uri, _ := path.attr("FieldURI")
			p, _, f := itemPath(uri, path)
			if f != nil {
				return nil, false, nil, f
			}
			switch {
			case p == nil:
				// A property of other item types (calendar:Start): no
				// message has it.
				return func(*itemCtx) any { return nil }, true, nil, nil
			case p.value == nil:
				return nil, false, errf("ErrorUnsupportedPathForQuery", "The property can not be used with this type of restriction."), nil
			}
			return p.value, true, nil, nil
		case path.is(nsTypes, "ExtendedFieldURI"):
			xp, err := parseExtended(path)
			if err != nil {
				return nil, false, nil, schemaFault(path.line, path.col, err.Error())
			}
			return func(x *itemCtx) any {
				v := extValue(x.o, x, xp)
				if s, ok := v.(string); ok {
					return typedExt(xp, s)
				}
				return v
			}, true, nil, nil
		case path.is(nsTypes, "IndexedFieldURI"):
			return func(*itemCtx) any { return nil }, true, nil, nil
		}
		return nil, false, nil, schemaFault(path.line, path.col, "The element '"+path.local+"' is not a property path.")
	}
}

// typedExt gives an extended property's value the type its PropertyType
// says, for comparisons.
func typedExt(p extProp, s string) any {
	switch p.typ {
	case "Integer", "Short", "Long", "Double", "Float", "Currency":
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return f
		}
	case "Boolean":
		if b, err := parseBool(s); err == nil {
			return b
		}
	case "SystemTime":
		if t, err := parseTime(s); err == nil {
			return t
		}
	}
	return s
}

// messagesIn returns the messages of a folder, as item contexts.
func (c *call) messagesIn(m *store.Mailbox, folder *store.Entity) []*itemCtx {
	var out []*itemCtx
	for _, e := range m.List("messages", func(e *store.Entity) bool { return e.Parent() == folder.ID() }) {
		out = append(out, &itemCtx{c: c, m: m, e: e, o: e.Object(), find: true})
	}
	return out
}

// findItem serves FindItem.
func (c *call) findItem(op *elem, w *writer) *fault {
	switch tr := op.attrOr("Traversal", ""); tr {
	case "Shallow", "SoftDeleted", "Associated":
	default:
		return schemaFault(op.line, op.col, "The 'Traversal' attribute is invalid - The value '"+tr+"' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:ItemQueryTraversalType' - The Enumeration constraint failed.")
	}
	sh, f := c.parseItemShape(op.m("ItemShape"))
	if f != nil {
		return f
	}
	if k := c.parentsKind(op); k != nil {
		return c.findKindItems(op, w, sh, k)
	}
	if op.m("CalendarView") != nil {
		rerr := errf("ErrorCalendarFolderIsInvalidForCalendarView", "The folder is not a calendar folder.")
		if p := op.m("ParentFolderIds"); p != nil && len(p.kids) > 0 {
			if _, ferr, _ := c.folderByID(p.kids[0]); ferr != nil {
				rerr = ferr // a folder the caller may not open, say
			}
		}
		c.respond(w, []result{{err: rerr}})
		return nil
	}
	for _, v := range []string{"ContactsView", "SeekToConditionPageItemView"} {
		if op.m(v) != nil {
			return notImplemented("FindItem with " + v)
		}
	}
	pg, f := parsePaging(op.m("IndexedPageItemView"), op.m("FractionalPageItemView"))
	if f != nil {
		return f
	}
	cond, rerr, f := compileRestriction(op.m("Restriction"), c.itemResolver())
	if f != nil {
		return f
	}
	keys, kerr, f := compileSort(op.m("SortOrder"), c.itemResolver())
	if f != nil {
		return f
	}
	if rerr == nil {
		rerr = kerr
	}
	var search *query.Search
	if qs := op.m("QueryString"); qs != nil && rerr == nil {
		s, err := query.ParseSearch(strings.TrimSpace(qs.text))
		if err != nil {
			rerr = errf("ErrorInvalidArgument", "The query string is not valid: "+err.Error())
		}
		search = s
	}
	group, f := c.parseGroupBy(op)
	if f != nil {
		return f
	}
	parents := op.m("ParentFolderIds")
	if parents == nil || len(parents.kids) == 0 {
		return schemaFault(op.line, op.col, "The element 'FindItem' has incomplete content. List of possible elements expected: 'ParentFolderIds'.")
	}
	traversal := op.attrOr("Traversal", "")
	var results []result
	for _, fid := range parents.kids {
		fo, ferr, f := c.folderByID(fid)
		if f != nil {
			return f
		}
		if ferr == nil && rerr != nil {
			ferr = rerr
		}
		if ferr == nil {
			ferr = pg.check()
		}
		if ferr != nil {
			results = append(results, result{err: ferr})
			continue
		}
		mf, ferr := fo.mailFolder()
		if ferr != nil {
			results = append(results, result{err: ferr})
			continue
		}
		var xs []*itemCtx
		if traversal == "Shallow" {
			xs = c.messagesIn(fo.m, mf)
		}
		kept := xs[:0]
		for _, x := range xs {
			if cond(x) && (search == nil || search.Match(x.o)) {
				kept = append(kept, x)
			}
		}
		if len(keys) > 0 {
			sortBy(kept, keys)
		} else {
			sortBy(kept, []sortKey[*itemCtx]{{get: messageByURI["item:DateTimeReceived"].value, desc: true}})
		}
		results = append(results, result{write: func(w *writer) {
			if group != nil {
				c.writeGroups(w, kept, group, pg, sh)
				return
			}
			page, attrs := pg.page(len(kept))
			w.open("m:RootFolder", attrs...)
			w.open("t:Items")
			for _, x := range kept[page.from:page.to] {
				c.writeMessage(w, x.m, x.e, sh, true)
			}
			w.close("t:Items")
			w.close("m:RootFolder")
		}})
	}
	c.respond(w, results)
	return nil
}

// paging is a parsed IndexedPage(Item|Folder)View or FractionalPage...
// View, or none.
type paging struct {
	kind        string // "", "indexed", "fractional"
	max         int    // 0: no limit given
	maxSet      bool
	offset      int
	fromEnd     bool
	numerator   int
	denominator int
}

type span struct{ from, to int }

func parsePaging(indexed, fractional *elem) (*paging, *fault) {
	pg := &paging{}
	atoi := func(e *elem, name string, required bool) (int, *fault) {
		v, ok := e.attr(name)
		if !ok {
			if required {
				return 0, schemaFault(e.line, e.col, "The required attribute '"+name+"' is missing.")
			}
			return 0, nil
		}
		if name == "MaxEntriesReturned" {
			pg.maxSet = true
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0, schemaFault(e.line, e.col, "The '"+name+"' attribute is invalid - The value '"+v+"' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:int'.")
		}
		return n, nil
	}
	var f *fault
	switch {
	case indexed != nil:
		pg.kind = "indexed"
		if pg.max, f = atoi(indexed, "MaxEntriesReturned", false); f != nil {
			return nil, f
		}
		if pg.offset, f = atoi(indexed, "Offset", true); f != nil {
			return nil, f
		}
		switch bp := indexed.attrOr("BasePoint", ""); bp {
		case "Beginning":
		case "End":
			pg.fromEnd = true
		default:
			return nil, schemaFault(indexed.line, indexed.col, "The 'BasePoint' attribute is invalid - The value '"+bp+"' is invalid according to its datatype.")
		}
	case fractional != nil:
		pg.kind = "fractional"
		if pg.max, f = atoi(fractional, "MaxEntriesReturned", false); f != nil {
			return nil, f
		}
		if pg.numerator, f = atoi(fractional, "Numerator", true); f != nil {
			return nil, f
		}
		if pg.denominator, f = atoi(fractional, "Denominator", true); f != nil {
			return nil, f
		}
	}
	return pg, nil
}

// check reports the paging errors EWS gives in the response message.
func (pg *paging) check() *respErr {
	switch {
	case pg.kind != "" && pg.maxSet && pg.max <= 0:
		return errf("ErrorInvalidPagingMaxRows", "Paging with a maximum of zero or fewer rows is invalid.")
	case pg.kind == "indexed" && pg.offset < 0:
		return errf("ErrorInvalidIndexedPagingParameters", "The offset for indexed paging cannot be negative.")
	case pg.kind == "fractional" && (pg.denominator <= 0 || pg.numerator < 0 || pg.numerator > pg.denominator):
		return errf("ErrorInvalidFractionalPagingParameters", "The fractional paging parameters are invalid.")
	}
	return nil
}

// page returns the members to show of total, and the RootFolder
// attributes that describe the page.
func (pg *paging) page(total int) (span, []string) {
	limit := findCountLimit
	if pg.max > 0 && pg.max < limit {
		limit = pg.max
	}
	var sp span
	var attrs []string
	switch pg.kind {
	case "indexed":
		if pg.fromEnd {
			end := max(0, total-pg.offset)
			sp = span{max(0, end-limit), end}
			attrs = []string{"IndexedPagingOffset", strconv.Itoa(pg.offset + (sp.to - sp.from))}
			attrs = append(attrs, "TotalItemsInView", strconv.Itoa(total), "IncludesLastItemInRange", boolText(sp.from == 0))
			return sp, attrs
		}
		from := min(pg.offset, total)
		sp = span{from, min(total, from+limit)}
		attrs = []string{"IndexedPagingOffset", strconv.Itoa(sp.to)}
	case "fractional":
		from := 0
		if pg.denominator > 0 {
			from = total * pg.numerator / pg.denominator
		}
		sp = span{from, min(total, from+limit)}
		attrs = []string{"NumeratorOffset", strconv.Itoa(sp.to), "AbsoluteDenominator", strconv.Itoa(total)}
	default:
		sp = span{0, min(total, limit)}
	}
	attrs = append(attrs, "TotalItemsInView", strconv.Itoa(total), "IncludesLastItemInRange", boolText(sp.to >= total))
	return sp, attrs
}

// getItem serves GetItem.
func (c *call) getItem(op *elem, w *writer) *fault {
	sh, f := c.parseItemShape(op.m("ItemShape"))
	if f != nil {
		return f
	}
	list := op.m("ItemIds")
	if list == nil || len(list.kids) == 0 {
		return schemaFault(op.line, op.col, "The element 'GetItem' has incomplete content. List of possible elements expected: 'ItemIds'.")
	}
	var results []result
	for _, idElem := range list.kids {
		m, e, rerr := c.anyItem(idElem)
		if rerr == nil && sh.uris["item:Attachments"] && c.hidesDetails(e) {
			// Asked for the attachments of a shared event its role does
			// not show whole: refused, as Graph refuses them, rather than
			// an item that seems to have none.
			rerr = errAccessDenied
		}
		if rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		results = append(results, result{write: func(w *writer) {
			w.open("m:Items")
			c.writeItem(w, m, e, sh, false)
			w.close("m:Items")
		}})
	}
	c.respond(w, results)
	return nil
}

// readMessage reads the properties of a Message element of a request into
// the set context, checking their order against the schema.
func (x *setCtx) readMessage(msg *elem) (*respErr, *fault) {
	last := -1
	for _, k := range msg.kids {
		if k.space != nsTypes {
			return nil, schemaFault(k.line, k.col, "The element '"+k.local+"' in namespace '"+k.space+"' is not expected in a Message.")
		}
		i, ok := messageIndex[k.local]
		if !ok {
			return nil, schemaFault(k.line, k.col, "The element 'Message' in namespace '"+nsTypes+"' has invalid child element '"+k.local+"'.")
		}
		if i < last || i == last && k.local != "ExtendedProperty" {
			return nil, schemaFault(k.line, k.col, "The element 'Message' in namespace '"+nsTypes+"' has invalid child element '"+k.local+"' in namespace '"+nsTypes+"'.")
		}
		last = i
		if rerr, f := x.setElement(k); rerr != nil || f != nil {
			return rerr, f
		}
	}
	return nil, nil
}

// acceptedUnkept are the settable message properties the fake accepts but
// does not keep (reminders of messages, references kept by MIME only).
var acceptedUnkept = map[string]bool{
	"ReminderDueBy": true, "ReminderIsSet": true, "ReminderMinutesBeforeStart": true, "InReplyTo": true,
	"References": true, "IsResponseRequested": true, "Culture": true, "ConversationIndex": true,
	"VotingInformation": true, "PolicyTag": true, "ArchiveTag": true, "RetentionDate": true, "ReminderNextTime": true,
}

// setElement applies one property element of a request.
func (x *setCtx) setElement(k *elem) (*respErr, *fault) {
	switch k.local {
	case "ExtendedProperty":
		return x.setExtended(k)
	case "Attachments":
		if !x.create {
			return errf("ErrorInvalidPropertySet", "Set action is invalid for property."), nil
		}
		for _, a := range k.kids {
			o, rerr, f := x.c.readAttachment(a)
			if rerr != nil || f != nil {
				return rerr, f
			}
			x.atts = append(x.atts, o)
		}
		return nil, nil
	}
	if acceptedUnkept[k.local] {
		return nil, nil
	}
	p := messageByElem[k.local]
	if p == nil || p.set == nil {
		return errf("ErrorInvalidPropertySet", "Set action is invalid for property."), nil
	}
	if p.afterSend && x.e != nil {
		if d, _ := x.e.Object()["isDraft"].(bool); !d {
			return errf("ErrorInvalidPropertyUpdateSentMessage", "This property can't be changed for a message that has been sent."), nil
		}
	}
	return p.set(x, k), nil
}

// setExtended applies one ExtendedProperty element.
func (x *setCtx) setExtended(k *elem) (*respErr, *fault) {
	uri := k.t("ExtendedFieldURI")
	if uri == nil {
		return nil, schemaFault(k.line, k.col, "An ExtendedProperty needs an ExtendedFieldURI.")
	}
	p, err := parseExtended(uri)
	if err != nil {
		return nil, schemaFault(uri.line, uri.col, err.Error())
	}
	var values []string
	if v := k.t("Value"); v != nil {
		values = []string{v.text}
	} else if vs := k.t("Values"); vs != nil {
		for _, v := range vs.all(nsTypes, "Value") {
			values = append(values, v.text)
		}
	}
	if len(values) == 0 || !p.isArray() && len(values) != 1 {
		return errf("ErrorInvalidExtendedPropertyValue", "The extended property value does not match its type."), nil
	}
	for _, v := range values {
		if err := p.checkValue(v); err != nil {
			return errf("ErrorInvalidExtendedPropertyValue", err.Error()), nil
		}
	}
	x.setExtendedValue(p, values)
	return nil, nil
}

func (x *setCtx) setExtendedValue(p extProp, values []string) {
	o := x.patch
	cur := func(key string) []any {
		if v, ok := o[key].([]any); ok {
			return v
		}
		if x.e != nil {
			if v, ok := x.e.Object()[key].([]any); ok {
				return append([]any(nil), v...)
			}
		}
		return []any{}
	}
	switch {
	case p.headers:
		hs := cur("internetMessageHeaders")
		kept := hs[:0]
		for _, h := range hs {
			ho, _ := h.(map[string]any)
			if n, _ := ho["name"].(string); !strings.EqualFold(n, p.name) {
				kept = append(kept, h)
			}
		}
		o["internetMessageHeaders"] = append(kept, Object{"name": p.name, "value": values[0]})
		return
	case p.setGUID == "" && p.tag == 0x0E07:
		n, _ := strconv.Atoi(strings.TrimSpace(values[0]))
		o["isRead"] = n&1 != 0
		x.memos["unsent"] = boolText(n&8 != 0)
		return
	case p.setGUID == "" && p.tag == 0x10F4:
		b, _ := parseBool(values[0])
		o["isHidden"] = b
		return
	}
	if g, ok := taggedProps[p.tag]; ok && p.setGUID == "" && g == "subject" {
		o["subject"] = values[0]
		return
	}
	if g := contactExtended(p); g != "" && (x.contact || x.e != nil && x.e.Set() == "contacts") {
		o[g] = values[0]
		return
	}
	key := "singleValueExtendedProperties"
	var value any = values[0]
	if p.isArray() {
		key = "multiValueExtendedProperties"
		vs := make([]any, len(values))
		for i, v := range values {
			vs[i] = v
		}
		value = vs
	}
	list := cur(key)
	kept := list[:0]
	for _, sp := range list {
		so, _ := sp.(map[string]any)
		if id, _ := so["id"].(string); !sameExtended(id, p) {
			kept = append(kept, sp)
		}
	}
	o[key] = append(kept, Object{"id": p.graphID(), "value": value})
}

// deleteExtended removes an extended property.
func (x *setCtx) deleteExtended(p extProp) {
	if g := contactExtended(p); g != "" && x.e != nil && x.e.Set() == "contacts" {
		x.patch[g] = nil
		return
	}
	for _, key := range []string{"singleValueExtendedProperties", "multiValueExtendedProperties", "internetMessageHeaders"} {
		list, _ := x.e.Object()[key].([]any)
		if v, ok := x.patch[key].([]any); ok {
			list = v
		}
		var kept []any
		changed := false
		for _, sp := range list {
			so, _ := sp.(map[string]any)
			id, _ := so["id"].(string)
			n, _ := so["name"].(string)
			if key == "internetMessageHeaders" && p.headers && strings.EqualFold(n, p.name) || key != "internetMessageHeaders" && sameExtended(id, p) {
				changed = true
				continue
			}
			kept = append(kept, sp)
		}
		if changed {
			if kept == nil {
				kept = []any{}
			}
			x.patch[key] = kept
		}
	}
}

// createItem serves CreateItem: messages (drafts, sent at once, or
// imported from MIME) and the responses to a message.
func (c *call) createItem(op *elem, w *writer) *fault {
	items := op.m("Items")
	if items == nil {
		return schemaFault(op.line, op.col, "The element 'CreateItem' has incomplete content. List of possible elements expected: 'Items'.")
	}
	disposition, hasDisposition := op.attr("MessageDisposition")
	switch disposition {
	case "", "SaveOnly", "SendOnly", "SendAndSaveCopy":
	default:
		return schemaFault(op.line, op.col, "The 'MessageDisposition' attribute is invalid - The value '"+disposition+"' is invalid according to its datatype.")
	}
	for _, it := range items.kids {
		switch it.local {
		case "Message", "Item", "ReplyToItem", "ReplyAllToItem", "ForwardItem", "CalendarItem", "Contact",
			"AcceptItem", "TentativelyAcceptItem", "DeclineItem", "CancelCalendarItem":
		case "SuppressReadReceipt", "AcceptSharingInvitation":
			return notImplemented("CreateItem of " + it.local)
		default:
			return schemaFault(it.line, it.col, "The element 'Items' has invalid child element '"+it.local+"'.")
		}
	}
	var saveIn *folder
	if sf := op.m("SavedItemFolderId"); sf != nil && len(sf.kids) == 1 {
		fo, ferr, f := c.folderByID(sf.kids[0])
		if f != nil {
			return f
		}
		if ferr != nil {
			if ferr.code == "ErrorFolderNotFound" {
				ferr = errf("ErrorSavedItemFolderNotFound", "The folder to save the item in could not be found.")
			}
			results := make([]result, len(items.kids))
			for i := range results {
				results[i] = result{err: ferr}
			}
			c.respond(w, results)
			return nil
		}
		saveIn = fo
	}
	var results []result
	for _, it := range items.kids {
		var r result
		var f *fault
		switch {
		case it.local == "CalendarItem" || it.local == "Contact":
			// Items that are not messages need no MessageDisposition.
			r, f = c.createKindItem(op, it, saveIn)
		case !hasDisposition:
			r = result{err: errf("ErrorMessageDispositionRequired", "MessageDisposition attribute is required.")}
		case it.local == "AcceptItem" || it.local == "TentativelyAcceptItem" || it.local == "DeclineItem":
			r, f = c.respondToMeeting(it, disposition)
		case it.local == "CancelCalendarItem":
			r, f = c.cancelMeeting(it, disposition)
		case it.local == "ForwardItem" && c.isCalendarRef(it):
			r, f = c.forwardMeeting(it)
		default:
			r, f = c.createOne(it, disposition, saveIn)
		}
		if f != nil {
			return f
		}
		results = append(results, r)
	}
	c.respond(w, results)
	return nil
}

// createOne creates one item of a CreateItem.
func (c *call) createOne(it *elem, disposition string, saveIn *folder) (result, *fault) {
	var m *store.Mailbox
	var rerr *respErr
	if saveIn != nil {
		m = saveIn.m
	} else {
		m, rerr = c.selfMailbox()
	}
	if rerr != nil {
		return result{err: rerr}, nil
	}
	var draft *store.Entity
	if it.local == "Message" || it.local == "Item" {
		x := &setCtx{c: c, m: m, patch: Object{}, memos: map[memoKey]string{}, create: true}
		if rerr, f := x.readMessage(it); rerr != nil || f != nil {
			return result{err: rerr}, f
		}
		folderID := m.WellKnown("drafts")
		if saveIn != nil && disposition == "SaveOnly" {
			mf, ferr := saveIn.mailFolder()
			if ferr != nil {
				return result{err: ferr}, nil
			}
			folderID = mf.ID()
		}
		if disposition != "SaveOnly" {
			if size := draftSize(x.patch, x.atts); size > maxSendSize {
				return result{err: errf("ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.")}, nil
			}
		}
		anys := make([]any, len(x.atts))
		for i, a := range x.atts {
			anys[i] = a
		}
		e, err := m.CreateWithAttachments("messages", folderID, x.patch, anys, true)
		if err != nil {
			return result{err: inputErr(err)}, nil
		}
		for k, v := range x.memos {
			if k == "unsent" {
				if v == "false" {
					m.Write(e, Object{"isDraft": false})
				}
				continue
			}
			e.SetMemo(k, v)
		}
		draft = e
	} else {
		e, rerr, f := c.composeResponse(m, it, disposition != "SaveOnly")
		if rerr != nil || f != nil {
			return result{err: rerr}, f
		}
		draft = e
	}
	if disposition == "SaveOnly" {
		// The answer names the new item and the attachments it was created
		// with.
		atts := m.List("attachments", func(a *store.Entity) bool { return a.Parent() == draft.ID() })
		return result{write: func(w *writer) {
			w.open("m:Items")
			w.open("t:Message")
			w.empty("t:ItemId", "Id", ewsID(draft.ID()), "ChangeKey", changeKey(draft))
			if len(atts) > 0 {
				w.open("t:Attachments")
				for _, a := range atts {
					kind := attachmentKind(a.Object())
					w.open("t:" + kind)
					w.empty("t:AttachmentId", "Id", ewsID(a.ID()))
					w.close("t:" + kind)
				}
				w.close("t:Attachments")
			}
			w.close("t:Message")
			w.close("m:Items")
		}}, nil
	}
	if rerr := c.send(m, draft, disposition == "SendAndSaveCopy", saveIn); rerr != nil {
		m.Purge(draft)
		return result{err: rerr}, nil
	}
	return result{write: func(w *writer) { w.empty("m:Items") }}, nil
}

// draftSize is the size of a message about to be created.
func draftSize(patch Object, atts []Object) int {
	n := 0
	if b, ok := patch["body"].(map[string]any); ok {
		s, _ := b["content"].(string)
		n += len(s)
	}
	for _, a := range atts {
		cb, _ := a["contentBytes"].(string)
		n += len(cb) * 3 / 4
	}
	return n
}

// send sends a draft, keeping the sent copy in Sent Items or the folder
// the request names when save is true.
func (c *call) send(m *store.Mailbox, draft *store.Entity, save bool, saveIn *folder) *respErr {
	o := draft.Object()
	n := 0
	for _, k := range []string{"toRecipients", "ccRecipients", "bccRecipients"} {
		rs, _ := o[k].([]any)
		n += len(rs)
	}
	if n == 0 {
		return errf("ErrorInvalidRecipients", "At least one recipient is required, but none were found.")
	}
	x := &itemCtx{c: c, m: m, e: draft, o: o}
	if itemSize(x)-1024 > maxSendSize {
		return errf("ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.")
	}
	folderID := ""
	if save {
		folderID = m.WellKnown("sentitems")
		if saveIn != nil {
			mf, ferr := saveIn.mailFolder()
			if ferr != nil {
				return ferr
			}
			folderID = mf.ID()
		}
	}
	m.SendTo(draft, folderID)
	return nil
}

// composeResponse creates the draft of a ReplyToItem, ReplyAllToItem or
// ForwardItem through the store's composition, shared with the REST
// hosts.
func (c *call) composeResponse(m *store.Mailbox, it *elem, send bool) (*store.Entity, *respErr, *fault) {
	ref := it.t("ReferenceItemId")
	if ref == nil {
		return nil, nil, schemaFault(it.line, it.col, "The element '"+it.local+"' has incomplete content. List of possible elements expected: 'ReferenceItemId'.")
	}
	om, orig, rerr := c.item(&elem{space: nsTypes, local: "ItemId", attrs: ref.attrs})
	if rerr != nil {
		return nil, rerr, nil
	}
	if om != m {
		// A response is created in the mailbox that holds the original.
		m = om
	}
	x := &setCtx{c: c, m: m, patch: Object{}, memos: map[memoKey]string{}, create: true}
	var comment, commentType string
	for _, k := range it.kids {
		switch k.local {
		case "ReferenceItemId":
		case "NewBodyContent":
			comment = k.text
			commentType, _ = k.attr("BodyType")
		case "Subject", "Body", "ToRecipients", "CcRecipients", "BccRecipients", "IsReadReceiptRequested", "IsDeliveryReceiptRequested", "From":
			if rerr, f := x.setElement(k); rerr != nil || f != nil {
				return nil, rerr, f
			}
		default:
			return nil, nil, schemaFault(k.line, k.col, "The element '"+it.local+"' has invalid child element '"+k.local+"'.")
		}
	}
	kind := map[string]string{"ReplyToItem": "reply", "ReplyAllToItem": "replyall", "ForwardItem": "forward"}[it.local]
	var to []any
	if kind == "forward" {
		to, _ = x.patch["toRecipients"].([]any)
	}
	e, err := m.Reply(orig, store.Response{Kind: kind, Draft: x.patch, Comment: comment, CommentHTML: commentType == "HTML", To: to, Send: send})
	if err != nil {
		return nil, inputErr(err), nil
	}
	return e, nil, nil
}

// updateItem serves UpdateItem: SetItemField, AppendToItemField and
// DeleteItemField, with the change key checked as ConflictResolution says.
func (c *call) updateItem(op *elem, w *writer) *fault {
	changes := op.m("ItemChanges")
	if changes == nil {
		return schemaFault(op.line, op.col, "The element 'UpdateItem' has incomplete content. List of possible elements expected: 'ItemChanges'.")
	}
	resolution, ok := op.attr("ConflictResolution")
	if !ok {
		return schemaFault(op.line, op.col, "The required attribute 'ConflictResolution' is missing.")
	}
	switch resolution {
	case "NeverOverwrite", "AutoResolve", "AlwaysOverwrite":
	default:
		return schemaFault(op.line, op.col, "The 'ConflictResolution' attribute is invalid - The value '"+resolution+"' is invalid according to its datatype.")
	}
	// MessageDisposition is required when the item updated is a message,
	// which every item the fake serves over EWS is.
	disposition, hasDisposition := op.attr("MessageDisposition")
	switch disposition {
	case "", "SaveOnly", "SendOnly", "SendAndSaveCopy":
	default:
		return schemaFault(op.line, op.col, "The 'MessageDisposition' attribute is invalid - The value '"+disposition+"' is invalid according to its datatype.")
	}
	var results []result
	for _, ch := range changes.all(nsTypes, "ItemChange") {
		if len(ch.kids) > 0 {
			m, e, rerr := c.anyItem(ch.kids[0])
			if rerr == errAccessDenied {
				results = append(results, result{err: rerr})
				continue
			}
			if rerr == nil && e.Set() != "messages" {
				// Calendar items and contacts need no MessageDisposition.
				r, f := c.updateKindOne(ch, resolution, op, m, e)
				if f != nil {
					return f
				}
				results = append(results, r)
				continue
			}
		}
		if !hasDisposition {
			results = append(results, result{err: errf("ErrorMessageDispositionRequired", "MessageDisposition attribute is required.")})
			continue
		}
		r, f := c.updateOne(ch, resolution, disposition, op)
		if f != nil {
			return f
		}
		results = append(results, r)
	}
	c.respond(w, results)
	return nil
}

func (c *call) updateOne(ch *elem, resolution, disposition string, op *elem) (result, *fault) {
	if len(ch.kids) == 0 {
		return result{}, schemaFault(ch.line, ch.col, "An ItemChange needs an ItemId and Updates.")
	}
	idElem := ch.kids[0]
	m, e, rerr := c.item(idElem)
	if rerr != nil {
		return result{err: rerr}, nil
	}
	updates := ch.t("Updates")
	if updates == nil || len(updates.kids) == 0 {
		return result{}, schemaFault(ch.line, ch.col, "The element 'ItemChange' has incomplete content. List of possible elements expected: 'Updates'.")
	}
	x := &setCtx{c: c, m: m, e: e, patch: Object{}, memos: map[memoKey]string{}}
	var touched []string
	for _, u := range updates.kids {
		if len(u.kids) == 0 {
			return result{}, schemaFault(u.line, u.col, "The element '"+u.local+"' needs a property path.")
		}
		path := u.kids[0]
		switch u.local {
		case "SetItemField", "AppendToItemField":
			if len(u.kids) != 2 {
				return result{}, schemaFault(u.line, u.col, "The element '"+u.local+"' needs a property path and an item.")
			}
			holder := u.kids[1]
			if !holder.is(nsTypes, "Message") && !holder.is(nsTypes, "Item") {
				if holder.space == nsTypes {
					return result{}, notImplemented("UpdateItem of a " + holder.local + ": calendar items, contacts and tasks are not served over EWS yet")
				}
				return result{}, schemaFault(holder.line, holder.col, "The element '"+holder.local+"' is not an item.")
			}
			if len(holder.kids) != 1 {
				return result{err: errf("ErrorIncorrectUpdatePropertyCount", "An object within a change description must contain one and only one property to modify.")}, nil
			}
			val := holder.kids[0]
			if rerr := c.checkPathMatches(path, val); rerr != nil {
				return result{err: rerr}, nil
			}
			if u.local == "AppendToItemField" {
				p := messageByElem[val.local]
				if p == nil || !p.appendable {
					return result{err: errf("ErrorInvalidPropertyAppend", "This property does not support append.")}, nil
				}
				if rerr, f := x.setElement(val); rerr != nil || f != nil {
					return result{err: rerr}, f
				}
				appendValue(x, e, p)
			} else if rerr, f := x.setElement(val); rerr != nil || f != nil {
				return result{err: rerr}, f
			}
		case "DeleteItemField":
			switch {
			case path.is(nsTypes, "FieldURI"):
				uri, _ := path.attr("FieldURI")
				p, _, f := itemPath(uri, path)
				if f != nil {
					return result{}, f
				}
				if p == nil || p.del == nil {
					return result{err: errf("ErrorInvalidPropertyDelete", "This property can't be deleted.")}, nil
				}
				if p.afterSend {
					if d, _ := e.Object()["isDraft"].(bool); !d {
						return result{err: errf("ErrorInvalidPropertyUpdateSentMessage", "This property can't be changed for a message that has been sent.")}, nil
					}
				}
				if rerr := p.del(x); rerr != nil {
					return result{err: rerr}, nil
				}
			case path.is(nsTypes, "ExtendedFieldURI"):
				xp, err := parseExtended(path)
				if err != nil {
					return result{}, schemaFault(path.line, path.col, err.Error())
				}
				x.deleteExtended(xp)
			default:
				return result{err: errf("ErrorInvalidPropertyDelete", "This property can't be deleted.")}, nil
			}
		default:
			return result{}, schemaFault(u.line, u.col, "The element 'Updates' has invalid child element '"+u.local+"'.")
		}
	}
	for k := range x.patch {
		touched = append(touched, k)
	}
	ck, _ := idElem.attr("ChangeKey")
	if ck = strings.TrimSpace(ck); ck != "" && resolution != "AlwaysOverwrite" && ck != changeKey(e) {
		seq, ours := m.ChangeKeySeq(ck)
		conflict := !ours || resolution == "NeverOverwrite" && e.ModSeq() > seq
		if ours && resolution == "AutoResolve" {
			for _, k := range touched {
				if e.PropSeq(k) > seq {
					conflict = true
				}
			}
		}
		if conflict {
			return result{err: errf("ErrorIrresolvableConflict", "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.")}, nil
		}
	}
	if len(x.patch) > 0 || len(x.memos) > 0 {
		for k, v := range x.memos {
			if k != "unsent" {
				e.SetMemo(k, v)
			}
		}
		if err := m.Apply(e, x.patch); err != nil {
			return result{err: inputErr(err)}, nil
		}
	}
	if disposition != "SaveOnly" {
		if d, _ := e.Object()["isDraft"].(bool); !d {
			return result{err: errf("ErrorInvalidOperation", "Only a draft can be sent.")}, nil
		}
		if rerr := c.send(m, e, disposition == "SendAndSaveCopy", nil); rerr != nil {
			return result{err: rerr}, nil
		}
		return result{write: func(w *writer) {
			w.empty("m:Items")
			w.open("m:ConflictResults")
			w.leaf("t:Count", "0")
			w.close("m:ConflictResults")
		}}, nil
	}
	return result{write: func(w *writer) {
		w.open("m:Items")
		w.open("t:Message")
		w.empty("t:ItemId", "Id", ewsID(e.ID()), "ChangeKey", changeKey(e))
		w.close("t:Message")
		w.close("m:Items")
		w.open("m:ConflictResults")
		w.leaf("t:Count", "0")
		w.close("m:ConflictResults")
	}}, nil
}

// checkPathMatches checks that the property a SetItemField names is the
// one its item holds.
func (c *call) checkPathMatches(path, val *elem) *respErr {
	switch {
	case path.is(nsTypes, "FieldURI"):
		uri, _ := path.attr("FieldURI")
		_, name, _ := strings.Cut(uri, ":")
		if name != val.local {
			return errf("ErrorIncorrectUpdatePropertyCount", "The property in the change description does not match the property path.")
		}
	case path.is(nsTypes, "ExtendedFieldURI"):
		if val.local != "ExtendedProperty" {
			return errf("ErrorIncorrectUpdatePropertyCount", "The property in the change description does not match the property path.")
		}
	case path.is(nsTypes, "IndexedFieldURI"):
		return errf("ErrorInvalidPropertySet", "Set action is invalid for property.")
	}
	return nil
}

// appendValue turns a value the set context just read into the stored
// value with the new one appended (recipients, body).
func appendValue(x *setCtx, e *store.Entity, p *prop) {
	switch p.name {
	case "Body":
		nb, _ := x.patch["body"].(map[string]any)
		ob, _ := e.Object()["body"].(map[string]any)
		oc, _ := ob["content"].(string)
		nc, _ := nb["content"].(string)
		typ, _ := ob["contentType"].(string)
		if typ == "" {
			typ, _ = nb["contentType"].(string)
		}
		x.patch["body"] = Object{"contentType": typ, "content": oc + nc}
	default:
		g := map[string]string{"ToRecipients": "toRecipients", "CcRecipients": "ccRecipients", "BccRecipients": "bccRecipients", "ReplyTo": "replyTo"}[p.name]
		old, _ := e.Object()[g].([]any)
		added, _ := x.patch[g].([]any)
		x.patch[g] = append(schema.DeepCopy(old).([]any), added...)
	}
}

// deleteItem serves DeleteItem.
func (c *call) deleteItem(op *elem, w *writer) *fault {
	dt, ok := op.attr("DeleteType")
	switch {
	case !ok:
		return schemaFault(op.line, op.col, "The required attribute 'DeleteType' is missing.")
	case dt != "HardDelete" && dt != "SoftDelete" && dt != "MoveToDeletedItems":
		return schemaFault(op.line, op.col, "The 'DeleteType' attribute is invalid - The value '"+dt+"' is invalid according to its datatype.")
	}
	list := op.m("ItemIds")
	if list == nil {
		return schemaFault(op.line, op.col, "The element 'DeleteItem' has incomplete content. List of possible elements expected: 'ItemIds'.")
	}
	var results []result
	for _, idElem := range list.kids {
		m, e, rerr := c.anyItem(idElem)
		if rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		if e.Set() != "messages" {
			results = append(results, result{err: c.deleteKindItem(op, m, e)})
			continue
		}
		switch dt {
		case "HardDelete":
			m.Purge(e)
		case "SoftDelete":
			m.Move(e, m.WellKnown("recoverableitemsdeletions"))
		default:
			if e.Parent() != m.WellKnown("deleteditems") {
				m.Move(e, m.WellKnown("deleteditems"))
			}
		}
		results = append(results, result{})
	}
	c.respond(w, results)
	return nil
}

// moveOrCopyItem serves MoveItem and CopyItem: each answer holds the id
// of the item in its new folder, as Exchange 2010 SP1 and later give it.
func (c *call) moveOrCopyItem(op *elem, w *writer) *fault {
	to := op.m("ToFolderId")
	list := op.m("ItemIds")
	if to == nil || len(to.kids) != 1 || list == nil {
		return schemaFault(op.line, op.col, "The element '"+c.op+"' needs a ToFolderId and ItemIds.")
	}
	dest, ferr, f := c.folderByID(to.kids[0])
	if f != nil {
		return f
	}
	var destFolder *store.Entity
	if ferr == nil {
		destFolder, ferr = dest.mailFolder()
	}
	if ferr != nil && ferr.code == "ErrorFolderNotFound" {
		ferr = errf("ErrorToFolderNotFound", "The destination folder could not be found.")
	}
	var results []result
	for _, idElem := range list.kids {
		if ferr != nil {
			results = append(results, result{err: ferr})
			continue
		}
		m, e, rerr := c.item(idElem)
		if rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		var ne *store.Entity
		switch {
		case c.op == "MoveItem" && m == dest.m:
			ne = m.Move(e, destFolder.ID())
		case c.op == "MoveItem":
			ne = dest.m.CopyMessage(m, e, destFolder.ID(), nil)
			m.Purge(e)
		default:
			ne = dest.m.CopyMessage(m, e, destFolder.ID(), nil)
		}
		results = append(results, result{write: func(w *writer) {
			w.open("m:Items")
			w.open("t:Message")
			w.empty("t:ItemId", "Id", ewsID(ne.ID()), "ChangeKey", changeKey(ne))
			w.close("t:Message")
			w.close("m:Items")
		}})
	}
	c.respond(w, results)
	return nil
}

// sendItem serves SendItem: drafts are sent, their copy saved in Sent
// Items or the folder named, or not at all.
func (c *call) sendItem(op *elem, w *writer) *fault {
	saveAttr, ok := op.attr("SaveItemToFolder")
	if !ok {
		return schemaFault(op.line, op.col, "The required attribute 'SaveItemToFolder' is missing.")
	}
	save, err := parseBool(saveAttr)
	if err != nil {
		return schemaFault(op.line, op.col, "The 'SaveItemToFolder' attribute is invalid - "+err.Error())
	}
	list := op.m("ItemIds")
	if list == nil {
		return schemaFault(op.line, op.col, "The element 'SendItem' has incomplete content. List of possible elements expected: 'ItemIds'.")
	}
	var saveIn *folder
	var serr *respErr
	if sf := op.m("SavedItemFolderId"); sf != nil && len(sf.kids) == 1 {
		fo, ferr, f := c.folderByID(sf.kids[0])
		if f != nil {
			return f
		}
		saveIn, serr = fo, ferr
		if serr != nil && serr.code == "ErrorFolderNotFound" {
			serr = errf("ErrorSavedItemFolderNotFound", "The folder to save the item in could not be found.")
		}
	}
	var results []result
	for _, idElem := range list.kids {
		if serr != nil {
			results = append(results, result{err: serr})
			continue
		}
		m, e, rerr := c.item(idElem)
		if rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		if ck, _ := idElem.attr("ChangeKey"); strings.TrimSpace(ck) != "" && strings.TrimSpace(ck) != changeKey(e) {
			results = append(results, result{err: errf("ErrorStaleObject", "The change key passed in the request does not match the current change key for the item.")})
			continue
		}
		if d, _ := e.Object()["isDraft"].(bool); !d {
			results = append(results, result{err: errf("ErrorInvalidOperation", "Only a draft can be sent.")})
			continue
		}
		if rerr := c.send(m, e, save, saveIn); rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		results = append(results, result{})
	}
	c.respond(w, results)
	return nil
}

// groupBy is a parsed GroupBy.
type groupBy struct {
	key       func(*itemCtx) any
	aggregate func(*itemCtx) any
	min, desc bool
}

func (c *call) parseGroupBy(op *elem) (*groupBy, *fault) {
	if op.m("DistinguishedGroupBy") != nil {
		return nil, notImplemented("FindItem with DistinguishedGroupBy (conversation grouping)")
	}
	g := op.m("GroupBy")
	if g == nil {
		return nil, nil
	}
	agg := g.t("AggregateOn")
	if len(g.kids) != 2 || agg == nil || len(agg.kids) != 1 {
		return nil, schemaFault(g.line, g.col, "A GroupBy needs a property path and an AggregateOn.")
	}
	resolve := c.itemResolver()
	key, _, rerr, f := resolve(g.kids[0])
	if f != nil {
		return nil, f
	}
	aggr, _, rerr2, f := resolve(agg.kids[0])
	if f != nil {
		return nil, f
	}
	if rerr != nil || rerr2 != nil {
		return nil, faultClient("ErrorUnsupportedPathForSortGroup", "The property can not be used for sorting or grouping results.")
	}
	return &groupBy{key: key, aggregate: aggr, min: agg.attrOr("Aggregate", "Maximum") == "Minimum", desc: g.attrOr("Order", "Ascending") == "Descending"}, nil
}

// writeGroups writes a grouped FindItem answer: the items grouped by the
// key's value, the groups ordered by each one's aggregate value, the
// items in a group in the view's order, and the page cut from the items
// in that order.
func (c *call) writeGroups(w *writer, xs []*itemCtx, g *groupBy, pg *paging, sh *itemShape) {
	type group struct {
		key   string
		agg   any
		items []*itemCtx
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, x := range xs {
		k := strings.ToLower(groupKey(g.key(x)))
		gr := byKey[k]
		if gr == nil {
			gr = &group{key: k}
			byKey[k] = gr
			groups = append(groups, gr)
		}
		gr.items = append(gr.items, x)
		v := g.aggregate(x)
		if c := compareValues(v, gr.agg); gr.agg == nil || g.min && c < 0 || !g.min && c > 0 {
			gr.agg = v
		}
	}
	sortBy(groups, []sortKey[*group]{{get: func(gr *group) any { return gr.agg }, desc: g.desc}})
	var ordered []*itemCtx
	for _, gr := range groups {
		ordered = append(ordered, gr.items...)
	}
	page, attrs := pg.page(len(ordered))
	shown := map[*itemCtx]bool{}
	for _, x := range ordered[page.from:page.to] {
		shown[x] = true
	}
	w.open("m:RootFolder", attrs...)
	w.open("t:Groups")
	for i, gr := range groups {
		var in []*itemCtx
		for _, x := range gr.items {
			if shown[x] {
				in = append(in, x)
			}
		}
		if len(in) == 0 {
			continue
		}
		w.open("t:GroupedItems")
		w.leaf("t:GroupIndex", strconv.Itoa(i))
		w.open("t:Items")
		for _, x := range in {
			c.writeMessage(w, x.m, x.e, sh, true)
		}
		w.close("t:Items")
		w.close("t:GroupedItems")
	}
	w.close("t:Groups")
	w.close("m:RootFolder")
}

// groupKey renders a group key.
func groupKey(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case []string:
		return strings.Join(v, ";")
	case string:
		return v
	}
	return fmt.Sprint(v)
}
