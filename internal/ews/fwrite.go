package ews

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// Writing mail folders: CreateFolder (class IPF.Note), UpdateFolder,
// DeleteFolder (to Deleted Items), MoveFolder and CopyFolder.

func init() {
	for k, h := range map[string]handler{
		"POST mailFolders":                 createFolder,
		"POST mailFolders/{}/childFolders": createFolder,
		"PATCH mailFolders/{}":             updateFolder,
		"DELETE mailFolders/{}":            deleteFolder,
		"POST mailFolders/{}/move":         relocateFolder("MoveFolder"),
		"POST mailFolders/{}/copy":         relocateFolder("CopyFolder"),
	} {
		routes[k] = h
	}
}

// hiddenProp is PR_ATTR_HIDDEN, which hides a folder.
var hiddenProp = &extField{Tag: "0x10F4", Type: "Boolean"}

// readFolderIDs reads the ids of the folders a CreateFolder, MoveFolder,
// CopyFolder or UpdateFolder response returns.
func readFolderIDs(x *xmlReader, buf *[]byte, op string, conditional bool, ids *[]folderRef) error {
	return readIDs(x, buf, op, conditional, "Folders", "FolderId", func(id, ck string) {
		*ids = append(*ids, folderRef{id: id, changeKey: ck})
	})
}

// sendCreateFolder creates a folder, the EWS element elem (t:Folder,
// t:CalendarFolder, ...) whose properties props writes, under parent, and
// returns the id the server gives it.
func (c *call) sendCreateFolder(parent folderRef, elem string, props func(w *xmlWriter)) ([]folderRef, error) {
	var ids []folderRef
	err := c.send(request{op: "CreateFolder", body: func(w *xmlWriter) {
		w.open("m:CreateFolder")
		w.open("m:ParentFolderId")
		parent.write(w)
		w.close("m:ParentFolderId")
		w.open("m:Folders")
		w.open(elem)
		props(w)
		w.close(elem)
		w.close("m:Folders")
		w.close("m:CreateFolder")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readFolderIDs(x, buf, "CreateFolder", false, &ids)
	})
	return ids, err
}

// folderCreated answers with the folder made or changed.
func (c *call) folderCreated(s *odata.Schema, status int, ids []folderRef) (*http.Response, error) {
	return c.folderAnswer(s, nil, status, ids)
}

// folderAnswer answers with the folder made or changed (the first of ids;
// none: no content), read with the properties of sh, or where sh is nil
// those the request's Prefer asks for.
func (c *call) folderAnswer(s *odata.Schema, sh *shape, status int, ids []folderRef) (*http.Response, error) {
	if len(ids) == 0 {
		return noContent(), nil
	}
	if sh == nil {
		var err error
		if sh, err = shapeOf(nil, s, c.r.Prefer); err != nil {
			return nil, err
		}
	}
	ref := ids[0]
	ref.changeKey = ""
	out, err := c.getFolders(nil, s, sh, []folderRef{ref})
	if err != nil {
		return nil, err
	}
	return jsonResponse(status, out), nil
}

// createFolder serves POST mailFolders and POST mailFolders/{id}/childFolders.
func createFolder(c *call) (*http.Response, error) {
	s, err := c.schema("mailFolder")
	if err != nil {
		return nil, err
	}
	parent := c.pathFolder("msgfolderroot")
	p, err := c.folder(parent)
	if err != nil {
		return nil, err
	}
	names, values, err := members(c.r.Body)
	if err != nil {
		return nil, err
	}
	hidden := false
	rest := []byte{'{'}
	for i, n := range names {
		if n == "isHidden" {
			if err := json.Unmarshal(values[i], &hidden); err != nil {
				return nil, fmt.Errorf("%w: isHidden: %v", odata.ErrInvalidQuery, err)
			}
			continue
		}
		rest = member(rest, n)
		rest = append(rest, values[i]...)
	}
	rest = append(rest, '}')
	frags, err := propFragments(rest, s, "folder")
	if err != nil {
		return nil, err
	}
	ids, err := c.sendCreateFolder(p, "t:Folder", func(w *xmlWriter) {
		w.elem("t:FolderClass", "IPF.Note")
		for _, f := range frags {
			w.b = append(w.b, f.xml...)
		}
		if hidden {
			writeExtendedProperty(w, hiddenProp, []string{"true"}, false)
		}
	})
	if err != nil {
		return nil, err
	}
	return c.folderCreated(s, http.StatusCreated, ids)
}

// updateFolder serves PATCH mailFolders/{id}.
func updateFolder(c *call) (*http.Response, error) { return c.updateFolderAs("mailFolder", "t:Folder") }

// updateFolderAs serves PATCH of one folder, read with the wire table name
// and changed as the EWS element elem.
func (c *call) updateFolderAs(name, elem string) (*http.Response, error) {
	s, err := c.schema(name)
	if err != nil {
		return nil, err
	}
	f, err := c.folder(c.ids[0])
	if err != nil {
		return nil, err
	}
	ck, err := changeKeyOf(c.r.IfMatch)
	if err != nil {
		return nil, err
	}
	changes, err := fieldChanges(c.r.Body, s, elem, "t:SetFolderField", "t:DeleteFolderField")
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return c.folderCreated(s, http.StatusOK, []folderRef{f})
	}
	conditional := ck != ""
	update := func(ck string) ([]folderRef, error) {
		ref := f
		ref.changeKey = ck
		var ids []folderRef
		err := c.send(request{op: "UpdateFolder", conditional: conditional, body: func(w *xmlWriter) {
			w.open("m:UpdateFolder")
			w.open("m:FolderChanges")
			w.open("t:FolderChange")
			ref.write(w)
			w.open("t:Updates")
			for _, ch := range changes {
				w.b = append(w.b, ch...)
			}
			w.close("t:Updates")
			w.close("t:FolderChange")
			w.close("m:FolderChanges")
			w.close("m:UpdateFolder")
		}}, func(x *xmlReader, buf *[]byte) error {
			return readFolderIDs(x, buf, "UpdateFolder", conditional, &ids)
		})
		return ids, err
	}
	ids, err := update(ck)
	var oe *odata.Error
	if !conditional && errors.As(err, &oe) && changeKeyCodes[oe.Code] {
		var cur []byte
		if cur, err = c.getFolders(nil, s, &shape{}, []folderRef{f}); err != nil {
			return nil, err
		}
		var v struct {
			ChangeKey string `json:"changeKey"`
		}
		_ = json.Unmarshal(cur, &v)
		ids, err = update(v.ChangeKey)
	}
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		ids = []folderRef{f}
	}
	return c.folderCreated(s, http.StatusOK, ids)
}

