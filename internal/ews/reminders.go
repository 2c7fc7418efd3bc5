package ews

import (
	"fmt"
	"net/http"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// Reminders: Graph's dismissReminder and snoozeReminder of an event are
// PerformReminderAction's Dismiss and Snooze of the calendar item
// (Exchange 2013 and later), whose answer carries its status on the
// response element itself rather than in ResponseMessages.

func init() {
	routes["POST events/{}/dismissReminder"] = reminderAction("Dismiss")
	routes["POST events/{}/snoozeReminder"] = reminderAction("Snooze")
}

// reminderAction serves dismissReminder (Dismiss) and snoozeReminder
// (Snooze, to the body's newReminderTime).
func reminderAction(action string) handler {
	return func(c *call) (*http.Response, error) {
		id, err := ewsID(c.ids[0])
		if err != nil {
			return nil, err
		}
		var due time.Time
		if action == "Snooze" {
			var b struct {
				NewReminderTime *dateTimeTZ `json:"newReminderTime"`
			}
			if err := json.Unmarshal(c.r.Body, &b); err != nil {
				return nil, fmt.Errorf("%w: %v", odata.ErrInvalidQuery, err)
			}
			if b.NewReminderTime == nil {
				return nil, fmt.Errorf("%w: snoozeReminder needs a newReminderTime", odata.ErrInvalidQuery)
			}
			if due, err = b.NewReminderTime.instant(); err != nil {
				return nil, fmt.Errorf("%w: newReminderTime: %v", odata.ErrInvalidQuery, err)
			}
		}
		err = c.send(request{op: "PerformReminderAction", body: func(w *xmlWriter) {
			w.open("m:PerformReminderAction")
			w.open("m:ReminderItemActions")
			w.open("t:ReminderItemAction")
			w.elem("t:ActionType", action)
			w.empty1("t:ItemId", "Id", id)
			if action == "Snooze" {
				w.elem("t:NewReminderTime", due.UTC().Format(time.RFC3339))
			}
			w.close("t:ReminderItemAction")
			w.close("m:ReminderItemActions")
			w.close("m:PerformReminderAction")
		}}, func(x *xmlReader, buf *[]byte) error {
			return readBareStatus(x, buf, "PerformReminderAction")
		})
		if err != nil {
			return nil, err
		}
		return accepted(), nil
	}
}

// readBareStatus reads the answer of an operation whose response element
// holds its status itself (ResponseClass, ResponseCode, MessageText), as
// GetReminders and PerformReminderAction do, and fails with its error.
func readBareStatus(x *xmlReader, buf *[]byte, op string) error {
	st := &status{}
	if err := readClassed(x, buf, st, nil); err != nil {
		return err
	}
	if !st.ok() {
		return errorOf(op, st, false, nil)
	}
	return nil
}
