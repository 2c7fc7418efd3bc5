package ews

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// The calendar's operations: events (FindItem and GetItem, CreateItem with
// SendMeetingInvitations, UpdateItem with
// SendMeetingInvitationsOrCancellations, DeleteItem with
// SendMeetingCancellations, each chosen as Graph sends for the same
// call), the meeting responses (AcceptItem, TentativelyAcceptItem,
// DeclineItem; ProposedStart and ProposedEnd from Exchange 2013 SP1),
// CancelCalendarItem and ForwardItem, event attachments, and calendars
// (folders of class IPF.Appointment). Calendar groups are Exchange
// Online's: EWS has none, and they fail before any request.

func init() {
	for k, h := range map[string]handler{
		"GET events":                                     listItems("events", "event", "calendar"),
		"GET calendars/{}/events":                        listItems("events", "event", "calendar"),
		"GET calendar/events":                            listItems("events", "event", "calendar"),
		"POST calendar/events":                           createOne("event", "calendar"),
		"GET events/{}":                                  getOne("event"),
		"POST events":                                    createOne("event", "calendar"),
		"POST calendars/{}/events":                       createOne("event", "calendar"),
		"PATCH events/{}":                                updateOne("event"),
		"DELETE events/{}":                               deleteOne("event"),
		"POST events/{}/accept":                          meetingResponse("AcceptItem"),
		"POST events/{}/tentativelyAccept":               meetingResponse("TentativelyAcceptItem"),
		"POST events/{}/decline":                         meetingResponse("DeclineItem"),
		"POST events/{}/cancel":                          cancelEvent,
		"POST events/{}/forward":                         forwardEvent,
		"GET events/{}/attachments":                      listAttachments,
		"GET events/{}/attachments/{}":                   getAttachment,
		"GET events/{}/attachments/{}/$value":            attachmentValue,
		"POST events/{}/attachments":                     addAttachment,
		"DELETE events/{}/attachments/{}":                deleteAttachment,
		"POST events/{}/attachments/createUploadSession": noUploadSessions,
		"GET calendars":                                  listCalendars,
		"GET calendar":                                   getCalendar,
		"GET calendars/{}":                               getCalendar,
		"POST calendars":                                 createCalendar,
		"PATCH calendars/{}":                             updateCalendar,
		"DELETE calendars/{}":                            deleteCalendar,
	} {
		routes[k] = h
	}
	const noGroups = "calendar groups (Exchange Online's; EWS has none: list the calendars)"
	for _, k := range []string{"GET calendarGroups", "GET calendarGroups/{}", "POST calendarGroups", "PATCH calendarGroups/{}",
		"DELETE calendarGroups/{}", "GET calendarGroups/{}/calendars", "POST calendarGroups/{}/calendars"} {
		routes[k] = unsupported(noGroups)
	}
	linkHandlers["events"] = pagesOf("event", (*call).messagesPage)
	linkHandlers["calendars"] = pagesOf("calendar", (*call).calendarsPage)
	entityHooks["calendar"] = newCalendarReader
}

// wantsSeriesMaster reports whether a query's property set includes the
// series master's id.
func wantsSeriesMaster(q *odata.Query) bool {
	if q == nil || len(q.Select) == 0 {
		return true
	}
	for _, s := range q.Select {
		if s.Path() == "seriesMasterId" {
			return true
		}
	}
	return false
}

