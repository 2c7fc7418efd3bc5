package mail

import "github.com/exchangekit/outlook/odata"

// Enum values carry the Graph spelling; package odata respells them for
// Outlook REST v2.0 from the enum types of the wire mappings (WireSchema).
// Each UnmarshalText maps a known value to its constant whatever its case
// and keeps any other value as sent, so a value a server adds later never
// fails a decode: give every switch on these types a default case.

// Classification is the Focused Inbox tab a message shows in (Graph's
// inferenceClassificationType). The query field for it is
// [InferenceClassification].
type Classification string

// Focused Inbox classifications.
const (
	ClassificationFocused Classification = "focused"
	ClassificationOther   Classification = "other"
)

// UnmarshalText decodes a classification in any case, and keeps a value it
// does not know as sent.
func (c *Classification) UnmarshalText(b []byte) error {
	*c = odata.ParseEnum(b, ClassificationFocused, ClassificationOther)
	return nil
}

// MeetingMessageType says what an event message (an invitation, a reply, a
// cancellation) is about.
type MeetingMessageType string

// Meeting message types. MeetingTentativelyAccepted keeps the service's
// misspelling ("meetingTenativelyAccepted"), since that is the wire value.
const (
	MeetingMessageNone         MeetingMessageType = "none"
	MeetingRequest             MeetingMessageType = "meetingRequest"
	MeetingCancelled           MeetingMessageType = "meetingCancelled"
	MeetingAccepted            MeetingMessageType = "meetingAccepted"
	MeetingTentativelyAccepted MeetingMessageType = "meetingTenativelyAccepted"
	MeetingDeclined            MeetingMessageType = "meetingDeclined"
)

// UnmarshalText decodes a meeting message type in any case, and keeps a
// value it does not know as sent.
func (t *MeetingMessageType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, MeetingMessageNone, MeetingRequest, MeetingCancelled, MeetingAccepted, MeetingTentativelyAccepted, MeetingDeclined)
	return nil
}

// MeetingRequestType says how a meeting request changes the meeting
// (Graph only).
type MeetingRequestType string

// Meeting request types.
const (
	MeetingRequestTypeNone                MeetingRequestType = "none"
	MeetingRequestTypeNew                 MeetingRequestType = "newMeetingRequest"
	MeetingRequestTypeFullUpdate          MeetingRequestType = "fullUpdate"
	MeetingRequestTypeInformationalUpdate MeetingRequestType = "informationalUpdate"
	MeetingRequestTypeSilentUpdate        MeetingRequestType = "silentUpdate"
	MeetingRequestTypeOutdated            MeetingRequestType = "outdated"
	MeetingRequestTypePrincipalWantsCopy  MeetingRequestType = "principalWantsCopy"
)

// UnmarshalText decodes a meeting request type in any case, and keeps a
// value it does not know as sent.
func (t *MeetingRequestType) UnmarshalText(b []byte) error {
	*t = odata.ParseEnum(b, MeetingRequestTypeNone, MeetingRequestTypeNew, MeetingRequestTypeFullUpdate,
		MeetingRequestTypeInformationalUpdate, MeetingRequestTypeSilentUpdate, MeetingRequestTypeOutdated,
		MeetingRequestTypePrincipalWantsCopy)
	return nil
}

// AutomaticRepliesStatus says whether automatic (out-of-office) replies are
// sent.
type AutomaticRepliesStatus string

// Automatic replies states.
const (
	AutomaticRepliesDisabled      AutomaticRepliesStatus = "disabled"
	AutomaticRepliesAlwaysEnabled AutomaticRepliesStatus = "alwaysEnabled"
	// AutomaticRepliesScheduled sends replies between the setting's
	// ScheduledStartDateTime and ScheduledEndDateTime.
	AutomaticRepliesScheduled AutomaticRepliesStatus = "scheduled"
)

