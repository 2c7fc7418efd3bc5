package odata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	now      func() time.Time
	// uploadHosts are the hosts besides the service root's origin that
	// pre-authenticated URLs may point to (WithUploadHosts), lower case.
	uploadHosts map[string]bool
	cloud       string // WithCloud; "" is GlobalCloud
	lim         limits
	watch       *WatchOptions // WithWatch: Watch's options when a call gives none
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
	// backend, when set, answers requests instead of HTTP (backend_client.go).
	backend Backend
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
	// Backend answers the requests instead of HTTP, as WithBackend makes
	// it; TokenSource may then be nil.
	Backend Backend
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
	if ts == nil && d != EWS {
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
// Another Doer, such as an *http.Client, brings its own retries (none for a
// plain client) and redirect policy: reads whose body breaks off are then
// not sent again, and batch rounds follow the SDK's default retry policy.
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

// WithClock sets the clock Retry-After dates in errors are read against
// (default time.Now); the root package passes its own, so that tests with a
// fake clock see consistent delays.
func WithClock(now func() time.Time) ClientOption {
	return func(c *Client) error {
		if now == nil {
			return errors.New("odata: WithClock(nil)")
		}
		c.now = now
		return nil
	}
}

// WithUploadHosts names the hosts the service hands out pre-authenticated
// URLs on (an attachment upload session's uploadUrl): for Microsoft Graph,
// its cloud's Exchange Online hosts, such as outlook.office.com and
// outlook.office365.com. The root package passes those of its cloud. A URL
// on the service root's own origin is always allowed; any other is refused
// by SendUnauthenticated before a byte is sent.
func WithUploadHosts(hosts ...string) ClientOption {
	return func(c *Client) error {
		if c.uploadHosts == nil {
			c.uploadHosts = make(map[string]bool, len(hosts))
		}
		for _, h := range hosts {
			h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
			if h == "" || strings.ContainsAny(h, "/:@?#") {
				return fmt.Errorf("odata: WithUploadHosts: %q is not a host name", h)
			}
			c.uploadHosts[h] = true
		}
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
	c := &Client{mailbox: "me", now: time.Now, lim: defaultLimits}
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
	nt.backend = t.Backend
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

// RedirectError is the error of a request whose server answered with a
// redirect the SDK did not follow; errors.As finds it in the error of any
// call. Only a GET (or HEAD) to the same https origin (scheme, host and
// port, no user info) is followed; any other redirect stops the request, so the token and
// the body never reach the target. Its fields are Method (the redirected
// request's), Status (301, 302, 303, 307 or 308), Location (where the server
// wanted the request to go, credentials and query values removed) and
// Reason.
type RedirectError = transport.RedirectError

// ErrBodyChanged is returned while reading the body of a GET (a download
// from Client.Do, such as an attachment's or a message's MIME content) whose
// connection dropped mid-way, when the answer to the request sent again
// does not begin with the bytes already read: the content changed, and the
// two halves would not make one. Start the download over.
var ErrBodyChanged = transport.ErrBodyChanged

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
// is read and closed). With the SDK's transport, the body of a GET whose
// connection drops mid-way is mended: the request is sent again within the
// retry policy, the part already read is checked and skipped, and reading
// goes on (or fails with ErrBodyChanged).
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	resp, _, err := c.do(ctx, r)
	return resp, err
}

// do sends r to the current target, and once more to a new target when the
// relocator says the mailbox moved. It returns the target that answered, whose
// dialect the body is in.
func (c *Client) do(ctx context.Context, r *Request) (*http.Response, *target, error) {
	var resp *http.Response
	t, err := c.relocating(ctx, r, func(t *target) (err error) {
		resp, err = c.send(ctx, t, r)
		return err
	})
	return resp, t, err
}

// read sends r as do does and hands a 2xx answer to dec, which decodes the
// whole body: when the body breaks off mid-way, the SDK's transport sends
// r again within its retry policy and dec starts over on the new answer, so
// a page or an entity is never lost to a dropped connection, nor half read.
func (c *Client) read(ctx context.Context, r *Request, dec func(*http.Response, *target) error) error {
	_, err := c.relocating(ctx, r, func(t *target) error {
		return c.sendRead(ctx, t, r, func(resp *http.Response) error { return dec(resp, t) })
	})
	return err
}

// relocating runs send against the current target and, when the answer
// says the mailbox is not served there and the relocator finds it
// elsewhere, once more against the new target, which it returns.
func (c *Client) relocating(ctx context.Context, r *Request, send func(*target) error) (*target, error) {
	t := c.t.Load()
	err := send(t)
	if err == nil || c.relocate == nil || r.link != "" || r.RawBody != nil {
		return t, err
	}
	e, ok := errors.AsType[*Error](err)
	if !ok || (e.StatusCode != http.StatusNotFound && e.StatusCode != http.StatusUnauthorized) {
		return t, err
	}
	nt, rerr := c.relocate(ctx, e)
	switch {
	case rerr != nil:
		return t, rerr
	case nt == nil:
		return t, err
	}
	if rerr := c.Retarget(*nt); rerr != nil {
		return t, fmt.Errorf("%w (relocating the mailbox: %v)", err, rerr)
	}
	t = c.t.Load()
	return t, send(t)
}

// send sends r to t and returns a 2xx response; any other status is
// returned as *Error.
func (c *Client) send(ctx context.Context, t *target, r *Request) (*http.Response, error) {
	if t.isBackend() {
		return c.serveBackend(ctx, t, r)
	}
	req, err := c.newRequest(ctx, t, r)
	if err != nil {
		return nil, err
	}
	return c.roundTrip(req)
}

// roundTrip sends req through the doer and returns a 2xx response; any
// other status is returned as *Error.
func (c *Client) roundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.doer.Do(req)
	if err != nil {
		return nil, doerError(req, err)
	}
	if err := c.checkStatus(req, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// rereader is what the SDK's transport adds to a Doer: a read whose body
// breaks off mid-way is sent again, within the same retry policy.
type rereader interface {
	Read(req *http.Request, read func(*http.Response) error) error
}

// sendRead sends r to t and hands a 2xx answer to read, through the
// transport's Read when the doer has it.
func (c *Client) sendRead(ctx context.Context, t *target, r *Request, read func(*http.Response) error) error {
	if t.isBackend() {
		resp, err := c.serveBackend(ctx, t, r)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		return read(resp)
	}
	req, err := c.newRequest(ctx, t, r)
	if err != nil {
		return err
	}
	rr, ok := c.doer.(rereader)
	if !ok {
		resp, err := c.roundTrip(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		return read(resp)
	}
	var last error // read's, which needs no more context
	err = rr.Read(req, func(resp *http.Response) error {
		if last = c.checkStatus(req, resp); last == nil {
			last = read(resp)
		}
		return last
	})
	if err != nil && err != last {
		return doerError(req, err)
	}
	return err
}

// newRequest builds the HTTP request of r for t: URL, body, token and
// headers.
func (c *Client) newRequest(ctx context.Context, t *target, r *Request) (*http.Request, error) {
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
		return nil, requestError(r.Method, u, err)
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
	return req, nil
}

// requestError is the error of a request that could not be built; the URL
// is shown without its query, which may hold credentials.
func requestError(method, rawURL string, err error) error {
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err
	}
	return fmt.Errorf("odata: %s %s: %w", method, urlPath(transport.RedactURLString(rawURL, false)), err)
}

// checkStatus turns a non-2xx answer into *Error, reading and closing its
// body.
func (c *Client) checkStatus(req *http.Request, resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return newError(req.Method, req.URL.Path, resp.StatusCode, resp.Header, b, c.now())
}

// doerError is the error of a request the doer could not complete: the
// method and path (never the query: it may hold credentials or user data)
// and the doer's reason, with any URL in it redacted.
func doerError(req *http.Request, err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		ue.URL = transport.RedactURLString(ue.URL, false)
	}
	return wrapf(err, "%s %s", req.Method, req.URL.Path)
}

// wrapped adds context to an error without repeating the "odata: " prefix
// the error may already carry: "odata: batch request 2: POST /v1.0/$batch:
// 503", not "odata: batch request 2: odata: POST ...".
type wrapped struct {
	context string
	err     error
}

func (w *wrapped) Error() string {
	return "odata: " + w.context + ": " + strings.TrimPrefix(w.err.Error(), "odata: ")
}

func (w *wrapped) Unwrap() error { return w.err }

func wrapf(err error, format string, args ...any) error {
	return &wrapped{context: fmt.Sprintf(format, args...), err: err}
}

var acceptJSON = []string{"application/json"}

// ErrUntrustedURL is returned, before any request, for a pre-authenticated
// URL the SDK will not send to: not https, with user info, on a loopback,
// private or link-local address or on localhost, or on a host that is
// neither the service root's origin nor one of the client's upload hosts
// (WithUploadHosts). The service hands such URLs out; one pointing
// elsewhere would carry the caller's data to a host that is not the
// service's.
var ErrUntrustedURL = errors.New("odata: untrusted pre-authenticated URL")

// CheckPreauthenticatedURL reports, with an error matching ErrUntrustedURL,
// whether SendUnauthenticated refuses rawURL; callers that hand such a URL
// on (an upload session's) check it first.
func (c *Client) CheckPreauthenticatedURL(rawURL string) error {
	_, err := c.checkPreauthenticated(rawURL)
	return err
}

// checkPreauthenticated checks rawURL and reports whether it is on the
// service root's own origin.
func (c *Client) checkPreauthenticated(rawURL string) (own bool, err error) {
	refuse := func(why string) (bool, error) {
		return false, fmt.Errorf("%w: %s: %s", ErrUntrustedURL, transport.RedactURLString(rawURL, false), why)
	}
	u, err := url.Parse(rawURL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return false, fmt.Errorf("%w: not an absolute URL", ErrUntrustedURL)
	}
	if u.User != nil {
		return refuse("it holds user info")
	}
	root := c.t.Load().rootURL
	if strings.EqualFold(u.Scheme, root.Scheme) && strings.EqualFold(u.Host, root.Host) {
		return true, nil // the mailbox's own server, which the token already goes to
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	switch {
	case !strings.EqualFold(u.Scheme, "https"):
		return refuse("not https")
	case u.Port() != "" && u.Port() != "443":
		return refuse("not the https port")
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return refuse("a loopback host")
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if !transport.IsPublicAddr(a) {
			return refuse("a loopback, private or link-local address")
		}
		return refuse("an address, not a host of the service")
	}
	if !c.uploadHosts[host] {
		return refuse("not a host of the service")
	}
	return false, nil
}

// SendUnauthenticated sends a request to a pre-authenticated URL the service
// handed out (an attachment upload session's uploadUrl) through the client's
// transport, without the mailbox's token: such URLs carry their own
// credential and may live on another host. A URL that is not on the service
// root's origin must be https on one of the client's upload hosts
// (WithUploadHosts), and its host must not resolve to a private address
// (checked when connecting, with the SDK's default HTTP client); anything
// else is refused with ErrUntrustedURL before a byte is sent. Statuses
// outside 2xx are returned as *Error; the caller closes a 2xx body.
func (c *Client) SendUnauthenticated(ctx context.Context, method, rawURL string, body io.Reader, header http.Header) (*http.Response, error) {
	own, err := c.checkPreauthenticated(rawURL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return nil, requestError(method, rawURL, err)
	}
	if !own {
		req = transport.RequirePublicAddress(req)
	}
	for k, vs := range header {
		if strings.EqualFold(k, "Authorization") {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return c.roundTrip(req)
}

// retrier is what the SDK's transport adds to a Doer: the retry policy, for
// operations that span several requests.
type retrier interface {
	Retry(ctx context.Context, tries int, retryAfter time.Duration, hasRetryAfter bool) (bool, error)
}

// defaultPolicy is the retry policy of clients whose doer has none of its
// own (an *http.Client passed to WithDoer): the transport's defaults.
var defaultPolicy = sync.OnceValue(func() retrier {
	t, err := transport.New(transport.Config{})
	if err != nil {
		panic(err) // the zero Config is valid
	}
	return t
})

func (c *Client) retrier() retrier {
	if r, ok := c.doer.(retrier); ok {
		return r
	}
	return defaultPolicy()
}

// Retry applies the client's retry policy (the root package's WithRetry) to
// an operation made of several requests that the transport cannot repeat by
// itself, such as an upload session resumed after a chunk went astray:
// after the tries-th try failed (1 after the first) with cause, it waits as
// the transport waits before another attempt, honouring the Retry-After of
// an *Error cause, and reports true. It reports false at once when the
// policy's attempts are spent, the delay exceeds its MaxRetryAfter or would
// outlast ctx's deadline, and an error when ctx ends during the wait.
func (c *Client) Retry(ctx context.Context, tries int, cause error) (bool, error) {
	var after time.Duration
	has := false
	if e, ok := errors.AsType[*Error](cause); ok && e.hasRetryAfter {
		after, has = e.RetryAfter, true
	}
	return c.retrier().Retry(ctx, tries, after, has)
}
