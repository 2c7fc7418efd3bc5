package outlooktest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AutodiscoverBehavior makes one domain's own Autodiscover hosts (the
// domain, autodiscover.<domain>, its on-premises servers and SRV targets)
// misbehave, so callers' safety rules and fallbacks can be tested. The zero
// value is a well-behaved domain. The fields act in the order listed; the
// first that applies decides the answer.
type AutodiscoverBehavior struct {
	// NoHybrid makes Exchange Online ignorant of the domain's on-premises
	// mailboxes (no hybrid configuration): it answers them as unknown
	// addresses, so they are found only through the domain's own hosts.
	NoHybrid bool
	// RootUnavailable makes https://<domain>/autodiscover/... answer 404, as
	// a web site that is not Exchange does; autodiscover.<domain> still answers.
	RootUnavailable bool
	// Latency delays every answer.
	Latency time.Duration
	// Status makes every answer this status with an ErrorCode body.
	Status int
	// GarbageBody makes every answer a 200 whose body is not JSON.
	GarbageBody bool
	// HugeBody makes every answer a 200 JSON body of at least this many bytes.
	HugeBody int
	// RedirectLoop makes the domain's hosts redirect (302) to each other
	// forever, bumping RedirectCount each time.
	RedirectLoop bool
	// RedirectToHTTP makes every answer a 302 to the same URL over plain http.
	RedirectToHTTP bool
	// RedirectToHost makes every answer a 302 to the same path and query on
	// this host (mount it with AddHost to make it reachable).
	RedirectToHost string
	// URL replaces the Url of every successful answer (e.g.
	// "https://evil.example/api"), to test what callers accept as a result.
	URL string
}

// SetAutodiscoverBehavior sets how a domain's own Autodiscover hosts behave.
// It panics if no mailbox of that domain was added.
func (s *Server) SetAutodiscoverBehavior(domain string, b AutodiscoverBehavior) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.domains[strings.ToLower(domain)]
	if !ok {
		panic(fmt.Sprintf("outlooktest: SetAutodiscoverBehavior(%q): no mailbox of that domain", domain))
	}
	if b.RedirectToHost != "" {
		b.RedirectToHost = normHost(b.RedirectToHost)
	}
	d.behavior = b
}

// SetSRV publishes the DNS SRV record _autodiscover._tcp.<domain> pointing
// at target:port, answered by LookupSRV. The target becomes a host of the
// server answering Autodiscover for the domain. It panics if no mailbox of
// that domain was added or target is not a host name.
func (s *Server) SetSRV(domain, target string, port uint16) {
	domain, target = strings.ToLower(domain), normHost(target)
	if !validHostName(target) {
		panic(fmt.Sprintf("outlooktest: SetSRV(%q): target %q is not a host name", domain, target))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.domains[domain]; !ok {
		panic(fmt.Sprintf("outlooktest: SetSRV(%q): no mailbox of that domain", domain))
	}
	s.srv[domain] = srvRecord{target: target, port: port}
	s.srvHosts[target] = domain
}

// LookupSRV answers SRV queries from the records SetSRV published, with the
// signature of net.Resolver.LookupSRV so a resolver hook can point at it. As
// there, empty service and proto mean name is the full record name.
func (s *Server) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	full := strings.ToLower(strings.TrimSuffix(name, "."))
	if service != "" || proto != "" {
		full = "_" + strings.ToLower(service) + "._" + strings.ToLower(proto) + "." + full
	}
	notFound := &net.DNSError{Err: "no such host", Name: full, Server: "outlooktest", IsNotFound: true}
	domain, ok := strings.CutPrefix(full, "_autodiscover._tcp.")
	if !ok {
		return "", nil, notFound
	}
	s.mu.RLock()
	rec, ok := s.srv[domain]
	s.mu.RUnlock()
	if !ok {
		return "", nil, notFound
	}
	return full + ".", []*net.SRV{{Target: rec.target + ".", Port: rec.port, Priority: 0, Weight: 0}}, nil
}

// autodiscoverProtocols are the Protocol values the fake answers, by their
// lower-case form: what the SDK and Outlook clients ask for.
var autodiscoverProtocols = map[string]bool{"rest": true, "ews": true, "activesync": true, "autodiscoverv1": true}

const supportedProtocols = "Rest,Ews,ActiveSync,AutodiscoverV1"

func isAutodiscoverPath(p string) bool {
	lp := strings.ToLower(p)
	return lp == "/autodiscover/autodiscover.json" || strings.HasPrefix(lp, "/autodiscover/autodiscover.json/")
}

// adRequest is a parsed Autodiscover v2 request.
type adRequest struct {
	email         string // lower case
	protocol      string // as sent
	redirectCount int
	v1Form        bool // the /v1.0/{smtp} form (else ?Email=)
}

