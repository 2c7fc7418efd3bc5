package outlook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// BenchmarkMailboxCached measures Client.Mailbox for a mailbox already
// located: no network, and (design.md section 10) under a microsecond with
// no allocation.
func BenchmarkMailboxCached(b *testing.B) {
	srv := hybrid(b)
	c := hybridClient(b, srv, outlook.EWS)
	ctx := context.Background()
	if _, err := c.Mailbox(ctx, "bob@contoso.com"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Mailbox(ctx, "bob@contoso.com"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMailboxCachedDoesNotAllocate(t *testing.T) {
	srv := hybrid(t)
	c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret))
	ctx := context.Background()
	if _, err := c.Mailbox(ctx, "alice@contoso.com"); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() { c.Mailbox(ctx, "alice@contoso.com") }); n != 0 {
		t.Errorf("cached Mailbox allocates %v times", n)
	}
	// An on-premises mailbox served through EWS, signed in as an account.
	srv.AddMailbox(carol, outlooktest.OnPremises(ewsFab))
	newEWSHost(t, srv, ewsFab, "NTLM")
	c = newClient(t, srv, outlook.OnPremisesAccount(svcUser, svcPass))
	if _, err := c.Mailbox(ctx, carol); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() { c.Mailbox(ctx, carol) }); n != 0 {
		t.Errorf("cached Mailbox of an EWS mailbox allocates %v times", n)
	}
}

