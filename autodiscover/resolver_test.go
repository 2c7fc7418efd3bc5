package autodiscover

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const exo = "autodiscover-s.outlook.com"

func TestResolveCloudMailbox(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	n.handle(exo, answer("https://outlook.office365.com/EWS/Exchange.asmx"))
	r := newTestResolver(t, n)

	got, err := r.Resolve(t.Context(), "Alice@Contoso.com")
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	want := Endpoint{
		Mailbox:  "alice@contoso.com",
		URL:      "https://graph.microsoft.com/v1.0",
		API:      APIGraph,
		Resource: "https://graph.microsoft.com",
		Location: LocationExchangeOnline,
		Source: Source{
			Candidate: CandidateExchangeOnline,
			URL:       "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=EWS",
		},
	}
	if got != want {
		t.Errorf("Resolve(Alice@Contoso.com) =\n%+v\nwant\n%+v", got, want)
	}
	reqs := n.requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d (%v), want 1", len(reqs), reqs)
	}
	if a := reqs[0].Header.Get("Authorization"); a != "" || len(reqs[0].Header.Values("Authorization")) != 0 {
		t.Errorf("Authorization header sent: %q", a)
	}
	if acc := reqs[0].Header.Get("Accept"); acc != "application/json" {
		t.Errorf("Accept = %q, want application/json", acc)
	}
}

func TestResolveCloudV2URLNeverReturned(t *testing.T) {
	t.Parallel()
	// Whatever Microsoft host and path the answer names, a cloud mailbox goes to Graph.
	for _, u := range []string{
		"https://outlook.office.com/EWS/Exchange.asmx",
		"https://outlook.office365.com/api",
		"https://OUTLOOK.OFFICE365.COM:443/api/",
		"https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml",
	} {
		t.Run(u, func(t *testing.T) {
			t.Parallel()
			n := newFakeNet(t)
			n.handle(exo, answer(u))
			ep, err := newTestResolver(t, n).Resolve(t.Context(), "alice@contoso.com")
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if ep.URL != "https://graph.microsoft.com/v1.0" || ep.API != APIGraph || ep.Location != LocationExchangeOnline {
				t.Errorf("answer %s gave %+v, want Graph", u, ep)
			}
		})
	}
}

func TestResolveHybridThroughRedirect(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	n.handle(exo, redirect("https://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol=EWS&RedirectCount=2"))
	n.handle("autodiscover.contoso.com", func(w http.ResponseWriter, r *http.Request) {
		if got := mailboxOf(r); got != "bob@contoso.com" {
			t.Errorf("on-prem asked about %q", got)
		}
		answer("https://mail.contoso.com/EWS/Exchange.asmx")(w, r)
	})
	ep, err := newTestResolver(t, n).Resolve(t.Context(), "bob@contoso.com")
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	want := Endpoint{
		Mailbox:  "bob@contoso.com",
		URL:      "https://mail.contoso.com/EWS/Exchange.asmx",
		API:      APIEWS,
		Resource: "https://mail.contoso.com",
		Location: LocationOnPremises,
		EWSURL:   "https://mail.contoso.com/EWS/Exchange.asmx",
		Source: Source{
			Candidate: CandidateExchangeOnline,
			URL:       "https://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol=EWS&RedirectCount=2",
			Redirects: 1,
		},
	}
	if ep != want {
		t.Errorf("Resolve = \n%+v\nwant\n%+v", ep, want)
	}
	for _, l := range n.requests() {
		if len(l.Header.Values("Authorization")) != 0 || len(l.Header.Values("Cookie")) != 0 {
			t.Errorf("request to %s carried credentials: %v", l.Host, l.Header)
		}
	}
}

func TestOnPremURLForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		api           API
		answer        string
		url, resource string
	}{
		{APIEWS, "https://mail.contoso.com/EWS/Exchange.asmx", "https://mail.contoso.com/EWS/Exchange.asmx", "https://mail.contoso.com"},
		{APIEWS, "https://Mail.Contoso.com:443/EWS/Exchange.asmx", "https://mail.contoso.com/EWS/Exchange.asmx", "https://mail.contoso.com"},
		{APIEWS, "https://mail.contoso.com:8443/ews/exchange.asmx/", "https://mail.contoso.com:8443/ews/exchange.asmx", "https://mail.contoso.com:8443"},
		{APIEWS, "https://mail.contoso.com/EWS/Exchange.asmx?x=1#f", "https://mail.contoso.com/EWS/Exchange.asmx", "https://mail.contoso.com"},
		{APIOutlookV2, "https://mail.contoso.com/api", "https://mail.contoso.com/api/v2.0", "https://mail.contoso.com"},
		{APIOutlookV2, "https://mail.contoso.com/api/", "https://mail.contoso.com/api/v2.0", "https://mail.contoso.com"},
		{APIOutlookV2, "https://mail.contoso.com/api/v2.0", "https://mail.contoso.com/api/v2.0", "https://mail.contoso.com"},
		{APIOutlookV2, "https://Mail.Contoso.com:443/api", "https://mail.contoso.com/api/v2.0", "https://mail.contoso.com"},
		{APIOutlookV2, "https://mail.contoso.com:8443/api", "https://mail.contoso.com:8443/api/v2.0", "https://mail.contoso.com:8443"},
		{APIOutlookV2, "https://mail.contoso.com/api?x=1#f", "https://mail.contoso.com/api/v2.0", "https://mail.contoso.com"},
	}
	for _, tt := range tests {
		t.Run(tt.api.String()+" "+tt.answer, func(t *testing.T) {
			t.Parallel()
			n := newFakeNet(t)
			n.handle(exo, status(404))
			n.handle("contoso.com", answerEach(map[string]string{"ews": tt.answer, "rest": tt.answer}))
			ep, err := newTestResolver(t, n, WithOnPremisesAPI(tt.api)).Resolve(t.Context(), "bob@contoso.com")
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if ep.URL != tt.url || ep.Resource != tt.resource || ep.API != tt.api {
				t.Errorf("answer %s: URL %q resource %q api %v; want %q %q %v", tt.answer, ep.URL, ep.Resource, ep.API, tt.url, tt.resource, tt.api)
			}
		})
	}
}

