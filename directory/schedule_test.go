package directory_test

import (
	"testing"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/outlooktest"
)

// A room found in its room list is booked through its calendar: its
// free/busy comes from the calendar service's GetSchedule, in the
// locations that serve it (Graph and EWS; REST v2.0 has none).
func TestRoomFreeBusy(t *testing.T) {
	servicetest.Locations{servicetest.Cloud, servicetest.EWS}.Each(t, func(t *testing.T, e *servicetest.Env) {
		seed(e.Srv)
		loc := outlooktest.Cloud
		if e.Loc.OnPremises() {
			loc = outlooktest.OnPremises(servicetest.OnPremHost)
		}
		room := e.Srv.AddMailbox("baker@contoso.com", loc)
		room.Add("events", outlooktest.Object{"subject": "Standup", "showAs": "busy",
			"start": outlooktest.Object{"dateTime": "2026-03-02T09:00:00", "timeZone": "UTC"},
			"end":   outlooktest.Object{"dateTime": "2026-03-02T10:00:00", "timeZone": "UTC"}})
		ctx := t.Context()
		var addrs []string
		for r, err := range e.MB.Directory.Rooms(ctx, "building1@contoso.com") {
			if err != nil {
				t.Fatal(err)
			}
			addrs = append(addrs, r.EmailAddress)
		}
		start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		got, err := e.MB.Calendar.GetSchedule(ctx, calendar.ScheduleRequest{Schedules: addrs, Start: start, End: start.Add(3 * time.Hour), Interval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range got {
			if s.ScheduleID == "baker@contoso.com" {
				if s.AvailabilityView != "020" {
					t.Errorf("the room's availability %q, want 020", s.AvailabilityView)
				}
				return
			}
		}
		t.Fatalf("no schedule of the room in %+v", got)
	})
}
