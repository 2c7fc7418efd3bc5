package autodiscover

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// hybridNet is a fake network where Exchange Online redirects bob's
// question to contoso's own Autodiscover host, which answers with ans.
func hybridNet(t *testing.T, ans http.HandlerFunc) *fakeNet {
	t.Helper()
	n := newFakeNet(t)
	n.handle(exo, func(w http.ResponseWriter, r *http.Request) {
		redirect("https://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol="+
			protocolOf(r)+"&RedirectCount=2")(w, r)
	})
	n.handle("autodiscover.contoso.com", ans)
	n.handle("contoso.com", status(404))
	return n
}

// TestOnPremisesAPIs is the table of what an on-premises server's
// Autodiscover names and what each resolver makes of it.
func TestOnPremisesAPIs(t *testing.T) {
	t.Parallel()
	const (
		ewsURL  = "https://mail.contoso.com/EWS/Exchange.asmx"
		restURL = "https://mail.contoso.com/api"
	)
	tests := []struct {
		name   string
		api    API
		urls   map[string]string // what the server names, by protocol
		want   Endpoint          // Mailbox and Source left out
		err    error             // instead of want
		asked  []string          // protocols asked of the on-premises host, in order
		others int               // requests to hosts other than EXO and that host
	}{
		{
			name: "EWS by default", api: APIEWS, urls: map[string]string{"ews": ewsURL, "rest": restURL},
			want: Endpoint{URL: ewsURL, API: APIEWS, Resource: "https://mail.contoso.com", Location: LocationOnPremises, EWSURL: ewsURL},
			// REST is not asked for: a server may still name a REST URL
			// it no longer serves.
			asked: []string{"EWS"},
		},
		{
			name: "EWS when the server names no REST", api: APIEWS, urls: map[string]string{"ews": ewsURL},
			want:  Endpoint{URL: ewsURL, API: APIEWS, Resource: "https://mail.contoso.com", Location: LocationOnPremises, EWSURL: ewsURL},
			asked: []string{"EWS"},
		},
		{
			name: "REST asked of the host that named EWS", api: APIOutlookV2, urls: map[string]string{"ews": ewsURL, "rest": restURL},
			want: Endpoint{URL: "https://mail.contoso.com/api/v2.0", API: APIOutlookV2, Resource: "https://mail.contoso.com",
				Location: LocationOnPremises, EWSURL: ewsURL, RESTURL: "https://mail.contoso.com/api/v2.0"},
			asked: []string{"EWS", "Rest"},
		},
		{
			name: "REST on another host", api: APIOutlookV2, urls: map[string]string{"ews": ewsURL, "rest": "https://rest.contoso.com/api"},
			want: Endpoint{URL: "https://rest.contoso.com/api/v2.0", API: APIOutlookV2, Resource: "https://rest.contoso.com",
				Location: LocationOnPremises, EWSURL: ewsURL, RESTURL: "https://rest.contoso.com/api/v2.0"},
			asked: []string{"EWS", "Rest"},
		},
		{
			name: "REST not named", api: APIOutlookV2, urls: map[string]string{"ews": ewsURL},
			err:   ErrAPINotNamed,
			asked: []string{"EWS", "Rest"},
		},
		{
			name: "REST named on Exchange Online", api: APIOutlookV2, urls: map[string]string{"ews": ewsURL, "rest": "https://outlook.office365.com/api"},
			err:   ErrAPINotNamed,
			asked: []string{"EWS", "Rest"},
		},
		{
			name: "REST named on a foreign host", api: APIOutlookV2, urls: map[string]string{"ews": ewsURL, "rest": "https://mail.evil.example/api"},
			err:   ErrRefused,
			asked: []string{"EWS", "Rest"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var asked []string
			ans := answerEach(tt.urls)
			n := hybridNet(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				asked = append(asked, protocolOf(r))
				mu.Unlock()
				ans(w, r)
			})
			r := newTestResolver(t, n, WithOnPremisesAPI(tt.api))
			ep, err := r.Resolve(t.Context(), "bob@contoso.com")
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !errors.Is(err, ErrNoEndpoint) {
					t.Fatalf("Resolve = %+v, %v; want an error matching %v", ep, err, tt.err)
				}
				if errors.Is(tt.err, ErrAPINotNamed) && !strings.Contains(err.Error(), "no REST v2.0 URL") {
					t.Errorf("summary %q does not say what is missing", err)
				}
			} else {
				if err != nil {
					t.Fatalf("Resolve: %v", err)
				}
				ep.Mailbox, ep.Source = "", Source{}
				if ep != tt.want {
					t.Errorf("Resolve =\n%+v\nwant\n%+v", ep, tt.want)
				}
			}
			if strings.Join(asked, ",") != strings.Join(tt.asked, ",") {
				t.Errorf("asked the on-premises host for %v, want %v", asked, tt.asked)
			}
			// The domain's other candidates lead to the same server: a
			// missing REST URL ends the search instead of asking them.
			if c := n.count("contoso.com"); c != 0 {
				t.Errorf("%d requests to the domain candidate after the mailbox's server was found", c)
			}
		})
	}
}

