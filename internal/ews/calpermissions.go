package ews

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// Calendar permissions (Graph's calendarPermission) are, in Exchange, the
// calendar folder's access control list: GetFolder with the property
// folder:PermissionSet answers a CalendarPermissionSet whose
// CalendarPermission elements each name a user (UserId: a SID, a primary
// SMTP address, or the distinguished users Default and Anonymous) and its
// rights, as a CalendarPermissionLevel (Reviewer, Editor...) and as the
// individual rights that level stands for. EWS changes the list only
// whole: UpdateFolder with SetFolderField folder:PermissionSet replaces it.
//
// A permission is shown as Graph shows it:
//   - Its role comes from the level: None is none, FreeBusyTimeOnly
//     freeBusyRead, FreeBusyTimeAndSubjectAndLocation limitedRead, Reviewer
//     read, Editor write; every other level (Owner, Author, Custom, a level
//     this backend does not know) is custom, which cannot be granted.
//   - The distinguished user Default is Graph's "My Organization" entry
//     (no address, not removable). Anonymous is not listed (Graph lists
//     only My Organization among the built-in entries) and is written back
//     as read.
//   - EWS entries have no id: a permission's id is its user's identity
//     (SMTP address, else SID, else external identity, or the
//     distinguished user) encoded in base64url, so it stays the same across
//     reads and across clients.
//   - AllowedRoles and IsInsideOrganization are derived, not read from
//     the server: a user Exchange names with a SID is a security principal
//     of the organization's directory, so inside it; a user without one
//     (an external identity, an address alone) is outside. People inside
//     may have none to write (and the delegate roles, where this backend
//     serves them); people outside none to read, as Graph allows them.
//
// A change reads the list, changes one entry, and writes the whole list
// back: every entry it does not change is written as read (an entry at a
// named level as that level, a Custom one, or one at a level this backend
// does not know, as Custom with each individual right it was read with). A
// change another client makes between the read and the write is lost, as
// it is between two Outlook clients. Entries Exchange lists under
// UnknownEntries (users it can no longer resolve) cannot be written back,
// Exchange refuses them in a write, so a change drops them; an entry
// without a UserId cannot be written back either, and a change refuses to
// drop it (ErrNotSupported) rather than lose it silently.
//
// Graph's delegate roles (delegateWithoutPrivateEventAccess,
// delegateWithPrivateEventAccess) are Exchange delegates: users EWS manages
// with AddDelegate, UpdateDelegate and RemoveDelegate, whose rights on the
// mailbox's default Calendar folder are the Editor level, ViewPrivateItems
// saying whether they see private events. On the default calendar, a
// listing asks GetDelegate too and shows a delegate with Editor on the
// calendar under its delegate role; granting a delegate role adds or
// updates a delegate; a delegate given another role, or removed, is
// removed as a delegate first (Exchange removes its folder permissions
// with it). The other rights a delegate may have (on the Inbox, the
// contacts...) are Exchange's alone: a delegate this backend adds has
// None on every folder but the calendar. Delegates belong to the mailbox,
// not to a calendar, so on any other calendar the delegate roles fail with
// odata.ErrNotSupported before any request, as they do when the backend
// does not know the mailbox's address (which the delegate operations
// need).

func init() {
	for _, pre := range []string{"calendar/calendarPermissions", "calendars/{}/calendarPermissions"} {
		routes["GET "+pre] = listCalPermissions
		routes["GET "+pre+"/{}"] = getCalPermission
		routes["POST "+pre] = grantCalPermission
		routes["PATCH "+pre+"/{}"] = setCalPermissionRole
		routes["DELETE "+pre+"/{}"] = removeCalPermission
	}
}

// maxCalPermissions bounds the entries of a permission set a read keeps:
// a calendar's list holds a few dozen at most; a hostile answer cannot make
// the backend hold more.
const maxCalPermissions = 1000

// maxCalPermissionField bounds one value of an entry (an address, a SID,
// a display name).
const maxCalPermissionField = 1024

