package outlooktest

// This file is the seam between the two halves of the fake server: the hosts
// (TLS listeners, routing, token issuer, autodiscover, faults, request log:
// server.go and its neighbours) and the mailbox store with its REST handlers
// (store.go, rest.go and their neighbours). Each half reads the other only
// through the names declared here.

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Location says where a mailbox lives: in Exchange Online (Cloud), served by
// the Graph host, or on an on-premises Exchange server (OnPremises), served by
// that host's Outlook REST v2.0 API.
type Location struct {
	host string // "" for Cloud; the on-premises server's host name otherwise
}

// Cloud is the location of an Exchange Online mailbox.
var Cloud = Location{}

// OnPremises returns the location of a mailbox on the on-premises Exchange
// server named host (for example "mail.contoso.com"). The host is lower-cased.
func OnPremises(host string) Location {
	return Location{host: strings.ToLower(host)}
}

// IsCloud reports whether the mailbox lives in Exchange Online.
func (l Location) IsCloud() bool { return l.host == "" }

// Host returns the on-premises server's host name, or "" for Cloud.
func (l Location) Host() string { return l.host }

// String returns "cloud" or "on-premises(<host>)".
func (l Location) String() string {
	if l.host == "" {
		return "cloud"
	}
	return "on-premises(" + l.host + ")"
}

// Object is one entity or complex value as plain JSON data with Graph
// (camelCase) property names, as seeded by tests and kept by the store.
type Object = map[string]any

// wireDialect is the JSON dialect a REST host speaks.
type wireDialect int

const (
	// dialectGraph is Microsoft Graph v1.0: camelCase, #microsoft.graph.* types, /v1.0 root.
	dialectGraph wireDialect = iota
	// dialectV2 is Outlook REST v2.0: PascalCase, #Microsoft.OutlookServices.* types, /api/v2.0 root.
	dialectV2
)

// principal is who a validated bearer token speaks for. The host layer puts it
// in the request context after checking the token's audience; REST handlers
// read it to resolve /me and to check that an app or user may touch a mailbox.
type principal struct {
	Audience string   // resource the token was minted for, e.g. "https://graph.microsoft.com"
	User     string   // SMTP address of the signed-in user for delegated tokens; "" for app-only
	AppOnly  bool     // client credentials (secret or certificate) grant
	ClientID string   // the application (client) id
	TenantID string   // the tenant the token was issued in
	Scopes   []string // scopes (delegated) or roles (app-only) granted
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

func principalFrom(ctx context.Context) (principal, bool) {
	p, ok := ctx.Value(principalKey{}).(principal)
	return p, ok
}

// restEnv is what a REST handler needs from the host layer.
type restEnv struct {
	dialect  wireDialect
	host     string                             // this REST host's name, e.g. "graph.microsoft.com"
	locate   func(smtp string) (Location, bool) // where a mailbox lives, if the server knows it
	pageSize func() int                         // server-driven page size when the client sets none
	now      func() time.Time                   // the server's clock (WithClock)
	tenant   func(smtp string) string           // the tenant id of a mailbox's domain; "" when unknown
}

// The issuer half provides:
//
//	func userID(smtp string) string // the user's object id: the id_token's oid, the mailbox's id
//
// so that /users/{oid} reaches the mailbox of the signed-in user and /me
// answers the id the id_token named.
//
// The store half provides:
//
//	func newStore(now func() time.Time) *store
//	func (st *store) ensureMailbox(smtp string) *Mailbox // creates with well-known folders, idempotent
//	func (st *store) mailbox(smtp string) (*Mailbox, bool)
//	func newRESTHandler(st *store, env restEnv) http.Handler
//
// The REST handler receives requests whose path starts with "/v1.0/" (Graph)
// or "/api/v2.0/" (v2.0) after the host layer has authenticated them, applied
// faults and logged them; principalFrom(r.Context()) is always set.
var _ = http.Handler(nil)
