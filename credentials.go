package outlook

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
)

// Credential authenticates a Client. An Entra ID credential hands out, for
// each resource (token audience, such as https://graph.microsoft.com or
// https://mail.contoso.com), a token source whose tokens are cached and
// refreshed ahead of expiry: make one with ClientSecret, ClientCertificate,
// DeviceCode, AuthorizationCode, OnBehalfOf, FromTokenSource or StaticToken.
// An on-premises service account (OnPremisesAccount,
// OnPremisesAccountBasic) signs in to on-premises EWS hosts with its
// password instead. The configuration is checked by NewClient, which fails
// on an empty tenant, a malformed client id or an unreadable certificate
// before any request.
type Credential interface {
	// bind checks the configuration and prepares the credential for one
	// client's environment (HTTP client, authority host, token cache).
	bind(env credEnv) (boundCredential, error)
}

// credKind is what a credential proves, which decides the mailboxes and
// APIs it may sign in to.
type credKind uint8

const (
	// kindToken is a token source of the caller's (FromTokenSource,
	// StaticToken): whether its tokens are delegated or app-only is the
	// caller's to know, so the server judges them.
	kindToken credKind = iota
	// kindDelegated is an Entra ID sign-in of a user.
	kindDelegated
	// kindAppOnly is an Entra ID app signing in as itself (client
	// credentials), which on-premises Exchange does not accept.
	kindAppOnly
	// kindAccount is an on-premises service account with a password.
	kindAccount
)

// boundCredential gives out one token source per audience (Entra ID
// credentials), or signs requests to on-premises hosts in (kindAccount).
type boundCredential interface {
	kind() credKind
	tokenSource(aud audience) (*tokenSource, error)
}

// audience is what a token is for: the resource (the host's origin, or
// Graph's root) and, for an on-premises EWS host, the EWS permission, which
// is its own scope.
type audience struct {
	resource string
	ews      bool
}

// ewsScope is the delegated permission of EWS, as a scope of the server's
// resource: Exchange Online documents https://outlook.office365.com/EWS.AccessAsUser.All,
// and a hybrid server takes the same permission under its own origin, which
// the hybrid configuration registers as a name of Exchange's service
// principal.
const ewsScope = "EWS.AccessAsUser.All"

// credEnv is what a credential needs from the client it serves.
type credEnv struct {
	httpClient    *http.Client
	authorityHost string // login.microsoftonline.com, or a national cloud's
	graphURL      string // the cloud's Graph root, the resource of sign-ins
	cache         TokenCache
	now           func() time.Time
}

// refreshAhead is how long before expiry a token is replaced, so that a
// request never leaves with a token about to expire in flight.
const refreshAhead = 5 * time.Minute

// tokenSource caches one resource's token and fetches a new one, once for
// all concurrent callers, when it is about to expire. It implements
// odata.ContextTokenSource.
type tokenSource struct {
	resource string
	fetch    func(ctx context.Context) (*oauth2.Token, error)
	refuse   func(accessToken string) // tells the credential's cache a token was refused; nil if it keeps none
	now      func() time.Time
	mu       sync.Mutex
	tok      *oauth2.Token
	group    singleflight.Group
}

func newTokenSource(resource string, now func() time.Time, fetch func(ctx context.Context) (*oauth2.Token, error)) *tokenSource {
	if now == nil {
		now = time.Now
	}
	return &tokenSource{resource: resource, fetch: fetch, now: now}
}

// tokenTimeout bounds a token request made through Token, which has no context.
const tokenTimeout = 2 * time.Minute

// Token returns a valid token. oauth2.TokenSource has no context, so the
// request is bounded by a timeout instead; the SDK itself calls TokenContext.
func (s *tokenSource) Token() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenTimeout)
	defer cancel()
	return s.TokenContext(ctx)
}

