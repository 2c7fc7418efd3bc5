package ews

// The properties of a message as EWS shows them, in the order of the
// schema's ItemType and MessageType sequences, each tied to the store's
// Graph-form property: how it is written in an answer, read from a
// request (CreateItem, UpdateItem), compared in a restriction, and which
// response shapes hold it. Properties the store has no value for are not
// written, as EWS leaves out properties an item does not have.

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/mimemsg"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// itemCtx is one message being written in an answer.
type itemCtx struct {
	c    *call
	m    *store.Mailbox
	e    *store.Entity
	o    Object // e's object: the store's own, read only
	find bool   // a FindItem or SyncFolderItems answer, which holds summaries
	body string // the BodyType the request asked for: Best, HTML or Text
}

// setCtx is one message being written by a request: the Graph-form
// properties it sets, and what the store keeps beside them.
type setCtx struct {
	c      *call
	m      *store.Mailbox
	e      *store.Entity // nil on create
	patch  Object
	atts   []Object // attachments of a new message
	memos  map[memoKey]string
	create bool
	pend   *calPending // a calendar item's times, zones and attendees
	// contact says the item is a contact (on create, where e is nil).
	contact bool
}

// memoKey names what the EWS front end keeps with an entity that the
// store's Graph form has no property for (ItemClass, Sensitivity,
// FolderClass).
type memoKey string

func memo(e *store.Entity, k memoKey) string {
	if e == nil {
		return ""
	}
	v, _ := e.Memo(k).(string)
	return v
}

// prop is one property of messages.
type prop struct {
	uri  string // the FieldURI, "item:Subject"
	name string // its element
	// find: FindItem and SyncFolderItems can return it; def and all: the
	// Default and AllProperties shapes hold it.
	find, def, all bool
	// notSummary leaves the property out of the AllProperties shape of
	// FindItem and SyncFolderItems, as Exchange's answers do (a captured
	// SyncFolderItems answer has no ReceivedBy, reminder or receipt
	// request).
	notSummary bool
	write      func(x *itemCtx, w *writer)
	value      func(x *itemCtx) any // for restrictions and sorting: string, bool, float64, time.Time, []string
	set        func(x *setCtx, e *elem) *respErr
	del        func(x *setCtx) *respErr
	appendable bool // AppendToItemField takes it
	afterSend  bool // refused once the message was sent
}

var messageProps []*prop
var messageByURI = map[string]*prop{}
var messageByElem = map[string]*prop{}

// messageOrder is the MessageType sequence of the schema, for checking
// the order of elements in requests; it includes elements the fake does
// not keep.
var messageOrder = strings.Fields(`MimeContent ItemId ParentFolderId ItemClass Subject Sensitivity Body Attachments
DateTimeReceived Size Categories Importance InReplyTo IsSubmitted IsDraft IsFromMe IsResend IsUnmodified
InternetMessageHeaders DateTimeSent DateTimeCreated ResponseObjects ReminderDueBy ReminderIsSet ReminderNextTime
ReminderMinutesBeforeStart DisplayCc DisplayTo DisplayBcc HasAttachments ExtendedProperty Culture EffectiveRights
LastModifiedName LastModifiedTime IsAssociated WebClientReadFormQueryString WebClientEditFormQueryString
ConversationId UniqueBody Flag StoreEntryId InstanceKey NormalizedBody EntityExtractionResult PolicyTag ArchiveTag
RetentionDate Preview RightsManagementLicenseData PredictedActionReasons IsClutter BlockStatus HasBlockedImages
TextBody IconIndex SearchKey SortKey Hashtags Mentions MentionedMe MentionsPreview MentionsEx AppliedHashtags
AppliedHashtagsPreview Likes LikesPreview PendingSocialActivityTagIds AtAllMention CanDelete InferenceClassification
Sender ToRecipients CcRecipients BccRecipients IsReadReceiptRequested IsDeliveryReceiptRequested ConversationIndex
ConversationTopic From InternetMessageId IsRead IsResponseRequested References ReplyTo ReceivedBy
ReceivedRepresenting ApprovalRequestData VotingInformation ReminderMessageData MessageSafety SenderSMTPAddress
MailboxGuids MailboxGuid PublishedCalendarItemIcs PublishedCalendarItemName`)

