package soak

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/outlooktest"
)

// location is one place the SDK serves a mailbox from, and the host whose
// requests the storm hits.
type location struct {
	name  string
	place outlooktest.Location // where the case's mailboxes live
	host  string               // the host serving them, which the storm hits
	// server are the fake's options the location needs; nil when none.
	server []outlooktest.Option
	// signIn readies the fake for the client to reach the case's
	// mailboxes there and returns the client's options for it (on top of
	// the case's app-only credential, HTTP client and retry policy); nil
	// when none.
	signIn func(srv *outlooktest.Server, mailboxes []string) []outlook.Option
	// connAuth is set where sign-in is by connection (NTLM): the SDK pins
	// requests to connections only over an *http.Transport, so the client
	// gets the fake's own and the answers lost after the server acted on
	// them are lost there (a DropAfterHeaders share), not by lostAnswers.
	connAuth bool
}

// locations are the SDK's locations, one row each; every case runs in
// each.
var locations = []location{
	{name: "graph", place: outlooktest.Cloud, host: "graph.microsoft.com"},
	// On premises over REST v2.0 the cases sign in app-only too, with
	// tokens the SDK would not mint there (Microsoft does not support them)
	// and Exchange Server refuses unless reconfigured: the fake is told to
	// accept them.
	{name: "restv2", place: outlooktest.OnPremises("mail.contoso.com"), host: "mail.contoso.com",
		server: []outlooktest.Option{outlooktest.WithAppOnlyOnPremises()}, signIn: appOnlyRESTv2},
	// EWS, the default API of on-premises mailboxes, with a service account
	// impersonating the mailboxes over NTLM. The storm is scoped by host
	// alone, so it reaches /EWS/Exchange.asmx as the REST paths, and the
	// handshakes' legs meet it too.
	{name: "ews", place: outlooktest.OnPremises("mail.contoso.com"), host: "mail.contoso.com", signIn: serviceAccount, connAuth: true},
}

// appOnlyRESTv2 reaches on-premises mailboxes through REST v2.0 with
// app-only tokens of the fake's issuer (servicetest.AppOnlyOnPremises).
func appOnlyRESTv2(srv *outlooktest.Server, _ []string) []outlook.Option {
	return []outlook.Option{outlook.WithOnPremisesCredential(servicetest.AppOnlyOnPremises(srv)), outlook.WithOnPremisesAPI(outlook.RESTv2)}
}

// serviceAccount reaches on-premises mailboxes through EWS (the default)
// as a service account with the ApplicationImpersonation role on them,
// as a daemon does on premises.
func serviceAccount(srv *outlooktest.Server, mailboxes []string) []outlook.Option {
	const user, password = `CONTOSO\svc-soak`, "soak-Passw0rd"
	srv.AddAccount(user, password)
	srv.GrantImpersonation(user, mailboxes...)
	return []outlook.Option{outlook.WithOnPremisesCredential(outlook.OnPremisesAccount(user, password))}
}

// cases are the suite's cases; TestSoak runs each in every location.
var cases = []struct {
	name string
	run  func(t *testing.T, loc location)
}{
	{"list", listCase},
	{"send", sendCase},
	{"sync", syncCase},
	{"crowd", crowdCase},
}

// TestSoak runs every case in every location, all at once: the cases spend
// most of their time waiting out Retry-After, so the suite lasts as long
// as its longest case, whatever go test's -parallel says (subtests started
// from goroutines run at once, without taking -parallel's slots).
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped in -short mode")
	}
	t.Parallel()
	var wg sync.WaitGroup
	for _, c := range cases {
		wg.Go(func() {
			t.Run(c.name, func(t *testing.T) {
				var wg sync.WaitGroup
				for _, loc := range locations {
					wg.Go(func() { t.Run(loc.name, func(t *testing.T) { c.run(t, loc) }) })
				}
				wg.Wait()
			})
		})
	}
	wg.Wait()
}

