package outlook_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
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

// headerLog records the headers of the REST requests, those carrying a
// token (not the anonymous probe of an on-premises server's challenge).
type headerLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	sent []http.Header
}

func (h *headerLog) RoundTrip(r *http.Request) (*http.Response, error) {
	if len(r.Header.Get("Authorization")) > len("Bearer ") {
		h.mu.Lock()
		h.sent = append(h.sent, r.Header.Clone())
		h.mu.Unlock()
	}
	return h.next.RoundTrip(r)
}

func (h *headerLog) values(name string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, hd := range h.sent {
		out = append(out, strings.Join(hd.Values(name), "; "))
	}
	return out
}

// recordingClient is srv's HTTP client with the headers of REST requests
// recorded.
func recordingClient(srv *outlooktest.Server) (*http.Client, *headerLog) {
	hc := srv.Client()
	log := &headerLog{next: hc.Transport}
	hc.Transport = log
	return hc, log
}

// readInboxes opens both mailboxes of the hybrid tenant and reads their
// inboxes.
func readInboxes(t *testing.T, c *outlook.Client) {
	t.Helper()
	for _, addr := range []string{"alice@contoso.com", "bob@contoso.com"} {
		mb, err := c.Mailbox(t.Context(), addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := inboxSubjects(t.Context(), mb); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWithUserAgent(t *testing.T) {
	for _, tc := range []struct {
		opts []outlook.Option
		want func(string) bool
	}{
		{nil, func(ua string) bool { return strings.HasPrefix(ua, "exchangekit-outlook/") }},
		{[]outlook.Option{outlook.WithUserAgent("acme-sync/2.1")}, func(ua string) bool { return ua == "acme-sync/2.1" }},
	} {
		srv := hybrid(t)
		hc, log := recordingClient(srv)
		c := hybridClient(t, srv, outlook.EWS, append(tc.opts, outlook.WithHTTPClient(hc))...)
		readInboxes(t, c)
		uas := log.values("User-Agent")
		if len(uas) == 0 || slices.ContainsFunc(uas, func(ua string) bool { return !tc.want(ua) }) {
			t.Errorf("options %d: User-Agents sent to the REST hosts: %q", len(tc.opts), uas)
		}
	}
}

func TestWithPrefer(t *testing.T) {
	srv := hybrid(t)
	hc, log := recordingClient(srv)
	// Prefer is an HTTP header of the OData APIs; EWS says the same in SOAP.
	c := hybridClient(t, srv, outlook.RESTv2, outlook.WithHTTPClient(hc),
		outlook.WithPrefer(odata.Prefer{TimeZone: "Pacific Standard Time", BodyType: odata.BodyTypeText}))
	readInboxes(t, c)
	prefs := log.values("Prefer")
	if len(prefs) == 0 {
		t.Fatal("no REST request")
	}
	for _, p := range prefs {
		if !strings.Contains(p, `outlook.timezone="Pacific Standard Time"`) || !strings.Contains(p, `outlook.body-content-type="text"`) {
			t.Errorf("Prefer %q lacks the client's defaults", p)
		}
	}
}

func TestWithLogger(t *testing.T) {
	srv := hybrid(t)
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := hybridClient(t, srv, outlook.EWS, outlook.WithLogger(logger))
	readInboxes(t, c)
	mu.Lock()
	logged := buf.String()
	mu.Unlock()
	// Discovery and the REST requests both log through it.
	for _, want := range []string{"autodiscover: resolved", "mailbox=bob@contoso.com", "graph.microsoft.com", "mail.contoso.com"} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %q:\n%s", want, logged)
		}
	}
	if strings.Contains(logged, secret) || strings.Contains(strings.ToLower(logged), "authorization: bearer") {
		t.Errorf("the log holds a credential:\n%s", logged)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// fakeClock is a clock a test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// WithAutodiscover's options reach the resolver (a one-hour TTL here), but
// its HTTP client and clock stay the client's own: a plain HTTP client
// given there could not reach the fake, and a real clock would not see the
// hour pass.
func TestWithAutodiscoverAndClock(t *testing.T) {
	srv := hybrid(t)
	clock := &fakeClock{now: time.Now()}
	c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret), outlook.WithClock(clock.Now),
		outlook.WithAutodiscover(autodiscover.WithTTL(time.Hour), autodiscover.WithHTTPClient(&http.Client{}), autodiscover.WithClock(time.Now)))
	discoveries := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Host == "autodiscover-s.outlook.com" {
				n++
			}
		}
		return n
	}
	for _, step := range []struct {
		advance time.Duration
		want    int
	}{{0, 1}, {30 * time.Minute, 1}, {31 * time.Minute, 2}} {
		clock.Advance(step.advance)
		if _, err := c.Mailbox(t.Context(), "alice@contoso.com"); err != nil {
			t.Fatal(err)
		}
		if n := discoveries(); n != step.want {
			t.Errorf("after %v more: %d Autodiscover requests, want %d", step.advance, n, step.want)
		}
	}
	if _, err := outlook.NewClient(outlook.StaticToken("x"), outlook.WithAutodiscover(autodiscover.WithTTL(-time.Second))); err == nil ||
		!strings.HasPrefix(err.Error(), "outlook: WithAutodiscover: autodiscover: WithTTL: ") {
		t.Errorf("bad resolver option: %v", err)
	}
}

