package notify_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/outlooktest"
)

// harnessAppID is the application id servicetest's client signs in with:
// the audience of the fake's validation tokens.
const harnessAppID = "11111111-2222-3333-4444-555555555555"

// A rich subscription made against the fake gets notifications whose
// validation tokens the fake's issuer signed; the receiver fetches the
// issuer's keys (OpenID configuration, then its jwks_uri) over the fake's
// client, checks them and delivers the item.
func TestValidationTokensAgainstTheFake(t *testing.T) {
	key, _ := appCert()
	e := servicetest.NewEnv(t, servicetest.Cloud)
	var logs bytes.Buffer
	var logMu sync.Mutex
	r := newReceiver(t, &notify.ReceiverOptions{
		EncryptionKeys:   []notify.EncryptionKey{{ID: "cert-1", Key: key}},
		ValidationTokens: &notify.ValidationTokens{AppIDs: []string{harnessAppID}, HTTPClient: e.Srv.Client()},
		Logger:           slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil)),
	})
	var tokens []string
	var tokMu sync.Mutex
	e.Srv.AddHost(hookHost, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !req.URL.Query().Has("validationToken") {
			b, _ := io.ReadAll(req.Body)
			var c struct{ ValidationTokens []string }
			json.Unmarshal(b, &c)
			tokMu.Lock()
			tokens = append(tokens, c.ValidationTokens...)
			tokMu.Unlock()
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
		r.ServeHTTP(w, req)
	}))
	s, err := notify.Create(t.Context(), e.MB.OData(), notify.MessagesIn("inbox"), hookURL, richOptions("cert-1", "subject"))
	if err != nil {
		t.Fatal(err)
	}
	r.Track(s)
	id := addMessage(e.Box, "Signed and sealed")
	t.Cleanup(func() {
		if t.Failed() {
			logMu.Lock()
			t.Logf("log = %s", logs.String())
			logMu.Unlock()
		}
	})
	n := next(t, r)
	var m mail.Message
	if err := n.Decode(&m); err != nil || n.ID != id || m.Subject != "Signed and sealed" {
		t.Fatalf("notification %+v, message %+v, %v", n, m, err)
	}
	tokMu.Lock()
	if len(tokens) != 1 {
		t.Errorf("the fake sent %d validation tokens, want 1", len(tokens))
	}
	tokMu.Unlock()
	if err := e.Box.Update("messages", id, outlooktest.Object{"isRead": true}); err != nil {
		t.Fatal(err)
	}
	if n := next(t, r); n.Change != notify.Updated {
		t.Errorf("second notification %+v", n)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if logs.Len() != 0 {
		t.Errorf("log = %s", logs.String())
	}
}

// tokenKey signs the tokens of TestForgedValidationTokens: the key the
// receiver's key source publishes under kid "k1".
var tokenKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// goodClaims are a validation token's claims as Microsoft documents them,
// for the harness's app in tenant tid.
func goodClaims(tid string) map[string]any {
	now := time.Now()
	return map[string]any{
		"aud": harnessAppID, "iss": "https://sts.windows.net/" + tid + "/", "tid": tid,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"appid": notify.GraphPublisherAppID, "appidacr": "2", "ver": "1.0",
	}
}

func rs256(kid string) map[string]any {
	return map[string]any{"typ": "JWT", "alg": "RS256", "kid": kid}
}

func with(c map[string]any, kv ...any) map[string]any {
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
		} else {
			c[kv[i].(string)] = kv[i+1]
		}
	}
	return c
}

// resign replaces a token's header and keeps its claims and signature.
func resign(tok string, header map[string]any, sig []byte) string {
	parts := strings.Split(tok, ".")
	h, _ := json.Marshal(header)
	parts[0] = base64.RawURLEncoding.EncodeToString(h)
	if sig != nil {
		parts[2] = base64.RawURLEncoding.EncodeToString(sig)
	}
	return strings.Join(parts, ".")
}