// parseAutodiscover reads both URL forms. Query names are matched
// case-insensitively, as IIS does.
func parseAutodiscover(r *http.Request) (adRequest, error) {
	var ar adRequest
	q := map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			q[strings.ToLower(k)] = v[0]
		}
	}
	lp := strings.ToLower(r.URL.Path)
	rest, hasRest := strings.CutPrefix(lp, "/autodiscover/autodiscover.json/")
	switch {
	case hasRest:
		email, ok := strings.CutPrefix(rest, "v1.0/")
		if !ok || email == "" || strings.Contains(email, "/") {
			return ar, fmt.Errorf("the path %q is not /autodiscover/autodiscover.json/v1.0/{address}", r.URL.Path)
		}
		ar.email, ar.v1Form = email, true
	default:
		ar.email = strings.ToLower(q["email"])
	}
	if _, _, err := parseAddress(ar.email); err != nil {
		return ar, fmt.Errorf("the mailbox address is missing or malformed: %w", err)
	}
	ar.protocol = q["protocol"]
	if n, err := strconv.Atoi(q["redirectcount"]); err == nil && n > 0 {
		ar.redirectCount = n
	}
	return ar, nil
}

// redirectURL is the same Autodiscover request on another host, with
// RedirectCount bumped, in the form the client used.
func (ar adRequest) redirectURL(scheme, host string) string {
	u := url.URL{Scheme: scheme, Host: host}
	q := url.Values{}
	if ar.v1Form {
		u.Path = "/autodiscover/autodiscover.json/v1.0/" + ar.email
	} else {
		u.Path = "/autodiscover/autodiscover.json"
		q.Set("Email", ar.email)
	}
	q.Set("Protocol", ar.protocol)
	q.Set("RedirectCount", strconv.Itoa(ar.redirectCount+1))
	u.RawQuery = q.Encode()
	return u.String()
}

func writeAutodiscoverJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeAutodiscoverError(w http.ResponseWriter, status int, code, msg string) {
	writeAutodiscoverJSON(w, status, map[string]string{"ErrorCode": code, "ErrorMessage": msg})
}

func writeAutodiscoverURL(w http.ResponseWriter, protocol, u string) {
	writeAutodiscoverJSON(w, http.StatusOK, map[string]string{"Protocol": protocol, "Url": u})
}

// checkAutodiscover parses the request and answers the errors every
// Autodiscover host gives alike; ok is false when it has answered.
func checkAutodiscover(w http.ResponseWriter, r *http.Request) (adRequest, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeAutodiscoverError(w, http.StatusMethodNotAllowed, "InvalidRequest", "Autodiscover v2 answers GET requests only.")
		return adRequest{}, false
	}
	ar, err := parseAutodiscover(r)
	if err != nil {
		// The code and status of this answer are the fake's choice: no
		// Microsoft source shows one.
		writeAutodiscoverError(w, http.StatusBadRequest, "InvalidUser", "outlooktest: "+err.Error())
		return ar, false
	}
	if !autodiscoverProtocols[strings.ToLower(ar.protocol)] {
		writeAutodiscoverError(w, http.StatusBadRequest, "InvalidProtocol",
			fmt.Sprintf("The given protocol value '%s' is invalid. Supported values are '%s'", ar.protocol, supportedProtocols))
		return ar, false
	}
	return ar, true
}

// serveEXOAutodiscover answers as Exchange Online's global endpoint: cloud
// mailboxes itself, hybrid on-premises ones by a 302 to their domain's
// Autodiscover host, and unknown addresses by a 302 back to
// outlook.office365.com (what captures of EXO show).
func (s *Server) serveEXOAutodiscover(w http.ResponseWriter, r *http.Request, host string) {
	ar, ok := checkAutodiscover(w, r)
	if !ok {
		return
	}
	loc, known := s.locate(ar.email)
	s.mu.RLock()
	if d, ok := s.domains[domainOf(ar.email)]; known && ok && !loc.IsCloud() && d.behavior.NoHybrid {
		known = false
	}
	s.mu.RUnlock()
	switch {
	case !known:
		http.Redirect(w, r, ar.redirectURL("https", exoHost), http.StatusFound)
	case loc.IsCloud():
		writeAutodiscoverURL(w, ar.protocol, exoServiceURL(ar.protocol))
	default:
		http.Redirect(w, r, ar.redirectURL("https", "autodiscover."+domainOf(ar.email)), http.StatusFound)
	}
}

// exoServiceURL is what Exchange Online answers for a cloud mailbox.
func exoServiceURL(protocol string) string {
	switch strings.ToLower(protocol) {
	case "rest":
		return "https://" + outlookCloudHost + "/api"
	case "ews":
		return "https://" + exoHost + "/EWS/Exchange.asmx"
	case "activesync":
		return "https://" + exoHost + "/Microsoft-Server-ActiveSync"
	default: // autodiscoverv1
		return "https://" + exoHost + "/autodiscover/autodiscover.xml"
	}
}

