package notify

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	outlookitem "github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/go-json-experiment/json"
)

// testKey is one RSA key for the package's tests: generating one under
// -race takes long enough to do once.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// seal encrypts plain for pub as Graph does, with padding pad applied by
// the caller's choice (nil: PKCS#7).
func seal(t testing.TB, pub *rsa.PublicKey, certID string, plain []byte, padding func([]byte) []byte) *wireEncrypted {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	if padding == nil {
		padding = func(p []byte) []byte {
			n := aes.BlockSize - len(p)%aes.BlockSize
			for range n {
				p = append(p, byte(n))
			}
			return p
		}
	}
	buf := padding(append([]byte(nil), plain...))
	block, _ := aes.NewCipher(key)
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(buf, buf)
	mac := hmac.New(sha256.New, key)
	mac.Write(buf)
	wrapped, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &wireEncrypted{
		Data:                    base64.StdEncoding.EncodeToString(buf),
		DataSignature:           base64.StdEncoding.EncodeToString(mac.Sum(nil)),
		DataKey:                 base64.StdEncoding.EncodeToString(wrapped),
		EncryptionCertificateID: certID,
	}
}

func TestDecryptContent(t *testing.T) {
	k := testKey()
	keys := map[string]*rsa.PrivateKey{"cert-1": k}
	item := []byte(`{"id":"m1","subject":"Quarterly numbers"}`)
	flip := func(s string) string {
		b, _ := base64.StdEncoding.DecodeString(s)
		b[len(b)/2] ^= 1
		return base64.StdEncoding.EncodeToString(b)
	}
	other, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		make func() *wireEncrypted
		want error
	}{
		{"good", func() *wireEncrypted { return seal(t, &k.PublicKey, "cert-1", item, nil) }, nil},
		{"tampered data", func() *wireEncrypted {
			e := seal(t, &k.PublicKey, "cert-1", item, nil)
			e.Data = flip(e.Data)
			return e
		}, errSignature},
		{"tampered signature", func() *wireEncrypted {
			e := seal(t, &k.PublicKey, "cert-1", item, nil)
			e.DataSignature = flip(e.DataSignature)
			return e
		}, errSignature},
		{"no signature", func() *wireEncrypted {
			e := seal(t, &k.PublicKey, "cert-1", item, nil)
			e.DataSignature = ""
			return e
		}, errSignature},
		{"signature from another notification", func() *wireEncrypted {
			e := seal(t, &k.PublicKey, "cert-1", item, nil)
			e.DataSignature = seal(t, &k.PublicKey, "cert-1", item, nil).DataSignature
			return e
		}, errSignature},
		{"unknown certificate id", func() *wireEncrypted { return seal(t, &k.PublicKey, "cert-2", item, nil) }, errUnknownCertificate},
		{"encrypted for another key", func() *wireEncrypted { return seal(t, &other.PublicKey, "cert-1", item, nil) }, errDataKey},
		{"tampered data key", func() *wireEncrypted {
			e := seal(t, &k.PublicKey, "cert-1", item, nil)
			e.DataKey = flip(e.DataKey)
			return e
		}, errDataKey},
		{"huge data key", func() *wireEncrypted {
			e := seal(t, &k.PublicKey, "cert-1", item, nil)
			e.DataKey = base64.StdEncoding.EncodeToString(make([]byte, maxDataKey+1))
			return e
		}, errDataKey},
		{"bad padding", func() *wireEncrypted {
			// The last byte says 7 bytes of padding; the six before it disagree.
			return seal(t, &k.PublicKey, "cert-1", item, func(p []byte) []byte {
				return append(p, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 7)
			})
		}, errPadding},
		{"padding longer than a block", func() *wireEncrypted {
			return seal(t, &k.PublicKey, "cert-1", item, func(p []byte) []byte {
				return append(append(p, 1, 1, 1, 1, 1, 1, 1), bytes.Repeat([]byte{17}, 16)...)
			})
		}, errPadding},
		{"zero padding", func() *wireEncrypted {
			return seal(t, &k.PublicKey, "cert-1", item, func(p []byte) []byte {
				return append(p, make([]byte, aes.BlockSize-len(p)%aes.BlockSize)...)
			})
		}, errPadding},
		{"not whole blocks", func() *wireEncrypted {
			e := seal(t, &k.PublicKey, "cert-1", item, nil)
			b, _ := base64.StdEncoding.DecodeString(e.Data)
			b = b[:len(b)-3]
			key, _ := rsa.DecryptOAEP(sha1.New(), nil, k, mustB64(e.DataKey), nil)
			mac := hmac.New(sha256.New, key)
			mac.Write(b)
			e.Data, e.DataSignature = base64.StdEncoding.EncodeToString(b), base64.StdEncoding.EncodeToString(mac.Sum(nil))
			return e
		}, errCiphertext},
		{"not JSON", func() *wireEncrypted { return seal(t, &k.PublicKey, "cert-1", []byte("{not json"), nil) }, errCiphertext},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.make()
			got, err := decryptContent(e, keys)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil && string(got) != string(item) {
				t.Errorf("data = %s", got)
			}
			if err != nil && got != nil {
				t.Errorf("data with an error: %q", got)
			}
		})
	}
}

