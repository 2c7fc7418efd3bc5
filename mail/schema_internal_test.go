package mail

import (
	"testing"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/odata"
)

// The bodies of actions carry tables too, so that every body is translated
// by one.
func TestActionSchemas(t *testing.T) {
	for _, v := range []odata.Mapped{destination{}, sendMailBody{}, replyBody{}} {
		schematest.Type(t, v)
	}
}