// serveDomainAutodiscover answers as an organisation's own Autodiscover
// (on-premises Exchange): its on-premises mailboxes with their server's
// URLs, its cloud mailboxes by a 302 to Exchange Online.
func (s *Server) serveDomainAutodiscover(w http.ResponseWriter, r *http.Request, host string) {
	if !isAutodiscoverPath(r.URL.Path) {
		http.Error(w, fmt.Sprintf("outlooktest: %s serves only Autodiscover v2 (/autodiscover/autodiscover.json)", host), http.StatusNotFound)
		return
	}
	domain := s.domainOfHost(host)
	s.mu.RLock()
	var b AutodiscoverBehavior
	if d, ok := s.domains[domain]; ok {
		b = d.behavior
	}
	s.mu.RUnlock()
	if b.RootUnavailable && host == domain {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	if !sleepCtx(r.Context(), b.Latency) {
		return
	}
	switch {
	case b.Status != 0:
		writeAutodiscoverError(w, b.Status, "InternalServerError", fmt.Sprintf("outlooktest: autodiscover for %s is set to answer %d", domain, b.Status))
		return
	case b.GarbageBody:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte("<html><body>Service Unavailable{\"Protocol\":"))
		return
	case b.HugeBody > 0:
		writeHugeAutodiscover(w, b.HugeBody)
		return
	}
	ar, ok := checkAutodiscover(w, r)
	if !ok {
		return
	}
	switch {
	case b.RedirectLoop:
		next := "autodiscover." + domain
		if host == next {
			next = domain
		}
		http.Redirect(w, r, ar.redirectURL("https", next), http.StatusFound)
		return
	case b.RedirectToHTTP:
		http.Redirect(w, r, ar.redirectURL("http", host), http.StatusFound)
		return
	case b.RedirectToHost != "":
		http.Redirect(w, r, ar.redirectURL("https", b.RedirectToHost), http.StatusFound)
		return
	}
	loc, known := s.locate(ar.email)
	switch {
	case !known || (domainOf(ar.email) != domain && loc.Host() != host):
		// What on-premises Exchange answers for an address it does not
		// know is unverified; this 404 is the fake's choice.
		writeAutodiscoverError(w, http.StatusNotFound, "UserNotFound",
			fmt.Sprintf("outlooktest: %s has no mailbox %s", host, ar.email))
	case loc.IsCloud():
		http.Redirect(w, r, ar.redirectURL("https", exoAutodiscoverHost), http.StatusFound)
	default:
		u := onpremServiceURL(ar.protocol, loc.Host(), domain)
		if b.URL != "" {
			u = b.URL
		}
		writeAutodiscoverURL(w, ar.protocol, u)
	}
}

// onpremServiceURL is what on-premises Exchange answers for its mailbox.
func onpremServiceURL(protocol, host, domain string) string {
	switch strings.ToLower(protocol) {
	case "rest":
		return "https://" + host + "/api"
	case "ews":
		return "https://" + host + "/EWS/Exchange.asmx"
	case "activesync":
		return "https://" + host + "/Microsoft-Server-ActiveSync"
	default: // autodiscoverv1
		return "https://autodiscover." + domain + "/autodiscover/autodiscover.xml"
	}
}

func writeHugeAutodiscover(w http.ResponseWriter, n int) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write([]byte(`{"Protocol":"Rest","Url":"https://example.invalid/api","Padding":"`))
	chunk := []byte(strings.Repeat("x", 32<<10))
	for written := 0; written < n; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	_, _ = w.Write([]byte(`"}`))
}

// serveRedirectProbe answers the plain-HTTP redirect method of classic
// Autodiscover: a 302 to the https Autodiscover URL of the domain.
func (s *Server) serveRedirectProbe(w http.ResponseWriter, r *http.Request, host string) {
	domain := s.domainOfHost(host)
	target := "autodiscover." + domain
	s.mu.RLock()
	if d, ok := s.domains[domain]; ok && d.behavior.RedirectToHost != "" {
		target = d.behavior.RedirectToHost
	}
	s.mu.RUnlock()
	http.Redirect(w, r, "https://"+target+"/autodiscover/autodiscover.xml", http.StatusFound)
}

// domainOfHost returns the mail domain a domain-side host answers for.
func (s *Server) domainOfHost(host string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if h, ok := s.onprem[host]; ok {
		return h.domain
	}
	if d, ok := s.srvHosts[host]; ok {
		return d
	}
	if _, ok := s.domains[host]; ok {
		return host
	}
	return strings.TrimPrefix(host, "autodiscover.")
}
