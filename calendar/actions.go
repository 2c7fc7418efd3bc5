package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// ResponseOptions are the options of Accept, TentativelyAccept and
// Decline; nil means the defaults (no comment, the organizer is told).
type ResponseOptions struct {
	// Comment is sent to the organizer with the response.
	Comment string
	// Silent responds without telling the organizer (sendResponse false).
	Silent bool
	// ProposedNewTime proposes another time (TentativelyAccept and
	// Decline, Graph only; not with Silent, and not on events that do not
	// allow new time proposals).
	ProposedNewTime *item.TimeSlot
}

type responseBody struct {
	Comment         string         `json:"comment,omitzero"`
	SendResponse    bool           `json:"sendResponse"`
	ProposedNewTime *item.TimeSlot `json:"proposedNewTime,omitzero"`
}

func (s *Service) respond(ctx context.Context, op, action, id string, opts *ResponseOptions) error {
	if err := checkID(op, "event", id); err != nil {
		return err
	}
	b := responseBody{SendResponse: true}
	if opts != nil {
		b.Comment, b.SendResponse, b.ProposedNewTime = opts.Comment, !opts.Silent, opts.ProposedNewTime
	}
	if b.ProposedNewTime != nil {
		if action == "accept" {
			return fmt.Errorf("calendar: %s: %w: only TentativelyAccept and Decline propose a new time", op, ErrInvalidEvent)
		}
		if err := s.notOnV2(op, "Outlook REST v2.0 takes a comment, not a proposed new time"); err != nil {
			return err
		}
		if !b.SendResponse {
			return fmt.Errorf("calendar: %s: %w: a proposed time needs a response sent (not Silent)", op, ErrInvalidEvent)
		}
	}
	return odata.Action(ctx, s.c, odata.PathOf("events/{}/"+action, id), b)
}

// Accept accepts a meeting request in the mailbox's calendar; the event
// id may be an occurrence's, to accept that one only. The organizer cannot
// respond to their own meeting (the service answers 400).
func (s *Service) Accept(ctx context.Context, id string, opts *ResponseOptions) error {
	return s.respond(ctx, "Accept", "accept", id, opts)
}

// TentativelyAccept accepts a meeting request tentatively, as Accept does.
func (s *Service) TentativelyAccept(ctx context.Context, id string, opts *ResponseOptions) error {
	return s.respond(ctx, "TentativelyAccept", "tentativelyAccept", id, opts)
}

// Decline declines a meeting request, as Accept accepts one.
func (s *Service) Decline(ctx context.Context, id string, opts *ResponseOptions) error {
	return s.respond(ctx, "Decline", "decline", id, opts)
}

type commentBody struct {
	Comment string `json:"comment,omitzero"`
}

// Cancel cancels a meeting the mailbox organized: attendees get a
// cancellation with comment, and the event moves to Deleted Items. The id
// may be an occurrence's. An attendee's call fails with 400 (use Decline).
// Graph only: on-premises servers had it in beta.
func (s *Service) Cancel(ctx context.Context, id, comment string) error {
	if err := checkID("Cancel", "event", id); err != nil {
		return err
	}
	if err := s.notOnV2("Cancel", "event cancel was a beta action of Outlook REST"); err != nil {
		return err
	}
	return odata.Action(ctx, s.c, odata.PathOf("events/{}/cancel", id), commentBody{comment})
}

type forwardBody struct {
	ToRecipients []item.Recipient `json:"toRecipients"`
	Comment      string           `json:"comment,omitzero"`
}

// Forward forwards a meeting invitation to the recipients, with comment.
// Graph only: on-premises servers had it in beta.
func (s *Service) Forward(ctx context.Context, id string, to []item.Recipient, comment string) error {
	if err := checkID("Forward", "event", id); err != nil {
		return err
	}
	if len(to) == 0 {
		return fmt.Errorf("calendar: Forward: %w: no recipients", ErrInvalidEvent)
	}
	for i, r := range to {
		if err := checkAddress(r.EmailAddress.Address); err != nil {
			return fmt.Errorf("calendar: Forward: %w: recipient %d: %w", ErrInvalidEvent, i+1, err)
		}
	}
	if err := s.notOnV2("Forward", "event forward was a beta action of Outlook REST"); err != nil {
		return err
	}
	return odata.Action(ctx, s.c, odata.PathOf("events/{}/forward", id), forwardBody{ToRecipients: to, Comment: comment})
}

