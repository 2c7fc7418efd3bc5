package contacts

import (
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/odata"
)

// sampleSchema returns the table of a sample body about contacts, by the
// sample's URL, or nil when the body is not one of this package's models.
func sampleSchema(url string) *odata.Schema {
	var s *odata.Schema
	for _, seg := range schematest.Segments(url) {
		switch seg {
		case "contacts":
			s = contactSchema
		case "contactfolders":
			s = contactFolderSchema
		case "childfolders":
			if s != contactFolderSchema {
				return nil // a mail folder's
			}
		case "photo":
			s = photoSchema
		case "messages", "mailfolders", "events", "calendar", "calendars", "extensions", "groups":
			return nil
		}
	}
	return s
}

// Every contact body of the samples, in either dialect, translates and
// translates back to the same bytes by its table.
func TestSampleBodiesRoundTrip(t *testing.T) {
	golden := []string{"user-post-contacts-1.json"}
	n := 0
	for name, s := range testutil.Samples(t, "v2-samples", nil) {
		for _, body := range s.Bodies() {
			if sc := sampleSchema(s.URL); sc != nil {
				schematest.V2RoundTrip(t, name, body, schematest.ForBody(body, sc))
				n++
			}
		}
	}
	if n < 9 {
		t.Errorf("only %d v2.0 contact bodies round-tripped; the samples hold more", n)
	}
	n = 0
	for name, s := range testutil.Samples(t, "graph-samples", nil) {
		for i, body := range s.Bodies() {
			g := ""
			if slices.Contains(golden, name) {
				g = strings.TrimSuffix(name, ".json") + "-" + string(rune('a'+i)) + ".json"
			}
			if sc := sampleSchema(s.URL); sc != nil {
				schematest.GraphRoundTrip(t, name, body, schematest.ForBody(body, sc), g, schematest.Updating())
				n++
			}
		}
	}
	if n < 15 {
		t.Errorf("only %d Graph contact bodies round-tripped; the samples hold more", n)
	}
}
