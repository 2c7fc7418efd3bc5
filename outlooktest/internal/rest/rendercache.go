package rest

// The rendered-entity cache: list pages are most of what a client benchmark
// asks for, and rendering an entity (a copy, the v2.0 translation, JSON
// encoding) cost more than everything else in serving it. An entity's
// rendered JSON is kept with it and reused while the entity is unchanged
// and the request renders it the same way.

import (
	"encoding/json"
	"maps"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/jsonenc"
	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// renderKey is everything a cached rendering depends on besides the
// entity's stored object, which every write gives a new ModSeq.
type renderKey struct {
	modSeq   uint64
	id       string // moves change it (and ModSeq); kept for safety
	dialect  dialect.Dialect
	host     string // v2.0 @odata.id names the host
	bodyType string // Prefer: outlook.body-content-type
}

// renderMemo is the key a rendering is kept under with its entity
// (store.Entity.Memo).
type renderMemo struct{}

// renderCache is one entity's last rendering. Its bytes are never changed
// once stored (a new rendering replaces the whole value), so an answer may
// be written from them after the store is unlocked.
type renderCache struct {
	key renderKey
	b   json.RawMessage
}

// cacheable reports whether entities of set render from their stored object
// alone. Not mail folders (item counts are computed), events (times are
// converted to the request's time zone, and views hold computed
// occurrences) or attachments (a v2.0 @odata.id names the parent item,
// whose id changes on move without the attachment being written).
func cacheable(set string) bool {
	switch set {
	case "messages", "contacts", "contactFolders", "calendars", "calendarGroups", "messageRules", "inferenceClassificationOverrides":
		return true
	}
	return false
}

// renderPage renders the members of a list page, which are the store's own
// objects: from the cache where it can, through render (on shallow copies,
// see pageCopy) otherwise. The store must be locked.
func (c *call) renderPage(t *target, page []Object, opts *query.Options) []any {
	// A guest's rendering is its role's projection (shared.go): never cached.
	if c.h.reference || t.view != nil || !cacheable(t.set) || len(opts.Select) > 0 || len(opts.Expand) > 0 || c.guestRole != "" {
		return c.renderAll(t.set, pageCopy(page), opts)
	}
	out := make([]any, len(page))
	for i, o := range page {
		id, _ := o["id"].(string)
		e := c.m.Lookup(t.set, id)
		if e == nil || e.Transient() {
			out[i] = c.render(t.set, maps.Clone(o), opts)
			continue
		}
		out[i] = c.renderCached(e, opts)
	}
	return out
}

// renderCached returns e's rendering as JSON, from its cache or rendered
// now and cached; if it cannot be encoded, the rendered object, so that the
// answer reports the error as it would have without the cache.
func (c *call) renderCached(e *store.Entity, opts *query.Options) any {
	key := renderKey{modSeq: e.ModSeq(), id: e.ID(), dialect: c.h.env.Dialect, host: c.h.env.Host, bodyType: c.prefs.bodyType}
	if rc, _ := e.Memo(renderMemo{}).(*renderCache); rc != nil && rc.key == key {
		return rc.b
	}
	o := c.render(e.Set(), maps.Clone(e.Object()), opts)
	b, err := jsonenc.Append(nil, o)
	if err != nil {
		return o
	}
	e.SetMemo(renderMemo{}, &renderCache{key: key, b: b})
	return json.RawMessage(b)
}
