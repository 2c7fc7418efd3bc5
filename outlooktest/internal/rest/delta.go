package rest

// Change tracking: Graph's delta functions and Outlook REST v2.0's
// track-changes on ordinary collections, over the store's one mechanism
// (Mailbox.Changes). Skip and delta tokens are sealed store cursors, so they
// are stateless: replaying an old deltaLink returns the same changes again,
// and a garbled token is refused with 410 Gone.

import (
	"net/http"
	"slices"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// delta serves a Graph delta function or a v2.0 track-changes request.
func (c *call) delta(t *target, unlock func()) *apiError {
	v2 := c.h.env.Dialect == dialect.V2
	if t.sync == "" || (v2 && !strings.HasPrefix(t.sync, "messages:") && !strings.HasPrefix(t.sync, "contacts:") && !strings.HasPrefix(t.sync, "events:")) {
		if v2 {
			// The resource does not track changes: an ordinary answer
			// without Preference-Applied, as the protocol says.
			if c.tokenPresent() {
				return errorf(http.StatusBadRequest, "ErrorInvalidUrlQuery", "This collection does not support change tracking.")
			}
			return c.list(t, unlock)
		}
		return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Change tracking is not supported on this collection.")
	}
	opts, aerr := c.parseOptions(t.set)
	if aerr != nil {
		return aerr
	}
	if opts.Search != nil {
		return errorf(http.StatusBadRequest, "ErrorInvalidUrlQuery", "$search is not supported in change tracking requests.")
	}
	scope := t.sync
	switch scope {
	case "mailFolders:*": // the whole visible hierarchy, not only the top level
		t.scope = func(e *store.Entity) bool {
			h, _ := e.Object()["isHidden"].(bool)
			return e.ID() != c.m.RootFolder() && !h && c.m.Under(e, c.m.RootFolder())
		}
	case "contactFolders:*":
		t.scope = func(e *store.Entity) bool {
			return e.ID() != c.m.DefaultContactFolder() && c.m.Under(e, c.m.DefaultContactFolder())
		}
	}
	gone := func() *apiError {
		if v2 {
			return errorf(http.StatusGone, "ErrorInvalidSyncStateData", "The sync state is invalid or has expired; start a new synchronization.")
		}
		return errorf(http.StatusGone, "syncStateNotFound", "The sync state generation is not found. Please do a full sync.")
	}
	var tok store.Cursor
	switch {
	case opts.SkipToken != "" || opts.DeltaToken != "":
		raw := opts.DeltaToken
		if opts.SkipToken != "" {
			raw = opts.SkipToken
		}
		var ok bool
		tok, ok = c.st().OpenCursor(raw)
		if !ok || !c.m.Valid(tok, scope) {
			return gone()
		}
	default:
		tok = c.m.FirstRound(scope)
	}
	var match func(Object) bool
	if opts.Filter != nil {
		match = opts.Filter.Match
	}
	all := c.m.Changes(t.syncScope(), tok, match)
	// changeType=created|updated|deleted (Graph).
	if ct := c.queryValue("changeType"); ct != "" && !v2 {
		ct = strings.ToLower(ct)
		all = slices.DeleteFunc(all, func(ch store.Change) bool {
			switch ct {
			case "created":
				return ch.Entity == nil || !ch.Created
			case "updated":
				return ch.Entity == nil || ch.Created
			case "deleted":
				return ch.Entity != nil
			}
			return false
		})
	}
	i := 0
	for i < len(all) && !all[i].After(tok) {
		i++
	}
	rest := all[i:]
	size := c.pageSize(opts)
	page := rest[:min(size, len(rest))]
	more := len(page) < len(rest)

	var value []any
	ctxBase := c.contextURL(&target{ctx: unkeyed(t.ctx)}, &query.Options{}, "")
	for _, ch := range page {
		if ch.Entity == nil {
			if v2 {
				value = append(value, map[string]any{
					"@odata.context": ctxBase + "/$deletedEntity",
					"id":             schema.Sets()[t.set].V2Set + "('" + ch.Removed + "')",
					"reason":         "deleted",
				})
			} else {
				value = append(value, map[string]any{
					"@odata.type": schema.GraphNS + schema.Sets()[t.set].GraphType,
					"id":          ch.Removed,
					"@removed":    map[string]any{"reason": "deleted"},
				})
			}
			continue
		}
		var o Object
		if ch.Object != nil {
			o = c.render(t.set, schema.DeepCopy(ch.Object).(map[string]any), opts)
		} else {
			o = c.render(t.set, c.m.View(ch.Entity), opts)
		}
		if !v2 {
			o["@odata.type"] = schema.GraphNS + schema.Sets()[t.set].GraphType
		}
		value = append(value, o)
	}
	if value == nil {
		value = []any{}
	}
	next := tok
	if len(page) > 0 {
		next = next.Advance(page[len(page)-1])
	}
	done := c.m.NextRound(tok)
	unlock()

	body := map[string]any{}
	if v2 {
		body["@odata.context"] = ctxBase + "/$delta"
		c.prefs.applied = append(c.prefs.applied, "odata.track-changes")
	} else {
		body["@odata.context"] = "https://" + c.h.env.Host + c.h.root + "/$metadata#Collection(" + schema.Sets()[t.set].GraphType + ")"
	}
	body["value"] = value
	rq := c.r.URL.RawQuery
	switch {
	case v2 && tok.Initial && opts.SkipToken == "" && opts.DeltaToken == "":
		// The first v2.0 response ends with a deltaLink even when more
		// data exists (protocol.md 3.8); that token resumes the round.
		if more {
			body["@odata.deltaLink"] = c.link(rq, "$deltatoken", c.st().SealCursor(next), "$skiptoken")
		} else {
			body["@odata.deltaLink"] = c.link(rq, "$deltatoken", c.st().SealCursor(done), "$skiptoken")
		}
	case more:
		body["@odata.nextLink"] = c.link(rq, "$skiptoken", c.st().SealCursor(next), "$deltatoken")
	default:
		body["@odata.deltaLink"] = c.link(rq, "$deltatoken", c.st().SealCursor(done), "$skiptoken")
	}
	c.writeJSON(http.StatusOK, body)
	return nil
}

func (c *call) queryValue(name string) string {
	for k, vs := range c.r.URL.Query() {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// syncScope is the change-tracking scope of a trackable list or view. Its
// key names the container after the set ("messages:<folder id>") or "*" for
// a whole hierarchy.
func (t *target) syncScope() store.Scope {
	sc := store.Scope{Key: t.sync, Set: t.set, Member: t.scope, View: t.view}
	if _, parent, _ := strings.Cut(t.sync, ":"); parent != "*" {
		sc.Parent = parent
	}
	return sc
}
