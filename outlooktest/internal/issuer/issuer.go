// Package issuer is the fake server's Entra ID (Azure AD) token issuer: the
// v2.0 endpoints MSAL for Go uses (instance discovery, OpenID configuration,
// keys, token, device code, authorize), for client secrets, certificate
// assertions, refresh tokens, device codes, authorization codes with PKCE
// and on-behalf-of. Access tokens are opaque strings it remembers, each bound
// to one resource; the hosts of the fake check them with Lookup. It also
// signs the validation tokens of Graph's rich notifications
// (MintValidationToken), with an RSA key published beside the id_token key
// and under the v1.0 OpenID configuration receivers read.
package issuer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t thumbprints are SHA-1 by definition (RFC 7515)
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
)

// App is an application registered with the issuer. Without registration
// any client id is accepted with any client secret.
type App struct {
	ClientID     string
	Secret       string              // when set, the only client secret accepted
	Certificates []*x509.Certificate // whose keys may sign the app's client assertions
	Roles        []string            // app-only tokens' roles; default Mail.ReadWrite, Mail.Send, Calendars.ReadWrite, Contacts.ReadWrite
}

// defaultPermissions are what an app-only token's roles, or a delegated
// "/.default" token's scopes, hold when nothing narrower was asked for.
var defaultPermissions = []string{"Mail.ReadWrite", "Mail.Send", "Calendars.ReadWrite", "Contacts.ReadWrite"}

// Key names what tokens were issued for: one application and one resource.
type Key struct {
	ClientID string
	Resource string
}

// Directory is what the issuer needs to know of the server's tenants.
type Directory interface {
	// ResolveTenant returns the tenant id a tenant path segment (given in
	// lower case) names: a tenant id, or a mail domain of the server.
	ResolveTenant(seg string) (tenantID string, ok bool)
	// UserTenant returns the tenant of a mailbox's user; ok is false when
	// the server has no such mailbox.
	UserTenant(smtp string) (tenantID string, ok bool)
	// HostTenant returns the tenant an on-premises host belongs to; ok is
	// false when host is not an on-premises host of the server.
	HostTenant(host string) (tenantID string, ok bool)
}

// Config configures an Issuer.
type Config struct {
	Now           func() time.Time // the server's clock: issue times, expiry
	TokenLifetime time.Duration    // how long access tokens live
	AutoApprove   string           // the address signed in wherever a person would act; "" for nobody
	Directory     Directory
}

// RegisterApp registers (or replaces) an application.
func (is *Issuer) RegisterApp(a App) {
	a.Certificates = slices.Clone(a.Certificates)
	a.Roles = slices.Clone(a.Roles)
	is.mu.Lock()
	is.apps[strings.ToLower(a.ClientID)] = a
	is.mu.Unlock()
}

// Counts returns how many access tokens were issued per application and
// resource. Refused and pending requests are not counted.
func (is *Issuer) Counts() map[Key]int {
	is.mu.Lock()
	defer is.mu.Unlock()
	return maps.Clone(is.counts)
}

// ApproveDeviceCode signs addr (lower case, a mailbox of the server) in for
// a pending device code, as the person at https://microsoft.com/devicelogin
// would. The user code is matched case-insensitively.
func (is *Issuer) ApproveDeviceCode(userCode, addr string) error {
	is.mu.Lock()
	defer is.mu.Unlock()
	dc, ok := is.userCodes[strings.ToUpper(strings.TrimSpace(userCode))]
	if !ok {
		return fmt.Errorf("outlooktest: ApproveDeviceCode: no pending device code %q", userCode)
	}
	dc.user = addr
	return nil
}

// PendingDeviceCodes returns the user codes of device-code flows waiting for
// a sign-in, oldest first.
func (is *Issuer) PendingDeviceCodes() []string {
	is.mu.Lock()
	defer is.mu.Unlock()
	var pending []*deviceCode
	for _, dc := range is.userCodes {
		if dc.user == "" {
			pending = append(pending, dc)
		}
	}
	slices.SortFunc(pending, func(a, b *deviceCode) int { return a.created.Compare(b.created) })
	codes := make([]string, len(pending))
	for i, dc := range pending {
		codes[i] = dc.userCode
	}
	return codes
}

// tokenInfo is what the server remembers of an access token it issued.
type tokenInfo struct {
	audience string
	user     string
	appOnly  bool
	clientID string
	tenantID string
	scopes   []string
	expires  time.Time
}

