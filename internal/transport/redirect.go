package transport

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects bounds the same-origin redirects one request follows.
const maxRedirects = 10

// RedirectError is the error of a request whose server answered with a
// redirect the SDK does not follow: one that leaves the request's origin
// (another scheme, host or port, or user info in the URL), or any redirect
// of a request that is not a read. The request is not sent to Location, so
// neither its token nor its body went there.
type RedirectError struct {
	Method string // the method of the redirected request
	// Status is the redirect status (301, 302, 303, 307, 308).
	Status int
	// Location is where the server wanted the request to go, with
	// credentials and query values removed.
	Location string
	// Reason says why the redirect was not followed.
	Reason string
}

// Error returns "refused a 302 redirect to http://host/path: not the same
// https origin"; the caller's error names the request.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused a %d redirect to %s: %s", e.Status, e.Location, e.Reason)
}

// CheckRedirect is the redirect rule of every HTTP client the SDK builds
// (REST calls, pre-authenticated upload URLs, sign-in). It follows a
// redirect only when the original request is a GET or HEAD, the target is
// https on the original request's host and port, with no user info, and
// fewer than 10 redirects came before. Anything else stops the request with
// a *RedirectError: a token goes only to the origin it was sent to, a body
// is never resent elsewhere, and a write is never turned into a GET that
// reports success.
//
// Same-origin reads are followed because a token minted for a host is
// valid on every path of it, and servers move resources within themselves
// (a trailing slash, a canonical path); everything the SDK could gain from
// following a redirect further is not worth a token.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	first := via[0]
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	reason := ""
	switch {
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		reason = "only reads follow redirects"
	case !sameOrigin(first.URL, req.URL):
		reason = "not the same https origin"
	case len(via) > maxRedirects:
		reason = fmt.Sprintf("more than %d redirects", maxRedirects)
	default:
		return nil
	}
	return &RedirectError{Method: first.Method, Status: status, Location: RedactURL(req.URL, false), Reason: reason}
}

// sameOrigin reports whether to is https on the host and port of from, with
// no user info.
func sameOrigin(from, to *url.URL) bool {
	if to.User != nil || !strings.EqualFold(to.Scheme, "https") || !strings.EqualFold(from.Scheme, "https") {
		return false
	}
	return strings.EqualFold(strings.TrimSuffix(from.Hostname(), "."), strings.TrimSuffix(to.Hostname(), ".")) &&
		effectivePort(from) == effectivePort(to)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return "443"
}

// Guard returns a copy of hc (of DefaultHTTPClient when nil) that follows
// redirects by CheckRedirect, for HTTP clients the SDK hands to other code
// (the sign-in library). hc itself is not changed.
func Guard(hc *http.Client) *http.Client {
	if hc == nil {
		hc = defaultHTTPClient()
	}
	cp := *hc
	cp.CheckRedirect = CheckRedirect
	return &cp
}

// isRedirectError reports whether err is a refused redirect.
func isRedirectError(err error) bool {
	var re *RedirectError
	return errors.As(err, &re)
}
