package ews

import "github.com/exchangekit/outlook/odata"

// Wire tables as the model packages declare them (odata.Schema with the
// EWS FieldURI column), for the tests of this package until the models'
// own tables are in: message, mailFolder and the complex types they hold,
// in EWS schema order where EWS has the property.

var (
	importanceEnum = &odata.EnumType{Name: "importance", Values: []string{"low", "normal", "high"}}
	bodyTypeEnum   = &odata.EnumType{Name: "bodyType", Values: []string{"text", "html"},
		V2: map[string]string{"html": "HTML"}, EWS: map[string]string{"html": "HTML"}}
	flagStatusEnum     = &odata.EnumType{Name: "followupFlagStatus", Values: []string{"notFlagged", "complete", "flagged"}}
	classificationEnum = &odata.EnumType{Name: "inferenceClassificationType", Values: []string{"focused", "other"}}

	emailAddressSchema = &odata.Schema{Name: "emailAddress", Props: []odata.Prop{
		{Graph: "name"}, {Graph: "address"},
	}}
	recipientSchema = &odata.Schema{Name: "recipient", Props: []odata.Prop{
		{Graph: "emailAddress", Kind: odata.KindObject, Elem: emailAddressSchema},
	}}
	itemBodySchema = &odata.Schema{Name: "itemBody", Props: []odata.Prop{
		{Graph: "contentType", Kind: odata.KindEnum, Enum: bodyTypeEnum},
		{Graph: "content"},
	}}
	dateTimeTimeZoneSchema = &odata.Schema{Name: "dateTimeTimeZone", Props: []odata.Prop{
		{Graph: "dateTime"}, {Graph: "timeZone"},
	}}
	followupFlagSchema = &odata.Schema{Name: "followupFlag", Props: []odata.Prop{
		{Graph: "flagStatus", Kind: odata.KindEnum, Enum: flagStatusEnum},
		{Graph: "startDateTime", Kind: odata.KindObject, Elem: dateTimeTimeZoneSchema},
		{Graph: "dueDateTime", Kind: odata.KindObject, Elem: dateTimeTimeZoneSchema},
		{Graph: "completedDateTime", Kind: odata.KindObject, Elem: dateTimeTimeZoneSchema},
	}}
	headerSchema = &odata.Schema{Name: "internetMessageHeader", Props: []odata.Prop{
		{Graph: "name"}, {Graph: "value"},
	}}
	singleExtSchema = &odata.Schema{Name: "singleValueLegacyExtendedProperty", Props: []odata.Prop{
		{Graph: "id"}, {Graph: "value"},
	}}
	multiExtSchema = &odata.Schema{Name: "multiValueLegacyExtendedProperty", Props: []odata.Prop{
		{Graph: "id"}, {Graph: "value", Collection: true},
	}}
	attachmentSchema = &odata.Schema{Name: "attachment", Props: []odata.Prop{
		{Graph: "id", ReadOnly: true},
		{Graph: "name"},
		{Graph: "contentType"},
		{Graph: "size", Kind: odata.KindInt, ReadOnly: true},
		{Graph: "isInline", Kind: odata.KindBool},
		{Graph: "lastModifiedDateTime", Kind: odata.KindTime, ReadOnly: true},
		{Graph: "contentBytes", Kind: odata.KindBinary},
	}}

	messageSchema = &odata.Schema{Name: "message", Props: []odata.Prop{
		{Graph: "id", EWS: "item:ItemId", ReadOnly: true},
		{Graph: "parentFolderId", EWS: "item:ParentFolderId", ReadOnly: true},
		{Graph: "subject", EWS: "item:Subject"},
		{Graph: "body", EWS: "item:Body", Kind: odata.KindObject, Elem: itemBodySchema},
		{Graph: "attachments", EWS: "item:Attachments", Kind: odata.KindObject, Collection: true, Elem: attachmentSchema},
		{Graph: "receivedDateTime", EWS: "item:DateTimeReceived", Kind: odata.KindTime, ReadOnly: true},
		{Graph: "categories", EWS: "item:Categories", Collection: true},
		{Graph: "importance", EWS: "item:Importance", Kind: odata.KindEnum, Enum: importanceEnum},
		{Graph: "isDraft", EWS: "item:IsDraft", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "internetMessageHeaders", EWS: "item:InternetMessageHeaders", Kind: odata.KindObject, Collection: true, Elem: headerSchema},
		{Graph: "sentDateTime", EWS: "item:DateTimeSent", Kind: odata.KindTime, ReadOnly: true},
		{Graph: "createdDateTime", EWS: "item:DateTimeCreated", Kind: odata.KindTime, ReadOnly: true},
		{Graph: "hasAttachments", EWS: "item:HasAttachments", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "lastModifiedDateTime", EWS: "item:LastModifiedTime", Kind: odata.KindTime, ReadOnly: true},
		{Graph: "conversationId", EWS: "item:ConversationId", ReadOnly: true},
		{Graph: "uniqueBody", EWS: "item:UniqueBody", Kind: odata.KindObject, Elem: itemBodySchema, ReadOnly: true},
		{Graph: "flag", EWS: "item:Flag", Kind: odata.KindObject, Elem: followupFlagSchema},
		{Graph: "bodyPreview", EWS: "item:Preview", ReadOnly: true},
		{Graph: "sender", EWS: "message:Sender", Kind: odata.KindObject, Elem: recipientSchema},
		{Graph: "toRecipients", EWS: "message:ToRecipients", Kind: odata.KindObject, Collection: true, Elem: recipientSchema},
		{Graph: "ccRecipients", EWS: "message:CcRecipients", Kind: odata.KindObject, Collection: true, Elem: recipientSchema},
		{Graph: "bccRecipients", EWS: "message:BccRecipients", Kind: odata.KindObject, Collection: true, Elem: recipientSchema},
		{Graph: "isReadReceiptRequested", EWS: "message:IsReadReceiptRequested", Kind: odata.KindBool},
		{Graph: "isDeliveryReceiptRequested", EWS: "message:IsDeliveryReceiptRequested", Kind: odata.KindBool},
		{Graph: "conversationIndex", EWS: "message:ConversationIndex", Kind: odata.KindBinary, ReadOnly: true},
		{Graph: "from", EWS: "message:From", Kind: odata.KindObject, Elem: recipientSchema},
		{Graph: "internetMessageId", EWS: "message:InternetMessageId"},
		{Graph: "isRead", EWS: "message:IsRead", Kind: odata.KindBool},
		{Graph: "replyTo", EWS: "message:ReplyTo", Kind: odata.KindObject, Collection: true, Elem: recipientSchema},
		{Graph: "changeKey", ReadOnly: true},
		{Graph: "webLink", ReadOnly: true},
		{Graph: "inferenceClassification", Kind: odata.KindEnum, Enum: classificationEnum},
		{Graph: "meetingMessageType", Kind: odata.KindEnum, ReadOnly: true},
		{Graph: "singleValueExtendedProperties", Kind: odata.KindObject, Collection: true, Elem: singleExtSchema},
		{Graph: "multiValueExtendedProperties", Kind: odata.KindObject, Collection: true, Elem: multiExtSchema},
	}}

	mailFolderSchema = &odata.Schema{Name: "mailFolder", Props: []odata.Prop{
		{Graph: "id", EWS: "folder:FolderId", ReadOnly: true},
		{Graph: "parentFolderId", EWS: "folder:ParentFolderId", ReadOnly: true},
		{Graph: "displayName", EWS: "folder:DisplayName"},
		{Graph: "totalItemCount", EWS: "folder:TotalCount", Kind: odata.KindInt, ReadOnly: true},
		{Graph: "childFolderCount", EWS: "folder:ChildFolderCount", Kind: odata.KindInt, ReadOnly: true},
		{Graph: "unreadItemCount", EWS: "folder:UnreadCount", Kind: odata.KindInt, ReadOnly: true},
		{Graph: "isHidden", Kind: odata.KindBool},
		{Graph: "wellKnownName", ReadOnly: true},
	}}
)
