package rest

// Calendar actions beyond generic CRUD and the attendee responses: event
// cancel and forward (Graph only: Outlook REST v2.0 had them in beta), and
// dismissReminder and snoozeReminder (both dialects).

import (
	"net/http"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// calendarAction runs an event's cancel, forward, dismissReminder or
// snoozeReminder.
func (c *call) calendarAction(t *target, name string, unlock func()) *apiError {
	e := t.ent
	v2 := c.h.env.Dialect == dialect.V2
	if v2 && (name == "cancel" || name == "forward") {
		// Beta-only on v2.0: the v2.0 endpoint does not know the segment.
		return c.unknownSegment(name)
	}
	body, aerr := c.readParams(name, e.Set())
	if aerr != nil {
		return aerr
	}
	switch name {
	case "cancel":
		if org, _ := e.Object()["isOrganizer"].(bool); !org {
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. You need to be an organizer to cancel a meeting.")
		}
		comment, isStr := body["comment"].(string)
		if _, ok := body["comment"]; ok && !isStr {
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "comment must be a string.")
		}
		// The attendees are told; one occurrence leaves the series, a
		// whole meeting leaves the calendar.
		c.m.CancelMeeting(e, comment)
		if e.Transient() || store.IsException(e) {
			c.m.CancelOccurrence(e)
		} else {
			c.m.Purge(e)
		}
		return c.answerEmpty(http.StatusAccepted, unlock)
	case "forward":
		rs, _ := body["toRecipients"].([]any)
		if len(rs) == 0 {
			return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is required.")
		}
		var to []string
		for _, r := range rs {
			ro, _ := r.(map[string]any)
			ea, _ := ro["emailAddress"].(map[string]any)
			a, _ := ea["address"].(string)
			if !strings.Contains(a, "@") {
				return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "A recipient has no valid email address.")
			}
			to = append(to, a)
		}
		c.m.ForwardMeeting(e, to)
		return c.answerEmpty(http.StatusAccepted, unlock)
	case "dismissreminder":
		if len(body) > 0 {
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "dismissReminder takes no parameters.")
		}
		if !e.Transient() {
			c.m.Write(e, Object{"isReminderOn": false})
		}
		return c.answerEmpty(http.StatusOK, unlock)
	case "snoozereminder":
		t, ok := body["newReminderTime"].(map[string]any)
		if _, valid := datetime.Instant(t); !ok || !valid {
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "newReminderTime (a dateTimeTimeZone) is required.")
		}
		if !e.Transient() {
			c.m.Write(e, Object{"isReminderOn": true})
		}
		return c.answerEmpty(http.StatusOK, unlock)
	}
	return c.notImplemented()
}

// answerEmpty ends a call with a status and no body.
func (c *call) answerEmpty(status int, unlock func()) *apiError {
	unlock()
	c.setHeaders()
	c.w.WriteHeader(status)
	return nil
}

// respond serves an attendee's accept, tentativelyAccept and decline: the
// attendee's copy records the response and, unless sendResponse is false,
// the organizer's event and Inbox get it (store.Respond), whichever host
// serves the organizer.
func (c *call) respond(t *target, name string, unlock func()) *apiError {
	resp := map[string]string{"accept": "accepted", "decline": "declined", "tentativelyaccept": "tentativelyAccepted"}[name]
	if org, _ := t.ent.Object()["isOrganizer"].(bool); org {
		return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. You can't respond to a meeting you organized.")
	}
	body, aerr := c.readParams(name, t.ent.Set())
	if aerr != nil {
		return aerr
	}
	r := store.MeetingResponse{Response: resp, Send: true}
	if v, ok := body["sendResponse"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "sendResponse must be a boolean.")
		}
		r.Send = b
	}
	if v, ok := body["comment"]; ok {
		s, isStr := v.(string)
		if !isStr {
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "comment must be a string.")
		}
		r.Comment = s
	}
	if v, ok := body["proposedNewTime"]; ok && v != nil {
		slot, isObj := v.(map[string]any)
		_, okStart := datetime.Instant(slot["start"])
		_, okEnd := datetime.Instant(slot["end"])
		switch {
		case c.h.env.Dialect == dialect.V2 || name == "accept":
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "proposedNewTime is not a parameter of %s.", name)
		case !isObj || !okStart || !okEnd:
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "proposedNewTime must be a timeSlot.")
		case !r.Send:
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. A new time can only be proposed with a response sent.")
		case t.ent.Object()["allowNewTimeProposals"] == false:
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. The organizer doesn't allow new time proposals.")
		}
		r.Proposed = slot
	}
	if err := c.m.Respond(t.ent, r); err != nil {
		return inputError(err)
	}
	return c.answerEmpty(http.StatusAccepted, unlock)
}
