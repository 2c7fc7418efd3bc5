package outlook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/internal/ews"
	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// This file decides how each mailbox is served: which API, with which
// credential, and whether its server can do it, before any request is sent
// to the mailbox.
//
// A cloud mailbox is served through Microsoft Graph, always. An
// on-premises one through EWS unless the caller chose the Outlook REST API
// v2.0: EWS is the API Microsoft supports on Exchange 2016, 2019 and
// Subscription Edition, and its retirement applies to Exchange Online only,
// while the REST API was a preview Microsoft ended in 2022, which some
// servers no longer serve. The SDK never switches API on its own: a server
// that does not serve the API the mailbox is routed to fails with an error
// saying what it does serve.

// API is the API a mailbox is served through (see Mailbox.Route).
type API = autodiscover.API

// The APIs.
const (
	// Graph is Microsoft Graph v1.0, the API of every Exchange Online mailbox.
	Graph = autodiscover.APIGraph
	// EWS is Exchange Web Services on an on-premises server, the default
	// for on-premises mailboxes.
	EWS = autodiscover.APIEWS
	// RESTv2 is the Outlook REST API v2.0 on an on-premises server, for
	// callers who choose it with WithOnPremisesAPI.
	RESTv2 = autodiscover.APIOutlookV2
)

// apiName is how Route spells an API for people.
func apiName(a API) string {
	switch a {
	case Graph:
		return "Microsoft Graph"
	case EWS:
		return "EWS"
	case RESTv2:
		return "REST v2.0"
	}
	return a.String()
}

// WithOnPremisesAPI chooses the API of on-premises mailboxes: EWS (the
// default), or RESTv2 for servers that still serve the Outlook REST API
// v2.0 (Exchange 2016 CU3 or later, with hybrid modern authentication) when
// a program depends on it. With RESTv2, Autodiscover is asked for the REST
// URL too, and each server is checked once for /api/v2.0 and OAuth: a
// server without them fails with an error matching ErrRESTUnavailable,
// never silently served through EWS. One mailbox can take the other API
// through Client.MailboxAt and an endpoint naming it.
func WithOnPremisesAPI(api API) Option {
	return func(c *config) error {
		if api != EWS && api != RESTv2 {
			return fmt.Errorf("outlook: WithOnPremisesAPI(%v): want EWS or RESTv2", api)
		}
		c.onPremAPI = api
		return nil
	}
}

// WithOnPremisesCredential signs in to on-premises mailboxes with cred, and
// to cloud mailboxes with the credential given to NewClient: an Entra ID
// credential for Exchange Online and an on-premises service account
// (OnPremisesAccount) for EWS, say, in one client. An app-only Entra ID
// credential (ClientSecret, ClientCertificate) is refused here: Microsoft
// does not support it on premises.
func WithOnPremisesCredential(cred Credential) Option {
	return func(c *config) error {
		if cred == nil {
			return errors.New("outlook: WithOnPremisesCredential(nil)")
		}
		c.onPremCred = cred
		return nil
	}
}

// Route says how a mailbox is served: where it lives, through which API,
// and why that API. Its String is for people ("on-premises, EWS (default
// for on-premises)"); branch on the fields.
type Route struct {
	Location Location
	API      API
	// Reason says why the mailbox is served through API: "the API of
	// Exchange Online", "default for on-premises", "chosen by
	// WithOnPremisesAPI", "given to MailboxAt".
	Reason string
}

// String returns "<location>, <API> (<reason>)".
func (r Route) String() string {
	return r.Location.String() + ", " + apiName(r.API) + " (" + r.Reason + ")"
}

// Reasons of a Route.
const (
	reasonCloud   = "the API of Exchange Online"
	reasonDefault = "default for on-premises"
	reasonChosen  = "chosen by WithOnPremisesAPI"
	reasonGiven   = "given to MailboxAt"
)

