package outlooktest_test

import (
	"strings"
	"testing"

	"github.com/exchangekit/outlook/outlooktest"
)

func TestMailboxSettings(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			n := rc.n
			enum := func(graph string) string { // enum members are PascalCase on v2.0
				return rc.n(graph)
			}
			all := rc.must(t, 200, "GET", "/mailboxSettings", nil).json(t)
			ar := all[n("automaticRepliesSetting")].(map[string]any)
			lang := all[n("language")].(map[string]any)
			if all[n("timeZone")] != "UTC" || lang[n("locale")] != "en-US" || ar[n("status")] != enum("disabled") {
				t.Errorf("defaults %v", all)
			}
			if !strings.HasSuffix(all["@odata.context"].(string), "/"+n("mailboxSettings")) {
				t.Errorf("@odata.context %v", all["@odata.context"])
			}
			_, hasDateFormat := all["dateFormat"]
			if hasDateFormat == rc.v2 {
				t.Errorf("dateFormat present = %v on %s; Graph only", hasDateFormat, rc.name())
			}

			one := rc.must(t, 200, "GET", "/mailboxSettings/"+n("automaticRepliesSetting"), nil).json(t)
			if one[n("status")] != enum("disabled") || one[n("externalAudience")] != enum("all") {
				t.Errorf("automaticRepliesSetting %v", one)
			}
			if tz := rc.must(t, 200, "GET", "/mailboxSettings/"+n("timeZone"), nil).json(t); tz["value"] != "UTC" {
				t.Errorf("timeZone %v; want {value: UTC}", tz)
			}

			// PATCH merges inside a complex setting and answers what it named.
			got := rc.must(t, 200, "PATCH", "/mailboxSettings", map[string]any{
				n("automaticRepliesSetting"): map[string]any{n("status"): enum("alwaysEnabled"), n("internalReplyMessage"): "<p>away</p>"},
				n("timeZone"):                "W. Europe Standard Time",
			}).json(t)
			if _, ok := got[n("language")]; ok || got[n("timeZone")] != "W. Europe Standard Time" {
				t.Errorf("PATCH answer %v; want the changed settings only", got)
			}
			s := rc.box.Settings()
			ar = s["automaticRepliesSetting"].(map[string]any)
			if ar["status"] != "alwaysEnabled" || ar["internalReplyMessage"] != "<p>away</p>" || ar["externalAudience"] != "all" {
				t.Errorf("stored automaticRepliesSetting %v; want status and message changed, the rest kept", ar)
			}
			rc.must(t, 200, "PATCH", "/mailboxSettings", map[string]any{n("language"): map[string]any{n("locale"): "de-DE"}})
			if l := rc.box.Settings()["language"].(map[string]any); l["locale"] != "de-DE" || l["displayName"] != "German (Germany)" {
				t.Errorf("language %v", l)
			}

			for _, tc := range []struct {
				name string
				body map[string]any
				code string
			}{
				{"unknown zone", map[string]any{n("timeZone"): "Mars/Olympus"}, "ErrorInvalidArgument"},
				{"read-only", map[string]any{n("archiveFolder"): "x"}, "ErrorInvalidPropertyUpdate"},
				{"unknown setting", map[string]any{"colour": "blue"}, "RequestBodyRead"},
				{"wrong type", map[string]any{n("timeZone"): 5}, "RequestBodyRead"},
				{"bad enum", map[string]any{n("automaticRepliesSetting"): map[string]any{n("status"): "sometimes"}}, "RequestBodyRead"},
				{"bad locale", map[string]any{n("language"): map[string]any{n("locale"): "not a locale"}}, "ErrorInvalidArgument"},
				{"scheduled backwards", map[string]any{n("automaticRepliesSetting"): map[string]any{
					n("status"):                 enum("scheduled"),
					n("scheduledStartDateTime"): map[string]any{n("dateTime"): "2024-06-02T00:00:00", n("timeZone"): "UTC"},
					n("scheduledEndDateTime"):   map[string]any{n("dateTime"): "2024-06-01T00:00:00", n("timeZone"): "UTC"},
				}}, "ErrorOofInvalidScheduledTime"},
			} {
				if r := rc.do(t, "PATCH", "/mailboxSettings", tc.body); r.status != 400 || r.code(t) != tc.code {
					t.Errorf("%s: %d %s; want 400 %s", tc.name, r.status, r.raw, tc.code)
				}
			}
			if l := rc.box.Settings()["timeZone"]; l != "W. Europe Standard Time" {
				t.Errorf("a refused PATCH changed timeZone to %v", l)
			}
			rc.must(t, 405, "PATCH", "/mailboxSettings/"+n("timeZone"), map[string]any{"value": "UTC"})
			rc.must(t, 405, "DELETE", "/mailboxSettings", nil)
			if rc.v2 {
				rc.must(t, 404, "GET", "/mailboxSettings/dateFormat", nil) // Graph only
			}
		})
	}
}

