package outlooktest

// Mailbox settings: one value per mailbox, not an entity set, served at
// /mailboxSettings (Graph) and /MailboxSettings (v2.0) and at the path of
// each setting.

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// settingsType is the schema of mailboxSettings.
func settingsType() *objType {
	sets() // builds complexes
	return complexes["mailboxSettings"]
}

// defaultSettings are a new mailbox's settings, as a fresh Exchange Online
// mailbox in an English tenant has them.
func (m *Mailbox) defaultSettings() Object {
	now := m.st.now().UTC().Truncate(time.Hour)
	dtz := func(t time.Time) Object {
		return Object{"dateTime": t.Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"}
	}
	return Object{
		"archiveFolder": m.wellKnown["archive"],
		"timeZone":      "UTC",
		"language":      Object{"locale": "en-US", "displayName": "English (United States)"},
		"automaticRepliesSetting": Object{
			"status":                 "disabled",
			"externalAudience":       "all",
			"internalReplyMessage":   "",
			"externalReplyMessage":   "",
			"scheduledStartDateTime": dtz(now),
			"scheduledEndDateTime":   dtz(now.Add(24 * time.Hour)),
		},
		"workingHours": Object{
			"daysOfWeek": []any{"monday", "tuesday", "wednesday", "thursday", "friday"},
			"startTime":  "08:00:00.0000000",
			"endTime":    "17:00:00.0000000",
			"timeZone":   Object{"name": "UTC"},
		},
		"dateFormat":                            "M/d/yyyy",
		"timeFormat":                            "h:mm tt",
		"delegateMeetingMessageDeliveryOptions": "sendToDelegateAndInformationToPrincipal",
		"userPurpose":                           "user",
	}
}

// Settings returns a deep copy of the mailbox's settings (Graph form), as
// GET /mailboxSettings shows them.
func (m *Mailbox) Settings() Object {
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	return deepCopy(m.settings).(map[string]any)
}

// mailboxSettings serves GET and PATCH of the whole settings, and GET of
// one setting (rest names it). The store is locked.
func (c *call) mailboxSettings(rest []seg, unlock func()) *apiError {
	typ := settingsType()
	ctx := c.baseCtx() + "/" + c.ctxName("mailboxSettings")
	var one *prop
	switch len(rest) {
	case 0:
	case 1:
		if rest[0].hasKey {
			return c.notImplemented()
		}
		name := strings.ToLower(rest[0].name)
		for _, k := range typ.order {
			p := typ.props[k]
			if strings.ToLower(k) == name && (c.h.env.dialect == dialectGraph || !p.graphOnly) {
				one = p
			}
		}
		if one == nil {
			if c.h.env.dialect == dialectV2 {
				return c.unknownSegment(rest[0].name)
			}
			return errorf(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '%s'.", rest[0].name)
		}
		ctx += "/" + c.propName(one)
	default:
		return c.notImplemented()
	}
	var changed Object
	switch {
	case c.r.Method == http.MethodGet:
	case c.r.Method == http.MethodPatch && one == nil:
		var err *apiError
		if changed, err = c.patchSettings(typ); err != nil {
			return err
		}
	default:
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	var body Object
	if one == nil {
		body = deepCopy(c.m.settings).(map[string]any)
		if changed != nil {
			body = changed
		}
		if c.h.env.dialect == dialectV2 {
			body = encodeV2(body, typ).(map[string]any)
		}
	} else {
		v := deepCopy(c.m.settings[one.name])
		if c.h.env.dialect == dialectV2 {
			v = encodeV2Prop(v, one)
		}
		if o, ok := v.(map[string]any); ok {
			body = o
		} else {
			body = Object{"value": v}
		}
	}
	unlock()
	body["@odata.context"] = "https://" + c.h.env.host + c.h.root + "/$metadata#" + ctx
	c.writeJSON(http.StatusOK, body)
	return nil
}

// propName is a property's name in this host's dialect.
func (c *call) propName(p *prop) string {
	if c.h.env.dialect == dialectV2 {
		return p.v2Name
	}
	return p.name
}

// patchSettings applies a PATCH of mailboxSettings: each setting given
// replaces the stored one, except complex settings, whose properties are
// merged (automaticRepliesSetting {"status":"alwaysEnabled"} keeps the
// messages). It returns what the answer shows: the settings the request
// named, as now stored.
func (c *call) patchSettings(typ *objType) (Object, *apiError) {
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
	if err != nil || len(data) > maxBodyBytes {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body failed")
	}
	patch, derr := decodeBody(c.h.env.dialect, data, typ)
	if derr != nil {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "%v", derr)
	}
	for k, v := range patch {
		if strings.HasPrefix(k, "@") {
			delete(patch, k)
			continue
		}
		p := typ.props[k]
		switch {
		case p == nil || (p.graphOnly && c.h.env.dialect == dialectV2):
			return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "The property '%s' does not exist on type 'microsoft.graph.mailboxSettings'.", k)
		case p.access == accRead:
			return nil, errorf(http.StatusBadRequest, "ErrorInvalidPropertyUpdate", "The property '%s' is read-only and cannot be updated.", k)
		case v == nil:
			return nil, errorf(http.StatusBadRequest, "ErrorInvalidArgument", "The setting '%s' cannot be null.", k)
		}
	}
	if err := checkObject("", typ, patch); err != nil {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "%v", err)
	}
	next := deepCopy(c.m.settings).(map[string]any)
	for k, v := range patch {
		old, _ := next[k].(map[string]any)
		nv, _ := v.(map[string]any)
		if old != nil && nv != nil {
			for kk, vv := range nv {
				old[kk] = vv
			}
			continue
		}
		next[k] = v
	}
	if tz, _ := next["timeZone"].(string); patch["timeZone"] != nil {
		if _, ok := loadZone(tz); !ok {
			return nil, errorf(http.StatusBadRequest, "ErrorInvalidArgument", "The time zone '%s' is not valid.", tz)
		}
	}
	if lang, _ := next["language"].(map[string]any); patch["language"] != nil {
		loc, _ := lang["locale"].(string)
		if !validLocale(loc) {
			return nil, errorf(http.StatusBadRequest, "ErrorInvalidArgument", "The locale '%s' is not valid.", loc)
		}
		delete(lang, "displayName") // the server names the locale; it is not kept from the request
		lang["displayName"] = localeName(loc)
	}
	if ar, _ := next["automaticRepliesSetting"].(map[string]any); patch["automaticRepliesSetting"] != nil {
		if st, _ := ar["status"].(string); st == "scheduled" {
			s, ok1 := eventTime(ar["scheduledStartDateTime"])
			e, ok2 := eventTime(ar["scheduledEndDateTime"])
			if !ok1 || !ok2 || !s.Before(e) {
				return nil, errorf(http.StatusBadRequest, "ErrorOofInvalidScheduledTime",
					"Scheduled automatic replies need a scheduledStartDateTime before their scheduledEndDateTime.")
			}
		}
	}
	c.m.settings = next
	changed := Object{}
	for k := range patch {
		changed[k] = deepCopy(next[k])
	}
	return changed, nil
}

// validLocale accepts language tags shaped like "en-US", "de", "zh-Hant-TW".
func validLocale(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for i, part := range strings.Split(s, "-") {
		if len(part) < 2 || len(part) > 8 || (i == 0 && len(part) > 3) {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// localeName is the display name Exchange gives the locales tests meet
// most; others show their tag.
func localeName(tag string) string {
	names := map[string]string{
		"en-us": "English (United States)", "en-gb": "English (United Kingdom)",
		"de-de": "German (Germany)", "fr-fr": "French (France)", "es-es": "Spanish (Spain)",
		"it-it": "Italian (Italy)", "ja-jp": "Japanese (Japan)", "nl-nl": "Dutch (Netherlands)",
		"pt-br": "Portuguese (Brazil)", "zh-cn": "Chinese (Simplified, PRC)",
	}
	if n, ok := names[strings.ToLower(tag)]; ok {
		return n
	}
	return tag
}