// Principal is who a token the issuer minted speaks for. A REST host puts
// it behind a request after checking the token's audience, to resolve /me
// and to check that an app or a user may touch a mailbox.
type Principal struct {
	Audience string   // resource the token was minted for, e.g. "https://graph.microsoft.com"
	User     string   // SMTP address of the signed-in user for delegated tokens; "" for app-only
	AppOnly  bool     // client credentials (secret or certificate) grant
	ClientID string   // the application (client) id
	TenantID string   // the tenant the token was issued in
	Scopes   []string // scopes (delegated) or roles (app-only) granted
}

// Token is what the issuer remembers of an access token it minted.
type Token struct {
	Principal
	Expires time.Time
}

func (t tokenInfo) principal() Principal {
	return Principal{
		Audience: t.audience,
		User:     t.user,
		AppOnly:  t.appOnly,
		ClientID: t.clientID,
		TenantID: t.tenantID,
		Scopes:   slices.Clone(t.scopes),
	}
}

type refreshInfo struct {
	user     string
	clientID string
	tenantID string
}

type deviceCode struct {
	userCode string
	code     string
	clientID string
	tenant   string // as the client named it in the path
	scope    string
	created  time.Time
	expires  time.Time
	user     string // set once someone signed in
}

type authCode struct {
	user        string
	clientID    string
	redirectURI string
	challenge   string
	method      string
	scope       string
	expires     time.Time
}

// Issuer is the fake Entra ID (Azure AD) v2.0 endpoint: instance
// discovery, OpenID configuration, keys, token, device code and authorize.
// Tokens are opaque random strings remembered here, each bound to one
// audience.
type Issuer struct {
	cfg Config
	key *ecdsa.PrivateKey // signs id_tokens
	kid string
	rsa rsaSigner // signs validation tokens (validation.go)

	mu        sync.Mutex
	apps      map[string]App // by lower-case client id
	tokens    map[string]tokenInfo
	refresh   map[string]refreshInfo
	devices   map[string]*deviceCode // by device_code
	userCodes map[string]*deviceCode // by user_code
	codes     map[string]authCode
	counts    map[Key]int
}

// New returns an issuer with no tokens and no registered app.
func New(cfg Config) *Issuer {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("outlooktest: issuer key: %v", err))
	}
	return &Issuer{
		cfg:       cfg,
		key:       key,
		kid:       ids.Token(9),
		apps:      map[string]App{},
		tokens:    map[string]tokenInfo{},
		refresh:   map[string]refreshInfo{},
		devices:   map[string]*deviceCode{},
		userCodes: map[string]*deviceCode{},
		codes:     map[string]authCode{},
		counts:    map[Key]int{},
	}
}

// Mint issues an access token for p without a sign-in flow, good until
// expires: a shortcut for tests that need a token of a given shape.
func (is *Issuer) Mint(p Principal, expires time.Time) string {
	tok := ids.Token(32)
	is.mu.Lock()
	is.tokens[tok] = tokenInfo{audience: p.Audience, user: p.User, appOnly: p.AppOnly, clientID: p.ClientID,
		tenantID: p.TenantID, scopes: slices.Clone(p.Scopes), expires: expires}
	is.mu.Unlock()
	return tok
}

// Lookup returns what the issuer knows of an access token it minted,
// expired or not.
func (is *Issuer) Lookup(token string) (Token, bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	t, ok := is.tokens[token]
	if !ok {
		return Token{}, false
	}
	return Token{Principal: t.principal(), Expires: t.expires}, true
}

// aadError is an OAuth error answer in Entra ID's shape.
type aadError struct {
	status int
	err    string // OAuth error, e.g. "invalid_client"
	code   int    // AADSTS number
	desc   string
}

func (e *aadError) Error() string { return fmt.Sprintf("AADSTS%d: %s", e.code, e.desc) }

func (is *Issuer) writeError(w http.ResponseWriter, e *aadError) {
	now := is.cfg.Now().UTC()
	trace, corr := ids.GUID(), ids.GUID()
	desc := fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s",
		e.code, e.desc, trace, corr, now.Format("2006-01-02 15:04:05Z"))
	writeIssuerJSON(w, e.status, map[string]any{
		"error":             e.err,
		"error_description": desc,
		"error_codes":       []int{e.code},
		"timestamp":         now.Format("2006-01-02 15:04:05Z"),
		"trace_id":          trace,
		"correlation_id":    corr,
	})
}

func writeIssuerJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// ServeHTTP answers the issuer's endpoints under /{tenant}/...: the tenant
// is a domain or id of the server, "common" or "organizations".
func (is *Issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 {
		is.writeError(w, &aadError{http.StatusNotFound, "invalid_request", 90002, fmt.Sprintf("outlooktest: no issuer endpoint at %q.", r.URL.Path)})
		return
	}
	tenant, rest := parts[0], strings.ToLower(strings.Join(parts[1:], "/"))
	switch rest {
	case "discovery/instance":
		is.instanceDiscovery(w, r)
	case "v2.0/.well-known/openid-configuration":
		is.openIDConfiguration(w, r, tenant)
	case "discovery/v2.0/keys", "discovery/keys":
		is.keys(w)
	case ".well-known/openid-configuration":
		is.openIDConfigurationV1(w, r, tenant)
	case "oauth2/v2.0/token":
		is.token(w, r, tenant)
	case "oauth2/v2.0/devicecode":
		is.deviceCode(w, r, tenant)
	case "oauth2/v2.0/authorize":
		is.authorize(w, r, tenant)
	default:
		is.writeError(w, &aadError{http.StatusNotFound, "invalid_request", 900561,
			fmt.Sprintf("outlooktest: the issuer serves no endpoint %q (only the v2.0 endpoints).", r.URL.Path)})
	}
}

// resolveTenant maps the tenant segment of a path to a tenant id: a GUID or
// a domain of the server, or "" for the multi-tenant aliases.
func (is *Issuer) resolveTenant(seg string) (string, *aadError) {
	t := strings.ToLower(seg)
	switch t {
	case "common", "organizations":
		return "", nil
	}
	if tid, ok := is.cfg.Directory.ResolveTenant(t); ok {
		return tid, nil
	}
	return "", &aadError{http.StatusBadRequest, "invalid_tenant", 90002,
		fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", seg)}
}

func (is *Issuer) baseURL(r *http.Request) string {
	return "https://" + hosts.Norm(hosts.StripPort(r.Host))
}

func (is *Issuer) instanceDiscovery(w http.ResponseWriter, r *http.Request) {
	tenant := "common"
	if ae := r.URL.Query().Get("authorization_endpoint"); ae != "" {
		if u, err := url.Parse(ae); err == nil {
			if seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/"); seg != "" {
				tenant = seg
			}
		}
	}
	writeIssuerJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": "https://" + hosts.Login + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": hosts.Login,
			"preferred_cache":   hosts.LoginWindows,
			"aliases":           []string{hosts.Login, hosts.LoginWindows, hosts.LoginMicrosoft, "sts.windows.net"},
		}},
	})
}

func (is *Issuer) openIDConfiguration(w http.ResponseWriter, r *http.Request, tenant string) {
	tid, aerr := is.resolveTenant(tenant)
	if aerr != nil {
		is.writeError(w, aerr)
		return
	}
	issuerTenant := tid
	if tid == "" {
		issuerTenant = "{tenantid}"
	}
	base := is.baseURL(r) + "/" + tenant
	writeIssuerJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"ES256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                "https://" + hosts.Login + "/" + issuerTenant + "/v2.0",
		"request_uri_parameter_supported":       false,
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "preferred_username", "tid", "ver"},
		"tenant_region_scope":                   "WW",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          hosts.Graph,
	})
}

func (is *Issuer) keys(w http.ResponseWriter) {
	pt, err := is.key.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil || len(pt) != 65 {
		is.writeError(w, &aadError{http.StatusInternalServerError, "server_error", 50000, "outlooktest: cannot encode the signing key."})
		return
	}
	x, y := pt[1:33], pt[33:]
	writeIssuerJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "EC", "use": "sig", "crv": "P-256", "kid": is.kid, "alg": "ES256",
		"x": base64.RawURLEncoding.EncodeToString(x),
		"y": base64.RawURLEncoding.EncodeToString(y),
	}, is.rsa.jwk()}})
}

// scopeRequest is a parsed "scope" parameter: one resource and the
// permissions asked on it.
type scopeRequest struct {
	resource string   // e.g. "https://graph.microsoft.com"
	perms    []string // e.g. "Mail.Read", ".default"
	raw      string
}

var oidcScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}

// parseScopes splits a scope parameter. Bare permission names mean Graph, as
// Entra ID reads them; "<resource>/<permission>" names the resource; all
// must name the same resource.
func parseScopes(raw string) (scopeRequest, *aadError) {
	sr := scopeRequest{raw: raw}
	for sc := range strings.FieldsSeq(raw) {
		if oidcScopes[strings.ToLower(sc)] {
			continue
		}
		res, perm := hosts.GraphResource, sc
		if strings.Contains(sc, "://") {
			i := strings.LastIndexByte(sc, '/')
			res, perm = sc[:i], sc[i+1:]
			u, err := url.Parse(strings.TrimRight(res, "/"))
			if err != nil || u.Scheme == "" || u.Host == "" || perm == "" {
				return sr, &aadError{http.StatusBadRequest, "invalid_scope", 70011,
					fmt.Sprintf("The provided value for the input parameter 'scope' is not valid. The scope %s is not valid.", sc)}
			}
			// The escaped path: a decoded one may hold a space ("%20"), and
			// the resource would no longer be one scope of a scope list.
			res = strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/")
		}
		if sr.resource != "" && sr.resource != res {
			return sr, &aadError{http.StatusBadRequest, "invalid_scope", 28000,
				"Provided value for the input parameter scope is not valid because it contains more than one resource. Scope " + raw + " is not valid."}
		}
		sr.resource = res
		sr.perms = append(sr.perms, perm)
	}
	if sr.resource == "" {
		sr.resource = hosts.GraphResource // only OpenID scopes: Entra ID answers with a Graph token
	}
	return sr, nil
}