// seriesMasters returns the REST ids of the series masters of
// occurrences, by UID: one GetItem of a RecurringMasterItemId per series
// (occs maps each UID to the EWS id of one of its occurrences).
func (c *call) seriesMasters(occs map[string]string) (map[string]string, error) {
	out := map[string]string{}
	if len(occs) == 0 {
		return out, nil
	}
	uids := make([]string, 0, len(occs))
	for uid := range occs {
		uids = append(uids, uid)
	}
	for lo := 0; lo < len(uids); lo += maxGetItemBatch {
		batch := uids[lo:min(len(uids), lo+maxGetItemBatch)]
		err := c.send(request{op: "GetItem", idempotent: true, body: func(w *xmlWriter) {
			w.open("m:GetItem")
			writeShape(w, "m:ItemShape", &shape{BodyType: "HTML"}, false)
			w.open("m:ItemIds")
			for _, uid := range batch {
				w.empty1("t:RecurringMasterItemId", "OccurrenceId", occs[uid])
			}
			w.close("m:ItemIds")
			w.close("m:GetItem")
		}}, func(x *xmlReader, buf *[]byte) error {
			return readMessages(x, buf, func(i int, ms *status) error {
				if !x.is("Items") || !ms.ok() || i >= len(batch) {
					return x.skip()
				}
				return x.children(func() error {
					return x.children(func() error {
						if x.is("ItemId") {
							if id, ok := x.attr("Id"); ok {
								out[batch[i]] = restID(string(id))
							}
						}
						return x.skip()
					})
				})
			}, func(_ int, ms *status) error {
				// A series deleted meanwhile leaves its occurrences without.
				if ms.ok() || ms.code == "ErrorItemNotFound" {
					return nil
				}
				return errorOf("GetItem", ms, false, nil)
			})
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// addSeriesMaster adds the seriesMasterId of one occurrence or exception
// read alone (out holds one object).
func (c *call) addSeriesMaster(out []byte, ewsID string) ([]byte, error) {
	var e struct {
		Type    string `json:"type"`
		ICalUID string `json:"iCalUId"`
		Master  string `json:"seriesMasterId"`
	}
	if err := json.Unmarshal(out, &e); err != nil || e.Master != "" || (e.Type != "occurrence" && e.Type != "exception") {
		return out, nil
	}
	m, err := c.seriesMasters(map[string]string{"-": ewsID})
	if err != nil || m["-"] == "" {
		return out, err
	}
	i := bytes.IndexByte(out, '{')
	ins := append([]byte(`"seriesMasterId":`), appendString(nil, m["-"])...)
	if len(bytes.TrimSpace(out[i+1:])) > 1 {
		ins = append(ins, ',')
	}
	return append(append(append([]byte{}, out[:i+1]...), ins...), out[i+1:]...), nil
}

// responseBodyJSON is the body of accept, tentativelyAccept and decline.
type responseBodyJSON struct {
	Comment         string `json:"comment"`
	SendResponse    *bool  `json:"sendResponse"`
	ProposedNewTime *struct {
		Start dateTimeTZ `json:"start"`
		End   dateTimeTZ `json:"end"`
	} `json:"proposedNewTime"`
}

// meetingResponse serves accept, tentativelyAccept and decline: CreateItem
// of the response object, sent (SendAndSaveCopy) or, with sendResponse
// false, saved (SaveOnly) and its unsent draft removed, so that the
// calendar records the response and nobody is told. A proposed new time is
// ProposedStart and ProposedEnd, which Exchange 2013 SP1 added.
func meetingResponse(kind string) handler {
	return func(c *call) (*http.Response, error) {
		id, err := ewsID(c.ids[0])
		if err != nil {
			return nil, err
		}
		var b responseBodyJSON
		if len(c.r.Body) > 0 {
			if err := json.Unmarshal(c.r.Body, &b); err != nil {
				return nil, fmt.Errorf("%w: %v", odata.ErrInvalidQuery, err)
			}
		}
		send := b.SendResponse == nil || *b.SendResponse
		version := ""
		var proposed [2]string
		if p := b.ProposedNewTime; p != nil {
			if kind == "AcceptItem" || !send {
				return nil, fmt.Errorf("%w: a new time is proposed when tentatively accepting or declining, with the response sent", odata.ErrInvalidQuery)
			}
			for i, d := range []dateTimeTZ{p.Start, p.End} {
				t, err := d.instant()
				if err != nil {
					return nil, fmt.Errorf("%w: proposedNewTime: %v", odata.ErrInvalidQuery, err)
				}
				proposed[i] = formatTime(t)
			}
			version = "Exchange2013_SP1"
		}
		ck, err := c.currentChangeKey(id)
		if err != nil {
			return nil, err
		}
		disposition := "SendAndSaveCopy"
		if !send {
			disposition = "SaveOnly"
		}
		var made []createdItem
		err = c.send(request{op: "CreateItem", version: version, body: func(w *xmlWriter) {
			w.start("m:CreateItem")
			w.attr("MessageDisposition", disposition)
			w.gt()
			w.open("m:Items")
			w.open("t:" + kind)
			if b.Comment != "" {
				w.start("t:Body")
				w.attr("BodyType", "Text")
				w.gt()
				w.text(b.Comment)
				w.close("t:Body")
			}
			itemRef{id: id, changeKey: ck}.write(w, "t:ReferenceItemId")
			if proposed[0] != "" {
				w.elem("t:ProposedStart", proposed[0])
				w.elem("t:ProposedEnd", proposed[1])
			}
			w.close("t:" + kind)
			w.close("m:Items")
			w.close("m:CreateItem")
		}}, func(x *xmlReader, buf *[]byte) error {
			return readCreated(x, buf, "CreateItem", &made)
		})
		if err != nil {
			return nil, err
		}
		if !send {
			// SaveOnly keeps the response unsent in Drafts: remove it.
			var drafts []string
			for _, m := range made {
				if m.elem != "CalendarItem" {
					drafts = append(drafts, m.id)
				}
			}
			if err := c.hardDelete(drafts); err != nil {
				return nil, err
			}
		}
		return accepted(), nil
	}
}

// createdItem is an item a CreateItem answer names: its element and id.
type createdItem struct{ elem, id string }

// readCreated reads the items a CreateItem answer names.
func readCreated(x *xmlReader, buf *[]byte, op string, made *[]createdItem) error {
	return readMessages(x, buf, func(_ int, ms *status) error {
		if !x.is("Items") || !ms.ok() {
			return x.skip()
		}
		return x.children(func() error {
			el := string(x.local)
			return x.children(func() error {
				if x.is("ItemId") {
					id, _ := x.attr("Id")
					*made = append(*made, createdItem{elem: el, id: string(id)})
				}
				return x.skip()
			})
		})
	}, failOn(op, false))
}

// hardDelete removes items for good.
func (c *call) hardDelete(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return c.send(request{op: "DeleteItem", body: func(w *xmlWriter) {
		w.start("m:DeleteItem")
		w.attr("DeleteType", "HardDelete")
		w.gt()
		w.open("m:ItemIds")
		for _, id := range ids {
			itemRef{id: id}.write(w, "t:ItemId")
		}
		w.close("m:ItemIds")
		w.close("m:DeleteItem")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, nil, func(_ int, ms *status) error {
			if !ms.ok() && ms.code != "ErrorItemNotFound" {
				return errorOf("DeleteItem", ms, false, nil)
			}
			return nil
		})
	})
}

// cancelEvent serves POST events/{id}/cancel: CancelCalendarItem, sent to
// the attendees with the comment. Exchange refuses it to an attendee
// (ErrorCalendarIsNotOrganizer: 400, as Graph answers).
func cancelEvent(c *call) (*http.Response, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	var b struct {
		Comment string `json:"comment"`
	}
	if len(c.r.Body) > 0 {
		if err := json.Unmarshal(c.r.Body, &b); err != nil {
			return nil, fmt.Errorf("%w: %v", odata.ErrInvalidQuery, err)
		}
	}
	ck, err := c.currentChangeKey(id)
	if err != nil {
		return nil, err
	}
	var made []createdItem
	err = c.send(request{op: "CreateItem", body: func(w *xmlWriter) {
		w.start("m:CreateItem")
		w.attr("MessageDisposition", "SendAndSaveCopy")
		w.gt()
		w.open("m:Items")
		w.open("t:CancelCalendarItem")
		itemRef{id: id, changeKey: ck}.write(w, "t:ReferenceItemId")
		writeNewBody(w, "Text", b.Comment)
		w.close("t:CancelCalendarItem")
		w.close("m:Items")
		w.close("m:CreateItem")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readCreated(x, buf, "CreateItem", &made)
	})
	if err != nil {
		return nil, err
	}
	return accepted(), nil
}

// forwardEvent serves POST events/{id}/forward: ForwardItem of the
// calendar item to the recipients, with the comment.
func forwardEvent(c *call) (*http.Response, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	var b struct {
		ToRecipients []recipientJSON `json:"toRecipients"`
		Comment      string          `json:"comment"`
	}
	if err := json.Unmarshal(c.r.Body, &b); err != nil || len(b.ToRecipients) == 0 {
		return nil, fmt.Errorf("%w: forward needs toRecipients", odata.ErrInvalidQuery)
	}
	ck, err := c.currentChangeKey(id)
	if err != nil {
		return nil, err
	}
	sent, _ := c.folder("sentitems")
	var made []createdItem
	err = c.send(request{op: "CreateItem", body: func(w *xmlWriter) {
		w.start("m:CreateItem")
		w.attr("MessageDisposition", "SendAndSaveCopy")
		w.gt()
		w.open("m:SavedItemFolderId")
		sent.write(w)
		w.close("m:SavedItemFolderId")
		w.open("m:Items")
		w.open("t:ForwardItem")
		w.open("t:ToRecipients")
		for _, r := range b.ToRecipients {
			writeMailbox(w, r)
		}
		w.close("t:ToRecipients")
		itemRef{id: id, changeKey: ck}.write(w, "t:ReferenceItemId")
		writeNewBody(w, "Text", b.Comment)
		w.close("t:ForwardItem")
		w.close("m:Items")
		w.close("m:CreateItem")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readCreated(x, buf, "CreateItem", &made)
	})
	if err != nil {
		return nil, err
	}
	return accepted(), nil
}

// Calendars: folders of class IPF.Appointment anywhere in the mailbox's
// tree, FindFolder Deep from msgfolderroot. EWS keeps no calendar colors
// (a calendar reads as "auto": the client's choice), and sets no
// calendar's owner or sharing rights beyond its EffectiveRights.

// calendarRestriction selects calendar folders.
func calendarRestriction() *restriction {
	class := &field{URI: "folder:FolderClass"}
	return &restriction{Op: "Or", Kids: []*restriction{
		{Op: "IsEqualTo", Field: class, Value: "IPF.Appointment"},
		{Op: "Contains", Field: class, Value: "IPF.Appointment.", Mode: "Prefixed"},
	}}
}

// calendarFields are what a calendar is read from: its id, name, class
// (for the listings' own check), distinguished id (the default calendar)
// and rights.
var calendarFields = []field{{URI: "folder:DisplayName"}, {URI: "folder:DistinguishedFolderId"}, {URI: "folder:EffectiveRights"}}

func listCalendars(c *call) (*http.Response, error) {
	s, err := c.schema("calendar")
	if err != nil {
		return nil, err
	}
	q := c.r.Query
	if q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || len(q.Expand) > 0) {
		return nil, errNotSupported("$filter, $orderby, $search or $expand on calendars")
	}
	st := &listState{Kind: "calendars", Folder: "msgfolderroot", View: viewOf(q), Shape: &shape{Fields: calendarFields, BodyType: "HTML"}}
	return c.calendarsPage(s, st)
}

// calendarsPage serves one page of the calendars.
func (c *call) calendarsPage(s *odata.Schema, st *listState) (*http.Response, error) {
	root, err := c.folder(st.Folder)
	if err != nil {
		return nil, err
	}
	var pg findPage
	n := 0
	cv := c.converter()
	out := append(make([]byte, 0, 1024), `{"value":[`...)
	err = c.send(request{op: "FindFolder", idempotent: true, body: func(w *xmlWriter) {
		writeFindFolder(w, "Deep", st.Shape, st.View, calendarRestriction(), root)
	}}, func(x *xmlReader, buf *[]byte) error {
		cv.x = x
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
					n++
					out = comma(out)
					var err error
					out, err = cv.entity(out, s)
					return err
				})
			})
		}, failOn("FindFolder", false))
	})
	if err != nil {
		return nil, err
	}
	out = append(out, ']')
	if !pg.last {
		next := *st
		next.View.Offset = st.View.Offset + n
		if pg.hasOffset && pg.offset > st.View.Offset {
			next.View.Offset = pg.offset
		}
		if next.View.Offset > st.View.Offset {
			out = member(out, "@odata.nextLink")
			out = appendString(out, makeLink(c.b.root, &next))
		}
	}
	return jsonResponse(http.StatusOK, append(out, '}')), nil
}