// DismissReminder turns off the reminder of an event (or of the next
// occurrence of a series) in the mailbox's calendar.
func (s *Service) DismissReminder(ctx context.Context, id string) error {
	if err := checkID("DismissReminder", "event", id); err != nil {
		return err
	}
	return odata.Action(ctx, s.c, odata.PathOf("events/{}/dismissReminder", id), nil)
}

type snoozeBody struct {
	NewReminderTime item.DateTimeTimeZone `json:"newReminderTime"`
}

// SnoozeReminder makes an event's reminder fire again at t, sent in t's
// zone (item.FromTime).
func (s *Service) SnoozeReminder(ctx context.Context, id string, t time.Time) error {
	if err := checkID("SnoozeReminder", "event", id); err != nil {
		return err
	}
	if t.IsZero() {
		return fmt.Errorf("calendar: SnoozeReminder: %w: no reminder time", ErrInvalidEvent)
	}
	return odata.Action(ctx, s.c, odata.PathOf("events/{}/snoozeReminder", id), snoozeBody{item.FromTime(t)})
}

// ScheduleRequest asks for the free/busy of mailboxes and rooms.
type ScheduleRequest struct {
	// Schedules are SMTP addresses of users, distribution lists or rooms.
	Schedules []string
	// Start and End bound the span; both required, End after Start.
	Start, End time.Time
	// Interval is the slot length of AvailabilityView, between 5 minutes
	// and a day; 0 means the service's default, 30 minutes.
	Interval time.Duration
}

type scheduleBody struct {
	Schedules                []string              `json:"schedules"`
	StartTime                item.DateTimeTimeZone `json:"startTime"`
	EndTime                  item.DateTimeTimeZone `json:"endTime"`
	AvailabilityViewInterval int                   `json:"availabilityViewInterval,omitzero"`
}

type scheduleAnswer struct {
	Value []ScheduleInformation `json:"value"`
}

// GetSchedule returns the free/busy of each schedule asked for, in the
// order asked; a schedule that could not be read has Error set. Times come
// in UTC unless odata.Prefer.TimeZone says otherwise. Graph only (Outlook
// REST v2.0 has no such call), and not for personal Microsoft accounts.
func (s *Service) GetSchedule(ctx context.Context, r ScheduleRequest) ([]ScheduleInformation, error) {
	if len(r.Schedules) == 0 {
		return nil, fmt.Errorf("calendar: GetSchedule: %w: no schedules", ErrInvalidEvent)
	}
	for i, a := range r.Schedules {
		if err := checkAddress(a); err != nil {
			return nil, fmt.Errorf("calendar: GetSchedule: %w: schedule %d: %w", ErrInvalidEvent, i+1, err)
		}
	}
	if _, err := windowParams("GetSchedule", r.Start, r.End); err != nil {
		return nil, err
	}
	mins := int(r.Interval / time.Minute)
	if r.Interval != 0 && (r.Interval%time.Minute != 0 || mins < 5 || mins > 1440) {
		return nil, fmt.Errorf("calendar: GetSchedule: %w: interval %v, want whole minutes from 5 to 1440", ErrInvalidEvent, r.Interval)
	}
	if err := s.notOnV2("GetSchedule", "getSchedule is a Microsoft Graph action"); err != nil {
		return nil, err
	}
	b := scheduleBody{Schedules: r.Schedules, StartTime: item.FromTime(r.Start.UTC()), EndTime: item.FromTime(r.End.UTC()), AvailabilityViewInterval: mins}
	a, err := odata.Invoke[scheduleAnswer](ctx, s.c, odata.PathOf("calendar/getSchedule"), b)
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, nil
	}
	return a.Value, nil
}
