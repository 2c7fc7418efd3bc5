package calendar_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

func TestCalendarsAndGroups(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		var g *calendar.CalendarGroup
		var c *calendar.Calendar
		if e.Loc == ews {
			// EWS has no calendar groups: every group call is refused
			// before a request, and calendars are made without one.
			before := servicetest.RESTRequests(e.Srv, onPremHost)
			_, errC := cal.CreateGroup(ctx, "Projects")
			_, errG := cal.GetGroup(ctx, "AAMkAG")
			_, errR := cal.RenameGroup(ctx, "AAMkAG", "Work")
			_, errK := cal.CreateGroupCalendar(ctx, "AAMkAG", &calendar.Calendar{Name: "Launch"})
			errD := cal.DeleteGroup(ctx, "AAMkAG")
			var errL, errLC error
			for _, err := range cal.ListGroups(ctx, nil) {
				errL = err
				break
			}
			for _, err := range cal.ListGroupCalendars(ctx, "AAMkAG", nil) {
				errLC = err
				break
			}
			for i, err := range []error{errC, errG, errR, errK, errD, errL, errLC} {
				if !errors.Is(err, odata.ErrNotSupported) {
					t.Errorf("group call %d over EWS: %v, want ErrNotSupported", i, err)
				}
			}
			if n := servicetest.RESTRequests(e.Srv, onPremHost) - before; n != 0 {
				t.Errorf("%d requests for calendar groups over EWS", n)
			}
			// Nor calendar colors (Outlook keeps them in its navigation
			// shortcuts, not in the folder).
			_, err := cal.CreateCalendar(ctx, &calendar.Calendar{Name: "Launch", Color: calendar.ColorLightGreen})
			if !errors.Is(err, odata.ErrNotSupported) {
				t.Errorf("CreateCalendar with a color over EWS: %v, want ErrNotSupported", err)
			}
			c, err = cal.CreateCalendar(ctx, &calendar.Calendar{Name: "Launch"})
			noErr(t, "CreateCalendar", err)
		} else {
			var err error
			g, err = cal.CreateGroup(ctx, "Projects")
			noErr(t, "CreateGroup", err)
			if g.ID == "" || g.Name != "Projects" || g.ClassID == "" {
				t.Fatalf("group = %+v", g)
			}
			g2, err := cal.RenameGroup(ctx, g.ID, "Work")
			noErr(t, "RenameGroup", err)
			if g2.Name != "Work" {
				t.Errorf("renamed group = %q", g2.Name)
			}
			got, err := cal.GetGroup(ctx, g.ID)
			noErr(t, "GetGroup", err)
			if got.Name != "Work" {
				t.Errorf("GetGroup = %+v", got)
			}
			var groups []string
			for g, err := range cal.ListGroups(ctx, nil) {
				noErr(t, "ListGroups", err)
				groups = append(groups, g.Name)
			}
			if !slices.Contains(groups, "Work") {
				t.Errorf("ListGroups = %q", groups)
			}
			c, err = cal.CreateGroupCalendar(ctx, g.ID, &calendar.Calendar{Name: "Launch", Color: calendar.ColorLightGreen})
			noErr(t, "CreateGroupCalendar", err)
		}
		if c.ID == "" || c.Name != "Launch" || e.Loc != ews && c.Color != calendar.ColorLightGreen {
			t.Fatalf("calendar = %+v", c)
		}
		if e.Loc == ews {
			_, err := cal.UpdateCalendar(ctx, calendar.CalendarID(c.ID), calendar.CalendarUpdate{Color: odata.Set(calendar.ColorLightRed)})
			if !errors.Is(err, odata.ErrNotSupported) {
				t.Errorf("UpdateCalendar of a color over EWS: %v, want ErrNotSupported", err)
			}
			c2, err := cal.UpdateCalendar(ctx, calendar.CalendarID(c.ID), calendar.CalendarUpdate{Name: odata.Set("Launch")})
			noErr(t, "UpdateCalendar", err)
			if c2.Name != "Launch" {
				t.Errorf("updated calendar = %+v", c2)
			}
		} else {
			c2, err := cal.UpdateCalendar(ctx, calendar.CalendarID(c.ID), calendar.CalendarUpdate{Color: odata.Set(calendar.ColorLightRed)})
			noErr(t, "UpdateCalendar", err)
			if c2.Color != calendar.ColorLightRed || c2.Name != "Launch" {
				t.Errorf("updated calendar = %+v", c2)
			}
		}
		if g != nil {
			var inGroup []string
			for c, err := range cal.ListGroupCalendars(ctx, g.ID, nil) {
				noErr(t, "ListGroupCalendars", err)
				inGroup = append(inGroup, c.Name)
			}
			if !slices.Equal(inGroup, []string{"Launch"}) {
				t.Errorf("ListGroupCalendars = %q", inGroup)
			}
		}
		var all []string
		for c, err := range cal.ListCalendars(ctx, nil) {
			noErr(t, "ListCalendars", err)
			all = append(all, c.Name)
		}
		if !slices.Contains(all, "Launch") || len(all) < 2 {
			t.Errorf("ListCalendars = %q", all)
		}
		def, err := cal.GetCalendar(ctx, calendar.DefaultCalendar)
		noErr(t, "GetCalendar(default)", err)
		if def.ID == "" || def.ID == c.ID || e.Loc == cloud && !def.IsDefaultCalendar {
			t.Errorf("default calendar = %+v", def)
		}

		id := calendar.CalendarID(c.ID)
		ev, err := cal.CreateEvent(ctx, id, &calendar.Event{Subject: "Go live",
			Start: item.FromTime(at(3, 10, 0)), End: item.FromTime(at(3, 11, 0))})
		noErr(t, "CreateEvent in a calendar", err)
		var subjects, view []string
		for ev, err := range cal.ListEvents(ctx, id, nil) {
			noErr(t, "ListEvents", err)
			subjects = append(subjects, ev.Subject)
		}
		for ev, err := range cal.CalendarView(ctx, id, day, day.AddDate(0, 0, 7), nil) {
			noErr(t, "CalendarView", err)
			view = append(view, ev.Subject)
		}
		if !slices.Equal(subjects, []string{"Go live"}) || !slices.Equal(view, []string{"Go live"}) {
			t.Errorf("ListEvents = %q, CalendarView = %q", subjects, view)
		}
		for ev, err := range cal.View(ctx, day, day.AddDate(0, 0, 7), nil) {
			noErr(t, "View", err)
			if ev.Subject == "Go live" {
				t.Error("the default calendar's view holds another calendar's event")
			}
		}

		// Event attachments.
		a, err := cal.AddAttachment(ctx, ev.ID, &calendar.Attachment{Name: "plan.txt", ContentType: "text/plain", ContentBytes: []byte("step 1")})
		noErr(t, "AddAttachment", err)
		if a.ID == "" || a.Kind != calendar.FileAttachment || a.Size == 0 {
			t.Errorf("attachment = %+v", a)
		}
		n := 0
		for a, err := range cal.ListAttachments(ctx, ev.ID, nil) {
			noErr(t, "ListAttachments", err)
			n++
			if a.Name != "plan.txt" {
				t.Errorf("listed %+v", a)
			}
		}
		if n != 1 {
			t.Errorf("%d attachments", n)
		}
		ga, err := cal.GetAttachment(ctx, ev.ID, a.ID)
		noErr(t, "GetAttachment", err)
		if !bytes.Equal(ga.ContentBytes, []byte("step 1")) {
			t.Errorf("content = %q", ga.ContentBytes)
		}
		withAtt, err := cal.GetEvent(ctx, ev.ID, nil)
		noErr(t, "GetEvent", err)
		if !withAtt.HasAttachments {
			t.Error("hasAttachments false after AddAttachment")
		}
		noErr(t, "DeleteAttachment", cal.DeleteAttachment(ctx, ev.ID, a.ID))
		if _, err := cal.GetAttachment(ctx, ev.ID, a.ID); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("deleted attachment: %v", err)
		}

		noErr(t, "DeleteCalendar", cal.DeleteCalendar(ctx, id))
		if _, err := cal.GetCalendar(ctx, id); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("deleted calendar: %v", err)
		}
		if g != nil {
			noErr(t, "DeleteGroup", cal.DeleteGroup(ctx, g.ID))
			if _, err := cal.GetGroup(ctx, g.ID); !errors.Is(err, odata.ErrNotFound) {
				t.Errorf("deleted group: %v", err)
			}
		}
	})
}
