// Package notify tells an application when mail, events or contacts of a
// cloud mailbox change, through Microsoft Graph change notifications
// (webhooks): subscriptions (create, renew, reauthorize, delete, list) and
// a [Receiver], the http.Handler Graph posts notifications to.
//
// A notification only says that something changed; it is not the change.
// The change itself is read by change tracking (mail.Service.SyncMessages
// and its kin), which is also how nothing is lost when notifications are:
// Graph drops them when an endpoint is slow or down, sends them more than
// once, and out of order. The Receiver hands the application a bounded,
// de-duplicated stream; when the application falls behind, notifications
// it has no room for are coalesced into one [Missed] per subscription, the
// signal to run a delta round. The simplest way to get changes is
// therefore mail.Service.Watch (and calendar's and contacts'), given a
// Receiver as its odata.Waker: it subscribes, renews, answers lifecycle
// events and reads each change once by delta, falling back to polling
// when the Receiver is not reachable.
//
// A subscription made with [ResourceData] asks for rich notifications:
// each carries the created or updated item, with the properties the
// subscription selects, encrypted for the application's certificate. The
// Receiver, given the certificate's private key ([EncryptionKey]), checks
// the data's HMAC-SHA256 signature before it decrypts anything, drops a
// notification that fails, and [Notification.Decode] reads the item into
// the service's model (a mail.Message, a calendar.Event, a
// contacts.Contact), saving a request per change. Given
// [ValidationTokens] (ReceiverOptions.ValidationTokens), it also checks the
// JWTs Graph adds to each collection of rich notifications, as Microsoft
// asks before resource data is used: signed by the Microsoft identity
// platform's published keys, for the application, on behalf of Graph's
// change notification publisher, in force, of the notifications' tenant;
// a collection whose tokens fail has its rich notifications dropped
// unseen (and still answered 202). Without it the clientState and the
// data signature alone authenticate a rich notification.
//
// Subscriptions exist for Graph mailboxes only: for an on-premises mailbox
// (EWS or Outlook REST v2.0) every call fails with an error matching
// odata.ErrNotSupported before any request; Watch serves those mailboxes
// by EWS streaming notifications or by polling.
package notify
