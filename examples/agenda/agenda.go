package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/odata"
)

// Days is how many days an agenda shows.
const Days = 7

// Options say what an agenda shows.
type Options struct {
	// Zone is the reader's time zone; every time is shown in it.
	Zone *time.Location
	// Now is the moment the agenda starts from (its first day is Now's day
	// in Zone); zero means time.Now.
	Now time.Time
	// FreeBusy are addresses whose free/busy the agenda shows beside the
	// calendars, asked through the first mailbox whose API serves free/busy
	// (Graph's getSchedule, EWS's GetUserAvailability; REST v2.0 has none):
	// people whose calendars the reader may not open, and rooms. The rooms
	// of a building or room list join here as addresses once the SDK lists
	// them.
	FreeBusy []string
	// WorkStart and WorkEnd bound the hours the free/busy bars show; zero
	// means 8:00 to 18:00.
	WorkStart, WorkEnd int
}

// column is one mailbox's week.
type column struct {
	title string
	days  [Days][]string // the lines of each day
}

// Agenda writes the next Days days of the mailboxes' calendars side by
// side, in the reader's zone, then the free/busy of opts.FreeBusy hour by
// hour over working hours.
func Agenda(ctx context.Context, w io.Writer, boxes []*outlook.Mailbox, opts Options) error {
	if opts.Zone == nil {
		opts.Zone = time.Local
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.WorkStart == 0 && opts.WorkEnd == 0 {
		opts.WorkStart, opts.WorkEnd = 8, 18
	}
	now := opts.Now.In(opts.Zone)
	first := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, opts.Zone)
	last := first.AddDate(0, 0, Days)

	var cols []column
	for _, mb := range boxes {
		col, err := week(ctx, mb, first, opts.Zone)
		if err != nil {
			return fmt.Errorf("%s: %w", mb.Address(), err)
		}
		cols = append(cols, col)
	}
	fmt.Fprintf(w, "%s to %s, times in %s\n\n", first.Format("Mon 2 Jan"), last.AddDate(0, 0, -1).Format("Mon 2 Jan 2006"), opts.Zone)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	row := []string{""}
	for _, c := range cols {
		row = append(row, c.title)
	}
	fmt.Fprintln(tw, strings.Join(row, "\t"))
	for d := range Days {
		lines := 1
		for _, c := range cols {
			lines = max(lines, len(c.days[d]))
		}
		for i := range lines {
			row := []string{""}
			if i == 0 {
				row[0] = first.AddDate(0, 0, d).Format("Mon 2 Jan")
			}
			for _, c := range cols {
				cell := ""
				if i < len(c.days[d]) {
					cell = c.days[d][i]
				} else if i == 0 {
					cell = "-"
				}
				row = append(row, cell)
			}
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(opts.FreeBusy) > 0 {
		return freeBusy(ctx, w, boxes, first, opts)
	}
	return nil
}

// week reads a mailbox's calendar view over the Days days from first.
func week(ctx context.Context, mb *outlook.Mailbox, first time.Time, zone *time.Location) (column, error) {
	col := column{title: fmt.Sprintf("%s (%s)", mb.Address(), demo.APIName(mb.Route().API))}
	type entry struct {
		start time.Time
		line  string
	}
	var days [Days][]entry
	for ev, err := range mb.Calendar.View(ctx, first, first.AddDate(0, 0, Days), nil) {
		if err != nil {
			return col, err
		}
		start, err1 := ev.Start.Time()
		end, err2 := ev.End.Time()
		if err := errors.Join(err1, err2); err != nil {
			return col, fmt.Errorf("event %q: %w", ev.Subject, err)
		}
		start, end = start.In(zone), end.In(zone)
		if ev.IsAllDay {
			// An all-day event covers dates, not instants: the same days
			// in every zone.
			start, end = sameDate(ev.Start.DateTime, zone, start), sameDate(ev.End.DateTime, zone, end)
		}
		line := fmt.Sprintf("%s-%s %s", start.Format("15:04"), end.Format("15:04"), ev.Subject)
		if ev.IsAllDay {
			line = "all day " + ev.Subject
		}
		if ev.ShowAs == calendar.FreeBusyTentative {
			line += " (tentative)"
		}
		// An event is listed on each day it overlaps, from the first.
		for d := range Days {
			dayStart := first.AddDate(0, 0, d)
			if start.Before(dayStart.AddDate(0, 0, 1)) && end.After(dayStart) || start.Equal(dayStart) {
				days[d] = append(days[d], entry{start, line})
			}
		}
	}
	for d := range days {
		slices.SortStableFunc(days[d], func(a, b entry) int { return a.start.Compare(b.start) })
		for _, e := range days[d] {
			col.days[d] = append(col.days[d], e.line)
		}
	}
	return col, nil
}

// freeBusy writes each address's free/busy over working hours, an hour a
// character, asked through the first mailbox that serves free/busy.
func freeBusy(ctx context.Context, w io.Writer, boxes []*outlook.Mailbox, first time.Time, opts Options) error {
	req := calendar.ScheduleRequest{Schedules: opts.FreeBusy, Start: first, End: first.AddDate(0, 0, Days), Interval: time.Hour}
	var infos []calendar.ScheduleInformation
	var asker *outlook.Mailbox
	for _, mb := range boxes {
		var err error
		infos, err = mb.Calendar.GetSchedule(ctx, req)
		if errors.Is(err, odata.ErrNotSupported) {
			continue // REST v2.0: no free/busy; another mailbox may have it
		}
		if err != nil {
			return fmt.Errorf("free/busy through %s: %w", mb.Address(), err)
		}
		asker = mb
		break
	}
	if asker == nil {
		fmt.Fprintln(w, "\nFree/busy: none of the mailboxes is served by an API with free/busy (REST v2.0 has none).")
		return nil
	}
	fmt.Fprintf(w, "\nFree/busy %02d:00-%02d:00, an hour a mark (. free, t tentative, # busy, o away, w elsewhere), asked through %s:\n\n",
		opts.WorkStart, opts.WorkEnd, asker.Address())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := []string{""}
	for d := range Days {
		row = append(row, first.AddDate(0, 0, d).Format("Mon 2"))
	}
	fmt.Fprintln(tw, strings.Join(row, "\t"))
	for _, info := range infos {
		row := []string{info.ScheduleID}
		for d := range Days {
			row = append(row, hours(info, first.AddDate(0, 0, d), first, opts))
		}
		if info.Error != nil {
			row = append(row[:1], "unavailable: "+info.Error.Message)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// marks spells availabilityView's digits.
var marks = map[byte]byte{'0': '.', '1': 't', '2': '#', '3': 'o', '4': 'w'}

// hours is a day's working hours of an hourly availability view that
// starts at first.
func hours(info calendar.ScheduleInformation, day, first time.Time, opts Options) string {
	var b strings.Builder
	for h := opts.WorkStart; h < opts.WorkEnd; h++ {
		at := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, day.Location())
		i := int(at.Sub(first) / time.Hour)
		m := byte('?')
		if i >= 0 && i < len(info.AvailabilityView) {
			if c, ok := marks[info.AvailabilityView[i]]; ok {
				m = c
			}
		}
		b.WriteByte(m)
	}
	return b.String()
}

// sameDate is the midnight, in zone, of the date a wall clock such as
// "2026-12-07T00:00:00.0000000" names; def when it names none.
func sameDate(wall string, zone *time.Location, def time.Time) time.Time {
	d, err := time.ParseInLocation("2006-01-02", wall[:min(len(wall), 10)], zone)
	if err != nil {
		return def
	}
	return d
}
