package ews

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// Calendar views: FindItem with a CalendarView, which expands recurrences
// into their occurrences and exceptions over a window. EWS pages no view:
// it returns at most MaxEntriesReturned items (EWSFindCountLimit, 1000, at
// most), in start order, with IncludesLastItemInRange false when there
// were more (ref/calendarview), and refuses a window over two years
// (ErrorCalendarViewRangeTooBig, ref/responsecode). So a view is read in
// windows of at most two years, and each next page asks for the window
// again from the start of the last item given, leaving out the items
// given already (those that start before it, and those that start with
// it, by id). A view cannot be restricted or sorted (EWS takes neither
// with a CalendarView): $filter and $orderby are refused, as $search.
//
// Each page is one FindItem for the ids, types, series and times, one
// GetItem per batch for the properties asked for, and one GetItem of
// RecurringMasterItemIds for the series masters of the occurrences and
// exceptions on the page (seriesMasterId).

// maxViewSpan is the longest window one CalendarView asks for: two years,
// less a day to stay clear of how Exchange counts them.
const maxViewSpan = (2*365 - 1) * 24 * time.Hour

// maxViewRequests bounds the FindItem calls one page takes, when many
// items of the windows fall outside what the page gives.
const maxViewRequests = 64

// viewState is where a calendar view (or its change tracking) stands.
type viewState struct {
	Start time.Time `json:"s"` // the view's window
	End   time.Time `json:"e"`
	// From is the start of the next CalendarView: items starting before
	// it were given (once Began); of those starting at it, Seen.
	From  time.Time `json:"f"`
	Seen  []string  `json:"n,omitempty"` // EWS ids
	Began bool      `json:"b,omitempty"`
	// UID and Master restrict the view to one series (instances).
	UID    string `json:"u,omitempty"`
	Master string `json:"m,omitempty"`
	// Series are the occurrences and exceptions a change-tracking round
	// gave, by the REST id of their series master, and Phase where a
	// round stands ("view": listing the view, "changes": following the
	// SyncState).
	Series map[string][]string `json:"r,omitempty"`
	Phase  string              `json:"p,omitempty"`
}

// maxSeen bounds the ids a view state carries, and maxSeriesIDs the
// occurrences a change-tracking state remembers.
const (
	maxSeen      = 1000
	maxSeriesIDs = 20000
)

func (v *viewState) check() error {
	switch {
	case !v.End.After(v.Start), v.End.Sub(v.Start) > 200*365*24*time.Hour:
		return fmt.Errorf("%w: view window", errBadLink)
	case v.From.After(v.End), len(v.Seen) > maxSeen, len(v.UID) > 2048, len(v.Master) > 2048:
		return fmt.Errorf("%w: view position", errBadLink)
	case v.Phase != "" && v.Phase != "view" && v.Phase != "changes":
		return fmt.Errorf("%w: view phase", errBadLink)
	}
	n := 0
	for m, ids := range v.Series {
		n += len(ids) + 1
		if _, err := ewsID(m); err != nil {
			return fmt.Errorf("%w: series id", errBadLink)
		}
	}
	if n > maxSeriesIDs {
		return fmt.Errorf("%w: %d series ids", errBadLink, n)
	}
	for _, id := range v.Seen {
		if _, err := ewsID(id); err != nil {
			return fmt.Errorf("%w: view id", errBadLink)
		}
	}
	if v.Master != "" {
		if _, err := ewsID(v.Master); err != nil {
			return fmt.Errorf("%w: series id", errBadLink)
		}
	}
	return nil
}

func init() {
	for k, h := range map[string]handler{
		"GET calendarView":              calendarView,
		"GET calendar/calendarView":     calendarView,
		"GET calendars/{}/calendarView": calendarView,
		"GET events/{}/instances":       instances,
	} {
		routes[k] = h
	}
	linkHandlers["view"] = pagesOf("event", (*call).viewPage)
}

// window reads a view's startDateTime and endDateTime.
func (c *call) window() (time.Time, time.Time, error) {
	var t [2]time.Time
	for i, k := range []string{"startDateTime", "endDateTime"} {
		v := c.r.Params.Get(k)
		tm, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("%w: %s %q is not a date and time", odata.ErrInvalidQuery, k, v)
		}
		t[i] = tm.UTC()
	}
	if !t[1].After(t[0]) {
		return time.Time{}, time.Time{}, fmt.Errorf("%w: the view's window ends before it starts", odata.ErrInvalidQuery)
	}
	return t[0], t[1], nil
}

// viewQuery checks a view's query and returns its page size.
func (c *call) viewQuery() (int, error) {
	q := c.r.Query
	if q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || q.Skip > 0 || q.Count) {
		return 0, errNotSupported("$filter, $orderby, $search, $skip or $count on a calendar view (EWS's CalendarView takes no restriction or sort order)")
	}
	top := defaultTop
	switch {
	case q != nil && q.Top > 0:
		top = q.Top
	case c.r.Prefer.MaxPageSize > 0:
		top = c.r.Prefer.MaxPageSize
	}
	return min(top, maxTop), nil
}

