package calendar_test

import (
	"errors"
	"testing"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/outlooktest"
)

// Meeting times are proposed from the stored free/busy of the organizer
// and the attendee, in every location: never over the organizer's busy
// hour, the attendee's busy hour only at a lower confidence.
func TestFindMeetingTimes(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		busy := func(box *outlooktest.Mailbox, from, to string) {
			box.Add("events", outlooktest.Object{"subject": "Busy", "showAs": "busy",
				"start": outlooktest.Object{"dateTime": "2026-03-02T" + from + ":00", "timeZone": "UTC"},
				"end":   outlooktest.Object{"dateTime": "2026-03-02T" + to + ":00", "timeZone": "UTC"}})
		}
		busy(e.Box, "09:00", "10:00")                  // the organizer
		busy(e.Srv.Mailbox(e.Other), "10:00", "11:00") // the attendee
		got, err := e.MB.Calendar.FindMeetingTimes(t.Context(), calendar.MeetingTimeRequest{
			Attendees: calendar.Attendees(e.Other),
			Start:     at(0, 9, 0), End: at(0, 12, 0), Duration: time.Hour, MaxCandidates: 10,
		})
		noErr(t, "FindMeetingTimes", err)
		var starts []string
		for _, s := range got.Suggestions {
			st, err := s.MeetingTimeSlot.Start.Time()
			if err != nil {
				t.Fatal(err)
			}
			en, _ := s.MeetingTimeSlot.End.Time()
			if en.Sub(st) != time.Hour {
				t.Errorf("a %v suggestion, want an hour", en.Sub(st))
			}
			if st.Before(at(0, 10, 0)) {
				t.Errorf("suggested %v, while the organizer is busy", st)
			}
			if s.OrganizerAvailability != calendar.FreeBusyFree {
				t.Errorf("organizer %q at %v", s.OrganizerAvailability, st)
			}
			starts = append(starts, st.Format("15:04"))
			if len(s.AttendeeAvailability) != 1 || s.AttendeeAvailability[0].Attendee.EmailAddress.Address != e.Other {
				t.Errorf("attendee availability %+v", s.AttendeeAvailability)
				continue
			}
			free := s.AttendeeAvailability[0].Availability == calendar.FreeBusyFree
			if clash := st.Before(at(0, 11, 0)); clash == free || clash != (s.Confidence < 100) {
				t.Errorf("%v: attendee %q, confidence %v", st, s.AttendeeAvailability[0].Availability, s.Confidence)
			}
		}
		// 11:00 (all free) is the best; 10:00 and 10:30 clash with the
		// attendee, whose confidence is below Graph's default 50.
		if len(starts) == 0 || starts[0] != "11:00" {
			t.Errorf("suggestions start at %v, want 11:00 first", starts)
		}
	})
}

// A request that cannot be right is refused before any request.
func TestFindMeetingTimesBadRequest(t *testing.T) {
	cal := calendar.NewService(nil)
	for name, r := range map[string]calendar.MeetingTimeRequest{
		"reversed window":  {Start: at(0, 12, 0), End: at(0, 9, 0)},
		"too long":         {Start: at(0, 9, 0), End: at(0, 10, 0), Duration: 2 * time.Hour},
		"seconds":          {Start: at(0, 9, 0), End: at(0, 10, 0), Duration: 90 * time.Second},
		"bad attendee":     {Start: at(0, 9, 0), End: at(0, 10, 0), Attendees: []calendar.Attendee{{EmailAddress: item.EmailAddress{Address: "nobody"}}}},
		"percentage > 100": {Start: at(0, 9, 0), End: at(0, 10, 0), MinimumAttendeePercentage: 101},
	} {
		if _, err := cal.FindMeetingTimes(t.Context(), r); !errors.Is(err, calendar.ErrInvalidEvent) {
			t.Errorf("%s: %v, want ErrInvalidEvent", name, err)
		}
	}
}
