package mail

import (
	"fmt"
	"strings"
	"time"

	"encoding/json"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// graphTypePrefix starts every @odata.type value in Graph form; package
// odata respells it for Outlook REST v2.0.
const graphTypePrefix = "#microsoft.graph."

// typeName decodes an @odata.type value into the Graph type name without
// its namespace ("#microsoft.graph.eventMessage" gives "eventMessage").
// The '#' is optional, as Graph documentation examples leave it out at
// times. Values in another namespace are kept as sent.
func typeName(b []byte) string {
	s := string(b)
	for _, p := range []string{graphTypePrefix, "#Microsoft.OutlookServices.", "microsoft.graph.", "Microsoft.OutlookServices."} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			return lowerFirst(s[len(p):])
		}
	}
	if strings.HasPrefix(s, "#") {
		return s
	}
	return lowerFirst(s)
}

// lowerFirst lower-cases an ASCII first letter, as Graph spells type names.
func lowerFirst(s string) string {
	if s != "" && 'A' <= s[0] && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// typeValue encodes a Graph type name as an @odata.type value.
func typeValue(name string) []byte {
	if name == "" || strings.HasPrefix(name, "#") {
		return []byte(name)
	}
	return []byte(graphTypePrefix + name)
}

// MessageKind is the entity type of a message in a mailbox: an ordinary
// message or one of the meeting messages that carry event details. Lists
// mix them, so switch on it before reading the event-message fields.
type MessageKind string

// Message kinds, as Graph names the types.
const (
	KindMessage              MessageKind = "message"
	KindEventMessage         MessageKind = "eventMessage"
	KindEventMessageRequest  MessageKind = "eventMessageRequest"
	KindEventMessageResponse MessageKind = "eventMessageResponse"
)

// MarshalText writes the kind as an @odata.type value.
func (k MessageKind) MarshalText() ([]byte, error) { return typeValue(string(k)), nil }

// UnmarshalText reads an @odata.type value of either dialect.
func (k *MessageKind) UnmarshalText(b []byte) error { *k = MessageKind(typeName(b)); return nil }

// IsEventMessage reports whether the message carries meeting details
// (an invitation, a cancellation or a response).
func (k MessageKind) IsEventMessage() bool { return strings.HasPrefix(string(k), "eventMessage") }

// Message is an email message, or a meeting message (see Kind). Fields the
// server did not return (left out by a $select) stay zero.
//
// The same type serves reads and drafts: fields marked read-only are set by
// the server and ignored in create bodies; to change an existing message
// use [MessageUpdate], which sends only the properties it sets.
type Message struct {
	item.OutlookItem

	// Kind is the entity type; empty in bodies built from scratch.
	Kind MessageKind `json:"@odata.type,omitzero"`

	Subject string        `json:"subject,omitzero"`
	Body    item.ItemBody `json:"body,omitzero"`
	// BodyPreview is the first 255 characters of the body as text (read-only).
	BodyPreview string `json:"bodyPreview,omitzero"`
	// UniqueBody is the part of the body not quoted from earlier messages of
	// the conversation; returned only when selected (read-only).
	UniqueBody item.ItemBody   `json:"uniqueBody,omitzero"`
	Importance item.Importance `json:"importance,omitzero"`

	// From must be a mailbox the caller may send as; Sender differs from it
	// when a delegate sends on behalf of From.
	From          item.Recipient   `json:"from,omitzero"`
	Sender        item.Recipient   `json:"sender,omitzero"`
	ToRecipients  []item.Recipient `json:"toRecipients,omitzero"`
	CcRecipients  []item.Recipient `json:"ccRecipients,omitzero"`
	BccRecipients []item.Recipient `json:"bccRecipients,omitzero"`
	ReplyTo       []item.Recipient `json:"replyTo,omitzero"`

	// ReceivedDateTime and SentDateTime are instants in UTC (read-only).
	ReceivedDateTime time.Time `json:"receivedDateTime,omitzero"`
	SentDateTime     time.Time `json:"sentDateTime,omitzero"`

	// HasAttachments ignores inline attachments (read-only).
	HasAttachments bool `json:"hasAttachments,omitzero"`
	// InternetMessageID is the RFC 5322 Message-ID (Graph; absent from
	// on-premises servers).
	InternetMessageID string `json:"internetMessageId,omitzero"`
	// InternetMessageHeaders are returned only when selected, and only by
	// Graph. A draft may carry custom headers whose names start with "x-".
	InternetMessageHeaders []item.InternetMessageHeader `json:"internetMessageHeaders,omitzero"`

	ParentFolderID    string `json:"parentFolderId,omitzero"`
	ConversationID    string `json:"conversationId,omitzero"`
	ConversationIndex []byte `json:"conversationIndex,omitzero"`

	IsDeliveryReceiptRequested bool `json:"isDeliveryReceiptRequested,omitzero"`
	IsReadReceiptRequested     bool `json:"isReadReceiptRequested,omitzero"`
	IsRead                     bool `json:"isRead,omitzero"`
	// IsDraft is true until the message is sent (read-only).
	IsDraft bool `json:"isDraft,omitzero"`
	// WebLink opens the message in Outlook on the web (read-only).
	WebLink                 string            `json:"webLink,omitzero"`
	InferenceClassification Classification    `json:"inferenceClassification,omitzero"`
	Flag                    item.FollowupFlag `json:"flag,omitzero"`

	// Attachments are returned with $expand=attachments; a draft may carry
	// small file attachments (see MaxInlineAttachmentSize).
	Attachments []Attachment `json:"attachments,omitzero"`
	// Extensions are the open extensions, returned with $expand=extensions,
	// each as the JSON object the service sent (Graph names).
	Extensions                    []map[string]any                   `json:"extensions,omitzero"`
	SingleValueExtendedProperties []item.SingleValueExtendedProperty `json:"singleValueExtendedProperties,omitzero"`
	MultiValueExtendedProperties  []item.MultiValueExtendedProperty  `json:"multiValueExtendedProperties,omitzero"`

	// Event-message fields: set only when Kind.IsEventMessage(). On-premises
	// servers return MeetingMessageType only.
	MeetingMessageType MeetingMessageType    `json:"meetingMessageType,omitzero"`
	StartDateTime      item.DateTimeTimeZone `json:"startDateTime,omitzero"`
	EndDateTime        item.DateTimeTimeZone `json:"endDateTime,omitzero"`
	Location           item.Location         `json:"location,omitzero"`
	IsAllDay           bool                  `json:"isAllDay,omitzero"`
	IsDelegated        bool                  `json:"isDelegated,omitzero"`
	IsOutOfDate        bool                  `json:"isOutOfDate,omitzero"`
	// EventType is the event's type (singleInstance, occurrence, exception,
	// seriesMaster), as the service spells it.
	EventType string `json:"type,omitzero"`
	// Recurrence is the event's recurrence, in Graph form; decode it into a
	// calendar.PatternedRecurrence.
	Recurrence json.RawMessage `json:"recurrence,omitzero"`
	// Event is the meeting itself, returned with $expand=event, in Graph
	// form; decode it into a calendar.Event.
	Event json.RawMessage `json:"event,omitzero"`

	// Meeting-request fields (KindEventMessageRequest, Graph only).
	MeetingRequestType    MeetingRequestType    `json:"meetingRequestType,omitzero"`
	ResponseRequested     bool                  `json:"responseRequested,omitzero"`
	AllowNewTimeProposals bool                  `json:"allowNewTimeProposals,omitzero"`
	PreviousStartDateTime item.DateTimeTimeZone `json:"previousStartDateTime,omitzero"`
	PreviousEndDateTime   item.DateTimeTimeZone `json:"previousEndDateTime,omitzero"`
	PreviousLocation      item.Location         `json:"previousLocation,omitzero"`

	// Meeting-response fields (KindEventMessageResponse, Graph only).
	ResponseType    string         `json:"responseType,omitzero"`
	ProposedNewTime *item.TimeSlot `json:"proposedNewTime,omitzero"`

	// Extra holds the properties this type does not know (messages are an
	// open type), with Graph names, so that reading and writing back a
	// message loses nothing. Service annotations ("@odata.context") land here
	// too; the SDK leaves those out of the bodies it sends.
	Extra map[string]json.RawMessage `json:",embed"`
}

// MessageUpdate changes an existing message: only the fields set (with
// odata.Set or odata.Null) are sent. Properties other than IsRead,
// Categories, Importance, InferenceClassification, Flag and the receipt
// requests can be changed only while the message is a draft.
type MessageUpdate struct {
	Subject                       odata.Optional[string]                             `json:"subject,omitzero"`
	Body                          odata.Optional[item.ItemBody]                      `json:"body,omitzero"`
	Importance                    odata.Optional[item.Importance]                    `json:"importance,omitzero"`
	IsRead                        odata.Optional[bool]                               `json:"isRead,omitzero"`
	IsDeliveryReceiptRequested    odata.Optional[bool]                               `json:"isDeliveryReceiptRequested,omitzero"`
	IsReadReceiptRequested        odata.Optional[bool]                               `json:"isReadReceiptRequested,omitzero"`
	InferenceClassification       odata.Optional[Classification]                     `json:"inferenceClassification,omitzero"`
	Categories                    odata.Optional[[]string]                           `json:"categories,omitzero"`
	Flag                          odata.Optional[item.FollowupFlag]                  `json:"flag,omitzero"`
	From                          odata.Optional[item.Recipient]                     `json:"from,omitzero"`
	Sender                        odata.Optional[item.Recipient]                     `json:"sender,omitzero"`
	ToRecipients                  odata.Optional[[]item.Recipient]                   `json:"toRecipients,omitzero"`
	CcRecipients                  odata.Optional[[]item.Recipient]                   `json:"ccRecipients,omitzero"`
	BccRecipients                 odata.Optional[[]item.Recipient]                   `json:"bccRecipients,omitzero"`
	ReplyTo                       odata.Optional[[]item.Recipient]                   `json:"replyTo,omitzero"`
	InternetMessageID             odata.Optional[string]                             `json:"internetMessageId,omitzero"`
	SingleValueExtendedProperties odata.Optional[[]item.SingleValueExtendedProperty] `json:"singleValueExtendedProperties,omitzero"`

	// ETag, when set (from Message.ETag), makes the update conditional: it
	// fails with odata.ErrPreconditionFailed if the message changed since.
	ETag string `json:"-"`
}

// FolderID names a mail folder: an id the service returned or one of the
// well-known names below, which work in every mailbox whatever its language.
type FolderID string

// Well-known folders. Outlook REST v2.0 documents only Inbox, Drafts,
// SentItems and DeletedItems; the others follow the Exchange distinguished
// folder names, which on-premises servers probably accept too.
const (
	Inbox                     FolderID = "inbox"
	Drafts                    FolderID = "drafts"
	SentItems                 FolderID = "sentitems"
	DeletedItems              FolderID = "deleteditems"
	JunkEmail                 FolderID = "junkemail"
	Outbox                    FolderID = "outbox"
	Archive                   FolderID = "archive" // One-Click Archive, not the archive mailbox
	MsgFolderRoot             FolderID = "msgfolderroot"
	Clutter                   FolderID = "clutter"
	ConversationHistory       FolderID = "conversationhistory"
	RecoverableItemsDeletions FolderID = "recoverableitemsdeletions"
	Scheduled                 FolderID = "scheduled"
	SearchFolders             FolderID = "searchfolders"
	SyncIssues                FolderID = "syncissues"
	Conflicts                 FolderID = "conflicts"
	LocalFailures             FolderID = "localfailures"
	ServerFailures            FolderID = "serverfailures"
)

// MailFolder is a folder of messages. Search folders (Graph only) carry the
// search fields as well.
type MailFolder struct {
	ID   string `json:"id,omitzero"`
	ETag string `json:"@odata.etag,omitzero"`
	// Kind is "mailFolder" or "mailSearchFolder" when the service says.
	Kind           string `json:"@odata.type,omitzero"`
	DisplayName    string `json:"displayName,omitzero"`
	ParentFolderID string `json:"parentFolderId,omitzero"`
	// The counts are read-only. TotalItemCount counts every item, not only mail.
	ChildFolderCount int `json:"childFolderCount,omitzero"`
	TotalItemCount   int `json:"totalItemCount,omitzero"`
	UnreadItemCount  int `json:"unreadItemCount,omitzero"`
	// IsHidden can be set when the folder is created, not later (Graph only).
	IsHidden bool `json:"isHidden,omitzero"`
	// WellKnownName is returned by some servers only (not Graph v1.0).
	WellKnownName string `json:"wellKnownName,omitzero"`

	// Search-folder fields (Graph mailSearchFolder).
	FilterQuery          string   `json:"filterQuery,omitzero"`
	IncludeNestedFolders bool     `json:"includeNestedFolders,omitzero"`
	IsSupported          bool     `json:"isSupported,omitzero"`
	SourceFolderIDs      []string `json:"sourceFolderIds,omitzero"`

	// Extra holds properties this type does not know, with Graph names.
	Extra map[string]json.RawMessage `json:",embed"`
}

// FolderUpdate changes a folder: only the fields set are sent.
type FolderUpdate struct {
	DisplayName odata.Optional[string] `json:"displayName,omitzero"`
	// ETag makes the update conditional, as MessageUpdate.ETag does.
	ETag string `json:"-"`
}

// AttachmentKind is the type of an attachment.
type AttachmentKind string

// Attachment kinds, as Graph names the types.
const (
	// FileAttachment holds a file in ContentBytes.
	FileAttachment AttachmentKind = "fileAttachment"
	// ItemAttachment holds a message, event or contact in Item.
	ItemAttachment AttachmentKind = "itemAttachment"
	// ReferenceAttachment links to a file stored elsewhere (read-only).
	ReferenceAttachment AttachmentKind = "referenceAttachment"
)

// MarshalText writes the kind as an @odata.type value.
func (k AttachmentKind) MarshalText() ([]byte, error) { return typeValue(string(k)), nil }

// UnmarshalText reads an @odata.type value of either dialect.
func (k *AttachmentKind) UnmarshalText(b []byte) error { *k = AttachmentKind(typeName(b)); return nil }

// Attachment is a file, an Outlook item or a reference attached to a
// message. Attachments cannot be changed: delete and add again.
type Attachment struct {
	// Kind is required when adding; AddAttachment defaults it to FileAttachment.
	Kind        AttachmentKind `json:"@odata.type,omitzero"`
	ID          string         `json:"id,omitzero"`
	Name        string         `json:"name,omitzero"`
	ContentType string         `json:"contentType,omitzero"`
	// Size is in bytes (read-only).
	Size                 int64     `json:"size,omitzero"`
	IsInline             bool      `json:"isInline,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`

	// ContentBytes is the file (FileAttachment); base64 on the wire.
	ContentBytes []byte `json:"contentBytes,omitzero"`
	// ContentID is what an HTML body's "cid:" URL names, for inline images.
	ContentID       string `json:"contentId,omitzero"`
	ContentLocation string `json:"contentLocation,omitzero"`

	// Item is the attached message, event or contact (ItemAttachment) as sent,
	// returned only with $expand of the item; see [Attachment.Message].
	Item json.RawMessage `json:"item,omitzero"`

	// Extra holds properties this type does not know, with Graph names.
	Extra map[string]json.RawMessage `json:",embed"`
}

// UploadSession is a large-attachment upload in progress (Graph only). The
// upload URL carries its own credential: never log it.
type UploadSession struct {
	UploadURL          string    `json:"uploadUrl"`
	ExpirationDateTime time.Time `json:"expirationDateTime,omitzero"`
	// NextExpectedRanges are the byte ranges the service still wants, such
	// as "0-" or "2097152".
	NextExpectedRanges []string `json:"nextExpectedRanges,omitzero"`
}

// MailboxSettings are the mailbox's settings. On-premises servers return
// AutomaticRepliesSetting, TimeZone and Language only.
type MailboxSettings struct {
	AutomaticRepliesSetting AutomaticRepliesSetting `json:"automaticRepliesSetting,omitzero"`
	// TimeZone is a Windows or IANA zone name.
	TimeZone                              string                         `json:"timeZone,omitzero"`
	Language                              LocaleInfo                     `json:"language,omitzero"`
	WorkingHours                          WorkingHours                   `json:"workingHours,omitzero"`
	DateFormat                            string                         `json:"dateFormat,omitzero"`
	TimeFormat                            string                         `json:"timeFormat,omitzero"`
	DelegateMeetingMessageDeliveryOptions DelegateMeetingMessageDelivery `json:"delegateMeetingMessageDeliveryOptions,omitzero"`
	// ArchiveFolder and UserPurpose are read-only.
	ArchiveFolder string      `json:"archiveFolder,omitzero"`
	UserPurpose   UserPurpose `json:"userPurpose,omitzero"`

	// Extra holds properties this type does not know, with Graph names.
	Extra map[string]json.RawMessage `json:",embed"`
}

// MailboxSettingsUpdate changes settings: only the fields set are sent.
type MailboxSettingsUpdate struct {
	AutomaticRepliesSetting               odata.Optional[AutomaticRepliesSetting]        `json:"automaticRepliesSetting,omitzero"`
	TimeZone                              odata.Optional[string]                         `json:"timeZone,omitzero"`
	Language                              odata.Optional[LocaleInfo]                     `json:"language,omitzero"`
	WorkingHours                          odata.Optional[WorkingHours]                   `json:"workingHours,omitzero"`
	DateFormat                            odata.Optional[string]                         `json:"dateFormat,omitzero"`
	TimeFormat                            odata.Optional[string]                         `json:"timeFormat,omitzero"`
	DelegateMeetingMessageDeliveryOptions odata.Optional[DelegateMeetingMessageDelivery] `json:"delegateMeetingMessageDeliveryOptions,omitzero"`
}

// AutomaticRepliesSetting is the out-of-office configuration.
type AutomaticRepliesSetting struct {
	Status           AutomaticRepliesStatus `json:"status,omitzero"`
	ExternalAudience ExternalAudience       `json:"externalAudience,omitzero"`
	// The reply messages may hold HTML.
	InternalReplyMessage string `json:"internalReplyMessage,omitzero"`
	ExternalReplyMessage string `json:"externalReplyMessage,omitzero"`
	// The schedule applies when Status is AutomaticRepliesScheduled.
	ScheduledStartDateTime item.DateTimeTimeZone `json:"scheduledStartDateTime,omitzero"`
	ScheduledEndDateTime   item.DateTimeTimeZone `json:"scheduledEndDateTime,omitzero"`
}

// LocaleInfo is a language and region, such as "en-US".
type LocaleInfo struct {
	Locale      string `json:"locale,omitzero"`
	DisplayName string `json:"displayName,omitzero"`
}

// WorkingHours are the days and hours the mailbox owner works.
type WorkingHours struct {
	// DaysOfWeek are lower-case English day names ("monday").
	DaysOfWeek []string `json:"daysOfWeek,omitzero"`
	// StartTime and EndTime are wall clocks such as "08:00:00.0000000".
	StartTime string       `json:"startTime,omitzero"`
	EndTime   string       `json:"endTime,omitzero"`
	TimeZone  TimeZoneBase `json:"timeZone,omitzero"`
}

// TimeZoneBase names a time zone (Graph timeZoneBase); a custom zone's
// offsets are kept in Extra.
type TimeZoneBase struct {
	Name  string                     `json:"name,omitzero"`
	Extra map[string]json.RawMessage `json:",embed"`
}

// ClassificationOverride makes every message from one sender land in the
// Focused or the Other tab.
type ClassificationOverride struct {
	ID         string         `json:"id,omitzero"`
	ClassifyAs Classification `json:"classifyAs,omitzero"`
	// SenderEmailAddress is set when the override is created.
	SenderEmailAddress item.EmailAddress `json:"senderEmailAddress,omitzero"`

	// Extra holds properties this type does not know, with Graph names.
	Extra map[string]json.RawMessage `json:",embed"`
}

// MessageRule is an Inbox rule (Graph and EWS; see Service.ListRules).
type MessageRule struct {
	ID          string `json:"id,omitzero"`
	DisplayName string `json:"displayName,omitzero"`
	// Sequence orders the rules; lower runs first.
	Sequence int `json:"sequence,omitzero"`
	// IsEnabled is always sent, so a rule created from a zero value is off.
	IsEnabled bool `json:"isEnabled"`
	// HasError and IsReadOnly are read-only.
	HasError   bool                  `json:"hasError,omitzero"`
	IsReadOnly bool                  `json:"isReadOnly,omitzero"`
	Conditions MessageRulePredicates `json:"conditions,omitzero"`
	Exceptions MessageRulePredicates `json:"exceptions,omitzero"`
	Actions    MessageRuleActions    `json:"actions,omitzero"`

	// Extra holds properties this type does not know, with Graph names.
	Extra map[string]json.RawMessage `json:",embed"`
}

// MessageRulePredicates are the conditions (or exceptions) of a rule; all
// set fields must hold.
type MessageRulePredicates struct {
	BodyContains           []string          `json:"bodyContains,omitzero"`
	BodyOrSubjectContains  []string          `json:"bodyOrSubjectContains,omitzero"`
	Categories             []string          `json:"categories,omitzero"`
	FromAddresses          []item.Recipient  `json:"fromAddresses,omitzero"`
	HasAttachments         bool              `json:"hasAttachments,omitzero"`
	HeaderContains         []string          `json:"headerContains,omitzero"`
	Importance             item.Importance   `json:"importance,omitzero"`
	IsApprovalRequest      bool              `json:"isApprovalRequest,omitzero"`
	IsAutomaticForward     bool              `json:"isAutomaticForward,omitzero"`
	IsAutomaticReply       bool              `json:"isAutomaticReply,omitzero"`
	IsEncrypted            bool              `json:"isEncrypted,omitzero"`
	IsMeetingRequest       bool              `json:"isMeetingRequest,omitzero"`
	IsMeetingResponse      bool              `json:"isMeetingResponse,omitzero"`
	IsNonDeliveryReport    bool              `json:"isNonDeliveryReport,omitzero"`
	IsPermissionControlled bool              `json:"isPermissionControlled,omitzero"`
	IsReadReceipt          bool              `json:"isReadReceipt,omitzero"`
	IsSigned               bool              `json:"isSigned,omitzero"`
	IsVoicemail            bool              `json:"isVoicemail,omitzero"`
	MessageActionFlag      MessageActionFlag `json:"messageActionFlag,omitzero"`
	NotSentToMe            bool              `json:"notSentToMe,omitzero"`
	RecipientContains      []string          `json:"recipientContains,omitzero"`
	SenderContains         []string          `json:"senderContains,omitzero"`
	Sensitivity            item.Sensitivity  `json:"sensitivity,omitzero"`
	SentCcMe               bool              `json:"sentCcMe,omitzero"`
	SentOnlyToMe           bool              `json:"sentOnlyToMe,omitzero"`
	SentToAddresses        []item.Recipient  `json:"sentToAddresses,omitzero"`
	SentToMe               bool              `json:"sentToMe,omitzero"`
	SentToOrCcMe           bool              `json:"sentToOrCcMe,omitzero"`
	SubjectContains        []string          `json:"subjectContains,omitzero"`
	WithinSizeRange        *SizeRange        `json:"withinSizeRange,omitzero"`
}

// SizeRange bounds a message's size in kilobytes.
type SizeRange struct {
	MinimumSize int `json:"minimumSize"`
	MaximumSize int `json:"maximumSize"`
}

// MessageRuleActions are what a rule does to the messages it matches.
type MessageRuleActions struct {
	AssignCategories      []string         `json:"assignCategories,omitzero"`
	CopyToFolder          string           `json:"copyToFolder,omitzero"`
	Delete                bool             `json:"delete,omitzero"`
	ForwardAsAttachmentTo []item.Recipient `json:"forwardAsAttachmentTo,omitzero"`
	ForwardTo             []item.Recipient `json:"forwardTo,omitzero"`
	MarkAsRead            bool             `json:"markAsRead,omitzero"`
	MarkImportance        item.Importance  `json:"markImportance,omitzero"`
	MoveToFolder          string           `json:"moveToFolder,omitzero"`
	PermanentDelete       bool             `json:"permanentDelete,omitzero"`
	RedirectTo            []item.Recipient `json:"redirectTo,omitzero"`
	StopProcessingRules   bool             `json:"stopProcessingRules,omitzero"`
}

// Message decodes the attached item of an ItemAttachment as a message. It
// fails when the attachment holds no item (it was not expanded) or the
// item is not a message (an event or a contact: decode Item with the
// calendar or contacts types instead).
func (a *Attachment) Message() (*Message, error) {
	if len(a.Item) == 0 {
		return nil, fmt.Errorf("mail: attachment %q carries no item (expand it with $expand=microsoft.graph.itemAttachment/item)", a.Name)
	}
	var m Message
	if err := jsonv2.Unmarshal(a.Item, &m, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		return nil, fmt.Errorf("mail: attachment %q: decoding its item: %w", a.Name, err)
	}
	if m.Kind != "" && m.Kind != KindMessage && !m.Kind.IsEventMessage() {
		return nil, fmt.Errorf("mail: attachment %q holds a %s, not a message", a.Name, m.Kind)
	}
	return &m, nil
}
