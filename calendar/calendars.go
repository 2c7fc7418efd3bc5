package calendar

import (
	"context"
	"fmt"
	"iter"

	"github.com/exchangekit/outlook/odata"
)

// calendarsPath is the calendars of a group, or of the mailbox for "".
func calendarsPath(group string) odata.Path {
	if group == "" {
		return odata.PathOf("calendars")
	}
	return odata.PathOf("calendarGroups/{}/calendars", group)
}

// ListCalendars yields the mailbox's calendars (every group's); q may be
// nil.
func (s *Service) ListCalendars(ctx context.Context, q *odata.Query) iter.Seq2[*Calendar, error] {
	return odata.List[Calendar](ctx, s.c, calendarsPath(""), q)
}

// ListGroupCalendars yields the calendars of one calendar group.
func (s *Service) ListGroupCalendars(ctx context.Context, groupID string, q *odata.Query) iter.Seq2[*Calendar, error] {
	if err := checkID("ListGroupCalendars", "calendar group", groupID); err != nil {
		return fail[Calendar](err)
	}
	return odata.List[Calendar](ctx, s.c, calendarsPath(groupID), q)
}

// GetCalendar fetches a calendar; DefaultCalendar fetches the primary one.
func (s *Service) GetCalendar(ctx context.Context, id CalendarID) (*Calendar, error) {
	if id == DefaultCalendar {
		return odata.Get[Calendar](ctx, s.c, odata.PathOf("calendar"), nil)
	}
	return odata.Get[Calendar](ctx, s.c, odata.PathOf("calendars/{}", string(id)), nil)
}

// checkCalendar validates a calendar before it is created.
func (s *Service) checkCalendar(op string, c *Calendar) error {
	if c == nil || c.Name == "" {
		return fmt.Errorf("calendar: %s: %w: a calendar needs a name", op, ErrInvalidEvent)
	}
	return nil
}

// CreateCalendar adds a calendar (in the default group) and returns it
// with its id. A name already taken fails with 409 (odata.ErrConflict).
func (s *Service) CreateCalendar(ctx context.Context, c *Calendar) (*Calendar, error) {
	return s.createCalendar(ctx, "CreateCalendar", "", c)
}

// CreateGroupCalendar adds a calendar to a calendar group ("" for the
// default group).
func (s *Service) CreateGroupCalendar(ctx context.Context, groupID string, c *Calendar) (*Calendar, error) {
	return s.createCalendar(ctx, "CreateGroupCalendar", groupID, c)
}

func (s *Service) createCalendar(ctx context.Context, op, groupID string, c *Calendar) (*Calendar, error) {
	if err := s.checkCalendar(op, c); err != nil {
		return nil, err
	}
	body := Calendar{Name: c.Name, Color: c.Color, Extra: c.Extra}
	return created(odata.Create[Calendar](ctx, s.c, calendarsPath(groupID), &body))
}

// UpdateCalendar renames or recolors a calendar.
func (s *Service) UpdateCalendar(ctx context.Context, id CalendarID, u CalendarUpdate) (*Calendar, error) {
	if err := checkID("UpdateCalendar", "calendar", string(id)); err != nil {
		return nil, err
	}
	if n, ok := u.Name.Get(); u.Name.IsNull() || (ok && n == "") {
		return nil, fmt.Errorf("calendar: UpdateCalendar: %w: a calendar needs a name", ErrInvalidEvent)
	}
	return odata.Update[Calendar](ctx, s.c, odata.PathOf("calendars/{}", string(id)), u, u.ETag)
}

// DeleteCalendar deletes a calendar with its events. The primary calendar
// cannot be deleted.
func (s *Service) DeleteCalendar(ctx context.Context, id CalendarID) error {
	if err := checkID("DeleteCalendar", "calendar", string(id)); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf("calendars/{}", string(id)), "")
}

// ListGroups yields the mailbox's calendar groups.
func (s *Service) ListGroups(ctx context.Context, q *odata.Query) iter.Seq2[*CalendarGroup, error] {
	return odata.List[CalendarGroup](ctx, s.c, odata.PathOf("calendarGroups"), q)
}

// GetGroup fetches a calendar group.
func (s *Service) GetGroup(ctx context.Context, id string) (*CalendarGroup, error) {
	if err := checkID("GetGroup", "calendar group", id); err != nil {
		return nil, err
	}
	return odata.Get[CalendarGroup](ctx, s.c, odata.PathOf("calendarGroups/{}", id), nil)
}

type groupBody struct {
	Name string `json:"name"`
}

// CreateGroup adds a calendar group named name.
func (s *Service) CreateGroup(ctx context.Context, name string) (*CalendarGroup, error) {
	if name == "" {
		return nil, fmt.Errorf("calendar: CreateGroup: %w: a calendar group needs a name", ErrInvalidEvent)
	}
	return created(odata.Create[CalendarGroup](ctx, s.c, odata.PathOf("calendarGroups"), groupBody{name}))
}

// RenameGroup renames a calendar group.
func (s *Service) RenameGroup(ctx context.Context, id, name string) (*CalendarGroup, error) {
	if err := checkID("RenameGroup", "calendar group", id); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, fmt.Errorf("calendar: RenameGroup: %w: a calendar group needs a name", ErrInvalidEvent)
	}
	return odata.Update[CalendarGroup](ctx, s.c, odata.PathOf("calendarGroups/{}", id), groupBody{name}, "")
}

// DeleteGroup deletes a calendar group; the service refuses one that still
// holds calendars.
func (s *Service) DeleteGroup(ctx context.Context, id string) error {
	if err := checkID("DeleteGroup", "calendar group", id); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf("calendarGroups/{}", id), "")
}
