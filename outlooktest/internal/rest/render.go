package rest

// Answers: rendering entities in the host's dialect ($select, $expand,
// Prefer), @odata.context and links, headers, and JSON and error bodies.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/jsonenc"
	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// renderAll renders a page of views.
func (c *call) renderAll(set string, objs []Object, opts *query.Options) []any {
	out := make([]any, len(objs))
	for i, o := range objs {
		out[i] = c.render(set, o, opts)
	}
	return out
}

// render turns a view (Graph form, owned by the caller) into what the
// dialect shows: $select, $expand, the Prefer headers, names and types.
func (c *call) render(set string, o Object, opts *query.Options) Object {
	id, _ := o["id"].(string)
	o = c.guestView(set, o)
	fillAbsent(set, o)
	if len(opts.Select) > 0 {
		o = query.Project(o, opts.Select, []string{"id", "@odata.etag", "@odata.type"})
	}
	for _, x := range opts.Expand {
		name, _, _ := strings.Cut(x, "(")
		if strings.EqualFold(strings.TrimSpace(name), "attachments") && (set == "messages" || set == "events") &&
			(c.guestRole == "" || store.ShowsDetails(c.guestRole, o)) {
			var atts []any
			for _, a := range c.m.List("attachments", func(e *store.Entity) bool { return e.Parent() == id }) {
				atts = append(atts, c.m.View(a))
			}
			if atts == nil {
				atts = []any{}
			}
			o["attachments"] = atts
		}
	}
	if set == "messages" || set == "events" {
		if c.prefs.bodyType == "text" {
			for _, k := range []string{"body", "uniqueBody"} {
				if b, ok := o[k].(map[string]any); ok && b["contentType"] == "html" {
					s, _ := b["content"].(string)
					o[k] = Object{"contentType": "text", "content": store.HTMLToText(s)}
				}
			}
		}
	}
	if set == "events" {
		for _, k := range []string{"start", "end"} {
			v, ok := o[k].(map[string]any)
			if !ok {
				continue
			}
			loc, name := c.prefs.tzLoc, c.prefs.tzName
			if loc == nil && c.ownZones {
				// The answer to a create is in the zones the client wrote,
				// as every create-event sample of Graph's reference shows.
				name, _ = v["timeZone"].(string)
				loc, _ = datetime.LoadZone(name)
			}
			o[k] = datetime.Convert(v, loc, name)
		}
	}
	if c.h.env.Dialect == dialect.Graph {
		return o
	}
	v2 := dialect.EncodeV2(o, schema.Sets()[set].Type).(map[string]any)
	if atts, ok := v2["Attachments"].([]any); ok {
		for i, a := range atts {
			atts[i] = dialect.EncodeV2(a, schema.Sets()["attachments"].Type)
		}
	}
	if id != "" {
		v2["@odata.id"] = c.v2EntityID(set, id)
	}
	return v2
}

// v2EntityID is the @odata.id a v2.0 entity carries.
func (c *call) v2EntityID(set, id string) string {
	base := "https://" + c.h.env.Host + "/api/v2.0/Users('" + c.m.Address() + "')/"
	if set == "attachments" {
		if a := c.m.Lookup("attachments", id); a != nil {
			pset := "Messages"
			if c.m.Lookup("events", a.Parent()) != nil {
				pset = "Events"
			}
			return base + pset + "('" + a.Parent() + "')/Attachments('" + id + "')"
		}
	}
	return base + schema.Sets()[set].V2Set + "('" + id + "')"
}

func (c *call) entityURL(t *target) string {
	return "https://" + c.h.env.Host + c.h.root + "/" + c.mbSeg + "/" + strings.Join(t.ctx[1:], "/")
}

// contextURL builds @odata.context from the path walked.
func (c *call) contextURL(t *target, opts *query.Options, suffix string) string {
	ctx := t.ctx
	if suffix == "/$entity" {
		ctx = unkeyed(ctx)
	}
	p := strings.Join(ctx, "/")
	if len(opts.Select) > 0 {
		sel := slices.Clone(opts.Select)
		if c.h.env.Dialect == dialect.V2 {
			for i, s := range sel {
				sel[i] = schema.UpperFirst(s)
			}
		}
		p += "(" + strings.Join(sel, ",") + ")"
	}
	return "https://" + c.h.env.Host + c.h.root + "/$metadata#" + p + suffix
}

