package ews

import (
	"bytes"
	"net/http"

	"github.com/exchangekit/outlook/odata"
)

// Change tracking behind odata.Sync: a round over a folder's messages is a
// series of SyncFolderItems calls, over the folder tree a series of
// SyncFolderHierarchy calls. The SyncState EWS returns goes into the next
// and delta links (so into the caller's opaque state, which odata prefixes
// with the dialect: a state made by another backend or dialect is refused
// before it reaches this one). Changes are answered as Graph's delta pages
// are: upserted entities, and {"id":...,"@removed":{"reason":"deleted"}}.

// Sync page sizes: MaxChangesReturned must lie in 1..512
// (ref/maxchangesreturned); without a Prefer odata.maxpagesize the backend
// asks for 100.
const (
	defaultSyncPage = 100
	maxSyncPage     = 512
)

func init() {
	routes["GET mailFolders/{}/messages/delta"] = syncMessages
	routes["GET mailFolders/delta"] = syncFolders
}

func syncPageSize(p odata.Prefer) int {
	if p.MaxPageSize > 0 {
		return min(p.MaxPageSize, maxSyncPage)
	}
	return defaultSyncPage
}

// syncMessages starts a round over a folder's messages.
func syncMessages(c *call) (*http.Response, error) {
	s, err := c.schema("message")
	if err != nil {
		return nil, err
	}
	st := &listState{Kind: "syncMessages", Folder: c.ids[0], View: view{Top: syncPageSize(c.r.Prefer)}}
	if _, err := c.folder(st.Folder); err != nil {
		return nil, err
	}
	if q := c.r.Query; q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || len(q.Expand) > 0 || q.Skip > 0 || q.Count) {
		return nil, errNotSupported("$filter, $orderby, $search, $expand, $skip or $count in change tracking (SyncFolderItems takes a property set only)")
	}
	if st.Shape, err = shapeOf(c.r.Query, s, c.r.Prefer); err != nil {
		return nil, err
	}
	return c.syncItemsPage(s, st)
}

// removed appends a removed entry of the change list.
func removed(out, id []byte) []byte {
	out = comma(out)
	out = append(out, `{"id":"`...)
	out = appendRestID(out, id)
	return append(out, `","@removed":{"reason":"deleted"}}`...)
}

// syncItemsPage serves one SyncFolderItems call of a round.
func (c *call) syncItemsPage(s *odata.Schema, st *listState) (*http.Response, error) {
	folder, err := c.folder(st.Folder)
	if err != nil {
		return nil, err
	}
	needGet := st.Shape.needsGetItem()
	syncShape := st.Shape
	if needGet {
		syncShape = &shape{BodyType: st.Shape.BodyType, Unsafe: st.Shape.Unsafe}
	}
	var head syncHead
	var ids []string
	var spans []exSpan
	cv := c.converter()
	out := append(make([]byte, 0, 4096), `{"value":[`...)
	err = c.send(request{op: "SyncFolderItems", idempotent: true, body: func(w *xmlWriter) {
		writeSyncFolderItems(w, syncShape, folder, st.Sync, st.View.Top)
	}}, func(x *xmlReader, buf *[]byte) error {
		cv.x = x
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !ms.ok() {
				return x.skip()
			}
			if ok, err := head.read(x, "IncludesLastItemInRange"); ok || err != nil {
				return err
			}
			switch string(x.local) {
			case "Changes":
				changes := 0
				return x.children(func() error {
					if changes++; changes > st.View.Top {
						return tooMany("SyncFolderItems", st.View.Top)
					}
					kind := string(x.local)
					return x.children(func() error {
						switch {
						case kind == "Delete" && x.is("ItemId"):
							if id, ok := x.attr("Id"); ok {
								out = removed(out, id)
							}
							return x.skip()
						case kind == "ReadFlagChange":
							return c.readFlagChange(x, &out, kind)
						case kind != "Create" && kind != "Update":
							return x.skip()
						case needGet:
							var err error
							ids, err = appendItemID(x, ids)
							return err
						}
						out = comma(out)
						start := len(out)
						var err error
						out, err = cv.entity(out, s)
						spans = cv.noteEX(spans, start, len(out))
						return err
					})
				})
			}
			return x.skip()
		}, failOn("SyncFolderItems", false))
	})
	if err != nil {
		return nil, err
	}
	if head.state == "" {
		return nil, errorf("SyncFolderItems: an answer without a SyncState")
	}
	if needGet && len(ids) > 0 {
		if out, err = c.getItems(out, s, st.Shape, ids, true); err != nil {
			return nil, err
		}
	}
	if len(spans) > 0 {
		if out, err = c.resolveEX(out, s, st.Shape, spans); err != nil {
			return nil, err
		}
	}
	return c.syncAnswer(out, st, head.state, head.last), nil
}

// writeSyncFolderItems writes a SyncFolderItems of folder from state ("" for
// the first call) for at most max changes, items in the shape sh.
func writeSyncFolderItems(w *xmlWriter, sh *shape, folder folderRef, state string, max int) {
	w.open("m:SyncFolderItems")
	writeShape(w, "m:ItemShape", sh, true)
	w.open("m:SyncFolderId")
	folder.write(w)
	w.close("m:SyncFolderId")
	if state != "" {
		w.elem("m:SyncState", state)
	}
	w.elem("m:MaxChangesReturned", itoa(max))
	w.close("m:SyncFolderItems")
}

