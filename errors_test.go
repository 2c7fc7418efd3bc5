package outlook_test

import (
	"errors"
	"testing"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/outlooktest"
)

// The root's errors, and those it passes through, name each layer once and
// the operation once, in one line.
func TestErrorsReadOnce(t *testing.T) {
	srv := outlooktest.NewServer(outlooktest.WithAutoApprove("bob@contoso.com"))
	t.Cleanup(srv.Close)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	signIn := newClient(t, srv, outlook.AuthorizationCode("contoso.com", appID, secret, "https://app.contoso.com/callback", "Mail.Read"),
		outlook.WithOnPremisesAPI(outlook.RESTv2))
	mb, err := signIn.Mailbox(t.Context(), "bob@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	_, err = inboxSubjects(t.Context(), mb)
	if !errors.Is(err, outlook.ErrSignInRequired) {
		t.Fatalf("before sign-in: %v", err)
	}
	servicetest.ReadsOnce(t, err, "odata: getting a token: outlook: token for https://mail.contoso.com: no user has signed in")

	c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret))
	_, err = c.Mailbox(t.Context(), "nobody@nowhere.example")
	servicetest.ReadsOnce(t, err, "autodiscover: no endpoint found for nobody@nowhere.example: ")
	_, err = c.Mailbox(t.Context(), "not an address")
	servicetest.ReadsOnce(t, err, `autodiscover: invalid address "not an address"`)
	_, err = c.MailboxAt(t.Context(), autodiscover.Endpoint{})
	servicetest.ReadsOnce(t, err, "outlook: MailboxAt: the endpoint has no Mailbox, URL, API, Resource")

	_, err = c.Mailbox(t.Context(), "bob@contoso.com")
	servicetest.ReadsOnce(t, err, "outlook: mailbox bob@contoso.com (on-premises, EWS (default for on-premises)): Microsoft does not support app-only")

	srv.SetRESTDisabled("mail.contoso.com", true)
	_, err = hybridClient(t, srv, outlook.RESTv2).Mailbox(t.Context(), "bob@contoso.com")
	servicetest.ReadsOnce(t, err, "outlook: mailbox bob@contoso.com is on the on-premises server mail.contoso.com, ")
	srv.SetProtocols("mail.contoso.com", 0)
	_, err = hybridClient(t, srv, outlook.EWS).Mailbox(t.Context(), "bob@contoso.com")
	servicetest.ReadsOnce(t, err, "outlook: mailbox bob@contoso.com is on the on-premises server mail.contoso.com, which serves neither EWS")

	for _, tc := range []struct {
		opt  outlook.Option
		want string
	}{
		{outlook.WithRetry(outlook.RetryPolicy{MaxBackoff: -time.Second}), "outlook: WithRetry: "},
		{outlook.WithMailboxCacheSize(0), "outlook: WithMailboxCacheSize(0): "},
		{outlook.WithAutodiscover(autodiscover.WithTTL(0)), "outlook: WithAutodiscover: autodiscover: WithTTL: "},
		{outlook.WithOnPremisesCredential(outlook.ClientSecret("contoso.com", appID, secret)), "outlook: WithOnPremisesCredential: an app-only"},
		{outlook.WithOnPremisesCredential(outlook.OnPremisesAccount("", "pw")), "outlook: WithOnPremisesCredential: invalid credential: empty on-premises account name"},
	} {
		_, err := outlook.NewClient(outlook.StaticToken("x"), tc.opt)
		servicetest.ReadsOnce(t, err, tc.want)
	}
}
