package outlooktest

// The front door: every request of both listeners arrives at ServeHTTP,
// which logs it, counts it in flight for the mailbox it names, applies
// faults and hands it to the host it was sent to. This is where each host's
// protocol front ends are mounted over the one mailbox store:
//
//	login.microsoftonline.com ...  internal/issuer        Entra ID token issuer
//	graph.microsoft.com            internal/rest          Graph v1.0 (/v1.0)
//	outlook.office365.com ...      internal/autodiscover  Exchange Online's Autodiscover v2
//	outlook.office.com             internal/rest          upload session URLs (Uploads)
//	<on-premises server>           internal/rest          Outlook REST v2.0 (/api/v2.0)
//	                               internal/autodiscover  the domain's Autodiscover v2
//	<on-premises server>/EWS       internal/ews           EWS (SOAP at /EWS/Exchange.asmx)
//	                               internal/winauth       its NTLM and Basic sign-in
//	<domain>, autodiscover.<domain>, SRV targets: internal/autodiscover
//
// Each front end reads and writes mailboxes through the store's typed
// operations (Mailbox.Create, Update, Move, Send, Reply, Changes...),
// never through another front end, so that mail sent through one protocol
// arrives in a mailbox read through the other.

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/autodiscover"
	"github.com/exchangekit/outlook/outlooktest/internal/ews"
	"github.com/exchangekit/outlook/outlooktest/internal/faults"
	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/ntlm"
	"github.com/exchangekit/outlook/outlooktest/internal/rest"
	"github.com/exchangekit/outlook/outlooktest/internal/winauth"
)

// hostKind is what a host name is to the fake.
type hostKind int

const (
	hostUnknown            hostKind = iota
	hostCustom                      // AddHost
	hostLogin                       // the token issuer
	hostGraph                       // Graph v1.0
	hostEXO                         // Exchange Online's Autodiscover (and the retired cloud REST v2.0)
	hostOnPrem                      // an on-premises Exchange server: REST v2.0 and Autodiscover
	hostDomainAutodiscover          // <domain>, autodiscover.<domain>, SRV targets
)

func (s *Server) hostKindOf(host string) hostKind {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.hostKindLocked(host)
}

func (s *Server) hostKindLocked(host string) hostKind {
	if _, ok := s.custom[host]; ok {
		return hostCustom
	}
	switch host {
	case hosts.Login, hosts.LoginWindows, hosts.LoginMicrosoft:
		return hostLogin
	case hosts.Graph:
		return hostGraph
	case hosts.EXO, hosts.OutlookCloud, hosts.EXOAutodiscover:
		return hostEXO
	}
	if _, ok := s.onprem[host]; ok {
		return hostOnPrem
	}
	if _, ok := s.srvHosts[host]; ok {
		return hostDomainAutodiscover
	}
	if _, ok := s.domains[host]; ok {
		return hostDomainAutodiscover
	}
	if d, ok := strings.CutPrefix(host, "autodiscover."); ok {
		if _, ok := s.domains[d]; ok {
			return hostDomainAutodiscover
		}
	}
	return hostUnknown
}

// ServeHTTP is the front door of both listeners: it logs the request,
// applies faults, then routes by host name.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := hosts.Norm(hosts.StripPort(r.Host))
	token, sent := rest.BearerToken(r)
	entry := &Request{
		Method:    r.Method,
		Scheme:    "https",
		Host:      host,
		Path:      r.URL.Path,
		RawQuery:  r.URL.RawQuery,
		TokenSent: sent && token != "",
		Time:      s.now(),
	}
	if r.TLS == nil {
		entry.Scheme = "http"
	}
	user := ""
	if entry.TokenSent {
		if t, ok := s.issuer.Lookup(token); ok && s.now().Before(t.Expires) {
			entry.Audience = t.Audience
			user = t.User
		}
	}
	sw := &statusWriter{ResponseWriter: w}
	logged := false
	// record logs the request once: when the handler returns, or just
	// before a fault closes the connection, so that a client which has seen
	// the connection drop also sees the log entry.
	record := func() {
		if logged {
			return
		}
		logged = true
		entry.Status = sw.status
		s.log.add(*entry)
		s.logger.DebugContext(r.Context(), "outlooktest request", "method", entry.Method, "scheme", entry.Scheme,
			"host", entry.Host, "path", entry.Path, "status", entry.Status, "token_sent", entry.TokenSent,
			"audience", entry.Audience, "fault", entry.FaultApplied)
	}
	defer record()
	sw.onStatus = record
	sw.Header().Set("request-id", ids.GUID())
	if id := r.Header.Get("client-request-id"); id != "" {
		sw.Header().Set("client-request-id", id)
	}

	s.mu.RLock()
	kind := s.hostKindLocked(host)
	custom := s.custom[host]
	s.mu.RUnlock()

	leave := func() {}
	if kind == hostGraph || kind == hostOnPrem {
		addr := s.mailboxNamed(r.URL.Path, user)
		if kind == hostOnPrem && ews.IsPath(r.URL.Path) {
			addr = s.ewsMailbox(r, user)
			// The front end counts the other mailboxes the request acts
			// on, not this one again.
			r = r.WithContext(ews.WithCounted(r.Context(), addr))
		}
		if addr != "" {
			leave = s.inflight.enter(addr)
			defer leave()
			if kind == hostOnPrem && ews.IsPath(r.URL.Path) {
				r = r.WithContext(ews.WithUncount(r.Context(), leave))
			}
		}
	}
	sw.beforeLast = leave
	next := s.router(kind, host, custom, r.TLS == nil)
	if f, ok := s.faults.Pick(host, r.Method, r.URL.Path, r.URL.RawQuery); ok {
		entry.FaultApplied = true
		shape := faults.OData
		switch {
		case kind == hostLogin:
			shape = faults.OAuth
		case autodiscover.IsPath(r.URL.Path):
			shape = faults.Autodiscover
		case kind == hostOnPrem && ews.IsPath(r.URL.Path):
			shape = faults.EWS
		}
		// Apply records before it drops a connection: the request ends there.
		if faults.Apply(sw, r, f, shape, next, func() { record(); leave() }) {
			return
		}
	}
	next.ServeHTTP(sw, r)
}