// readFlagChange reads the ItemId or IsRead child of a ReadFlagChange as a
// partial upsert: {"id":...,"isRead":...}. Graph's upserts may carry only
// what changed.
func (c *call) readFlagChange(x *xmlReader, out *[]byte, _ string) error {
	switch string(x.local) {
	case "ItemId":
		if id, ok := x.attr("Id"); ok {
			*out = comma(*out)
			*out = append(*out, `{"id":"`...)
			*out = appendRestID(*out, id)
			*out = append(*out, `"}`...)
		}
		return x.skip()
	case "IsRead":
		t, err := x.textInto(nil)
		if err != nil {
			return err
		}
		// Put the flag into the object just opened.
		if n := len(*out); n > 0 && (*out)[n-1] == '}' {
			*out = (*out)[:n-1]
			*out = append(*out, `,"isRead":`...)
			if string(bytes.TrimSpace(t)) == "true" {
				*out = append(*out, "true}"...)
			} else {
				*out = append(*out, "false}"...)
			}
		}
		return nil
	}
	return x.skip()
}

// syncAnswer ends a page of changes with the link to the next call: a next
// link while the server has more, a delta link (the state of the next
// round) once it has not.
func (c *call) syncAnswer(out []byte, st *listState, state string, last bool) *http.Response {
	out = append(out, ']')
	next := *st
	next.Sync = state
	if last {
		out = member(out, "@odata.deltaLink")
	} else {
		out = member(out, "@odata.nextLink")
	}
	out = appendString(out, makeLink(c.b.root, &next))
	return jsonResponse(http.StatusOK, append(out, '}'))
}

// syncFolders starts a round over the mailbox's mail folders.
func syncFolders(c *call) (*http.Response, error) {
	s, err := c.schema("mailFolder")
	if err != nil {
		return nil, err
	}
	if q := c.r.Query; q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || len(q.Expand) > 0 || q.Skip > 0) {
		return nil, errNotSupported("$filter, $orderby, $search, $expand or $skip in folder change tracking")
	}
	st := &listState{Kind: "syncFolders", Folder: "msgfolderroot", View: view{Top: 1}}
	if st.Shape, err = shapeOf(c.r.Query, s, c.r.Prefer); err != nil {
		return nil, err
	}
	return c.syncFoldersPage(s, st)
}

// syncFoldersPage serves one SyncFolderHierarchy call of a round.
func (c *call) syncFoldersPage(s *odata.Schema, st *listState) (*http.Response, error) {
	root, err := c.folder(st.Folder)
	if err != nil {
		return nil, err
	}
	var head syncHead
	cv := c.converter()
	out := append(make([]byte, 0, 2048), `{"value":[`...)
	err = c.send(request{op: "SyncFolderHierarchy", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:SyncFolderHierarchy")
		writeShape(w, "m:FolderShape", st.Shape, false)
		w.open("m:SyncFolderId")
		root.write(w)
		w.close("m:SyncFolderId")
		if st.Sync != "" {
			w.elem("m:SyncState", st.Sync)
		}
		w.close("m:SyncFolderHierarchy")
	}}, func(x *xmlReader, buf *[]byte) error {
		cv.x = x
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !ms.ok() {
				return x.skip()
			}
			if ok, err := head.read(x, "IncludesLastFolderInRange"); ok || err != nil {
				return err
			}
			switch string(x.local) {
			case "Changes":
				return x.children(func() error {
					kind := string(x.local)
					return x.children(func() error {
						switch {
						case kind == "Delete" && x.is("FolderId"):
							if id, ok := x.attr("Id"); ok {
								out = removed(out, id)
							}
							return x.skip()
						case kind != "Create" && kind != "Update":
							return x.skip()
						}
						types := folderTypes
						if k, ok := folderKinds[st.Kind]; ok {
							types = k.types
						}
						if _, ok := types[string(x.local)]; !ok {
							return x.skip() // a folder of another kind
						}
						out = comma(out)
						var err error
						out, err = cv.folder(out, s)
						return err
					})
				})
			}
			return x.skip()
		}, failOn("SyncFolderHierarchy", false))
	})
	if err != nil {
		return nil, err
	}
	if head.state == "" {
		return nil, errorf("SyncFolderHierarchy: an answer without a SyncState")
	}
	return c.syncAnswer(out, st, head.state, head.last), nil
}

// syncHead is what a SyncFolderItems or SyncFolderHierarchy answer says
// besides its changes: the state to go on from, and whether it holds the
// last of them.
type syncHead struct {
	state string
	last  bool
}

// read reads the child of a sync answer's response message x is on if it
// is the SyncState or lastElem (IncludesLastItemInRange of
// SyncFolderItems, IncludesLastFolderInRange of SyncFolderHierarchy); it
// reports whether it was.
func (h *syncHead) read(x *xmlReader, lastElem string) (bool, error) {
	switch string(x.local) {
	case "SyncState":
		t, err := x.textInto(nil)
		h.state = string(bytes.TrimSpace(t))
		return true, err
	case lastElem:
		t, err := x.textInto(nil)
		h.last = string(bytes.TrimSpace(t)) == "true"
		return true, err
	}
	return false, nil
}
