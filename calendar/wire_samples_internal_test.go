package calendar

import (
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/internal/testutil"
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
	golden := []string{"user-post-events-1.json"}
	n := 0
	for name, s := range testutil.Samples(t, "v2-samples", nil) {
		req, resp := schematest.Bodies(s)
		for _, b := range []struct {
			body    []byte
			request bool
		}{{req, true}, {resp, false}} {
			if sc := sampleSchema(s.URL, b.request); b.body != nil && sc != nil {
				schematest.V2RoundTrip(t, name, b.body, schematest.ForBody(b.body, sc))
				n++
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d v2.0 calendar bodies round-tripped; the samples hold more", n)
	}
	n = 0
	for name, s := range testutil.Samples(t, "graph-samples", nil) {
		req, resp := schematest.Bodies(s)
		letter := 'a'
		for _, b := range []struct {
			body    []byte
			request bool
		}{{req, true}, {resp, false}} {
			if b.body == nil {
				continue
			}
			g := ""
			if slices.Contains(golden, name) {
				g = strings.TrimSuffix(name, ".json") + "-" + string(letter) + ".json"
			}
			letter++
			if sc := sampleSchema(s.URL, b.request); sc != nil {
				schematest.GraphRoundTrip(t, name, b.body, schematest.ForBody(b.body, sc), g, schematest.Updating())
				n++
			}
		}
	}
	if n < 60 {
		t.Errorf("only %d Graph calendar bodies round-tripped; the samples hold more", n)
	}
}
