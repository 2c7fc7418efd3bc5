package calendar_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// openAt opens the mailbox of loc on the tenant srv, signed in as a
// program there does: app-only in the cloud, the service account over
// EWS, the user's own token over REST v2.0.
func openAt(t *testing.T, srv *outlooktest.Server, loc servicetest.Location) *outlook.Mailbox {
	t.Helper()
	signIn := servicetest.ServiceAccount
	if loc == rest {
		signIn = servicetest.Delegated
	}
	c, err := servicetest.NewClient(srv, loc, signIn)
	noErr(t, "NewClient", err)
	mb, err := c.Mailbox(t.Context(), loc.Addr())
	noErr(t, "Mailbox", err)
	if mb.OData().Dialect() != loc.Dialect() {
		t.Fatalf("%s is spoken to in %v", loc, mb.OData().Dialect())
	}
	return mb
}

// A meeting organised in one location reaches the attendee in another,
// who accepts it there; the organiser sees the acceptance: from the cloud
// to an on-premises attendee over EWS and over REST v2.0, and from an
// on-premises organiser over EWS to a cloud attendee.
func TestCrossLocationMeeting(t *testing.T) {
	for _, tc := range []struct{ org, att servicetest.Location }{{cloud, ews}, {cloud, rest}, {ews, cloud}} {
		t.Run(string(tc.org)+"-to-"+string(tc.att), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			srv := servicetest.NewTenant()
			t.Cleanup(srv.Close)
			org, att := openAt(t, srv, tc.org), openAt(t, srv, tc.att)

			ev, err := org.Calendar.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Quarterly plan",
				Start: item.FromTime(at(2, 14, 0)), End: item.FromTime(at(2, 15, 0)), Attendees: calendar.Attendees(tc.att.Addr())})
			noErr(t, "CreateEvent", err)

			var copyID string
			for got, err := range att.Calendar.View(ctx, day, day.AddDate(0, 0, 7), nil) {
				noErr(t, "View", err)
				if got.Subject == "Quarterly plan" {
					copyID = got.ID
					start, err := got.Start.Time()
					if err != nil || got.IsOrganizer || !strings.EqualFold(got.Organizer.EmailAddress.Address, tc.org.Addr()) || !start.Equal(at(2, 14, 0)) {
						t.Errorf("the attendee's copy: organizer %v (isOrganizer %v), start %v", got.Organizer, got.IsOrganizer, got.Start)
					}
				}
			}
			if copyID == "" {
				t.Fatal("the invitation did not reach the attendee's calendar")
			}
			invited := false
			for m, err := range att.Mail.ListMessages(ctx, "inbox", nil) {
				noErr(t, "ListMessages", err)
				invited = invited || m.Subject == "Quarterly plan"
			}
			if !invited {
				t.Error("no invitation in the attendee's inbox")
			}

			noErr(t, "Accept", att.Calendar.Accept(ctx, copyID, &calendar.ResponseOptions{Comment: "I'll be there"}))
			got, err := org.Calendar.GetEvent(ctx, ev.ID, nil)
			noErr(t, "GetEvent", err)
			i := slices.IndexFunc(got.Attendees, func(a calendar.Attendee) bool { return strings.EqualFold(a.EmailAddress.Address, tc.att.Addr()) })
			if i < 0 || got.Attendees[i].Status.Response != calendar.ResponseAccepted || got.Attendees[i].Status.Time.Before(time.Unix(1, 0)) {
				t.Errorf("the organiser sees %+v", got.Attendees)
			}
		})
	}
}

// A weekly series with one occurrence changed and one cancelled reads back
// the same from each location: the on-premises mailbox through EWS and
// through REST v2.0 (the same series), and an identical series made in the
// cloud mailbox through Graph.
func TestSeriesWithExceptionsAlike(t *testing.T) {
	ctx := t.Context()
	srv := servicetest.NewTenant()
	t.Cleanup(srv.Close)
	open := func(loc servicetest.Location) *calendar.Service { return openAt(t, srv, loc).Calendar }
	// makeSeries creates the series through cal and changes its second
	// occurrence and cancels its third.
	makeSeries := func(cal *calendar.Service) string {
		s := weekly()
		s.Recurrence.Range.NumberOfOccurrences = 6
		master, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, s)
		noErr(t, "CreateEvent", err)
		var occ []string
		for ev, err := range cal.Instances(ctx, master.ID, day, day.AddDate(0, 0, 21), nil) {
			noErr(t, "Instances", err)
			occ = append(occ, ev.ID)
		}
		if len(occ) != 6 {
			t.Fatalf("%d instances, want 6", len(occ))
		}
		_, err = cal.UpdateEvent(ctx, occ[1], calendar.EventUpdate{Subject: odata.Set("Stand-up, later"),
			Start: odata.Set(item.FromTime(at(2, 11, 0))), End: odata.Set(item.FromTime(at(2, 11, 30)))})
		noErr(t, "UpdateEvent(occurrence)", err)
		noErr(t, "DeleteEvent(occurrence)", cal.DeleteEvent(ctx, occ[2]))
		return master.ID
	}
	// read describes the series as its location gives it: the master's
	// recurrence, and the view's instances by type, subject and times.
	read := func(cal *calendar.Service, master string) []string {
		m, err := cal.GetEvent(ctx, master, nil)
		noErr(t, "GetEvent(master)", err)
		r := m.Recurrence
		out := []string{fmt.Sprintf("master %s %s %v/%d %v %s %s %d", m.Type, m.Subject, r.Pattern.Type, r.Pattern.Interval,
			r.Pattern.DaysOfWeek, r.Range.Type, r.Range.StartDate, r.Range.NumberOfOccurrences)}
		for ev, err := range cal.View(ctx, day, day.AddDate(0, 0, 21), nil) {
			noErr(t, "View", err)
			s, err1 := ev.Start.Time()
			e, err2 := ev.End.Time()
			if err1 != nil || err2 != nil {
				t.Fatalf("times %v %v", ev.Start, ev.End)
			}
			out = append(out, fmt.Sprintf("%s %s %s-%s master:%v", ev.Type, ev.Subject,
				s.UTC().Format("Mon 02 15:04"), e.UTC().Format("15:04"), ev.SeriesMasterID == master))
		}
		return out
	}
	onPrem := open(ews)
	onPremMaster := makeSeries(onPrem)
	cloudCal := open(cloud)
	cloudMaster := makeSeries(cloudCal)
	want := read(cloudCal, cloudMaster)
	if len(want) != 6 {
		t.Fatalf("the cloud view: %q", want)
	}
	for _, loc := range []servicetest.Location{ews, rest} {
		if got := read(open(loc), onPremMaster); !slices.Equal(got, want) {
			t.Errorf("%s reads\n%s\nthe cloud\n%s", loc, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
