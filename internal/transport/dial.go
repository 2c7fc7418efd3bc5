package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
)

// errPrivateAddress is the dial error for a request marked with
// RequirePublicAddress whose host resolved to an address that is not public.
var errPrivateAddress = errors.New("the host resolves to a loopback, private or link-local address")

// publicOnlyKey marks a request's context with the host whose addresses
// must be public.
type publicOnlyKey struct{}

// RequirePublicAddress returns a copy of req that the SDK's default HTTP
// client connects only to a public address: the host of a URL the server
// handed out (an upload session's) must not resolve to a loopback, private,
// link-local, shared or unspecified address. The check is made on the
// address actually dialled, after the name is resolved, so there is no
// second lookup a name could answer differently. Not checked: connections
// through an HTTP proxy (the proxy resolves the name), idle connections the
// pool already holds for that host, and HTTP clients the caller supplies
// (their dialler is theirs); callers check literal addresses and host names
// themselves with IsPublicAddr.
func RequirePublicAddress(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), publicOnlyKey{}, req.URL.Hostname()))
}

// IsPublicAddr reports whether a is an address the SDK may send a
// server-provided URL to: not loopback, private (RFC 1918, RFC 4193),
// link-local, shared (RFC 6598), multicast or unspecified.
func IsPublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	switch {
	case !a.IsValid(), a.IsLoopback(), a.IsPrivate(), a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast(),
		a.IsInterfaceLocalMulticast(), a.IsMulticast(), a.IsUnspecified():
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// nonPublic are ranges netip has no predicate for.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),     // "this network"
	netip.MustParsePrefix("100.64.0.0/10"), // shared address space (carrier-grade NAT)
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),   // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// dialer is the default client's: it checks the address of requests marked
// with RequirePublicAddress.
func dialer() func(ctx context.Context, network, addr string) (net.Conn, error) {
	base := &net.Dialer{Timeout: dialTimeout, KeepAlive: dialTimeout}
	checked := *base
	checked.ControlContext = func(_ context.Context, _, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !IsPublicAddr(ap.Addr()) {
			return fmt.Errorf("%w: %s", errPrivateAddress, address)
		}
		return nil
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _ := ctx.Value(publicOnlyKey{}).(string)
		if h, _, err := net.SplitHostPort(addr); host == "" || err != nil || !strings.EqualFold(h, host) {
			return base.DialContext(ctx, network, addr) // unmarked, or a proxy
		}
		return checked.DialContext(ctx, network, addr)
	}
}
