// Package security holds no code: its tests are the standing proof that
// the SDK keeps what it is trusted with where it belongs, whatever a
// server answers.
//
// Links: every kind of link a server hands the SDK (a listing's nextLink,
// a sync round's nextLink and deltaLink, an attachment upload session's
// URL, an Autodiscover answer's URL) pointing at every kind of foreign
// target (another scheme, port, subdomain, parent domain, domain, a look-
// alike name, user info, a loopback address), and every redirect status
// sending each request there, through the public API: the target receives
// nothing, every token goes only to the host it was minted for, bodies go
// nowhere else, and the refusal is a typed error.
//
// Secrets: every secret the tests can see on the wire (access, refresh and
// id tokens, client secrets and assertions, device and user codes, OAuth
// codes and verifiers, upload URLs' authtokens, Authorization headers)
// never appears in a log record, at any level, nor in the text of an error
// returned, through every credential kind and the failures a bad server
// causes.
package security
