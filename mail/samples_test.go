package mail_test

import (
	stdjson "encoding/json"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/mail"
)

var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

type sample struct {
	URL          string         `json:"url"`
	RequestBody  jsontext.Value `json:"requestBody"`
	ResponseBody jsontext.Value `json:"responseBody"`
}

// mailSamples reads the samples of dir whose names say they are about mail.
func mailSamples(t *testing.T, dir string, prefixes ...string) map[string]sample {
	t.Helper()
	out := map[string]sample{}
	for name, s := range testutil.Samples(t, dir, testutil.Prefixed(prefixes...)) {
		out[name] = sample{URL: s.URL, RequestBody: jsontext.Value(s.RequestBody), ResponseBody: jsontext.Value(s.ResponseBody)}
	}
	return out
}

// model names the type an entity decodes into, by its properties.
func model(e map[string]any) string {
	has := func(k string) bool { return servicetest.Has(e, k) }
	typ := ""
	for k, v := range e {
		if strings.EqualFold(k, "@odata.type") {
			typ, _ = v.(string)
		}
	}
	switch {
	case strings.Contains(strings.ToLower(typ), "attachment") || has("contentBytes"):
		return "attachment"
	case has("uploadUrl"):
		return "uploadSession"
	case has("classifyAs"):
		return "override"
	case has("actions") || has("conditions"):
		return "rule"
	case has("daysOfWeek") && has("startTime"):
		return "workingHours"
	case has("automaticRepliesSetting") || has("timeZone") && !has("subject") || has("externalAudience"):
		return "settings"
	case has("childFolderCount") || has("displayName") && !has("subject") && !has("emailAddresses") && !has("givenName"):
		return "folder"
	case has("subject") || has("body") || has("toRecipients") || has("isRead") || has("bodyPreview") || has("from"):
		return "message"
	}
	return ""
}

// placeholder reports whether a sample entity holds documentation
// placeholders ("datetime-value", truncated base64) rather than data; the
// models rightly refuse those.
func placeholder(e map[string]any) bool {
	for k, v := range e {
		switch x := v.(type) {
		case string:
			if strings.HasSuffix(x, "-value") || x == "R0lGODdhEAYEAA7" || x == "Adfsdfsdfsdfw==" ||
				(k == "isRead" || k == "IsRead") && (x == "true" || x == "false") {
				return true
			}
		case map[string]any:
			if placeholder(x) {
				return true
			}
		}
	}
	return false
}

// pruner normalises sample entities and what the models send back for
// comparison; the enum-valued properties come from the tables.
var pruner = &servicetest.Pruner{Enums: schematest.EnumNames(mail.Message{}.WireSchema(), mail.MailFolder{}.WireSchema(),
	mail.MailboxSettings{}.WireSchema(), mail.ClassificationOverride{}.WireSchema(), mail.MessageRule{}.WireSchema())}

func newModel(kind string) any {
	switch kind {
	case "message":
		return new(mail.Message)
	case "folder":
		return new(mail.MailFolder)
	case "attachment":
		return new(mail.Attachment)
	case "settings":
		return new(mail.MailboxSettings)
	case "override":
		return new(mail.ClassificationOverride)
	case "rule":
		return new(mail.MessageRule)
	case "uploadSession":
		return new(mail.UploadSession)
	case "workingHours":
		return new(mail.WorkingHours)
	}
	return nil
}

// Every mail entity of the Graph samples decodes into its model and
// encodes back with nothing lost or changed.
func TestGraphSamplesRoundTrip(t *testing.T) {
	counts := map[string]int{}
	for name, s := range mailSamples(t, "graph-samples", "message-", "mailfolder-", "mailsearchfolder-", "attachment-",
		"eventmessage-", "inferenceclassification", "messagerule-", "delta-query-messages", "user-list-messages",
		"user-post-messages", "user-sendmail", "user-list-mailfolders", "user-post-mailfolders", "user-get-mailboxsettings",
		"user-update-mailboxsettings", "outlook-large-attachments", "outlook-send-mail-from-other-user") {
		for _, body := range []jsontext.Value{s.ResponseBody, s.RequestBody} {
			for _, e := range servicetest.Entities(body, "message") {
				kind := model(e)
				if kind == "" {
					continue
				}
				raw, _ := json.Marshal(e)
				v := newModel(kind)
				if placeholder(e) {
					if err := json.Unmarshal(raw, v, lenient); err == nil && strings.Contains(string(raw), "datetime-value") {
						t.Errorf("%s: a %s with a placeholder time decoded without error", name, kind)
					}
					counts["placeholder"]++
					continue
				}
				if servicetest.GraphRoundTrip(t, name, kind, e, v, pruner) {
					counts[kind]++
				}
			}
		}
	}
	t.Logf("entities round-tripped: %v", counts)
	for kind, min := range map[string]int{"message": 20, "folder": 15, "attachment": 6, "settings": 3, "override": 2, "rule": 2, "uploadSession": 1} {
		if counts[kind] < min {
			t.Errorf("only %d %s entities in the samples, want at least %d", counts[kind], kind, min)
		}
	}
}

