package rest

// findMeetingTimes (Graph) and findmeetingtimes (v2.0), an action of the
// mailbox: meeting times proposed from the stored free/busy of the
// organizer and the attendees (store.SuggestMeetingTimes). The fake reads
// the attendees, the first time slot of timeConstraint (v2.0 spells it
// Timeslots), meetingDuration (ISO 8601: PT1H, PT90M), maxCandidates
// (default 5) and minimumAttendeePercentage (default 50); it proposes any
// time in the slot, whatever activityDomain says.

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// isFindMeetingTimes reports whether the path below the mailbox is the
// findMeetingTimes action.
func isFindMeetingTimes(rest []seg) bool {
	return len(rest) == 1 && !rest[0].hasKey && strings.EqualFold(rest[0].name, "findMeetingTimes")
}

// field returns o's member named name in any case.
func field(o map[string]any, name string) any {
	if v, ok := o[name]; ok {
		return v
	}
	for k, v := range o {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

var isoDuration = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?$`)

// parseISODuration reads the hours and minutes of an ISO 8601 duration.
func parseISODuration(s string) (time.Duration, bool) {
	m := isoDuration.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil || m[1] == "" && m[2] == "" {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute, true
}

// findMeetingTimes serves the action.
func (c *call) findMeetingTimes(unlock func()) *apiError {
	if c.r.Method != http.MethodPost {
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "findMeetingTimes is an action: POST it.")
	}
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes))
	if err != nil {
		return errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body: %v", err)
	}
	body, derr := dialect.DecodeBody(c.h.env.Dialect, data, nil)
	if derr != nil {
		return errorf(http.StatusBadRequest, "RequestBodyRead", "%v", derr)
	}
	var addrs []string
	var kinds []string
	atts, _ := field(body, "attendees").([]any)
	for _, a := range atts {
		ao, _ := a.(map[string]any)
		ea, _ := field(ao, "emailAddress").(map[string]any)
		addr, _ := field(ea, "address").(string)
		if !strings.Contains(addr, "@") {
			return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "An attendee has no valid email address.")
		}
		kind, _ := field(ao, "type").(string)
		addrs, kinds = append(addrs, addr), append(kinds, kind)
	}
	tc, _ := field(body, "timeConstraint").(map[string]any)
	slots, _ := field(tc, "timeSlots").([]any)
	if len(slots) == 0 {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The fake needs a timeConstraint with a time slot.")
	}
	slot, _ := slots[0].(map[string]any)
	from, ok1 := datetime.Instant(lowerKeys(field(slot, "start")))
	to, ok2 := datetime.Instant(lowerKeys(field(slot, "end")))
	if !ok1 || !ok2 || !to.After(from) {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The time slot needs a start before its end.")
	}
	dur := 30 * time.Minute
	if s, ok := field(body, "meetingDuration").(string); ok {
		d, ok := parseISODuration(s)
		if !ok || d <= 0 {
			return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "meetingDuration %q is not an ISO 8601 duration.", s)
		}
		dur = d
	}
	max := 5
	if n, ok := field(body, "maxCandidates").(float64); ok && n > 0 {
		max = int(n)
	}
	minPct := 50.0
	if n, ok := field(body, "minimumAttendeePercentage").(float64); ok && n > 0 {
		minPct = n
	}
	sugg := c.st().SuggestMeetingTimes(c.m, addrs, from, to, dur, minPct, max)
	unlock()

	v2 := c.h.env.Dialect == dialect.V2
	key := func(graph string) string {
		if v2 {
			return strings.ToUpper(graph[:1]) + graph[1:]
		}
		return graph
	}
	val := key // v2.0 enum members are capitalised too
	dtz := func(t time.Time) map[string]any {
		return map[string]any{key("dateTime"): t.UTC().Format("2006-01-02T15:04:05.0000000"), key("timeZone"): "UTC"}
	}
	out := []any{}
	for _, s := range sugg {
		var avail []any
		for i, a := range addrs {
			avail = append(avail, map[string]any{
				key("attendee"):     map[string]any{key("type"): kinds[i], key("emailAddress"): map[string]any{key("address"): a}},
				key("availability"): val(s.Attendees[i]),
			})
		}
		out = append(out, map[string]any{
			key("confidence"):            s.Confidence,
			key("organizerAvailability"): val(s.Organizer),
			key("suggestionReason"):      suggestionReason(s),
			key("meetingTimeSlot"):       map[string]any{key("start"): dtz(s.Start), key("end"): dtz(s.End)},
			key("attendeeAvailability"):  avail,
			key("locations"):             []any{},
		})
	}
	reason := ""
	if len(out) == 0 {
		reason = "attendeesUnavailable"
	}
	c.writeJSON(http.StatusOK, map[string]any{key("meetingTimeSuggestions"): out, key("emptySuggestionsReason"): reason})
	return nil
}

// suggestionReason says why a time is proposed, as Graph words it.
func suggestionReason(s store.Suggestion) string {
	if s.Confidence == 100 {
		return "Suggested because it is one of the nearest times when all attendees are available."
	}
	return "Suggested because it is one of the nearest times when most attendees are available."
}

// lowerKeys returns a dateTimeTimeZone with Graph's member names, from
// either dialect's.
func lowerKeys(v any) any {
	o, ok := v.(map[string]any)
	if !ok {
		return v
	}
	return map[string]any{"dateTime": field(o, "dateTime"), "timeZone": field(o, "timeZone")}
}