// TokenContext returns a valid token, fetching one if the cached token
// expires within five minutes. Concurrent callers share one fetch.
func (s *tokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	tok := s.tok
	s.mu.Unlock()
	if tok != nil && (tok.Expiry.IsZero() || s.now().Add(refreshAhead).Before(tok.Expiry)) {
		return tok, nil
	}
	ch := s.group.DoChan("", func() (any, error) {
		// The fetch outlives a caller that gives up, so that the others
		// waiting on it still get their token; it is bounded on its own.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenTimeout)
		defer cancel()
		t, err := s.fetch(fctx)
		if err != nil {
			return nil, err
		}
		if t == nil || t.AccessToken == "" {
			return nil, errors.New("outlook: the credential returned an empty token")
		}
		s.mu.Lock()
		s.tok = t
		s.mu.Unlock()
		return t, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return nil, &tokenError{resource: s.resource, err: r.Err}
		}
		return r.Val.(*oauth2.Token), nil
	}
}

// tokenError is a failure to get a token for a resource. Its text names
// the package once, whichever of this package's errors it wraps
// (ErrSignInRequired, say).
type tokenError struct {
	resource string
	err      error
}

func (e *tokenError) Error() string {
	return "outlook: token for " + e.resource + ": " + strings.TrimPrefix(e.err.Error(), "outlook: ")
}

func (e *tokenError) Unwrap() error { return e.err }

// invalidate drops the cached token, which a service refused, so the next
// call fetches a new one: the credential's own cache (MSAL's) is told to
// forget it too, or it would hand the same token back.
func (s *tokenSource) invalidate() {
	s.mu.Lock()
	tok := s.tok
	s.tok = nil
	s.mu.Unlock()
	if tok != nil && s.refuse != nil {
		s.refuse(tok.AccessToken)
	}
}

// perResource keeps one token source per audience for a bound Entra ID
// credential.
type perResource struct {
	what    credKind
	mu      sync.Mutex
	sources map[audience]*tokenSource
	make    func(aud audience) (*tokenSource, error)
	refuse  func(accessToken string) // the credential cache's, if it keeps one
	// byResource keeps one source per resource whatever the API, for token
	// sources of the caller's, which are asked once per resource.
	byResource bool
}

func (p *perResource) kind() credKind { return p.what }

