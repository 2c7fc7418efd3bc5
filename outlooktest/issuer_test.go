package outlooktest_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/exchangekit/outlook/outlooktest"
)

const authority = "https://login.microsoftonline.com/contoso.com"

// inbox reads a mailbox's inbox through its own host with token and
// returns the status.
func inbox(t *testing.T, srv *outlooktest.Server, smtp, token string) int {
	t.Helper()
	u := "https://graph.microsoft.com/v1.0/users/" + smtp + "/mailFolders/inbox/messages"
	if smtp == onpremUser {
		u = "https://mail.contoso.com/api/v2.0/users/" + smtp + "/MailFolders/Inbox/messages"
	}
	return get(t, srv.Client(), u, "Bearer "+token).status
}

func TestMSALConfidentialClientWithSecret(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	cred, err := confidential.NewCredFromSecret("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	app, err := confidential.New(authority, "app-secret", cred, confidential.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for range 3 { // MSAL caches: one token request for three calls
		res, err := app.AcquireTokenByCredential(ctx, []string{"https://graph.microsoft.com/.default"})
		if err != nil {
			t.Fatalf("AcquireTokenByCredential: %v", err)
		}
		if got := inbox(t, srv, cloudUser, res.AccessToken); got != http.StatusOK {
			t.Fatalf("Graph with MSAL's token: %d; want 200", got)
		}
		if got := inbox(t, srv, onpremUser, res.AccessToken); got != http.StatusUnauthorized {
			t.Fatalf("on-prem host with a Graph token: %d; want 401", got)
		}
	}
	res, err := app.AcquireTokenByCredential(ctx, []string{"https://mail.contoso.com/.default"})
	if err != nil {
		t.Fatalf("AcquireTokenByCredential(on-prem): %v", err)
	}
	if got := inbox(t, srv, onpremUser, res.AccessToken); got != http.StatusOK {
		t.Fatalf("on-prem host with its token: %d; want 200", got)
	}
	want := map[outlooktest.TokenKey]int{
		{ClientID: "app-secret", Resource: "https://graph.microsoft.com"}: 1,
		{ClientID: "app-secret", Resource: "https://mail.contoso.com"}:    1,
	}
	if got := srv.TokenRequests(); !equalCounts(got, want) {
		t.Errorf("TokenRequests() = %v; want %v", got, want)
	}
}

func equalCounts(a, b map[outlooktest.TokenKey]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestMSALRegisteredSecretIsChecked(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t, outlooktest.WithApp(outlooktest.App{ClientID: "app-strict", Secret: "right"}))
	for _, tc := range []struct {
		secret string
		ok     bool
	}{{"right", true}, {"wrong", false}} {
		cred, _ := confidential.NewCredFromSecret(tc.secret)
		app, err := confidential.New(authority, "app-strict", cred, confidential.WithHTTPClient(srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		_, err = app.AcquireTokenByCredential(t.Context(), []string{"https://graph.microsoft.com/.default"})
		if tc.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), "AADSTS7000215")) {
			t.Errorf("secret %q: %v; want ok=%v (else AADSTS7000215)", tc.secret, err, tc.ok)
		}
	}
}

