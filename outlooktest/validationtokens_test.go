package outlooktest_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest"
)

// collector records the notification collections posted to it, whole.
type collector struct {
	mu    sync.Mutex
	posts []map[string]any
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if tok := r.URL.Query().Get("validationToken"); tok != "" {
		io.WriteString(w, tok)
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	c.posts = append(c.posts, body)
	c.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (c *collector) wait(t *testing.T) map[string]any {
	t.Helper()
	for range 400 {
		c.mu.Lock()
		if len(c.posts) > 0 {
			p := c.posts[0]
			c.posts = c.posts[1:]
			c.mu.Unlock()
			return p
		}
		c.mu.Unlock()
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("no notification")
	return nil
}

func jwtPart(t *testing.T, part string, v any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// A rich delivery carries one validation token for the subscription's app
// and tenant, with the claims Microsoft documents, RS256-signed by a key
// the issuer publishes where Microsoft tells receivers to look (the v1.0
// OpenID configuration's jwks_uri); a basic delivery carries none.
func TestRichDeliveriesCarryValidationTokens(t *testing.T) {
	srv := newHybrid(t)
	c := &collector{}
	srv.AddHost("hooks.contoso.com", c)
	const app = "6731de76-14a6-49ae-97bc-6eba6914391e"
	tok := graphTokenFor(t, srv, app)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hooks"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	sub := func(rich bool) {
		body := map[string]any{"changeType": "created", "notificationUrl": "https://hooks.contoso.com/n",
			"resource": "users/" + cloudUser + "/messages?$select=subject", "clientState": "sesame",
			"expirationDateTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}
		if rich {
			body["includeResourceData"] = true
			body["encryptionCertificate"] = base64.StdEncoding.EncodeToString(der)
			body["encryptionCertificateId"] = "c1"
		}
		if a := graphCall(t, srv, tok, http.MethodPost, "subscriptions", body); a.status != http.StatusCreated {
			t.Fatalf("create: %d %s", a.status, a.body)
		}
	}
	sub(false)
	srv.Mailbox(cloudUser).Add("messages", outlooktest.Object{"subject": "plain", "parentFolderId": "inbox"})
	if p := c.wait(t); p["validationTokens"] != nil {
		t.Errorf("a basic delivery carries validationTokens: %v", p)
	}
	for _, s := range srv.Subscriptions() {
		graphCall(t, srv, tok, http.MethodDelete, "subscriptions/"+s.ID, nil)
	}

	sub(true)
	srv.Mailbox(cloudUser).Add("messages", outlooktest.Object{"subject": "rich", "parentFolderId": "inbox"})
	p := c.wait(t)
	tid := p["value"].([]any)[0].(map[string]any)["tenantId"].(string)
	toks, _ := p["validationTokens"].([]any)
	if len(toks) != 1 || tid == "" {
		t.Fatalf("validationTokens %v, tenant %q", p["validationTokens"], tid)
	}
	parts := strings.Split(toks[0].(string), ".")
	if len(parts) != 3 {
		t.Fatalf("token %q", toks[0])
	}
	var hdr struct{ Alg, Kid string }
	var claims struct {
		Aud, Iss, Tid, AppID, Ver string
		Nbf, Exp                  int64
	}
	jwtPart(t, parts[0], &hdr)
	jwtPart(t, parts[1], &claims)
	now := time.Now().Unix()
	if hdr.Alg != "RS256" || hdr.Kid == "" || claims.Aud != app || claims.AppID != "0bf30f3b-4a52-48df-9a82-234910c4a086" ||
		claims.Iss != "https://sts.windows.net/"+tid+"/" || claims.Tid != tid || claims.Ver != "1.0" || claims.Nbf > now || claims.Exp <= now {
		t.Errorf("header %+v, claims %+v", hdr, claims)
	}

	get := func(u string, v any) {
		t.Helper()
		resp, err := srv.Client().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
		}
	}
	var conf struct{ Issuer, JWKS_URI string }
	get("https://login.microsoftonline.com/common/.well-known/openid-configuration", &conf)
	if conf.Issuer != "https://sts.windows.net/{tenantid}/" || !strings.HasPrefix(conf.JWKS_URI, "https://login.microsoftonline.com/") {
		t.Fatalf("configuration %+v", conf)
	}
	var set struct {
		Keys []struct{ Kty, Kid, N, E string }
	}
	get(conf.JWKS_URI, &set)
	var pub *rsa.PublicKey
	for _, k := range set.Keys {
		if k.Kty == "RSA" && k.Kid == hdr.Kid {
			n, _ := base64.RawURLEncoding.DecodeString(k.N)
			e, _ := base64.RawURLEncoding.DecodeString(k.E)
			pub = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		}
	}
	if pub == nil {
		t.Fatalf("no RSA key %q in %+v", hdr.Kid, set)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Errorf("the token does not verify under the published key: %v", err)
	}
}
