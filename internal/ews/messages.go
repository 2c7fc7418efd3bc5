package ews

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/odata"
)

// Reading messages: listings through FindItem (paged with
// IndexedPageItemView) and, when the page needs what FindItem cannot
// return, one batched GetItem; single messages through GetItem.

// maxGetItemBatch bounds the ids of one GetItem. EWS sets no number, but
// checks the caller's budget after each item of a batch and gives a batch
// one minute (ews-throttling-in-exchange, "Throttling implications for EWS
// batch requests"); pages larger than this take several GetItem calls.
const maxGetItemBatch = 100

// maxMailFolders bounds the folders a mailbox-wide listing searches.
const maxMailFolders = 5000

// listMessages serves GET messages and GET mailFolders/{id}/messages.
func listMessages(c *call) (*http.Response, error) {
	s, err := c.schema("message")
	if err != nil {
		return nil, err
	}
	st := &listState{Kind: "messages"}
	if len(c.ids) > 0 {
		st.Folder = c.ids[0]
		if _, err := c.folder(st.Folder); err != nil {
			return nil, err
		}
	}
	q := c.r.Query
	st.View = viewOf(q)
	if st.Shape, err = shapeOf(q, s, c.r.Prefer); err != nil {
		return nil, err
	}
	if q != nil {
		if st.Filter, err = translateFilter(q.Filter, s); err != nil {
			return nil, err
		}
		if st.Sort, err = translateOrder(q.OrderBy, s); err != nil {
			return nil, err
		}
		st.Search = q.Search
	}
	if len(st.Sort) == 0 && (st.Search == "" || st.Folder == "") {
		// Graph lists messages newest first; the whole mailbox is merged
		// from its folders in an order, searched or not.
		if p := indexOf(s).graph["receivedDateTime"]; p != nil && p.EWS != "" {
			st.Sort = []sortKey{{Field: &field{URI: p.EWS}, Desc: true}}
		}
	}
	return c.messagesPage(s, st)
}

// writeFindItem writes a FindItem of the listing st's restriction, order
// and search over the folders, with the shape and view given.
func writeFindItem(w *xmlWriter, st *listState, sh *shape, v view, folders []folderRef) {
	w.start("m:FindItem")
	w.attr("Traversal", "Shallow")
	w.gt()
	writeShape(w, "m:ItemShape", sh, true)
	writeIndexedView(w, "m:IndexedPageItemView", v)
	if st.Filter != nil {
		w.open("m:Restriction")
		writeRestriction(w, st.Filter)
		w.close("m:Restriction")
	}
	writeSortOrder(w, st.Sort)
	w.open("m:ParentFolderIds")
	for _, f := range folders {
		f.write(w)
	}
	w.close("m:ParentFolderIds")
	if st.Search != "" {
		w.elem("m:QueryString", st.Search)
	}
	w.close("m:FindItem")
}

// findPage is what a FindItem or FindFolder page says besides its items.
type findPage struct {
	offset    int  // IndexedPagingOffset: where the next page starts
	hasOffset bool // the server said it
	total     int  // TotalItemsInView
	last      bool // IncludesLastItemInRange
}

// next returns where the page after one at offset that took n items
// starts: where the server says, or after those items. A server that says
// there is more but moves nowhere fails the listing with
// odata.ErrPagingLoop: it must neither end as if complete nor be asked the
// same page again.
func (pg *findPage) next(op string, offset, n int) (int, error) {
	next := offset + n
	if pg.hasOffset && pg.offset > offset {
		next = pg.offset
	}
	if next <= offset {
		return 0, fmt.Errorf("ews: %s: %w: the server says there is more after item %d but neither gives an item nor moves on", op, odata.ErrPagingLoop, offset)
	}
	return next, nil
}

