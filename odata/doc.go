// Package odata is the SDK's generic OData v4 JSON client: requests, queries,
// paging, change tracking and errors, in the two wire dialects of Exchange
// mailboxes.
//
// A [Client] is bound to one service root, one [Dialect] and one token
// source. [Graph] is Microsoft Graph v1.0 (Exchange Online mailboxes);
// [OutlookV2] is the Outlook REST API v2.0 that on-premises Exchange 2016 and
// 2019 servers serve under /api/v2.0. The model packages (mail, calendar,
// contacts) describe their data once, with Graph names; the dialect respells
// paths, query options, JSON property names, enum values and @odata.type
// names for v2.0 in one place, from the table each model type carries
// ([Mapped]): its [Schema] spells every property in Graph, v2.0 and EWS.
//
// # Requests
//
// The typed helpers [Get], [List], [Create], [Update], [Delete], [Invoke] and
// [Action] take a context first and a [Path] whose caller values are escaped:
//
//	msg, err := odata.Get[mail.Message](ctx, c, odata.PathOf("messages/{}", id), nil)
//
// # Queries
//
// A [Query] carries $select, $filter, $orderby, $top, $skip, $expand, $search
// and $count, plus the Prefer settings ([Prefer]). Filters are built from
// typed fields that model packages declare once, so a misspelled property
// does not compile and no value can break out of its literal:
//
//	q := &odata.Query{
//		Filter:  mail.IsRead.Eq(false).And(mail.ReceivedDateTime.Ge(since)),
//		OrderBy: odata.Desc(mail.ReceivedDateTime),
//	}
//
// [RawFilter] is the escape hatch for what the builder cannot express; it is
// sent as written.
//
// # Paging and change tracking
//
// [List] returns an iter.Seq2 that follows @odata.nextLink lazily, one page
// in memory; breaking out of the loop stops the requests. [ListPage] and
// [NextPage] expose the links, so a long listing can resume after a crash.
// [Sync] runs change tracking (Graph /delta, v2.0 odata.track-changes) with
// one opaque, resumable state string.
//
// # Decoding and its limits
//
// Answers are decoded as they stream in, a page one item at a time, so that
// memory follows the bytes received rather than what they would decode
// into. A response is refused with a [*LimitError] (matching
// [ErrResponseTooLarge]) past 256 MiB, 2000 items in a page (twice the most
// Exchange sends), 262,144 array elements in all or 1000 levels of nesting;
// a body declared larger than the limit is refused before it is read. A
// list answer without its collection, and an entity answer without the id
// its [Schema] has, are [ErrEmptyResponse].
//
// # Batching
//
// [Client.NewBatch] collects requests and sends them in JSON $batch calls of
// up to 20 (dependsOn honoured, results in the order added, each with its
// own error); where a server has no $batch it falls back to individual
// requests, at most 4 at a time, in dependency order.
//
// # Errors
//
// A non-2xx answer is an [*Error] with the status, OData code, message,
// request ids and Retry-After; errors.Is matches it against [ErrNotFound],
// [ErrUnauthorized], [ErrForbidden], [ErrThrottled], [ErrConflict],
// [ErrPreconditionFailed], [ErrNotSupported] and [ErrGone]. Bad input (an
// empty id, a negative $top) is refused before any request with an error
// wrapping [ErrInvalidPath] or [ErrInvalidQuery].
package odata
