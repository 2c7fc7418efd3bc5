package notify

// The validationTokens of rich notifications: JWTs the Microsoft identity
// platform signs for Microsoft Graph's change notification publisher, one
// per application and tenant of a collection, which Microsoft asks
// applications to check before they use the resource data ("Set up change
// notifications that include resource data", validating the authenticity
// of notifications).

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
)

// GraphPublisherAppID is the application id of Microsoft Graph's change
// notification publisher: a validation token's appid (azp in a v2.0
// token) must be it, which proves that Graph, not another application of
// the Microsoft identity platform, asked for the token.
const GraphPublisherAppID = "0bf30f3b-4a52-48df-9a82-234910c4a086"

// DefaultLoginHost is the Microsoft identity platform's host in the global
// cloud, whose signing keys a Receiver fetches by default.
const DefaultLoginHost = "login.microsoftonline.com"

// ValidationTokens makes a Receiver check the validationTokens Graph adds
// to each collection of rich notifications, as Microsoft asks before
// resource data is used: every token of the collection must be an RS256
// JWT signed by one of the Microsoft identity platform's published keys,
// issued by it for one of AppIDs (the audience) on behalf of Graph's
// change notification publisher (GraphPublisherAppID), in force now
// (within a clock skew of MaxClockSkew), issued for the tenant of each rich
// notification (and one of TenantIDs when given), with the issuer
// Microsoft documents for that tenant (https://sts.windows.net/{tenant}/
// in the global cloud, or the v2.0 form https://{LoginHost}/{tenant}/v2.0).
// When one token fails, or none covers a notification's tenant, the
// collection's rich notifications are dropped before anything is
// decrypted and logged without their content, the request still answered
// 202 (a forger learns nothing, and Graph does not retry). Notifications
// without resource data (deletions, lifecycle events) carry no tokens and
// are authenticated by their clientState, as before.
//
// The keys are read from the OpenID configuration of LoginHost
// (https://{LoginHost}/common/.well-known/openid-configuration, as
// Microsoft documents, and the jwks_uri it names, which must be on the
// same host), or from Keys, and cached for an hour; an unknown key id (the
// keys rotate) makes the receiver fetch them again, at most once a minute
// whoever asks, so a forger cannot make it fetch at will. A fetch holds
// the request it serves for at most KeyFetchTimeout: when the keys cannot
// be had in that time the collection's rich notifications are dropped
// and the application gets a Missed notification for their subscriptions
// (a watcher wakes), so the delta round it runs reads the changes
// instead; Graph, which wants an answer within seconds, still gets 202.
type ValidationTokens struct {
	// AppIDs are the application (client) ids the rich subscriptions of
	// this receiver were created with: a token's audience must be one of
	// them. List every application whose subscriptions post to the
	// receiver's URL: a collection may mix them. Required.
	AppIDs []string
	// TenantIDs, when set, are the only tenants (directory ids) whose
	// tokens are accepted; otherwise any tenant is, its token matching the
	// tenantId of the notifications it covers.
	TenantIDs []string
	// LoginHost is the Microsoft identity platform's host of the cloud the
	// subscriptions live in, whose keys sign the tokens
	// ("login.microsoftonline.us", "login.chinacloudapi.cn");
	// DefaultLoginHost when empty.
	LoginHost string
	// Keys, when set, supplies the signing keys instead of LoginHost's
	// OpenID configuration (a key store of the application's own, or a
	// test's); its answers are cached and rate-limited the same way. With
	// Keys the v1.0 issuer accepted is https://sts.windows.net/{tenant}/.
	Keys func(ctx context.Context) ([]SigningKey, error)
	// HTTPClient fetches the keys from LoginHost; http.DefaultClient when
	// nil.
	HTTPClient *http.Client
}

// SigningKey is a public key the Microsoft identity platform signs tokens
// with, under the key id a token's header names (kid).
type SigningKey struct {
	ID  string
	Key *rsa.PublicKey
}

