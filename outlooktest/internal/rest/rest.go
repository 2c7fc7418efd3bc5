// Package rest is the fake server's REST front end: one Handler per REST
// host, Graph v1.0 (graph.microsoft.com) or Outlook REST v2.0 (an
// on-premises server's /api/v2.0), over the mailboxes of package store.
// Requests reach a Handler already fault-injected and logged by the host
// layer; Authenticate checks their bearer token first, answering as each
// host answers a missing or refused one.
//
// Finding your way: rest.go maps a path to what it names and holds the
// generic CRUD every collection shares, query options, rendering and
// answers; the other files hold one family of operations each (mail,
// calendar, settings, change tracking, $batch, upload sessions, the render
// cache, authentication).
package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // outlook.timezone and event zones must not depend on the host's zoneinfo

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
	"github.com/exchangekit/outlook/outlooktest/internal/jsonenc"
	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// Object is one entity or complex value in Graph form.
type Object = schema.Object

// maxBodyBytes caps a request body: Exchange refuses far smaller ones for
// JSON, and a test never needs more.
const maxBodyBytes = 64 << 20

// Env is what a REST host needs from the host layer.
type Env struct {
	Dialect dialect.Dialect
	Host    string // this REST host's name, e.g. "graph.microsoft.com"
	// Locate says where a mailbox lives: onPremHost is "" for Exchange
	// Online, else the on-premises server's host name; known is false for
	// an address the server does not know.
	Locate   func(smtp string) (onPremHost string, known bool)
	PageSize func() int               // server-driven page size when the client sets none
	Now      func() time.Time         // the server's clock
	Tenant   func(smtp string) string // the tenant id of a mailbox's domain; "" when unknown
	Uploads  *Uploads                 // where createUploadSession opens sessions (Graph only); nil: a private set
	// Track, when set, counts a request in flight for a mailbox until the
	// returned func is called. The host layer counts the requests whose URL
	// names a mailbox; Track is for those that do not (the parts of a Graph
	// $batch).
	Track func(smtp string) (done func())
}

// Handler serves one REST host.
type Handler struct {
	st   *store.Store
	env  Env
	root string // "/v1.0" or "/api/v2.0"

	// reference makes the handler answer the slow, obvious way: through
	// encoding/json and without the rendered-entity cache. Tests compare
	// its answers with the fast path's, byte for byte.
	reference bool
}

// New returns the handler of a REST host speaking env.Dialect.
func New(st *store.Store, env Env) *Handler {
	h := &Handler{st: st, env: env, root: "/v1.0"}
	if env.Dialect == dialect.V2 {
		h.root = "/api/v2.0"
	}
	if h.env.PageSize == nil {
		h.env.PageSize = func() int { return 10 }
	}
	if h.env.Now == nil {
		h.env.Now = time.Now
	}
	if h.env.Locate == nil {
		h.env.Locate = func(string) (string, bool) { return "", true }
	}
	if h.env.Uploads == nil {
		h.env.Uploads = NewUploads(st) // sessions nobody can reach: Graph still answers createUploadSession
	}
	return h
}

// apiError is an answer with an OData error body.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// seg is one path segment: its name and, for key syntax ("messages('id')"),
// the key.
type seg struct {
	name   string
	key    string
	hasKey bool
}

func parseSegs(path string) []seg {
	var out []seg
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if s == "" {
			continue
		}
		if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
			k := s[i+1 : len(s)-1]
			if len(k) >= 2 && k[0] == '\'' && k[len(k)-1] == '\'' {
				k = strings.ReplaceAll(k[1:len(k)-1], "''", "'")
			}
			out = append(out, seg{name: s[:i], key: k, hasKey: true})
			continue
		}
		out = append(out, seg{name: s})
	}
	return out
}

// call is one request being served.
type call struct {
	h     *Handler
	w     http.ResponseWriter
	r     *http.Request
	p     issuer.Principal
	m     *store.Mailbox
	mbSeg string // "me" or "users/<as given>" for links
	prefs prefs
	hdr   http.Header // response headers to add
}

// Serve answers one request of principal p, whose token the host layer has
// checked (Authenticate). Paths start with the host's version root ("/v1.0"
// or "/api/v2.0").
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request, p issuer.Principal) {
	c := &call{h: h, w: w, r: r, p: p, hdr: http.Header{}}
	if err := c.serve(); err != nil {
		c.writeError(err)
	}
}

// unknownSegment is what an Exchange server's v2.0 answers for a path
// segment its API does not have (an operation only Graph offers).
func (c *call) unknownSegment(name string) *apiError {
	return errorf(http.StatusNotFound, "RequestBroker--ParseUri", "Resource not found for the segment '%s'.", name)
}

func (c *call) notImplemented() *apiError {
	return errorf(http.StatusNotImplemented, "NotImplemented", "outlooktest: %s %s is not implemented", c.r.Method, c.r.URL.Path)
}

