// Package item holds the types that messages, events and contacts share:
// addresses and recipients, bodies, importance and sensitivity, follow-up
// flags, locations, dateTimeTimeZone values, extended properties and the
// common base of Outlook items, with the typed query fields that address
// them. It has no operations; the mail, calendar and contacts packages embed
// and reference these types.
//
// The types carry Microsoft Graph v1.0 names. Each one carries its wire
// mapping (WireSchema: the Graph, Outlook REST v2.0 and EWS spelling of every
// property and enum value, such as the v2.0 "HTML" body type or an extended
// property's "PropertyId"), which package odata reads to translate bodies and
// queries, so the same values decode from every service.
//
// Enum types are strings. Values this package does not know decode unchanged
// (Graph adds members over time); known values decode to the package's
// constants whatever their case, so a switch on them works for either
// service.
package item