// deleteFolder serves DELETE mailFolders/{id}: the folder and its content
// go to Deleted Items.
func deleteFolder(c *call) (*http.Response, error) {
	f, err := c.folder(c.ids[0])
	if err != nil {
		return nil, err
	}
	err = c.send(request{op: "DeleteFolder", body: func(w *xmlWriter) {
		w.start("m:DeleteFolder")
		w.attr("DeleteType", "MoveToDeletedItems")
		w.gt()
		w.open("m:FolderIds")
		f.write(w)
		w.close("m:FolderIds")
		w.close("m:DeleteFolder")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, nil, failOn("DeleteFolder", false))
	})
	if err != nil {
		return nil, err
	}
	return noContent(), nil
}

// relocateFolder serves POST mailFolders/{id}/move and /copy.
func relocateFolder(op string) handler {
	return func(c *call) (*http.Response, error) {
		s, err := c.schema("mailFolder")
		if err != nil {
			return nil, err
		}
		f, err := c.folder(c.ids[0])
		if err != nil {
			return nil, err
		}
		to, err := c.destinationOf()
		if err != nil {
			return nil, err
		}
		var ids []folderRef
		err = c.send(request{op: op, body: func(w *xmlWriter) {
			w.open("m:" + op)
			w.open("m:ToFolderId")
			to.write(w)
			w.close("m:ToFolderId")
			w.open("m:FolderIds")
			f.write(w)
			w.close("m:FolderIds")
			w.close("m:" + op)
		}}, func(x *xmlReader, buf *[]byte) error {
			return readFolderIDs(x, buf, op, false, &ids)
		})
		if err != nil {
			return nil, err
		}
		return c.folderCreated(s, http.StatusCreated, ids)
	}
}
