package calendar

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// MeetingTimeRequest asks for meeting times that suit the organizer (the
// mailbox) and its attendees.
type MeetingTimeRequest struct {
	// Attendees are the attendees' addresses; Required ones count for the
	// suggestions' confidence.
	Attendees []Attendee
	// Start and End bound the times proposed.
	Start, End time.Time
	// Duration is the meeting's length: whole minutes; zero means 30
	// minutes, as Graph's default.
	Duration time.Duration
	// MaxCandidates bounds the suggestions; zero leaves the service's
	// default.
	MaxCandidates int
	// MinimumAttendeePercentage is the confidence below which a time is not
	// proposed (Graph's default: 50).
	MinimumAttendeePercentage float64
}

// MeetingTimeSuggestions is the answer of FindMeetingTimes.
type MeetingTimeSuggestions struct {
	Suggestions []MeetingTimeSuggestion `json:"meetingTimeSuggestions,omitzero"`
	// EmptySuggestionsReason says why there are none, such as
	// "attendeesUnavailable".
	EmptySuggestionsReason string `json:"emptySuggestionsReason,omitzero"`
}

// MeetingTimeSuggestion is one proposed time.
type MeetingTimeSuggestion struct {
	MeetingTimeSlot item.TimeSlot `json:"meetingTimeSlot"`
	// Confidence is the percentage likelihood that all attendees attend.
	Confidence            float64                `json:"confidence,omitzero"`
	OrganizerAvailability FreeBusyStatus         `json:"organizerAvailability,omitzero"`
	AttendeeAvailability  []AttendeeAvailability `json:"attendeeAvailability,omitzero"`
	SuggestionReason      string                 `json:"suggestionReason,omitzero"`
	// Locations are the places proposed with the time (Graph, when the
	// request asks for locations; the SDK does not yet).
	Locations []item.Location `json:"locations,omitzero"`
}

// AttendeeAvailability is an attendee's free/busy over a proposed time.
type AttendeeAvailability struct {
	Attendee     Attendee       `json:"attendee"`
	Availability FreeBusyStatus `json:"availability,omitzero"`
}

// activityDomain is the kind of time a meeting may be proposed in.
type activityDomain string

func (activityDomain) WireEnum() *odata.EnumType { return activityDomainEnum }

type timeConstraint struct {
	ActivityDomain activityDomain  `json:"activityDomain,omitzero"`
	TimeSlots      []item.TimeSlot `json:"timeSlots"`
}

type meetingTimesBody struct {
	Attendees                 []Attendee     `json:"attendees"`
	TimeConstraint            timeConstraint `json:"timeConstraint"`
	MeetingDuration           string         `json:"meetingDuration"`
	MaxCandidates             int            `json:"maxCandidates,omitzero"`
	ReturnSuggestionReasons   bool           `json:"returnSuggestionReasons"`
	MinimumAttendeePercentage float64        `json:"minimumAttendeePercentage,omitzero"`
}

var (
	activityDomainEnum = &odata.EnumType{Name: "activityDomain", Values: []string{"unknown", "work", "personal", "unrestricted"},
		EWS: map[string]string{"unknown": "", "work": "", "personal": "", "unrestricted": ""}}
	timeConstraintSchema = &odata.Schema{Name: "timeConstraint", Props: []odata.Prop{
		{Graph: "activityDomain", Kind: odata.KindEnum, Enum: activityDomainEnum},
		// v2.0 spells it "Timeslots" (its TimeConstraint reference).
		{Graph: "timeSlots", V2: "Timeslots", Collection: true, Kind: odata.KindObject, Elem: timeSlotSchema},
	}}
	meetingTimesBodySchema = &odata.Schema{Name: "findMeetingTimes", Props: []odata.Prop{
		{Graph: "attendees", Collection: true, Kind: odata.KindObject, Elem: attendeeSchema},
		{Graph: "timeConstraint", Kind: odata.KindObject, Elem: timeConstraintSchema},
		{Graph: "meetingDuration"},
		{Graph: "maxCandidates", Kind: odata.KindInt},
		{Graph: "returnSuggestionReasons", Kind: odata.KindBool},
		{Graph: "minimumAttendeePercentage", Kind: odata.KindFloat},
	}}
	attendeeAvailabilitySchema = &odata.Schema{Name: "attendeeAvailability", Props: []odata.Prop{
		{Graph: "attendee", Kind: odata.KindObject, Elem: attendeeSchema},
		{Graph: "availability", Kind: odata.KindEnum, Enum: freeBusyEnum},
	}}
	meetingTimeSuggestionSchema = &odata.Schema{Name: "meetingTimeSuggestion", Props: []odata.Prop{
		{Graph: "meetingTimeSlot", Kind: odata.KindObject, Elem: timeSlotSchema},
		{Graph: "confidence", Kind: odata.KindFloat},
		{Graph: "organizerAvailability", Kind: odata.KindEnum, Enum: freeBusyEnum},
		{Graph: "attendeeAvailability", Collection: true, Kind: odata.KindObject, Elem: attendeeAvailabilitySchema},
		{Graph: "suggestionReason"},
		{Graph: "locations", Collection: true, Kind: odata.KindObject, Elem: locationSchema},
	}}
	meetingTimeSuggestionsSchema = &odata.Schema{Name: "meetingTimeSuggestionsResult", Props: []odata.Prop{
		{Graph: "meetingTimeSuggestions", Collection: true, Kind: odata.KindObject, Elem: meetingTimeSuggestionSchema},
		{Graph: "emptySuggestionsReason"},
	}}
)

