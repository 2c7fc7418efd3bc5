package outlook_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

const (
	appID  = "11111111-2222-3333-4444-555555555555"
	secret = "s3cret"
)

// hybrid starts a fake tenant with one cloud and one on-premises mailbox,
// each with a message in its inbox. Bob, whose mailbox is on premises,
// signs in at once wherever a person would act.
func hybrid(t testing.TB) *outlooktest.Server {
	t.Helper()
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove("bob@contoso.com"))
	t.Cleanup(srv.Close)
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).
		Add("messages", outlooktest.Object{"subject": "Hello from the cloud", "parentFolderId": "inbox"})
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).
		Add("messages", outlooktest.Object{"subject": "Hello from on-premises", "parentFolderId": "inbox"})
	return srv
}

// bobSignsIn is a delegated credential of bob's (a device code the fake
// approves at once): what an on-premises mailbox takes from Entra ID.
func bobSignsIn() outlook.Credential {
	return outlook.DeviceCode("contoso.com", appID, func(context.Context, outlook.DeviceCodePrompt) error { return nil }, "Mail.ReadWrite")
}

// hybridClient is a client of the hybrid tenant as a daemon runs it: an
// app-only credential for Exchange Online and bob's delegated one for his
// on-premises server, whose mailboxes are served through api.
func hybridClient(t testing.TB, srv *outlooktest.Server, api outlook.API, opts ...outlook.Option) *outlook.Client {
	t.Helper()
	return newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret),
		append([]outlook.Option{outlook.WithOnPremisesCredential(bobSignsIn()), outlook.WithOnPremisesAPI(api)}, opts...)...)
}

