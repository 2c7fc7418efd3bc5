package autodiscover

import (
	"slices"
	"strings"
)

// Cloud is one Microsoft cloud: the hosts that serve its mailboxes, its
// Autodiscover endpoint and its sign-in authority. It is the single table of
// Microsoft host names in this SDK; the root package reads the authority
// from it too, so a host added here is trusted everywhere at once.
//
// Use one of the package values ([Global], [USGovL4], [USGovL5], [China]);
// a hand-built Cloud is for tests and for clouds this package does not know yet.
// Host names are lower case, without scheme or port.
type Cloud struct {
	// Name identifies the cloud in logs and errors.
	Name string
	// GraphURL is the Microsoft Graph root without a version or trailing
	// slash, e.g. "https://graph.microsoft.com". It is also the token resource
	// (audience) of every cloud mailbox.
	GraphURL string
	// ExchangeOnlineHosts are the Exchange Online hosts. An Autodiscover answer
	// pointing at one of them means "cloud mailbox", and is mapped to Graph:
	// the cloud Outlook REST v2.0 endpoint is decommissioned.
	ExchangeOnlineHosts []string
	// AutodiscoverHost answers Autodiscover v2 for every mailbox of the cloud
	// and redirects hybrid on-premises mailboxes to their own Autodiscover.
	AutodiscoverHost string
	// AuthorityHost is the Entra ID host to request tokens from.
	AuthorityHost string
	// AuthorityAliases are other names of the same authority that servers put
	// in Bearer challenges (on-premises Exchange sends login.windows.net).
	AuthorityAliases []string
}

// The clouds this package knows. Values come from Microsoft's CSS-Exchange
// scripts (Get-CloudServiceEndpoint.ps1 in
// https://github.com/microsoft/CSS-Exchange).
var (
	// Global is the worldwide commercial cloud.
	Global = Cloud{
		Name:                "global",
		GraphURL:            "https://graph.microsoft.com",
		ExchangeOnlineHosts: []string{"outlook.office365.com", "outlook.office.com"},
		AutodiscoverHost:    "autodiscover-s.outlook.com",
		AuthorityHost:       "login.microsoftonline.com",
		AuthorityAliases:    []string{"login.windows.net", "login.microsoft.com", "sts.windows.net"},
	}
	// USGovL4 is Microsoft 365 GCC High.
	USGovL4 = Cloud{
		Name:                "usgov-l4",
		GraphURL:            "https://graph.microsoft.us",
		ExchangeOnlineHosts: []string{"outlook.office365.us"},
		AutodiscoverHost:    "autodiscover-s.office365.us",
		AuthorityHost:       "login.microsoftonline.us",
	}
	// USGovL5 is Microsoft 365 DoD.
	USGovL5 = Cloud{
		Name:                "usgov-l5",
		GraphURL:            "https://dod-graph.microsoft.us",
		ExchangeOnlineHosts: []string{"outlook-dod.office365.us"},
		AutodiscoverHost:    "autodiscover-s-dod.office365.us",
		AuthorityHost:       "login.microsoftonline.us",
	}
	// China is Microsoft 365 operated by 21Vianet.
	China = Cloud{
		Name:                "china",
		GraphURL:            "https://microsoftgraph.chinacloudapi.cn",
		ExchangeOnlineHosts: []string{"partner.outlook.cn"},
		AutodiscoverHost:    "autodiscover-s.partner.outlook.cn",
		AuthorityHost:       "login.partner.microsoftonline.cn",
		AuthorityAliases:    []string{"login.chinacloudapi.cn"},
	}
)

// IsMicrosoftHost reports whether host (a name, optionally with a port) is one
// of the cloud's own hosts: Graph, Exchange Online, Autodiscover or the
// authority. Autodiscover trusts these without asking; the comparison ignores
// case and a trailing dot.
func (c Cloud) IsMicrosoftHost(host string) bool {
	h := canonicalHost(host)
	if h == "" {
		return false
	}
	return h == canonicalHost(c.AutodiscoverHost) || c.IsExchangeOnlineHost(h) ||
		h == c.graphHost() || c.IsAuthorityHost(h)
}

// IsExchangeOnlineHost reports whether host is one of the cloud's Exchange
// Online hosts, the sign that an Autodiscover answer is for a cloud mailbox.
func (c Cloud) IsExchangeOnlineHost(host string) bool {
	h := canonicalHost(host)
	for _, e := range c.ExchangeOnlineHosts {
		if h != "" && h == canonicalHost(e) {
			return true
		}
	}
	return false
}

// IsAuthorityHost reports whether host is the cloud's sign-in authority or
// one of its aliases: a Bearer challenge naming any other authority is not
// believed.
func (c Cloud) IsAuthorityHost(host string) bool {
	h := canonicalHost(host)
	if h == "" {
		return false
	}
	if h == canonicalHost(c.AuthorityHost) {
		return true
	}
	for _, a := range c.AuthorityAliases {
		if h == canonicalHost(a) {
			return true
		}
	}
	return false
}

// clone returns c with its own slices, so that a Resolver's table cannot be
// changed behind its back through a package variable or an accessor.
func (c Cloud) clone() Cloud {
	c.ExchangeOnlineHosts = slices.Clone(c.ExchangeOnlineHosts)
	c.AuthorityAliases = slices.Clone(c.AuthorityAliases)
	return c
}

func (c Cloud) graphHost() string {
	return canonicalHost(strings.TrimPrefix(c.GraphURL, "https://"))
}

// canonicalHost lower-cases host and drops a port, a trailing dot and a path,
// so that table entries and URL hosts compare equal.
func canonicalHost(host string) string {
	if i := strings.IndexByte(host, '/'); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	return strings.ToLower(host)
}
