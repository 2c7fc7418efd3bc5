package ews

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/odata"
)

// Access says whose mailbox the backend acts on, and how.
type Access uint8

const (
	// AccessSelf acts on the signed-in account's own mailbox.
	AccessSelf Access = iota
	// AccessImpersonation acts as the mailbox's owner through EWS
	// impersonation: a service account holding the ApplicationImpersonation
	// role, for daemons. Every request carries ExchangeImpersonation with
	// the mailbox's SMTP address, and X-AnchorMailbox, which Microsoft asks
	// for with impersonation.
	AccessImpersonation
	// AccessDelegate acts on another mailbox the account has delegate or
	// full access to: distinguished folders are named with the mailbox's
	// address.
	AccessDelegate
)

// Config configures a Backend.
type Config struct {
	// URL is the EWS endpoint, https://<host>/EWS/Exchange.asmx. Next and
	// delta links are made under it, so the odata client's service root
	// for the mailbox is this URL.
	URL string
	// Doer sends the SOAP requests: the SDK's transport (retries, the
	// per-mailbox limit, logging), or an *http.Client that authenticates
	// itself (NTLM, Basic).
	Doer odata.Doer
	// TokenSource gives the bearer tokens of each request (hybrid modern
	// authentication); nil when Doer authenticates.
	TokenSource oauth2.TokenSource
	// Mailbox is the primary SMTP address of the mailbox; required for
	// AccessImpersonation and AccessDelegate.
	Mailbox string
	// Access says how the mailbox is reached.
	Access Access
	// Schemas are the wire tables of the models, used when a request does
	// not carry the one it needs (a sync round decodes changes generically;
	// an action body is not a model type).
	Schemas []*odata.Schema
	// Now is the clock; nil for time.Now.
	Now func() time.Time
}

// Backend serves odata requests through EWS. It is safe for concurrent
// use.
type Backend struct {
	url     *url.URL
	root    string
	doer    odata.Doer
	ts      oauth2.TokenSource
	mailbox string
	access  Access
	schemas map[string]*odata.Schema
	now     func() time.Time
	auth    atomic.Pointer[authValue]
}

type authValue struct {
	tok   *oauth2.Token
	value string
}

// New returns a Backend for cfg.
func New(cfg Config) (*Backend, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("ews: URL: %w", err)
	}
	loopback := u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"
	if (u.Scheme != "https" && !(u.Scheme == "http" && loopback)) || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("ews: URL %q: want https://host/EWS/Exchange.asmx", cfg.URL)
	}
	if cfg.Doer == nil {
		return nil, errors.New("ews: Config.Doer is nil")
	}
	if cfg.Access != AccessSelf && cfg.Mailbox == "" {
		return nil, errors.New("ews: impersonation and delegate access need Config.Mailbox")
	}
	if strings.ContainsAny(cfg.Mailbox, "\r\n\x00<>\"") {
		return nil, fmt.Errorf("%w: mailbox address %q", odata.ErrInvalidPath, cfg.Mailbox)
	}
	b := &Backend{url: u, root: strings.TrimRight(u.String(), "/"), doer: cfg.Doer, ts: cfg.TokenSource,
		mailbox: cfg.Mailbox, access: cfg.Access, schemas: map[string]*odata.Schema{}, now: cfg.Now}
	if b.now == nil {
		b.now = time.Now
	}
	for _, s := range cfg.Schemas {
		if s != nil {
			b.schemas[s.Name] = s
		}
	}
	return b, nil
}

// ServiceRoot returns the service root the odata client must use for the
// backend's mailbox: the EWS URL.
func (b *Backend) ServiceRoot() string { return b.root }

// call is one request being served.
type call struct {
	b   *Backend
	ctx context.Context
	r   *odata.BackendRequest
	ids []string
	// mailbox is the address distinguished folders are qualified with
	// (delegate access), "" otherwise.
	mailbox string
}

// schema returns the wire table of the entity type name the route
// answers: the request's own when it carries that type, else the one the
// backend was given.
func (c *call) schema(name string) (*odata.Schema, error) {
	if c.r.Result != nil && c.r.Result.Name == name {
		return c.r.Result, nil
	}
	if c.r.BodySchema != nil && c.r.BodySchema.Name == name {
		return c.r.BodySchema, nil
	}
	if s := c.b.schemas[name]; s != nil {
		return s, nil
	}
	return nil, fmt.Errorf("ews: no wire table for %s: the model type does not carry one (odata.Mapped) and the backend was given none", name)
}

// pathFolder is the folder the request's path names (its first id), or
// def where the path names none (mailFolders, POST contactFolders).
func (c *call) pathFolder(def string) string {
	if len(c.ids) > 0 {
		return c.ids[0]
	}
	return def
}