var messageIndex = func() map[string]int {
	m := map[string]int{}
	for i, n := range messageOrder {
		m[n] = i
	}
	return m
}()

func init() {
	str := func(graph string) func(x *itemCtx) any {
		return func(x *itemCtx) any {
			if s, ok := x.o[graph].(string); ok {
				return s
			}
			return nil
		}
	}
	boolv := func(graph string) func(x *itemCtx) any {
		return func(x *itemCtx) any {
			if b, ok := x.o[graph].(bool); ok {
				return b
			}
			return nil
		}
	}
	timev := func(graph string) func(x *itemCtx) any {
		return func(x *itemCtx) any {
			if t, ok := instant(x.o[graph]); ok {
				return t
			}
			return nil
		}
	}
	leafOf := func(name string, v func(x *itemCtx) any) func(x *itemCtx, w *writer) {
		return func(x *itemCtx, w *writer) {
			switch v := v(x).(type) {
			case string:
				w.leaf("t:"+name, v)
			case bool:
				w.leaf("t:"+name, boolText(v))
			case float64:
				w.leaf("t:"+name, strconv.FormatInt(int64(v), 10))
			case time.Time:
				w.leaf("t:"+name, v.UTC().Format("2006-01-02T15:04:05Z"))
			}
		}
	}
	setString := func(graph string) func(x *setCtx, e *elem) *respErr {
		return func(x *setCtx, e *elem) *respErr { x.patch[graph] = e.text; return nil }
	}
	setBool := func(graph string) func(x *setCtx, e *elem) *respErr {
		return func(x *setCtx, e *elem) *respErr {
			b, err := parseBool(e.text)
			if err != nil {
				return errf("ErrorInvalidValueForProperty", err.Error())
			}
			x.patch[graph] = b
			return nil
		}
	}
	recipients := func(graph string) func(x *setCtx, e *elem) *respErr {
		return func(x *setCtx, e *elem) *respErr {
			rs, err := recipientsOf(e)
			if err != nil {
				return errf("ErrorInvalidRecipients", err.Error())
			}
			x.patch[graph] = rs
			return nil
		}
	}
	single := func(graph string) func(x *setCtx, e *elem) *respErr {
		return func(x *setCtx, e *elem) *respErr {
			r, err := mailboxOf(e.t("Mailbox"))
			if err != nil {
				return errf("ErrorInvalidRecipients", err.Error())
			}
			x.patch[graph] = r
			return nil
		}
	}
	clear := func(graph string, v any) func(x *setCtx) *respErr {
		return func(x *setCtx) *respErr { x.patch[graph] = v; return nil }
	}
	mailboxValue := func(graph string) func(x *itemCtx) any {
		return func(x *itemCtx) any {
			name, addr := recipientAddress(x.o[graph])
			if addr == "" && name == "" {
				return nil
			}
			return []string{addr, name}
		}
	}

	props := []*prop{
		{uri: "item:MimeContent", name: "MimeContent",
			write: func(x *itemCtx, w *writer) {
				msg := x.m.View(x.e)
				var atts []Object
				for _, a := range x.m.List("attachments", func(a *store.Entity) bool { return a.Parent() == x.e.ID() }) {
					atts = append(atts, x.m.View(a))
				}
				w.leaf("t:MimeContent", base64.StdEncoding.EncodeToString(mimemsg.Build(msg, atts)), "CharacterSet", "UTF-8")
			},
			set: setMime},
		{uri: "item:ItemId", name: "ItemId", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) { w.empty("t:ItemId", "Id", ewsID(x.e.ID()), "ChangeKey", changeKey(x.e)) },
			value: func(x *itemCtx) any { return ewsID(x.e.ID()) }},
		{uri: "item:ParentFolderId", name: "ParentFolderId", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				f := x.m.Lookup("mailFolders", x.e.Parent())
				ck := ""
				if f != nil {
					ck = changeKey(f)
				}
				w.empty("t:ParentFolderId", "Id", ewsID(x.e.Parent()), "ChangeKey", ck)
			},
			value: func(x *itemCtx) any { return ewsID(x.e.Parent()) }},
		{uri: "item:ItemClass", name: "ItemClass", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:ItemClass", itemClass(x.e)) },
			value: func(x *itemCtx) any { return itemClass(x.e) },
			set: func(x *setCtx, e *elem) *respErr {
				// Exchange keeps any class; items of classes EWS has no
				// element for come back as Message.
				if c := strings.TrimSpace(e.text); c != "" {
					x.memos["itemClass"] = c
				}
				return nil
			}},
		{uri: "item:Subject", name: "Subject", find: true, def: true, all: true,
			write: leafOf("Subject", str("subject")), value: str("subject"), set: setString("subject"), del: clear("subject", "")},
		{uri: "item:Sensitivity", name: "Sensitivity", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:Sensitivity", sensitivity(x.e)) },
			value: func(x *itemCtx) any { return sensitivity(x.e) },
			set: func(x *setCtx, e *elem) *respErr {
				switch v := e.value(); v {
				case "Normal", "Personal", "Private", "Confidential":
					x.memos["sensitivity"] = v
					return nil
				}
				return errf("ErrorInvalidValueForProperty", "The value '"+e.value()+"' is not a Sensitivity.")
			}},
		{uri: "item:Body", name: "Body", def: true, all: true, appendable: true,
			write: writeBody("Body", "body"),
			value: func(x *itemCtx) any {
				b, _ := x.o["body"].(map[string]any)
				s, _ := b["content"].(string)
				return s
			},
			set: setBody, del: clear("body", Object{"contentType": "text", "content": ""})},
		{uri: "item:Attachments", name: "Attachments", all: true, write: writeAttachmentList},
		{uri: "item:DateTimeReceived", name: "DateTimeReceived", find: true, all: true,
			write: leafOf("DateTimeReceived", timev("receivedDateTime")), value: timev("receivedDateTime")},
		{uri: "item:Size", name: "Size", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:Size", strconv.Itoa(itemSize(x))) },
			value: func(x *itemCtx) any { return float64(itemSize(x)) }},
		{uri: "item:Categories", name: "Categories", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				cs, _ := x.o["categories"].([]any)
				if len(cs) == 0 {
					return
				}
				w.open("t:Categories")
				for _, c := range cs {
					s, _ := c.(string)
					w.leaf("t:String", s)
				}
				w.close("t:Categories")
			},
			value: func(x *itemCtx) any {
				cs, _ := x.o["categories"].([]any)
				var out []string
				for _, c := range cs {
					if s, ok := c.(string); ok {
						out = append(out, s)
					}
				}
				return out
			},
			set: func(x *setCtx, e *elem) *respErr {
				out := []any{}
				for _, k := range e.all(nsTypes, "String") {
					out = append(out, k.text)
				}
				x.patch["categories"] = out
				return nil
			},
			del: clear("categories", []any{})},
		{uri: "item:Importance", name: "Importance", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if v := importanceEnum.ews(x.o["importance"]); v != "" {
					w.leaf("t:Importance", v)
				}
			},
			value: func(x *itemCtx) any { return importanceEnum.ews(x.o["importance"]) },
			set: func(x *setCtx, e *elem) *respErr {
				g, ok := importanceEnum.graph(e.text)
				if !ok {
					return errf("ErrorInvalidValueForProperty", "The value '"+e.value()+"' is not an Importance.")
				}
				x.patch["importance"] = g
				return nil
			},
			del: clear("importance", "normal")},
		{uri: "item:IsSubmitted", name: "IsSubmitted", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:IsSubmitted", "false") }, value: func(*itemCtx) any { return false }},
		{uri: "item:IsDraft", name: "IsDraft", find: true, all: true,
			write: leafOf("IsDraft", boolv("isDraft")), value: boolv("isDraft")},
		{uri: "item:IsFromMe", name: "IsFromMe", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:IsFromMe", boolText(isFromMe(x))) },
			value: func(x *itemCtx) any { return isFromMe(x) }},
		{uri: "item:IsResend", name: "IsResend", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:IsResend", "false") }, value: func(*itemCtx) any { return false }},
		{uri: "item:IsUnmodified", name: "IsUnmodified", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:IsUnmodified", boolText(isUnmodified(x))) },
			value: func(x *itemCtx) any { return isUnmodified(x) }},
		{uri: "item:InternetMessageHeaders", name: "InternetMessageHeaders", all: true,
			write: func(x *itemCtx, w *writer) {
				hs, _ := x.o["internetMessageHeaders"].([]any)
				if len(hs) == 0 {
					return
				}
				w.open("t:InternetMessageHeaders")
				for _, h := range hs {
					ho, _ := h.(map[string]any)
					n, _ := ho["name"].(string)
					v, _ := ho["value"].(string)
					w.leaf("t:InternetMessageHeader", v, "HeaderName", n)
				}
				w.close("t:InternetMessageHeaders")
			}},
		{uri: "item:DateTimeSent", name: "DateTimeSent", find: true, def: true, all: true,
			write: leafOf("DateTimeSent", timev("sentDateTime")), value: timev("sentDateTime")},
		{uri: "item:DateTimeCreated", name: "DateTimeCreated", find: true, def: true, all: true,
			write: leafOf("DateTimeCreated", timev("createdDateTime")), value: timev("createdDateTime")},
		{uri: "item:ResponseObjects", name: "ResponseObjects", def: true, all: true, write: writeResponseObjects},
		{uri: "item:ReminderIsSet", name: "ReminderIsSet", notSummary: true, find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:ReminderIsSet", "false") }, value: func(*itemCtx) any { return false }},
		{uri: "item:ReminderMinutesBeforeStart", name: "ReminderMinutesBeforeStart", notSummary: true, find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:ReminderMinutesBeforeStart", "0") }, value: func(*itemCtx) any { return float64(0) }},
		{uri: "item:DisplayCc", name: "DisplayCc", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:DisplayCc", displayList(x.o["ccRecipients"])) },
			value: func(x *itemCtx) any { return displayList(x.o["ccRecipients"]) }},
		{uri: "item:DisplayTo", name: "DisplayTo", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:DisplayTo", displayList(x.o["toRecipients"])) },
			value: func(x *itemCtx) any { return displayList(x.o["toRecipients"]) }},
		{uri: "item:HasAttachments", name: "HasAttachments", find: true, def: true, all: true,
			write: leafOf("HasAttachments", boolv("hasAttachments")), value: boolv("hasAttachments")},
		{uri: "item:Culture", name: "Culture", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:Culture", "en-US") }, value: func(*itemCtx) any { return "en-US" }},
		{uri: "item:EffectiveRights", name: "EffectiveRights", find: true, all: true, write: writeItemRights},
		{uri: "item:LastModifiedName", name: "LastModifiedName", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:LastModifiedName", displayName(x.m.Address())) },
			value: func(x *itemCtx) any { return displayName(x.m.Address()) }},
		{uri: "item:LastModifiedTime", name: "LastModifiedTime", find: true, all: true,
			write: leafOf("LastModifiedTime", timev("lastModifiedDateTime")), value: timev("lastModifiedDateTime")},
		{uri: "item:IsAssociated", name: "IsAssociated", find: true, def: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:IsAssociated", "false") }, value: func(*itemCtx) any { return false }},
		{uri: "item:WebClientReadFormQueryString", name: "WebClientReadFormQueryString", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				// The item's EWS id, URL-encoded (ref/webclientreadformquerystring).
				w.leaf("t:WebClientReadFormQueryString", "?ItemID="+url.QueryEscape(ewsID(x.e.ID()))+"&exvsurl=1&viewmodel=ReadMessageItem")
			}},
		{uri: "item:WebClientEditFormQueryString", name: "WebClientEditFormQueryString", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if d, _ := x.o["isDraft"].(bool); d {
					w.leaf("t:WebClientEditFormQueryString", "?ItemID="+url.QueryEscape(ewsID(x.e.ID()))+"&exvsurl=1&viewmodel=ItemComposeViewModelFactory")
				}
			}},
		{uri: "item:ConversationId", name: "ConversationId", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if id, _ := x.o["conversationId"].(string); id != "" {
					w.empty("t:ConversationId", "Id", ewsID(id))
				}
			},
			value: func(x *itemCtx) any {
				if id, _ := x.o["conversationId"].(string); id != "" {
					return ewsID(id)
				}
				return nil
			}},
		{uri: "item:UniqueBody", name: "UniqueBody", write: writeBody("UniqueBody", "body")},
		{uri: "item:Flag", name: "Flag", find: true, write: writeFlag, value: func(x *itemCtx) any {
			f, _ := x.o["flag"].(map[string]any)
			return flagEnum.ews(f["flagStatus"])
		}, set: setFlag, del: clear("flag", Object{"flagStatus": "notFlagged"})},
		{uri: "item:Preview", name: "Preview", find: true,
			write: func(x *itemCtx, w *writer) {
				if p, _ := x.o["bodyPreview"].(string); p != "" {
					w.leaf("t:Preview", p)
				}
			},
			value: str("bodyPreview")},
		{uri: "item:TextBody", name: "TextBody", write: func(x *itemCtx, w *writer) {
			b, _ := x.o["body"].(map[string]any)
			s, _ := b["content"].(string)
			if b["contentType"] == "html" {
				s = store.HTMLToText(s)
			}
			w.leaf("t:TextBody", s, "BodyType", "Text", "IsTruncated", "false")
		}},
		{uri: "message:Sender", name: "Sender", find: true, all: true, afterSend: true,
			write: writeSingle("Sender", "sender"), value: mailboxValue("sender"), set: single("sender")},
		{uri: "message:ToRecipients", name: "ToRecipients", all: true, appendable: true, afterSend: true,
			write: writeRecipients("ToRecipients", "toRecipients"), set: recipients("toRecipients"), del: clear("toRecipients", []any{})},
		{uri: "message:CcRecipients", name: "CcRecipients", all: true, appendable: true, afterSend: true,
			write: writeRecipients("CcRecipients", "ccRecipients"), set: recipients("ccRecipients"), del: clear("ccRecipients", []any{})},
		{uri: "message:BccRecipients", name: "BccRecipients", all: true, appendable: true, afterSend: true,
			write: writeRecipients("BccRecipients", "bccRecipients"), set: recipients("bccRecipients"), del: clear("bccRecipients", []any{})},
		{uri: "message:IsReadReceiptRequested", name: "IsReadReceiptRequested", find: true, all: true,
			write: leafOf("IsReadReceiptRequested", boolv("isReadReceiptRequested")), value: boolv("isReadReceiptRequested"),
			set: setBool("isReadReceiptRequested"), del: clear("isReadReceiptRequested", false)},
		{uri: "message:IsDeliveryReceiptRequested", name: "IsDeliveryReceiptRequested", notSummary: true, find: true, def: true, all: true,
			write: leafOf("IsDeliveryReceiptRequested", boolv("isDeliveryReceiptRequested")), value: boolv("isDeliveryReceiptRequested"),
			set: setBool("isDeliveryReceiptRequested"), del: clear("isDeliveryReceiptRequested", false)},
		{uri: "message:ConversationIndex", name: "ConversationIndex", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:ConversationIndex", conversationIndex(x)) }},
		{uri: "message:ConversationTopic", name: "ConversationTopic", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:ConversationTopic", conversationTopic(x.o)) },
			value: func(x *itemCtx) any { return conversationTopic(x.o) }},
		{uri: "message:From", name: "From", find: true, def: true, all: true, afterSend: true,
			write: writeSingle("From", "from"), value: mailboxValue("from"), set: single("from")},
		{uri: "message:InternetMessageId", name: "InternetMessageId", find: true, all: true,
			write: leafOf("InternetMessageId", str("internetMessageId")), value: str("internetMessageId"),
			set: func(x *setCtx, e *elem) *respErr {
				if !x.create {
					return errf("ErrorInvalidPropertySet", "Set action is invalid for property.")
				}
				x.patch["internetMessageId"] = strings.TrimSpace(e.text)
				return nil
			}},
		{uri: "message:IsRead", name: "IsRead", find: true, all: true,
			write: leafOf("IsRead", boolv("isRead")), value: boolv("isRead"), set: setBool("isRead"), del: clear("isRead", false)},
		{uri: "message:IsResponseRequested", name: "IsResponseRequested", notSummary: true, find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:IsResponseRequested", "false") }, value: func(*itemCtx) any { return false }},
		{uri: "message:ReplyTo", name: "ReplyTo", all: true, appendable: true, afterSend: true,
			write: writeRecipients("ReplyTo", "replyTo"), set: recipients("replyTo"), del: clear("replyTo", []any{})},
		{uri: "message:ReceivedBy", name: "ReceivedBy", notSummary: true, find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if d, _ := x.o["isDraft"].(bool); !d {
					writeMailbox(x, w, "ReceivedBy", displayName(x.m.Address()), x.m.Address())
				}
			}},
		{uri: "message:ReceivedRepresenting", name: "ReceivedRepresenting", notSummary: true, find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if d, _ := x.o["isDraft"].(bool); !d {
					writeMailbox(x, w, "ReceivedRepresenting", displayName(x.m.Address()), x.m.Address())
				}
			}},
	}
	for _, p := range props {
		messageProps = append(messageProps, p)
		messageByURI[p.uri] = p
		messageByElem[p.name] = p
	}
}

func itemClass(e *store.Entity) string {
	if c := memo(e, "itemClass"); c != "" {
		return c
	}
	return "IPM.Note"
}

func sensitivity(e *store.Entity) string {
	if s := memo(e, "sensitivity"); s != "" {
		return s
	}
	return "Normal"
}

// itemSize approximates the store size of a message: its text, its
// attachments and a fixed overhead for the properties.
func itemSize(x *itemCtx) int {
	n := 1024
	if s, _ := x.o["subject"].(string); s != "" {
		n += len(s)
	}
	if b, _ := x.o["body"].(map[string]any); b != nil {
		s, _ := b["content"].(string)
		n += len(s)
	}
	for _, a := range x.m.List("attachments", func(a *store.Entity) bool { return a.Parent() == x.e.ID() }) {
		if sz, ok := a.Object()["size"].(float64); ok {
			n += int(sz)
		}
	}
	return n
}

func isFromMe(x *itemCtx) bool {
	_, from := recipientAddress(x.o["from"])
	if d, _ := x.o["isDraft"].(bool); d {
		return false
	}
	return strings.EqualFold(from, x.m.Address()) && x.e.Parent() != x.m.WellKnown("sentitems")
}

func isUnmodified(x *itemCtx) bool {
	d, _ := x.o["isDraft"].(bool)
	return !d && x.o["createdDateTime"] == x.o["lastModifiedDateTime"]
}

// displayList is the DisplayTo and DisplayCc summary: the recipients'
// names, separated by "; ".
func displayList(v any) string {
	rs, _ := v.([]any)
	var names []string
	for _, r := range rs {
		name, addr := recipientAddress(r)
		if name == "" {
			name = addr
		}
		names = append(names, name)
	}
	return strings.Join(names, "; ")
}

// displayName is the name the fake gives a mailbox's user: its address's
// local part.
func displayName(addr string) string {
	local, _, _ := strings.Cut(addr, "@")
	return local
}

func conversationTopic(o Object) string {
	s, _ := o["subject"].(string)
	for {
		t := strings.TrimSpace(s)
		u := strings.ToUpper(t)
		switch {
		case strings.HasPrefix(u, "RE:"), strings.HasPrefix(u, "FW:"):
			s = t[3:]
		case strings.HasPrefix(u, "FWD:"):
			s = t[4:]
		default:
			return t
		}
	}
}

// conversationIndex is a ConversationIndex header block derived from the
// conversation id: 22 bytes, as a message starting a conversation has.
func conversationIndex(x *itemCtx) string {
	id, _ := x.o["conversationId"].(string)
	sum := []byte(id)
	b := make([]byte, 22)
	b[0] = 1
	for i := range 16 {
		if i < len(sum) {
			b[6+i] = sum[len(sum)-1-i]
		}
	}
	return base64.StdEncoding.EncodeToString(b)
}

// writeMailbox writes one Mailbox inside an element named name. In a
// FindItem answer a sender who has a mailbox on the server is written
// with the X.500 address Exchange keeps (RoutingType EX), as FindItem
// does; elsewhere with the SMTP address.
func writeMailbox(x *itemCtx, w *writer, name, display, addr string) {
	w.open("t:" + name)
	w.open("t:Mailbox")
	w.leaf("t:Name", display)
	_, internal := x.c.h.st.Lookup(addr)
	switch {
	case x.find && x.c.op == "FindItem" && internal:
		w.leaf("t:EmailAddress", legacyDN(addr))
		w.leaf("t:RoutingType", "EX")
	default:
		w.leaf("t:EmailAddress", addr)
		w.leaf("t:RoutingType", "SMTP")
		if internal {
			w.leaf("t:MailboxType", "Mailbox")
		} else {
			w.leaf("t:MailboxType", "OneOff")
		}
	}
	w.close("t:Mailbox")
	w.close("t:" + name)
}

// legacyDN is the X.500 address Exchange gives a mailbox.
func legacyDN(addr string) string {
	local, _, _ := strings.Cut(addr, "@")
	sum := [16]byte{}
	copy(sum[:], strings.ToUpper(addr))
	return "/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=" +
		strings.ToUpper(hex.EncodeToString(sum[:])) + "-" + strings.ToUpper(local)
}

func writeSingle(name, graph string) func(x *itemCtx, w *writer) {
	return func(x *itemCtx, w *writer) {
		display, addr := recipientAddress(x.o[graph])
		if addr == "" && display == "" {
			return
		}
		if display == "" {
			display = addr
		}
		writeMailbox(x, w, name, display, addr)
	}
}

func writeRecipients(name, graph string) func(x *itemCtx, w *writer) {
	return func(x *itemCtx, w *writer) {
		rs, _ := x.o[graph].([]any)
		if len(rs) == 0 {
			return
		}
		w.open("t:" + name)
		for _, r := range rs {
			display, addr := recipientAddress(r)
			if display == "" {
				display = addr
			}
			_, internal := x.c.h.st.Lookup(addr)
			w.open("t:Mailbox")
			w.leaf("t:Name", display)
			w.leaf("t:EmailAddress", addr)
			w.leaf("t:RoutingType", "SMTP")
			w.leaf("t:MailboxType", pickStr(internal, "Mailbox", "OneOff"))
			w.close("t:Mailbox")
		}
		w.close("t:" + name)
	}
}

func pickStr(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// writeBody writes a body in the type the request asked for: Best keeps
// the stored one, HTML wraps text, Text strips HTML.
func writeBody(name, graph string) func(x *itemCtx, w *writer) {
	return func(x *itemCtx, w *writer) {
		b, _ := x.o[graph].(map[string]any)
		if b == nil {
			return
		}
		content, _ := b["content"].(string)
		typ, _ := b["contentType"].(string)
		switch {
		case x.body == "Text" && typ == "html":
			content, typ = store.HTMLToText(content), "text"
		case x.body == "HTML" && typ == "text":
			content, typ = textToHTML(content), "html"
		}
		w.leaf("t:"+name, content, "BodyType", bodyTypeEnum.ews(typ), "IsTruncated", "false")
	}
}

// textToHTML wraps a text body as Exchange converts it.
func textToHTML(s string) string {
	var b strings.Builder
	b.WriteString("<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n")
	for _, line := range strings.Split(s, "\n") {
		w := &writer{}
		w.text(strings.TrimSuffix(line, "\r"))
		b.WriteString("<div>" + w.b.String() + "</div>\r\n")
	}
	b.WriteString("</body>\r\n</html>\r\n")
	return b.String()
}

func setBody(x *setCtx, e *elem) *respErr {
	typ, ok := e.attr("BodyType")
	g, known := bodyTypeEnum.graph(typ)
	if !ok || !known {
		return errf("ErrorSchemaValidation", "The 'BodyType' attribute is required and must be HTML or Text.")
	}
	x.patch["body"] = Object{"contentType": g, "content": e.text}
	return nil
}

func writeFlag(x *itemCtx, w *writer) {
	f, _ := x.o["flag"].(map[string]any)
	st := flagEnum.ews(f["flagStatus"])
	if st == "" {
		return
	}
	w.open("t:Flag")
	w.leaf("t:FlagStatus", st)
	for _, d := range []struct{ g, e string }{{"startDateTime", "StartDate"}, {"dueDateTime", "DueDate"}, {"completedDateTime", "CompleteDate"}} {
		if v := ewsTime(f[d.g]); v != "" {
			w.leaf("t:"+d.e, v)
		}
	}
	w.close("t:Flag")
}

func setFlag(x *setCtx, e *elem) *respErr {
	st, ok := flagEnum.graph(e.t("FlagStatus").value())
	if !ok {
		return errf("ErrorInvalidValueForProperty", "The FlagStatus '"+e.t("FlagStatus").value()+"' is not valid.")
	}
	f := Object{"flagStatus": st}
	for _, d := range []struct{ g, e string }{{"startDateTime", "StartDate"}, {"dueDateTime", "DueDate"}, {"completedDateTime", "CompleteDate"}} {
		if k := e.t(d.e); k != nil {
			t, err := parseTime(k.text)
			if err != nil {
				return errf("ErrorInvalidValueForProperty", err.Error())
			}
			f[d.g] = Object{"dateTime": t.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"}
		}
	}
	if st == "flagged" && (f["startDateTime"] == nil) != (f["dueDateTime"] == nil) {
		return errf("ErrorInvalidValueForProperty", "A flag needs both StartDate and DueDate, or neither.")
	}
	if st == "complete" && f["completedDateTime"] == nil {
		f["completedDateTime"] = Object{"dateTime": x.c.h.env.Now().UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"}
	}
	x.patch["flag"] = f
	return nil
}

// setMime reads a message from its MIME content (create only), as
// Exchange imports it; its attachments come with it.
func setMime(x *setCtx, e *elem) *respErr {
	if !x.create {
		return errf("ErrorInvalidPropertySet", "Set action is invalid for property.")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(e.text), ""))
	if err != nil {
		return errf("ErrorMimeContentInvalidBase64String", "The MIME content is not a valid base64 string.")
	}
	msg, atts, perr := mimemsg.Parse(raw)
	if perr != nil {
		return errf("ErrorMimeContentConversionFailed", fmt.Sprintf("Content conversion: Failed to convert the MIME content: %v", perr))
	}
	for k, v := range msg {
		if _, set := x.patch[k]; !set {
			x.patch[k] = v
		}
	}
	x.atts = append(x.atts, atts...)
	return nil
}

func writeItemRights(_ *itemCtx, w *writer) {
	w.open("t:EffectiveRights")
	for _, r := range []struct {
		n string
		v bool
	}{{"CreateAssociated", false}, {"CreateContents", false}, {"CreateHierarchy", false}, {"Delete", true}, {"Modify", true}, {"Read", true}, {"ViewPrivateItems", true}} {
		w.leaf("t:"+r.n, boolText(r.v))
	}
	w.close("t:EffectiveRights")
}

// writeResponseObjects lists the responses a message allows: a reply, a
// reply to all and a forward once it was received or sent, a forward
// alone while it is a draft.
func writeResponseObjects(x *itemCtx, w *writer) {
	w.open("t:ResponseObjects")
	if d, _ := x.o["isDraft"].(bool); !d {
		w.empty("t:ReplyToItem")
		w.empty("t:ReplyAllToItem")
	}
	w.empty("t:ForwardItem")
	w.close("t:ResponseObjects")
}
