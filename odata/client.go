package odata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
)

// Doer sends one HTTP request. *http.Client satisfies it; by default a
// Client uses the SDK's transport (retries, throttling, concurrency limit).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Client is an OData JSON client bound to one service root, one dialect, one
// mailbox and one token source. It is safe for concurrent use; build one per
// mailbox (the root package's Mailbox does).
type Client struct {
	root    string   // service root, no trailing slash
	rootURL *url.URL // parsed root, for the origin check of server links
	mailbox string   // escaped mailbox segment: "me" or "users/<address>"
	anchor  string   // X-AnchorMailbox value (v2.0 only)
	dialect *Dialect
	ts      oauth2.TokenSource
	doer    Doer
	prefer  Prefer
	auth    atomic.Pointer[authHeader]
}

// authHeader caches the Authorization value of the current token, so a
// reused token costs no allocation.
type authHeader struct {
	tok   *oauth2.Token
	value string
}

// ClientOption configures a Client.
type ClientOption func(*Client) error

// WithMailbox addresses the mailbox at /users/{address} instead of /me. App-
// only tokens need it; delegated tokens may use it for shared mailboxes.
func WithMailbox(address string) ClientOption {
	return func(c *Client) error {
		if address == "" || strings.ContainsAny(address, "/?#\x00") {
			return fmt.Errorf("%w: mailbox address %q", ErrInvalidPath, address)
		}
		b := appendPathEscaped([]byte("users/"), address)
		c.mailbox = string(b)
		c.anchor = address
		return nil
	}
}

// WithDoer sends requests through d instead of the SDK's default transport.
// The root package passes a transport shared by the mailboxes of a client.
func WithDoer(d Doer) ClientOption {
	return func(c *Client) error {
		if d == nil {
			return errors.New("odata: WithDoer(nil)")
		}
		c.doer = d
		return nil
	}
}

// WithPrefer sets the Prefer defaults of every request; a Query's Prefer
// overrides them field by field.
func WithPrefer(p Prefer) ClientOption {
	return func(c *Client) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.prefer = p
		return nil
	}
}

// NewClient returns a client for the service root (for example
// "https://graph.microsoft.com/v1.0" or "https://mail.contoso.com/api/v2.0")
// speaking dialect d, authenticating with tokens from ts. Tokens are sent
// only to the root's origin: links the server returns that point elsewhere
// are refused.
func NewClient(serviceRoot string, d *Dialect, ts oauth2.TokenSource, opts ...ClientOption) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(serviceRoot, "/"))
	if err != nil {
		return nil, fmt.Errorf("odata: service root: %w", err)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil, fmt.Errorf("odata: service root %q: https required", serviceRoot)
	}
	if u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("odata: service root %q: want scheme://host/path only", serviceRoot)
	}
	if d == nil {
		return nil, errors.New("odata: nil dialect")
	}
	if ts == nil {
		return nil, errors.New("odata: nil token source")
	}
	c := &Client{root: u.String(), rootURL: u, mailbox: "me", dialect: d, ts: ts}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.doer == nil {
		t, err := transport.New(transport.Config{})
		if err != nil {
			return nil, err
		}
		c.doer = t
	}
	return c, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Dialect returns the client's dialect.
func (c *Client) Dialect() *Dialect { return c.dialect }

// ServiceRoot returns the client's service root URL.
func (c *Client) ServiceRoot() string { return c.root }

// Request is one call. Services build it with Graph names; the client
// respells it for its dialect.
type Request struct {
	Method string
	Path   Path
	Query  *Query
	// Params are extra query parameters, such as a calendar view's
	// startDateTime; names are sent as given.
	Params url.Values
	// Body is encoded as JSON in Graph form, then translated to the dialect.
	Body any
	// RawBody is sent as is with ContentType instead of Body (MIME content,
	// upload chunks).
	RawBody     io.Reader
	ContentType string
	// IfMatch makes the request conditional on the entity's @odata.etag
	// (412 ErrPreconditionFailed if it changed) and lets the transport retry
	// a PATCH.
	IfMatch string
	// Header holds extra headers.
	Header http.Header
	// link, when set, is an absolute URL returned by the server (nextLink,
	// deltaLink) used instead of Path and Query.
	link string
	// trackChanges asks v2.0 for change tracking.
	trackChanges bool
}

// sliceBuf is a pooled byte slice for translated bodies.
type sliceBuf struct{ b []byte }

var sliceBufPool = sync.Pool{New: func() any { return new(sliceBuf) }}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuf() *bytes.Buffer { b := bufPool.Get().(*bytes.Buffer); b.Reset(); return b }

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 8<<20 { // do not pin huge pages
		bufPool.Put(b)
	}
}

// url builds the request URL in the client's dialect.
func (c *Client) url(r *Request) (string, error) {
	if r.link != "" {
		if err := c.checkLink(r.link); err != nil {
			return "", err
		}
		return r.link, nil
	}
	b := make([]byte, 0, len(c.root)+len(c.mailbox)+64)
	b = append(b, c.root...)
	b = append(b, '/')
	if !r.Path.root {
		b = append(b, c.mailbox...)
		b = append(b, '/')
	}
	b, err := r.Path.appendTo(b, c.dialect)
	if err != nil {
		return "", err
	}
	if err := r.Query.validate(); err != nil {
		return "", err
	}
	n := len(b)
	b = append(b, '?')
	b = r.Query.appendTo(b, c.dialect)
	if len(r.Params) > 0 {
		if len(b) > n+1 {
			b = append(b, '&')
		}
		b = append(b, r.Params.Encode()...)
	}
	if len(b) == n+1 {
		b = b[:n]
	}
	return string(b), nil
}

