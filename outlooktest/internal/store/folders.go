package store

// Folders: moving and copying folder trees, names, the distinguished
// folders, and Focused Inbox overrides by sender.

import "strings"

// MoveFolder puts a folder, with everything in it, under parent. Folder ids
// do not change on move (message ids do).
func (m *Mailbox) MoveFolder(f *Entity, parent string) *Entity {
	m.seq++
	m.tombs = append(m.tombs, tomb{seq: m.seq, set: f.set, id: f.id, parent: f.parent})
	f.parent = parent
	f.obj["parentFolderId"] = parent
	m.stamp(f)
	return f
}

// CopyFolder copies a folder, its messages and its subfolders under parent,
// all with new ids.
func (m *Mailbox) CopyFolder(f *Entity, parent string, depth int) *Entity {
	obj := Object{"displayName": f.obj["displayName"], "isHidden": f.obj["isHidden"]}
	e, err := m.Create("mailFolders", parent, obj, false)
	if err != nil {
		panic("outlooktest: copying a stored folder: " + err.Error()) // stored data is valid
	}
	for _, msg := range m.List("messages", func(x *Entity) bool { return x.parent == f.id }) {
		m.CopyMessage(m, msg, e.id, nil)
	}
	if depth < 64 {
		for _, sub := range m.List("mailFolders", func(x *Entity) bool { return x.parent == f.id }) {
			m.CopyFolder(sub, e.id, depth+1)
		}
	}
	return e
}

// OverrideFor returns the Focused Inbox override for the sender a create
// body names, if there is one.
func (m *Mailbox) OverrideFor(obj Object) *Entity {
	ea, _ := obj["senderEmailAddress"].(map[string]any)
	addr, _ := ea["address"].(string)
	for _, o := range m.ents["inferenceClassificationOverrides"] {
		oa, _ := o.obj["senderEmailAddress"].(map[string]any)
		if a, _ := oa["address"].(string); addr != "" && strings.EqualFold(a, addr) {
			return o
		}
	}
	return nil
}

// FolderNameProp is the property that names a folder of set (a calendar's
// is "name"), or "" for sets whose entities are not folders.
func FolderNameProp(set string) string {
	switch set {
	case "mailFolders", "contactFolders":
		return "displayName"
	case "calendars":
		return "name"
	}
	return ""
}

// NameTaken reports whether parent already holds a folder of set named name,
// compared case-insensitively as Exchange compares folder names; except (the
// folder being renamed or moved) does not count.
func (m *Mailbox) NameTaken(set, parent, name string, except *Entity) bool {
	prop := FolderNameProp(set)
	if prop == "" {
		return false
	}
	for _, e := range m.ents[set] {
		if e == except || e.parent != parent {
			continue
		}
		if n, _ := e.obj[prop].(string); strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// Distinguished reports whether a folder, calendar or group may not be
// deleted.
func (m *Mailbox) Distinguished(e *Entity) bool {
	switch e.set {
	case "mailFolders":
		for _, id := range m.wellKnown {
			if id == e.id {
				return true
			}
		}
	case "calendars":
		return e.id == m.defaultCalendar
	case "calendarGroups":
		return e.id == m.defaultGroup
	case "contactFolders":
		return e.id == m.defaultContacts
	}
	return false
}

// Under reports whether folder e lies below the folder root.
func (m *Mailbox) Under(e *Entity, root string) bool {
	for i := 0; e != nil && i < 64; i++ {
		if e.parent == root {
			return true
		}
		e = m.ents[e.set][e.parent]
	}
	return false
}