func TestResolveDomainCandidates(t *testing.T) {
	t.Parallel()
	const onprem = "https://mail.fabrikam.com/EWS/Exchange.asmx"
	tests := []struct {
		name      string
		setup     func(n *fakeNet)
		srv       func(context.Context, string, string, string) (string, []*net.SRV, error)
		candidate Candidate
		source    string
	}{
		{
			name: "domain itself",
			setup: func(n *fakeNet) {
				n.handle("fabrikam.com", answer(onprem))
			},
			candidate: CandidateDomain,
			source:    "https://fabrikam.com/autodiscover/autodiscover.json/v1.0/pat@fabrikam.com?Protocol=EWS",
		},
		{
			name: "autodiscover host",
			setup: func(n *fakeNet) {
				n.handle("fabrikam.com", status(404))
				n.handle("autodiscover.fabrikam.com", answer(onprem))
			},
			candidate: CandidateAutodiscoverHost,
			source:    "https://autodiscover.fabrikam.com/autodiscover/autodiscover.json/v1.0/pat@fabrikam.com?Protocol=EWS",
		},
		{
			name: "query form when the path form is unknown",
			setup: func(n *fakeNet) {
				n.handle("autodiscover.fabrikam.com", func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Query().Get("Email") == "" {
						http.NotFound(w, r)
						return
					}
					answer(onprem)(w, r)
				})
			},
			candidate: CandidateAutodiscoverHost,
			source:    "https://autodiscover.fabrikam.com/autodiscover/autodiscover.json?Email=pat%40fabrikam.com&Protocol=EWS&RedirectCount=1",
		},
		{
			name: "plain-http redirect probe",
			setup: func(n *fakeNet) {
				n.handlePlain("autodiscover.fabrikam.com", redirect("https://mail.fabrikam.com/autodiscover/autodiscover.xml"))
				n.handle("mail.fabrikam.com", answer(onprem))
			},
			candidate: CandidateHTTPRedirect,
			source:    "https://mail.fabrikam.com/autodiscover/autodiscover.json/v1.0/pat@fabrikam.com?Protocol=EWS",
		},
		{
			name: "plain-http redirect to a v2 URL",
			setup: func(n *fakeNet) {
				n.handlePlain("autodiscover.fabrikam.com", redirect("https://mail.fabrikam.com/autodiscover/autodiscover.json?Email=pat%40fabrikam.com&Protocol=EWS"))
				n.handle("mail.fabrikam.com", answer(onprem))
			},
			candidate: CandidateHTTPRedirect,
			source:    "https://mail.fabrikam.com/autodiscover/autodiscover.json?Email=pat%40fabrikam.com&Protocol=EWS",
		},
		{
			name: "SRV record",
			setup: func(n *fakeNet) {
				n.handle("ad.fabrikam.com", status(500)) // better priority, broken
				n.handle("mail.fabrikam.com", answer(onprem))
			},
			srv: func(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
				if service != "autodiscover" || proto != "tcp" || name != "fabrikam.com" {
					return "", nil, fmt.Errorf("unexpected SRV lookup %s %s %s", service, proto, name)
				}
				return "_autodiscover._tcp.fabrikam.com.", []*net.SRV{
					{Target: "mail.fabrikam.com.", Port: 443, Priority: 10, Weight: 5},
					{Target: "ignored.fabrikam.com.", Port: 8080, Priority: 0},
					{Target: "ad.fabrikam.com.", Port: 443, Priority: 1},
				}, nil
			},
			candidate: CandidateSRV,
			source:    "https://mail.fabrikam.com/autodiscover/autodiscover.json/v1.0/pat@fabrikam.com?Protocol=EWS",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := newFakeNet(t)
			// Exchange Online does not know the address: it redirects to itself, then loops.
			n.handle(exo, redirect("https://autodiscover-s.outlook.com/autodiscover/autodiscover.json?Email=pat%40fabrikam.com&Protocol=EWS&RedirectCount=1"))
			tt.setup(n)
			var opts []Option
			if tt.srv != nil {
				opts = append(opts, WithSRVResolver(tt.srv))
			}
			ep, err := newTestResolver(t, n, opts...).Resolve(t.Context(), "pat@fabrikam.com")
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if ep.URL != "https://mail.fabrikam.com/EWS/Exchange.asmx" || ep.Location != LocationOnPremises {
				t.Errorf("endpoint = %+v, want the on-prem one", ep)
			}
			if ep.Source.Candidate != tt.candidate || ep.Source.URL != tt.source {
				t.Errorf("source = %v %s, want %v %s", ep.Source.Candidate, ep.Source.URL, tt.candidate, tt.source)
			}
			for _, l := range n.requests() {
				if l.Scheme == "http" && l.URI != "/autodiscover/autodiscover.xml" {
					t.Errorf("plain-http request other than the probe: %s %s", l.Host, l.URI)
				}
			}
		})
	}
}

