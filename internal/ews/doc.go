// Package ews serves the SDK's mailbox requests through Exchange Web
// Services, the SOAP API that on-premises Exchange (2016, 2019,
// Subscription Edition) serves at https://<host>/EWS/Exchange.asmx.
//
// It is a backend of package odata: the services (mail, calendar,
// contacts) build their requests in Graph terms as for any mailbox, and
// the odata client hands those requests to a [Backend], which calls EWS
// operations and answers in Graph JSON, so the models are decoded as they
// are from Microsoft Graph. The conversion between Graph JSON and EWS XML
// is driven by the models' wire tables (odata.Schema); this package owns
// the envelope, the XML reader and writer, the shapes of EWS's complex
// types, the element order EWS requires, and the mapping of EWS outcomes
// to *odata.Error.
//
// # What the backend relies on, and where Microsoft says so
//
// Pages are under https://learn.microsoft.com/en-us/exchange/client-developer/
// ("ews/" below is exchange-web-services/, "ref/" web-service-reference/).
//
//   - Schema version. Requests carry RequestServerVersion Exchange2013
//     ([RequestServerVersion]): the earliest with item:Flag and item:Preview
//     (ref/flag, ref/preview-ex15websvcsotherref: "introduced in Exchange
//     Server 2013"), which the mail model maps; inbox rules need
//     Exchange2010_SP1; the rest Exchange2007_SP1 (ews/ews-schema-versions-in-exchange:
//     "Version your requests with the earliest version of the EWS schema
//     that supports the functionality you want to use"). Exchange2013_SP1
//     adds propose-new-time, which the calendar will ask for per request.
//
//   - Impersonation. ExchangeImpersonation/ConnectingSID/SmtpAddress in the
//     SOAP header (ews/how-to-identify-the-account-to-impersonate), with
//     X-AnchorMailbox set to the mailbox: "When EWS Impersonation is used,
//     the X-AnchorMailbox should always be correctly set. Otherwise, you may
//     get error messages 500 or 503" (ews/impersonation-and-ews-in-exchange;
//     also ews/how-to-authenticate-an-ews-application-by-using-oauth).
//
//   - Ids. EWS ids are standard base64; the REST form (Outlook REST v2.0,
//     Graph's restId) writes '/' as '-' and '+' as '_', padding kept: that is
//     what Office.js's convertToRestId and convertToEwsId do
//     (github.com/OfficeDev/office-js, dist/outlook-web-16.01.debug.js).
//     Graph's ETags are W/"<changekey>".
//
//   - Distinguished folders. The DistinguishedFolderId names, and its Mailbox
//     child naming another mailbox's folder (ref/distinguishedfolderid); the
//     list has no "archive" (Graph's One-Click Archive folder), "clutter" or
//     "scheduled", which fail with odata.ErrNotSupported.
//
//   - Paging. FindItem and FindFolder return at most EWSFindCountLimit items
//     (default 1000; 250 for a search with a restriction or AQS, Exchange
//     2013 and later), and may return a partial page: follow
//     IndexedPagingOffset until IncludesLastItemInRange is true
//     (ews/ews-throttling-in-exchange). $top is capped at 1000 and next links
//     start where the server said.
//
//   - FindItem "does not return any of the message body formats or the
//     recipient lists" (ref/finditem-operation); categories, attachments,
//     headers and the other properties ews/email-properties-and-elements-in-ews-in-exchange
//     marks "No" come from GetItem too, so a page that needs them takes one
//     batched GetItem. FindItem traverses Shallow, SoftDeleted or Associated
//     only (ref/finditem), so the whole mailbox is searched by giving
//     FindItem every mail folder that holds items (ref/parentfolderids: "An
//     unlimited number of folders can be defined for the search"). It
//     answers one response message per folder, each paged on its own (the
//     EWS Managed API reads as many as there are parent folders:
//     Core/Requests/FindRequest.cs), so a page of the whole mailbox is a
//     merge of the folders' sorted pages, and its next link keeps each
//     folder's offset.
//
//   - Batches. EWS checks the caller's budget after each item of a batch
//     and gives a batch one minute (ews/ews-throttling-in-exchange,
//     "Throttling implications for EWS batch requests"): GetItem batches
//     hold at most 100 ids, GetAttachment batches 20.
//
//   - ErrorServerBusy. HTTP 500 with a SOAP fault carrying the code and a
//     BackOffMilliseconds hint, or HTTP 200 with ErrorInternalServerError and
//     an inner ErrorServerBusy (ews/ews-throttling-in-exchange, table 4). The
//     fault's detail holds ResponseCode, Message and MessageXml/Value
//     Name="BackOffMilliseconds", as the EWS Managed API reads it
//     (github.com/OfficeDev/ews-managed-api, Misc/SoapFaultDetails.cs and
//     Core/Responses/ServiceResponse.cs). [ServerBusyBackOff] recognises it
//     for the transport's retry policy; errors carry it as RetryAfter.
//
//   - Links and addresses. An item's webLink is its
//     WebClientReadFormQueryString, "a URL to concatenate to the Outlook
//     Web App endpoint" (ref/webclientreadformquerystring), added to
//     https://<EWS host>/owa/, where Outlook on the web lives beside EWS.
//     FindItem and SyncFolderItems write the organisation's mailboxes with
//     their X.500 address (RoutingType EX); the items that hold one are
//     read again with GetItem, which gives SMTP addresses, as Graph does.
//
//   - Response codes and their meaning (ref/responsecode); how they map to
//     odata's sentinels is in errors.go.
//
//   - Extended properties. ExtendedFieldURI with PropertyTag (hexadecimal or
//     a short integer), or PropertySetId or DistinguishedPropertySetId with
//     PropertyName or PropertyId (ref/extendedfielduri); the distinguished
//     sets' GUIDs are those of "Commonly used property sets"
//     (https://learn.microsoft.com/en-us/office/client-developer/outlook/mapi/commonly-used-property-sets).
//     A folder's hidden flag is PR_ATTR_HIDDEN, 0x10F4 Boolean
//     (ews/how-to-work-with-hidden-folders-by-using-ews-in-exchange); a
//     message's flag status is restricted on PidTagFlagStatus, 0x1090.
//
//   - Writes. SendItem, UpdateItem and UpdateFolder want the item's current
//     change key (ref/responsecode, ErrorChangeKeyRequiredForWriteOperations):
//     an If-Match gives it (a stale one answers ErrorIrresolvableConflict or
//     that code: odata.ErrPreconditionFailed); otherwise SendItem and the
//     response objects fetch it first, and an overwriting update that is
//     refused for want of it is sent once more with it. CreateItem's
//     MessageDisposition is SaveOnly (drafts), SendAndSaveCopy or SendOnly
//     (ref/createitem); file attachments may go inline in CreateItem
//     (ews/how-to-add-attachments-by-using-ews-in-exchange). MoveItem and
//     CopyItem ask ReturnNewItemIds (ref/returnnewitemids, Exchange 2010
//     SP1). Custom Internet headers of a draft are extended properties of the
//     InternetHeaders set. Replies and forwards are ReplyToItem,
//     ReplyAllToItem and ForwardItem with ReferenceItemId and NewBodyContent
//     (ews/how-to-respond-to-email-messages-by-using-ews-in-exchange).
//
//   - Change tracking. SyncFolderItems cannot return bodies or attachments
//     (ref/syncfolderitems-operation); MaxChangesReturned lies in 1..512
//     (ref/maxchangesreturned); ErrorInvalidSyncStateData says the state is
//     no longer usable (odata.ErrGone: start over).
//
//   - Automatic replies are GetUserOofSettings/SetUserOofSettings, naming the
//     mailbox by address (ref/getuseroofsettings-operation,
//     ref/setuseroofsettings-operation). Inbox rules are GetInboxRules and
//     UpdateInboxRules with RemoveOutlookRuleBlob, whose answers carry
//     ResponseClass on the response element
//     (ews/how-to-manage-inbox-rules-by-using-ews-in-exchange).
//
//   - Calendars and contacts. Calendar views are FindItem with a
//     CalendarView, at most two years a request (ref/calendarview); a
//     view's change tracking follows the calendar's SyncFolderItems and
//     expands a changed series again (calsync.go). Free/busy is
//     GetUserAvailability, at most 42 days and 100 mailboxes
//     (ref/getuseravailability-operation); reminders are
//     PerformReminderAction (ref/performreminderaction-operation, Exchange
//     2013), whose answer carries ResponseClass on the response element. A
//     contact's dictionaries are written entry by entry (IndexedFieldURI),
//     its title as PidTagDisplayNamePrefix (0x3A45) and its company's
//     phonetic name as PidLidYomiCompanyName (Address, 0x802E); its photo
//     is a file attachment with IsContactPhoto
//     (ews/how-to-get-user-photos-by-using-ews-in-exchange). Calendar
//     groups and calendar colors have no EWS form: odata.ErrNotSupported.
//
//   - Change notifications are streaming subscriptions behind
//     odata.Pusher (streaming.go): Subscribe with a
//     StreamingSubscriptionRequest, which takes no watermark, then
//     GetStreamingEvents with a ConnectionTimeout of 1 to 30 minutes
//     (ref/connectiontimeout), one SOAP envelope per batch of
//     notifications in one long answer, the last with ConnectionStatus
//     Closed, and Unsubscribe, valid for streaming subscriptions. Affinity
//     is X-AnchorMailbox and X-PreferServerAffinity on the requests and the
//     X-BackEndOverrideCookie the Subscribe answer sets
//     (ews/how-to-maintain-affinity-between-group-of-subscriptions-and-mailbox-server);
//     a lost subscription answers ErrorSubscriptionNotFound and its kin
//     (ews/handling-notification-related-errors-in-ews-in-exchange).
//
// Every request shape is checked against the published request examples
// of its operation, and every response shape read from the published
// response examples (../shared/testdata/external/ews-samples).
package ews