// TestColdMailboxesOneDiscoveryEach makes 1000 concurrent Mailbox calls for
// 100 mailboxes of one domain on a cold client: each mailbox is discovered
// with exactly one Autodiscover request, whether the client keeps every
// handle or only 10 of them.
func TestColdMailboxesOneDiscoveryEach(t *testing.T) {
	for _, size := range []int{outlook.DefaultMailboxCacheSize, 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			t.Parallel()
			srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
			t.Cleanup(srv.Close)
			for i := range 100 {
				srv.AddMailbox(fmt.Sprintf("user%d@fabrikam.com", i), outlooktest.Cloud)
			}
			srv.ResetRequests()
			c := newClient(t, srv, outlook.ClientSecret("fabrikam.com", appID, secret), outlook.WithMailboxCacheSize(size))
			var wg sync.WaitGroup
			errs := make(chan error, 1000)
			for i := range 1000 {
				wg.Go(func() {
					_, err := c.Mailbox(t.Context(), fmt.Sprintf("user%d@fabrikam.com", i%100))
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
			per := map[string]int{}
			for _, r := range srv.Requests() {
				if r.Host == "autodiscover-s.outlook.com" {
					per[r.Path+"?"+r.RawQuery]++
				}
			}
			if len(per) != 100 {
				t.Errorf("%d distinct autodiscover requests, want 100", len(per))
			}
			for k, n := range per {
				if n != 1 {
					t.Errorf("%s asked %d times", k, n)
				}
			}
			if cached, _ := c.MailboxCacheCounts(); cached > size {
				t.Errorf("%d handles cached, more than %d", cached, size)
			}
		})
	}
}

// 1000 concurrent Mailbox calls for 100 on-premises mailboxes of one
// server, routed to EWS: each mailbox is discovered once (Exchange
// Online's redirect, then the server's own answer) and the server is
// probed once, however many callers wait.
func TestColdOnPremisesMailboxesOneDiscoveryEach(t *testing.T) {
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	for i := range 100 {
		srv.AddMailbox(fmt.Sprintf("user%d@fabrikam.com", i), outlooktest.OnPremises(ewsFab))
	}
	h := newEWSHost(t, srv, ewsFab, "Negotiate", "NTLM")
	srv.ResetRequests()
	c := newClient(t, srv, outlook.OnPremisesAccount(svcUser, svcPass))
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for i := range 1000 {
		wg.Go(func() {
			mb, err := c.Mailbox(t.Context(), fmt.Sprintf("user%d@fabrikam.com", i%100))
			if err == nil && mb.Route().API != outlook.EWS {
				err = fmt.Errorf("route %v", mb.Route())
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
	per := map[string]int{}
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Host, "autodiscover") {
			per[r.Host+r.Path+"?"+r.RawQuery]++
		}
	}
	if len(per) != 200 {
		t.Errorf("%d distinct Autodiscover requests, want 200 (Exchange Online's and the domain's, for each mailbox)", len(per))
	}
	for k, n := range per {
		if n != 1 {
			t.Errorf("%s asked %d times", k, n)
		}
	}
	if got := len(h.requests()); got != 1 {
		t.Errorf("the EWS host was probed %d times, want once", got)
	}
}

// BenchmarkParallelGET measures the throughput of 32 goroutines making
// small GETs through the whole client (token, transport, per-mailbox limit,
// URL building, decoding) against plain net/http with encoding/json, on one
// connection pool and one in-process TLS server, in two arms: the
// goroutines spread over 8 mailboxes (4 each, the per-mailbox limit: what
// the client itself costs), and all on one mailbox (28 of them wait for one
// of its 4 slots at any time: what hammering one mailbox costs, by design,
// since Exchange throttles a mailbox above 4 requests in flight). The three
// runs alternate in rotating order within each iteration, so that a shared
// machine's noise falls on all alike; the ratios are throughputs relative to
// plain net/http (1 is as fast, higher is faster).
func BenchmarkParallelGET(b *testing.B) {
	const (
		goroutines = 32
		mailboxes  = 8
		perRound   = goroutines * 16
		// serviceTime stands for the server's work and the network: what
		// requests in flight overlap, and what a goroutine waiting for a
		// mailbox's slot waits out. (Exchange takes tens of milliseconds.)
		serviceTime = time.Millisecond
	)
	body := []byte(`{"id":"AAMkAGI2THVSAAA=","subject":"Quarterly numbers","isRead":false}`)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(serviceTime)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	hc := srv.Client()
	hc.Transport.(*http.Transport).MaxIdleConnsPerHost = 2 * goroutines
	c, err := outlook.NewClient(outlook.StaticToken("tok"), outlook.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	boxes := make([]*outlook.Mailbox, mailboxes)
	for i := range boxes {
		boxes[i], err = c.MailboxAt(b.Context(), autodiscover.Endpoint{Mailbox: fmt.Sprintf("user%d@contoso.com", i),
			URL: srv.URL + "/v1.0", Resource: srv.URL, API: autodiscover.APIGraph, Location: autodiscover.LocationExchangeOnline})
		if err != nil {
			b.Fatal(err)
		}
	}
	type message struct {
		ID      string `json:"id"`
		Subject string `json:"subject"`
	}
	path := odata.PathOf("messages/{}", "AAMkAGI2THVSAAA=")
	plain := func(ctx context.Context, i int) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/v1.0/users/user%d@contoso.com/messages/AAMkAGI2THVSAAA=", srv.URL, i%mailboxes), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var m message
		return json.NewDecoder(resp.Body).Decode(&m)
	}
	sdk := func(box func(i int) *outlook.Mailbox) func(context.Context, int) error {
		return func(ctx context.Context, i int) error {
			_, err := odata.Get[message](ctx, box(i).OData(), path, nil)
			return err
		}
	}
	arms := []func(context.Context, int) error{
		plain,
		sdk(func(i int) *outlook.Mailbox { return boxes[i%mailboxes] }), // spread
		sdk(func(int) *outlook.Mailbox { return boxes[0] }),             // one mailbox
	}
	var total [3]time.Duration
	round := func(arm int) {
		start := time.Now()
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for range perRound / goroutines {
					if err := arms[arm](b.Context(), g); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		total[arm] += time.Since(start)
	}
	n := 0
	for b.Loop() {
		for k := range arms {
			round((n + k) % len(arms))
		}
		n++
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(n*perRound) }
	b.ReportMetric(per(total[0]), "plain-ns/req")
	b.ReportMetric(per(total[1]), "spread-ns/req")
	b.ReportMetric(per(total[2]), "one-mailbox-ns/req")
	b.ReportMetric(float64(total[0])/float64(total[1]), "spread/plain")
	b.ReportMetric(float64(total[0])/float64(total[2]), "one-mailbox/plain")
}
