package store

import (
	"slices"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/ids"
)

// Calendar permissions (Graph calendarPermission), children of their
// calendar. Every calendar has the built-in "My Organization" entry, which
// sets what people in the organization see and cannot be removed (Graph
// documents it with no address); the rest are recipients added by POST, of
// which only the role changes afterwards.

// orgRoles are the roles "My Organization" may have: delegation is for
// mailboxes of the organization only.
var orgRoles = []any{"none", "freeBusyRead", "limitedRead", "read", "write"}

// outsideRoles are the roles of a recipient outside the organization: no
// editing, as Outlook's sharing offers them (this rests on Outlook's
// behaviour, not on a Graph document).
var outsideRoles = []any{"none", "freeBusyRead", "limitedRead", "read"}

// memberRoles are the roles a recipient inside the organization may have.
var memberRoles = []any{"none", "freeBusyRead", "limitedRead", "read", "write",
	"delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess"}

// addBuiltinPermissions gives a new calendar its "My Organization" entry,
// free/busy only as Exchange Online's default sharing policy has it.
func (m *Mailbox) addBuiltinPermissions(cal string) {
	e := &Entity{set: "calendarPermissions", id: ids.Item(), parent: cal}
	e.obj = Object{"id": e.id, "emailAddress": Object{"name": "My Organization"}, "role": "freeBusyRead",
		"allowedRoles": slices.Clone(orgRoles), "isRemovable": false, "isInsideOrganization": true}
	m.order++
	e.order = m.order
	m.ents["calendarPermissions"][e.id] = e
	m.stamp(e)
}

// fillPermission checks a new recipient and sets what the server decides:
// whether it is inside the organization, the roles it may have, and that
// it is removable. A role outside its allowed roles is refused as Graph
// refuses it.
func (m *Mailbox) fillPermission(cal string, obj Object) error {
	ea, _ := obj["emailAddress"].(map[string]any)
	addr, _ := ea["address"].(string)
	if !strings.Contains(addr, "@") {
		return badInput("ErrorInvalidRequest", "A calendar permission needs emailAddress with an SMTP address.")
	}
	for _, p := range m.ents["calendarPermissions"] {
		pa, _ := p.obj["emailAddress"].(map[string]any)
		if a, _ := pa["address"].(string); p.parent == cal && strings.EqualFold(a, addr) {
			return badInput("ErrorInvalidRequest", "The calendar is already shared with %s.", addr)
		}
	}
	if strings.EqualFold(addr, m.addr) {
		return badInput("ErrorInvalidRequest", "A calendar cannot be shared with its owner.")
	}
	inside := domainOf(addr) == domainOf(m.addr)
	allowed := outsideRoles
	if inside {
		allowed = memberRoles
	}
	obj["isInsideOrganization"], obj["isRemovable"], obj["allowedRoles"] = inside, true, slices.Clone(allowed)
	if _, ok := obj["role"]; !ok {
		obj["role"] = "read"
	}
	return checkAllowedRole(obj, obj["role"])
}

// checkAllowedRole refuses a role not among a permission's allowedRoles.
func checkAllowedRole(perm Object, role any) error {
	allowed, _ := perm["allowedRoles"].([]any)
	if !slices.Contains(allowed, role) {
		return badInput("ErrorInvalidRequest", "The role '%v' is not allowed for this calendar permission.", role)
	}
	return nil
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return strings.ToLower(d)
}

// CheckRemovable refuses to delete a built-in calendar permission, as Graph
// does; other entities are removable here.
func CheckRemovable(e *Entity) error {
	if r, ok := e.obj["isRemovable"].(bool); e.set == "calendarPermissions" && ok && !r {
		return badInput("ErrorInvalidRequest", "This calendar permission cannot be removed; set its role to none instead.")
	}
	return nil
}
