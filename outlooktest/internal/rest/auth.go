package rest

// What a REST host answers to a request without a good token, and the
// host-level error pages, before any Handler runs.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
)

// Identifiers Exchange and Graph put in their challenges.
const (
	exchangeAppID    = "00000002-0000-0ff1-ce00-000000000000" // "Office 365 Exchange Online"
	graphAppID       = "00000003-0000-0000-c000-000000000000" // "Microsoft Graph"
	entraSTSID       = "00000001-0000-0000-c000-000000000000" // the Entra ID token service
	exchangeTokenTyp = "app_asserted_user_v1 service_asserted_app_v1"
)

// BearerToken returns the token of an "Authorization: Bearer <token>"
// header; sent reports whether the header used the Bearer scheme at all
// (an empty "Bearer" is the probe clients send to get the challenge).
func BearerToken(r *http.Request) (token string, sent bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, rest, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// Challenge is what an on-premises server puts in its 401: its host name
// (the Basic realm) and its tenant (the trusted issuer).
type Challenge struct {
	Host     string
	TenantID string
	// AppOnly makes the server accept app-only tokens (an unsupported
	// configuration, see Authenticate).
	AppOnly bool
	// Windows adds the Negotiate and NTLM schemes the virtual directory
	// also takes (EWS), before Basic.
	Windows bool
}

// authFailure is why a token was refused.
type authFailure int

const (
	authNoToken authFailure = iota + 1
	authUnknownToken
	authExpired
	authWrongAudience
	authAppOnly
)

// Authenticate checks the bearer token of a REST request to host against
// the host's audience, with the issuer's tokens and the server's time now.
// On success it returns the token's principal; otherwise it has answered the
// 401 the real host gives (Graph's JSON error, or Exchange's Bearer
// challenge when ch is set).
//
// An on-premises server (ch set) also refuses app-only tokens: Exchange
// Server's OAuth module accepts only the token profiles its virtual
// directory's web.config lists (OAuthHttpModule.Profiles), and app-only
// (V1S2SAppOnly) is not among them unless an administrator adds it, which
// Microsoft does not support. The module then fails the token with
// TokenProfileNotApplicable, a 401 like any refused token.
func Authenticate(w http.ResponseWriter, r *http.Request, host string, tokens *issuer.Issuer, now time.Time, ch *Challenge) (issuer.Principal, bool) {
	want := "https://" + host
	token, _ := BearerToken(r)
	var fail authFailure
	var ti issuer.Token
	if token == "" {
		fail = authNoToken
	} else if t, ok := tokens.Lookup(token); !ok {
		fail = authUnknownToken
	} else if !now.Before(t.Expires) {
		fail = authExpired
	} else if t.Audience != want {
		fail = authWrongAudience
		ti = t
	} else if ch != nil && t.AppOnly && !ch.AppOnly {
		fail = authAppOnly
		ti = t
	} else {
		ti = t
	}
	if fail == 0 {
		return ti.Principal, true
	}
	if ch != nil {
		writeExchangeChallenge(w, ch, fail, ti.Audience, want)
	} else {
		writeGraphAuthError(w, fail)
	}
	return issuer.Principal{}, false
}

// writeExchangeChallenge answers as on-premises Exchange with hybrid modern
// auth does: 401, a Bearer challenge naming the tenant and the Entra ID
// authority, a Basic one, and for a refused token the x-ms-diagnostics reason.
func writeExchangeChallenge(w http.ResponseWriter, ch *Challenge, fail authFailure, gotAud, wantAud string) {
	bearer := fmt.Sprintf(`Bearer client_id=%q, trusted_issuers="%s@%s", token_types=%q, authorization_uri="https://%s/common/oauth2/authorize"`,
		exchangeAppID, entraSTSID, ch.TenantID, exchangeTokenTyp, hosts.LoginWindows)
	if fail != authNoToken {
		bearer += `, error="invalid_token"`
	}
	h := w.Header()
	h.Add("WWW-Authenticate", bearer)
	if ch.Windows {
		h.Add("WWW-Authenticate", "Negotiate")
		h.Add("WWW-Authenticate", "NTLM")
	}
	h.Add("WWW-Authenticate", fmt.Sprintf("Basic realm=%q", ch.Host))
	h.Set("Server", "Microsoft-IIS/10.0")
	h.Set("X-Powered-By", "ASP.NET")
	// x-ms-diagnostics is "<category>;reason=...;error_category=...", the
	// category numbered from 2000000 (InvalidSignature), 2000001
	// (InvalidToken), 2000002 (TokenExpired), 2000003 (InvalidResource) on.
	switch fail {
	case authUnknownToken:
		h.Set("x-ms-diagnostics", `2000001;reason="The token is not a valid token issued by the trusted issuer.";error_category="invalid_token"`)
	case authExpired:
		h.Set("x-ms-diagnostics", `2000002;reason="The token has expired.";error_category="token_expired"`)
	case authAppOnly:
		h.Set("x-ms-diagnostics", `2000001;reason="This token profile is not applicable for the current protocol.";error_category="invalid_token"`)
	case authWrongAudience:
		h.Set("x-ms-diagnostics", fmt.Sprintf(`2000003;reason="The audience claim value is invalid '%s'. Expected audience is '%s'.";error_category="invalid_resource"`, gotAud, wantAud))
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusUnauthorized)
}

// WriteLegacyAuthChallenge answers as an on-premises server without hybrid
// modern auth: a 401 that offers no Bearer scheme.
func WriteLegacyAuthChallenge(w http.ResponseWriter, host string) {
	h := w.Header()
	h.Add("WWW-Authenticate", "Negotiate")
	h.Add("WWW-Authenticate", "NTLM")
	h.Add("WWW-Authenticate", fmt.Sprintf("Basic realm=%q", host))
	h.Set("Server", "Microsoft-IIS/10.0")
	h.Set("X-Powered-By", "ASP.NET")
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusUnauthorized)
}

