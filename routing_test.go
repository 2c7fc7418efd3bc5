package outlook_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// Accounts of the routing tests.
const (
	carol    = "carol@fabrikam.com" // on ews.fabrikam.com, an EWS host of the test's (ewsHost)
	ewsFab   = "ews.fabrikam.com"
	svcUser  = `FABRIKAM\svc-mail`
	svcPass  = "S3rvice!pass"
	appCloud = "fabrikam.com"
)

// signsIn is a delegated credential of whoever the fake approves.
func signsIn(tenant string) outlook.Credential {
	return outlook.DeviceCode(tenant, appID, func(context.Context, outlook.DeviceCodePrompt) error { return nil }, "Mail.ReadWrite")
}

// routingCase is one row of TestRoutingDecisions.
type routingCase struct {
	name string
	// setup adds the mailboxes (and EWS host) the case needs to srv.
	setup func(t *testing.T, srv *outlooktest.Server) *ewsHost
	cred  outlook.Credential
	opts  []outlook.Option
	addr  string
	route string  // of the mailbox, when it opens
	errs  []error // the error matches every one, when it does not
	// use exercises the open mailbox over its API.
	use func(t *testing.T, mb *outlook.Mailbox)
	// check looks at what reached the servers.
	check func(t *testing.T, srv *outlooktest.Server, h *ewsHost)
}

// fabrikamEWS puts carol on an EWS host offering schemes.
func fabrikamEWS(schemes ...string) func(*testing.T, *outlooktest.Server) *ewsHost {
	return func(t *testing.T, srv *outlooktest.Server) *ewsHost {
		srv.AddMailbox(carol, outlooktest.OnPremises(ewsFab))
		for i, s := range schemes {
			if s == "Bearer" {
				schemes[i] = bearerChallenge(srv.TenantID(appCloud))
			}
		}
		return newEWSHost(t, srv, ewsFab, schemes...)
	}
}

// contoso is the hybrid tenant of the other tests, with bob's server
// serving protos.
func contoso(protos outlooktest.Protocols) func(*testing.T, *outlooktest.Server) *ewsHost {
	return func(t *testing.T, srv *outlooktest.Server) *ewsHost {
		srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).
			Add("messages", outlooktest.Object{"subject": "Hello from the cloud", "parentFolderId": "inbox"})
		srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).
			Add("messages", outlooktest.Object{"subject": "Hello from on-premises", "parentFolderId": "inbox"})
		srv.SetProtocols("mail.contoso.com", protos)
		return nil
	}
}

func readsInbox(want string) func(*testing.T, *outlook.Mailbox) {
	return func(t *testing.T, mb *outlook.Mailbox) {
		got, err := inboxSubjects(t.Context(), mb)
		if err != nil || len(got) != 1 || got[0] != want {
			t.Errorf("inbox %q, %v; want %q", got, err, want)
		}
	}
}

// readsAutomaticReplies reads the out-of-office setting: over EWS,
// GetUserOofSettings answered with Microsoft's published example.
func readsAutomaticReplies(t *testing.T, mb *outlook.Mailbox) {
	ar, err := mb.Mail.GetAutomaticReplies(t.Context())
	if err != nil {
		t.Fatalf("GetAutomaticReplies: %v", err)
	}
	if ar.Status != "disabled" || !strings.Contains(ar.InternalReplyMessage, "internal reply") {
		t.Errorf("automatic replies = %+v", ar)
	}
}

// noRequestTo fails when any request reached host.
func noRequestTo(host string) func(*testing.T, *outlooktest.Server, *ewsHost) {
	return func(t *testing.T, srv *outlooktest.Server, h *ewsHost) {
		for _, r := range srv.Requests() {
			if r.Host == host {
				t.Errorf("a request reached %s: %s %s", host, r.Method, r.Path)
			}
		}
		if h != nil && host == ewsFab && len(h.requests()) > 0 {
			t.Errorf("%d requests reached %s", len(h.requests()), host)
		}
	}
}