func TestPriorityOrderWinsOverSpeed(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	n.handle(exo, status(404))
	n.handle("fabrikam.com", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond) // slower, but first in priority
		answer("https://slow.fabrikam.com/EWS/Exchange.asmx")(w, r)
	})
	n.handle("autodiscover.fabrikam.com", answer("https://fast.fabrikam.com/EWS/Exchange.asmx"))
	ep, err := newTestResolver(t, n).Resolve(t.Context(), "pat@fabrikam.com")
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if ep.URL != "https://slow.fabrikam.com/EWS/Exchange.asmx" {
		t.Errorf("URL = %s, want the domain candidate's answer (higher priority)", ep.URL)
	}
	// Asked one after the other, the domain's answer would have ended the
	// search before autodiscover.fabrikam.com was asked at all.
	if n.count("autodiscover.fabrikam.com") == 0 {
		t.Errorf("lower-priority candidate was not asked in parallel")
	}
}

func TestResolveHostile(t *testing.T) {
	t.Parallel()
	const addr = "eve@contoso.com"
	chain := func(n *fakeNet, hops int) {
		// hop i redirects to hop i+1 on the same host; the last answers.
		n.handle("autodiscover.contoso.com", func(w http.ResponseWriter, r *http.Request) {
			i := 0
			fmt.Sscanf(r.URL.Query().Get("hop"), "%d", &i)
			if i == hops {
				answer("https://mail.contoso.com/EWS/Exchange.asmx")(w, r)
				return
			}
			redirect(fmt.Sprintf("/autodiscover/autodiscover.json?Email=eve%%40contoso.com&Protocol=EWS&hop=%d", i+1))(w, r)
		})
		n.handle(exo, redirect("https://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=eve%40contoso.com&Protocol=EWS&hop=1"))
	}
	tests := []struct {
		name    string
		setup   func(n *fakeNet)
		opts    []Option
		ctx     func(context.Context) (context.Context, context.CancelFunc)
		wantURL string  // success
		wantIs  []error // failure
		wantNot []error
		wantIn  string // in the error text
	}{
		{
			name: "redirect to plain http",
			setup: func(n *fakeNet) {
				n.handle(exo, redirect("http://autodiscover.contoso.com/autodiscover/autodiscover.json"))
			},
			wantIs: []error{ErrNoEndpoint, ErrRefused},
			wantIn: "is not https",
		},
		{
			name: "redirect to a foreign host",
			setup: func(n *fakeNet) {
				n.handle(exo, redirect("https://autodiscover.evil.example/autodiscover/autodiscover.json"))
			},
			wantIs: []error{ErrNoEndpoint, ErrRefused},
			wantIn: "host autodiscover.evil.example is neither Microsoft's nor in contoso.com",
		},
		{
			name:   "look-alike domain suffix",
			setup:  func(n *fakeNet) { n.handle(exo, redirect("https://autodiscover.evilcontoso.com/x")) },
			wantIs: []error{ErrRefused},
			wantIn: "host autodiscover.evilcontoso.com is neither",
		},
		{
			name:   "redirect to another cloud",
			setup:  func(n *fakeNet) { n.handle(exo, redirect("https://autodiscover-s.office365.us/x")) },
			wantIs: []error{ErrRefused},
			wantIn: "host autodiscover-s.office365.us belongs to the usgov-l4 cloud, not global (select it with WithCloud)",
		},
		{
			name:   "endpoint on a foreign host",
			setup:  func(n *fakeNet) { n.handle(exo, answer("https://mail.evil.example/EWS/Exchange.asmx")) },
			wantIs: []error{ErrNoEndpoint, ErrRefused},
			wantIn: "host mail.evil.example",
		},
		{
			name:   "endpoint over http",
			setup:  func(n *fakeNet) { n.handle(exo, answer("http://mail.contoso.com/api")) },
			wantIs: []error{ErrRefused},
			wantIn: "is not https",
		},
		{
			name:   "credentials in the redirect",
			setup:  func(n *fakeNet) { n.handle(exo, redirect("https://user:pw@autodiscover.contoso.com/x")) },
			wantIs: []error{ErrRefused},
			wantIn: "carries credentials",
		},
		{
			name: "foreign host allowed by the caller",
			setup: func(n *fakeNet) {
				n.handle(exo, redirect("https://ad.hoster.example/autodiscover/autodiscover.json?Email=eve%40contoso.com&Protocol=EWS"))
				n.handle("ad.hoster.example", answer("https://mail.hoster.example/EWS/Exchange.asmx"))
			},
			opts:    []Option{WithAllowedHosts("AD.Hoster.example", "mail.hoster.example")},
			wantURL: "https://mail.hoster.example/EWS/Exchange.asmx",
		},
		{
			name: "foreign host approved by the hook",
			setup: func(n *fakeNet) {
				n.handle(exo, redirect("https://ad.hoster.example/autodiscover/autodiscover.json?Email=eve%40contoso.com&Protocol=EWS"))
				n.handle("ad.hoster.example", answer("https://mail.hoster.example/EWS/Exchange.asmx"))
			},
			opts: []Option{WithApprove(func(_ context.Context, smtp string, u *url.URL) bool {
				return smtp == addr && strings.HasSuffix(u.Hostname(), ".hoster.example")
			})},
			wantURL: "https://mail.hoster.example/EWS/Exchange.asmx",
		},
		{
			name: "foreign host rejected by the hook",
			setup: func(n *fakeNet) {
				n.handle(exo, redirect("https://ad.hoster.example/x"))
			},
			opts:   []Option{WithApprove(func(context.Context, string, *url.URL) bool { return false })},
			wantIs: []error{ErrRefused},
			wantIn: "host ad.hoster.example was not approved",
		},
		{
			name: "redirect loop",
			setup: func(n *fakeNet) {
				n.handle(exo, redirect("https://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=eve%40contoso.com&Protocol=EWS&RedirectCount=2"))
				n.handle("autodiscover.contoso.com", func(w http.ResponseWriter, r *http.Request) {
					// Bumps RedirectCount each time: the same place all the same.
					c := 0
					fmt.Sscanf(r.URL.Query().Get("RedirectCount"), "%d", &c)
					redirect(fmt.Sprintf("https://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=eve%%40contoso.com&Protocol=EWS&RedirectCount=%d", c+1))(w, r)
				})
			},
			wantIs:  []error{ErrNoEndpoint},
			wantNot: []error{ErrRefused, ErrTimeout},
			wantIn:  "redirect loop",
		},
		{
			name:    "10 redirects are followed",
			setup:   func(n *fakeNet) { chain(n, 10) },
			wantURL: "https://mail.contoso.com/EWS/Exchange.asmx",
		},
		{
			name:   "11 redirects are not",
			setup:  func(n *fakeNet) { chain(n, 11) },
			wantIs: []error{ErrNoEndpoint, ErrRefused},
			wantIn: "more than 10 redirects",
		},
		{
			name: "huge body",
			setup: func(n *fakeNet) {
				n.handle(exo, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Write([]byte(`{"Protocol":"EWS","Url":"https://outlook.office365.com/EWS/Exchange.asmx","Pad":"`))
					chunk := []byte(strings.Repeat("x", 1<<20))
					for range 64 { // 64 MiB if anyone read it all
						if _, err := w.Write(chunk); err != nil {
							return
						}
					}
				})
			},
			wantIs: []error{ErrNoEndpoint},
			wantIn: "body larger than 65536 bytes",
		},
		{
			name: "garbage JSON",
			setup: func(n *fakeNet) {
				n.handle(exo, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Write([]byte(`{"Protocol":"Rest","Url":`))
				})
			},
			wantIs: []error{ErrNoEndpoint},
			wantIn: "malformed response",
		},
		{
			name: "wrong content type",
			setup: func(n *fakeNet) {
				n.handle(exo, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html")
					w.Write([]byte(`{"Protocol":"EWS","Url":"https://outlook.office365.com/EWS/Exchange.asmx"}`))
				})
			},
			wantIs: []error{ErrNoEndpoint},
			wantIn: `content type "text/html"`,
		},
		{
			name: "slow candidate and a context deadline",
			setup: func(n *fakeNet) {
				n.handle(exo, stall)
			},
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, 200*time.Millisecond)
			},
			wantIs: []error{ErrNoEndpoint, ErrTimeout, context.DeadlineExceeded},
		},
		{
			name: "slow candidate and the request timeout",
			setup: func(n *fakeNet) {
				n.handle(exo, stall)
				n.handle("contoso.com", answer("https://mail.contoso.com/EWS/Exchange.asmx"))
			},
			opts:    []Option{WithRequestTimeout(200 * time.Millisecond)},
			wantURL: "https://mail.contoso.com/EWS/Exchange.asmx", // the next candidate answers
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := newFakeNet(t)
			tt.setup(n)
			ctx, cancel := t.Context(), context.CancelFunc(func() {})
			if tt.ctx != nil {
				ctx, cancel = tt.ctx(ctx)
			}
			defer cancel()
			start := time.Now()
			ep, err := newTestResolver(t, n, tt.opts...).Resolve(ctx, addr)
			if tt.wantURL != "" {
				if err != nil || ep.URL != tt.wantURL {
					t.Fatalf("Resolve = %+v, %v; want URL %s", ep, err, tt.wantURL)
				}
				return
			}
			if err == nil {
				t.Fatalf("Resolve = %+v, want an error", ep)
			}
			for _, target := range tt.wantIs {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = false; err = %v", target, err)
				}
			}
			for _, target := range tt.wantNot {
				if errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = true; err = %v", target, err)
				}
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not contain %q", err, tt.wantIn)
			}
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Errorf("error is %T, want *Error", err)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("took %v: a deadline or timeout was not honoured", el)
			}
		})
	}
}

