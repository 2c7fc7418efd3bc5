package rest

// Another user's mailbox: a delegated caller whose token names a user
// other than the mailbox's (Megan reading /users/alex@contoso.com/...)
// gets in wholly with a FullAccess grant (Add-MailboxPermission; Graph
// serves such a shared mailbox to the .Shared scopes), and otherwise
// reaches one thing: a calendar the owner shared with the caller, through
// the role of the caller's calendarPermission on it, as Graph documents
// for share recipients and delegates ("Get shared or delegated Outlook
// calendar and its events": the owner's /calendar, /calendar/events and
// the events by id). Everything else of that mailbox answers 403
// ErrorAccessDenied, the answer Graph gives a caller without rights.
//
// The fake does not check scopes (no host does): a token of either
// dialect opens what the directory and the permissions allow.

import (
	"net/http"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// errAccessDenied is Graph's and Exchange's answer to a request the
// caller has no rights for.
func errAccessDenied() *apiError {
	return errorf(http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
}

// guestGate refuses a guest (a caller in another user's mailbox without
// FullAccess) any path but the calendar ones, before they are resolved.
// The user itself (GET /users/{id}) is directory data, not the mailbox's.
func (c *call) guestGate(rest []seg) *apiError {
	if c.guest == "" || len(rest) == 0 {
		return nil
	}
	switch strings.ToLower(rest[0].name) {
	case "events", "calendar", "calendars", "calendarview":
		return nil
	}
	return errAccessDenied()
}

// guestAccess checks what a resolved path of a guest asks against the
// guest's role on the calendar it is in, and remembers the role for
// rendering (guestRole). Reads need at least freeBusyRead, writes (create,
// update, delete, respond, attachments) write or a delegate role; a
// private event's details and attachments need
// delegateWithPrivateEventAccess. Calendar permissions are the owner's to
// manage: a guest's list is empty (as Graph documents for share recipients
// and delegates) and anything else of them is refused.
func (c *call) guestAccess(t *target) *apiError {
	if c.guest == "" {
		return nil
	}
	write := c.r.Method != http.MethodGet
	var cal string
	var event *store.Entity // the event whose details the path needs whole
	switch {
	case t.set == "calendarPermissions":
		if write || t.ent != nil || t.fn != "" || !store.RoleReads(c.m.CalendarRole(t.parent.ID(), c.guest)) {
			return errAccessDenied()
		}
		t.scope = func(*store.Entity) bool { return false }
		return nil
	case t.set == "calendars" && t.ent != nil && t.fn == "":
		if write { // only the owner renames, recolours or deletes a calendar
			return errAccessDenied()
		}
		cal = t.ent.ID()
	case t.set == "events" && t.view != nil: // a calendar view, or a series' instances
		cal = t.view.Calendar
	case t.set == "events" && t.ent != nil:
		cal = t.ent.Parent()
		if write {
			event = t.ent
		}
	case t.set == "events" && t.post != "":
		cal = t.post
	case t.set == "attachments" && t.parent != nil && t.parent.Set() == "events":
		cal, event = t.parent.Parent(), t.parent
	default:
		return errAccessDenied()
	}
	role := c.m.CalendarRole(cal, c.guest)
	switch {
	case !store.RoleReads(role),
		write && !store.RoleWrites(role),
		event != nil && !store.ShowsDetails(role, event.Object()):
		return errAccessDenied()
	}
	c.guestRole = role
	return nil
}

// guestView returns o (a Graph-form entity of set, owned by the caller
// or shared with the store) as the guest's role shows it.
func (c *call) guestView(set string, o Object) Object {
	switch {
	case c.guestRole == "":
		return o
	case set == "events":
		return store.ProjectEvent(o, c.guestRole)
	case set == "calendars":
		return store.ProjectCalendar(o, c.guestRole)
	}
	return o
}
