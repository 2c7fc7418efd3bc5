package ews

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/exchangekit/outlook/odata"
)

// Change tracking of a calendar view (GET calendarView/delta), with the
// semantics of Graph's: a round gives the events of the window (singles,
// occurrences and exceptions, and the masters of their series), and the next rounds
// what changed since, an event that left the window or the calendar as
// removed. EWS tracks a folder's items, not a view, so a round is built
// from both:
//
//   - the first round takes the calendar's SyncState as it stands, then
//     lists the view as calendarView does, remembering the occurrences
//     and exceptions it gave by their series;
//   - the next rounds follow the SyncState (SyncFolderItems). A single
//     event created or changed is given in full (the calendar service
//     reports one outside the window as removed); a series created or
//     changed is expanded in the window again (a CalendarView kept to its
//     UID), its occurrences given and those it no longer has removed; an
//     item deleted is removed, with the occurrences of a series.
//
// A single event created and changed outside the window is reported as
// removed, which a client that never had it ignores: EWS cannot say
// whether it was in the window before without the view's whole list in
// the state.

// maxSyncCatchUp bounds the SyncFolderItems calls that take a calendar's
// SyncState before a first round (512 changes each).
const maxSyncCatchUp = 200

func init() {
	routes["GET calendarView/delta"] = syncView
	linkHandlers["syncView"] = pagesOf("event", (*call).syncViewPage)
}

// syncView starts a round over the default calendar's view.
func syncView(c *call) (*http.Response, error) {
	s, err := c.schema("event")
	if err != nil {
		return nil, err
	}
	start, end, err := c.window()
	if err != nil {
		return nil, err
	}
	if q := c.r.Query; q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || len(q.Expand) > 0 || q.Skip > 0 || q.Count) {
		return nil, errNotSupported("$filter, $orderby, $search, $expand, $skip or $count in change tracking (SyncFolderItems takes a property set only)")
	}
	st := &listState{Kind: "syncView", Folder: "calendar", View: view{Top: syncPageSize(c.r.Prefer)},
		Cal: &viewState{Start: start, End: end, From: start, Phase: "view"}}
	if st.Shape, err = shapeOf(c.r.Query, s, c.r.Prefer); err != nil {
		return nil, err
	}
	folder, err := c.folder(st.Folder)
	if err != nil {
		return nil, err
	}
	// The state before the view is listed: what changes while it is
	// listed comes again in the next round rather than never.
	for range maxSyncCatchUp {
		ch, err := c.syncCalendarItems(folder, st.Sync, maxSyncPage)
		if err != nil {
			return nil, err
		}
		st.Sync = ch.state
		if ch.last {
			return c.syncViewPage(s, st)
		}
	}
	return nil, errNotSupported(fmt.Sprintf("change tracking of a calendar of more than %d items", maxSyncCatchUp*maxSyncPage))
}

// calendarChanges is one SyncFolderItems answer over a calendar.
type calendarChanges struct {
	changed []viewItem // created or updated, with their times and type
	deleted []string   // EWS ids
	syncHead
}

