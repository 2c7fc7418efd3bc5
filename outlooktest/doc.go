// Package outlooktest is an in-process fake of Exchange for tests of code
// that reads and writes mailboxes: a test of your own starts it, adds
// mailboxes, and hands your code a client wired to it with one option.
//
//	func TestInbox(t *testing.T) {
//		srv := outlooktest.NewServer()
//		t.Cleanup(srv.Close)
//		srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).
//			Add("messages", outlooktest.Object{"subject": "Hello"})
//
//		c, err := outlook.NewClient(outlook.FromTokenSource(srv.TokenSource("alice@contoso.com")),
//			outlook.WithHTTPClient(srv.Client())) // the one line: nothing leaves the process
//		if err != nil {
//			t.Fatal(err)
//		}
//		mb, err := c.Mailbox(t.Context(), "alice@contoso.com")
//		if err != nil {
//			t.Fatal(err)
//		}
//		for m, err := range mb.Mail.ListMessages(t.Context(), mail.Inbox, nil) {
//			if err != nil || m.Subject != "Hello" {
//				t.Errorf("message %+v, %v", m, err)
//			}
//		}
//	}
//
// With outlook.WithHTTPClient(srv.Client()) every lookup the client makes
// is answered by the fake: sign-in, Autodiscover (Exchange Online's, the
// domain's hosts, the plain-HTTP redirect probe and the DNS SRV record,
// which the client asks of the server rather than of DNS), Graph, REST
// v2.0 and EWS. A host the fake does not know is refused (ErrUnknownHost)
// without a DNS query. Credentials: TokenSource (above; every host of the
// test) or AccessToken (one host, for outlook.StaticToken) mint tokens the
// fake accepts without a sign-in flow; the SDK's real sign-in flows work
// too (client secrets and certificates, device code with
// ApproveDeviceCode, interactive and authorization-code flows with
// WithAutoApprove). Mailbox.Deliver delivers mail as if from outside, and
// the Inbox rules run on it.
//
// The rest of this comment is the reference.
//
// # Shape
//
// The fake serves the Entra ID token issuer, Exchange Online's
// Autodiscover v2, Microsoft Graph v1.0 for cloud mailboxes, and any number
// of on-premises Exchange servers speaking EWS and Outlook REST v2.0 over
// the same mailboxes, with their own Autodiscover. It is shaped like
// net/http/httptest: NewServer starts it, Close stops it, and Client returns
// an *http.Client that already reaches and trusts it; code that is not the
// SDK's takes that client too, with its default URLs:
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
// An on-premises server also refuses app-only tokens (client credentials)
// with that 401 and x-ms-diagnostics "This token profile is not applicable
// for the current protocol.", as Exchange Server does: Microsoft never
// supported app-only access there. WithAppOnlyOnPremises makes every
// on-premises host accept them, as a server an administrator reconfigured
// (unsupported) does. SetModernAuthDisabled makes a server offer only
// Negotiate, NTLM and Basic.
//
// # On-premises protocols
//
// Each on-premises host serves EWS (SOAP at /EWS/Exchange.asmx) and the
// Outlook REST API v2.0 (/api/v2.0) over the same mailboxes, unless
// SetProtocols says otherwise (SetRESTDisabled takes REST away alone): an
// API a host does not serve answers IIS's 404 page, as a server whose REST
// preview is gone, while its Autodiscover keeps answering the API's URL.
//
// # EWS
//
// An on-premises host's EWS signs in callers by any of the schemes the
// Exchange virtual directory takes: a bearer token minted for the host
// (hybrid modern authentication; delegated only, as above), NTLMv2 (bound
// to the connection, as IIS binds it: the connection stays signed in, and
// an AUTHENTICATE message is good once, on the connection whose challenge
// it answers; Negotiate carrying NTLM works the same, Kerberos does not),
// and Basic over TLS (plain HTTP to /EWS answers IIS's 403.4, credentials
// unread). Its 401 offers Bearer (unless SetModernAuthDisabled), Negotiate,
// NTLM and Basic. The accounts are test data: AddAccount adds a service
// account (CONTOSO\svc-ews) or a mailbox's user (bob@contoso.com),
// GrantImpersonation gives an account the ApplicationImpersonation right on
// some or all mailboxes, GrantFullAccess makes a user a delegate of a
// mailbox. A request acts as the caller's own mailbox, as the mailbox its
// ExchangeImpersonation header names (ConnectingSID by PrimarySmtpAddress,
// SmtpAddress or PrincipalName) when the caller holds the right (else the
// faults ErrorImpersonateUserDenied, or ErrorImpersonationDenied when it
// holds the right nowhere; ErrorNonExistentMailbox for a mailbox the host
// does not serve), and on another mailbox named by a DistinguishedFolderId's
// Mailbox element or by an item's id when its user is a delegate
// (ErrorAccessDenied otherwise). X-AnchorMailbox is accepted and counts the
// request in MaxInFlight for that mailbox from its arrival.
//
// Another user's mailbox is checked as Exchange checks it, on every host:
// a delegated caller (a token's user, or an account's mailbox over EWS)
// opens it wholly with GrantFullAccess, and otherwise reaches only the
// calendars shared with it (Mailbox.ShareCalendar, or the owner's POST of
// a calendarPermission): reads from freeBusyRead up, each role seeing what
// Graph's calendarRoleType says it sees (filters see no more); writes with
// write or a delegate role; a private event's details with
// delegateWithPrivateEventAccess only. A recipient lists no calendar
// permissions and changes none, as Graph documents. Everything else of that
// mailbox answers 403 ErrorAccessDenied (EWS: ErrorAccessDenied).
//
//	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).
//		Add("messages", outlooktest.Object{"subject": "Hello over EWS"})
//	srv.AddAccount(`CONTOSO\svc-ews`, "P@ssw0rd")
//	srv.GrantImpersonation(`CONTOSO\svc-ews`, "bob@contoso.com")
//	// POST https://mail.contoso.com/EWS/Exchange.asmx, Basic or NTLM as
//	// CONTOSO\svc-ews, with <t:ExchangeImpersonation> naming bob and an
//	// <m:FindItem> on <t:DistinguishedFolderId Id="inbox"/>: the answer's
//	// t:Message holds "Hello over EWS" (see the example of AddAccount).
//
// EWS serves mail, with Exchange's element names, namespaces, element
// order, ResponseClass, ResponseCode and MessageText, and SOAP faults where
// Exchange answers with one (schema violations and XML that is not
// well-formed: ErrorSchemaValidation with the line and position; an empty
// body: ErrorInvalidRequest; an unknown RequestServerVersion; the
// impersonation checks; throttling):
//
//   - FindItem: IndexedPageItemView (Offset from the Beginning or the End,
//     MaxEntriesReturned, IndexedPagingOffset, TotalItemsInView,
//     IncludesLastItemInRange), FractionalPageItemView, GroupBy; Restriction
//     with IsEqualTo, IsNotEqualTo, IsGreaterThan(OrEqualTo),
//     IsLessThan(OrEqualTo), And, Or, Not, Contains (every ContainmentMode
//     and ContainmentComparison), Excludes and Exists, over FieldURIs and
//     ExtendedFieldURIs, strings compared without regard to case as Exchange
//     collates; SortOrder; QueryString (the same KQL subset as $search);
//     at most 1000 items an answer (EWSFindCountLimit). Summaries, as
//     Exchange's: no body, recipient list or attachment whatever is asked,
//     and a sender who has a mailbox on the server written with the X.500
//     address (RoutingType EX) Exchange's FindItem writes.
//   - GetItem: BaseShape IdOnly, Default and AllProperties (Microsoft's
//     tables of each), AdditionalProperties (FieldURI, ExtendedFieldURI:
//     InternetHeaders, named and tagged properties, PR_MESSAGE_FLAGS),
//     IncludeMimeContent, BodyType Best, HTML and Text.
//   - CreateItem: MessageDisposition SaveOnly, SendOnly and SendAndSaveCopy
//     (required, ErrorMessageDispositionRequired), SavedItemFolderId,
//     MimeContent (import), file and item attachments, extended properties;
//     ReplyToItem, ReplyAllToItem and ForwardItem with ReferenceItemId,
//     NewBodyContent and their own recipients, composed as Graph's reply
//     and forward are. A message over 10 MB (MaxSendSize) is not sent
//     (ErrorMessageSizeExceeded).
//   - UpdateItem: SetItemField, AppendToItemField (recipients, body),
//     DeleteItemField; ConflictResolution NeverOverwrite, AutoResolve (a
//     stale change key refused only when a property it sets changed since)
//     and AlwaysOverwrite, ErrorIrresolvableConflict; recipients of a sent
//     message are read only (ErrorInvalidPropertyUpdateSentMessage).
//   - DeleteItem (HardDelete, SoftDelete to Recoverable Items,
//     MoveToDeletedItems), MoveItem and CopyItem (new ids answered, across
//     mailboxes a user is a delegate of), SendItem (SaveItemToFolder,
//     SavedItemFolderId; a stale change key: ErrorStaleObject).
//   - FindFolder (Shallow, Deep, paged, restricted, hidden folders and
//     PR_ATTR_HIDDEN), GetFolder, CreateFolder, UpdateFolder, DeleteFolder,
//     MoveFolder, CopyFolder, with the distinguished folder ids the
//     mailboxes have (root, msgfolderroot, inbox, drafts, sentitems,
//     deleteditems, junkemail, outbox, archive, conversationhistory,
//     scheduled, searchfolders, syncissues and its children,
//     recoverableitemsdeletions, and calendar and contacts, shown as
//     CalendarFolder and ContactsFolder), with or without a Mailbox element.
//   - CreateAttachment (file and item attachments, each answered with the
//     item's change key as it left it), GetAttachment, DeleteAttachment. A
//     request over the virtual directory's 64 MiB limit is refused by IIS
//     (404.13) before sign-in.
//   - SyncFolderItems (SyncState, MaxChangesReturned up to 512, Ignore,
//     IncludesLastItemInRange; Create, Update, Delete, and ReadFlagChange
//     for a change of the read flag alone) and SyncFolderHierarchy, over
//     the change tracking Graph delta uses; a garbled state, or one made
//     for another folder, is ErrorInvalidSyncStateData.
//   - GetUserOofSettings and SetUserOofSettings, over the mailbox settings
//     Graph shows; GetInboxRules and UpdateInboxRules (create, set, delete
//     as one batch that a refused operation leaves undone, with
//     ErrorInboxRulesValidationError naming it), over Graph's messageRules.
//
// Ids are the store's, written in standard base64 (the same id Graph and
// REST v2.0 give, in Office.js's REST alphabet: '-' for '/', '_' for '+'),
// and change keys, which every write changes, are the ones in the REST
// hosts' ETags. Unknown ids are ErrorItemNotFound or ErrorFolderNotFound,
// ids that are not Exchange ids ErrorInvalidIdMalformed.
//
// Injected faults act on EWS as on the other hosts; a fault's Status on
// /EWS/ answers Exchange's throttling SOAP fault (ErrorServerBusy by
// default, HTTP 500, the back-off in BackOffMilliseconds), see Fault.
//
// Not served over EWS, and answered 501 with a SOAP fault naming what is
// missing: calendar items, contacts and tasks are not served over EWS yet: calendar
// items, calendar views and occurrence ids, meeting messages and
// responses, contacts and distribution lists, tasks, search folders,
// public folders and archive mailboxes, and the other EWS operations
// (ResolveNames, GetUserAvailability, Subscribe and notifications,
// ConvertId, ExportItems and UploadItems, delegates, user configuration,
// ...). FindItem on a calendar or contacts folder answers 501 too; those
// folders are shown read-only. SOAP 1.2 envelopes answer VersionMismatch.
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
// bodies, a hostile result URL); SetSRV publishes DNS SRV records and
// LookupSRV answers them: the SDK's clients given Client or Transport ask it
// instead of DNS, and SRVLookups lists what they asked.
//
// # Faults and the request log
//
// Inject adds a Fault: throttling with Retry-After, 5xx, latency, a
// connection dropped before or after the request body or after the
// response's headers, a body cut short with its full length declared or
// with a length that matches the cut, scoped by host, method, path pattern,
// a count or a seeded rate whose draws replay however concurrent requests
// interleave. Faults act before authentication on every host, the issuer and
// Autodiscover included. Requests returns every request received (host,
// path, whether a token was sent and for which audience, status, fault), for
// tests that assert what the client did; MaxInFlight, the most requests for
// one mailbox the fake had at once, for tests of a client's per-mailbox
// concurrency limit.
//
// # Mailboxes and OData
//
// Mailboxes hold folders (with the well-known names), messages,
// attachments, calendars, events, contact folders, contacts, Focused Inbox
// overrides, Inbox rules and mailbox settings, as generic JSON objects with
// Graph names; Mailbox.Add and Mailbox.Seed fill them, Mailbox.Items,
// Mailbox.Get and Mailbox.Settings read them. A mailbox's id is the user's
// object id (the oid of the id_tokens the issuer signs), so /users/{oid}
// reaches it and /me answers it. Both REST dialects serve:
//
//   - generic CRUD on every collection, ETags and If-Match (412),
//     server-driven paging with next links (odata.maxpagesize honoured),
//     Graph delta and v2.0 track-changes, and JSON $batch (20 requests,
//     dependsOn, 424);
//   - messages: move, copy, send, sendMail (delivered to any mailbox on the
//     server, whichever host serves it), reply, replyAll, forward and their
//     create* drafts; the MIME of a message (GET .../$value, an RFC 5322
//     message: From, Sender, To, Cc, Bcc, Reply-To, Subject, Date,
//     Message-ID, custom x- headers, MIME-Version, the body as one
//     quoted-printable text or HTML part, attachments as base64 parts of a
//     multipart/mixed, item attachments as message/rfc822); Graph only:
//     POST /messages and POST /sendMail with Content-Type text/plain and a
//     base64 MIME body (bad base64: 400 ErrorMimeContentInvalidBase64String;
//     unreadable MIME: 400 ErrorMimeContentConversionFailed), and
//     permanentDelete;
//   - attachments: add, list, get, delete, and the raw content (GET
//     .../attachments/{id}/$value: a file's bytes with its content type; an
//     item attachment as MIME, iCalendar or vCard; a reference attachment
//     405); Graph only: upload sessions (see below);
//   - mail folders: childFolders at any depth, move and copy (body
//     {"destinationId": id or well-known name}; Graph answers 200, v2.0 201;
//     a folder keeps its id on move, a copy gets new ids throughout;
//     distinguished folders cannot be moved, and no folder goes into itself
//     or its subfolders: 400), permanentDelete (Graph only; 204); a mail
//     folder, contact folder or calendar created, renamed, moved or copied
//     beside a sibling of the same name (case-insensitively) answers 409
//     ErrorFolderExists in both dialects (Mailbox.Add does not check);
//   - mailbox settings: GET and PATCH /mailboxSettings and GET of each
//     setting (/mailboxSettings/timeZone answers {"value": ...}, complex
//     settings their object); v2.0 /MailboxSettings without Graph's
//     dateFormat, timeFormat, delegateMeetingMessageDeliveryOptions and
//     userPurpose. A new mailbox has time zone UTC, language en-US,
//     automatic replies disabled (external audience all), working hours
//     Monday to Friday 08:00-17:00 UTC. PATCH merges inside a complex
//     setting, answers the settings it named, and refuses read-only and
//     unknown settings, unknown time zones and locales, and scheduled
//     automatic replies whose end is not after their start (400);
//   - Focused Inbox overrides at /inferenceClassification/overrides (v2.0
//     /InferenceClassification/Overrides): create 201, list, get, PATCH of
//     classifyAs 200, DELETE 204; a second POST for a sender who has an
//     override changes that override;
//   - Inbox rules at /mailFolders/inbox/messageRules (Graph only): CRUD,
//     sequence defaulting to after the last rule, isEnabled to true,
//     hasError and isReadOnly server-set. Rules run on every message the
//     server delivers (mail sent from any mailbox over Graph, REST v2.0 or
//     EWS, meeting messages, Mailbox.Deliver; not Mailbox.Add), in
//     sequence order, disabled rules skipped: the conditions and
//     exceptions subjectContains, bodyContains, bodyOrSubjectContains,
//     senderContains, fromAddresses, sentToAddresses, recipientContains,
//     sentToMe, notSentToMe, sentCcMe, sentToOrCcMe, sentOnlyToMe,
//     importance, sensitivity, hasAttachments, categories, headerContains,
//     isMeetingRequest and isMeetingResponse (a rule setting any other
//     never fires), and the actions moveToFolder, copyToFolder, delete,
//     permanentDelete, markAsRead, markImportance, assignCategories,
//     forwardTo, redirectTo, forwardAsAttachmentTo (to mailboxes of the
//     server) and stopProcessingRules.
//
// Upload sessions: POST .../attachments/createUploadSession (messages and
// events) with {"AttachmentItem": {"attachmentType": "file", "name",
// "size", ...}} for 3 MB to 150 MB answers 201 with an uploadUrl on
// outlook.office.com, expirationDateTime (an hour, by WithClock's clock) and
// nextExpectedRanges ["0-"]. The URL carries its own credential: PUT it
// without an Authorization header (one is refused with 401), with
// Content-Range "bytes first-last/total", chunks in order. Each chunk but
// the last answers 200 with ExpirationDateTime and NextExpectedRanges
// (["<next byte>"], PascalCase: the upload host speaks v2.0); the last
// answers 201 with an empty body and the new attachment's URL in Location.
// A chunk out of order answers 416 and a malformed one 400; neither ends the
// session, nor does a chunk lost to a fault, so a client resumes from GET
// {uploadUrl}, which answers the session's state. DELETE {uploadUrl}
// abandons the session (204).
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
// Still answered with 501 (naming the operation): $expand of anything but
// attachments (extensions, extended properties, item attachments' item,
// ...), multipart $batch, PATCH or DELETE of a single occurrence of a
// series, getSchedule, cancelling a single occurrence, contact photos, open
// extensions, and any other path or action this comment does not name.
// Calendar views, instances, the reminders view (reminderView, from the
// stored events, recurrences expanded), findMeetingTimes (times proposed
// from the stored free/busy, every 30 minutes of the first time slot,
// working hours not applied), the attendee responses accept,
// tentativelyAccept and decline, dismissReminder and snoozeReminder are
// served, and event cancel (organizer only) and forward in Graph (v2.0 had
// them in beta only and answers 404). Meeting invitations are not
// delivered to attendees' mailboxes.
//
// # Known differences from the real services
//
//   - Tokens are opaque, not JWTs: code that decodes an access token will
//     not find claims. id_tokens are signed JWTs (ES256) with the claims
//     MSAL reads.
//   - The issuer does not check consent, redirect URI registration or
//     client secrets of unregistered apps; delegated scopes are granted as
//     asked ("/.default" grants Mail.ReadWrite, Mail.Send,
//     Calendars.ReadWrite, Contacts.ReadWrite). An app-only token is good
//     for its own tenant's mailboxes only (403 ErrorAccessDenied elsewhere).
//     Scopes are not checked: a delegated token reaches another user's
//     items without the .Shared scopes Graph asks for.
//   - Expiry is checked against WithClock's clock, client assertions too;
//     waits (latency faults, device-code polling) use real time.
//   - Autodiscover v2 error answers other than InvalidProtocol (a missing
//     address, an address a domain's host does not know) are the fake's
//     choice: Microsoft documents none. What Exchange Online does at the end
//     of its redirect for an unknown address is unknown; the fake keeps
//     redirecting, so only a client that detects the loop stops early.
//   - The retired cloud Outlook REST API (outlook.office.com/api) answers
//     404; Exchange Online's EWS, ActiveSync and classic (POX) Autodiscover
//     answer 501.
//   - x-ms-diagnostics codes other than 2000003 (invalid audience) are
//     approximations.
//   - Only HTTP/1.1 is served, so that faults can drop connections.
//   - EWS: answers claim Exchange Server 2019 (15.2.1544, schema
//     V2017_07_11) whatever RequestServerVersion asked; TimeZoneContext
//     and DateTimePrecision are accepted and ignored (times are UTC, to the
//     second); ItemClass and Sensitivity of messages are kept for EWS only,
//     folder permissions not at all; In-Reply-To and References headers are
//     not kept; Size is an estimate. The directory has no SIDs (a SID in
//     ConnectingSID names nobody), and Basic is enabled on every host.
//     GetAttachment writes an attachment's AttachmentType properties,
//     which Microsoft's shortened examples leave out.
//   - Deleting a message moves it to Deleted Items (as Exchange does;
//     deleting it there removes it). Message ids change on every move,
//     and Prefer: IdType="ImmutableId" is ignored.
//   - Recurrence exceptions and cancelled occurrences are not modelled:
//     occurrences are computed from the master and are read-only.
//   - $search works on messages only; $expand on attachments only, and
//     options nested in $expand ($expand=attachments($select=name)) are
//     accepted but not applied.
//   - Prefer: outlook.timezone and event zones take IANA names and about
//     fourteen common Windows names; the HTML-to-text conversion of
//     outlook.body-content-type="text" is crude (tags out, entities
//     decoded, white space squeezed).
//   - v2.0 @odata.id values name mailboxes by SMTP address.
//   - Multipart $batch answers 501; only JSON batching is served.
//   - v2.0 track-changes on mail folders answers a plain list (folder
//     hierarchy sync never left preview).
//   - MIME: the body is written as a single part, also when inline
//     attachments would make Exchange write multipart/related; reference
//     attachments are left out; headers are not folded. Reading MIME takes
//     the HTML alternative over the text one, utf-8, us-ascii and latin-1
//     charsets (others are kept as bytes), and at most 8 levels of nesting
//     and 500 parts. GET .../$value is served on v2.0 too, where Microsoft
//     documents it nowhere (unverified on Exchange 2016/2019); MIME create
//     and send are Graph only (v2.0 answers 415 to text/plain).
//   - Graph refuses with 413 (code BadRequest, "The maximum request length
//     supported is 4MB.", as field reports show) a fileAttachment of more
//     than 3 MiB POSTed inline (on its own, in a new message or in
//     sendMail) and any request body over 4 MiB plus 64 KiB (room for the
//     JSON around a 3 MiB attachment; where exactly Graph cuts is not
//     documented). v2.0 hosts take bodies up to 64 MB (a real on-premises
//     limit is its own configuration).
//   - Upload sessions: the minimum size (3 MB, 400
//     ErrorAttachmentSizeShouldNotBeLessThanMinimumSize), the answer to an
//     out-of-order chunk (416 ErrorInvalidRange), to an Authorization header
//     (401), to an expired, finished or abandoned session (404) and the
//     session's GET are the fake's choices from field reports; Microsoft
//     documents only the happy path. Chunk sizes are not limited. A
//     message moved during an upload has a new id, so its last chunk
//     answers 404.
//   - On v2.0, operations only Graph has (Inbox rules, permanentDelete,
//     upload sessions) answer 404 RequestBroker--ParseUri "Resource not
//     found for the segment", as an Exchange server without them does;
//     rules on a folder other than the Inbox answer 400.
//   - Rules are listed in creation order. Calendar names clash within
//     their calendar group only, and v2.0's answer to a folder name clash
//     (409 ErrorFolderExists, as Graph's) is assumed, not verified.
//   - Operations the fake does not implement answer 501 naming them, never
//     a plausible empty success.
package outlooktest
