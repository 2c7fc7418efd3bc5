package rest

// The generic CRUD every collection shares: list (with paging, $filter,
// $orderby, $search, $count), get, create, update (If-Match) and delete.

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

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
			for _, o := range c.m.ViewItems(e, t.view.Start, t.view.End, false) {
				objs = append(objs, c.guestView(t.set, o)) // a guest filters what it sees
			}
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
			objs[i] = c.guestView(e.Set(), e.Object())
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
		if err == nil && t.set == "events" && store.IsMeeting(e) {
			// Graph and v2.0 send the invitations as the meeting is made.
			c.m.Invite(e, nil)
		}
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
	c.ownZones = true
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
	var before map[string]bool
	if t.set == "events" {
		before = store.AttendeesOf(t.ent)
	}
	ent := t.ent
	if ent.Transient() {
		// An occurrence changed becomes an exception to its series.
		ex, err := c.m.UpdateOccurrence(ent, obj, true)
		if err != nil {
			return inputError(err)
		}
		ent = ex
	} else if err := c.m.Update(ent, obj); err != nil {
		return inputError(err)
	}
	if t.set == "events" {
		c.m.UpdateMeeting(ent, obj, before)
	}
	opts := &query.Options{}
	o := c.render(t.set, c.m.View(ent), opts)
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
	if err := store.CheckRemovable(t.ent); err != nil {
		return inputError(err)
	}
	e := t.ent
	if e.Set() == "events" {
		// An organizer deleting a meeting cancels it for the attendees,
		// as Graph documents; an occurrence leaves its series.
		if org, _ := e.Object()["isOrganizer"].(bool); org {
			c.m.CancelMeeting(e, "")
		}
		if e.Transient() || store.IsException(e) {
			c.m.CancelOccurrence(e)
			c.setHeaders()
			c.w.WriteHeader(http.StatusNoContent)
			return nil
		}
	}
	c.m.Delete(e)
	c.setHeaders()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