// defaultSeed is the storm every run replays unless OUTLOOK_SOAK_SEED
// names another.
const defaultSeed = 16

var stormSeed = sync.OnceValues(func() (uint64, error) {
	v := os.Getenv("OUTLOOK_SOAK_SEED")
	if v == "" {
		return defaultSeed, nil
	}
	s, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("OUTLOOK_SOAK_SEED=%q: %w", v, err)
	}
	return s, nil
})

// seedOf returns the run's storm seed and makes every failure of t name
// it, with the command that replays it.
func seedOf(t *testing.T) uint64 {
	t.Helper()
	seed, err := stormSeed()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("storm seed %d: replay with OUTLOOK_SOAK_SEED=%d go test -race -run '^%s$' ./internal/soak",
				seed, seed, strings.ReplaceAll(t.Name(), "/", "$/^"))
		}
	})
	return seed
}

// The storm's shares of the requests at the mailboxes' host: each request
// meets at most one of them.
var storm = []stormFault{
	{outlooktest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}, 0.20}, // the smallest Retry-After HTTP can say
	{outlooktest.Fault{Status: http.StatusServiceUnavailable}, 0.05},
	{outlooktest.Fault{DropBeforeBody: true}, 0.01},
	{outlooktest.Fault{DropAfterHeaders: true}, 0.01},
	{outlooktest.Fault{TruncateBody: true}, 0.01},
	{outlooktest.Fault{ShortBody: true}, 0.01},
}

// stormFault is a fault and the share of the requests it acts on.
type stormFault struct {
	fault outlooktest.Fault
	share float64
}

// lostShare is the share of the requests that reach the server, are acted
// on, and whose answer the client never gets (lostAnswers).
const lostShare = 0.01

// retry is the client's policy in the storm: enough attempts that a
// request meeting faults 29% of the time almost never runs out (0.29^12 is
// 4e-7), backoffs small so that the suite runs in seconds.
var retry = outlook.RetryPolicy{MaxAttempts: 12, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond}

// env is one case in one location: a fake tenant, a client and the storm.
type env struct {
	t      *testing.T
	loc    location
	seed   uint64
	srv    *outlooktest.Server
	client *outlook.Client
	lost   *lostAnswers
	rng    *rand.Rand // the case's choices (kill points, edits), from the seed
	start  time.Time
	delay  time.Duration // added to the answers the storm spares (delayBy)
}

const appID = "5f1d5a5e-16a1-4b7e-9c1a-16a16a16a16a"

// newEnv starts a fake tenant with the mailboxes addrs in loc and a client
// for it; the storm starts with env.storm.
func newEnv(t *testing.T, loc location, addrs ...string) *env {
	t.Helper()
	seed := seedOf(t)
	srv := outlooktest.NewServer(append([]outlooktest.Option{outlooktest.WithFaultSeed(seed)}, loc.server...)...)
	t.Cleanup(srv.Close)
	for _, a := range addrs {
		srv.AddMailbox(a, loc.place)
	}
	lost := &lostAnswers{next: srv.Transport(), host: loc.host, seed: seed, draws: map[string]int{}}
	var rt http.RoundTripper = lost
	if loc.connAuth {
		rt = srv.Transport()
	}
	opts := []outlook.Option{outlook.WithHTTPClient(&http.Client{Transport: rt}), outlook.WithRetry(retry)}
	if loc.signIn != nil {
		opts = append(opts, loc.signIn(srv, addrs)...)
	}
	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "s"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New64a()
	h.Write([]byte(t.Name()))
	return &env{t: t, loc: loc, seed: seed, srv: srv, client: c, lost: lost, rng: rand.New(rand.NewPCG(seed, h.Sum64()))}
}

