package ews

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/odata"
)

// Items that are not messages. Calendar items and contacts keep some of
// their Graph properties in shapes no single FieldURI names (an event's
// attendees in three lists, its start in a time and a zone, a contact's
// addresses and phone numbers in dictionaries), so the table-driven
// conversion hands those properties, per model, to hooks that the files
// of each model register: reading (entityHooks), writing a new item
// (writeHooks), updating one (changeHooks), filtering (filterHooks,
// anyHooks) and the FieldURIs a property needs asked for (companionFields).

// entityHook reads the elements of one item that its model's table does
// not map one to one, and adds what they say to the item's JSON.
type entityHook interface {
	// element handles the element the converter is on; it reports false
	// (consuming nothing) for the elements it leaves to the table.
	element(out []byte) (handled bool, _ []byte, _ error)
	// finish appends the members the elements read make, once the item's
	// elements are all read.
	finish(out []byte) ([]byte, error)
}

// The hooks of each model, by the Graph name of its schema; each file of a
// model adds its own in init.
var (
	entityHooks = map[string]func(c *converter, s *odata.Schema) entityHook{}
	// writeHooks convert one property of a new item into element
	// fragments; handled false leaves it to the table.
	writeHooks = map[string]func(p *odata.Prop, v jsontext.Value) (frags []fragment, handled bool, err error){}
	// changeHooks convert one property of an update into SetItemField and
	// DeleteItemField elements (set and del name them; elem holds a set
	// value).
	changeHooks = map[string]func(p *odata.Prop, v jsontext.Value, elem, set, del string) (changes [][]byte, handled bool, err error){}
	// filterHooks translate a comparison on a property without a FieldURI.
	filterHooks = map[string]func(n odata.FilterNode, p *odata.Prop, rest string) (*restriction, bool, error){}
	// anyHooks translate any() over a collection property.
	anyHooks = map[string]func(p *odata.Prop, cond odata.FilterNode) (*restriction, bool, error){}
	// companionFields are the FieldURIs a Graph property is read from when
	// its own FieldURI (if any) is not all of it.
	companionFields = map[string]map[string][]field{}
	// linkHandlers serve the next and delta links of every listing, by
	// link kind; a kind without one is no link of ours.
	linkHandlers = map[string]func(c *call, st *listState) (*http.Response, error){
		"messages":     pagesOf("message", (*call).messagesPage),
		"folders":      pagesOf("mailFolder", (*call).foldersPage),
		"syncMessages": pagesOf("message", (*call).syncItemsPage),
		"syncFolders":  pagesOf("mailFolder", (*call).syncFoldersPage),
	}
)

// pagesOf is the link handler of a listing of model's entities whose
// pages page reads.
func pagesOf(model string, page func(c *call, s *odata.Schema, st *listState) (*http.Response, error)) func(c *call, st *listState) (*http.Response, error) {
	return func(c *call, st *listState) (*http.Response, error) {
		s, err := c.schema(model)
		if err != nil {
			return nil, err
		}
		return page(c, s, st)
	}
}

// kindElem is the EWS element of the items of a model: calendar items
// for events, contacts for contacts.
var kindElem = map[string]string{"event": "CalendarItem", "contact": "Contact"}

// kindOrder is the name of the element order (orderIndex) of a model's
// items.
var kindOrder = map[string]string{"event": "calendarItem", "contact": "contact"}

// listItems serves a listing of events or contacts of a folder (default
// if ids has none): FindItem paged with IndexedPageItemView, and a
// batched GetItem where the page needs more than FindItem returns, as for
// messages.
func listItems(kind, model, defaultFolder string) handler {
	return func(c *call) (*http.Response, error) {
		s, err := c.schema(model)
		if err != nil {
			return nil, err
		}
		st := &listState{Kind: kind, Folder: c.pathFolder(defaultFolder)}
		if _, err := c.folder(st.Folder); err != nil {
			return nil, err
		}
		q := c.r.Query
		st.View = viewOf(q)
		if st.Shape, err = shapeOf(q, s, c.r.Prefer); err != nil {
			return nil, err
		}
		if q != nil {
			if q.Search != "" {
				return nil, errNotSupported(fmt.Sprintf("$search on %ss (Exchange searches messages only)", model))
			}
			if st.Filter, err = translateFilter(q.Filter, s); err != nil {
				return nil, err
			}
			if st.Sort, err = translateOrder(q.OrderBy, s); err != nil {
				return nil, err
			}
		}
		return c.messagesPage(s, st)
	}
}