func (p *perResource) tokenSource(aud audience) (*tokenSource, error) {
	if p.byResource {
		aud.ews = false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.sources[aud]; ok {
		return s, nil
	}
	s, err := p.make(aud)
	if err != nil {
		return nil, err
	}
	s.refuse = p.refuse
	if p.sources == nil {
		p.sources = map[audience]*tokenSource{}
	}
	p.sources[aud] = s
	return s, nil
}

// scopes returns the delegated scopes of a sign-in for aud: the EWS
// permission for an EWS host, else the credential's scopes qualified for
// the resource.
func (aud audience) scopes(graphForm []string) []string {
	if aud.ews {
		return []string{strings.TrimRight(aud.resource, "/") + "/" + ewsScope}
	}
	return qualify(aud.resource, graphForm)
}

// fromAuthResult converts an MSAL result.
func fromAuthResult(r interface {
	token() (string, time.Time)
}) *oauth2.Token {
	at, exp := r.token()
	return &oauth2.Token{AccessToken: at, TokenType: "Bearer", Expiry: exp}
}

type confResult confidential.AuthResult

func (r confResult) token() (string, time.Time) { return r.AccessToken, r.ExpiresOn }

type pubResult public.AuthResult

func (r pubResult) token() (string, time.Time) { return r.AccessToken, r.ExpiresOn }

// Validation of the configuration, shared by the MSAL-backed credentials.

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
var domainRE = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

// ErrInvalidCredential is wrapped by the errors of a credential's configuration.
var ErrInvalidCredential = errors.New("outlook: invalid credential")

func checkTenant(tenant string, delegated bool) error {
	switch {
	case tenant == "":
		return fmt.Errorf("%w: empty tenant (give the directory's tenant id or a verified domain)", ErrInvalidCredential)
	case guidRE.MatchString(tenant), domainRE.MatchString(tenant):
		return nil
	case delegated && (tenant == "organizations" || tenant == "common"):
		return nil
	case tenant == "organizations" || tenant == "common":
		return fmt.Errorf("%w: tenant %q is only for delegated sign-in; app-only credentials need the tenant id or domain", ErrInvalidCredential, tenant)
	}
	return fmt.Errorf("%w: tenant %q is neither a tenant id (GUID) nor a domain name", ErrInvalidCredential, tenant)
}

func checkClientID(id string) error {
	if !guidRE.MatchString(id) {
		return fmt.Errorf("%w: client id %q is not an application (client) id GUID", ErrInvalidCredential, id)
	}
	return nil
}

func authority(env credEnv, tenant string) string {
	return "https://" + env.authorityHost + "/" + tenant
}

// defaultScope is the app-only scope of a resource.
func defaultScope(resource string) string { return strings.TrimRight(resource, "/") + "/.default" }

// qualify turns delegated scopes given in Graph form ("Mail.ReadWrite") into
// scopes of resource ("https://mail.contoso.com/Mail.ReadWrite"). Scopes that
// are already URLs, and the OpenID ones, pass unchanged.
func qualify(resource string, scopes []string) []string {
	out := make([]string, 0, len(scopes))
	for _, s := range scopes {
		switch {
		case s == "openid" || s == "profile" || s == "offline_access" || s == "email":
			continue // MSAL adds them itself
		case strings.Contains(s, "://"):
			out = append(out, s)
		default:
			out = append(out, strings.TrimRight(resource, "/")+"/"+s)
		}
	}
	if len(out) == 0 {
		out = append(out, defaultScope(resource))
	}
	return out
}

// App-only credentials: client secret and client certificate.

type confidentialCred struct {
	tenant, clientID string
	secret           string
	certs            []*x509.Certificate
	key              crypto.PrivateKey
	pemFile          string
	pemPassword      string
	oboAssertion     string // on-behalf-of: the incoming user token
	oboScopes        []string
}

// ClientSecret is an app-only credential (client credentials grant, MSAL
// confidential client) for an app registered in tenantID with clientID and
// a client secret. Tokens carry the app's application permissions
// (resource/.default); address mailboxes by address.
func ClientSecret(tenantID, clientID, secret string) Credential {
	return &confidentialCred{tenant: tenantID, clientID: clientID, secret: secret}
}

// ClientCertificate is an app-only credential that proves the app's identity
// with a certificate and its private key (Microsoft's recommended form). The
// key must be an RSA key: MSAL signs the client assertion with RS256/PS256.
func ClientCertificate(tenantID, clientID string, certs []*x509.Certificate, key crypto.PrivateKey) Credential {
	return &confidentialCred{tenant: tenantID, clientID: clientID, certs: certs, key: key}
}

// ClientCertificateFile is ClientCertificate with the certificate and key
// read from a PEM file (password "" for an unencrypted key) when the client
// is made.
func ClientCertificateFile(tenantID, clientID, pemFile, password string) Credential {
	return &confidentialCred{tenant: tenantID, clientID: clientID, pemFile: pemFile, pemPassword: password}
}

// OnBehalfOf is a delegated credential for a middle-tier API: it exchanges
// the user token the API received (userAssertion) for tokens to the mailbox
// hosts, with the delegated scopes given in Graph form ("Mail.Read").
// The API authenticates with its client secret.
func OnBehalfOf(tenantID, clientID, secret, userAssertion string, scopes ...string) Credential {
	return &confidentialCred{tenant: tenantID, clientID: clientID, secret: secret, oboAssertion: userAssertion, oboScopes: scopes}
}

func (c *confidentialCred) msalCredential() (confidential.Credential, error) {
	switch {
	case c.pemFile != "":
		b, err := os.ReadFile(c.pemFile)
		if err != nil {
			return confidential.Credential{}, fmt.Errorf("%w: reading the certificate: %v", ErrInvalidCredential, err)
		}
		certs, key, err := confidential.CertFromPEM(b, c.pemPassword)
		if err != nil {
			return confidential.Credential{}, fmt.Errorf("%w: certificate file %s: %v", ErrInvalidCredential, c.pemFile, err)
		}
		return confidential.NewCredFromCert(certs, key)
	case c.certs != nil || c.key != nil:
		if len(c.certs) == 0 || c.key == nil {
			return confidential.Credential{}, fmt.Errorf("%w: a certificate credential needs at least one certificate and its private key", ErrInvalidCredential)
		}
		cred, err := confidential.NewCredFromCert(c.certs, c.key)
		if err != nil {
			return cred, fmt.Errorf("%w: %v", ErrInvalidCredential, err)
		}
		return cred, nil
	case c.secret == "":
		return confidential.Credential{}, fmt.Errorf("%w: empty client secret", ErrInvalidCredential)
	}
	return confidential.NewCredFromSecret(c.secret)
}

func (c *confidentialCred) bind(env credEnv) (boundCredential, error) {
	delegated := c.oboAssertion != ""
	if err := checkTenant(c.tenant, delegated); err != nil {
		return nil, err
	}
	if err := checkClientID(c.clientID); err != nil {
		return nil, err
	}
	if delegated && len(strings.TrimSpace(c.oboAssertion)) == 0 {
		return nil, fmt.Errorf("%w: empty user assertion", ErrInvalidCredential)
	}
	cred, err := c.msalCredential()
	if err != nil {
		return nil, err
	}
	mc := newMSALCache(env.cache)
	opts := []confidential.Option{confidential.WithHTTPClient(env.httpClient), confidential.WithCache(mc)}
	app, err := confidential.New(authority(env, c.tenant), c.clientID, cred, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidCredential, err)
	}
	what := kindAppOnly
	if delegated {
		what = kindDelegated
	}
	return &perResource{what: what, refuse: mc.refuse, make: func(aud audience) (*tokenSource, error) {
		return newTokenSource(aud.resource, env.now, func(ctx context.Context) (*oauth2.Token, error) {
			if delegated {
				r, err := app.AcquireTokenOnBehalfOf(ctx, c.oboAssertion, aud.scopes(c.oboScopes))
				if err != nil {
					return nil, err
				}
				return fromAuthResult(confResult(r)), nil
			}
			r, err := app.AcquireTokenByCredential(ctx, []string{defaultScope(aud.resource)})
			if err != nil {
				return nil, err
			}
			return fromAuthResult(confResult(r)), nil
		}), nil
	}}, nil
}