// syncCalendarItems sends one SyncFolderItems of a calendar from state,
// asking for what classifies each item changed.
func (c *call) syncCalendarItems(folder folderRef, state string, max int) (*calendarChanges, error) {
	ch := &calendarChanges{}
	sh := &shape{BodyType: "HTML", Fields: []field{{URI: "calendar:Start"}, {URI: "calendar:End"}, {URI: "calendar:UID"}, {URI: "calendar:CalendarItemType"}}}
	err := c.send(request{op: "SyncFolderItems", idempotent: true, body: func(w *xmlWriter) {
		writeSyncFolderItems(w, sh, folder, state, max)
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !ms.ok() {
				return x.skip()
			}
			if ok, err := ch.read(x, "IncludesLastItemInRange"); ok || err != nil {
				return err
			}
			switch string(x.local) {
			case "Changes":
				n := 0
				return x.children(func() error {
					if n++; n > max {
						return tooMany("SyncFolderItems", max)
					}
					kind := string(x.local)
					return x.children(func() error {
						switch {
						case kind == "Delete" && x.is("ItemId"):
							if id, ok := x.attr("Id"); ok {
								ch.deleted = append(ch.deleted, string(id))
							}
							return x.skip()
						case kind != "Create" && kind != "Update":
							return x.skip()
						}
						it, err := readViewItem(x)
						if err == nil && it.id != "" {
							ch.changed = append(ch.changed, it)
						}
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
	if ch.state == "" {
		return nil, errorf("SyncFolderItems: an answer without a SyncState")
	}
	return ch, nil
}

// syncViewPage serves one page of a round: of the view while the first
// round lists it, else of the changes since the SyncState.
func (c *call) syncViewPage(s *odata.Schema, st *listState) (*http.Response, error) {
	folder, err := c.folder(st.Folder)
	if err != nil {
		return nil, err
	}
	v := *st.Cal
	v.Series = cloneSeries(st.Cal.Series)
	out := append(make([]byte, 0, 4096), `{"value":[`...)
	done := false
	if v.Phase == "view" {
		items, more, err := c.walkView(folder, &v, st.View.Top)
		if err != nil {
			return nil, err
		}
		if out, err = c.trackedItems(out, s, st.Shape, items, &v, ""); err != nil {
			return nil, err
		}
		if !more {
			// The view is given: the next round follows the SyncState.
			v.Phase, v.From, v.Seen, v.Began, done = "changes", v.Start, nil, false, true
		}
	} else {
		ch, err := c.syncCalendarItems(folder, st.Sync, st.View.Top)
		if err != nil {
			return nil, err
		}
		if out, err = c.calendarChangesJSON(out, s, st.Shape, folder, ch, &v); err != nil {
			return nil, err
		}
		st = &listState{Kind: st.Kind, Folder: st.Folder, View: st.View, Shape: st.Shape, Sync: ch.state}
		done = ch.last
	}
	n := 0
	for _, ids := range v.Series {
		n += len(ids) + 1
	}
	if n > maxSeriesIDs {
		return nil, errNotSupported(fmt.Sprintf("change tracking of a calendar view holding more than %d occurrences of series", maxSeriesIDs))
	}
	out = append(out, ']')
	next := *st
	next.Cal = &v
	link := viewLink(c.b.root, &next)
	if len(link) > maxLinkLen {
		// The occurrences remembered do not fit a state the backend
		// would read back.
		return nil, errNotSupported(fmt.Sprintf("change tracking of a calendar view whose series hold more occurrences than a state carries (%d bytes); track a shorter window", maxLinkLen))
	}
	if done {
		out = member(out, "@odata.deltaLink")
	} else {
		out = member(out, "@odata.nextLink")
	}
	out = appendString(out, link)
	return jsonResponse(http.StatusOK, append(out, '}')), nil
}

// trackedItems appends the view items in full, as viewItems does, and
// records the occurrences and exceptions among them under their series
// (master, the REST id of their series when it is known already).
func (c *call) trackedItems(out []byte, s *odata.Schema, sh *shape, items []viewItem, v *viewState, master string) ([]byte, error) {
	occs := map[string]string{}
	for _, it := range items {
		if (it.typ == "Occurrence" || it.typ == "Exception") && it.uid != "" && occs[it.uid] == "" {
			occs[it.uid] = it.id
		}
	}
	masters := map[string]string{}
	if master != "" {
		for uid := range occs {
			masters[uid] = master
		}
	} else {
		var err error
		if masters, err = c.seriesMasters(occs); err != nil {
			return nil, err
		}
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.id)
		if m := masters[it.uid]; m != "" && (it.typ == "Occurrence" || it.typ == "Exception") {
			if v.Series == nil {
				v.Series = map[string][]string{}
			}
			if _, known := v.Series[m]; !known {
				// Graph's delta gives a series' master beside its
				// occurrences, with the first round and when it changes.
				if id, err := ewsID(m); err == nil {
					ids = append(ids, id)
				}
			}
			if rid := restID(it.id); !slices.Contains(v.Series[m], rid) {
				v.Series[m] = append(v.Series[m], rid)
			}
		}
	}
	return c.getItemsWith(out, s, sh, ids, true, masters)
}

// calendarChangesJSON appends the changes of one SyncFolderItems answer as
// the view's: singles in full, series expanded in the window again, and
// removals.
func (c *call) calendarChangesJSON(out []byte, s *odata.Schema, sh *shape, folder folderRef, ch *calendarChanges, v *viewState) ([]byte, error) {
	var singles []string
	for _, it := range ch.changed {
		if it.typ != "RecurringMaster" {
			singles = append(singles, it.id)
			// A series made a single event: its occurrences are gone.
			rid := restID(it.id)
			for _, occ := range v.Series[rid] {
				out = removed(out, []byte(occ))
			}
			delete(v.Series, rid)
			continue
		}
		master := restID(it.id)
		before := v.Series[master]
		delete(v.Series, master)
		var items []viewItem
		if it.uid != "" {
			w := &viewState{Start: v.Start, End: v.End, From: v.Start, UID: it.uid, Master: master}
			for {
				got, more, err := c.walkView(folder, w, maxTop)
				if err != nil {
					return nil, err
				}
				items = append(items, got...)
				if !more {
					break
				}
				if len(items) > maxSeriesIDs {
					return nil, errNotSupported(fmt.Sprintf("change tracking of a series with more than %d occurrences in the view", maxSeriesIDs))
				}
			}
		}
		var err error
		if out, err = c.trackedItems(out, s, sh, items, v, master); err != nil {
			return nil, err
		}
		for _, id := range before {
			if !slices.Contains(v.Series[master], id) {
				out = removed(out, []byte(id))
			}
		}
		if _, still := v.Series[master]; before != nil && !still {
			out = removed(out, []byte(master)) // the series left the window
		}
	}
	if len(singles) > 0 {
		var err error
		if out, err = c.getItemsWith(out, s, sh, singles, true, nil); err != nil {
			return nil, err
		}
	}
	for _, id := range ch.deleted {
		rid := restID(id)
		for _, occ := range v.Series[rid] {
			out = removed(out, []byte(occ))
		}
		delete(v.Series, rid)
		out = removed(out, []byte(id))
	}
	return out, nil
}

func cloneSeries(m map[string][]string) map[string][]string {
	if m == nil {
		return nil
	}
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = slices.Clone(v)
	}
	return out
}
