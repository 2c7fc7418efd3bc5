package ews

// Another user's calendar through folder permissions: a caller without
// FullAccess on a mailbox (open refuses it) may still reach a calendar
// folder of it that the owner shared, with the rights of the permission
// it holds there, as Exchange's folder permissions give a delegate
// (MS-OXWSMTGS CalendarPermissionReadAccessType: TimeOnly,
// TimeAndSubjectAndLocation, FullDetails). The roles are the store's (the
// Graph calendarRoleType names of the same entries): reading the folder
// and its items (FindItem, GetItem, GetFolder, GetAttachment) needs
// freeBusyRead at least and shows what the role shows; writing items
// (CreateItem, UpdateItem, DeleteItem, CreateAttachment,
// DeleteAttachment) needs write or a delegate role; a private item's
// details need delegateWithPrivateEventAccess. Any other operation on the
// shared folder, and any other folder of that mailbox, answers
// ErrorAccessDenied. Impersonation is unchanged: an impersonating account
// acts as the mailbox it impersonates.

import "github.com/exchangekit/outlook/outlooktest/internal/store"

// sharedReads and sharedWrites are the operations a calendar permission
// serves, by whether they read or write the folder's items.
var (
	sharedReads  = map[string]bool{"FindItem": true, "GetItem": true, "GetFolder": true, "GetAttachment": true}
	sharedWrites = map[string]bool{"CreateItem": true, "UpdateItem": true, "DeleteItem": true, "CreateAttachment": true, "DeleteAttachment": true}
)

// openCalendar is open for the calendar cal of mailbox addr ("" for its
// default calendar): when open refuses the mailbox, the caller's role on
// that calendar may let the operation in. item, when the operation needs
// an event's details (a write of it, its attachments), must be shown to
// the role whole.
func (c *call) openCalendar(addr, cal string, item *store.Entity) (*store.Mailbox, *respErr) {
	m, err := c.open(addr)
	if err != errAccessDenied {
		return m, err
	}
	m, _ = c.h.st.Lookup(addr) // open found it
	if cal == "" {
		cal = m.DefaultCalendar()
	}
	who := c.caller.Mailbox
	if c.self != "" && c.self != c.caller.Mailbox {
		who = c.self // impersonating: the impersonated user's rights count
	}
	role := store.RoleNone
	if who != "" {
		role = m.CalendarRole(cal, who)
	}
	switch {
	case !store.RoleReads(role),
		!sharedReads[c.op] && !sharedWrites[c.op],
		sharedWrites[c.op] && !store.RoleWrites(role),
		item != nil && !store.ShowsDetails(role, item.Object()):
		return nil, errAccessDenied
	}
	if c.calRoles == nil {
		c.calRoles = map[string]string{}
	}
	c.calRoles[cal] = role
	return m, nil
}

// openItem is open for the mailbox holding item e: an event of a shared
// calendar may be reached through the calendar's permission, its details
// when details is true (a write, an attachment).
func (c *call) openItem(m *store.Mailbox, e *store.Entity, details bool) *respErr {
	if e.Set() != "events" {
		_, err := c.open(m.Address())
		return err
	}
	var need *store.Entity
	if details || sharedWrites[c.op] {
		need = e
	}
	_, err := c.openCalendar(m.Address(), e.Parent(), need)
	return err
}

// calView returns the object of e as the caller sees it: projected by
// the role through which a shared calendar was opened, else e's own.
func (c *call) calView(e *store.Entity) Object {
	if role, ok := c.calRoles[e.Parent()]; ok && e.Set() == "events" {
		return store.ProjectEvent(e.Object(), role)
	}
	return e.Object()
}

// hidesDetails reports whether event e's details (its attachments) are
// hidden from the caller by the role it opened e's calendar with.
func (c *call) hidesDetails(e *store.Entity) bool {
	role, ok := c.calRoles[e.Parent()]
	return ok && e.Set() == "events" && !store.ShowsDetails(role, e.Object())
}