// getOne serves a GET of one event or contact by id.
func getOne(model string) handler {
	return func(c *call) (*http.Response, error) {
		s, err := c.schema(model)
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
			return nil, fmt.Errorf("%w: only $select and $expand apply to one %s", odata.ErrInvalidQuery, model)
		}
		out, err := c.getItems(nil, s, sh, []string{id}, false)
		if err != nil {
			return nil, err
		}
		if len(out) == 0 {
			return nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorItemNotFound", Method: "EWS", Path: "GetItem",
				Message: "the server answered without the item"}
		}
		if model == "event" && wantsSeriesMaster(c.r.Query) {
			if out, err = c.addSeriesMaster(out, id); err != nil {
				return nil, err
			}
		}
		return jsonResponse(http.StatusOK, out), nil
	}
}

// createOne serves a POST of a new event or contact: CreateItem in the
// folder (default if ids has none), answered with the item as stored. An
// event with attendees sends its invitations, as Graph does.
func createOne(model, defaultFolder string) handler {
	return func(c *call) (*http.Response, error) {
		s, err := c.schema(model)
		if err != nil {
			return nil, err
		}
		folder := c.pathFolder(defaultFolder)
		f, err := c.folder(folder)
		if err != nil {
			return nil, err
		}
		if len(c.r.Body) == 0 {
			return nil, fmt.Errorf("%w: no %s", odata.ErrInvalidQuery, model)
		}
		var frags []fragment
		if model == "contact" {
			frags, err = contactFragments(c.r.Body, s)
		} else {
			frags, err = propFragments(c.r.Body, s, kindOrder[model])
		}
		if err != nil {
			return nil, err
		}
		attr, value := "", ""
		if model == "event" {
			if err := checkRecurrenceZone(c.r.Body); err != nil {
				return nil, err
			}
			attr, value = "SendMeetingInvitations", "SendToNone"
			for _, fr := range frags {
				if fr.elem == "RequiredAttendees" || fr.elem == "OptionalAttendees" || fr.elem == "Resources" {
					value = "SendToAllAndSaveCopy"
				}
			}
		}
		el := "t:" + kindElem[model]
		ids, err := c.createItemAttr(attr, value, &f, func(w *xmlWriter) error { writeFragments(w, el, frags); return nil })
		if err != nil {
			return nil, err
		}
		return c.createdOf(model, s, http.StatusCreated, ids)
	}
}

// createdOf answers a write of an event or contact with the item as it
// is now; an occurrence's or exception's with its series master's id.
func (c *call) createdOf(model string, s *odata.Schema, status int, ids []itemRef) (*http.Response, error) {
	if len(ids) == 0 {
		return noContent(), nil
	}
	sh, err := shapeOf(nil, s, c.r.Prefer)
	if err != nil {
		return nil, err
	}
	out, err := c.getItems(nil, s, sh, []string{ids[0].id}, false)
	if err != nil {
		return nil, err
	}
	if model == "event" {
		if out, err = c.addSeriesMaster(out, ids[0].id); err != nil {
			return nil, err
		}
	}
	return jsonResponse(status, out), nil
}

// checkRecurrenceZone refuses a new series whose recurrence names a zone
// other than its start's: EWS keeps a series in its start's zone.
func checkRecurrenceZone(body []byte) error {
	var b struct {
		Start      jsontext.Value `json:"start"`
		Recurrence jsontext.Value `json:"recurrence"`
	}
	if json.Unmarshal(body, &b) != nil || len(b.Recurrence) == 0 || isNullJSON(b.Recurrence) || len(b.Start) == 0 {
		return nil
	}
	var d dateTimeTZ
	if json.Unmarshal(b.Start, &d) != nil {
		return nil
	}
	_, zone, err := wallClock(d, "start")
	if err != nil {
		return err
	}
	var w xmlWriter
	return writeRecurrence(&w, b.Recurrence, zone)
}

