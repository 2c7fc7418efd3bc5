package ews

import (
	"fmt"
	"net/http"

	"github.com/exchangekit/outlook/odata"
)

// Contact folders: the folders of class IPF.Contact below the Contacts
// folder, as Graph's contactFolders are (FindFolder Shallow; CreateFolder
// of a ContactsFolder; UpdateFolder and DeleteFolder as for mail folders;
// SyncFolderHierarchy from the Contacts folder for their change tracking).

func init() {
	for k, h := range map[string]handler{
		"GET contactFolders":                  listContactFolders,
		"GET contactFolders/{}/childFolders":  listContactFolders,
		"GET contactFolders/{}":               func(c *call) (*http.Response, error) { return c.getFolderAs("contactFolder") },
		"POST contactFolders":                 createContactFolder,
		"POST contactFolders/{}/childFolders": createContactFolder,
		"PATCH contactFolders/{}":             func(c *call) (*http.Response, error) { return c.updateFolderAs("contactFolder", "t:ContactsFolder") },
		"DELETE contactFolders/{}":            deleteFolder,
		"GET contactFolders/delta":            syncContactFolders,
	} {
		routes[k] = h
	}
	contactTypes := map[string]string{"ContactsFolder": ""}
	folderKinds["contactFolders"] = folderKind{restriction: contactFolderRestriction, types: contactTypes}
	folderKinds["syncContactFolders"] = folderKind{restriction: contactFolderRestriction, types: contactTypes}
	linkHandlers["contactFolders"] = pagesOf("contactFolder", (*call).foldersPage)
	linkHandlers["syncContactFolders"] = pagesOf("contactFolder", (*call).syncFoldersPage)
}

// contactFolderRestriction selects contact folders: class IPF.Contact or
// a subclass of it.
func contactFolderRestriction() *restriction {
	class := &field{URI: "folder:FolderClass"}
	return &restriction{Op: "Or", Kids: []*restriction{
		{Op: "IsEqualTo", Field: class, Value: "IPF.Contact"},
		{Op: "Contains", Field: class, Value: "IPF.Contact.", Mode: "Prefixed"},
	}}
}

// listContactFolders serves GET contactFolders (the Contacts folder's
// children) and GET contactFolders/{id}/childFolders.
func listContactFolders(c *call) (*http.Response, error) {
	s, err := c.schema("contactFolder")
	if err != nil {
		return nil, err
	}
	st := &listState{Kind: "contactFolders", Folder: c.pathFolder("contacts")}
	if _, err := c.folder(st.Folder); err != nil {
		return nil, err
	}
	q := c.r.Query
	st.View = viewOf(q)
	if st.Shape, err = shapeOf(q, s, c.r.Prefer); err != nil {
		return nil, err
	}
	if q != nil {
		if len(q.Expand) > 0 || q.Search != "" || len(q.OrderBy) > 0 {
			return nil, errNotSupported("$expand, $search or $orderby on contact folders (FindFolder has no sort order)")
		}
		if st.Filter, err = translateFilter(q.Filter, s); err != nil {
			return nil, err
		}
	}
	return c.foldersPage(s, st)
}

// createContactFolder serves POST contactFolders (under the Contacts
// folder) and POST contactFolders/{id}/childFolders.
func createContactFolder(c *call) (*http.Response, error) {
	s, err := c.schema("contactFolder")
	if err != nil {
		return nil, err
	}
	parent := c.pathFolder("contacts")
	p, err := c.folder(parent)
	if err != nil {
		return nil, err
	}
	frags, err := propFragments(c.r.Body, s, "folder")
	if err != nil {
		return nil, err
	}
	if len(frags) == 0 {
		return nil, fmt.Errorf("%w: a contact folder needs a displayName", odata.ErrInvalidQuery)
	}
	ids, err := c.sendCreateFolder(p, "t:ContactsFolder", func(w *xmlWriter) {
		for _, f := range frags {
			w.b = append(w.b, f.xml...)
		}
	})
	if err != nil {
		return nil, err
	}
	return c.folderCreated(s, http.StatusCreated, ids)
}

// syncContactFolders starts a round over the folders below the Contacts
// folder.
func syncContactFolders(c *call) (*http.Response, error) {
	s, err := c.schema("contactFolder")
	if err != nil {
		return nil, err
	}
	if q := c.r.Query; q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || len(q.Expand) > 0 || q.Skip > 0) {
		return nil, errNotSupported("$filter, $orderby, $search, $expand or $skip in folder change tracking")
	}
	st := &listState{Kind: "syncContactFolders", Folder: "contacts", View: view{Top: 1}}
	if st.Shape, err = shapeOf(c.r.Query, s, c.r.Prefer); err != nil {
		return nil, err
	}
	return c.syncFoldersPage(s, st)
}
