package calendar

import (
	"testing"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/odata"
)

// The bodies of actions carry tables too, so that every body is translated
// by one.
func TestActionSchemas(t *testing.T) {
	for _, v := range []odata.Mapped{responseBody{}, commentBody{}, forwardBody{}, snoozeBody{}, scheduleBody{}, scheduleAnswer{}, groupBody{}, meetingTimesBody{}, timeConstraint{}} {
		schematest.Type(t, v)
	}
	schematest.Graph(t, map[string]string{
		"getScheduleResponse":    "the answer of getSchedule: a collection of scheduleInformation",
		"accept.proposedNewTime": "Graph v1.0 documents it on tentativelyAccept and decline, which share the body",
	}, responseSchema, commentSchema, forwardSchema, snoozeSchema, scheduleRequestSchema, scheduleAnswerSchema, groupBodySchema, meetingTimesBodySchema, timeConstraintSchema)
}
