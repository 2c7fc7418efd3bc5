// Package ntlmauth signs HTTP requests in with NTLM to a server that takes
// Windows authentication, as IIS does in front of Exchange's EWS.
//
// NTLM authenticates a connection, not a request, over three legs
// (negotiate, challenge, authenticate). A shared connection pool breaks
// it: between two legs the connection goes back to the pool and another
// request takes it, and the server answers the interleaved legs with 401.
// So the Transport sends each request down one of a few lanes, each its
// own HTTP/1.1 connection that nothing else uses while a request is in
// flight, and a lane signs in once and stays signed in.
//
// The negotiate leg goes without the request's body, as curl sends it: a
// server that refuses a large body before reading it closes the connection
// with its 401, and the challenge would be lost with it. Only the
// authenticate leg, which the server answers, carries the body.
package ntlmauth

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"

	"github.com/Azure/go-ntlmssp"

	"github.com/exchangekit/outlook/internal/transport"
)

// Transport is an http.RoundTripper that signs every request in as one
// Windows account. It is safe for concurrent use.
type Transport struct {
	user, password string
	base           *http.Transport // nil when base cannot be pinned
	lanes          []*lane
	// tokens holds one token per lane not in use; idle the lanes not in
	// use, the last one given back on top, so that a lane signed in is
	// taken before one that would need a handshake.
	tokens chan struct{}
	mu     sync.Mutex
	idle   []*lane
}

// lane is one connection's worth of transport. Its fields are used only by
// the request holding the lane.
type lane struct {
	rt     http.RoundTripper
	authed bool
	scheme string // what the server took last: "NTLM" or "Negotiate"
}

// New returns a Transport of n lanes over base, signing in as user
// ("DOMAIN\user" or "user@domain") with password. Each lane is a clone of
// base limited to one HTTP/1.1 connection (IIS refuses Windows
// authentication over HTTP/2); base is left as it is.
//
// A base that is not an *http.Transport (a caller's wrapper) cannot be
// pinned to a connection: it gets one lane, so that requests go one at a
// time and each finds the connection the last one signed in, as a
// keep-alive pool hands back its one idle connection.
func New(base http.RoundTripper, user, password string, n int) *Transport {
	n = max(n, 1)
	if _, ok := base.(*http.Transport); !ok {
		n = 1
	}
	t := &Transport{user: user, password: password, tokens: make(chan struct{}, n)}
	t.base, _ = base.(*http.Transport)
	for range n {
		l := &lane{rt: base}
		if t.base != nil {
			l.rt = t.pinned()
		}
		t.lanes = append(t.lanes, l)
		t.idle = append(t.idle, l)
		t.tokens <- struct{}{}
	}
	return t
}

// pinned returns a clone of the base transport limited to one HTTP/1.1
// connection: a lane.
func (t *Transport) pinned() *http.Transport {
	cp := t.base.Clone()
	var p http.Protocols
	p.SetHTTP1(true)
	cp.Protocols = &p
	cp.TLSNextProto = nil
	cp.ForceAttemptHTTP2 = false
	cp.MaxConnsPerHost, cp.MaxIdleConnsPerHost = 1, 1
	return cp
}

// CloseIdleConnections closes the idle connections of every lane.
func (t *Transport) CloseIdleConnections() {
	type closer interface{ CloseIdleConnections() }
	for _, l := range t.lanes {
		if c, ok := l.rt.(closer); ok {
			c.CloseIdleConnections()
		}
	}
}

// RoundTrip waits for a free lane, sends req down it signed in, and holds
// the lane until the answer's body is read to its end or closed: the
// connection is busy until then.
//
// A request marked with transport.MarkHanging (an EWS GetStreamingEvents,
// whose answer lasts up to 30 minutes) takes none of the lanes: it gets a
// lane of its own, signed in for it and closed with its answer, so that
// streams never starve the account's other requests. Over a base that
// cannot be pinned to a connection it takes the one lane, as any request.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.base != nil && transport.IsHanging(req) {
		l := &lane{rt: t.pinned()}
		resp, err := t.send(l, req)
		if err != nil {
			l.rt.(*http.Transport).CloseIdleConnections()
			return nil, err
		}
		resp.Body = &laneBody{ReadCloser: resp.Body, release: l.rt.(*http.Transport).CloseIdleConnections}
		return resp, nil
	}
	select {
	case <-t.tokens:
	case <-req.Context().Done():
		closeBody(req)
		return nil, req.Context().Err()
	}
	t.mu.Lock()
	l := t.idle[len(t.idle)-1]
	t.idle = t.idle[:len(t.idle)-1]
	t.mu.Unlock()
	resp, err := t.send(l, req)
	if err != nil {
		t.release(l)
		return nil, err
	}
	resp.Body = &laneBody{ReadCloser: resp.Body, release: func() { t.release(l) }}
	return resp, nil
}

func (t *Transport) release(l *lane) {
	t.mu.Lock()
	t.idle = append(t.idle, l)
	t.mu.Unlock()
	t.tokens <- struct{}{}
}

// send sends req down l: as it is on a lane signed in, with a handshake on
// one that is not or whose connection the server no longer knows.
func (t *Transport) send(l *lane, req *http.Request) (*http.Response, error) {
	body, err := replayable(req)
	if err != nil {
		return nil, err
	}
	if l.authed {
		resp, err := l.rt.RoundTrip(withBody(req, body))
		if err != nil {
			l.authed = false
			return nil, err
		}
		if resp.StatusCode != http.StatusUnauthorized || offered(resp.Header) == "" {
			return resp, nil
		}
		// The connection signed in is gone (the server closed it, or it
		// timed out idle): sign the new one in.
		discard(resp)
		l.authed = false
	}
	return t.handshake(l, req, body)
}

