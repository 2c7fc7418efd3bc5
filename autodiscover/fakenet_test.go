package autodiscover

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// testCA signs a certificate for whatever name a test server is asked for,
// so that real Microsoft host names verify against a pool holding only it.
var testCA = sync.OnceValue(func() *certAuthority {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "autodiscover test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &certAuthority{key: key, cert: cert, pool: pool, leaves: map[string]*tls.Certificate{}}
})

type certAuthority struct {
	key    *ecdsa.PrivateKey
	cert   *x509.Certificate
	pool   *x509.CertPool
	mu     sync.Mutex
	leaves map[string]*tls.Certificate
	serial int64
}

func (ca *certAuthority) leaf(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := hello.ServerName
	if name == "" {
		name = "localhost"
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if c, ok := ca.leaves[name]; ok {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca.serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(ca.serial + 1),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	ca.leaves[name] = c
	return c, nil
}

// logged is one request as a fake server saw it.
type logged struct {
	Scheme, Host, Method, URI string
	Header                    http.Header
}

// fakeNet is a tiny internet: https and http servers on loopback that route
// by Host to per-host handlers, and a client whose dialer sends every
// registered host name there (unregistered ones fail as DNS would).
type fakeNet struct {
	mu     sync.Mutex
	https  map[string]http.Handler
	http   map[string]http.Handler
	log    []logged
	client *http.Client
}

func newFakeNet(t testing.TB) *fakeNet {
	t.Helper()
	n := &fakeNet{https: map[string]http.Handler{}, http: map[string]http.Handler{}}
	tlsSrv := httptest.NewUnstartedServer(n.router("https", n.https))
	tlsSrv.TLS = &tls.Config{GetCertificate: testCA().leaf}
	tlsSrv.StartTLS()
	plainSrv := httptest.NewServer(n.router("http", n.http))
	t.Cleanup(func() {
		tlsSrv.CloseClientConnections()
		plainSrv.CloseClientConnections()
		tlsSrv.Close()
		plainSrv.Close()
	})
	var d net.Dialer
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: testCA().pool},
		ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			host = strings.ToLower(host)
			n.mu.Lock()
			_, okS := n.https[host]
			_, okP := n.http[host]
			n.mu.Unlock()
			switch {
			case port == "443" && okS:
				return d.DialContext(ctx, network, tlsSrv.Listener.Addr().String())
			case port == "80" && okP:
				return d.DialContext(ctx, network, plainSrv.Listener.Addr().String())
			}
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	n.client = &http.Client{Transport: tr}
	return n
}

func (n *fakeNet) router(scheme string, hosts map[string]http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		n.mu.Lock()
		n.log = append(n.log, logged{Scheme: scheme, Host: host, Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone()})
		h := hosts[host]
		n.mu.Unlock()
		if h == nil {
			http.Error(w, "no such host here", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// handle serves host over https.
func (n *fakeNet) handle(host string, h http.HandlerFunc) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.https[host] = h
}

// handlePlain serves host over plain http.
func (n *fakeNet) handlePlain(host string, h http.HandlerFunc) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.http[host] = h
}

func (n *fakeNet) requests() []logged {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]logged(nil), n.log...)
}

func (n *fakeNet) count(host string) int {
	c := 0
	for _, l := range n.requests() {
		if l.Host == host {
			c++
		}
	}
	return c
}

// answer serves an Autodiscover success naming u, whatever the protocol asked.
func answer(u string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(map[string]string{"Protocol": protocolOf(r), "Url": u})
	}
}

// answerEach serves an Autodiscover success naming the URL urls holds for
// the protocol asked (keys in lower case), and 400 InvalidProtocol, as
// Exchange answers a protocol it does not know, for any other.
func answerEach(urls map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		u, ok := urls[strings.ToLower(protocolOf(r))]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"ErrorCode": "InvalidProtocol", "ErrorMessage": "The given protocol value is invalid."})
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"Protocol": protocolOf(r), "Url": u})
	}
}

// protocolOf returns the Protocol an Autodiscover request asks for.
func protocolOf(r *http.Request) string {
	for k, v := range r.URL.Query() {
		if strings.EqualFold(k, "Protocol") && len(v) > 0 {
			p, _, _ := strings.Cut(v[0], "?") // a redirect test's target appends its own query
			return p
		}
	}
	return ""
}

// stall never answers: it holds the request until the client gives up, then
// drops the connection without a response. (Returning from the handler
// instead would send an empty 200 that can reach the client while it is
// still closing the connection: net/http's transport prefers a response that
// races its context's end, and the test would see a 200 rather than a
// timeout.)
func stall(w http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
	panic(http.ErrAbortHandler)
}

// redirect answers 302 to loc.
func redirect(loc string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusFound)
	}
}

// status answers with code and an Autodiscover error body.
func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"ErrorCode":"Code%d","ErrorMessage":"test"}`, code)
	}
}

// mailboxOf returns the address an Autodiscover request asks about, in
// either URL form.
func mailboxOf(r *http.Request) string {
	if e := r.URL.Query().Get("Email"); e != "" {
		return strings.ToLower(e)
	}
	_, after, _ := strings.Cut(r.URL.Path, "/v1.0/")
	return strings.ToLower(after)
}

// noSRV is an SRV resolver that finds nothing, as for most domains.
func noSRV(context.Context, string, string, string) (string, []*net.SRV, error) {
	return "", nil, &net.DNSError{Err: "no such host", IsNotFound: true}
}

// newTestResolver builds a Resolver on the fake network, without SRV records
// unless opts say otherwise.
func newTestResolver(t testing.TB, n *fakeNet, opts ...Option) *Resolver {
	t.Helper()
	base := []Option{WithHTTPClient(n.client), WithSRVResolver(noSRV), WithRequestTimeout(5 * time.Second)}
	r, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}
