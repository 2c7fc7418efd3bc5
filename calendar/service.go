package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Service performs the calendar operations of one mailbox: events,
// calendar views, meeting responses, reminders, event attachments,
// calendars, calendar groups, calendar permissions (sharing and
// delegation, through Microsoft Graph and EWS), calendar-view change
// tracking and schedules. Get one from outlook.Mailbox (mb.Calendar) or
// build one on an odata.Client. It is safe for concurrent use.
//
// Every request goes through the odata client, which speaks the mailbox's
// dialect: the same calls work for Exchange Online (Graph v1.0) and
// on-premises (Outlook REST v2.0) mailboxes. An operation the mailbox's
// service lacks fails with an error matching odata.ErrNotSupported before
// any request; bad input (an empty id, a reversed time range, an invalid
// recurrence or attendee) fails with an error matching
// odata.ErrInvalidPath or ErrInvalidEvent, also before any request.
type Service struct{ c *odata.Client }

// NewService returns the calendar service of the mailbox c is bound to.
func NewService(c *odata.Client) *Service { return &Service{c: c} }

// ErrInvalidEvent is wrapped by the errors of events and arguments the SDK
// refuses to send: an invalid attendee address, a recurrence missing what
// its pattern needs, an empty or reversed time range.
//
// Match it with errors.Is: the errors wrapping it start "calendar: " and name
// the operation, so its own text carries no package prefix.
var ErrInvalidEvent = errors.New("invalid event")

// CalendarID names a calendar: a calendar id, or DefaultCalendar.
type CalendarID string

// DefaultCalendar is the mailbox's primary calendar.
const DefaultCalendar CalendarID = ""

// checkID refuses an empty id before any request.
func checkID(op, what, id string) error {
	if strings.TrimSpace(id) == "" {
		return fmt.Errorf("calendar: %s: empty %s id: %w", op, what, odata.ErrInvalidPath)
	}
	return nil
}

// notOnV2 refuses an operation the Outlook REST v2.0 dialect lacks.
func (s *Service) notOnV2(op, why string) error {
	if s.c.Dialect().IsOutlookV2() {
		return fmt.Errorf("calendar: %s: %w by %s (on-premises Exchange): %s", op, odata.ErrNotSupported, s.c.Dialect(), why)
	}
	return nil
}

// checkAddress accepts a bare address ("ana@example.org") only.
func checkAddress(addr string) error {
	a, err := item.ParseAddress(addr)
	if err != nil {
		return err
	}
	if a.Name != "" || a.Address != strings.TrimSpace(addr) {
		return fmt.Errorf("%w %q: want a bare address, with the name in EmailAddress.Name", item.ErrInvalidAddress, addr)
	}
	return nil
}

// checkAttendees validates the addresses of an attendee list.
func checkAttendees(as []Attendee) error {
	if len(as) > MaxAttendees {
		return fmt.Errorf("%w: %d attendees, more than %d", ErrInvalidEvent, len(as), MaxAttendees)
	}
	for i, a := range as {
		if err := checkAddress(a.EmailAddress.Address); err != nil {
			return fmt.Errorf("%w: attendee %d: %w", ErrInvalidEvent, i+1, err)
		}
	}
	return nil
}

// checkEvent validates an event before it is created.
func (s *Service) checkEvent(op string, e *Event) error {
	if e == nil {
		return fmt.Errorf("calendar: %s: %w: nil event", op, ErrInvalidEvent)
	}
	if err := checkAttendees(e.Attendees); err != nil {
		return fmt.Errorf("calendar: %s: %w", op, err)
	}
	if e.Recurrence != nil {
		r := e.Recurrence.trimmed()
		if err := r.validate(); err != nil {
			return fmt.Errorf("calendar: %s: %w", op, err)
		}
	}
	if s.c.Dialect().IsOutlookV2() {
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"locations", len(e.Locations) > 0},
			{"hideAttendees", e.HideAttendees},
			{"isOnlineMeeting", e.IsOnlineMeeting},
			{"onlineMeetingProvider", e.OnlineMeetingProvider != ""},
			{"allowNewTimeProposals", e.AllowNewTimeProposals != nil},
			{"transactionId", e.TransactionID != ""},
		} {
			if f.set {
				return s.notOnV2(op, f.name+" exists in Microsoft Graph only")
			}
		}
	}
	return nil
}

// outgoing returns e as a request body: without the service annotations
// ("@odata.context", "@odata.id") a fetched event carries in Extra, and
// without its ETag (which travels in If-Match).
func outgoing(e *Event) *Event {
	dirty := e.ETag != ""
	for k := range e.Extra {
		if strings.HasPrefix(k, "@") {
			dirty = true
			break
		}
	}
	if !dirty {
		return e
	}
	c := *e
	c.ETag = ""
	if len(e.Extra) > 0 {
		c.Extra = make(map[string]json.RawMessage, len(e.Extra))
		for k, v := range e.Extra {
			if !strings.HasPrefix(k, "@") {
				c.Extra[k] = v
			}
		}
	}
	return &c
}

// created turns the (nil, nil) of an answer without a body into an error.
func created[T any](v *T, err error) (*T, error) {
	if err == nil && v == nil {
		return nil, errors.New("calendar: the service answered without the entity")
	}
	return v, err
}
