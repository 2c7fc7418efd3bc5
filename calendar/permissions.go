package calendar

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Role is the level of access a calendar permission gives (Graph's
// calendarRoleType).
type Role string

// The roles Graph documents, weakest first. A permission's AllowedRoles
// says which of them the service accepts for that recipient.
const (
	RoleNone            Role = "none"         // not shared
	RoleFreeBusyRead    Role = "freeBusyRead" // free/busy only
	RoleLimitedRead     Role = "limitedRead"  // free/busy, subject and location
	RoleRead            Role = "read"         // every detail but private events
	RoleWrite           Role = "write"        // read, and edit events
	RoleDelegate        Role = "delegateWithoutPrivateEventAccess"
	RoleDelegatePrivate Role = "delegateWithPrivateEventAccess"
	// RoleCustom is what the service reports for rights set outside
	// these levels (by an Outlook client or EWS); it cannot be granted.
	RoleCustom Role = "custom"
)

var roles = []Role{RoleNone, RoleFreeBusyRead, RoleLimitedRead, RoleRead, RoleWrite, RoleDelegate, RoleDelegatePrivate, RoleCustom}

// Permission is one recipient or delegate a calendar is shared with
// (Graph's calendarPermission; over EWS, an entry of the calendar folder's
// permission set). Every calendar also lists the built-in "My
// Organization" entry (people inside the organization; EmailAddress has no
// address) and, on Exchange Online, "Anonymous"; neither is removable.
// Over EWS, Anonymous is not listed, and a permission's id is derived from
// its recipient's identity (EWS gives entries none), as are AllowedRoles
// and IsInsideOrganization.
type Permission struct {
	ID string `json:"id,omitzero"`
	// EmailAddress is who the calendar is shared with.
	EmailAddress item.EmailAddress `json:"emailAddress,omitzero"`
	// Role is the current level of access; only it can change.
	Role Role `json:"role,omitzero"`
	// AllowedRoles are the roles the service accepts for this recipient.
	AllowedRoles []Role `json:"allowedRoles,omitzero"`
	// IsRemovable is false for the built-in entries.
	IsRemovable bool `json:"isRemovable,omitzero"`
	// IsInsideOrganization says whether the recipient is in the calendar
	// owner's organization.
	IsInsideOrganization bool `json:"isInsideOrganization,omitzero"`
}

// permissionsPath is the permissions of a calendar, or one of them.
func permissionsPath(cal CalendarID, id ...string) odata.Path {
	tmpl, ids := "calendar/calendarPermissions", id
	if cal != DefaultCalendar {
		tmpl, ids = "calendars/{}/calendarPermissions", append([]string{string(cal)}, id...)
	}
	if len(id) > 0 {
		tmpl += "/{}"
	}
	return odata.PathOf(tmpl, ids...)
}

// noPermissionsOnV2 is why the Outlook REST API v2.0 cannot serve calendar
// permissions: it documents no calendarPermissions (sharing arrived with
// Microsoft Graph; on premises, EWS serves them as folder permissions).
const noPermissionsOnV2 = "calendar permissions exist in Microsoft Graph and EWS only"

// checkRole refuses a role the service would not accept in a request.
func checkRole(op string, r Role) error {
	if r == RoleCustom || !slices.Contains(roles, r) {
		return fmt.Errorf("calendar: %s: %w: role %q cannot be granted", op, ErrInvalidEvent, r)
	}
	return nil
}

// ListPermissions yields the permissions of a calendar (DefaultCalendar:
// the primary one), the built-in entries included. Only the calendar's
// owner (or a caller with full access to the mailbox) sees them: anyone
// else the calendar opens for gets an empty list (Graph answers one; over
// EWS, where Exchange refuses the permission set, the backend checks that
// the calendar opens and answers the same). It works
// through Microsoft Graph and EWS; the Outlook REST API v2.0 has no
// calendar permissions (ErrNotSupported, before any request).
func (s *Service) ListPermissions(ctx context.Context, cal CalendarID) iter.Seq2[*Permission, error] {
	if err := s.notOnV2("ListPermissions", noPermissionsOnV2); err != nil {
		return fail[Permission](err)
	}
	return odata.List[Permission](ctx, s.c, permissionsPath(cal), nil)
}

// GetPermission fetches one permission of a calendar.
func (s *Service) GetPermission(ctx context.Context, cal CalendarID, id string) (*Permission, error) {
	if err := s.checkPermission("GetPermission", id); err != nil {
		return nil, err
	}
	return odata.Get[Permission](ctx, s.c, permissionsPath(cal, id), nil)
}

type grantBody struct {
	EmailAddress item.EmailAddress `json:"emailAddress"`
	Role         Role              `json:"role"`
}

// GrantPermission shares a calendar with the mailbox at who.Address, at
// role, and returns the new permission. The address must be bare (the name,
// if any, goes in who.Name).
//
// Over EWS the address must resolve to a user of the organization's
// directory, and the change rewrites the calendar's whole permission set
// (a change another client makes meanwhile is lost). The delegate roles
// make the user one of the mailbox's Exchange delegates (AddDelegate,
// with Editor on the calendar): they work on DefaultCalendar only, and
// fail with ErrNotSupported before any request on other calendars.
func (s *Service) GrantPermission(ctx context.Context, cal CalendarID, who item.EmailAddress, role Role) (*Permission, error) {
	const op = "GrantPermission"
	if err := s.notOnV2(op, noPermissionsOnV2); err != nil {
		return nil, err
	}
	if err := checkAddress(who.Address); err != nil {
		return nil, fmt.Errorf("calendar: %s: %w: %w", op, ErrInvalidEvent, err)
	}
	if err := checkRole(op, role); err != nil {
		return nil, err
	}
	return created(odata.Create[Permission](ctx, s.c, permissionsPath(cal), grantBody{who, role}))
}

type roleBody struct {
	Role Role `json:"role"`
}

// SetPermissionRole changes the role of a permission, the one property
// Graph lets change; the service refuses a role outside the permission's
// AllowedRoles. Over EWS the delegate roles work on DefaultCalendar
// only, as in GrantPermission.
func (s *Service) SetPermissionRole(ctx context.Context, cal CalendarID, id string, role Role) (*Permission, error) {
	const op = "SetPermissionRole"
	if err := s.checkPermission(op, id); err != nil {
		return nil, err
	}
	if err := checkRole(op, role); err != nil {
		return nil, err
	}
	return odata.Update[Permission](ctx, s.c, permissionsPath(cal, id), roleBody{role}, "")
}

// RemovePermission stops sharing a calendar with a recipient. The service
// refuses to remove a built-in entry (IsRemovable false): set its role to
// RoleNone instead.
func (s *Service) RemovePermission(ctx context.Context, cal CalendarID, id string) error {
	if err := s.checkPermission("RemovePermission", id); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, permissionsPath(cal, id), "")
}

