package contacts

import (
	"testing"

	"github.com/exchangekit/outlook/internal/schematest"
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
	schema := func(url string, _ bool) *odata.Schema { return sampleSchema(url) }
	schematest.SamplesRoundTrip(t, "contact", schema, []string{"user-post-contacts-1.json"}, 9, 15)
}
