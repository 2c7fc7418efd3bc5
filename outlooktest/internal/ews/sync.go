package ews

// Change tracking: SyncFolderItems and SyncFolderHierarchy over the
// store's one change-tracking mechanism (the one Graph delta and v2.0
// track-changes use). A SyncState is the store's sealed cursor, in
// standard base64 as EWS states are: opaque to clients, refused when
// garbled or made for another folder.

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// maxSyncChanges is the most changes one SyncFolderItems returns.
const maxSyncChanges = 512

var errSyncState = errf("ErrorInvalidSyncStateData", "Synchronization state data is corrupt or otherwise invalid.")

// openState reads a SyncState; an absent one starts a first round.
func (c *call) openState(m *store.Mailbox, e *elem, scope string) (store.Cursor, *respErr) {
	if e == nil || strings.TrimSpace(e.text) == "" {
		return m.FirstRound(scope), nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(e.text))
	if err != nil {
		return store.Cursor{}, errSyncState
	}
	cur, ok := c.h.st.OpenCursor(string(raw))
	if !ok || !m.Valid(cur, scope) {
		return store.Cursor{}, errSyncState
	}
	return cur, nil
}

func (c *call) sealState(cur store.Cursor) string {
	return base64.StdEncoding.EncodeToString([]byte(c.h.st.SealCursor(cur)))
}

// syncFolderItems serves SyncFolderItems: the messages of one folder
// created, updated (a change of the read flag alone as ReadFlagChange)
// and deleted since the state, at most MaxChangesReturned at a time.
func (c *call) syncFolderItems(op *elem, w *writer) *fault {
	sh, f := c.parseItemShape(op.m("ItemShape"))
	if f != nil {
		return f
	}
	sid := op.m("SyncFolderId")
	mx := op.m("MaxChangesReturned")
	if mx == nil {
		return schemaFault(op.line, op.col, "The element 'SyncFolderItems' has incomplete content. List of possible elements expected: 'MaxChangesReturned'.")
	}
	n, err := strconv.Atoi(mx.value())
	if err != nil || n < 1 || n > maxSyncChanges {
		return schemaFault(mx.line, mx.col, "The 'MaxChangesReturned' element is invalid - The value '"+mx.value()+"' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:MaxSyncChangesReturnedType' - The MaxInclusive constraint failed.")
	}
	if sc := op.m("SyncScope"); sc != nil && sc.value() != "NormalItems" && sc.value() != "NormalAndAssociatedItems" {
		return schemaFault(sc.line, sc.col, "The 'SyncScope' element is invalid.")
	}
	var fo *folder
	var rerr *respErr
	switch {
	case sid == nil || len(sid.kids) != 1:
		return schemaFault(op.line, op.col, "The element 'SyncFolderItems' has incomplete content. List of possible elements expected: 'SyncFolderId'.")
	default:
		fo, rerr, f = c.folderByID(sid.kids[0])
		if f != nil {
			return f
		}
	}
	if rerr != nil && rerr.code == "ErrorFolderNotFound" {
		rerr = errf("ErrorSyncFolderNotFound", "The folder to synchronize could not be found.")
	}
	var mf *store.Entity
	if rerr == nil {
		if mf, rerr = fo.mailFolder(); rerr != nil && fo.e != nil && fo.set != "mailFolders" {
			return notImplemented("SyncFolderItems of a calendar or contacts folder: calendars and contacts are not served over EWS yet")
		}
	}
	if rerr != nil {
		c.respond(w, []result{{err: rerr}})
		return nil
	}
	m := fo.m
	ignore := map[string]bool{}
	if ig := op.m("Ignore"); ig != nil {
		for _, k := range ig.kids {
			id, _ := k.attr("Id")
			ignore[storeID(id)] = true
		}
	}
	folderID := mf.ID()
	key := "ews-items:" + folderID
	cur, serr := c.openState(m, op.m("SyncState"), key)
	if serr != nil {
		c.respond(w, []result{{err: serr}})
		return nil
	}
	scope := store.Scope{Key: key, Set: "messages", Parent: folderID, Member: func(e *store.Entity) bool { return e.Parent() == folderID }}
	var page []store.Change
	done := true
	for _, ch := range m.Changes(scope, cur, nil) {
		if !ch.After(cur) {
			continue
		}
		if len(page) == n {
			done = false
			break
		}
		page = append(page, ch)
	}
	next := cur
	if len(page) > 0 {
		next = cur.Advance(page[len(page)-1])
	}
	if done {
		next = m.NextRound(next)
	}
	state := c.sealState(next)
	c.respond(w, []result{{write: func(w *writer) {
		w.leaf("m:SyncState", state)
		w.leaf("m:IncludesLastItemInRange", boolText(done))
		w.open("m:Changes")
		for _, ch := range page {
			switch {
			case ch.Entity == nil:
				if ignore[ch.Removed] {
					continue
				}
				w.open("t:Delete")
				w.empty("t:ItemId", "Id", ewsID(ch.Removed))
				w.close("t:Delete")
			case ignore[ch.Entity.ID()]:
			case ch.Created || cur.Initial:
				w.open("t:Create")
				c.writeMessage(w, m, ch.Entity, sh, true)
				w.close("t:Create")
			case onlyRead(ch.Entity, cur.Since):
				w.open("t:ReadFlagChange")
				w.empty("t:ItemId", "Id", ewsID(ch.Entity.ID()), "ChangeKey", changeKey(ch.Entity))
				r, _ := ch.Entity.Object()["isRead"].(bool)
				w.leaf("t:IsRead", boolText(r))
				w.close("t:ReadFlagChange")
			default:
				w.open("t:Update")
				c.writeMessage(w, m, ch.Entity, sh, true)
				w.close("t:Update")
			}
		}
		w.close("m:Changes")
	}}})
	return nil
}

