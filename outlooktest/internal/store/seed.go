package store

// Seeding and inspection: how tests fill a mailbox (as outlooktest's
// Mailbox.Add and Seed do) and read it back.

import (
	"encoding/json"
	"fmt"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// Items returns views of every entity of set (a canonical set name) in
// creation order, without the root folder: what a test inspecting the
// mailbox sees.
func (m *Mailbox) Items(set string) []Object {
	var out []Object
	for _, e := range m.List(set, func(*Entity) bool { return true }) {
		if set == "mailFolders" && e.id == m.rootFolder {
			continue
		}
		out = append(out, m.View(e))
	}
	return out
}

// SeedAttachment adds an attachment given by a test (Graph form, a
// fileAttachment unless its @odata.type says otherwise) to the message or
// event itemID and returns the attachment's id. An attachment the store
// refuses is an *InputError; one that is not JSON data, another error.
func (m *Mailbox) SeedAttachment(itemID string, obj Object) (string, error) {
	norm, err := Normalise(obj)
	if err != nil {
		return "", err
	}
	if _, ok := norm["@odata.type"]; !ok {
		norm["@odata.type"] = schema.GraphNS + "fileAttachment"
	}
	e, err := m.AddAttachment(itemID, norm, false)
	if err != nil {
		return "", err
	}
	return e.id, nil
}

// SeedFile is a seed file's entities by collection name, as ParseSeedFile
// reads them.
type SeedFile map[string][]Object

// ParseSeedFile reads a seed file named name: one JSON object whose keys
// are collection names and whose values are arrays of entities, as Seed
// takes them.
func ParseSeedFile(name string, data []byte) (SeedFile, error) {
	var doc SeedFile
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("outlooktest: seed %s: want {\"collection\": [objects...]}: %w", name, err)
	}
	for k := range doc {
		if schema.CanonicalSet(k) == "" || schema.CanonicalSet(k) == "attachments" {
			return nil, fmt.Errorf("outlooktest: seed %s: unknown collection %q", name, k)
		}
	}
	return doc, nil
}

// SeedFile adds the entities of a seed file, folders first, so items may
// name folders seeded in the same file. It stops at the first error.
func (m *Mailbox) SeedFile(name string, doc SeedFile) error {
	for _, coll := range []string{"mailFolders", "contactFolders", "calendarGroups", "calendars", "messages", "events", "contacts",
		"inferenceClassificationOverrides", "messageRules"} {
		for k, objs := range doc {
			if schema.CanonicalSet(k) != coll {
				continue
			}
			for i, obj := range objs {
				if _, err := m.Seed(coll, obj); err != nil {
					return fmt.Errorf("outlooktest: seed %s: %s[%d]: %v", name, k, i, err)
				}
			}
		}
	}
	return nil
}

// Normalise deep-copies obj through JSON, so seeds in Go values ([]string,
// int, nested Object) take the shapes a request body has.
func Normalise(obj Object) (Object, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("not representable as JSON: %v", err)
	}
	var out Object
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = Object{}
	}
	return out, nil
}

// Seed stores obj, given by a test with Graph (camelCase) property names, in
// one of the mailbox's collections and returns its id, filling what
// Exchange would (see outlooktest's Mailbox.Add for the rules). Seeded
// messages are received mail in "parentFolderId", Inbox by default.
func (m *Mailbox) Seed(collection string, obj Object) (string, error) {
	set := schema.CanonicalSet(collection)
	if set == "" || set == "attachments" {
		return "", fmt.Errorf("unknown collection (want messages, mailFolders, events, calendars, calendarGroups, contacts, contactFolders, inferenceClassificationOverrides or messageRules)")
	}
	norm, err := Normalise(obj)
	if err != nil {
		return "", err
	}
	var atts []any
	if set == "messages" || set == "events" {
		if a, ok := norm["attachments"]; ok {
			arr, ok := a.([]any)
			if !ok {
				return "", fmt.Errorf("attachments: want a JSON array, got %s", schema.JSONKind(a))
			}
			atts = arr
			delete(norm, "attachments")
		}
	}
	parent, err := m.seedParent(set, norm)
	if err != nil {
		return "", err
	}
	// Two folders of one name side by side are refused, as the API refuses
	// them: a seed must not hold a mailbox Exchange cannot.
	if prop := FolderNameProp(set); prop != "" {
		if name, ok := norm[prop].(string); ok && m.NameTaken(set, parent, name, nil) {
			return "", badInput("ErrorFolderExists", "A folder with the specified name already exists: %q.", name)
		}
	}
	e, err := m.Create(set, parent, norm, false)
	if err != nil {
		return "", err
	}
	for i, a := range atts {
		ao, ok := a.(map[string]any)
		if !ok {
			return "", fmt.Errorf("attachments[%d]: want a JSON object", i)
		}
		if _, ok := ao["@odata.type"]; !ok {
			ao["@odata.type"] = schema.GraphNS + "fileAttachment"
		}
		if _, err := m.AddAttachment(e.id, ao, false); err != nil {
			return "", fmt.Errorf("attachments[%d]: %v", i, err)
		}
	}
	return e.id, nil
}

// seedParent finds where a seeded entity goes.
func (m *Mailbox) seedParent(set string, obj Object) (string, error) {
	pf, _ := obj["parentFolderId"].(string)
	if v, ok := obj["parentFolderId"]; ok && v != nil && pf == "" {
		return "", fmt.Errorf("parentFolderId: want a folder id or well-known name, got %s", schema.JSONKind(v))
	}
	folder := func(folderSet, def string) (string, error) {
		if pf == "" {
			return def, nil
		}
		f := m.Find(folderSet, pf)
		if f == nil {
			return "", fmt.Errorf("parentFolderId: no %s %q in this mailbox", folderSet, pf)
		}
		return f.id, nil
	}
	switch set {
	case "messages":
		return folder("mailFolders", m.wellKnown["inbox"])
	case "mailFolders":
		return folder("mailFolders", m.rootFolder)
	case "contacts", "contactFolders":
		return folder("contactFolders", m.defaultContacts)
	case "calendars":
		return m.defaultGroup, nil
	case "messageRules":
		return m.wellKnown["inbox"], nil
	case "events":
		return m.defaultCalendar, nil
	}
	return "", nil
}
