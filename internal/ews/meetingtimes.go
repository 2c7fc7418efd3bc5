package ews

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// findMeetingTimes over GetUserAvailability's suggestions (Exchange 2007
// and later): the organizer (the mailbox acted for, AttendeeType
// Organizer) and the attendees as MailboxData, the time slot as the
// DetailedSuggestionsWindow (UTC), the duration as
// MeetingDurationInMinutes. Each Suggestion's AttendeeConflictDataArray
// lists one datum per MailboxData in the request's order, which is how
// its statuses are matched to the attendees (the XSD's sequence; EWS's
// reference does not say it in words). Graph's confidence becomes the
// share of attendees free; minimumAttendeePercentage and maxCandidates are
// applied to the suggestions read, best first.

func init() {
	routes["POST findMeetingTimes"] = findMeetingTimes
}

var ptDuration = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?$`)

// ewsFreeBusy spells EWS's LegacyFreeBusyType as Graph's freeBusyStatus.
var ewsFreeBusy = map[string]string{"Free": "free", "Tentative": "tentative", "Busy": "busy", "OOF": "oof",
	"WorkingElsewhere": "workingElsewhere", "NoData": "unknown"}

type suggestion struct {
	start      time.Time
	statuses   []string // per MailboxData
	confidence float64
	quality    string
}

// findMeetingTimes serves POST findMeetingTimes.
func findMeetingTimes(c *call) (*http.Response, error) {
	var b struct {
		Attendees []struct {
			Type         string `json:"type"`
			EmailAddress struct {
				Address string `json:"address"`
				Name    string `json:"name"`
			} `json:"emailAddress"`
		} `json:"attendees"`
		TimeConstraint struct {
			TimeSlots []struct {
				Start *dateTimeTZ `json:"start"`
				End   *dateTimeTZ `json:"end"`
			} `json:"timeSlots"`
		} `json:"timeConstraint"`
		MeetingDuration           string  `json:"meetingDuration"`
		MaxCandidates             int     `json:"maxCandidates"`
		MinimumAttendeePercentage float64 `json:"minimumAttendeePercentage"`
	}
	if err := json.Unmarshal(c.r.Body, &b); err != nil {
		return nil, fmt.Errorf("%w: %v", odata.ErrInvalidQuery, err)
	}
	if len(b.TimeConstraint.TimeSlots) != 1 || b.TimeConstraint.TimeSlots[0].Start == nil || b.TimeConstraint.TimeSlots[0].End == nil {
		return nil, errNotSupported("findMeetingTimes without exactly one time slot (GetUserAvailability takes one suggestions window)")
	}
	start, err1 := b.TimeConstraint.TimeSlots[0].Start.instant()
	end, err2 := b.TimeConstraint.TimeSlots[0].End.instant()
	if err1 != nil || err2 != nil || !end.After(start) {
		return nil, fmt.Errorf("%w: findMeetingTimes' time slot", odata.ErrInvalidQuery)
	}
	if end.Sub(start) > maxAvailabilityWindow {
		return nil, errNotSupported("a suggestions window over 42 days (GetUserAvailability's limit)")
	}
	minutes := 30
	if b.MeetingDuration != "" {
		m := ptDuration.FindStringSubmatch(strings.ToUpper(b.MeetingDuration))
		if m == nil || m[1] == "" && m[2] == "" {
			return nil, fmt.Errorf("%w: meetingDuration %q", odata.ErrInvalidQuery, b.MeetingDuration)
		}
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		minutes = h*60 + mi
	}
	minPct := b.MinimumAttendeePercentage
	if minPct == 0 {
		minPct = 50 // Graph's default
	}
	organizer := c.r.Mailbox
	var sugg []suggestion
	err := c.send(request{op: "GetUserAvailability", idempotent: true, body: func(w *xmlWriter) {
		writeAvailabilityHead(w, func(mailbox func(addr, kind string)) {
			if organizer != "" {
				mailbox(organizer, "Organizer")
			}
			for _, a := range b.Attendees {
				kind := "Required"
				if strings.EqualFold(a.Type, "optional") {
					kind = "Optional"
				} else if strings.EqualFold(a.Type, "resource") {
					kind = "Resource"
				}
				mailbox(a.EmailAddress.Address, kind)
			}
		})
		w.open("t:SuggestionsViewOptions")
		w.elem("t:MaximumResultsByDay", "48")
		w.elem("t:MeetingDurationInMinutes", strconv.Itoa(minutes))
		w.elem("t:MinimumSuggestionQuality", "Poor")
		w.open("t:DetailedSuggestionsWindow")
		w.elem("t:StartTime", start.UTC().Format("2006-01-02T15:04:05"))
		w.elem("t:EndTime", end.UTC().Format("2006-01-02T15:04:05"))
		w.close("t:DetailedSuggestionsWindow")
		w.close("t:SuggestionsViewOptions")
		w.close("m:GetUserAvailabilityRequest")
	}}, func(x *xmlReader, buf *[]byte) error {
		return x.children(func() error {
			if !x.is("SuggestionsResponse") {
				return x.skip()
			}
			var st status
			err := x.children(func() error {
				if x.is("ResponseMessage") {
					return readClassed(x, buf, &st, nil)
				}
				if !x.is("SuggestionDayResultArray") {
					return x.skip()
				}
				return x.children(func() error {
					if !x.is("SuggestionDayResult") {
						return x.skip()
					}
					return x.children(func() error {
						if !x.is("SuggestionArray") {
							return x.skip()
						}
						return x.children(func() error {
							if !x.is("Suggestion") {
								return x.skip()
							}
							s, err := readSuggestion(x)
							sugg = append(sugg, s)
							return err
						})
					})
				})
			})
			if err == nil && !st.ok() {
				err = errorOf("GetUserAvailability", &st, false, nil)
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	off := 0 // where the attendees start in each conflict array
	if organizer != "" {
		off = 1
	}
	var kept []suggestion
	for _, s := range sugg {
		if len(s.statuses) != off+len(b.Attendees) {
			return nil, errorf("GetUserAvailability: a suggestion has %d conflict data for %d mailboxes", len(s.statuses), off+len(b.Attendees))
		}
		if off == 1 && s.statuses[0] != "free" {
			continue // Graph proposes no time the organizer is busy at
		}
		free := 0
		for _, st := range s.statuses[off:] {
			if st == "free" {
				free++
			}
		}
		s.confidence = 100
		if len(b.Attendees) > 0 {
			s.confidence = 100 * float64(free) / float64(len(b.Attendees))
		}
		if s.confidence >= minPct {
			kept = append(kept, s)
		}
	}
	slices.SortStableFunc(kept, func(a, b suggestion) int {
		if a.confidence != b.confidence {
			if a.confidence > b.confidence {
				return -1
			}
			return 1
		}
		return a.start.Compare(b.start)
	})
	if b.MaxCandidates > 0 && len(kept) > b.MaxCandidates {
		kept = kept[:b.MaxCandidates]
	}
	dtz := func(out []byte, t time.Time) []byte {
		out = append(out, `{"dateTime":"`...)
		out = t.UTC().AppendFormat(out, "2006-01-02T15:04:05.0000000")
		return append(out, `","timeZone":"UTC"}`...)
	}
	out := []byte(`{"meetingTimeSuggestions":[`)
	for _, s := range kept {
		out = comma(out)
		out = append(out, `{"confidence":`...)
		out = strconv.AppendFloat(out, s.confidence, 'f', -1, 64)
		out = member(out, "organizerAvailability")
		org := "free"
		if off == 1 {
			org = s.statuses[0]
		}
		out = appendString(out, org)
		out = member(out, "suggestionReason")
		out = appendString(out, "EWS suggestion quality: "+s.quality)
		out = member(out, "meetingTimeSlot")
		out = append(out, `{"start":`...)
		out = dtz(out, s.start)
		out = append(out, `,"end":`...)
		out = dtz(out, s.start.Add(time.Duration(minutes)*time.Minute))
		out = append(out, '}')
		out = member(out, "attendeeAvailability")
		out = append(out, '[')
		for i, a := range b.Attendees {
			out = comma(out)
			out = append(out, `{"attendee":{"type":`...)
			out = appendString(out, strings.ToLower(a.Type))
			out = append(out, `,"emailAddress":{"address":`...)
			out = appendString(out, a.EmailAddress.Address)
			out = append(out, `}},"availability":`...)
			out = appendString(out, s.statuses[off+i])
			out = append(out, '}')
		}
		out = append(out, "]}"...)
	}
	out = append(out, "]"...)
	if len(kept) == 0 {
		out = append(out, `,"emptySuggestionsReason":"attendeesUnavailable"`...)
	}
	return jsonResponse(http.StatusOK, append(out, '}')), nil
}

