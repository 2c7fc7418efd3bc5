package ews

// The item operations on calendar items and contacts: FindItem in their
// folders (a CalendarView expands recurrences over the store's views),
// CreateItem (SendMeetingInvitations delivers a meeting through the
// store), UpdateItem (SendMeetingInvitationsOrCancellations carries the
// change), DeleteItem (SendMeetingCancellations), the meeting responses
// (AcceptItem, TentativelyAcceptItem, DeclineItem, with ProposedStart and
// ProposedEnd), CancelCalendarItem and a ForwardItem of a meeting.

import (
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// maxCalendarViewSpan is the longest CalendarView EWS takes (two years:
// ErrorCalendarViewRangeTooBig beyond).
const maxCalendarViewSpan = 2*366*24*time.Hour + 24*time.Hour

// parentsKind returns the kind of item the first parent folder of a
// FindItem holds, when it is a calendar or contacts folder.
func (c *call) parentsKind(op *elem) *itemKind {
	parents := op.m("ParentFolderIds")
	if parents == nil || len(parents.kids) == 0 {
		return nil
	}
	fo, rerr, f := c.folderByID(parents.kids[0])
	if f != nil || rerr != nil || fo.e == nil {
		return nil
	}
	switch fo.set {
	case "calendars":
		return calendarKind()
	case "contactFolders":
		return contactKind()
	}
	return nil
}

// kindResolver resolves a property path on items of kind k, for
// restrictions and sort orders.
func (c *call) kindResolver(k *itemKind) pathResolver[*itemCtx] {
	msg := c.itemResolver()
	return func(path *elem) (func(*itemCtx) any, bool, *respErr, *fault) {
		switch {
		case path.is(nsTypes, "FieldURI"):
			uri, _ := path.attr("FieldURI")
			p := k.byURI[uri]
			if p == nil {
				return msg(path)
			}
			if p.value == nil {
				return nil, false, errf("ErrorUnsupportedPathForQuery", "The property can not be used with this type of restriction."), nil
			}
			return p.value, true, nil, nil
		case path.is(nsTypes, "IndexedFieldURI") && k == contactKind():
			uri, _ := path.attr("FieldURI")
			index, _ := path.attr("FieldIndex")
			return func(x *itemCtx) any { return indexedValue(x, uri, index) }, true, nil, nil
		}
		return msg(path)
	}
}

// indexedValue reads one entry of a contact's dictionaries.
func indexedValue(x *itemCtx, uri, index string) any {
	var s string
	switch uri {
	case "contacts:EmailAddress":
		if len(index) == 13 && strings.HasPrefix(index, "EmailAddress") && index[12] >= '1' && index[12] <= '3' {
			_, s = emailEntry(x.o, int(index[12]-'1'))
		}
	case "contacts:PhoneNumber":
		s = phoneEntry(x.e, x.o, index)
	case "contacts:ImAddress":
		list, _ := x.o["imAddresses"].([]any)
		if i := int(index[len(index)-1] - '1'); strings.HasPrefix(index, "ImAddress") && i >= 0 && i < len(list) {
			s, _ = list[i].(string)
		}
	default:
		part, _ := strings.CutPrefix(uri, "contacts:PhysicalAddress:")
		a, _ := x.o[addressKeys[index]].(map[string]any)
		for _, p := range addressParts {
			if p.ews == part {
				s, _ = a[p.graph].(string)
			}
		}
	}
	if s == "" {
		return nil
	}
	return s
}

// findKindItems serves FindItem in calendar and contacts folders: plain
// listings (singles and series masters of a calendar), restricted, sorted
// and paged as for messages, or a CalendarView.
func (c *call) findKindItems(op *elem, w *writer, sh *itemShape, k *itemKind) *fault {
	resolver := c.kindResolver(k)
	cond, rerr, f := compileRestriction(op.m("Restriction"), resolver)
	if f != nil {
		return f
	}
	keys, kerr, f := compileSort(op.m("SortOrder"), resolver)
	if f != nil {
		return f
	}
	if rerr == nil {
		rerr = kerr
	}
	cv := op.m("CalendarView")
	var pg *paging
	if cv == nil {
		if pg, f = parsePaging(op.m("IndexedPageItemView"), op.m("FractionalPageItemView")); f != nil {
			return f
		}
		if v := op.m("ContactsView"); v != nil {
			if k != contactKind() {
				rerr = errf("ErrorInvalidOperation", "A ContactsView lists a contacts folder.")
			}
			pg = &paging{}
			if n, err := strconv.Atoi(v.attrOr("MaxEntriesReturned", "0")); err == nil && n > 0 {
				pg.max, pg.maxSet = n, true
			}
			initial, final := strings.ToLower(v.attrOr("InitialName", "")), strings.ToLower(v.attrOr("FinalName", ""))
			byName := cond
			cond = func(x *itemCtx) bool {
				name, _ := x.o["displayName"].(string)
				name = strings.ToLower(name)
				return byName(x) && name >= initial && (final == "" || name <= final)
			}
			if len(keys) == 0 {
				keys = []sortKey[*itemCtx]{{get: func(x *itemCtx) any { return x.o["displayName"] }}}
			}
		}
	}
	var start, end time.Time
	maxEntries := findCountLimit
	if cv != nil {
		if k != calendarKind() {
			rerr = errf("ErrorCalendarFolderIsInvalidForCalendarView", "The folder is not a calendar folder.")
		}
		var e1, e2 error
		start, e1 = parseTime(cv.attrOr("StartDate", ""))
		end, e2 = parseTime(cv.attrOr("EndDate", ""))
		if e1 != nil || e2 != nil {
			return schemaFault(cv.line, cv.col, "The CalendarView needs StartDate and EndDate xs:dateTime values.")
		}
		if v, ok := cv.attr("MaxEntriesReturned"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return schemaFault(cv.line, cv.col, "The 'MaxEntriesReturned' attribute is invalid.")
			}
			if n <= 0 && rerr == nil {
				rerr = errf("ErrorInvalidPagingMaxRows", "Paging with a maximum of zero or fewer rows is invalid.")
			}
			maxEntries = min(n, findCountLimit)
		}
		switch {
		case rerr != nil:
		case op.m("Restriction") != nil || op.m("SortOrder") != nil:
			rerr = errf("ErrorInvalidRestriction", "Restrictions and sort order may not be specified for a CalendarView.")
		case end.Before(start):
			rerr = errf("ErrorCalendarEndDateIsEarlierThanStartDate", "EndDate is earlier than StartDate.")
		case end.Sub(start) > maxCalendarViewSpan:
			rerr = errf("ErrorCalendarViewRangeTooBig", "The specified view range exceeds the maximum range of two years.")
		}
	}
	var results []result
	for _, fid := range op.m("ParentFolderIds").kids {
		fo, ferr, f := c.folderByID(fid)
		if f != nil {
			return f
		}
		if ferr == nil && rerr != nil {
			ferr = rerr
		}
		if ferr == nil && pg != nil {
			ferr = pg.check()
		}
		if ferr == nil && (fo.e == nil || kindOf(map[string]string{"calendars": "events", "contactFolders": "contacts"}[fo.set]) != k) {
			ferr = errf("ErrorInvalidOperation", "The parent folders of one FindItem hold items of one kind.")
		}
		if ferr != nil {
			results = append(results, result{err: ferr})
			continue
		}
		m := fo.m
		if cv != nil {
			ents := m.ViewEntities(&store.Window{Start: start, End: end, Calendar: fo.e.ID()})
			shown := ents[:min(len(ents), maxEntries)]
			results = append(results, result{write: func(w *writer) {
				w.open("m:RootFolder", "TotalItemsInView", strconv.Itoa(len(ents)), "IncludesLastItemInRange", boolText(len(shown) == len(ents)))
				w.open("t:Items")
				for _, e := range shown {
					c.writeItem(w, m, e, sh, true)
				}
				w.close("t:Items")
				w.close("m:RootFolder")
			}})
			continue
		}
		var xs []*itemCtx
		folderID := fo.e.ID()
		for _, e := range m.List(k.set, func(e *store.Entity) bool { return e.Parent() == folderID && !store.IsException(e) }) {
			x := &itemCtx{c: c, m: m, e: e, o: c.calView(e), find: true}
			if cond(x) {
				xs = append(xs, x)
			}
		}
		if len(keys) > 0 {
			sortBy(xs, keys)
		}
		results = append(results, result{write: func(w *writer) {
			page, attrs := pg.page(len(xs))
			w.open("m:RootFolder", attrs...)
			w.open("t:Items")
			for _, x := range xs[page.from:page.to] {
				c.writeItem(w, x.m, x.e, sh, true)
			}
			w.close("t:Items")
			w.close("m:RootFolder")
		}})
	}
	c.respond(w, results)
	return nil
}

