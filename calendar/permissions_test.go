package calendar_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// permissions lists a calendar's permissions by address ("" for My
// Organization).
func permissions(t *testing.T, e *env, cal calendar.CalendarID) map[string]*calendar.Permission {
	t.Helper()
	out := map[string]*calendar.Permission{}
	for p, err := range e.MB.Calendar.ListPermissions(t.Context(), cal) {
		noErr(t, "ListPermissions", err)
		out[p.EmailAddress.Address] = p
	}
	return out
}

func TestCalendarPermissions(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		if e.Loc != cloud {
			// Neither the REST API v2.0 (which has no calendarPermissions)
			// nor, yet, the EWS backend (folder PermissionSet) serves
			// calendar permissions: each call fails with ErrNotSupported
			// before any request.
			before := servicetest.RESTRequests(e.Srv, onPremHost)
			var errL error
			for _, err := range cal.ListPermissions(ctx, calendar.DefaultCalendar) {
				errL = err
				break
			}
			_, errG := cal.GrantPermission(ctx, calendar.DefaultCalendar, item.EmailAddress{Address: "ana@fabrikam.com"}, calendar.RoleRead)
			_, errS := cal.SetPermissionRole(ctx, "AAMkAG", "p1", calendar.RoleWrite)
			errR := cal.RemovePermission(ctx, "AAMkAG", "p1")
			_, errP := cal.GetPermission(ctx, calendar.DefaultCalendar, "p1")
			for i, err := range []error{errL, errG, errS, errR, errP} {
				if !errors.Is(err, odata.ErrNotSupported) {
					t.Errorf("permission call %d in %s: %v, want ErrNotSupported", i, e.Loc, err)
				}
			}
			if n := servicetest.RESTRequests(e.Srv, onPremHost) - before; n != 0 {
				t.Errorf("%d requests for calendar permissions in %s", n, e.Loc)
			}
			return
		}
		for _, target := range []string{"default", "created"} {
			t.Run(target, func(t *testing.T) {
				id := calendar.DefaultCalendar
				if target == "created" {
					c, err := cal.CreateCalendar(ctx, &calendar.Calendar{Name: "Shared " + target})
					noErr(t, "CreateCalendar", err)
					id = calendar.CalendarID(c.ID)
				}
				// A new calendar lists My Organization only: free/busy,
				// no address, not removable.
				ps := permissions(t, e, id)
				org := ps[""]
				if len(ps) != 1 || org == nil || org.EmailAddress.Name != "My Organization" || org.IsRemovable ||
					!org.IsInsideOrganization || org.Role != calendar.RoleFreeBusyRead || slices.Contains(org.AllowedRoles, calendar.RoleDelegate) {
					t.Fatalf("permissions of a new calendar = %+v", ps)
				}
				_, domain, _ := strings.Cut(e.Addr, "@")
				inside, outside := "megan@"+domain, "guest@fabrikam.com"
				p, err := cal.GrantPermission(ctx, id, item.EmailAddress{Name: "Megan", Address: inside}, calendar.RoleRead)
				noErr(t, "GrantPermission", err)
				if p.ID == "" || p.Role != calendar.RoleRead || !p.IsRemovable || !p.IsInsideOrganization ||
					!slices.Contains(p.AllowedRoles, calendar.RoleDelegatePrivate) || p.EmailAddress.Address != inside {
					t.Fatalf("granted = %+v", p)
				}
				// Delegation and editing are for people inside the organization.
				_, err = cal.GrantPermission(ctx, id, item.EmailAddress{Address: outside}, calendar.RoleDelegate)
				wantStatus(t, "GrantPermission of delegate outside", err, http.StatusBadRequest)
				g, err := cal.GrantPermission(ctx, id, item.EmailAddress{Address: outside}, calendar.RoleLimitedRead)
				noErr(t, "GrantPermission outside", err)
				if g.IsInsideOrganization || g.Role != calendar.RoleLimitedRead || slices.Contains(g.AllowedRoles, calendar.RoleWrite) {
					t.Errorf("outside recipient = %+v", g)
				}
				p2, err := cal.SetPermissionRole(ctx, id, p.ID, calendar.RoleDelegate)
				noErr(t, "SetPermissionRole", err)
				if p2.Role != calendar.RoleDelegate || p2.ID != p.ID {
					t.Errorf("changed = %+v", p2)
				}
				got, err := cal.GetPermission(ctx, id, p.ID)
				noErr(t, "GetPermission", err)
				if got.Role != calendar.RoleDelegate {
					t.Errorf("GetPermission role = %q", got.Role)
				}
				_, err = cal.SetPermissionRole(ctx, id, g.ID, calendar.RoleDelegatePrivate)
				wantStatus(t, "SetPermissionRole outside allowedRoles", err, http.StatusBadRequest)
				// My Organization stays, with its role changeable.
				err = cal.RemovePermission(ctx, id, org.ID)
				wantStatus(t, "RemovePermission of My Organization", err, http.StatusBadRequest)
				_, err = cal.SetPermissionRole(ctx, id, org.ID, calendar.RoleNone)
				noErr(t, "SetPermissionRole of My Organization", err)
				noErr(t, "RemovePermission", cal.RemovePermission(ctx, id, g.ID))
				ps = permissions(t, e, id)
				if len(ps) != 2 || ps[inside] == nil || ps[inside].Role != calendar.RoleDelegate || ps[""].Role != calendar.RoleNone {
					t.Errorf("permissions at the end = %+v", ps)
				}
			})
		}
	})
}

// wantStatus checks that err is the service's refusal with status code.
func wantStatus(t *testing.T, what string, err error, code int) {
	t.Helper()
	if oe, ok := errors.AsType[*odata.Error](err); !ok || oe.StatusCode != code {
		t.Errorf("%s: %v, want a %d", what, err, code)
	}
}

func TestCalendarPermissionsRefusedBeforeRequest(t *testing.T) {
	e := newEnv(t, cloud)
	ctx, cal := t.Context(), e.MB.Calendar
	before := servicetest.RESTRequests(e.Srv)
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"custom role", second(cal.GrantPermission(ctx, "", item.EmailAddress{Address: "megan@example.org"}, calendar.RoleCustom)), calendar.ErrInvalidEvent},
		{"unknown role", second(cal.GrantPermission(ctx, "", item.EmailAddress{Address: "megan@example.org"}, "owner")), calendar.ErrInvalidEvent},
		{"address with a name", second(cal.GrantPermission(ctx, "", item.EmailAddress{Address: "Megan <megan@example.org>"}, calendar.RoleRead)), calendar.ErrInvalidEvent},
		{"empty role", second(cal.SetPermissionRole(ctx, "", "p1", "")), calendar.ErrInvalidEvent},
		{"empty id", second(cal.SetPermissionRole(ctx, "", " ", calendar.RoleRead)), odata.ErrInvalidPath},
		{"empty id remove", cal.RemovePermission(ctx, "", ""), odata.ErrInvalidPath},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if n := servicetest.RESTRequests(e.Srv) - before; n != 0 {
		t.Errorf("%d requests for refused permission calls", n)
	}
}

func second[T any](_ T, err error) error { return err }
