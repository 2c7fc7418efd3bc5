package ews

// Calendar permissions: a calendar folder's PermissionSet, which GetFolder
// shows as a CalendarPermissionSet and UpdateFolder (SetFolderField
// folder:PermissionSet) replaces whole. The entries are the store's
// calendarPermissions, which the Graph hosts serve one by one, so a grant
// made through either protocol shows through the other: the built-in My
// Organization entry is the distinguished user Default, each recipient a
// user of the directory (with a SID when it is of the mailbox's
// organization). Graph knows five roles where EWS has twelve levels: an
// entry at a level Graph does not name is stored with role custom, which
// Graph shows, and its level and rights are kept beside the entity (a
// memo, so they never reach a Graph answer) for EWS to show them again.
// Anonymous, which Graph does not list, is kept beside the calendar.

import (
	"slices"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// permFlags are a CalendarPermission's individual rights, in the schema's
// order (BasePermissionType, then ReadItems).
var permFlags = []string{"CanCreateItems", "CanCreateSubFolders", "IsFolderOwner", "IsFolderVisible",
	"IsFolderContact", "EditItems", "DeleteItems", "ReadItems"}

// permRights are the values of permFlags.
type permRights [8]string

// permLevels are the rights each CalendarPermissionLevel stands for, as
// Exchange reports them (Outlook's permission levels; the free/busy ones
// are of calendar folders only).
var permLevels = map[string]permRights{
	"None":                              {"false", "false", "false", "false", "false", "None", "None", "None"},
	"Owner":                             {"true", "true", "true", "true", "true", "All", "All", "FullDetails"},
	"PublishingEditor":                  {"true", "true", "false", "true", "false", "All", "All", "FullDetails"},
	"Editor":                            {"true", "false", "false", "true", "false", "All", "All", "FullDetails"},
	"PublishingAuthor":                  {"true", "true", "false", "true", "false", "Owned", "Owned", "FullDetails"},
	"Author":                            {"true", "false", "false", "true", "false", "Owned", "Owned", "FullDetails"},
	"NoneditingAuthor":                  {"true", "false", "false", "true", "false", "None", "Owned", "FullDetails"},
	"Reviewer":                          {"false", "false", "false", "true", "false", "None", "None", "FullDetails"},
	"Contributor":                       {"true", "false", "false", "true", "false", "None", "None", "None"},
	"FreeBusyTimeOnly":                  {"false", "false", "false", "false", "false", "None", "None", "TimeOnly"},
	"FreeBusyTimeAndSubjectAndLocation": {"false", "false", "false", "false", "false", "None", "None", "TimeAndSubjectAndLocation"},
}

// levelOrder lists the levels in CalendarPermissionLevelType's order, for
// a deterministic match of custom rights to a level.
var levelOrder = []string{"None", "Owner", "PublishingEditor", "Editor", "PublishingAuthor", "Author",
	"NoneditingAuthor", "Reviewer", "Contributor", "FreeBusyTimeOnly", "FreeBusyTimeAndSubjectAndLocation"}

// roleLevels are the levels of Graph's roles; a delegate has Editor on the
// calendar, as Exchange gives delegates.
var roleLevels = map[string]string{
	"none": "None", "freeBusyRead": "FreeBusyTimeOnly", "limitedRead": "FreeBusyTimeAndSubjectAndLocation",
	"read": "Reviewer", "write": "Editor",
	"delegateWithoutPrivateEventAccess": "Editor", "delegateWithPrivateEventAccess": "Editor",
}

// levelRole returns the Graph role of a level: custom for the levels
// Graph does not name.
func levelRole(level string) string {
	switch level {
	case "None":
		return "none"
	case "FreeBusyTimeOnly":
		return "freeBusyRead"
	case "FreeBusyTimeAndSubjectAndLocation":
		return "limitedRead"
	case "Reviewer":
		return "read"
	case "Editor":
		return "write"
	}
	return "custom"
}

// rightsAccess returns the role whose access a custom entry's rights
// give, for the rights checks of a shared calendar: what ReadItems shows,
// raised to write when the rights also create and edit every item.
// Rights between the roles (Author's, editing one's own items) count as
// the role below them: the fake refuses what it cannot tell is allowed.
func rightsAccess(r permRights) string {
	role := map[string]string{"TimeOnly": "freeBusyRead", "TimeAndSubjectAndLocation": "limitedRead", "FullDetails": "read"}[r[7]]
	switch {
	case role == "":
		return "none"
	case role == "read" && r[0] == "true" && r[5] == "All":
		return "write"
	}
	return role
}

// customPerm is the memo of an entry stored with role custom: its level
// and rights, for the version of the entity it was made from.
type customPerm struct {
	seq    uint64
	level  string
	rights permRights
}

// customPermKey keys customPerm memos; anonymousKey keys a calendar's
// Anonymous entry (a customPerm whose seq is not used).
type (
	customPermKey struct{}
	anonymousKey  struct{}
)

// permLevelOf returns the level and rights EWS shows for a stored entry.
func permLevelOf(e *store.Entity) (string, permRights) {
	role, _ := e.Object()["role"].(string)
	if l, ok := roleLevels[role]; ok {
		return l, permLevels[l]
	}
	if m, ok := e.Memo(customPermKey{}).(customPerm); ok && m.seq == e.ModSeq() {
		return m.level, m.rights
	}
	return "Custom", permLevels["None"]
}

// anonymousOf returns the Anonymous entry of a calendar: None unless
// UpdateFolder set it.
func anonymousOf(cal *store.Entity) (string, permRights) {
	if m, ok := cal.Memo(anonymousKey{}).(customPerm); ok {
		return m.level, m.rights
	}
	return "None", permLevels["None"]
}

// writeCalendarPermissionSet writes a calendar's CalendarPermissionSet:
// Default, Anonymous, then the recipients in the order they were added.
func writeCalendarPermissionSet(f *folder, w *writer) {
	users := f.m.PermissionUsers()
	w.open("t:PermissionSet")
	w.open("t:CalendarPermissions")
	perms := f.m.CalendarPermissions(f.e.ID())
	for i, e := range perms {
		ea, _ := e.Object()["emailAddress"].(map[string]any)
		addr, _ := ea["address"].(string)
		level, rights := permLevelOf(e)
		w.open("t:CalendarPermission")
		w.open("t:UserId")
		if addr == "" {
			w.leaf("t:DistinguishedUser", "Default")
		} else {
			name, _ := ea["name"].(string)
			if u := userOf(users, addr, ""); u != nil {
				if u.SID != "" {
					w.leaf("t:SID", u.SID)
				}
				if u.Name != "" {
					name = u.Name
				}
			}
			if name == "" {
				name = addr
			}
			w.leaf("t:PrimarySmtpAddress", addr)
			w.leaf("t:DisplayName", name)
		}
		w.close("t:UserId")
		writeRights(w, level, rights)
		w.close("t:CalendarPermission")
		if i == 0 {
			// Anonymous follows Default, as Exchange lists them.
			level, rights := anonymousOf(f.e)
			w.open("t:CalendarPermission")
			w.open("t:UserId")
			w.leaf("t:DistinguishedUser", "Anonymous")
			w.close("t:UserId")
			writeRights(w, level, rights)
			w.close("t:CalendarPermission")
		}
	}
	w.close("t:CalendarPermissions")
	w.close("t:PermissionSet")
}

func writeRights(w *writer, level string, rights permRights) {
	for i, n := range permFlags {
		w.leaf("t:"+n, rights[i])
	}
	w.leaf("t:CalendarPermissionLevel", level)
}

// userOf finds the directory user a permission names by address or SID.
func userOf(users []store.PermissionUser, addr, sid string) *store.PermissionUser {
	for i := range users {
		if addr != "" && strings.EqualFold(users[i].Address, addr) || sid != "" && users[i].SID == sid {
			return &users[i]
		}
	}
	return nil
}

// setsCalendarPermissions reports whether a FolderChange sets the folder's
// permission set and nothing else.
func setsCalendarPermissions(ch *elem) bool {
	u := ch.t("Updates")
	if u == nil || len(u.kids) != 1 {
		return false
	}
	s := u.kids[0]
	return s.is(nsTypes, "SetFolderField") && len(s.kids) == 2 && s.kids[0].is(nsTypes, "FieldURI") &&
		s.kids[0].attrOr("FieldURI", "") == "folder:PermissionSet"
}

// permIn is one CalendarPermission of a request.
type permIn struct {
	sid, smtp, distinguished, external string
	hasUser                            bool
	rights                             permRights // "" where the request gives none
	level                              string
}

// permOrder is the position of each child of a CalendarPermission.
var permOrder = func() map[string]int {
	m := map[string]int{"UserId": 0, "CalendarPermissionLevel": len(permFlags) + 1}
	for i, f := range permFlags {
		m[f] = i + 1
	}
	return m
}()

// userIDOrder is the position of each child of a UserId.
var userIDOrder = map[string]int{"SID": 0, "PrimarySmtpAddress": 1, "DisplayName": 2, "DistinguishedUser": 3, "ExternalUserIdentity": 4}

// rightValues are the values each right may take.
var rightValues = func() [8][]string {
	var v [8][]string
	for i := range 5 {
		v[i] = []string{"true", "false"}
	}
	v[5] = []string{"None", "Owned", "All"}
	v[6] = v[5]
	v[7] = []string{"None", "TimeOnly", "TimeAndSubjectAndLocation", "FullDetails"}
	return v
}()

// parsePermission reads one CalendarPermission, checking it against the
// schema.
func parsePermission(k *elem) (permIn, *fault) {
	var p permIn
	last := -1
	for _, c := range k.kids {
		i, ok := permOrder[c.local]
		if c.space != nsTypes || !ok || i <= last {
			return p, schemaFault(c.line, c.col, "The element 'CalendarPermission' in namespace '"+nsTypes+"' has invalid child element '"+c.local+"'.")
		}
		last = i
		switch {
		case c.local == "UserId":
			p.hasUser = true
			ulast := -1
			for _, u := range c.kids {
				j, ok := userIDOrder[u.local]
				if u.space != nsTypes || !ok || j <= ulast {
					return p, schemaFault(u.line, u.col, "The element 'UserId' in namespace '"+nsTypes+"' has invalid child element '"+u.local+"'.")
				}
				ulast = j
				switch u.local {
				case "SID":
					p.sid = u.value()
				case "PrimarySmtpAddress":
					p.smtp = u.value()
				case "DistinguishedUser":
					p.distinguished = u.value()
					if p.distinguished != "Default" && p.distinguished != "Anonymous" {
						return p, schemaFault(u.line, u.col, "The 'DistinguishedUser' element is invalid - The value '"+p.distinguished+"' is invalid according to its datatype.")
					}
				case "ExternalUserIdentity":
					p.external = u.value()
				}
			}
		case c.local == "CalendarPermissionLevel":
			p.level = c.value()
			if _, ok := permLevels[p.level]; !ok && p.level != "Custom" {
				return p, schemaFault(c.line, c.col, "The 'CalendarPermissionLevel' element is invalid - The value '"+p.level+"' is invalid according to its datatype.")
			}
		default:
			v := c.value()
			if i <= 5 {
				b, err := parseBool(v)
				if err != nil {
					return p, schemaFault(c.line, c.col, "The '"+c.local+"' element is invalid - "+err.Error())
				}
				v = boolText(b)
			}
			if !slices.Contains(rightValues[i-1], v) {
				return p, schemaFault(c.line, c.col, "The '"+c.local+"' element is invalid - The value '"+v+"' is invalid according to its datatype.")
			}
			p.rights[i-1] = v
		}
	}
	if !p.hasUser || p.level == "" {
		return p, schemaFault(k.line, k.col, "The element 'CalendarPermission' in namespace '"+nsTypes+"' has incomplete content. List of possible elements expected: 'UserId' and 'CalendarPermissionLevel'.")
	}
	return p, nil
}

// settle checks a permission's rights against its level and returns the
// level and full rights it stands for: a level other than Custom takes no
// rights that differ from its own; Custom rights that match a level are
// that level, as Exchange reports them.
func (p *permIn) settle() (string, permRights, *respErr) {
	if p.level != "Custom" {
		want := permLevels[p.level]
		for i, v := range p.rights {
			if v != "" && v != want[i] {
				return "", permRights{}, errf("ErrorInvalidPermissionSettings",
					"The permission level "+p.level+" cannot be combined with "+permFlags[i]+" "+v+"; use the level Custom to set individual rights.")
			}
		}
		return p.level, want, nil
	}
	rights := p.rights
	for i, v := range rights {
		if v == "" {
			rights[i] = permLevels["None"][i]
		}
	}
	for _, l := range levelOrder {
		if permLevels[l] == rights {
			return l, rights, nil
		}
	}
	return "Custom", rights, nil
}

// maxPermissionSet bounds the entries of a permission set a request may
// write.
const maxPermissionSet = 1000

// updateCalendarPermissions serves a FolderChange of a calendar that sets
// its permission set (setsCalendarPermissions).
func (c *call) updateCalendarPermissions(ch *elem, fo *folder) (result, *fault) {
	// Only the owner, or who has full access to the mailbox, changes who
	// may see it: rights on the calendar alone do not.
	if _, rerr := c.open(fo.m.Address()); rerr != nil {
		return result{err: errAccessDenied}, nil
	}
	holder := ch.t("Updates").kids[0].kids[1]
	if holder.space != nsTypes || holder.local != "CalendarFolder" && holder.local != "Folder" || len(holder.kids) != 1 || !holder.kids[0].is(nsTypes, "PermissionSet") {
		return result{}, schemaFault(holder.line, holder.col, "The SetFolderField of folder:PermissionSet needs a CalendarFolder (or Folder) holding the PermissionSet alone.")
	}
	var list []*elem
	for _, k := range holder.kids[0].kids {
		switch {
		case k.is(nsTypes, "CalendarPermissions"):
			list = k.kids
		case k.is(nsTypes, "Permissions"):
			return result{err: errf("ErrorCannotSetNonCalendarPermissionOnCalendarFolder", "Non-calendar permissions cannot be set on a calendar folder.")}, nil
		case k.is(nsTypes, "UnknownEntries"):
			return result{err: errf("ErrorCannotSetPermissionUnknownEntries", "Unknown entries cannot be set in a permission set.")}, nil
		default:
			return result{}, schemaFault(k.line, k.col, "The element 'PermissionSet' has invalid child element '"+k.local+"'.")
		}
	}
	if len(list) > maxPermissionSet {
		return result{err: errf("ErrorInvalidPermissionSettings", "The permission set has too many entries.")}, nil
	}
	users := fo.m.PermissionUsers()
	current := map[string]*store.Entity{}
	for _, e := range fo.m.CalendarPermissions(fo.e.ID()) {
		ea, _ := e.Object()["emailAddress"].(map[string]any)
		a, _ := ea["address"].(string)
		current[strings.ToLower(a)] = e
	}
	var grants []store.PermissionGrant
	var customs []customPerm // by grants' index
	anonymous := customPerm{level: "None", rights: permLevels["None"]}
	seen := map[string]bool{}
	for _, k := range list {
		if !k.is(nsTypes, "CalendarPermission") {
			return result{}, schemaFault(k.line, k.col, "The element 'CalendarPermissions' has invalid child element '"+k.local+"'.")
		}
		p, f := parsePermission(k)
		if f != nil {
			return result{}, f
		}
		level, rights, rerr := p.settle()
		if rerr != nil {
			return result{err: rerr}, nil
		}
		key, g := "", store.PermissionGrant{}
		switch {
		case p.distinguished != "":
			if p.sid != "" || p.smtp != "" || p.external != "" {
				return result{err: errf("ErrorInvalidUserInfo", "A distinguished user cannot be named with an address or a SID too.")}, nil
			}
			key = "dist:" + p.distinguished
		case p.external != "":
			return result{err: errf("ErrorInvalidUserInfo", "outlooktest: external users (ExternalUserIdentity) cannot be granted folder permissions here.")}, nil
		case p.smtp == "" && p.sid == "":
			return result{err: errf("ErrorMissingUserIdInformation", "The UserId names no user: it needs a SID, a PrimarySmtpAddress or a DistinguishedUser.")}, nil
		default:
			u := userOf(users, p.smtp, p.sid)
			if u == nil || p.smtp != "" && !strings.EqualFold(u.Address, p.smtp) || p.sid != "" && u.SID != p.sid {
				return result{err: errf("ErrorInvalidUserInfo", "The user "+firstOf(p.smtp, p.sid)+" is not a valid user of the directory.")}, nil
			}
			key = "smtp:" + strings.ToLower(u.Address)
			g = store.PermissionGrant{Address: u.Address, Name: u.Name}
		}
		if seen[key] {
			return result{err: errf("ErrorDuplicateUserIdsSpecified", "The permission set names a user more than once.")}, nil
		}
		seen[key] = true
		cp := customPerm{level: level, rights: rights}
		if p.distinguished == "Anonymous" {
			anonymous = cp
			continue
		}
		g.Role = levelRole(level)
		g.Access = rightsAccess(rights)
		if e := current[strings.ToLower(g.Address)]; e != nil && level == "Editor" {
			// A delegate's Editor level written back keeps the delegation.
			if r, _ := e.Object()["role"].(string); strings.HasPrefix(r, "delegate") {
				g.Role = r
			}
		}
		grants = append(grants, g)
		customs = append(customs, cp)
	}
	ents, err := fo.m.SetCalendarPermissions(fo.e.ID(), grants)
	if err != nil {
		return result{err: inputErr(err)}, nil
	}
	for i, e := range ents {
		if grants[i].Role == "custom" {
			cp := customs[i]
			cp.seq = e.ModSeq()
			e.SetMemo(customPermKey{}, cp)
		}
	}
	fo.e.SetMemo(anonymousKey{}, anonymous)
	return folderIDResult(fo.e), nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
