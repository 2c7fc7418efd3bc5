package odata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

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
	t        atomic.Pointer[target] // where requests go now; swapped when the mailbox moves
	mailbox  string                 // escaped mailbox segment: "me" or "users/<address>"
	anchor   string                 // X-AnchorMailbox value (v2.0 only)
	doer     Doer
	prefer   Prefer
	relocate Relocator
	noBatch  bool // WithoutBatch: batches always take the parallel fallback
	lim      limits
}

// target is where a client's requests go: a service root, its dialect and
// the token source for that root's resource.
type target struct {
	root    string   // service root, no trailing slash
	rootURL *url.URL // parsed root, for the origin check of server links
	dialect *Dialect
	ts      oauth2.TokenSource
	auth    atomic.Pointer[authHeader]
	// noBatch remembers that this root answered $batch with 404, 415 or 501, so
	// later batches go straight to the fallback (a new target asks again).
	noBatch atomic.Bool
}

// authHeader caches the Authorization value of the current token, so a
// reused token costs no allocation.
type authHeader struct {
	tok   *oauth2.Token
	value string
}

// Target names where a relocated mailbox is served now.
type Target struct {
	ServiceRoot string
	Dialect     *Dialect
	TokenSource oauth2.TokenSource
}

// Relocator is asked when the service answers that the mailbox is not
// served where the client points (Graph's 404 MailboxNotEnabledForRESTAPI
// for an on-premises mailbox, a 401 for a token of another resource, an
// on-premises server that no longer knows the mailbox). It returns the new
// target, or nil when the mailbox has not moved (the original error is then
// returned), or an error that explains the failure better than cause (such
// as "this server does not serve REST"). The root package supplies it.
type Relocator func(ctx context.Context, cause *Error) (*Target, error)