// calPermFlags are the individual rights of an entry, in the schema's
// order (BasePermissionType, then CalendarPermissionType's ReadItems).
var calPermFlags = []string{"CanCreateItems", "CanCreateSubFolders", "IsFolderOwner", "IsFolderVisible",
	"IsFolderContact", "EditItems", "DeleteItems", "ReadItems"}

// calLevelRoles maps the CalendarPermissionLevel values that are Graph
// roles; every other level is custom.
var calLevelRoles = map[string]string{
	"None":                              "none",
	"FreeBusyTimeOnly":                  "freeBusyRead",
	"FreeBusyTimeAndSubjectAndLocation": "limitedRead",
	"Reviewer":                          "read",
	"Editor":                            "write",
}

// calOtherLevels are the rest of CalendarPermissionLevelType's values.
var calOtherLevels = []string{"Owner", "PublishingEditor", "PublishingAuthor", "Author", "NoneditingAuthor", "Contributor", "Custom"}

// calRoleLevel returns the level that grants a Graph role, "" for a role
// folder permissions cannot express.
func calRoleLevel(role string) string {
	for l, r := range calLevelRoles {
		if r == role {
			return l
		}
	}
	return ""
}

// The roles derived for each kind of entry.
var (
	calOrgRoles      = []string{"none", "freeBusyRead", "limitedRead", "read", "write"}
	calInsideRoles   = calOrgRoles
	calOutsideRoles  = []string{"none", "freeBusyRead", "limitedRead", "read"}
	calDelegateRoles = []string{"none", "freeBusyRead", "limitedRead", "read", "write",
		"delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess"}
)

// calPerm is one CalendarPermission as read: the user's identity and the
// values of its rights, as the server wrote them.
type calPerm struct {
	sid, smtp, name, distinguished, external string
	flags                                    [8]string // by calPermFlags; "" when absent
	level                                    string
	noUser                                   bool // no UserId, or an empty one
	// delegate is the user's delegate role, when GetDelegate lists it as
	// a delegate with Editor on the calendar.
	delegate string
}

// key is the identity the entry's id encodes.
func (p *calPerm) key() string {
	switch {
	case p.distinguished != "":
		return "dist:" + p.distinguished
	case p.smtp != "":
		return "smtp:" + strings.ToLower(p.smtp)
	case p.sid != "":
		return "sid:" + p.sid
	case p.external != "":
		return "ext:" + p.external
	}
	return ""
}

func (p *calPerm) id() string { return base64.RawURLEncoding.EncodeToString([]byte(p.key())) }

// builtin reports whether the entry is Default or Anonymous.
func (p *calPerm) builtin() bool { return p.distinguished != "" }

// role is the entry's Graph role.
func (p *calPerm) role() string {
	if p.delegate != "" && p.level == "Editor" {
		return p.delegate
	}
	if r, ok := calLevelRoles[p.level]; ok {
		return r
	}
	return "custom"
}

// inside says whether the user is of the calendar owner's organization
// (derived: see the file's comment).
func (p *calPerm) inside() bool {
	return p.distinguished == "Default" || p.sid != "" && p.external == ""
}

// allowedRoles are the roles the entry may take; withDelegates says the
// delegate roles can be served (the default calendar).
func (p *calPerm) allowedRoles(withDelegates bool) []string {
	switch {
	case p.distinguished != "":
		return calOrgRoles
	case p.inside() && withDelegates:
		return calDelegateRoles
	case p.inside():
		return calInsideRoles
	}
	return calOutsideRoles
}

// calPermSet is a calendar's permission set as read.
type calPermSet struct {
	// folder is the calendar's FolderId as read, which the write names,
	// as Microsoft's examples do.
	folder folderRef
	perms  []calPerm
	// unknown counts UnknownEntries, which a write drops.
	unknown int
	// delegates says the set is the default calendar's, read with the
	// mailbox's delegates.
	delegates bool
}

// listed reports whether an entry is shown: not Anonymous, nor a
// distinguished user this backend does not know, nor one without a user;
// they are written back as read all the same.
func (p *calPerm) listed() bool {
	return !p.noUser && (p.distinguished == "" || p.distinguished == "Default")
}