// meetingSend reads a SendMeetingInvitations (or ...OrCancellations, or
// SendMeetingCancellations) value: whether attendees are told.
func meetingSend(v string) (send, ok bool) {
	switch v {
	case "SendToNone":
		return false, true
	case "SendOnlyToAll", "SendToAllAndSaveCopy", "SendOnlyToChanged", "SendToChangedAndSaveCopy":
		return true, true
	}
	return false, false
}

// createKindItem creates a CalendarItem or a Contact of a CreateItem.
func (c *call) createKindItem(op, it *elem, saveIn *folder) (result, *fault) {
	k := calendarKind()
	if it.local == "Contact" {
		k = contactKind()
	}
	send := false
	if k == calendarKind() {
		v, has := op.attr("SendMeetingInvitations")
		if !has {
			return result{err: errf("ErrorSendMeetingInvitationsRequired", "SendMeetingInvitations attribute is required for calendar items.")}, nil
		}
		var ok bool
		if send, ok = meetingSend(v); !ok {
			return result{}, schemaFault(op.line, op.col, "The 'SendMeetingInvitations' attribute is invalid - The value '"+v+"' is invalid according to its datatype.")
		}
	}
	var m *store.Mailbox
	var parent string
	if saveIn != nil {
		want := map[*itemKind]string{calendarKind(): "calendars", contactKind(): "contactFolders"}[k]
		if saveIn.set != want || saveIn.e == nil {
			code := "ErrorCannotCreateCalendarItemInNonCalendarFolder"
			if k == contactKind() {
				code = "ErrorCannotCreateContactInNonContactFolder"
			}
			return result{err: errf(code, "The item can't be created in a folder of that kind.")}, nil
		}
		m, parent = saveIn.m, saveIn.e.ID()
	} else {
		var rerr *respErr
		if m, rerr = c.selfMailbox(); rerr != nil {
			return result{err: rerr}, nil
		}
		parent = m.DefaultCalendar()
		if k == contactKind() {
			parent = m.DefaultContactFolder()
		}
	}
	x := &setCtx{c: c, m: m, patch: Object{}, memos: map[memoKey]string{}, create: true, contact: k == contactKind()}
	if rerr, f := x.readItem(k, it); rerr != nil || f != nil {
		return result{err: rerr}, f
	}
	if k == calendarKind() {
		if rerr := x.finishCalendar(nil); rerr != nil {
			return result{err: rerr}, nil
		}
		if rerr := checkTimes(x.patch); rerr != nil {
			return result{err: rerr}, nil
		}
		if r, _ := x.patch["recurrence"].(map[string]any); r != nil {
			x.patch["type"] = "seriesMaster"
		}
	}
	anys := make([]any, len(x.atts))
	for i, a := range x.atts {
		anys[i] = a
	}
	var e *store.Entity
	var err error
	if k == calendarKind() {
		e, err = m.CreateWithAttachments("events", parent, x.patch, anys, true)
	} else {
		e, err = m.Create("contacts", parent, x.patch, true)
	}
	if err != nil {
		return result{err: inputErr(err)}, nil
	}
	for key, v := range x.memos {
		e.SetMemo(key, v)
	}
	if k == calendarKind() && store.IsMeeting(e) {
		if send {
			m.Invite(e, nil)
		} else {
			e.SetMemo(memoKey("unsent"), "true")
		}
	}
	return result{write: func(w *writer) {
		w.open("m:Items")
		w.open("t:" + k.elem)
		w.empty("t:ItemId", "Id", ewsID(e.ID()), "ChangeKey", changeKey(e))
		w.close("t:" + k.elem)
		w.close("m:Items")
	}}, nil
}

