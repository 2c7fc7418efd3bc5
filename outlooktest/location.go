package outlooktest

import "strings"

// Location says where a mailbox lives: in Exchange Online (Cloud), served by
// the Graph host, or on an on-premises Exchange server (OnPremises), served by
// that host's Outlook REST v2.0 API.
type Location struct {
	host string // "" for Cloud; the on-premises server's host name otherwise
}

// Cloud is the location of an Exchange Online mailbox.
var Cloud = Location{}

// OnPremises returns the location of a mailbox on the on-premises Exchange
// server named host (for example "mail.contoso.com"). The host is lower-cased.
func OnPremises(host string) Location {
	return Location{host: strings.ToLower(host)}
}

// IsCloud reports whether the mailbox lives in Exchange Online.
func (l Location) IsCloud() bool { return l.host == "" }

// Host returns the on-premises server's host name, or "" for Cloud.
func (l Location) Host() string { return l.host }

// String returns "cloud" or "on-premises(<host>)".
func (l Location) String() string {
	if l.host == "" {
		return "cloud"
	}
	return "on-premises(" + l.host + ")"
}

// Object is one entity or complex value as plain JSON data with Graph
// (camelCase) property names, as seeded by tests and kept by the store.
type Object = map[string]any