func newClient(t testing.TB, srv *outlooktest.Server, cred outlook.Credential, opts ...outlook.Option) *outlook.Client {
	t.Helper()
	c, err := outlook.NewClient(cred, append([]outlook.Option{outlook.WithHTTPClient(srv.Client())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// message is what these tests read of a message, until package mail exists.
type message struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

// inboxSubjects is the code under test: it does not know where the mailbox lives.
func inboxSubjects(ctx context.Context, mb *outlook.Mailbox) ([]string, error) {
	var out []string
	for m, err := range odata.List[message](ctx, mb.OData(), odata.PathOf("mailFolders/{}/messages", "inbox"), nil) {
		if err != nil {
			return nil, err
		}
		out = append(out, m.Subject)
	}
	return out, nil
}

// The same code reads a mailbox in each of the three locations: Exchange
// Online (Graph), on premises through EWS (the default) and on premises
// through REST v2.0 (chosen).
func TestSameCodeCloudAndOnPremises(t *testing.T) {
	srv := hybrid(t)
	ews := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret), outlook.WithOnPremisesCredential(bobSignsIn()))
	rest := hybridClient(t, srv, outlook.RESTv2)
	ctx := t.Context()
	for _, tc := range []struct {
		c       *outlook.Client
		addr    string
		route   string
		subject string
		url     string
	}{
		{ews, "alice@contoso.com", "cloud, Microsoft Graph (the API of Exchange Online)", "Hello from the cloud", "https://graph.microsoft.com/v1.0"},
		{ews, "Bob@Contoso.com", "on-premises, EWS (default for on-premises)", "Hello from on-premises", "https://mail.contoso.com/EWS/Exchange.asmx"},
		{rest, "Bob@Contoso.com", "on-premises, REST v2.0 (chosen by WithOnPremisesAPI)", "Hello from on-premises", "https://mail.contoso.com/api/v2.0"},
	} {
		mb, err := tc.c.Mailbox(ctx, tc.addr)
		if err != nil {
			t.Fatalf("Mailbox(%s): %v", tc.addr, err)
		}
		if mb.Route().String() != tc.route || mb.Endpoint().URL != tc.url || mb.Address() != strings.ToLower(tc.addr) {
			t.Errorf("%s: route %v, endpoint %+v", tc.addr, mb.Route(), mb.Endpoint())
		}
		got, err := inboxSubjects(ctx, mb)
		if err != nil {
			t.Fatalf("%s: %v", tc.addr, err)
		}
		if !slices.Equal(got, []string{tc.subject}) {
			t.Errorf("%s inbox = %q", tc.addr, got)
		}
	}
	assertTokensStayHome(t, srv)
}

// assertTokensStayHome checks the request log: every token went only to the
// host it was minted for, and none to an Autodiscover or sign-in host.
func assertTokensStayHome(t *testing.T, srv *outlooktest.Server) {
	t.Helper()
	restCalls := 0
	for _, r := range srv.Requests() {
		if !r.TokenSent {
			continue
		}
		want := "https://" + r.Host
		if r.Audience != want {
			t.Errorf("%s %s%s carried a token for %q", r.Method, r.Host, r.Path, r.Audience)
		}
		restCalls++
	}
	if restCalls == 0 {
		t.Error("no request carried a token")
	}
}

func TestTokensCachedUnderConcurrency(t *testing.T) {
	srv := hybrid(t)
	c := hybridClient(t, srv, outlook.EWS)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		addr := []string{"alice@contoso.com", "bob@contoso.com"}[i%2]
		wg.Go(func() {
			mb, err := c.Mailbox(ctx, addr)
			if err == nil {
				_, err = inboxSubjects(ctx, mb)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := srv.TokenRequests()
	for _, res := range []string{"https://graph.microsoft.com", "https://mail.contoso.com"} {
		if n := got[outlooktest.TokenKey{ClientID: appID, Resource: res}]; n != 1 {
			t.Errorf("%d token requests for %s, want 1 (all: %v)", n, res, got)
		}
	}
	if len(got) != 2 {
		t.Errorf("token requests %v, want one for each resource", got)
	}
}

func TestMailboxHandleIsShared(t *testing.T) {
	srv := hybrid(t)
	c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret))
	a, err := c.Mailbox(t.Context(), "alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Mailbox(t.Context(), "ALICE@contoso.com")
	if err != nil || a != b {
		t.Errorf("second Mailbox = %p, %v; want the same handle %p", b, err, a)
	}
}

func TestMailboxMovedIsFoundAgain(t *testing.T) {
	srv := hybrid(t)
	c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret), outlook.WithOnPremisesCredential(bobSignsIn()))
	ctx := t.Context()
	mb, err := c.Mailbox(ctx, "bob@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inboxSubjects(ctx, mb); err != nil {
		t.Fatal(err)
	}
	srv.Move("bob@contoso.com", outlooktest.Cloud) // migrated to Exchange Online
	got, err := inboxSubjects(ctx, mb)
	if err != nil {
		t.Fatalf("after the move: %v", err)
	}
	if !slices.Equal(got, []string{"Hello from on-premises"}) || mb.Location() != outlook.Cloud || mb.Route().API != outlook.Graph {
		t.Errorf("after the move: inbox %q, route %v", got, mb.Route())
	}
	// And back again, through a fresh lookup.
	srv.Move("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	if _, err := inboxSubjects(ctx, mb); err != nil || mb.Location() != outlook.OnPremises {
		t.Errorf("after moving back: %v, location %v", err, mb.Location())
	}
	assertTokensStayHome(t, srv)
}

func TestOnPremisesWithoutREST(t *testing.T) {
	for _, tc := range []struct {
		name         string
		setup        func(*outlooktest.Server)
		noModernAuth bool
		mention      string
	}{
		{"REST gone", func(s *outlooktest.Server) { s.SetRESTDisabled("mail.contoso.com", true) }, false, "does not serve the Outlook REST API"},
		{"no modern auth", func(s *outlooktest.Server) { s.SetModernAuthDisabled("mail.contoso.com", true) }, true, "hybrid modern authentication"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := hybrid(t)
			tc.setup(srv)
			c := hybridClient(t, srv, outlook.RESTv2)
			_, err := c.Mailbox(t.Context(), "bob@contoso.com")
			if !errors.Is(err, outlook.ErrRESTUnavailable) {
				t.Fatalf("err = %v, want ErrRESTUnavailable", err)
			}
			re, ok := errors.AsType[*outlook.RESTUnavailableError](err)
			if !ok || re.NoModernAuth != tc.noModernAuth || re.Host != "mail.contoso.com" || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error = %#v\n%v", re, err)
			}
			// The cloud mailbox of the same tenant is unaffected.
			if _, err := c.Mailbox(t.Context(), "alice@contoso.com"); err != nil {
				t.Errorf("cloud mailbox: %v", err)
			}
		})
	}
}

