package store

import (
	"fmt"
	"maps"
	"strings"
)

// Calendar access of other users: the role a user has on a calendar of a
// mailbox through its calendar permissions (Graph calendarPermission;
// EWS folder permissions are the same entries), what each role lets that
// user do, and what an event looks like through it.
//
// The roles and what they show rest on Graph's calendarRoleType: freeBusyRead
// sees free/busy status; limitedRead also the titles and locations of the
// events; read all the details except for the owner's private events;
// write the same and may edit events; delegateWithoutPrivateEventAccess
// writes and cannot see private events; delegateWithPrivateEventAccess
// writes and sees private events. Which properties make up "free/busy
// status" is not documented: the fake keeps an event's identity, times,
// recurrence and showAs (what Outlook draws for such a share), which is a
// judgement.

// Role names of calendarRoleType, for the checks below.
const (
	RoleNone                = "none"
	RoleFreeBusyRead        = "freeBusyRead"
	RoleLimitedRead         = "limitedRead"
	RoleRead                = "read"
	RoleWrite               = "write"
	RoleDelegateNoPrivate   = "delegateWithoutPrivateEventAccess"
	RoleDelegateWithPrivate = "delegateWithPrivateEventAccess"
)

// roleRank orders the roles by what they let their holder see and do.
var roleRank = map[string]int{
	RoleNone: 0, RoleFreeBusyRead: 1, RoleLimitedRead: 2, RoleRead: 3, RoleWrite: 4,
	RoleDelegateNoPrivate: 5, RoleDelegateWithPrivate: 6,
}

// RoleReads reports whether role opens the calendar's events at all (at
// least freeBusyRead).
func RoleReads(role string) bool { return roleRank[role] >= roleRank[RoleFreeBusyRead] }

// RoleWrites reports whether role may create, change, delete and respond
// to the calendar's events: write or a delegate role.
func RoleWrites(role string) bool { return roleRank[role] >= roleRank[RoleWrite] }

// RoleSeesPrivate reports whether role sees the details of the owner's
// private events: delegateWithPrivateEventAccess only.
func RoleSeesPrivate(role string) bool { return role == RoleDelegateWithPrivate }

// CalendarRole returns the role user (an SMTP address) has on calendar cal
// of m: that of a permission naming user (for a custom entry, the access
// its rights give: PermissionGrant.Access), else that of the built-in "My
// Organization" entry for a user of the mailbox's domain, else none. The
// owner has no role here: callers let the owner in before asking.
//
// The "My Organization" entry counts only above freeBusyRead. At
// freeBusyRead, its default, it is Exchange's Default folder permission
// AvailabilityOnly, which serves free/busy through getSchedule and
// GetUserAvailability and does not open the folder: a colleague's calendar
// answers ErrorAccessDenied until it is shared (a judgement from how
// Exchange Online behaves; Graph documents no rule).
func (m *Mailbox) CalendarRole(cal, user string) string {
	if m.ents["calendars"][cal] == nil {
		return RoleNone
	}
	org := RoleNone
	for _, p := range m.ents["calendarPermissions"] {
		if p.parent != cal {
			continue
		}
		role := accessOf(p)
		ea, _ := p.obj["emailAddress"].(map[string]any)
		addr, _ := ea["address"].(string)
		switch {
		case addr != "" && strings.EqualFold(addr, user):
			return role
		case addr == "" && domainOf(user) == domainOf(m.addr) && roleRank[role] > roleRank[RoleFreeBusyRead]:
			org = role
		}
	}
	return org
}

// ShareCalendar gives user (an SMTP address) role on calendar cal of m,
// as the owner's POST or PATCH of a calendarPermission does: a new
// recipient gets a permission entry, one already there a new role, each
// checked as Graph checks them.
func (m *Mailbox) ShareCalendar(cal, user, role string) error {
	if m.ents["calendars"][cal] == nil {
		return fmt.Errorf("no calendar %q in %s", cal, m.addr)
	}
	if _, ok := roleRank[role]; !ok {
		return fmt.Errorf("unknown calendar role %q", role)
	}
	for _, p := range m.ents["calendarPermissions"] {
		ea, _ := p.obj["emailAddress"].(map[string]any)
		if addr, _ := ea["address"].(string); p.parent == cal && strings.EqualFold(addr, user) {
			return m.Update(p, Object{"role": role})
		}
	}
	_, err := m.Create("calendarPermissions", cal, Object{
		"emailAddress": Object{"address": user, "name": user},
		"role":         role,
	}, true)
	return err
}

// eventTimes are what freeBusyRead shows of an event: what makes it a
// block of time on the owner's calendar.
var eventTimes = []string{
	"id", "@odata.etag", "@odata.type", "changeKey", "createdDateTime", "lastModifiedDateTime",
	"start", "end", "originalStart", "originalStartTimeZone", "originalEndTimeZone",
	"isAllDay", "showAs", "type", "seriesMasterId", "recurrence", "isCancelled", "sensitivity",
}

// eventTitles are what limitedRead adds: titles and locations.
var eventTitles = []string{"subject", "location", "locations"}

// ShowsDetails reports whether role sees all of event o (Graph form):
// read and up for an event that is not private, delegateWithPrivateEventAccess
// for a private one.
func ShowsDetails(role string, o Object) bool {
	if o["sensitivity"] == "private" {
		return RoleSeesPrivate(role)
	}
	return roleRank[role] >= roleRank[RoleRead]
}

// ProjectEvent returns event o (Graph form) as role shows it: o itself
// when role sees it all, else a new object with the properties the role
// shows. A private event seen by a role that may not see private events
// shows its times alone, whatever the role (Outlook draws it as a
// private appointment; Graph documents only that its information is not
// seen).
func ProjectEvent(o Object, role string) Object {
	if ShowsDetails(role, o) {
		return o
	}
	out := make(Object, len(eventTimes)+len(eventTitles))
	keep := func(names []string) {
		for _, k := range names {
			if v, ok := o[k]; ok {
				out[k] = v
			}
		}
	}
	keep(eventTimes)
	if o["sensitivity"] != "private" && roleRank[role] >= roleRank[RoleLimitedRead] {
		keep(eventTitles)
	}
	return out
}

// ProjectCalendar returns calendar o (Graph form) as a user with role sees
// it: canEdit, canShare and canViewPrivateItems say what that user may
// do, as Graph's calendar resource defines them (only the owner shares).
func ProjectCalendar(o Object, role string) Object {
	out := maps.Clone(o)
	out["canEdit"] = RoleWrites(role)
	out["canShare"] = false
	out["canViewPrivateItems"] = RoleSeesPrivate(role)
	return out
}
