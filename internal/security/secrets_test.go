package security

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// The secret tenant: a cloud mailbox (Graph, upload sessions) and an
// on-premises one (REST v2.0) of one hybrid domain.
const (
	cloudAddr    = "alice@contoso.com"
	onPremAddr   = "bob@contoso.com"
	onPremHost   = "mail.contoso.com"
	secretAppID  = "5ec12e75-16a1-4b7e-9c1a-16a16a16a16a"
	clientSecret = "SECRET-CLIENT-SECRET-7f3a"
	wrongSecret  = "SECRET-WRONG-SECRET-91c2"
	filterValue  = "SECRET-FILTER-VALUE" // user data in a query: Debug records only
)

// signIn is one way to sign in, as a test runs it against srv: the
// credential (and the on-premises one, when it differs), and the mailboxes
// it opens.
type signIn struct {
	name   string
	opts   []outlooktest.Option
	cred   func(t *testing.T, srv *outlooktest.Server) outlook.Credential
	onPrem func(t *testing.T, srv *outlooktest.Server, w *wire) outlook.Credential
	boxes  []string
	// after runs once the client is built (an authorization code flow
	// signs the user in there), keeping the errors it meets.
	after func(t *testing.T, srv *outlooktest.Server, cred outlook.Credential, keep func(error)) error
}

var signIns = []signIn{
	{
		// App-only sign-ins open cloud mailboxes only: Microsoft does not
		// support them on premises, and the SDK refuses them there.
		name: "client secret", boxes: []string{cloudAddr},
		cred: func(t *testing.T, srv *outlooktest.Server) outlook.Credential {
			srv.RegisterApp(outlooktest.App{ClientID: secretAppID, Secret: clientSecret})
			return outlook.ClientSecret("contoso.com", secretAppID, clientSecret)
		},
	},
	{
		name: "client certificate", boxes: []string{cloudAddr},
		cred: func(t *testing.T, srv *outlooktest.Server) outlook.Credential {
			cert, key := certificate(t)
			srv.RegisterApp(outlooktest.App{ClientID: secretAppID, Certificates: []*x509.Certificate{cert}})
			return outlook.ClientCertificate("contoso.com", secretAppID, []*x509.Certificate{cert}, key)
		},
	},
	{
		name: "device code", boxes: []string{onPremAddr}, opts: []outlooktest.Option{outlooktest.WithAutoApprove(onPremAddr)},
		cred: func(t *testing.T, srv *outlooktest.Server) outlook.Credential {
			return outlook.DeviceCode("contoso.com", secretAppID, func(context.Context, outlook.DeviceCodePrompt) error { return nil }, "Mail.ReadWrite", "Mail.Send")
		},
	},
	{
		name: "authorization code", boxes: []string{onPremAddr}, opts: []outlooktest.Option{outlooktest.WithAutoApprove(onPremAddr)},
		cred: func(t *testing.T, srv *outlooktest.Server) outlook.Credential {
			return outlook.AuthorizationCode("contoso.com", secretAppID, clientSecret, "https://app.contoso.com/callback", "Mail.ReadWrite", "Mail.Send")
		},
		after: func(t *testing.T, srv *outlooktest.Server, cred outlook.Credential, keep func(error)) error {
			ac := cred.(*outlook.AuthCodeCredential)
			authURL, verifier, err := ac.AuthCodeURL(t.Context(), "state-1")
			if err != nil {
				return err
			}
			browser := srv.Client()
			browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			code := func() (string, error) { // the user signs in; the browser comes back with a code
				resp, err := browser.Get(authURL)
				if err != nil {
					return "", err
				}
				resp.Body.Close()
				back, err := url.Parse(resp.Header.Get("Location"))
				return back.Query().Get("code"), err
			}
			c, err := code()
			if err != nil {
				return err
			}
			// A code redeemed with another verifier is refused.
			keep(ac.Redeem(t.Context(), c, "SECRET-NOT-THE-VERIFIER-0123456789012345678901"))
			if c, err = code(); err != nil {
				return err
			}
			return ac.Redeem(t.Context(), c, verifier)
		},
	},
	{
		name: "on-premises account, NTLM", boxes: []string{cloudAddr, onPremAddr},
		cred: func(t *testing.T, srv *outlooktest.Server) outlook.Credential {
			return outlook.ClientSecret("contoso.com", secretAppID, clientSecret)
		},
		onPrem: func(t *testing.T, srv *outlooktest.Server, w *wire) outlook.Credential {
			return outlook.OnPremisesAccount(serviceAccount(srv, w))
		},
	},
	{
		name: "on-premises account, Basic", boxes: []string{cloudAddr, onPremAddr},
		cred: func(t *testing.T, srv *outlooktest.Server) outlook.Credential {
			return outlook.ClientSecret("contoso.com", secretAppID, clientSecret)
		},
		onPrem: func(t *testing.T, srv *outlooktest.Server, w *wire) outlook.Credential {
			return outlook.OnPremisesAccountBasic(serviceAccount(srv, w))
		},
	},
	{
		name: "on behalf of", boxes: []string{onPremAddr}, opts: []outlooktest.Option{outlooktest.WithAutoApprove(onPremAddr)},
		cred: func(t *testing.T, srv *outlooktest.Server) outlook.Credential {
			return outlook.OnBehalfOf("contoso.com", secretAppID, clientSecret, userToken(t, srv), "Mail.ReadWrite", "Mail.Send")
		},
	},
}