func TestRoutingDecisions(t *testing.T) {
	account := outlook.OnPremisesAccount(svcUser, svcPass)
	for _, tc := range []routingCase{
		{
			name: "cloud", setup: contoso(outlooktest.EWS | outlooktest.RESTv2),
			cred: outlook.ClientSecret("contoso.com", appID, secret), addr: "alice@contoso.com",
			route: "cloud, Microsoft Graph (the API of Exchange Online)", use: readsInbox("Hello from the cloud"),
		},
		{
			name: "on-premises, EWS by default, delegated", setup: fabrikamEWS("Bearer", "NTLM", "Negotiate"),
			cred: signsIn(appCloud), addr: carol,
			route: "on-premises, EWS (default for on-premises)", use: readsAutomaticReplies,
			check: func(t *testing.T, srv *outlooktest.Server, h *ewsHost) {
				for _, r := range h.requests() {
					if r.Method == "POST" && (!strings.HasPrefix(r.Auth, "Bearer ") || len(r.Auth) < len("Bearer x") ||
						strings.Contains(r.Body, "ExchangeImpersonation") || r.Anchor != carol) {
						t.Errorf("EWS request %+v: want a bearer token, carol as anchor, no impersonation", r)
					}
				}
			},
		},
		{
			name: "on-premises, REST v2.0 chosen", setup: contoso(outlooktest.EWS | outlooktest.RESTv2),
			cred: signsIn("contoso.com"), opts: []outlook.Option{outlook.WithOnPremisesAPI(outlook.RESTv2)}, addr: "bob@contoso.com",
			route: "on-premises, REST v2.0 (chosen by WithOnPremisesAPI)", use: readsInbox("Hello from on-premises"),
		},
		{
			name: "on-premises serving neither", setup: contoso(0), cred: signsIn("contoso.com"), addr: "bob@contoso.com",
			errs: []error{outlook.ErrEWSUnavailable, outlook.ErrNoOnPremisesAPI},
		},
		{
			name: "on-premises serving neither, REST chosen", setup: contoso(0), cred: signsIn("contoso.com"),
			opts: []outlook.Option{outlook.WithOnPremisesAPI(outlook.RESTv2)}, addr: "bob@contoso.com",
			errs: []error{outlook.ErrRESTUnavailable, outlook.ErrNoOnPremisesAPI},
		},
		{
			name: "on-premises serving REST alone", setup: contoso(outlooktest.RESTv2), cred: signsIn("contoso.com"), addr: "bob@contoso.com",
			errs: []error{outlook.ErrEWSUnavailable, errNot{outlook.ErrNoOnPremisesAPI}, errText("serves the Outlook REST API v2.0: choose it")},
		},
		{
			name: "REST chosen, server serving EWS alone", setup: fabrikamEWS("Bearer", "NTLM"), cred: signsIn(appCloud),
			opts: []outlook.Option{outlook.WithOnPremisesAPI(outlook.RESTv2)}, addr: carol,
			errs: []error{outlook.ErrRESTUnavailable, errNot{outlook.ErrNoOnPremisesAPI}, errText("the server serves EWS")},
		},
		{
			name: "REST chosen, Autodiscover names no REST URL",
			setup: func(t *testing.T, srv *outlooktest.Server) *ewsHost {
				h := fabrikamEWS("Bearer")(t, srv)
				srv.AddHost("autodiscover.fabrikam.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json; charset=utf-8")
					if !strings.Contains(strings.ToLower(r.URL.RawQuery), "protocol=ews") {
						w.WriteHeader(http.StatusBadRequest)
						io.WriteString(w, `{"ErrorCode":"InvalidProtocol","ErrorMessage":"The given protocol value is invalid."}`)
						return
					}
					io.WriteString(w, `{"Protocol":"EWS","Url":"https://`+ewsFab+`/EWS/Exchange.asmx"}`)
				}))
				return h
			},
			cred: signsIn(appCloud), opts: []outlook.Option{outlook.WithOnPremisesAPI(outlook.RESTv2)}, addr: carol,
			errs:  []error{outlook.ErrRESTUnavailable, autodiscover.ErrAPINotNamed, errNot{outlook.ErrNoOnPremisesAPI}, errText("leave WithOnPremisesAPI(RESTv2) out")},
			check: noRequestTo(ewsFab),
		},
		{
			name: "app-only on premises", setup: contoso(outlooktest.EWS | outlooktest.RESTv2),
			cred: outlook.ClientSecret("contoso.com", appID, secret), addr: "bob@contoso.com",
			errs:  []error{outlook.ErrAppOnlyOnPremises, outlook.ErrNoUsableCredential, errText("OnPremisesAccount")},
			check: noRequestTo("mail.contoso.com"),
		},
		{
			name: "app-only on premises, REST chosen", setup: contoso(outlooktest.EWS | outlooktest.RESTv2),
			cred: outlook.ClientSecret("contoso.com", appID, secret), opts: []outlook.Option{outlook.WithOnPremisesAPI(outlook.RESTv2)},
			addr:  "bob@contoso.com",
			errs:  []error{outlook.ErrAppOnlyOnPremises, errText("use a delegated Entra ID credential"), errNotText("OnPremisesAccount")},
			check: noRequestTo("mail.contoso.com"),
		},
		{
			name: "service account, NTLM", setup: fabrikamEWS("Negotiate", "NTLM"),
			cred: outlook.ClientSecret(appCloud, appID, secret), opts: []outlook.Option{outlook.WithOnPremisesCredential(account)},
			addr: carol, route: "on-premises, EWS (default for on-premises)", use: readsAutomaticReplies,
			check: func(t *testing.T, srv *outlooktest.Server, h *ewsHost) {
				var posts []ewsRequest
				for _, r := range h.requests() {
					if r.Method == "POST" {
						posts = append(posts, r)
					}
				}
				// Negotiate without the body, authenticate with it: on one
				// connection.
				if len(posts) != 2 || !strings.HasPrefix(posts[0].Auth, "NTLM TlRMTVNTUAAB") || posts[0].Body != "" ||
					!strings.HasPrefix(posts[1].Auth, "NTLM TlRMTVNTUAAD") || posts[0].Remote != posts[1].Remote {
					t.Fatalf("NTLM handshake: %+v", posts)
				}
				last := posts[1]
				if !strings.Contains(last.Body, "<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>"+carol) || last.Anchor != carol {
					t.Errorf("the account does not act as carol through impersonation: anchor %q, body %s", last.Anchor, last.Body)
				}
			},
		},
		{
			name: "service account, Basic", setup: fabrikamEWS(`Basic realm="ews.fabrikam.com"`),
			cred: signsIn(appCloud), opts: []outlook.Option{outlook.WithOnPremisesCredential(outlook.OnPremisesAccountBasic(svcUser, svcPass))},
			addr: carol, route: "on-premises, EWS (default for on-premises)", use: readsAutomaticReplies,
		},
		{
			name: "service account, NTLM, on a Basic-only server", setup: fabrikamEWS(`Basic realm="ews.fabrikam.com"`),
			cred: signsIn(appCloud), opts: []outlook.Option{outlook.WithOnPremisesCredential(account)}, addr: carol,
			errs: []error{outlook.ErrEWSUnavailable, errNot{outlook.ErrNoOnPremisesAPI}, errText("use OnPremisesAccountBasic")},
		},
		{
			name: "service account, on an OAuth-only server", setup: fabrikamEWS("Bearer"),
			cred: signsIn(appCloud), opts: []outlook.Option{outlook.WithOnPremisesCredential(account)}, addr: carol,
			errs: []error{outlook.ErrEWSUnavailable, errText("does not accept NTLM sign-in")},
		},
		{
			name: "delegated, server without modern authentication", setup: fabrikamEWS("Negotiate", "NTLM"),
			cred: signsIn(appCloud), addr: carol,
			errs: []error{outlook.ErrEWSUnavailable, errText("hybrid modern authentication")},
		},
		{
			name: "service account, REST chosen", setup: contoso(outlooktest.EWS | outlooktest.RESTv2),
			cred: outlook.ClientSecret("contoso.com", appID, secret),
			opts: []outlook.Option{outlook.WithOnPremisesCredential(account), outlook.WithOnPremisesAPI(outlook.RESTv2)}, addr: "bob@contoso.com",
			errs:  []error{outlook.ErrNoUsableCredential, errNot{outlook.ErrAppOnlyOnPremises}, errText("leave WithOnPremisesAPI out")},
			check: noRequestTo("mail.contoso.com"),
		},
		{
			name: "service account alone, cloud mailbox", setup: contoso(outlooktest.EWS | outlooktest.RESTv2),
			cred: account, addr: "alice@contoso.com",
			errs:  []error{outlook.ErrNoUsableCredential, errText("never sent to Microsoft")},
			check: noRequestTo("graph.microsoft.com"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			approve := tc.addr
			srv := outlooktest.NewServer(outlooktest.WithAutoApprove(approve))
			t.Cleanup(srv.Close)
			h := tc.setup(t, srv)
			c := newClient(t, srv, tc.cred, tc.opts...)
			mb, err := c.Mailbox(t.Context(), tc.addr)
			if tc.errs != nil {
				if err == nil {
					t.Fatalf("Mailbox(%s) = %v, want an error", tc.addr, mb.Route())
				}
				for _, want := range tc.errs {
					if !matches(err, want) {
						t.Errorf("error %q: want %v", err, want)
					}
				}
				servicetest.ReadsOnce(t, err, "outlook: mailbox "+tc.addr)
			} else {
				if err != nil {
					t.Fatalf("Mailbox(%s): %v", tc.addr, err)
				}
				if got := mb.Route().String(); got != tc.route {
					t.Errorf("route %q, want %q", got, tc.route)
				}
				tc.use(t, mb)
			}
			if tc.check != nil {
				tc.check(t, srv, h)
			}
			assertNoSecretLeaves(t, srv, h, err)
		})
	}
}