func (meetingTimesBody) WireSchema() *odata.Schema { return meetingTimesBodySchema }
func (timeConstraint) WireSchema() *odata.Schema   { return timeConstraintSchema }

// WireSchema returns the wire mapping of a meeting-time suggestion.
func (MeetingTimeSuggestion) WireSchema() *odata.Schema { return meetingTimeSuggestionSchema }

// WireSchema returns the wire mapping of an attendee's availability.
func (AttendeeAvailability) WireSchema() *odata.Schema { return attendeeAvailabilitySchema }

// WireSchema returns the wire mapping of meeting-time suggestions.
func (MeetingTimeSuggestions) WireSchema() *odata.Schema { return meetingTimeSuggestionsSchema }

// FindMeetingTimes proposes times for a meeting of the mailbox's user with
// the attendees, from their free/busy, in every location: Graph's and
// REST v2.0's findMeetingTimes, EWS's GetUserAvailability suggestions. The
// request is checked before any request is sent.
func (s *Service) FindMeetingTimes(ctx context.Context, r MeetingTimeRequest) (*MeetingTimeSuggestions, error) {
	const op = "FindMeetingTimes"
	if _, err := windowParams(op, r.Start, r.End); err != nil {
		return nil, err
	}
	for i, a := range r.Attendees {
		if err := checkAddress(a.EmailAddress.Address); err != nil {
			return nil, fmt.Errorf("calendar: %s: %w: attendee %d: %w", op, ErrInvalidEvent, i+1, err)
		}
	}
	d := r.Duration
	if d == 0 {
		d = 30 * time.Minute
	}
	switch {
	case d < 0 || d%time.Minute != 0:
		return nil, fmt.Errorf("calendar: %s: %w: duration %v, want whole minutes", op, ErrInvalidEvent, r.Duration)
	case d > r.End.Sub(r.Start):
		return nil, fmt.Errorf("calendar: %s: %w: a %v meeting does not fit in the window", op, ErrInvalidEvent, d)
	case r.MaxCandidates < 0 || r.MinimumAttendeePercentage < 0 || r.MinimumAttendeePercentage > 100:
		return nil, fmt.Errorf("calendar: %s: %w: MaxCandidates %d, MinimumAttendeePercentage %v", op, ErrInvalidEvent, r.MaxCandidates, r.MinimumAttendeePercentage)
	}
	atts := make([]Attendee, len(r.Attendees))
	for i, a := range r.Attendees {
		atts[i] = Attendee{EmailAddress: a.EmailAddress, Type: a.Type}
		if atts[i].Type == "" {
			atts[i].Type = AttendeeRequired
		}
	}
	b := meetingTimesBody{
		Attendees:                 atts,
		TimeConstraint:            timeConstraint{ActivityDomain: "unrestricted", TimeSlots: []item.TimeSlot{{Start: item.FromTime(r.Start.UTC()), End: item.FromTime(r.End.UTC())}}},
		MeetingDuration:           "PT" + strconv.Itoa(int(d/time.Minute)) + "M",
		MaxCandidates:             r.MaxCandidates,
		ReturnSuggestionReasons:   true,
		MinimumAttendeePercentage: r.MinimumAttendeePercentage,
	}
	return created(odata.Invoke[MeetingTimeSuggestions](ctx, s.c, odata.PathOf("findMeetingTimes"), b))
}
