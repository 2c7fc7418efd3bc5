package calendar_test

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"flag"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

var update = flag.Bool("update", false, "rewrite golden files")

// recorder answers every request with a small entity and records what was
// sent: method, URL (path and query), Prefer headers and body.
type recorder struct {
	mu  sync.Mutex
	out bytes.Buffer
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out.WriteString(req.Method + " " + req.URL.EscapedPath())
	if req.URL.RawQuery != "" {
		r.out.WriteString("?" + req.URL.RawQuery)
	}
	r.out.WriteString("\n")
	for _, p := range req.Header.Values("Prefer") {
		r.out.WriteString("Prefer: " + p + "\n")
	}
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		if len(b) > 0 {
			v := jsontext.Value(b)
			if err := v.Indent(jsontext.WithIndent("  ")); err != nil {
				r.out.WriteString(req.Header.Get("Content-Type") + ": ")
			}
			r.out.Write(v)
			r.out.WriteString("\n")
		}
	}
	// An entity for an entity, and an empty page for a list.
	body := `{"id":"new","value":[]}`
	if strings.Contains(req.URL.Path, "alendar") && req.Method == http.MethodGet {
		// The link carries the window, as the services' links do.
		link := "https://" + req.URL.Host + req.URL.Path + "?startDateTime=2024-06-10T00:00:00Z&endDateTime=2024-07-01T00:00:00Z&$deltatoken=abc"
		body = `{"value":[],"@odata.deltaLink":"` + link + `"}`
	}
	return &http.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

