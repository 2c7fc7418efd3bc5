package outlooktest

import (
	"fmt"
	"slices"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
)

// TestClientID is the application (client) id of the tokens AccessToken and
// TokenSource mint.
const TestClientID = "00000000-0000-0000-0000-0000000000e5"

// AccessToken mints a delegated access token of user (the address of a
// mailbox added with AddMailbox) for resource, without a sign-in flow: the
// token a signed-in app of user's would hold, with the permissions of
// "/.default" (Mail.ReadWrite, Mail.Send, Calendars.ReadWrite,
// Contacts.ReadWrite), good for the server's token lifetime by WithClock's
// clock. resource is an audience such as "https://graph.microsoft.com" or
// "https://mail.contoso.com"; "" means the one of the host serving user's
// mailbox (Graph for a Cloud mailbox, its server for an on-premises one).
//
// A token is bound to its resource, as Entra ID's are: give the SDK's
// outlook.StaticToken one only when every mailbox the test opens is on that
// host; TokenSource serves any number of hosts. It panics if user has no
// mailbox on the server.
func (s *Server) AccessToken(user, resource string) string {
	tok, _ := s.mint(user, resource)
	return tok
}

// mint is AccessToken, answering the token's expiry too.
func (s *Server) mint(user, resource string) (string, time.Time) {
	loc, ok := s.locate(user)
	if !ok {
		panic(fmt.Sprintf("outlooktest: AccessToken(%q): no such mailbox", user))
	}
	if resource == "" {
		resource = hosts.GraphResource
		if !loc.IsCloud() {
			resource = "https://" + loc.Host()
		}
	}
	exp := s.now().Add(s.cfg.tokenLifetime)
	return s.issuer.Mint(issuer.Principal{
		Audience: resource, User: user, ClientID: TestClientID,
		TenantID: s.tenantOf(user), Scopes: issuer.DefaultPermissions(),
	}, exp), exp
}

// TokenSource returns user's tokens for any resource, minted as AccessToken
// mints them (a fresh one each time the source is asked), in the shape the
// SDK's outlook.FromTokenSource takes: the credential a test hands its
// client without signing in,
//
//	outlook.NewClient(outlook.FromTokenSource(srv.TokenSource("alice@contoso.com")),
//		outlook.WithHTTPClient(srv.Client()))
//
// It panics if user has no mailbox on the server.
func (s *Server) TokenSource(user string) func(resource string) oauth2.TokenSource {
	if _, ok := s.locate(user); !ok {
		panic(fmt.Sprintf("outlooktest: TokenSource(%q): no such mailbox", user))
	}
	return func(resource string) oauth2.TokenSource { return mintedSource{s, user, resource} }
}

type mintedSource struct {
	s              *Server
	user, resource string
}

func (m mintedSource) Token() (*oauth2.Token, error) {
	tok, exp := m.s.mint(m.user, m.resource)
	return &oauth2.Token{AccessToken: tok, TokenType: "Bearer", Expiry: exp}, nil
}

// SRVLookups returns the DNS SRV record names looked up through LookupSRV,
// in order: the lookups the SDK's clients given Client or Transport make
// (they ask the server, not DNS), for tests that assert a client asked for
// an SRV record, or did not.
func (s *Server) SRVLookups() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.srvAsked)
}