// readSuggestion reads one Suggestion: its time (UTC, the request's zone),
// quality and the conflict data of each mailbox.
func readSuggestion(x *xmlReader) (suggestion, error) {
	var s suggestion
	err := x.children(func() error {
		switch string(x.local) {
		case "MeetingTime", "SuggestionQuality":
			name := string(x.local)
			t, err := x.textInto(nil)
			if err != nil {
				return err
			}
			t = []byte(strings.TrimSpace(string(t)))
			if name == "SuggestionQuality" {
				s.quality = string(t)
				return nil
			}
			tm, ok := parseDateTime(t)
			if !ok {
				return fmt.Errorf("%w: Suggestion/MeetingTime: %q is not a time", errXML, truncate(string(t), 40))
			}
			s.start = tm
			return nil
		case "AttendeeConflictDataArray":
			return x.children(func() error {
				if !x.is("IndividualAttendeeConflictData") {
					// Unknown, group or too-big-group data: no one
					// mailbox's status.
					s.statuses = append(s.statuses, "unknown")
					return x.skip()
				}
				st := "unknown"
				err := x.children(func() error {
					if !x.is("BusyType") {
						return x.skip()
					}
					t, err := x.textInto(nil)
					if v, ok := ewsFreeBusy[strings.TrimSpace(string(t))]; ok {
						st = v
					}
					return err
				})
				s.statuses = append(s.statuses, st)
				return err
			})
		}
		return x.skip()
	})
	return s, err
}