// link returns this request's URL on this host with the query option name
// set to value (replacing any spelling of it) and the other options kept.
func (c *call) link(rawQuery, name, value string, drop ...string) string {
	var keep []string
	for _, kv := range strings.Split(rawQuery, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if strings.EqualFold(k, name) || slices.ContainsFunc(drop, func(d string) bool { return strings.EqualFold(d, k) }) {
			continue
		}
		keep = append(keep, kv)
	}
	keep = append(keep, name+"="+url.QueryEscape(value))
	return "https://" + c.h.env.Host + c.r.URL.EscapedPath() + "?" + strings.Join(keep, "&")
}

func (c *call) setHeaders() {
	h := c.w.Header()
	for k, v := range c.hdr {
		h[k] = v
	}
	h.Set("OData-Version", "4.0")
	if h.Get("request-id") == "" { // the host layer sets it for every answer, errors included
		h.Set("request-id", ids.GUID())
	}
	if cr := c.r.Header.Get("client-request-id"); cr != "" {
		h.Set("client-request-id", cr)
	}
	if len(c.prefs.applied) > 0 {
		h.Set("Preference-Applied", strings.Join(c.prefs.applied, ", "))
	}
}

// answerBufs recycles answer buffers: a page of messages is tens of
// kilobytes, worth not growing afresh on every request.
var answerBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

func (c *call) writeJSON(status int, body any) {
	bp := answerBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 4<<20 { // one huge answer should not pin its buffer
			answerBufs.Put(bp)
		}
	}()
	var b []byte
	var err error
	if c.h.reference {
		b, err = jsonenc.AppendReflect((*bp)[:0], body)
	} else {
		b, err = jsonenc.Append((*bp)[:0], body)
	}
	*bp = b[:0]
	if err != nil {
		c.writeError(errorf(http.StatusInternalServerError, "InternalServerError", "outlooktest: encoding the answer: %v", err))
		return
	}
	b = append(b, '\n') // as json.Encoder ends a value
	*bp = b[:0]
	c.setHeaders()
	c.w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	c.w.WriteHeader(status)
	c.w.Write(b)
}

func (c *call) writeError(e *apiError) {
	h := c.w.Header()
	h.Del("Preference-Applied")
	c.prefs.applied = nil
	c.setHeaders()
	body := map[string]any{"error": map[string]any{
		"code":       e.code,
		"message":    e.message,
		"innerError": innerError(h, c.h.env.Now()),
	}}
	b, _ := json.Marshal(body)
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	c.w.WriteHeader(e.status)
	c.w.Write(b)
}

// notByDefault are the properties of each set that Graph leaves out of an
// answer unless $select names them (internetMessageHeaders, uniqueBody), or
// sends only when they have a value (a message's conversationIndex: Graph's
// samples of received mail have none, of drafts one; an event's
// originalStart, on occurrences only), or that are navigation properties
// in Graph ($expand, not $select, brings extended properties).
var notByDefault = map[string][]string{
	"messages": {"internetMessageHeaders", "uniqueBody", "conversationIndex"},
	"events":   {"originalStart", "cancelledOccurrences"},
	"contacts": {"primaryEmailAddress", "secondaryEmailAddress", "tertiaryEmailAddress"},
}

// absentValues are, by set, the value Graph shows for each property of its
// default set that has none: [] for a collection, {} for an address (a
// contact's empty homeAddress, in Graph's get-contact sample), null for
// anything else (the samples' seriesMasterId, recurrence, onlineMeeting of
// events; isDeliveryReceiptRequested, from and sender of messages; a
// contact's middleName, mobilePhone, personalNotes...). Attachments are a
// union of three types, each with its own properties: none are filled.
var absentValues = sync.OnceValue(func() map[string]map[string]func() any {
	out := map[string]map[string]func() any{}
	for name, es := range schema.Sets() {
		if name == "attachments" {
			continue
		}
		skip := map[string]bool{"singleValueExtendedProperties": true, "multiValueExtendedProperties": true}
		for _, p := range notByDefault[name] {
			skip[p] = true
		}
		vals := map[string]func() any{}
		for pname, p := range es.Type.Props {
			switch {
			case skip[pname]:
			case p.Coll:
				vals[pname] = func() any { return []any{} }
			case p.Kind == schema.KindObject && p.Type != nil && p.Type.Name == "physicalAddress":
				vals[pname] = func() any { return Object{} }
			default:
				vals[pname] = func() any { return nil }
			}
		}
		out[name] = vals
	}
	return out
})

// fillAbsent gives o (a rendering's own copy) every property of its set's
// default set, as Graph answers them: typed clients walk nested objects
// expecting what production sends, null included. With $select the
// selected ones then come out null too, as on Graph.
func fillAbsent(set string, o Object) {
	for k, v := range absentValues()[set] {
		if _, ok := o[k]; !ok {
			o[k] = v()
		}
	}
}
