// Package outlook is a Go SDK for Exchange mailboxes: mail, calendars and
// contacts, wherever the mailbox lives.
//
// Exchange Online mailboxes are served through Microsoft Graph v1.0;
// mailboxes on on-premises Exchange 2016/2019 servers in a hybrid deployment
// are served by the server's own Outlook REST API v2.0. Each mailbox is
// located through Autodiscover, and one typed API speaks the right dialect
// for it, so callers never branch on where a mailbox lives.
//
// # Status
//
// The SDK is being built in the open. Today the foundation is in place:
//
//   - package [github.com/exchangekit/outlook/odata]: the OData client both
//     dialects share (typed requests, queries and filters, paging iterators,
//     change tracking, typed errors, the Graph <-> v2.0 translation);
//   - the HTTP transport under it (retries with backoff and Retry-After,
//     idempotency rules, a concurrency limit per mailbox, size limits,
//     redacted logging).
//
// The root client (Client, Mailbox and credentials), Autodiscover, the
// mail, calendar and contacts services and the in-process fake Exchange
// (outlooktest) come next; this page will describe them as they land.
//
// # Mailboxes and dialects
//
// Microsoft ended the on-premises REST preview in 2022, so an on-premises
// server may no longer serve /api/v2.0. The SDK then fails with a typed error
// that says so, never with a guess; a later EWS backend will fill that gap
// behind the same services.
package outlook