// mailboxNamed returns the address of the mailbox a REST path names
// (/users/{address or id}/..., or /me/... for the token's user), or "".
func (s *Server) mailboxNamed(path, user string) string {
	who, me := rest.MailboxNamed(path)
	if me {
		return user
	}
	if who == "" {
		return ""
	}
	if m, ok := s.store.Mailbox(who); ok {
		return m.Address()
	}
	return ""
}

// router returns the handler for one host.
func (s *Server) router(kind hostKind, host string, custom http.Handler, plain bool) http.Handler {
	if kind == hostCustom {
		return custom
	}
	if plain {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.servePlain(w, r, kind, host) })
	}
	switch kind {
	case hostLogin:
		return s.issuer
	case hostGraph:
		return http.HandlerFunc(s.serveGraph)
	case hostEXO:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveEXO(w, r, host) })
	case hostOnPrem:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveOnPrem(w, r, host) })
	case hostDomainAutodiscover:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.autodiscover.ServeDomain(w, r, host) })
	}
	// A client that bypassed the dialer (dialled the listener by address).
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, fmt.Sprintf("outlooktest: unknown host %q (%s)", host, unknownHostExplanation), http.StatusMisdirectedRequest)
	})
}

// servePlain answers the plain-HTTP listener: only the Autodiscover redirect
// probe is served there, as on a real domain. Exchange's virtual
// directories require TLS: EWS over plain HTTP answers IIS's 403.4, so no
// credential sent in clear (Basic) is ever looked at.
func (s *Server) servePlain(w http.ResponseWriter, r *http.Request, kind hostKind, host string) {
	if (kind == hostDomainAutodiscover || kind == hostOnPrem) && r.Method == http.MethodGet &&
		strings.EqualFold(r.URL.Path, "/autodiscover/autodiscover.xml") {
		s.autodiscover.ServeRedirectProbe(w, r, host)
		return
	}
	if kind == hostOnPrem && ews.IsPath(r.URL.Path) {
		ews.WriteSSLRequired(w)
		return
	}
	http.Error(w, "outlooktest: plain HTTP serves only the Autodiscover redirect probe (GET /autodiscover/autodiscover.xml on a domain's hosts)", http.StatusForbidden)
}

func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/v1.0/") && r.URL.Path != "/v1.0" {
		rest.WriteHostError(w, http.StatusNotImplemented, "NotImplemented",
			fmt.Sprintf("outlooktest: only Graph v1.0 is served, not %q", r.URL.Path))
		return
	}
	p, ok := rest.Authenticate(w, r, hosts.Graph, s.issuer, s.now(), nil)
	if !ok {
		return
	}
	s.graphREST.Serve(w, r, p)
}

func (s *Server) serveEXO(w http.ResponseWriter, r *http.Request, host string) {
	if autodiscover.IsPath(r.URL.Path) {
		s.autodiscover.ServeEXO(w, r, host)
		return
	}
	if host == hosts.OutlookCloud && rest.IsUploadPath(r.URL.Path) {
		s.uploads.ServeHTTP(w, r)
		return
	}
	if hasPathPrefixFold(r.URL.Path, "/api") {
		rest.WriteHostError(w, http.StatusNotFound, "ErrorRESTApiDecommissioned",
			"outlooktest: the cloud Outlook REST API (v1.0, v2.0, beta) is decommissioned; cloud mailboxes are served by Microsoft Graph")
		return
	}
	http.Error(w, fmt.Sprintf("outlooktest: %s serves only Autodiscover v2 (/autodiscover/autodiscover.json)", host), http.StatusNotImplemented)
}