// checkTimes refuses a calendar item without its times, or that ends
// before it starts.
func checkTimes(patch Object) *respErr {
	s, ok1 := instant(patch["start"])
	e, ok2 := instant(patch["end"])
	switch {
	case !ok1 || !ok2:
		return errf("ErrorCalendarInvalidPropertyValue", "A calendar item needs a Start and an End.")
	case e.Before(s):
		return errf("ErrorCalendarEndDateIsEarlierThanStartDate", "EndDate is earlier than StartDate.")
	}
	return nil
}

// updateKindOne applies the ItemChange of a calendar item or contact.
func (c *call) updateKindOne(ch *elem, resolution string, op *elem, m *store.Mailbox, e *store.Entity) (result, *fault) {
	k := kindOf(e.Set())
	send := false
	if k == calendarKind() {
		v, has := op.attr("SendMeetingInvitationsOrCancellations")
		if !has {
			return result{err: errf("ErrorSendMeetingInvitationsOrCancellationsRequired", "SendMeetingInvitationsOrCancellations attribute is required for calendar items.")}, nil
		}
		var ok bool
		if send, ok = meetingSend(v); !ok {
			return result{}, schemaFault(op.line, op.col, "The 'SendMeetingInvitationsOrCancellations' attribute is invalid.")
		}
	}
	updates := ch.t("Updates")
	if updates == nil || len(updates.kids) == 0 {
		return result{}, schemaFault(ch.line, ch.col, "The element 'ItemChange' has incomplete content. List of possible elements expected: 'Updates'.")
	}
	x := &setCtx{c: c, m: m, e: e, patch: Object{}, memos: map[memoKey]string{}}
	for _, u := range updates.kids {
		if len(u.kids) == 0 {
			return result{}, schemaFault(u.line, u.col, "The element '"+u.local+"' needs a property path.")
		}
		path := u.kids[0]
		switch u.local {
		case "SetItemField", "AppendToItemField":
			if len(u.kids) != 2 {
				return result{}, schemaFault(u.line, u.col, "The element '"+u.local+"' needs a property path and an item.")
			}
			holder := u.kids[1]
			if !holder.is(nsTypes, k.elem) && !holder.is(nsTypes, "Item") {
				return result{err: errf("ErrorInvalidPropertySet", "The item in the change description is not a "+k.elem+".")}, nil
			}
			if len(holder.kids) != 1 {
				return result{err: errf("ErrorIncorrectUpdatePropertyCount", "An object within a change description must contain one and only one property to modify.")}, nil
			}
			val := holder.kids[0]
			if u.local == "AppendToItemField" {
				return result{err: errf("ErrorInvalidPropertyAppend", "This property does not support append.")}, nil
			}
			if path.is(nsTypes, "IndexedFieldURI") {
				uri, _ := path.attr("FieldURI")
				if contactDictionaries[uri] == "" || k != contactKind() || "contacts:"+val.local != contactDictionaries[uri] {
					return result{err: errf("ErrorIncorrectUpdatePropertyCount", "The property in the change description does not match the property path.")}, nil
				}
			} else if rerr := c.checkPathMatches(path, val); rerr != nil {
				return result{err: rerr}, nil
			}
			if rerr, f := x.setKindElement(k, val); rerr != nil || f != nil {
				return result{err: rerr}, f
			}
		case "DeleteItemField":
			switch {
			case path.is(nsTypes, "FieldURI"):
				uri, _ := path.attr("FieldURI")
				p := k.byURI[uri]
				if p == nil || p.del == nil {
					return result{err: errf("ErrorInvalidPropertyDelete", "This property can't be deleted.")}, nil
				}
				if rerr := p.del(x); rerr != nil {
					return result{err: rerr}, nil
				}
			case path.is(nsTypes, "IndexedFieldURI") && k == contactKind():
				uri, _ := path.attr("FieldURI")
				index, _ := path.attr("FieldIndex")
				if rerr := x.deleteIndexed(uri, index); rerr != nil {
					return result{err: rerr}, nil
				}
			case path.is(nsTypes, "ExtendedFieldURI"):
				xp, err := parseExtended(path)
				if err != nil {
					return result{}, schemaFault(path.line, path.col, err.Error())
				}
				x.deleteExtended(xp)
			default:
				return result{err: errf("ErrorInvalidPropertyDelete", "This property can't be deleted.")}, nil
			}
		default:
			return result{}, schemaFault(u.line, u.col, "The element 'Updates' has invalid child element '"+u.local+"'.")
		}
	}
	if k == calendarKind() {
		if rerr := x.finishCalendar(e); rerr != nil {
			return result{err: rerr}, nil
		}
	}
	ck, _ := ch.kids[0].attr("ChangeKey")
	if ck = strings.TrimSpace(ck); ck != "" && resolution != "AlwaysOverwrite" && ck != changeKey(e) {
		seq, ours := m.ChangeKeySeq(ck)
		conflict := !ours || resolution == "NeverOverwrite" && e.ModSeq() > seq
		if ours && resolution == "AutoResolve" {
			for key := range x.patch {
				if e.PropSeq(key) > seq {
					conflict = true
				}
			}
		}
		if conflict {
			return result{err: errf("ErrorIrresolvableConflict", "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.")}, nil
		}
	}
	if k == calendarKind() {
		merged := Object{"start": e.Object()["start"], "end": e.Object()["end"]}
		for _, key := range []string{"start", "end"} {
			if v, ok := x.patch[key]; ok {
				merged[key] = v
			}
		}
		if rerr := checkTimes(merged); rerr != nil {
			return result{err: rerr}, nil
		}
		if r, ok := x.patch["recurrence"]; ok && !e.Transient() {
			if r == nil {
				x.patch["type"] = "singleInstance"
			} else {
				x.patch["type"] = "seriesMaster"
			}
		}
	}
	var before map[string]bool
	if k == calendarKind() {
		before = store.AttendeesOf(e)
	}
	for key, v := range x.memos {
		e.SetMemo(key, v)
	}
	if len(x.patch) > 0 {
		var err error
		if e.Transient() {
			e, err = m.UpdateOccurrence(e, x.patch, false)
		} else {
			err = m.Apply(e, x.patch)
		}
		if err != nil {
			return result{err: inputErr(err)}, nil
		}
	}
	if k == calendarKind() && send {
		m.UpdateMeeting(e, x.patch, before)
	}
	return result{write: func(w *writer) {
		w.open("m:Items")
		w.open("t:" + k.elem)
		w.empty("t:ItemId", "Id", ewsID(e.ID()), "ChangeKey", changeKey(e))
		w.close("t:" + k.elem)
		w.close("m:Items")
		w.open("m:ConflictResults")
		w.leaf("t:Count", "0")
		w.close("m:ConflictResults")
	}}, nil
}

