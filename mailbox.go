package outlook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/categories"
	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/directory"
	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// Location is where a mailbox lives. It is informational: the same calls
// work for both.
type Location uint8

const (
	// Cloud is an Exchange Online mailbox, served through Microsoft Graph v1.0.
	Cloud Location = iota + 1
	// OnPremises is a mailbox on an on-premises Exchange server, served by
	// that server's EWS, or its Outlook REST API v2.0 when the caller
	// chooses it (WithOnPremisesAPI).
	OnPremises
)

// String returns "cloud" or "on-premises".
func (l Location) String() string {
	switch l {
	case Cloud:
		return "cloud"
	case OnPremises:
		return "on-premises"
	}
	return fmt.Sprintf("Location(%d)", uint8(l))
}

// Mailbox is the handle of one mailbox. Its services reach the mailbox
// wherever it lives, and follow it when it moves (a mailbox migrated from
// on-premises to Exchange Online is found again on the next call). It is
// safe for concurrent use, and stays usable as long as it is held.
// Client.Mailbox returns the same handle for the same address while the
// client caches it or anyone holds it (see WithMailboxCacheSize).
type Mailbox struct {
	client  *Client
	address string
	b       atomic.Pointer[binding]
	od      *odata.Client
	tr      *transport.Client // the mailbox's requests: its limit, retries and log
	used    atomic.Bool       // looked up since the cache's hand last passed
	cleanup bool              // a cleanup forgets it once collected; guarded by client.mu

	// Mail is the mailbox's mail: messages, folders, attachments, sending,
	// change tracking and mail settings, in whichever dialect the mailbox
	// is served.
	Mail *mail.Service
	// Calendar is the mailbox's calendars: events, calendar views with
	// recurrences expanded, meeting responses, reminders, calendars and
	// calendar groups, and calendar-view change tracking, in the mailbox's
	// dialect.
	Calendar *calendar.Service
	// Contacts is the mailbox's personal contacts: contacts, contact
	// folders, change tracking and photos, in the mailbox's dialect.
	Contacts *contacts.Service
	// Categories is the mailbox's master category list: the names and
	// colours messages, events and contacts are labelled with.
	Categories *categories.Service
	// Directory is the organisation's address book as the mailbox sees
	// it: rooms and room lists, and name resolution of people and
	// distribution lists.
	Directory *directory.Service

	relocMu    sync.Mutex
	lastFutile time.Time // when a rediscovery last found the mailbox where it was

	acctMu   sync.Mutex
	acctHost string            // the EWS host acctTr signs in to
	acctTr   *transport.Client // the mailbox's requests signed in as an on-premises account
}

// binding is where a mailbox is served and why.
type binding struct {
	ep    autodiscover.Endpoint
	route Route
}

// Address returns the mailbox's SMTP address, lower-cased.
func (m *Mailbox) Address() string { return m.address }

// Location says whether the mailbox is in Exchange Online or on premises.
func (m *Mailbox) Location() Location { return m.b.Load().route.Location }

// Route says how the mailbox is served: where it lives, through which API
// and why that one. Print it to tell a user ("on-premises, EWS (default for
// on-premises)"); it changes when the mailbox moves.
func (m *Mailbox) Route() Route { return m.b.Load().route }

// Endpoint returns where the mailbox is served: the API's URL, the API,
// the token resource and how Autodiscover found it.
func (m *Mailbox) Endpoint() autodiscover.Endpoint { return m.b.Load().ep }

// OData returns the mailbox's OData client, bound to its endpoint, dialect
// and token resource: the seam the services use, open for operations the
// typed services do not cover yet.
func (m *Mailbox) OData() *odata.Client { return m.od }

func (m *Mailbox) bind(ep autodiscover.Endpoint, rt Route) { m.b.Store(&binding{ep: ep, route: rt}) }

// accountTransport returns the mailbox's transport signed in as the
// on-premises account to host, made by make when the mailbox has none for
// that host yet.
func (m *Mailbox) accountTransport(host string, make func() (*transport.Client, error)) (*transport.Client, error) {
	m.acctMu.Lock()
	defer m.acctMu.Unlock()
	if m.acctTr != nil && m.acctHost == host {
		return m.acctTr, nil
	}
	tr, err := make()
	if err != nil {
		return nil, err
	}
	m.acctTr, m.acctHost = tr, host
	return tr, nil
}

// relocationSignals are the error codes by which a server says the mailbox
// is not (or no longer) served there.
var relocationSignals = []string{
	"MailboxNotEnabledForRESTAPI", // Graph, for an on-premises mailbox
	"MailboxNotSupportedForRESTAPI",
	"ErrorNonExistentMailbox", // Exchange, for a mailbox not on this server
	"ErrorMailboxMoveInProgress",
	"ErrorInvalidUser",
}

// minRelocateInterval keeps a misbehaving server from making every call
// rediscover the mailbox: after a rediscovery that found the mailbox where it
// was, the signals are believed again only after this long.
const minRelocateInterval = 30 * time.Second

