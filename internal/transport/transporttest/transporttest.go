// Package transporttest is an in-memory network of HTTP origins, for tests
// of where the SDK's clients send requests, and the table of hostile
// redirect targets every one of those clients is checked against (REST
// calls, upload URLs, sign-in, and any link kind a security suite adds).
//
// A Net is an http.RoundTripper: requests never leave the process, every host
// name resolves, and what each origin received is recorded, so a test can
// assert that a token or a body never reached a host. Origins without a
// handler answer 200 with JSON, as a hostile host posing as the service
// would, so that a redirect wrongly followed looks like success and a test
// cannot pass by accident.
package transporttest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Request is one request an origin received.
type Request struct {
	Method string
	URL    string // absolute, query included
	Header http.Header
	Body   []byte
}

// Net routes requests to handlers by origin. The zero value is not usable;
// make one with NewNet. It is safe for concurrent use.
type Net struct {
	mu       sync.Mutex
	handlers map[string]http.Handler
	received map[string][]Request
}

// NewNet returns an empty network.
func NewNet() *Net {
	return &Net{handlers: map[string]http.Handler{}, received: map[string][]Request{}}
}

// Origin returns the canonical form of the origin of a URL: lower-case
// scheme and host, the port only when it is not the scheme's default.
func Origin(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "invalid:" + rawURL
	}
	return origin(u)
}

func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}

// Handle serves requests to origin ("https://api.test", "http://api.test:8080")
// with h.
func (n *Net) Handle(originURL string, h http.Handler) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.handlers[Origin(originURL)] = h
}

// Client returns an HTTP client whose transport is n.
func (n *Net) Client() *http.Client { return &http.Client{Transport: n} }

// Received returns the requests origin received, in order.
func (n *Net) Received(originURL string) []Request {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.received[Origin(originURL)])
}

// Origins returns every origin that received a request, sorted.
func (n *Net) Origins() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for o := range n.received {
		out = append(out, o)
	}
	slices.Sort(out)
	return out
}

// ForeignContent is what an origin without a handler answers: JSON shaped
// like a list page and an entity, so a client that wrongly follows a
// redirect there reads it as the service's answer.
const ForeignContent = `{"id":"foreign","value":[{"id":"foreign"}]}`

// RoundTrip records req and serves it with its origin's handler.
func (n *Net) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	o := origin(req.URL)
	n.mu.Lock()
	n.received[o] = append(n.received[o], Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body})
	h := n.handlers[o]
	n.mu.Unlock()
	if h == nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, ForeignContent)
		})
	}
	sr := req.Clone(req.Context())
	sr.Body = io.NopCloser(bytes.NewReader(body))
	sr.RequestURI = req.URL.RequestURI()
	sr.Host = req.URL.Host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, sr)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// RedirectStatuses are the statuses by which a server redirects a request.
var RedirectStatuses = []int{
	http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
	http.StatusTemporaryRedirect, http.StatusPermanentRedirect,
}

// Target is where a hostile server redirects a request.
type Target struct {
	// Kind names the target for a subtest: "http scheme", "other port", ...
	Kind string
	// Location is the Location header the server sends.
	Location string
	// Origin is the origin a client that followed the redirect would send
	// the request to; for "userinfo on the same host" it is the server's own.
	Origin string
	// Foreign is false only for the control case, a same-origin https
	// target, which a read may follow.
	Foreign bool
}

// Targets returns the redirect targets for a request to origin (an https
// origin whose host has a dot, "https://api.contoso.test") for path: the
// same-origin control case first, then every kind of foreign target.
func Targets(originURL, path string) []Target {
	u, err := url.Parse(originURL)
	if err != nil || u.Scheme != "https" || !strings.Contains(u.Hostname(), ".") {
		panic(fmt.Sprintf("transporttest.Targets: %q is not an https origin with a dotted host", originURL))
	}
	host := u.Hostname()
	own := Origin(originURL)
	parent := host[strings.IndexByte(host, '.')+1:]
	t := []Target{
		{Kind: "same origin", Location: own + path + "?moved=1", Origin: own},
		{Kind: "http scheme", Location: "http://" + host + path, Origin: "http://" + host},
		{Kind: "other port", Location: "https://" + host + ":8443" + path, Origin: "https://" + host + ":8443"},
		{Kind: "subdomain", Location: "https://evil." + host + path, Origin: "https://evil." + host},
		{Kind: "parent domain", Location: "https://" + parent + path, Origin: "https://" + parent},
		{Kind: "other domain", Location: "https://evil.example" + path, Origin: "https://evil.example"},
		{Kind: "name suffix", Location: "https://" + host + ".evil.example" + path, Origin: "https://" + host + ".evil.example"},
		{Kind: "scheme-relative", Location: "//evil.example" + path, Origin: "https://evil.example"},
		{Kind: "userinfo on the same host", Location: "https://user:pass@" + host + path, Origin: own},
		{Kind: "userinfo naming the host", Location: "https://" + host + "@evil.example" + path, Origin: "https://evil.example"},
		{Kind: "loopback address", Location: "https://127.0.0.1" + path, Origin: "https://127.0.0.1"},
	}
	for i := range t[1:] {
		t[i+1].Foreign = true
	}
	return t
}

// Redirector answers every request with status and Location loc, unless
// serve is set and the request is not the first: then serve answers (the
// same-origin target of a followed redirect).
func Redirector(status int, loc string, serve http.Handler) http.Handler {
	var mu sync.Mutex
	n := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if !first && serve != nil {
			serve.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(status)
	})
}
