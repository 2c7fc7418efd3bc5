package rest

// Rich notifications (includeResourceData): the changed item, encrypted
// for the subscriber's certificate as Graph documents it.

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"net/http"
)

// richCert is the certificate a rich subscription's items are encrypted
// for.
type richCert struct {
	id, thumbprint string
	key            *rsa.PublicKey
}

// parseRichCert reads a subscription's encryptionCertificate (base64 DER)
// and encryptionCertificateId; Graph refuses includeResourceData without
// them.
func parseRichCert(b64, id string) (*richCert, *apiError) {
	if b64 == "" || id == "" {
		return nil, errorf(http.StatusBadRequest, "ValidationError",
			"An encryptionCertificate and an encryptionCertificateId are required when includeResourceData is true.")
	}
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "ValidationError", "The encryptionCertificate is not valid base64.")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "ValidationError", "The encryptionCertificate is not a valid certificate.")
	}
	key, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok || key.N.BitLen() < 2048 || key.N.BitLen() > 4096 {
		return nil, errorf(http.StatusBadRequest, "ValidationError", "The encryptionCertificate must have an RSA public key of 2048 to 4096 bits.")
	}
	sum := sha1.Sum(der)
	return &richCert{id: id, thumbprint: hex.EncodeToString(sum[:]), key: key}, nil
}

// encrypt makes a notification's encryptedContent of plain: a fresh
// 256-bit key encrypts it with AES-CBC (IV: the key's first 16 bytes,
// PKCS#7 padding) and signs the ciphertext with HMAC-SHA256, and travels
// encrypted for the certificate with RSA-OAEP (SHA-1).
func (r *richCert) encrypt(plain []byte) Object {
	key := make([]byte, 32)
	rand.Read(key)
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := make([]byte, len(plain)+pad)
	copy(buf, plain)
	for i := len(plain); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	block, _ := aes.NewCipher(key)
	cipher.NewCBCEncrypter(block, key[:aes.BlockSize]).CryptBlocks(buf, buf)
	mac := hmac.New(sha256.New, key)
	mac.Write(buf)
	wrapped, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, r.key, key, nil)
	if err != nil {
		return nil // a key too small for OAEP: the notification goes without
	}
	return Object{
		"data":                            base64.StdEncoding.EncodeToString(buf),
		"dataSignature":                   base64.StdEncoding.EncodeToString(mac.Sum(nil)),
		"dataKey":                         base64.StdEncoding.EncodeToString(wrapped),
		"encryptionCertificateId":         r.id,
		"encryptionCertificateThumbprint": r.thumbprint,
	}
}