// updateOne serves a PATCH of an event or contact: UpdateItem with one
// SetItemField per property set and a DeleteItemField per property
// cleared, the change key from If-Match (a stale one is a failed
// precondition). An event's change goes to its attendees, as Graph sends
// it: to all of them, or when only the attendee list changed to those
// added or removed.
func updateOne(model string) handler {
	return func(c *call) (*http.Response, error) {
		s, err := c.schema(model)
		if err != nil {
			return nil, err
		}
		id, err := ewsID(c.ids[0])
		if err != nil {
			return nil, err
		}
		ck, err := changeKeyOf(c.r.IfMatch)
		if err != nil {
			return nil, err
		}
		el := "t:" + kindElem[model]
		changes, err := fieldChanges(c.r.Body, s, el, "t:SetItemField", "t:DeleteItemField")
		if err != nil {
			return nil, err
		}
		if len(changes) == 0 {
			return c.createdOf(model, s, http.StatusOK, []itemRef{{id: id}})
		}
		var how updateHow
		if model == "event" {
			how.meetings = "SendToAllAndSaveCopy"
			if names, _, err := members(c.r.Body); err == nil && len(names) == 1 && names[0] == "attendees" {
				how.meetings = "SendToChangedAndSaveCopy"
			}
		}
		ids, err := c.updateItemChanges(id, ck, how, changes)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			ids = []itemRef{{id: id}}
		}
		return c.createdOf(model, s, http.StatusOK, ids)
	}
}

// updateHow are UpdateItem's attributes of an item kind: a message's
// MessageDisposition, an event's SendMeetingInvitationsOrCancellations;
// "" leaves one out.
type updateHow struct{ disposition, meetings string }

// updateItemChanges sends an UpdateItem of one item. Without a change
// key, one the server insists on is fetched and the update sent once more.
func (c *call) updateItemChanges(id, ck string, how updateHow, changes [][]byte) ([]itemRef, error) {
	conditional := ck != ""
	update := func(ck string) ([]itemRef, error) {
		var ids []itemRef
		err := c.send(request{op: "UpdateItem", conditional: conditional, body: func(w *xmlWriter) {
			w.start("m:UpdateItem")
			if how.disposition != "" {
				w.attr("MessageDisposition", how.disposition)
			}
			if conditional {
				w.attr("ConflictResolution", "NeverOverwrite")
			} else {
				w.attr("ConflictResolution", "AlwaysOverwrite")
			}
			if how.meetings != "" {
				w.attr("SendMeetingInvitationsOrCancellations", how.meetings)
			}
			w.gt()
			w.open("m:ItemChanges")
			w.open("t:ItemChange")
			itemRef{id: id, changeKey: ck}.write(w, "t:ItemId")
			w.open("t:Updates")
			for _, ch := range changes {
				w.b = append(w.b, ch...)
			}
			w.close("t:Updates")
			w.close("t:ItemChange")
			w.close("m:ItemChanges")
			w.close("m:UpdateItem")
		}}, func(x *xmlReader, buf *[]byte) error {
			return readItemIDs(x, buf, "UpdateItem", conditional, &ids)
		})
		return ids, err
	}
	ids, err := update(ck)
	if oe, ok := errors.AsType[*odata.Error](err); !conditional && ok && changeKeyCodes[oe.Code] {
		// The server wants the current change key even to overwrite.
		if ck, err = c.currentChangeKey(id); err != nil {
			return nil, err
		}
		ids, err = update(ck)
	}
	return ids, err
}

// deleteOne serves a DELETE of an event or contact: to Deleted Items. An
// organizer's meeting sends its cancellations, as Graph's delete does.
func deleteOne(model string) handler {
	if model == "event" {
		return deleteItem("MoveToDeletedItems", "SendToAllAndSaveCopy")
	}
	return deleteItem("MoveToDeletedItems", "")
}