// grantedScopes turns the permissions asked into those a token carries.
func (sr scopeRequest) grantedScopes() []string {
	var out []string
	for _, p := range sr.perms {
		if p == ".default" {
			out = append(out, defaultPermissions...)
		} else {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkResource answers AADSTS500011 for a resource no service principal of
// the tenant has: an unknown host, or an on-premises host of another tenant.
func (is *Issuer) checkResource(resource, tenantID string) *aadError {
	switch resource {
	case hosts.GraphResource, "https://" + hosts.EXO, "https://" + hosts.OutlookCloud:
		return nil
	}
	notFound := &aadError{http.StatusBadRequest, "invalid_resource", 500011,
		fmt.Sprintf("The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", resource, tenantID)}
	host, ok := strings.CutPrefix(resource, "https://")
	if !ok {
		return notFound
	}
	htid, ok := is.cfg.Directory.HostTenant(host)
	if !ok || tenantID != "" && htid != tenantID {
		return notFound
	}
	return nil
}

// clientCredential is how a confidential client proved who it is.
type clientCredential int

const (
	credNone clientCredential = iota
	credSecret
	credAssertion
)

// authenticateClient checks a client secret or client assertion, if the
// request carries one. Any secret is good for an unregistered app; an
// assertion needs a registered certificate.
func (is *Issuer) authenticateClient(r *http.Request, clientID, tokenURL string) (clientCredential, *aadError) {
	secret := r.PostForm.Get("client_secret")
	if id, pw, ok := r.BasicAuth(); ok {
		if uid, err := url.QueryUnescape(id); err == nil && strings.EqualFold(uid, clientID) {
			secret, _ = url.QueryUnescape(pw)
		}
	}
	assertion := r.PostForm.Get("client_assertion")
	is.mu.Lock()
	app, registered := is.apps[strings.ToLower(clientID)]
	is.mu.Unlock()
	switch {
	case assertion != "":
		if t := r.PostForm.Get("client_assertion_type"); t != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			return credNone, &aadError{http.StatusBadRequest, "invalid_request", 50027,
				fmt.Sprintf("The client_assertion_type %q is not supported.", t)}
		}
		if !registered || len(app.Certificates) == 0 {
			return credNone, &aadError{http.StatusUnauthorized, "invalid_client", 700027,
				fmt.Sprintf("Client assertion failed signature validation: no certificate is registered for application '%s' (outlooktest: RegisterApp it with its certificate).", clientID)}
		}
		if err := verifyClientAssertion(assertion, app.Certificates, clientID, tokenURL, is.cfg.Now()); err != nil {
			return credNone, &aadError{http.StatusUnauthorized, "invalid_client", 700027,
				"Client assertion failed signature validation: " + err.Error() + "."}
		}
		return credAssertion, nil
	case secret != "":
		if registered && app.Secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(app.Secret)) != 1 {
			return credNone, &aadError{http.StatusUnauthorized, "invalid_client", 7000215,
				fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID)}
		}
		return credSecret, nil
	}
	return credNone, nil
}

func (is *Issuer) token(w http.ResponseWriter, r *http.Request, tenant string) {
	if r.Method != http.MethodPost {
		is.writeError(w, &aadError{http.StatusMethodNotAllowed, "invalid_request", 900561, "The endpoint only accepts POST requests."})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_request", 900144, "The request body is not a form: " + err.Error()})
		return
	}
	tid, aerr := is.resolveTenant(tenant)
	if aerr != nil {
		is.writeError(w, aerr)
		return
	}
	clientID := r.PostForm.Get("client_id")
	if clientID == "" {
		if id, _, ok := r.BasicAuth(); ok {
			clientID, _ = url.QueryUnescape(id)
		}
	}
	if clientID == "" {
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'."})
		return
	}
	tokenURL := is.baseURL(r) + r.URL.Path
	cred, aerr := is.authenticateClient(r, clientID, tokenURL)
	if aerr != nil {
		is.writeError(w, aerr)
		return
	}
	sr, aerr := parseScopes(r.PostForm.Get("scope"))
	if aerr != nil {
		is.writeError(w, aerr)
		return
	}

	switch gt := r.PostForm.Get("grant_type"); gt {
	case "client_credentials":
		is.clientCredentials(w, tid, clientID, cred, sr)
	case "refresh_token":
		is.redeemRefreshToken(w, r, tid, clientID, sr)
	case "device_code", "urn:ietf:params:oauth:grant-type:device_code": // MSAL sends the short form
		is.redeemDeviceCode(w, r, clientID, sr)
	case "authorization_code":
		is.redeemAuthCode(w, r, clientID, sr)
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		is.onBehalfOf(w, r, tid, clientID, cred, sr)
	case "":
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."})
	default:
		is.writeError(w, &aadError{http.StatusBadRequest, "unsupported_grant_type", 70003,
			fmt.Sprintf("The app requested an unsupported grant type '%s' (outlooktest serves client_credentials, refresh_token, device_code, authorization_code and jwt-bearer).", gt)})
	}
}

