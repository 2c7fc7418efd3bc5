package calendar_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
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

// TestCalendarPermissions runs one program over Graph and EWS. The
// protocols differ where Exchange does: over EWS a recipient must be a
// user of the directory (so the test's are), and Graph's delegate roles
// are Exchange's delegates, which belong to the mailbox, so EWS serves
// them on the default calendar only; the rest is the same code.
func TestCalendarPermissions(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		if e.Loc == rest {
			// The REST API v2.0 has no calendarPermissions: each call
			// fails with ErrNotSupported before any request.
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
		e.Srv.AddPerson(outlooktest.Person{Address: "guest@fabrikam.com", Name: "Guest"})
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
				inside, outside := e.Other, "guest@fabrikam.com"
				p, err := cal.GrantPermission(ctx, id, item.EmailAddress{Name: "Megan", Address: inside}, calendar.RoleRead)
				noErr(t, "GrantPermission", err)
				if p.ID == "" || p.Role != calendar.RoleRead || !p.IsRemovable || !p.IsInsideOrganization ||
					!slices.Contains(p.AllowedRoles, calendar.RoleWrite) || p.EmailAddress.Address != inside {
					t.Fatalf("granted = %+v", p)
				}
				// Delegates are the mailbox's: EWS serves the delegate roles
				// on the default calendar only, and refuses them elsewhere
				// before any request.
				delegate := calendar.RoleDelegate
				if e.Loc == ews && target == "created" {
					delegate = calendar.RoleWrite
					before := servicetest.RESTRequests(e.Srv, onPremHost)
					_, errG := cal.GrantPermission(ctx, id, item.EmailAddress{Address: outside}, calendar.RoleDelegate)
					_, errS := cal.SetPermissionRole(ctx, id, p.ID, calendar.RoleDelegatePrivate)
					for i, err := range []error{errG, errS} {
						if !errors.Is(err, odata.ErrNotSupported) {
							t.Errorf("delegate role %d on another calendar over EWS: %v, want ErrNotSupported", i, err)
						}
					}
					if n := servicetest.RESTRequests(e.Srv, onPremHost) - before; n != 0 {
						t.Errorf("%d requests for refused delegate roles", n)
					}
					if slices.Contains(p.AllowedRoles, calendar.RoleDelegate) {
						t.Errorf("AllowedRoles over EWS = %v, with a delegate role it refuses", p.AllowedRoles)
					}
				} else {
					if !slices.Contains(p.AllowedRoles, calendar.RoleDelegatePrivate) {
						t.Errorf("AllowedRoles = %v, want the delegate roles", p.AllowedRoles)
					}
					// Delegation and editing are for people inside the organization.
					_, err = cal.GrantPermission(ctx, id, item.EmailAddress{Address: outside}, calendar.RoleDelegate)
					wantStatus(t, "GrantPermission of delegate outside", err, http.StatusBadRequest)
				}
				_, err = cal.GrantPermission(ctx, id, item.EmailAddress{Address: outside}, calendar.RoleWrite)
				wantStatus(t, "GrantPermission of write outside", err, http.StatusBadRequest)
				_, err = cal.GrantPermission(ctx, id, item.EmailAddress{Address: "nobody@fabrikam.com"}, calendar.RoleRead)
				if e.Loc == ews {
					// Exchange resolves the recipient in its directory.
					wantStatus(t, "GrantPermission of an unknown user", err, http.StatusBadRequest)
				} else {
					noErr(t, "GrantPermission of an address Graph does not resolve", err)
					ps := permissions(t, e, id)
					noErr(t, "RemovePermission", cal.RemovePermission(ctx, id, ps["nobody@fabrikam.com"].ID))
				}
				g, err := cal.GrantPermission(ctx, id, item.EmailAddress{Address: outside}, calendar.RoleLimitedRead)
				noErr(t, "GrantPermission outside", err)
				if g.IsInsideOrganization || g.Role != calendar.RoleLimitedRead || slices.Contains(g.AllowedRoles, calendar.RoleWrite) {
					t.Errorf("outside recipient = %+v", g)
				}
				_, err = cal.GrantPermission(ctx, id, item.EmailAddress{Address: inside}, calendar.RoleWrite)
				wantStatus(t, "GrantPermission twice", err, http.StatusBadRequest)
				p2, err := cal.SetPermissionRole(ctx, id, p.ID, delegate)
				noErr(t, "SetPermissionRole", err)
				if p2.Role != delegate || p2.ID != p.ID {
					t.Errorf("changed = %+v", p2)
				}
				got, err := cal.GetPermission(ctx, id, p.ID)
				noErr(t, "GetPermission", err)
				if got.Role != delegate {
					t.Errorf("GetPermission role = %q", got.Role)
				}
				_, err = cal.SetPermissionRole(ctx, id, g.ID, calendar.RoleWrite)
				wantStatus(t, "SetPermissionRole outside allowedRoles", err, http.StatusBadRequest)
				if delegate != calendar.RoleWrite {
					// A delegate stops being one for a plain role, and
					// becomes one again.
					for _, r := range []calendar.Role{calendar.RoleRead, calendar.RoleDelegatePrivate, delegate} {
						got, err := cal.SetPermissionRole(ctx, id, p.ID, r)
						noErr(t, "SetPermissionRole "+string(r), err)
						if got.Role != r || permissions(t, e, id)[inside].Role != r {
							t.Errorf("after SetPermissionRole %s: %+v", r, got)
						}
					}
				}
				// My Organization stays, with its role changeable.
				err = cal.RemovePermission(ctx, id, org.ID)
				wantStatus(t, "RemovePermission of My Organization", err, http.StatusBadRequest)
				_, err = cal.SetPermissionRole(ctx, id, org.ID, calendar.RoleNone)
				noErr(t, "SetPermissionRole of My Organization", err)
				noErr(t, "RemovePermission", cal.RemovePermission(ctx, id, g.ID))
				_, err = cal.GetPermission(ctx, id, g.ID)
				wantStatus(t, "GetPermission of a removed permission", err, http.StatusNotFound)
				ps = permissions(t, e, id)
				if len(ps) != 2 || ps[inside] == nil || ps[inside].Role != delegate || ps[""].Role != calendar.RoleNone {
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

// TestCalendarPermissionsAcrossProtocols: the fake keeps one set of
// permissions, so a grant through the client shows in the server's Graph
// view, and a change another client makes there shows to the client, over
// Graph and over EWS alike.
func TestCalendarPermissionsAcrossProtocols(t *testing.T) {
	servicetest.Locations{cloud, ews}.Each(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		p, err := cal.GrantPermission(ctx, calendar.DefaultCalendar, item.EmailAddress{Address: e.Other}, calendar.RoleFreeBusyRead)
		noErr(t, "GrantPermission", err)
		var storeID string
		for _, o := range e.Box.Items("calendarPermissions") {
			if ea, _ := o["emailAddress"].(map[string]any); ea["address"] == e.Other {
				storeID, _ = o["id"].(string)
				if o["role"] != "freeBusyRead" || o["isInsideOrganization"] != true {
					t.Errorf("the server's view of the grant: %v", o)
				}
			}
		}
		if storeID == "" {
			t.Fatalf("the server does not hold the grant: %v", e.Box.Items("calendarPermissions"))
		}
		if err := e.Box.Update("calendarPermissions", storeID, outlooktest.Object{"role": "write"}); err != nil {
			t.Fatal(err)
		}
		got, err := cal.GetPermission(ctx, calendar.DefaultCalendar, p.ID)
		noErr(t, "GetPermission", err)
		if got.Role != calendar.RoleWrite {
			t.Errorf("after another client's change, the role is %q", got.Role)
		}
	})
}
