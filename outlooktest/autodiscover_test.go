package outlooktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/outlooktest"
)

type sample struct {
	URL             string          `json:"url"`
	Status          *int            `json:"status"`
	ResponseHeaders []string        `json:"responseHeaders"`
	ResponseBody    json.RawMessage `json:"responseBody"`
}

func readSample(t *testing.T, rel string) sample {
	t.Helper()
	var s sample
	if err := json.Unmarshal(testutil.ReadExternal(t, rel), &s); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return s
}

type adAnswer struct {
	Protocol, Url, ErrorCode, ErrorMessage string
}

func decodeAD(t *testing.T, a answer) adAnswer {
	t.Helper()
	var v adAnswer
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("autodiscover body %q: %v", a.body, err)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q; want application/json; charset=utf-8", ct)
	}
	return v
}

func TestAutodiscoverAnswers(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, tc := range []struct {
		name, url    string
		wantStatus   int
		wantLocation string
		want         adAnswer
	}{
		{name: "cloud, path form, autodiscover-s",
			url:        "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=Rest",
			wantStatus: 200, want: adAnswer{Protocol: "Rest", Url: "https://outlook.office.com/api"}},
		{name: "cloud, query form, office365",
			url:        "https://outlook.office365.com/autodiscover/autodiscover.json?Email=alice%40contoso.com&Protocol=rest",
			wantStatus: 200, want: adAnswer{Protocol: "rest", Url: "https://outlook.office.com/api"}},
		{name: "cloud, upper case everything",
			url:        "https://outlook.office365.com/Autodiscover/Autodiscover.json?email=ALICE%40contoso.com&protocol=REST",
			wantStatus: 200, want: adAnswer{Protocol: "REST", Url: "https://outlook.office.com/api"}},
		{name: "cloud EWS",
			url:        "https://outlook.office365.com/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=Ews",
			wantStatus: 200, want: adAnswer{Protocol: "Ews", Url: "https://outlook.office365.com/EWS/Exchange.asmx"}},
		{name: "cloud AutodiscoverV1",
			url:        "https://outlook.office365.com/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=AutodiscoverV1",
			wantStatus: 200, want: adAnswer{Protocol: "AutodiscoverV1", Url: "https://outlook.office365.com/autodiscover/autodiscover.xml"}},
		{name: "on-prem at EXO, path form",
			url:          "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=REST",
			wantStatus:   302,
			wantLocation: "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=REST&RedirectCount=1"},
		{name: "on-prem at EXO, query form, counted",
			url:          "https://outlook.office365.com/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol=Rest&RedirectCount=1",
			wantStatus:   302,
			wantLocation: "https://autodiscover.contoso.com/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol=Rest&RedirectCount=2"},
		{name: "on-prem at its domain host",
			url:        "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest&RedirectCount=1",
			wantStatus: 200, want: adAnswer{Protocol: "Rest", Url: "https://mail.contoso.com/api"}},
		{name: "on-prem at the domain root",
			url:        "https://contoso.com/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol=Ews",
			wantStatus: 200, want: adAnswer{Protocol: "Ews", Url: "https://mail.contoso.com/EWS/Exchange.asmx"}},
		{name: "on-prem at its own server",
			url:        "https://mail.contoso.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest",
			wantStatus: 200, want: adAnswer{Protocol: "Rest", Url: "https://mail.contoso.com/api"}},
		{name: "cloud at the domain host goes to EXO",
			url:          "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=Rest",
			wantStatus:   302,
			wantLocation: "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=Rest&RedirectCount=1"},
		{name: "unknown address at EXO",
			url:          "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json?Email=zed%40contoso.com&Protocol=Rest",
			wantStatus:   302,
			wantLocation: "https://outlook.office365.com/autodiscover/autodiscover.json?Email=zed%40contoso.com&Protocol=Rest&RedirectCount=1"},
		{name: "unknown address at the domain host",
			url:        "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/zed@contoso.com?Protocol=Rest",
			wantStatus: 404, want: adAnswer{ErrorCode: "UserNotFound"}},
		{name: "invalid protocol",
			url:        "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=Imap",
			wantStatus: 400, want: adAnswer{ErrorCode: "InvalidProtocol", ErrorMessage: "The given protocol value 'Imap' is invalid. Supported values are 'Rest,Ews,ActiveSync,AutodiscoverV1'"}},
		{name: "missing protocol",
			url:        "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com",
			wantStatus: 400, want: adAnswer{ErrorCode: "InvalidProtocol", ErrorMessage: "The given protocol value '' is invalid. Supported values are 'Rest,Ews,ActiveSync,AutodiscoverV1'"}},
		{name: "missing address",
			url:        "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json?Protocol=Rest",
			wantStatus: 400, want: adAnswer{ErrorCode: "InvalidUser"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, noRedirects(srv), tc.url, "")
			if a.status != tc.wantStatus {
				t.Fatalf("GET %s = %d %s; want %d", tc.url, a.status, a.body, tc.wantStatus)
			}
			if tc.wantStatus == 302 {
				if loc := a.header.Get("Location"); loc != tc.wantLocation {
					t.Errorf("Location %q; want %q", loc, tc.wantLocation)
				}
				return
			}
			got := decodeAD(t, a)
			if tc.want.ErrorCode != "" && tc.want.ErrorMessage == "" {
				got.ErrorMessage = "" // free text
			}
			if got != tc.want {
				t.Errorf("body %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestAutodiscoverFollowsHybridRedirect(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	a := get(t, srv.Client(), "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest", "")
	if got := decodeAD(t, a); a.status != 200 || got.Url != "https://mail.contoso.com/api" {
		t.Errorf("followed: %d %+v; want 200 https://mail.contoso.com/api", a.status, got)
	}
	// An unknown address redirects to Exchange Online again and again, so a
	// client that does not count hops or detect the loop gives up at its limit.
	_, err := srv.Client().Get("https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/zed@contoso.com?Protocol=Rest")
	if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Errorf("unknown address: %v; want the client's redirect limit", err)
	}
}

// The on-premises ActiveSync answer of Microsoft's hybrid modern auth page,
// asked for with that page's own URL.
func TestAutodiscoverMatchesSample(t *testing.T) {
	t.Parallel()
	s := readSample(t, "autodiscover-samples/exchange-hma-autodiscover-v2-activesync-success.json")
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	t.Cleanup(srv.Close)
	srv.AddMailbox("test@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	a := get(t, srv.Client(), s.URL, "")
	var got, want any
	if err := json.Unmarshal(a.body, &got); err != nil {
		t.Fatalf("GET %s: %d %q: %v", s.URL, a.status, a.body, err)
	}
	if err := json.Unmarshal(s.ResponseBody, &want); err != nil {
		t.Fatal(err)
	}
	if a.status != 200 || !reflect.DeepEqual(got, want) {
		t.Errorf("GET %s = %d %v; the sample has %v", s.URL, a.status, got, want)
	}
}

func TestAutodiscoverBehaviors(t *testing.T) {
	t.Parallel()
	const path = "/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest&RedirectCount=1"
	for _, tc := range []struct {
		name  string
		b     outlooktest.AutodiscoverBehavior
		host  string
		check func(t *testing.T, a answer)
	}{
		{"redirect loop", outlooktest.AutodiscoverBehavior{RedirectLoop: true}, "autodiscover.contoso.com", func(t *testing.T, a answer) {
			want := "https://contoso.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest&RedirectCount=2"
			if a.status != 302 || a.header.Get("Location") != want {
				t.Errorf("%d Location %q; want 302 %q", a.status, a.header.Get("Location"), want)
			}
		}},
		{"redirect loop back", outlooktest.AutodiscoverBehavior{RedirectLoop: true}, "contoso.com", func(t *testing.T, a answer) {
			if loc := a.header.Get("Location"); a.status != 302 || !strings.HasPrefix(loc, "https://autodiscover.contoso.com/") {
				t.Errorf("%d Location %q; want 302 to autodiscover.contoso.com", a.status, loc)
			}
		}},
		{"redirect to http", outlooktest.AutodiscoverBehavior{RedirectToHTTP: true}, "autodiscover.contoso.com", func(t *testing.T, a answer) {
			if loc := a.header.Get("Location"); a.status != 302 || !strings.HasPrefix(loc, "http://autodiscover.contoso.com/autodiscover/autodiscover.json/") {
				t.Errorf("%d Location %q; want 302 to http://", a.status, loc)
			}
		}},
		{"redirect to a foreign host", outlooktest.AutodiscoverBehavior{RedirectToHost: "Evil.Example"}, "autodiscover.contoso.com", func(t *testing.T, a answer) {
			if loc := a.header.Get("Location"); a.status != 302 || !strings.HasPrefix(loc, "https://evil.example/autodiscover/autodiscover.json/v1.0/bob@contoso.com?") {
				t.Errorf("%d Location %q; want 302 to evil.example", a.status, loc)
			}
		}},
		{"status 500", outlooktest.AutodiscoverBehavior{Status: 500}, "autodiscover.contoso.com", func(t *testing.T, a answer) {
			if a.status != 500 || !strings.Contains(string(a.body), `"ErrorCode"`) {
				t.Errorf("%d %s; want 500 with an ErrorCode body", a.status, a.body)
			}
		}},
		{"garbage", outlooktest.AutodiscoverBehavior{GarbageBody: true}, "autodiscover.contoso.com", func(t *testing.T, a answer) {
			if a.status != 200 || json.Valid(a.body) {
				t.Errorf("%d %q; want 200 with a body that is not JSON", a.status, a.body)
			}
		}},
		{"huge", outlooktest.AutodiscoverBehavior{HugeBody: 3 << 20}, "autodiscover.contoso.com", func(t *testing.T, a answer) {
			if a.status != 200 || len(a.body) < 3<<20 || !json.Valid(a.body) {
				t.Errorf("%d, %d bytes; want 200 with at least 3 MiB of JSON", a.status, len(a.body))
			}
		}},
		{"hostile URL", outlooktest.AutodiscoverBehavior{URL: "https://evil.example/api"}, "autodiscover.contoso.com", func(t *testing.T, a answer) {
			if got := decodeAD(t, a); got.Url != "https://evil.example/api" {
				t.Errorf("Url %q; want the hostile one", got.Url)
			}
		}},
		{"root unavailable", outlooktest.AutodiscoverBehavior{RootUnavailable: true}, "contoso.com", func(t *testing.T, a answer) {
			if a.status != 404 {
				t.Errorf("%d; want 404", a.status)
			}
		}},
		{"root unavailable spares autodiscover.", outlooktest.AutodiscoverBehavior{RootUnavailable: true}, "autodiscover.contoso.com", func(t *testing.T, a answer) {
			if got := decodeAD(t, a); a.status != 200 || got.Url != "https://mail.contoso.com/api" {
				t.Errorf("%d %+v; want 200 with the real URL", a.status, got)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newHybrid(t)
			srv.SetAutodiscoverBehavior("Contoso.com", tc.b)
			tc.check(t, get(t, noRedirects(srv), "https://"+tc.host+path, ""))
		})
	}
}

func TestAutodiscoverLatency(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	srv.SetAutodiscoverBehavior("contoso.com", outlooktest.AutodiscoverBehavior{Latency: 150 * time.Millisecond})
	start := time.Now()
	a := get(t, srv.Client(), "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest", "")
	if d := time.Since(start); d < 150*time.Millisecond || a.status != 200 {
		t.Errorf("answered %d after %v; want 200 after at least 150ms", a.status, d)
	}
}

// A domain's behaviour is its own hosts': Exchange Online answers as ever.
func TestAutodiscoverBehaviorSparesEXO(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	srv.SetAutodiscoverBehavior("contoso.com", outlooktest.AutodiscoverBehavior{Status: 500, Latency: time.Hour})
	a := get(t, noRedirects(srv), "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=Rest", "")
	if got := decodeAD(t, a); a.status != 200 || got.Url != "https://outlook.office.com/api" {
		t.Errorf("EXO for a cloud mailbox: %d %+v; want 200", a.status, got)
	}
	a = get(t, noRedirects(srv), "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest", "")
	if a.status != 302 {
		t.Errorf("EXO for an on-prem mailbox: %d; want its usual 302", a.status)
	}
}

func TestAutodiscoverNoHybrid(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	srv.SetAutodiscoverBehavior("contoso.com", outlooktest.AutodiscoverBehavior{NoHybrid: true})
	a := get(t, noRedirects(srv), "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest", "")
	if loc := a.header.Get("Location"); a.status != 302 || !strings.HasPrefix(loc, "https://outlook.office365.com/") {
		t.Errorf("EXO for a non-hybrid on-prem mailbox: %d %q; want the unknown-address redirect", a.status, loc)
	}
	a = get(t, srv.Client(), "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest", "")
	if got := decodeAD(t, a); got.Url != "https://mail.contoso.com/api" {
		t.Errorf("domain host: %+v; want the on-prem URL", got)
	}
}

func TestRedirectProbe(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	a := get(t, noRedirects(srv), "http://autodiscover.contoso.com/autodiscover/autodiscover.xml", "")
	if loc := a.header.Get("Location"); a.status != 302 || loc != "https://autodiscover.contoso.com/autodiscover/autodiscover.xml" {
		t.Errorf("probe: %d %q; want 302 to the https URL", a.status, loc)
	}
	srv.SetAutodiscoverBehavior("contoso.com", outlooktest.AutodiscoverBehavior{RedirectToHost: "evil.example"})
	a = get(t, noRedirects(srv), "http://autodiscover.contoso.com/autodiscover/autodiscover.xml", "")
	if loc := a.header.Get("Location"); loc != "https://evil.example/autodiscover/autodiscover.xml" {
		t.Errorf("probe with RedirectToHost: %q; want evil.example", loc)
	}
}

func TestSRV(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	ctx := t.Context()
	if _, _, err := srv.LookupSRV(ctx, "autodiscover", "tcp", "contoso.com"); !isNotFound(err) {
		t.Errorf("before SetSRV: %v; want a not-found DNS error", err)
	}
	srv.SetSRV("contoso.com", "AD.Hoster.example", 443)
	for _, q := range [][3]string{{"autodiscover", "tcp", "contoso.com"}, {"", "", "_autodiscover._tcp.contoso.com."}} {
		cname, addrs, err := srv.LookupSRV(ctx, q[0], q[1], q[2])
		if err != nil || cname != "_autodiscover._tcp.contoso.com." || len(addrs) != 1 ||
			*addrs[0] != (net.SRV{Target: "ad.hoster.example.", Port: 443}) {
			t.Errorf("LookupSRV%q = %q, %v, %v", q, cname, addrs, err)
		}
	}
	if _, _, err := srv.LookupSRV(ctx, "autodiscover", "tcp", "fabrikam.com"); !isNotFound(err) {
		t.Errorf("unknown domain: %v; want not found", err)
	}
	// The signature is the point: a hook meant for net.Resolver.LookupSRV takes srv.LookupSRV.
	hooks := []func(context.Context, string, string, string) (string, []*net.SRV, error){(&net.Resolver{}).LookupSRV, srv.LookupSRV}
	_ = hooks
	a := get(t, srv.Client(), "https://ad.hoster.example/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest", "")
	if got := decodeAD(t, a); got.Url != "https://mail.contoso.com/api" {
		t.Errorf("SRV target: %+v; want the on-prem URL", got)
	}
}

func isNotFound(err error) bool {
	dnsErr, ok := errors.AsType[*net.DNSError](err)
	return ok && dnsErr.IsNotFound
}

func TestAutodiscoverRejectsPost(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	resp, err := srv.Client().Post("https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Protocol=Rest", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST = %d; want 405", resp.StatusCode)
	}
}