func newTarget(serviceRoot string, d *Dialect, ts oauth2.TokenSource) (*target, error) {
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
	return &target{root: u.String(), rootURL: u, dialect: d, ts: ts}, nil
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

// WithRelocator sets the hook asked when the mailbox is not served where the
// client points; the request is then sent once more to the new target, if
// it can be replayed (it has no RawBody and is not a server link).
func WithRelocator(r Relocator) ClientOption {
	return func(c *Client) error {
		c.relocate = r
		return nil
	}
}

// NewClient returns a client for the service root (for example
// "https://graph.microsoft.com/v1.0" or "https://mail.contoso.com/api/v2.0")
// speaking dialect d, authenticating with tokens from ts. Tokens are sent
// only to the root's origin: links the server returns that point elsewhere
// are refused.
func NewClient(serviceRoot string, d *Dialect, ts oauth2.TokenSource, opts ...ClientOption) (*Client, error) {
	t, err := newTarget(serviceRoot, d, ts)
	if err != nil {
		return nil, err
	}
	c := &Client{mailbox: "me", lim: defaultLimits}
	c.t.Store(t)
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

// Retarget points the client at another service root, dialect and token
// source, for a mailbox that moved. Requests already sent are not affected.
func (c *Client) Retarget(t Target) error {
	nt, err := newTarget(t.ServiceRoot, t.Dialect, t.TokenSource)
	if err != nil {
		return err
	}
	c.t.Store(nt)
	return nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Dialect returns the client's dialect.
func (c *Client) Dialect() *Dialect { return c.t.Load().dialect }

// ServiceRoot returns the client's service root URL.
func (c *Client) ServiceRoot() string { return c.t.Load().root }

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
	// wire, when set, is a JSON body already in the wire form (a $batch
	// envelope): sent untranslated, and replayable.
	wire []byte
	// idempotent lets the transport retry the request as it retries a GET.
	idempotent bool
	// result is the schema of what the answer decodes into (the items of a
	// page): it spells the query's properties, and a body that is not
	// Mapped is taken to be one (a create or update).
	result *Schema
}

// url builds the request URL for target t.
func (c *Client) url(t *target, r *Request) (string, error) {
	if r.link != "" {
		if err := t.checkLink(r.link); err != nil {
			return "", err
		}
		return r.link, nil
	}
	b := make([]byte, 0, len(t.root)+len(c.mailbox)+64)
	b = append(b, t.root...)
	b = append(b, '/')
	if !r.Path.root {
		b = append(b, c.mailbox...)
		b = append(b, '/')
	}
	b, err := r.Path.appendTo(b, t.dialect)
	if err != nil {
		return "", err
	}
	if err := r.Query.validate(); err != nil {
		return "", err
	}
	n := len(b)
	b = append(b, '?')
	b = r.Query.appendTo(b, t.dialect, r.result)
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

func (t *target) checkLink(link string) error {
	u, err := url.Parse(link)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrForeignLink, err)
	}
	if !strings.EqualFold(u.Scheme, t.rootURL.Scheme) || !strings.EqualFold(u.Host, t.rootURL.Host) ||
		!strings.HasPrefix(strings.ToLower(u.Path), strings.ToLower(t.rootURL.Path)+"/") || u.User != nil {
		return fmt.Errorf("%w: %s://%s%s", ErrForeignLink, u.Scheme, u.Host, u.Path)
	}
	return nil
}

// ContextTokenSource is a token source that can also take the caller's
// context, so that cancellation reaches a token refresh. The SDK's
// credentials implement it; a plain oauth2.TokenSource works too.
type ContextTokenSource interface {
	oauth2.TokenSource
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// authorization returns the Authorization header value of a current token.
func (t *target) authorization(ctx context.Context) (string, error) {
	var tok *oauth2.Token
	var err error
	if cts, ok := t.ts.(ContextTokenSource); ok {
		tok, err = cts.TokenContext(ctx)
	} else {
		tok, err = t.ts.Token()
	}
	if err != nil {
		return "", fmt.Errorf("odata: getting a token: %w", err)
	}
	if tok == nil || tok.AccessToken == "" {
		return "", fmt.Errorf("odata: getting a token: %w: empty token", ErrUnauthorized)
	}
	if a := t.auth.Load(); a != nil && a.tok == tok {
		return a.value, nil
	}
	a := &authHeader{tok: tok, value: tok.Type() + " " + tok.AccessToken}
	t.auth.Store(a)
	return a.value, nil
}

// Do sends the request and returns the response when its status is 2xx; the
// caller closes the body. Any other status is returned as *Error (the body
// is read and closed).
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	resp, _, err := c.do(ctx, r)
	return resp, err
}

// do sends r to the current target, and once more to a new target when the
// relocator says the mailbox moved. It returns the target that answered, whose
// dialect the body is in.
func (c *Client) do(ctx context.Context, r *Request) (*http.Response, *target, error) {
	t := c.t.Load()
	resp, err := c.send(ctx, t, r)
	if err == nil || c.relocate == nil || r.link != "" || r.RawBody != nil {
		return resp, t, err
	}
	e, ok := errors.AsType[*Error](err)
	if !ok || (e.StatusCode != http.StatusNotFound && e.StatusCode != http.StatusUnauthorized) {
		return nil, t, err
	}
	nt, rerr := c.relocate(ctx, e)
	switch {
	case rerr != nil:
		return nil, t, rerr
	case nt == nil:
		return nil, t, err
	}
	if rerr := c.Retarget(*nt); rerr != nil {
		return nil, t, fmt.Errorf("%w (relocating the mailbox: %v)", err, rerr)
	}
	t = c.t.Load()
	resp, err = c.send(ctx, t, r)
	return resp, t, err
}

func (c *Client) send(ctx context.Context, t *target, r *Request) (*http.Response, error) {
	u, err := c.url(t, r)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	var getBody func() (io.ReadCloser, error)
	contentType := ""
	switch {
	case r.RawBody != nil:
		body, contentType = r.RawBody, r.ContentType
	case r.wire != nil:
		b := r.wire
		body, contentType = bytes.NewReader(b), "application/json"
		getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	case r.Body != nil:
		b, err := encode(t.dialect, r.Body, r.bodySchema())
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
	if r.idempotent {
		req = transport.MarkIdempotent(req)
	}
	auth, err := t.authorization(ctx)
	if err != nil {
		return nil, err
	}
	h := req.Header
	h["Authorization"] = []string{auth}
	if _, ok := r.Header["Accept"]; !ok {
		h["Accept"] = acceptJSON // media streams ($value) set their own
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	if r.IfMatch != "" {
		h.Set("If-Match", r.IfMatch)
	}
	if t.dialect.v2 && c.anchor != "" {
		h.Set("X-AnchorMailbox", c.anchor)
	}
	p := c.prefer
	if r.Query != nil {
		p = p.merge(r.Query.Prefer)
	}
	p.apply(h)
	if r.trackChanges && t.dialect.v2 {
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

// SendUnauthenticated sends a request to a pre-authenticated URL the service
// handed out (an attachment upload session's uploadUrl) through the client's
// transport, without the mailbox's token: such URLs carry their own
// credential and may live on another host. It must be https. Statuses
// outside 2xx are returned as *Error; the caller closes a 2xx body.
func (c *Client) SendUnauthenticated(ctx context.Context, method, rawURL string, body io.Reader, header http.Header) (*http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		return nil, fmt.Errorf("%w: pre-authenticated URL %q must be an absolute https URL", ErrInvalidPath, rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("odata: %w", err)
	}
	for k, vs := range header {
		if strings.EqualFold(k, "Authorization") {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.doer.Do(req)
	if err != nil {
		return nil, fmt.Errorf("odata: %s %s: %w", method, u.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, newError(method, u.Path, resp.StatusCode, resp.Header, b)
	}
	return resp, nil
}