func TestErrorListsEveryAttempt(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	n.handle(exo, redirect("https://autodiscover.evil.example/x"))
	n.handle("contoso.com", status(500))
	n.handle("autodiscover.contoso.com", status(404))
	n.handlePlain("autodiscover.contoso.com", status(404))
	_, err := newTestResolver(t, n).Resolve(t.Context(), "joe@contoso.com")
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("Resolve error = %v (%T), want *Error", err, err)
	}
	type row struct {
		c       Candidate
		url     string
		status  int
		refused bool
	}
	want := []row{
		{CandidateExchangeOnline, "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/joe@contoso.com?Protocol=EWS", 302, false},
		{CandidateExchangeOnline, "https://autodiscover.evil.example/x", 0, true},
		{CandidateDomain, "https://contoso.com/autodiscover/autodiscover.json/v1.0/joe@contoso.com?Protocol=EWS", 500, false},
		{CandidateAutodiscoverHost, "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/joe@contoso.com?Protocol=EWS", 404, false},
		{CandidateAutodiscoverHost, "https://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=joe%40contoso.com&Protocol=EWS&RedirectCount=1", 404, false},
		{CandidateHTTPRedirect, "http://autodiscover.contoso.com/autodiscover/autodiscover.xml", 404, false},
		{CandidateSRV, "dns:_autodiscover._tcp.contoso.com", 0, false},
	}
	if len(e.Attempts) != len(want) {
		t.Fatalf("attempts:\n%s\nwant %d", attemptsText(e.Attempts), len(want))
	}
	for i, w := range want {
		a := e.Attempts[i]
		if a.Candidate != w.c || a.URL != w.url || a.Status != w.status || a.Refused != w.refused {
			t.Errorf("attempt %d = %v %s %d refused=%v, want %v %s %d refused=%v", i, a.Candidate, a.URL, a.Status, a.Refused, w.c, w.url, w.status, w.refused)
		}
		if i != 0 && a.Err == nil {
			t.Errorf("attempt %d has no error", i)
		}
	}
	if e.Mailbox != "joe@contoso.com" || !errors.Is(err, ErrNoEndpoint) || !errors.Is(err, ErrRefused) || errors.Is(err, ErrTimeout) {
		t.Errorf("error = %v", err)
	}
	// One line: what was asked, how much was tried, and the refusal, which
	// the caller can act on, rather than the 500, the 404s or the SRV lookup.
	wantText := "autodiscover: no endpoint found for joe@contoso.com: 5 requests to 3 hosts; exchange-online " +
		"https://autodiscover.evil.example/x: refused by policy: host autodiscover.evil.example is neither Microsoft's " +
		"nor in contoso.com (allow it with WithAllowedHosts or WithApprove)"
	if err.Error() != wantText {
		t.Errorf("error text:\n%s\nwant:\n%s", err, wantText)
	}
}