// errNot and errText are expectations on an error besides errors.Is.
type (
	errNot      struct{ error }
	errText     string
	errNotText  string
	expectation interface{ holds(error) bool }
)

func (e errNot) holds(err error) bool     { return !errors.Is(err, e.error) }
func (e errText) holds(err error) bool    { return strings.Contains(err.Error(), string(e)) }
func (e errNotText) holds(err error) bool { return !strings.Contains(err.Error(), string(e)) }
func (e errText) Error() string           { return "text " + string(e) }
func (e errNotText) Error() string        { return "no text " + string(e) }
func (e errNot) Error() string            { return "not " + e.error.Error() }

func matches(err, want error) bool {
	if x, ok := want.(expectation); ok {
		return x.holds(err)
	}
	return errors.Is(err, want)
}

// assertNoSecretLeaves checks that the service account's password, and
// the client secret, went nowhere but where they belong: not in any
// request to the fake's hosts or to the EWS host (NTLM never sends it;
// Basic sends it to the EWS host alone), and not in the error.
func assertNoSecretLeaves(t *testing.T, srv *outlooktest.Server, h *ewsHost, err error) {
	t.Helper()
	if err != nil && (strings.Contains(err.Error(), svcPass) || strings.Contains(err.Error(), secret)) {
		t.Errorf("error %q holds a secret", err)
	}
	basic := "Basic " + base64Encode(svcUser+":"+svcPass)
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path+"?"+r.RawQuery, svcPass) {
			t.Errorf("the password reached %s%s", r.Host, r.Path)
		}
	}
	if h == nil {
		return
	}
	for _, r := range h.requests() {
		if strings.Contains(r.Body, svcPass) || strings.Contains(r.Auth, svcPass) {
			t.Errorf("the password travelled in clear to the EWS host: %+v", r)
		}
		if r.Auth == basic && !h.offers("Basic") {
			t.Errorf("Basic credentials sent to a host that did not ask for them")
		}
	}
}

