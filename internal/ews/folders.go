package ews

import (
	"fmt"
	"net/http"

	"github.com/exchangekit/outlook/odata"
)

// Reading mail folders: FindFolder for a folder's children, GetFolder for
// one folder.

// mailFolderRestriction selects the folders Graph lists as mail folders:
// those of class IPF.Note (or a subclass, or none), and unless hidden is
// set not hidden ones (PR_ATTR_HIDDEN, 0x10F4).
func mailFolderRestriction(hidden bool) *restriction {
	class := &field{URI: "folder:FolderClass"}
	mail := &restriction{Op: "Or", Kids: []*restriction{
		{Op: "IsEqualTo", Field: class, Value: "IPF.Note"},
		{Op: "Contains", Field: class, Value: "IPF.Note.", Mode: "Prefixed"},
		{Op: "Not", Kids: []*restriction{{Op: "Exists", Field: class}}},
	}}
	if hidden {
		return mail
	}
	return &restriction{Op: "And", Kids: []*restriction{mail,
		{Op: "Not", Kids: []*restriction{{Op: "IsEqualTo", Field: &field{Ext: &extField{Tag: "0x10F4", Type: "Boolean"}}, Value: "true"}}},
	}}
}

// folderTypes are the EWS folder elements listed as mail folders, and the
// Graph type of the ones that are not plain mailFolders.
var folderTypes = map[string]string{"Folder": "", "SearchFolder": "mailSearchFolder"}

// folderKinds are the folder listings (by listState.Kind) other than mail
// folders': the folders they select and the EWS elements they list.
var folderKinds = map[string]folderKind{}

type folderKind struct {
	restriction func() *restriction
	types       map[string]string
}

// listFolders serves GET mailFolders and GET mailFolders/{id}/childFolders.
func listFolders(c *call) (*http.Response, error) {
	s, err := c.schema("mailFolder")
	if err != nil {
		return nil, err
	}
	st := &listState{Kind: "folders", Folder: c.pathFolder("msgfolderroot")}
	if _, err := c.folder(st.Folder); err != nil {
		return nil, err
	}
	q := c.r.Query
	st.View = viewOf(q)
	if st.Shape, err = shapeOf(q, s, c.r.Prefer); err != nil {
		return nil, err
	}
	if q != nil {
		if len(q.Expand) > 0 || q.Search != "" {
			return nil, errNotSupported("$expand or $search on folders")
		}
		if st.Filter, err = translateFilter(q.Filter, s); err != nil {
			return nil, err
		}
		if st.Sort, err = translateOrder(q.OrderBy, s); err != nil {
			return nil, err
		}
		if len(st.Sort) > 0 {
			return nil, errNotSupported("$orderby on folders (FindFolder has no sort order)")
		}
	}
	st.Hidden = c.r.Params.Get("includeHiddenFolders") == "true"
	return c.foldersPage(s, st)
}

// writeFindFolder writes a FindFolder of the folders under parent
// (traversal "Shallow": its children; "Deep": all below it) that r
// admits, the page view of them, each with the properties of sh.
func writeFindFolder(w *xmlWriter, traversal string, sh *shape, v view, r *restriction, parent folderRef) {
	w.start("m:FindFolder")
	w.attr("Traversal", traversal)
	w.gt()
	writeShape(w, "m:FolderShape", sh, false)
	writeIndexedView(w, "m:IndexedPageFolderView", v)
	w.open("m:Restriction")
	writeRestriction(w, r)
	w.close("m:Restriction")
	w.open("m:ParentFolderIds")
	parent.write(w)
	w.close("m:ParentFolderIds")
	w.close("m:FindFolder")
}