// WithClock also judges token expiry: a token is fetched again once the
// client's clock says it is within five minutes of expiring. (MSAL-backed
// credentials then ask MSAL, whose own cache keeps real time.)
func TestWithClockTokenExpiry(t *testing.T) {
	srv := hybrid(t)
	clock := &fakeClock{now: time.Now()}
	var mu sync.Mutex
	fetched := 0
	cred := outlook.FromTokenSource(func(resource string) oauth2.TokenSource {
		return tokenSourceFunc(func() (*oauth2.Token, error) {
			mu.Lock()
			fetched++
			mu.Unlock()
			return tokenFromIssuer{srv: srv, resource: resource}.Token() // valid for an hour of real time
		})
	})
	c := newClient(t, srv, cred, outlook.WithClock(clock.Now))
	mb, err := c.Mailbox(t.Context(), "alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		advance time.Duration
		want    int
	}{{0, 1}, {50 * time.Minute, 1}, {6 * time.Minute, 2}} {
		clock.Advance(step.advance)
		if _, err := inboxSubjects(t.Context(), mb); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		n := fetched
		mu.Unlock()
		if n != step.want {
			t.Errorf("after %v more: %d tokens fetched, want %d", step.advance, n, step.want)
		}
	}
}

type tokenSourceFunc func() (*oauth2.Token, error)

func (f tokenSourceFunc) Token() (*oauth2.Token, error) { return f() }

// A token the service refuses (401) is dropped and fetched again, once,
// and the call goes through with the new one: from MSAL's cache in memory
// or from a TokenCache, which must not hand the refused token back.
func TestTokenRefetchedAfter401(t *testing.T) {
	for name, opts := range map[string][]outlook.Option{
		"memory":      nil,
		"token cache": {outlook.WithTokenCache(&outlook.FileTokenCache{Path: filepath.Join(t.TempDir(), "tokens.json")})},
	} {
		t.Run(name, func(t *testing.T) {
			srv := hybrid(t)
			c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret), opts...)
			mb, err := c.Mailbox(t.Context(), "alice@contoso.com")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := inboxSubjects(t.Context(), mb); err != nil {
				t.Fatal(err)
			}
			key := outlooktest.TokenKey{ClientID: appID, Resource: "https://graph.microsoft.com"}
			srv.Inject(outlooktest.Fault{Host: "graph.microsoft.com", Path: "/users/*/mailFolders/*/messages", Status: 401,
				Code: "InvalidAuthenticationToken", Times: 1})
			got, err := inboxSubjects(t.Context(), mb)
			if err != nil || !slices.Equal(got, []string{"Hello from the cloud"}) {
				t.Fatalf("after a 401: %q, %v", got, err)
			}
			if n := srv.TokenRequests()[key]; n != 2 {
				t.Errorf("%d token requests, want 2 (the refused token dropped once)", n)
			}
			// A token refused again and again is not fetched in a loop.
			srv.Inject(outlooktest.Fault{Host: "graph.microsoft.com", Path: "/users/*/mailFolders/*/messages", Status: 401, Code: "InvalidAuthenticationToken"})
			if _, err := inboxSubjects(t.Context(), mb); !errors.Is(err, odata.ErrUnauthorized) {
				t.Errorf("a token always refused: %v, want ErrUnauthorized", err)
			}
			if n := srv.TokenRequests()[key]; n > 3 {
				t.Errorf("%d token requests after a token refused for good", n)
			}
		})
	}
}