// folder reads a folder the caller named.
func (c *call) folder(s string) (folderRef, error) { return folderOf(s, c.mailbox) }

// handler serves one route.
type handler func(c *call) (*http.Response, error)

// routes maps "METHOD template" to its handler. Templates are the Graph
// paths the services build (odata.Path.Template); the write routes are
// added by the files that serve them.
var routes = map[string]handler{
	"GET messages":                    listMessages,
	"GET mailFolders/{}/messages":     listMessages,
	"GET messages/{}":                 getMessage,
	"GET mailFolders":                 listFolders,
	"GET mailFolders/{}/childFolders": listFolders,
	"GET mailFolders/{}":              getFolder,
}

// Serve implements odata.Backend.
func (b *Backend) Serve(ctx context.Context, r *odata.BackendRequest) (*http.Response, error) {
	c, err := b.newCall(ctx, r)
	if err != nil {
		return nil, err
	}
	if r.Prefer.ImmutableIDs {
		// Immutable ids (Prefer: IdType="ImmutableId") are Exchange Online's;
		// EWS on premises has none (IdFormatType: EwsId, EwsLegacyId,
		// EntryId, HexEntryId, StoreId, OwaId): an id it gives changes when
		// the item moves.
		return nil, errNotSupported("immutable ids (Prefer IdType=\"ImmutableId\"; EWS ids change when an item moves)")
	}
	if r.Link != "" {
		return b.follow(c)
	}
	table := routes
	if r.Path.IsRoot() {
		table = rootRoutes
	}
	h := table[r.Method+" "+r.Path.Template()]
	if k := functionKey(r.Path.Template()); h == nil && k != "" {
		h = table[r.Method+" "+k] // a function with its parameters in the path
	}
	if h == nil {
		return nil, notImplemented(r.Method + " " + r.Path.Template())
	}
	return h(c)
}

// newCall starts serving r, a request for the backend's mailbox.
func (b *Backend) newCall(ctx context.Context, r *odata.BackendRequest) (*call, error) {
	c := &call{b: b, ctx: ctx, r: r, ids: r.Path.IDs()}
	if b.access == AccessDelegate {
		c.mailbox = b.mailbox
	}
	if r.Mailbox != "" && b.mailbox != "" && !strings.EqualFold(r.Mailbox, b.mailbox) {
		return nil, fmt.Errorf("%w: the EWS backend serves %s, not %s", odata.ErrInvalidPath, b.mailbox, r.Mailbox)
	}
	return c, nil
}

// notImplemented is the answer to a request no route serves: 501, which
// odata reports as ErrNotSupported (and batches take as "no $batch").
func notImplemented(what string) error {
	return &odata.Error{StatusCode: http.StatusNotImplemented, Code: "NotSupportedByEWSBackend",
		Message: what + " is not served through EWS", Method: "EWS", Path: what}
}

// follow serves a next or delta link.
func (b *Backend) follow(c *call) (*http.Response, error) {
	st, err := readLink(b.root, c.r.Link)
	if err != nil {
		return nil, err
	}
	if h := linkHandlers[st.Kind]; h != nil {
		return h(c, st)
	}
	return nil, fmt.Errorf("%w: %s links are not served", errBadLink, st.Kind)
}