// deleteKindItem deletes a calendar item or contact: a meeting's
// organizer may tell the attendees, as SendMeetingCancellations says; an
// occurrence leaves its series.
func (c *call) deleteKindItem(op *elem, m *store.Mailbox, e *store.Entity) *respErr {
	if e.Set() == "events" {
		v, has := op.attr("SendMeetingCancellations")
		if !has {
			return errf("ErrorSendMeetingCancellationsRequired", "SendMeetingCancellations attribute is required for calendar items.")
		}
		send, ok := meetingSend(v)
		if !ok {
			return errf("ErrorInvalidRequest", "SendMeetingCancellations is not valid.")
		}
		if org, _ := e.Object()["isOrganizer"].(bool); org && send {
			m.CancelMeeting(e, "")
		}
		if e.Transient() || store.IsException(e) {
			m.CancelOccurrence(e)
			return nil
		}
	}
	m.Purge(e)
	return nil
}

// meetingOf returns the calendar item a response object refers to: the
// item itself, or for a meeting request in the Inbox the meeting it
// announces.
func meetingOf(m *store.Mailbox, e *store.Entity) *store.Entity {
	if e.Set() == "events" {
		return e
	}
	uid, _ := e.Object()["iCalUId"].(string)
	if uid == "" {
		return nil
	}
	for _, ev := range m.List("events", func(x *store.Entity) bool { return x.Object()["iCalUId"] == uid && !store.IsException(x) }) {
		return ev
	}
	return nil
}