// MailboxAt opens a mailbox at an endpoint stored earlier, without asking
// Autodiscover; a malformed endpoint, or one whose token would go to another
// host, is refused.
func TestMailboxAt(t *testing.T) {
	srv := hybrid(t)
	r, err := autodiscover.New(autodiscover.WithHTTPClient(srv.Client()), autodiscover.WithOnPremisesAPI(autodiscover.APIOutlookV2))
	if err != nil {
		t.Fatal(err)
	}
	ep, err := r.Resolve(t.Context(), "bob@contoso.com") // stored by the caller
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	c := hybridClient(t, srv, outlook.EWS) // the endpoint's API wins
	mb, err := c.MailboxAt(t.Context(), ep)
	if err != nil {
		t.Fatal(err)
	}
	got, err := inboxSubjects(t.Context(), mb)
	if err != nil || !slices.Equal(got, []string{"Hello from on-premises"}) || mb.Route().String() != "on-premises, REST v2.0 (given to MailboxAt)" {
		t.Fatalf("inbox %q, %v, route %v", got, err, mb.Route())
	}
	for _, req := range srv.Requests() {
		if strings.HasPrefix(req.Host, "autodiscover") {
			t.Errorf("MailboxAt asked Autodiscover: %s %s", req.Host, req.Path)
		}
	}
	// Client.Mailbox routes bob as the client does, through EWS, on the
	// same handle.
	if again, err := c.Mailbox(t.Context(), "bob@contoso.com"); err != nil || again != mb || again.Route().String() != "on-premises, EWS (chosen by WithOnPremisesAPI)" {
		t.Errorf("Mailbox after MailboxAt = %p (%v), %v; want the same handle %p, on EWS", again, again.Route(), err, mb)
	}
	for name, bad := range map[string]func(*autodiscover.Endpoint){
		"no URL":          func(e *autodiscover.Endpoint) { e.URL = "" },
		"no mailbox":      func(e *autodiscover.Endpoint) { e.Mailbox = "" },
		"no API":          func(e *autodiscover.Endpoint) { e.API = 0 },
		"http":            func(e *autodiscover.Endpoint) { e.URL = "http://mail.contoso.com/api/v2.0" },
		"foreign token":   func(e *autodiscover.Endpoint) { e.Resource = "https://evil.example" },
		"foreign service": func(e *autodiscover.Endpoint) { e.URL = "https://evil.example/api/v2.0" },
		"EWS of Exchange Online": func(e *autodiscover.Endpoint) {
			e.URL, e.Resource, e.API = "https://outlook.office365.com/EWS/Exchange.asmx", "https://outlook.office365.com", autodiscover.APIEWS
		},
		"REST v2.0 in the cloud": func(e *autodiscover.Endpoint) { e.Location = autodiscover.LocationExchangeOnline },
		"unknown API":            func(e *autodiscover.Endpoint) { e.API = 9 },
	} {
		e := ep
		e.Mailbox = "carol@contoso.com"
		bad(&e)
		_, err := c.MailboxAt(t.Context(), e)
		if err == nil || !strings.HasPrefix(err.Error(), "outlook: ") {
			t.Errorf("%s: MailboxAt = %v, want a refusal", name, err)
		}
	}
	// An endpoint stored without its location takes the one its API says.
	ews := autodiscover.Endpoint{Mailbox: "Bob@Contoso.com", URL: "https://mail.contoso.com/EWS/Exchange.asmx",
		API: autodiscover.APIEWS, Resource: "https://mail.contoso.com"}
	if mb, err := c.MailboxAt(t.Context(), ews); err != nil || mb.Route().String() != "on-premises, EWS (given to MailboxAt)" {
		t.Errorf("EWS endpoint without a location: %v, %v", mb, err)
	}
}