// jsonResponse is a 2xx answer with a Graph JSON body.
func jsonResponse(status int, body []byte) *http.Response {
	return &http.Response{
		StatusCode:    status,
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

// noContent is a 204 answer.
func noContent() *http.Response {
	return &http.Response{StatusCode: http.StatusNoContent, Status: "204 No Content", Proto: "HTTP/1.1",
		ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{}, Body: http.NoBody}
}

// request is one EWS operation to send.
type request struct {
	op string
	// body writes the operation element (inside soap:Body).
	body func(w *xmlWriter)
	// idempotent marks a read: the transport may retry it as a GET.
	idempotent bool
	// conditional says the caller gave an If-Match: a stale change key is
	// a failed precondition.
	conditional bool
	version     string
	// header holds headers to send beside the usual ones (affinity).
	header http.Header
	// onHeader, when set, is given the headers of a successful answer.
	onHeader func(http.Header)
}

// send sends an operation and reads its answer: handle is called on the
// start tag of the response element inside soap:Body and must consume it.
func (c *call) send(rq request, handle func(x *xmlReader, buf *[]byte) error) error {
	b := c.b
	req, payload, err := c.newRequest(rq)
	if err != nil {
		return err
	}
	if rq.idempotent {
		req = transport.MarkIdempotent(req)
	}
	// ErrorServerBusy comes as a SOAP fault under HTTP 500: the transport's
	// one retry policy honours its back-off, for writes too, since the
	// server ran nothing.
	req = transport.WithThrottleSignal(req, ServerBusyBackOff)
	resp, err := b.roundTrip(req, rq.idempotent)
	if errors.Is(err, transport.ErrResponseTooLarge) {
		// The sentinel callers match in every dialect.
		return fmt.Errorf("ews: %s: %w: %w", rq.op, odata.ErrResponseTooLarge, err)
	}
	if err != nil {
		return fmt.Errorf("ews: %s: %w", rq.op, err)
	}
	defer resp.Body.Close()
	if err := b.httpError(rq, resp, len(payload)); err != nil {
		return err
	}
	if rq.onHeader != nil {
		rq.onHeader(resp.Header)
	}
	x := newXMLReader(resp.Body, 0)
	var fault status
	var buf []byte
	isFault, err := readEnvelope(x, &fault, &buf, func() error { return handle(x, &buf) })
	if isFault {
		return errorOf(rq.op, &fault, rq.conditional, resp.Header)
	}
	if err != nil {
		var oe *odata.Error
		if errors.As(err, &oe) {
			if oe.RequestID == "" {
				oe.RequestID = resp.Header.Get("request-id")
			}
			return oe
		}
		// The answer to a change that stops short leaves it made, or not.
		return fmt.Errorf("ews: reading the %s response: %w", rq.op, transport.MarkCut(err, rq.idempotent))
	}
	if resp.StatusCode != http.StatusOK {
		e := &odata.Error{StatusCode: resp.StatusCode, Method: "EWS", Path: rq.op, Message: "a 500 answer without a SOAP fault"}
		if !rq.idempotent {
			return fmt.Errorf("%w (%w)", e, odata.ErrOutcomeUnknown)
		}
		return e
	}
	return nil
}

// newRequest builds the HTTP request of an operation: the envelope, the
// headers every EWS request carries, and the bearer token when the
// backend has one. It returns the payload too, for error messages.
func (c *call) newRequest(rq request) (*http.Request, []byte, error) {
	b := c.b
	env := envelope{version: rq.version}
	if b.access == AccessImpersonation {
		env.impersonate = b.mailbox
	}
	w := &xmlWriter{b: make([]byte, 0, 2048)}
	env.begin(w)
	rq.body(w)
	finish(w)
	payload := w.b
	req, err := http.NewRequestWithContext(c.ctx, http.MethodPost, b.root, bytes.NewReader(payload))
	if err != nil {
		return nil, nil, fmt.Errorf("ews: %w", err)
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(payload)), nil }
	req.ContentLength = int64(len(payload))
	h := req.Header
	h["Content-Type"] = []string{"text/xml; charset=utf-8"}
	h["Accept"] = []string{"text/xml"}
	if b.mailbox != "" {
		// Routes the request to the mailbox's server; required with
		// impersonation.
		h["X-Anchormailbox"] = []string{b.mailbox}
	}
	if b.ts != nil {
		auth, err := b.authorization(c.ctx)
		if err != nil {
			return nil, nil, err
		}
		h["Authorization"] = []string{auth}
	}
	for k, v := range rq.header {
		h[k] = v
	}
	return req, payload, nil
}

// httpError is the error of an answer that carries no SOAP envelope to
// read (an HTTP status other than 200, or 500 with an XML fault), nil
// for one that does. payload is the request's length.
func (b *Backend) httpError(rq request, resp *http.Response, payload int) error {
	xmlBody := strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "xml")
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusInternalServerError && xmlBody {
		return nil
	}
	e := &odata.Error{StatusCode: resp.StatusCode, Method: "EWS", Path: rq.op,
		RequestID: resp.Header.Get("request-id"), ClientRequestID: resp.Header.Get("client-request-id")}
	e.RetryAfter, _ = transport.ParseRetryAfter(resp.Header.Get("Retry-After"), b.now())
	e.Message = http.StatusText(resp.StatusCode)
	peek, _ := io.ReadAll(io.LimitReader(resp.Body, maxPeek))
	if resp.StatusCode == http.StatusNotFound && bytes.Contains(peek, []byte("404.13")) {
		// IIS's request filtering refuses a request longer than the
		// EWS virtual directory's maxAllowedContentLength (64 MB by
		// default) with 404.13, before EWS sees it: the request was too
		// large, the mailbox is not missing.
		e.StatusCode, e.Code = http.StatusRequestEntityTooLarge, "RequestTooLarge"
		e.Message = fmt.Sprintf("the server refused a request of %d bytes (IIS 404.13: longer than the EWS virtual directory's maxAllowedContentLength)", payload)
	}
	if !rq.idempotent && transport.UnknownOutcome(e.StatusCode, e.RetryAfter > 0) {
		return fmt.Errorf("%w (%w)", e, odata.ErrOutcomeUnknown)
	}
	return e
}

