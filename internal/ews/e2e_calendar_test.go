package ews_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

var day = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func at(d, h, m int) time.Time {
	return day.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func TestEventLifecycleOverEWS(t *testing.T) {
	tn := newTenant(t)
	mb := tn.mailbox(t, onPremAddr)
	ctx, cal := t.Context(), mb.Calendar
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ev, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{
		Subject:                    "Design review",
		Body:                       item.TextBody("Agenda"),
		Start:                      item.FromTime(at(0, 14, 0).In(berlin)),
		End:                        item.FromTime(at(0, 15, 0).In(berlin)),
		Location:                   item.Location{DisplayName: "Room 4.12"},
		Attendees:                  calendar.Attendees("Lee <lee@example.org>", "carol@contoso.com"),
		ShowAs:                     calendar.FreeBusyTentative,
		ReminderMinutesBeforeStart: new(0),
	})
	noErr(t, "CreateEvent", err)
	if ev.ID == "" || ev.Subject != "Design review" || ev.Type != calendar.EventSingleInstance || !ev.IsOrganizer {
		t.Fatalf("created %+v", ev)
	}
	if len(ev.Attendees) != 2 || ev.Attendees[0].EmailAddress.Address != "lee@example.org" || ev.Attendees[0].Type != calendar.AttendeeRequired {
		t.Errorf("attendees = %+v", ev.Attendees)
	}
	if d, ok := ev.ReminderBefore(); !ok || d != 0 {
		t.Errorf("ReminderBefore = %v, %v", d, ok)
	}
	if ev.ShowAs != calendar.FreeBusyTentative || ev.Location.DisplayName != "Room 4.12" || ev.OriginalStartTimeZone != "W. Europe Standard Time" {
		t.Errorf("showAs %q location %+v zone %q", ev.ShowAs, ev.Location, ev.OriginalStartTimeZone)
	}
	start, err := ev.Start.Time()
	if err != nil || !start.Equal(at(0, 14, 0)) || ev.Start.TimeZone != "UTC" {
		t.Errorf("start = %+v (%v)", ev.Start, err)
	}
	got, err := cal.GetEvent(ctx, ev.ID, &odata.Query{Select: odata.Fields(calendar.Subject, calendar.Start)})
	noErr(t, "GetEvent", err)
	if got.Subject != ev.Subject || got.Start.DateTime == "" || got.Body.Content != "" {
		t.Errorf("selected get = %+v", got)
	}
	var subjects []string
	for e, err := range cal.ListEvents(ctx, calendar.DefaultCalendar, &odata.Query{Filter: calendar.Subject.StartsWith("Design")}) {
		noErr(t, "ListEvents", err)
		subjects = append(subjects, e.Subject)
	}
	if !slices.Equal(subjects, []string{"Design review"}) {
		t.Errorf("ListEvents = %q", subjects)
	}
	up, err := cal.UpdateEvent(ctx, ev.ID, calendar.EventUpdate{
		Subject: odata.Set("Design review (moved)"), End: odata.Set(item.FromTime(at(0, 16, 0))), ETag: ev.ETag,
		Categories: odata.Set([]string{"Blue"}),
	})
	noErr(t, "UpdateEvent", err)
	if up.Subject != "Design review (moved)" || !slices.Equal(up.Categories, []string{"Blue"}) {
		t.Errorf("updated = %q %q", up.Subject, up.Categories)
	}
	if _, err = cal.UpdateEvent(ctx, ev.ID, calendar.EventUpdate{Subject: odata.Set("stale"), ETag: ev.ETag}); !errors.Is(err, odata.ErrPreconditionFailed) {
		t.Errorf("update with a stale ETag: %v", err)
	}
	noErr(t, "DeleteEvent", cal.DeleteEvent(ctx, ev.ID))
	if _, err := cal.GetEvent(ctx, ev.ID, nil); !errors.Is(err, odata.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
}

func TestViewAndInstancesOverEWS(t *testing.T) {
	tn := newTenant(t)
	mb := tn.mailbox(t, onPremAddr)
	ctx, cal := t.Context(), mb.Calendar
	series, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{
		Subject: "Standup", Start: item.FromTimeWindows(at(0, 9, 0)), End: item.FromTimeWindows(at(0, 9, 15)),
		Recurrence: &calendar.PatternedRecurrence{
			Pattern: calendar.RecurrencePattern{Type: calendar.PatternWeekly, Interval: 1, DaysOfWeek: []calendar.DayOfWeek{calendar.Monday, calendar.Wednesday}, FirstDayOfWeek: calendar.Sunday},
			Range:   calendar.RecurrenceRange{Type: calendar.RangeNumbered, StartDate: calendar.DateOf(at(0, 0, 0)), NumberOfOccurrences: 6},
		},
	})
	noErr(t, "CreateEvent", err)
	if series.Type != calendar.EventSeriesMaster || series.Recurrence == nil || series.Recurrence.Pattern.Type != calendar.PatternWeekly {
		t.Fatalf("series = %+v", series)
	}
	for i := range 3 {
		_, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Single", Start: item.FromTime(at(i, 12, 0)), End: item.FromTime(at(i, 13, 0))})
		noErr(t, "CreateEvent", err)
	}
	var got []string
	for e, err := range cal.View(ctx, at(0, 0, 0), at(14, 0, 0), &odata.Query{Top: 2}) {
		noErr(t, "View", err)
		s, _ := e.Start.Time()
		got = append(got, e.Subject+"@"+s.Format("01-02T15"))
		if e.Type == calendar.EventOccurrence && e.SeriesMasterID != series.ID {
			t.Errorf("occurrence %s has master %q, want %q", e.ID, e.SeriesMasterID, series.ID)
		}
	}
	want := []string{"Standup@03-02T09", "Single@03-02T12", "Single@03-03T12", "Standup@03-04T09", "Single@03-04T12",
		"Standup@03-09T09", "Standup@03-11T09"}
	if !slices.Equal(got, want) {
		t.Errorf("view = %q\nwant %q", got, want)
	}
	var inst []*calendar.Event
	for e, err := range cal.Instances(ctx, series.ID, at(0, 0, 0), at(30, 0, 0), nil) {
		noErr(t, "Instances", err)
		inst = append(inst, e)
	}
	if len(inst) != 6 {
		t.Fatalf("%d instances, want 6", len(inst))
	}
	// One occurrence changed, one cancelled: an exception, and a series
	// without it.
	ex, err := cal.UpdateEvent(ctx, inst[1].ID, calendar.EventUpdate{Subject: odata.Set("Standup (late)"), Start: odata.Set(item.FromTime(at(2, 10, 0))), End: odata.Set(item.FromTime(at(2, 10, 15)))})
	noErr(t, "update an occurrence", err)
	if ex.Type != calendar.EventException || ex.SeriesMasterID != series.ID {
		t.Errorf("exception = %+v", ex)
	}
	noErr(t, "delete an occurrence", cal.DeleteEvent(ctx, inst[2].ID))
	var after []string
	for e, err := range cal.Instances(ctx, series.ID, at(0, 0, 0), at(30, 0, 0), nil) {
		noErr(t, "Instances", err)
		s, _ := e.Start.Time()
		after = append(after, string(e.Type)+"@"+s.Format("01-02T15"))
	}
	wantAfter := []string{"occurrence@03-02T09", "exception@03-04T10", "occurrence@03-11T09", "occurrence@03-16T09", "occurrence@03-18T09"}
	if !slices.Equal(after, wantAfter) {
		t.Errorf("instances after = %q\nwant %q", after, wantAfter)
	}
	m, err := cal.GetEvent(ctx, series.ID, nil)
	noErr(t, "GetEvent", err)
	if len(m.CancelledOccurrences) != 1 {
		t.Errorf("cancelledOccurrences = %q", m.CancelledOccurrences)
	}
}
