package issuer

// Validation tokens: the JWTs Microsoft Graph adds to each collection of
// rich change notifications, one per application and tenant, which the
// identity platform signs for Graph's change notification publisher with
// an RS256 key published under the v1.0 and v2.0 keys endpoints. The fake
// signs them with an RSA key of its own, made the first time one is
// minted or the keys are read (RSA key generation is slow).

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
)

// GraphPublisherAppID is the application id of Microsoft Graph's change
// notification publisher: the appid of every validation token.
const GraphPublisherAppID = "0bf30f3b-4a52-48df-9a82-234910c4a086"

// ValidationTokenLifetime is how long a validation token is good for.
const ValidationTokenLifetime = time.Hour

// rsaSigner is the issuer's RS256 key, made on first use.
type rsaSigner struct {
	once sync.Once
	key  *rsa.PrivateKey
	kid  string
}

func (r *rsaSigner) get() (*rsa.PrivateKey, string) {
	r.once.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(fmt.Sprintf("outlooktest: issuer RSA key: %v", err))
		}
		r.key, r.kid = k, ids.Token(12)
	})
	return r.key, r.kid
}

// jwk is the public RSA key as the keys endpoints publish it.
func (r *rsaSigner) jwk() map[string]string {
	k, kid := r.get()
	return map[string]string{
		"kty": "RSA", "use": "sig", "kid": kid, "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
	}
}

// MintValidationToken returns a validation token for appID (its audience)
// in tenantID, with the claims Microsoft documents: a v1.0 token issued by
// https://sts.windows.net/{tenant}/ to the change notification publisher,
// good for ValidationTokenLifetime from the issuer's now.
func (is *Issuer) MintValidationToken(appID, tenantID string) string {
	now := is.cfg.Now()
	sts := "https://sts.windows.net/" + tenantID + "/"
	return is.signRS256(map[string]any{
		"aud":      appID,
		"iss":      sts,
		"iat":      now.Unix(),
		"nbf":      now.Unix(),
		"exp":      now.Add(ValidationTokenLifetime).Unix(),
		"aio":      ids.Token(24),
		"appid":    GraphPublisherAppID,
		"appidacr": "2",
		"idp":      sts,
		"tid":      tenantID,
		"uti":      ids.Token(16),
		"ver":      "1.0",
	})
}

// signRS256 signs claims with the issuer's published RSA key.
func (is *Issuer) signRS256(claims map[string]any) string {
	key, kid := is.rsa.get()
	hdr, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "RS256", "kid": kid, "x5t": kid})
	payload, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(fmt.Sprintf("outlooktest: signing a validation token: %v", err))
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// openIDConfigurationV1 is the v1.0 OpenID configuration
// (/{tenant}/.well-known/openid-configuration), where Microsoft tells
// applications to find the keys of validation tokens: its issuer is the
// sts.windows.net form those tokens carry.
func (is *Issuer) openIDConfigurationV1(w http.ResponseWriter, r *http.Request, tenant string) {
	tid, aerr := is.resolveTenant(tenant)
	if aerr != nil {
		is.writeError(w, aerr)
		return
	}
	if tid == "" {
		tid = "{tenantid}"
	}
	base := is.baseURL(r) + "/" + tenant
	writeIssuerJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/token",
		"jwks_uri":                              is.baseURL(r) + "/common/discovery/keys",
		"issuer":                                "https://sts.windows.net/" + tid + "/",
		"authorization_endpoint":                base + "/oauth2/authorize",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "token id_token", "token"},
		"subject_types_supported":               []string{"pairwise"},
		"cloud_instance_name":                   "microsoftonline.com",
		"msgraph_host":                          hosts.Graph,
	})
}