// Every mail entity of the Outlook REST v2.0 samples decodes through the
// dialect into its model and goes back to the same v2.0 JSON.
func TestV2SamplesRoundTrip(t *testing.T) {
	counts := map[string]int{}
	for name, s := range mailSamples(t, "v2-samples", "mail-rest-operations-") {
		for _, body := range []jsontext.Value{s.ResponseBody, s.RequestBody} {
			for _, e := range servicetest.Entities(body, "message") {
				kind := model(e)
				if kind == "" {
					continue
				}
				raw, _ := json.Marshal(e)
				var sent []byte
				var err error
				switch kind {
				case "message":
					var m *mail.Message
					m, sent, err = servicetest.V2RoundTrip[mail.Message](t, raw)
					if err == nil && kind == "message" && strings.Contains(string(raw), `"Subject"`) && m.Subject == "" {
						t.Errorf("%s: Subject not decoded from v2.0", name)
					}
				case "folder":
					var f *mail.MailFolder
					f, sent, err = servicetest.V2RoundTrip[mail.MailFolder](t, raw)
					if err == nil && strings.Contains(string(raw), `"DisplayName"`) && f.DisplayName == "" {
						t.Errorf("%s: DisplayName not decoded from v2.0", name)
					}
				case "attachment":
					_, sent, err = servicetest.V2RoundTrip[mail.Attachment](t, raw)
				case "override":
					var o *mail.ClassificationOverride
					o, sent, err = servicetest.V2RoundTrip[mail.ClassificationOverride](t, raw)
					if err == nil && o.ClassifyAs != mail.ClassificationFocused && o.ClassifyAs != mail.ClassificationOther {
						t.Errorf("%s: ClassifyAs %q is not a constant", name, o.ClassifyAs)
					}
				case "settings":
					_, sent, err = servicetest.V2RoundTrip[mail.MailboxSettings](t, raw)
				default:
					continue
				}
				if err != nil {
					t.Errorf("%s: %s: %v", name, kind, err)
					continue
				}
				var got map[string]any
				if err := json.Unmarshal(sent, &got); err != nil {
					t.Fatalf("%s: %v\n%s", name, err, sent)
				}
				for _, d := range pruner.Diff(e, got) {
					t.Errorf("%s (%s) changed in the v2.0 round trip: %s", name, kind, d)
				}
				counts[kind]++
			}
		}
	}
	t.Logf("v2.0 entities round-tripped: %v", counts)
	for kind, min := range map[string]int{"message": 8, "folder": 5, "attachment": 2, "override": 2} {
		if counts[kind] < min {
			t.Errorf("only %d %s entities in the v2.0 samples, want at least %d", counts[kind], kind, min)
		}
	}
}

// An expanded item attachment gives its message; one not expanded says so.
func TestItemAttachmentMessage(t *testing.T) {
	var s sample
	if err := json.Unmarshal(testutil.ReadExternal(t, "graph-samples/attachment-get-3.json"), &s, lenient); err != nil {
		t.Fatal(err)
	}
	var a mail.Attachment
	if err := json.Unmarshal(s.ResponseBody, &a, lenient); err != nil {
		t.Fatal(err)
	}
	if a.Kind != mail.ItemAttachment {
		t.Fatalf("kind %q, want itemAttachment", a.Kind)
	}
	m, err := a.Message()
	if err != nil {
		t.Fatalf("Message(): %v", err)
	}
	if m.Subject == "" || m.ReceivedDateTime.IsZero() || m.Kind != mail.KindMessage {
		t.Errorf("attached message = %+v", m)
	}
	a.Item = nil
	if _, err := a.Message(); err == nil || !strings.Contains(err.Error(), "expand") {
		t.Errorf("Message() of an unexpanded attachment: %v", err)
	}
	a.Item = stdjson.RawMessage(`{"@odata.type":"#microsoft.graph.event","subject":"x"}`)
	if _, err := a.Message(); err == nil {
		t.Error("Message() of an attached event: no error")
	}
}
