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

// Item returns an Exchange-looking REST id: "AAMkAG" and URL-safe base64 of
// random bytes. Ids are case-sensitive.
func Item() string {
	return "AAMkAG" + base64.RawURLEncoding.EncodeToString(Random(33))
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