// ErrForeignLink is returned when the server hands back a link outside the
// client's service root: the SDK will not send the mailbox's token there.
var ErrForeignLink = errors.New("odata: link outside the service root")

func (c *Client) checkLink(link string) error {
	u, err := url.Parse(link)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrForeignLink, err)
	}
	if !strings.EqualFold(u.Scheme, c.rootURL.Scheme) || !strings.EqualFold(u.Host, c.rootURL.Host) ||
		!strings.HasPrefix(strings.ToLower(u.Path), strings.ToLower(c.rootURL.Path)+"/") || u.User != nil {
		return fmt.Errorf("%w: %s://%s%s", ErrForeignLink, u.Scheme, u.Host, u.Path)
	}
	return nil
}

// authorization returns the Authorization header value of a current token.
func (c *Client) authorization() (string, error) {
	tok, err := c.ts.Token()
	if err != nil {
		return "", fmt.Errorf("odata: getting a token: %w", err)
	}
	if tok == nil || tok.AccessToken == "" {
		return "", fmt.Errorf("odata: getting a token: %w: empty token", ErrUnauthorized)
	}
	if a := c.auth.Load(); a != nil && a.tok == tok {
		return a.value, nil
	}
	a := &authHeader{tok: tok, value: tok.Type() + " " + tok.AccessToken}
	c.auth.Store(a)
	return a.value, nil
}

// Do sends the request and returns the response when its status is 2xx; the
// caller closes the body. Any other status is returned as *Error (the body
// is read and closed).
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	u, err := c.url(r)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	var getBody func() (io.ReadCloser, error)
	contentType := ""
	switch {
	case r.RawBody != nil:
		body, contentType = r.RawBody, r.ContentType
	case r.Body != nil:
		b, err := c.encode(r.Body)
		if err != nil {
			return nil, err
		}
		body, contentType = bytes.NewReader(b), "application/json"
		getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return nil, fmt.Errorf("odata: %w", err)
	}
	if getBody != nil {
		req.GetBody = getBody
	}
	auth, err := c.authorization()
	if err != nil {
		return nil, err
	}
	h := req.Header
	h["Authorization"] = []string{auth}
	h["Accept"] = acceptJSON
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	if r.IfMatch != "" {
		h.Set("If-Match", r.IfMatch)
	}
	if c.dialect.v2 && c.anchor != "" {
		h.Set("X-AnchorMailbox", c.anchor)
	}
	p := c.prefer
	if r.Query != nil {
		p = p.merge(r.Query.Prefer)
	}
	p.apply(h)
	if r.trackChanges && c.dialect.v2 {
		h.Add("Prefer", "odata.track-changes")
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	resp, err := c.doer.Do(req)
	if err != nil {
		return nil, fmt.Errorf("odata: %s %s: %w", r.Method, req.URL.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, newError(r.Method, req.URL.Path, resp.StatusCode, resp.Header, b)
	}
	return resp, nil
}

var acceptJSON = []string{"application/json"}

// encode marshals a Graph-form body and translates it to the dialect.
func (c *Client) encode(v any) ([]byte, error) {
	b, err := json.Marshal(v, encodeOptions)
	if err != nil {
		return nil, fmt.Errorf("odata: encoding the request body: %w", err)
	}
	if !c.dialect.v2 {
		return b, nil
	}
	out, err := c.dialect.toWire(make([]byte, 0, len(b)+len(b)/8), b)
	if err != nil {
		return nil, fmt.Errorf("odata: encoding the request body: %w", err)
	}
	return out, nil
}

var (
	// Responses are decoded leniently: servers may repeat a name or send
	// invalid UTF-8 in a subject, and neither should lose a whole page.
	decodeOptions = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	encodeOptions = json.JoinOptions()
)

// decode reads a 2xx response body in the client's dialect into v. It
// returns false when the body is empty (204, or 202 with no content).
func (c *Client) decode(resp *http.Response, v any) (bool, error) {
	defer resp.Body.Close()
	buf := getBuf()
	defer putBuf(buf)
	if resp.ContentLength > 0 && resp.ContentLength < 64<<20 {
		buf.Grow(int(resp.ContentLength))
	}
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return false, fmt.Errorf("odata: reading the response of %s %s: %w", resp.Request.Method, resp.Request.URL.Path, err)
	}
	data := buf.Bytes()
	if len(bytes.TrimSpace(data)) == 0 {
		return false, nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
			return false, fmt.Errorf("odata: %s %s: response is %q, not JSON", resp.Request.Method, resp.Request.URL.Path, ct)
		}
	}
	if c.dialect.v2 {
		tb := sliceBufPool.Get().(*sliceBuf)
		out, err := c.dialect.fromWire(tb.b[:0], data)
		defer func() {
			if cap(out) <= 8<<20 {
				tb.b = out[:0]
				sliceBufPool.Put(tb)
			}
		}()
		if err != nil {
			return false, fmt.Errorf("odata: decoding the response of %s %s: %w", resp.Request.Method, resp.Request.URL.Path, err)
		}
		data = out
	}
	if err := json.Unmarshal(data, v, decodeOptions); err != nil {
		return false, fmt.Errorf("odata: decoding the response of %s %s: %w", resp.Request.Method, resp.Request.URL.Path, err)
	}
	return true, nil
}