func (c *call) serve() *apiError {
	path := c.r.URL.Path
	if len(path) < len(c.h.root) || !strings.EqualFold(path[:len(c.h.root)], c.h.root) {
		return c.notImplemented()
	}
	segs := parseSegs(path[len(c.h.root):])
	if len(segs) == 0 {
		return c.notImplemented()
	}
	c.prefs = parsePrefer(c.r.Header.Values("Prefer"))
	if c.h.env.Dialect == dialect.Graph && strings.EqualFold(segs[0].name, "$batch") && len(segs) == 1 {
		return c.batch()
	}
	rest, err := c.resolveMailbox(segs)
	if err != nil {
		return err
	}
	if len(rest) == 1 && strings.EqualFold(rest[0].name, "$batch") {
		if c.h.env.Dialect != dialect.V2 {
			return c.notImplemented()
		}
		return c.batch()
	}
	if len(rest) == 0 {
		return c.user()
	}
	c.st().Lock()
	locked := true
	unlock := func() {
		if locked {
			locked = false
			c.st().Unlock()
		}
	}
	defer unlock()
	if strings.EqualFold(rest[0].name, "mailboxSettings") && !rest[0].hasKey {
		return c.mailboxSettings(rest[1:], unlock)
	}
	t, aerr := c.navigate(rest)
	if aerr != nil {
		return aerr
	}
	return c.dispatch(t, unlock)
}

func (c *call) st() *store.Store { return c.h.st }