// The summary picks the attempt that explains the most, the earliest of
// equals, and counts requests (not refusals or DNS lookups) and hosts.
func TestErrorSummary(t *testing.T) {
	const ad = "https://autodiscover.contoso.com/autodiscover/autodiscover.json"
	dns := Attempt{Candidate: CandidateSRV, URL: "dns:_autodiscover._tcp.contoso.com", Err: errors.New("autodiscover: SRV lookup: no such host")}
	network := Attempt{Candidate: CandidateDomain, URL: "https://contoso.com/x", Err: errors.New("autodiscover: dial tcp: connection refused")}
	missing := Attempt{Candidate: CandidateAutodiscoverHost, URL: ad, Status: 404, Err: errors.New("autodiscover: status 404")}
	loop := Attempt{Candidate: CandidateExchangeOnline, URL: "https://autodiscover-s.outlook.com/x", Err: fmt.Errorf("%w back to x", errRedirectLoop)}
	broken := Attempt{Candidate: CandidateAutodiscoverHost, URL: ad + "?Email=x", Status: 500, Err: errors.New("autodiscover: status 500")}
	slow := Attempt{Candidate: CandidateDomain, URL: "https://contoso.com/y", Err: fmt.Errorf("%w after 10s: x", ErrTimeout)}
	garbage := Attempt{Candidate: CandidateDomain, URL: "https://contoso.com/z", Status: 200, Err: fmt.Errorf("%w: not JSON", errMalformed)}
	refused := Attempt{Candidate: CandidateExchangeOnline, URL: "https://evil.example/x", Refused: true, Err: fmt.Errorf("%w: host evil.example", ErrRefused)}
	for _, tc := range []struct {
		attempts []Attempt
		want     Attempt
		counts   string
	}{
		{[]Attempt{dns, network}, network, "1 request to 1 host"},
		{[]Attempt{network, missing, dns}, missing, "2 requests to 2 hosts"},
		{[]Attempt{loop, missing, network}, loop, "3 requests to 3 hosts"},
		{[]Attempt{missing, loop, broken}, broken, "3 requests to 2 hosts"},
		{[]Attempt{broken, slow}, slow, "2 requests to 2 hosts"},
		{[]Attempt{slow, garbage, broken}, garbage, "3 requests to 2 hosts"},
		{[]Attempt{garbage, refused, dns}, refused, "1 request to 1 host"},
		{[]Attempt{missing, missing}, missing, "2 requests to 1 host"},
	} {
		e := &Error{Mailbox: "joe@contoso.com", Attempts: tc.attempts}
		want := "autodiscover: no endpoint found for joe@contoso.com: " + tc.counts + "; " + tc.want.String()
		if got := e.Error(); got != want {
			t.Errorf("summary of %v:\n%s\nwant:\n%s", tc.attempts, got, want)
		}
	}
	// net/http's error names the URL the attempt already names.
	dial := Attempt{Candidate: CandidateDomain, URL: "https://contoso.com/x",
		Err: fmt.Errorf("autodiscover: %w", &url.Error{Op: "Get", URL: "https://contoso.com/x", Err: errors.New("dial tcp: no such host")})}
	if got := dial.String(); got != "domain https://contoso.com/x: dial tcp: no such host" {
		t.Errorf("attempt = %s", got)
	}
	e := &Error{Mailbox: "joe@contoso.com", cause: context.DeadlineExceeded}
	if got := e.Error(); got != "autodiscover: no endpoint found for joe@contoso.com (context deadline exceeded)" {
		t.Errorf("no attempts: %s", got)
	}
}

