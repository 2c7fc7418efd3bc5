// Package item holds the types that messages, events and contacts share:
// addresses and recipients, bodies, importance and sensitivity, follow-up
// flags, locations, dateTimeTimeZone values, extended properties and the
// common base of Outlook items, with the typed query fields that address
// them. It has no operations; the mail, calendar and contacts packages embed
// and reference these types.
//
// The types carry Microsoft Graph v1.0 names. Outlook REST v2.0 bodies are
// translated by package odata from the tables this package registers when it
// is imported (the v2.0 "HTML" body type, PascalCase enum values, an extended
// property's "PropertyId"), so the same values decode from both services.
//
// Enum types are strings. Values this package does not know decode unchanged
// (Graph adds members over time); known values decode to the package's
// constants whatever their case, so a switch on them works for either
// service.
package item