// The REST question goes to the very URL that named EWS, its other query
// values in their place, and no token or cookie goes with it.
func TestRESTAskedWhereEWSWasNamed(t *testing.T) {
	t.Parallel()
	n := hybridNet(t, answerEach(map[string]string{"ews": "https://mail.contoso.com/EWS/Exchange.asmx", "rest": "https://mail.contoso.com/api"}))
	if _, err := newTestResolver(t, n, WithOnPremisesAPI(APIOutlookV2)).Resolve(t.Context(), "bob@contoso.com"); err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, l := range n.requests() {
		if l.Host == "autodiscover.contoso.com" {
			uris = append(uris, l.URI)
		}
		if len(l.Header.Values("Authorization")) != 0 || len(l.Header.Values("Cookie")) != 0 {
			t.Errorf("request to %s carried credentials", l.Host)
		}
	}
	want := []string{
		"/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol=EWS&RedirectCount=2",
		"/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol=Rest&RedirectCount=2",
	}
	if strings.Join(uris, " ") != strings.Join(want, " ") {
		t.Errorf("asked\n%q\nwant\n%q", uris, want)
	}
}

// A cloud mailbox costs one request whichever on-premises API is asked for.
func TestCloudMailboxOneRequestForEitherAPI(t *testing.T) {
	t.Parallel()
	for _, api := range []API{APIEWS, APIOutlookV2} {
		n := newFakeNet(t)
		n.handle(exo, answer("https://outlook.office365.com/EWS/Exchange.asmx"))
		ep, err := newTestResolver(t, n, WithOnPremisesAPI(api)).Resolve(t.Context(), "alice@contoso.com")
		if err != nil || ep.API != APIGraph || ep.EWSURL != "" || ep.RESTURL != "" {
			t.Errorf("%v: %+v, %v", api, ep, err)
		}
		if got := len(n.requests()); got != 1 {
			t.Errorf("%v: %d requests, want 1", api, got)
		}
	}
}

// Resolvers asking for different on-premises APIs can share a cache: an
// endpoint made for the other API is discovered again, never handed out.
func TestSharedCacheAcrossAPIs(t *testing.T) {
	t.Parallel()
	n := hybridNet(t, answerEach(map[string]string{"ews": "https://mail.contoso.com/EWS/Exchange.asmx", "rest": "https://mail.contoso.com/api"}))
	cache := NewMemoryCache(0)
	ews := newTestResolver(t, n, WithCache(cache))
	rest := newTestResolver(t, n, WithCache(cache), WithOnPremisesAPI(APIOutlookV2))
	for i, tc := range []struct {
		r    *Resolver
		want API
	}{{ews, APIEWS}, {rest, APIOutlookV2}, {rest, APIOutlookV2}, {ews, APIEWS}} {
		ep, err := tc.r.Resolve(t.Context(), "bob@contoso.com")
		if err != nil || ep.API != tc.want {
			t.Errorf("step %d: %+v, %v; want %v", i, ep, err, tc.want)
		}
	}
	// Steps 0, 1 and 3 discovered (2 + 3 + 2 requests); step 2 was cached.
	if got := len(n.requests()); got != 7 {
		t.Errorf("%d requests, want 7", got)
	}
	if _, err := New(WithOnPremisesAPI(APIGraph)); err == nil {
		t.Error("WithOnPremisesAPI(APIGraph) accepted")
	}
}

// duplicateNet is the organisation of WithDomainFirst: Exchange Online
// holds a cloud mailbox for pat (a license made it, empty), while pat's
// real mailbox is on the domain's own server.
func duplicateNet(t *testing.T) *fakeNet {
	t.Helper()
	n := newFakeNet(t)
	n.handle(exo, answer("https://outlook.office365.com/EWS/Exchange.asmx"))
	n.handle("fabrikam.com", status(404))
	n.handle("autodiscover.fabrikam.com", answer("https://mail.fabrikam.com/EWS/Exchange.asmx"))
	return n
}