// handshake signs l's connection in and sends req on it.
func (t *Transport) handshake(l *lane, req *http.Request, body func() (io.ReadCloser, error)) (*http.Response, error) {
	scheme := l.scheme
	if scheme == "" {
		scheme = "NTLM"
	}
	switched, lost := false, 0
	for {
		neg, err := ntlmssp.NewNegotiateMessage("", "")
		if err != nil {
			return nil, fmt.Errorf("ntlmauth: %w", err)
		}
		var negConn, authConn net.Conn
		r := traced(req, &negConn)
		r.Body, r.GetBody, r.ContentLength = http.NoBody, nil, 0
		r.Header.Set("Authorization", scheme+" "+base64.StdEncoding.EncodeToString(neg))
		resp, err := l.rt.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusUnauthorized {
			// Not a challenge: a front end's refusal (429, 503) the caller's
			// retry policy reads, as it would the request's own. The
			// request itself was not sent: its body never went.
			return resp, nil
		}
		challenge := token(resp.Header, scheme)
		if challenge == nil {
			// The scheme was not taken. IIS may offer only one of the two:
			// try the other once; else the server's 401 is the answer.
			if other := offered(resp.Header); other != "" && other != scheme && !switched {
				discard(resp)
				scheme, switched = other, true
				continue
			}
			return resp, nil
		}
		if !discard(resp) && lost < maxLost {
			// The challenge's connection broke as it came: it is lost with
			// it, and the authenticate leg would be refused.
			lost++
			continue
		}
		auth, err := ntlmssp.NewAuthenticateMessage(challenge, t.user, t.password, nil)
		if err != nil {
			return nil, fmt.Errorf("ntlmauth: the server's NTLM challenge: %w", err)
		}
		r = withBody(traced(req, &authConn), body)
		r.Header.Set("Authorization", scheme+" "+base64.StdEncoding.EncodeToString(auth))
		resp, err = l.rt.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && authConn != negConn && lost < maxLost {
			// The authenticate leg went on another connection than the
			// challenge came on (the first closed between the legs), which
			// knows no challenge: not a refusal of the password, so sign in
			// again rather than count a failed logon against the account.
			discard(resp)
			lost++
			continue
		}
		if resp.StatusCode != http.StatusUnauthorized {
			l.authed, l.scheme = true, scheme
		}
		return resp, nil
	}
}

// maxLost is how many times a handshake starts again after losing its
// connection between legs.
const maxLost = 2

// traced returns a clone of req that records the connection it goes on.
func traced(req *http.Request, conn *net.Conn) *http.Request {
	ctx := httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) { *conn = i.Conn },
	})
	return req.Clone(ctx)
}

// replayable returns a function giving req's body afresh for each leg that
// carries it. It takes req.Body: the caller's request is not sent as it is.
func replayable(req *http.Request) (func() (io.ReadCloser, error), error) {
	if req.Body == nil || req.Body == http.NoBody {
		return func() (io.ReadCloser, error) { return http.NoBody, nil }, nil
	}
	if req.GetBody != nil {
		req.Body.Close()
		return req.GetBody, nil
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("ntlmauth: reading the request's body: %w", err)
	}
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, nil
}

// withBody returns a clone of req carrying a fresh copy of its body.
func withBody(req *http.Request, body func() (io.ReadCloser, error)) *http.Request {
	r := req.Clone(req.Context())
	b, err := body()
	if err != nil {
		b = io.NopCloser(errReader{err})
	}
	r.Body, r.GetBody = b, nil
	r.Header.Del("Authorization")
	return r
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// offered returns the Windows scheme a 401 offers, NTLM before Negotiate,
// "" when it offers neither.
func offered(h http.Header) string {
	var neg bool
	for _, v := range h.Values("WWW-Authenticate") {
		s, _, _ := strings.Cut(strings.TrimSpace(v), " ")
		switch {
		case strings.EqualFold(s, "NTLM"):
			return "NTLM"
		case strings.EqualFold(s, "Negotiate"):
			neg = true
		}
	}
	if neg {
		return "Negotiate"
	}
	return ""
}

// token returns the challenge a 401 carries for scheme, nil when none.
func token(h http.Header, scheme string) []byte {
	for _, v := range h.Values("WWW-Authenticate") {
		s, tok, ok := strings.Cut(strings.TrimSpace(v), " ")
		if !ok || !strings.EqualFold(s, scheme) {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(tok))
		if err == nil && len(b) > 0 {
			return b
		}
	}
	return nil
}

// maxDiscard is how much of an answer between legs is read so that its
// connection can carry the next leg; a longer one costs the connection.
const maxDiscard = 64 << 10

// discard reads an answer between legs and closes it, reporting whether
// it was read whole.
func discard(resp *http.Response) bool {
	_, err := io.CopyN(io.Discard, resp.Body, maxDiscard)
	resp.Body.Close()
	return err == io.EOF
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// laneBody gives its lane back once, when the body ends or is closed.
type laneBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *laneBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.once.Do(b.release)
	}
	return n, err
}

func (b *laneBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
