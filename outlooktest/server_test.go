package outlooktest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest"
)

const (
	cloudUser  = "alice@contoso.com"
	onpremUser = "bob@contoso.com"
	onpremHost = "mail.contoso.com"
)

// newHybrid starts a server with one cloud and one on-premises mailbox of
// contoso.com and closes it when the test ends.
func newHybrid(t testing.TB, opts ...outlooktest.Option) *outlooktest.Server {
	t.Helper()
	// Most tests here sign in app-only, which Exchange Server refuses unless
	// reconfigured; TestOnPremRefusesAppOnly checks the default.
	srv := outlooktest.NewServer(append([]outlooktest.Option{outlooktest.WithAppOnlyOnPremises()}, opts...)...)
	t.Cleanup(srv.Close)
	srv.AddMailbox(cloudUser, outlooktest.Cloud)
	srv.AddMailbox(onpremUser, outlooktest.OnPremises(onpremHost))
	return srv
}

// appToken gets an app-only token for resource through the token endpoint,
// as a client-credentials client would.
func appToken(t testing.TB, srv *outlooktest.Server, resource string) string {
	t.Helper()
	tok, err := fetchAppToken(srv, resource)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// fetchAppToken is appToken for goroutines, which must not call t.Fatal.
func fetchAppToken(srv *outlooktest.Server, resource string) (string, error) {
	resp, err := srv.Client().PostForm("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {"app-1"},
		"client_secret": {"any"},
		"scope":         {resource + "/.default"},
	})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		return "", fmt.Errorf("token for %s: status %d, %v", resource, resp.StatusCode, err)
	}
	return body.AccessToken, nil
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func postForm(t testing.TB, srv *outlooktest.Server, u string, form url.Values) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, srv.Client(), req)
}

// get sends a GET with an optional Authorization header value ("" for none).
func get(t testing.TB, c *http.Client, u, authorization string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return do(t, c, req)
}

func do(t testing.TB, c *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// noRedirects is a client of the server that shows redirects instead of following them.
func noRedirects(srv *outlooktest.Server) *http.Client {
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

func TestClientReachesKnownHosts(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	srv.SetSRV("contoso.com", "adhost.hoster.example", 443)
	c := srv.Client()
	for _, host := range []string{
		"login.microsoftonline.com", "login.windows.net", "graph.microsoft.com", "outlook.office365.com",
		"outlook.office.com", "autodiscover-s.outlook.com", "contoso.com", "autodiscover.contoso.com",
		"mail.contoso.com", "MAIL.Contoso.com", "adhost.hoster.example",
	} {
		t.Run(host, func(t *testing.T) {
			resp, err := c.Get("https://" + host + "/")
			if err != nil {
				t.Fatalf("GET https://%s/: %v", host, err)
			}
			resp.Body.Close()
			if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 ||
				resp.TLS.PeerCertificates[0].VerifyHostname(strings.ToLower(host)) != nil {
				t.Errorf("GET https://%s/: the certificate is not for that name", host)
			}
		})
	}
}

func TestClientRefusesUnknownHosts(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, u := range []string{
		"https://evil.example/", "https://fabrikam.com/", "https://autodiscover.fabrikam.com/",
		"https://www.google.com/", "https://127.0.0.1/", "http://evil.example/",
	} {
		_, err := srv.Client().Get(u)
		if !errors.Is(err, outlooktest.ErrUnknownHost) {
			t.Errorf("GET %s: error %v; want ErrUnknownHost", u, err)
			continue
		}
		host := strings.Split(strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"), "/")[0]
		if want := `unknown host "` + host + `" (not a Microsoft host or a test domain of this server)`; !strings.Contains(err.Error(), want) {
			t.Errorf("GET %s: error %q; want it to contain %q", u, err, want)
		}
	}
}

func TestClientWithoutTheCAFails(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	tr := srv.Transport().Clone()
	tr.TLSClientConfig = &tls.Config{} // system roots: the in-memory CA is not among them
	_, err := (&http.Client{Transport: tr}).Get("https://graph.microsoft.com/v1.0/me")
	var unknownCA x509.UnknownAuthorityError
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); !ok && !errors.As(err, &unknownCA) {
		t.Fatalf("GET with system roots: error %v; want a certificate verification error", err)
	}
	if !srv.CACertPool().Equal(srv.CACertPool()) || srv.CACert() == nil {
		t.Fatal("CACertPool/CACert: not usable")
	}
	// The pool alone makes a client of one's own work.
	tr2 := srv.Transport().Clone()
	tr2.TLSClientConfig = &tls.Config{RootCAs: srv.CACertPool()}
	resp, err := (&http.Client{Transport: tr2}).Get("https://graph.microsoft.com/v1.0/me")
	if err != nil {
		t.Fatalf("GET with CACertPool: %v", err)
	}
	resp.Body.Close()
}

func TestAddHost(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	srv.AddHost("Evil.Example", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		io.WriteString(w, scheme+" "+r.Host+r.URL.Path)
	}))
	for _, tc := range []struct{ url, want string }{
		{"https://evil.example/x", "https evil.example/x"},
		{"http://evil.example/y", "http evil.example/y"},
		{"https://evil.example:8443/z", "https evil.example:8443/z"},
	} {
		a := get(t, srv.Client(), tc.url, "")
		if a.status != http.StatusOK || string(a.body) != tc.want {
			t.Errorf("GET %s = %d %q; want 200 %q", tc.url, a.status, a.body, tc.want)
		}
	}
}