// endPage ends the answer of a FindItem or FindFolder page of the listing
// st whose items out holds (n of them taken from the folder): the count
// where it was asked for, and the link to the next page unless the server
// said this one is the last.
func (c *call) endPage(out []byte, op string, st *listState, pg *findPage, n int) (*http.Response, error) {
	out = append(out, ']')
	if st.View.Count {
		out = member(out, "@odata.count")
		out = strconv.AppendInt(out, int64(pg.total), 10)
	}
	if !pg.last {
		next := *st
		var err error
		if next.View.Offset, err = pg.next(op, st.View.Offset, n); err != nil {
			return nil, err
		}
		out = member(out, "@odata.nextLink")
		out = appendString(out, makeLink(c.b.root, &next))
	}
	out = append(out, '}')
	return jsonResponse(http.StatusOK, out), nil
}

// tooMany is the error of an answer holding more items than the request
// asked for.
func tooMany(op string, max int) error {
	return fmt.Errorf("%w: %s answered more than the %d items asked for", errXML, op, max)
}

// readRootFolder reads the attributes of a RootFolder element.
func readRootFolder(x *xmlReader, pg *findPage) {
	if v, ok := x.attr("IndexedPagingOffset"); ok {
		if n, err := strconv.Atoi(string(v)); err == nil && n >= 0 {
			pg.offset, pg.hasOffset = n, true
		}
	}
	if v, ok := x.attr("TotalItemsInView"); ok {
		pg.total, _ = strconv.Atoi(string(v))
	}
	if v, ok := x.attr("IncludesLastItemInRange"); ok {
		pg.last = string(v) == "true"
	}
}

