package outlook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/contacts"
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
	// that server's Outlook REST API v2.0.
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
	ep      atomic.Pointer[autodiscover.Endpoint]
	od      *odata.Client
	used    atomic.Bool // looked up since the cache's hand last passed
	cleanup bool        // a cleanup forgets it once collected; guarded by client.mu

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

	relocMu    sync.Mutex
	lastFutile time.Time // when a rediscovery last found the mailbox where it was
}

// Address returns the mailbox's SMTP address, lower-cased.
func (m *Mailbox) Address() string { return m.address }

// Location says whether the mailbox is in Exchange Online or on premises.
func (m *Mailbox) Location() Location {
	if m.ep.Load().Location == autodiscover.LocationOnPremises {
		return OnPremises
	}
	return Cloud
}

// Endpoint returns where the mailbox is served: REST base URL, dialect,
// token resource and how it was found.
func (m *Mailbox) Endpoint() autodiscover.Endpoint { return *m.ep.Load() }

// OData returns the mailbox's OData client, bound to its endpoint, dialect
// and token resource: the seam the services use, open for operations the
// typed services do not cover yet.
func (m *Mailbox) OData() *odata.Client { return m.od }

func (m *Mailbox) setEndpoint(ep autodiscover.Endpoint) { m.ep.Store(&ep) }

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
func (m *Mailbox) relocate(ctx context.Context, cause *odata.Error) (*odata.Target, error) {
	cur := m.Endpoint()
	signal := cause.StatusCode == 401
	for _, code := range relocationSignals {
		if strings.EqualFold(cause.Code, code) || strings.EqualFold(cause.InnerCode, code) {
			signal = true
		}
	}
	restGone := cur.API == autodiscover.APIOutlookV2 && cause.StatusCode == 404 && cause.Code == ""
	if !signal && !restGone {
		return nil, nil
	}
	m.relocMu.Lock()
	defer m.relocMu.Unlock()
	now := m.client.cfg.now()
	if now.Sub(m.lastFutile) < minRelocateInterval && m.Endpoint() == cur {
		return nil, nil
	}
	if err := m.client.resolver.Invalidate(ctx, m.address); err != nil {
		return nil, err
	}
	ep, err := m.client.resolver.Resolve(ctx, m.address)
	if err != nil {
		return nil, fmt.Errorf("outlook: %s answered %d %s; locating the mailbox again failed: %w", cur.URL, cause.StatusCode, cause.Code, err)
	}
	if ep == cur {
		m.lastFutile = now
		if restGone {
			m.client.forgetProbe(cur)
			return nil, m.client.checkOnPremises(ctx, cur)
		}
		if cause.StatusCode == 401 {
			// Same place: the token was refused; fetch a fresh one once.
			if ts, err := m.client.cred.tokenSource(cur.Resource); err == nil {
				ts.invalidate()
				d := odata.Graph
				if cur.API == autodiscover.APIOutlookV2 {
					d = odata.OutlookV2
				}
				return &odata.Target{ServiceRoot: cur.URL, Dialect: d, TokenSource: ts}, nil
			}
		}
		return nil, nil
	}
	t, err := m.client.target(ctx, ep)
	if err != nil {
		return nil, err
	}
	m.setEndpoint(ep)
	m.client.cfg.logger.InfoContext(ctx, "mailbox moved", "mailbox", m.address, "from", cur.URL, "to", ep.URL)
	return t, nil
}

// ErrRESTUnavailable is matched (errors.Is) by the error of a mailbox whose
// on-premises server cannot serve this SDK: the server does not serve the
// Outlook REST API (/api/v2.0) or does not accept OAuth tokens. The error is
// a *RESTUnavailableError saying which and what to enable.
var ErrRESTUnavailable = errors.New("outlook: the mailbox's server does not serve the REST API with OAuth")

// RESTUnavailableError explains why an on-premises server cannot be used.
type RESTUnavailableError struct {
	Mailbox string // the mailbox's address
	Host    string // the on-premises server
	// NoModernAuth is true when the server serves /api but accepts no OAuth
	// token (no Bearer challenge); false when it does not serve /api at all.
	NoModernAuth bool
	Status       int   // the HTTP status of the probe
	Err          error // what the probe found, an *autodiscover.AuthError
}

