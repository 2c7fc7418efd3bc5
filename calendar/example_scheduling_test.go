package calendar_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/outlooktest"
)

// Times for an hour with a colleague, from both free/busy schedules: here
// an on-premises organizer (EWS's suggestions) and a cloud attendee.
func ExampleService_FindMeetingTimes() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	alice.Add("events", outlooktest.Object{"subject": "Planning", "showAs": "busy",
		"start": outlooktest.Object{"dateTime": "2026-03-02T09:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2026-03-02T10:30:00", "timeZone": "UTC"}})
	mb := exampleMailbox(srv, "bob@contoso.com")

	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	got, err := mb.Calendar.FindMeetingTimes(context.Background(), calendar.MeetingTimeRequest{
		Attendees: calendar.Attendees("alice@contoso.com"),
		Start:     day, End: day.Add(3 * time.Hour), Duration: time.Hour, MaxCandidates: 2,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range got.Suggestions {
		start, _ := s.MeetingTimeSlot.Start.Time()
		fmt.Println(start.Format("15:04"), s.Confidence, s.AttendeeAvailability[0].Availability)
	}
	// Output:
	// 10:30 100 free
	// 11:00 100 free
}

// The reminders due this week, recurring meetings' occurrences included.
func ExampleService_ReminderView() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	alice.Add("events", outlooktest.Object{"subject": "Dentist", "reminderMinutesBeforeStart": 60,
		"start": outlooktest.Object{"dateTime": "2026-03-03T15:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2026-03-03T16:00:00", "timeZone": "UTC"}})
	mb := exampleMailbox(srv, "alice@contoso.com")

	monday := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for r, err := range mb.Calendar.ReminderView(context.Background(), monday, monday.AddDate(0, 0, 7)) {
		if err != nil {
			log.Fatal(err)
		}
		fire, _ := r.ReminderFireTime.Time()
		fmt.Println(r.EventSubject, fire.Format("Mon 15:04"))
	}
	// Output: Dentist Tue 14:00
}

// A 5 MB file attached to an event: in the cloud through an upload
// session in chunks, on premises in one request; the call is the same.
func ExampleService_UploadAttachment() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	id := alice.Add("events", outlooktest.Object{"subject": "Board meeting",
		"start": outlooktest.Object{"dateTime": "2026-03-05T10:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2026-03-05T12:00:00", "timeZone": "UTC"}})
	mb := exampleMailbox(srv, "alice@contoso.com")

	pack := bytes.Repeat([]byte("board pack "), 500_000)
	a, err := mb.Calendar.UploadAttachment(context.Background(), id, "pack.pdf", "application/pdf",
		bytes.NewReader(pack), int64(len(pack)), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Name, a.Size)
	// Output: pack.pdf 5500000
}
