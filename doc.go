// Package outlook is a Go SDK for Exchange mailboxes: mail, calendars and
// contacts, wherever the mailbox lives.
//
// Exchange Online mailboxes are served through Microsoft Graph v1.0;
// mailboxes on on-premises Exchange 2016/2019 servers in a hybrid deployment
// are served by the server's own Outlook REST API v2.0. Each mailbox is
// located through Autodiscover, and one API speaks the right dialect for it,
// so callers never branch on where a mailbox lives:
//
//	cred := outlook.ClientSecret(tenantID, clientID, secret)
//	c, err := outlook.NewClient(cred)
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
//     every mailbox of the tenant.
//   - Delegated (a user signs in): [DeviceCode] for programs without a
//     browser, [AuthorizationCode] (with PKCE) for web apps, [OnBehalfOf] for
//     middle-tier APIs. Scopes are given once in Graph form ("Mail.ReadWrite")
//     and qualified for each host; after the first sign-in, tokens for other
//     hosts come silently.
//   - Your own: [FromTokenSource] takes any golang.org/x/oauth2 token source
//     per resource; [StaticToken] is for tests.
//
// The first two groups use MSAL for Go. [WithTokenCache] persists its cache
// ([FileTokenCache]) so a restart does not sign in again. Bad configuration
// (an empty tenant, a malformed client id, an unreadable certificate) makes
// [NewClient] fail, before any request, with an error matching
// [ErrInvalidCredential].
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
// the cloud Outlook REST endpoint). An on-premises mailbox is reached through
// its server's /api/v2.0, which Microsoft shipped as a preview and stopped
// supporting in 2022: some servers no longer serve it, or have no OAuth
// (hybrid modern authentication) set up. [Client.Mailbox] checks this once
// per server and fails with an error matching [ErrRESTUnavailable] that says
// which it is and what the administrator must enable; it never guesses.
//
// When a mailbox moves (say, migrated to Exchange Online), the service's
// answer says so (Graph's 404 MailboxNotEnabledForRESTAPI, for instance);
// the mailbox is located again once and the call sent to its new home.
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
// Exchange: token issuer, Autodiscover, a Graph host and on-premises hosts.
// Point a client at it with [WithHTTPClient](srv.Client()) and your code runs
// against the SDK's real default URLs without leaving the process.
package outlook
