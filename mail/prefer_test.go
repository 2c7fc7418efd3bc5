package mail_test

import (
	"errors"
	"testing"
	"time"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// Prefer's time zone (outlook.timezone) is for events: Exchange keeps a
// message's times in UTC and Graph returns them so whatever the header says
// (Microsoft Q&A 496325, "The timezone header only affects the Events
// endpoint"). The same message reads the same in every location, with or
// without it: no location renders mail in another zone, and none fails.
func TestPreferTimeZoneLeavesMailInUTC(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		id := e.Box.Add("messages", outlooktest.Object{"subject": "flagged", "parentFolderId": "inbox",
			"receivedDateTime": "2026-03-02T09:00:00Z",
			"flag": outlooktest.Object{"flagStatus": "flagged",
				"startDateTime": outlooktest.Object{"dateTime": "2026-03-02T08:00:00.0000000", "timeZone": "UTC"},
				"dueDateTime":   outlooktest.Object{"dateTime": "2026-03-06T17:00:00.0000000", "timeZone": "UTC"}}})
		for _, zone := range []string{"", "Pacific Standard Time"} {
			m, err := e.MB.Mail.GetMessage(t.Context(), id, &odata.Query{Prefer: odata.Prefer{TimeZone: zone}})
			if err != nil {
				t.Fatalf("GetMessage in %q: %v", zone, err)
			}
			due := m.Flag.DueDateTime
			if m.Flag.FlagStatus != item.FlagStatusFlagged || due.TimeZone != "UTC" || due.DateTime[:19] != "2026-03-06T17:00:00" {
				t.Errorf("zone %q: flag %+v, want its dates in UTC", zone, m.Flag)
			}
			if !m.ReceivedDateTime.Equal(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) {
				t.Errorf("zone %q: received %v", zone, m.ReceivedDateTime)
			}
		}
	})
}

// Immutable ids are Exchange Online's: over EWS (whose ids change when an
// item moves, with no way to ask otherwise) asking for them is refused
// before any request, never silently ignored.
func TestPreferImmutableIDs(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		id := e.Box.Add("messages", outlooktest.Object{"subject": "kept", "parentFolderId": "inbox"})
		before := e.Reads("")
		_, err := e.MB.Mail.GetMessage(t.Context(), id, &odata.Query{Prefer: odata.Prefer{ImmutableIDs: true}})
		switch {
		case e.Loc == ews:
			if !errors.Is(err, odata.ErrNotSupported) || e.Reads("") != before {
				t.Errorf("over EWS: %v after %d requests; want ErrNotSupported before any", err, e.Reads("")-before)
			}
		case err != nil:
			t.Errorf("GetMessage with immutable ids: %v", err)
		}
	})
}
