// Package ids mints the identifiers the fake server hands out: Exchange
// item ids, random GUIDs, GUIDs derived from a name (tenant and user object
// ids, stable across runs), and opaque random tokens.
package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// itemBytes is the length of the binary ids Item mints: in base64, 52
// characters ending in one "=", as Exchange's ids end in padding.
const itemBytes = 38

// Item returns an Exchange-looking id in its REST form: the standard base64
// of binary bytes that start as Exchange's store ids do (00 03 24 00 6x,
// "AAMkAG" in base64), padding kept, written with the REST alphabet of
// EWSToREST. EWSFromREST gives the same id as EWS writes it. Ids are
// case-sensitive.
func Item() string {
	b := Random(itemBytes)
	b[0], b[1], b[2], b[3] = 0x00, 0x03, 0x24, 0x00
	b[4] = 0x60 | b[4]&0x0f
	return EWSToREST(base64.StdEncoding.EncodeToString(b))
}

// EWSToREST returns the REST form (Outlook REST v2.0, and the id Graph
// and the fake hand out) of an id as EWS writes it: the same characters
// with '/' written '-' and '+' written '_', as Office.js's convertToRestId
// does. (Not RFC 4648's URL alphabet, which swaps the two.)
func EWSToREST(ewsID string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '/':
			return '-'
		case '+':
			return '_'
		}
		return r
	}, ewsID)
}

// EWSFromREST returns the EWS form of a REST id, undoing EWSToREST.
func EWSFromREST(restID string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-':
			return '/'
		case '_':
			return '+'
		}
		return r
	}, restID)
}

// GUID returns a random version-4 UUID string.
func GUID() string {
	b := Random(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// FromName derives a stable, GUID-shaped id from a name, so tenant and user
// ids are the same in every run (and in Example output).
func FromName(name string) string {
	sum := sha256.Sum256([]byte("outlooktest:" + name))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80 // version 8: custom
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// User is the directory object id of the user of a mailbox, whatever the
// case of the address: the oid of the id_tokens the issuer signs and the
// mailbox's id in /users/{id}.
func User(smtp string) string { return FromName("user:" + strings.ToLower(smtp)) }

// Token returns n random bytes, base64url encoded.
func Token(n int) string { return base64.RawURLEncoding.EncodeToString(Random(n)) }

// Random returns n random bytes.
func Random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// minIDBytes is the least an id of Exchange's decodes to. Exchange reads
// an id as base64 of a store id structure (a moniker, the entry id and
// type bytes: dozens of bytes); the fake's own item ids are 38. Anything
// shorter cannot be parsed as one.
const minIDBytes = 16

// WellFormed reports whether id could be an Exchange id in REST form:
// standard base64 with its padding, in the REST alphabet of EWSToREST, of at
// least minIDBytes. Exchange answers an id it cannot parse with 400
// ErrorInvalidIdMalformed, and one it parses but does not hold with 404
// ErrorItemNotFound; this is the line between the two.
func WellFormed(id string) bool {
	if strings.ContainsAny(id, "/+") { // EWS's alphabet, not REST's
		return false
	}
	b, err := base64.StdEncoding.DecodeString(EWSFromREST(id))
	return err == nil && len(b) >= minIDBytes
}