func TestSetupPanicsOnBadInput(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for name, f := range map[string]func(){
		"AddMailbox no at":          func() { srv.AddMailbox("alice", outlooktest.Cloud) },
		"AddMailbox empty local":    func() { srv.AddMailbox("@contoso.com", outlooktest.Cloud) },
		"AddMailbox dotless domain": func() { srv.AddMailbox("a@localhost", outlooktest.Cloud) },
		"AddMailbox bad domain":     func() { srv.AddMailbox("a@-x.com", outlooktest.Cloud) },
		"AddMailbox bad host":       func() { srv.AddMailbox("c@contoso.com", outlooktest.OnPremises("mail/contoso")) },
		"AddMailbox Microsoft host": func() { srv.AddMailbox("c@contoso.com", outlooktest.OnPremises("graph.microsoft.com")) },
		"Move to Microsoft host":    func() { srv.Move(cloudUser, outlooktest.OnPremises("login.microsoftonline.com")) },
		"Mailbox unknown":           func() { srv.Mailbox("nobody@contoso.com") },
		"Move unknown":              func() { srv.Move("nobody@contoso.com", outlooktest.Cloud) },
		"SetRESTDisabled unknown":   func() { srv.SetRESTDisabled("graph.microsoft.com", true) },
		"SetModernAuth unknown":     func() { srv.SetModernAuthDisabled("exch.fabrikam.com", true) },
		"AddHost bad name":          func() { srv.AddHost("evil example", http.NotFoundHandler()) },
		"TenantID unknown":          func() { srv.TenantID("fabrikam.com") },
		"RegisterApp empty":         func() { srv.RegisterApp(outlooktest.App{}) },
		"SetSRV unknown domain":     func() { srv.SetSRV("fabrikam.com", "x.example", 443) },
		"WithPageSize 0":            func() { outlooktest.WithPageSize(0) },
		"WithTokenLifetime 0":       func() { outlooktest.WithTokenLifetime(0) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "outlooktest: ") {
					t.Errorf("recovered %v; want a panic with an outlooktest: message", r)
				}
			}()
			f()
		})
	}
}