// checkPermission refuses, before any request, a permission operation the
// dialect lacks or an empty permission id.
func (s *Service) checkPermission(op, id string) error {
	if err := s.notOnV2(op, noPermissionsOnV2); err != nil {
		return err
	}
	return checkID(op, "permission", id)
}

// The wire mapping of calendar permissions. EWS has no calendarPermission
// entity: its backend serves them from the calendar folder's permission
// set, whose CalendarPermissionLevel values the EWS names below are (the
// delegate roles are delegates there, not permission levels).
var (
	roleEnum = &odata.EnumType{Name: "calendarRoleType", Values: func() []string {
		v := make([]string, len(roles))
		for i, r := range roles {
			v[i] = string(r)
		}
		return v
	}(), EWS: map[string]string{
		string(RoleNone): "None", string(RoleFreeBusyRead): "FreeBusyTimeOnly",
		string(RoleLimitedRead): "FreeBusyTimeAndSubjectAndLocation", string(RoleRead): "Reviewer",
		string(RoleWrite): "Editor", string(RoleDelegate): "", string(RoleDelegatePrivate): "",
		string(RoleCustom): "Custom",
	}}
	permissionSchema = &odata.Schema{Name: "calendarPermission", Props: []odata.Prop{
		{Graph: "id", ReadOnly: true},
		{Graph: "emailAddress", Kind: odata.KindObject, Elem: emailAddressSchema},
		{Graph: "role", Kind: odata.KindEnum, Enum: roleEnum},
		{Graph: "allowedRoles", Kind: odata.KindEnum, Collection: true, Enum: roleEnum, ReadOnly: true},
		{Graph: "isRemovable", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "isInsideOrganization", Kind: odata.KindBool, ReadOnly: true},
	}}
)

// WireSchema returns the wire mapping of a calendar permission.
func (Permission) WireSchema() *odata.Schema { return permissionSchema }

func (grantBody) WireSchema() *odata.Schema { return permissionSchema }
func (roleBody) WireSchema() *odata.Schema  { return permissionSchema }

// WireEnum returns the wire spelling of roles.
func (Role) WireEnum() *odata.EnumType { return roleEnum }

// UnmarshalText decodes a role in any case, and keeps a value it does not
// know as sent.
func (r *Role) UnmarshalText(b []byte) error {
	*r = odata.ParseEnum(b, roles...)
	return nil
}
