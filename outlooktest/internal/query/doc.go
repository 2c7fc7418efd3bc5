// Package query evaluates OData system query options ($filter, $orderby,
// $select, $expand, $top, $skip, $count, $search) against plain JSON data,
// as the fake Exchange in outlooktest answers list requests.
//
// It is a server-side implementation written from the OData specification
// and Graph's documented behaviour, independent of the SDK's query builder
// (it imports no SDK package), so that a bug shared by both cannot hide.
//
// Entities are map[string]any as encoding/json decodes them, with Graph
// (camelCase) names. Numbers may be float64 or json.Number (decoding with
// UseNumber), or Go integers when a test seeds data directly; collections may
// be []any, []string or []map[string]any. A Schema gives each property path a
// Kind, so that queries are type-checked the way Graph checks them.
//
// Names in queries match case-insensitively (the v2.0 dialect sends
// "Subject", Graph "subject"); string equality and the string functions
// ignore case, as Exchange does, while gt/ge/lt/le compare strings ordinally.
//
// A handler splits the raw query with ParseRawQuery (r.URL.Query drops, without
// a word, every pair holding a ';', such as $expand=attachments($select=name;$top=1)),
// validates it with ParseOptions, then filters with Options.Filter and
// Options.Search, sorts with Options.OrderBy, pages with Top and Skip and
// renders with Project. Absent options are nil and act as no-ops. Every
// error is an *Error carrying the status and OData code to answer with.
//
// Known differences from Graph:
//   - Only startswith, endswith and contains are functions; arithmetic, has,
//     cast, isof, $it, all, JSON literals and parameter aliases answer 400,
//     as Graph does on Outlook resources.
//   - Graph restricts which properties each operator may use (contains on
//     some, any() on emailAddresses only with eq on address); this package
//     accepts every declared property with every operator.
//   - $search is substring matching over a KQL subset, not Exchange's
//     word-prefix index; received:, sent: and size: answer 501.
//   - Enum members are not checked against the enum's type, which the
//     Schema does not describe.
package query