// Error says what is missing and what the administrator can do.
func (e *RESTUnavailableError) Error() string {
	if e.NoModernAuth {
		return fmt.Sprintf("outlook: mailbox %s is on the on-premises server %s, which does not accept OAuth tokens "+
			"(its 401 answer has no Bearer challenge): the Exchange administrator must enable hybrid modern "+
			"authentication (OAuth between Exchange and Microsoft Entra ID) for that server", e.Mailbox, e.Host)
	}
	return fmt.Sprintf("outlook: mailbox %s is on the on-premises server %s, which does not serve the Outlook REST API "+
		"(/api/v2.0 answered %d): Microsoft ended the REST preview for on-premises mailboxes in 2022, so the server "+
		"must still publish the /api virtual directory (Exchange 2016 CU3 or later) for this SDK to reach it; "+
		"otherwise the mailbox is reachable only through EWS", e.Mailbox, e.Host, e.Status)
}

// Unwrap returns ErrRESTUnavailable and the probe's error.
func (e *RESTUnavailableError) Unwrap() []error { return []error{ErrRESTUnavailable, e.Err} }

// probe is the cached result of checking one on-premises server.
type probe struct {
	done chan struct{}
	err  error
	at   time.Time
}

const (
	// probeFailureTTL is how long a failed probe is believed.
	probeFailureTTL = 5 * time.Minute
	// probeTimeout bounds one probe.
	probeTimeout = 30 * time.Second
)

// checkOnPremises checks, once per server, that an on-premises endpoint
// serves REST and asks for OAuth tokens.
func (c *Client) checkOnPremises(ctx context.Context, ep autodiscover.Endpoint) error {
	if c.cfg.skipProbe {
		return nil
	}
	host := hostOf(ep.URL)
	c.mu.Lock()
	p := c.probes[host]
	if p != nil {
		select {
		case <-p.done:
			if p.err != nil && c.cfg.now().Sub(p.at) > probeFailureTTL {
				p = nil
			}
		default:
		}
	}
	if p == nil {
		p = &probe{done: make(chan struct{})}
		c.probes[host] = p
		c.mu.Unlock()
		// The probe serves every caller waiting on it, so it does not end
		// with the first caller's context; it has its own bound.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
		p.err = c.probe(pctx, ep)
		cancel()
		p.at = c.cfg.now()
		if _, ok := errors.AsType[*RESTUnavailableError](p.err); p.err != nil && !ok {
			c.forgetProbe(ep) // a network failure says nothing about the server: ask again next time
		}
		close(p.done)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if p.err == nil {
		return nil
	}
	var rerr *RESTUnavailableError
	if errors.As(p.err, &rerr) {
		cp := *rerr
		cp.Mailbox = ep.Mailbox
		return &cp
	}
	return p.err
}

func (c *Client) probe(ctx context.Context, ep autodiscover.Endpoint) error {
	var retrier *transport.Client
	for tries := 1; ; tries++ {
		_, err := c.resolver.DiscoverAuth(ctx, ep)
		if err == nil {
			return nil
		}
		ae, isAuth := errors.AsType[*autodiscover.AuthError](err)
		if isAuth && !busy(ae.Status) {
			return &RESTUnavailableError{Mailbox: ep.Mailbox, Host: hostOf(ep.URL),
				NoModernAuth: errors.Is(err, autodiscover.ErrModernAuthNotConfigured), Status: ae.Status, Err: err}
		}
		// A server too busy to answer, or a connection lost, says nothing
		// about what the server serves: try again within the retry policy.
		if retrier == nil {
			retrier, _ = newTransport(c.cfg) // the config was checked by NewClient
		}
		if ctx.Err() == nil && !errors.Is(err, autodiscover.ErrRefused) {
			if again, _ := retrier.Retry(ctx, tries, 0, false); again {
				continue
			}
		}
		return fmt.Errorf("outlook: checking the on-premises server of %s: %w", ep.Mailbox, err)
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
	delete(c.probes, hostOf(ep.URL))
	c.mu.Unlock()
}

func hostOf(u string) string {
	rest, _ := strings.CutPrefix(u, "https://")
	host, _, _ := strings.Cut(rest, "/")
	return strings.ToLower(host)
}