// stormOn starts the storm on the location's host, on requests of the
// methods given (all when none), from a clean request log, and reports its
// figures when the case ends.
func (e *env) stormOn(methods ...string) {
	if len(methods) == 0 {
		methods = []string{""}
	}
	faults := storm
	if e.loc.connAuth {
		faults = append(slices.Clone(storm), stormFault{outlooktest.Fault{DropAfterHeaders: true}, lostShare})
	}
	for _, m := range methods {
		left := 1.0
		for _, s := range faults {
			f := s.fault
			f.Host, f.Method, f.Rate = e.loc.host, m, s.share/left // the share of what the faults before it spared
			left -= s.share
			e.srv.Inject(f)
		}
	}
	e.lost.methods = methods
	share := lostShare
	if e.loc.connAuth {
		share = 0
	}
	e.lost.rate.Store(uint64(share * (1 << 53)))
	e.srv.ResetRequests()
	e.start = time.Now()
	e.t.Cleanup(func() { e.t.Logf("storm: %s", e.figures()) })
}

// figures sums up what the storm did to the requests at the host.
func (e *env) figures() string {
	var n, throttled, unavailable, dropped, cut int
	for _, r := range e.srv.Requests() {
		if r.Host != e.loc.host || !slices.Contains(e.lost.methods, "") && !slices.Contains(e.lost.methods, r.Method) {
			continue // not in the storm
		}
		n++
		switch {
		case !r.FaultApplied:
		case r.Status == http.StatusTooManyRequests:
			throttled++
		case r.Status == http.StatusServiceUnavailable:
			unavailable++
		case r.Status == 0:
			dropped++
		default: // the answer cut after the headers, half way or with a short length
			cut++
		}
	}
	cuts := fmt.Sprintf("answers cut: %d", cut)
	if e.delay > 0 {
		cuts = fmt.Sprintf("answers cut or delayed %v: %d", e.delay, cut) // the log does not tell them apart
	}
	return fmt.Sprintf("%d attempts at %s in %v (429: %d, 503: %d, dropped before the answer: %d, %s, answers lost: %d); seed %d",
		n, e.loc.host, time.Since(e.start).Round(time.Millisecond), throttled, unavailable, dropped, cuts, e.lost.n.Load(), e.seed)
}

// lostAnswers is the client's side of a connection that breaks after the
// server acted on a request and before its answer arrived: the request is
// sent and answered, and the client gets a connection reset instead. It
// acts on a share of the requests to host, drawn as outlooktest draws its
// faults (by the seed, the request and how often the same request was sent
// before), so that a run replays however goroutines interleave.
type lostAnswers struct {
	next    http.RoundTripper
	host    string
	seed    uint64
	rate    atomic.Uint64 // the share acted on, in units of 2^-53; 0 until the storm starts
	methods []string      // the methods acted on ("": all); set before rate
	n       atomic.Int64  // answers lost

	mu    sync.Mutex
	draws map[string]int
}

func (l *lostAnswers) RoundTrip(req *http.Request) (*http.Response, error) {
	rate := l.rate.Load()
	if rate == 0 || !strings.EqualFold(req.URL.Hostname(), l.host) || !slices.Contains(l.methods, "") && !slices.Contains(l.methods, req.Method) {
		return l.next.RoundTrip(req)
	}
	key := req.Method + " " + req.URL.String()
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		key += "\n" + string(body)
	}
	l.mu.Lock()
	n := l.draws[key]
	l.draws[key] = n + 1
	l.mu.Unlock()
	resp, err := l.next.RoundTrip(req)
	if err != nil || draw(l.seed, key, n) >= rate {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	l.n.Add(1)
	return nil, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
}

// draw is a number in [0, 2^53) fixed by its arguments.
func draw(seed uint64, key string, n int) uint64 {
	h := fnv.New64a()
	var b [16]byte
	binary.LittleEndian.PutUint64(b[0:], seed)
	binary.LittleEndian.PutUint64(b[8:], uint64(n))
	h.Write(b[:])
	h.Write([]byte(key))
	x := h.Sum64()
	x ^= x >> 30 // splitmix64's finaliser: FNV's low bits are weak on short keys
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x >> 11
}
