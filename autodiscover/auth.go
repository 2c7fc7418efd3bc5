package autodiscover

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// stsPrincipal is the Entra ID security token service's principal; the
// trusted_issuers entry "<stsPrincipal>@<tenant>" names the tenant.
const stsPrincipal = "00000001-0000-0000-c000-000000000000"

// AuthInfo is what an endpoint's Bearer challenge says about getting a token for it.
type AuthInfo struct {
	// Authority is the Entra ID authority to request tokens from, on the
	// cloud's canonical authority host: "https://login.microsoftonline.com/<tenant>".
	Authority string
	// Tenant is the tenant id from trusted_issuers, or the authorize URI's
	// tenant segment ("common") when the server names none.
	Tenant string
	// Resource is the token audience, the endpoint's Resource.
	Resource string
	// ClientID is the resource application the challenge names
	// (00000002-0000-0ff1-ce00-000000000000 for Exchange).
	ClientID string
	// AuthorizationURI is the authorize endpoint as the server sent it.
	AuthorizationURI string
	// TokenTypes are the token types the server accepts, if it says.
	TokenTypes []string
	// TrustedIssuers are the issuers the server trusts, as sent.
	TrustedIssuers []string
	// Schemes are every authentication scheme the server offered, Bearer
	// included ("Bearer", "Negotiate", "NTLM", "Basic").
	Schemes []string
}

// DiscoverAuth probes ep anonymously (GET <URL>/me for a REST endpoint, GET
// of the EWS URL itself for EWS, with an empty Bearer credential, which
// tells Exchange the client supports modern auth) and reads the Bearer
// challenge of the 401 answer.
//
// When the server answers 401 without a Bearer challenge, or with one
// lacking authorization_uri (hybrid modern auth not enabled on-premises), the
// error is an [*AuthError] matching [ErrModernAuthNotConfigured]; another
// status gives an [*AuthError] carrying it (404: REST is not served there).
// A challenge naming
// an authority outside the resolver's cloud is refused ([ErrRefused]): it
// could send users to a look-alike sign-in page.
func (r *Resolver) DiscoverAuth(ctx context.Context, ep Endpoint) (AuthInfo, error) {
	base, err := url.Parse(ep.URL)
	if err != nil || base.Scheme != "https" || base.Host == "" {
		return AuthInfo{}, fmt.Errorf("autodiscover: DiscoverAuth: endpoint URL %q is not an https URL", ep.URL)
	}
	probe := strings.TrimSuffix(ep.URL, "/") + "/me"
	if ep.API == APIEWS {
		probe = ep.URL
	}
	rctx, cancel := context.WithTimeout(ctx, r.reqTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, probe, nil)
	if err != nil {
		return AuthInfo{}, fmt.Errorf("autodiscover: DiscoverAuth: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer") // empty: no credential, only "I speak OAuth"
	resp, err := r.client.Do(req)
	if err != nil {
		return AuthInfo{}, r.timeoutError(ctx, rctx, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody))
	resp.Body.Close()
	r.logger.DebugContext(ctx, "autodiscover: auth probe", "url", probe, "status", resp.StatusCode)

	if resp.StatusCode != http.StatusUnauthorized {
		return AuthInfo{}, &AuthError{URL: probe, Status: resp.StatusCode, Reason: "the probe was not answered with 401"}
	}
	return r.authFromHeaders(probe, ep, resp.Header.Values("WWW-Authenticate"))
}

// authFromHeaders reads the Bearer challenge out of the WWW-Authenticate
// headers of a 401 answer to probe.
func (r *Resolver) authFromHeaders(probe string, ep Endpoint, headers []string) (AuthInfo, error) {
	var (
		bearer   *Challenge
		schemes  []string
		parseErr error
	)
	for _, h := range headers {
		cs, err := ParseChallenges(h)
		if err != nil {
			parseErr = errors.Join(parseErr, err)
			continue
		}
		for _, c := range cs {
			schemes = append(schemes, c.Scheme)
			if bearer == nil && strings.EqualFold(c.Scheme, "Bearer") {
				bearer = &c
			}
		}
	}
	if bearer == nil {
		ae := &AuthError{URL: probe, Status: http.StatusUnauthorized, Schemes: schemes, Reason: "no Bearer challenge"}
		if parseErr != nil {
			ae.Reason += fmt.Sprintf(" (%v)", parseErr)
		}
		return AuthInfo{}, ae
	}
	au := bearer.AuthorizationURI()
	if au == "" {
		return AuthInfo{}, &AuthError{URL: probe, Status: http.StatusUnauthorized, Schemes: schemes,
			Reason: "the Bearer challenge has no authorization_uri"}
	}
	u, err := url.Parse(au)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return AuthInfo{}, fmt.Errorf("autodiscover: DiscoverAuth: authorization_uri %q is not an https URL", truncate(au, 200))
	}
	if !r.cloud.IsAuthorityHost(u.Host) {
		return AuthInfo{}, fmt.Errorf("%w: authorization_uri host %s is not an authority of the %s cloud", ErrRefused, u.Hostname(), r.cloud.Name)
	}
	info := AuthInfo{
		Resource:         ep.Resource,
		ClientID:         bearer.ClientID(),
		AuthorizationURI: au,
		TokenTypes:       bearer.TokenTypes(),
		TrustedIssuers:   bearer.TrustedIssuers(),
		Schemes:          schemes,
	}
	for _, iss := range info.TrustedIssuers {
		if t, ok := strings.CutPrefix(iss, stsPrincipal+"@"); ok && t != "*" && t != "" {
			info.Tenant = t
			break
		}
	}
	if info.Tenant == "" {
		seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
		info.Tenant = seg
	}
	if info.Tenant == "" || strings.ContainsAny(info.Tenant, "/?#@ ") {
		return AuthInfo{}, fmt.Errorf("autodiscover: DiscoverAuth: no usable tenant in the challenge (authorization_uri %q)", truncate(au, 200))
	}
	info.Authority = "https://" + r.cloud.AuthorityHost + "/" + info.Tenant
	return info, nil
}
