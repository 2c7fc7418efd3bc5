package outlooktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Identifiers Exchange and Graph put in their challenges.
const (
	exchangeAppID    = "00000002-0000-0ff1-ce00-000000000000" // "Office 365 Exchange Online"
	graphAppID       = "00000003-0000-0000-c000-000000000000" // "Microsoft Graph"
	entraSTSID       = "00000001-0000-0000-c000-000000000000" // the Entra ID token service
	exchangeTokenTyp = "app_asserted_user_v1 service_asserted_app_v1"
)

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header; sent reports whether the header used the Bearer scheme at all
// (an empty "Bearer" is the probe clients send to get the challenge).
func bearerToken(r *http.Request) (token string, sent bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, rest, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// onpremChallenge is what an on-premises server puts in its 401: its host
// name (the Basic realm) and its tenant (the trusted issuer).
type onpremChallenge struct {
	host     string
	tenantID string
}

// authFailure is why a token was refused.
type authFailure int

const (
	authNoToken authFailure = iota + 1
	authUnknownToken
	authExpired
	authWrongAudience
)

// authenticate checks the bearer token of a REST request against the host's
// audience. On success it returns the principal and records the audience in
// the request log; otherwise it has answered the 401 the real host gives
// (Graph's JSON error, or Exchange's Bearer challenge when ch is set).
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, host string, ch *onpremChallenge) (principal, bool) {
	want := "https://" + host
	token, _ := bearerToken(r)
	var fail authFailure
	var ti tokenInfo
	if token == "" {
		fail = authNoToken
	} else if t, ok := s.issuer.lookup(token); !ok {
		fail = authUnknownToken
	} else if !s.now().Before(t.expires) {
		fail = authExpired
	} else if t.audience != want {
		fail = authWrongAudience
		ti = t
	} else {
		ti = t
	}
	if fail == 0 {
		return ti.principal(), true
	}
	if ch != nil {
		writeExchangeChallenge(w, ch, fail, ti.audience, want)
	} else {
		writeGraphAuthError(w, fail)
	}
	return principal{}, false
}

// writeExchangeChallenge answers as on-premises Exchange with hybrid modern
// auth does: 401, a Bearer challenge naming the tenant and the Entra ID
// authority, a Basic one, and for a refused token the x-ms-diagnostics reason.
func writeExchangeChallenge(w http.ResponseWriter, ch *onpremChallenge, fail authFailure, gotAud, wantAud string) {
	bearer := fmt.Sprintf(`Bearer client_id=%q, trusted_issuers="%s@%s", token_types=%q, authorization_uri="https://%s/common/oauth2/authorize"`,
		exchangeAppID, entraSTSID, ch.tenantID, exchangeTokenTyp, loginWindowsHost)
	if fail != authNoToken {
		bearer += `, error="invalid_token"`
	}
	h := w.Header()
	h.Add("WWW-Authenticate", bearer)
	h.Add("WWW-Authenticate", fmt.Sprintf("Basic realm=%q", ch.host))
	h.Set("Server", "Microsoft-IIS/10.0")
	h.Set("X-Powered-By", "ASP.NET")
	switch fail {
	case authUnknownToken:
		h.Set("x-ms-diagnostics", `2000001;reason="The token is not a valid token issued by the trusted issuer.";error_category="invalid_token"`)
	case authExpired:
		h.Set("x-ms-diagnostics", `2000008;reason="The token has expired.";error_category="invalid_token"`)
	case authWrongAudience:
		h.Set("x-ms-diagnostics", fmt.Sprintf(`2000003;reason="The audience claim value is invalid '%s'. Expected audience is '%s'.";error_category="invalid_resource"`, gotAud, wantAud))
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusUnauthorized)
}

// writeLegacyAuthChallenge answers as an on-premises server without hybrid
// modern auth: a 401 that offers no Bearer scheme.
func writeLegacyAuthChallenge(w http.ResponseWriter, host string) {
	h := w.Header()
	h.Add("WWW-Authenticate", "Negotiate")
	h.Add("WWW-Authenticate", "NTLM")
	h.Add("WWW-Authenticate", fmt.Sprintf("Basic realm=%q", host))
	h.Set("Server", "Microsoft-IIS/10.0")
	h.Set("X-Powered-By", "ASP.NET")
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusUnauthorized)
}

// writeGraphAuthError answers as Graph does to a missing or refused token.
func writeGraphAuthError(w http.ResponseWriter, fail authFailure) {
	msg := map[authFailure]string{
		authNoToken:       "Access token is empty.",
		authUnknownToken:  "CompactToken parsing failed with error code: 80049217",
		authExpired:       "Lifetime validation failed, the token is expired.",
		authWrongAudience: "Access token validation failure. Invalid audience.",
	}[fail]
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="", authorization_uri="https://%s/common/oauth2/authorize", client_id=%q`, loginHost, graphAppID))
	writeHostODataError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
}

// writeHostODataError writes an OData error body in Graph's shape, with the
// innerError Graph adds (date and the request ids).
func writeHostODataError(w http.ResponseWriter, status int, code, msg string) {
	inner := map[string]string{
		"date":       time.Now().UTC().Format("2006-01-02T15:04:05"),
		"request-id": w.Header().Get("request-id"),
	}
	if id := w.Header().Get("client-request-id"); id != "" {
		inner["client-request-id"] = id
	}
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": msg, "innerError": inner}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
