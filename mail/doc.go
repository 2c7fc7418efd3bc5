// Package mail reads, writes, sends and tracks the mail of one mailbox:
// messages, mail folders, attachments (large ones through upload
// sessions), replies and forwards, MIME content, change tracking, mailbox
// settings with automatic replies, Focused Inbox overrides and Inbox rules.
//
// A [Service] is reached through a mailbox handle (mb.Mail) and works the
// same for Exchange Online mailboxes (Microsoft Graph v1.0) and on-premises
// ones (EWS, or Outlook REST v2.0 when the client chooses it); the few
// operations an API lacks (Focused Inbox overrides over EWS, MIME and Inbox
// rules over REST v2.0, upload sessions on premises) fail there with an
// error matching odata.ErrNotSupported, before any request:
//
//	for msg, err := range mb.Mail.ListMessages(ctx, mail.Inbox, &odata.Query{
//		Filter:  mail.ReceivedDateTime.Ge(since).And(mail.IsRead.Eq(false)),
//		OrderBy: odata.Desc(mail.ReceivedDateTime),
//		Select:  odata.Fields(mail.Subject, mail.From),
//	}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(msg.Subject)
//	}
//
//	err := mb.Mail.SendMail(ctx, &mail.Message{
//		Subject:      "Q3 figures",
//		Body:         item.TextBody("See attached."),
//		ToRecipients: mail.To("bob@contoso.com"),
//	}, nil)
//
// The models carry Graph names, and each carries its wire mapping
// (WireSchema), from which package odata spells bodies and queries for
// Outlook REST v2.0 and the EWS backend finds each property. Enum values
// the package does not know decode unchanged. Properties the models do
// not know are kept in their Extra maps, so a message read and written
// back loses nothing (EWS, whose schema is closed, has none to keep).
//
// Bad input (an empty id, an invalid address, a file too large to send
// inline) is refused before any request with an error wrapping
// odata.ErrInvalidPath, [ErrInvalidMessage] or [ErrInvalidSetting].
package mail