// route returns the route of ep; given says the caller handed ep to
// MailboxAt.
func (c *Client) route(ep autodiscover.Endpoint, given bool) Route {
	switch {
	case ep.Location != autodiscover.LocationOnPremises:
		return Route{Location: Cloud, API: ep.API, Reason: reasonCloud}
	case given:
		return Route{Location: OnPremises, API: ep.API, Reason: reasonGiven}
	case c.cfg.onPremAPI != 0:
		return Route{Location: OnPremises, API: ep.API, Reason: reasonChosen}
	}
	return Route{Location: OnPremises, API: ep.API, Reason: reasonDefault}
}

// credFor returns the credential that signs in to ep's mailbox.
func (c *Client) credFor(ep autodiscover.Endpoint) boundCredential {
	if ep.Location == autodiscover.LocationOnPremises {
		return c.onPrem
	}
	return c.cred
}

// target checks an endpoint, its credential and its server, and returns
// where the mailbox's requests go. mb is the handle the target is for.
func (c *Client) target(ctx context.Context, mb *Mailbox, ep autodiscover.Endpoint, rt Route) (*odata.Target, error) {
	u, err := url.Parse(ep.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("outlook: mailbox %s: endpoint URL %q is not an https URL", ep.Mailbox, ep.URL)
	}
	res, err := url.Parse(ep.Resource)
	if err != nil || !strings.EqualFold(res.Host, u.Host) {
		// A token is only ever sent to the host it is minted for.
		return nil, fmt.Errorf("outlook: mailbox %s: endpoint %s is not on the host of its token resource %s", ep.Mailbox, ep.URL, ep.Resource)
	}
	onPrem := ep.API == EWS || ep.API == RESTv2
	if onPrem != (ep.Location == autodiscover.LocationOnPremises) || (ep.API != Graph && !onPrem) {
		return nil, fmt.Errorf("outlook: mailbox %s: endpoint of %v at %v is not a route the SDK serves", ep.Mailbox, ep.API, ep.Location)
	}
	if onPrem && c.cfg.cloud.IsMicrosoftHost(u.Hostname()) {
		// Exchange Online's own EWS and REST are not used: its mailboxes
		// are Graph's, and on-premises secrets never go to Microsoft.
		return nil, fmt.Errorf("outlook: mailbox %s: endpoint %s is an Exchange Online host, whose mailboxes are served through Graph", ep.Mailbox, ep.URL)
	}
	cred := c.credFor(ep)
	if err := checkCredential(ep, rt, cred); err != nil {
		return nil, err
	}
	if onPrem {
		if err := c.checkServer(ctx, ep, cred); err != nil {
			return nil, err
		}
	}
	if ep.API != EWS {
		d := odata.Graph
		if ep.API == RESTv2 {
			d = odata.OutlookV2
		}
		ts, err := cred.tokenSource(audience{resource: ep.Resource})
		if err != nil {
			return nil, err
		}
		return &odata.Target{ServiceRoot: ep.URL, Dialect: d, TokenSource: ts}, nil
	}
	return c.ewsTarget(mb, ep, cred)
}

// ewsTarget wires an EWS endpoint to the EWS backend: the mailbox's
// transport (retries, its request limit, logging) sends the SOAP requests,
// with a bearer token for the server (hybrid modern authentication), or
// signed in as the on-premises account, which then acts as the mailbox
// through EWS impersonation.
func (c *Client) ewsTarget(mb *Mailbox, ep autodiscover.Endpoint, cred boundCredential) (*odata.Target, error) {
	cfg := ews.Config{URL: ep.URL, Mailbox: ep.Mailbox, Schemas: modelSchemas(), Now: c.cfg.now}
	if acct, ok := cred.(*boundAccount); ok {
		host := strings.ToLower(strings.TrimPrefix(ep.Resource, "https://"))
		tr, err := mb.accountTransport(host, func() (*transport.Client, error) {
			cfg := c.cfg
			cfg.httpClient = acct.client(host, c.cfg.cloud.IsMicrosoftHost)
			return newTransport(cfg)
		})
		if err != nil {
			return nil, err
		}
		cfg.Doer, cfg.Access = tr, ews.AccessImpersonation
	} else {
		ts, err := cred.tokenSource(audience{resource: ep.Resource, ews: true})
		if err != nil {
			return nil, err
		}
		// A delegated token opens the signed-in user's mailbox and those
		// shared with them; naming the mailbox in distinguished folder ids
		// serves both.
		cfg.Doer, cfg.TokenSource, cfg.Access = mb.tr, ts, ews.AccessDelegate
	}
	b, err := ews.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("outlook: mailbox %s: %w", ep.Mailbox, err)
	}
	return &odata.Target{ServiceRoot: b.ServiceRoot(), Dialect: odata.EWS, Backend: b}, nil
}