// Every request body the service builds, in both dialects, against golden
// files (go test -update rewrites them).
func TestRequestBodies(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ops := []struct {
		name      string
		graphOnly bool
		call      func(ctx context.Context, s *calendar.Service) error
	}{
		{"create-event", false, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{
				Subject:           "Design review",
				Start:             item.DateTimeTimeZone{DateTime: "2024-06-11T14:00:00", TimeZone: "W. Europe Standard Time"},
				End:               item.DateTimeTimeZone{DateTime: "2024-06-11T15:00:00", TimeZone: "W. Europe Standard Time"},
				Location:          item.Location{DisplayName: "Room 4.12"},
				Attendees:         calendar.Attendees("Lee <lee@example.org>"),
				ShowAs:            calendar.FreeBusyBusy,
				Sensitivity:       item.SensitivityPrivate,
				ResponseRequested: new(false),
				IsReminderOn:      new(true), ReminderMinutesBeforeStart: new(0),
				OutlookItem: item.OutlookItem{ETag: `W/"x"`},
				Extra:       map[string]stdjson.RawMessage{"@odata.context": stdjson.RawMessage(`"x"`)},
			})
			return err
		}},
		{"create-event-transaction", true, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.CreateEvent(ctx, "AAMkCal=", &calendar.Event{Subject: "Retry-safe", TransactionID: "7f7c1e3a-5c2b-4b55-9c1f-0d1e2f3a4b5c",
				Start: item.FromTime(time.Date(2024, 6, 11, 14, 0, 0, 0, berlin)), End: item.FromTime(time.Date(2024, 6, 11, 15, 0, 0, 0, berlin))})
			return err
		}},
		{"create-recurring", false, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{
				Subject: "Monthly sync",
				Start:   item.DateTimeTimeZone{DateTime: "2024-06-11T09:00:00", TimeZone: "UTC"},
				End:     item.DateTimeTimeZone{DateTime: "2024-06-11T09:30:00", TimeZone: "UTC"},
				Recurrence: &calendar.PatternedRecurrence{
					// As a fetched master carries it: defaults for fields the pattern does not use.
					Pattern: calendar.RecurrencePattern{Type: calendar.PatternRelativeMonthly, Interval: 1,
						DaysOfWeek: []calendar.DayOfWeek{calendar.Tuesday}, Index: calendar.WeekSecond, FirstDayOfWeek: calendar.Sunday},
					Range: calendar.RecurrenceRange{Type: calendar.RangeNumbered, StartDate: calendar.Date{Year: 2024, Month: 6, Day: 11}, NumberOfOccurrences: 6},
				},
			})
			return err
		}},
		{"update-event", false, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.UpdateEvent(ctx, "AAMk/1", calendar.EventUpdate{
				Subject:    odata.Set("Stand-up (moved)"),
				Recurrence: odata.Null[calendar.PatternedRecurrence](),
				ShowAs:     odata.Set(calendar.FreeBusyOOF),
				Categories: odata.Null[[]string](),
				ETag:       `W/"etag"`,
			})
			return err
		}},
		{"accept", false, func(ctx context.Context, s *calendar.Service) error {
			return s.Accept(ctx, "AAMk1", &calendar.ResponseOptions{Comment: "See you"})
		}},
		{"tentatively-accept", false, func(ctx context.Context, s *calendar.Service) error { return s.TentativelyAccept(ctx, "AAMk1", nil) }},
		{"decline-silent", false, func(ctx context.Context, s *calendar.Service) error {
			return s.Decline(ctx, "AAMk1", &calendar.ResponseOptions{Silent: true})
		}},
		{"decline-propose", true, func(ctx context.Context, s *calendar.Service) error {
			return s.Decline(ctx, "AAMk1", &calendar.ResponseOptions{ProposedNewTime: &item.TimeSlot{
				Start: item.DateTimeTimeZone{DateTime: "2024-06-12T10:00:00", TimeZone: "UTC"},
				End:   item.DateTimeTimeZone{DateTime: "2024-06-12T11:00:00", TimeZone: "UTC"}}})
		}},
		{"cancel", true, func(ctx context.Context, s *calendar.Service) error { return s.Cancel(ctx, "AAMk1", "Moved") }},
		{"forward", true, func(ctx context.Context, s *calendar.Service) error {
			return s.Forward(ctx, "AAMk1", []item.Recipient{{EmailAddress: item.EmailAddress{Name: "Kim", Address: "kim@example.org"}}}, "FYI")
		}},
		{"dismiss-reminder", false, func(ctx context.Context, s *calendar.Service) error { return s.DismissReminder(ctx, "AAMk1") }},
		{"snooze-reminder", false, func(ctx context.Context, s *calendar.Service) error {
			return s.SnoozeReminder(ctx, "AAMk1", time.Date(2024, 6, 11, 13, 55, 0, 0, time.UTC))
		}},
		{"view", false, func(ctx context.Context, s *calendar.Service) error {
			for _, err := range s.View(ctx, time.Date(2024, 6, 10, 0, 0, 0, 0, berlin), time.Date(2024, 6, 17, 0, 0, 0, 0, berlin),
				&odata.Query{Select: odata.Fields(calendar.Subject, calendar.Start), Prefer: odata.Prefer{TimeZone: "W. Europe Standard Time"}}) {
				return err
			}
			return nil
		}},
		{"instances", false, func(ctx context.Context, s *calendar.Service) error {
			for _, err := range s.Instances(ctx, "AAMk1", time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC), time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), nil) {
				return err
			}
			return nil
		}},
		{"sync-view", false, func(ctx context.Context, s *calendar.Service) error {
			for _, err := range s.SyncView(ctx, time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC), time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), "") {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"create-calendar", false, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.CreateCalendar(ctx, &calendar.Calendar{Name: "Team", Color: calendar.ColorLightGreen, IsDefaultCalendar: true})
			return err
		}},
		{"update-calendar", false, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.UpdateCalendar(ctx, "c1", calendar.CalendarUpdate{Color: odata.Set(calendar.ColorLightRed)})
			return err
		}},
		{"create-group", false, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.CreateGroup(ctx, "Projects")
			return err
		}},
		{"create-group-calendar", false, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.CreateGroupCalendar(ctx, "g1", &calendar.Calendar{Name: "Launch"})
			return err
		}},
		{"add-attachment", false, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.AddAttachment(ctx, "AAMk1", &calendar.Attachment{Name: "menu.txt", ContentBytes: []byte("mac and cheese")})
			return err
		}},
		{"get-schedule", true, func(ctx context.Context, s *calendar.Service) error {
			_, err := s.GetSchedule(ctx, calendar.ScheduleRequest{Schedules: []string{"adele@contoso.com", "room4@contoso.com"},
				Start: time.Date(2024, 6, 11, 9, 0, 0, 0, berlin), End: time.Date(2024, 6, 11, 18, 0, 0, 0, berlin), Interval: 15 * time.Minute})
			return err
		}},
	}
	for _, d := range []struct {
		name, root string
		dialect    *odata.Dialect
	}{{"graph", "https://graph.microsoft.com/v1.0", odata.Graph}, {"v2", "https://mail.contoso.com/api/v2.0", odata.OutlookV2}} {
		for _, op := range ops {
			if op.graphOnly && d.dialect != odata.Graph {
				continue
			}
			t.Run(d.name+"/"+op.name, func(t *testing.T) {
				rec := &recorder{}
				c, err := odata.NewClient(d.root, d.dialect, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}),
					odata.WithDoer(rec), odata.WithMailbox("alice@contoso.com"))
				if err != nil {
					t.Fatal(err)
				}
				if err := op.call(t.Context(), calendar.NewService(c)); err != nil {
					t.Fatalf("%s: %v", op.name, err)
				}
				testutil.Golden(t, "testdata/requests/"+d.name+"/"+op.name+".txt", rec.out.Bytes(), *update)
			})
		}
	}
}
