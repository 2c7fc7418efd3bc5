package outlooktest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/autodiscover"
	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
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
		b.RedirectToHost = hosts.Norm(b.RedirectToHost)
	}
	d.behavior = b
}

// SetSRV publishes the DNS SRV record _autodiscover._tcp.<domain> pointing
// at target:port, answered by LookupSRV. The target becomes a host of the
// server answering Autodiscover for the domain. It panics if no mailbox of
// that domain was added or target is not a host name.
func (s *Server) SetSRV(domain, target string, port uint16) {
	domain, target = strings.ToLower(domain), hosts.Norm(target)
	if !hosts.Valid(target) {
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
// there, empty service and proto mean name is the full record name. The
// SDK's clients given Client or Transport call it themselves (see
// SRVLookups); other code can be pointed at it.
func (s *Server) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	full := strings.ToLower(strings.TrimSuffix(name, "."))
	if service != "" || proto != "" {
		full = "_" + strings.ToLower(service) + "._" + strings.ToLower(proto) + "." + full
	}
	s.mu.Lock()
	s.srvAsked = append(s.srvAsked, full)
	s.mu.Unlock()
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

// autodiscoverDirectory is what Autodiscover knows of the server.
type autodiscoverDirectory struct{ s *Server }

func (d autodiscoverDirectory) Locate(smtp string) (string, bool) { return d.s.locateHost(smtp) }

func (d autodiscoverDirectory) Behavior(domain string) (autodiscover.Behavior, bool) {
	d.s.mu.RLock()
	defer d.s.mu.RUnlock()
	ds, ok := d.s.domains[domain]
	if !ok {
		return autodiscover.Behavior{}, false
	}
	b := ds.behavior
	return autodiscover.Behavior{
		NoHybrid: b.NoHybrid, RootUnavailable: b.RootUnavailable, Latency: b.Latency, Status: b.Status,
		GarbageBody: b.GarbageBody, HugeBody: b.HugeBody, RedirectLoop: b.RedirectLoop,
		RedirectToHTTP: b.RedirectToHTTP, RedirectToHost: b.RedirectToHost, URL: b.URL,
	}, true
}

// DomainOfHost returns the mail domain a domain-side host answers for.
func (d autodiscoverDirectory) DomainOfHost(host string) string {
	d.s.mu.RLock()
	defer d.s.mu.RUnlock()
	if h, ok := d.s.onprem[host]; ok {
		return h.domain
	}
	if dom, ok := d.s.srvHosts[host]; ok {
		return dom
	}
	if _, ok := d.s.domains[host]; ok {
		return host
	}
	return strings.TrimPrefix(host, "autodiscover.")
}
