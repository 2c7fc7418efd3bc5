package ews

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// Automatic replies (Graph's mailboxSettings/automaticRepliesSetting) are
// EWS's out-of-office settings: GetUserOofSettings and SetUserOofSettings,
// which name the mailbox by address. The rest of Graph's mailbox settings
// (time zone, language, working hours) and Focused Inbox overrides have no
// EWS operation.

func init() {
	for k, h := range map[string]handler{
		"GET mailboxSettings/automaticRepliesSetting": getOOF,
		"PATCH mailboxSettings":                       patchMailboxSettings,
		"GET mailboxSettings":                         unsupported("the mailbox settings other than automatic replies (time zone, language, working hours): use the automatic replies alone"),
		"GET inferenceClassification/overrides":       unsupported("Focused Inbox overrides"),
		"POST inferenceClassification/overrides":      unsupported("Focused Inbox overrides"),
		"PATCH inferenceClassification/overrides/{}":  unsupported("Focused Inbox overrides"),
		"DELETE inferenceClassification/overrides/{}": unsupported("Focused Inbox overrides"),
	} {
		routes[k] = h
	}
}

// unsupported answers a route EWS has no form for, before any request.
func unsupported(what string) handler {
	return func(*call) (*http.Response, error) { return nil, errNotSupported(what) }
}

// Spellings of the automatic replies' enums: Graph's and EWS's.
var (
	oofStates    = map[string]string{"disabled": "Disabled", "alwaysEnabled": "Enabled", "scheduled": "Scheduled"}
	oofAudiences = map[string]string{"none": "None", "contactsOnly": "Known", "all": "All"}
)

// reverse looks a wire value up in a Graph -> wire table.
func reverse(m map[string]string, wire string) string {
	for g, w := range m {
		if strings.EqualFold(w, wire) {
			return g
		}
	}
	return lowerFirst(wire)
}

// errNoMailbox is the error of the OOF operations without the mailbox's
// address, which they name it by.
var errNoMailbox = fmt.Errorf("ews: automatic replies need the mailbox's address (Config.Mailbox)")

// oofMailbox writes the Mailbox element naming the mailbox.
func (c *call) oofMailbox(w *xmlWriter) {
	w.open("t:Mailbox")
	w.elem("t:Address", c.b.mailbox)
	w.close("t:Mailbox")
}

