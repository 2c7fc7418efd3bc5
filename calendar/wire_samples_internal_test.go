package calendar

import (
	"testing"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/odata"
)

// sampleSchema returns the table of a sample body about calendars, by the
// sample's URL, or nil when the body is not one of this package's models.
func sampleSchema(url string, request bool) *odata.Schema {
	segs := schematest.Segments(url)
	var s *odata.Schema
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case "events", "calendarview", "instances":
			s = eventSchema
		case "calendar", "calendars":
			s = calendarSchema
		case "calendargroups":
			s = calendarGroupSchema
		case "attachments":
			if s != eventSchema {
				return nil // a message's
			}
			s = attachmentSchema
		case "accept", "decline", "tentativelyaccept":
			if request && last {
				s = responseSchema
			}
		case "cancel":
			s = commentSchema
		case "forward":
			s = forwardSchema
		case "snoozereminder":
			s = snoozeSchema
		case "getschedule":
			if s = scheduleAnswerSchema; request {
				s = scheduleRequestSchema
			}
		case "messages", "mailfolders", "contacts", "contactfolders", "extensions", "calendarpermissions", "groups",
			"findmeetingtimes", "createuploadsession":
			return nil
		}
	}
	return s
}

// Every calendar body of the samples, in either dialect, translates and
// translates back to the same bytes by its table.
func TestSampleBodiesRoundTrip(t *testing.T) {
	schematest.SamplesRoundTrip(t, "calendar", sampleSchema, []string{"user-post-events-1.json"}, 20, 60)
}