// WriteExchangeChallenge answers a request without acceptable credentials
// as an on-premises server with hybrid modern auth does, for a host that
// checked the credentials itself (a Windows sign-in that failed).
func WriteExchangeChallenge(w http.ResponseWriter, ch *Challenge) {
	writeExchangeChallenge(w, ch, authNoToken, "", "")
}

// writeGraphAuthError answers as Graph does to a missing or refused token.
func writeGraphAuthError(w http.ResponseWriter, fail authFailure) {
	msg := map[authFailure]string{
		authNoToken:       "Access token is empty.",
		authUnknownToken:  "CompactToken parsing failed with error code: 80049217",
		authExpired:       "Lifetime validation failed, the token is expired.",
		authWrongAudience: "Access token validation failure. Invalid audience.",
	}[fail]
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="", authorization_uri="https://%s/common/oauth2/authorize", client_id=%q`, hosts.Login, graphAppID))
	WriteHostError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
}

// WriteHostError writes an OData error body in Graph's shape, with the
// innerError Graph adds (date and the request ids), for an answer a host
// gives before (or without) a Handler.
func WriteHostError(w http.ResponseWriter, status int, code, msg string) {
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": msg, "innerError": innerError(w.Header(), time.Now())}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteIIS404 writes the page IIS answers for a virtual directory that is not there.
func WriteIIS404(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "Microsoft-IIS/10.0")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>404 - File or directory not found.</title></head>
<body><div id="header"><h1>Server Error</h1></div><div id="content"><fieldset>
<h2>404 - File or directory not found.</h2>
<h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>
</fieldset></div></body></html>
`))
}

// innerError is the innerError Graph puts in every error body: the time,
// and the answer's request-id and client-request-id (the client's when it
// sent one, else the request-id, as Graph fills it), equal to the headers
// of the same names. h is the answer's header, request-id set.
func innerError(h http.Header, now time.Time) map[string]any {
	rid := h.Get("request-id")
	if rid == "" {
		rid = ids.GUID()
		h.Set("request-id", rid)
	}
	crid := h.Get("client-request-id")
	if crid == "" {
		crid = rid
	}
	return map[string]any{
		"date":              now.UTC().Format("2006-01-02T15:04:05"),
		"request-id":        rid,
		"client-request-id": crid,
	}
}
