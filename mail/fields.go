package mail

import (
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Message properties for queries ($filter, $orderby, $select, $expand), so
// that a misspelled property does not compile:
//
//	q := &odata.Query{
//		Filter:  mail.ReceivedDateTime.Ge(since).And(mail.IsRead.Eq(false)),
//		OrderBy: odata.Desc(mail.ReceivedDateTime),
//		Select:  odata.Fields(mail.Subject, mail.From),
//	}
var (
	ID                   = item.ID
	ChangeKey            = item.ChangeKey
	Categories           = item.Categories
	CreatedDateTime      = item.CreatedDateTime
	LastModifiedDateTime = item.LastModifiedDateTime

	Subject                    = odata.NewStringField("subject")
	Body                       = item.NewBodyFields("body")
	UniqueBody                 = item.NewBodyFields("uniqueBody")
	BodyPreview                = odata.NewStringField("bodyPreview")
	Importance                 = odata.NewEnumField[item.Importance]("importance")
	From                       = item.NewRecipientFields("from")
	Sender                     = item.NewRecipientFields("sender")
	ToRecipients               = odata.NewCollectionField("toRecipients", item.NewRecipientFields)
	CcRecipients               = odata.NewCollectionField("ccRecipients", item.NewRecipientFields)
	BccRecipients              = odata.NewCollectionField("bccRecipients", item.NewRecipientFields)
	ReplyTo                    = odata.NewCollectionField("replyTo", item.NewRecipientFields)
	ReceivedDateTime           = odata.NewTimeField("receivedDateTime")
	SentDateTime               = odata.NewTimeField("sentDateTime")
	HasAttachments             = odata.NewBoolField("hasAttachments")
	InternetMessageID          = odata.NewStringField("internetMessageId")
	InternetMessageHeaders     = odata.RawProperty("internetMessageHeaders")
	ParentFolderID             = odata.NewStringField("parentFolderId")
	ConversationID             = odata.NewStringField("conversationId")
	IsDeliveryReceiptRequested = odata.NewBoolField("isDeliveryReceiptRequested")
	IsReadReceiptRequested     = odata.NewBoolField("isReadReceiptRequested")
	IsRead                     = odata.NewBoolField("isRead")
	IsDraft                    = odata.NewBoolField("isDraft")
	WebLink                    = odata.NewStringField("webLink")
	InferenceClassification    = odata.NewEnumField[Classification]("inferenceClassification")
	Flag                       = item.NewFollowupFlagFields("flag")

	// Navigation properties, for $expand.
	Attachments                   = odata.RawProperty("attachments")
	Extensions                    = odata.RawProperty("extensions")
	SingleValueExtendedProperties = item.SingleValueExtendedProperties
	MultiValueExtendedProperties  = item.MultiValueExtendedProperties
)

// Mail folder properties for queries.
var (
	FolderDisplayName      = odata.NewStringField("displayName")
	FolderParentFolderID   = odata.NewStringField("parentFolderId")
	FolderChildFolderCount = odata.NewNumberField[int]("childFolderCount")
	FolderTotalItemCount   = odata.NewNumberField[int]("totalItemCount")
	FolderUnreadItemCount  = odata.NewNumberField[int]("unreadItemCount")
	FolderIsHidden         = odata.NewBoolField("isHidden")
)
