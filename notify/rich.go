package notify

// Rich notifications: subscriptions with includeResourceData, whose
// notifications carry the changed item encrypted for the application's
// certificate (encryptedContent), as Microsoft Graph documents them.

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ResourceData asks Graph to include the changed item in each change
// notification (a "rich" notification), encrypted with the public key of
// Certificate: the Receiver given the matching private key (an
// EncryptionKey with the same ID) verifies and decrypts it, and the
// application reads the item with Notification.Decode without a request
// for it. Deleted items carry no data.
type ResourceData struct {
	// Certificate is the application's X.509 certificate (DER, as
	// x509.Certificate.Raw holds it), with an RSA public key of 2048 to
	// 4096 bits; it may be self-signed (Graph uses only its key). Required.
	Certificate []byte
	// CertificateID names the certificate; Graph sends it back with every
	// notification so the receiver picks the key. Required: give a new
	// id to a new certificate, and keep the old key in the receiver until
	// the subscriptions made with it are renewed with the new one.
	CertificateID string
	// Select lists the item's properties the notifications carry
	// ("subject", "from", "receivedDateTime"). Required: Graph sends only
	// the properties the subscription's $select names, and never the body
	// or uniqueBody (bodyPreview is the body's start).
	Select []string
}

// MaxRichExpiry is the longest a Graph subscription with resource data to
// Outlook resources lives: 1,440 minutes (a day). Create asks for it
// when given ResourceData (and no shorter Expiry); Subscribe renews
// before it passes.
const MaxRichExpiry = 1440 * time.Minute

// EncryptionKey is a private key the Receiver decrypts rich notifications
// with: the key of the certificate given to Create as ResourceData.
type EncryptionKey struct {
	// ID is the ResourceData.CertificateID the subscriptions were made
	// with.
	ID  string
	Key *rsa.PrivateKey
}

// maxRichRequestBytes caps a notification request's body when the
// receiver takes rich notifications: a batch of items with their bodies.
const maxRichRequestBytes = 8 << 20

// maxDataKey caps the encrypted symmetric key: an RSA block of a 16,384-bit
// key at most.
const maxDataKey = 2048

// wireEncrypted is a notification's encryptedContent.
type wireEncrypted struct {
	Data                            string `json:"data"`
	DataSignature                   string `json:"dataSignature"`
	DataKey                         string `json:"dataKey"`
	EncryptionCertificateID         string `json:"encryptionCertificateId"`
	EncryptionCertificateThumbprint string `json:"encryptionCertificateThumbprint"`
}

// lenient reads an item as the odata package reads Graph's answers: a
// repeated name or invalid UTF-8 in a subject must not lose the item.
var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// The reasons a rich notification is refused; none carries a secret.
var (
	errUnknownCertificate = errors.New("notify: encrypted with an unknown certificate id")
	errDataKey            = errors.New("notify: the data key does not decrypt with the certificate's key")
	errSignature          = errors.New("notify: the data signature does not match")
	errCiphertext         = errors.New("notify: the encrypted data is malformed")
	errPadding            = errors.New("notify: the decrypted data has bad padding")
)

// check refuses, before any request, what Graph would refuse
// or the receiver could not decrypt.
func (d *ResourceData) check() (string, error) {
	if d.CertificateID == "" {
		return "", fmt.Errorf("notify: rich notifications need a certificate id")
	}
	if len(d.Select) == 0 {
		return "", fmt.Errorf("notify: rich notifications need the properties to carry (ResourceData.Select)")
	}
	for _, p := range d.Select {
		if p == "" || strings.ContainsAny(p, ",?&#$()/ ") {
			return "", fmt.Errorf("notify: %q is not a property name for $select", p)
		}
		if strings.EqualFold(p, "body") || strings.EqualFold(p, "uniqueBody") {
			return "", fmt.Errorf("notify: Graph does not send %s in rich notifications (select bodyPreview)", p)
		}
	}
	cert, err := x509.ParseCertificate(d.Certificate)
	if err != nil {
		return "", fmt.Errorf("notify: the encryption certificate: %w", err)
	}
	if k, ok := cert.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() < 2048 || k.N.BitLen() > 4096 {
		return "", fmt.Errorf("notify: the encryption certificate's key must be RSA of 2048 to 4096 bits, as Graph requires")
	}
	return base64.StdEncoding.EncodeToString(d.Certificate), nil
}

// withSelect appends $select to a subscription's resource.
func withSelect(res string, sel []string) string {
	if len(sel) == 0 {
		return res
	}
	return res + "?$select=" + strings.Join(sel, ",")
}

// decryptContent verifies and decrypts one encryptedContent as Graph
// makes it: the symmetric key (dataKey) under RSA-OAEP with SHA-1, an
// HMAC-SHA256 of the ciphertext under that key (dataSignature), checked
// before anything is decrypted with it, and the data under AES-256-CBC
// whose IV is the key's first 16 bytes, PKCS#7-padded.
func decryptContent(e *wireEncrypted, keys map[string]*rsa.PrivateKey) ([]byte, error) {
	priv := keys[e.EncryptionCertificateID]
	if priv == nil {
		return nil, errUnknownCertificate
	}
	if base64.StdEncoding.DecodedLen(len(e.DataKey)) > maxDataKey {
		return nil, errDataKey
	}
	wrapped, err := base64.StdEncoding.DecodeString(e.DataKey)
	if err != nil {
		return nil, errDataKey
	}
	key, err := rsa.DecryptOAEP(sha1.New(), nil, priv, wrapped, nil)
	if err != nil || len(key) != 32 {
		return nil, errDataKey
	}
	data, err := base64.StdEncoding.DecodeString(e.Data)
	if err != nil {
		return nil, errCiphertext
	}
	sig, err := base64.StdEncoding.DecodeString(e.DataSignature)
	if err != nil {
		return nil, errSignature
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(data)
	if !hmac.Equal(mac.Sum(nil), sig) {
		return nil, errSignature
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, errCiphertext
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, errCiphertext
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, key[:aes.BlockSize]).CryptBlocks(plain, data)
	// The signature was checked: no padding oracle can be made of this.
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, errPadding
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			return nil, errPadding
		}
	}
	plain = plain[:len(plain)-pad]
	if !jsontext.Value(plain).IsValid(lenient) {
		return nil, errCiphertext
	}
	return plain, nil
}

// HasResourceData reports whether the notification carries the changed
// item (a rich notification, decrypted and verified by the Receiver).
func (n Notification) HasResourceData() bool { return n.data != "" }

// ResourceData returns the changed item as Graph sent it in a rich
// notification: a JSON object with the properties the subscription
// selected (nil when the notification carries none). The caller owns the
// bytes.
func (n Notification) ResourceData() []byte {
	if n.data == "" {
		return nil
	}
	return []byte(n.data)
}

// Decode decodes the changed item of a rich notification into v, a
// pointer to the service's model of the notification's Kind (a
// *mail.Message for Messages, a *calendar.Event for Events, a
// *contacts.Contact for Contacts). It reports ErrNoResourceData for a
// notification without it.
func (n Notification) Decode(v any) error {
	if n.data == "" {
		return ErrNoResourceData
	}
	if err := json.Unmarshal([]byte(n.data), v, lenient, json.MatchCaseInsensitiveNames(true)); err != nil {
		return fmt.Errorf("notify: decoding the resource data of %s %s: %w", n.Kind, n.ID, err)
	}
	return nil
}

// ErrNoResourceData is Decode's answer for a notification without the
// changed item: a subscription without ResourceData, a deleted item, or a
// lifecycle notification.
var ErrNoResourceData = errors.New("notify: the notification carries no resource data")
