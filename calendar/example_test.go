package calendar_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// exampleMailbox opens a mailbox of the fake tenant with the SDK's
// defaults: outlook.NewClient with outlook.WithHTTPClient(srv.Client()),
// then Client.Mailbox. A real program leaves out the HTTP client option.
var exampleMailbox = servicetest.Mailbox

// A week's agenda, recurring meetings expanded into their occurrences.
func ExampleService_View() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	alice.Add("events", outlooktest.Object{"subject": "Stand-up",
		"start": outlooktest.Object{"dateTime": "2026-03-02T09:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2026-03-02T09:15:00", "timeZone": "UTC"},
		"recurrence": outlooktest.Object{
			"pattern": outlooktest.Object{"type": "daily", "interval": 2},
			"range":   outlooktest.Object{"type": "numbered", "startDate": "2026-03-02", "numberOfOccurrences": 3},
		}})

	mb := exampleMailbox(srv, "alice@contoso.com")
	monday := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for ev, err := range mb.Calendar.View(context.Background(), monday, monday.AddDate(0, 0, 7), &odata.Query{
		OrderBy: odata.Asc(calendar.Start),
	}) {
		if err != nil {
			log.Fatal(err)
		}
		start, _ := ev.Start.Time()
		fmt.Println(start.Format("Mon 15:04"), ev.Subject, ev.Type)
	}
	// Output:
	// Mon 09:00 Stand-up occurrence
	// Wed 09:00 Stand-up occurrence
	// Fri 09:00 Stand-up occurrence
}

// A meeting on the second Tuesday of every month, six times, in an
// on-premises mailbox: the call is the same for Exchange Online.
func ExampleService_CreateEvent() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	mb := exampleMailbox(srv, "bob@contoso.com")

	ev, err := mb.Calendar.CreateEvent(context.Background(), calendar.DefaultCalendar, &calendar.Event{
		Subject:   "Monthly review",
		Start:     item.DateTimeTimeZone{DateTime: "2026-03-10T14:00:00", TimeZone: "W. Europe Standard Time"},
		End:       item.DateTimeTimeZone{DateTime: "2026-03-10T15:00:00", TimeZone: "W. Europe Standard Time"},
		Attendees: calendar.Attendees("Ana Ruiz <ana@example.org>"),
		Recurrence: &calendar.PatternedRecurrence{
			Pattern: calendar.RecurrencePattern{Type: calendar.PatternRelativeMonthly, Interval: 1,
				DaysOfWeek: []calendar.DayOfWeek{calendar.Tuesday}, Index: calendar.WeekSecond},
			Range: calendar.RecurrenceRange{Type: calendar.RangeNumbered,
				StartDate: calendar.Date{Year: 2026, Month: time.March, Day: 10}, NumberOfOccurrences: 6},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Subject, ev.Type, ev.Recurrence.Range.StartDate, ev.Attendees[0].EmailAddress.Name)
	// Output: Monthly review seriesMaster 2026-03-10 Ana Ruiz
}

// An attendee accepts an invitation waiting in their calendar, here an
// on-premises one (EWS's AcceptItem; the call is the same in the cloud).
func ExampleService_Accept() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	bob := srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	id := bob.Add("events", outlooktest.Object{"subject": "Budget", "isOrganizer": false,
		"start":     outlooktest.Object{"dateTime": "2026-03-03T10:00:00", "timeZone": "UTC"},
		"end":       outlooktest.Object{"dateTime": "2026-03-03T11:00:00", "timeZone": "UTC"},
		"organizer": outlooktest.Object{"emailAddress": outlooktest.Object{"address": "lee@example.org"}}})

	mb := exampleMailbox(srv, "bob@contoso.com")
	ctx := context.Background()
	if err := mb.Calendar.Accept(ctx, id, &calendar.ResponseOptions{Comment: "See you there"}); err != nil {
		log.Fatal(err)
	}
	ev, err := mb.Calendar.GetEvent(ctx, id, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Subject, ev.ResponseStatus.Response)
	// Output: Budget accepted
}

// Keeping a local copy of two weeks of the calendar up to date: a first
// round reports everything, later rounds what changed. Store the state of
// each checkpoint.
func ExampleService_SyncView() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	alice.Add("events", outlooktest.Object{"subject": "Lunch",
		"start": outlooktest.Object{"dateTime": "2026-03-03T12:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2026-03-03T13:00:00", "timeZone": "UTC"}})

	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 14)
	local := map[string]string{} // id -> subject
	sync := func(state string) string {
		for ch, err := range mb.Calendar.SyncView(ctx, from, to, state) {
			if err != nil {
				log.Fatal(err)
			}
			switch ch.Kind {
			case odata.Upserted:
				local[ch.ID] = ch.Item.Subject
				fmt.Println("upserted", ch.Item.Subject)
			case odata.Removed:
				fmt.Println("removed", local[ch.ID])
				delete(local, ch.ID)
			case odata.Checkpoint:
				state = ch.State // persist it here
			}
		}
		return state
	}
	state := sync("")
	for id := range local {
		if err := mb.Calendar.DeleteEvent(ctx, id); err != nil {
			log.Fatal(err)
		}
	}
	sync(state)
	// Output:
	// upserted Lunch
	// removed Lunch
}

// Calendars live in calendar groups; a new calendar goes to the default
// group unless a group is named.
func ExampleService_CreateCalendar() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	mb := exampleMailbox(srv, "alice@contoso.com")
	ctx := context.Background()

	team, err := mb.Calendar.CreateCalendar(ctx, &calendar.Calendar{Name: "Team", Color: calendar.ColorLightGreen})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := mb.Calendar.UpdateCalendar(ctx, calendar.CalendarID(team.ID), calendar.CalendarUpdate{Name: odata.Set("Team (shared)")}); err != nil {
		log.Fatal(err)
	}
	for c, err := range mb.Calendar.ListCalendars(ctx, &odata.Query{Filter: calendar.CalendarName.StartsWith("Team")}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.Name, c.Color)
	}
	// Output: Team (shared) lightGreen
}