func TestMailboxAndTenant(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	if got := srv.Mailbox("ALICE@contoso.com").Address(); got != cloudUser {
		t.Errorf("Mailbox(ALICE@contoso.com).Address() = %q; want %q", got, cloudUser)
	}
	if again := srv.AddMailbox(cloudUser, outlooktest.Cloud); again != srv.Mailbox(cloudUser) {
		t.Error("AddMailbox of an existing mailbox returned another mailbox")
	}
	other := outlooktest.NewServer()
	defer other.Close()
	other.AddMailbox("carol@contoso.com", outlooktest.Cloud)
	other.AddMailbox("dan@fabrikam.com", outlooktest.Cloud)
	tid := srv.TenantID("contoso.com")
	if len(tid) != 36 || tid != srv.TenantID(onpremUser) || tid != other.TenantID("contoso.com") || tid == other.TenantID("fabrikam.com") {
		t.Errorf("TenantID = %q; want one GUID per domain, the same in every server", tid)
	}
}

func TestGraphAuthentication(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := newHybrid(t, outlooktest.WithClock(clock), outlooktest.WithTokenLifetime(time.Minute))
	graph := appToken(t, srv, "https://graph.microsoft.com")
	onprem := appToken(t, srv, "https://mail.contoso.com")
	u := "https://graph.microsoft.com/v1.0/users/" + cloudUser + "/mailFolders/inbox/messages"
	for _, tc := range []struct {
		name, auth, wantMsg string
		wantStatus          int
	}{
		{"no header", "", "Access token is empty.", 401},
		{"empty bearer", "Bearer", "Access token is empty.", 401},
		{"empty bearer with space", "Bearer ", "Access token is empty.", 401},
		{"basic", "Basic YTpi", "Access token is empty.", 401},
		{"unknown token", "Bearer not-a-token", "CompactToken parsing failed with error code: 80049217", 401},
		{"on-prem audience", "Bearer " + onprem, "Access token validation failure. Invalid audience.", 401},
		{"graph token", "Bearer " + graph, "", 200},
		{"scheme case", "bearer " + graph, "", 200},
	} {
		a := get(t, srv.Client(), u, tc.auth)
		if a.status != tc.wantStatus {
			t.Errorf("%s: GET %s = %d %s; want %d", tc.name, u, a.status, a.body, tc.wantStatus)
			continue
		}
		if tc.wantStatus != 401 {
			continue
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		_ = json.Unmarshal(a.body, &e)
		if e.Error.Code != "InvalidAuthenticationToken" || e.Error.Message != tc.wantMsg {
			t.Errorf("%s: error %+v; want InvalidAuthenticationToken %q", tc.name, e.Error, tc.wantMsg)
		}
		if ch := a.header.Get("WWW-Authenticate"); !strings.HasPrefix(ch, "Bearer ") || !strings.Contains(ch, `authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"`) {
			t.Errorf("%s: WWW-Authenticate %q; want Graph's Bearer challenge", tc.name, ch)
		}
	}

	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	a := get(t, srv.Client(), u, "Bearer "+graph)
	if a.status != 401 || !strings.Contains(string(a.body), "Lifetime validation failed, the token is expired.") {
		t.Errorf("expired token: %d %s; want 401 Lifetime validation failed", a.status, a.body)
	}
}

// challenge splits WWW-Authenticate headers into scheme -> parameters.
func challenge(h http.Header) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, v := range h.Values("WWW-Authenticate") {
		scheme, rest, _ := strings.Cut(v, " ")
		params := map[string]string{}
		for rest != "" {
			k, after, ok := strings.Cut(strings.TrimLeft(rest, " ,"), "=")
			if !ok {
				break
			}
			val := ""
			if strings.HasPrefix(after, `"`) {
				end := strings.Index(after[1:], `"`)
				val, rest = after[1:1+end], after[2+end:]
			} else {
				val, rest, _ = strings.Cut(after, ",")
			}
			params[k] = val
		}
		out[scheme] = params
	}
	return out
}

