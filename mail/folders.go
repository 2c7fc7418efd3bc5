package mail

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/exchangekit/outlook/odata"
)

// foldersPath is the child folders of parent, or the top-level folders
// (children of MsgFolderRoot) for "".
func foldersPath(parent FolderID) odata.Path {
	if parent == "" {
		return odata.PathOf("mailFolders")
	}
	return odata.PathOf("mailFolders/{}/childFolders", string(parent))
}

// FolderOptions are the options of folder listings; nil means the defaults.
type FolderOptions struct {
	// Query selects, filters or orders the folders.
	Query *odata.Query
	// IncludeHidden lists hidden folders too (Graph only; on-premises
	// servers ignore it).
	IncludeHidden bool
}

func (o *FolderOptions) query() *odata.Query {
	if o == nil {
		return nil
	}
	return o.Query
}

// ListFolders yields the folders directly under parent, or the top-level
// folders (Inbox, Drafts, ...) when parent is "". opts may be nil.
func (s *Service) ListFolders(ctx context.Context, parent FolderID, opts *FolderOptions) iter.Seq2[*MailFolder, error] {
	r := &odata.Request{Method: http.MethodGet, Path: foldersPath(parent), Query: opts.query()}
	if opts != nil && opts.IncludeHidden {
		r.Params = url.Values{"includeHiddenFolders": {"true"}}
	}
	return odata.Items[MailFolder](ctx, s.c, r)
}

// FolderEntry is one folder of a tree walk.
type FolderEntry struct {
	Folder *MailFolder
	// Path is the folder's display name and those of its ancestors below
	// the walk's root, joined with "/" (a "/" inside a name is kept as is).
	Path  string
	Depth int // 1 for the root's children
}

// WalkFolders yields every folder below root ("" for the whole mailbox),
// depth first, each parent before its children. It lists a folder's
// children only when ChildFolderCount says it has some, and holds one page
// per level in memory. Breaking out of the loop stops the walk.
func (s *Service) WalkFolders(ctx context.Context, root FolderID, opts *FolderOptions) iter.Seq2[FolderEntry, error] {
	return func(yield func(FolderEntry, error) bool) {
		s.walk(ctx, root, "", 1, opts, yield)
	}
}

// walk lists parent's children and recurses; it returns false when the
// walk must stop.
func (s *Service) walk(ctx context.Context, parent FolderID, path string, depth int, opts *FolderOptions, yield func(FolderEntry, error) bool) bool {
	if depth > 300 {
		return yield(FolderEntry{}, fmt.Errorf("mail: WalkFolders: folders nested deeper than 300 under %q", path))
	}
	for f, err := range s.ListFolders(ctx, parent, opts) {
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
		if f.ChildFolderCount > 0 && f.ID != "" {
			if !s.walk(ctx, FolderID(f.ID), p, depth+1, opts, yield) {
				return false
			}
		}
	}
	return true
}

// GetFolder fetches a folder by id or well-known name.
func (s *Service) GetFolder(ctx context.Context, id FolderID, q *odata.Query) (*MailFolder, error) {
	if err := checkFolder("GetFolder", id); err != nil {
		return nil, err
	}
	return odata.Get[MailFolder](ctx, s.c, odata.PathOf("mailFolders/{}", string(id)), q)
}

// CreateFolder creates a folder named name under parent ("" for the top
// level) and returns it. Names must be unique among siblings
// (odata.ErrConflict otherwise).
func (s *Service) CreateFolder(ctx context.Context, parent FolderID, name string) (*MailFolder, error) {
	return s.createFolder(ctx, "CreateFolder", parent, &MailFolder{DisplayName: name})
}

// CreateFolderFrom creates a folder from f (DisplayName, and IsHidden on
// Graph) under parent ("" for the top level).
func (s *Service) CreateFolderFrom(ctx context.Context, parent FolderID, f *MailFolder) (*MailFolder, error) {
	return s.createFolder(ctx, "CreateFolderFrom", parent, f)
}

func (s *Service) createFolder(ctx context.Context, op string, parent FolderID, f *MailFolder) (*MailFolder, error) {
	if f == nil || strings.TrimSpace(f.DisplayName) == "" {
		return nil, fmt.Errorf("mail: %s: empty folder name: %w", op, odata.ErrInvalidPath)
	}
	body := struct {
		DisplayName string `json:"displayName"`
		IsHidden    bool   `json:"isHidden,omitzero"`
	}{f.DisplayName, f.IsHidden}
	if body.IsHidden {
		if err := s.notOnV2(op, "hidden folders are a Microsoft Graph feature"); err != nil {
			return nil, err
		}
	}
	return created(odata.Create[MailFolder](ctx, s.c, foldersPath(parent), body))
}

// UpdateFolder changes the properties u sets (the display name).
func (s *Service) UpdateFolder(ctx context.Context, id FolderID, u FolderUpdate) (*MailFolder, error) {
	if err := checkFolder("UpdateFolder", id); err != nil {
		return nil, err
	}
	if n, ok := u.DisplayName.Get(); ok && strings.TrimSpace(n) == "" {
		return nil, fmt.Errorf("mail: UpdateFolder: %w: empty folder name", odata.ErrInvalidPath)
	}
	return odata.Update[MailFolder](ctx, s.c, odata.PathOf("mailFolders/{}", string(id)), u, u.ETag)
}

// DeleteFolder deletes a folder and everything in it (to Deleted Items).
func (s *Service) DeleteFolder(ctx context.Context, id FolderID) error {
	if err := checkFolder("DeleteFolder", id); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf("mailFolders/{}", string(id)), "")
}

// MoveFolder moves a folder under another and returns it.
func (s *Service) MoveFolder(ctx context.Context, id, to FolderID) (*MailFolder, error) {
	return s.relocateFolder(ctx, "MoveFolder", "move", id, to)
}

// CopyFolder copies a folder and its contents under another and returns
// the copy.
func (s *Service) CopyFolder(ctx context.Context, id, to FolderID) (*MailFolder, error) {
	return s.relocateFolder(ctx, "CopyFolder", "copy", id, to)
}

func (s *Service) relocateFolder(ctx context.Context, op, action string, id, to FolderID) (*MailFolder, error) {
	if err := checkFolder(op, id); err != nil {
		return nil, err
	}
	if err := checkID(op, "destination folder", string(to)); err != nil {
		return nil, err
	}
	return created(odata.Invoke[MailFolder](ctx, s.c, odata.PathOf("mailFolders/{}/"+action, string(id)), destination{string(to)}))
}
