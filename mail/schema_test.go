package mail_test

import (
	"testing"

	"github.com/exchangekit/outlook/internal/schematest"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// Each model's table and its Go type agree, and the tables agree with the
// Graph v1.0 schema and EWS's FieldURIs.
func TestSchemas(t *testing.T) {
	models := []odata.Mapped{mail.Message{}, mail.MailFolder{}, mail.Attachment{}, mail.UploadSession{},
		mail.MailboxSettings{}, mail.AutomaticRepliesSetting{}, mail.LocaleInfo{}, mail.WorkingHours{}, mail.TimeZoneBase{},
		mail.ClassificationOverride{}, mail.MessageRule{}, mail.MessageRulePredicates{}, mail.SizeRange{}, mail.MessageRuleActions{}}
	var roots []*odata.Schema
	for _, v := range models {
		schematest.Type(t, v)
		roots = append(roots, v.WireSchema())
	}
	for _, u := range []odata.Mapped{mail.MessageUpdate{}, mail.FolderUpdate{}, mail.MailboxSettingsUpdate{}, mail.MessageRuleUpdate{}} {
		schematest.Update(t, u)
	}
	schematest.Graph(t, map[string]string{
		"mailFolder.wellKnownName": "Graph beta; some servers return it",
	}, roots...)
	schematest.Covered(t, ".", "Message", "MessageUpdate", "MailFolder", "FolderUpdate", "Attachment", "UploadSession",
		"MailboxSettings", "MailboxSettingsUpdate", "AutomaticRepliesSetting", "LocaleInfo", "WorkingHours",
		"TimeZoneBase", "ClassificationOverride", "MessageRule", "MessageRulePredicates", "SizeRange", "MessageRuleActions",
		"MessageRuleUpdate", "destination", "sendMailBody", "replyBody")
}