func (is *Issuer) clientCredentials(w http.ResponseWriter, tid, clientID string, cred clientCredential, sr scopeRequest) {
	switch {
	case tid == "":
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_request", 50059,
			"No tenant-identifying information found in either the request or implied by any provided credentials."})
		return
	case cred == credNone:
		is.writeError(w, &aadError{http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'."})
		return
	case len(sr.perms) != 1 || sr.perms[0] != ".default":
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_scope", 1002012,
			fmt.Sprintf("The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", sr.raw)})
		return
	}
	if aerr := is.checkResource(sr.resource, tid); aerr != nil {
		is.writeError(w, aerr)
		return
	}
	is.mu.Lock()
	roles := slices.Clone(is.apps[strings.ToLower(clientID)].Roles)
	is.mu.Unlock()
	if len(roles) == 0 {
		roles = slices.Clone(defaultPermissions)
	}
	is.issue(w, tokenInfo{audience: sr.resource, appOnly: true, clientID: clientID, tenantID: tid, scopes: roles}, sr.raw, false)
}

// user is a signed-in person: a mailbox of the server.
type user struct {
	addr     string
	tenantID string
}

// signIn checks that smtp may sign in to tid ("" = any tenant).
func (is *Issuer) signIn(smtp, tid string) (user, *aadError) {
	utid, ok := is.cfg.Directory.UserTenant(smtp)
	if !ok {
		return user{}, &aadError{http.StatusBadRequest, "invalid_grant", 50034,
			fmt.Sprintf("The user account %s does not exist in the directory.", smtp)}
	}
	if tid != "" && tid != utid {
		return user{}, &aadError{http.StatusBadRequest, "invalid_grant", 50020,
			fmt.Sprintf("User account '%s' from identity provider does not exist in tenant '%s' and cannot access the application in that tenant.", smtp, tid)}
	}
	return user{addr: smtp, tenantID: utid}, nil
}

// delegated issues a user's token for the resource the scopes name.
func (is *Issuer) delegated(w http.ResponseWriter, u user, clientID string, sr scopeRequest) {
	if aerr := is.checkResource(sr.resource, u.tenantID); aerr != nil {
		is.writeError(w, aerr)
		return
	}
	is.issue(w, tokenInfo{audience: sr.resource, user: u.addr, clientID: clientID, tenantID: u.tenantID, scopes: sr.grantedScopes()}, sr.raw, true)
}

func (is *Issuer) redeemRefreshToken(w http.ResponseWriter, r *http.Request, tid, clientID string, sr scopeRequest) {
	is.mu.Lock()
	ri, ok := is.refresh[r.PostForm.Get("refresh_token")]
	is.mu.Unlock()
	switch {
	case !ok:
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid: the refresh token is not one this issuer gave."})
		return
	case !strings.EqualFold(ri.clientID, clientID):
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_grant", 70000, "The refresh token was issued to a different client id."})
		return
	case tid != "" && tid != ri.tenantID:
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_grant", 50020, "The refresh token was issued in a different tenant."})
		return
	}
	is.delegated(w, user{addr: ri.user, tenantID: ri.tenantID}, clientID, sr)
}

