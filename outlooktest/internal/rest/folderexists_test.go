package rest

import (
	"net/http"
	"testing"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
)

// TestFolderNameClash checks 409 ErrorFolderExists for a folder created,
// renamed, moved or copied beside a sibling of the same name (compared
// case-insensitively), in both dialects, and that the same operations pass
// where the name is free.
func TestFolderNameClash(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			n := f.n
			receipts := m.Add("mailFolders", Object{"displayName": "Receipts"})
			sub := m.Add("mailFolders", Object{"displayName": "Receipts", "parentFolderId": "archive"})
			other := m.Add("mailFolders", Object{"displayName": "Bills", "parentFolderId": "archive"})
			vendors := m.Add("contactFolders", Object{"displayName": "Vendors"})
			m.Add("contactFolders", Object{"displayName": "Staff"})
			cal := m.Add("calendars", Object{"name": "Team"})
			m.Add("calendars", Object{"name": "Holidays"})
			tests := []struct {
				name, method, path string
				body               Object
				want               int
			}{
				{"create beside the same name", "POST", "/me/mailFolders", Object{n("displayName"): "receipts"}, 409},
				{"create beside a well-known folder", "POST", "/me/mailFolders", Object{n("displayName"): "INBOX"}, 409},
				{"create a child beside the same name", "POST", "/me/mailFolders/archive/childFolders", Object{n("displayName"): "BILLS"}, 409},
				{"create a name used elsewhere only", "POST", "/me/mailFolders/inbox/childFolders", Object{n("displayName"): "Receipts"}, 201},
				{"rename onto a sibling", "PATCH", "/me/mailFolders/" + other, Object{n("displayName"): "receipts"}, 409},
				{"rename to its own name in another case", "PATCH", "/me/mailFolders/" + other, Object{n("displayName"): "BILLS"}, 200},
				{"rename to a free name", "PATCH", "/me/mailFolders/" + receipts, Object{n("displayName"): "Old receipts"}, 200},
				{"move beside the same name", "POST", "/me/mailFolders/" + sub + "/move", Object{n("destinationId"): "inbox"}, 409},
				{"move where it already is", "POST", "/me/mailFolders/" + other + "/move", Object{n("destinationId"): "archive"}, moveStatus(dl.d)},
				{"copy next to itself", "POST", "/me/mailFolders/" + other + "/copy", Object{n("destinationId"): "archive"}, 409},
				{"copy beside the same name", "POST", "/me/mailFolders/" + sub + "/copy", Object{n("destinationId"): "inbox"}, 409},
				{"copy where the name is free", "POST", "/me/mailFolders/" + sub + "/copy", Object{n("destinationId"): "drafts"}, moveStatus(dl.d)},
				{"create a contact folder beside the same name", "POST", "/me/contactFolders", Object{n("displayName"): "staff"}, 409},
				{"rename a contact folder onto a sibling", "PATCH", "/me/contactFolders/" + vendors, Object{n("displayName"): "STAFF"}, 409},
				{"create a contact folder", "POST", "/me/contactFolders", Object{n("displayName"): "Suppliers"}, 201},
				{"create a calendar beside the same name", "POST", "/me/calendars", Object{n("name"): "holidays"}, 409},
				{"create a calendar beside the default one", "POST", "/me/calendars", Object{n("name"): "calendar"}, 409},
				{"rename a calendar onto a sibling", "PATCH", "/me/calendars/" + cal, Object{n("name"): "Holidays"}, 409},
				{"create a calendar", "POST", "/me/calendars", Object{n("name"): "Rota"}, 201},
			}
			for _, tc := range tests {
				a := f.do(t, tc.method, tc.path, tc.body)
				if a.status != tc.want {
					t.Errorf("%s: %s %s = %s; want %d", tc.name, tc.method, tc.path, a, tc.want)
					continue
				}
				if tc.want == http.StatusConflict {
					if a.errCode() != "ErrorFolderExists" {
						t.Errorf("%s: code %q; want ErrorFolderExists", tc.name, a.errCode())
					}
					e, _ := a.body["error"].(map[string]any)
					if e["message"] != "A folder with the specified name already exists." {
						t.Errorf("%s: message %v", tc.name, e["message"])
					}
				}
			}
			// Nothing refused changed the mailbox.
			for _, want := range []struct {
				coll, id, prop, name string
			}{{"mailFolders", sub, "displayName", "Receipts"}, {"mailFolders", other, "displayName", "BILLS"},
				{"contactFolders", vendors, "displayName", "Vendors"}, {"calendars", cal, "name", "Team"}} {
				got, ok := m.Get(want.coll, want.id)
				if !ok || got[want.prop] != want.name {
					t.Errorf("%s %s is now %v; want %s %q", want.coll, want.id, got, want.prop, want.name)
				}
			}
			if sf, _ := m.Get("mailFolders", sub); sf["parentFolderId"] != m.m.WellKnown("archive") {
				t.Errorf("the refused move moved the folder to %v", sf["parentFolderId"])
			}
			copies := 0
			for _, o := range m.Items("mailFolders") {
				if o["displayName"] == "Receipts" {
					copies++
				}
			}
			if copies != 3 {
				t.Errorf("%d folders named Receipts; want 3 (archive's, the new child of inbox, the copy in drafts)", copies)
			}
		})
	}
}

func moveStatus(d dialect.Dialect) int {
	if d == dialect.V2 {
		return http.StatusCreated
	}
	return http.StatusOK
}