// foldersPage serves one page of a folder listing.
func (c *call) foldersPage(s *odata.Schema, st *listState) (*http.Response, error) {
	parent, err := c.folder(st.Folder)
	if err != nil {
		return nil, err
	}
	r, types := mailFolderRestriction(st.Hidden), folderTypes
	if k, ok := folderKinds[st.Kind]; ok {
		r, types = k.restriction(), k.types
	}
	if st.Filter != nil {
		r = &restriction{Op: "And", Kids: []*restriction{r, st.Filter}}
	}
	var pg findPage
	n := 0
	cv := c.converter()
	out := make([]byte, 0, 2048)
	out = append(out, `{"value":[`...)
	err = c.send(request{op: "FindFolder", idempotent: true, body: func(w *xmlWriter) {
		writeFindFolder(w, "Shallow", st.Shape, st.View, r, parent)
	}}, func(x *xmlReader, buf *[]byte) error {
		cv.x = x
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !x.is("RootFolder") || !ms.ok() {
				return x.skip()
			}
			readRootFolder(x, &pg)
			return x.children(func() error {
				if !x.is("Folders") {
					return x.skip()
				}
				return x.children(func() error {
					if n++; n > st.View.Top {
						return tooMany("FindFolder", st.View.Top)
					}
					if _, ok := types[string(x.local)]; !ok {
						return x.skip()
					}
					out = comma(out)
					var err error
					out, err = cv.folder(out, s)
					return err
				})
			})
		}, failOn("FindFolder", false))
	})
	if err != nil {
		return nil, err
	}
	return c.endPage(out, "FindFolder", st, &pg, n)
}

// folder converts the folder element just read, adding the Graph type of
// a search folder.
func (c *converter) folder(out []byte, s *odata.Schema) ([]byte, error) {
	t := folderTypes[string(c.x.local)]
	start := len(out)
	out, err := c.entity(out, s)
	if err != nil || t == "" {
		return out, err
	}
	// Insert "@odata.type" as the first member.
	typ := []byte(`"@odata.type":"#microsoft.graph.` + t + `"`)
	if len(out) > start+2 {
		typ = append(typ, ',')
	}
	out = append(out[:start+1], append(typ, out[start+1:]...)...)
	return out, nil
}

// getFolder serves GET mailFolders/{id}.
func getFolder(c *call) (*http.Response, error) { return c.getFolderAs("mailFolder") }

// getFolderAs serves GET of one folder read with the wire table name.
func (c *call) getFolderAs(name string) (*http.Response, error) {
	s, err := c.schema(name)
	if err != nil {
		return nil, err
	}
	f, err := c.folder(c.ids[0])
	if err != nil {
		return nil, err
	}
	if q := c.r.Query; q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || q.Top > 0 || q.Skip > 0 || len(q.Expand) > 0) {
		return nil, fmt.Errorf("%w: only $select applies to one folder", odata.ErrInvalidQuery)
	}
	sh, err := shapeOf(c.r.Query, s, c.r.Prefer)
	if err != nil {
		return nil, err
	}
	out, err := c.getFolders(nil, s, sh, []folderRef{f})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorFolderNotFound", Method: "EWS", Path: "GetFolder",
			Message: "the server answered without the folder"}
	}
	return jsonResponse(http.StatusOK, out), nil
}

// getFolders fetches folders with one GetFolder and appends them as JSON
// values.
func (c *call) getFolders(out []byte, s *odata.Schema, sh *shape, refs []folderRef) ([]byte, error) {
	cv := c.converter()
	err := c.send(request{op: "GetFolder", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetFolder")
		writeShape(w, "m:FolderShape", sh, false)
		w.open("m:FolderIds")
		for _, f := range refs {
			f.write(w)
		}
		w.close("m:FolderIds")
		w.close("m:GetFolder")
	}}, func(x *xmlReader, buf *[]byte) error {
		cv.x = x
		return readMessages(x, buf, func(_ int, ms *status) error {
			if !x.is("Folders") || !ms.ok() {
				return x.skip()
			}
			return x.children(func() error {
				out = comma(out)
				var err error
				if _, ok := folderTypes[string(x.local)]; ok {
					out, err = cv.folder(out, s)
				} else {
					out, err = cv.entity(out, s) // a calendar or contacts folder asked for by id
				}
				return err
			})
		}, failOn("GetFolder", false))
	})
	return out, err
}
