package store

// Meeting-time suggestions: what Graph's findMeetingTimes and EWS's
// GetUserAvailability suggestions propose, computed from the stored
// free/busy of the organizer and the attendees (Schedule). The fake's
// rules, simpler than Exchange's: candidate slots start every 30 minutes
// in the window (on the half hour), last the meeting's duration, and are
// proposed when the organizer is free and at least minPercent of the
// attendees are; the best confidence first, then the earliest. Working
// hours are not applied.

import (
	"slices"
	"time"
)

// SuggestStep is how far apart candidate slots start.
const SuggestStep = 30 * time.Minute

// Suggestion is one proposed meeting time.
type Suggestion struct {
	Start, End time.Time
	// Organizer is the organizer's status over the slot.
	Organizer string
	// Attendees are each attendee's status ("free", "tentative", "busy",
	// "oof", "workingElsewhere", or "unknown" for an address the tenant
	// does not hold), in the order asked.
	Attendees []string
	// Confidence is the percentage of attendees free over the slot.
	Confidence float64
}

// status returns a mailbox's busiest status over [start, end).
func (m *Mailbox) status(start, end time.Time) string {
	best := "free"
	for _, it := range m.Schedule(start, end, 0).Items {
		if st, _ := it["status"].(string); busyRank[st] > busyRank[best] {
			best = st
		}
	}
	return best
}

// SuggestMeetingTimes proposes up to max slots of length dur in [from, to)
// for organizer (nil: none) and the attendees' addresses.
func (st *Store) SuggestMeetingTimes(organizer *Mailbox, attendees []string, from, to time.Time, dur time.Duration, minPercent float64, max int) []Suggestion {
	if dur <= 0 || max <= 0 {
		return nil
	}
	boxes := make([]*Mailbox, len(attendees))
	for i, a := range attendees {
		boxes[i], _ = st.Lookup(a)
	}
	var out []Suggestion
	first := from.Truncate(SuggestStep)
	if first.Before(from) {
		first = first.Add(SuggestStep)
	}
	for t := first; !t.Add(dur).After(to); t = t.Add(SuggestStep) {
		s := Suggestion{Start: t, End: t.Add(dur), Organizer: "free", Attendees: make([]string, len(boxes))}
		if organizer != nil {
			s.Organizer = organizer.status(s.Start, s.End)
		}
		if s.Organizer != "free" {
			continue
		}
		free := 0
		for i, m := range boxes {
			switch {
			case m == nil:
				s.Attendees[i] = "unknown"
			default:
				s.Attendees[i] = m.status(s.Start, s.End)
			}
			if s.Attendees[i] == "free" {
				free++
			}
		}
		s.Confidence = 100
		if len(boxes) > 0 {
			s.Confidence = 100 * float64(free) / float64(len(boxes))
		}
		if s.Confidence >= minPercent {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		if a.Confidence != b.Confidence {
			if a.Confidence > b.Confidence {
				return -1
			}
			return 1
		}
		return a.Start.Compare(b.Start)
	})
	if len(out) > max {
		out = out[:max]
	}
	return out
}