func (is *Issuer) deviceCode(w http.ResponseWriter, r *http.Request, tenant string) {
	if r.Method != http.MethodPost {
		is.writeError(w, &aadError{http.StatusMethodNotAllowed, "invalid_request", 900561, "The endpoint only accepts POST requests."})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_request", 900144, "The request body is not a form: " + err.Error()})
		return
	}
	if _, aerr := is.resolveTenant(tenant); aerr != nil {
		is.writeError(w, aerr)
		return
	}
	clientID := r.PostForm.Get("client_id")
	if clientID == "" {
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'."})
		return
	}
	if _, aerr := parseScopes(r.PostForm.Get("scope")); aerr != nil {
		is.writeError(w, aerr)
		return
	}
	now := is.cfg.Now()
	dc := &deviceCode{
		userCode: userCode(),
		code:     ids.Token(32),
		clientID: clientID,
		tenant:   tenant,
		scope:    r.PostForm.Get("scope"),
		created:  now,
		expires:  now.Add(15 * time.Minute),
		user:     is.cfg.AutoApprove,
	}
	is.mu.Lock()
	is.devices[dc.code] = dc
	is.userCodes[dc.userCode] = dc
	is.mu.Unlock()
	const verify = "https://microsoft.com/devicelogin"
	writeIssuerJSON(w, http.StatusOK, map[string]any{
		"user_code":        dc.userCode,
		"device_code":      dc.code,
		"verification_uri": verify,
		"expires_in":       900,
		"interval":         5,
		"message":          fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", verify, dc.userCode),
	})
}

