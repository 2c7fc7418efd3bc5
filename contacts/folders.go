package contacts

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/exchangekit/outlook/odata"
)

// foldersPath is the child folders of parent, or the folders directly
// below the Contacts folder for DefaultFolder.
func foldersPath(parent FolderID) odata.Path {
	if parent == DefaultFolder {
		return odata.PathOf("contactFolders")
	}
	return odata.PathOf("contactFolders/{}/childFolders", string(parent))
}

// ListFolders yields the contact folders directly under parent
// (DefaultFolder for those below the Contacts folder); q may be nil.
func (s *Service) ListFolders(ctx context.Context, parent FolderID, q *odata.Query) iter.Seq2[*ContactFolder, error] {
	return odata.List[ContactFolder](ctx, s.c, foldersPath(parent), q)
}

// FolderEntry is one folder of a tree walk.
type FolderEntry struct {
	Folder *ContactFolder
	// Path is the folder's display name and those of its ancestors below
	// the walk's root, joined with "/" (a "/" inside a name is kept as is).
	Path  string
	Depth int // 1 for the root's children
}

// maxDepth bounds a walk, so that a server answering with a cycle cannot
// recurse forever.
const maxDepth = 300

// WalkFolders yields every contact folder below root (DefaultFolder for
// all of them), depth first, each parent before its children. Contact
// folders carry no child count, so it lists the children of every folder:
// one request per folder. It holds one page per level in memory; breaking
// out of the loop stops the walk.
func (s *Service) WalkFolders(ctx context.Context, root FolderID) iter.Seq2[FolderEntry, error] {
	return func(yield func(FolderEntry, error) bool) {
		s.walk(ctx, root, "", 1, yield)
	}
}

// walk lists parent's children and recurses; it returns false when the
// walk must stop.
func (s *Service) walk(ctx context.Context, parent FolderID, path string, depth int, yield func(FolderEntry, error) bool) bool {
	if depth > maxDepth {
		return yield(FolderEntry{}, fmt.Errorf("contacts: WalkFolders: folders nested deeper than %d under %q", maxDepth, path))
	}
	for f, err := range s.ListFolders(ctx, parent, nil) {
		if err != nil {
			yield(FolderEntry{}, err)
			return false
		}
		p := f.DisplayName
		if path != "" {
			p = path + "/" + p
		}
		if !yield(FolderEntry{Folder: f, Path: p, Depth: depth}, nil) {
			return false
		}
		if f.ID != "" {
			if !s.walk(ctx, FolderID(f.ID), p, depth+1, yield) {
				return false
			}
		}
	}
	return true
}

// GetFolder fetches a contact folder by id.
func (s *Service) GetFolder(ctx context.Context, id FolderID, q *odata.Query) (*ContactFolder, error) {
	if err := checkID("GetFolder", "folder", string(id)); err != nil {
		return nil, err
	}
	return created(odata.Get[ContactFolder](ctx, s.c, odata.PathOf("contactFolders/{}", string(id)), q))
}

// CreateFolder creates a contact folder named name under parent
// (DefaultFolder for one directly below the Contacts folder) and returns
// it. Names must be unique among siblings (odata.ErrConflict otherwise).
// Outlook REST v2.0 documented no folder creation; on-premises servers
// may refuse it.
func (s *Service) CreateFolder(ctx context.Context, parent FolderID, name string) (*ContactFolder, error) {
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("contacts: CreateFolder: %w: empty folder name", odata.ErrInvalidPath)
	}
	body := struct {
		DisplayName string `json:"displayName"`
	}{name}
	return created(odata.Create[ContactFolder](ctx, s.c, foldersPath(parent), body))
}

// UpdateFolder changes the properties u sets (the display name).
func (s *Service) UpdateFolder(ctx context.Context, id FolderID, u FolderUpdate) (*ContactFolder, error) {
	if err := checkID("UpdateFolder", "folder", string(id)); err != nil {
		return nil, err
	}
	if n, ok := u.DisplayName.Get(); (ok || !u.DisplayName.IsZero()) && strings.TrimSpace(n) == "" { // empty or null
		return nil, fmt.Errorf("contacts: UpdateFolder: %w: empty folder name", odata.ErrInvalidPath)
	}
	return odata.Update[ContactFolder](ctx, s.c, odata.PathOf("contactFolders/{}", string(id)), u, u.ETag)
}

// DeleteFolder deletes a contact folder and everything in it.
func (s *Service) DeleteFolder(ctx context.Context, id FolderID) error {
	if err := checkID("DeleteFolder", "folder", string(id)); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf("contactFolders/{}", string(id)), "")
}
