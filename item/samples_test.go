package item_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// sample is the part of a sample file the tests use.
type sample struct {
	URL          string         `json:"url"`
	RequestBody  jsontext.Value `json:"requestBody"`
	ResponseBody jsontext.Value `json:"responseBody"`
}

func readSamples(t *testing.T, dir string) map[string]sample {
	t.Helper()
	out := map[string]sample{}
	for name, s := range testutil.Samples(t, dir, nil) {
		out[name] = sample{URL: s.URL, RequestBody: jsontext.Value(s.RequestBody), ResponseBody: jsontext.Value(s.ResponseBody)}
	}
	return out
}

// entities returns the objects of a body: the body itself, or the elements
// of its "value" array.
func entities(body jsontext.Value) []map[string]any {
	if body.Kind() != '{' {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(body, &m, lenient) != nil {
		return nil
	}
	if v, ok := m["value"].([]any); ok {
		var out []map[string]any
		for _, e := range v {
			if o, ok := e.(map[string]any); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return []map[string]any{m}
}

// prune normalises a decoded JSON value for comparison: null, "" and empty
// objects are absent (omitzero drops them; the server treats them alike),
// enum values compare ignoring case, and instants compare as instants.
func prune(v any, key string) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
		if enumKeys[key] {
			return strings.ToLower(x)
		}
		if strings.HasSuffix(key, "DateTime") {
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return t.UTC().Format(time.RFC3339Nano)
			}
		}
		return x
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if p := prune(e, k); p != nil {
				out[k] = p
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			out = append(out, prune(e, key))
		}
		return out
	default:
		return x
	}
}

// checkRoundTrip decodes want (Graph form) into a testItem through the
// decoded value of it, re-encodes it, and reports any known property that
// changed or was lost. It returns the known properties it compared.
func checkRoundTrip(t *testing.T, name string, want map[string]any, it *testItem) []string {
	t.Helper()
	out, err := json.Marshal(it)
	if err != nil {
		t.Errorf("%s: encode: %v", name, err)
		return nil
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: re-decode: %v", name, err)
	}
	var seen []string
	for _, k := range knownKeys {
		w, g := prune(want[k], k), prune(got[k], k)
		if !reflect.DeepEqual(w, g) {
			t.Errorf("%s: %q changed in the round trip:\n got %#v\nwant %#v", name, k, g, w)
		}
		if w != nil {
			seen = append(seen, k)
		}
	}
	return seen
}

// Every entity of the Graph samples (responses and request bodies) decodes
// into the shared types and encodes back without losing a known property.
func TestGraphSamplesRoundTrip(t *testing.T) {
	counts := map[string]int{}
	n := 0
	for name, s := range readSamples(t, "graph-samples") {
		for _, body := range []jsontext.Value{s.ResponseBody, s.RequestBody} {
			for _, e := range entities(body) {
				if typ, _ := e["@odata.type"].(string); strings.Contains(typ, "Attachment") {
					continue // attachments are not Outlook items; some samples hold placeholders
				}
				raw, _ := json.Marshal(e)
				var it testItem
				if err := json.Unmarshal(raw, &it, lenient); err != nil {
					t.Errorf("%s: decode: %v\n%s", name, err, raw)
					continue
				}
				n++
				for _, k := range checkRoundTrip(t, name, e, &it) {
					counts[k]++
				}
				checkTimes(t, name, &it)
			}
		}
	}
	t.Logf("%d entities; known properties compared: %v", n, counts)
	// The samples must have exercised each shared shape, or this test proves little.
	for k, min := range map[string]int{
		"body": 30, "toRecipients": 20, "from": 10, "flag": 10, "location": 20, "locations": 5,
		"start": 20, "categories": 20, "createdDateTime": 20, "@odata.etag": 20, "importance": 20,
		"internetMessageHeaders": 1, "singleValueExtendedProperties": 1, "multiValueExtendedProperties": 1,
		"emailAddresses": 3, "businessAddress": 1, "uniqueBody": 1,
	} {
		if counts[k] < min {
			t.Errorf("only %d sample entities carry %q, want at least %d", counts[k], k, min)
		}
	}
}

