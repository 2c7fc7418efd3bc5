package outlook

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/exchangekit/outlook/internal/ntlmauth"
)

// accountCred is an on-premises service account: a Windows account of the
// organisation's Active Directory that signs in to EWS with its password.
type accountCred struct {
	user, password string
	basic          bool
}

// OnPremisesAccount is an on-premises service account for daemons: an
// Active Directory account ("CONTOSO\svc-mail" or "svc-mail@contoso.com")
// that signs in to on-premises EWS with NTLM (messages by github.com/Azure/go-ntlmssp;
// Exchange's EWS virtual directory accepts Windows authentication by
// default) and acts as each mailbox through EWS impersonation, so it needs
// the ApplicationImpersonation role:
//
//	New-ManagementRoleAssignment -Name svc-mail-impersonation -Role ApplicationImpersonation -User svc-mail
//
// The password goes only to the EWS hosts Autodiscover names for the
// mailbox, under its trust rules (the mailbox's domain, hosts you allow),
// over https, never to a Microsoft host and never in a log record or an
// error. An NTLM handshake is never replayed to a redirect target: EWS
// requests follow no redirect.
//
// NTLM signs in a connection, not a request: the account keeps up to 64
// connections of its own to each EWS host, each signed in once, and sends
// requests in parallel over them when the client's HTTP transport (see
// WithHTTPClient) is an *http.Transport. Over a RoundTripper of your own
// wrapping one, requests to a host go one at a time, so that no two
// handshakes share a connection.
//
// Exchange Online does not take it: give NewClient an Entra ID credential
// for cloud mailboxes and this one with WithOnPremisesCredential. The REST
// API v2.0 does not take it either: it accepts only Entra ID tokens.
func OnPremisesAccount(user, password string) Credential {
	return &accountCred{user: user, password: password}
}

// OnPremisesAccountBasic is OnPremisesAccount signing in with Basic
// authentication instead of NTLM, for servers whose EWS virtual directory
// allows Basic and not Windows authentication. The password travels with
// every request, so it is sent over TLS only.
func OnPremisesAccountBasic(user, password string) Credential {
	return &accountCred{user: user, password: password, basic: true}
}

func (a *accountCred) bind(env credEnv) (boundCredential, error) {
	switch {
	case strings.TrimSpace(a.user) == "":
		return nil, fmt.Errorf("%w: empty on-premises account name", ErrInvalidCredential)
	case a.password == "":
		return nil, fmt.Errorf("%w: empty password for the on-premises account %s", ErrInvalidCredential, a.user)
	case strings.ContainsFunc(a.user, isControl) || strings.ContainsFunc(a.password, isControl):
		return nil, fmt.Errorf("%w: the on-premises account %q or its password holds a control character", ErrInvalidCredential, strings.Map(dropControl, a.user))
	case a.basic && strings.Contains(a.user, ":"):
		// RFC 7617: the user-id of Basic cannot hold a colon.
		return nil, fmt.Errorf("%w: Basic authentication cannot carry the account name %q, which holds a colon", ErrInvalidCredential, a.user)
	}
	return &boundAccount{cred: a, base: env.httpClient, hosts: map[string]*http.Client{}}, nil
}

func isControl(r rune) bool { return r < ' ' || r == 0x7f }

func dropControl(r rune) rune {
	if isControl(r) {
		return -1
	}
	return r
}

// boundAccount is an on-premises account bound to a client: it makes, per
// EWS host, the HTTP client that signs requests in as the account.
type boundAccount struct {
	cred *accountCred
	base *http.Client // the client's, guarded by transport.CheckRedirect

	mu    sync.Mutex
	hosts map[string]*http.Client
}

func (b *boundAccount) kind() credKind { return kindAccount }

func (b *boundAccount) tokenSource(audience) (*tokenSource, error) {
	return nil, errors.New("outlook: an on-premises account has no tokens")
}

// method names the way the account signs in, for errors.
func (b *boundAccount) method() string {
	if b.cred.basic {
		return "Basic"
	}
	return "NTLM"
}

// client returns the HTTP client that signs requests to host (an EWS host,
// "name" or "name:port") in as the account, and refuses every other
// request before it is sent.
func (b *boundAccount) client(host string, isMicrosoft func(string) bool) *http.Client {
	host = strings.ToLower(host)
	b.mu.Lock()
	defer b.mu.Unlock()
	if hc, ok := b.hosts[host]; ok {
		return hc
	}
	next := b.base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if !b.cred.basic {
		next = ntlmauth.New(next, b.cred.user, b.cred.password, ntlmLanesPerHost)
	}
	cp := *b.base
	cp.Transport = &accountTransport{host: host, isMicrosoft: isMicrosoft, cred: b.cred, next: next}
	cp.Jar = nil // no session cookie outlives the handshake that earned it
	b.hosts[host] = &cp
	return &cp
}

// ntlmLanesPerHost is how many NTLM-authenticated connections an account
// keeps to one EWS host, so how many of its requests are in flight there
// at once: the per-mailbox limit of sixteen mailboxes, for a service
// account serving many; more wait for a free lane. A lane opens its
// connection when first needed.
const ntlmLanesPerHost = 64

// errAccountHost is wrapped by the refusal of a request the account's
// secrets must not go with.
var errAccountHost = errors.New("outlook: the on-premises account signs in only to its mailbox's EWS host, over https")

// accountTransport sends requests to one EWS host signed in as the account:
// through an ntlmauth.Transport (NTLM, on connections of the account's
// own), or as Basic over TLS. Any other request (another
// host, plain http, a Microsoft host) is refused unsent.
type accountTransport struct {
	host        string
	isMicrosoft func(host string) bool
	cred        *accountCred
	next        http.RoundTripper
}

func (t *accountTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := strings.ToLower(req.URL.Host)
	if req.URL.Scheme != "https" || host != t.host || req.URL.User != nil || t.isMicrosoft(req.URL.Hostname()) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%w: refused a request to %s://%s", errAccountHost, req.URL.Scheme, req.URL.Host)
	}
	if !t.cred.basic {
		return t.next.RoundTrip(req) // ntlmauth signs it in
	}
	r := req.Clone(req.Context())
	r.SetBasicAuth(t.cred.user, t.cred.password)
	return t.next.RoundTrip(r)
}