// FuzzDecryptContent: whatever Graph (or a forger) sends, decryptContent
// answers data or an error without panicking, and never data that did
// not carry the right signature.
func FuzzDecryptContent(f *testing.F) {
	k := testKey()
	keys := map[string]*rsa.PrivateKey{"c": k}
	e := seal(f, &k.PublicKey, "c", []byte(`{"id":"m"}`), nil)
	f.Add(e.Data, e.DataSignature, e.DataKey, "c")
	f.Add("", "", "", "c")
	f.Add("AAAA", "AAAA", e.DataKey, "c")
	f.Add(e.Data[:len(e.Data)-4], e.DataSignature, e.DataKey, "c")
	f.Add(e.Data, e.DataSignature, e.DataKey, "x")
	f.Fuzz(func(t *testing.T, data, sig, dataKey, id string) {
		got, err := decryptContent(&wireEncrypted{Data: data, DataSignature: sig, DataKey: dataKey, EncryptionCertificateID: id}, keys)
		if err != nil {
			return
		}
		if !bytes.Equal(mustB64(data), mustB64(e.Data)) && bytes.Equal(mustB64(dataKey), mustB64(e.DataKey)) {
			// A changed ciphertext under the seed's key must fail the signature.
			t.Fatalf("accepted forged data %q: %s", data, got)
		}
		if len(got) == 0 {
			t.Fatalf("accepted empty data")
		}
	})
}

func mustB64(s string) []byte {
	b, _ := base64.StdEncoding.DecodeString(s)
	return b
}

// A request with one good rich notification and one whose signature fails
// is accepted for the good one only; the good one decodes, with Graph's
// type annotations, into the service's model.
func TestReceiverRichMixedRequest(t *testing.T) {
	k := testKey()
	r, err := NewReceiver("https://hooks.contoso.com/graph", &ReceiverOptions{EncryptionKeys: []EncryptionKey{{ID: "c1", Key: k}}})
	if err != nil {
		t.Fatal(err)
	}
	r.Track(&Subscription{ID: "s1", ClientState: "secret"})
	// The decrypted sample of Graph's Outlook change notifications page.
	item := []byte(`{"receivedDateTime@odata.type":"#DateTimeOffset","receivedDateTime":"2021-12-30T10:53:35Z",
		"subject":"TEST MESSAGE FOR RICH NOTIFICATIONS","bodyPreview":"Hello,\r\n\r\nWhat\u2019s up?",
		"importance@odata.type":"#microsoft.graph.importance","importance":"normal",
		"from":{"@odata.type":"#microsoft.graph.recipient","emailAddress":{"@odata.type":"#microsoft.graph.emailAddress","name":"Megan Brown","address":"Megan.Brown@contoso.com"}}}`)
	good, _ := json.Marshal(seal(t, &k.PublicKey, "c1", item, nil))
	forged := seal(t, &k.PublicKey, "c1", []byte(`{"subject":"forged"}`), nil)
	forged.DataSignature = base64.StdEncoding.EncodeToString(make([]byte, 32))
	bad, _ := json.Marshal(forged)
	n := func(id string, ec []byte) string {
		return `{"subscriptionId":"s1","clientState":"secret","changeType":"created","resource":"Users/u/Messages/` + id +
			`","resourceData":{"@odata.type":"#microsoft.graph.message","id":"` + id + `"},"encryptedContent":` + string(ec) + `}`
	}
	body := `{"value":[` + n("m1", good) + `,` + n("m2", bad) + `],"validationTokens":["eyJ0eXAiOiJKV1Qi"]}`
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "https://hooks.contoso.com/graph", strings.NewReader(body)))
	if w.Code != http.StatusAccepted {
		t.Fatalf("status %d", w.Code)
	}
	got, ok := r.next()
	if !ok || got.ID != "m1" {
		t.Fatalf("first = %+v, %v", got, ok)
	}
	if extra, ok := r.next(); ok {
		t.Errorf("the forged one was delivered: %+v", extra)
	}
	var m mail.Message
	if err := got.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m.Subject != "TEST MESSAGE FOR RICH NOTIFICATIONS" || m.From.EmailAddress.Address != "Megan.Brown@contoso.com" ||
		m.Importance != outlookitem.ImportanceNormal || !m.ReceivedDateTime.Equal(time.Date(2021, 12, 30, 10, 53, 35, 0, time.UTC)) {
		t.Errorf("decoded %+v", m)
	}
}
