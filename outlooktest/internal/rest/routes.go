package rest

// Routes: what each path under a mailbox names, as tables. A path below
// /me or /users/{id} is a root segment (rootRoutes), then segments that are
// a key (an id), a function of a list (delta, $count), a navigation property
// of an entity (navRoutes) or an action bound to an entity (actionRoutes).
// Segments and well-known names match case-insensitively, ids exactly. To
// serve a new path, add a row; navigate and action read the tables only.

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// container names one of a mailbox's distinguished containers: a folder,
// calendar or calendar group every mailbox has.
type container func(m *store.Mailbox) string

func drafts(m *store.Mailbox) string               { return m.WellKnown("drafts") }
func mailRoot(m *store.Mailbox) string             { return m.RootFolder() }
func defaultCalendar(m *store.Mailbox) string      { return m.DefaultCalendar() }
func defaultCalendarGroup(m *store.Mailbox) string { return m.DefaultCalendarGroup() }
func defaultContacts(m *store.Mailbox) string      { return m.DefaultContactFolder() }

// members says which entities of its set a list holds.
type members int

const (
	everyEntity    members = iota // the whole set
	childrenOf                    // those the container holds
	visibleFolders                // the folders the container holds, hidden ones only with includeHiddenFolders=true
)

// tracking is the change tracking a list offers.
type tracking int

const (
	untracked      tracking = iota
	trackContainer          // the members of its container ("<set>:<container id>")
	trackHierarchy          // the whole folder tree of its set ("<set>:*")
)

// rootRoute is what a segment right under the mailbox names: a list, one
// entity, a calendar view or an action.
type rootRoute struct {
	set     string
	members members
	in      container // the container whose members the list holds
	post    container // where POST puts new entities; nil: in
	anyPost bool      // POST creates entities with no container (calendar groups, overrides)
	track   tracking
	entity  container // the segment names this entity (/me/calendar), not a list
	view    container // a calendar view of this calendar
	action  string    // an action bound to the mailbox
	then    string    // the only segment that may follow (inferenceClassification/overrides)
}

// rootRoutes are the segments under a mailbox, by lower-case name.
var rootRoutes = map[string]rootRoute{
	"messages":                {set: "messages", members: everyEntity, post: drafts},
	"mailfolders":             {set: "mailFolders", members: visibleFolders, in: mailRoot, track: trackHierarchy},
	"events":                  {set: "events", members: childrenOf, in: defaultCalendar},
	"calendar":                {set: "calendars", entity: defaultCalendar},
	"calendars":               {set: "calendars", members: everyEntity, post: defaultCalendarGroup},
	"calendargroups":          {set: "calendarGroups", members: everyEntity, anyPost: true},
	"calendarview":            {set: "events", view: defaultCalendar},
	"contacts":                {set: "contacts", members: childrenOf, in: defaultContacts, track: trackContainer},
	"contactfolders":          {set: "contactFolders", members: childrenOf, in: defaultContacts, track: trackHierarchy},
	"sendmail":                {action: "sendMail"},
	"inferenceclassification": {set: "inferenceClassificationOverrides", members: everyEntity, anyPost: true, then: "overrides"},
}

// navRoute is what a segment after an entity names: a list of the entity's
// children (new ones created there), a calendar view, or an action that only
// one dialect has.
type navRoute struct {
	set       string // the set of the children
	track     bool   // change tracking of the children
	view      bool   // a calendar view of the entity (a calendar)
	instances bool   // the occurrences of the entity (a series) in a window of its calendar
	inboxOnly bool   // the Inbox's only
	graphOnly bool   // v2.0 does not have the segment: answered as an Exchange server does
	action    bool   // an action, resolved by actionRoutes once the dialect is checked
}

// navRoutes are the navigation properties of each entity set, by the set
// and the lower-case segment.
var navRoutes = map[[2]string]navRoute{
	{"mailFolders", "childfolders"}:      {set: "mailFolders"},
	{"mailFolders", "messages"}:          {set: "messages", track: true},
	{"mailFolders", "messagerules"}:      {set: "messageRules", graphOnly: true, inboxOnly: true},
	{"mailFolders", "permanentdelete"}:   {action: true, graphOnly: true},
	{"messages", "permanentdelete"}:      {action: true, graphOnly: true},
	{"contactFolders", "childfolders"}:   {set: "contactFolders"},
	{"contactFolders", "contacts"}:       {set: "contacts", track: true},
	{"calendars", "events"}:              {set: "events"},
	{"calendars", "calendarview"}:        {set: "events", view: true},
	{"calendars", "calendarpermissions"}: {set: "calendarPermissions", graphOnly: true},
	{"events", "instances"}:              {set: "events", instances: true},
	{"calendarGroups", "calendars"}:      {set: "calendars"},
	{"messages", "attachments"}:          {set: "attachments"},
	{"events", "attachments"}:            {set: "attachments"},
}