// getOOF serves GET mailboxSettings/automaticRepliesSetting.
func getOOF(c *call) (*http.Response, error) {
	if c.b.mailbox == "" {
		return nil, errNoMailbox
	}
	var st status
	out := []byte{'{'}
	err := c.send(request{op: "GetUserOofSettings", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetUserOofSettingsRequest")
		c.oofMailbox(w)
		w.close("m:GetUserOofSettingsRequest")
	}}, func(x *xmlReader, buf *[]byte) error {
		return x.children(func() error {
			switch string(x.local) {
			case "ResponseMessage":
				return readClassed(x, buf, &st, nil)
			case "OofSettings":
				return readOOFSettings(x, buf, &out)
			}
			return x.skip()
		})
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() {
		return nil, errorOf("GetUserOofSettings", &st, false, nil)
	}
	return jsonResponse(http.StatusOK, append(out, '}')), nil
}

// readOOFSettings reads OofSettings as Graph's automaticRepliesSetting
// members.
func readOOFSettings(x *xmlReader, buf *[]byte, out *[]byte) error {
	text := func() (string, error) {
		var err error
		*buf, err = x.textInto((*buf)[:0])
		return string(bytes.TrimSpace(*buf)), err
	}
	return x.children(func() error {
		switch string(x.local) {
		case "OofState":
			t, err := text()
			*out = member(*out, "status")
			*out = appendString(*out, reverse(oofStates, t))
			return err
		case "ExternalAudience":
			t, err := text()
			*out = member(*out, "externalAudience")
			*out = appendString(*out, reverse(oofAudiences, t))
			return err
		case "Duration":
			return x.children(func() error {
				name := map[string]string{"StartTime": "scheduledStartDateTime", "EndTime": "scheduledEndDateTime"}[string(x.local)]
				if name == "" {
					return x.skip()
				}
				t, err := text()
				if err != nil {
					return err
				}
				tm, ok := parseDateTime([]byte(t))
				if !ok {
					return errorf("OofSettings/Duration: %q is not a time", truncate(t, 40))
				}
				*out = member(*out, name)
				*out = append(*out, `{"dateTime":"`...)
				*out = tm.UTC().AppendFormat(*out, "2006-01-02T15:04:05.0000000")
				*out = append(*out, `","timeZone":"UTC"}`...)
				return nil
			})
		case "InternalReply", "ExternalReply":
			name := "internalReplyMessage"
			if x.is("ExternalReply") {
				name = "externalReplyMessage"
			}
			return x.children(func() error {
				if !x.is("Message") {
					return x.skip()
				}
				t, err := x.textInto((*buf)[:0])
				*buf = t
				*out = member(*out, name)
				*out = appendString(*out, t)
				return err
			})
		}
		return x.skip()
	})
}

// patchMailboxSettings serves PATCH mailboxSettings when it sets the
// automatic replies alone, and answers with the settings as stored.
func patchMailboxSettings(c *call) (*http.Response, error) {
	if c.b.mailbox == "" {
		return nil, errNoMailbox
	}
	names, values, err := members(c.r.Body)
	if err != nil {
		return nil, err
	}
	var ar *struct {
		Status                 string     `json:"status"`
		ExternalAudience       string     `json:"externalAudience"`
		InternalReplyMessage   *string    `json:"internalReplyMessage"`
		ExternalReplyMessage   *string    `json:"externalReplyMessage"`
		ScheduledStartDateTime dateTimeTZ `json:"scheduledStartDateTime"`
		ScheduledEndDateTime   dateTimeTZ `json:"scheduledEndDateTime"`
	}
	for i, n := range names {
		if n != "automaticRepliesSetting" {
			return nil, errNotSupported(fmt.Sprintf("setting the mailbox setting %s (EWS sets automatic replies only)", n))
		}
		if err := json.Unmarshal(values[i], &ar); err != nil {
			return nil, fmt.Errorf("%w: automaticRepliesSetting: %v", odata.ErrInvalidQuery, err)
		}
	}
	if ar == nil {
		return nil, fmt.Errorf("%w: no automaticRepliesSetting", odata.ErrInvalidQuery)
	}
	state, ok := oofStates[ar.Status]
	if !ok {
		return nil, fmt.Errorf("%w: automatic replies status %q", odata.ErrInvalidQuery, ar.Status)
	}
	audience := "All"
	if ar.ExternalAudience != "" {
		if audience, ok = oofAudiences[ar.ExternalAudience]; !ok {
			return nil, fmt.Errorf("%w: external audience %q", odata.ErrInvalidQuery, ar.ExternalAudience)
		}
	}
	var start, end time.Time
	if ar.ScheduledStartDateTime.DateTime != "" || ar.ScheduledEndDateTime.DateTime != "" {
		if start, err = ar.ScheduledStartDateTime.instant(); err == nil {
			end, err = ar.ScheduledEndDateTime.instant()
		}
		if err != nil {
			return nil, fmt.Errorf("%w: the automatic replies' schedule: %v", odata.ErrInvalidQuery, err)
		}
	}
	var st status
	err = c.send(request{op: "SetUserOofSettings", body: func(w *xmlWriter) {
		w.open("m:SetUserOofSettingsRequest")
		c.oofMailbox(w)
		w.open("t:UserOofSettings")
		w.elem("t:OofState", state)
		w.elem("t:ExternalAudience", audience)
		if !start.IsZero() {
			w.open("t:Duration")
			w.elem("t:StartTime", formatTime(start))
			w.elem("t:EndTime", formatTime(end))
			w.close("t:Duration")
		}
		for _, r := range []struct {
			el  string
			msg *string
		}{{"t:InternalReply", ar.InternalReplyMessage}, {"t:ExternalReply", ar.ExternalReplyMessage}} {
			if r.msg != nil {
				w.open(r.el)
				w.elem("t:Message", *r.msg)
				w.close(r.el)
			}
		}
		w.close("t:UserOofSettings")
		w.close("m:SetUserOofSettingsRequest")
	}}, func(x *xmlReader, buf *[]byte) error {
		return x.children(func() error {
			if x.is("ResponseMessage") {
				return readClassed(x, buf, &st, nil)
			}
			return x.skip()
		})
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() {
		return nil, errorOf("SetUserOofSettings", &st, false, nil)
	}
	resp, err := getOOF(c)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.WriteString(`{"automaticRepliesSetting":`)
	_, _ = b.ReadFrom(resp.Body)
	b.WriteByte('}')
	return jsonResponse(http.StatusOK, b.Bytes()), nil
}