// MaxClockSkew is how far a validation token's exp and nbf may be off the
// receiver's clock: small, as Graph mints a token for each delivery.
const MaxClockSkew = 2 * time.Minute

// KeyFetchTimeout is the longest a notification request waits for the
// signing keys to be fetched: Graph wants an answer within seconds.
const KeyFetchTimeout = 2 * time.Second

const (
	// maxTokens caps the tokens of one collection: Graph sends one per
	// application and tenant, a handful.
	maxTokens = 100
	// maxTokenBytes caps one token; Microsoft's are about 1.5 KB.
	maxTokenBytes = 8 << 10
	// maxKeyDocBytes caps the OpenID configuration and the key set read;
	// Microsoft's are a few kilobytes.
	maxKeyDocBytes = 256 << 10
	// keyMaxAge is how long fetched keys are used before they are fetched
	// again (they rotate daily); keyMinInterval the least time between two
	// fetches, whatever asks for them.
	keyMaxAge      = time.Hour
	keyMinInterval = time.Minute
	// keyStaleLimit is how long keys whose refresh keeps failing are still
	// used.
	keyStaleLimit = 24 * time.Hour
)

// The reasons a token is refused; none carries the token or its claims.
var (
	errNoToken      = errors.New("notify: rich notifications without validation tokens")
	errTooMany      = errors.New("notify: too many validation tokens")
	errMalformed    = errors.New("notify: a malformed validation token")
	errAlgorithm    = errors.New("notify: a validation token not signed with RS256")
	errUnknownKey   = errors.New("notify: a validation token signed with an unknown key")
	errTokenSig     = errors.New("notify: a validation token whose signature does not verify")
	errExpired      = errors.New("notify: an expired validation token")
	errNotYetValid  = errors.New("notify: a validation token not yet valid")
	errAudience     = errors.New("notify: a validation token for another application")
	errPublisher    = errors.New("notify: a validation token not issued to Graph's change notification publisher")
	errIssuer       = errors.New("notify: a validation token from another issuer")
	errTenant       = errors.New("notify: a validation token of another tenant")
	errUncovered    = errors.New("notify: a rich notification of a tenant no validation token covers")
	errKeysNotReady = errors.New("notify: the signing keys could not be fetched")
)

// jwt is a token split and decoded, its signature not yet verified.
type jwt struct {
	header struct {
		Alg  string   `json:"alg"`
		Kid  string   `json:"kid"`
		Crit []string `json:"crit"`
	}
	claims       tokenClaims
	signingInput string
	signature    []byte
}

// tokenClaims are the claims checked. Audience is a string in Microsoft's
// tokens; an array is refused rather than guessed at.
type tokenClaims struct {
	Aud   string `json:"aud"`
	Iss   string `json:"iss"`
	Tid   string `json:"tid"`
	AppID string `json:"appid"`
	Azp   string `json:"azp"`
	Exp   *int64 `json:"exp"`
	Nbf   *int64 `json:"nbf"`
}

// readJWT splits a compact JWS and decodes its header and claims, refusing
// anything oversized, padded or not JSON objects. It checks nothing the
// token claims.
func readJWT(tok string) (*jwt, error) {
	if len(tok) > maxTokenBytes {
		return nil, errMalformed
	}
	h, rest, ok1 := strings.Cut(tok, ".")
	p, s, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(s, ".") || h == "" || p == "" || s == "" {
		return nil, errMalformed
	}
	var t jwt
	hb, err1 := base64.RawURLEncoding.Strict().DecodeString(h)
	pb, err2 := base64.RawURLEncoding.Strict().DecodeString(p)
	sig, err3 := base64.RawURLEncoding.Strict().DecodeString(s)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, errMalformed
	}
	if json.Unmarshal(hb, &t.header) != nil || json.Unmarshal(pb, &t.claims) != nil {
		return nil, errMalformed
	}
	t.signingInput, t.signature = tok[:len(h)+1+len(p)], sig
	return &t, nil
}

