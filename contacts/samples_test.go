package contacts_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/odata"
)

var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// model names the type an entity decodes into, by its properties.
func model(e map[string]any) string {
	has := func(k string) bool { return servicetest.Has(e, k) }
	switch {
	case has("width") || has("height"):
		return "photo"
	case has("givenName") || has("surname") || has("emailAddresses") || has("birthday") || has("fileAs") || has("homeAddress") ||
		has("createdDateTime") || has("changeKey"): // folders carry no timestamps
		return "contact"
	case has("displayName") || has("parentFolderId"):
		return "folder"
	}
	return ""
}

// placeholder reports whether an entity holds documentation placeholders
// ("datetime-value") where the model wants a typed value.
func placeholder(e map[string]any) bool {
	for k, v := range e {
		if s, ok := v.(string); ok && strings.EqualFold(k, "birthday") && strings.HasSuffix(s, "-value") {
			return true
		}
	}
	return false
}

// pruner normalises sample entities and what the models send back for
// comparison: a birthday compares as an instant (a date as its midnight UTC).
var pruner = &servicetest.Pruner{Instants: map[string]bool{"birthday": true}}

// knownContact reports whether Contact has a field for a property: its
// table lists it. A sample property of that name must not land in Extra.
func knownContact(name string) bool { return contacts.Contact{}.WireSchema().Prop(name) != nil }

func roundTripGraph(t *testing.T, name string, e map[string]any, counts map[string]int) {
	t.Helper()
	kind := model(e)
	var v any
	switch kind {
	case "contact":
		v = new(contacts.Contact)
	case "folder":
		v = new(contacts.ContactFolder)
	case "photo":
		v = new(contacts.Photo)
	default:
		return
	}
	if placeholder(e) {
		raw, _ := json.Marshal(e)
		if json.Unmarshal(raw, v, lenient) == nil {
			t.Errorf("%s: a %s with a placeholder birthday decoded without error", name, kind)
		}
		counts["placeholder"]++
		return
	}
	if !servicetest.GraphRoundTrip(t, name, kind, e, v, pruner) {
		return
	}
	if f, ok := v.(*contacts.ContactFolder); ok && len(f.Extra) > 0 {
		t.Errorf("%s: folder properties in Extra: %v", name, f.Extra)
	}
	counts[kind]++
}

// Every contact, folder and photo entity of the Graph samples decodes into
// its model and encodes back with nothing lost or changed.
func TestGraphSamplesRoundTrip(t *testing.T) {
	counts := map[string]int{}
	for name, s := range testutil.Samples(t, "graph-samples", testutil.Prefixed("contact-", "contactfolder-", "user-list-contact", "user-post-contact", "profilephoto-")) {
		for _, body := range s.Bodies() {
			for _, e := range servicetest.Entities(body) {
				roundTripGraph(t, name, e, counts)
			}
		}
	}
	t.Logf("entities round-tripped: %v", counts)
	for kind, min := range map[string]int{"contact": 5, "folder": 8, "placeholder": 4} {
		if counts[kind] < min {
			t.Errorf("only %d %s entities in the samples, want at least %d", counts[kind], kind, min)
		}
	}
}

// Every contact, folder and photo of the Outlook REST v2.0 samples decodes
// through the dialect into its model and goes back to the same v2.0 JSON.
func TestV2SamplesRoundTrip(t *testing.T) {
	counts := map[string]int{}
	for name, s := range testutil.Samples(t, "v2-samples", testutil.Prefixed("contacts-rest-operations-")) {
		for _, body := range s.Bodies() {
			for _, e := range servicetest.Entities(body) {
				kind := model(e)
				raw, _ := json.Marshal(e)
				var sent []byte
				var err error
				switch kind {
				case "contact":
					var c *contacts.Contact
					c, sent, err = servicetest.V2RoundTrip[contacts.Contact](t, raw)
					if err == nil {
						for k := range c.Extra {
							if knownContact(k) {
								t.Errorf("%s: known property %q landed in Extra", name, k)
							}
						}
						if strings.Contains(string(raw), `"GivenName"`) && c.GivenName == "" {
							t.Errorf("%s: GivenName not decoded", name)
						}
						if strings.Contains(string(raw), `"MobilePhone1":"`) && c.MobilePhone == "" {
							t.Errorf("%s: MobilePhone1 not decoded into MobilePhone", name)
						}
					}
				case "folder":
					var f *contacts.ContactFolder
					f, sent, err = servicetest.V2RoundTrip[contacts.ContactFolder](t, raw)
					if err == nil && f.DisplayName == "" {
						t.Errorf("%s: DisplayName not decoded", name)
					}
				case "photo":
					var p *contacts.Photo
					p, sent, err = servicetest.V2RoundTrip[contacts.Photo](t, raw)
					if err == nil && (p.Width == 0 || p.ID == "") {
						t.Errorf("%s: photo %+v", name, p)
					}
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
	for kind, min := range map[string]int{"contact": 6, "folder": 2, "photo": 1} {
		if counts[kind] < min {
			t.Errorf("only %d %s entities in the v2.0 samples, want at least %d", counts[kind], kind, min)
		}
	}
}

// A 200 without a body gives an error, never a nil entity with a nil error.
func TestEmptyAnswer(t *testing.T) {
	c, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph,
		oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}), odata.WithDoer(&servicetest.CannedDoer{}))
	if err != nil {
		t.Fatal(err)
	}
	s := contacts.NewService(c)
	ctx := t.Context()
	for name, call := range map[string]func() (any, error){
		"GetContact":    func() (any, error) { return s.GetContact(ctx, "x", nil) },
		"GetFolder":     func() (any, error) { return s.GetFolder(ctx, "x", nil) },
		"GetPhoto":      func() (any, error) { return s.GetPhoto(ctx, "x") },
		"CreateContact": func() (any, error) { return s.CreateContact(ctx, contacts.DefaultFolder, &contacts.Contact{}) },
		"CreateFolder":  func() (any, error) { return s.CreateFolder(ctx, contacts.DefaultFolder, "f") },
	} {
		if _, err := call(); !errors.Is(err, odata.ErrEmptyResponse) {
			t.Errorf("%s of an empty answer: %v", name, err)
		}
	}
}