// selfSigned makes a certificate and key as an app registration holds them.
func selfSigned(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "outlooktest app"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func TestMSALConfidentialClientWithCertificate(t *testing.T) {
	t.Parallel()
	cert, key := selfSigned(t)
	other, otherKey := selfSigned(t)
	srv := newHybrid(t)
	srv.RegisterApp(outlooktest.App{ClientID: "app-cert", Certificates: []*x509.Certificate{cert}})

	for _, tc := range []struct {
		name     string
		clientID string
		cert     *x509.Certificate
		key      *rsa.PrivateKey
		wantErr  string
	}{
		{"registered certificate", "app-cert", cert, key, ""},
		{"another certificate", "app-cert", other, otherKey, "AADSTS700027"},
		{"unregistered app", "app-unknown", cert, key, "AADSTS700027"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := confidential.NewCredFromCert([]*x509.Certificate{tc.cert}, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			app, err := confidential.New("https://login.microsoftonline.com/"+srv.TenantID("contoso.com"), tc.clientID, cred,
				confidential.WithHTTPClient(srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			res, err := app.AcquireTokenByCredential(t.Context(), []string{"https://mail.contoso.com/.default"})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("AcquireTokenByCredential: %v; want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("AcquireTokenByCredential: %v", err)
			}
			if got := inbox(t, srv, onpremUser, res.AccessToken); got != http.StatusOK {
				t.Errorf("on-prem host with the certificate app's token: %d; want 200", got)
			}
		})
	}
}

func TestMSALDeviceCodeAndRefresh(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t, outlooktest.WithAutoApprove(onpremUser))
	app, err := public.New("app-public", public.WithAuthority("https://login.microsoftonline.com/organizations"),
		public.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	dc, err := app.AcquireTokenByDeviceCode(ctx, []string{"https://mail.contoso.com/Mail.Read"})
	if err != nil {
		t.Fatalf("AcquireTokenByDeviceCode: %v", err)
	}
	if !strings.Contains(dc.Result.Message, dc.Result.UserCode) {
		t.Errorf("device code message %q does not name the user code %q", dc.Result.Message, dc.Result.UserCode)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	if res.Account.PreferredUsername != onpremUser || res.IDToken.TenantID != srv.TenantID("contoso.com") {
		t.Errorf("account %q in tenant %q; want %q in %q", res.Account.PreferredUsername, res.IDToken.TenantID, onpremUser, srv.TenantID("contoso.com"))
	}
	if got := get(t, srv.Client(), "https://mail.contoso.com/api/v2.0/me/MailFolders/Inbox/messages", "Bearer "+res.AccessToken).status; got != 200 {
		t.Errorf("on-prem /me with the device-code token: %d; want 200", got)
	}

	// A token for another resource comes silently, from the refresh token.
	accounts, err := app.Accounts(ctx)
	if err != nil || len(accounts) != 1 {
		t.Fatalf("Accounts() = %v, %v; want one", accounts, err)
	}
	graph, err := app.AcquireTokenSilent(ctx, []string{"Mail.Read"}, public.WithSilentAccount(accounts[0]))
	if err != nil {
		t.Fatalf("AcquireTokenSilent(Mail.Read): %v", err)
	}
	if got := get(t, srv.Client(), "https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages", "Bearer "+graph.AccessToken).status; got == 401 {
		t.Errorf("Graph with the refreshed token: 401")
	}
	if got := get(t, srv.Client(), "https://mail.contoso.com/api/v2.0/me", "Bearer "+graph.AccessToken).status; got != 401 {
		t.Errorf("on-prem host with the Graph token: %d; want 401", got)
	}
	// And the cached on-prem token is reused, not fetched again.
	if _, err := app.AcquireTokenSilent(ctx, []string{"https://mail.contoso.com/Mail.Read"}, public.WithSilentAccount(accounts[0])); err != nil {
		t.Fatalf("AcquireTokenSilent(on-prem): %v", err)
	}
	want := map[outlooktest.TokenKey]int{
		{ClientID: "app-public", Resource: "https://mail.contoso.com"}:    1,
		{ClientID: "app-public", Resource: "https://graph.microsoft.com"}: 1,
	}
	if got := srv.TokenRequests(); !equalCounts(got, want) {
		t.Errorf("TokenRequests() = %v; want %v", got, want)
	}
}

func TestDeviceCodeNeedsApproval(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	const tokenURL = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
	a := postForm(t, srv, "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode", url.Values{
		"client_id": {"app-public"}, "scope": {"Mail.Read openid offline_access profile"},
	})
	var dc struct {
		UserCode        string `json:"user_code"`
		DeviceCode      string `json:"device_code"`
		VerificationURI string `json:"verification_uri"`
		ExpiresIn       int    `json:"expires_in"`
		Interval        int    `json:"interval"`
	}
	if err := json.Unmarshal(a.body, &dc); err != nil || a.status != 200 || dc.UserCode == "" || dc.DeviceCode == "" || dc.ExpiresIn <= 0 {
		t.Fatalf("devicecode: %d %s (%v)", a.status, a.body, err)
	}
	if got := srv.PendingDeviceCodes(); len(got) != 1 || got[0] != dc.UserCode {
		t.Fatalf("PendingDeviceCodes() = %v; want [%s]", got, dc.UserCode)
	}
	poll := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {"app-public"}, "device_code": {dc.DeviceCode}}
	a = postForm(t, srv, tokenURL, poll)
	if a.status != 400 || oauthError(t, a.body) != "authorization_pending" {
		t.Fatalf("first poll: %d %s; want 400 authorization_pending", a.status, a.body)
	}
	if err := srv.ApproveDeviceCode(dc.UserCode, "nobody@contoso.com"); err == nil {
		t.Error("ApproveDeviceCode for an unknown mailbox succeeded")
	}
	if err := srv.ApproveDeviceCode("WRONGCODE", cloudUser); err == nil {
		t.Error("ApproveDeviceCode with an unknown code succeeded")
	}
	if err := srv.ApproveDeviceCode(strings.ToLower(dc.UserCode), cloudUser); err != nil {
		t.Fatalf("ApproveDeviceCode: %v", err)
	}
	a = postForm(t, srv, tokenURL, poll)
	if a.status != 200 {
		t.Fatalf("poll after approval: %d %s", a.status, a.body)
	}
	var tr struct {
		AccessToken, RefreshToken, IDToken, ClientInfo, Scope string
	}
	_ = json.Unmarshal(a.body, &struct {
		A *string `json:"access_token"`
		R *string `json:"refresh_token"`
		I *string `json:"id_token"`
		C *string `json:"client_info"`
		S *string `json:"scope"`
	}{&tr.AccessToken, &tr.RefreshToken, &tr.IDToken, &tr.ClientInfo, &tr.Scope})
	if tr.RefreshToken == "" || tr.Scope != "Mail.Read openid offline_access profile" {
		t.Errorf("token response %s: want a refresh token and the scopes echoed", a.body)
	}
	claims := jwtClaims(t, tr.IDToken)
	if claims["preferred_username"] != cloudUser || claims["tid"] != srv.TenantID("contoso.com") || claims["aud"] != "app-public" {
		t.Errorf("id_token claims %v", claims)
	}
	ci := decodeB64JSON(t, tr.ClientInfo)
	if ci["uid"] != claims["oid"] || ci["utid"] != claims["tid"] {
		t.Errorf("client_info %v does not match the id_token's oid and tid", ci)
	}
	if got := inbox(t, srv, cloudUser, tr.AccessToken); got != 200 {
		t.Errorf("Graph with the device-code token: %d", got)
	}
	// The mailbox's id is the user's object id: /me shows the oid, and
	// /users/{oid} reaches the mailbox.
	me := get(t, srv.Client(), "https://graph.microsoft.com/v1.0/me", "Bearer "+tr.AccessToken)
	var meBody struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(me.body, &meBody); err != nil || meBody.ID != claims["oid"] {
		t.Errorf("GET /me id = %q (%v); want the id_token's oid %v", meBody.ID, err, claims["oid"])
	}
	if got := inbox(t, srv, fmt.Sprint(claims["oid"]), tr.AccessToken); got != 200 {
		t.Errorf("GET /users/{oid}/messages = %d; want 200", got)
	}
	// The device code is spent.
	if a = postForm(t, srv, tokenURL, poll); a.status != 400 || oauthError(t, a.body) != "invalid_grant" {
		t.Errorf("second redemption: %d %s; want invalid_grant", a.status, a.body)
	}
	// The refresh token buys a token for the on-prem resource of the same tenant.
	a = postForm(t, srv, tokenURL, url.Values{"grant_type": {"refresh_token"}, "client_id": {"app-public"},
		"refresh_token": {tr.RefreshToken}, "scope": {"https://mail.contoso.com/.default offline_access"}})
	if a.status != 200 {
		t.Fatalf("refresh for on-prem: %d %s", a.status, a.body)
	}
	// ... but not for another client.
	a = postForm(t, srv, tokenURL, url.Values{"grant_type": {"refresh_token"}, "client_id": {"app-other"},
		"refresh_token": {tr.RefreshToken}, "scope": {"Mail.Read"}})
	if a.status != 400 || oauthError(t, a.body) != "invalid_grant" {
		t.Errorf("refresh by another client: %d %s; want invalid_grant", a.status, a.body)
	}
}

func TestDeviceCodeExpires(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock = func() time.Time { return now }
	srv := newHybrid(t, outlooktest.WithClock(func() time.Time { return clock() }))
	a := postForm(t, srv, "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/devicecode", url.Values{"client_id": {"c"}, "scope": {"Mail.Read"}})
	var dc struct {
		DeviceCode string `json:"device_code"`
	}
	_ = json.Unmarshal(a.body, &dc)
	later := now.Add(16 * time.Minute)
	clock = func() time.Time { return later }
	a = postForm(t, srv, "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {"c"}, "device_code": {dc.DeviceCode}})
	if a.status != 400 || oauthError(t, a.body) != "expired_token" {
		t.Errorf("poll after 16 minutes: %d %s; want expired_token", a.status, a.body)
	}
}

func oauthError(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Codes       []int  `json:"error_codes"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("OAuth error body %q: %v", body, err)
	}
	return e.Error
}

func decodeB64JSON(t *testing.T, s string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("base64url %q: %v", s, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

func jwtClaims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("id_token %q is not a JWS", jwt)
	}
	return decodeB64JSON(t, parts[1])
}

func TestTokenEndpointErrors(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t, outlooktest.WithApp(outlooktest.App{ClientID: "strict", Secret: "right"}))
	srv.AddMailbox("erin@fabrikam.com", outlooktest.OnPremises("mail.fabrikam.com"))
	cc := func(tenant, client, secret, scope string) (string, url.Values) {
		return "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {secret}, "scope": {scope}}
	}
	for _, tc := range []struct {
		name       string
		url        string
		form       url.Values
		wantStatus int
		wantError  string
		wantCode   int
	}{
		{"common tenant", "", nil, 400, "invalid_request", 50059},
		{"unknown tenant", "", nil, 400, "invalid_tenant", 90002},
		{"scope without .default", "", nil, 400, "invalid_scope", 1002012},
		{"two resources", "", nil, 400, "invalid_scope", 28000},
		{"unknown resource", "", nil, 400, "invalid_resource", 500011},
		{"on-prem host of another tenant", "", nil, 400, "invalid_resource", 500011},
		{"wrong secret", "", nil, 401, "invalid_client", 7000215},
		{"no credential", "", nil, 401, "invalid_client", 7000218},
		{"unsupported grant", "", nil, 400, "unsupported_grant_type", 70003},
		{"no client id", "", nil, 400, "invalid_request", 900144},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, form := cc("contoso.com", "app-1", "x", "https://graph.microsoft.com/.default")
			switch tc.name {
			case "common tenant":
				u, form = cc("common", "app-1", "x", "https://graph.microsoft.com/.default")
			case "unknown tenant":
				u, form = cc("nowhere.example", "app-1", "x", "https://graph.microsoft.com/.default")
			case "scope without .default":
				form.Set("scope", "https://graph.microsoft.com/Mail.Read")
			case "two resources":
				form.Set("scope", "https://graph.microsoft.com/.default https://mail.contoso.com/.default")
			case "unknown resource":
				form.Set("scope", "https://evil.example/.default")
			case "on-prem host of another tenant":
				form.Set("scope", "https://mail.fabrikam.com/.default")
			case "wrong secret":
				form.Set("client_id", "strict")
			case "no credential":
				form.Del("client_secret")
			case "unsupported grant":
				form.Set("grant_type", "password")
			case "no client id":
				form.Del("client_id")
			}
			a := postForm(t, srv, u, form)
			var e struct {
				Error string `json:"error"`
				Desc  string `json:"error_description"`
				Codes []int  `json:"error_codes"`
			}
			if err := json.Unmarshal(a.body, &e); err != nil {
				t.Fatalf("%d %q: %v", a.status, a.body, err)
			}
			if a.status != tc.wantStatus || e.Error != tc.wantError || len(e.Codes) != 1 || e.Codes[0] != tc.wantCode ||
				!strings.HasPrefix(e.Desc, "AADSTS") {
				t.Errorf("got %d %s %v %q; want %d %s [%d]", a.status, e.Error, e.Codes, e.Desc, tc.wantStatus, tc.wantError, tc.wantCode)
			}
		})
	}
}

func TestOpenIDConfigurationAndKeys(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	tid := srv.TenantID("contoso.com")
	for _, tc := range []struct{ tenant, issuer string }{
		{"contoso.com", "https://login.microsoftonline.com/" + tid + "/v2.0"},
		{tid, "https://login.microsoftonline.com/" + tid + "/v2.0"},
		{"organizations", "https://login.microsoftonline.com/{tenantid}/v2.0"},
	} {
		a := get(t, srv.Client(), "https://login.microsoftonline.com/"+tc.tenant+"/v2.0/.well-known/openid-configuration", "")
		var oc map[string]any
		if err := json.Unmarshal(a.body, &oc); err != nil || a.status != 200 {
			t.Fatalf("openid-configuration(%s): %d %s", tc.tenant, a.status, a.body)
		}
		if oc["issuer"] != tc.issuer || oc["token_endpoint"] != "https://login.microsoftonline.com/"+tc.tenant+"/oauth2/v2.0/token" {
			t.Errorf("openid-configuration(%s): issuer %v, token_endpoint %v", tc.tenant, oc["issuer"], oc["token_endpoint"])
		}
	}
	a := get(t, srv.Client(), "https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize", "")
	if !strings.Contains(string(a.body), `"tenant_discovery_endpoint":"https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration"`) {
		t.Errorf("instance discovery: %s", a.body)
	}
	a = get(t, srv.Client(), "https://login.microsoftonline.com/contoso.com/discovery/v2.0/keys", "")
	if !strings.Contains(string(a.body), `"kty":"EC"`) {
		t.Errorf("keys: %s", a.body)
	}
}

func pkce(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	const verifier = "a-long-enough-code-verifier-for-the-test-0123456789"
	authorize := func(hint string) (int, string) {
		q := url.Values{"client_id": {"web"}, "response_type": {"code"}, "redirect_uri": {"https://app.example/cb"},
			"scope": {"Mail.Read offline_access"}, "state": {"st"}, "code_challenge": {pkce(verifier)},
			"code_challenge_method": {"S256"}, "login_hint": {hint}}
		a := get(t, noRedirects(srv), "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize?"+q.Encode(), "")
		loc, _ := url.Parse(a.header.Get("Location"))
		return a.status, loc.Query().Get("code")
	}
	if status, _ := authorize(""); status != 400 {
		t.Errorf("authorize without a user: %d; want 400", status)
	}
	redeem := func(code, v string) answer {
		return postForm(t, srv, "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", url.Values{
			"grant_type": {"authorization_code"}, "client_id": {"web"}, "code": {code},
			"redirect_uri": {"https://app.example/cb"}, "code_verifier": {v}, "scope": {"Mail.Read offline_access"}})
	}
	status, code := authorize(cloudUser)
	if status != 302 || code == "" {
		t.Fatalf("authorize: %d, code %q; want 302 with a code", status, code)
	}
	if a := redeem(code, "wrong-verifier"); a.status != 400 || !strings.Contains(string(a.body), "AADSTS501481") {
		t.Errorf("wrong verifier: %d %s; want AADSTS501481", a.status, a.body)
	}
	_, code = authorize(cloudUser)
	a := redeem(code, verifier)
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(a.body, &tr); err != nil || a.status != 200 {
		t.Fatalf("right verifier: %d %s", a.status, a.body)
	}
	if got := inbox(t, srv, cloudUser, tr.AccessToken); got != 200 {
		t.Errorf("Graph with the auth-code token: %d", got)
	}
	if a := redeem(code, verifier); a.status != 400 {
		t.Errorf("code redeemed twice: %d; want 400", a.status)
	}
}

// MSAL's interactive flow, with the browser played by the test: it follows
// the authorize URL to the fake, then delivers the redirect to MSAL's
// loopback listener.
func TestMSALInteractiveAuthCode(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	app, err := public.New("app-desktop", public.WithAuthority(authority), public.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	browser := func(authURL string) error {
		resp, err := noRedirects(srv).Get(authURL)
		if err != nil {
			return err
		}
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		action, form, err := parseFormPost(string(page))
		if err != nil {
			return fmt.Errorf("authorize answered %d: %w", resp.StatusCode, err)
		}
		back, err := http.PostForm(action, form) // MSAL's own listener on localhost
		if err != nil {
			return err
		}
		return back.Body.Close()
	}
	res, err := app.AcquireTokenInteractive(t.Context(), []string{"Mail.Read"},
		public.WithLoginHint(cloudUser), public.WithOpenURL(browser), public.WithRedirectURI("http://localhost"))
	if err != nil {
		t.Fatalf("AcquireTokenInteractive: %v", err)
	}
	if res.Account.PreferredUsername != cloudUser {
		t.Errorf("account %q; want %q", res.Account.PreferredUsername, cloudUser)
	}
	if got := inbox(t, srv, cloudUser, res.AccessToken); got != 200 {
		t.Errorf("Graph with the interactive token: %d", got)
	}
}

var (
	formAction = regexp.MustCompile(`<form method="POST" name="hiddenform" action="([^"]*)">`)
	formInput  = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)"/>`)
)

// parseFormPost reads the page of the form_post response mode.
func parseFormPost(page string) (string, url.Values, error) {
	m := formAction.FindStringSubmatch(page)
	if m == nil {
		return "", nil, fmt.Errorf("no form in %q", page)
	}
	form := url.Values{}
	for _, in := range formInput.FindAllStringSubmatch(page, -1) {
		form.Set(html.UnescapeString(in[1]), html.UnescapeString(in[2]))
	}
	return html.UnescapeString(m[1]), form, nil
}

func TestOnBehalfOf(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t, outlooktest.WithAutoApprove(onpremUser))
	_, code := func() (int, string) {
		q := url.Values{"client_id": {"spa"}, "response_type": {"code"}, "redirect_uri": {"https://spa.example/"}, "scope": {"api://mid/access"}}
		a := get(t, noRedirects(srv), "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize?"+q.Encode(), "")
		loc, _ := url.Parse(a.header.Get("Location"))
		return a.status, loc.Query().Get("code")
	}()
	a := postForm(t, srv, "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {"spa"}, "code": {code}, "redirect_uri": {"https://spa.example/"}, "scope": {"Mail.Read"}})
	var user struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(a.body, &user); err != nil || a.status != 200 {
		t.Fatalf("user token: %d %s", a.status, a.body)
	}
	cred, _ := confidential.NewCredFromSecret("mid-secret")
	mid, err := confidential.New(authority, "mid", cred, confidential.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := mid.AcquireTokenOnBehalfOf(t.Context(), user.AccessToken, []string{"https://mail.contoso.com/.default"})
	if err != nil {
		t.Fatalf("AcquireTokenOnBehalfOf: %v", err)
	}
	if got := get(t, srv.Client(), "https://mail.contoso.com/api/v2.0/me/MailFolders/Inbox/messages", "Bearer "+res.AccessToken).status; got != 200 {
		t.Errorf("on-prem /me with the OBO token: %d; want 200", got)
	}
	if _, err := mid.AcquireTokenOnBehalfOf(t.Context(), "not-a-token", []string{"Mail.Read"}); err == nil || !strings.Contains(err.Error(), "AADSTS50013") {
		t.Errorf("OBO with a bad assertion: %v; want AADSTS50013", err)
	}
}
