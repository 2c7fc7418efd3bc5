package mail

import (
	"testing"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/odata"
)

// sampleSchema returns the table of a sample body about mail, by the
// sample's URL, or nil when the body is not one of this package's models.
func sampleSchema(url string, request bool) *odata.Schema {
	segs := schematest.Segments(url)
	var s *odata.Schema
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case "messages":
			s = messageSchema
		case "mailfolders", "childfolders":
			s = mailFolderSchema
		case "attachments":
			if s != messageSchema {
				return nil // an event's
			}
			s = attachmentSchema
		case "createuploadsession":
			if request {
				return nil // {"AttachmentItem": ...}, Graph only
			}
			s = uploadSessionSchema
		case "mailboxsettings":
			s = mailboxSettingsSchema
		case "automaticrepliessetting":
			s = automaticRepliesSettingSchema
		case "workinghours":
			s = workingHoursSchema
		case "overrides":
			s = overrideSchema
		case "messagerules":
			s = messageRuleSchema
		case "sendmail":
			s = sendMailSchema
		case "move", "copy":
			if request {
				s = destinationSchema
			}
		case "reply", "replyall", "forward", "createreply", "createreplyall", "createforward":
			if request && last {
				s = replySchema
			}
		case "events", "calendar", "calendars", "calendarview", "contacts", "contactfolders", "extensions", "groups", "outlook":
			return nil
		}
	}
	return s
}

// Every mail body of the samples, in either dialect, translates and
// translates back to the same bytes by its table.
func TestSampleBodiesRoundTrip(t *testing.T) {
	schematest.SamplesRoundTrip(t, "mail", sampleSchema, []string{"message-get-2.json", "user-sendmail-1.json", "attachment-get-1.json", "singlevaluelegacyextendedproperty-get-1.json"}, 25, 80)
}