// messagesPage serves one page of a message listing.
func (c *call) messagesPage(s *odata.Schema, st *listState) (*http.Response, error) {
	if st.Folder == "" {
		return c.mailboxPage(s, st)
	}
	f, err := c.folder(st.Folder)
	if err != nil {
		return nil, err
	}
	parents := []folderRef{f}
	needGet := st.Shape.needsGetItem()
	findShape := st.Shape
	if needGet {
		findShape = &shape{BodyType: st.Shape.BodyType, Unsafe: st.Shape.Unsafe}
	}
	var pg findPage
	var ids []string
	var spans []exSpan
	items := 0
	cv := c.converter()
	cv.zone = st.Shape.Zone
	out := make([]byte, 0, 4096)
	out = append(out, `{"value":[`...)
	err = c.send(request{op: "FindItem", idempotent: true, body: func(w *xmlWriter) {
		writeFindItem(w, st, findShape, st.View, parents)
	}}, func(x *xmlReader, buf *[]byte) error {
		cv.x = x
		if !needGet {
			out = slices.Grow(out, x.inMemory()*3/4)
		}
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !x.is("RootFolder") || !ms.ok() {
				return x.skip()
			}
			readRootFolder(x, &pg)
			return x.children(func() error {
				if !x.is("Items") {
					return x.skip()
				}
				return x.children(func() error {
					if items++; items > st.View.Top {
						return tooMany("FindItem", st.View.Top)
					}
					if needGet {
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
		}, failOn("FindItem", false))
	})
	if err != nil {
		return nil, err
	}
	if needGet && len(ids) > 0 {
		if out, err = c.getItems(out, s, st.Shape, ids, true); err != nil {
			return nil, err
		}
	}
	n := len(ids) // the items the page took from the folder
	if !needGet {
		n = countItems(out)
	}
	if len(spans) > 0 {
		if out, err = c.resolveEX(out, s, st.Shape, spans); err != nil {
			return nil, err
		}
	}
	return c.endPage(out, "FindItem", st, &pg, n)
}

// countItems counts the top-level members of the value array written so
// far; only used when the server did not say where the next page starts.
func countItems(page []byte) int {
	n, depth, inStr, esc := 0, 0, false, false
	start := bytes.IndexByte(page, '[')
	for _, c := range page[start+1:] {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			if depth == 0 {
				n++
			}
			depth++
		case c == '}' || c == ']':
			depth--
		}
	}
	return n
}

// appendItemID keeps the EWS id of the item element just read, consuming
// the element.
func appendItemID(x *xmlReader, ids []string) ([]string, error) {
	var id string
	err := x.children(func() error {
		if id == "" && x.is("ItemId") {
			v, _ := x.attr("Id")
			id = string(v)
		}
		return x.skip()
	})
	if id != "" {
		ids = append(ids, id)
	}
	return ids, err
}

// getItems fetches items by EWS id with one GetItem per batch and appends
// them, in order, as JSON values; items deleted meanwhile are left out
// when skipMissing is set (a listing), and are an error otherwise.
func (c *call) getItems(out []byte, s *odata.Schema, sh *shape, ids []string, skipMissing bool) ([]byte, error) {
	return c.getItemsWith(out, s, sh, ids, skipMissing, nil)
}

// getItemsWith is getItems for events whose series masters are known, by
// UID.
func (c *call) getItemsWith(out []byte, s *odata.Schema, sh *shape, ids []string, skipMissing bool, masters map[string]string) ([]byte, error) {
	cv := c.converter()
	cv.zone, cv.seriesMasters = sh.Zone, masters
	for len(ids) > 0 {
		batch := ids[:min(len(ids), maxGetItemBatch)]
		ids = ids[len(batch):]
		cv.atts = cv.atts[:0]
		got := 0
		err := c.send(request{op: "GetItem", idempotent: true, body: func(w *xmlWriter) {
			w.open("m:GetItem")
			writeShape(w, "m:ItemShape", sh, true)
			w.open("m:ItemIds")
			for _, id := range batch {
				itemRef{id: id}.write(w, "t:ItemId")
			}
			w.close("m:ItemIds")
			w.close("m:GetItem")
		}}, func(x *xmlReader, buf *[]byte) error {
			cv.x = x
			// Graph JSON is about three quarters of the SOAP it comes from.
			out = slices.Grow(out, x.inMemory()*3/4)
			return readMessages(x, buf, func(_ int, ms *status) error {
				if !x.is("Items") || !ms.ok() {
					return x.skip()
				}
				return x.children(func() error {
					if got++; got > len(batch) {
						return tooMany("GetItem", len(batch))
					}
					out = comma(out)
					var err error
					out, err = cv.entity(out, s)
					return err
				})
			}, func(_ int, ms *status) error {
				if ms.ok() || (skipMissing && ms.code == "ErrorItemNotFound") {
					return nil
				}
				return errorOf("GetItem", ms, false, nil)
			})
		})
		if err != nil {
			return nil, err
		}
		if sh.Attachments && len(cv.atts) > 0 {
			if out, err = c.attachmentContents(out, cv.atts); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// getMessage serves GET messages/{id}.
func getMessage(c *call) (*http.Response, error) {
	s, err := c.schema("message")
	if err != nil {
		return nil, err
	}
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	sh, err := shapeOf(c.r.Query, s, c.r.Prefer)
	if err != nil {
		return nil, err
	}
	if q := c.r.Query; q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || q.Top > 0 || q.Skip > 0) {
		return nil, fmt.Errorf("%w: only $select and $expand apply to one message", odata.ErrInvalidQuery)
	}
	out, err := c.getItems(nil, s, sh, []string{id}, false)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorItemNotFound", Method: "EWS", Path: "GetItem",
			Message: "the server answered without the item"}
	}
	return jsonResponse(http.StatusOK, out), nil
}

// mailFolders returns every mail folder of the mailbox, for listings of
// the whole mailbox: FindItem cannot traverse folders deeply (only search
// folders can), so it is given every mail folder as a parent.
func (c *call) mailFolders() ([]folderRef, error) {
	root, _ := c.folder("msgfolderroot")
	var refs []folderRef
	v := view{Top: maxTop}
	for {
		var pg findPage
		found := 0
		err := c.send(request{op: "FindFolder", idempotent: true, body: func(w *xmlWriter) {
			writeFindFolder(w, "Deep", &shape{Fields: []field{{URI: "folder:TotalCount"}}}, v, mailFolderRestriction(true), root)
		}}, func(x *xmlReader, buf *[]byte) error {
			return readMessages(x, buf, func(_ int, ms *status) error {
				if !x.is("RootFolder") || !ms.ok() {
					return x.skip()
				}
				readRootFolder(x, &pg)
				return x.children(func() error {
					if !x.is("Folders") {
						return x.skip()
					}
					return x.children(func() error {
						if found++; found > v.Top {
							return tooMany("FindFolder", v.Top)
						}
						ref := folderRef{count: -1} // unknown until read
						err := x.children(func() error {
							switch {
							case x.is("FolderId"):
								if id, ok := x.attr("Id"); ok {
									ref.id = string(id)
								}
							case x.is("TotalCount"):
								t, err := x.textInto(nil)
								if err != nil {
									return err
								}
								// A count that does not read is taken as
								// "some": the folder is asked.
								if ref.count, err = strconv.Atoi(string(bytes.TrimSpace(t))); err != nil || ref.count < 0 {
									ref.count = 1
								}
								return nil
							}
							return x.skip()
						})
						if ref.id != "" {
							refs = append(refs, ref)
						}
						return err
					})
				})
			}, failOn("FindFolder", false))
		})
		if err != nil {
			return nil, err
		}
		if len(refs) > maxMailFolders {
			return nil, errNotSupported(fmt.Sprintf("listing the messages of a mailbox with more than %d mail folders (list them folder by folder)", maxMailFolders))
		}
		if pg.last {
			break
		}
		if v.Offset, err = pg.next("FindFolder", v.Offset, found); err != nil {
			return nil, err
		}
	}
	if len(refs) == 0 {
		root.count = -1
		refs = append(refs, root)
	}
	return refs, nil
}

// exSpan is an item of a page converted from a FindItem or SyncFolderItems
// answer that names someone by X.500 address: its EWS id and where its
// JSON lies in the page.
type exSpan struct {
	id         string
	start, end int
}

// noteEX records the item just converted into out[start:end] when it
// named someone by X.500 address.
func (c *converter) noteEX(spans []exSpan, start, end int) []exSpan {
	if !c.ex {
		return spans
	}
	c.ex = false
	return append(spans, exSpan{id: string(c.id), start: start, end: end})
}

// resolveEX replaces the items of spans in the page out (a JSON array not
// yet closed) with what GetItem answers for them. FindItem and
// SyncFolderItems write a sender or recipient who has a mailbox in the
// organisation with the X.500 address Exchange keeps (RoutingType EX, a
// legacyExchangeDN); GetItem writes their SMTP address, which is what
// Graph and REST v2.0 give. An item gone meanwhile leaves the page.
func (c *call) resolveEX(out []byte, s *odata.Schema, sh *shape, spans []exSpan) ([]byte, error) {
	ids := make([]string, len(spans))
	for i, sp := range spans {
		ids[i] = sp.id
	}
	got, err := c.getItems(nil, s, sh, ids, true)
	if err != nil {
		return nil, err
	}
	var items []jsontext.Value
	dup := jsontext.AllowDuplicateNames(true) // as the page itself is read
	if err := json.Unmarshal(append(append([]byte{'['}, got...), ']'), &items, dup); err != nil {
		return nil, fmt.Errorf("%w: GetItem: %v", errXML, err)
	}
	byID := make(map[string]jsontext.Value, len(items))
	for _, v := range items {
		var e struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(v, &e, dup) == nil {
			byID[e.ID] = v
		}
	}
	// From the last span back, so the earlier ones keep their offsets.
	for i := len(spans) - 1; i >= 0; i-- {
		sp := spans[i]
		if v, ok := byID[restID(sp.id)]; ok {
			out = slices.Replace(out, sp.start, sp.end, v...)
			continue
		}
		start, end := sp.start, sp.end
		switch {
		case start > 0 && out[start-1] == ',':
			start--
		case end < len(out) && out[end] == ',':
			end++
		}
		out = slices.Delete(out, start, end)
	}
	return out, nil
}
