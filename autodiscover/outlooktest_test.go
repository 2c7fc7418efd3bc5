package autodiscover_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/outlooktest"
)

func newServer(t testing.TB) *outlooktest.Server {
	t.Helper()
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	return srv
}

func newResolver(t testing.TB, srv *outlooktest.Server, opts ...autodiscover.Option) *autodiscover.Resolver {
	t.Helper()
	base := []autodiscover.Option{autodiscover.WithHTTPClient(srv.Client()), autodiscover.WithSRVResolver(srv.LookupSRV)}
	r, err := autodiscover.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkAnonymous fails the test if any request carried a token.
func checkAnonymous(t *testing.T, srv *outlooktest.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.TokenSent {
			t.Errorf("token sent to %s %s", r.Host, r.Path)
		}
	}
}

func TestOutlooktestMailboxes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     func(srv *outlooktest.Server)
		mailbox   string
		opts      []autodiscover.Option
		want      autodiscover.Endpoint
		candidate autodiscover.Candidate
		hosts     []string // hosts asked, in order
	}{
		{
			name:    "cloud mailbox",
			setup:   func(srv *outlooktest.Server) { srv.AddMailbox("alice@contoso.com", outlooktest.Cloud) },
			mailbox: "alice@contoso.com",
			want: autodiscover.Endpoint{URL: "https://graph.microsoft.com/v1.0", API: autodiscover.APIGraph,
				Resource: "https://graph.microsoft.com", Location: autodiscover.LocationExchangeOnline},
			candidate: autodiscover.CandidateExchangeOnline,
			hosts:     []string{"autodiscover-s.outlook.com"},
		},
		{
			name: "hybrid on-premises mailbox through the 302",
			setup: func(srv *outlooktest.Server) {
				srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
			},
			mailbox: "bob@contoso.com",
			want: autodiscover.Endpoint{URL: "https://mail.contoso.com/EWS/Exchange.asmx", API: autodiscover.APIEWS,
				Resource: "https://mail.contoso.com", Location: autodiscover.LocationOnPremises, EWSURL: "https://mail.contoso.com/EWS/Exchange.asmx"},
			candidate: autodiscover.CandidateExchangeOnline,
			hosts:     []string{"autodiscover-s.outlook.com", "autodiscover.contoso.com"},
		},
		{
			name: "domain without hybrid, through its own candidates",
			setup: func(srv *outlooktest.Server) {
				srv.AddMailbox("pat@fabrikam.com", outlooktest.OnPremises("exch.fabrikam.com"))
				srv.SetAutodiscoverBehavior("fabrikam.com", outlooktest.AutodiscoverBehavior{NoHybrid: true})
			},
			mailbox: "pat@fabrikam.com",
			want: autodiscover.Endpoint{URL: "https://exch.fabrikam.com/EWS/Exchange.asmx", API: autodiscover.APIEWS,
				Resource: "https://exch.fabrikam.com", Location: autodiscover.LocationOnPremises, EWSURL: "https://exch.fabrikam.com/EWS/Exchange.asmx"},
			candidate: autodiscover.CandidateDomain,
		},
		{
			name: "domain root is a web site: autodiscover host",
			setup: func(srv *outlooktest.Server) {
				srv.AddMailbox("pat@fabrikam.com", outlooktest.OnPremises("exch.fabrikam.com"))
				srv.SetAutodiscoverBehavior("fabrikam.com", outlooktest.AutodiscoverBehavior{NoHybrid: true, RootUnavailable: true})
			},
			mailbox: "pat@fabrikam.com",
			want: autodiscover.Endpoint{URL: "https://exch.fabrikam.com/EWS/Exchange.asmx", API: autodiscover.APIEWS,
				Resource: "https://exch.fabrikam.com", Location: autodiscover.LocationOnPremises, EWSURL: "https://exch.fabrikam.com/EWS/Exchange.asmx"},
			candidate: autodiscover.CandidateAutodiscoverHost,
		},
		{
			name: "SRV record",
			setup: func(srv *outlooktest.Server) {
				srv.AddMailbox("pat@fabrikam.com", outlooktest.OnPremises("exch.fabrikam.com"))
				srv.SetSRV("fabrikam.com", "adsrv.fabrikam.com", 443)
			},
			mailbox: "pat@fabrikam.com",
			opts:    []autodiscover.Option{autodiscover.WithCandidates(autodiscover.CandidateSRV)},
			want: autodiscover.Endpoint{URL: "https://exch.fabrikam.com/EWS/Exchange.asmx", API: autodiscover.APIEWS,
				Resource: "https://exch.fabrikam.com", Location: autodiscover.LocationOnPremises, EWSURL: "https://exch.fabrikam.com/EWS/Exchange.asmx"},
			candidate: autodiscover.CandidateSRV,
			hosts:     []string{"adsrv.fabrikam.com"},
		},
		{
			name: "plain-http redirect probe",
			setup: func(srv *outlooktest.Server) {
				srv.AddMailbox("pat@fabrikam.com", outlooktest.OnPremises("exch.fabrikam.com"))
			},
			mailbox: "pat@fabrikam.com",
			opts:    []autodiscover.Option{autodiscover.WithCandidates(autodiscover.CandidateHTTPRedirect)},
			want: autodiscover.Endpoint{URL: "https://exch.fabrikam.com/EWS/Exchange.asmx", API: autodiscover.APIEWS,
				Resource: "https://exch.fabrikam.com", Location: autodiscover.LocationOnPremises, EWSURL: "https://exch.fabrikam.com/EWS/Exchange.asmx"},
			candidate: autodiscover.CandidateHTTPRedirect,
			hosts:     []string{"autodiscover.fabrikam.com", "autodiscover.fabrikam.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			tt.setup(srv)
			ep, err := newResolver(t, srv, tt.opts...).Resolve(t.Context(), tt.mailbox)
			if err != nil {
				t.Fatalf("Resolve(%s): %v", tt.mailbox, err)
			}
			tt.want.Mailbox = tt.mailbox
			tt.want.Source = ep.Source
			if ep != tt.want {
				t.Errorf("Resolve(%s) =\n%+v\nwant\n%+v", tt.mailbox, ep, tt.want)
			}
			if ep.Source.Candidate != tt.candidate {
				t.Errorf("answered by %v, want %v", ep.Source.Candidate, tt.candidate)
			}
			if tt.hosts != nil {
				var got []string
				for _, r := range srv.Requests() {
					got = append(got, r.Host)
				}
				if strings.Join(got, " ") != strings.Join(tt.hosts, " ") {
					t.Errorf("hosts asked = %q, want %q", got, tt.hosts)
				}
			}
			checkAnonymous(t, srv)
		})
	}
}