// Delegated sign-in: device code.

// DeviceCodePrompt is what the user must be told to sign in with a device
// code: show Message (it holds the URL and the code), or build your own
// text from the fields.
type DeviceCodePrompt struct {
	Message         string
	UserCode        string
	VerificationURL string
	ExpiresOn       time.Time
}

type deviceCodeCred struct {
	tenant, clientID string
	scopes           []string
	prompt           func(context.Context, DeviceCodePrompt) error
}

// DeviceCode is a delegated credential for programs without a browser (MSAL
// public client, device code flow): prompt is called with the code to show
// the user, once; tokens for the other mailbox hosts are then obtained
// silently. Scopes are given in Graph form ("Mail.ReadWrite",
// "Calendars.Read") and qualified for each host.
func DeviceCode(tenantID, clientID string, prompt func(context.Context, DeviceCodePrompt) error, scopes ...string) Credential {
	return &deviceCodeCred{tenant: tenantID, clientID: clientID, prompt: prompt, scopes: scopes}
}

func (c *deviceCodeCred) bind(env credEnv) (boundCredential, error) {
	if err := checkTenant(c.tenant, true); err != nil {
		return nil, err
	}
	if err := checkClientID(c.clientID); err != nil {
		return nil, err
	}
	if c.prompt == nil {
		return nil, fmt.Errorf("%w: DeviceCode needs a prompt function to show the user the code", ErrInvalidCredential)
	}
	app, mc, err := newPublic(env, c.tenant, c.clientID)
	if err != nil {
		return nil, err
	}
	return &perResource{what: kindDelegated, refuse: mc.refuse, make: func(aud audience) (*tokenSource, error) {
		return newTokenSource(aud.resource, env.now, func(ctx context.Context) (*oauth2.Token, error) {
			scopes := aud.scopes(c.scopes)
			if tok, ok := silentPublic(ctx, app, scopes); ok {
				return tok, nil
			}
			dc, err := app.AcquireTokenByDeviceCode(ctx, scopes)
			if err != nil {
				return nil, err
			}
			if err := c.prompt(ctx, DeviceCodePrompt{Message: dc.Result.Message, UserCode: dc.Result.UserCode,
				VerificationURL: dc.Result.VerificationURL, ExpiresOn: dc.Result.ExpiresOn}); err != nil {
				return nil, fmt.Errorf("device code prompt: %w", err)
			}
			r, err := dc.AuthenticationResult(ctx)
			if err != nil {
				return nil, err
			}
			return fromAuthResult(pubResult(r)), nil
		}), nil
	}}, nil
}

