package ntlmauth_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/ntlmauth"
	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/outlooktest"
)

const (
	host     = "mail.contoso.com"
	ewsURL   = "https://" + host + "/EWS/Exchange.asmx"
	user     = `CONTOSO\svc-ntlm`
	password = "Ntlm!pass1"
)

// newServer is the fake's on-premises server, whose IIS signs connections
// in with NTLM as Exchange's does.
func newServer(t *testing.T) *outlooktest.Server {
	t.Helper()
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises(host))
	srv.AddAccount(user, password)
	return srv
}

// post sends body to EWS through tr and returns the answer's status, its
// body read and closed.
func post(ctx context.Context, tr http.RoundTripper, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ewsURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// challenges counts the 401s the server answered.
func challenges(srv *outlooktest.Server) (n, all int) {
	for _, r := range srv.Requests() {
		if r.Host == host {
			all++
			if r.Status == http.StatusUnauthorized {
				n++
			}
		}
	}
	return n, all
}

const soap = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>`

// A lane signs in once: its later requests go signed in on its connection,
// one request each, and the password is never refused.
func TestSignsInOncePerLane(t *testing.T) {
	srv := newServer(t)
	tr := ntlmauth.New(srv.Transport(), user, password, 4)
	for i := range 5 {
		st, err := post(t.Context(), tr, []byte(soap))
		if err != nil || st == http.StatusUnauthorized {
			t.Fatalf("request %d: %d, %v", i, st, err)
		}
	}
	if n, all := challenges(srv); n != 1 || all != 6 {
		t.Errorf("%d challenges in %d requests, want 1 in 6 (one handshake, then the requests alone)", n, all)
	}
}

// A body larger than the server reads before it refuses a request goes
// only with the authenticate leg: the handshake keeps its connection.
func TestLargeBody(t *testing.T) {
	srv := newServer(t)
	tr := ntlmauth.New(srv.Transport(), user, password, 2)
	big := []byte(strings.Replace(soap, "<s:Body/>", "<s:Body>"+strings.Repeat("x", 3<<20)+"</s:Body>", 1))
	if st, err := post(t.Context(), tr, big); err != nil || st == http.StatusUnauthorized {
		t.Fatalf("%d, %v", st, err)
	}
	if n, all := challenges(srv); n != 1 || all != 2 {
		t.Errorf("%d challenges in %d requests, want 1 in 2", n, all)
	}
}

// A wrong password is refused once per request (a domain counts each
// failed logon toward locking the account out), the refusal is the
// caller's answer, and the lane is free again.
func TestWrongPassword(t *testing.T) {
	srv := newServer(t)
	tr := ntlmauth.New(srv.Transport(), user, "wrong", 1)
	for i := range 2 {
		srv.ResetRequests()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		st, err := post(ctx, tr, []byte(soap))
		cancel()
		if err != nil || st != http.StatusUnauthorized {
			t.Fatalf("try %d: %d, %v; want 401", i, st, err)
		}
		if _, all := challenges(srv); all != 2 {
			t.Errorf("try %d: %d requests, want 2 (negotiate, authenticate)", i, all)
		}
	}
}

// A connection signed in that is gone (closed idle) is replaced by one
// signed in anew, the request sent again: the caller sees no 401.
func TestConnectionLost(t *testing.T) {
	srv := newServer(t)
	tr := ntlmauth.New(srv.Transport(), user, password, 1)
	if st, err := post(t.Context(), tr, []byte(soap)); err != nil || st == http.StatusUnauthorized {
		t.Fatalf("%d, %v", st, err)
	}
	tr.CloseIdleConnections()
	if st, err := post(t.Context(), tr, []byte(soap)); err != nil || st == http.StatusUnauthorized {
		t.Fatalf("after the connection closed: %d, %v", st, err)
	}
	if n, _ := challenges(srv); n != 3 {
		t.Errorf("%d 401s, want 3 (the first handshake; the new connection's refusal and its handshake)", n)
	}
}

// Many goroutines share the lanes: every request is signed in, never a
// handshake interleaved with another's, and each lane signs in at most
// once.
func TestConcurrent(t *testing.T) {
	srv := newServer(t)
	const lanes = 4
	tr := ntlmauth.New(srv.Transport(), user, password, lanes)
	var wg sync.WaitGroup
	errs := make(chan error, 32*5)
	for g := range 32 {
		wg.Go(func() {
			for i := range 5 {
				if st, err := post(t.Context(), tr, []byte(soap)); err != nil || st == http.StatusUnauthorized {
					errs <- fmt.Errorf("goroutine %d, request %d: %d, %v", g, i, st, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, _ := challenges(srv); n > lanes {
		t.Errorf("%d handshakes over %d lanes", n, lanes)
	}
}

// A request waiting for a lane gives up with its context, its body closed;
// a lane comes back when its answer is closed.
func TestWaitForLane(t *testing.T) {
	srv := newServer(t)
	tr := ntlmauth.New(srv.Transport(), user, password, 1)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ewsURL, strings.NewReader(soap))
	held, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	body := &closeRecorder{Reader: strings.NewReader(soap)}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, ewsURL, body)
	if _, err := tr.RoundTrip(req); !errors.Is(err, context.DeadlineExceeded) || !body.closed {
		t.Fatalf("waiting: %v, body closed %v", err, body.closed)
	}
	held.Body.Close()
	if st, err := post(t.Context(), tr, []byte(soap)); err != nil || st == http.StatusUnauthorized {
		t.Fatalf("after the lane came back: %d, %v", st, err)
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// stub answers each leg with answer and records what it was sent.
type stub struct {
	answer func(req *http.Request) *http.Response
	mu     sync.Mutex
	auth   []string
	bodies []int
}

func (s *stub) RoundTrip(req *http.Request) (*http.Response, error) {
	n := 0
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body.Close()
		n = len(b)
	}
	s.mu.Lock()
	s.auth = append(s.auth, req.Header.Get("Authorization"))
	s.bodies = append(s.bodies, n)
	s.mu.Unlock()
	resp := s.answer(req)
	resp.Request = req
	return resp, nil
}

func unauthorized(values ...string) *http.Response {
	h := http.Header{}
	for _, v := range values {
		h.Add("WWW-Authenticate", v)
	}
	return &http.Response{StatusCode: http.StatusUnauthorized, Header: h, Body: io.NopCloser(strings.NewReader(strings.Repeat("<html>401</html>", 100)))}
}

// challengeMessage is a minimal NTLM CHALLENGE (MS-NLMP 2.2.1.2): no
// target name, an empty target information list, the usual flags.
func challengeMessage() string {
	b := []byte("NTLMSSP\x00")
	b = binary.LittleEndian.AppendUint32(b, 2)
	b = append(b, 0, 0, 0, 0, 56, 0, 0, 0) // TargetName: empty, at 56
	b = binary.LittleEndian.AppendUint32(b, 0x00000001|0x00000200|0x00080000|0x00800000|0x02000000|0x20000000|0x80000000)
	b = append(b, 1, 2, 3, 4, 5, 6, 7, 8)  // ServerChallenge
	b = append(b, make([]byte, 8)...)      // Reserved
	b = append(b, 4, 0, 4, 0, 56, 0, 0, 0) // TargetInfo: 4 bytes at 56
	b = append(b, 10, 0, 0x61, 0x4a, 0, 0, 0, 15)
	b = append(b, 0, 0, 0, 0) // MsvAvEOL
	return base64.StdEncoding.EncodeToString(b)
}

// A server that offers only Negotiate gets the handshake in it; the
// negotiate leg carries no body; the intermediate 401s, bodies and all,
// are read and closed so that their connection carries the next leg.
func TestNegotiateOnly(t *testing.T) {
	s := &stub{answer: func(req *http.Request) *http.Response {
		a := req.Header.Get("Authorization")
		switch {
		case strings.HasPrefix(a, "Negotiate TlRMTVNTUAAB"):
			return unauthorized("Negotiate " + challengeMessage())
		case strings.HasPrefix(a, "Negotiate TlRMTVNTUAAD"):
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody}
		}
		return unauthorized("Negotiate")
	}}
	tr := ntlmauth.New(s, user, password, 1)
	if st, err := post(t.Context(), tr, []byte(soap)); err != nil || st != http.StatusOK {
		t.Fatalf("%d, %v", st, err)
	}
	if len(s.auth) != 3 || !strings.HasPrefix(s.auth[0], "NTLM ") || !strings.HasPrefix(s.auth[1], "Negotiate ") || s.bodies[0] != 0 || s.bodies[1] != 0 || s.bodies[2] != len(soap) {
		t.Errorf("legs %q, bodies %v", s.auth, s.bodies)
	}
}

// Hostile challenges fail the request with an error or the server's 401,
// never a panic, and the password never travels: not in the clear, not in
// Basic, whatever the server offers.
func FuzzChallenge(f *testing.F) {
	for _, s := range []string{"NTLM", "NTLM !!!", "NTLM " + base64.StdEncoding.EncodeToString([]byte("NTLMSSP\x00\x02\x00\x00\x00")), "Negotiate AAAA", `Basic realm="x"`, "NTLM TlRMTVNTUAACAAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, challenge string) {
		s := &stub{answer: func(*http.Request) *http.Response { return unauthorized(challenge, `Basic realm="mail"`) }}
		tr := ntlmauth.New(s, user, password, 1)
		st, err := post(context.Background(), tr, []byte(soap))
		if err == nil && st != http.StatusUnauthorized {
			t.Fatalf("status %d", st)
		}
		if err != nil && strings.Contains(err.Error(), password) {
			t.Fatalf("the error holds the password: %v", err)
		}
		basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
		for _, a := range s.auth {
			if strings.Contains(a, password) || strings.Contains(a, basic) || strings.HasPrefix(strings.ToLower(a), "basic") {
				t.Fatalf("a leg carried %q", a)
			}
		}
		if len(s.auth) > 8 {
			t.Fatalf("%d legs for one request", len(s.auth))
		}
	})
}

// wrapper is a caller's RoundTripper around the fake's transport, as an
// instrumented client has.
type wrapper struct{ next http.RoundTripper }

func (w wrapper) RoundTrip(req *http.Request) (*http.Response, error) { return w.next.RoundTrip(req) }

// Over a RoundTripper that cannot be pinned to a connection, requests go
// one at a time, so that concurrent callers never interleave legs, and
// the connection signed in is reused from the pool.
func TestWrappedTransport(t *testing.T) {
	srv := newServer(t)
	tr := ntlmauth.New(wrapper{srv.Transport()}, user, password, 8)
	var wg sync.WaitGroup
	errs := make(chan error, 16*3)
	for g := range 16 {
		wg.Go(func() {
			for i := range 3 {
				if st, err := post(t.Context(), tr, []byte(soap)); err != nil || st == http.StatusUnauthorized {
					errs <- fmt.Errorf("goroutine %d, request %d: %d, %v", g, i, st, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, all := challenges(srv); n != 1 || all != 16*3+1 {
		t.Errorf("%d challenges in %d requests, want 1 in %d", n, all, 16*3+1)
	}
}

// A hanging request (an EWS stream, open for minutes) signs in a lane of
// its own: the account's lanes stay free for the other requests.
func TestHangingRequestTakesNoLane(t *testing.T) {
	srv := newServer(t)
	tr := ntlmauth.New(srv.Transport(), user, password, 1)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ewsURL, strings.NewReader(soap))
	held, err := tr.RoundTrip(transport.MarkHanging(req))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Body.Close()
	if held.StatusCode == http.StatusUnauthorized {
		t.Fatal("the hanging request was not signed in")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if st, err := post(ctx, tr, []byte(soap)); err != nil || st == http.StatusUnauthorized {
		t.Fatalf("beside a hanging request: %d, %v", st, err)
	}
}