func attemptsText(as []Attempt) string {
	var b strings.Builder
	for _, a := range as {
		fmt.Fprintf(&b, "  %v\n", a)
	}
	return b.String()
}

func TestInvalidAddressSendsNothing(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	n.handle(exo, answer("https://outlook.office365.com/EWS/Exchange.asmx"))
	r := newTestResolver(t, n)
	for _, s := range []string{
		"", "alice", "@contoso.com", "alice@", "alice@@contoso.com", "a@b@contoso.com",
		"Alice <alice@contoso.com>", "<alice@contoso.com>", "alice@contoso", "alice@contoso..com",
		"alice@-contoso.com", "alice@contoso.com.", "alice@[10.0.0.1]", "alice@10.0.0.1",
		"al ice@contoso.com", "alice@contoso.com\n", "alice@cöntoso.com", "alice@contoso_x.com",
		strings.Repeat("a", 310) + "@contoso.com", "alice@" + strings.Repeat("a", 64) + ".com",
		"alice@contoso.com/x", "alice@contoso.com?x", "alice(comment)@contoso.com",
	} {
		_, err := r.Resolve(t.Context(), s)
		if !errors.Is(err, ErrInvalidAddress) {
			t.Errorf("Resolve(%q) error = %v, want ErrInvalidAddress", s, err)
		}
		if err := r.Invalidate(t.Context(), s); !errors.Is(err, ErrInvalidAddress) {
			t.Errorf("Invalidate(%q) error = %v, want ErrInvalidAddress", s, err)
		}
	}
	if reqs := n.requests(); len(reqs) != 0 {
		t.Errorf("%d requests sent for invalid addresses", len(reqs))
	}
	for _, s := range []string{"a@b.co", "first.last+tag@sub.contoso.com", "ALICE@CONTOSO.COM", "o'brien@xn--cntoso-jua.com"} {
		if _, err := r.Resolve(t.Context(), s); err != nil {
			t.Errorf("Resolve(%q) = %v, want success", s, err)
		}
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  Option
		ok   bool
	}{
		{"nil client", WithHTTPClient(nil), false},
		{"nil cache", WithCache(nil), false},
		{"zero TTL", WithTTL(0), false},
		{"negative TTL", WithTTL(-time.Second), false},
		{"negative negative TTL", WithNegativeTTL(-time.Second), false},
		{"zero negative TTL", WithNegativeTTL(0), true},
		{"zero request timeout", WithRequestTimeout(0), false},
		{"empty allowed host", WithAllowedHosts(""), false},
		{"URL as allowed host", WithAllowedHosts("https://x.example/"), false},
		{"allowed host", WithAllowedHosts("x.example"), true},
		{"nil SRV resolver", WithSRVResolver(nil), false},
		{"nil logger", WithLogger(nil), false},
		{"nil clock", WithClock(nil), false},
		{"no candidates", WithCandidates(), false},
		{"unknown candidate", WithCandidates(Candidate(9)), false},
		{"candidates", WithCandidates(CandidateSRV, CandidateDomain, CandidateSRV), true},
		{"cloud without hosts", WithCloud(Cloud{Name: "x", GraphURL: "https://g"}), false},
		{"cloud", WithCloud(China), true},
	}
	for _, tt := range tests {
		_, err := New(tt.opt)
		if (err == nil) != tt.ok {
			t.Errorf("%s: New error = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestWithHTTPClientCopies(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	n.handle(exo, redirect("https://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=a%40contoso.com&Protocol=EWS"))
	n.handle("autodiscover.contoso.com", answer("https://mail.contoso.com/EWS/Exchange.asmx"))
	called := false
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"https://autodiscover.contoso.com/", "https://autodiscover-s.outlook.com/"} {
		u, _ := url.Parse(h)
		jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: "secret"}})
	}
	c := &http.Client{Transport: n.client.Transport, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		called = true
		return nil
	}}
	r := newTestResolver(t, n, WithHTTPClient(c))
	if _, err := r.Resolve(t.Context(), "a@contoso.com"); err != nil {
		t.Fatal(err)
	}
	if called {
		t.Error("the caller's CheckRedirect ran: redirects must be followed by the resolver itself")
	}
	if c.CheckRedirect(nil, nil); !called || c.Jar != jar {
		t.Error("the caller's client was modified")
	}
	for _, l := range n.requests() {
		if c := l.Header.Get("Cookie"); c != "" {
			t.Errorf("cookie sent to %s: %s (Autodiscover requests are anonymous)", l.Host, c)
		}
	}
	if len(n.requests()) != 2 {
		t.Errorf("%d requests, want 2", len(n.requests()))
	}
}

