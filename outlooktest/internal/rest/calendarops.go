package rest

// Calendar actions beyond generic CRUD and the attendee responses: event
// cancel and forward (Graph only: Outlook REST v2.0 had them in beta), and
// dismissReminder and snoozeReminder (both dialects).

import (
	"io"
	"net/http"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
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
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes))
	if err != nil {
		return errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body: %v", err)
	}
	var body Object
	if len(strings.TrimSpace(string(data))) > 0 {
		if body, err = dialect.DecodeBody(c.h.env.Dialect, data, nil); err != nil {
			return errorf(http.StatusBadRequest, "RequestBodyRead", "%v", err)
		}
	}
	switch name {
	case "cancel":
		if org, _ := e.Object()["isOrganizer"].(bool); !org {
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. You need to be an organizer to cancel a meeting.")
		}
		if e.Transient() {
			return c.notImplemented() // cancelling one occurrence needs exceptions, which the fake does not store
		}
		if _, ok := body["comment"]; ok {
			if _, isStr := body["comment"].(string); !isStr {
				return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "comment must be a string.")
			}
		}
		c.m.Purge(e)
		return c.answerEmpty(http.StatusAccepted, unlock)
	case "forward":
		rs, _ := body["toRecipients"].([]any)
		if len(rs) == 0 {
			return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is required.")
		}
		for _, r := range rs {
			ro, _ := r.(map[string]any)
			ea, _ := ro["emailAddress"].(map[string]any)
			if a, _ := ea["address"].(string); !strings.Contains(a, "@") {
				return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "A recipient has no valid email address.")
			}
		}
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

// respond serves an attendee's accept, tentativelyAccept and decline.
func (c *call) respond(t *target, name string, unlock func()) *apiError {
	if t.ent.Transient() {
		return c.notImplemented()
	}
	resp := map[string]string{"accept": "accepted", "decline": "declined", "tentativelyaccept": "tentativelyAccepted"}[name]
	if org, _ := t.ent.Object()["isOrganizer"].(bool); org {
		return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. You can't respond to a meeting you organized.")
	}
	c.m.Write(t.ent, Object{"responseStatus": Object{"response": resp, "time": datetime.Format(c.st().Now())}})
	return c.answerEmpty(http.StatusAccepted, unlock)
}
