package mail

import (
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// The wire mapping of the mail models: each property's name in Microsoft
// Graph, Outlook REST v2.0 and EWS (its FieldURI), read by package odata's
// v2.0 translation and by the EWS backend. Item properties are listed in
// the order of EWS's ItemType, then MessageType, as EWS wants the elements
// of a written item; properties EWS lacks follow, each with what EWS has
// instead, if anything.

// Enum types.
var (
	// EWS has no Focused Inbox property.
	classificationEnum = &odata.EnumType{Name: "inferenceClassificationType",
		Values: []string{string(ClassificationFocused), string(ClassificationOther)},
		EWS:    noEWS(ClassificationFocused, ClassificationOther)}
	// EWS tells meeting messages apart by their element (MeetingRequest,
	// MeetingCancellation, MeetingResponse) and ItemClass, not by a value.
	meetingMessageTypeEnum = &odata.EnumType{Name: "meetingMessageType",
		Values: []string{string(MeetingMessageNone), string(MeetingRequest), string(MeetingCancelled),
			string(MeetingAccepted), string(MeetingTentativelyAccepted), string(MeetingDeclined)},
		EWS: noEWS(MeetingMessageNone, MeetingRequest, MeetingCancelled, MeetingAccepted,
			MeetingTentativelyAccepted, MeetingDeclined)}
	meetingRequestTypeEnum = &odata.EnumType{Name: "meetingRequestType",
		Values: []string{string(MeetingRequestTypeNone), string(MeetingRequestTypeNew), string(MeetingRequestTypeFullUpdate),
			string(MeetingRequestTypeInformationalUpdate), string(MeetingRequestTypeSilentUpdate),
			string(MeetingRequestTypeOutdated), string(MeetingRequestTypePrincipalWantsCopy)}}
	// EWS's OofState and ExternalAudience.
	automaticRepliesStatusEnum = &odata.EnumType{Name: "automaticRepliesStatus",
		Values: []string{string(AutomaticRepliesDisabled), string(AutomaticRepliesAlwaysEnabled), string(AutomaticRepliesScheduled)},
		EWS:    map[string]string{string(AutomaticRepliesAlwaysEnabled): "Enabled"}}
	externalAudienceEnum = &odata.EnumType{Name: "externalAudienceScope",
		Values: []string{string(ExternalAudienceNone), string(ExternalAudienceContactsOnly), string(ExternalAudienceAll)},
		EWS:    map[string]string{string(ExternalAudienceContactsOnly): "Known"}}
	// EWS's FlaggedForAction.
	messageActionFlagEnum = &odata.EnumType{Name: "messageActionFlag",
		Values: []string{string(MessageActionAny), string(MessageActionCall), string(MessageActionDoNotForward),
			string(MessageActionFollowUp), string(MessageActionFYI), string(MessageActionForward),
			string(MessageActionNoResponseNecessary), string(MessageActionRead), string(MessageActionReply),
			string(MessageActionReplyToAll), string(MessageActionReview)},
		EWS: map[string]string{string(MessageActionFYI): "FYI"}}
	// EWS's DeliverMeetingRequests (a delegate setting).
	delegateDeliveryEnum = &odata.EnumType{Name: "delegateMeetingMessageDeliveryOptions",
		Values: []string{string(DelegateAndInformationToPrincipal), string(DelegateAndPrincipal), string(DelegateOnly)},
		EWS: map[string]string{string(DelegateAndInformationToPrincipal): "DelegatesAndSendInformationToMe",
			string(DelegateAndPrincipal): "DelegatesAndMe", string(DelegateOnly): "DelegatesOnly"}}
	userPurposeEnum = &odata.EnumType{Name: "userPurpose",
		Values: []string{string(UserPurposeUser), string(UserPurposeLinked), string(UserPurposeShared),
			string(UserPurposeRoom), string(UserPurposeEquipment), string(UserPurposeOthers)},
		EWS: noEWS(UserPurposeUser, UserPurposeLinked, UserPurposeShared, UserPurposeRoom, UserPurposeEquipment, UserPurposeOthers)}
	importanceEnum  = item.Importance("").WireEnum()
	sensitivityEnum = item.Sensitivity("").WireEnum()
)

// noEWS lists enum members EWS has no equivalent of, for EnumType.EWS.
func noEWS[E ~string](members ...E) map[string]string {
	m := make(map[string]string, len(members))
	for _, v := range members {
		m[string(v)] = ""
	}
	return m
}

var (
	recipientSchema    = item.Recipient{}.WireSchema()
	emailAddressSchema = item.EmailAddress{}.WireSchema()
	bodySchema         = item.ItemBody{}.WireSchema()
	dateTimeSchema     = item.DateTimeTimeZone{}.WireSchema()
	locationSchema     = item.Location{}.WireSchema()
)

// messageSchema maps Message. Its attachments hold messages again, so the
// two are wired in init.
var messageSchema = &odata.Schema{Name: "message", Props: []odata.Prop{
	item.OutlookItemProp("id"),
	item.OutlookItemProp("@odata.etag"),
	item.OutlookItemProp("changeKey"),
	// EWS names the type by the item's element (Message, MeetingRequest,
	// ...) and its item:ItemClass.
	{Graph: "@odata.type", ReadOnly: true},
	{Graph: "parentFolderId", EWS: "item:ParentFolderId", ReadOnly: true},
	{Graph: "subject", EWS: "item:Subject"},
	{Graph: "body", Kind: odata.KindObject, Elem: bodySchema, EWS: "item:Body"},
	{Graph: "attachments", Collection: true, Kind: odata.KindObject, EWS: "item:Attachments"}, // Elem: attachmentSchema, in init
	{Graph: "receivedDateTime", Kind: odata.KindTime, EWS: "item:DateTimeReceived", ReadOnly: true},
	item.OutlookItemProp("categories"),
	{Graph: "importance", Kind: odata.KindEnum, Enum: importanceEnum, EWS: "item:Importance"},
	{Graph: "isDraft", Kind: odata.KindBool, EWS: "item:IsDraft", ReadOnly: true},
	{Graph: "internetMessageHeaders", Collection: true, Kind: odata.KindObject,
		Elem: item.InternetMessageHeader{}.WireSchema(), EWS: "item:InternetMessageHeaders"},
	{Graph: "sentDateTime", Kind: odata.KindTime, EWS: "item:DateTimeSent", ReadOnly: true},
	item.OutlookItemProp("createdDateTime"),
	{Graph: "hasAttachments", Kind: odata.KindBool, EWS: "item:HasAttachments", ReadOnly: true},
	item.OutlookItemProp("lastModifiedDateTime"),
	{Graph: "conversationId", EWS: "item:ConversationId", ReadOnly: true},
	{Graph: "uniqueBody", Kind: odata.KindObject, Elem: bodySchema, EWS: "item:UniqueBody", ReadOnly: true},
	{Graph: "flag", Kind: odata.KindObject, Elem: item.FollowupFlag{}.WireSchema(), EWS: "item:Flag"},
	{Graph: "bodyPreview", EWS: "item:Preview", ReadOnly: true},
	{Graph: "sender", Kind: odata.KindObject, Elem: recipientSchema, EWS: "message:Sender"},
	{Graph: "toRecipients", Collection: true, Kind: odata.KindObject, Elem: recipientSchema, EWS: "message:ToRecipients"},
	{Graph: "ccRecipients", Collection: true, Kind: odata.KindObject, Elem: recipientSchema, EWS: "message:CcRecipients"},
	{Graph: "bccRecipients", Collection: true, Kind: odata.KindObject, Elem: recipientSchema, EWS: "message:BccRecipients"},
	{Graph: "isReadReceiptRequested", Kind: odata.KindBool, EWS: "message:IsReadReceiptRequested"},
	{Graph: "isDeliveryReceiptRequested", Kind: odata.KindBool, EWS: "message:IsDeliveryReceiptRequested"},
	{Graph: "conversationIndex", Kind: odata.KindBinary, EWS: "message:ConversationIndex", ReadOnly: true},
	{Graph: "from", Kind: odata.KindObject, Elem: recipientSchema, EWS: "message:From"},
	{Graph: "internetMessageId", EWS: "message:InternetMessageId"},
	{Graph: "isRead", Kind: odata.KindBool, EWS: "message:IsRead"},
	{Graph: "replyTo", Collection: true, Kind: odata.KindObject, Elem: recipientSchema, EWS: "message:ReplyTo"},
	// Event-message fields: EWS's MeetingMessage and MeetingRequest carry
	// the calendar item's fields.
	{Graph: "isDelegated", Kind: odata.KindBool, EWS: "meeting:IsDelegated", ReadOnly: true},
	{Graph: "isOutOfDate", Kind: odata.KindBool, EWS: "meeting:IsOutOfDate", ReadOnly: true},
	{Graph: "responseType", EWS: "meeting:ResponseType", ReadOnly: true},
	{Graph: "meetingRequestType", Kind: odata.KindEnum, Enum: meetingRequestTypeEnum, EWS: "meetingRequest:MeetingRequestType", ReadOnly: true},
	{Graph: "startDateTime", Kind: odata.KindObject, Elem: dateTimeSchema, EWS: "calendar:Start", ReadOnly: true},
	{Graph: "endDateTime", Kind: odata.KindObject, Elem: dateTimeSchema, EWS: "calendar:End", ReadOnly: true},
	{Graph: "isAllDay", Kind: odata.KindBool, EWS: "calendar:IsAllDayEvent", ReadOnly: true},
	// EWS's Location is the display name; calendar:EnhancedLocation holds
	// the rest.
	{Graph: "location", Kind: odata.KindObject, Elem: locationSchema, EWS: "calendar:Location", ReadOnly: true},
	{Graph: "type", EWS: "calendar:CalendarItemType", ReadOnly: true},
	{Graph: "responseRequested", Kind: odata.KindBool, EWS: "message:IsResponseRequested", ReadOnly: true},
	{Graph: "recurrence", Kind: odata.KindObject, EWS: "calendar:Recurrence", ReadOnly: true},
	{Graph: "allowNewTimeProposals", Kind: odata.KindBool, EWS: "calendar:AllowNewTimeProposal", ReadOnly: true},
	// EWS reports the earlier time and place through
	// meetingRequest:ChangeHighlights.
	{Graph: "previousStartDateTime", Kind: odata.KindObject, Elem: dateTimeSchema, ReadOnly: true},
	{Graph: "previousEndDateTime", Kind: odata.KindObject, Elem: dateTimeSchema, ReadOnly: true},
	{Graph: "previousLocation", Kind: odata.KindObject, Elem: locationSchema, ReadOnly: true},
	// EWS has meeting:ProposedStart and meeting:ProposedEnd.
	{Graph: "proposedNewTime", Kind: odata.KindObject, Elem: item.TimeSlot{}.WireSchema(), ReadOnly: true},
	// EWS names the meeting by meeting:AssociatedCalendarItemId; the event
	// itself, expanded, is translated by the default rules (its schema is
	// package calendar's).
	{Graph: "event", Kind: odata.KindObject, ReadOnly: true},
	// EWS tells meeting messages apart by element and ItemClass.
	{Graph: "meetingMessageType", Kind: odata.KindEnum, Enum: meetingMessageTypeEnum, ReadOnly: true},
	// EWS has item:WebClientReadFormQueryString, the query string of the
	// Outlook on the web address (the EWS backend makes the link of it).
	{Graph: "webLink", EWS: "item:WebClientReadFormQueryString", ReadOnly: true},
	// EWS has no Focused Inbox property.
	{Graph: "inferenceClassification", Kind: odata.KindEnum, Enum: classificationEnum},
	// Open extensions are REST only; EWS has extended properties, which it
	// addresses by ExtendedFieldURI paths rather than a FieldURI.
	{Graph: "extensions", Collection: true, Kind: odata.KindObject, Elem: extensionSchema},
	{Graph: "singleValueExtendedProperties", Collection: true, Kind: odata.KindObject, Elem: item.SingleValueExtendedProperty{}.WireSchema()},
	{Graph: "multiValueExtendedProperties", Collection: true, Kind: odata.KindObject, Elem: item.MultiValueExtendedProperty{}.WireSchema()},
}}

// extensionSchema maps an open extension: the names its data holds are the
// caller's, and follow the default rules.
var extensionSchema = &odata.Schema{Name: "extension", Props: []odata.Prop{
	{Graph: "@odata.type"},
	{Graph: "id", ReadOnly: true},
	{Graph: "extensionName"},
}}

// attachmentSchema maps Attachment. EWS reads attachments with
// GetAttachment, not by FieldURIs: its FileAttachment and ItemAttachment
// elements have Name, ContentType, ContentId, Size, LastModifiedTime,
// IsInline, Content and the item.
var attachmentSchema = &odata.Schema{Name: "attachment", Props: []odata.Prop{
	{Graph: "@odata.type"},
	{Graph: "id", ReadOnly: true},
	{Graph: "name"},
	{Graph: "contentType"},
	{Graph: "size", Kind: odata.KindInt, ReadOnly: true},
	{Graph: "isInline", Kind: odata.KindBool},
	{Graph: "lastModifiedDateTime", Kind: odata.KindTime, ReadOnly: true},
	{Graph: "contentBytes", Kind: odata.KindBinary},
	{Graph: "contentId"},
	{Graph: "contentLocation"},
	// An item attachment holds a message, an event or a contact: read by
	// the message's table, which the three share but for their own fields.
	{Graph: "item", Kind: odata.KindObject}, // Elem: messageSchema, in init
}}

func init() {
	// A message holds attachments, and an item attachment a message.
	for i := range messageSchema.Props {
		if messageSchema.Props[i].Graph == "attachments" {
			messageSchema.Props[i].Elem = attachmentSchema
		}
	}
	for i := range attachmentSchema.Props {
		if attachmentSchema.Props[i].Graph == "item" {
			attachmentSchema.Props[i].Elem = messageSchema
		}
	}
}

// mailFolderSchema maps MailFolder, search folders included.
var mailFolderSchema = &odata.Schema{Name: "mailFolder", Props: []odata.Prop{
	{Graph: "id", EWS: "folder:FolderId", ReadOnly: true},
	// The ETag is the ChangeKey attribute of EWS's FolderId.
	{Graph: "@odata.etag", ReadOnly: true},
	// EWS names the type by the folder's element (Folder, SearchFolder).
	{Graph: "@odata.type", ReadOnly: true},
	{Graph: "parentFolderId", EWS: "folder:ParentFolderId", ReadOnly: true},
	{Graph: "displayName", EWS: "folder:DisplayName"},
	{Graph: "totalItemCount", Kind: odata.KindInt, EWS: "folder:TotalCount", ReadOnly: true},
	{Graph: "childFolderCount", Kind: odata.KindInt, EWS: "folder:ChildFolderCount", ReadOnly: true},
	// EWS's SearchParameters hold the restriction (filterQuery), the
	// traversal (includeNestedFolders) and the BaseFolderIds
	// (sourceFolderIds).
	{Graph: "filterQuery", EWS: "folder:SearchParameters"},
	{Graph: "unreadItemCount", Kind: odata.KindInt, EWS: "folder:UnreadCount", ReadOnly: true},
	{Graph: "wellKnownName", EWS: "folder:DistinguishedFolderId", ReadOnly: true},
	{Graph: "includeNestedFolders", Kind: odata.KindBool},
	{Graph: "sourceFolderIds", Collection: true},
	{Graph: "isSupported", Kind: odata.KindBool, ReadOnly: true},
	// EWS has the PidTagAttributeHidden extended property.
	{Graph: "isHidden", Kind: odata.KindBool},
}}

// uploadSessionSchema maps UploadSession (Graph only).
var uploadSessionSchema = &odata.Schema{Name: "uploadSession", Props: []odata.Prop{
	{Graph: "uploadUrl", ReadOnly: true},
	{Graph: "expirationDateTime", Kind: odata.KindTime, ReadOnly: true},
	{Graph: "nextExpectedRanges", Collection: true, ReadOnly: true},
}}

// Mailbox settings. EWS reads them through GetUserOofSettings (automatic
// replies), GetUserConfiguration and the mailbox's regional settings, not
// through FieldURIs.
var (
	automaticRepliesSettingSchema = &odata.Schema{Name: "automaticRepliesSetting", Props: []odata.Prop{
		{Graph: "status", Kind: odata.KindEnum, Enum: automaticRepliesStatusEnum},
		{Graph: "externalAudience", Kind: odata.KindEnum, Enum: externalAudienceEnum},
		{Graph: "internalReplyMessage"},
		{Graph: "externalReplyMessage"},
		{Graph: "scheduledStartDateTime", Kind: odata.KindObject, Elem: dateTimeSchema},
		{Graph: "scheduledEndDateTime", Kind: odata.KindObject, Elem: dateTimeSchema},
	}}
	localeInfoSchema = &odata.Schema{Name: "localeInfo", Props: []odata.Prop{
		{Graph: "locale"},
		{Graph: "displayName", ReadOnly: true},
	}}
	// A custom zone's offsets (customTimeZone) follow the default rules.
	timeZoneBaseSchema = &odata.Schema{Name: "timeZoneBase", Props: []odata.Prop{
		{Graph: "name"},
	}}
	workingHoursSchema = &odata.Schema{Name: "workingHours", Props: []odata.Prop{
		{Graph: "daysOfWeek", Collection: true},
		{Graph: "startTime"},
		{Graph: "endTime"},
		{Graph: "timeZone", Kind: odata.KindObject, Elem: timeZoneBaseSchema},
	}}
	mailboxSettingsSchema = &odata.Schema{Name: "mailboxSettings", Props: []odata.Prop{
		{Graph: "automaticRepliesSetting", Kind: odata.KindObject, Elem: automaticRepliesSettingSchema},
		{Graph: "timeZone"},
		{Graph: "language", Kind: odata.KindObject, Elem: localeInfoSchema},
		{Graph: "workingHours", Kind: odata.KindObject, Elem: workingHoursSchema},
		{Graph: "dateFormat"},
		{Graph: "timeFormat"},
		{Graph: "delegateMeetingMessageDeliveryOptions", Kind: odata.KindEnum, Enum: delegateDeliveryEnum},
		{Graph: "archiveFolder", ReadOnly: true},
		{Graph: "userPurpose", Kind: odata.KindEnum, Enum: userPurposeEnum, ReadOnly: true},
	}}
)

// Focused Inbox overrides and Inbox rules have no EWS FieldURIs: EWS has
// no overrides, and manages rules with GetInboxRules and UpdateInboxRules.
var (
	overrideSchema = &odata.Schema{Name: "inferenceClassificationOverride", Props: []odata.Prop{
		{Graph: "id", ReadOnly: true},
		{Graph: "classifyAs", Kind: odata.KindEnum, Enum: classificationEnum},
		{Graph: "senderEmailAddress", Kind: odata.KindObject, Elem: emailAddressSchema},
	}}
	sizeRangeSchema = &odata.Schema{Name: "sizeRange", Props: []odata.Prop{
		{Graph: "minimumSize", Kind: odata.KindInt},
		{Graph: "maximumSize", Kind: odata.KindInt},
	}}
	rulePredicatesSchema = &odata.Schema{Name: "messageRulePredicates", Props: []odata.Prop{
		{Graph: "bodyContains", Collection: true},
		{Graph: "bodyOrSubjectContains", Collection: true},
		{Graph: "categories", Collection: true},
		{Graph: "fromAddresses", Collection: true, Kind: odata.KindObject, Elem: recipientSchema},
		{Graph: "hasAttachments", Kind: odata.KindBool},
		{Graph: "headerContains", Collection: true},
		{Graph: "importance", Kind: odata.KindEnum, Enum: importanceEnum},
		{Graph: "isApprovalRequest", Kind: odata.KindBool},
		{Graph: "isAutomaticForward", Kind: odata.KindBool},
		{Graph: "isAutomaticReply", Kind: odata.KindBool},
		{Graph: "isEncrypted", Kind: odata.KindBool},
		{Graph: "isMeetingRequest", Kind: odata.KindBool},
		{Graph: "isMeetingResponse", Kind: odata.KindBool},
		{Graph: "isNonDeliveryReport", Kind: odata.KindBool},
		{Graph: "isPermissionControlled", Kind: odata.KindBool},
		{Graph: "isReadReceipt", Kind: odata.KindBool},
		{Graph: "isSigned", Kind: odata.KindBool},
		{Graph: "isVoicemail", Kind: odata.KindBool},
		{Graph: "messageActionFlag", Kind: odata.KindEnum, Enum: messageActionFlagEnum},
		{Graph: "notSentToMe", Kind: odata.KindBool},
		{Graph: "recipientContains", Collection: true},
		{Graph: "senderContains", Collection: true},
		{Graph: "sensitivity", Kind: odata.KindEnum, Enum: sensitivityEnum},
		{Graph: "sentCcMe", Kind: odata.KindBool},
		{Graph: "sentOnlyToMe", Kind: odata.KindBool},
		{Graph: "sentToAddresses", Collection: true, Kind: odata.KindObject, Elem: recipientSchema},
		{Graph: "sentToMe", Kind: odata.KindBool},
		{Graph: "sentToOrCcMe", Kind: odata.KindBool},
		{Graph: "subjectContains", Collection: true},
		{Graph: "withinSizeRange", Kind: odata.KindObject, Elem: sizeRangeSchema},
	}}
	ruleActionsSchema = &odata.Schema{Name: "messageRuleActions", Props: []odata.Prop{
		{Graph: "assignCategories", Collection: true},
		{Graph: "copyToFolder"},
		{Graph: "delete", Kind: odata.KindBool},
		{Graph: "forwardAsAttachmentTo", Collection: true, Kind: odata.KindObject, Elem: recipientSchema},
		{Graph: "forwardTo", Collection: true, Kind: odata.KindObject, Elem: recipientSchema},
		{Graph: "markAsRead", Kind: odata.KindBool},
		{Graph: "markImportance", Kind: odata.KindEnum, Enum: importanceEnum},
		{Graph: "moveToFolder"},
		{Graph: "permanentDelete", Kind: odata.KindBool},
		{Graph: "redirectTo", Collection: true, Kind: odata.KindObject, Elem: recipientSchema},
		{Graph: "stopProcessingRules", Kind: odata.KindBool},
	}}
	messageRuleSchema = &odata.Schema{Name: "messageRule", Props: []odata.Prop{
		{Graph: "id", ReadOnly: true},
		{Graph: "displayName"},
		{Graph: "sequence", Kind: odata.KindInt},
		{Graph: "isEnabled", Kind: odata.KindBool},
		{Graph: "hasError", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "isReadOnly", Kind: odata.KindBool, ReadOnly: true},
		{Graph: "conditions", Kind: odata.KindObject, Elem: rulePredicatesSchema},
		{Graph: "exceptions", Kind: odata.KindObject, Elem: rulePredicatesSchema},
		{Graph: "actions", Kind: odata.KindObject, Elem: ruleActionsSchema},
	}}
)

// The bodies of actions. Their parameters are spelled as Graph's
// documentation writes them (the CSDL capitalises them: Message,
// SaveToSentItems, DestinationId); EWS's operations (SendItem, CreateItem
// with a ReplyToItem, MoveItem) take them as elements, not FieldURIs.
var (
	destinationSchema = &odata.Schema{Name: "move", Props: []odata.Prop{
		{Graph: "destinationId"},
	}}
	sendMailSchema = &odata.Schema{Name: "sendMail", Props: []odata.Prop{
		{Graph: "message", Kind: odata.KindObject, Elem: messageSchema},
		{Graph: "saveToSentItems", Kind: odata.KindBool},
	}}
	replySchema = &odata.Schema{Name: "reply", Props: []odata.Prop{
		{Graph: "comment"},
		{Graph: "toRecipients", Collection: true, Kind: odata.KindObject, Elem: recipientSchema},
		{Graph: "message", Kind: odata.KindObject, Elem: messageSchema},
	}}
)

// WireSchema returns the wire mapping of a message.
func (Message) WireSchema() *odata.Schema { return messageSchema }

// WireSchema returns the wire mapping of a message, whose properties an
// update sets.
func (MessageUpdate) WireSchema() *odata.Schema { return messageSchema }

// WireSchema returns the wire mapping of a mail folder.
func (MailFolder) WireSchema() *odata.Schema { return mailFolderSchema }

// WireSchema returns the wire mapping of a mail folder, whose properties an
// update sets.
func (FolderUpdate) WireSchema() *odata.Schema { return mailFolderSchema }

// WireSchema returns the wire mapping of an attachment.
func (Attachment) WireSchema() *odata.Schema { return attachmentSchema }

// WireSchema returns the wire mapping of an upload session.
func (UploadSession) WireSchema() *odata.Schema { return uploadSessionSchema }

// WireSchema returns the wire mapping of mailbox settings.
func (MailboxSettings) WireSchema() *odata.Schema { return mailboxSettingsSchema }

// WireSchema returns the wire mapping of mailbox settings, whose
// properties an update sets.
func (MailboxSettingsUpdate) WireSchema() *odata.Schema { return mailboxSettingsSchema }

// WireSchema returns the wire mapping of automatic replies.
func (AutomaticRepliesSetting) WireSchema() *odata.Schema { return automaticRepliesSettingSchema }

// WireSchema returns the wire mapping of a locale.
func (LocaleInfo) WireSchema() *odata.Schema { return localeInfoSchema }

// WireSchema returns the wire mapping of working hours.
func (WorkingHours) WireSchema() *odata.Schema { return workingHoursSchema }

// WireSchema returns the wire mapping of a time zone.
func (TimeZoneBase) WireSchema() *odata.Schema { return timeZoneBaseSchema }

// WireSchema returns the wire mapping of a Focused Inbox override.
func (ClassificationOverride) WireSchema() *odata.Schema { return overrideSchema }

// WireSchema returns the wire mapping of an Inbox rule.
func (MessageRule) WireSchema() *odata.Schema { return messageRuleSchema }

// WireSchema returns the wire mapping of a rule's conditions.
func (MessageRulePredicates) WireSchema() *odata.Schema { return rulePredicatesSchema }

// WireSchema returns the wire mapping of a size range.
func (SizeRange) WireSchema() *odata.Schema { return sizeRangeSchema }

// WireSchema returns the wire mapping of a rule's actions.
func (MessageRuleActions) WireSchema() *odata.Schema { return ruleActionsSchema }

func (destination) WireSchema() *odata.Schema  { return destinationSchema }
func (sendMailBody) WireSchema() *odata.Schema { return sendMailSchema }
func (replyBody) WireSchema() *odata.Schema    { return replySchema }

// WireEnum returns the spelling of the classifications in each wire form.
func (Classification) WireEnum() *odata.EnumType { return classificationEnum }

// WireEnum returns the spelling of the meeting message types in each wire
// form.
func (MeetingMessageType) WireEnum() *odata.EnumType { return meetingMessageTypeEnum }

// WireEnum returns the spelling of the meeting request types in each wire
// form.
func (MeetingRequestType) WireEnum() *odata.EnumType { return meetingRequestTypeEnum }

// WireEnum returns the spelling of the automatic replies states in each
// wire form.
func (AutomaticRepliesStatus) WireEnum() *odata.EnumType { return automaticRepliesStatusEnum }

// WireEnum returns the spelling of the external audiences in each wire form.
func (ExternalAudience) WireEnum() *odata.EnumType { return externalAudienceEnum }

// WireEnum returns the spelling of the action flags in each wire form.
func (MessageActionFlag) WireEnum() *odata.EnumType { return messageActionFlagEnum }

// WireEnum returns the spelling of the delivery options in each wire form.
func (DelegateMeetingMessageDelivery) WireEnum() *odata.EnumType { return delegateDeliveryEnum }

// WireEnum returns the spelling of the mailbox purposes in each wire form.
func (UserPurpose) WireEnum() *odata.EnumType { return userPurposeEnum }