// hs256 is the token an attacker makes of a receiver that would verify
// HMAC with the RSA public key as the secret.
func hs256(claims map[string]any, secret []byte) string {
	h, _ := json.Marshal(map[string]any{"typ": "JWT", "alg": "HS256", "kid": "k1"})
	c, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Each forged or broken set of validation tokens makes the receiver drop
// the rich notification unseen, answer 202 and log the refusal without
// the item; the well-signed token, tried first and last, gets it through.
func TestForgedValidationTokens(t *testing.T) {
	key, _ := appCert()
	signer := tokenKey()
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(&signer.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	e := servicetest.NewEnv(t, servicetest.Cloud)
	var logs bytes.Buffer
	var logMu sync.Mutex
	r := newReceiver(t, &notify.ReceiverOptions{
		EncryptionKeys: []notify.EncryptionKey{{ID: "cert-1", Key: key}},
		ValidationTokens: &notify.ValidationTokens{AppIDs: []string{"another-app", harnessAppID},
			Keys: func(context.Context) ([]notify.SigningKey, error) {
				return []notify.SigningKey{{ID: "k1", Key: &signer.PublicKey}}, nil
			}},
		Logger: slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil)),
	})
	var mu sync.Mutex
	var tokens func(tid string) []string
	got := make(chan int, 4)
	e.Srv.AddHost(hookHost, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Query().Has("validationToken") {
			r.ServeHTTP(w, req)
			return
		}
		var body map[string]any
		if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		tid := body["value"].([]any)[0].(map[string]any)["tenantId"].(string)
		mu.Lock()
		if ts := tokens(tid); ts == nil {
			delete(body, "validationTokens")
		} else {
			body["validationTokens"] = ts
		}
		mu.Unlock()
		b, _ := json.Marshal(body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		rec := &statusRecorder{ResponseWriter: w}
		r.ServeHTTP(rec, req)
		got <- rec.status
	}))
	s, err := notify.Create(t.Context(), e.MB.OData(), notify.MessagesIn("inbox"), hookURL, richOptions("cert-1", "subject"))
	if err != nil {
		t.Fatal(err)
	}
	r.Track(s)

	one := func(f func(tid string) string) func(string) []string {
		return func(tid string) []string { return []string{f(tid)} }
	}
	good := one(func(tid string) string { return notify.SignTestJWT(signer, rs256("k1"), goodClaims(tid)) })
	for _, tc := range []struct {
		name   string
		tokens func(tid string) []string
		ok     bool
	}{
		{"well signed", good, true},
		{"v2.0 token", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "appid", nil,
				"azp", notify.GraphPublisherAppID, "iss", "https://login.microsoftonline.com/"+tid+"/v2.0", "ver", "2.0"))
		}), true},
		{"another key", one(func(tid string) string { return notify.SignTestJWT(other, rs256("k1"), goodClaims(tid)) }), false},
		{"an unknown kid", one(func(tid string) string { return notify.SignTestJWT(other, rs256("k9"), goodClaims(tid)) }), false},
		{"no kid", one(func(tid string) string {
			return notify.SignTestJWT(signer, map[string]any{"alg": "RS256"}, goodClaims(tid))
		}), false},
		{"alg none", one(func(tid string) string {
			return resign(notify.SignTestJWT(signer, rs256("k1"), goodClaims(tid)), map[string]any{"alg": "none", "kid": "k1"}, nil)
		}), false},
		{"alg none unsigned", one(func(tid string) string {
			return strings.TrimRight(resign(notify.SignTestJWT(signer, rs256("k1"), goodClaims(tid)), map[string]any{"alg": "none"}, nil), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
		}), false},
		{"HS256 keyed with the public key (PEM)", one(func(tid string) string { return hs256(goodClaims(tid), pubPEM) }), false},
		{"HS256 keyed with the public key (DER)", one(func(tid string) string { return hs256(goodClaims(tid), pubDER) }), false},
		{"RS384 by name", one(func(tid string) string {
			return notify.SignTestJWT(signer, map[string]any{"alg": "RS384", "kid": "k1"}, goodClaims(tid))
		}), false},
		{"a critical header", one(func(tid string) string {
			return notify.SignTestJWT(signer, map[string]any{"alg": "RS256", "kid": "k1", "crit": []string{"b64"}}, goodClaims(tid))
		}), false},
		{"another audience", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "aud", "https://graph.microsoft.com"))
		}), false},
		{"an audience array", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "aud", []string{harnessAppID}))
		}), false},
		{"another appid", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "appid", "22222222-2222-2222-2222-222222222222"))
		}), false},
		{"another azp", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "appid", nil, "azp", harnessAppID))
		}), false},
		{"the right appid, another azp", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "azp", harnessAppID))
		}), false},
		{"no publisher", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "appid", nil))
		}), false},
		{"another issuer", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "iss", "https://sts.example.com/"+tid+"/"))
		}), false},
		{"another tenant", one(func(string) string {
			return notify.SignTestJWT(signer, rs256("k1"), goodClaims("99999999-9999-9999-9999-999999999999"))
		}), false},
		{"expired", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "exp", time.Now().Add(-notify.MaxClockSkew-time.Minute).Unix()))
		}), false},
		{"no expiry", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "exp", nil))
		}), false},
		{"not yet valid", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "nbf", time.Now().Add(notify.MaxClockSkew+time.Minute).Unix()))
		}), false},
		{"oversized", one(func(tid string) string {
			return notify.SignTestJWT(signer, rs256("k1"), with(goodClaims(tid), "pad", strings.Repeat("x", 9<<10)))
		}), false},
		{"malformed", func(string) []string { return []string{"not a token"} }, false},
		{"two dots only", func(string) []string { return []string{".."} }, false},
		{"padded base64", one(func(tid string) string {
			p := strings.Split(notify.SignTestJWT(signer, rs256("k1"), goodClaims(tid)), ".")
			return p[0] + "=." + p[1] + "." + p[2]
		}), false},
		{"missing", func(string) []string { return nil }, false},
		{"empty", func(string) []string { return []string{} }, false},
		{"a good one and a forged one", func(tid string) []string {
			return []string{good(tid)[0], notify.SignTestJWT(other, rs256("k1"), goodClaims(tid))}
		}, false},
		{"too many", func(tid string) []string {
			g := good(tid)[0]
			ts := make([]string, 101)
			for i := range ts {
				ts[i] = g
			}
			return ts
		}, false},
		{"well signed again", good, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			tokens = tc.tokens
			mu.Unlock()
			logMu.Lock()
			logs.Reset()
			logMu.Unlock()
			id := addMessage(e.Box, "Secret subject "+tc.name)
			select {
			case status := <-got:
				if status != http.StatusAccepted {
					t.Errorf("the receiver answered %d, want 202", status)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no delivery")
			}
			ns := drain(r)
			logMu.Lock()
			l := logs.String()
			logMu.Unlock()
			if tc.ok {
				if len(ns) != 1 || ns[0].ID != id || !ns[0].HasResourceData() || l != "" {
					t.Errorf("delivered %+v, log %s", ns, l)
				}
				return
			}
			if len(ns) != 0 {
				t.Errorf("delivered %+v", ns)
			}
			if !strings.Contains(l, "validation tokens did not verify") || strings.Contains(l, "Secret subject") || strings.Contains(l, "eyJ") {
				t.Errorf("log = %s", l)
			}
		})
	}
}