// rereader is what the SDK's transport adds to a Doer: a read whose answer
// breaks off mid-body is sent again, within the one retry policy.
type rereader interface {
	Read(req *http.Request, read func(*http.Response) error) error
}

// roundTrip sends req. A read through the SDK's transport is taken whole
// before it is parsed, so that an answer cut mid-body is sent again under
// the retry policy and parsed from the start: the handlers that build a
// page from it never see half an answer. (Its size is bounded by the
// transport's response limit; the page built from it is in memory anyway.)
func (b *Backend) roundTrip(req *http.Request, idempotent bool) (*http.Response, error) {
	rr, ok := b.doer.(rereader)
	if !idempotent || !ok {
		return b.doer.Do(req)
	}
	var got *http.Response
	err := rr.Read(req, func(resp *http.Response) error {
		// Sized by the declared length, within reason: the transport stops
		// a body at its limit whatever the header says.
		buf := bytes.NewBuffer(make([]byte, 0, min(max(resp.ContentLength, 0), maxPresize)+bytes.MinRead))
		if _, err := buf.ReadFrom(resp.Body); err != nil {
			return err
		}
		if cut(resp, buf.Bytes()) {
			// Complete as HTTP sees it, yet cut: the transport sends it
			// again, as it does a body whose connection broke.
			return fmt.Errorf("%w: the answer ends before its envelope does: %w", errXML, io.ErrUnexpectedEOF)
		}
		cp := *resp
		cp.Body = &wholeBody{Reader: bytes.NewReader(buf.Bytes()), data: buf.Bytes()}
		got = &cp
		return nil
	})
	return got, err
}

// cut reports whether a SOAP answer's body starts an envelope and stops
// before the envelope's end tag: every answer EWS sends as XML, faults
// included, ends with it. Something else (an HTML error page) is not cut
// but malformed, and is not sent again.
func cut(resp *http.Response, data []byte) bool {
	if !strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "xml") {
		return false
	}
	if !bytes.Contains(data[:min(len(data), 512)], []byte("Envelope")) {
		return false
	}
	return !bytes.HasSuffix(bytes.TrimRight(data, " \t\r\n"), []byte("Envelope>"))
}

// maxPresize bounds the buffer allocated ahead of a body for its declared
// length.
const maxPresize = 16 << 20

// wholeBody is a response body read whole before it is parsed, which the
// XML reader reads in place.
type wholeBody struct {
	*bytes.Reader
	data []byte
}

func (b *wholeBody) Close() error     { return nil }
func (b *wholeBody) document() []byte { return b.data }

// authorization returns the Authorization header value of a current token.
func (b *Backend) authorization(ctx context.Context) (string, error) {
	var tok *oauth2.Token
	var err error
	if cts, ok := b.ts.(odata.ContextTokenSource); ok {
		tok, err = cts.TokenContext(ctx)
	} else {
		tok, err = b.ts.Token()
	}
	if err != nil {
		return "", fmt.Errorf("ews: getting a token: %w", err)
	}
	if tok == nil || tok.AccessToken == "" {
		return "", fmt.Errorf("ews: getting a token: %w: empty token", odata.ErrUnauthorized)
	}
	if a := b.auth.Load(); a != nil && a.tok == tok {
		return a.value, nil
	}
	a := &authValue{tok: tok, value: tok.Type() + " " + tok.AccessToken}
	b.auth.Store(a)
	return a.value, nil
}

// failOn is readMessages' done for the operations whose messages say no
// more than their status: the first one that failed fails op.
func failOn(op string, conditional bool) func(int, *status) error {
	return func(_ int, ms *status) error {
		if !ms.ok() {
			return errorOf(op, ms, conditional, nil)
		}
		return nil
	}
}

// readMessages walks the ResponseMessages of a response element: for each
// response message it calls child on every child that is not part of the
// status (positioned on its start tag; child must consume it), then done
// with the message's status.
func readMessages(x *xmlReader, buf *[]byte, child func(i int, st *status) error, done func(i int, st *status) error) error {
	i := 0
	return x.children(func() error {
		if !x.is("ResponseMessages") {
			return x.skip()
		}
		return x.children(func() error {
			st := &status{}
			if c, ok := x.attr("ResponseClass"); ok {
				st.class = string(c)
			}
			err := x.children(func() error {
				ok, err := readStatusChild(x, st, buf)
				if ok || err != nil {
					return err
				}
				if child == nil {
					return x.skip()
				}
				return child(i, st)
			})
			if err != nil {
				return err
			}
			if done != nil {
				if err := done(i, st); err != nil {
					return err
				}
			}
			i++
			return nil
		})
	})
}