func TestOnPremAuthentication(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	tid := srv.TenantID("contoso.com")
	graph := appToken(t, srv, "https://graph.microsoft.com")
	onprem := appToken(t, srv, "https://mail.contoso.com")
	u := "https://mail.contoso.com/api/v2.0/users/" + onpremUser + "/MailFolders/Inbox/messages"
	wantBearer := map[string]string{
		"client_id":         "00000002-0000-0ff1-ce00-000000000000",
		"trusted_issuers":   "00000001-0000-0000-c000-000000000000@" + tid,
		"token_types":       "app_asserted_user_v1 service_asserted_app_v1",
		"authorization_uri": "https://login.windows.net/common/oauth2/authorize",
	}
	for _, tc := range []struct {
		name, auth, wantError, wantDiag string
	}{
		{"no header", "", "", ""},
		{"empty bearer", "Bearer", "", ""},
		{"unknown token", "Bearer nope", "invalid_token", "2000001;"},
		{"graph audience", "Bearer " + graph, "invalid_token", `2000003;reason="The audience claim value is invalid 'https://graph.microsoft.com'. Expected audience is 'https://mail.contoso.com'.";error_category="invalid_resource"`},
	} {
		a := get(t, srv.Client(), u, tc.auth)
		if a.status != 401 || len(a.body) != 0 {
			t.Errorf("%s: GET = %d %q; want 401 with an empty body", tc.name, a.status, a.body)
			continue
		}
		ch := challenge(a.header)
		want := map[string]string{}
		for k, v := range wantBearer {
			want[k] = v
		}
		if tc.wantError != "" {
			want["error"] = tc.wantError
		}
		if got := ch["Bearer"]; !equalMaps(got, want) {
			t.Errorf("%s: Bearer challenge %v; want %v", tc.name, got, want)
		}
		if got := ch["Basic"]["realm"]; got != onpremHost {
			t.Errorf("%s: Basic realm %q; want %q", tc.name, got, onpremHost)
		}
		if d := a.header.Get("x-ms-diagnostics"); !strings.HasPrefix(d, tc.wantDiag) || (tc.wantDiag == "") != (d == "") {
			t.Errorf("%s: x-ms-diagnostics %q; want prefix %q", tc.name, d, tc.wantDiag)
		}
	}
	if a := get(t, srv.Client(), u, "Bearer "+onprem); a.status != http.StatusOK {
		t.Errorf("on-prem token: GET = %d %s; want 200", a.status, a.body)
	}
}

// An on-premises server refuses app-only tokens, over REST v2.0 as over EWS,
// unless reconfigured (WithAppOnlyOnPremises), and says why in
// x-ms-diagnostics; Graph takes them.
func TestOnPremRefusesAppOnly(t *testing.T) {
	t.Parallel()
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddMailbox(cloudUser, outlooktest.Cloud)
	srv.AddMailbox(onpremUser, outlooktest.OnPremises(onpremHost))
	onprem := appToken(t, srv, "https://mail.contoso.com")
	a := get(t, srv.Client(), "https://mail.contoso.com/api/v2.0/users/"+onpremUser+"/messages", "Bearer "+onprem)
	if a.status != http.StatusUnauthorized || len(a.body) != 0 {
		t.Fatalf("app-only token on /api: %d %q; want 401 with an empty body", a.status, a.body)
	}
	if got := challenge(a.header)["Bearer"]["error"]; got != "invalid_token" {
		t.Errorf("Bearer challenge error %q; want invalid_token", got)
	}
	const diag = `2000001;reason="This token profile is not applicable for the current protocol.";error_category="invalid_token"`
	if d := a.header.Get("x-ms-diagnostics"); d != diag {
		t.Errorf("x-ms-diagnostics %q; want %q", d, diag)
	}
	graph := appToken(t, srv, "https://graph.microsoft.com")
	if a := get(t, srv.Client(), "https://graph.microsoft.com/v1.0/users/"+cloudUser+"/messages", "Bearer "+graph); a.status != http.StatusOK {
		t.Errorf("app-only token on Graph: %d %s; want 200", a.status, a.body)
	}
}