// navigate resolves the path after the mailbox.
func (c *call) navigate(segs []seg) (*target, *apiError) {
	m := c.m
	first := segs[0]
	ctx := []string{c.baseCtx(), c.ctxName(first.name)}
	rr, ok := rootRoutes[strings.ToLower(first.name)]
	if !ok {
		return nil, c.notImplemented()
	}
	t := &target{set: rr.set}
	switch {
	case rr.entity != nil || rr.action != "":
		if first.hasKey {
			return nil, c.notImplemented()
		}
		t.fn = rr.action
		if rr.entity != nil {
			t.ent = m.Lookup(rr.set, rr.entity(m))
		}
	case rr.view != nil:
		w, err := c.window(rr.view(m))
		if err != nil {
			return nil, err
		}
		t.view = w
	default:
		if rr.then != "" {
			if first.hasKey || len(segs) < 2 || !strings.EqualFold(segs[1].name, rr.then) {
				return nil, c.notImplemented()
			}
			ctx = append(ctx, c.ctxName(rr.then))
			first = segs[1]
			segs = segs[1:]
		}
		in := ""
		if rr.in != nil {
			in = rr.in(m)
		}
		t.scope = c.memberScope(rr.members, in)
		t.post, t.canPost = in, rr.anyPost
		if rr.post != nil {
			t.post = rr.post(m)
		}
		switch rr.track {
		case trackContainer:
			t.sync = rr.set + ":" + in
		case trackHierarchy:
			t.sync = rr.set + ":*"
		}
	}
	t.ctx = ctx
	if first.hasKey {
		if err := c.enter(t, first.key); err != nil {
			return nil, err
		}
	}
	for _, s := range segs[1:] {
		lname := strings.ToLower(s.name)
		switch {
		case strings.EqualFold(t.fn, "photo") && lname == "$value" && !s.hasKey:
			t.fn = "photo/$value"
			continue
		case t.fn != "":
			return nil, c.notImplemented()
		case t.view != nil:
			if lname == "delta" && !s.hasKey && c.h.env.Dialect == dialect.Graph {
				t.fn, t.params = "delta", s.params
				continue
			}
			return nil, c.notImplemented()
		case t.ent == nil: // a list: an id, delta or $count
			if !s.hasKey && (lname == "delta" || lname == "$count") {
				t.fn, t.params = lname, s.params
				continue
			}
			if !s.hasKey && lname == "createuploadsession" && t.set == "attachments" {
				if c.h.env.Dialect == dialect.V2 {
					return nil, c.unknownSegment(s.name)
				}
				t.fn = s.name
				continue
			}
			if s.hasKey {
				if segNames[lname] != segNames[strings.ToLower(t.ctx[len(t.ctx)-1])] && !strings.EqualFold(s.name, t.ctx[len(t.ctx)-1]) {
					return nil, c.notImplemented()
				}
				if err := c.enter(t, s.key); err != nil {
					return nil, err
				}
				continue
			}
			if err := c.enter(t, s.name); err != nil {
				return nil, err
			}
		default: // an entity: a navigation property or an action
			e := t.ent
			nr, ok := navRoutes[[2]string{e.Set(), lname}]
			switch {
			case ok && nr.graphOnly && c.h.env.Dialect == dialect.V2:
				return nil, c.unknownSegment(s.name)
			case !ok || nr.action:
				t.fn, t.params = s.name, s.params // an action or function of the entity
				continue
			case nr.inboxOnly && e.ID() != m.WellKnown("inbox"):
				return nil, errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Message rules exist on the Inbox only.")
			}
			nt := &target{set: nr.set, parent: e, ctx: append(slices.Clone(t.ctx), c.ctxName(s.name))}
			switch {
			case nr.view, nr.instances:
				cal := e.ID()
				if nr.instances {
					cal = e.Parent()
				}
				w, err := c.window(cal)
				if err != nil {
					return nil, err
				}
				if nr.instances {
					w.Master = e.ID()
				}
				nt.view = w
			default:
				nt.scope, nt.post = c.memberScope(childrenOf, e.ID()), e.ID()
				if nr.track {
					nt.sync = nr.set + ":" + e.ID()
				}
			}
			t = nt
			if s.hasKey {
				if err := c.enter(t, s.key); err != nil {
					return nil, err
				}
			}
		}
	}
	if t.view != nil && t.view.Master == "" {
		t.sync = fmt.Sprintf("events:%s:%d:%d", t.view.Calendar, t.view.Start.Unix(), t.view.End.Unix())
	}
	return t, nil
}

