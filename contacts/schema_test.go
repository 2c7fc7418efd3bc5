package contacts_test

import (
	"testing"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/odata"
)

// Each model's table and its Go type agree, and the tables agree with the
// Graph v1.0 schema and EWS's FieldURIs.
func TestSchemas(t *testing.T) {
	models := []odata.Mapped{contacts.Contact{}, contacts.ContactFolder{}, contacts.Photo{}}
	var roots []*odata.Schema
	for _, v := range models {
		schematest.Type(t, v)
		roots = append(roots, v.WireSchema())
	}
	for _, u := range []odata.Mapped{contacts.ContactUpdate{}, contacts.FolderUpdate{}} {
		schematest.Update(t, u)
	}
	schematest.Graph(t, map[string]string{
		"contactFolder.wellKnownName": "Graph beta; some servers return it",
	}, roots...)
	schematest.Covered(t, ".", "Contact", "ContactUpdate", "ContactFolder", "FolderUpdate", "Photo")
}
