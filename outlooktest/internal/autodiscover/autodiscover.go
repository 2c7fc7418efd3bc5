// Package autodiscover is the fake server's Autodiscover v2 (the JSON
// endpoint /autodiscover/autodiscover.json): Exchange Online's global
// endpoint, which answers cloud mailboxes itself and redirects a hybrid
// domain's on-premises mailboxes to the domain, and each test domain's own
// hosts, which answer its on-premises mailboxes with their server's URLs,
// misbehaving as a test asks (Behavior). It also answers the plain-HTTP
// redirect probe of classic Autodiscover.
package autodiscover

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/faults"
	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
)

// Behavior makes one domain's own Autodiscover hosts misbehave (see
// outlooktest.AutodiscoverBehavior, whose fields these are).
type Behavior struct {
	NoHybrid        bool
	RootUnavailable bool
	Latency         time.Duration
	Status          int
	GarbageBody     bool
	HugeBody        int
	RedirectLoop    bool
	RedirectToHTTP  bool
	RedirectToHost  string
	URL             string
}

// Directory is what Autodiscover needs to know of the server.
type Directory interface {
	// Locate says where a mailbox lives: onPremHost is "" for Exchange
	// Online; known is false for an address the server does not know.
	Locate(smtp string) (onPremHost string, known bool)
	// Behavior returns how a mail domain's own hosts behave; ok is false for
	// a domain the server does not know.
	Behavior(domain string) (b Behavior, ok bool)
	// DomainOfHost returns the mail domain a domain-side host (the domain,
	// autodiscover.<domain>, an on-premises server, an SRV target) answers
	// for.
	DomainOfHost(host string) string
}

// Service answers Autodiscover on every host that serves it.
type Service struct{ dir Directory }

// New returns the Autodiscover of a server whose mailboxes dir knows.
func New(dir Directory) *Service { return &Service{dir: dir} }

// autodiscoverProtocols are the Protocol values the fake answers, by their
// lower-case form: what the SDK and Outlook clients ask for.
var autodiscoverProtocols = map[string]bool{"rest": true, "ews": true, "activesync": true, "autodiscoverv1": true}

const supportedProtocols = "Rest,Ews,ActiveSync,AutodiscoverV1"

// IsPath reports whether p is an Autodiscover v2 path.
func IsPath(p string) bool {
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
	if _, _, err := hosts.ParseAddress(ar.email); err != nil {
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

// ServeEXO answers as Exchange Online's global endpoint: cloud
// mailboxes itself, hybrid on-premises ones by a 302 to their domain's
// Autodiscover host, and unknown addresses by a 302 back to
// outlook.office365.com (what captures of EXO show).
func (s *Service) ServeEXO(w http.ResponseWriter, r *http.Request, host string) {
	ar, ok := checkAutodiscover(w, r)
	if !ok {
		return
	}
	onPremHost, known := s.dir.Locate(ar.email)
	if b, ok := s.dir.Behavior(hosts.DomainOf(ar.email)); known && ok && onPremHost != "" && b.NoHybrid {
		known = false
	}
	switch {
	case !known:
		http.Redirect(w, r, ar.redirectURL("https", hosts.EXO), http.StatusFound)
	case onPremHost == "":
		writeAutodiscoverURL(w, ar.protocol, exoServiceURL(ar.protocol))
	default:
		http.Redirect(w, r, ar.redirectURL("https", "autodiscover."+hosts.DomainOf(ar.email)), http.StatusFound)
	}
}

// exoServiceURL is what Exchange Online answers for a cloud mailbox.
func exoServiceURL(protocol string) string {
	switch strings.ToLower(protocol) {
	case "rest":
		return "https://" + hosts.OutlookCloud + "/api"
	case "ews":
		return "https://" + hosts.EXO + "/EWS/Exchange.asmx"
	case "activesync":
		return "https://" + hosts.EXO + "/Microsoft-Server-ActiveSync"
	default: // autodiscoverv1
		return "https://" + hosts.EXO + "/autodiscover/autodiscover.xml"
	}
}

// ServeDomain answers as an organisation's own Autodiscover
// (on-premises Exchange): its on-premises mailboxes with their server's
// URLs, its cloud mailboxes by a 302 to Exchange Online.
func (s *Service) ServeDomain(w http.ResponseWriter, r *http.Request, host string) {
	if !IsPath(r.URL.Path) {
		http.Error(w, fmt.Sprintf("outlooktest: %s serves only Autodiscover v2 (/autodiscover/autodiscover.json)", host), http.StatusNotFound)
		return
	}
	domain := s.dir.DomainOfHost(host)
	b, _ := s.dir.Behavior(domain)
	if b.RootUnavailable && host == domain {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	if !faults.Sleep(r.Context(), b.Latency) {
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
	onPremHost, known := s.dir.Locate(ar.email)
	switch {
	case !known || (hosts.DomainOf(ar.email) != domain && onPremHost != host):
		// What on-premises Exchange answers for an address it does not
		// know is unverified; this 404 is the fake's choice.
		writeAutodiscoverError(w, http.StatusNotFound, "UserNotFound",
			fmt.Sprintf("outlooktest: %s has no mailbox %s", host, ar.email))
	case onPremHost == "":
		http.Redirect(w, r, ar.redirectURL("https", hosts.EXOAutodiscover), http.StatusFound)
	default:
		u := onpremServiceURL(ar.protocol, onPremHost, domain)
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

// ServeRedirectProbe answers the plain-HTTP redirect method of classic
// Autodiscover: a 302 to the https Autodiscover URL of the domain.
func (s *Service) ServeRedirectProbe(w http.ResponseWriter, r *http.Request, host string) {
	domain := s.dir.DomainOfHost(host)
	target := "autodiscover." + domain
	if b, ok := s.dir.Behavior(domain); ok && b.RedirectToHost != "" {
		target = b.RedirectToHost
	}
	http.Redirect(w, r, "https://"+target+"/autodiscover/autodiscover.xml", http.StatusFound)
}
