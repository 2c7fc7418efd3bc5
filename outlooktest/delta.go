package outlooktest

// Change tracking: Graph's delta functions and Outlook REST v2.0's
// track-changes on ordinary collections, over one mechanism. Every write to
// a mailbox takes the next change sequence number; an entity remembers the
// number of its last write, and a removal (delete, or a move out of a
// folder) leaves a tombstone with its own number. A round lists the changes
// of a scope after a point, ordered by number; tokens carry that point and a
// cursor, signed with the store's key, so they are stateless: replaying an
// old deltaLink returns the same changes again, and a garbled token is
// refused with 410 Gone.

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/query"
)

// syncToken is the state a skip or delta token carries.
type syncToken struct {
	Mailbox string `json:"m"`
	Scope   string `json:"sc"`
	Since   uint64 `json:"s"`  // changes after this sequence number
	Initial bool   `json:"i"`  // a first round: current items only, no removals
	CurSeq  uint64 `json:"cs"` // resume after (CurSeq, CurOrd)
	CurOrd  uint64 `json:"co"`
}

func (st *store) encodeToken(t syncToken) string {
	b, _ := json.Marshal(t)
	sum := st.mac(b)
	return base64.RawURLEncoding.EncodeToString(b) + "." + base64.RawURLEncoding.EncodeToString(sum)
}

func (st *store) decodeToken(s string) (syncToken, bool) {
	var t syncToken
	p, sig, ok := strings.Cut(s, ".")
	if !ok {
		return t, false
	}
	b, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || len(mac) != len(st.mac(b)) || string(mac) != string(st.mac(b)) {
		return t, false
	}
	return t, json.Unmarshal(b, &t) == nil
}

// change is one entry of a round: an entity as it is now, or a removal.
type change struct {
	seq, ord uint64
	e        *entity // nil for a removal
	obj      Object  // an occurrence of e (Graph form, owned), when not e itself
	id       string  // removed id
	created  bool    // the entity was created after the round's starting point
}

func after(c change, seq, ord uint64) bool {
	return c.seq > seq || c.seq == seq && c.ord > ord
}

// changes lists what happened in scope after since, in sequence order.
func (c *call) changes(t *target, tok syncToken, opts *query.Options) []change {
	m := c.m
	parentOK := func(parent string) bool {
		switch {
		case t.view != nil:
			return parent == t.view.calendar
		case t.parent != nil:
			return parent == t.parent.id
		}
		return strings.HasSuffix(t.sync, ":*") || strings.HasSuffix(t.sync, ":"+parent)
	}
	var out []change
	seen := map[string]bool{}
	for _, e := range m.ents[t.set] {
		var items []Object // what e shows in scope; nil: not in scope
		switch {
		case t.view != nil:
			if t.view.holds(e) {
				items = viewItems(e, t.view.start, t.view.end, true)
			}
		case t.scope(e):
			items = []Object{e.obj}
		}
		if len(items) == 1 && opts.Filter != nil && !opts.Filter.Match(m.view(e)) {
			items = nil
		}
		seen[e.id] = true
		switch {
		case len(items) > 0 && (tok.Initial || e.modSeq > tok.Since):
			for i, it := range items {
				ch := change{seq: e.modSeq, ord: e.order << 20, e: e, created: e.createSeq > tok.Since}
				if i > 0 || it["type"] == "occurrence" {
					ch.obj, ch.ord = it, e.order<<20|uint64(i+1)
				}
				out = append(out, ch)
			}
		case len(items) == 0 && !tok.Initial && t.view != nil && t.view.holds(e) && e.modSeq > tok.Since:
			// Changed and now outside the window: gone from the view.
			out = append(out, change{seq: e.modSeq, ord: e.order << 20, id: e.id})
		case len(items) == 0:
			seen[e.id] = false
		}
	}
	if !tok.Initial {
		for _, tb := range m.tombs {
			if tb.set != t.set || tb.seq <= tok.Since || seen[tb.id] || !parentOK(tb.parent) {
				continue
			}
			seen[tb.id] = true
			out = append(out, change{seq: tb.seq, id: tb.id})
		}
	}
	slices.SortFunc(out, func(a, b change) int {
		if a.seq != b.seq {
			return cmpU64(a.seq, b.seq)
		}
		return cmpU64(a.ord, b.ord)
	})
	return out
}

