package mail_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

func TestFolders(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		inbox, err := svc.GetFolder(ctx, mail.Inbox, nil)
		if err != nil {
			t.Fatalf("GetFolder(Inbox): %v", err)
		}
		if inbox.ID == "" || inbox.DisplayName == "" {
			t.Errorf("GetFolder(Inbox) = %+v", inbox)
		}
		var top []string
		for f, err := range svc.ListFolders(ctx, "", nil) {
			if err != nil {
				t.Fatalf("ListFolders: %v", err)
			}
			top = append(top, f.DisplayName)
		}
		for _, want := range []string{inbox.DisplayName, "Drafts", "Sent Items", "Deleted Items"} {
			if !slices.Contains(top, want) {
				t.Errorf("top-level folders %q lack %q", top, want)
			}
		}

		receipts, err := svc.CreateFolder(ctx, mail.Inbox, "Receipts")
		if err != nil {
			t.Fatalf("CreateFolder: %v", err)
		}
		if receipts.ParentFolderID != inbox.ID || receipts.DisplayName != "Receipts" {
			t.Errorf("CreateFolder = %+v", receipts)
		}
		y2026, err := svc.CreateFolder(ctx, mail.FolderID(receipts.ID), "2026")
		if err != nil {
			t.Fatalf("CreateFolder(child): %v", err)
		}
		projects, err := svc.CreateFolder(ctx, "", "Projects")
		if err != nil {
			t.Fatalf("CreateFolder(top level): %v", err)
		}

		paths := map[string]int{}
		for fe, err := range svc.WalkFolders(ctx, "", nil) {
			if err != nil {
				t.Fatalf("WalkFolders: %v", err)
			}
			paths[fe.Path] = fe.Depth
		}
		want := map[string]int{inbox.DisplayName + "/Receipts": 2, inbox.DisplayName + "/Receipts/2026": 3, "Projects": 1}
		for p, d := range want {
			if paths[p] != d {
				t.Errorf("WalkFolders: %q at depth %d, want %d (walked %v)", p, paths[p], d, paths)
			}
		}
		n := 0
		for _, err := range svc.WalkFolders(ctx, "", nil) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 2 {
				break
			}
		}

		u, err := svc.UpdateFolder(ctx, mail.FolderID(y2026.ID), mail.FolderUpdate{DisplayName: odata.Set("FY2026")})
		if err != nil {
			t.Fatalf("UpdateFolder: %v", err)
		}
		if u.DisplayName != "FY2026" {
			t.Errorf("UpdateFolder = %+v", u)
		}
		e.Box.Add("messages", outlooktest.Object{"subject": "invoice", "parentFolderId": y2026.ID})

		cp, err := svc.CopyFolder(ctx, mail.FolderID(y2026.ID), mail.FolderID(projects.ID))
		switch {
		case err != nil:
			t.Fatalf("CopyFolder: %v", err)
		case cp.ParentFolderID != projects.ID || cp.DisplayName != "FY2026" || cp.ID == y2026.ID:
			t.Errorf("CopyFolder = %+v", cp)
		}
		mv, err := svc.MoveFolder(ctx, mail.FolderID(receipts.ID), mail.FolderID(projects.ID))
		switch {
		case err != nil:
			t.Fatalf("MoveFolder: %v", err)
		case mv.ParentFolderID != projects.ID:
			t.Errorf("MoveFolder = %+v", mv)
		default:
			if got := subjects(t, svc.ListMessages(ctx, mail.FolderID(y2026.ID), nil)); !slices.Equal(got, []string{"invoice"}) {
				t.Errorf("messages of the moved folder = %q", got)
			}
		}
		if err := svc.DeleteFolder(ctx, mail.FolderID(projects.ID)); err != nil {
			t.Fatalf("DeleteFolder: %v", err)
		}
		// A deleted folder goes to Deleted Items (Graph, and EWS's
		// MoveToDeletedItems) or is gone: either way it is no longer where
		// it was.
		deleted, err := svc.GetFolder(ctx, mail.DeletedItems, nil)
		if err != nil {
			t.Fatal(err)
		}
		if f, err := svc.GetFolder(ctx, mail.FolderID(projects.ID), nil); !errors.Is(err, odata.ErrNotFound) && (err != nil || f.ParentFolderID != deleted.ID) {
			t.Errorf("GetFolder of a deleted folder: %+v, %v; want ErrNotFound or the folder in Deleted Items", f, err)
		}
		for f, err := range svc.ListFolders(ctx, "", nil) {
			if err != nil {
				t.Fatal(err)
			}
			if f.ID == projects.ID {
				t.Errorf("the deleted folder is still listed at the top level")
			}
		}
	})
}