func TestOutlooktestHostile(t *testing.T) {
	t.Parallel()
	evil := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"Protocol":"Rest","Url":"https://evil.example/api"}`)
	})
	tests := []struct {
		name    string
		b       outlooktest.AutodiscoverBehavior
		timeout time.Duration
		wantIs  []error
		wantIn  string
	}{
		{name: "redirect to http", b: outlooktest.AutodiscoverBehavior{RedirectToHTTP: true}, wantIs: []error{autodiscover.ErrRefused}, wantIn: "is not https"},
		{name: "redirect to a foreign host", b: outlooktest.AutodiscoverBehavior{RedirectToHost: "evil.example"}, wantIs: []error{autodiscover.ErrRefused}, wantIn: "host evil.example"},
		{name: "foreign endpoint", b: outlooktest.AutodiscoverBehavior{URL: "https://evil.example/api"}, wantIs: []error{autodiscover.ErrRefused}, wantIn: "host evil.example"},
		{name: "redirect loop", b: outlooktest.AutodiscoverBehavior{RedirectLoop: true}, wantIn: "redirect loop"},
		{name: "huge body", b: outlooktest.AutodiscoverBehavior{HugeBody: 8 << 20}, wantIn: "body larger than"},
		{name: "garbage body", b: outlooktest.AutodiscoverBehavior{GarbageBody: true}, wantIn: "malformed response"},
		{name: "server error", b: outlooktest.AutodiscoverBehavior{Status: 503}, wantIn: "status 503"},
		{name: "slow, caller's deadline", b: outlooktest.AutodiscoverBehavior{Latency: 5 * time.Second}, timeout: 300 * time.Millisecond,
			wantIs: []error{autodiscover.ErrTimeout, context.DeadlineExceeded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.AddMailbox("eve@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
			srv.AddHost("evil.example", evil)
			srv.SetAutodiscoverBehavior("contoso.com", tt.b)
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			start := time.Now()
			// Retries of a 503 are TestRetriesThrottling's; here a quick
			// policy keeps the time bound about hostility alone.
			quick := autodiscover.WithRetry(autodiscover.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
			ep, err := newResolver(t, srv, quick).Resolve(ctx, "eve@contoso.com")
			if err == nil {
				t.Fatalf("Resolve = %+v, want an error", ep)
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("Resolve took %v", el)
			}
			for _, target := range append(tt.wantIs, autodiscover.ErrNoEndpoint) {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = false; err = %v", target, err)
				}
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q lacks %q", err, tt.wantIn)
			}
			for _, r := range srv.Requests() {
				if r.Host == "evil.example" {
					t.Errorf("the resolver called evil.example: %+v", r)
				}
			}
			checkAnonymous(t, srv)
		})
	}
}

func TestOutlooktestDiscoverAuth(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	srv.AddMailbox("carol@fabrikam.com", outlooktest.OnPremises("mail.fabrikam.com"))
	srv.SetModernAuthDisabled("mail.fabrikam.com", true)
	srv.AddMailbox("dave@northwind.com", outlooktest.OnPremises("mail.northwind.com"))
	srv.SetRESTDisabled("mail.northwind.com", true)
	// The REST v2.0 endpoints: the probe of their /me.
	r := newResolver(t, srv, autodiscover.WithOnPremisesAPI(autodiscover.APIOutlookV2))
	for _, tt := range []struct {
		mailbox, authority, resource string
		notConfigured                bool
		status                       int // of the *AuthError
	}{
		{mailbox: "alice@contoso.com", resource: "https://graph.microsoft.com"},
		{mailbox: "bob@contoso.com", resource: "https://mail.contoso.com", authority: "https://login.microsoftonline.com/" + srv.TenantID("contoso.com")},
		{mailbox: "carol@fabrikam.com", notConfigured: true, status: 401},
		{mailbox: "dave@northwind.com", status: 404},
	} {
		ep, err := r.Resolve(t.Context(), tt.mailbox)
		if err != nil {
			t.Fatal(err)
		}
		info, err := r.DiscoverAuth(t.Context(), ep)
		if tt.status != 0 {
			ae, ok := errors.AsType[*autodiscover.AuthError](err)
			if !ok || ae.Status != tt.status || errors.Is(err, autodiscover.ErrModernAuthNotConfigured) != tt.notConfigured {
				t.Errorf("DiscoverAuth(%s) = %+v, %v; want an *AuthError with status %d, ErrModernAuthNotConfigured %v",
					tt.mailbox, info, err, tt.status, tt.notConfigured)
			}
			continue
		}
		if err != nil {
			t.Errorf("DiscoverAuth(%s): %v", tt.mailbox, err)
			continue
		}
		if info.Resource != tt.resource || !strings.HasPrefix(info.Authority, "https://login.microsoftonline.com/") ||
			tt.authority != "" && info.Authority != tt.authority {
			t.Errorf("DiscoverAuth(%s) = %+v", tt.mailbox, info)
		}
	}
}

// TestOutlooktestMovedMailbox shows Invalidate's use: after a migration the
// cached endpoint is wrong until the caller drops it.
func TestOutlooktestMovedMailbox(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.AddMailbox("dan@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	r := newResolver(t, srv)
	ep, err := r.Resolve(t.Context(), "dan@contoso.com")
	if err != nil || ep.Location != autodiscover.LocationOnPremises {
		t.Fatalf("before the move: %+v, %v", ep, err)
	}
	srv.Move("dan@contoso.com", outlooktest.Cloud)
	if ep, _ := r.Resolve(t.Context(), "dan@contoso.com"); ep.Location != autodiscover.LocationOnPremises {
		t.Errorf("cached answer changed without Invalidate: %+v", ep)
	}
	if err := r.Invalidate(t.Context(), "dan@contoso.com"); err != nil {
		t.Fatal(err)
	}
	if ep, err := r.Resolve(t.Context(), "dan@contoso.com"); err != nil || ep.Location != autodiscover.LocationExchangeOnline {
		t.Errorf("after the move and Invalidate: %+v, %v", ep, err)
	}
}

// coldConcurrent resolves calls addresses spread over mailboxes of one domain
// at once, with a fresh Resolver, and returns how many Autodiscover requests
// the server saw for each mailbox.
func coldConcurrent(t testing.TB, srv *outlooktest.Server, r *autodiscover.Resolver, calls int, mailboxes []string) map[string]int {
	t.Helper()
	srv.ResetRequests()
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	start := make(chan struct{})
	for i := range calls {
		wg.Go(func() {
			<-start
			mb := mailboxes[i%len(mailboxes)]
			if i%3 == 0 {
				mb = strings.ToUpper(mb) // same mailbox, same cache key
			}
			if _, err := r.Resolve(context.Background(), mb); err != nil {
				errs <- err
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Resolve: %v", err)
	}
	per := map[string]int{}
	for _, req := range srv.Requests() {
		if !strings.HasPrefix(strings.ToLower(req.Path), "/autodiscover/") {
			continue
		}
		mb := req.Path[strings.LastIndex(req.Path, "/")+1:]
		if !strings.Contains(mb, "@") {
			mb = "query-form:" + req.RawQuery
		}
		per[strings.ToLower(mb)]++
	}
	return per
}

func cloudMailboxes(srv *outlooktest.Server, n int) []string {
	var out []string
	for i := range n {
		mb := fmt.Sprintf("user%03d@contoso.com", i)
		srv.AddMailbox(mb, outlooktest.Cloud)
		out = append(out, mb)
	}
	return out
}

// TestOutlooktestColdConcurrentOneRequestPerMailbox is not parallel: it
// opens a hundred TLS connections at once, and on a loaded machine a
// handshake that times out makes the resolver (rightly) try other candidates,
// which would blur the count it checks.
func TestOutlooktestColdConcurrentOneRequestPerMailbox(t *testing.T) {
	srv := newServer(t)
	mailboxes := cloudMailboxes(srv, 100)
	var log syncBuffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := newResolver(t, srv, autodiscover.WithRequestTimeout(time.Minute), autodiscover.WithLogger(logger))
	per := coldConcurrent(t, srv, r, 1000, mailboxes)
	if len(per) != len(mailboxes) {
		t.Errorf("requests for %d distinct mailboxes, want %d: %v", len(per), len(mailboxes), per)
	}
	for mb, n := range per {
		if n != 1 {
			t.Errorf("%s: %d autodiscover requests, want 1", mb, n)
		}
	}
	if t.Failed() {
		for line := range strings.SplitSeq(log.String(), "\n") {
			if strings.Contains(line, "error=") && !strings.Contains(line, "error=<nil>") {
				t.Log(line)
			}
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// BenchmarkColdResolve1000x100 runs 1000 concurrent cold Resolve calls over
// 100 cloud mailboxes of one domain and reports the Autodiscover requests per
// distinct mailbox as the server logged them (target: exactly 1).
func BenchmarkColdResolve1000x100(b *testing.B) {
	srv := newServer(b)
	mailboxes := cloudMailboxes(srv, 100)
	var total, worst int
	for b.Loop() {
		r := newResolver(b, srv, autodiscover.WithRequestTimeout(time.Minute)) // a cold cache each round
		per := coldConcurrent(b, srv, r, 1000, mailboxes)
		if len(per) != len(mailboxes) {
			b.Fatalf("requests for %d mailboxes, want %d", len(per), len(mailboxes))
		}
		for _, n := range per {
			total += n
			worst = max(worst, n)
		}
	}
	b.ReportMetric(float64(total)/float64(b.N*len(mailboxes)), "requests/mailbox")
	b.ReportMetric(float64(worst), "max-requests/mailbox")
}
