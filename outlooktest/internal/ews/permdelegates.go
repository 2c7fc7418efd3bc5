package ews

// Delegates: AddDelegate, GetDelegate, UpdateDelegate and RemoveDelegate.
// A delegate of a mailbox is, for Graph, a permission of the default
// calendar with a delegate role (delegateWithoutPrivateEventAccess, or
// delegateWithPrivateEventAccess when the delegate sees private items),
// which Exchange shows as the calendar folder's Editor level; the fake
// keeps delegates that way, so either protocol sees the other's. It keeps
// the calendar's delegate rights only: a delegate whose Calendar level is
// not Editor (a delegate for the Inbox alone, say) is refused, and the
// other folders' levels are answered None.

import (
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// init registers the operations; this file's name sorts after ews.go,
// whose init makes the table.
func init() {
	operations["AddDelegate"] = (*call).addDelegate
	operations["GetDelegate"] = (*call).getDelegate
	operations["UpdateDelegate"] = (*call).updateDelegate
	operations["RemoveDelegate"] = (*call).removeDelegate
}

// delegateFolders are the DelegatePermissions children, in the schema's
// order.
var delegateFolders = []string{"CalendarFolderPermissionLevel", "TasksFolderPermissionLevel", "InboxFolderPermissionLevel",
	"ContactsFolderPermissionLevel", "NotesFolderPermissionLevel", "JournalFolderPermissionLevel"}

// delegateMailbox opens the mailbox a delegate operation names (its
// Mailbox element, which the schema requires).
func (c *call) delegateMailbox(op *elem) (*store.Mailbox, *respErr, *fault) {
	mb := op.m("Mailbox")
	if mb == nil || mb.t("EmailAddress").value() == "" {
		return nil, nil, schemaFault(op.line, op.col, "The element '"+c.op+"' has incomplete content. List of possible elements expected: 'Mailbox'.")
	}
	m, rerr := c.open(mb.t("EmailAddress").value())
	return m, rerr, nil
}

// isDelegate reports whether a calendar permission is a delegate's.
func isDelegate(e *store.Entity) bool {
	r, _ := e.Object()["role"].(string)
	return strings.HasPrefix(r, "delegate")
}

// delegateGrants returns the default calendar's permissions as grants, in
// their order, and the index of each by lower-cased address.
func delegateGrants(m *store.Mailbox) ([]store.PermissionGrant, map[string]int) {
	var gs []store.PermissionGrant
	idx := map[string]int{}
	for _, e := range m.CalendarPermissions(m.DefaultCalendar()) {
		ea, _ := e.Object()["emailAddress"].(map[string]any)
		a, _ := ea["address"].(string)
		n, _ := ea["name"].(string)
		r, _ := e.Object()["role"].(string)
		idx[strings.ToLower(a)] = len(gs)
		gs = append(gs, store.PermissionGrant{Address: a, Name: n, Role: r})
	}
	return gs, idx
}

// delegateUser resolves a UserId to a user of the directory inside the
// organization, as delegates must be.
func delegateUser(users []store.PermissionUser, id *elem) (*store.PermissionUser, *respErr) {
	if id == nil {
		return nil, errf("ErrorDelegateMissingConfiguration", "The delegate user needs a UserId.")
	}
	u := userOf(users, id.t("PrimarySmtpAddress").value(), id.t("SID").value())
	if u == nil || u.SID == "" {
		return nil, errf("ErrorDelegateNoUser", "The delegate does not map to a user in the Active Directory.")
	}
	return u, nil
}

// delegateRole reads a DelegateUser's calendar rights as a Graph role;
// current is the role it has, "" for none.
func delegateRole(du *elem, current string) (string, *respErr) {
	level := "Editor" // what an update that leaves the calendar's level keeps
	if dp := du.t("DelegatePermissions"); dp != nil && dp.t("CalendarFolderPermissionLevel") != nil {
		level = dp.t("CalendarFolderPermissionLevel").value()
	} else if current == "" {
		level = "None" // a new delegate's default for a folder not named
	}
	if level != "Editor" {
		return "", errf("ErrorInvalidDelegatePermission", "outlooktest: delegates are kept with the calendar's Editor level only, not "+level+".")
	}
	private := current == "delegateWithPrivateEventAccess"
	if v := du.t("ViewPrivateItems"); v != nil {
		b, err := parseBool(v.value())
		if err != nil {
			return "", errf("ErrorInvalidValueForProperty", err.Error())
		}
		private = b
	}
	if private {
		return "delegateWithPrivateEventAccess", nil
	}
	return "delegateWithoutPrivateEventAccess", nil
}

// writeDelegate writes one DelegateUser.
func writeDelegate(w *writer, users []store.PermissionUser, e *store.Entity, perms bool) {
	ea, _ := e.Object()["emailAddress"].(map[string]any)
	a, _ := ea["address"].(string)
	name, _ := ea["name"].(string)
	w.open("m:DelegateUser")
	w.open("t:UserId")
	if u := userOf(users, a, ""); u != nil {
		w.leaf("t:SID", u.SID)
		if u.Name != "" {
			name = u.Name
		}
	}
	w.leaf("t:PrimarySmtpAddress", a)
	w.leaf("t:DisplayName", firstOf(name, a))
	w.close("t:UserId")
	if perms {
		w.open("t:DelegatePermissions")
		for i, f := range delegateFolders {
			l := "None"
			if i == 0 {
				l = "Editor"
			}
			w.leaf("t:"+f, l)
		}
		w.close("t:DelegatePermissions")
	}
	w.leaf("t:ReceiveCopiesOfMeetingMessages", "false")
	w.leaf("t:ViewPrivateItems", boolText(e.Object()["role"] == "delegateWithPrivateEventAccess"))
	w.close("m:DelegateUser")
}

// delegateResults writes the per-user response messages of a delegate
// operation.
func delegateResults(w *writer, results []result) {
	w.open("m:ResponseMessages")
	for _, r := range results {
		if r.err != nil {
			w.open("m:DelegateUserResponseMessageType", "ResponseClass", "Error")
			w.leaf("m:MessageText", r.err.text)
			w.leaf("m:ResponseCode", r.err.code)
			w.leaf("m:DescriptiveLinkKey", "0")
		} else {
			w.open("m:DelegateUserResponseMessageType", "ResponseClass", "Success")
			w.leaf("m:ResponseCode", "NoError")
			if r.write != nil {
				r.write(w)
			}
		}
		w.close("m:DelegateUserResponseMessageType")
	}
	w.close("m:ResponseMessages")
}

// getDelegate serves GetDelegate: every delegate, or those UserIds names.
func (c *call) getDelegate(op *elem, w *writer) *fault {
	m, rerr, f := c.delegateMailbox(op)
	if f != nil {
		return f
	}
	perms := op.attrOr("IncludePermissions", "false") == "true"
	c.writeRuleResponse(w, rerr, func(w *writer) {
		if rerr != nil {
			return
		}
		users := m.PermissionUsers()
		var results []result
		for _, e := range m.CalendarPermissions(m.DefaultCalendar()) {
			if !isDelegate(e) {
				continue
			}
			if ids := op.m("UserIds"); ids != nil {
				ea, _ := e.Object()["emailAddress"].(map[string]any)
				a, _ := ea["address"].(string)
				named := false
				for _, id := range ids.kids {
					u := userOf(users, id.t("PrimarySmtpAddress").value(), id.t("SID").value())
					named = named || u != nil && strings.EqualFold(u.Address, a)
				}
				if !named {
					continue
				}
			}
			results = append(results, result{write: func(w *writer) { writeDelegate(w, users, e, perms) }})
		}
		if len(results) > 0 {
			delegateResults(w, results)
		}
		w.leaf("m:DeliverMeetingRequests", "DelegatesAndSendInformationToMe")
	})
	return nil
}

// addDelegate serves AddDelegate, updateDelegate UpdateDelegate: each
// DelegateUser becomes (or must already be) a delegate.
func (c *call) addDelegate(op *elem, w *writer) *fault { return c.setDelegates(op, w, false) }

func (c *call) updateDelegate(op *elem, w *writer) *fault { return c.setDelegates(op, w, true) }

func (c *call) setDelegates(op *elem, w *writer, update bool) *fault {
	m, rerr, f := c.delegateMailbox(op)
	if f != nil {
		return f
	}
	list := op.m("DelegateUsers")
	if rerr == nil && (list == nil || len(list.kids) == 0) && !update {
		return schemaFault(op.line, op.col, "The element 'AddDelegate' has incomplete content. List of possible elements expected: 'DelegateUsers'.")
	}
	c.writeRuleResponse(w, rerr, func(w *writer) {
		if rerr != nil || list == nil {
			return
		}
		users := m.PermissionUsers()
		var results []result
		for _, du := range list.kids {
			u, err := delegateUser(users, du.t("UserId"))
			if err == nil && strings.EqualFold(u.Address, m.Address()) {
				err = errf("ErrorDelegateCannotAddOwner", "The owner of the mailbox cannot be added as its delegate.")
			}
			if err != nil {
				results = append(results, result{err: err})
				continue
			}
			gs, idx := delegateGrants(m)
			i, has := idx[strings.ToLower(u.Address)]
			current := ""
			if has && strings.HasPrefix(gs[i].Role, "delegate") {
				current = gs[i].Role
			}
			switch {
			case update && current == "":
				results = append(results, result{err: errf("ErrorNotDelegate", "The user is not a delegate for the mailbox.")})
				continue
			case !update && current != "":
				results = append(results, result{err: errf("ErrorDelegateAlreadyExists", "The user is already a delegate for the mailbox.")})
				continue
			}
			role, err := delegateRole(du, current)
			if err != nil {
				results = append(results, result{err: err})
				continue
			}
			if has {
				gs[i].Role = role
			} else {
				gs = append(gs, store.PermissionGrant{Address: u.Address, Name: u.Name, Role: role})
			}
			ents, serr := m.SetCalendarPermissions(m.DefaultCalendar(), gs)
			if serr != nil {
				results = append(results, result{err: inputErr(serr)})
				continue
			}
			e := ents[len(ents)-1]
			if has {
				e = ents[i]
			}
			results = append(results, result{write: func(w *writer) { writeDelegate(w, users, e, false) }})
		}
		delegateResults(w, results)
	})
	return nil
}

// removeDelegate serves RemoveDelegate: the delegate's calendar permission
// goes with it.
func (c *call) removeDelegate(op *elem, w *writer) *fault {
	m, rerr, f := c.delegateMailbox(op)
	if f != nil {
		return f
	}
	list := op.m("UserIds")
	if rerr == nil && (list == nil || len(list.kids) == 0) {
		return schemaFault(op.line, op.col, "The element 'RemoveDelegate' has incomplete content. List of possible elements expected: 'UserIds'.")
	}
	c.writeRuleResponse(w, rerr, func(w *writer) {
		if rerr != nil {
			return
		}
		users := m.PermissionUsers()
		var results []result
		for _, id := range list.kids {
			u := userOf(users, id.t("PrimarySmtpAddress").value(), id.t("SID").value())
			gs, idx := delegateGrants(m)
			i, has := 0, false
			if u != nil {
				i, has = idx[strings.ToLower(u.Address)]
			}
			if !has || !strings.HasPrefix(gs[i].Role, "delegate") {
				results = append(results, result{err: errf("ErrorNotDelegate", "The user is not a delegate for the mailbox.")})
				continue
			}
			if _, err := m.SetCalendarPermissions(m.DefaultCalendar(), append(gs[:i:i], gs[i+1:]...)); err != nil {
				results = append(results, result{err: inputErr(err)})
				continue
			}
			results = append(results, result{})
		}
		delegateResults(w, results)
	})
	return nil
}