// TestSecretsStayOutOfLogsAndErrors signs in every way the SDK offers and
// works the mailboxes through a bad server (throttled and failed reads,
// connections dropped, an upload that fails, a refused sign-in), with the
// client's logger at each level: no record and no error may hold a secret
// seen on the wire, and records above Debug and errors hold no query value
// (a $filter's subject is user data).
func TestSecretsStayOutOfLogsAndErrors(t *testing.T) {
	t.Parallel()
	for _, si := range signIns {
		for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
			t.Run(si.name+"/"+level.String(), func(t *testing.T) {
				t.Parallel()
				w := &wire{secrets: map[string]string{}}
				logs := &syncBuffer{}
				errs := work(t, si, w, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level})))
				secrets := w.seen()
				kinds := map[string]bool{}
				for _, s := range secrets {
					kinds[s.what] = true
				}
				if !kinds["access_token"] || !kinds["Authorization header"] {
					t.Fatalf("the wire showed no token (%v): the scenario did not sign in", slices.Sorted(maps.Keys(kinds)))
				}
				if level == slog.LevelDebug {
					t.Logf("%d secrets on the wire: %v; %d errors", len(secrets), slices.Sorted(maps.Keys(kinds)), len(errs))
				}
				out := logs.String()
				for _, s := range secrets {
					if strings.Contains(out, s.value) {
						t.Errorf("the %s logs hold the %s %q:\n%s", level, s.what, s.value, excerpt(out, s.value))
					}
					for _, err := range errs {
						if strings.Contains(err.Error(), s.value) {
							t.Errorf("an error holds the %s %q: %v", s.what, s.value, err)
						}
					}
				}
				if level > slog.LevelDebug && strings.Contains(out, filterValue) {
					t.Errorf("a record above Debug holds a query value:\n%s", excerpt(out, filterValue))
				}
				for _, err := range errs {
					if strings.Contains(err.Error(), filterValue) {
						t.Errorf("an error holds a query value: %v", err)
					}
				}
				if len(errs) < 4 {
					t.Errorf("the scenario met %d errors, want at least 4 (a throttled read, a failed read, a failed upload or send, a refused sign-in): %v", len(errs), errs)
				}
			})
		}
	}
}

