package outlooktest_test

import (
	"net/http"
	"testing"
)

// Calendar permissions refuse what Graph refuses, including what the SDK
// never sends: an unknown role, a change of a property other than role, a
// recipient without an address. v2.0 has no such segment.
func TestCalendarPermissionRefusals(t *testing.T) {
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			path := "/calendar/calendarPermissions"
			if rc.v2 {
				if r := rc.do(t, http.MethodGet, path, nil); r.status != http.StatusNotFound {
					t.Fatalf("v2.0 calendarPermissions = %d %s; want 404", r.status, r.raw)
				}
				return
			}
			for _, body := range []map[string]any{
				{"emailAddress": map[string]any{"address": "megan@fabrikam.com"}, "role": "owner"},
				{"emailAddress": map[string]any{"name": "Megan"}, "role": "read"},
				{"emailAddress": map[string]any{"address": "megan@fabrikam.com"}, "role": "write"}, // not allowed outside
			} {
				if r := rc.do(t, http.MethodPost, path, body); r.status != http.StatusBadRequest {
					t.Errorf("POST %v = %d %s; want 400", body, r.status, r.raw)
				}
			}
			p := rc.must(t, http.StatusCreated, http.MethodPost, path,
				map[string]any{"emailAddress": map[string]any{"address": "megan@fabrikam.com"}, "role": "read"}).json(t)
			id, _ := p["id"].(string)
			for _, patch := range []map[string]any{{"isRemovable": false}, {"allowedRoles": []string{"write"}}, {"role": "boss"}} {
				if r := rc.do(t, http.MethodPatch, path+"/"+id, patch); r.status != http.StatusBadRequest {
					t.Errorf("PATCH %v = %d %s; want 400", patch, r.status, r.raw)
				}
			}
			rc.must(t, http.StatusNoContent, http.MethodDelete, path+"/"+id, nil)
			rc.must(t, http.StatusNotFound, http.MethodGet, path+"/"+id, nil)
		})
	}
}
