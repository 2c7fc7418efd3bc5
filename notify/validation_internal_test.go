package notify

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
)

// testClaims are a validation token's claims for app "app" in tenant t1,
// good for two days until exp.
func testClaims(exp time.Time) map[string]any {
	return map[string]any{"aud": "app", "iss": "https://sts.windows.net/t1/", "tid": "t1",
		"nbf": exp.Add(-48 * time.Hour).Unix(), "exp": exp.Unix(), "appid": GraphPublisherAppID, "ver": "1.0"}
}

// clock is a settable time for the key cache's tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// An unknown kid makes the receiver fetch the keys again once, not once
// per token: a forger naming made-up kids costs one fetch a minute. Keys
// are fetched again when an hour old, and a rotated key is found.
func TestKeyRefreshIsRateLimited(t *testing.T) {
	k := testKey()
	var mu sync.Mutex
	published := []SigningKey{{ID: "k1", Key: &k.PublicKey}}
	var fetches atomic.Int32
	c, err := newTokenChecker(&ValidationTokens{AppIDs: []string{"app"}, Keys: func(context.Context) ([]SigningKey, error) {
		fetches.Add(1)
		mu.Lock()
		defer mu.Unlock()
		return published, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Now()}
	c.now = clk.now
	exp := clk.now().Add(24 * time.Hour)
	good := SignTestJWT(k, map[string]any{"alg": "RS256", "kid": "k1"}, testClaims(exp))
	forged := SignTestJWT(k, map[string]any{"alg": "RS256", "kid": "k9"}, testClaims(exp))
	ctx := t.Context()
	want := func(n int32) {
		t.Helper()
		if got := fetches.Load(); got != n {
			t.Fatalf("%d key fetches, want %d", got, n)
		}
	}
	for range 3 {
		if tid, err := c.verify(ctx, good); err != nil || tid != "t1" {
			t.Fatalf("verify = %q, %v", tid, err)
		}
	}
	want(1)
	c.verify(ctx, forged) // right after a fetch: none again
	want(1)
	clk.add(2 * keyMinInterval)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := c.verify(ctx, forged); !errors.Is(err, errUnknownKey) {
				t.Errorf("an unknown kid: %v", err)
			}
		})
	}
	wg.Wait()
	want(2)
	clk.add(30 * time.Second)
	c.verify(ctx, forged)
	want(2)
	clk.add(31 * time.Second)
	c.verify(ctx, forged)
	want(3)

	// The keys rotate: a token under the new key makes one fetch, once
	// the interval has passed, and then verifies.
	k2, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	published = []SigningKey{{ID: "k1", Key: &k.PublicKey}, {ID: "k2", Key: &k2.PublicKey}}
	mu.Unlock()
	rotated := SignTestJWT(k2, map[string]any{"alg": "RS256", "kid": "k2"}, testClaims(exp))
	clk.add(time.Minute)
	if _, err := c.verify(ctx, rotated); err != nil {
		t.Fatalf("the rotated key: %v", err)
	}
	want(4)
	if _, err := c.verify(ctx, good); err != nil {
		t.Fatal(err)
	}
	want(4)
	clk.add(keyMaxAge)
	if _, err := c.verify(ctx, good); err != nil {
		t.Fatal(err)
	}
	want(5)
}