// checkTimes converts every dateTimeTimeZone of an item: the samples use
// Windows and IANA names, and all must resolve.
func checkTimes(t *testing.T, name string, it *testItem) {
	t.Helper()
	for _, d := range []item.DateTimeTimeZone{it.Start, it.End, it.Flag.StartDateTime, it.Flag.DueDateTime, it.Flag.CompletedDateTime} {
		if d == (item.DateTimeTimeZone{}) {
			continue
		}
		if _, err := d.Time(); err != nil {
			t.Errorf("%s: %+v: %v", name, d, err)
		}
	}
}

// graphify respells a v2.0 body the way the dialect should, independently of
// package odata: names lower-cased in their first letter, the renamed
// properties, the item timestamp aliases. Enum values compare ignoring case.
func graphify(v any, parent string) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			g := k
			switch {
			case strings.HasPrefix(k, "@"):
			case k == "PropertyId" && strings.HasSuffix(parent, "ValueExtendedProperties"):
				g = "id"
			case k == "DateTimeCreated":
				g = "createdDateTime"
			case k == "DateTimeLastModified":
				g = "lastModifiedDateTime"
			default:
				g = strings.ToLower(k[:1]) + k[1:]
			}
			if str, ok := e.(string); ok && (g == "start" || g == "end") {
				// The v1.0 instant form; the type reads it as a UTC wall clock.
				if t, err := time.Parse(time.RFC3339, str); err == nil {
					e = map[string]any{"dateTime": t.UTC().Format(item.DateTimeLayout), "timeZone": "UTC"}
				}
			}
			out[g] = graphify(e, g)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = graphify(e, parent)
		}
		return out
	}
	return v
}

// isItemSample reports whether a v2.0 sample's response is messages, events
// or contacts (not folders, attachments, photos or extensions).
func isItemSample(url string) bool {
	u := strings.ToLower(url)
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	for _, skip := range []string{"/attachments", "/photo", "/overrides", "/extensions", "contactfolders", "/calendars", "/calendargroups"} {
		if strings.Contains(u, skip) {
			return false
		}
	}
	return strings.Contains(u, "/messages") || strings.Contains(u, "/events") ||
		strings.Contains(u, "/calendarview") || strings.Contains(u, "/contacts")
}

// The v2.0 samples decode, through an odata.Client of the v2.0 dialect, into
// the same values as their Graph spelling.
func TestV2SamplesThroughDialect(t *testing.T) {
	counts := map[string]int{}
	n := 0
	for name, s := range readSamples(t, "v2-samples") {
		if s.ResponseBody.Kind() != '{' || !isItemSample(s.URL) {
			continue
		}
		raws := entities(s.ResponseBody)
		var items []*testItem
		c, _ := newClient(t, odata.OutlookV2, s.ResponseBody)
		if strings.Contains(string(s.ResponseBody), `"value"`) && len(raws) > 0 && !hasKey(s.ResponseBody, "Id") {
			pg, err := odata.ListPage[testItem](t.Context(), c, odata.PathOf("messages"), nil)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			for i := range pg.Value {
				items = append(items, &pg.Value[i])
			}
		} else {
			it, err := odata.Get[testItem](t.Context(), c, odata.PathOf("messages/{}", "x"), nil)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			items = []*testItem{it}
		}
		if len(items) != len(raws) {
			t.Errorf("%s: %d items decoded, %d in the body", name, len(items), len(raws))
			continue
		}
		for i, raw := range raws {
			if typ, _ := raw["@odata.type"].(string); strings.Contains(typ, "Extension") {
				continue
			}
			want := graphify(raw, "").(map[string]any)
			n++
			for _, k := range checkRoundTrip(t, name, want, items[i]) {
				counts[k]++
			}
			checkTimes(t, name, items[i])
		}
	}
	t.Logf("%d v2.0 entities; known properties compared: %v", n, counts)
	for k, min := range map[string]int{
		"body": 15, "toRecipients": 5, "start": 5, "createdDateTime": 15, "singleValueExtendedProperties": 1,
		"multiValueExtendedProperties": 1, "emailAddresses": 2, "importance": 10, "sensitivity": 1,
	} {
		if counts[k] < min {
			t.Errorf("only %d v2.0 sample entities carry %q, want at least %d", counts[k], k, min)
		}
	}
}

func hasKey(body jsontext.Value, key string) bool {
	var m map[string]jsontext.Value
	if json.Unmarshal(body, &m, lenient) != nil {
		return false
	}
	_, ok := m[key]
	return ok
}
