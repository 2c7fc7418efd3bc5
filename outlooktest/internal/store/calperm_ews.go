package store

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/ids"
)

// A calendar's permissions as EWS writes them: the whole set at once
// (UpdateFolder of folder:PermissionSet), where Graph adds, changes and
// removes one entry at a time. Both change the same calendarPermissions
// entities, so a grant made through one protocol is seen through the
// other. Every method requires the lock.

// PermissionGrant is one entry of a permission set written whole: a
// recipient's address (bare; "" for the built-in My Organization entry),
// and its Graph role ("custom" for rights Graph's roles do not name).
type PermissionGrant struct {
	Address string
	Name    string
	Role    string
	// Access, for Role custom, is the role whose access the custom rights
	// give (CalendarRole answers it for the entry); none when empty.
	Access string
}

// customAccessKey keys the memo of a custom entry's access.
type customAccessKey struct{}

// customAccess is what a custom entry's rights let its recipient do, for
// the version of the entity it was set with.
type customAccess struct {
	seq  uint64
	role string
}

// accessOf returns the role whose access permission entry e gives: its
// role, or for a custom entry the access its rights were written with.
func accessOf(e *Entity) string {
	role, _ := e.obj["role"].(string)
	if role != "custom" {
		return role
	}
	if a, ok := e.Memo(customAccessKey{}).(customAccess); ok && a.seq == e.modSeq {
		return a.role
	}
	return RoleNone
}

// PermissionUser is a user of the organization's directory a permission
// can name.
type PermissionUser struct {
	Address, Name string
	// SID is the user's security identifier, for users of the mailbox's
	// own organization (its domain), "" for people outside it, who are in
	// the address book without an account of the organization.
	SID string
}

// PermissionUsers returns the users a permission of m's calendars can
// name: the mailboxes and the people of the address book.
func (m *Mailbox) PermissionUsers() []PermissionUser {
	var out []PermissionUser
	for _, e := range m.st.entries() {
		if e.Kind != "user" {
			continue
		}
		addr := str(e.Obj["mail"])
		u := PermissionUser{Address: addr, Name: str(e.Obj["displayName"])}
		if domainOf(addr) == domainOf(m.addr) {
			u.SID = userSID(addr)
		}
		out = append(out, u)
	}
	return out
}

// userSID makes a stable domain-user SID for an address: the domain's
// part from the domain, the relative id from the whole address.
func userSID(addr string) string {
	addr = strings.ToLower(addr)
	d := fnv64(domainOf(addr))
	return fmt.Sprintf("S-1-5-21-%d-%d-%d-%d", uint32(d), uint32(d>>32), uint32(d>>16)&0x7fffffff, 1000+fnv64(addr)%1000000)
}

// CalendarPermissions returns the permissions of the calendar cal, in the
// order they were made (My Organization first).
func (m *Mailbox) CalendarPermissions(cal string) []*Entity {
	return m.List("calendarPermissions", func(e *Entity) bool { return e.parent == cal })
}

// SetCalendarPermissions makes the permissions of calendar cal what want
// lists: an entry whose role is unchanged is left as it is (no write), one
// whose role differs is changed, recipients not listed are removed, new
// ones are added; My Organization stays (with role none when want omits
// it). It returns the entities of want, in its order. Graph's rules that
// depend on the recipient hold: no sharing with the owner, editing
// (write, or a delegate role) for people inside the organization only;
// "custom", which Graph cannot grant, is accepted for anyone.
func (m *Mailbox) SetCalendarPermissions(cal string, want []PermissionGrant) ([]*Entity, error) {
	current := m.CalendarPermissions(cal)
	byAddr := map[string]*Entity{}
	var org *Entity
	for _, e := range current {
		ea, _ := e.obj["emailAddress"].(map[string]any)
		a, _ := ea["address"].(string)
		if r, _ := e.obj["isRemovable"].(bool); !r && a == "" {
			org = e
			continue
		}
		byAddr[strings.ToLower(a)] = e
	}
	seen := map[string]bool{}
	for _, g := range want {
		k := strings.ToLower(g.Address)
		if seen[k] {
			return nil, badInput("ErrorDuplicateUserIdsSpecified", "The permission set names %s more than once.", g.Address)
		}
		seen[k] = true
		if k == "" {
			if g.Role != "custom" && !slices.Contains(orgRoles, any(g.Role)) {
				return nil, badInput("ErrorInvalidPermissionSettings", "The role '%s' is not allowed for My Organization.", g.Role)
			}
			continue
		}
		if strings.EqualFold(g.Address, m.addr) {
			return nil, badInput("ErrorInvalidPermissionSettings", "A calendar cannot be shared with its owner.")
		}
		allowed := outsideRoles
		if domainOf(g.Address) == domainOf(m.addr) {
			allowed = memberRoles
		}
		if g.Role != "custom" && !slices.Contains(allowed, any(g.Role)) {
			return nil, badInput("ErrorPermissionNotAllowedByPolicy", "The role '%s' is not allowed for %s.", g.Role, g.Address)
		}
	}
	out := make([]*Entity, len(want))
	if !seen[""] && org != nil && org.obj["role"] != "none" {
		m.Write(org, Object{"role": "none"})
	}
	for i, g := range want {
		k := strings.ToLower(g.Address)
		e := byAddr[k]
		if k == "" {
			e = org
		}
		if e == nil {
			e = m.addPermission(cal, g)
		} else if e.obj["role"] != g.Role {
			m.Write(e, Object{"role": g.Role})
		}
		if g.Role == "custom" {
			e.SetMemo(customAccessKey{}, customAccess{seq: e.modSeq, role: g.Access})
		}
		out[i] = e
	}
	for k, e := range byAddr {
		if !seen[k] {
			m.Purge(e)
		}
	}
	return out, nil
}

// addPermission adds a recipient's permission, filled as fillPermission
// fills one Graph adds.
func (m *Mailbox) addPermission(cal string, g PermissionGrant) *Entity {
	inside := domainOf(g.Address) == domainOf(m.addr)
	allowed := outsideRoles
	if inside {
		allowed = memberRoles
	}
	ea := Object{"address": g.Address}
	if g.Name != "" {
		ea["name"] = g.Name
	}
	e := &Entity{set: "calendarPermissions", id: ids.Item(), parent: cal}
	e.obj = Object{"id": e.id, "emailAddress": ea, "role": g.Role, "allowedRoles": slices.Clone(allowed),
		"isRemovable": true, "isInsideOrganization": inside}
	m.order++
	e.order = m.order
	m.ents["calendarPermissions"][e.id] = e
	m.stamp(e)
	e.createSeq = e.modSeq
	return e
}