// When the keys cannot be fetched within KeyFetchTimeout, the receiver
// still answers 202 in time, drops the rich notification and owes the
// application a Missed notification, so a delta round reads the change;
// the next request within the minute does not wait again.
func TestKeyFetchFailureDropsAndOwesMissed(t *testing.T) {
	k := testKey()
	var fetches atomic.Int32
	r, err := NewReceiver("https://hooks.contoso.com/graph", &ReceiverOptions{
		EncryptionKeys: []EncryptionKey{{ID: "c1", Key: k}},
		ValidationTokens: &ValidationTokens{AppIDs: []string{"app"}, Keys: func(ctx context.Context) ([]SigningKey, error) {
			fetches.Add(1)
			<-ctx.Done() // a key host that never answers
			return nil, ctx.Err()
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Track(&Subscription{ID: "s1", ClientState: "secret"})
	sealed, _ := json.Marshal(seal(t, &k.PublicKey, "c1", []byte(`{"subject":"kept secret"}`), nil))
	tok := SignTestJWT(k, map[string]any{"alg": "RS256", "kid": "k1"}, testClaims(time.Now().Add(time.Hour)))
	body := `{"value":[{"subscriptionId":"s1","clientState":"secret","changeType":"created","tenantId":"t1","resource":"Users/u/Messages/m1",` +
		`"resourceData":{"id":"m1"},"encryptedContent":` + string(sealed) + `}],"validationTokens":["` + tok + `"]}`
	for i, limit := range []time.Duration{KeyFetchTimeout + time.Second, 500 * time.Millisecond} {
		start := time.Now()
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "https://hooks.contoso.com/graph", strings.NewReader(body)))
		if took := time.Since(start); w.Code != http.StatusAccepted || took > limit {
			t.Errorf("request %d: %d after %v, want 202 within %v", i, w.Code, took, limit)
		}
		n, ok := r.next()
		if !ok || n.Lifecycle != Missed || n.SubscriptionID != "s1" {
			t.Errorf("request %d: got %+v, %v, want a Missed for s1", i, n, ok)
		}
		if extra, ok := r.next(); ok {
			t.Errorf("request %d: delivered %+v", i, extra)
		}
	}
	if fetches.Load() != 1 {
		t.Errorf("%d fetches, want 1", fetches.Load())
	}
}

// roundTrip serves a test's key documents by URL.
type roundTrip func(*http.Request) *http.Response

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) {
	resp := f(r)
	if resp == nil {
		return nil, fmt.Errorf("no route to %s", r.URL)
	}
	resp.Request = r
	return resp, nil
}

func answer(status int, body string, h ...string) *http.Response {
	resp := &http.Response{StatusCode: status, Status: http.StatusText(status), Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
	for i := 0; i+1 < len(h); i += 2 {
		resp.Header.Set(h[i], h[i+1])
	}
	return resp
}

func jwk(kid string, k *rsa.PublicKey, extra string) string {
	return `{"kty":"RSA","use":"sig","kid":"` + kid + `","n":"` + base64.RawURLEncoding.EncodeToString(k.N.Bytes()) +
		`","e":"` + base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes()) + `"` + extra + `}`
}

// The keys come from the cloud's OpenID configuration and the key set it
// names, on the login host only, read within bounds; weak and foreign
// keys are skipped.
func TestFetchOpenIDKeys(t *testing.T) {
	k := testKey()
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	conf := `{"issuer":"https://sts.windows.net/{tenantid}/","jwks_uri":"https://login.microsoftonline.com/common/discovery/keys"}`
	keys := `{"keys":[` + jwk("k1", &k.PublicKey, "") + `,` + jwk("weak", &small.PublicKey, "") + `,` +
		jwk("enc", &k.PublicKey, `,"x5c":["MII"]`) + `,{"kty":"EC","kid":"ec","crv":"P-256","x":"AA","y":"AA"}]}`
	keys = strings.Replace(keys, `"use":"sig","kid":"enc"`, `"use":"enc","kid":"enc"`, 1)
	for _, tc := range []struct {
		name   string
		host   string
		routes map[string]func() *http.Response
		kids   []string
		err    string
	}{
		{"the global cloud", DefaultLoginHost, map[string]func() *http.Response{
			"https://login.microsoftonline.com/common/.well-known/openid-configuration": func() *http.Response { return answer(200, conf) },
			"https://login.microsoftonline.com/common/discovery/keys":                   func() *http.Response { return answer(200, keys) },
		}, []string{"k1"}, ""},
		{"another cloud", "login.chinacloudapi.cn", map[string]func() *http.Response{
			"https://login.chinacloudapi.cn/common/.well-known/openid-configuration": func() *http.Response {
				return answer(200, `{"issuer":"https://sts.chinacloudapi.cn/{tenantid}/","jwks_uri":"https://login.chinacloudapi.cn/common/discovery/keys"}`)
			},
			"https://login.chinacloudapi.cn/common/discovery/keys": func() *http.Response { return answer(200, keys) },
		}, []string{"k1"}, ""},
		{"keys on another host", DefaultLoginHost, map[string]func() *http.Response{
			"https://login.microsoftonline.com/common/.well-known/openid-configuration": func() *http.Response {
				return answer(200, `{"issuer":"https://sts.windows.net/{tenantid}/","jwks_uri":"https://evil.example.com/keys"}`)
			},
		}, nil, "is not on https://login.microsoftonline.com"},
		{"keys over http", DefaultLoginHost, map[string]func() *http.Response{
			"https://login.microsoftonline.com/common/.well-known/openid-configuration": func() *http.Response {
				return answer(200, `{"issuer":"https://sts.windows.net/{tenantid}/","jwks_uri":"http://login.microsoftonline.com/common/discovery/keys"}`)
			},
		}, nil, "is not on https://"},
		{"a redirect away", DefaultLoginHost, map[string]func() *http.Response{
			"https://login.microsoftonline.com/common/.well-known/openid-configuration": func() *http.Response {
				return answer(302, "", "Location", "https://evil.example.com/conf")
			},
			"https://evil.example.com/conf": func() *http.Response { return answer(200, conf) },
		}, nil, "redirected away"},
		{"an oversized configuration", DefaultLoginHost, map[string]func() *http.Response{
			"https://login.microsoftonline.com/common/.well-known/openid-configuration": func() *http.Response {
				return answer(200, conf[:len(conf)-1]+`,"pad":"`+strings.Repeat("x", maxKeyDocBytes)+`"}`)
			},
		}, nil, "is over"},
		{"an error", DefaultLoginHost, map[string]func() *http.Response{
			"https://login.microsoftonline.com/common/.well-known/openid-configuration": func() *http.Response { return answer(503, "busy") },
		}, nil, "answered"},
		{"no issuer form", DefaultLoginHost, map[string]func() *http.Response{
			"https://login.microsoftonline.com/common/.well-known/openid-configuration": func() *http.Response {
				return answer(200, `{"issuer":"https://sts.windows.net/","jwks_uri":"https://login.microsoftonline.com/common/discovery/keys"}`)
			},
		}, nil, "no issuer"},
		{"no usable key", DefaultLoginHost, map[string]func() *http.Response{
			"https://login.microsoftonline.com/common/.well-known/openid-configuration": func() *http.Response { return answer(200, conf) },
			"https://login.microsoftonline.com/common/discovery/keys": func() *http.Response {
				return answer(200, `{"keys":[`+jwk("weak", &small.PublicKey, "")+`]}`)
			},
		}, nil, "no RSA signing key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hc := &http.Client{Transport: roundTrip(func(r *http.Request) *http.Response {
				if f := tc.routes[r.URL.String()]; f != nil {
					return f()
				}
				return nil
			})}
			ks, iss, err := fetchOpenIDKeys(t.Context(), hc, tc.host)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var kids []string
			for _, s := range ks {
				kids = append(kids, s.ID)
			}
			if fmt.Sprint(kids) != fmt.Sprint(tc.kids) || !strings.Contains(iss, "{tenantid}") {
				t.Errorf("kids %v, issuer %q", kids, iss)
			}
		})
	}
}