func newPublic(env credEnv, tenant, clientID string) (public.Client, *msalCache, error) {
	mc := newMSALCache(env.cache)
	opts := []public.Option{public.WithAuthority(authority(env, tenant)), public.WithHTTPClient(env.httpClient), public.WithCache(mc)}
	app, err := public.New(clientID, opts...)
	if err != nil {
		return app, nil, fmt.Errorf("%w: %v", ErrInvalidCredential, err)
	}
	return app, mc, nil
}

// silentPublic gets a token from MSAL's cache or with a refresh token of a
// signed-in account.
func silentPublic(ctx context.Context, app public.Client, scopes []string) (*oauth2.Token, bool) {
	accounts, err := app.Accounts(ctx)
	if err != nil || len(accounts) == 0 {
		return nil, false
	}
	r, err := app.AcquireTokenSilent(ctx, scopes, public.WithSilentAccount(accounts[0]))
	if err != nil {
		return nil, false
	}
	return fromAuthResult(pubResult(r)), true
}

// Bring your own token source.

type sourceCred struct {
	fn func(resource string) oauth2.TokenSource
}

// FromTokenSource uses tokens from fn, asked once per resource (audience:
// "https://graph.microsoft.com" for Exchange Online, "https://<host>" for an
// on-premises server, whose EWS takes delegated tokens with the scope
// https://<host>/EWS.AccessAsUser.All). The SDK caches the returned
// source's tokens and refreshes them five minutes before they expire.
// Whether the tokens are delegated or app-only is for the servers to judge.
func FromTokenSource(fn func(resource string) oauth2.TokenSource) Credential {
	return &sourceCred{fn: fn}
}

func (c *sourceCred) bind(env credEnv) (boundCredential, error) {
	if c.fn == nil {
		return nil, fmt.Errorf("%w: FromTokenSource(nil)", ErrInvalidCredential)
	}
	return &perResource{what: kindToken, byResource: true, make: func(aud audience) (*tokenSource, error) {
		ts := c.fn(aud.resource)
		if ts == nil {
			return nil, fmt.Errorf("%w: no token source for %s", ErrInvalidCredential, aud.resource)
		}
		return newTokenSource(aud.resource, env.now, func(context.Context) (*oauth2.Token, error) { return ts.Token() }), nil
	}}, nil
}

// StaticToken sends the same access token to every host, for tests and
// short scripts. A real token is bound to one resource, so with mailboxes on
// several hosts prefer FromTokenSource. Against the outlooktest fake, which
// accepts only tokens it minted, use its Server.AccessToken (one host) or
// FromTokenSource(srv.TokenSource(user)) (every host of the test).
func StaticToken(accessToken string) Credential {
	return &sourceCred{fn: func(string) oauth2.TokenSource {
		if accessToken == "" {
			return nil
		}
		return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: accessToken, TokenType: "Bearer"})
	}}
}

// Token cache persistence.

// TokenCache stores MSAL's token cache between runs, so a restart or a
// second process reuses tokens instead of signing in again. The data is
// opaque and holds secrets (refresh tokens): store it as such.
type TokenCache interface {
	// Load returns the stored cache, or nil and no error when there is none.
	Load(ctx context.Context) ([]byte, error)
	// Save replaces the stored cache.
	Save(ctx context.Context, data []byte) error
}

// FileTokenCache stores the token cache in a file readable by its owner
// only, replaced atomically.
type FileTokenCache struct {
	Path string
	mu   sync.Mutex
}

// Load reads the file; a missing file is an empty cache.
func (f *FileTokenCache) Load(ctx context.Context) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// Save writes the file through a temporary file and a rename.
func (f *FileTokenCache) Save(ctx context.Context, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	tmp, err := os.CreateTemp(dirOf(f.Path), ".token-cache-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.Path)
}

func dirOf(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[:i+1]
	}
	return "."
}