// getCalendar serves GET calendar (the default) and GET calendars/{id}.
func getCalendar(c *call) (*http.Response, error) {
	s, err := c.schema("calendar")
	if err != nil {
		return nil, err
	}
	name := c.pathFolder("calendar")
	f, err := c.folder(name)
	if err != nil {
		return nil, err
	}
	out, err := c.getFolders(nil, s, &shape{Fields: calendarFields, BodyType: "HTML"}, []folderRef{f})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorFolderNotFound", Method: "EWS", Path: "GetFolder",
			Message: "the server answered without the calendar"}
	}
	return jsonResponse(http.StatusOK, out), nil
}

// calendarJSON is a calendar's create or update body.
type calendarJSON struct {
	Name  *string `json:"name"`
	Color *string `json:"color"`
}

func readCalendarBody(body []byte) (calendarJSON, error) {
	var b calendarJSON
	if err := json.Unmarshal(body, &b); err != nil {
		return b, fmt.Errorf("%w: %v", odata.ErrInvalidQuery, err)
	}
	if b.Color != nil && *b.Color != "" && *b.Color != "auto" {
		return b, errNotSupported(fmt.Sprintf("the calendar color %q (EWS keeps no calendar colors)", *b.Color))
	}
	return b, nil
}

// createCalendar serves POST calendars: a CalendarFolder under
// msgfolderroot.
func createCalendar(c *call) (*http.Response, error) {
	s, err := c.schema("calendar")
	if err != nil {
		return nil, err
	}
	b, err := readCalendarBody(c.r.Body)
	if err != nil {
		return nil, err
	}
	if b.Name == nil || *b.Name == "" {
		return nil, fmt.Errorf("%w: a calendar needs a name", odata.ErrInvalidQuery)
	}
	root, _ := c.folder("msgfolderroot")
	ids, err := c.sendCreateFolder(root, "t:CalendarFolder", func(w *xmlWriter) {
		w.elem("t:DisplayName", *b.Name)
	})
	if err != nil {
		return nil, err
	}
	return c.calendarCreated(s, http.StatusCreated, ids)
}

