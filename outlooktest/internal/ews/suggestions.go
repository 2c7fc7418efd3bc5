package ews

// Meeting-time suggestions: GetUserAvailabilityRequest with
// SuggestionsViewOptions (and no FreeBusyViewOptions) answers a
// SuggestionsResponse: per day of the DetailedSuggestionsWindow, the times
// store.SuggestMeetingTimes proposes, each with its quality and one
// conflict datum per MailboxData in the request's order (an address the
// tenant does not hold: UnknownAttendeeConflictData). The mailbox whose
// AttendeeType is Organizer is the organizer.

import (
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// suggestionQuality words a confidence as EWS's SuggestionQuality does.
func suggestionQuality(confidence float64) string {
	switch {
	case confidence >= 100:
		return "Excellent"
	case confidence >= 50:
		return "Good"
	case confidence > 0:
		return "Fair"
	}
	return "Poor"
}

// ewsBusyType spells a free/busy status as EWS's LegacyFreeBusyType.
var ewsBusyType = map[string]string{"free": "Free", "tentative": "Tentative", "busy": "Busy", "oof": "OOF", "workingElsewhere": "WorkingElsewhere"}

// suggestions serves a GetUserAvailabilityRequest asking for suggestions.
func (c *call) suggestions(op *elem, w *writer, z *serialZone) *fault {
	so := op.t("SuggestionsViewOptions")
	win := so.t("DetailedSuggestionsWindow")
	dur := so.t("MeetingDurationInMinutes")
	if win == nil || dur == nil || win.t("StartTime") == nil || win.t("EndTime") == nil {
		return schemaFault(so.line, so.col, "SuggestionsViewOptions needs a MeetingDurationInMinutes and a DetailedSuggestionsWindow.")
	}
	ls, err1 := time.Parse("2006-01-02T15:04:05", strings.TrimSpace(win.t("StartTime").value()))
	le, err2 := time.Parse("2006-01-02T15:04:05", strings.TrimSpace(win.t("EndTime").value()))
	minutes, err3 := strconv.Atoi(dur.value())
	if err1 != nil || err2 != nil || err3 != nil || minutes < 1 {
		return schemaFault(so.line, so.col, "The suggestions window or the meeting duration is invalid.")
	}
	start, end := z.toUTC(ls), z.toUTC(le)
	if !end.After(start) {
		return faultClient("ErrorInvalidTimeInterval", "The end of the suggestions window must be after its start.")
	}
	perDay := 10
	if m := so.t("MaximumResultsByDay"); m != nil {
		n, err := strconv.Atoi(m.value())
		if err != nil || n < 0 || n > 48 {
			return faultClient("ErrorInvalidParameter", "MaximumResultsByDay must be from 0 to 48.")
		}
		perDay = n
	}
	var organizer *store.Mailbox
	var addrs []string
	var order []int // for each MailboxData: its index in addrs, or -1 for the organizer
	for _, md := range op.m("MailboxDataArray").all(nsTypes, "MailboxData") {
		addr := ""
		if e := md.t("Email"); e != nil && e.t("Address") != nil {
			addr = strings.TrimSpace(e.t("Address").text)
		}
		if t := md.t("AttendeeType"); t != nil && t.value() == "Organizer" {
			organizer, _ = c.h.st.Lookup(addr)
			order = append(order, -1)
			continue
		}
		order = append(order, len(addrs))
		addrs = append(addrs, addr)
	}
	all := c.h.st.SuggestMeetingTimes(organizer, addrs, start, end, time.Duration(minutes)*time.Minute, 0, 1<<30)
	byDay := map[string][]store.Suggestion{}
	var days []string
	for _, s := range all {
		d := z.local(s.Start).Format("2006-01-02")
		if _, ok := byDay[d]; !ok {
			days = append(days, d)
		}
		if len(byDay[d]) < perDay {
			byDay[d] = append(byDay[d], s)
		}
	}
	w.open("m:GetUserAvailabilityResponse", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
	w.open("m:SuggestionsResponse")
	w.open("m:ResponseMessage", "ResponseClass", "Success")
	w.leaf("m:ResponseCode", "NoError")
	w.close("m:ResponseMessage")
	w.open("m:SuggestionDayResultArray")
	for _, d := range days {
		w.open("t:SuggestionDayResult")
		w.leaf("t:Date", d+"T00:00:00")
		best := 0.0
		for _, s := range byDay[d] {
			best = max(best, s.Confidence)
		}
		w.leaf("t:DayQuality", suggestionQuality(best))
		w.open("t:SuggestionArray")
		for _, s := range byDay[d] {
			w.open("t:Suggestion")
			w.leaf("t:MeetingTime", z.local(s.Start).Format("2006-01-02T15:04:05"))
			w.leaf("t:IsWorkTime", "true")
			w.leaf("t:SuggestionQuality", suggestionQuality(s.Confidence))
			w.open("t:AttendeeConflictDataArray")
			for _, i := range order {
				status := s.Organizer
				if i >= 0 {
					status = s.Attendees[i]
				}
				if status == "unknown" {
					w.empty("t:UnknownAttendeeConflictData")
					continue
				}
				w.open("t:IndividualAttendeeConflictData")
				w.leaf("t:BusyType", ewsBusyType[status])
				w.close("t:IndividualAttendeeConflictData")
			}
			w.close("t:AttendeeConflictDataArray")
			w.close("t:Suggestion")
		}
		w.close("t:SuggestionArray")
		w.close("t:SuggestionDayResult")
	}
	w.close("m:SuggestionDayResultArray")
	w.close("m:SuggestionsResponse")
	w.close("m:GetUserAvailabilityResponse")
	return nil
}