func TestRESTDisappearsAfterDiscovery(t *testing.T) {
	srv := hybrid(t)
	c := hybridClient(t, srv, outlook.RESTv2)
	mb, err := c.Mailbox(t.Context(), "bob@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	srv.SetRESTDisabled("mail.contoso.com", true)
	_, err = inboxSubjects(t.Context(), mb)
	if !errors.Is(err, outlook.ErrRESTUnavailable) {
		t.Errorf("err = %v, want ErrRESTUnavailable", err)
	}
}

func TestDeviceCode(t *testing.T) {
	srv := hybrid(t)
	var prompts []outlook.DeviceCodePrompt
	prompt := func(ctx context.Context, p outlook.DeviceCodePrompt) error {
		prompts = append(prompts, p)
		// The user signs in on another device.
		return srv.ApproveDeviceCode(p.UserCode, "bob@contoso.com")
	}
	c := newClient(t, srv, outlook.DeviceCode("contoso.com", appID, prompt, "Mail.ReadWrite"))
	ctx := t.Context()
	// Bob reads his on-premises inbox; the token for Graph then comes
	// silently, and Graph refuses it for Alice's mailbox: a delegated token
	// opens the signed-in user's mailbox only.
	for _, tc := range []struct {
		addr string
		want error
	}{{"bob@contoso.com", nil}, {"alice@contoso.com", odata.ErrForbidden}} {
		mb, err := c.Mailbox(ctx, tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := inboxSubjects(ctx, mb); !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("%s: err = %v, want %v", tc.addr, err, tc.want)
		}
	}
	if n := srv.TokenRequests()[outlooktest.TokenKey{ClientID: appID, Resource: "https://graph.microsoft.com"}]; n != 1 {
		t.Errorf("%d token requests for Graph, want 1 (silent, after the device code sign-in)", n)
	}
	if len(prompts) != 1 || prompts[0].UserCode == "" || !strings.Contains(prompts[0].Message, prompts[0].UserCode) {
		t.Errorf("prompts = %+v; want one, with the code in the message (the second host's token comes silently)", prompts)
	}
}

func TestClientCertificate(t *testing.T) {
	srv := hybrid(t)
	key, _ := rsa.GenerateKey(rand.Reader, 2048) // MSAL signs assertions with RSA keys only
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv.RegisterApp(outlooktest.App{ClientID: appID, Certificates: []*x509.Certificate{cert}})
	c := newClient(t, srv, outlook.ClientCertificate("contoso.com", appID, []*x509.Certificate{cert}, key))
	mb, err := c.Mailbox(t.Context(), "alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := inboxSubjects(t.Context(), mb); err != nil || len(got) != 1 {
		t.Fatalf("inbox = %q, %v", got, err)
	}
	// A wrong secret for a registered app is refused by the issuer.
	srv.RegisterApp(outlooktest.App{ClientID: appID, Secret: "right"})
	c2 := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, "wrong"))
	mb2, err := c2.Mailbox(t.Context(), "alice@contoso.com")
	if err == nil {
		_, err = inboxSubjects(t.Context(), mb2)
	}
	if err == nil || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong secret: err = %v (and it must not show the secret)", err)
	}
}

func TestTokenCachePersists(t *testing.T) {
	srv := hybrid(t)
	path := filepath.Join(t.TempDir(), "tokens.json")
	run := func() {
		c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret), outlook.WithTokenCache(&outlook.FileTokenCache{Path: path}))
		mb, err := c.Mailbox(t.Context(), "alice@contoso.com")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := inboxSubjects(t.Context(), mb); err != nil {
			t.Fatal(err)
		}
	}
	run()
	run() // a second process: the token comes from the file
	if n := srv.TokenRequests()[outlooktest.TokenKey{ClientID: appID, Resource: "https://graph.microsoft.com"}]; n != 1 {
		t.Errorf("%d token requests across two clients sharing a cache file, want 1", n)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file: %v, mode %v", err, fi.Mode())
	}
}