// recordingHost records what reaches a host that must see nothing.
type recordingHost struct {
	mu   sync.Mutex
	seen []string
}

func (h *recordingHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.seen = append(h.seen, r.Method+" "+r.URL.String()+" "+r.Header.Get("Authorization")+" "+string(b))
	h.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// The service account's password and NTLM messages reach the mailbox's EWS
// host alone: a redirect, to another host or within the same one, is not
// followed with them (EWS requests are POSTs: they follow no redirect), and
// no log record at any level holds them.
func TestAccountSecretsStayOnTheEWSHost(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cred    outlook.Credential
		schemes []string
	}{
		{"NTLM", outlook.OnPremisesAccount(svcUser, svcPass), []string{"NTLM", "Negotiate"}},
		{"Basic", outlook.OnPremisesAccountBasic(svcUser, svcPass), []string{`Basic realm="ews.fabrikam.com"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := outlooktest.NewServer()
			t.Cleanup(srv.Close)
			h := fabrikamEWS(tc.schemes...)(t, srv)
			evil := &recordingHost{}
			srv.AddHost("evil.example", evil)
			var buf bytes.Buffer
			var mu sync.Mutex
			logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := newClient(t, srv, outlook.ClientSecret(appCloud, appID, secret), outlook.WithOnPremisesCredential(tc.cred), outlook.WithLogger(logger))
			mb, err := c.Mailbox(t.Context(), carol)
			if err != nil {
				t.Fatal(err)
			}
			readsAutomaticReplies(t, mb)
			for _, to := range []string{"https://evil.example/EWS/Exchange.asmx", "https://" + ewsFab + "/EWS/Other.asmx"} {
				h.mu.Lock()
				h.redirect = to
				h.mu.Unlock()
				_, err = mb.Mail.GetAutomaticReplies(t.Context())
				var re *odata.RedirectError
				if !errors.As(err, &re) || strings.Contains(err.Error(), svcPass) {
					t.Errorf("redirected to %s: %v; want an *odata.RedirectError", to, err)
				}
			}
			for _, r := range h.requests() {
				if r.Path != "/EWS/Exchange.asmx" {
					t.Errorf("a redirect was followed to %s", r.Path)
				}
			}
			evil.mu.Lock()
			if len(evil.seen) > 0 {
				t.Errorf("evil.example received %q", evil.seen)
			}
			evil.mu.Unlock()
			mu.Lock()
			logged := buf.String()
			mu.Unlock()
			for _, secretText := range []string{svcPass, base64Encode(svcUser + ":" + svcPass), "TlRMTVNT", "Basic "} {
				if strings.Contains(logged, secretText) {
					t.Errorf("the log holds %q:\n%s", secretText, logged)
				}
			}
			if !strings.Contains(logged, ewsFab) {
				t.Errorf("the EWS requests were not logged at all:\n%s", logged)
			}
			assertNoSecretLeaves(t, srv, h, err)
		})
	}
}

// A mailbox served through EWS that moves to Exchange Online is found
// again when EWS answers ErrorNonExistentMailbox, and back again when Graph
// answers MailboxNotEnabledForRESTAPI; a move in progress is reported, with
// EWS's code, after one look.
func TestRelocationWithEWS(t *testing.T) {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove(carol))
	t.Cleanup(srv.Close)
	h := fabrikamEWS("Bearer", "NTLM")(t, srv)
	c := newClient(t, srv, signsIn(appCloud))
	ctx := t.Context()
	mb, err := c.Mailbox(ctx, carol)
	if err != nil {
		t.Fatal(err)
	}
	readsAutomaticReplies(t, mb)

	srv.Move(carol, outlooktest.Cloud)
	h.setGone(true)
	if _, err := mb.Mail.GetAutomaticReplies(ctx); err != nil {
		t.Fatalf("after the move to Exchange Online: %v", err)
	}
	if got := mb.Route().String(); got != "cloud, Microsoft Graph (the API of Exchange Online)" {
		t.Errorf("after the move: route %q", got)
	}

	srv.Move(carol, outlooktest.OnPremises(ewsFab))
	h.setGone(false)
	readsAutomaticReplies(t, mb)
	if got := mb.Route().String(); got != "on-premises, EWS (default for on-premises)" || mb.Endpoint().URL != "https://"+ewsFab+"/EWS/Exchange.asmx" {
		t.Errorf("after moving back: route %q, endpoint %+v", got, mb.Endpoint())
	}

	// A move under way: the mailbox is where it was, so the rediscovery
	// is futile and the server's answer is the caller's.
	h.mu.Lock()
	h.gone = false
	h.mu.Unlock()
	srv.ResetRequests()
	h.setMoving(true)
	for range 2 {
		_, err = mb.Mail.GetAutomaticReplies(ctx)
		var oe *odata.Error
		if !errors.As(err, &oe) || oe.Code != "ErrorMailboxMoveInProgress" {
			t.Fatalf("during a move: %v", err)
		}
	}
	discoveries := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Host, "autodiscover") {
			discoveries++
		}
	}
	if discoveries == 0 || discoveries > 3 {
		t.Errorf("%d Autodiscover requests for two calls during a move; want one rediscovery", discoveries)
	}
}

// exoSaysCloud makes Exchange Online's Autodiscover name every mailbox a
// cloud one, as it does for an on-premises mailbox it has a wrong (or an
// empty duplicate) cloud mailbox for; it counts what it is asked.
type exoSaysCloud struct {
	mu    sync.Mutex
	asked int
}

func (e *exoSaysCloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.asked++
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	io.WriteString(w, `{"Protocol":"EWS","Url":"https://outlook.office365.com/EWS/Exchange.asmx"}`)
}

func (e *exoSaysCloud) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.asked
}

// When Exchange Online names a cloud mailbox that Graph says is not there,
// the domain's own Autodiscover is asked, once, and the mailbox is served
// where it names; the answer is kept, so later lookups do not ask Exchange
// Online again until it expires.
func TestGraphSaysNotHere(t *testing.T) {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove(carol))
	t.Cleanup(srv.Close)
	fabrikamEWS("Bearer")(t, srv)
	exo := &exoSaysCloud{}
	srv.AddHost("autodiscover-s.outlook.com", exo)
	// One domain candidate: the fake's Close waits out connections the
	// losers of a race of candidates leave half-open.
	c := newClient(t, srv, signsIn(appCloud),
		outlook.WithAutodiscover(autodiscover.WithCandidates(autodiscover.CandidateExchangeOnline, autodiscover.CandidateAutodiscoverHost)))
	ctx := t.Context()
	mb, err := c.Mailbox(ctx, carol)
	if err != nil || mb.Location() != outlook.Cloud {
		t.Fatalf("Mailbox: %v, %v", mb, err)
	}
	readsAutomaticReplies(t, mb) // Graph: MailboxNotEnabledForRESTAPI; then the domain
	if got := mb.Route().String(); got != "on-premises, EWS (default for on-premises)" || mb.Endpoint().Source.Candidate == autodiscover.CandidateExchangeOnline {
		t.Errorf("route %q, found by %v", got, mb.Endpoint().Source.Candidate)
	}
	asked := exo.count()
	if again, err := c.Mailbox(ctx, carol); err != nil || again != mb || again.Location() != outlook.OnPremises {
		t.Errorf("Mailbox again: %v, %v", again, err)
	}
	if exo.count() != asked {
		t.Error("Exchange Online was asked again for a mailbox its domain located")
	}
}

// With the domain asked first (Outlook's ExcludeExplicitO365Endpoint), an
// organisation whose users have empty duplicates in Exchange Online reaches
// their real, on-premises mailboxes: Graph would serve the duplicate without
// an error to react to.
func TestDomainFirst(t *testing.T) {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove(carol))
	t.Cleanup(srv.Close)
	fabrikamEWS("Bearer")(t, srv)
	exo := &exoSaysCloud{}
	srv.AddHost("autodiscover-s.outlook.com", exo)
	c := newClient(t, srv, signsIn(appCloud), outlook.WithAutodiscover(autodiscover.WithDomainFirst(),
		autodiscover.WithCandidates(autodiscover.CandidateExchangeOnline, autodiscover.CandidateAutodiscoverHost)))
	mb, err := c.Mailbox(t.Context(), carol)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Location() != outlook.OnPremises || exo.count() != 0 {
		t.Errorf("route %v after %d questions to Exchange Online", mb.Route(), exo.count())
	}
	readsAutomaticReplies(t, mb)
}

// A server whose EWS goes away after the mailbox was routed there is
// probed again at the first 404 and reported for what it is, not guessed
// around.
func TestEWSDisappearsAfterDiscovery(t *testing.T) {
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	h := fabrikamEWS("NTLM")(t, srv)
	c := newClient(t, srv, outlook.OnPremisesAccount(svcUser, svcPass))
	mb, err := c.Mailbox(t.Context(), carol)
	if err != nil {
		t.Fatal(err)
	}
	readsAutomaticReplies(t, mb)
	h.mu.Lock()
	h.down = true
	h.mu.Unlock()
	_, err = mb.Mail.GetAutomaticReplies(t.Context())
	if !errors.Is(err, outlook.ErrEWSUnavailable) || !errors.Is(err, outlook.ErrNoOnPremisesAPI) {
		t.Errorf("err = %v, want ErrEWSUnavailable and ErrNoOnPremisesAPI", err)
	}
}

// A server too busy to answer the probe (503, 429) is asked again within
// the retry policy and not judged: its mailbox opens once it answers, and
// a failure while it stays busy is not remembered.
func TestBusyServerIsNotJudged(t *testing.T) {
	srv := hybrid(t)
	fast := outlook.WithRetry(outlook.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	srv.Inject(outlooktest.Fault{Host: "mail.contoso.com", Method: "GET", Path: "/EWS/", Status: 503, Times: 2})
	c := newClient(t, srv, bobSignsIn(), fast)
	mb, err := c.Mailbox(t.Context(), "bob@contoso.com")
	if err != nil {
		t.Fatalf("Mailbox after two busy answers: %v", err)
	}
	if _, err := mb.Mail.GetAutomaticReplies(t.Context()); err != nil {
		t.Fatal(err)
	}

	srv.Inject(outlooktest.Fault{Host: "mail.contoso.com", Method: "GET", Path: "/EWS/", Status: 429, Times: 1})
	c = newClient(t, srv, bobSignsIn(), outlook.WithRetry(outlook.RetryPolicy{MaxAttempts: 1}))
	if _, err := c.Mailbox(t.Context(), "bob@contoso.com"); err == nil || errors.Is(err, outlook.ErrEWSUnavailable) {
		t.Errorf("a busy server without retries: %v; want a failure that does not judge the server", err)
	}
	if _, err := c.Mailbox(t.Context(), "bob@contoso.com"); err != nil {
		t.Errorf("once the server answers: %v", err)
	}
}

// The client's retry policy is Autodiscover's too: a throttled Autodiscover
// answer is asked again under it at once, and with MaxAttempts 1 the
// discovery moves on to the domain's own candidates instead.
func TestClientRetryPolicyReachesAutodiscover(t *testing.T) {
	for _, tc := range []struct {
		attempts  int
		wantRetry bool
	}{{0, true}, {1, false}} {
		srv := hybrid(t)
		srv.Inject(outlooktest.Fault{Host: "autodiscover-s.outlook.com", Status: 503, Times: 1})
		c := newClient(t, srv, bobSignsIn(), outlook.WithRetry(outlook.RetryPolicy{MaxAttempts: tc.attempts,
			MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
		if _, err := c.Mailbox(t.Context(), "alice@contoso.com"); err != nil {
			t.Fatal(err)
		}
		reqs := srv.Requests()
		retried := len(reqs) > 1 && reqs[0].Status == 503 && reqs[1].Host == "autodiscover-s.outlook.com"
		if retried != tc.wantRetry {
			t.Errorf("MaxAttempts %d: the 503 retried at once = %v, want %v", tc.attempts, retried, tc.wantRetry)
		}
	}
}
