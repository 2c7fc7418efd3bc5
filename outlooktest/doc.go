// Package outlooktest is an in-process fake of the Exchange services the SDK
// talks to, for tests of code that reads and writes mailboxes: the Entra ID
// token issuer, Exchange Online's Autodiscover v2, Microsoft Graph v1.0 for
// cloud mailboxes, and any number of on-premises Exchange servers speaking
// Outlook REST v2.0 with their own Autodiscover. It is shaped like
// net/http/httptest: NewServer starts it, Close stops it, and Client returns
// an *http.Client that already reaches and trusts it.
//
// # Use
//
//	srv := outlooktest.NewServer()
//	defer srv.Close()
//	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).
//		Add("messages", outlooktest.Object{"subject": "Hi", "parentFolderId": "inbox"})
//	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
//
//	c := srv.Client() // give it to the code under test, with its default URLs
//
// Everything listens on loopback: one TLS listener, whose certificates come
// from a CA made in memory at NewServer, and one plain-HTTP listener for
// Autodiscover's redirect probe. Client's dialer sends the real Microsoft
// host names (login.microsoftonline.com, login.windows.net,
// graph.microsoft.com, outlook.office365.com, outlook.office.com,
// autodiscover-s.outlook.com) and each test domain's hosts (<domain>,
// autodiscover.<domain>, the on-premises servers, SRV targets) to those
// listeners, port 80 to the plain one and any other port to TLS, and refuses
// every other host with ErrUnknownHost, so nothing leaves the process. Use
// Transport or CACertPool to build clients of your own; AddHost mounts a
// handler of the test's own on any name (a hostile Autodiscover host, say).
//
// # Tokens
//
// The issuer serves the v2.0 endpoints MSAL for Go uses, unmodified:
// instance discovery, OpenID configuration, keys, token and device code,
// for the client credentials (client secret, or an assertion signed with a
// certificate registered by RegisterApp), refresh token, device code,
// authorization code (with PKCE, and the form_post mode MSAL's interactive
// flow asks for) and on-behalf-of grants. Unregistered apps are accepted
// with any secret. Tenants are named by a mailbox's domain, by TenantID's
// GUID, or "common"/"organizations" for delegated flows. Access tokens are
// opaque strings the server remembers, each bound to the one resource its
// scope parameter names ("https://graph.microsoft.com" for bare names like
// Mail.Read, "https://mail.contoso.com" for
// "https://mail.contoso.com/.default"; two resources in one request are
// refused, as Entra ID refuses them). Nobody is signed in unless a test
// says so: WithAutoApprove signs a user in wherever a person would act,
// ApproveDeviceCode approves one pending device code. TokenRequests counts
// the tokens issued per application and resource.
//
// Every REST host checks the bearer token's audience. Graph answers a
// missing, unknown, expired or misdirected token with 401
// InvalidAuthenticationToken; an on-premises server answers with Exchange's
// Bearer challenge (client_id of Exchange, trusted_issuers naming the
// tenant, authorization_uri of login.windows.net) and Basic, adding
// error="invalid_token" and x-ms-diagnostics when a token was refused.
// SetModernAuthDisabled makes a server offer only Negotiate, NTLM and Basic;
// SetRESTDisabled makes its /api answer IIS's 404 page, as a server whose
// REST preview is gone.
//
// # Autodiscover
//
// Both URL forms (?Email= and /v1.0/{address}) are served, with Protocol
// matched case-insensitively and echoed as sent, for Rest, Ews, ActiveSync
// and AutodiscoverV1 (anything else is 400 InvalidProtocol). Exchange
// Online's hosts answer cloud mailboxes with their Exchange Online URLs,
// redirect (302, RedirectCount bumped) on-premises mailboxes of a hybrid
// domain to autodiscover.<domain>, and unknown addresses back to
// outlook.office365.com. A domain's own hosts answer its on-premises
// mailboxes with their server's URLs ("https://<server>/api" for Rest) and
// redirect its cloud mailboxes to Exchange Online. SetAutodiscoverBehavior
// makes a domain misbehave (no hybrid configuration, redirect loops,
// redirects to http or to a foreign host, latency, errors, garbage or huge
// bodies, a hostile result URL); SetSRV and LookupSRV stand in for DNS SRV.
//
// # Faults and the request log
//
// Inject adds a Fault: throttling with Retry-After, 5xx, latency, a
// connection dropped before or after the request body, a truncated body,
// scoped by host, method, path pattern, a count or a seeded rate. Faults
// act before authentication on every host, the issuer and Autodiscover
// included. Requests returns every request received (host, path, whether a
// token was sent and for which audience, status, fault), for tests that
// assert what the client did.
//
// # Mailboxes and OData
//
// Mailboxes hold folders (with the well-known names), messages,
// attachments, calendars, events, contact folders and contacts as generic
// JSON objects with Graph names; Mailbox.Add and Mailbox.Seed fill them,
// Mailbox.Items and Mailbox.Get read them. Both REST dialects serve generic
// CRUD on every collection, ETags and If-Match (412), server-driven paging
// with next links (odata.maxpagesize honoured), Graph delta and v2.0
// track-changes, and JSON $batch (20 requests, dependsOn, 424).
//
// Supported OData constructs: $select; $filter with eq, ne, gt, ge, lt, le,
// and, or, not, parentheses, the functions startswith, endswith and
// contains, and any() over collections; $orderby on several keys, asc and
// desc; $top; $skip; $count; $search (a subset of KQL, matched as
// substrings); $expand of attachments. Answered with 400: arithmetic, has,
// cast, isof, all, $it, JSON literals and parameter aliases (as Graph does on
// Outlook resources), unknown properties, malformed expressions, and on
// messages $search with $filter (SearchWithFilter), $search with $orderby
// (SearchWithOrderBy) and an $orderby whose properties do not also appear
// in the $filter, in the same order, before the filter's other properties
// (InefficientFilter). The query engine's own documentation
// (internal/query) lists its differences from Graph in detail.
//
// # Known differences from the real services
//
//   - Tokens are opaque, not JWTs: code that decodes an access token will
//     not find claims. id_tokens are signed JWTs (ES256) with the claims
//     MSAL reads.
//   - The issuer does not check consent, redirect URI registration or
//     client secrets of unregistered apps; delegated scopes are granted as
//     asked ("/.default" grants Mail.ReadWrite, Mail.Send,
//     Calendars.ReadWrite, Contacts.ReadWrite). An app-only token of one
//     tenant is not refused on another tenant's mailboxes.
//   - Expiry is checked against WithClock's clock, client assertions too;
//     waits (latency faults, device-code polling) use real time.
//   - Autodiscover v2 error answers other than InvalidProtocol (a missing
//     address, an address a domain's host does not know) are the fake's
//     choice: Microsoft documents none. What Exchange Online does at the end
//     of its redirect for an unknown address is unknown; the fake keeps
//     redirecting, so only a client that detects the loop stops early.
//   - The retired cloud Outlook REST API (outlook.office.com/api) answers
//     404; EWS, ActiveSync and classic (POX) Autodiscover answer 501.
//   - x-ms-diagnostics codes other than 2000003 (invalid audience) are
//     approximations.
//   - Only HTTP/1.1 is served, so that faults can drop connections.
//   - Operations the fake does not implement answer 501 naming them, never
//     a plausible empty success.
package outlooktest