func TestBadConfiguration(t *testing.T) {
	pemPath := filepath.Join(t.TempDir(), "missing.pem")
	for name, cred := range map[string]outlook.Credential{
		"empty tenant":         outlook.ClientSecret("", appID, secret),
		"bad tenant":           outlook.ClientSecret("not a tenant!", appID, secret),
		"common for app-only":  outlook.ClientSecret("common", appID, secret),
		"malformed client id":  outlook.ClientSecret("contoso.com", "my-app", secret),
		"empty secret":         outlook.ClientSecret("contoso.com", appID, ""),
		"unreadable cert":      outlook.ClientCertificateFile("contoso.com", appID, pemPath, ""),
		"cert without key":     outlook.ClientCertificate("contoso.com", appID, nil, nil),
		"device code prompt":   outlook.DeviceCode("contoso.com", appID, nil, "Mail.Read"),
		"nil token source":     outlook.FromTokenSource(nil),
		"empty OBO assertion":  outlook.OnBehalfOf("contoso.com", appID, secret, " "),
		"device code bad user": outlook.DeviceCode("", appID, func(context.Context, outlook.DeviceCodePrompt) error { return nil }),
		"account without name": outlook.OnPremisesAccount("", "pw"),
		"account without pass": outlook.OnPremisesAccount(`CONTOSO\svc`, ""),
		"Basic name w/ colon":  outlook.OnPremisesAccountBasic("a:b", "pw"),
	} {
		_, err := outlook.NewClient(cred)
		if !errors.Is(err, outlook.ErrInvalidCredential) {
			t.Errorf("%s: err = %v, want ErrInvalidCredential", name, err)
		}
	}
	if _, err := outlook.NewClient(nil); err == nil {
		t.Error("nil credential accepted")
	}
	// An app-only credential for on-premises mailboxes is refused when the
	// client is made, a bad one reported as such.
	if _, err := outlook.NewClient(outlook.StaticToken("x"), outlook.WithOnPremisesCredential(outlook.ClientSecret("contoso.com", appID, secret))); !errors.Is(err, outlook.ErrAppOnlyOnPremises) {
		t.Errorf("app-only on-premises credential: %v", err)
	}
	if _, err := outlook.NewClient(outlook.StaticToken("x"), outlook.WithOnPremisesCredential(outlook.OnPremisesAccount("", "pw"))); !errors.Is(err, outlook.ErrInvalidCredential) {
		t.Errorf("bad on-premises credential: %v", err)
	}
	for name, opt := range map[string]outlook.Option{
		"nil http client":   outlook.WithHTTPClient(nil),
		"zero per-mailbox":  outlook.WithMaxConcurrentPerMailbox(0),
		"negative retry":    outlook.WithRetry(outlook.RetryPolicy{MaxAttempts: -1}),
		"empty cloud":       outlook.WithCloud(autodiscover.Cloud{}),
		"nil on-prem cred":  outlook.WithOnPremisesCredential(nil),
		"Graph on premises": outlook.WithOnPremisesAPI(outlook.Graph),
		"unknown API":       outlook.WithOnPremisesAPI(0),
	} {
		if _, err := outlook.NewClient(outlook.StaticToken("x"), opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A token source of the caller's is asked once per resource, and its tokens
// are the servers' to judge: here app-only tokens, which an on-premises
// server an administrator reconfigured accepts.
func TestFromTokenSourcePerResource(t *testing.T) {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	t.Cleanup(srv.Close)
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	var asked []string
	var mu sync.Mutex
	cred := outlook.FromTokenSource(func(resource string) oauth2.TokenSource {
		mu.Lock()
		asked = append(asked, resource)
		mu.Unlock()
		return tokenFromIssuer{srv: srv, resource: resource}
	})
	c := newClient(t, srv, cred, outlook.WithOnPremisesAPI(outlook.RESTv2))
	for _, addr := range []string{"alice@contoso.com", "bob@contoso.com"} {
		mb, err := c.Mailbox(t.Context(), addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := inboxSubjects(t.Context(), mb); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(asked)
	if !slices.Equal(asked, []string{"https://graph.microsoft.com", "https://mail.contoso.com"}) {
		t.Errorf("asked for %q", asked)
	}
}

// tokenFromIssuer gets app-only tokens from the fake issuer with plain
// x/oauth2, as a caller bringing their own token source would.
type tokenFromIssuer struct {
	srv      *outlooktest.Server
	resource string
}

func (s tokenFromIssuer) Token() (*oauth2.Token, error) {
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, s.srv.Client())
	resp, err := s.srv.Client().PostForm("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {secret}, "scope": {s.resource + "/.default"}})
	_ = ctx
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := jsonDecode(resp.Body, &tok); err != nil {
		return nil, err
	}
	if tok.AccessToken == "" {
		return nil, fmt.Errorf("no token: status %d", resp.StatusCode)
	}
	return &oauth2.Token{AccessToken: tok.AccessToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)}, nil
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove("bob@contoso.com"))
	t.Cleanup(srv.Close)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).
		Add("messages", outlooktest.Object{"subject": "Hi Bob", "parentFolderId": "inbox"})
	cred := outlook.AuthorizationCode("contoso.com", appID, secret, "https://app.contoso.com/callback", "Mail.Read")
	if _, _, err := cred.AuthCodeURL(t.Context(), "st"); err == nil {
		t.Error("AuthCodeURL before NewClient succeeded")
	}
	c := newClient(t, srv, cred)
	mb, err := c.Mailbox(t.Context(), "bob@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inboxSubjects(t.Context(), mb); !errors.Is(err, outlook.ErrSignInRequired) {
		t.Fatalf("before sign-in: err = %v, want ErrSignInRequired", err)
	}
	authURL, verifier, err := cred.AuthCodeURL(t.Context(), "csrf-123")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	if u.Host != "login.microsoftonline.com" || u.Query().Get("code_challenge_method") != "S256" || u.Query().Get("state") != "csrf-123" {
		t.Fatalf("auth URL = %s", authURL)
	}
	// The browser: the fake signs bob in and redirects back with a code.
	browser := srv.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" || back.Query().Get("state") != "csrf-123" {
		t.Fatalf("redirect = %q (status %d)", resp.Header.Get("Location"), resp.StatusCode)
	}
	if err := cred.Redeem(t.Context(), back.Query().Get("code"), "not-the-verifier-0123456789012345678901234567"); err == nil {
		t.Error("Redeem with a wrong PKCE verifier succeeded")
	}
	resp, _ = browser.Get(authURL) // a code is single-use: sign in again
	resp.Body.Close()
	back, _ = url.Parse(resp.Header.Get("Location"))
	if err := cred.Redeem(t.Context(), back.Query().Get("code"), verifier); err != nil {
		t.Fatal(err)
	}
	if got, err := inboxSubjects(t.Context(), mb); err != nil || !slices.Equal(got, []string{"Hi Bob"}) {
		t.Errorf("after sign-in: %q, %v", got, err)
	}
}

// A token within five minutes of expiry is replaced before it is used:
// with four-minute tokens every call fetches a fresh one, with hour-long
// tokens one serves them all.
func TestTokensRefreshedAheadOfExpiry(t *testing.T) {
	for _, tc := range []struct {
		lifetime time.Duration
		want     int
	}{{4 * time.Minute, 3}, {time.Hour, 1}} {
		srv := outlooktest.NewServer(outlooktest.WithTokenLifetime(tc.lifetime))
		t.Cleanup(srv.Close)
		srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
		c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret))
		mb, err := c.Mailbox(t.Context(), "alice@contoso.com")
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := inboxSubjects(t.Context(), mb); err != nil {
				t.Fatal(err)
			}
		}
		if n := srv.TokenRequests()[outlooktest.TokenKey{ClientID: appID, Resource: "https://graph.microsoft.com"}]; n != tc.want {
			t.Errorf("lifetime %v: %d token requests for 3 calls, want %d", tc.lifetime, n, tc.want)
		}
	}
}

