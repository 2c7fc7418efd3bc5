package ews

// Calendar and contacts folders: CreateFolder of a CalendarFolder or
// ContactsFolder (or a Folder of class IPF.Appointment or IPF.Contact),
// their renaming with UpdateFolder and their removal with DeleteFolder.
// The store keeps calendars flat in the default calendar group, and
// contact folders under the default contacts folder; EWS shows both under
// msgfolderroot.

import (
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// specialKind returns the store set a folder element of CreateFolder
// makes: "calendars", "contactFolders", or "" for a mail folder.
func specialKind(k *elem) string {
	switch k.local {
	case "CalendarFolder":
		return "calendars"
	case "ContactsFolder":
		return "contactFolders"
	}
	class := ""
	if c := k.t("FolderClass"); c != nil {
		class = strings.TrimSpace(c.text)
	}
	switch {
	case class == "IPF.Appointment" || strings.HasPrefix(class, "IPF.Appointment."):
		return "calendars"
	case class == "IPF.Contact" || strings.HasPrefix(class, "IPF.Contact."):
		return "contactFolders"
	}
	return ""
}

// wantsSpecialFolders reports whether a CreateFolder makes calendars or
// contact folders, or makes folders under one.
func (c *call) wantsSpecialFolders(op *elem) bool {
	if list := op.m("Folders"); list != nil {
		for _, k := range list.kids {
			if specialKind(k) != "" {
				return true
			}
		}
	}
	if p := op.m("ParentFolderId"); p != nil && len(p.kids) == 1 {
		if fo, rerr, f := c.folderByID(p.kids[0]); f == nil && rerr == nil && fo.set != "mailFolders" && fo.e != nil {
			return true
		}
	}
	return false
}

// createSpecialFolders serves a CreateFolder of calendars and contact
// folders.
func (c *call) createSpecialFolders(op *elem, w *writer) *fault {
	parent, perr, f := c.folderByID(op.m("ParentFolderId").kids[0])
	if f != nil {
		return f
	}
	if perr != nil && perr.code == "ErrorFolderNotFound" {
		perr = errf("ErrorParentFolderNotFound", "The parent folder could not be found.")
	}
	var results []result
	for _, k := range op.m("Folders").kids {
		if perr != nil {
			results = append(results, result{err: perr})
			continue
		}
		set := specialKind(k)
		if set == "" {
			set = parent.set
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
		m := parent.m
		var under string
		obj := Object{}
		switch set {
		case "calendars":
			under = m.DefaultCalendarGroup()
			obj["name"] = name
		case "contactFolders":
			under = m.DefaultContactFolder()
			if parent.set == "contactFolders" {
				under = parent.e.ID()
			}
			obj["displayName"] = name
		default:
			results = append(results, result{err: errf("ErrorInvalidOperation", "A "+parent.element()+" holds folders of its own kind only.")})
			continue
		}
		if m.NameTaken(set, under, name, nil) {
			results = append(results, result{err: errf("ErrorFolderExists", "A folder with the specified name already exists.")})
			continue
		}
		e, err := m.Create(set, under, obj, false)
		if err != nil {
			results = append(results, result{err: inputErr(err)})
			continue
		}
		results = append(results, folderIDResult(e))
	}
	c.respond(w, results)
	return nil
}

// updateSpecialFolder applies a FolderChange to a calendar or contact
// folder: its display name.
func (c *call) updateSpecialFolder(ch *elem, fo *folder) (result, *fault) {
	name := ""
	for _, u := range ch.t("Updates").kids {
		if u.local != "SetFolderField" || len(u.kids) != 2 {
			return result{err: errf("ErrorInvalidPropertyUpdate", "Only the display name of a calendar or contacts folder can be changed.")}, nil
		}
		holder := u.kids[1]
		if len(holder.kids) != 1 || holder.kids[0].local != "DisplayName" {
			return result{err: errf("ErrorInvalidPropertyUpdate", "Only the display name of a calendar or contacts folder can be changed.")}, nil
		}
		name = holder.kids[0].text
	}
	if strings.TrimSpace(name) == "" {
		return result{err: errf("ErrorInvalidValueForProperty", "The folder name can't be empty.")}, nil
	}
	key := "displayName"
	if fo.set == "calendars" {
		key = "name"
	}
	if fo.m.NameTaken(fo.set, fo.e.Parent(), name, fo.e) {
		return result{err: errf("ErrorFolderExists", "A folder with the specified name already exists.")}, nil
	}
	if err := fo.m.Apply(fo.e, Object{key: name}); err != nil {
		return result{err: inputErr(err)}, nil
	}
	return folderIDResult(fo.e), nil
}

// isSpecialFolder reports whether an entity is a calendar or contact folder.
func isSpecialFolder(e *store.Entity) bool {
	return e != nil && (e.Set() == "calendars" || e.Set() == "contactFolders")
}