// find returns the index of the listed entry with Graph id id, or -1.
func (s *calPermSet) find(id string) int {
	for i := range s.perms {
		if p := &s.perms[i]; p.listed() && p.id() == id {
			return i
		}
	}
	return -1
}

// readCalPermissionSet reads a CalendarPermissionSet (its start tag just
// read) into s.
func readCalPermissionSet(x *xmlReader, buf *[]byte, s *calPermSet) error {
	return x.children(func() error {
		switch {
		case x.is("UnknownEntries"):
			return x.children(func() error { s.unknown++; return x.skip() })
		case !x.is("CalendarPermissions"):
			return x.skip()
		}
		return x.children(func() error {
			if !x.is("CalendarPermission") {
				return x.skip()
			}
			if len(s.perms) >= maxCalPermissions {
				return errorf("the calendar has over %d permissions", maxCalPermissions)
			}
			p, err := readCalPermission(x, buf)
			if err != nil {
				return err
			}
			s.perms = append(s.perms, p)
			return nil
		})
	})
}

// calText reads an element's text, bounded.
func calText(x *xmlReader, buf *[]byte) (string, error) {
	t, err := x.textInto((*buf)[:0])
	*buf = t
	if err != nil {
		return "", err
	}
	if len(t) > maxCalPermissionField {
		return "", errorf("a calendar permission's <%s> is over %d bytes", truncate(string(x.local), 40), maxCalPermissionField)
	}
	return strings.TrimSpace(string(t)), nil
}

func readCalPermission(x *xmlReader, buf *[]byte) (calPerm, error) {
	p := calPerm{noUser: true}
	err := x.children(func() error {
		if x.is("UserId") {
			return x.children(func() error {
				var dst *string
				switch {
				case x.is("SID"):
					dst = &p.sid
				case x.is("PrimarySmtpAddress"):
					dst = &p.smtp
				case x.is("DisplayName"):
					dst = &p.name
				case x.is("DistinguishedUser"):
					dst = &p.distinguished
				case x.is("ExternalUserIdentity"):
					dst = &p.external
				default:
					return x.skip()
				}
				v, err := calText(x, buf)
				*dst = v
				return err
			})
		}
		var dst *string
		if x.is("CalendarPermissionLevel") {
			dst = &p.level
		}
		for i, f := range calPermFlags {
			if x.is(f) {
				dst = &p.flags[i]
			}
		}
		if dst == nil {
			return x.skip()
		}
		v, err := calText(x, buf)
		*dst = v
		return err
	})
	if p.distinguished != "" && p.distinguished != "Default" && p.distinguished != "Anonymous" {
		// A distinguished user this backend does not know is kept, and
		// written back, by that name; it is no built-in entry it lists.
		p.distinguished = "x:" + p.distinguished
	}
	p.noUser = p.key() == ""
	return p, err
}

// write writes the entry as a CalendarPermission of an UpdateFolder: the
// user, then for a named level the level alone (EWS refuses individual
// rights beside a level other than Custom), for any other the rights read
// and the level Custom.
func (p *calPerm) write(w *xmlWriter) {
	w.open("t:CalendarPermission")
	// One identity, the one Microsoft's examples write where the user has
	// it: the address, else the SID (a user without a mailbox, a
	// security group), else the external identity.
	w.open("t:UserId")
	switch {
	case p.distinguished != "":
		w.elem("t:DistinguishedUser", strings.TrimPrefix(p.distinguished, "x:"))
	case p.smtp != "":
		w.elem("t:PrimarySmtpAddress", p.smtp)
	case p.sid != "":
		w.elem("t:SID", p.sid)
	default:
		w.elem("t:ExternalUserIdentity", p.external)
	}
	w.close("t:UserId")
	if _, named := calLevelRoles[p.level]; named || p.level != "Custom" && slices.Contains(calOtherLevels, p.level) {
		w.elem("t:CalendarPermissionLevel", p.level)
	} else {
		for i, f := range calPermFlags {
			if p.flags[i] != "" {
				w.elem("t:"+f, p.flags[i])
			}
		}
		w.elem("t:CalendarPermissionLevel", "Custom")
	}
	w.close("t:CalendarPermission")
}