// msalCache is the cache of every MSAL client the SDK makes: MSAL's own
// in memory, or the caller's TokenCache. It leaves out of what MSAL loads
// the access tokens a service refused, so that asking MSAL again after a
// 401 gets a new token rather than the refused one from its cache (MSAL for
// Go has no force-refresh for app tokens).
type msalCache struct {
	store TokenCache // nil: MSAL's memory only

	mu      sync.Mutex
	blobs   map[string][]byte // without a store: the last export of each cache partition
	refused []string          // the last maxRefused access tokens refused
}

// maxRefused bounds the refused tokens remembered; a token lives an hour or
// so, and a service refuses few.
const maxRefused = 16

func newMSALCache(store TokenCache) *msalCache {
	return &msalCache{store: store, blobs: map[string][]byte{}}
}

// refuse makes MSAL forget the access token from its next load on.
func (a *msalCache) refuse(accessToken string) {
	if accessToken == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.refused) == maxRefused {
		a.refused = a.refused[1:]
	}
	a.refused = append(a.refused, accessToken)
}

// Replace loads the cache into MSAL before it reads: the store's contents,
// or (without a store) MSAL's own last export when a token was refused
// since, so that it forgets that token.
func (a *msalCache) Replace(ctx context.Context, u cache.Unmarshaler, h cache.ReplaceHints) error {
	var b []byte
	if a.store != nil {
		var err error
		if b, err = a.store.Load(ctx); err != nil {
			return err
		}
	}
	a.mu.Lock()
	refused := slices.Clone(a.refused)
	if a.store == nil {
		if len(refused) == 0 {
			a.mu.Unlock()
			return nil // MSAL's memory is current
		}
		b = a.blobs[h.PartitionKey]
	}
	a.mu.Unlock()
	if len(b) == 0 {
		return nil
	}
	return u.Unmarshal(withoutTokens(b, refused))
}

// Export saves what MSAL holds after it writes.
func (a *msalCache) Export(ctx context.Context, m cache.Marshaler, h cache.ExportHints) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if a.store != nil {
		return a.store.Save(ctx, b)
	}
	a.mu.Lock()
	a.blobs[h.PartitionKey] = b
	a.mu.Unlock()
	return nil
}

// withoutTokens removes from a serialized MSAL cache (the schema shared by
// the MSAL libraries) the access tokens whose secret is one of tokens. A
// cache it cannot read is returned as is, for MSAL to judge.
func withoutTokens(b []byte, tokens []string) []byte {
	if len(tokens) == 0 {
		return b
	}
	var c map[string]json.RawMessage
	if json.Unmarshal(b, &c) != nil {
		return b
	}
	var ats map[string]json.RawMessage
	if json.Unmarshal(c["AccessToken"], &ats) != nil {
		return b
	}
	dropped := false
	for k, raw := range ats {
		var at struct {
			Secret string `json:"secret"`
		}
		if json.Unmarshal(raw, &at) == nil && slices.Contains(tokens, at.Secret) {
			delete(ats, k)
			dropped = true
		}
	}
	if !dropped {
		return b
	}
	c["AccessToken"], _ = json.Marshal(ats)
	out, err := json.Marshal(c)
	if err != nil {
		return b
	}
	return out
}

// Delegated sign-in for web apps: authorization code with PKCE.

// ErrSignInRequired is returned for a delegated credential that has no
// signed-in user yet (AuthCodeCredential before Redeem).
var ErrSignInRequired = errors.New("outlook: no user has signed in")

// AuthCodeCredential is a delegated credential for web apps: the user signs
// in through the browser (authorization code flow with PKCE), the app
// redeems the code, and tokens for every mailbox host follow silently. Make
// it with AuthorizationCode and pass it to NewClient before calling its
// methods.
type AuthCodeCredential struct {
	tenant, clientID, secret, redirectURI string
	scopes                                []string

	mu      sync.Mutex
	env     credEnv
	app     *confidential.Client
	account *confidential.Account
}