// calendarView serves GET calendarView, calendar/calendarView and
// calendars/{id}/calendarView.
func calendarView(c *call) (*http.Response, error) {
	s, err := c.schema("event")
	if err != nil {
		return nil, err
	}
	start, end, err := c.window()
	if err != nil {
		return nil, err
	}
	top, err := c.viewQuery()
	if err != nil {
		return nil, err
	}
	st := &listState{Kind: "view", Folder: c.pathFolder("calendar"), View: view{Top: top}, Cal: &viewState{Start: start, End: end, From: start}}
	if _, err := c.folder(st.Folder); err != nil {
		return nil, err
	}
	if st.Shape, err = shapeOf(c.r.Query, s, c.r.Prefer); err != nil {
		return nil, err
	}
	return c.viewPage(s, st)
}

// instances serves GET events/{id}/instances: the view of the series'
// calendar over the window, kept to the series (by its UID).
func instances(c *call) (*http.Response, error) {
	s, err := c.schema("event")
	if err != nil {
		return nil, err
	}
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	start, end, err := c.window()
	if err != nil {
		return nil, err
	}
	top, err := c.viewQuery()
	if err != nil {
		return nil, err
	}
	var typ, uid, parent string
	err = c.getItemProps(id, func(w *xmlWriter) {
		writeShape(w, "m:ItemShape", &shape{BodyType: "HTML", Fields: []field{{URI: "calendar:CalendarItemType"}, {URI: "calendar:UID"}, {URI: "item:ParentFolderId"}}}, false)
	}, func(x *xmlReader, buf *[]byte) error {
		switch string(x.local) {
		case "CalendarItemType", "UID":
			name := string(x.local)
			t, err := x.textInto(nil)
			if name == "UID" {
				uid = string(bytes.TrimSpace(t))
			} else {
				typ = string(bytes.TrimSpace(t))
			}
			return err
		case "ParentFolderId":
			v, _ := x.attr("Id")
			parent = restID(string(v))
		}
		return x.skip()
	})
	if err != nil {
		return nil, err
	}
	if typ != "RecurringMaster" || uid == "" || parent == "" {
		return nil, &odata.Error{StatusCode: http.StatusBadRequest, Code: "ErrorInvalidRequest", Method: "EWS", Path: "GetItem",
			Message: "instances are listed for a series master; the event is not one"}
	}
	st := &listState{Kind: "view", Folder: parent, View: view{Top: top},
		Cal: &viewState{Start: start, End: end, From: start, UID: uid, Master: restID(id)}}
	if st.Shape, err = shapeOf(c.r.Query, s, c.r.Prefer); err != nil {
		return nil, err
	}
	return c.viewPage(s, st)
}

// viewItem is one item a CalendarView returned.
type viewItem struct {
	id, uid, typ string
	start, end   time.Time
}

// findView sends one FindItem with a CalendarView of [from, to).
func (c *call) findView(folder folderRef, from, to time.Time, max int) ([]viewItem, bool, error) {
	var items []viewItem
	last := true
	sh := &shape{BodyType: "HTML", Fields: []field{{URI: "calendar:Start"}, {URI: "calendar:End"}, {URI: "calendar:UID"}, {URI: "calendar:CalendarItemType"}}}
	err := c.send(request{op: "FindItem", idempotent: true, body: func(w *xmlWriter) {
		w.start("m:FindItem")
		w.attr("Traversal", "Shallow")
		w.gt()
		writeShape(w, "m:ItemShape", sh, true)
		w.start("m:CalendarView")
		w.attr("MaxEntriesReturned", itoa(max))
		w.attr("StartDate", formatTime(from))
		w.attr("EndDate", formatTime(to))
		w.slash()
		w.open("m:ParentFolderIds")
		folder.write(w)
		w.close("m:ParentFolderIds")
		w.close("m:FindItem")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !x.is("RootFolder") || !ms.ok() {
				return x.skip()
			}
			if v, ok := x.attr("IncludesLastItemInRange"); ok {
				last = string(v) != "false"
			}
			return x.children(func() error {
				if !x.is("Items") {
					return x.skip()
				}
				return x.children(func() error {
					it, err := readViewItem(x)
					if err == nil && it.id != "" {
						items = append(items, it)
					}
					return err
				})
			})
		}, failOn("FindItem", false))
	})
	return items, last, err
}

// readViewItem reads an item of a CalendarView or SyncFolderItems answer
// asked for its id, Start, End, UID and CalendarItemType.
func readViewItem(x *xmlReader) (viewItem, error) {
	var it viewItem
	err := x.children(func() error {
		name := string(x.local)
		if name == "ItemId" {
			v, _ := x.attr("Id")
			it.id = string(v)
			return x.skip()
		}
		t, err := x.textInto(nil)
		t = bytes.TrimSpace(t)
		switch name {
		case "Start", "End":
			tm, ok := parseDateTime(t)
			if !ok {
				return fmt.Errorf("%w: %s %q is not a date and time", errXML, name, truncate(string(t), 40))
			}
			if name == "Start" {
				it.start = tm.UTC()
			} else {
				it.end = tm.UTC()
			}
		case "UID":
			it.uid = string(t)
		case "CalendarItemType":
			it.typ = string(t)
		}
		return err
	})
	return it, err
}

