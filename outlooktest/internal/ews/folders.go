package ews

// Folders: the folder properties and the folder operations (FindFolder,
// GetFolder, CreateFolder, UpdateFolder, DeleteFolder, MoveFolder,
// CopyFolder). The hierarchy EWS shows is the store's mail folders, with
// the calendars and the contact folders beside them, and the mailbox's
// root above msgfolderroot.

import (
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// folderOrder is the FolderType sequence of the schema.
var folderOrder = strings.Fields(`FolderId ParentFolderId FolderClass DisplayName TotalCount ChildFolderCount
ExtendedProperty ManagedFolderInformation EffectiveRights DistinguishedFolderId PolicyTag ArchiveTag ReplicaList
PermissionSet UnreadCount`)

var folderIndex = func() map[string]int {
	m := map[string]int{}
	for i, n := range folderOrder {
		m[n] = i
	}
	return m
}()

// element is the EWS element a folder is shown as.
func (f *folder) element() string {
	switch f.set {
	case "calendars":
		return "CalendarFolder"
	case "contactFolders":
		return "ContactsFolder"
	}
	return "Folder"
}

// class is the folder's FolderClass, "" for folders that have none (the
// root, msgfolderroot, the search folder root).
func (f *folder) class() string {
	switch {
	case f.e == nil:
		return ""
	case f.set == "calendars":
		return "IPF.Appointment"
	case f.set == "contactFolders":
		return "IPF.Contact"
	}
	if c := memo(f.e, "folderClass"); c != "" {
		return c
	}
	switch f.e.ID() {
	case f.m.RootFolder(), f.m.WellKnown("searchfolders"), f.m.WellKnown("recoverableitemsdeletions"):
		return ""
	}
	return "IPF.Note"
}

func (f *folder) displayName() string {
	if f.e == nil {
		return ""
	}
	key := "displayName"
	if f.set == "calendars" {
		key = "name"
	}
	s, _ := f.e.Object()[key].(string)
	return s
}

func (f *folder) hidden() bool {
	if f.e == nil {
		return false
	}
	h, _ := f.e.Object()["isHidden"].(bool)
	return h
}

// children returns the folders directly under f, in creation order.
func (f *folder) children() []*folder {
	var out []*folder
	id := f.id()
	for _, set := range []string{"mailFolders", "calendars", "contactFolders"} {
		for _, e := range f.m.List(set, func(e *store.Entity) bool { return true }) {
			c := &folder{m: f.m, e: e, set: set}
			if parentOf(c) == id {
				out = append(out, c)
			}
		}
	}
	return out
}

func (f *folder) counts() (total, unread, children int) {
	children = len(f.children())
	if f.e == nil {
		return 0, 0, children
	}
	var set string
	switch f.set {
	case "mailFolders":
		set = "messages"
	case "calendars":
		set = "events"
	case "contactFolders":
		set = "contacts"
	}
	for _, e := range f.m.List(set, func(e *store.Entity) bool { return e.Parent() == f.e.ID() }) {
		total++
		if r, ok := e.Object()["isRead"].(bool); ok && !r {
			unread++
		}
	}
	return total, unread, children
}

// distinguishedName returns the distinguished id of a folder, if it has
// one.
func (f *folder) distinguishedName() string {
	if f.e == nil {
		return "root"
	}
	switch {
	case f.set == "calendars" && f.e.ID() == f.m.DefaultCalendar():
		return "calendar"
	case f.set == "contactFolders" && f.e.ID() == f.m.DefaultContactFolder():
		return "contacts"
	case f.set != "mailFolders":
		return ""
	}
	for name, wk := range distinguishedNames {
		if wk != "" && f.m.WellKnown(wk) == f.e.ID() {
			return name
		}
	}
	return ""
}

// folderProp is one folder property.
type folderProp struct {
	uri, name string
	def, all  bool
	write     func(f *folder, w *writer)
	value     func(f *folder) any
}

var folderProps []*folderProp
var folderByURI = map[string]*folderProp{}

func init() {
	count := func(name string, pick func(t, u, c int) int, skipCalendar bool) func(f *folder, w *writer) {
		return func(f *folder, w *writer) {
			if skipCalendar && f.set == "calendars" {
				return
			}
			t, u, c := f.counts()
			w.leaf("t:"+name, strconv.Itoa(pick(t, u, c)))
		}
	}
	folderProps = []*folderProp{
		{uri: "folder:FolderId", name: "FolderId", def: true, all: true,
			write: func(f *folder, w *writer) {
				ck := "AQAAAA=="
				if f.e != nil {
					ck = changeKey(f.e)
				}
				w.empty("t:FolderId", "Id", ewsID(f.id()), "ChangeKey", ck)
			},
			value: func(f *folder) any { return ewsID(f.id()) }},
		{uri: "folder:ParentFolderId", name: "ParentFolderId", all: true,
			write: func(f *folder, w *writer) {
				if p := parentOf(f); p != "" {
					ck := "AQAAAA=="
					if pe := f.m.Lookup("mailFolders", p); pe != nil {
						ck = changeKey(pe)
					}
					w.empty("t:ParentFolderId", "Id", ewsID(p), "ChangeKey", ck)
				}
			},
			value: func(f *folder) any {
				if p := parentOf(f); p != "" {
					return ewsID(p)
				}
				return nil
			}},
		{uri: "folder:FolderClass", name: "FolderClass", all: true,
			write: func(f *folder, w *writer) {
				if c := f.class(); c != "" {
					w.leaf("t:FolderClass", c)
				}
			},
			value: func(f *folder) any {
				if c := f.class(); c != "" {
					return c
				}
				return nil
			}},
		{uri: "folder:DisplayName", name: "DisplayName", def: true, all: true,
			write: func(f *folder, w *writer) { w.leaf("t:DisplayName", f.displayName()) },
			value: func(f *folder) any { return f.displayName() }},
		{uri: "folder:TotalCount", name: "TotalCount", def: true, all: true,
			write: count("TotalCount", func(t, _, _ int) int { return t }, true),
			value: func(f *folder) any { t, _, _ := f.counts(); return float64(t) }},
		{uri: "folder:ChildFolderCount", name: "ChildFolderCount", def: true, all: true,
			write: count("ChildFolderCount", func(_, _, c int) int { return c }, false),
			value: func(f *folder) any { _, _, c := f.counts(); return float64(c) }},
		{uri: "folder:EffectiveRights", name: "EffectiveRights", all: true,
			write: func(f *folder, w *writer) { writeEffectiveRights(w, ownerRights) }},
		{uri: "folder:DistinguishedFolderId", name: "DistinguishedFolderId",
			write: func(f *folder, w *writer) {
				if d := f.distinguishedName(); d != "" {
					w.leaf("t:DistinguishedFolderId", d)
				}
			}},
		{uri: "folder:PermissionSet", name: "PermissionSet", all: true,
			write: func(f *folder, w *writer) {
				// GetFolder shows permissions; FindFolder and
				// SyncFolderHierarchy, as FindItem does with bodies, do not.
				if f.set == "calendars" && !f.find {
					writeCalendarPermissionSet(f, w)
					return
				}
				if f.set != "mailFolders" && f.set != "contactFolders" || f.find {
					return
				}
				w.open("t:PermissionSet")
				w.open("t:Permissions")
				for _, who := range []string{"Default", "Anonymous"} {
					w.open("t:Permission")
					w.open("t:UserId")
					w.leaf("t:DistinguishedUser", who)
					w.close("t:UserId")
					for _, b := range []string{"CanCreateItems", "CanCreateSubFolders", "IsFolderOwner", "IsFolderVisible", "IsFolderContact"} {
						w.leaf("t:"+b, "false")
					}
					for _, n := range []string{"EditItems", "DeleteItems", "ReadItems", "PermissionLevel"} {
						w.leaf("t:"+n, "None")
					}
					w.close("t:Permission")
				}
				w.close("t:Permissions")
				w.close("t:PermissionSet")
			}},
		{uri: "folder:UnreadCount", name: "UnreadCount", def: true, all: true,
			write: func(f *folder, w *writer) {
				if f.set == "calendars" || f.set == "contactFolders" {
					return
				}
				_, u, _ := f.counts()
				w.leaf("t:UnreadCount", strconv.Itoa(u))
			},
			value: func(f *folder) any { _, u, _ := f.counts(); return float64(u) }},
	}
	for _, p := range folderProps {
		folderByURI[p.uri] = p
	}
}

// folderShape is a parsed FolderShape.
type folderShape struct {
	base  string
	extra map[*folderProp]bool
	ext   []extProp
}

func (c *call) parseFolderShape(e *elem) (*folderShape, *fault) {
	if e == nil {
		return nil, schemaFault(1, 1, "The element '"+c.op+"' has incomplete content. List of possible elements expected: 'FolderShape'.")
	}
	base := e.t("BaseShape")
	if base == nil {
		return nil, schemaFault(e.line, e.col, "The element 'FolderShape' has incomplete content. List of possible elements expected: 'BaseShape'.")
	}
	sh := &folderShape{base: base.value(), extra: map[*folderProp]bool{}}
	switch sh.base {
	case "IdOnly", "Default", "AllProperties":
	default:
		return nil, schemaFault(base.line, base.col, "The 'BaseShape' element is invalid - The value '"+sh.base+"' is invalid according to its datatype.")
	}
	if ap := e.t("AdditionalProperties"); ap != nil {
		for _, k := range ap.kids {
			switch {
			case k.is(nsTypes, "FieldURI"):
				uri, _ := k.attr("FieldURI")
				p, f := folderPath(uri, k)
				if f != nil {
					return nil, f
				}
				if p != nil {
					sh.extra[p] = true
				}
			case k.is(nsTypes, "ExtendedFieldURI"):
				xp, err := parseExtended(k)
				if err != nil {
					return nil, schemaFault(k.line, k.col, err.Error())
				}
				sh.ext = append(sh.ext, xp)
			case k.is(nsTypes, "IndexedFieldURI"):
			default:
				return nil, schemaFault(k.line, k.col, "The element '"+k.local+"' is not a property path.")
			}
		}
	}
	return sh, nil
}

// folderPath resolves a folder FieldURI; nil for a valid URI the fake's
// folders have no value for.
func folderPath(uri string, at *elem) (*folderProp, *fault) {
	prefix, name, ok := strings.Cut(uri, ":")
	if !ok || !validPrefixes[prefix] || name == "" {
		return nil, schemaFault(at.line, at.col, "The 'FieldURI' attribute is invalid - The value '"+uri+"' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:UnindexedFieldURIType' - The Enumeration constraint failed.")
	}
	if p := folderByURI[uri]; p != nil {
		return p, nil
	}
	if prefix == "folder" {
		switch name {
		case "SearchParameters", "ManagedFolderInformation", "SharingEffectiveRights", "PolicyTag", "ArchiveTag", "ReplicaList":
			return nil, nil
		}
		return nil, schemaFault(at.line, at.col, "The 'FieldURI' attribute is invalid - The value '"+uri+"' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:UnindexedFieldURIType' - The Enumeration constraint failed.")
	}
	return nil, nil
}

// writeFolder writes a folder in the shape asked for.
func (c *call) writeFolder(w *writer, f *folder, sh *folderShape) {
	el := "t:" + f.element()
	w.open(el)
	extDone := len(sh.ext) == 0
	for _, p := range folderProps {
		if !extDone && folderIndex[p.name] > folderIndex["ExtendedProperty"] {
			c.writeFolderExtended(w, f, sh.ext)
			extDone = true
		}
		include := p.name == "FolderId" || sh.extra[p] || sh.base == "Default" && p.def || sh.base == "AllProperties" && p.all
		if !include {
			continue
		}
		// A calendar opened through a permission shows its recipient's
		// rights, and not the permission set (see getFolder).
		if role, guest := c.calRoles[f.id()]; guest {
			switch p.name {
			case "PermissionSet":
				continue
			case "EffectiveRights":
				writeEffectiveRights(w, guestRights(role))
				continue
			}
		}
		p.write(f, w)
	}
	w.close(el)
}

func (c *call) writeFolderExtended(w *writer, f *folder, ext []extProp) {
	if f.e == nil {
		return
	}
	for _, p := range ext {
		var v any
		if p.setGUID == "" && p.tag == 0x10F4 {
			v = boolText(f.hidden())
		} else {
			v = extValue(f.e.Object(), nil, p)
		}
		writeExtendedProperty(w, p, v)
	}
}

// folderResolver resolves a property path for restrictions on folders.
func (c *call) folderResolver() pathResolver[*folder] {
	return func(path *elem) (func(*folder) any, bool, *respErr, *fault) {
		switch {
		case path.is(nsTypes, "FieldURI"):
			uri, _ := path.attr("FieldURI")
			p, f := folderPath(uri, path)
			if f != nil {
				return nil, false, nil, f
			}
			if p == nil || p.value == nil {
				return nil, false, errf("ErrorUnsupportedPathForQuery", "The property can not be used with this type of restriction."), nil
			}
			return p.value, true, nil, nil
		case path.is(nsTypes, "ExtendedFieldURI"):
			xp, err := parseExtended(path)
			if err != nil {
				return nil, false, nil, schemaFault(path.line, path.col, err.Error())
			}
			return func(f *folder) any {
				if f.e == nil {
					return nil
				}
				if xp.setGUID == "" && xp.tag == 0x10F4 {
					return f.hidden()
				}
				if s, ok := extValue(f.e.Object(), nil, xp).(string); ok {
					return typedExt(xp, s)
				}
				return nil
			}, true, nil, nil
		}
		return func(*folder) any { return nil }, true, nil, nil
	}
}

// findFolder serves FindFolder.
func (c *call) findFolder(op *elem, w *writer) *fault {
	traversal := op.attrOr("Traversal", "")
	switch traversal {
	case "Shallow", "Deep", "SoftDeleted":
	default:
		return schemaFault(op.line, op.col, "The 'Traversal' attribute is invalid - The value '"+traversal+"' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:FolderQueryTraversalType' - The Enumeration constraint failed.")
	}
	sh, f := c.parseFolderShape(op.m("FolderShape"))
	if f != nil {
		return f
	}
	pg, f := parsePaging(op.m("IndexedPageFolderView"), op.m("FractionalPageFolderView"))
	if f != nil {
		return f
	}
	cond, rerr, f := compileRestriction(op.m("Restriction"), c.folderResolver())
	if f != nil {
		return f
	}
	parents := op.m("ParentFolderIds")
	if parents == nil || len(parents.kids) == 0 {
		return schemaFault(op.line, op.col, "The element 'FindFolder' has incomplete content. List of possible elements expected: 'ParentFolderIds'.")
	}
	var results []result
	for _, pid := range parents.kids {
		fo, ferr, f := c.folderByID(pid)
		if f != nil {
			return f
		}
		if ferr == nil {
			ferr = rerr
		}
		if ferr == nil {
			ferr = pg.check()
		}
		if ferr != nil {
			results = append(results, result{err: ferr})
			continue
		}
		var found []*folder
		var walk func(p *folder, depth int)
		walk = func(p *folder, depth int) {
			for _, ch := range p.children() {
				if cond(ch) {
					found = append(found, ch)
				}
				if traversal == "Deep" && depth < 64 {
					walk(ch, depth+1)
				}
			}
		}
		if traversal != "SoftDeleted" {
			walk(fo, 0)
		}
		results = append(results, result{write: func(w *writer) {
			page, attrs := pg.page(len(found))
			w.open("m:RootFolder", attrs...)
			w.open("t:Folders")
			for _, x := range found[page.from:page.to] {
				x.find = true
				c.writeFolder(w, x, sh)
			}
			w.close("t:Folders")
			w.close("m:RootFolder")
		}})
	}
	c.respond(w, results)
	return nil
}

// getFolder serves GetFolder.
func (c *call) getFolder(op *elem, w *writer) *fault {
	sh, f := c.parseFolderShape(op.m("FolderShape"))
	if f != nil {
		return f
	}
	list := op.m("FolderIds")
	if list == nil || len(list.kids) == 0 {
		return schemaFault(op.line, op.col, "The element 'GetFolder' has incomplete content. List of possible elements expected: 'FolderIds'.")
	}
	var results []result
	for _, id := range list.kids {
		fo, ferr, f := c.folderByID(id)
		if f != nil {
			return f
		}
		if ferr != nil {
			results = append(results, result{err: ferr})
			continue
		}
		if _, guest := c.calRoles[fo.id()]; guest && sh.extra[folderByURI["folder:PermissionSet"]] {
			// Reading who else may see the folder takes the owner's
			// rights: Exchange refuses the whole GetFolder (exchangelib
			// #610, #676 and #702 report it from real servers).
			results = append(results, result{err: errAccessDenied})
			continue
		}
		results = append(results, result{write: func(w *writer) {
			w.open("m:Folders")
			c.writeFolder(w, fo, sh)
			w.close("m:Folders")
		}})
	}
	c.respond(w, results)
	return nil
}

// folderSet reads the properties of a Folder element of CreateFolder or
// a SetFolderField into a Graph patch and the folder class.
func folderSet(e *elem, patch Object, class *string) (*respErr, *fault) {
	last := -1
	for _, k := range e.kids {
		i, ok := folderIndex[k.local]
		if k.space != nsTypes || !ok || i < last || i == last && k.local != "ExtendedProperty" {
			return nil, schemaFault(k.line, k.col, "The element 'Folder' in namespace '"+nsTypes+"' has invalid child element '"+k.local+"'.")
		}
		last = i
		switch k.local {
		case "DisplayName":
			if strings.TrimSpace(k.text) == "" {
				return errf("ErrorInvalidValueForProperty", "The folder name can't be empty."), nil
			}
			patch["displayName"] = k.text
		case "FolderClass":
			*class = strings.TrimSpace(k.text)
		case "ExtendedProperty":
			uri := k.t("ExtendedFieldURI")
			v := k.t("Value")
			if uri == nil || v == nil {
				return nil, schemaFault(k.line, k.col, "An ExtendedProperty needs an ExtendedFieldURI and a Value.")
			}
			p, err := parseExtended(uri)
			if err != nil {
				return nil, schemaFault(uri.line, uri.col, err.Error())
			}
			if err := p.checkValue(v.text); err != nil {
				return errf("ErrorInvalidExtendedPropertyValue", err.Error()), nil
			}
			if p.setGUID == "" && p.tag == 0x10F4 {
				b, _ := parseBool(v.text)
				patch["isHidden"] = b
				continue
			}
			list, _ := patch["singleValueExtendedProperties"].([]any)
			patch["singleValueExtendedProperties"] = append(list, Object{"id": p.graphID(), "value": v.text})
		case "PermissionSet":
			// Folder permissions are accepted and not kept.
		default:
			return errf("ErrorInvalidPropertySet", "Set action is invalid for property."), nil
		}
	}
	return nil, nil
}

// createFolder serves CreateFolder (generic folders: mail folders, or
// folders of any class the client names).
func (c *call) createFolder(op *elem, w *writer) *fault {
	parentEl := op.m("ParentFolderId")
	list := op.m("Folders")
	if parentEl == nil || len(parentEl.kids) != 1 || list == nil {
		return schemaFault(op.line, op.col, "The element 'CreateFolder' has incomplete content: ParentFolderId and Folders are required.")
	}
	if c.wantsSpecialFolders(op) {
		return c.createSpecialFolders(op, w)
	}
	for _, k := range list.kids {
		if k.local != "Folder" {
			if k.space == nsTypes {
				return notImplemented("CreateFolder of a " + k.local + ": search, calendar, contacts and tasks folders are not served over EWS yet")
			}
			return schemaFault(k.line, k.col, "The element 'Folders' has invalid child element '"+k.local+"'.")
		}
	}
	parent, perr, f := c.folderByID(parentEl.kids[0])
	if f != nil {
		return f
	}
	if perr != nil && perr.code == "ErrorFolderNotFound" {
		perr = errf("ErrorParentFolderNotFound", "The parent folder could not be found.")
	}
	if perr == nil && parent.set != "mailFolders" {
		if parent.e == nil {
			perr = errf("ErrorInvalidOperation", "outlooktest: folders are created under msgfolderroot or below, not under the mailbox's root")
		} else {
			return notImplemented("CreateFolder under a calendar or contacts folder: calendars and contacts are not served over EWS yet")
		}
	}
	var results []result
	for _, k := range list.kids {
		if perr != nil {
			results = append(results, result{err: perr})
			continue
		}
		patch := Object{}
		class := ""
		if rerr, f := folderSet(k, patch, &class); f != nil {
			return f
		} else if rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		name, _ := patch["displayName"].(string)
		if name == "" {
			results = append(results, result{err: errf("ErrorInvalidValueForProperty", "The folder needs a DisplayName.")})
			continue
		}
		if parent.m.NameTaken("mailFolders", parent.e.ID(), name, nil) {
			results = append(results, result{err: errf("ErrorFolderExists", "A folder with the specified name already exists.")})
			continue
		}
		e, err := parent.m.Create("mailFolders", parent.e.ID(), patch, false)
		if err != nil {
			results = append(results, result{err: inputErr(err)})
			continue
		}
		if class != "" {
			e.SetMemo(memoKey("folderClass"), class)
		}
		results = append(results, folderIDResult(e))
	}
	c.respond(w, results)
	return nil
}

// updateFolder serves UpdateFolder: the display name, the folder class
// and extended properties (PR_ATTR_HIDDEN among them).
func (c *call) updateFolder(op *elem, w *writer) *fault {
	changes := op.m("FolderChanges")
	if changes == nil {
		return schemaFault(op.line, op.col, "The element 'UpdateFolder' has incomplete content. List of possible elements expected: 'FolderChanges'.")
	}
	var results []result
	for _, ch := range changes.all(nsTypes, "FolderChange") {
		if len(ch.kids) < 2 {
			return schemaFault(ch.line, ch.col, "A FolderChange needs a folder id and Updates.")
		}
		fo, ferr, f := c.folderByID(ch.kids[0])
		if f != nil {
			return f
		}
		if ferr == nil && fo.set == "calendars" && setsCalendarPermissions(ch) {
			r, f := c.updateCalendarPermissions(ch, fo)
			if f != nil {
				return f
			}
			results = append(results, r)
			continue
		}
		if ferr == nil && isSpecialFolder(fo.e) {
			r, f := c.updateSpecialFolder(ch, fo)
			if f != nil {
				return f
			}
			results = append(results, r)
			continue
		}
		if ferr == nil && fo.set != "mailFolders" {
			ferr = errf("ErrorAccessDenied", "Access is denied. Check credentials and try again.")
		}
		if ferr != nil {
			results = append(results, result{err: ferr})
			continue
		}
		patch := Object{}
		class := memo(fo.e, "folderClass")
		var rerr *respErr
		for _, u := range ch.t("Updates").kids {
			if rerr != nil {
				break
			}
			switch u.local {
			case "SetFolderField", "AppendToFolderField":
				if len(u.kids) != 2 {
					return schemaFault(u.line, u.col, "The element '"+u.local+"' needs a property path and a folder.")
				}
				if u.local == "AppendToFolderField" {
					rerr = errf("ErrorInvalidPropertyAppend", "This property does not support append.")
					break
				}
				holder := u.kids[1]
				if holder.local != "Folder" && holder.space == nsTypes {
					return notImplemented("UpdateFolder with a " + holder.local + ": calendars and contacts are not served over EWS yet")
				}
				var f *fault
				rerr, f = folderSet(holder, patch, &class)
				if f != nil {
					return f
				}
			case "DeleteFolderField":
				path := u.kids[0]
				switch {
				case path.is(nsTypes, "ExtendedFieldURI"):
					xp, err := parseExtended(path)
					if err != nil {
						return schemaFault(path.line, path.col, err.Error())
					}
					if xp.setGUID == "" && xp.tag == 0x10F4 {
						patch["isHidden"] = false
					}
				case path.is(nsTypes, "FieldURI") && path.attrOr("FieldURI", "") == "folder:FolderClass":
					class = ""
				default:
					rerr = errf("ErrorInvalidPropertyDelete", "This property can't be deleted.")
				}
			default:
				return schemaFault(u.line, u.col, "The element 'Updates' has invalid child element '"+u.local+"'.")
			}
		}
		if rerr == nil {
			if name, ok := patch["displayName"].(string); ok && fo.m.NameTaken("mailFolders", fo.e.Parent(), name, fo.e) {
				rerr = errf("ErrorFolderExists", "A folder with the specified name already exists.")
			}
		}
		if rerr != nil {
			results = append(results, result{err: rerr})
			continue
		}
		if class != memo(fo.e, "folderClass") {
			fo.e.SetMemo(memoKey("folderClass"), class)
		}
		if _, ok := patch["isHidden"]; ok {
			// isHidden is set once in Graph; EWS sets PR_ATTR_HIDDEN at will.
			fo.m.Write(fo.e, Object{"isHidden": patch["isHidden"]})
			delete(patch, "isHidden")
		}
		if err := fo.m.Apply(fo.e, patch); err != nil {
			results = append(results, result{err: inputErr(err)})
			continue
		}
		e := fo.e
		results = append(results, folderIDResult(e))
	}
	c.respond(w, results)
	return nil
}

// deleteFolder serves DeleteFolder.
func (c *call) deleteFolder(op *elem, w *writer) *fault {
	dt, ok := op.attr("DeleteType")
	if !ok || dt != "HardDelete" && dt != "SoftDelete" && dt != "MoveToDeletedItems" {
		return schemaFault(op.line, op.col, "The 'DeleteType' attribute is missing or invalid.")
	}
	list := op.m("FolderIds")
	if list == nil {
		return schemaFault(op.line, op.col, "The element 'DeleteFolder' has incomplete content. List of possible elements expected: 'FolderIds'.")
	}
	var results []result
	for _, id := range list.kids {
		fo, ferr, f := c.folderByID(id)
		if f != nil {
			return f
		}
		switch {
		case ferr != nil:
		case fo.e == nil || fo.m.Distinguished(fo.e):
			ferr = errf("ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
		case isSpecialFolder(fo.e):
			fo.m.Purge(fo.e)
			results = append(results, result{})
			continue
		}
		if ferr != nil {
			results = append(results, result{err: ferr})
			continue
		}
		if dt == "MoveToDeletedItems" && fo.e.Parent() != fo.m.WellKnown("deleteditems") {
			fo.m.MoveFolder(fo.e, fo.m.WellKnown("deleteditems"))
		} else {
			fo.m.Purge(fo.e)
		}
		results = append(results, result{})
	}
	c.respond(w, results)
	return nil
}

// moveOrCopyFolder serves MoveFolder and CopyFolder.
func (c *call) moveOrCopyFolder(op *elem, w *writer) *fault {
	to := op.m("ToFolderId")
	list := op.m("FolderIds")
	if to == nil || len(to.kids) != 1 || list == nil {
		return schemaFault(op.line, op.col, "The element '"+c.op+"' needs a ToFolderId and FolderIds.")
	}
	dest, derr, f := c.folderByID(to.kids[0])
	if f != nil {
		return f
	}
	if derr != nil && derr.code == "ErrorFolderNotFound" {
		derr = errf("ErrorToFolderNotFound", "The destination folder could not be found.")
	}
	if derr == nil && dest.set != "mailFolders" {
		derr = errf("ErrorMoveCopyFailed", "outlooktest: folders go under mail folders only")
	}
	var results []result
	for _, id := range list.kids {
		if derr != nil {
			results = append(results, result{err: derr})
			continue
		}
		fo, ferr, f := c.folderByID(id)
		if f != nil {
			return f
		}
		switch {
		case ferr != nil:
		case fo.set != "mailFolders" || fo.e == nil:
			ferr = errf("ErrorMoveCopyFailed", "outlooktest: only mail folders are moved and copied over EWS")
		case fo.m != dest.m:
			ferr = errf("ErrorMoveCopyFailed", "Folders cannot be moved or copied between mailboxes.")
		case c.op == "MoveFolder" && fo.m.Distinguished(fo.e):
			ferr = errf("ErrorMoveDistinguishedFolder", "Distinguished folders cannot be moved.")
		case dest.e.ID() == fo.e.ID() || fo.m.Under(dest.e, fo.e.ID()):
			ferr = errf("ErrorMoveCopyFailed", "The move or copy operation failed: a folder cannot go into itself or one of its subfolders.")
		}
		if ferr == nil {
			self := fo.e
			if c.op == "CopyFolder" {
				self = nil
			}
			if fo.m.NameTaken("mailFolders", dest.e.ID(), fo.displayName(), self) {
				ferr = errf("ErrorFolderExists", "A folder with the specified name already exists.")
			}
		}
		if ferr != nil {
			results = append(results, result{err: ferr})
			continue
		}
		var e *store.Entity
		if c.op == "MoveFolder" {
			e = fo.m.MoveFolder(fo.e, dest.e.ID())
		} else {
			e = fo.m.CopyFolder(fo.e, dest.e.ID(), 0)
			if cl := memo(fo.e, "folderClass"); cl != "" {
				e.SetMemo(memoKey("folderClass"), cl)
			}
		}
		results = append(results, folderIDResult(e))
	}
	c.respond(w, results)
	return nil
}

// effectiveRights are the rights EffectiveRights lists, in the schema's
// order: CreateAssociated, CreateContents, CreateHierarchy, Delete,
// Modify, Read, ViewPrivateItems.
type effectiveRights [7]bool

// ownerRights are the owner's (or a full-access caller's) rights on a
// folder of the mailbox: all of them.
var ownerRights = effectiveRights{true, true, true, true, true, true, true}

// guestRights are the rights a calendar permission's role gives on the
// calendar folder: its items' contents to read from read up, to create
// from write up, private items to the private delegate; the folder itself
// (its properties, subfolders, deletion) stays the owner's.
func guestRights(role string) effectiveRights {
	return effectiveRights{
		1: store.RoleWrites(role),
		5: store.ShowsDetails(role, nil),
		6: store.RoleSeesPrivate(role),
	}
}

func writeEffectiveRights(w *writer, r effectiveRights) {
	w.open("t:EffectiveRights")
	for i, n := range []string{"CreateAssociated", "CreateContents", "CreateHierarchy", "Delete", "Modify", "Read", "ViewPrivateItems"} {
		w.leaf("t:"+n, boolText(r[i]))
	}
	w.close("t:EffectiveRights")
}

// folderIDResult is the answer of a folder write (create, change, move,
// copy): the folder's id and new change key, under its kind's element.
func folderIDResult(e *store.Entity) result {
	el := "t:" + (&folder{set: e.Set()}).element()
	return result{write: func(w *writer) {
		w.open("m:Folders")
		w.open(el)
		w.empty("t:FolderId", "Id", ewsID(e.ID()), "ChangeKey", changeKey(e))
		w.close(el)
		w.close("m:Folders")
	}}
}