// MailboxNamed returns whom a REST path names: me is true for /me/...,
// else who is the {id} of /users/{id}/... (an address or a user's object
// id), "" when the path names no mailbox. The path may start with the
// version root of either dialect.
func MailboxNamed(path string) (who string, me bool) {
	for _, root := range []string{"/v1.0", "/api/v2.0"} {
		if hasPrefixFold(path, root+"/") {
			path = path[len(root):]
			break
		}
	}
	segs := parseSegs(path)
	if len(segs) == 0 {
		return "", false
	}
	switch s0 := segs[0]; {
	case strings.EqualFold(s0.name, "me") && !s0.hasKey:
		return "", true
	case strings.EqualFold(s0.name, "users") && s0.hasKey:
		return s0.key, false
	case strings.EqualFold(s0.name, "users") && len(segs) > 1:
		return segs[1].name, false
	}
	return "", false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// resolveMailbox consumes "me" or "users/{id}" and checks that this host
// serves that mailbox for this principal.
func (c *call) resolveMailbox(segs []seg) ([]seg, *apiError) {
	var who string
	s0 := segs[0]
	switch {
	case strings.EqualFold(s0.name, "me") && !s0.hasKey:
		if c.p.AppOnly || c.p.User == "" {
			return nil, errorf(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		}
		who, c.mbSeg = c.p.User, "me"
		segs = segs[1:]
	case strings.EqualFold(s0.name, "users"):
		if s0.hasKey {
			who = s0.key
			segs = segs[1:]
		} else if len(segs) > 1 {
			who = segs[1].name
			segs = segs[2:]
		} else {
			return nil, c.notImplemented()
		}
		c.mbSeg = "users/" + url.PathEscape(who)
	default:
		return nil, c.notImplemented()
	}
	m, ok := c.st().Mailbox(who)
	if !ok {
		if c.h.env.Dialect == dialect.V2 {
			return nil, errorf(http.StatusNotFound, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.")
		}
		return nil, errorf(http.StatusNotFound, "ErrorInvalidUser", "The requested user '%s' is invalid.", who)
	}
	onPremHost, known := c.h.env.Locate(m.Address())
	switch {
	case !known:
		if c.h.env.Dialect == dialect.V2 {
			return nil, errorf(http.StatusNotFound, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.")
		}
		return nil, errorf(http.StatusNotFound, "ErrorInvalidUser", "The requested user '%s' is invalid.", who)
	case c.h.env.Dialect == dialect.Graph && onPremHost != "":
		return nil, errorf(http.StatusNotFound, "MailboxNotEnabledForRESTAPI", "REST API is not yet supported for this mailbox.")
	case c.h.env.Dialect == dialect.V2 && !strings.EqualFold(onPremHost, c.h.env.Host):
		// What an Exchange server answers for an address it does not host.
		return nil, errorf(http.StatusNotFound, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.")
	}
	if c.p.AppOnly && c.p.TenantID != "" && c.h.env.Tenant != nil && c.h.env.Tenant(m.Address()) != c.p.TenantID {
		// An app's token is good in the tenant that issued it only.
		return nil, errorf(http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
	}
	if !c.p.AppOnly && c.p.User != "" && !strings.EqualFold(c.p.User, m.Address()) {
		return nil, errorf(http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
	}
	c.m = m
	return segs, nil
}

// target is what a path names.
type target struct {
	set     string                   // entity set of the list or entity
	scope   func(*store.Entity) bool // members of a list
	post    string                   // parent of entities POSTed to a list
	canPost bool                     // the list takes POST
	ent     *store.Entity            // an entity
	view    *store.Window            // a calendar view (set == "events")
	fn      string                   // "delta", "$count" or an action name
	ctx     []string                 // @odata.context path in the dialect's casing
	sync    string                   // delta scope key of a list or view, "" when not trackable
	parent  *store.Entity            // container entity (folder, calendar, item), if any
}

var segNames = map[string]string{
	"messages": "messages", "mailfolders": "mailFolders", "childfolders": "childFolders",
	"events": "events", "calendar": "calendar", "calendars": "calendars",
	"calendargroups": "calendarGroups", "calendarview": "calendarView", "contacts": "contacts",
	"contactfolders": "contactFolders", "attachments": "attachments", "delta": "delta",
	"inferenceclassification": "inferenceClassification", "overrides": "overrides", "messagerules": "messageRules",
}

func (c *call) ctxName(name string) string {
	n := segNames[strings.ToLower(name)]
	if n == "" {
		n = name
	}
	if c.h.env.Dialect == dialect.V2 {
		return schema.UpperFirst(n)
	}
	return n
}

// baseCtx is the mailbox's segment in @odata.context.
func (c *call) baseCtx() string {
	switch {
	case c.h.env.Dialect == dialect.Graph:
		return "users('" + url.PathEscape(c.m.Address()) + "')"
	case c.mbSeg == "me":
		return "Me"
	}
	return "Users('" + c.m.Address() + "')"
}

func (c *call) ctxKey(name, key string) string {
	return c.ctxName(name) + "('" + strings.ReplaceAll(key, "'", "''") + "')"
}

// folderScope lists the visible folders directly under parent.
func (c *call) folderScope(parent string) func(*store.Entity) bool {
	hidden := false
	for k, vs := range c.r.URL.Query() {
		if strings.EqualFold(k, "includeHiddenFolders") && len(vs) > 0 && strings.EqualFold(vs[0], "true") {
			hidden = true
		}
	}
	return func(e *store.Entity) bool {
		if e.Parent() != parent {
			return false
		}
		h, _ := e.Object()["isHidden"].(bool)
		return hidden || !h
	}
}

// enter turns a list target into the entity target for id.
func (c *call) enter(t *target, id string) *apiError {
	if t.ent != nil || t.view != nil {
		return c.notImplemented()
	}
	e := c.m.Find(t.set, id)
	if e != nil && t.set == "attachments" && e.Parent() != t.parent.ID() {
		e = nil
	}
	if e == nil && t.set == "events" {
		e = c.m.Occurrence(id)
	}
	if e == nil {
		return errorf(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
	}
	t.ent = e
	last := len(t.ctx) - 1
	t.ctx[last] = c.ctxKey(t.ctx[last], id)
	return nil
}

func (c *call) window(calendar string) (*store.Window, *apiError) {
	var s, e string
	for k, vs := range c.r.URL.Query() {
		switch strings.ToLower(k) {
		case "startdatetime":
			s = vs[0]
		case "enddatetime":
			e = vs[0]
		}
	}
	if s == "" || e == "" {
		return nil, errorf(http.StatusBadRequest, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.")
	}
	st, err1 := datetime.Parse(s)
	en, err2 := datetime.Parse(e)
	if err1 != nil || err2 != nil {
		return nil, errorf(http.StatusBadRequest, "ErrorInvalidParameter", "startDateTime and endDateTime must be ISO 8601 date-times.")
	}
	return &store.Window{Start: st, End: en, Calendar: calendar}, nil
}

func (c *call) tokenPresent() bool {
	for k := range c.r.URL.Query() {
		if strings.EqualFold(k, "$deltatoken") || strings.EqualFold(k, "$skiptoken") {
			return true
		}
	}
	return false
}

// dispatch runs the method on the target. unlock releases the store before
// the answer is written.
func (c *call) dispatch(t *target, unlock func()) *apiError {
	method := c.r.Method
	switch {
	case t.fn == "delta":
		if method != http.MethodGet {
			return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
		}
		return c.delta(t, unlock)
	case t.fn == "$count":
		if method != http.MethodGet {
			return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
		}
		return c.count(t, unlock)
	case t.fn == "$value":
		return c.rawValue(t, unlock)
	case t.fn != "":
		return c.action(t, unlock)
	case t.view != nil:
		if method != http.MethodGet {
			return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
		}
		if c.h.env.Dialect == dialect.V2 && (c.prefs.trackChanges || c.tokenPresent()) {
			return c.delta(t, unlock)
		}
		return c.list(t, unlock)
	case t.ent == nil:
		switch method {
		case http.MethodGet:
			if c.h.env.Dialect == dialect.V2 && t.sync != "" && (c.prefs.trackChanges || c.tokenPresent()) {
				return c.delta(t, unlock)
			}
			return c.list(t, unlock)
		case http.MethodPost:
			return c.create(t, unlock)
		}
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	if t.ent.Transient() && method != http.MethodGet {
		return errorf(http.StatusNotImplemented, "NotImplemented", "outlooktest: %s of a single occurrence (an exception to a series) is not implemented", method)
	}
	switch method {
	case http.MethodGet:
		return c.get(t, unlock)
	case http.MethodPatch:
		if t.set == "attachments" {
			return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "Attachments cannot be updated; delete and add them again.")
		}
		return c.patch(t, unlock)
	case http.MethodDelete:
		return c.del(t)
	}
	return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
}

// schemas caches each set's query schema.
var schemas sync.Map // set name -> *query.Schema

func querySchema(set string) *query.Schema {
	if sc, ok := schemas.Load(set); ok {
		return sc.(*query.Schema)
	}
	es := schema.Sets()[set]
	sc := &query.Schema{Props: map[string]query.Kind{}, Type: "microsoft.graph." + es.GraphType, Aliases: map[string]string{}}
	addPaths(sc.Props, "", es.Type, 0)
	addV2Aliases(sc.Aliases, "", "", es.Type, 0)
	if set == "attachments" {
		sc.Props["@odata.type"] = query.KindString
	}
	schemas.Store(set, sc)
	return sc
}

// addV2Aliases records the v2.0 spelling of every path whose v2.0 name is
// not just its Graph name in another case (MobilePhone1, PropertyId), so
// that v2.0 query options name them as v2.0 bodies do.
func addV2Aliases(dst map[string]string, graphPrefix, v2Prefix string, t *schema.ObjType, depth int) {
	if depth > 4 || t == nil {
		return
	}
	for _, name := range t.Order {
		p := t.Props[name]
		v2 := p.V2Name
		if v2 == "" {
			v2 = name
		}
		gp, vp := graphPrefix+name, v2Prefix+v2
		if !strings.EqualFold(gp, vp) {
			dst[strings.ToLower(vp)] = gp
		}
		if p.Kind == schema.KindObject && p.Type != nil {
			addV2Aliases(dst, gp+"/", vp+"/", p.Type, depth+1)
		}
	}
}

func addPaths(dst map[string]query.Kind, prefix string, t *schema.ObjType, depth int) {
	if depth > 4 {
		return
	}
	for _, name := range t.Order {
		p := t.Props[name]
		path := prefix + name
		var k query.Kind
		switch p.Kind {
		case schema.KindString:
			k = query.KindString
		case schema.KindBool:
			k = query.KindBool
		case schema.KindNumber:
			k = query.KindNumber
		case schema.KindDateTime:
			k = query.KindDateTime
		case schema.KindEnum:
			k = query.KindEnum
		case schema.KindObject:
			k = query.KindObject
		default:
			// A kind added to package schema without a query kind would fail late,
			// on the first $filter naming it: fail on the first use instead.
			panic(fmt.Sprintf("outlooktest: schema kind %d of %s has no query kind", p.Kind, path))
		}
		if p.Coll {
			if p.Kind == schema.KindObject {
				k = query.KindObjectCollection
			} else {
				k = query.KindStringCollection
			}
		}
		dst[path] = k
		if p.Kind == schema.KindObject && p.Type != nil {
			addPaths(dst, path+"/", p.Type, depth+1)
		}
	}
}

// parseOptions runs the query engine on the request's options.
func (c *call) parseOptions(set string) (*query.Options, *apiError) {
	// ParseRawQuery, not URL.Query: the latter drops every pair holding a
	// ";", which nested options ($expand=attachments($select=name;$top=1)) do.
	q, qerr := query.ParseRawQuery(c.r.URL.RawQuery)
	if qerr != nil {
		if qe, ok := errors.AsType[*query.Error](qerr); ok {
			return nil, &apiError{status: qe.Status, code: qe.Code, message: qe.Message}
		}
		return nil, errorf(http.StatusBadRequest, "BadRequest", "%v", qerr)
	}
	// Options this host reads itself, which the engine need not know.
	for k := range q {
		switch strings.ToLower(k) {
		case "startdatetime", "enddatetime", "includehiddenfolders", "changetype":
			q.Del(k)
		}
	}
	opts, err := query.ParseOptions(q, querySchema(set), query.Rules{Messages: set == "messages"})
	if err != nil {
		if qe, ok := errors.AsType[*query.Error](err); ok {
			return nil, &apiError{status: qe.Status, code: qe.Code, message: qe.Message}
		}
		return nil, errorf(http.StatusBadRequest, "BadRequest", "%v", err)
	}
	if opts.Search != nil && set != "messages" {
		// Documented for v2.0 (messages only); undocumented on Graph.
		return nil, errorf(http.StatusBadRequest, "ErrorInvalidUrlQuery", "$search is supported on messages only.")
	}
	for _, x := range opts.Expand {
		name, _, _ := strings.Cut(x, "(")
		name = strings.ToLower(strings.TrimSpace(name))
		switch {
		case name == "attachments" && (set == "messages" || set == "events"):
		case name == "extensions" || name == "singlevalueextendedproperties" || name == "multivalueextendedproperties" ||
			name == "calendar" || name == "instances" || name == "childfolders" || name == "messages" || name == "contacts" ||
			strings.HasSuffix(name, "/item"):
			return nil, errorf(http.StatusNotImplemented, "NotImplemented", "outlooktest: $expand=%s is not implemented", x)
		default:
			return nil, errorf(http.StatusBadRequest, "BadRequest", "Parsing OData Select and Expand failed: Could not find a property named '%s' on type 'microsoft.graph.%s'.", x, schema.Sets()[set].GraphType)
		}
	}
	return opts, nil
}

var defaultMessageOrder = sync.OnceValue(func() query.OrderBy {
	ob, err := query.ParseOrderBy("receivedDateTime desc", querySchema("messages"))
	if err != nil {
		panic("outlooktest: default message order: " + err.Error())
	}
	return ob
})

// members returns the entities a list or calendar view holds, as read-only
// objects shared with the store (mail folders get computed copies): filter
// and sort read them, and only the page served is copied (see pageCopy), so a
// large mailbox costs no more than its page.
func (c *call) members(t *target) []Object {
	if t.view != nil {
		var objs []Object
		for _, e := range c.m.List(t.set, func(e *store.Entity) bool { return t.view.Holds(e) }) {
			objs = append(objs, store.ViewItems(e, t.view.Start, t.view.End, false)...)
		}
		slices.SortStableFunc(objs, func(a, b Object) int {
			x, _ := datetime.Instant(a["start"])
			y, _ := datetime.Instant(b["start"])
			return x.Compare(y)
		})
		return objs
	}
	ents := c.m.List(t.set, t.scope)
	objs := make([]Object, len(ents))
	for i, e := range ents {
		if e.Set() == "mailFolders" {
			objs[i] = c.m.View(e)
		} else {
			objs[i] = e.Object()
		}
	}
	return objs
}

// pageCopy copies the members on a page before they are rendered. A shallow
// copy is enough, and is safe to encode after the store is unlocked, because
// the store never changes a nested value in place: every write replaces
// top-level properties (see mailbox.Update), and render only replaces them
// too.
func pageCopy(objs []Object) []Object {
	out := make([]Object, len(objs))
	for i, o := range objs {
		out[i] = maps.Clone(o)
	}
	return out
}

func (c *call) list(t *target, unlock func()) *apiError {
	opts, err := c.parseOptions(t.set)
	if err != nil {
		return err
	}
	if opts.DeltaToken != "" || opts.SkipToken != "" {
		return errorf(http.StatusBadRequest, "BadRequest", "$deltatoken and $skiptoken are only valid in change tracking requests.")
	}
	objs := c.members(t)
	objs = applyFilter(objs, opts)
	switch {
	case len(opts.OrderBy) > 0:
		opts.OrderBy.Sort(objs)
	case t.set == "messages" && opts.Search == nil:
		defaultMessageOrder().Sort(objs)
	}
	total := len(objs)
	size := c.pageSize(opts)
	if opts.HasTop && opts.Top == 0 {
		size = 0 // an empty page and no next link: there is nothing to continue
	}
	skip := min(opts.Skip, len(objs))
	page := objs[skip:min(skip+size, len(objs))]
	out := c.renderPage(t, page, opts)
	unlock()

	body := map[string]any{"@odata.context": c.contextURL(t, opts, "")}
	if opts.Count {
		body["@odata.count"] = total
	}
	body["value"] = out
	if size > 0 && skip+len(page) < total {
		body["@odata.nextLink"] = c.link(c.r.URL.RawQuery, "$skip", strconv.Itoa(skip+len(page)))
	}
	c.writeJSON(http.StatusOK, body)
	return nil
}

func applyFilter(objs []Object, opts *query.Options) []Object {
	if opts.Filter == nil && opts.Search == nil {
		return objs
	}
	out := objs[:0]
	for _, o := range objs {
		if opts.Filter != nil && !opts.Filter.Match(o) {
			continue
		}
		if opts.Search != nil && !opts.Search.Match(o) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// pageSize is $top (capped at 1000 and by odata.maxpagesize) when given, else
// odata.maxpagesize, else the server's page size.
func (c *call) pageSize(opts *query.Options) int {
	size := c.h.env.PageSize()
	if c.prefs.maxPage > 0 {
		size = c.prefs.maxPage
	}
	if opts.HasTop {
		size = opts.Top
		if c.prefs.maxPage > 0 {
			size = min(size, c.prefs.maxPage)
		}
		size = min(size, 1000)
	}
	if size < 1 {
		size = 1
	}
	return size
}

func (c *call) count(t *target, unlock func()) *apiError {
	opts, err := c.parseOptions(t.set)
	if err != nil {
		return err
	}
	n := len(applyFilter(c.members(t), opts))
	unlock()
	c.setHeaders()
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	c.w.WriteHeader(http.StatusOK)
	fmt.Fprint(c.w, n)
	return nil
}

func (c *call) get(t *target, unlock func()) *apiError {
	opts, err := c.parseOptions(t.set)
	if err != nil {
		return err
	}
	o := c.render(t.set, c.m.View(t.ent), opts)
	unlock()
	o["@odata.context"] = c.contextURL(t, opts, "/$entity")
	c.writeJSON(http.StatusOK, o)
	return nil
}

// unkeyed strips a key from the last context segment: an entity's context
// names its set ("messages/$entity"), not the entity.
func unkeyed(ctx []string) []string {
	out := slices.Clone(ctx)
	if i := strings.IndexByte(out[len(out)-1], '('); i > 0 {
		out[len(out)-1] = out[len(out)-1][:i]
	}
	return out
}

func (c *call) readBody(set string) (Object, *apiError) {
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body: %v", err)
	}
	if len(data) > maxBodyBytes {
		return nil, errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request body is too large.")
	}
	if c.h.env.Dialect == dialect.Graph && len(data) > graphMaxRequest {
		return nil, tooLarge()
	}
	obj, derr := dialect.DecodeBody(c.h.env.Dialect, data, schema.Sets()[set].Type)
	if derr != nil {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "%v", derr)
	}
	return obj, nil
}

func inputError(err error) *apiError {
	if bi, ok := err.(*store.InputError); ok {
		return errorf(http.StatusBadRequest, bi.Code, "%s", bi.Message)
	}
	return errorf(http.StatusInternalServerError, "InternalServerError", "%v", err)
}

func (c *call) create(t *target, unlock func()) *apiError {
	if !t.canPost && t.post == "" {
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	parent := t.post
	if t.set == "messages" && c.isMIMEBody() {
		msg, atts, aerr := c.readMIMEBody()
		if aerr != nil {
			return aerr
		}
		e, aerr := c.createFromMIME(parent, msg, atts)
		if aerr != nil {
			return aerr
		}
		return c.created(t, e, unlock)
	}
	obj, aerr := c.readBody(t.set)
	if aerr != nil {
		return aerr
	}
	var e *store.Entity
	var err error
	switch t.set {
	case "attachments":
		if c.inlineTooLarge(obj) {
			return tooLarge()
		}
		e, err = c.m.AddAttachment(parent, obj, true)
	case "inferenceClassificationOverrides":
		// One override per sender: a second POST for the same address
		// changes the first one's classifyAs (as Graph documents).
		if old := c.m.OverrideFor(obj); old != nil {
			if _, ok := obj["classifyAs"].(string); !ok {
				return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "An override needs classifyAs (focused or other).")
			} else if err = c.m.Update(old, Object{"classifyAs": obj["classifyAs"]}); err == nil {
				e = old
			}
			break
		}
		e, err = c.m.Create(t.set, parent, obj, true)
	case "messages", "events":
		atts, _ := obj["attachments"].([]any)
		delete(obj, "attachments")
		for _, a := range atts {
			if ao, ok := a.(map[string]any); ok && c.inlineTooLarge(ao) {
				return tooLarge()
			}
		}
		e, err = c.m.CreateWithAttachments(t.set, parent, obj, atts, true)
	default:
		if prop := store.FolderNameProp(t.set); prop != "" {
			if name, ok := obj[prop].(string); ok && c.m.NameTaken(t.set, parent, name, nil) {
				return folderExists()
			}
		}
		e, err = c.m.Create(t.set, parent, obj, true)
	}
	if err != nil {
		return inputError(err)
	}
	return c.created(t, e, unlock)
}

// created answers 201 with e, just created in the list t.
func (c *call) created(t *target, e *store.Entity, unlock func()) *apiError {
	opts := &query.Options{}
	o := c.render(t.set, c.m.View(e), opts)
	unlock()
	et := &target{set: t.set, ent: e, ctx: append(slices.Clone(t.ctx[:len(t.ctx)-1]), c.ctxKey(t.ctx[len(t.ctx)-1], e.ID()))}
	o["@odata.context"] = c.contextURL(&target{set: t.set, ctx: t.ctx}, opts, "/$entity")
	c.hdr.Set("Location", c.entityURL(et))
	c.writeJSON(http.StatusCreated, o)
	return nil
}

// checkIfMatch compares If-Match with the entity's ETag.
func (c *call) checkIfMatch(e *store.Entity) *apiError {
	im := c.r.Header.Get("If-Match")
	if im == "" || im == "*" {
		return nil
	}
	cur, _ := e.Object()["@odata.etag"].(string)
	for _, tag := range strings.Split(im, ",") {
		// A weak or strong form of the current tag both match: Exchange
		// compares change keys.
		if strings.TrimPrefix(strings.TrimSpace(tag), "W/") == strings.TrimPrefix(cur, "W/") {
			return nil
		}
	}
	return errorf(http.StatusPreconditionFailed, "ErrorIrresolvableConflict",
		"The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.")
}

func (c *call) patch(t *target, unlock func()) *apiError {
	if err := c.checkIfMatch(t.ent); err != nil {
		return err
	}
	obj, aerr := c.readBody(t.set)
	if aerr != nil {
		return aerr
	}
	if prop := store.FolderNameProp(t.set); prop != "" {
		if name, ok := obj[prop].(string); ok && c.m.NameTaken(t.set, t.ent.Parent(), name, t.ent) {
			return folderExists()
		}
	}
	if err := c.m.Update(t.ent, obj); err != nil {
		return inputError(err)
	}
	opts := &query.Options{}
	o := c.render(t.set, c.m.View(t.ent), opts)
	unlock()
	o["@odata.context"] = c.contextURL(t, opts, "/$entity")
	c.writeJSON(http.StatusOK, o)
	return nil
}

func (c *call) del(t *target) *apiError {
	if err := c.checkIfMatch(t.ent); err != nil {
		return err
	}
	if c.m.Distinguished(t.ent) {
		return errorf(http.StatusBadRequest, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
	}
	c.m.Delete(t.ent)
	c.setHeaders()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

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
	if len(opts.Select) > 0 {
		o = query.Project(o, opts.Select, []string{"id", "@odata.etag", "@odata.type"})
	}
	for _, x := range opts.Expand {
		name, _, _ := strings.Cut(x, "(")
		if strings.EqualFold(strings.TrimSpace(name), "attachments") && (set == "messages" || set == "events") {
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
			if v, ok := o[k].(map[string]any); ok {
				o[k] = datetime.Convert(v, c.prefs.tzLoc, c.prefs.tzName)
			}
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
	h.Set("request-id", ids.GUID())
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
	body := map[string]any{"error": map[string]any{
		"code":    e.code,
		"message": e.message,
		"innerError": map[string]any{
			"date":              c.h.env.Now().UTC().Format("2006-01-02T15:04:05"),
			"request-id":        ids.GUID(),
			"client-request-id": c.r.Header.Get("client-request-id"),
		},
	}}
	b, _ := json.Marshal(body)
	c.setHeaders()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	c.w.WriteHeader(e.status)
	c.w.Write(b)
}

// prefs are the Prefer header's preferences this server honours.
type prefs struct {
	tzName       string
	tzLoc        *time.Location
	bodyType     string
	maxPage      int
	trackChanges bool
	applied      []string
}

func parsePrefer(values []string) prefs {
	var p prefs
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			k, val, _ := strings.Cut(part, "=")
			k = strings.ToLower(strings.TrimSpace(k))
			val = strings.Trim(strings.TrimSpace(val), `"`)
			switch k {
			case "outlook.timezone":
				if loc, ok := datetime.LoadZone(val); ok {
					p.tzName, p.tzLoc = val, loc
					p.applied = append(p.applied, `outlook.timezone="`+val+`"`)
				}
			case "outlook.body-content-type":
				if b := strings.ToLower(val); b == "text" || b == "html" {
					p.bodyType = b
					p.applied = append(p.applied, `outlook.body-content-type="`+b+`"`)
				}
			case "odata.maxpagesize":
				if n, err := strconv.Atoi(val); err == nil && n > 0 {
					p.maxPage = n
					p.applied = append(p.applied, "odata.maxpagesize="+val)
				}
			case "odata.track-changes":
				p.trackChanges = true
			}
		}
	}
	return p
}

// sendMailParams is the parameter type of sendMail, for the dialect
// translation of its body.
var sendMailParams = sync.OnceValue(func() *schema.ObjType {
	return schema.ParamType("sendMail", map[string]*schema.Prop{
		"message":         {Name: "message", V2Name: "Message", Kind: schema.KindObject, Type: schema.Sets()["messages"].Type, Access: schema.ReadWrite},
		"saveToSentItems": {Name: "saveToSentItems", V2Name: "SaveToSentItems", Kind: schema.KindBool, Access: schema.ReadWrite},
	})
})

// replyParams is the parameter type of the reply and forward family.
var replyParams = sync.OnceValue(func() *schema.ObjType {
	return schema.ParamType("reply", map[string]*schema.Prop{
		"message":      {Name: "message", V2Name: "Message", Kind: schema.KindObject, Type: schema.Sets()["messages"].Type, Access: schema.ReadWrite},
		"comment":      {Name: "comment", V2Name: "Comment", Kind: schema.KindString, Access: schema.ReadWrite},
		"toRecipients": {Name: "toRecipients", V2Name: "ToRecipients", Kind: schema.KindObject, Coll: true, Type: schema.Complex("recipient"), Access: schema.ReadWrite},
	})
})

// respond serves an attendee's accept, tentativelyAccept and decline.
func (c *call) respond(t *target, name string, unlock func()) *apiError {
	if t.ent.Transient() {
		return c.notImplemented()
	}
	resp := map[string]string{"accept": "accepted", "decline": "declined", "tentativelyaccept": "tentativelyAccepted"}[name]
	if org, _ := t.ent.Object()["isOrganizer"].(bool); org {
		return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. You can't respond to a meeting you organized.")
	}
	c.m.Write(t.ent, Object{"responseStatus": Object{"response": resp, "time": datetime.Format(c.st().Now())}})
	return c.answerEmpty(http.StatusAccepted, unlock)
}

// purgeMessage serves a message's permanentDelete.
func (c *call) purgeMessage(t *target, _ string, unlock func()) *apiError {
	c.m.Purge(t.ent)
	return c.answerEmpty(http.StatusNoContent, unlock)
}

// messageMoveOrCopy serves a message's move and copy.
func (c *call) messageMoveOrCopy(t *target, name string, unlock func()) *apiError {
	folder, aerr := c.destination()
	if aerr != nil {
		return aerr
	}
	var e *store.Entity
	if name == "move" {
		e = c.m.Move(t.ent, folder.ID())
	} else {
		e = c.m.CopyMessage(c.m, t.ent, folder.ID(), nil)
	}
	return c.answerEntity(e, unlock)
}

// sendDraft serves a draft's send.
func (c *call) sendDraft(t *target, _ string, unlock func()) *apiError {
	if d, _ := t.ent.Object()["isDraft"].(bool); !d {
		return errorf(http.StatusBadRequest, "ErrorInvalidOperation", "Only draft messages can be sent.")
	}
	c.m.Send(t.ent, true)
	return c.answerEmpty(http.StatusAccepted, unlock)
}

func (c *call) answerEntity(e *store.Entity, unlock func()) *apiError {
	opts := &query.Options{}
	o := c.render(e.Set(), c.m.View(e), opts)
	unlock()
	o["@odata.context"] = c.contextURL(&target{ctx: []string{c.baseCtx(), c.ctxName("messages")}}, opts, "/$entity")
	c.writeJSON(http.StatusCreated, o)
	return nil
}

// sendMail serves POST /sendMail.
func (c *call) sendMail(_ *target, _ string, unlock func()) *apiError {
	if c.isMIMEBody() {
		msg, atts, aerr := c.readMIMEBody()
		if aerr != nil {
			return aerr
		}
		draft, aerr := c.createFromMIME(c.m.WellKnown("drafts"), msg, atts)
		if aerr != nil {
			return aerr
		}
		c.m.Send(draft, true)
		unlock()
		c.setHeaders()
		c.w.WriteHeader(http.StatusAccepted)
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
	if err != nil || len(data) > maxBodyBytes {
		return errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body failed")
	}
	if c.h.env.Dialect == dialect.Graph && len(data) > graphMaxRequest {
		return tooLarge()
	}
	body, derr := dialect.DecodeBody(c.h.env.Dialect, data, sendMailParams())
	if derr != nil {
		return errorf(http.StatusBadRequest, "RequestBodyRead", "%v", derr)
	}
	msg, ok := body["message"].(map[string]any)
	if !ok {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The message parameter is required.")
	}
	save := true
	if v, ok := body["saveToSentItems"].(bool); ok {
		save = v
	}
	atts, _ := msg["attachments"].([]any)
	delete(msg, "attachments")
	for _, a := range atts {
		if ao, ok := a.(map[string]any); ok && c.inlineTooLarge(ao) {
			return tooLarge()
		}
	}
	draft, cerr := c.m.CreateWithAttachments("messages", c.m.WellKnown("drafts"), msg, atts, true)
	if cerr != nil {
		return inputError(cerr)
	}
	c.m.Send(draft, save)
	unlock()
	c.setHeaders()
	c.w.WriteHeader(http.StatusAccepted)
	return nil
}

// user answers GET /me or /users/{id} with the few user properties clients
// read to probe a host or learn the mailbox's address.
func (c *call) user() *apiError {
	if c.r.Method != http.MethodGet {
		return c.notImplemented()
	}
	local, _, _ := strings.Cut(c.m.Address(), "@")
	if c.h.env.Dialect == dialect.V2 {
		c.writeJSON(http.StatusOK, map[string]any{
			"@odata.context": "https://" + c.h.env.Host + c.h.root + "/$metadata#Me",
			"@odata.id":      "https://" + c.h.env.Host + c.h.root + "/Users('" + c.m.Address() + "')",
			"Id":             c.m.ID(),
			"EmailAddress":   c.m.Address(),
			"DisplayName":    local,
			"Alias":          local,
			"MailboxGuid":    c.m.ID(),
		})
		return nil
	}
	c.writeJSON(http.StatusOK, map[string]any{
		"@odata.context":    "https://" + c.h.env.Host + c.h.root + "/$metadata#users/$entity",
		"id":                c.m.ID(),
		"displayName":       local,
		"mail":              c.m.Address(),
		"userPrincipalName": c.m.Address(),
	})
	return nil
}

// reply serves reply, replyAll, forward and their create* forms: a draft
// answering the message (201 with the draft), or that draft sent (202).
func (c *call) reply(t *target, name string, unlock func()) *apiError {
	orig := t.ent
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
	if err != nil || len(data) > maxBodyBytes {
		return errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body failed")
	}
	if c.h.env.Dialect == dialect.Graph && len(data) > graphMaxRequest {
		return tooLarge()
	}
	params := Object{}
	if len(bytes.TrimSpace(data)) > 0 {
		p, derr := dialect.DecodeBody(c.h.env.Dialect, data, replyParams())
		if derr != nil {
			return errorf(http.StatusBadRequest, "RequestBodyRead", "%v", derr)
		}
		if err := schema.CheckObject("", replyParams(), p); err != nil {
			return errorf(http.StatusBadRequest, "RequestBodyRead", "%v", err)
		}
		params = p
	}
	create := strings.HasPrefix(name, "create")
	kind := strings.TrimPrefix(name, "create")
	msg, _ := params["message"].(map[string]any)
	comment, _ := params["comment"].(string)
	if create && comment != "" && msg != nil && msg["body"] != nil {
		return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Give either comment or message.body, not both.")
	}
	subj, _ := orig.Object()["subject"].(string)
	draft := Object{}
	for k, v := range msg {
		draft[k] = v
	}
	var to []any
	switch kind {
	case "forward":
		subj = "FW: " + subj
		if rs, ok := params["toRecipients"].([]any); ok {
			to = rs
		}
	default:
		subj = "RE: " + subj
		if rt, _ := orig.Object()["replyTo"].([]any); len(rt) > 0 {
			to = schema.DeepCopy(rt).([]any)
		} else if from := orig.Object()["from"]; from != nil {
			to = []any{schema.DeepCopy(from)}
		}
		if kind == "replyall" {
			rs, _ := orig.Object()["toRecipients"].([]any)
			for _, r := range rs {
				ro, _ := r.(map[string]any)
				ea, _ := ro["emailAddress"].(map[string]any)
				if a, _ := ea["address"].(string); !strings.EqualFold(a, c.m.Address()) {
					to = append(to, schema.DeepCopy(r))
				}
			}
			if cc, ok := orig.Object()["ccRecipients"].([]any); ok && draft["ccRecipients"] == nil {
				draft["ccRecipients"] = schema.DeepCopy(cc)
			}
		}
	}
	if draft["toRecipients"] == nil {
		if to == nil {
			to = []any{}
		}
		draft["toRecipients"] = to
	}
	if draft["subject"] == nil {
		draft["subject"] = subj
	}
	if draft["body"] == nil {
		ob, _ := orig.Object()["body"].(map[string]any)
		quoted, _ := ob["content"].(string)
		draft["body"] = Object{"contentType": "html", "content": html.EscapeString(comment) + "<hr>" + quoted}
	}
	if rs, _ := draft["toRecipients"].([]any); !create && len(rs) == 0 {
		return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is required.")
	}
	e, cerr := c.m.Create("messages", c.m.WellKnown("drafts"), draft, true)
	if cerr != nil {
		return inputError(cerr)
	}
	if kind == "forward" {
		for _, a := range c.m.List("attachments", func(a *store.Entity) bool { return a.Parent() == orig.ID() }) {
			ao := schema.DeepCopy(a.Object()).(map[string]any)
			delete(ao, "id")
			if _, err := c.m.AddAttachment(e.ID(), ao, false); err != nil {
				return inputError(err)
			}
		}
	}
	if create {
		return c.answerEntity(e, unlock)
	}
	c.m.Send(e, true)
	unlock()
	c.setHeaders()
	c.w.WriteHeader(http.StatusAccepted)
	return nil
}