// walkView reads the view from where v stands and gives up to n items not
// given yet, advancing v past them; more says the view has items beyond.
func (c *call) walkView(folder folderRef, v *viewState, n int) (got []viewItem, more bool, err error) {
	for range maxViewRequests {
		to := v.End
		if v.From.Add(maxViewSpan).Before(to) {
			to = v.From.Add(maxViewSpan)
		}
		max := min(maxTop, n-len(got)+len(v.Seen))
		items, last, err := c.findView(folder, v.From, to, max)
		if err != nil {
			return nil, false, err
		}
		seen := map[string]bool{}
		for _, id := range v.Seen {
			seen[id] = true
		}
		taken := 0
		for i, it := range items {
			taken = i + 1
			switch {
			case v.Began && it.start.Before(v.From), it.start.Equal(v.From) && seen[it.id]:
				continue // given on an earlier page
			case !it.end.After(v.Start) && !(it.end.Equal(it.start) && !it.start.Before(v.Start)):
				continue // before the view's window
			case v.UID != "" && it.uid != v.UID:
				continue // another series
			}
			got = append(got, it)
			if len(got) == n {
				break
			}
		}
		// Advance past what this answer held up to the last item taken.
		next := v.From
		if taken > 0 {
			next = items[taken-1].start
		}
		moved := !next.Equal(v.From)
		if moved {
			v.Seen = nil
		}
		for _, it := range items[:taken] {
			if it.start.Equal(next) && (moved || !seen[it.id]) {
				v.Seen = append(v.Seen, it.id)
			}
		}
		progressed := moved || len(v.Seen) > len(seen)
		v.From, v.Began = next, true
		switch {
		case taken < len(items) || !last:
			// The answer (or the server) holds more from here.
			if !progressed {
				return nil, false, errNotSupported(fmt.Sprintf("a calendar view with more than %d events starting at %s (a CalendarView cannot page past them)", max, next.Format(time.RFC3339)))
			}
			if len(v.Seen) > maxSeen {
				return nil, false, errNotSupported(fmt.Sprintf("a calendar view with more than %d events starting at one instant", maxSeen))
			}
			if len(got) == n {
				return got, true, nil
			}
		case to.Before(v.End):
			// The next window: what starts before it was given.
			v.From, v.Seen = to, nil
			if len(got) == n {
				return got, true, nil
			}
		default:
			return got, false, nil
		}
	}
	return got, true, nil
}

// viewPage serves one page of a calendar view.
func (c *call) viewPage(s *odata.Schema, st *listState) (*http.Response, error) {
	folder, err := c.folder(st.Folder)
	if err != nil {
		return nil, err
	}
	v := *st.Cal
	items, more, err := c.walkView(folder, &v, st.View.Top)
	if err != nil {
		return nil, err
	}
	out, err := c.viewItems(append(make([]byte, 0, 4096), `{"value":[`...), s, st.Shape, items, &v)
	if err != nil {
		return nil, err
	}
	out = append(out, ']')
	if more {
		next := *st
		next.Cal = &v
		out = member(out, "@odata.nextLink")
		out = appendString(out, viewLink(c.b.root, &next))
	}
	return jsonResponse(http.StatusOK, append(out, '}')), nil
}

// viewItems appends the events of a view page, in full: one GetItem per
// batch, with their series masters' ids.
func (c *call) viewItems(out []byte, s *odata.Schema, sh *shape, items []viewItem, v *viewState) ([]byte, error) {
	ids := make([]string, len(items))
	occs := map[string]string{}
	for i, it := range items {
		ids[i] = it.id
		if (it.typ == "Occurrence" || it.typ == "Exception") && it.uid != "" && occs[it.uid] == "" {
			occs[it.uid] = it.id
		}
	}
	masters := map[string]string{}
	if v.Master != "" {
		masters[v.UID] = v.Master
	} else if shapeHas(sh, "calendar:CalendarItemType") {
		var err error
		if masters, err = c.seriesMasters(occs); err != nil {
			return nil, err
		}
	}
	return c.getItemsWith(out, s, sh, ids, true, masters)
}

// shapeHas reports whether a property set asks for a FieldURI.
func shapeHas(sh *shape, uri string) bool {
	for _, f := range sh.Fields {
		if f.URI == uri && f.Ext == nil {
			return true
		}
	}
	return false
}

// viewLink is the link of a view's state, with its window as query
// parameters (which the calendar service reads back from a sync state).
func viewLink(root string, st *listState) string {
	q := url.Values{}
	q.Set("startDateTime", st.Cal.Start.Format("2006-01-02T15:04:05.0000000Z"))
	q.Set("endDateTime", st.Cal.End.Format("2006-01-02T15:04:05.0000000Z"))
	return makeLink(root, st) + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}
