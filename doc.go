// Package outlook is a Go SDK for Exchange mailboxes: mail, calendars and
// contacts, wherever the mailbox lives.
//
// Exchange Online mailboxes are served through Microsoft Graph v1.0;
// mailboxes on on-premises Exchange servers (2016, 2019, Subscription
// Edition) through the server's EWS, or its Outlook REST API v2.0 when the
// caller chooses it. Each mailbox is located through Autodiscover, and one
// API speaks the right protocol for it, so callers never branch on where a
// mailbox lives:
//
//	cred := outlook.ClientSecret(tenantID, clientID, secret)
//	c, err := outlook.NewClient(cred, outlook.WithOnPremisesCredential(outlook.OnPremisesAccount(user, password)))
//	...
//	mb, err := c.Mailbox(ctx, "alice@contoso.com") // Exchange Online or on premises
//	...
//	for msg, err := range mb.Mail.ListMessages(ctx, mail.Inbox, &odata.Query{
//		Filter:  mail.IsRead.Eq(false).And(mail.ReceivedDateTime.Ge(since)),
//		OrderBy: odata.Desc(mail.ReceivedDateTime),
//	}) {
//		...
//	}
//	err = mb.Mail.SendMail(ctx, &mail.Message{Subject: "hi", ToRecipients: mail.To("bob@contoso.com")}, nil)
//
// A [Mailbox] carries one service per area: Mail (package
// [github.com/exchangekit/outlook/mail]: messages, folders, attachments,
// sending, sync, settings), Calendar (package
// [github.com/exchangekit/outlook/calendar]: events, recurrence, views,
// responses, calendars) and Contacts (package
// [github.com/exchangekit/outlook/contacts]). [Mailbox.OData] reaches any
// other resource with the typed OData client (package
// [github.com/exchangekit/outlook/odata]).
//
// # Authentication
//
// A [Credential] hands out tokens per resource: a cloud mailbox needs a token
// for https://graph.microsoft.com, a mailbox on mail.contoso.com a token for
// https://mail.contoso.com. Tokens are cached, refreshed five minutes before
// they expire (one request per resource however many goroutines ask), and
// sent only to the host they were minted for.
//
//   - App-only (daemons, migrations): [ClientSecret], [ClientCertificate],
//     [ClientCertificateFile]. The app's application permissions apply to
//     every Exchange Online mailbox of the tenant. Microsoft supports no
//     app-only access to on-premises Exchange (neither its REST API v2.0 nor
//     EWS with hybrid modern authentication): such a mailbox fails before
//     any request with an error matching [ErrAppOnlyOnPremises] that says
//     what to use instead.
//   - Delegated (a user signs in): [DeviceCode] for programs without a
//     browser, [AuthorizationCode] (with PKCE) for web apps, [OnBehalfOf] for
//     middle-tier APIs. Scopes are given once in Graph form ("Mail.ReadWrite")
//     and qualified for each host (an on-premises EWS host takes
//     https://<host>/EWS.AccessAsUser.All); after the first sign-in, tokens
//     for other hosts come silently.
//   - On-premises service account (daemons on premises):
//     [OnPremisesAccount] signs in to EWS with NTLM,
//     [OnPremisesAccountBasic] with Basic over TLS, and acts as each mailbox
//     through EWS impersonation. Its password goes only to the EWS hosts
//     Autodiscover names for the mailbox, never to Microsoft.
//   - Your own: [FromTokenSource] takes any golang.org/x/oauth2 token source
//     per resource; [StaticToken] is for tests.
//
// One client may hold two: [WithOnPremisesCredential] signs in to
// on-premises mailboxes with its own credential, the one given to
// [NewClient] serving the cloud. The MSAL-backed credentials' cache can be
// persisted ([WithTokenCache], [FileTokenCache]) so a restart does not sign
// in again. Bad configuration (an empty tenant, a malformed client id, an
// unreadable certificate, an empty password) makes [NewClient] fail, before
// any request, with an error matching [ErrInvalidCredential].
//
// # Mailboxes and dialects
//
// [Client.Mailbox] asks Autodiscover (package
// [github.com/exchangekit/outlook/autodiscover]) where a mailbox lives:
// Exchange Online's endpoint first, which answers cloud mailboxes and
// redirects hybrid ones to their own domain, then the domain's candidates.
// Answers are cached (24 hours by default) and concurrent lookups share one
// request; a cached lookup costs no allocation. Redirects are followed only
// over https, to Microsoft's hosts, the mailbox's own domain, or hosts you
// allow ([WithAutodiscover]); no token is ever sent to an Autodiscover host.
// The client keeps a bounded number of mailbox handles
// ([WithMailboxCacheSize]).
//
// A cloud mailbox is always reached through Graph (Microsoft decommissioned
// the cloud Outlook REST endpoint). An on-premises mailbox is reached
// through its server's EWS, the API Microsoft supports on premises (its
// retirement applies to Exchange Online only), or through the server's
// /api/v2.0 when [WithOnPremisesAPI] chooses [RESTv2]: Microsoft shipped
// that API as a preview and stopped supporting it in 2022, and some servers
// no longer serve it. [Mailbox.Route] says which API serves a mailbox and
// why ("on-premises, EWS (default for on-premises)"). [Client.Mailbox]
// checks each server once per API, for the API and a sign-in the
// credential can use, and fails with an error matching [ErrEWSUnavailable]
// or [ErrRESTUnavailable] (and [ErrNoOnPremisesAPI] when the server serves
// neither) that says what is missing and what the administrator must
// enable; it never switches API on its own.
//
// When a mailbox moves (say, migrated to Exchange Online), the service's
// answer says so (Graph's 404 MailboxNotEnabledForRESTAPI, EWS's
// ErrorNonExistentMailbox, for instance); the mailbox is located again once
// and the call sent to its new home. When Exchange Online's Autodiscover
// names a cloud mailbox that Graph says is not there, the domain's own
// Autodiscover is asked. An organisation whose on-premises users have empty
// duplicates in Exchange Online (Graph serves those without an error to
// react to) asks its domain first: [WithAutodiscover] with
// autodiscover.WithDomainFirst.
//
// # Another user's mailbox or calendar
//
// A delegated credential opens other users' mailboxes as well as the
// signed-in user's own: [Client.Mailbox] with the other user's address
// gives a handle on that mailbox, and every call goes out with the
// signed-in user's token and is served with that user's rights (Graph and
// REST v2.0 address /users/{address}/...; EWS names the mailbox in the
// request, with no impersonation). The mailbox's owner decides what those
// rights are, in Exchange:
//
//   - A shared calendar. The owner shares it (calendar.Service's
//     GrantPermission, or Outlook's sharing), and the recipient reaches it
//     through the owner's handle: calendar.DefaultCalendar or the
//     calendar's id, with ListEvents, View, GetEvent and the event's
//     attachments for any role from freeBusyRead up, and CreateEvent,
//     UpdateEvent, DeleteEvent and the meeting responses for write and the
//     delegate roles. What a role does not show comes back empty:
//     freeBusyRead shows an event's times and free/busy status,
//     limitedRead adds its subject and location, read and up show it all
//     except the owner's private events, whose details only
//     delegateWithPrivateEventAccess sees. Only the owner manages the
//     calendar's permissions: a recipient's ListPermissions is empty.
//   - The whole mailbox, with FullAccess (Add-MailboxPermission): mail,
//     contacts and every calendar, as for the owner.
//
// Graph asks for the .Shared permissions for other users' items:
// "Calendars.Read.Shared" or "Calendars.ReadWrite.Shared" for a shared
// calendar, "Mail.ReadWrite.Shared" and "Contacts.ReadWrite.Shared" for a
// shared mailbox (EWS's one delegated permission covers them all). A call
// the rights do not cover fails with an error matching odata.ErrForbidden
// in every location (Graph's and REST v2.0's 403 ErrorAccessDenied, EWS's
// ErrorAccessDenied): a calendar permission opens that calendar alone, so
// the owner's mail, contacts, settings and other calendars stay refused.
// App-only credentials and on-premises service accounts need none of
// this: they reach every mailbox their application permissions or
// impersonation right cover.
//
// # Errors
//
// Service errors are *odata.Error values matching odata.ErrNotFound,
// odata.ErrThrottled and the other sentinels with errors.Is; Autodiscover
// failures are *autodiscover.Error values, whose text sums up what was tried
// in one line and whose Attempts list every request. An error's text names
// the package and the operation that refused once ("mail: SendMail: invalid
// message: no recipients"); branch on the sentinels, not on the text.
// Throttling (429, 503) and dropped connections are retried with backoff and
// Retry-After, but a send or a create is retried only when the server
// provably did not process it.
//
// # Testing
//
// Package [github.com/exchangekit/outlook/outlooktest] is an in-process fake
// Exchange: token issuer, Autodiscover, a Graph host and on-premises hosts
// (EWS and REST v2.0).
// Point a client at it with [WithHTTPClient](srv.Client()) and your code runs
// against the SDK's real default URLs without leaving the process.
package outlook