// tokenChecker checks validation tokens for a Receiver.
type tokenChecker struct {
	apps    map[string]bool // lower-case
	tenants map[string]bool // lower-case; nil: any
	login   string
	keys    keyCache
	now     func() time.Time
}

func newTokenChecker(o *ValidationTokens) (*tokenChecker, error) {
	if len(o.AppIDs) == 0 {
		return nil, fmt.Errorf("notify: checking validation tokens needs the application ids (ValidationTokens.AppIDs)")
	}
	c := &tokenChecker{apps: map[string]bool{}, login: DefaultLoginHost, now: time.Now}
	for _, a := range o.AppIDs {
		if a == "" {
			return nil, fmt.Errorf("notify: an empty application id in ValidationTokens.AppIDs")
		}
		c.apps[strings.ToLower(a)] = true
	}
	if len(o.TenantIDs) > 0 {
		c.tenants = map[string]bool{}
		for _, t := range o.TenantIDs {
			c.tenants[strings.ToLower(t)] = true
		}
	}
	if o.LoginHost != "" {
		u, err := url.Parse("https://" + o.LoginHost)
		if err != nil || u.Host != o.LoginHost || u.Hostname() == "" || u.User != nil {
			return nil, fmt.Errorf("notify: ValidationTokens.LoginHost %q is not a host name", o.LoginHost)
		}
		c.login = strings.ToLower(o.LoginHost)
	}
	if o.Keys != nil {
		c.keys.fetch = func(ctx context.Context) ([]SigningKey, string, error) {
			ks, err := o.Keys(ctx)
			return ks, "https://sts.windows.net/{tenantid}/", err
		}
		return c, nil
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	c.keys.fetch = func(ctx context.Context) ([]SigningKey, string, error) {
		return fetchOpenIDKeys(ctx, hc, c.login)
	}
	return c, nil
}

// verify checks one token and returns its tenant (lower-case).
func (c *tokenChecker) verify(ctx context.Context, tok string) (string, error) {
	t, err := readJWT(tok)
	if err != nil {
		return "", err
	}
	// Only RS256, the algorithm of the identity platform's keys: "none",
	// HS256 keyed with a public key and the rest are refused by name.
	if t.header.Alg != "RS256" || len(t.header.Crit) > 0 {
		return "", errAlgorithm
	}
	if t.header.Kid == "" {
		return "", errUnknownKey
	}
	key, sts, err := c.keys.get(ctx, t.header.Kid, c.now())
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(t.signingInput))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], t.signature) != nil {
		return "", errTokenSig
	}
	cl := &t.claims
	now := c.now()
	if cl.Exp == nil || now.After(time.Unix(*cl.Exp, 0).Add(MaxClockSkew)) {
		return "", errExpired
	}
	if cl.Nbf != nil && now.Add(MaxClockSkew).Before(time.Unix(*cl.Nbf, 0)) {
		return "", errNotYetValid
	}
	if !c.apps[strings.ToLower(cl.Aud)] {
		return "", errAudience
	}
	if (cl.AppID == "" && cl.Azp == "") || (cl.AppID != "" && cl.AppID != GraphPublisherAppID) || (cl.Azp != "" && cl.Azp != GraphPublisherAppID) {
		return "", errPublisher
	}
	if cl.Tid == "" || strings.ContainsAny(cl.Tid, "/{}") {
		return "", errTenant
	}
	if cl.Iss != strings.Replace(sts, "{tenantid}", cl.Tid, 1) && cl.Iss != "https://"+c.login+"/"+cl.Tid+"/v2.0" {
		return "", errIssuer
	}
	tid := strings.ToLower(cl.Tid)
	if c.tenants != nil && !c.tenants[tid] {
		return "", errTenant
	}
	return tid, nil
}

// keyCache holds the signing keys, fetched when missing or old, at most
// once per keyMinInterval.
type keyCache struct {
	// fetch returns the keys and the v1.0 issuer form.
	fetch func(ctx context.Context) ([]SigningKey, string, error)

	fetching sync.Mutex // held during a fetch: one at a time

	mu        sync.Mutex
	keys      map[string]*rsa.PublicKey
	stsIssuer string    // the v1.0 issuer, "{tenantid}" for the tenant
	fetched   time.Time // of the keys held
	tried     time.Time // the last fetch, failed or not
	lastErr   error     // of the last fetch
}