// delta serves a Graph delta function or a v2.0 track-changes request.
func (c *call) delta(t *target, unlock func()) *apiError {
	v2 := c.h.env.dialect == dialectV2
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
		t.scope = func(e *entity) bool {
			h, _ := e.obj["isHidden"].(bool)
			return e.id != c.m.rootFolder && !h && c.m.under(e, c.m.rootFolder)
		}
	case "contactFolders:*":
		t.scope = func(e *entity) bool { return e.id != c.m.defaultContacts && c.m.under(e, c.m.defaultContacts) }
	}
	gone := func() *apiError {
		if v2 {
			return errorf(http.StatusGone, "ErrorInvalidSyncStateData", "The sync state is invalid or has expired; start a new synchronization.")
		}
		return errorf(http.StatusGone, "syncStateNotFound", "The sync state generation is not found. Please do a full sync.")
	}
	var tok syncToken
	switch {
	case opts.SkipToken != "" || opts.DeltaToken != "":
		raw := opts.DeltaToken
		if opts.SkipToken != "" {
			raw = opts.SkipToken
		}
		var ok bool
		tok, ok = c.st().decodeToken(raw)
		if !ok || tok.Mailbox != c.m.id || tok.Since > c.m.seq || tok.CurSeq > c.m.seq {
			return gone()
		}
		if tok.Scope != scope {
			return gone()
		}
	default:
		tok = syncToken{Mailbox: c.m.id, Scope: scope, Initial: true}
	}
	all := c.changes(t, tok, opts)
	// changeType=created|updated|deleted (Graph).
	if ct := c.queryValue("changeType"); ct != "" && !v2 {
		ct = strings.ToLower(ct)
		all = slices.DeleteFunc(all, func(ch change) bool {
			switch ct {
			case "created":
				return ch.e == nil || !ch.created
			case "updated":
				return ch.e == nil || ch.created
			case "deleted":
				return ch.e != nil
			}
			return false
		})
	}
	i := 0
	for i < len(all) && !after(all[i], tok.CurSeq, tok.CurOrd) {
		i++
	}
	rest := all[i:]
	size := c.pageSize(opts)
	page := rest[:min(size, len(rest))]
	more := len(page) < len(rest)

	var value []any
	ctxBase := c.contextURL(&target{ctx: unkeyed(t.ctx)}, &query.Options{}, "")
	for _, ch := range page {
		if ch.e == nil {
			if v2 {
				value = append(value, map[string]any{
					"@odata.context": ctxBase + "/$deletedEntity",
					"id":             sets()[t.set].v2Set + "('" + ch.id + "')",
					"reason":         "deleted",
				})
			} else {
				value = append(value, map[string]any{
					"@odata.type": graphNS + sets()[t.set].graphType,
					"id":          ch.id,
					"@removed":    map[string]any{"reason": "deleted"},
				})
			}
			continue
		}
		var o Object
		if ch.obj != nil {
			o = c.render(t.set, deepCopy(ch.obj).(map[string]any), opts)
		} else {
			o = c.render(t.set, c.m.view(ch.e), opts)
		}
		if !v2 {
			o["@odata.type"] = graphNS + sets()[t.set].graphType
		}
		value = append(value, o)
	}
	if value == nil {
		value = []any{}
	}
	next := tok
	next.Scope = scope
	if len(page) > 0 {
		next.CurSeq, next.CurOrd = page[len(page)-1].seq, page[len(page)-1].ord
	}
	done := syncToken{Mailbox: c.m.id, Scope: scope, Since: c.m.seq, CurSeq: c.m.seq, CurOrd: math.MaxUint64}
	unlock()

	body := map[string]any{}
	if v2 {
		body["@odata.context"] = ctxBase + "/$delta"
		c.prefs.applied = append(c.prefs.applied, "odata.track-changes")
	} else {
		body["@odata.context"] = "https://" + c.h.env.host + c.h.root + "/$metadata#Collection(" + sets()[t.set].graphType + ")"
	}
	body["value"] = value
	rq := c.r.URL.RawQuery
	switch {
	case v2 && tok.Initial && opts.SkipToken == "" && opts.DeltaToken == "":
		// The first v2.0 response ends with a deltaLink even when more
		// data exists (protocol.md 3.8); that token resumes the round.
		if more {
			body["@odata.deltaLink"] = c.link(rq, "$deltatoken", c.st().encodeToken(next), "$skiptoken")
		} else {
			body["@odata.deltaLink"] = c.link(rq, "$deltatoken", c.st().encodeToken(done), "$skiptoken")
		}
	case more:
		body["@odata.nextLink"] = c.link(rq, "$skiptoken", c.st().encodeToken(next), "$deltatoken")
	default:
		body["@odata.deltaLink"] = c.link(rq, "$deltatoken", c.st().encodeToken(done), "$skiptoken")
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