func TestWithDomainFirst(t *testing.T) {
	t.Parallel()
	// By default Exchange Online answers first, with its own mailbox.
	n := duplicateNet(t)
	ep, err := newTestResolver(t, n).Resolve(t.Context(), "pat@fabrikam.com")
	if err != nil || ep.Location != LocationExchangeOnline {
		t.Fatalf("default order: %+v, %v", ep, err)
	}
	// Asked first, the domain names the real one; Exchange Online is not asked.
	n = duplicateNet(t)
	ep, err = newTestResolver(t, n, WithDomainFirst()).Resolve(t.Context(), "pat@fabrikam.com")
	if err != nil || ep.URL != "https://mail.fabrikam.com/EWS/Exchange.asmx" || ep.Source.Candidate != CandidateAutodiscoverHost {
		t.Fatalf("domain first: %+v, %v", ep, err)
	}
	if c := n.count(exo); c != 0 {
		t.Errorf("Exchange Online asked %d times although the domain answered", c)
	}
	// A domain with nothing to say still reaches Exchange Online, last.
	n = newFakeNet(t)
	n.handle(exo, answer("https://outlook.office365.com/EWS/Exchange.asmx"))
	ep, err = newTestResolver(t, n, WithDomainFirst()).Resolve(t.Context(), "alice@contoso.com")
	if err != nil || ep.Location != LocationExchangeOnline {
		t.Fatalf("cloud mailbox, domain first: %+v, %v", ep, err)
	}
	reqs := n.requests()
	if last := reqs[len(reqs)-1]; last.Host != exo {
		t.Errorf("last request went to %s, want Exchange Online's endpoint after the domain's candidates", last.Host)
	}
}

func TestResolveFromDomain(t *testing.T) {
	t.Parallel()
	n := duplicateNet(t)
	r := newTestResolver(t, n)
	ctx := t.Context()
	if ep, err := r.Resolve(ctx, "pat@fabrikam.com"); err != nil || ep.Location != LocationExchangeOnline {
		t.Fatalf("Resolve: %+v, %v", ep, err)
	}
	before := n.count(exo)
	ep, err := r.ResolveFromDomain(ctx, "Pat@Fabrikam.com")
	if err != nil || ep.URL != "https://mail.fabrikam.com/EWS/Exchange.asmx" || ep.Mailbox != "pat@fabrikam.com" {
		t.Fatalf("ResolveFromDomain: %+v, %v", ep, err)
	}
	if n.count(exo) != before {
		t.Error("ResolveFromDomain asked Exchange Online")
	}
	// It replaced the cached endpoint: Resolve answers from the cache.
	total := len(n.requests())
	if got, err := r.Resolve(ctx, "pat@fabrikam.com"); err != nil || got != ep || len(n.requests()) != total {
		t.Errorf("Resolve after ResolveFromDomain: %+v, %v after %d requests", got, err, len(n.requests())-total)
	}

	// A domain that does not answer leaves the cache alone.
	n2 := newFakeNet(t)
	n2.handle(exo, answer("https://outlook.office365.com/EWS/Exchange.asmx"))
	r2 := newTestResolver(t, n2)
	cloud, err := r2.Resolve(ctx, "alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r2.ResolveFromDomain(ctx, "alice@contoso.com"); !errors.Is(err, ErrNoEndpoint) {
		t.Errorf("ResolveFromDomain without a domain answer: %v", err)
	}
	if n2.count(exo) != 1 {
		t.Errorf("Exchange Online asked %d times, want 1", n2.count(exo))
	}
	total = len(n2.requests())
	if got, err := r2.Resolve(ctx, "alice@contoso.com"); err != nil || got != cloud || len(n2.requests()) != total {
		t.Errorf("cache after a failed ResolveFromDomain: %+v, %v", got, err)
	}
	if _, err := r2.ResolveFromDomain(ctx, "not an address"); !errors.Is(err, ErrInvalidAddress) {
		t.Errorf("bad address: %v", err)
	}
}

func TestWithProtocol(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://h/autodiscover/autodiscover.json/v1.0/a@b.c?Protocol=EWS":                          "https://h/autodiscover/autodiscover.json/v1.0/a@b.c?Protocol=Rest",
		"https://h/autodiscover/autodiscover.json?Email=a%40b.c&protocol=ews&RedirectCount=3":       "https://h/autodiscover/autodiscover.json?Email=a%40b.c&protocol=Rest&RedirectCount=3",
		"https://h/autodiscover/autodiscover.json?Email=a%40b.c":                                    "https://h/autodiscover/autodiscover.json?Email=a%40b.c&Protocol=Rest",
		"https://h/autodiscover/autodiscover.json":                                                  "https://h/autodiscover/autodiscover.json?Protocol=Rest",
		"https://h/autodiscover/autodiscover.json?Protocol=EWS&Protocol=ActiveSync&RedirectCount=1": "https://h/autodiscover/autodiscover.json?Protocol=Rest&Protocol=Rest&RedirectCount=1",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := withProtocol(u, protocolRest).String(); got != want {
			t.Errorf("withProtocol(%s) = %s, want %s", in, got, want)
		}
		if u.String() != in {
			t.Errorf("withProtocol changed its argument to %s", u)
		}
	}
}