func TestCloudSelection(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	n.handle("autodiscover-s.office365.us", func(w http.ResponseWriter, r *http.Request) {
		if mailboxOf(r) == "x@agency.gov" {
			answer("https://outlook.office365.us/EWS/Exchange.asmx")(w, r)
			return
		}
		redirect("https://autodiscover.agency.gov/autodiscover/autodiscover.json?Email=y%40agency.gov&Protocol=EWS")(w, r)
	})
	n.handle("autodiscover.agency.gov", answer("https://mail.agency.gov/EWS/Exchange.asmx"))
	n.handle(exo, answer("https://outlook.office365.com/EWS/Exchange.asmx")) // must not be asked
	r := newTestResolver(t, n, WithCloud(USGovL4))
	ep, err := r.Resolve(t.Context(), "x@agency.gov")
	if err != nil {
		t.Fatal(err)
	}
	if ep.URL != "https://graph.microsoft.us/v1.0" || ep.Resource != "https://graph.microsoft.us" {
		t.Errorf("GCC High cloud mailbox = %+v", ep)
	}
	ep, err = r.Resolve(t.Context(), "y@agency.gov")
	if err != nil || ep.URL != "https://mail.agency.gov/EWS/Exchange.asmx" {
		t.Errorf("GCC High hybrid mailbox = %+v, %v", ep, err)
	}
	if n.count(exo) != 0 {
		t.Errorf("the global endpoint was asked by a GCC High resolver")
	}
	if r.Cloud().Name != "usgov-l4" {
		t.Errorf("Cloud() = %q", r.Cloud().Name)
	}
}

func TestCloudTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cloud     Cloud
		microsoft []string
		foreign   []string
		authority []string
	}{
		{Global, []string{"autodiscover-s.outlook.com", "OUTLOOK.office365.com", "outlook.office.com:443", "graph.microsoft.com", "login.microsoftonline.com", "outlook.office365.com."},
			[]string{"", "outlook.office365.us", "evil-outlook.office365.com", "graph.microsoft.com.evil.example", "microsoft.com"},
			[]string{"login.microsoftonline.com", "login.windows.net", "LOGIN.MICROSOFT.COM"}},
		{USGovL4, []string{"autodiscover-s.office365.us", "outlook.office365.us", "graph.microsoft.us", "login.microsoftonline.us"},
			[]string{"outlook.office365.com", "dod-graph.microsoft.us"}, []string{"login.microsoftonline.us"}},
		{USGovL5, []string{"autodiscover-s-dod.office365.us", "outlook-dod.office365.us", "dod-graph.microsoft.us"},
			[]string{"outlook.office365.us", "graph.microsoft.us"}, []string{"login.microsoftonline.us"}},
		{China, []string{"autodiscover-s.partner.outlook.cn", "partner.outlook.cn", "microsoftgraph.chinacloudapi.cn", "login.partner.microsoftonline.cn"},
			[]string{"outlook.office365.com", "login.microsoftonline.com"}, []string{"login.chinacloudapi.cn"}},
	}
	for _, tt := range tests {
		for _, h := range tt.microsoft {
			if !tt.cloud.IsMicrosoftHost(h) {
				t.Errorf("%s.IsMicrosoftHost(%q) = false", tt.cloud.Name, h)
			}
		}
		for _, h := range tt.foreign {
			if tt.cloud.IsMicrosoftHost(h) {
				t.Errorf("%s.IsMicrosoftHost(%q) = true", tt.cloud.Name, h)
			}
		}
		for _, h := range tt.authority {
			if !tt.cloud.IsAuthorityHost(h) {
				t.Errorf("%s.IsAuthorityHost(%q) = false", tt.cloud.Name, h)
			}
		}
		if _, err := New(WithCloud(tt.cloud)); err != nil {
			t.Errorf("New(WithCloud(%s)): %v", tt.cloud.Name, err)
		}
	}
}