// The challenge of the real sample has the same parameters, in the same order.
func TestOnPremChallengeMatchesSample(t *testing.T) {
	t.Parallel()
	sample := readSample(t, "autodiscover-samples/exchange-hma-onprem-401-bearer-challenge.json")
	var real []string
	for _, h := range sample.ResponseHeaders {
		if name, v, _ := strings.Cut(h, ": "); strings.EqualFold(name, "WWW-Authenticate") {
			real = append(real, v)
		}
	}
	srv := newHybrid(t)
	a := get(t, srv.Client(), "https://mail.contoso.com/api/v2.0/me", "Bearer")
	ours := a.header.Values("WWW-Authenticate")
	if len(ours) != len(real) {
		t.Fatalf("WWW-Authenticate headers: %q; the sample has %q", ours, real)
	}
	for i := range real {
		if paramNames(ours[i]) != paramNames(real[i]) {
			t.Errorf("header %d: parameters %s; the sample has %s", i, paramNames(ours[i]), paramNames(real[i]))
		}
	}
}

func paramNames(v string) string {
	ch := challenge(http.Header{"Www-Authenticate": {v}})
	var names []string
	for scheme, params := range ch {
		names = append(names, scheme)
		for _, part := range strings.Split(v, ", ") {
			k, _, _ := strings.Cut(strings.TrimPrefix(part, scheme+" "), "=")
			if _, ok := params[k]; ok {
				names = append(names, k)
			}
		}
	}
	return strings.Join(names, " ")
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestOnPremSwitches(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	tok := appToken(t, srv, "https://mail.contoso.com")
	u := "https://mail.contoso.com/api/v2.0/users/" + onpremUser + "/messages"

	srv.SetRESTDisabled("MAIL.contoso.com", true)
	a := get(t, srv.Client(), u, "Bearer "+tok)
	if a.status != 404 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") || !strings.Contains(string(a.body), "404 - File or directory not found.") {
		t.Errorf("REST disabled: %d %s %q; want IIS's 404 page", a.status, a.header.Get("Content-Type"), a.body)
	}
	// Autodiscover still hands out the /api URL, as a real server would.
	ad := get(t, srv.Client(), "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/"+onpremUser+"?Protocol=Rest", "")
	if !strings.Contains(string(ad.body), `"Url":"https://mail.contoso.com/api"`) {
		t.Errorf("autodiscover with REST disabled: %s", ad.body)
	}
	srv.SetRESTDisabled("mail.contoso.com", false)

	srv.SetModernAuthDisabled("mail.contoso.com", true)
	a = get(t, srv.Client(), u, "Bearer "+tok)
	got := strings.Join(a.header.Values("WWW-Authenticate"), " | ")
	if a.status != 401 || got != `Negotiate | NTLM | Basic realm="mail.contoso.com"` {
		t.Errorf("modern auth disabled: %d, WWW-Authenticate %q; want 401 with Negotiate, NTLM and Basic only", a.status, got)
	}
	srv.SetModernAuthDisabled("mail.contoso.com", false)
	if a := get(t, srv.Client(), u, "Bearer "+tok); a.status != 200 {
		t.Errorf("switched back: %d %s; want 200", a.status, a.body)
	}
}