// get returns the key named kid and the v1.0 issuer form.
func (k *keyCache) get(ctx context.Context, kid string, now time.Time) (*rsa.PublicKey, string, error) {
	if key, sts, ok := k.lookup(kid, now, false); ok {
		return key, sts, nil
	}
	// Wait for a fetch under way, then fetch only if none was made lately:
	// the one just made, or one a forger's unknown kid asked for.
	k.fetching.Lock()
	defer k.fetching.Unlock()
	if key, sts, ok := k.lookup(kid, now, false); ok {
		return key, sts, nil
	}
	k.mu.Lock()
	recent := !k.tried.IsZero() && now.Sub(k.tried) < keyMinInterval
	k.mu.Unlock()
	if !recent {
		ctx, cancel := context.WithTimeout(ctx, KeyFetchTimeout)
		ks, sts, err := k.fetch(ctx)
		cancel()
		k.mu.Lock()
		k.tried, k.lastErr = now, err
		if err == nil {
			k.keys, k.fetched, k.stsIssuer = map[string]*rsa.PublicKey{}, now, sts
			for _, s := range ks {
				if s.ID != "" && usableKey(s.Key) {
					k.keys[s.ID] = s.Key
				}
			}
		}
		k.mu.Unlock()
	}
	if key, sts, ok := k.lookup(kid, now, true); ok {
		return key, sts, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil || now.Sub(k.fetched) >= keyStaleLimit {
		if k.lastErr != nil {
			return nil, "", fmt.Errorf("%w: %v", errKeysNotReady, k.lastErr)
		}
		return nil, "", errKeysNotReady
	}
	return nil, "", errUnknownKey
}

// lookup finds kid among keys fresh enough (stale: within keyStaleLimit).
func (k *keyCache) lookup(kid string, now time.Time, stale bool) (*rsa.PublicKey, string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	limit := keyMaxAge
	if stale {
		limit = keyStaleLimit
	}
	key := k.keys[kid]
	if key == nil || now.Sub(k.fetched) >= limit {
		return nil, "", false
	}
	return key, k.stsIssuer, true
}

// fetchOpenIDKeys reads the identity platform's OpenID configuration at
// host and the keys it names, returning the RSA signing keys and the
// configuration's issuer form.
func fetchOpenIDKeys(ctx context.Context, hc *http.Client, host string) ([]SigningKey, string, error) {
	var conf struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := getKeyDoc(ctx, hc, host, "https://"+host+"/common/.well-known/openid-configuration", &conf); err != nil {
		return nil, "", err
	}
	if !strings.HasPrefix(conf.Issuer, "https://") || strings.Count(conf.Issuer, "{tenantid}") != 1 {
		return nil, "", fmt.Errorf("notify: the OpenID configuration of %s names no issuer of the expected form", host)
	}
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Use string `json:"use"`
			Kid string `json:"kid"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := getKeyDoc(ctx, hc, host, conf.JWKSURI, &set); err != nil {
		return nil, "", err
	}
	var out []SigningKey
	for _, j := range set.Keys {
		if j.Kty != "RSA" || (j.Use != "" && j.Use != "sig") || j.Kid == "" {
			continue
		}
		if k := rsaKeyOf(j.N, j.E); k != nil {
			out = append(out, SigningKey{ID: j.Kid, Key: k})
		}
	}
	if len(out) == 0 {
		return nil, "", fmt.Errorf("notify: the key set of %s holds no RSA signing key", host)
	}
	return out, conf.Issuer, nil
}

// rsaKeyOf decodes a JWK's modulus and exponent, refusing what usableKey
// refuses.
func rsaKeyOf(n64, e64 string) *rsa.PublicKey {
	nb, err1 := base64.RawURLEncoding.DecodeString(n64)
	eb, err2 := base64.RawURLEncoding.DecodeString(e64)
	if err1 != nil || err2 != nil || len(eb) == 0 || len(eb) > 4 {
		return nil
	}
	k := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(new(big.Int).SetBytes(eb).Int64())}
	if !usableKey(k) {
		return nil
	}
	return k
}

// usableKey reports whether k is an RSA key of 2048 to 8192 bits with a
// small odd exponent: a weaker one is no proof, a larger one costs the
// receiver much to verify under.
func usableKey(k *rsa.PublicKey) bool {
	return k != nil && k.N != nil && k.N.BitLen() >= 2048 && k.N.BitLen() <= 8192 && k.E >= 3 && k.E%2 == 1
}

// getKeyDoc GETs one JSON document of the identity platform, over https on
// host only (a redirect elsewhere is refused), reading at most
// maxKeyDocBytes.
func getKeyDoc(ctx context.Context, hc *http.Client, host, u string, v any) error {
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme != "https" || !strings.EqualFold(pu.Host, host) {
		return fmt.Errorf("notify: the key document %q is not on https://%s", u, host)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("notify: fetching the signing keys: %w", err)
	}
	defer resp.Body.Close()
	if fu := resp.Request.URL; fu.Scheme != "https" || !strings.EqualFold(fu.Host, host) {
		return fmt.Errorf("notify: the key document was redirected away from https://%s", host)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("notify: fetching the signing keys: %s answered %s", host, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxKeyDocBytes+1))
	if err != nil {
		return fmt.Errorf("notify: fetching the signing keys: %w", err)
	}
	if len(b) > maxKeyDocBytes {
		return fmt.Errorf("notify: the key document of %s is over %d bytes", host, maxKeyDocBytes)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("notify: decoding the key document of %s: %w", host, err)
	}
	return nil
}

// checkTokens checks the validation tokens of a collection whose rich
// notifications name a subscription the receiver knows, with its
// clientState (so a stranger cannot make it verify signatures or fetch
// keys), and marks those rich notifications refused when the tokens do
// not authenticate them. It returns how many it refused, and runs without
// r.mu held.
func (r *Receiver) checkTokens(ctx context.Context, ns []Notification, tokens []string, remote string) int {
	if r.tokens == nil {
		return 0
	}
	var rich []*Notification
	for i := range ns {
		n := &ns[i]
		if n.encrypted == nil || n.Lifecycle != "" {
			continue
		}
		r.mu.Lock()
		known := r.subs[n.SubscriptionID].knows(n)
		r.mu.Unlock()
		if known {
			rich = append(rich, n)
		}
	}
	if len(rich) == 0 {
		return 0
	}
	var reason error
	tenants := map[string]bool{}
	switch {
	case len(tokens) == 0:
		reason = errNoToken
	case len(tokens) > maxTokens:
		reason = errTooMany
	default:
		// Every token must verify, as Microsoft asks: one that does not
		// makes the whole collection suspect.
		for _, tok := range tokens {
			tid, err := r.tokens.verify(ctx, tok)
			if err != nil {
				reason = err
				break
			}
			tenants[tid] = true
		}
	}
	if reason == nil {
		for _, n := range rich {
			if n.TenantID != "" && !tenants[strings.ToLower(n.TenantID)] {
				reason = errUncovered
				break
			}
		}
	}
	if reason == nil {
		return 0
	}
	for _, n := range rich {
		n.refused, n.encrypted = true, nil
	}
	if errors.Is(reason, errKeysNotReady) {
		// Not a forgery we know of: the changes are read by delta instead.
		for _, n := range rich {
			r.missed(n.SubscriptionID)
		}
		r.log.Warn("notify: dropped rich notifications: the keys to check their validation tokens are not at hand; a delta round reads the changes",
			"remote", remote, "count", len(rich), "err", reason)
		return len(rich)
	}
	r.log.Warn("notify: refused rich notifications whose validation tokens did not verify", "remote", remote, "count", len(rich), "err", reason)
	return len(rich)
}