// serveOnPrem answers an on-premises Exchange server: Autodiscover v2 and
// Outlook REST v2.0. EWS (/EWS/Exchange.asmx) mounts here, beside /api.
func (s *Server) serveOnPrem(w http.ResponseWriter, r *http.Request, host string) {
	switch {
	case autodiscover.IsPath(r.URL.Path):
		s.autodiscover.ServeDomain(w, r, host)
		return
	case ews.IsPath(r.URL.Path):
		s.serveEWS(w, r, host)
		return
	case hasPathPrefixFold(r.URL.Path, "/api"):
	default:
		http.Error(w, fmt.Sprintf("outlooktest: %s serves only /api/v2.0, /EWS/Exchange.asmx and Autodiscover v2 (OWA and ActiveSync are not implemented)", host), http.StatusNotImplemented)
		return
	}
	s.mu.RLock()
	h := s.onprem[host]
	served, noModern, domain := h.protocols, h.modernAuthDisabled, h.domain
	tenant := s.domains[domain].tenantID
	s.mu.RUnlock()
	if served&RESTv2 == 0 {
		rest.WriteIIS404(w)
		return
	}
	if noModern {
		rest.WriteLegacyAuthChallenge(w, host)
		return
	}
	if !hasPathPrefixFold(r.URL.Path, "/api/v2.0/") {
		rest.WriteHostError(w, http.StatusNotFound, "ErrorInvalidUrlQuery",
			fmt.Sprintf("outlooktest: only /api/v2.0 is served on %s, not %q", host, r.URL.Path))
		return
	}
	p, ok := rest.Authenticate(w, r, host, s.issuer, s.now(), &rest.Challenge{Host: host, TenantID: tenant, AppOnly: s.cfg.appOnlyOnPrem})
	if !ok {
		return
	}
	h.rest.Serve(w, r, p)
}

// serveEWS answers EWS on an on-premises server: IIS's checks first (the
// virtual directory, the request's length), then sign-in by any scheme the
// directory takes (a bearer token for the host, NTLM or Negotiate-wrapped
// NTLM, Basic), then the SOAP front end.
func (s *Server) serveEWS(w http.ResponseWriter, r *http.Request, host string) {
	s.mu.RLock()
	h := s.onprem[host]
	served, noModern, domain := h.protocols, h.modernAuthDisabled, h.domain
	tenant := s.domains[domain].tenantID
	s.mu.RUnlock()
	if served&EWS == 0 {
		ews.WriteIIS404(w)
		return
	}
	if r.ContentLength > ews.MaxRequestBytes {
		ews.WriteRequestTooLarge(w)
		return
	}
	ch := &rest.Challenge{Host: host, TenantID: tenant, AppOnly: s.cfg.appOnlyOnPrem, Windows: true}
	challenge := func(w http.ResponseWriter) {
		if noModern {
			rest.WriteLegacyAuthChallenge(w, host)
		} else {
			rest.WriteExchangeChallenge(w, ch)
		}
	}
	first, _, _ := strings.Cut(host, ".")
	target := ntlm.Target{
		NetBIOSDomain: winauth.NetBIOSOf(domain), DNSDomain: domain,
		NetBIOSComputer: strings.ToUpper(first), DNSComputer: host,
	}
	acct, outcome := s.directory.Authenticate(w, r, target, true, s.now(), challenge)
	var caller ews.Caller
	switch outcome {
	case winauth.Answered:
		return
	case winauth.SignedIn:
		caller = ews.Caller{Name: acct.DownLevel()}
		if upn := s.directory.UPN(acct); upn != "" {
			if _, ok := s.store.Mailbox(upn); ok {
				caller.Mailbox = upn
			}
		}
	default:
		if noModern {
			challenge(w)
			return
		}
		p, ok := rest.Authenticate(w, r, host, s.issuer, s.now(), ch)
		if !ok {
			return
		}
		caller = ews.Caller{Name: p.User, Mailbox: p.User, AppOnly: p.AppOnly, TenantID: p.TenantID}
	}
	h.ews.Serve(w, r, caller)
}

// ewsMailbox returns the mailbox an EWS request is counted for on
// arrival: the one X-AnchorMailbox names (Microsoft asks clients to send
// it, with the mailbox they act on), else the bearer token's user. The
// EWS front end counts the mailbox the request turns out to act on once it
// has read it.
func (s *Server) ewsMailbox(r *http.Request, user string) string {
	if anchor := strings.TrimSpace(r.Header.Get("X-AnchorMailbox")); anchor != "" {
		if m, ok := s.store.Mailbox(anchor); ok {
			return m.Address()
		}
	}
	if user != "" {
		if m, ok := s.store.Mailbox(user); ok {
			return m.Address()
		}
	}
	return ""
}

func hasPathPrefixFold(p, prefix string) bool {
	return len(p) >= len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) &&
		(len(p) == len(prefix) || prefix[len(prefix)-1] == '/' || p[len(prefix)] == '/')
}