// A middle-tier API holding a user's token reaches that user's mailboxes on
// both hosts through the on-behalf-of exchange.
func TestOnBehalfOf(t *testing.T) {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove("bob@contoso.com"))
	t.Cleanup(srv.Close)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).
		Add("messages", outlooktest.Object{"subject": "Hi Bob", "parentFolderId": "inbox"})
	userToken := deviceCodeToken(t, srv, "User.Read") // the fake knows no custom APIs: any user token of its issuer will do
	c := newClient(t, srv, outlook.OnBehalfOf("contoso.com", appID, secret, userToken, "Mail.Read"))
	mb, err := c.Mailbox(t.Context(), "bob@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := inboxSubjects(t.Context(), mb); err != nil || !slices.Equal(got, []string{"Hi Bob"}) {
		t.Fatalf("inbox = %q, %v", got, err)
	}
	assertTokensStayHome(t, srv)
}

// deviceCodeToken signs the auto-approved user in with raw OAuth requests,
// as a front end would, and returns the access token.
func deviceCodeToken(t *testing.T, srv *outlooktest.Server, scope string) string {
	t.Helper()
	hc := srv.Client()
	base := "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/"
	resp, err := hc.PostForm(base+"devicecode", url.Values{"client_id": {"22222222-2222-3333-4444-555555555555"}, "scope": {scope}})
	if err != nil {
		t.Fatal(err)
	}
	var dc struct {
		DeviceCode string `json:"device_code"`
	}
	err = jsonDecode(resp.Body, &dc)
	resp.Body.Close()
	if err != nil || dc.DeviceCode == "" {
		t.Fatalf("device code: %v", err)
	}
	resp, err = hc.PostForm(base+"token", url.Values{"client_id": {"22222222-2222-3333-4444-555555555555"},
		"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {dc.DeviceCode}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error_description"`
	}
	if err := jsonDecode(resp.Body, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v (status %d, %+v)", err, resp.StatusCode, tok)
	}
	return tok.AccessToken
}