// relocate is the odata Relocator of the mailbox's client: on a sign that
// the mailbox is not where the client points, it rediscovers the mailbox
// once and returns the new target, or explains why the server cannot serve it.
//
// When Exchange Online's Autodiscover named a cloud mailbox that Graph says
// is not there, asking Exchange Online again would give the same answer:
// the domain's own Autodiscover is asked instead (Resolver.ResolveFromDomain),
// which finds an on-premises mailbox Exchange Online knows nothing or
// something wrong about.
func (m *Mailbox) relocate(ctx context.Context, cause *odata.Error) (*odata.Target, error) {
	cur := m.Endpoint()
	signal := cause.StatusCode == 401
	for _, code := range relocationSignals {
		if strings.EqualFold(cause.Code, code) || strings.EqualFold(cause.InnerCode, code) {
			signal = true
		}
	}
	// A 404 without an error body is IIS's: the API's virtual directory is gone.
	apiGone := cur.Location == autodiscover.LocationOnPremises && cause.StatusCode == 404 && cause.Code == ""
	if !signal && !apiGone {
		return nil, nil
	}
	m.relocMu.Lock()
	defer m.relocMu.Unlock()
	c := m.client
	now := c.cfg.now()
	if now.Sub(m.lastFutile) < minRelocateInterval && m.Endpoint() == cur {
		return nil, nil
	}
	if err := c.resolver.Invalidate(ctx, m.address); err != nil {
		return nil, err
	}
	ep, err := c.resolver.Resolve(ctx, m.address)
	if err != nil {
		return nil, fmt.Errorf("outlook: %s answered %d %s; locating the mailbox again failed: %w", cur.URL, cause.StatusCode, cause.Code, err)
	}
	if ep == cur && cur.API == Graph && cause.StatusCode == 404 && signal &&
		cur.Source.Candidate == autodiscover.CandidateExchangeOnline {
		if dep, derr := c.resolver.ResolveFromDomain(ctx, m.address); derr == nil {
			ep = dep
		} else {
			c.cfg.logger.DebugContext(ctx, "mailbox not found through the domain's Autodiscover", "mailbox", m.address, "error", derr)
		}
	}
	if ep == cur {
		m.lastFutile = now
		switch {
		case apiGone:
			c.forgetProbe(cur)
			if err := c.checkServer(ctx, cur, c.credFor(cur)); err != nil {
				return nil, err
			}
			return nil, nil
		case cause.StatusCode == 401 && c.credFor(cur).kind() != kindAccount:
			// Same place: the token was refused; fetch a fresh one once.
			if ts, err := c.credFor(cur).tokenSource(audience{resource: cur.Resource, ews: cur.API == EWS}); err == nil {
				ts.invalidate()
				return c.target(ctx, m, cur, m.Route())
			}
		}
		return nil, nil
	}
	rt := c.route(ep, false)
	t, err := c.target(ctx, m, ep, rt)
	if err != nil {
		return nil, err
	}
	m.bind(ep, rt)
	c.cfg.logger.InfoContext(ctx, "mailbox moved", "mailbox", m.address, "from", cur.URL, "to", ep.URL, "route", rt.String())
	return t, nil
}

// ErrRESTUnavailable is matched (errors.Is) by the error of a mailbox routed
// to the Outlook REST API v2.0 (WithOnPremisesAPI(RESTv2)) whose
// on-premises server cannot serve it: the server does not serve /api/v2.0,
// or does not accept OAuth tokens. The error is a *RESTUnavailableError
// saying which and what to enable.
var ErrRESTUnavailable = errors.New("outlook: the mailbox's server does not serve the REST API with OAuth")

// RESTUnavailableError explains why an on-premises server cannot be used.
type RESTUnavailableError struct {
	Mailbox string // the mailbox's address
	Host    string // the on-premises server
	// NoModernAuth is true when the server serves /api but accepts no OAuth
	// token (no Bearer challenge); false when it does not serve /api at all.
	NoModernAuth bool
	Status       int // the HTTP status of the probe
	// EWSServed is true when the server, not serving /api, serves EWS,
	// which the client uses when WithOnPremisesAPI is left out.
	EWSServed bool
	// NotNamed is true when the server's Autodiscover named no REST URL for
	// the mailbox, only its EWS URL; Host and Status are then unknown, and
	// Err is the *autodiscover.Error.
	NotNamed bool
	Err      error // what the probe found, an *autodiscover.AuthError
}

// Error says what is missing and what the administrator can do.
func (e *RESTUnavailableError) Error() string {
	if e.NotNamed {
		return fmt.Sprintf("outlook: mailbox %s: its server's Autodiscover names no Outlook REST API URL, only an EWS one "+
			"(Microsoft ended the REST preview for on-premises mailboxes in 2022): leave WithOnPremisesAPI(RESTv2) out to use EWS", e.Mailbox)
	}
	if e.NoModernAuth {
		return fmt.Sprintf("outlook: mailbox %s is on the on-premises server %s, which does not accept OAuth tokens "+
			"(its 401 answer has no Bearer challenge): the Exchange administrator must enable hybrid modern "+
			"authentication (OAuth between Exchange and Microsoft Entra ID) for that server", e.Mailbox, e.Host)
	}
	head := fmt.Sprintf("outlook: mailbox %s is on the on-premises server %s, which does not serve the Outlook REST API "+
		"(/api/v2.0 answered %d): Microsoft ended the REST preview for on-premises mailboxes in 2022, and ", e.Mailbox, e.Host, e.Status)
	if e.EWSServed {
		return head + "the server serves EWS, which the client uses when WithOnPremisesAPI(RESTv2) is left out"
	}
	return head + "the server serves no EWS either: the Exchange administrator must publish the EWS virtual directory " +
		"(or /api, Exchange 2016 CU3 or later)"
}

// Unwrap returns ErrRESTUnavailable, ErrNoOnPremisesAPI when the server
// serves EWS neither, and the probe's error.
func (e *RESTUnavailableError) Unwrap() []error {
	errs := []error{ErrRESTUnavailable}
	if !e.NoModernAuth && !e.EWSServed && !e.NotNamed {
		errs = append(errs, ErrNoOnPremisesAPI)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}
