// Package winauth is the fake's on-premises Active Directory as EWS sees
// it: accounts with passwords (service accounts and mailbox users), the
// ApplicationImpersonation and FullAccess rights granted to them, and the
// Windows sign-in schemes IIS offers on Exchange's virtual directories,
// NTLM (connection-based, as IIS keeps it) and Basic.
package winauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/ntlm"
)

// Account is one account of the directory.
type Account struct {
	User      string // the sAMAccountName, as given
	NetBIOS   string // the NetBIOS domain, upper case
	DNSDomain string // the DNS domain, lower case, as the account was named; "" when not (see UPN)
	ntHash    [16]byte
	password  string
}

// UPN returns an account's user principal name, "" when its DNS domain is
// unknown: an account added by its down-level name finds its DNS domain
// among the server's mail domains when asked, so the order in which a
// test adds accounts and mailboxes does not matter.
func (d *Directory) UPN(a *Account) string {
	dns := a.DNSDomain
	if dns == "" {
		dns = d.dnsOf(a.NetBIOS)
	}
	if dns == "" {
		return ""
	}
	return strings.ToLower(a.User) + "@" + dns
}

// DownLevel returns DOMAIN\user.
func (a *Account) DownLevel() string { return a.NetBIOS + `\` + a.User }

// Directory holds the accounts and grants of one fake server. It is safe
// for concurrent use.
type Directory struct {
	// Domains returns the mail domains the server knows, to pair a
	// NetBIOS domain with its DNS name (CONTOSO with contoso.com).
	Domains func() []string

	mu            sync.RWMutex
	accounts      []*Account
	impersonation map[*Account]*grant
	fullAccess    map[string]map[string]bool // mailbox -> principals (UPNs and addresses, lower case)
}

type grant struct {
	all       bool
	mailboxes map[string]bool
}

// NetBIOSOf returns the NetBIOS name of a DNS domain: its first label, in
// capitals (contoso.com: CONTOSO), as a domain is usually set up.
func NetBIOSOf(dns string) string {
	first, _, _ := strings.Cut(dns, ".")
	return strings.ToUpper(first)
}

// ParseName reads DOMAIN\user or user@domain.
func ParseName(name string) (user, netbios, dns string, err error) {
	name = strings.TrimSpace(name)
	if d, u, ok := strings.Cut(name, `\`); ok {
		if d == "" || u == "" || strings.ContainsAny(u, `\@/`) {
			return "", "", "", fmt.Errorf("%q is not DOMAIN\\user", name)
		}
		if strings.Contains(d, ".") {
			return u, NetBIOSOf(strings.ToLower(d)), strings.ToLower(d), nil
		}
		return u, strings.ToUpper(d), "", nil
	}
	if u, d, ok := strings.Cut(name, "@"); ok && u != "" && strings.Contains(d, ".") && !strings.ContainsAny(u+d, `\@/ `) {
		return u, NetBIOSOf(strings.ToLower(d)), strings.ToLower(d), nil
	}
	return "", "", "", fmt.Errorf("%q is neither DOMAIN\\user nor a user principal name (user@domain)", name)
}

// Add adds an account, or changes the password of the one it names.
func (d *Directory) Add(name, password string) (*Account, error) {
	user, nb, dns, err := ParseName(name)
	if err != nil {
		return nil, err
	}
	if dns == "" {
		dns = d.dnsOf(nb)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, a := range d.accounts {
		if strings.EqualFold(a.User, user) && a.NetBIOS == nb {
			a.ntHash, a.password = ntlm.NTHash(password), password
			if a.DNSDomain == "" {
				a.DNSDomain = dns
			}
			return a, nil
		}
	}
	a := &Account{User: user, NetBIOS: nb, DNSDomain: dns, ntHash: ntlm.NTHash(password), password: password}
	d.accounts = append(d.accounts, a)
	return a, nil
}

func (d *Directory) dnsOf(netbios string) string {
	if d.Domains == nil {
		return ""
	}
	for _, dom := range d.Domains() {
		if NetBIOSOf(dom) == netbios {
			return dom
		}
	}
	return ""
}

// Find returns the account a sign-in names: user@domain (domain empty),
// or a user with a NetBIOS or DNS domain, or a bare user name that only
// one account has.
func (d *Directory) Find(user, domain string) *Account {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if domain == "" {
		if u, dom, ok := strings.Cut(user, "@"); ok {
			user, domain = u, dom
		}
	}
	var match *Account
	n := 0
	for _, a := range d.accounts {
		if !strings.EqualFold(a.User, user) {
			continue
		}
		switch {
		case domain == "":
			match, n = a, n+1
		case strings.EqualFold(domain, a.NetBIOS), a.DNSDomain != "" && strings.EqualFold(domain, a.DNSDomain),
			a.DNSDomain == "" && strings.Contains(domain, ".") && NetBIOSOf(strings.ToLower(domain)) == a.NetBIOS:
			return a
		}
	}
	if n == 1 {
		return match
	}
	return nil
}

// Lookup returns the account named DOMAIN\user or by UPN.
func (d *Directory) Lookup(name string) *Account {
	user, nb, dns, err := ParseName(name)
	if err != nil {
		return nil
	}
	if dns != "" {
		return d.Find(user, dns)
	}
	return d.Find(user, nb)
}

// GrantImpersonation gives an account the ApplicationImpersonation right
// on the mailboxes given, or on every mailbox when none is.
func (d *Directory) GrantImpersonation(a *Account, mailboxes []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.impersonation == nil {
		d.impersonation = map[*Account]*grant{}
	}
	g := d.impersonation[a]
	if g == nil {
		g = &grant{mailboxes: map[string]bool{}}
		d.impersonation[a] = g
	}
	if len(mailboxes) == 0 {
		g.all = true
	}
	for _, m := range mailboxes {
		g.mailboxes[strings.ToLower(m)] = true
	}
}

// CanImpersonate reports whether the account may impersonate the
// mailbox, and whether it holds the right on any mailbox at all.
func (d *Directory) CanImpersonate(a *Account, mailbox string) (ok, any bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	g := d.impersonation[a]
	if g == nil {
		return false, false
	}
	return g.all || g.mailboxes[strings.ToLower(mailbox)], true
}

// GrantFullAccess lets a principal (an account's UPN or a user's address)
// open a mailbox as a delegate.
func (d *Directory) GrantFullAccess(mailbox, principal string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fullAccess == nil {
		d.fullAccess = map[string]map[string]bool{}
	}
	mb := strings.ToLower(mailbox)
	if d.fullAccess[mb] == nil {
		d.fullAccess[mb] = map[string]bool{}
	}
	d.fullAccess[mb][strings.ToLower(principal)] = true
}

// FullAccess reports whether any of the principals given may open the
// mailbox as a delegate.
func (d *Directory) FullAccess(mailbox string, principals ...string) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, p := range principals {
		if p != "" && d.fullAccess[strings.ToLower(mailbox)][strings.ToLower(p)] {
			return true
		}
	}
	return false
}

// Conn is the sign-in state of one client connection: IIS binds NTLM to
// the connection, so a handshake's challenge and its outcome live here.
type Conn struct {
	mu        sync.Mutex
	challenge *[8]byte
	account   *Account
}

type connKey struct{}

// WithConn returns a context carrying a fresh connection state, for
// http.Server.ConnContext.
func WithConn(ctx context.Context) context.Context {
	return context.WithValue(ctx, connKey{}, &Conn{})
}

func connOf(r *http.Request) *Conn {
	c, _ := r.Context().Value(connKey{}).(*Conn)
	return c
}

// Schemes is what a host offers in its 401.
type Schemes struct {
	Host  string // the Basic realm
	Basic bool   // Basic is enabled on the virtual directory
}

// Challenge adds the Windows schemes to a 401's WWW-Authenticate headers:
// Negotiate, NTLM, and Basic when enabled, in IIS's order.
func (s Schemes) Challenge(h http.Header) {
	h.Add("WWW-Authenticate", "Negotiate")
	h.Add("WWW-Authenticate", "NTLM")
	if s.Basic {
		h.Add("WWW-Authenticate", fmt.Sprintf("Basic realm=%q", s.Host))
	}
}

// Outcome is what Authenticate decided.
type Outcome int

// The outcomes of Authenticate.
const (
	// NotWindows: the request carries no Windows credentials (a bearer
	// token, or nothing on a connection nobody signed in on).
	NotWindows Outcome = iota
	// SignedIn: Account is set.
	SignedIn
	// Answered: Authenticate has written the 401 (a challenge, or a
	// refusal); the request ends there.
	Answered
)

// ErrRefused is why a sign-in failed, for logs; the client sees a 401.
var ErrRefused = errors.New("winauth: sign-in refused")

// Authenticate handles the Windows schemes of a request: an NTLM or
// Negotiate handshake step, Basic credentials, or none on a connection an
// earlier handshake signed in. challenge writes the host's full 401 (its
// Bearer challenge, if any, and the Windows schemes).
func (d *Directory) Authenticate(w http.ResponseWriter, r *http.Request, t ntlm.Target, basic bool, now time.Time, challenge func(w http.ResponseWriter)) (*Account, Outcome) {
	conn := connOf(r)
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	switch {
	case h == "":
		if conn != nil {
			conn.mu.Lock()
			a := conn.account
			conn.mu.Unlock()
			if a != nil {
				return a, SignedIn
			}
		}
		return nil, NotWindows
	case strings.EqualFold(scheme, "Basic"):
		if !basic {
			challenge(w)
			return nil, Answered
		}
		raw, err := base64.StdEncoding.DecodeString(cred)
		name, password, ok := strings.Cut(string(raw), ":")
		if err != nil || !ok {
			challenge(w)
			return nil, Answered
		}
		a := d.Lookup(name)
		if a == nil {
			if !strings.ContainsAny(name, `\@`) {
				a = d.Find(name, "")
			}
		}
		if a == nil || subtle.ConstantTimeCompare([]byte(a.password), []byte(password)) != 1 {
			challenge(w)
			return nil, Answered
		}
		return a, SignedIn
	case strings.EqualFold(scheme, "NTLM"), strings.EqualFold(scheme, "Negotiate"):
		return d.ntlmStep(w, r, conn, scheme, cred, t, now, challenge)
	}
	return nil, NotWindows
}

func (d *Directory) ntlmStep(w http.ResponseWriter, r *http.Request, conn *Conn, scheme, cred string, t ntlm.Target, now time.Time, challenge func(w http.ResponseWriter)) (*Account, Outcome) {
	msg, err := base64.StdEncoding.DecodeString(cred)
	if err != nil || !ntlm.IsNTLM(msg) || conn == nil {
		// Kerberos inside Negotiate, or garbage: the fake speaks NTLM only.
		challenge(w)
		return nil, Answered
	}
	typ, err := ntlm.MessageType(msg)
	if err != nil {
		challenge(w)
		return nil, Answered
	}
	conn.mu.Lock()
	defer conn.mu.Unlock()
	switch typ {
	case 1:
		neg, err := ntlm.ParseNegotiate(msg)
		if err != nil {
			conn.challenge = nil
			challenge(w)
			return nil, Answered
		}
		var sc [8]byte
		_, _ = rand.Read(sc[:])
		conn.challenge, conn.account = &sc, nil
		w.Header().Set("WWW-Authenticate", scheme+" "+base64.StdEncoding.EncodeToString(ntlm.Challenge(neg, t, sc, now)))
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusUnauthorized)
		return nil, Answered
	case 3:
		sc := conn.challenge
		// A challenge answers one AUTHENTICATE: a message replayed on this
		// connection or sent on another finds none.
		conn.challenge = nil
		a, err := ntlm.ParseAuthenticate(msg)
		if sc == nil || err != nil {
			challenge(w)
			return nil, Answered
		}
		acct := d.Find(a.User, a.Domain)
		if acct == nil || ntlm.Verify(a, *sc, acct.ntHash, now) != nil {
			challenge(w)
			return nil, Answered
		}
		conn.account = acct
		return acct, SignedIn
	}
	challenge(w)
	return nil, Answered
}
