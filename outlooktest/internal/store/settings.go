package store

// Mailbox settings: one value per mailbox, not an entity.

import (
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

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

// Settings returns the stored settings (Graph form): the store's own, to be
// read, not changed.
func (m *Mailbox) Settings() Object { return m.settings }

// UpdateSettings applies a PATCH of mailboxSettings (Graph form): each
// setting given replaces the stored one, except complex settings, whose
// properties are merged (automaticRepliesSetting {"status":"alwaysEnabled"}
// keeps the messages). It refuses unknown and read-only settings (and the
// Graph-only ones unless graphOnly), null, unknown time zones and locales,
// and scheduled automatic replies whose end is not after their start. It
// returns the settings the patch named, as now stored.
func (m *Mailbox) UpdateSettings(patch Object, graphOnly bool) (Object, error) {
	typ := schema.Settings()
	for k, v := range patch {
		if strings.HasPrefix(k, "@") {
			delete(patch, k)
			continue
		}
		p := typ.Props[k]
		switch {
		case p == nil || (p.GraphOnly && !graphOnly):
			return nil, badInput("RequestBodyRead", "The property '%s' does not exist on type 'microsoft.graph.mailboxSettings'.", k)
		case p.Access == schema.ReadOnly:
			return nil, badInput("ErrorInvalidPropertyUpdate", "The property '%s' is read-only and cannot be updated.", k)
		case v == nil:
			return nil, badInput("ErrorInvalidArgument", "The setting '%s' cannot be null.", k)
		}
	}
	if err := schema.CheckObject("", typ, patch); err != nil {
		return nil, badInput("RequestBodyRead", "%v", err)
	}
	next := schema.DeepCopy(m.settings).(map[string]any)
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
		if _, ok := datetime.LoadZone(tz); !ok {
			return nil, badInput("ErrorInvalidArgument", "The time zone '%s' is not valid.", tz)
		}
	}
	if lang, _ := next["language"].(map[string]any); patch["language"] != nil {
		loc, _ := lang["locale"].(string)
		if !validLocale(loc) {
			return nil, badInput("ErrorInvalidArgument", "The locale '%s' is not valid.", loc)
		}
		delete(lang, "displayName") // the server names the locale; it is not kept from the request
		lang["displayName"] = localeName(loc)
	}
	if ar, _ := next["automaticRepliesSetting"].(map[string]any); patch["automaticRepliesSetting"] != nil {
		if st, _ := ar["status"].(string); st == "scheduled" {
			s, ok1 := datetime.Instant(ar["scheduledStartDateTime"])
			e, ok2 := datetime.Instant(ar["scheduledEndDateTime"])
			if !ok1 || !ok2 || !s.Before(e) {
				return nil, badInput("ErrorOofInvalidScheduledTime",
					"Scheduled automatic replies need a scheduledStartDateTime before their scheduledEndDateTime.")
			}
		}
	}
	m.settings = next
	changed := Object{}
	for k := range patch {
		changed[k] = schema.DeepCopy(next[k])
	}
	return changed, nil
}