// calendarOf is the folder of the route's calendar: the default one
// (calendar/calendarPermissions), or the one the path names
// (calendars/{id}/calendarPermissions).
func (c *call) calendarOf() (folderRef, error) {
	name := "calendar"
	if strings.HasPrefix(c.r.Path.Template(), "calendars/") && len(c.ids) > 0 {
		name = c.ids[0]
	}
	return c.folder(name)
}

// permissionID is the route's permission id (its last id).
func (c *call) permissionID() string { return c.ids[len(c.ids)-1] }

// readCalPermissions fetches the calendar's permission set.
func (c *call) readCalPermissions(f folderRef) (*calPermSet, error) {
	var st status
	set := &calPermSet{}
	calendar := false
	err := c.send(request{op: "GetFolder", idempotent: true, body: func(w *xmlWriter) {
		writeGetFolderID(w, f, "folder:PermissionSet")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(_ int, _ *status) error {
			if !x.is("Folders") {
				return x.skip()
			}
			return x.children(func() error {
				if !x.is("CalendarFolder") {
					return x.skip()
				}
				calendar = true
				return x.children(func() error {
					if x.is("FolderId") {
						id, _ := x.attr("Id")
						ck, _ := x.attr("ChangeKey")
						set.folder = folderRef{id: truncate(string(id), maxCalPermissionField), changeKey: truncate(string(ck), maxCalPermissionField)}
						return x.skip()
					}
					if !x.is("PermissionSet") {
						return x.skip()
					}
					return readCalPermissionSet(x, buf, set)
				})
			})
		}, func(_ int, s *status) error { st = *s; return nil })
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() {
		return nil, errorOf("GetFolder", &st, false, nil)
	}
	if !calendar {
		return nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorFolderNotFound", Method: "EWS", Path: "GetFolder",
			Message: "The folder is not a calendar."}
	}
	if set.folder.id == "" {
		set.folder = f
	}
	if c.delegatesServed() {
		if err := c.markDelegates(set); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// writeCalPermissions replaces the calendar's permission set, naming the
// folder by the id the read gave.
func (c *call) writeCalPermissions(set *calPermSet) error {
	f := set.folder
	for i := range set.perms {
		if set.perms[i].noUser {
			return errNotSupported("changing the permissions of a calendar whose list holds an entry without a user (it cannot be written back)")
		}
	}
	var st status
	err := c.send(request{op: "UpdateFolder", body: func(w *xmlWriter) {
		w.open("m:UpdateFolder")
		w.open("m:FolderChanges")
		w.open("t:FolderChange")
		f.write(w)
		w.open("t:Updates")
		w.open("t:SetFolderField")
		(&field{URI: "folder:PermissionSet"}).write(w)
		w.open("t:CalendarFolder")
		w.open("t:PermissionSet")
		w.open("t:CalendarPermissions")
		for i := range set.perms {
			set.perms[i].write(w)
		}
		w.close("t:CalendarPermissions")
		w.close("t:PermissionSet")
		w.close("t:CalendarFolder")
		w.close("t:SetFolderField")
		w.close("t:Updates")
		w.close("t:FolderChange")
		w.close("m:FolderChanges")
		w.close("m:UpdateFolder")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, nil, func(_ int, s *status) error { st = *s; return nil })
	})
	if err != nil {
		return err
	}
	if !st.ok() {
		return errorOf("UpdateFolder", &st, false, nil)
	}
	return nil
}

// delegatesServed says whether the route's calendar is the default one,
// whose delegates the backend can serve, and it knows the mailbox's
// address, which the delegate operations need.
func (c *call) delegatesServed() bool {
	return !strings.HasPrefix(c.r.Path.Template(), "calendars/") && c.owner() != ""
}

// owner is the address of the mailbox the backend serves, "" when it does
// not know it (its own mailbox, signed in to without an address).
func (c *call) owner() string {
	if c.b.mailbox != "" {
		return c.b.mailbox
	}
	return c.r.Mailbox
}

// delegateOf is one DelegateUser as GetDelegate answers it.
type delegateOf struct {
	smtp, sid, calendarLevel string
	private                  bool
}

// markDelegates asks GetDelegate for the mailbox's delegates and gives
// the set's entries that are delegates with Editor on the calendar their
// delegate role.
func (c *call) markDelegates(set *calPermSet) error {
	var st status
	var ds []delegateOf
	err := c.send(request{op: "GetDelegate", idempotent: true, body: func(w *xmlWriter) {
		w.start("m:GetDelegate")
		w.attr("IncludePermissions", "true")
		w.gt()
		w.open("m:Mailbox")
		w.elem("t:EmailAddress", c.owner())
		w.close("m:Mailbox")
		w.close("m:GetDelegate")
	}}, func(x *xmlReader, buf *[]byte) error {
		var err error
		ds, err = readDelegates(x, buf, &st)
		return err
	})
	if err != nil {
		return err
	}
	if !st.ok() {
		return errorOf("GetDelegate", &st, false, nil)
	}
	set.delegates = true
	for _, d := range ds {
		if d.calendarLevel != "Editor" {
			continue
		}
		for i := range set.perms {
			p := &set.perms[i]
			// The delegate operations name users by address: an entry
			// without one is not served as a delegate.
			if p.distinguished == "" && p.smtp != "" && (strings.EqualFold(p.smtp, d.smtp) || d.smtp == "" && d.sid != "" && p.sid == d.sid) {
				p.delegate = "delegateWithoutPrivateEventAccess"
				if d.private {
					p.delegate = "delegateWithPrivateEventAccess"
				}
			}
		}
	}
	return nil
}

// readDelegates reads a GetDelegate answer (the response element's start
// tag just read): its status into st, and the delegates of its successful
// messages, at most maxCalPermissions.
func readDelegates(x *xmlReader, buf *[]byte, st *status) ([]delegateOf, error) {
	var ds []delegateOf
	err := readClassed(x, buf, st, func() error {
		if !x.is("ResponseMessages") {
			return x.skip()
		}
		return x.children(func() error {
			var ms status
			var d delegateOf
			err := readClassed(x, buf, &ms, func() error {
				if !x.is("DelegateUser") {
					return x.skip()
				}
				return readDelegateUser(x, buf, &d)
			})
			if err != nil || !ms.ok() {
				return err
			}
			if len(ds) >= maxCalPermissions {
				return errorf("the mailbox has over %d delegates", maxCalPermissions)
			}
			ds = append(ds, d)
			return nil
		})
	})
	return ds, err
}

// readDelegateUser reads a DelegateUser (its start tag just read).
func readDelegateUser(x *xmlReader, buf *[]byte, d *delegateOf) error {
	return x.children(func() error {
		switch {
		case x.is("UserId"):
			return x.children(func() error {
				var err error
				switch {
				case x.is("SID"):
					d.sid, err = calText(x, buf)
				case x.is("PrimarySmtpAddress"):
					d.smtp, err = calText(x, buf)
				default:
					err = x.skip()
				}
				return err
			})
		case x.is("DelegatePermissions"):
			return x.children(func() error {
				if !x.is("CalendarFolderPermissionLevel") {
					return x.skip()
				}
				var err error
				d.calendarLevel, err = calText(x, buf)
				return err
			})
		case x.is("ViewPrivateItems"):
			v, err := calText(x, buf)
			d.private = v == "true" || v == "1"
			return err
		}
		return x.skip()
	})
}

// delegateOp runs AddDelegate, UpdateDelegate or RemoveDelegate for one
// user: role is the delegate role to give (AddDelegate, UpdateDelegate),
// "" to remove.
func (c *call) delegateOp(op, smtp, role string) error {
	var st, ms status
	err := c.send(request{op: op, body: func(w *xmlWriter) {
		w.open("m:" + op)
		w.open("m:Mailbox")
		w.elem("t:EmailAddress", c.owner())
		w.close("m:Mailbox")
		if op == "RemoveDelegate" {
			w.open("m:UserIds")
			w.open("t:UserId")
			w.elem("t:PrimarySmtpAddress", smtp)
			w.close("t:UserId")
			w.close("m:UserIds")
			w.close("m:" + op)
			return
		}
		w.open("m:DelegateUsers")
		w.open("t:DelegateUser")
		w.open("t:UserId")
		w.elem("t:PrimarySmtpAddress", smtp)
		w.close("t:UserId")
		w.open("t:DelegatePermissions")
		w.elem("t:CalendarFolderPermissionLevel", "Editor")
		w.close("t:DelegatePermissions")
		w.elem("t:ViewPrivateItems", strconv.FormatBool(role == "delegateWithPrivateEventAccess"))
		w.close("t:DelegateUser")
		w.close("m:DelegateUsers")
		w.close("m:" + op)
	}}, func(x *xmlReader, buf *[]byte) error {
		return readClassed(x, buf, &st, func() error {
			if !x.is("ResponseMessages") {
				return x.skip()
			}
			return x.children(func() error {
				return readClassed(x, buf, &ms, x.skip)
			})
		})
	})
	switch {
	case err != nil:
		return err
	case !st.ok():
		return errorOf(op, &st, false, nil)
	case !ms.ok():
		return errorOf(op, &ms, false, nil)
	}
	return nil
}

// appendCalPermission writes one permission as Graph JSON.
func appendCalPermission(out []byte, p *calPerm, withDelegates bool) []byte {
	out = append(out, '{')
	out = member(out, "id")
	out = appendString(out, p.id())
	out = member(out, "emailAddress")
	out = append(out, '{')
	out = member(out, "name")
	switch {
	case p.distinguished == "Default":
		out = appendString(out, "My Organization")
	case p.name != "":
		out = appendString(out, p.name)
	default:
		out = appendString(out, p.smtp)
	}
	if p.smtp != "" {
		out = member(out, "address")
		out = appendString(out, p.smtp)
	}
	out = append(out, '}')
	out = member(out, "role")
	out = appendString(out, p.role())
	out = member(out, "allowedRoles")
	out = append(out, '[')
	for i, r := range p.allowedRoles(withDelegates) {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendString(out, r)
	}
	out = append(out, ']')
	out = member(out, "isRemovable")
	out = appendBool(out, !p.builtin())
	out = member(out, "isInsideOrganization")
	out = appendBool(out, p.inside())
	return append(out, '}')
}

func appendBool(out []byte, b bool) []byte {
	if b {
		return append(out, "true"...)
	}
	return append(out, "false"...)
}

// calPermissionNotFound is Graph's answer for an id the calendar does not
// hold.
func calPermissionNotFound(id string) error {
	return &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorItemNotFound", Method: "EWS", Path: "GetFolder",
		Message: "The calendar permission " + truncate(id, 60) + " was not found."}
}

// calPermissionRefused is Graph's 400 for a change it does not allow.
func calPermissionRefused(format string, args ...any) error {
	return &odata.Error{StatusCode: http.StatusBadRequest, Code: "ErrorInvalidRequest", Method: "EWS", Path: "UpdateFolder",
		Message: fmt.Sprintf(format, args...)}
}

// listCalPermissions serves GET .../calendarPermissions.
func listCalPermissions(c *call) (*http.Response, error) {
	f, err := c.calendarOf()
	if err != nil {
		return nil, err
	}
	set, err := c.readCalPermissions(f)
	if oe, ok := errors.AsType[*odata.Error](err); ok && oe.Code == "ErrorAccessDenied" {
		// Exchange shows a folder's permission set to its owner (or a
		// caller with full access to the mailbox) only, and refuses the
		// whole GetFolder to anyone else. Graph answers the recipient of
		// a shared calendar an empty list instead: so does this backend
		// when the calendar itself opens for the caller.
		if c.folderOpens(f) == nil {
			return jsonResponse(http.StatusOK, []byte(`{"value":[]}`)), nil
		}
	}
	if err != nil {
		return nil, err
	}
	out := []byte(`{"value":[`)
	seen := map[string]bool{}
	for i := range set.perms {
		p := &set.perms[i]
		if !p.listed() || seen[p.key()] {
			continue
		}
		seen[p.key()] = true
		if len(seen) > 1 {
			out = append(out, ',')
		}
		out = appendCalPermission(out, p, set.delegates)
	}
	return jsonResponse(http.StatusOK, append(out, "]}"...)), nil
}

// folderOpens reads folder f with nothing but its id: nil when the
// caller may open it.
func (c *call) folderOpens(f folderRef) error {
	return c.send(request{op: "GetFolder", idempotent: true, body: func(w *xmlWriter) {
		writeGetFolderID(w, f, "")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(int, *status) error { return x.skip() }, failOn("GetFolder", false))
	})
}

// writeGetFolderID writes a GetFolder of folder f in the IdOnly shape,
// with the property uri besides when it is not "".
func writeGetFolderID(w *xmlWriter, f folderRef, uri string) {
	w.open("m:GetFolder")
	w.open("m:FolderShape")
	w.elem("t:BaseShape", "IdOnly")
	if uri != "" {
		w.open("t:AdditionalProperties")
		(&field{URI: uri}).write(w)
		w.close("t:AdditionalProperties")
	}
	w.close("m:FolderShape")
	w.open("m:FolderIds")
	f.write(w)
	w.close("m:FolderIds")
	w.close("m:GetFolder")
}

// readCalPermissionOf reads the route's calendar's permission set and
// finds the route's permission in it: Graph's 404 when it holds none of
// that id.
func (c *call) readCalPermissionOf() (folderRef, *calPermSet, int, error) {
	f, err := c.calendarOf()
	if err != nil {
		return f, nil, 0, err
	}
	set, err := c.readCalPermissions(f)
	if err != nil {
		return f, nil, 0, err
	}
	i := set.find(c.permissionID())
	if i < 0 {
		return f, nil, 0, calPermissionNotFound(c.permissionID())
	}
	return f, set, i, nil
}

// getCalPermission serves GET .../calendarPermissions/{id}.
func getCalPermission(c *call) (*http.Response, error) {
	_, set, i, err := c.readCalPermissionOf()
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, appendCalPermission(nil, &set.perms[i], set.delegates)), nil
}

// calPermissionBody is the body of a grant or a role change.
type calPermissionBody struct {
	EmailAddress *struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"emailAddress"`
	Role *string `json:"role"`
}

// isDelegateRole reports whether a role is one of Graph's delegate roles.
func isDelegateRole(r string) bool {
	return r == "delegateWithoutPrivateEventAccess" || r == "delegateWithPrivateEventAccess"
}

// readCalPermissionBody reads the body and the level its role needs
// ("" for a delegate role), refusing a role the route cannot serve.
func (c *call) readCalPermissionBody() (*calPermissionBody, string, error) {
	var b calPermissionBody
	if err := json.Unmarshal(c.r.Body, &b); err != nil {
		return nil, "", fmt.Errorf("%w: the calendar permission: %v", odata.ErrInvalidQuery, err)
	}
	if b.Role == nil {
		return nil, "", fmt.Errorf("%w: no role", odata.ErrInvalidQuery)
	}
	if isDelegateRole(*b.Role) {
		if !c.delegatesServed() {
			return nil, "", errNotSupported(fmt.Sprintf("the calendar role %q here (Exchange's delegates are the mailbox's, with rights on its default calendar, and their operations need the mailbox's address)", *b.Role))
		}
		return &b, "", nil
	}
	level := calRoleLevel(*b.Role)
	if level == "" {
		return nil, "", fmt.Errorf("%w: calendar role %q", odata.ErrInvalidQuery, truncate(*b.Role, 60))
	}
	return &b, level, nil
}

// grantCalPermission serves POST .../calendarPermissions.
func grantCalPermission(c *call) (*http.Response, error) {
	b, level, err := c.readCalPermissionBody()
	if err != nil {
		return nil, err
	}
	if b.EmailAddress == nil || !strings.Contains(b.EmailAddress.Address, "@") {
		return nil, fmt.Errorf("%w: a calendar permission needs emailAddress with an SMTP address", odata.ErrInvalidQuery)
	}
	addr := strings.TrimSpace(b.EmailAddress.Address)
	f, err := c.calendarOf()
	if err != nil {
		return nil, err
	}
	set, err := c.readCalPermissions(f)
	if err != nil {
		return nil, err
	}
	added := calPerm{smtp: addr, level: level}
	if set.find(added.id()) >= 0 {
		return nil, calPermissionRefused("The calendar is already shared with %s.", truncate(addr, 320))
	}
	if level == "" {
		err = c.delegateOp("AddDelegate", addr, *b.Role)
	} else {
		set.perms = append(set.perms, added)
		err = c.writeCalPermissions(set)
	}
	if err != nil {
		return nil, err
	}
	// The server resolves the user (its SID, its name): read back what it
	// made.
	if set, err = c.readCalPermissions(f); err != nil {
		return nil, err
	}
	i := set.find(added.id())
	if i < 0 {
		return nil, &odata.Error{StatusCode: http.StatusBadGateway, Code: "ErrorItemNotFound", Method: "EWS", Path: "GetFolder",
			Message: "the server accepted the permission but does not list it"}
	}
	return jsonResponse(http.StatusCreated, appendCalPermission(nil, &set.perms[i], set.delegates)), nil
}

// setCalPermissionRole serves PATCH .../calendarPermissions/{id}: the role
// alone, as Graph allows.
func setCalPermissionRole(c *call) (*http.Response, error) {
	b, level, err := c.readCalPermissionBody()
	if err != nil {
		return nil, err
	}
	if b.EmailAddress != nil {
		return nil, errNotSupported("changing a calendar permission's emailAddress (Graph changes only its role)")
	}
	f, set, i, err := c.readCalPermissionOf()
	if err != nil {
		return nil, err
	}
	p := set.perms[i]
	if !slices.Contains(p.allowedRoles(set.delegates), *b.Role) {
		return nil, calPermissionRefused("The role '%s' is not allowed for this calendar permission.", *b.Role)
	}
	switch {
	case level == "" && p.delegate != "":
		err = c.delegateOp("UpdateDelegate", p.smtp, *b.Role)
	case level == "":
		err = c.delegateOp("AddDelegate", p.smtp, *b.Role)
	default:
		err = c.setLevel(f, set, i, level)
	}
	if err != nil {
		return nil, err
	}
	if level == "" {
		p.level, p.delegate = "Editor", *b.Role
	} else {
		p.level, p.delegate, p.flags = level, "", [8]string{}
	}
	return jsonResponse(http.StatusOK, appendCalPermission(nil, &p, set.delegates)), nil
}

// setLevel gives the entry i of set a level: a delegate stops being one
// first, which takes its folder permission with it in Exchange, so the
// set is read again and the user's entry added back if it went.
func (c *call) setLevel(f folderRef, set *calPermSet, i int, level string) error {
	p := set.perms[i]
	if p.delegate != "" {
		if err := c.delegateOp("RemoveDelegate", p.smtp, ""); err != nil {
			return err
		}
		var err error
		if set, err = c.readCalPermissions(f); err != nil {
			return err
		}
		if i = set.find(p.id()); i < 0 {
			set.perms = append(set.perms, calPerm{smtp: p.smtp})
			i = len(set.perms) - 1
		}
	}
	set.perms[i].level, set.perms[i].flags = level, [8]string{}
	return c.writeCalPermissions(set)
}

// removeCalPermission serves DELETE .../calendarPermissions/{id}.
func removeCalPermission(c *call) (*http.Response, error) {
	f, set, i, err := c.readCalPermissionOf()
	if err != nil {
		return nil, err
	}
	id := c.permissionID()
	if set.perms[i].builtin() {
		return nil, calPermissionRefused("This calendar permission cannot be removed; set its role to none instead.")
	}
	if set.perms[i].delegate != "" {
		if err := c.delegateOp("RemoveDelegate", set.perms[i].smtp, ""); err != nil {
			return nil, err
		}
		if set, err = c.readCalPermissions(f); err != nil {
			return nil, err
		}
		if i = set.find(id); i < 0 {
			return noContent(), nil
		}
	}
	set.perms = slices.Delete(set.perms, i, i+1)
	if err := c.writeCalPermissions(set); err != nil {
		return nil, err
	}
	return noContent(), nil
}
