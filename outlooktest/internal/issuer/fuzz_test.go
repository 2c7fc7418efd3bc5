package issuer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"
)

func FuzzParseScopes(f *testing.F) {
	for _, s := range []string{
		"https://graph.microsoft.com/.default",
		"Mail.Read openid offline_access profile",
		"https://mail.contoso.com/Mail.Read https://mail.contoso.com/Calendars.Read",
		"https://mail.contoso.com//.default",
		"https://graph.microsoft.com/.default https://mail.contoso.com/.default",
		"api://mid/access", "https:///x", "://", "", " ", "a://b/c/d/",
		"//0://0",              // once parsed to the resource "://0:"
		"https://h/a%20b/perm", // once parsed to "https://h/a b", which re-parsed as two resources
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		sr, err := parseScopes(raw)
		if err != nil {
			if !strings.HasPrefix(err.err, "invalid_") || err.status != http.StatusBadRequest {
				t.Fatalf("parseScopes(%q): error %+v is not a 400 invalid_*", raw, err)
			}
			return
		}
		if sr.resource == "" {
			t.Fatalf("parseScopes(%q): no resource", raw)
		}
		// Each permission came from a scope of the input.
		for _, p := range sr.perms {
			if !strings.Contains(raw, p) {
				t.Fatalf("parseScopes(%q): permission %q is not in the input", raw, p)
			}
		}
		// Re-joining resource and permissions parses to the same thing.
		var parts []string
		for _, p := range sr.perms {
			parts = append(parts, sr.resource+"/"+p)
		}
		if len(parts) > 0 && !strings.ContainsAny(strings.Join(sr.perms, ""), "/") {
			again, err := parseScopes(strings.Join(parts, " "))
			if err != nil || again.resource != sr.resource {
				t.Fatalf("parseScopes(%q) = %q; re-parsing %q gave %q, %v", raw, sr.resource, parts, again.resource, err)
			}
		}
	})
}

// testAssertion signs claims as an app would, with an ES256 key.
func testAssertion(t testing.TB, key *ecdsa.PrivateKey, claims map[string]any) string {
	hdr, _ := json.Marshal(map[string]string{"alg": "ES256", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func FuzzVerifyClientAssertion(f *testing.F) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	const tokenURL = "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token"
	now := time.Now()
	good := testAssertion(f, key, map[string]any{"aud": tokenURL, "iss": "app", "sub": "app", "exp": now.Add(time.Minute).Unix(), "nbf": now.Unix()})
	if err := verifyClientAssertion(good, []*x509.Certificate{cert}, "app", tokenURL, now); err != nil {
		f.Fatalf("a good assertion is refused: %v", err)
	}
	f.Add(good)
	f.Add(good[:len(good)-4] + "AAAA")
	f.Add(testAssertion(f, key, map[string]any{"aud": []string{tokenURL}, "iss": "app", "sub": "app", "exp": now.Add(time.Minute).Unix()}))
	f.Add(testAssertion(f, key, map[string]any{"aud": tokenURL, "iss": "other", "sub": "app", "exp": now.Add(time.Minute).Unix()}))
	f.Add(testAssertion(f, key, map[string]any{"aud": tokenURL, "iss": "app", "sub": "app", "exp": "soon"}))
	f.Add("a.b.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, assertion string) {
		err := verifyClientAssertion(assertion, []*x509.Certificate{cert}, "app", tokenURL, now)
		if err == nil && assertion != good {
			// Only a signature by the key can pass: anything else that
			// verifies must carry a valid signature over its own content.
			parts := strings.Split(assertion, ".")
			sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
			sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
			if !verifySignature("ES256", &key.PublicKey, sum[:], sig) {
				t.Fatalf("accepted %q without a valid signature", assertion)
			}
		}
	})
}