// memberScope returns which entities a list of kind members in container
// holds.
func (c *call) memberScope(kind members, container string) func(*store.Entity) bool {
	switch kind {
	case childrenOf:
		// A calendar's exceptions show in its views, not its lists.
		return func(e *store.Entity) bool { return e.Parent() == container && !store.IsException(e) }
	case visibleFolders:
		return c.folderScope(container)
	}
	return func(*store.Entity) bool { return true }
}

// actionRoutes are the actions the REST hosts serve, by what they are bound
// to and name. A POST to any other answers 501.
var actionRoutes = map[[2]string]func(c *call, t *target, name string, unlock func()) *apiError{
	{"mailbox", "sendmail"}:                     (*call).sendMail,
	{"attachments list", "createuploadsession"}: (*call).createUploadSession,
	{"messages", "move"}:                        (*call).messageMoveOrCopy,
	{"messages", "copy"}:                        (*call).messageMoveOrCopy,
	{"messages", "send"}:                        (*call).sendDraft,
	{"messages", "permanentdelete"}:             (*call).purgeMessage,
	{"messages", "reply"}:                       (*call).reply,
	{"messages", "replyall"}:                    (*call).reply,
	{"messages", "forward"}:                     (*call).reply,
	{"messages", "createreply"}:                 (*call).reply,
	{"messages", "createreplyall"}:              (*call).reply,
	{"messages", "createforward"}:               (*call).reply,
	{"mailFolders", "move"}:                     (*call).folderAction,
	{"mailFolders", "copy"}:                     (*call).folderAction,
	{"mailFolders", "permanentdelete"}:          (*call).folderAction,
	{"events", "accept"}:                        (*call).respond,
	{"events", "decline"}:                       (*call).respond,
	{"events", "tentativelyaccept"}:             (*call).respond,
	{"events", "cancel"}:                        (*call).calendarAction,
	{"events", "forward"}:                       (*call).calendarAction,
	{"events", "dismissreminder"}:               (*call).calendarAction,
	{"events", "snoozereminder"}:                (*call).calendarAction,
	{"calendars", "getschedule"}:                (*call).getSchedule,
}

// postOnly are the action names whose other methods answer 405, whatever
// they are bound to; other methods of other names answer 501.
var postOnly = map[string]bool{
	"sendmail": true, "move": true, "copy": true, "send": true, "reply": true, "replyall": true, "forward": true,
	"createreply": true, "createreplyall": true, "createforward": true, "accept": true, "decline": true,
	"tentativelyaccept": true, "permanentdelete": true, "createuploadsession": true,
}

// action runs the action a path named. Others answer 501.
func (c *call) action(t *target, unlock func()) *apiError {
	name := strings.ToLower(t.fn)
	if c.r.Method != http.MethodPost {
		if postOnly[name] {
			return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
		}
		return c.notImplemented()
	}
	on := "mailbox"
	switch {
	case t.ent != nil:
		on = t.ent.Set()
	case t.set != "":
		on = t.set + " list"
	}
	run, ok := actionRoutes[[2]string{on, name}]
	if !ok {
		return c.notImplemented()
	}
	return run(c, t, name, unlock)
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
	params  map[string]string        // the parameters of a function called with parentheses, by lower-cased name
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
	"calendarpermissions": "calendarPermissions",
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
		return notFound(id)
	}
	t.ent = e
	last := len(t.ctx) - 1
	t.ctx[last] = c.ctxKey(t.ctx[last], id)
	return nil
}

// notFound is the answer for an id the mailbox does not hold: 404, or 400
// when Exchange could not even read it as an id.
func notFound(id string) *apiError {
	if !ids.WellFormed(id) {
		return errorf(http.StatusBadRequest, "ErrorInvalidIdMalformed", "Id is malformed.")
	}
	return errorf(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
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
		if len(t.params) > 0 {
			return errorf(http.StatusBadRequest, "BadRequest", "The function delta takes no parameters in parentheses.")
		}
		return c.delta(t, unlock)
	case t.fn == "$count":
		if method != http.MethodGet {
			return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
		}
		return c.count(t, unlock)
	case t.fn == "$value":
		return c.rawValue(t, unlock)
	case isPhotoPath(t):
		return c.photo(t, unlock)
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