// calendarCreated answers with the calendar made or changed.
func (c *call) calendarCreated(s *odata.Schema, status int, ids []folderRef) (*http.Response, error) {
	return c.folderAnswer(s, &shape{Fields: calendarFields, BodyType: "HTML"}, status, ids)
}

// updateCalendar serves PATCH calendars/{id}: its name.
func updateCalendar(c *call) (*http.Response, error) {
	s, err := c.schema("calendar")
	if err != nil {
		return nil, err
	}
	f, err := c.folder(c.ids[0])
	if err != nil {
		return nil, err
	}
	ck, err := changeKeyOf(c.r.IfMatch)
	if err != nil {
		return nil, err
	}
	b, err := readCalendarBody(c.r.Body)
	if err != nil {
		return nil, err
	}
	if b.Name == nil {
		return c.calendarCreated(s, http.StatusOK, []folderRef{f})
	}
	if *b.Name == "" {
		return nil, fmt.Errorf("%w: a calendar needs a name", odata.ErrInvalidQuery)
	}
	ref := f
	ref.changeKey = ck
	var ids []folderRef
	err = c.send(request{op: "UpdateFolder", conditional: ck != "", body: func(w *xmlWriter) {
		w.open("m:UpdateFolder")
		w.open("m:FolderChanges")
		w.open("t:FolderChange")
		ref.write(w)
		w.open("t:Updates")
		var v xmlWriter
		v.elem("t:DisplayName", *b.Name)
		w.b = append(w.b, setField("folder:DisplayName", "t:CalendarFolder", "t:SetFolderField", v.b)...)
		w.close("t:Updates")
		w.close("t:FolderChange")
		w.close("m:FolderChanges")
		w.close("m:UpdateFolder")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readFolderIDs(x, buf, "UpdateFolder", ck != "", &ids)
	})
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		ids = []folderRef{f}
	}
	return c.calendarCreated(s, http.StatusOK, ids)
}

