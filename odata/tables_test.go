package odata_test

import "github.com/exchangekit/outlook/odata"

// The model packages register the real tables; these tests register the
// subset the samples need, as a model package would.
func init() {
	odata.Register(
		[]odata.Rename{
			{Graph: "mobilePhone", V2: "MobilePhone1"},
			{Parent: "singleValueExtendedProperties", Graph: "id", V2: "PropertyId"},
			{Parent: "multiValueExtendedProperties", Graph: "id", V2: "PropertyId"},
		},
		[]odata.Enum{
			{Name: "importance"},
			{Name: "sensitivity"},
			{Name: "inferenceClassification"},
			{Name: "showAs"},
			{Parent: "body", Name: "contentType", Values: map[string]string{"html": "HTML"}},
			{Parent: "uniqueBody", Name: "contentType", Values: map[string]string{"html": "HTML"}},
			{Parent: "flag", Name: "flagStatus"},
			{Parent: "recurrence", Name: "type"},
			{Parent: "pattern", Name: "type"},
			{Parent: "range", Name: "type"},
			{Parent: "pattern", Name: "daysOfWeek"},
			{Parent: "attendees", Name: "type"},
			{Parent: "status", Name: "response"},
		},
		map[string]string{
			"mailFolders": "MailFolders", "contactFolders": "contactfolders", "calendarView": "calendarview",
			"sendMail": "sendmail", "replyAll": "replyall", "createReply": "createreply",
			"createReplyAll": "createreplyall", "createForward": "createforward", "tentativelyAccept": "tentativelyaccept",
		},
	)
}
