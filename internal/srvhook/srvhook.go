// Package srvhook lets an HTTP transport carry the DNS SRV lookups that go
// with it. outlooktest attaches its transport's lookup here, and
// autodiscover asks here first, so that a client given nothing but the
// fake's HTTP client asks the fake for SRV records too and no lookup
// leaves the process. A transport nobody attached (every production
// transport) has no hook: its clients use the system resolver as before.
//
// Why a registry rather than DNS through the transport's dialer: a resolver
// dialing through DialContext would change production behaviour for every
// caller with a dialer of its own (an http.DefaultTransport clone
// included): the pure-Go resolver that needs ignores the platform's (macOS
// scoped and Windows NRPT VPN DNS), an egress-guarding dialer would refuse
// the nameserver, a proxy dialer would carry DNS to the proxy's
// localhost. Keyed by the *http.Transport itself, the hook works for
// outlooktest's Client and Transport alike and touches nothing else.
package srvhook

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"sync"
	"weak"
)

// Lookup has the signature of net.Resolver.LookupSRV.
type Lookup = func(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, err error)

// hooks maps weak.Pointer[http.Transport] to Lookup. Weak keys keep the
// table from holding every test server's transport alive: an entry goes
// when its transport is collected.
var hooks sync.Map

// Attach makes f the SRV lookup of clients of t. The returned detach
// replaces f with a lookup that finds nothing (the entry stays while t
// lives, so a client still holding t after its server is gone never falls
// back to real DNS); it drops the reference to f and what f holds.
func Attach(t *http.Transport, f Lookup) (detach func()) {
	key := weak.Make(t)
	hooks.Store(key, f)
	runtime.AddCleanup(t, func(k weak.Pointer[http.Transport]) { hooks.Delete(k) }, key)
	return func() { hooks.Store(key, Lookup(gone)) }
}

// For returns the SRV lookup attached to rt, or nil when rt is not an
// *http.Transport something attached one to.
func For(rt http.RoundTripper) Lookup {
	t, ok := rt.(*http.Transport)
	if !ok || t == nil {
		return nil
	}
	f, ok := hooks.Load(weak.Make(t))
	if !ok {
		return nil
	}
	return f.(Lookup)
}

func gone(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	return "", nil, &net.DNSError{Err: "no such host (the test server is closed)", Name: name, IsNotFound: true}
}