// deleteCalendar serves DELETE calendars/{id}.
func deleteCalendar(c *call) (*http.Response, error) { return deleteFolder(c) }

// calendarReader reads what a calendar's table cannot: whether it is the
// default one, its rights, and the color EWS does not keep.
type calendarReader struct {
	c              *converter
	distinguished  string
	canEdit        bool
	hasRights      bool
	canViewPrivate bool
}

func newCalendarReader(c *converter, _ *odata.Schema) entityHook { return &calendarReader{c: c} }

func (h *calendarReader) element(out []byte) (bool, []byte, error) {
	x := h.c.x
	switch string(x.local) {
	case "DistinguishedFolderId":
		t, err := h.c.text()
		h.distinguished = string(t)
		return true, out, err
	case "EffectiveRights":
		h.hasRights = true
		err := x.children(func() error {
			name := string(x.local)
			t, err := h.c.text()
			switch name {
			case "Modify":
				h.canEdit = string(t) == "true"
			case "ViewPrivateItems":
				h.canViewPrivate = string(t) == "true"
			}
			return err
		})
		return true, out, err
	}
	return false, out, nil
}

func (h *calendarReader) finish(out []byte) ([]byte, error) {
	def := h.distinguished == "calendar"
	out = member(out, "isDefaultCalendar")
	out = strconv.AppendBool(out, def)
	out = member(out, "isRemovable")
	out = strconv.AppendBool(out, !def)
	out = member(out, "color")
	out = append(out, `"auto"`...)
	out = member(out, "hexColor")
	out = append(out, `""`...)
	if h.hasRights {
		out = member(out, "canEdit")
		out = strconv.AppendBool(out, h.canEdit)
		out = member(out, "canViewPrivateItems")
		out = strconv.AppendBool(out, h.canViewPrivate)
	}
	return out, nil
}