// respondToMeeting serves AcceptItem, TentativelyAcceptItem and
// DeclineItem of a CreateItem: the response is sent with SendOnly or
// SendAndSaveCopy; with SaveOnly it is kept as a draft in Drafts (whose id
// the answer gives) and the organizer is not told.
func (c *call) respondToMeeting(it *elem, disposition string) (result, *fault) {
	ref := it.t("ReferenceItemId")
	if ref == nil {
		return result{}, schemaFault(it.line, it.col, "The element '"+it.local+"' has incomplete content. List of possible elements expected: 'ReferenceItemId'.")
	}
	m, e, rerr := c.anyItem(&elem{space: nsTypes, local: "ItemId", attrs: ref.attrs})
	if rerr != nil {
		return result{err: rerr}, nil
	}
	ev := meetingOf(m, e)
	if ev == nil {
		return result{err: errf("ErrorItemNotFound", "The meeting the response is about was not found.")}, nil
	}
	if org, _ := ev.Object()["isOrganizer"].(bool); org {
		code := map[string]string{"AcceptItem": "ErrorCalendarIsOrganizerForAccept", "TentativelyAcceptItem": "ErrorCalendarIsOrganizerForTentative",
			"DeclineItem": "ErrorCalendarIsOrganizerForDecline"}[it.local]
		return result{err: errf(code, "The organizer of a meeting can't respond to it.")}, nil
	}
	r := store.MeetingResponse{Response: map[string]string{"AcceptItem": "accepted", "TentativelyAcceptItem": "tentativelyAccepted", "DeclineItem": "declined"}[it.local],
		Send: disposition != "SaveOnly"}
	if b := it.t("Body"); b != nil {
		r.Comment = b.text
		if typ, _ := b.attr("BodyType"); typ == "HTML" {
			r.Comment = store.HTMLToText(b.text)
		}
	}
	ps, pe := it.t("ProposedStart"), it.t("ProposedEnd")
	if ps != nil || pe != nil {
		if c.version < "Exchange2013_SP1" && !strings.HasPrefix(c.version, "V20") && c.version != "Exchange2015" && c.version != "Exchange2016" {
			return result{}, schemaFault(ps.line, ps.col, "The element 'ProposedStart' requires RequestServerVersion Exchange2013_SP1 or later.")
		}
		if ps == nil || pe == nil || it.local == "AcceptItem" {
			return result{err: errf("ErrorInvalidRequest", "A new time is proposed with ProposedStart and ProposedEnd, when tentatively accepting or declining.")}, nil
		}
		s, err1 := parseTime(ps.text)
		en, err2 := parseTime(pe.text)
		if err1 != nil || err2 != nil || en.Before(s) {
			return result{err: errf("ErrorInvalidValueForProperty", "The proposed time is not valid.")}, nil
		}
		if ev.Object()["allowNewTimeProposals"] == false {
			return result{err: errf("ErrorInvalidRequest", "The organizer doesn't allow new time proposals.")}, nil
		}
		if !r.Send {
			return result{err: errf("ErrorInvalidRequest", "A new time can only be proposed with a response sent.")}, nil
		}
		r.Proposed = Object{"start": Object{"dateTime": s.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
			"end": Object{"dateTime": en.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"}}
	}
	subj, _ := ev.Object()["subject"].(string)
	org := schema.DeepCopy(ev.Object()["organizer"])
	if err := m.Respond(ev, r); err != nil {
		return result{err: inputErr(err)}, nil
	}
	if r.Send {
		return result{write: func(w *writer) { w.empty("m:Items") }}, nil
	}
	prefix := map[string]string{"accepted": "Accepted: ", "tentativelyAccepted": "Tentative: ", "declined": "Declined: "}[r.Response]
	draft, err := m.Create("messages", m.WellKnown("drafts"), Object{
		"@odata.type": schema.GraphNS + "eventMessageResponse", "subject": prefix + subj,
		"body": Object{"contentType": "text", "content": r.Comment}, "toRecipients": []any{org}}, true)
	if err != nil {
		return result{err: inputErr(err)}, nil
	}
	draft.SetMemo(memoKey("itemClass"), "IPM.Schedule.Meeting.Resp."+map[string]string{"accepted": "Pos", "tentativelyAccepted": "Tent", "declined": "Neg"}[r.Response])
	return result{write: func(w *writer) {
		w.open("m:Items")
		w.open("t:MeetingResponse")
		w.empty("t:ItemId", "Id", ewsID(draft.ID()), "ChangeKey", changeKey(draft))
		w.close("t:MeetingResponse")
		w.close("m:Items")
	}}, nil
}

// cancelMeeting serves CancelCalendarItem: the organizer's meeting (or one
// occurrence) is cancelled for the attendees and leaves the calendar.
func (c *call) cancelMeeting(it *elem, disposition string) (result, *fault) {
	ref := it.t("ReferenceItemId")
	if ref == nil {
		return result{}, schemaFault(it.line, it.col, "The element 'CancelCalendarItem' has incomplete content. List of possible elements expected: 'ReferenceItemId'.")
	}
	m, e, rerr := c.anyItem(&elem{space: nsTypes, local: "ItemId", attrs: ref.attrs})
	if rerr != nil {
		return result{err: rerr}, nil
	}
	if org, _ := e.Object()["isOrganizer"].(bool); e.Set() != "events" || !org {
		return result{err: errf("ErrorCalendarIsNotOrganizer", "Only the organizer of a meeting can cancel it.")}, nil
	}
	comment := ""
	if b := it.t("NewBodyContent"); b != nil {
		comment = b.text
	}
	if disposition != "SaveOnly" {
		m.CancelMeeting(e, comment)
	}
	id, ck := e.ID(), changeKey(e)
	if e.Transient() || store.IsException(e) {
		m.CancelOccurrence(e)
	} else {
		m.Purge(e)
	}
	// The answer names the calendar item cancelled.
	return result{write: func(w *writer) {
		w.open("m:Items")
		w.open("t:CalendarItem")
		w.empty("t:ItemId", "Id", ewsID(id), "ChangeKey", ck)
		w.close("t:CalendarItem")
		w.close("m:Items")
	}}, nil
}

// forwardMeeting serves a ForwardItem whose reference is a calendar item:
// the meeting goes to the recipients, as Exchange forwards it.
func (c *call) forwardMeeting(it *elem) (result, *fault) {
	ref := it.t("ReferenceItemId")
	m, e, rerr := c.anyItem(&elem{space: nsTypes, local: "ItemId", attrs: ref.attrs})
	if rerr != nil {
		return result{err: rerr}, nil
	}
	var to []string
	if list := it.t("ToRecipients"); list != nil {
		rs, err := recipientsOf(list)
		if err != nil {
			return result{err: errf("ErrorInvalidRecipients", err.Error())}, nil
		}
		for _, r := range rs {
			_, addr := recipientAddress(r)
			to = append(to, addr)
		}
	}
	if len(to) == 0 {
		return result{err: errf("ErrorInvalidRecipients", "At least one recipient is required, but none were found.")}, nil
	}
	m.ForwardMeeting(e, to)
	return result{write: func(w *writer) { w.empty("m:Items") }}, nil
}

// isCalendarRef reports whether a response object refers to a calendar
// item.
func (c *call) isCalendarRef(it *elem) bool {
	ref := it.t("ReferenceItemId")
	if ref == nil {
		return false
	}
	id, _ := ref.attr("Id")
	sid := storeID(id)
	if _, e := c.h.st.Holder("events", sid); e != nil {
		return true
	}
	return store.IsOccurrenceID(sid) && len(c.mailboxesOf(sid)) > 0
}