// AuthorizationCode returns the credential of a web app registered with a
// client secret and redirectURI, asking for the delegated scopes given in
// Graph form ("Mail.ReadWrite").
func AuthorizationCode(tenantID, clientID, secret, redirectURI string, scopes ...string) *AuthCodeCredential {
	return &AuthCodeCredential{tenant: tenantID, clientID: clientID, secret: secret, redirectURI: redirectURI, scopes: scopes}
}

func (a *AuthCodeCredential) bind(env credEnv) (boundCredential, error) {
	if err := checkTenant(a.tenant, true); err != nil {
		return nil, err
	}
	if err := checkClientID(a.clientID); err != nil {
		return nil, err
	}
	if u, err := url.Parse(a.redirectURI); err != nil || u.Host == "" || (u.Scheme != "https" && u.Hostname() != "localhost") {
		return nil, fmt.Errorf("%w: redirect URI %q must be an absolute https URL (or http://localhost)", ErrInvalidCredential, a.redirectURI)
	}
	if a.secret == "" {
		return nil, fmt.Errorf("%w: empty client secret", ErrInvalidCredential)
	}
	cred, err := confidential.NewCredFromSecret(a.secret)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidCredential, err)
	}
	mc := newMSALCache(env.cache)
	opts := []confidential.Option{confidential.WithHTTPClient(env.httpClient), confidential.WithCache(mc)}
	app, err := confidential.New(authority(env, a.tenant), a.clientID, cred, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidCredential, err)
	}
	a.mu.Lock()
	a.env, a.app = env, &app
	a.mu.Unlock()
	return &perResource{what: kindDelegated, refuse: mc.refuse, make: func(aud audience) (*tokenSource, error) {
		return newTokenSource(aud.resource, env.now, func(ctx context.Context) (*oauth2.Token, error) {
			a.mu.Lock()
			acct := a.account
			a.mu.Unlock()
			if acct == nil {
				return nil, ErrSignInRequired
			}
			r, err := app.AcquireTokenSilent(ctx, aud.scopes(a.scopes), confidential.WithSilentAccount(*acct))
			if err != nil {
				return nil, err
			}
			return fromAuthResult(confResult(r)), nil
		}), nil
	}}, nil
}

func (a *AuthCodeCredential) bound() (*confidential.Client, credEnv, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.app == nil {
		return nil, credEnv{}, errors.New("outlook: pass the AuthCodeCredential to NewClient before signing in")
	}
	return a.app, a.env, nil
}

// AuthCodeURL returns the URL to send the user's browser to, carrying state
// (your CSRF token), and the PKCE verifier to keep with the user's session
// until Redeem.
func (a *AuthCodeCredential) AuthCodeURL(ctx context.Context, state string) (authURL, verifier string, err error) {
	app, env, err := a.bound()
	if err != nil {
		return "", "", err
	}
	verifier = oauth2.GenerateVerifier()
	u, err := app.AuthCodeURL(ctx, a.clientID, a.redirectURI, qualify(env.graphURL, a.scopes))
	if err != nil {
		return "", "", fmt.Errorf("outlook: %w", err)
	}
	pu, err := url.Parse(u)
	if err != nil {
		return "", "", fmt.Errorf("outlook: %w", err)
	}
	q := pu.Query()
	q.Set("state", state)
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
	q.Set("code_challenge_method", "S256")
	pu.RawQuery = q.Encode()
	return pu.String(), verifier, nil
}

// Redeem exchanges the code the redirect brought back, with the verifier
// from AuthCodeURL, and signs the user in.
func (a *AuthCodeCredential) Redeem(ctx context.Context, code, verifier string) error {
	app, env, err := a.bound()
	if err != nil {
		return err
	}
	if code == "" || verifier == "" {
		return errors.New("outlook: Redeem needs the code and the verifier")
	}
	r, err := app.AcquireTokenByAuthCode(ctx, code, a.redirectURI, qualify(env.graphURL, a.scopes), confidential.WithChallenge(verifier))
	if err != nil {
		return fmt.Errorf("outlook: redeeming the authorization code: %w", err)
	}
	a.mu.Lock()
	a.account = &r.Account
	a.mu.Unlock()
	return nil
}
