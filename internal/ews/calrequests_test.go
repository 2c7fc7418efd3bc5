package ews

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// The calendar's and contacts' operations, each answered with Microsoft's
// published example of the answer: the requests are kept as goldens under
// testdata/requests-pim and checked against the published request
// examples, and the answers are decoded into the services' models.

// pimScenario is one use of the calendar or contacts service, the sample
// answers it is given, and a check of what it returned.
type pimScenario struct {
	name  string
	files []string
	run   func(ctx context.Context, cal *calendar.Service, con *contacts.Service) error
}

var pimScenarios = []pimScenario{
	{"get-schedule", []string{"GetUserAvailability__getuseravailability-operation__1.response.xml"},
		func(ctx context.Context, cal *calendar.Service, _ *contacts.Service) error {
			got, err := cal.GetSchedule(ctx, calendar.ScheduleRequest{Schedules: []string{"user1@example.com", "user2@example.com"},
				Start: time.Date(2006, 10, 16, 7, 0, 0, 0, time.UTC), End: time.Date(2006, 10, 17, 7, 0, 0, 0, time.UTC), Interval: time.Hour})
			if err != nil {
				return err
			}
			if len(got) != 2 || got[0].AvailabilityView != "000002220220000000000000" || got[1].AvailabilityView != "000000001100000000000000" {
				return fmt.Errorf("schedules %+v", got)
			}
			it := got[0].ScheduleItems
			if len(it) != 3 || it[0].Status != calendar.FreeBusyBusy || it[0].Subject != "Meet with Contoso Account Executives" ||
				it[0].Start.DateTime != "2006-10-16T13:00:00.0000000" || it[2].Location != "Kirkland" {
				return fmt.Errorf("items %+v", it)
			}
			if s := got[1].ScheduleItems; len(s) != 1 || s[0].Status != calendar.FreeBusyTentative || s[0].Subject != "" {
				return fmt.Errorf("second's items %+v", s)
			}
			wh := got[0].WorkingHours
			if wh == nil || len(wh.DaysOfWeek) != 5 || wh.StartTime != "08:00:00.0000000" || wh.EndTime != "17:00:00.0000000" ||
				!bytes.Contains(wh.TimeZone, []byte(`"bias":480`)) || !bytes.Contains(wh.TimeZone, []byte(`"daylightBias":-60`)) {
				return fmt.Errorf("working hours %+v %s", wh, wh.TimeZone)
			}
			return nil
		}},
	{"find-meeting-times", []string{"GetUserAvailability__how-to-get-free-busy-information-by-using-ews-in-exchange__1.response.xml"},
		func(ctx context.Context, cal *calendar.Service, _ *contacts.Service) error {
			got, err := cal.FindMeetingTimes(ctx, calendar.MeetingTimeRequest{Attendees: calendar.Attendees("mack@contoso.com", "sadie@contoso.com"),
				Start: time.Date(2014, 2, 13, 0, 0, 0, 0, time.UTC), End: time.Date(2014, 2, 14, 0, 0, 0, 0, time.UTC), Duration: time.Hour})
			if err != nil {
				return err
			}
			if len(got.Suggestions) != 2 {
				return fmt.Errorf("suggestions %+v", got)
			}
			s := got.Suggestions[1]
			if s.MeetingTimeSlot.Start.DateTime != "2014-02-13T09:30:00.0000000" || s.MeetingTimeSlot.End.DateTime != "2014-02-13T10:30:00.0000000" ||
				s.Confidence != 100 || len(s.AttendeeAvailability) != 2 || s.AttendeeAvailability[1].Availability != calendar.FreeBusyFree {
				return fmt.Errorf("second suggestion %+v", s)
			}
			return nil
		}},
	{"reminder-view-reversed", []string{"GetReminders__getreminders-operation__2.response.xml"},
		func(ctx context.Context, cal *calendar.Service, _ *contacts.Service) error {
			// The service's refusal (the window is checked before any
			// request here; this sample's error is the server's word).
			for _, err := range cal.ReminderView(ctx, time.Date(2014, 4, 16, 0, 0, 0, 0, time.UTC), time.Date(2014, 4, 17, 0, 0, 0, 0, time.UTC)) {
				var oe *odata.Error
				if !errors.As(err, &oe) || oe.Code != "ErrorInvalidOperation" {
					return fmt.Errorf("ReminderView = %v, want the server's ErrorInvalidOperation", err)
				}
			}
			return nil
		}},
	{"dismiss-reminder", []string{"PerformReminderAction__performreminderaction-operation__1.response.xml"},
		func(ctx context.Context, cal *calendar.Service, _ *contacts.Service) error {
			return cal.DismissReminder(ctx, "vwAAAA==")
		}},
	{"snooze-reminder", []string{"PerformReminderAction__performreminderaction-operation__1.response.xml"},
		func(ctx context.Context, cal *calendar.Service, _ *contacts.Service) error {
			return cal.SnoozeReminder(ctx, "vwAAAA==", time.Date(2014, 4, 16, 10, 0, 0, 0, time.FixedZone("PDT", -7*3600)))
		}},
	{"create-event", []string{"CreateItem__createitem-operation-calendar-item__1.response.xml", "GetItem__getitem-operation-calendar-item__1.response.xml"},
		func(ctx context.Context, cal *calendar.Service, _ *contacts.Service) error {
			_, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Monthly review",
				Start:     item.DateTimeTimeZone{DateTime: "2026-03-10T14:00:00", TimeZone: "W. Europe Standard Time"},
				End:       item.DateTimeTimeZone{DateTime: "2026-03-10T15:00:00", TimeZone: "W. Europe Standard Time"},
				Location:  item.Location{DisplayName: "Room 4"},
				Attendees: calendar.Attendees("Ana Ruiz <ana@example.org>"),
				Recurrence: &calendar.PatternedRecurrence{
					Pattern: calendar.RecurrencePattern{Type: calendar.PatternRelativeMonthly, Interval: 1,
						DaysOfWeek: []calendar.DayOfWeek{calendar.Tuesday}, Index: calendar.WeekSecond},
					Range: calendar.RecurrenceRange{Type: calendar.RangeEndDate, StartDate: calendar.Date{Year: 2026, Month: 3, Day: 10},
						EndDate: calendar.Date{Year: 2026, Month: 12, Day: 31}},
				}})
			return err
		}},
	{"update-event", []string{"UpdateItem__how-to-update-appointments-and-meetings-by-using-ews-in-exchange__1.response.xml",
		"GetItem__getitem-operation-calendar-item__1.response.xml"},
		func(ctx context.Context, cal *calendar.Service, _ *contacts.Service) error {
			_, err := cal.UpdateEvent(ctx, "AAMkAGM2", calendar.EventUpdate{Subject: odata.Set("Moved"), ETag: `W/"DwAAABYA"`,
				Start: odata.Set(item.FromTime(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))),
				End:   odata.Set(item.FromTime(time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)))})
			return err
		}},
	{"cancel-event", []string{"GetItem__getitem-operation-calendar-item__1.response.xml",
		"CreateItem__how-to-delete-appointments-and-cancel-meetings-by-using-ews-in-exchange__1.response.xml"},
		func(ctx context.Context, cal *calendar.Service, _ *contacts.Service) error {
			return cal.Cancel(ctx, "AAMkAGM2", "Cancelled, sorry")
		}},
	{"create-contact", []string{"CreateItem__createitem-operation-contact__1.response.xml", "GetItem__getitem-operation-contact__1.response.xml"},
		func(ctx context.Context, _ *calendar.Service, con *contacts.Service) error {
			c, err := con.CreateContact(ctx, contacts.DefaultFolder, &contacts.Contact{DisplayName: "Pavel Bansky", Title: "Dr.",
				YomiCompanyName: "コントソ", CompanyName: "Contoso",
				EmailAddresses: []item.EmailAddress{{Name: "Pavel", Address: "pavelb@contoso.com"}, {Address: "pavel@example.org"}},
				BusinessPhones: []string{"+1 425 555 0100", "+1 425 555 0101"}, MobilePhone: "+1 425 555 0104",
				ImAddresses:     []string{"sip:pavelb@contoso.com"},
				BusinessAddress: item.PhysicalAddress{Street: "1 Main St", City: "Redmond", PostalCode: "98052"}})
			if err != nil {
				return err
			}
			// The contact read back is the published one, every value kept
			// (Exchange 2007's Country is countryOrRegion).
			want := item.PhysicalAddress{Street: "12345 67th Ave", City: "Whittier", State: "CA", CountryOrRegion: "USA"}
			if c.ID != "AAAtAEA=" || c.DisplayName != "Tanja Plate" || c.GivenName != "Tanja" || c.Surname != "Plate" ||
				c.Initials != "T.P." || c.FileAs != "SampleContact" || c.CompanyName != "Northwind Traders" || c.JobTitle != "Project Manager" ||
				len(c.EmailAddresses) != 2 || c.EmailAddresses[1].Address != "tplate@example.com" ||
				!slices.Equal(c.BusinessPhones, []string{"5625550199"}) || c.BusinessAddress != want {
				return fmt.Errorf("read back %+v", c)
			}
			return nil
		}},
	{"update-contact", []string{"UpdateItem__updateitem-operation-contact__1.response.xml", "GetItem__getitem-operation-contact__1.response.xml"},
		func(ctx context.Context, _ *calendar.Service, con *contacts.Service) error {
			_, err := con.UpdateContact(ctx, "AAMkAGM2", contacts.ContactUpdate{Title: odata.Null[string](), YomiCompanyName: odata.Set("コントソ"),
				HomePhones: odata.Set([]string{"+1 425 555 0199"}), OtherAddress: odata.Set(item.PhysicalAddress{City: "Praha"})})
			return err
		}},
	{"set-photo", []string{"GetItem__getitem-operation-contact__1.response.xml", "CreateAttachment__createattachment-operation__2.response.xml"},
		func(ctx context.Context, _ *calendar.Service, con *contacts.Service) error {
			var img bytes.Buffer
			if err := jpeg.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4)), nil); err != nil {
				return err
			}
			return con.SetPhoto(ctx, "AAMkAGM2", img.Bytes())
		}},
	{"create-contact-folder", []string{"CreateFolder__createfolder-operation__1.response.xml", "GetFolder__how-to-work-with-folders-by-using-ews-in-exchange__1.response.xml"},
		func(ctx context.Context, _ *calendar.Service, con *contacts.Service) error {
			_, err := con.CreateFolder(ctx, contacts.DefaultFolder, "Vendors")
			return err
		}},
	{"list-contact-folders", []string{"FindFolder__findfolder-operation__1.response.xml"},
		func(ctx context.Context, _ *calendar.Service, con *contacts.Service) error {
			for _, err := range con.ListFolders(ctx, contacts.DefaultFolder, nil) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
}

// pimClient is an odata client of the backend answered by the sample
// files given, in turn.
func pimClient(t *testing.T, files []string) (*odata.Client, *scriptDoer) {
	d := &scriptDoer{t: t}
	for _, f := range files {
		d.answers = append(d.answers, string(ewsSampleFile(t, f)))
	}
	schemas := []*odata.Schema{calendar.Event{}.WireSchema(), calendar.Calendar{}.WireSchema(),
		contacts.Contact{}.WireSchema(), contacts.ContactFolder{}.WireSchema()}
	return odataClient(t, Config{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Doer: d, Schemas: schemas}), d
}

// TestPIMRequests runs each scenario against the published answers,
// keeps its requests as goldens, and checks them against the published
// request examples.
func TestPIMRequests(t *testing.T) {
	published, orders := publishedShapes(t)
	dir := filepath.Join("testdata", "requests-pim")
	want := map[string]bool{}
	seen := map[string]bool{}
	for _, s := range pimScenarios {
		c, d := pimClient(t, s.files)
		if err := s.run(t.Context(), calendar.NewService(c), contacts.NewService(c)); err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
		if len(d.answers) != 0 {
			t.Errorf("%s: %d answers left unasked for", s.name, len(d.answers))
		}
		for i, r := range d.reqs {
			file := fmt.Sprintf("%s-%d-%s.xml", s.name, i+1, r.op)
			want[file] = true
			testutil.Golden(t, filepath.Join(dir, file), []byte(pretty(r.tree)), *update)
		}
		checkPublished(t, published, orders, s.name, d.reqs, seen)
	}
	noStaleGoldens(t, dir, want)
}