// modelSchemas are the wire tables the EWS backend reads when a request
// carries none (a sync round's changes, an action's body): those of the
// mail models, which the backend serves, by their names (mail's attachment,
// not calendar's, which shares its name).
var modelSchemas = sync.OnceValue(func() []*odata.Schema {
	var out []*odata.Schema
	for _, v := range []any{
		&mail.Message{}, &mail.MailFolder{}, &mail.Attachment{}, &mail.MessageRule{}, &mail.AutomaticRepliesSetting{},
	} {
		if m, ok := v.(odata.Mapped); ok {
			if s := m.WireSchema(); s != nil {
				out = append(out, s)
			}
		}
	}
	return out
})

// Credential errors.
var (
	// ErrNoUsableCredential is matched by the error of a mailbox whose API
	// accepts none of the client's credentials: an on-premises account for
	// a cloud mailbox or for the REST API v2.0, an app-only Entra ID
	// credential for an on-premises mailbox. No request was sent to the
	// mailbox. The error is a *CredentialError saying what to use instead.
	ErrNoUsableCredential = errors.New("outlook: the mailbox's API accepts none of the client's credentials")
	// ErrAppOnlyOnPremises is matched (as well as ErrNoUsableCredential) by
	// the error of an on-premises mailbox the client would reach with an
	// app-only Entra ID credential (ClientSecret, ClientCertificate):
	// Microsoft supports no app-only access to on-premises Exchange, through
	// the REST API v2.0 or through EWS with hybrid modern authentication.
	ErrAppOnlyOnPremises = errors.New("outlook: app-only Entra ID credentials are not supported for on-premises mailboxes")
)

// CredentialError explains why the client's credential cannot reach a
// mailbox, and what would. It is returned before any request goes to the
// mailbox's server.
type CredentialError struct {
	Mailbox string
	Route   Route
	// Reason says why the credential is refused.
	Reason string
	// Instead says which credential would be accepted.
	Instead string

	appOnly bool
}

// Error says what was refused, why, and what to use instead.
func (e *CredentialError) Error() string {
	return fmt.Sprintf("outlook: mailbox %s (%s): %s; use %s", e.Mailbox, e.Route, e.Reason, e.Instead)
}

// Unwrap returns ErrNoUsableCredential, and ErrAppOnlyOnPremises for an
// app-only credential.
func (e *CredentialError) Unwrap() []error {
	if e.appOnly {
		return []error{ErrAppOnlyOnPremises, ErrNoUsableCredential}
	}
	return []error{ErrNoUsableCredential}
}

// Remedies of a CredentialError.
const (
	useDelegated = "a delegated Entra ID credential (DeviceCode, AuthorizationCode, OnBehalfOf)"
	useAccount   = "an on-premises service account holding the ApplicationImpersonation role " +
		"(OnPremisesAccount, passed with WithOnPremisesCredential), which reaches every mailbox through EWS"
)