func TestWithCandidatesOnPremOnly(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	n.handle(exo, answer("https://outlook.office365.com/EWS/Exchange.asmx"))
	n.handle("autodiscover.contoso.com", answer("https://mail.contoso.com/EWS/Exchange.asmx"))
	r := newTestResolver(t, n, WithCandidates(CandidateAutodiscoverHost))
	ep, err := r.Resolve(t.Context(), "a@contoso.com")
	if err != nil || ep.Location != LocationOnPremises {
		t.Fatalf("Resolve = %+v, %v", ep, err)
	}
	if n.count(exo) != 0 || n.count("contoso.com") != 0 {
		t.Errorf("disabled candidates were asked: %v", n.requests())
	}
}

func TestStringers(t *testing.T) {
	t.Parallel()
	for got, want := range map[string]string{
		APIGraph.String(): "graph-v1.0", APIOutlookV2.String(): "outlook-v2.0", APIEWS.String(): "ews", API(0).String(): "api(0)",
		LocationExchangeOnline.String(): "exchange-online", LocationOnPremises.String(): "on-premises", Location(7).String(): "location(7)",
		CandidateSRV.String(): "srv", Candidate(0).String(): "candidate(0)", CandidateHTTPRedirect.String(): "http-redirect",
	} {
		if got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

// countingTransport answers Autodiscover requests in memory, counting them
// per mailbox; gate, when set, holds every request until closed.
type countingTransport struct {
	mu    sync.Mutex
	per   map[string]int
	total atomic.Int64
	gate  chan struct{}
	fail  atomic.Bool // answer 404 instead: a definite failure, which is cached
	busy  atomic.Bool // answer 503 instead: a failure that passes
	delay time.Duration
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.total.Add(1)
	c.mu.Lock()
	if c.per == nil {
		c.per = map[string]int{}
	}
	c.per[mailboxOf(req)]++
	c.mu.Unlock()
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	if c.delay > 0 {
		select {
		case <-time.After(c.delay):
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	if c.busy.Load() {
		return &http.Response{StatusCode: 503, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
	if c.fail.Load() {
		return &http.Response{StatusCode: 404, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
	body := `{"Protocol":"EWS","Url":"https://outlook.office365.com/EWS/Exchange.asmx"}`
	return &http.Response{
		StatusCode: 200,
		Header:     http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:       nopCloser{strings.NewReader(body)},
		Request:    req,
	}, nil
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

func TestConcurrentResolveSharesOneRequest(t *testing.T) {
	t.Parallel()
	ct := &countingTransport{gate: make(chan struct{})}
	r, err := New(WithHTTPClient(&http.Client{Transport: ct}), WithSRVResolver(noSRV))
	if err != nil {
		t.Fatal(err)
	}
	const callers = 50
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Go(func() {
			addr := "shared@contoso.com"
			if i%2 == 1 {
				addr = "Shared@Contoso.COM" // same key
			}
			ep, err := r.Resolve(t.Context(), addr)
			if err == nil && ep.Mailbox != "shared@contoso.com" {
				err = fmt.Errorf("mailbox %q", ep.Mailbox)
			}
			errs <- err
		})
	}
	for ct.total.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the callers pile up behind the one request
	close(ct.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := ct.total.Load(); n != 1 {
		t.Errorf("%d requests for %d concurrent callers, want 1", n, callers)
	}
}

func TestColdConcurrentOneRequestPerMailbox(t *testing.T) {
	t.Parallel()
	ct := &countingTransport{delay: time.Millisecond}
	r, err := New(WithHTTPClient(&http.Client{Transport: ct}), WithSRVResolver(noSRV))
	if err != nil {
		t.Fatal(err)
	}
	const calls, mailboxes = 1000, 100
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range calls {
		wg.Go(func() {
			if _, err := r.Resolve(t.Context(), fmt.Sprintf("user%d@contoso.com", i%mailboxes)); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d calls failed", failed.Load())
	}
	if n := ct.total.Load(); n != mailboxes {
		t.Errorf("%d requests for %d mailboxes", n, mailboxes)
	}
	for k, v := range ct.per {
		if v != 1 {
			t.Errorf("mailbox %s asked %d times", k, v)
		}
	}
}

func TestWaiterOutlivesTheCallerWhoStartedTheFlight(t *testing.T) {
	t.Parallel()
	ct := &countingTransport{delay: 300 * time.Millisecond}
	r, err := New(WithHTTPClient(&http.Client{Transport: ct}), WithSRVResolver(noSRV))
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	firstErr := make(chan error, 1)
	go func() {
		_, err := r.Resolve(short, "late@contoso.com")
		firstErr <- err
	}()
	for ct.total.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ep, err := r.Resolve(t.Context(), "late@contoso.com") // joins the doomed flight, then runs its own
	if err != nil || ep.API != APIGraph {
		t.Errorf("second caller: %+v, %v", ep, err)
	}
	if err := <-firstErr; !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("first caller error = %v, want a timeout", err)
	}
	// The first caller's failure was not cached as a negative answer.
	if ep, err := r.Resolve(t.Context(), "late@contoso.com"); err != nil || ep.API != APIGraph {
		t.Errorf("third call: %+v, %v", ep, err)
	}
}
