package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/outlooktest"
)

// squeeze collapses runs of spaces, so that rows compare whatever the
// columns' widths.
func squeeze(s string) string { return regexp.MustCompile(` {2,}`).ReplaceAllString(s, " | ") }

// The demo's week, read from the three kinds of mailbox, side by side in
// the reader's zone (Tokyo, nine hours ahead of the UTC the services
// answer in), with free/busy for all three asked through the cloud mailbox.
func TestDemoWeek(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err) // time/tzdata is linked in: the zone is always there
	}
	var out strings.Builder
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, tokyo) // a Monday
	if err := runDemo(t.Context(), &out, Options{Zone: tokyo, Now: now}); err != nil {
		t.Fatal(err)
	}
	got := squeeze(out.String())
	for _, want := range []string{
		"Mon 7 Dec to Sun 13 Dec 2026, times in Asia/Tokyo\n",
		" | alice@contoso.com (Graph) | bob@contoso.com (EWS) | carol@contoso.com (REST v2.0)\n",
		"Mon 7 Dec | 09:00-09:15 Standup | 17:00-19:00 Server patching | -\n",
		"Tue 8 Dec | 14:00-15:00 Q3 budget review | - | 14:30-15:00 1:1 with Lee\n",
		"Wed 9 Dec | - | 11:00-12:00 Change board | -\n",
		"Thu 10 Dec | 10:30-11:15 Customer call | - | -\n",
		"Fri 11 Dec | - | - | 09:00-17:00 Team offsite\n",
		"asked through alice@contoso.com:",
		"alice@contoso.com | .#........ | ......#... | .......... | ..##...... |",
		"bob@contoso.com | .........# |",
		"carol@contoso.com | .......... | ......#... | .......... | .......... | .########. |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("agenda lacks %q:\n%s", want, out.String())
		}
	}
}

// Times are the reader's: an event the service gives in UTC late on one day
// is shown on the next in a zone ahead of UTC, and an event spanning
// midnight is listed on both days.
func TestReadersZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err) // time/tzdata is linked in: the zone is always there
	}
	tn, err := demo.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	add := func(subject, start, end string) {
		tn.Server.Mailbox(demo.EWS).Add("events", outlooktest.Object{"subject": subject,
			"start": outlooktest.Object{"dateTime": start, "timeZone": "UTC"}, "end": outlooktest.Object{"dateTime": end, "timeZone": "UTC"}})
	}
	add("Late call", "2026-12-07T23:30:00", "2026-12-08T00:00:00")                                       // Tue 08:30 in Tokyo
	add("Night shift", "2026-12-08T13:00:00", "2026-12-08T17:00:00")                                     // Tue 22:00 to Wed 02:00
	tn.Server.Mailbox(demo.EWS).Add("events", outlooktest.Object{"subject": "Holiday", "isAllDay": true, // Thursday, in every zone
		"start": outlooktest.Object{"dateTime": "2026-12-10T00:00:00", "timeZone": "UTC"}, "end": outlooktest.Object{"dateTime": "2026-12-11T00:00:00", "timeZone": "UTC"}})
	mb, err := tn.Mailbox(t.Context(), demo.EWS)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := Agenda(t.Context(), &out, mbs(mb), Options{Zone: tokyo, Now: time.Date(2026, 12, 7, 8, 0, 0, 0, tokyo)}); err != nil {
		t.Fatal(err)
	}
	got := squeeze(out.String())
	for _, want := range []string{
		"Mon 7 Dec | -\n",
		"Tue 8 Dec | 08:30-09:00 Late call\n | 22:00-02:00 Night shift\n",
		"Wed 9 Dec | 22:00-02:00 Night shift\n",
		"Thu 10 Dec | all day Holiday\n",
		"Fri 11 Dec | -\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("agenda lacks %q:\n%s", want, out.String())
		}
	}
}

// Free/busy is asked through the first mailbox whose API has it: past a
// REST v2.0 mailbox to an EWS one; with none, the agenda says so.
func TestFreeBusyWhereServed(t *testing.T) {
	tn, err := demo.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	rest, err := tn.Mailbox(t.Context(), demo.REST)
	if err != nil {
		t.Fatal(err)
	}
	ews, err := tn.Mailbox(t.Context(), demo.EWS)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Zone: time.UTC, FreeBusy: []string{demo.Cloud}}
	var out strings.Builder
	if err := Agenda(t.Context(), &out, mbs(rest, ews), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "asked through bob@contoso.com") {
		t.Errorf("free/busy not asked through the EWS mailbox:\n%s", out.String())
	}
	out.Reset()
	if err := Agenda(t.Context(), &out, mbs(rest), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "none of the mailboxes is served by an API with free/busy") {
		t.Errorf("no word of free/busy being unavailable:\n%s", out.String())
	}
}

func mbs[T any](x ...T) []T { return x }