// checkCredential refuses, before any request, a credential the route's
// API does not accept.
func checkCredential(ep autodiscover.Endpoint, rt Route, cred boundCredential) error {
	e := &CredentialError{Mailbox: ep.Mailbox, Route: rt}
	switch k := cred.kind(); {
	case ep.API == Graph && k == kindAccount:
		e.Reason = "Microsoft Graph takes Entra ID tokens only, and an on-premises account's password is never sent to Microsoft"
		e.Instead = "an Entra ID credential for cloud mailboxes, with the on-premises account passed with WithOnPremisesCredential"
	case ep.API != Graph && k == kindAppOnly:
		e.appOnly = true
		e.Reason = "Microsoft does not support app-only (client credentials) tokens on premises: neither the REST API v2.0 " +
			"nor EWS with hybrid modern authentication accepts them"
		e.Instead = useDelegated + ", or " + useAccount
		if rt.API == RESTv2 {
			e.Instead = useDelegated
		}
	case ep.API == RESTv2 && k == kindAccount:
		e.Reason = "the Outlook REST API v2.0 of on-premises Exchange accepts only Entra ID tokens (hybrid modern authentication), not an account's password"
		e.Instead = "EWS (leave WithOnPremisesAPI out), or " + useDelegated
	default:
		return nil
	}
	return e
}

// sentinelError is an error with its own text that matches sentinels.
type sentinelError struct {
	msg string
	is  []error
}

func (e *sentinelError) Error() string   { return e.msg }
func (e *sentinelError) Unwrap() []error { return e.is }

// prefixedError names where err arose, and this package once.
type prefixedError struct {
	prefix string
	err    error
}

func (e *prefixedError) Error() string {
	return e.prefix + strings.TrimPrefix(e.err.Error(), "outlook: ")
}
func (e *prefixedError) Unwrap() error { return e.err }

// Server errors.
var (
	// ErrEWSUnavailable is matched by the error of a mailbox routed to EWS
	// whose on-premises server does not serve EWS, or not to the client's
	// credential (no OAuth for an Entra ID token, no NTLM or Basic for an
	// account). The error is an *EWSUnavailableError.
	ErrEWSUnavailable = errors.New("outlook: the mailbox's server does not serve EWS to this client")
	// ErrNoOnPremisesAPI is matched, besides ErrEWSUnavailable or
	// ErrRESTUnavailable, when the on-premises server serves neither EWS nor
	// the REST API v2.0: no API could serve the mailbox.
	ErrNoOnPremisesAPI = errors.New("outlook: the mailbox's server serves neither EWS nor the REST API v2.0")
)

// EWSUnavailableError explains why an on-premises server cannot serve a
// mailbox through EWS, and what would.
type EWSUnavailableError struct {
	Mailbox string // the mailbox's address
	Host    string // the on-premises server
	URL     string // the EWS URL probed
	Status  int    // the HTTP status of the anonymous probe
	// Schemes are the authentication schemes the server offered.
	Schemes []string
	// NotServed is true when the URL does not serve EWS at all (the probe
	// was not answered with 401).
	NotServed bool
	// NoModernAuth is true when the server serves EWS but takes no OAuth
	// token (hybrid modern authentication is not enabled), for an Entra ID
	// credential.
	NoModernAuth bool
	// RESTServed is true when the server serves the REST API v2.0, which
	// WithOnPremisesAPI(RESTv2) would use; with NotServed false it is not
	// looked at.
	RESTServed bool
	// Method is the sign-in the client has for the server when it is the
	// one missing: "NTLM" or "Basic" for an on-premises account.
	Method string
	Err    error // what the probe found, if it failed
}

// Error says what is missing and what the administrator or the caller can do.
func (e *EWSUnavailableError) Error() string {
	head := fmt.Sprintf("outlook: mailbox %s is on the on-premises server %s, ", e.Mailbox, e.Host)
	switch {
	case e.NotServed && e.RESTServed:
		return head + fmt.Sprintf("which does not serve EWS (%s answered %d) but serves the Outlook REST API v2.0: "+
			"choose it with WithOnPremisesAPI(RESTv2), with a delegated Entra ID credential", e.URL, e.Status)
	case e.NotServed:
		return head + fmt.Sprintf("which serves neither EWS (%s answered %d) nor the Outlook REST API v2.0: "+
			"the Exchange administrator must publish the EWS virtual directory", e.URL, e.Status)
	case e.NoModernAuth:
		return head + fmt.Sprintf("whose EWS does not accept OAuth tokens (it offers %s): the Exchange administrator must "+
			"enable hybrid modern authentication for that server, or sign in with an on-premises service account (OnPremisesAccount)",
			schemeList(e.Schemes))
	}
	alt := ""
	switch {
	case e.Method == "NTLM" && hasScheme(e.Schemes, "Basic"):
		alt = ": use OnPremisesAccountBasic, over TLS"
	case e.Method == "Basic" && (hasScheme(e.Schemes, "NTLM") || hasScheme(e.Schemes, "Negotiate")):
		alt = ": use OnPremisesAccount, which signs in with NTLM"
	case hasScheme(e.Schemes, "Bearer"):
		alt = ": sign in with a delegated Entra ID credential"
	}
	return head + fmt.Sprintf("whose EWS does not accept %s sign-in (it offers %s)%s", e.Method, schemeList(e.Schemes), alt)
}