// UnmarshalText decodes a status in any case, and keeps a value it does not
// know as sent.
func (s *AutomaticRepliesStatus) UnmarshalText(b []byte) error {
	*s = odata.ParseEnum(b, AutomaticRepliesDisabled, AutomaticRepliesAlwaysEnabled, AutomaticRepliesScheduled)
	return nil
}

// ExternalAudience says which senders outside the organization get the
// external automatic reply.
type ExternalAudience string

// External audiences.
const (
	ExternalAudienceNone         ExternalAudience = "none"
	ExternalAudienceContactsOnly ExternalAudience = "contactsOnly"
	ExternalAudienceAll          ExternalAudience = "all"
)

// UnmarshalText decodes an audience in any case, and keeps a value it does
// not know as sent.
func (a *ExternalAudience) UnmarshalText(b []byte) error {
	*a = odata.ParseEnum(b, ExternalAudienceNone, ExternalAudienceContactsOnly, ExternalAudienceAll)
	return nil
}

// MessageActionFlag is the follow-up action a rule predicate matches
// (Graph only).
type MessageActionFlag string

// Message action flags.
const (
	MessageActionAny                 MessageActionFlag = "any"
	MessageActionCall                MessageActionFlag = "call"
	MessageActionDoNotForward        MessageActionFlag = "doNotForward"
	MessageActionFollowUp            MessageActionFlag = "followUp"
	MessageActionFYI                 MessageActionFlag = "fyi"
	MessageActionForward             MessageActionFlag = "forward"
	MessageActionNoResponseNecessary MessageActionFlag = "noResponseNecessary"
	MessageActionRead                MessageActionFlag = "read"
	MessageActionReply               MessageActionFlag = "reply"
	MessageActionReplyToAll          MessageActionFlag = "replyToAll"
	MessageActionReview              MessageActionFlag = "review"
)

// UnmarshalText decodes an action flag in any case, and keeps a value it
// does not know as sent.
func (f *MessageActionFlag) UnmarshalText(b []byte) error {
	*f = odata.ParseEnum(b, MessageActionAny, MessageActionCall, MessageActionDoNotForward, MessageActionFollowUp,
		MessageActionFYI, MessageActionForward, MessageActionNoResponseNecessary, MessageActionRead,
		MessageActionReply, MessageActionReplyToAll, MessageActionReview)
	return nil
}

// DelegateMeetingMessageDelivery says who receives meeting messages when the
// mailbox has delegates (Graph only).
type DelegateMeetingMessageDelivery string

// Delegate meeting message delivery options.
const (
	DelegateAndInformationToPrincipal DelegateMeetingMessageDelivery = "sendToDelegateAndInformationToPrincipal"
	DelegateAndPrincipal              DelegateMeetingMessageDelivery = "sendToDelegateAndPrincipal"
	DelegateOnly                      DelegateMeetingMessageDelivery = "sendToDelegateOnly"
)

// UnmarshalText decodes a delivery option in any case, and keeps a value it
// does not know as sent.
func (d *DelegateMeetingMessageDelivery) UnmarshalText(b []byte) error {
	*d = odata.ParseEnum(b, DelegateAndInformationToPrincipal, DelegateAndPrincipal, DelegateOnly)
	return nil
}

// UserPurpose is the kind of mailbox (Graph only, read-only).
type UserPurpose string

// User purposes.
const (
	UserPurposeUser      UserPurpose = "user"
	UserPurposeLinked    UserPurpose = "linked"
	UserPurposeShared    UserPurpose = "shared"
	UserPurposeRoom      UserPurpose = "room"
	UserPurposeEquipment UserPurpose = "equipment"
	UserPurposeOthers    UserPurpose = "others"
)

// UnmarshalText decodes a purpose in any case, and keeps a value it does not
// know as sent.
func (p *UserPurpose) UnmarshalText(b []byte) error {
	*p = odata.ParseEnum(b, UserPurposeUser, UserPurposeLinked, UserPurposeShared, UserPurposeRoom, UserPurposeEquipment, UserPurposeOthers)
	return nil
}