func TestNewReceiverValidationTokensRefusals(t *testing.T) {
	for name, o := range map[string]*ValidationTokens{
		"no app id":         {},
		"an empty app id":   {AppIDs: []string{""}},
		"a URL, not a host": {AppIDs: []string{"a"}, LoginHost: "https://login.microsoftonline.us"},
		"a path":            {AppIDs: []string{"a"}, LoginHost: "login.microsoftonline.us/x"},
	} {
		if _, err := NewReceiver("https://hooks.contoso.com/graph", &ReceiverOptions{ValidationTokens: o}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzReadJWT: any string is read as a token or refused, never a panic;
// what is read is within bounds, its three parts strict base64url, and
// checking it with a key set at hand never panics either.
func FuzzReadJWT(f *testing.F) {
	k := testKey()
	f.Add(SignTestJWT(k, map[string]any{"alg": "RS256", "kid": "k1"}, testClaims(time.Now().Add(time.Hour))))
	f.Add(SignTestJWT(k, map[string]any{"alg": "none"}, map[string]any{"aud": []string{"app"}}))
	f.Add("e30.e30.AA")
	f.Add("..")
	f.Add("a.b.c.d")
	c, err := newTokenChecker(&ValidationTokens{AppIDs: []string{"app"}, Keys: func(context.Context) ([]SigningKey, error) {
		return []SigningKey{{ID: "k1", Key: &k.PublicKey}}, nil
	}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		j, err := readJWT(tok)
		if err == nil {
			if len(tok) > maxTokenBytes || strings.Count(tok, ".") != 2 || j.signingInput != tok[:strings.LastIndexByte(tok, '.')] {
				t.Fatalf("read %q as %+v", tok, j)
			}
			if _, err := base64.RawURLEncoding.Strict().DecodeString(tok[strings.LastIndexByte(tok, '.')+1:]); err != nil {
				t.Fatalf("read a signature that is not base64url: %q", tok)
			}
		}
		c.verify(t.Context(), tok)
	})
}

// The options narrow what verify accepts: the tenants given, the v2.0
// issuer of the cloud's login host; a weak key from the caller's source
// is not used.
func TestVerifyOptions(t *testing.T) {
	k := testKey()
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	source := func(context.Context) ([]SigningKey, error) {
		return []SigningKey{{ID: "k1", Key: &k.PublicKey}, {ID: "weak", Key: &weak.PublicKey}}, nil
	}
	exp := time.Now().Add(time.Hour)
	hdr := map[string]any{"alg": "RS256", "kid": "k1"}
	v2 := func(host, tid string) map[string]any {
		c := testClaims(exp)
		delete(c, "appid")
		c["azp"], c["iss"], c["tid"] = GraphPublisherAppID, "https://"+host+"/"+tid+"/v2.0", tid
		return c
	}
	upper := testClaims(exp)
	upper["tid"], upper["iss"] = "T1", "https://sts.windows.net/T1/"
	for _, tc := range []struct {
		name string
		o    ValidationTokens
		tok  string
		err  error
	}{
		{"a tenant given", ValidationTokens{TenantIDs: []string{"T1"}}, SignTestJWT(k, hdr, testClaims(exp)), nil},
		{"a tenant not given", ValidationTokens{TenantIDs: []string{"t2"}}, SignTestJWT(k, hdr, testClaims(exp)), errTenant},
		{"a tenant id in capitals", ValidationTokens{}, SignTestJWT(k, hdr, upper), nil},
		{"the v2.0 issuer of another cloud", ValidationTokens{LoginHost: "login.microsoftonline.us"}, SignTestJWT(k, hdr, v2("login.microsoftonline.us", "t1")), nil},
		{"the global v2.0 issuer for another cloud", ValidationTokens{LoginHost: "login.microsoftonline.us"}, SignTestJWT(k, hdr, v2("login.microsoftonline.com", "t1")), errIssuer},
		{"a weak key", ValidationTokens{}, SignTestJWT(weak, map[string]any{"alg": "RS256", "kid": "weak"}, testClaims(exp)), errUnknownKey},
	} {
		tc.o.AppIDs, tc.o.Keys = []string{"APP"}, source
		c, err := newTokenChecker(&tc.o)
		if err != nil {
			t.Fatal(err)
		}
		if tid, err := c.verify(t.Context(), tc.tok); !errors.Is(err, tc.err) || (err == nil && tid != "t1") {
			t.Errorf("%s: %q, %v; want %v", tc.name, tid, err, tc.err)
		}
	}
}