// Unwrap returns ErrEWSUnavailable, ErrNoOnPremisesAPI when the server
// serves no API, and the probe's error.
func (e *EWSUnavailableError) Unwrap() []error {
	errs := []error{ErrEWSUnavailable}
	if e.NotServed && !e.RESTServed {
		errs = append(errs, ErrNoOnPremisesAPI)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func schemeList(s []string) string {
	if len(s) == 0 {
		return "no scheme"
	}
	return strings.Join(s, ", ")
}

func hasScheme(schemes []string, want string) bool {
	for _, s := range schemes {
		if strings.EqualFold(s, want) {
			return true
		}
	}
	return false
}

// serverFacts is what an anonymous probe learnt of one API on one server.
type serverFacts struct {
	status  int      // of the probe; 401 means the API is served
	schemes []string // offered
	bearer  bool     // a usable Bearer challenge: hybrid modern authentication
	err     error    // the resolver's account of a missing Bearer challenge
}

func (f serverFacts) served() bool { return f.status == 401 }

// probe is the cached result of probing one API on one server.
type probe struct {
	done  chan struct{}
	facts serverFacts
	err   error // a failure to probe at all (network): not kept
	at    time.Time
}

const (
	// probeFailureTTL is how long facts that refuse a mailbox are believed.
	probeFailureTTL = 5 * time.Minute
	// probeTimeout bounds one probe.
	probeTimeout = 30 * time.Second
)

// checkServer checks, from probes made once per server and API, that ep's
// server serves ep's API to cred, and explains what is missing if not.
func (c *Client) checkServer(ctx context.Context, ep autodiscover.Endpoint, cred boundCredential) error {
	if c.cfg.skipProbe {
		return nil
	}
	for again := false; ; again = true {
		f, at, err := c.facts(ctx, ep)
		if err != nil {
			return err
		}
		ferr := c.judge(ctx, ep, cred, f)
		if ferr == nil || again || c.cfg.now().Sub(at) <= probeFailureTTL {
			return ferr
		}
		c.forgetProbe(ep) // the server may have been fixed since: ask once more
	}
}

// judge turns the facts of ep's server into the error of a mailbox it
// cannot serve, or nil.
func (c *Client) judge(ctx context.Context, ep autodiscover.Endpoint, cred boundCredential, f serverFacts) error {
	host := hostOf(ep.URL)
	if ep.API == RESTv2 {
		if f.served() && f.bearer {
			return nil
		}
		e := &RESTUnavailableError{Mailbox: ep.Mailbox, Host: host, NoModernAuth: f.served(), Status: f.status, Err: f.err}
		if !f.served() {
			e.EWSServed = c.otherServed(ctx, ep)
		}
		return e
	}
	e := &EWSUnavailableError{Mailbox: ep.Mailbox, Host: host, URL: ep.URL, Status: f.status, Schemes: f.schemes, Err: f.err}
	acct, isAccount := cred.(*boundAccount)
	switch {
	case !f.served():
		e.NotServed = true
		e.RESTServed = c.otherServed(ctx, ep)
	case !isAccount && f.bearer:
		return nil
	case !isAccount:
		e.NoModernAuth = true
	case acct.cred.basic && hasScheme(f.schemes, "Basic"):
		return nil
	case !acct.cred.basic && (hasScheme(f.schemes, "NTLM") || hasScheme(f.schemes, "Negotiate")):
		return nil
	default:
		e.Method = acct.method()
	}
	return e
}

// otherServed reports whether ep's server serves the other on-premises
// API, to say so in the error of the one that is not served. The REST
// URL, when Autodiscover was not asked for it, is the one on-premises
// Exchange publishes: https://<host>/api/v2.0.
func (c *Client) otherServed(ctx context.Context, ep autodiscover.Endpoint) bool {
	other := ep
	if ep.API == EWS {
		other.API, other.URL = RESTv2, cmpOr(ep.RESTURL, ep.Resource+"/api/v2.0")
	} else {
		if ep.EWSURL == "" {
			return false
		}
		other.API, other.URL = EWS, ep.EWSURL
	}
	if hostOf(other.URL) != hostOf(ep.URL) {
		return false
	}
	f, _, err := c.facts(ctx, other)
	return err == nil && f.served()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// probeKey names the probe of ep's API on ep's server.
func probeKey(ep autodiscover.Endpoint) string { return ep.API.String() + " " + hostOf(ep.URL) }

// facts returns what the probe of ep's API on its server found, probing
// once for every caller; a probe that could not reach the server is not
// kept.
func (c *Client) facts(ctx context.Context, ep autodiscover.Endpoint) (serverFacts, time.Time, error) {
	key := probeKey(ep)
	c.mu.Lock()
	p := c.probes[key]
	if p == nil {
		p = &probe{done: make(chan struct{})}
		c.probes[key] = p
		c.mu.Unlock()
		// The probe serves every caller waiting on it, so it does not end
		// with the first caller's context; it has its own bound.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
		p.facts, p.err = c.probe(pctx, ep)
		cancel()
		p.at = c.cfg.now()
		if p.err != nil {
			c.forgetProbe(ep) // a network failure says nothing about the server: ask again next time
		}
		close(p.done)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		return serverFacts{}, time.Time{}, ctx.Err()
	}
	return p.facts, p.at, p.err
}

// probe asks ep's server anonymously which schemes its API accepts. A
// server too busy to answer (429, 5xx) or a connection lost says nothing
// about what it serves: the probe is tried again within the client's retry
// policy, and if the server stays busy the error is not kept.
func (c *Client) probe(ctx context.Context, ep autodiscover.Endpoint) (serverFacts, error) {
	var retrier *transport.Client
	for tries := 1; ; tries++ {
		info, err := c.resolver.DiscoverAuth(ctx, ep)
		if err == nil {
			return serverFacts{status: 401, schemes: info.Schemes, bearer: true}, nil
		}
		ae, isAuth := errors.AsType[*autodiscover.AuthError](err)
		switch {
		case isAuth && !busy(ae.Status):
			return serverFacts{status: ae.Status, schemes: ae.Schemes, err: err}, nil
		case errors.Is(err, autodiscover.ErrRefused):
			// A challenge naming an authority of another cloud: no token
			// of ours is for it.
			return serverFacts{status: 401, err: err}, nil
		}
		if retrier == nil {
			retrier, _ = newTransport(c.cfg) // the configuration was checked by NewClient
		}
		if ctx.Err() == nil {
			if again, _ := retrier.Retry(ctx, tries, 0, false); again {
				continue
			}
		}
		return serverFacts{}, fmt.Errorf("outlook: checking the on-premises server of %s: %w", ep.Mailbox, err)
	}
}

// busy reports the statuses by which a server says it cannot answer now.
func busy(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func (c *Client) forgetProbe(ep autodiscover.Endpoint) {
	c.mu.Lock()
	delete(c.probes, probeKey(ep))
	c.mu.Unlock()
}

func hostOf(u string) string {
	rest, _ := strings.CutPrefix(u, "https://")
	host, _, _ := strings.Cut(rest, "/")
	return strings.ToLower(host)
}