func (is *Issuer) redeemDeviceCode(w http.ResponseWriter, r *http.Request, clientID string, sr scopeRequest) {
	code := r.PostForm.Get("device_code")
	is.mu.Lock()
	dc, ok := is.devices[code]
	var approved string
	if ok {
		approved = dc.user
	}
	is.mu.Unlock()
	switch {
	case !ok || !strings.EqualFold(dc.clientID, clientID):
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_grant", 70000, "The provided value for the input parameter 'device_code' is not valid."})
		return
	case !is.cfg.Now().Before(dc.expires):
		is.forgetDeviceCode(dc)
		is.writeError(w, &aadError{http.StatusBadRequest, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired."})
		return
	case approved == "":
		is.writeError(w, &aadError{http.StatusBadRequest, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."})
		return
	}
	tid, aerr := is.resolveTenant(dc.tenant)
	if aerr == nil {
		var u user
		if u, aerr = is.signIn(approved, tid); aerr == nil {
			is.forgetDeviceCode(dc)
			if sr.raw == "" {
				sr, _ = parseScopes(dc.scope)
			}
			is.delegated(w, u, clientID, sr)
			return
		}
	}
	is.writeError(w, aerr)
}

func (is *Issuer) forgetDeviceCode(dc *deviceCode) {
	is.mu.Lock()
	delete(is.devices, dc.code)
	delete(is.userCodes, dc.userCode)
	is.mu.Unlock()
}

// authorize is the interactive sign-in page, without the page: it signs in
// the login_hint (or WithAutoApprove's user) and redirects back with a code.
func (is *Issuer) authorize(w http.ResponseWriter, r *http.Request, tenant string) {
	q := r.URL.Query()
	tid, aerr := is.resolveTenant(tenant)
	if aerr != nil {
		is.writeError(w, aerr)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || q.Get("redirect_uri") == "" || q.Get("client_id") == "" || q.Get("response_type") != "code" {
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_request", 900144,
			"The authorize request needs client_id, redirect_uri and response_type=code."})
		return
	}
	who := strings.ToLower(q.Get("login_hint"))
	if who == "" {
		who = is.cfg.AutoApprove
	}
	if who == "" {
		is.writeError(w, &aadError{http.StatusBadRequest, "interaction_required", 50058,
			"outlooktest: nobody to sign in: pass login_hint naming a mailbox of the server, or start the server WithAutoApprove."})
		return
	}
	u, aerr := is.signIn(who, tid)
	if aerr != nil {
		is.writeError(w, aerr)
		return
	}
	method := q.Get("code_challenge_method")
	if q.Get("code_challenge") != "" && method == "" {
		method = "plain"
	}
	code := ids.Token(32)
	is.mu.Lock()
	is.codes[code] = authCode{
		user: u.addr, clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"),
		challenge: q.Get("code_challenge"), method: method, scope: q.Get("scope"),
		expires: is.cfg.Now().Add(10 * time.Minute),
	}
	is.mu.Unlock()
	params := url.Values{"code": {code}, "client_info": {clientInfo(u)}}
	if st := q.Get("state"); st != "" {
		params.Set("state", st)
	}
	if q.Get("response_mode") == "form_post" {
		writeFormPost(w, redirect.String(), params)
		return
	}
	rq := redirect.Query()
	for k, v := range params {
		rq[k] = v
	}
	redirect.RawQuery = rq.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// writeFormPost answers the form_post response mode (which MSAL's
// interactive flow asks for): a page whose form posts the parameters to the
// redirect URI, as a browser would submit it.
func writeFormPost(w http.ResponseWriter, action string, params url.Values) {
	var b strings.Builder
	b.WriteString(`<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="`)
	b.WriteString(html.EscapeString(action))
	b.WriteString(`">`)
	keys := slices.Sorted(maps.Keys(params))
	for _, k := range keys {
		fmt.Fprintf(&b, `<input type="hidden" name="%s" value="%s"/>`, html.EscapeString(k), html.EscapeString(params.Get(k)))
	}
	b.WriteString(`<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"/></noscript></form>`)
	b.WriteString(`<script language="javascript">document.forms[0].submit();</script></body></html>`)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, no-cache")
	_, _ = io.WriteString(w, b.String())
}

func (is *Issuer) redeemAuthCode(w http.ResponseWriter, r *http.Request, clientID string, sr scopeRequest) {
	code := r.PostForm.Get("code")
	is.mu.Lock()
	ac, ok := is.codes[code]
	delete(is.codes, code) // codes are single use
	is.mu.Unlock()
	switch {
	case !ok || !strings.EqualFold(ac.clientID, clientID) || !is.cfg.Now().Before(ac.expires):
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_grant", 70008, "The provided authorization code or refresh token has expired, was already redeemed or was issued to another client."})
		return
	case r.PostForm.Get("redirect_uri") != ac.redirectURI:
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_grant", 50148, "The redirect_uri does not match the one the authorization code was issued for."})
		return
	case !pkceMatches(ac.method, ac.challenge, r.PostForm.Get("code_verifier")):
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."})
		return
	}
	u, aerr := is.signIn(ac.user, "")
	if aerr != nil {
		is.writeError(w, aerr)
		return
	}
	if sr.raw == "" {
		sr, _ = parseScopes(ac.scope)
	}
	is.delegated(w, u, clientID, sr)
}

// pkceMatches checks an RFC 7636 code verifier against its challenge.
func pkceMatches(method, challenge, verifier string) bool {
	switch {
	case challenge == "":
		return true // no PKCE was asked for
	case verifier == "":
		return false
	case method == "S256":
		sum := sha256.Sum256([]byte(verifier))
		return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
	case method == "plain":
		return subtle.ConstantTimeCompare([]byte(verifier), []byte(challenge)) == 1
	}
	return false
}

// onBehalfOf exchanges a user's token (here: one this issuer gave) for a
// token to another resource, for a confidential client.
func (is *Issuer) onBehalfOf(w http.ResponseWriter, r *http.Request, tid, clientID string, cred clientCredential, sr scopeRequest) {
	if cred == credNone {
		is.writeError(w, &aadError{http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'."})
		return
	}
	is.mu.Lock()
	t, ok := is.tokens[r.PostForm.Get("assertion")]
	is.mu.Unlock()
	if !ok || t.appOnly || !is.cfg.Now().Before(t.expires) {
		is.writeError(w, &aadError{http.StatusBadRequest, "invalid_grant", 50013, "Assertion failed signature validation or is expired, or is not a user's token of this issuer."})
		return
	}
	u, aerr := is.signIn(t.user, tid)
	if aerr != nil {
		is.writeError(w, aerr)
		return
	}
	is.delegated(w, u, clientID, sr)
}

// issue mints the access token (and for users a refresh and an id token)
// and answers the token response.
func (is *Issuer) issue(w http.ResponseWriter, ti tokenInfo, scope string, forUser bool) {
	now := is.cfg.Now()
	life := is.cfg.TokenLifetime
	ti.expires = now.Add(life)
	access := ids.Token(32)
	resp := map[string]any{
		"token_type":     "Bearer",
		"scope":          scope,
		"expires_in":     int64(life / time.Second),
		"ext_expires_in": int64(life / time.Second),
		"access_token":   access,
	}
	is.mu.Lock()
	is.tokens[access] = ti
	is.counts[Key{ClientID: ti.clientID, Resource: ti.audience}]++
	if forUser {
		rt := ids.Token(48)
		is.refresh[rt] = refreshInfo{user: ti.user, clientID: ti.clientID, tenantID: ti.tenantID}
		resp["refresh_token"] = rt
	}
	is.mu.Unlock()
	if forUser {
		u := user{addr: ti.user, tenantID: ti.tenantID}
		resp["id_token"] = is.idToken(u, ti.clientID, now)
		resp["client_info"] = clientInfo(u)
	}
	writeIssuerJSON(w, http.StatusOK, resp)
}

// idToken is a signed OpenID Connect id_token for the user, which MSAL reads
// to name the account it caches tokens under.
func (is *Issuer) idToken(u user, clientID string, now time.Time) string {
	local, _, _ := strings.Cut(u.addr, "@")
	claims := map[string]any{
		"aud":                clientID,
		"iss":                "https://" + hosts.Login + "/" + u.tenantID + "/v2.0",
		"iat":                now.Unix(),
		"nbf":                now.Unix(),
		"exp":                now.Add(is.cfg.TokenLifetime).Unix(),
		"name":               local,
		"oid":                ids.User(u.addr),
		"preferred_username": u.addr,
		"sub":                ids.FromName("sub:" + strings.ToLower(clientID) + ":" + u.addr),
		"tid":                u.tenantID,
		"ver":                "2.0",
	}
	hdr, _ := json.Marshal(map[string]string{"alg": "ES256", "typ": "JWT", "kid": is.kid})
	payload, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, is.key, sum[:])
	if err != nil {
		panic(fmt.Sprintf("outlooktest: signing an id_token: %v", err))
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// clientInfo is Entra ID's client_info: base64url JSON of the user's object
// id and tenant, from which MSAL builds the home account id.
func clientInfo(u user) string {
	b, _ := json.Marshal(map[string]string{"uid": ids.User(u.addr), "utid": u.tenantID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// verifyClientAssertion checks a client assertion JWT (RFC 7523): signed by
// one of the certificates' keys, issued by and about the client, for this
// token endpoint, and current.
func verifyClientAssertion(assertion string, certs []*x509.Certificate, clientID, tokenURL string, now time.Time) error {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return errors.New("the assertion is not a compact JWS")
	}
	var hdr struct {
		Alg     string `json:"alg"`
		X5t     string `json:"x5t"`
		X5tS256 string `json:"x5t#S256"`
	}
	var claims struct {
		Aud any         `json:"aud"`
		Iss string      `json:"iss"`
		Sub string      `json:"sub"`
		Exp json.Number `json:"exp"`
		Nbf json.Number `json:"nbf"`
	}
	if err := decodeJWTPart(parts[0], &hdr); err != nil {
		return fmt.Errorf("header: %w", err)
	}
	if err := decodeJWTPart(parts[1], &claims); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	verified := false
	for _, c := range certs {
		if hdr.X5tS256 != "" && !thumbprintMatches(hdr.X5tS256, sha256Of(c.Raw)) {
			continue
		}
		if hdr.X5t != "" && !thumbprintMatches(hdr.X5t, sha1Of(c.Raw)) {
			continue
		}
		if verifySignature(hdr.Alg, c.PublicKey, sum[:], sig) {
			verified = true
			break
		}
	}
	if !verified {
		return fmt.Errorf("no registered certificate verifies the %s signature", hdr.Alg)
	}
	if claims.Iss != clientID || claims.Sub != clientID {
		return fmt.Errorf("iss %q and sub %q must both be the client id %q", claims.Iss, claims.Sub, clientID)
	}
	if !audienceHas(claims.Aud, tokenURL) {
		return fmt.Errorf("aud %v is not the token endpoint %s", claims.Aud, tokenURL)
	}
	exp, err := claims.Exp.Int64()
	if err != nil || !now.Before(time.Unix(exp, 0)) {
		return errors.New("the assertion has expired or has no exp")
	}
	if nbf, err := claims.Nbf.Int64(); err == nil && now.Add(5*time.Minute).Before(time.Unix(nbf, 0)) {
		return errors.New("the assertion is not valid yet (nbf)")
	}
	return nil
}

func decodeJWTPart(part string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	return d.Decode(v)
}

func audienceHas(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return strings.EqualFold(a, want)
	case []any:
		for _, x := range a {
			if s, ok := x.(string); ok && strings.EqualFold(s, want) {
				return true
			}
		}
	}
	return false
}

// thumbprintMatches compares an x5t header (base64url, or the standard
// base64 MSAL sends) with a digest.
func thumbprintMatches(x5t string, digest []byte) bool {
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(x5t); err == nil {
			return subtle.ConstantTimeCompare(b, digest) == 1
		}
	}
	return false
}

func sha256Of(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
func sha1Of(b []byte) []byte   { s := sha1.Sum(b); return s[:] } //nolint:gosec // x5t is SHA-1 by definition

func verifySignature(alg string, pub any, digest, sig []byte) bool {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch alg {
		case "RS256":
			return rsa.VerifyPKCS1v15(k, crypto.SHA256, digest, sig) == nil
		case "PS256":
			return rsa.VerifyPSS(k, crypto.SHA256, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
		}
	case *ecdsa.PublicKey:
		if alg == "ES256" && len(sig) == 64 {
			r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
			return ecdsa.Verify(k, digest, r, s)
		}
	}
	return false
}

// userCode returns a device-flow user code: nine letters without the
// look-alikes I and O, as Entra ID's.
func userCode() string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// DefaultPermissions returns what a "/.default" token holds when nothing
// narrower was asked for.
func DefaultPermissions() []string { return slices.Clone(defaultPermissions) }