func TestOtherPaths(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, tc := range []struct {
		url  string
		want int
	}{
		{"https://graph.microsoft.com/beta/me", 501},
		{"https://outlook.office.com/api/v2.0/me/messages", 404},
		{"https://outlook.office365.com/EWS/Exchange.asmx", 501},
		{"https://mail.contoso.com/EWS/Exchange.asmx", 401},
		{"http://mail.contoso.com/EWS/Exchange.asmx", 403},
		{"https://mail.contoso.com/EWS/Services.wsdl", 401},
		{"https://mail.contoso.com/api/v1.0/me", 404},
		{"https://autodiscover.contoso.com/owa", 404},
		{"http://graph.microsoft.com/v1.0/me", 403},
		{"http://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=bob@contoso.com&Protocol=Rest", 403},
		{"https://login.microsoftonline.com/contoso.com/oauth2/v2.0/nothing", 404},
	} {
		if a := get(t, noRedirects(srv), tc.url, ""); a.status != tc.want {
			t.Errorf("GET %s = %d %s; want %d", tc.url, a.status, a.body, tc.want)
		}
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	tok := appToken(t, srv, "https://graph.microsoft.com")
	srv.ResetRequests()
	start := time.Now()
	get(t, srv.Client(), "https://graph.microsoft.com/v1.0/users/"+cloudUser+"/messages?$top=1", "Bearer "+tok)
	get(t, srv.Client(), "https://mail.contoso.com/api/v2.0/me", "Bearer "+tok) // wrong audience: 401
	get(t, srv.Client(), "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/"+cloudUser+"?Protocol=Rest", "Bearer "+tok)
	get(t, srv.Client(), "http://autodiscover.contoso.com/autodiscover/autodiscover.xml", "")
	got := srv.Requests()
	want := []outlooktest.Request{
		{Method: "GET", Scheme: "https", Host: "graph.microsoft.com", Path: "/v1.0/users/alice@contoso.com/messages", RawQuery: "$top=1", TokenSent: true, Audience: "https://graph.microsoft.com", Status: 200},
		{Method: "GET", Scheme: "https", Host: "mail.contoso.com", Path: "/api/v2.0/me", TokenSent: true, Audience: "https://graph.microsoft.com", Status: 401},
		{Method: "GET", Scheme: "https", Host: "autodiscover-s.outlook.com", Path: "/autodiscover/autodiscover.json/v1.0/alice@contoso.com", RawQuery: "Protocol=Rest", TokenSent: true, Audience: "https://graph.microsoft.com", Status: 200},
		{Method: "GET", Scheme: "http", Host: "autodiscover.contoso.com", Path: "/autodiscover/autodiscover.xml", Status: 302},
		{Method: "GET", Scheme: "https", Host: "autodiscover.contoso.com", Path: "/autodiscover/autodiscover.xml", Status: 404},
	}
	if len(got) != len(want) {
		t.Fatalf("Requests() has %d entries: %+v; want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Time.Before(start.Add(-time.Second)) || got[i].Time.After(time.Now().Add(time.Second)) {
			t.Errorf("request %d: Time %v is not now", i, got[i].Time)
		}
		got[i].Time = time.Time{}
		if got[i] != want[i] {
			t.Errorf("request %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("after ResetRequests: %d entries", n)
	}
}

func TestMoveMailbox(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	u := "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/" + onpremUser + "?Protocol=Rest"
	if a := get(t, noRedirects(srv), u, ""); a.status != 302 {
		t.Fatalf("before the move: %d; want 302", a.status)
	}
	srv.Move(onpremUser, outlooktest.Cloud)
	if a := get(t, noRedirects(srv), u, ""); a.status != 200 || !strings.Contains(string(a.body), "https://outlook.office.com/api") {
		t.Errorf("after moving to the cloud: %d %s; want 200 with the Exchange Online URL", a.status, a.body)
	}
	srv.Move(onpremUser, outlooktest.OnPremises("exch2.contoso.com"))
	a := get(t, srv.Client(), u, "")
	if a.status != 200 || !strings.Contains(string(a.body), "https://exch2.contoso.com/api") {
		t.Errorf("after moving to exch2: %d %s; want the new server's URL", a.status, a.body)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	t.Parallel()
	srv := outlooktest.NewServer()
	srv.AddMailbox(cloudUser, outlooktest.Cloud)
	c := srv.Client()
	srv.Close()
	srv.Close()
	if _, err := c.Get("https://graph.microsoft.com/v1.0/me"); err == nil {
		t.Error("GET after Close succeeded")
	}
}

func TestLoggerAndClock(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	srv := newHybrid(t, outlooktest.WithLogger(logger), outlooktest.WithClock(func() time.Time { return at }))
	tok := appToken(t, srv, "https://graph.microsoft.com")
	get(t, srv.Client(), "https://graph.microsoft.com/v1.0/users/"+cloudUser+"/messages", "Bearer "+tok)
	for _, r := range srv.Requests() {
		if !r.Time.Equal(at) {
			t.Errorf("request %s %s at %v; want the server clock's %v", r.Method, r.Path, r.Time, at)
		}
	}
	mu.Lock()
	logged := buf.String()
	mu.Unlock()
	if n := strings.Count(logged, `"msg":"outlooktest request"`); n != 2 {
		t.Errorf("logged %d request records; want 2:\n%s", n, logged)
	}
	if !strings.Contains(logged, `"path":"/v1.0/users/alice@contoso.com/messages"`) || !strings.Contains(logged, `"audience":"https://graph.microsoft.com"`) {
		t.Errorf("the log lacks the request's path or audience:\n%s", logged)
	}
	if strings.Contains(logged, tok) || strings.Contains(logged, "client_secret") {
		t.Errorf("the log holds a secret:\n%s", logged)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Many clients at once, over every kind of host, with a fault and the log
// being read: the race detector watches the host layer's locks.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	srv.Inject(outlooktest.Fault{Host: "graph.microsoft.com", Rate: 0.2, Status: 503})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Go(func() {
			c := srv.Client()
			for j := range 10 {
				resource := "https://graph.microsoft.com"
				if (i+j)%2 == 0 {
					resource = "https://mail.contoso.com"
				}
				tok, err := fetchAppToken(srv, resource)
				if err != nil {
					errs <- err
					return
				}
				for _, u := range []string{
					"https://graph.microsoft.com/v1.0/users/" + cloudUser + "/messages",
					"https://mail.contoso.com/api/v2.0/users/" + onpremUser + "/messages",
					"https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/" + onpremUser + "?Protocol=Rest",
				} {
					req, _ := http.NewRequestWithContext(t.Context(), "GET", u, nil)
					req.Header.Set("Authorization", "Bearer "+tok)
					resp, err := c.Do(req)
					if err != nil {
						errs <- err
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				_ = srv.Requests()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var fromGraph, faulted int
	for _, r := range srv.Requests() {
		if r.Host == "graph.microsoft.com" {
			fromGraph++
			if r.FaultApplied {
				faulted++
			}
		}
	}
	if fromGraph != 80 || faulted == 0 || faulted == fromGraph {
		t.Errorf("%d Graph requests, %d faulted; want 80, some but not all", fromGraph, faulted)
	}
}

// TestAppTokenStaysInItsTenant: an app-only token of contoso.com does not
// open a mailbox of fabrikam.com, though both are on the same Graph host.
func TestAppTokenStaysInItsTenant(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	srv.AddMailbox("erin@fabrikam.com", outlooktest.Cloud)
	tok := appToken(t, srv, "https://graph.microsoft.com") // issued in contoso.com
	for _, tc := range []struct {
		user   string
		status int
	}{{cloudUser, 200}, {"erin@fabrikam.com", 403}} {
		a := get(t, srv.Client(), "https://graph.microsoft.com/v1.0/users/"+tc.user+"/messages", "Bearer "+tok)
		if a.status != tc.status {
			t.Errorf("GET %s's messages = %d %s; want %d", tc.user, a.status, a.body, tc.status)
		}
		if tc.status == 403 && !strings.Contains(string(a.body), `"ErrorAccessDenied"`) {
			t.Errorf("403 body %s; want ErrorAccessDenied", a.body)
		}
	}
}

// TestRequestLogHoldsAnsweredRequests: once a client has its answer, the
// request is in the log (the entry is written before the answer leaves).
func TestRequestLogHoldsAnsweredRequests(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for i := range 30 {
		appToken(t, srv, "https://graph.microsoft.com")
		log := srv.Requests()
		if len(log) != i+1 || !strings.HasSuffix(log[i].Path, "/token") || log[i].Status != 200 {
			t.Fatalf("after %d token requests the log holds %d entries (last %+v)", i+1, len(log), log[len(log)-1])
		}
	}
}
