package mail

import "github.com/exchangekit/outlook/odata"

// The Outlook REST v2.0 spellings of the mail resources, where they are not
// "the Graph name with its first letter upper-cased". Package item registers
// the shared shapes (bodies, importance, flags, extended properties); only
// what is mail's own is here.
func init() {
	odata.Register(
		nil,
		[]odata.Enum{
			{Name: "inferenceClassification"},
			{Name: "classifyAs"},
			{Parent: "automaticRepliesSetting", Name: "status"},
			{Parent: "automaticRepliesSetting", Name: "externalAudience"},
			{Name: "meetingMessageType"},
			{Name: "meetingRequestType"},
			{Name: "delegateMeetingMessageDeliveryOptions"},
			{Name: "userPurpose"},
			{Name: "messageActionFlag"},
			{Name: "markImportance"},
			{Parent: "AttachmentItem", Name: "attachmentType"},
		},
		map[string]string{
			"mailFolders":             "MailFolders",
			"childFolders":            "childfolders",
			"sendMail":                "sendmail",
			"replyAll":                "replyall",
			"createReply":             "createreply",
			"createReplyAll":          "createreplyall",
			"createForward":           "createforward",
			"mailboxSettings":         "MailboxSettings",
			"automaticRepliesSetting": "AutomaticRepliesSetting",
			"inferenceClassification": "InferenceClassification",
			"overrides":               "Overrides",
		},
	)
}
