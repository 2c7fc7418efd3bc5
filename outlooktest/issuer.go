package outlooktest

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
)

// App is an application registered with the fake Entra ID issuer. Without
// registration any client id is accepted with any client secret, which is
// what most tests want; register an app to make the issuer check its secret
// or to let it authenticate with a certificate.
type App struct {
	// ClientID is the application (client) id the flows send.
	ClientID string
	// Secret, when set, is the only client secret accepted for the app.
	Secret string
	// Certificates are the certificates whose keys may sign the app's client
	// assertions (RS256, PS256 or ES256, as MSAL signs them). An app with
	// none cannot use a certificate.
	Certificates []*x509.Certificate
	// Roles are the application permissions app-only tokens carry. The
	// default is Mail.ReadWrite, Mail.Send, Calendars.ReadWrite and
	// Contacts.ReadWrite.
	Roles []string
}

// RegisterApp registers (or replaces) an application with the issuer. It
// panics if the client id is empty.
func (s *Server) RegisterApp(a App) {
	if a.ClientID == "" {
		panic("outlooktest: RegisterApp: empty ClientID")
	}
	s.issuer.RegisterApp(issuer.App{ClientID: a.ClientID, Secret: a.Secret, Certificates: a.Certificates, Roles: a.Roles})
}

// TokenKey names what tokens were issued for: one application and one
// resource (audience), e.g. "https://graph.microsoft.com".
type TokenKey struct {
	ClientID string
	Resource string
}

// TokenRequests returns how many access tokens the issuer has issued per
// application and resource, so a test can assert that the client caches
// them. Refused and pending requests are not counted.
func (s *Server) TokenRequests() map[TokenKey]int {
	counts := s.issuer.Counts()
	out := make(map[TokenKey]int, len(counts))
	for k, v := range counts {
		out[TokenKey{ClientID: k.ClientID, Resource: k.Resource}] = v
	}
	return out
}

// ApproveDeviceCode signs smtp in for a pending device code, as the person
// at https://microsoft.com/devicelogin would; the client's next poll gets
// its tokens. The user code is matched case-insensitively.
func (s *Server) ApproveDeviceCode(userCode, smtp string) error {
	addr := strings.ToLower(smtp)
	if _, ok := s.locate(addr); !ok {
		return fmt.Errorf("outlooktest: ApproveDeviceCode: no mailbox %q (AddMailbox it first)", smtp)
	}
	return s.issuer.ApproveDeviceCode(userCode, addr)
}

// PendingDeviceCodes returns the user codes of device-code flows waiting for
// a sign-in, oldest first.
func (s *Server) PendingDeviceCodes() []string { return s.issuer.PendingDeviceCodes() }

// issuerDirectory is what the issuer knows of the server's tenants.
type issuerDirectory struct{ s *Server }

func (d issuerDirectory) ResolveTenant(seg string) (string, bool) {
	d.s.mu.RLock()
	defer d.s.mu.RUnlock()
	for _, dom := range d.s.domains {
		if dom.tenantID == seg || dom.name == seg {
			return dom.tenantID, true
		}
	}
	return "", false
}

func (d issuerDirectory) UserTenant(smtp string) (string, bool) {
	if _, ok := d.s.locate(smtp); !ok {
		return "", false
	}
	d.s.mu.RLock()
	defer d.s.mu.RUnlock()
	return d.s.domains[hosts.DomainOf(smtp)].tenantID, true
}

func (d issuerDirectory) HostTenant(host string) (string, bool) {
	d.s.mu.RLock()
	defer d.s.mu.RUnlock()
	h, ok := d.s.onprem[host]
	if !ok {
		return "", false
	}
	return d.s.domains[h.domain].tenantID, true
}