func TestInferenceClassificationOverrides(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			n := rc.n
			base := "/inferenceClassification/overrides"
			if rc.v2 {
				base = "/InferenceClassification/Overrides"
			}
			sender := map[string]any{n("name"): "News", n("address"): "news@example.org"}
			o := rc.must(t, 201, "POST", base, map[string]any{n("classifyAs"): n("other"), n("senderEmailAddress"): sender}).json(t)
			id, _ := o[n("id")].(string)
			if id == "" || o[n("classifyAs")] != n("other") {
				t.Fatalf("created %v", o)
			}
			// A second POST for the same sender changes the first override.
			again := rc.must(t, 201, "POST", base, map[string]any{n("classifyAs"): n("focused"), n("senderEmailAddress"): map[string]any{n("address"): "NEWS@example.org"}}).json(t)
			if again[n("id")] != id || again[n("classifyAs")] != n("focused") {
				t.Errorf("second POST %v; want override %s updated", again, id)
			}
			list := rc.must(t, 200, "GET", base, nil).json(t)["value"].([]any)
			if len(list) != 1 {
				t.Errorf("list %v; want one override", list)
			}
			p := rc.must(t, 200, "PATCH", base+"('"+id+"')", map[string]any{n("classifyAs"): n("other")}).json(t)
			if p[n("classifyAs")] != n("other") {
				t.Errorf("PATCH %v", p)
			}
			rc.must(t, 400, "PATCH", base+"/"+id, map[string]any{n("senderEmailAddress"): sender})
			rc.must(t, 400, "POST", base, map[string]any{n("classifyAs"): n("other")})
			rc.must(t, 400, "POST", base, map[string]any{n("classifyAs"): "sideways", n("senderEmailAddress"): sender})
			rc.must(t, 204, "DELETE", base+"/"+id, nil)
			rc.must(t, 404, "GET", base+"/"+id, nil)
			seeded := rc.box.Add("inferenceClassificationOverrides", outlooktest.Object{"classifyAs": "other", "senderEmailAddress": outlooktest.Object{"address": "x@example.org"}})
			rc.must(t, 200, "GET", base+"/"+seeded, nil)
		})
	}
}

func TestMessageRules(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	cs := clients(t, srv)
	rc := cs[0]
	const base = "/mailFolders/inbox/messageRules"
	rule := map[string]any{
		"displayName": "From partners",
		"sequence":    2,
		"conditions":  map[string]any{"senderContains": []string{"adatum"}},
		"actions":     map[string]any{"moveToFolder": "archive", "stopProcessingRules": true},
	}
	r := rc.must(t, 201, "POST", base, rule).json(t)
	id := r["id"].(string)
	if r["isEnabled"] != true || r["hasError"] != false || r["isReadOnly"] != false || r["sequence"] != float64(2) {
		t.Errorf("created rule %v", r)
	}
	second := rc.must(t, 201, "POST", base, map[string]any{"displayName": "later"}).json(t)
	if second["sequence"] != float64(3) {
		t.Errorf("rule without sequence got %v; want the next one (3)", second["sequence"])
	}
	if list := rc.must(t, 200, "GET", base, nil).json(t)["value"].([]any); len(list) != 2 {
		t.Errorf("rules %v", list)
	}
	p := rc.must(t, 200, "PATCH", base+"/"+id, map[string]any{"isEnabled": false}).json(t)
	if p["isEnabled"] != false || p["displayName"] != "From partners" {
		t.Errorf("PATCH %v", p)
	}
	rc.must(t, 400, "PATCH", base+"/"+id, map[string]any{"hasError": true})
	rc.must(t, 400, "POST", base, map[string]any{"sequence": 1})
	rc.must(t, 400, "GET", "/mailFolders/drafts/messageRules", nil)
	rc.must(t, 204, "DELETE", base+"/"+id, nil)
	rc.must(t, 404, "GET", base+"/"+id, nil)
	if n := len(rc.box.Items("messageRules")); n != 1 {
		t.Errorf("Items(messageRules) holds %d; want 1", n)
	}
	// v2.0: the rules API never left preview.
	if r := cs[1].must(t, 404, "GET", "/MailFolders/Inbox/MessageRules", nil); r.code(t) != "RequestBroker--ParseUri" {
		t.Errorf("v2.0 rules: %s", r.raw)
	}
}