// onlyRead reports whether the writes of e since seq changed its read
// flag and nothing else.
func onlyRead(e *store.Entity, seq uint64) bool {
	changed := e.ChangedSince(seq)
	return len(changed) == 1 && changed[0] == "isRead" && e.PropSeq("isRead") == e.ModSeq()
}

// syncFolderHierarchy serves SyncFolderHierarchy: the folders under the
// sync folder (the whole mailbox by default) created, updated and
// deleted since the state, all in one answer.
func (c *call) syncFolderHierarchy(op *elem, w *writer) *fault {
	sh, f := c.parseFolderShape(op.m("FolderShape"))
	if f != nil {
		return f
	}
	var fo *folder
	var rerr *respErr
	if sid := op.m("SyncFolderId"); sid != nil && len(sid.kids) == 1 {
		fo, rerr, f = c.folderByID(sid.kids[0])
		if f != nil {
			return f
		}
	} else {
		m, err := c.selfMailbox()
		if err != nil {
			rerr = err
		} else {
			fo = &folder{m: m, dist: "root"}
		}
	}
	if rerr == nil && fo.e != nil && fo.set != "mailFolders" {
		return notImplemented("SyncFolderHierarchy of a calendar or contacts folder: calendars and contacts are not served over EWS yet")
	}
	if rerr != nil {
		c.respond(w, []result{{err: rerr}})
		return nil
	}
	m := fo.m
	rootID := fo.id()
	key := "ews-folders:" + rootID
	cur, serr := c.openState(m, op.m("SyncState"), key)
	if serr != nil {
		c.respond(w, []result{{err: serr}})
		return nil
	}
	under := func(set string) func(e *store.Entity) bool {
		return func(e *store.Entity) bool {
			x := &folder{m: m, e: e, set: set}
			for i, p := 0, parentOf(x); i < 64 && p != ""; i++ {
				if p == rootID {
					return true
				}
				pe := m.Lookup("mailFolders", p)
				if pe == nil {
					return false
				}
				p = parentOf(&folder{m: m, e: pe, set: "mailFolders"})
			}
			return false
		}
	}
	type change struct {
		store.Change
		set string
	}
	var all []change
	for _, set := range []string{"mailFolders", "calendars", "contactFolders"} {
		for _, ch := range m.Changes(store.Scope{Key: key, Set: set, Member: under(set)}, cur, nil) {
			if ch.After(cur) {
				all = append(all, change{ch, set})
			}
		}
	}
	slices.SortStableFunc(all, func(a, b change) int {
		if a.Seq != b.Seq {
			return cmp.Compare(a.Seq, b.Seq)
		}
		return cmp.Compare(a.Ord, b.Ord)
	})
	next := m.NextRound(cur)
	if len(all) > 0 {
		next = m.NextRound(cur.Advance(all[len(all)-1].Change))
	}
	state := c.sealState(next)
	c.respond(w, []result{{write: func(w *writer) {
		w.leaf("m:SyncState", state)
		w.leaf("m:IncludesLastFolderInRange", "true")
		w.open("m:Changes")
		for _, ch := range all {
			if ch.Entity == nil {
				w.open("t:Delete")
				w.empty("t:FolderId", "Id", ewsID(ch.Removed))
				w.close("t:Delete")
				continue
			}
			tag := "t:Update"
			if ch.Created || cur.Initial {
				tag = "t:Create"
			}
			w.open(tag)
			c.writeFolder(w, &folder{m: m, e: ch.Entity, set: ch.set, find: true}, sh)
			w.close(tag)
		}
		w.close("m:Changes")
	}}})
	return nil
}
