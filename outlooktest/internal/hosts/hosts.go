// Package hosts names the hosts the fake server answers for: Microsoft's
// own (the issuer, Graph, Exchange Online and its Autodiscover), and the
// checks a test's mail domains, mailbox addresses and on-premises server
// names must pass.
package hosts

import (
	"fmt"
	"net"
	"strings"
)

// The Microsoft host names the fake answers for, as the SDK's defaults spell them.
const (
	Login           = "login.microsoftonline.com"
	LoginWindows    = "login.windows.net" // on-premises challenges name this alias
	LoginMicrosoft  = "login.microsoft.com"
	Graph           = "graph.microsoft.com"
	EXO             = "outlook.office365.com"
	OutlookCloud    = "outlook.office.com"
	EXOAutodiscover = "autodiscover-s.outlook.com"

	// GraphResource is the audience of tokens for Graph.
	GraphResource = "https://" + Graph
)

// IsMicrosoft reports whether h is one of the Microsoft hosts above.
func IsMicrosoft(h string) bool {
	switch h {
	case Login, LoginWindows, LoginMicrosoft, Graph, EXO, OutlookCloud, EXOAutodiscover:
		return true
	}
	return false
}

// ParseAddress validates an SMTP address and returns it lower-cased with its domain.
func ParseAddress(smtp string) (addr, domain string, err error) {
	addr = strings.ToLower(strings.TrimSpace(smtp))
	local, domain, ok := strings.Cut(addr, "@")
	switch {
	case !ok || local == "" || strings.ContainsAny(local, " \t\r\n<>()[]\\,;:\"@/?#%"):
		return "", "", fmt.Errorf("%q is not an SMTP address (want local@domain)", smtp)
	case !Valid(domain) || !strings.Contains(domain, "."):
		return "", "", fmt.Errorf("%q is not an SMTP address: domain %q is not a DNS name with a dot", smtp, domain)
	}
	return addr, domain, nil
}

// CheckOnPremises refuses names that cannot be an on-premises server: not a
// host name, or one of the Microsoft hosts the fake serves itself.
func CheckOnPremises(h string) error {
	switch {
	case !Valid(h):
		return fmt.Errorf("on-premises host %q is not a host name", h)
	case IsMicrosoft(h):
		return fmt.Errorf("on-premises host %q is a Microsoft host", h)
	}
	return nil
}

// DomainOf returns the domain of an SMTP address: what follows the "@".
func DomainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}

// Valid reports whether s is a DNS host name (letters, digits, hyphens,
// dots; labels of 1 to 63 characters).
func Valid(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

// Norm lower-cases a host name and drops a trailing dot.
func Norm(h string) string { return strings.ToLower(strings.TrimSuffix(h, ".")) }

// StripPort strips a port from a Host header.
func StripPort(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}