// work runs the scenario and returns every error the SDK returned.
func work(t *testing.T, si signIn, w *wire, logger *slog.Logger) []error {
	t.Helper()
	srv := outlooktest.NewServer(si.opts...)
	t.Cleanup(srv.Close)
	srv.AddMailbox(cloudAddr, outlooktest.Cloud)
	srv.AddMailbox(onPremAddr, outlooktest.OnPremises(onPremHost))
	for _, a := range []string{cloudAddr, onPremAddr} {
		srv.Mailbox(a).Add("messages", outlooktest.Object{"subject": "hello " + filterValue})
	}
	w.next = srv.Transport()
	retry := outlook.WithRetry(outlook.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	opts := []outlook.Option{outlook.WithHTTPClient(&http.Client{Transport: w}), outlook.WithLogger(logger), retry}
	cred := si.cred(t, srv)
	if si.onPrem != nil {
		opts = append(opts, outlook.WithOnPremisesCredential(si.onPrem(t, srv, w)))
	}
	c, err := outlook.NewClient(cred, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if si.after != nil {
		if err := si.after(t, srv, cred, keep); err != nil {
			t.Fatal(err)
		}
	}
	ctx := t.Context()
	for _, addr := range si.boxes {
		host := "graph.microsoft.com"
		if addr == onPremAddr {
			host = onPremHost
		}
		mb, err := c.Mailbox(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		q := &odata.Query{Filter: mail.Subject.Eq("hello " + filterValue)}
		list := func() error {
			for _, err := range mb.Mail.ListMessages(ctx, mail.Inbox, q) {
				if err != nil {
					return err
				}
			}
			return nil
		}
		if err := list(); err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		// A read throttled once and retried (a Warn record), then one
		// throttled past the policy, then one failing (errors), then a
		// connection dropped in the middle of the answer, retried. (Any
		// method: EWS reads are POSTs.)
		srv.Inject(outlooktest.Fault{Host: host, Status: http.StatusTooManyRequests, Times: 1})
		keep(list())
		srv.Inject(outlooktest.Fault{Host: host, Status: http.StatusTooManyRequests, Times: 2})
		keep(list())
		srv.Inject(outlooktest.Fault{Host: host, Status: http.StatusInternalServerError, Times: 2})
		keep(list())
		srv.Inject(outlooktest.Fault{Host: host, DropAfterHeaders: true, Times: 1})
		keep(list())
		// A send whose connection drops: its fate is unknown, so it fails.
		srv.Inject(outlooktest.Fault{Host: host, Method: "POST", DropAfterBody: true, Times: 1})
		keep(mb.Mail.SendMail(ctx, &mail.Message{Subject: "to " + filterValue, ToRecipients: mail.To(addr)}, nil))
		srv.ClearFaults()
		if addr == cloudAddr {
			keep(upload(ctx, srv, mb))
		}
	}
	// A sign-in the issuer refuses: a wrong secret.
	const badApp = "0bad0bad-16a1-4b7e-9c1a-16a16a16a16a"
	srv.RegisterApp(outlooktest.App{ClientID: badApp, Secret: clientSecret})
	w.note("client secret", wrongSecret) // refused, so never seen as valid; still the caller's secret
	bad, err := outlook.NewClient(outlook.ClientSecret("contoso.com", badApp, wrongSecret), opts...)
	if err != nil {
		t.Fatal(err)
	}
	if mb, err := bad.Mailbox(ctx, cloudAddr); err != nil {
		keep(err)
	} else {
		_, err := mb.Mail.GetMessage(ctx, "x", nil)
		keep(err)
	}
	return errs
}

// serviceAccount adds an on-premises service account with the
// impersonation role on the on-premises mailbox, notes its password as a
// secret (NTLM never sends it), and returns its name and password.
func serviceAccount(srv *outlooktest.Server, w *wire) (user, password string) {
	user, password = `CONTOSO\svc-secrets`, "SECRET-ACCOUNT-PASSWORD-5d1"
	srv.AddAccount(user, password)
	srv.GrantImpersonation(user, onPremAddr)
	w.note("account password", password)
	return user, password
}

// upload attaches a file through an upload session whose chunks the
// upload host refuses: the error must not show the URL's authtoken.
func upload(ctx context.Context, srv *outlooktest.Server, mb *outlook.Mailbox) error {
	draft, err := mb.Mail.CreateDraft(ctx, &mail.Message{Subject: "with attachment"})
	if err != nil {
		return err
	}
	srv.Inject(outlooktest.Fault{Host: "outlook.office.com", Method: "PUT", Status: http.StatusInternalServerError})
	file := bytes.Repeat([]byte{'x'}, mail.MaxInlineAttachmentSize+1)
	_, err = mb.Mail.UploadAttachment(ctx, draft.ID, "big.bin", "application/octet-stream", bytes.NewReader(file), int64(len(file)), nil)
	srv.ClearFaults()
	if err == nil {
		return errors.New("the upload succeeded through a host answering 500")
	}
	return err
}

// wire is the client's transport to the fake, noting every secret it
// carries: credentials in requests (the Authorization header, the token
// endpoint's form fields, URL query values) and in answers (tokens, device
// and user codes, upload URLs' authtokens).
type wire struct {
	next http.RoundTripper

	mu      sync.Mutex
	secrets map[string]string // value -> what it is
}

// Form fields and JSON members that hold secrets.
var (
	secretFields  = []string{"client_secret", "client_assertion", "assertion", "code", "code_verifier", "device_code", "refresh_token", "password"}
	secretMembers = []string{"access_token", "refresh_token", "id_token", "device_code", "user_code"}
	secretParams  = []string{"authtoken", "code", "access_token", "sig"}
)

func (w *wire) note(what, value string) {
	if len(value) < 6 { // too short to be a credential, too common to search for
		return
	}
	w.mu.Lock()
	if _, ok := w.secrets[value]; !ok { // named for where it was first seen
		w.secrets[value] = what
	}
	w.mu.Unlock()
}

type secret struct{ what, value string }

func (w *wire) seen() []secret {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []secret
	for v, what := range w.secrets {
		out = append(out, secret{what, v})
	}
	slices.SortFunc(out, func(a, b secret) int { return strings.Compare(a.value, b.value) })
	return out
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	if a := req.Header.Get("Authorization"); a != "" {
		w.note("Authorization header", a)
		if _, tok, ok := strings.Cut(a, " "); ok {
			w.note("bearer token", tok)
		}
	}
	w.noteQuery(req.URL.Query())
	if req.Body != nil && strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		if form, err := url.ParseQuery(string(b)); err == nil {
			for _, f := range secretFields {
				w.note(f, form.Get(f))
			}
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := w.next.RoundTrip(req)
	if err != nil || !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return resp, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return resp, nil // the client sees the short body and its own error
	}
	var doc map[string]any
	if json.Unmarshal(b, &doc) == nil {
		for _, m := range secretMembers {
			if s, ok := doc[m].(string); ok {
				w.note(m, s)
			}
		}
		for _, k := range []string{"uploadUrl", "UploadUrl"} {
			if s, ok := doc[k].(string); ok {
				if u, err := url.Parse(s); err == nil {
					w.noteQuery(u.Query())
				}
			}
		}
	}
	return resp, nil
}

func (w *wire) noteQuery(q url.Values) {
	for _, p := range secretParams {
		for k, vs := range q {
			if strings.EqualFold(k, p) {
				for _, v := range vs {
					w.note("URL parameter "+k, v)
				}
			}
		}
	}
}

// certificate makes a self-signed certificate and its key, as an app
// registration holds.
func certificate(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048) // MSAL signs assertions with RSA keys
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "security suite"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
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

// userToken signs the auto-approved user in to a front end by the device
// code flow, as a middle tier's caller would, and returns the access token
// the middle tier exchanges on behalf of the user.
func userToken(t *testing.T, srv *outlooktest.Server) string {
	t.Helper()
	hc := srv.Client()
	base := "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/"
	const frontEnd = "f00df00d-16a1-4b7e-9c1a-16a16a16a16a"
	var dc struct {
		DeviceCode string `json:"device_code"`
	}
	if err := postForm(hc, base+"devicecode", url.Values{"client_id": {frontEnd}, "scope": {"User.Read"}}, &dc); err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := postForm(hc, base+"token", url.Values{"client_id": {frontEnd}, "grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {dc.DeviceCode}}, &tok); err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

func postForm(hc *http.Client, u string, form url.Values, v any) error {
	resp, err := hc.PostForm(u, form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// excerpt returns the log lines holding s.
func excerpt(logs, s string) string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
