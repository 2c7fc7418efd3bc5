package outlook_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// The account the fake's Active Directory holds for the EWS tests.
const (
	svcEWS     = `CONTOSO\svc-ews`
	svcEWSPass = "Ews!service1"
)

// TestEWSAgainstTheFake opens bob's on-premises mailbox through EWS, the
// default, against outlooktest's EWS host, with each sign-in on-premises
// Exchange takes, and reads and writes his automatic replies: a delegated
// token (hybrid modern authentication) acting as bob himself, and a service
// account (NTLM, Basic) acting as bob through impersonation; an account
// without the right, or with a wrong password, is refused by the server.
func TestEWSAgainstTheFake(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cred  outlook.Credential // for on-premises mailboxes
		grant bool               // give the account the impersonation role
		err   error              // what the call fails with, if it does
		code  string             // its EWS code
	}{
		{name: "delegated token", cred: bobSignsIn()},
		{name: "service account, NTLM", cred: outlook.OnPremisesAccount(svcEWS, svcEWSPass), grant: true},
		{name: "service account, Basic", cred: outlook.OnPremisesAccountBasic(svcEWS, svcEWSPass), grant: true},
		{name: "service account without the role", cred: outlook.OnPremisesAccount(svcEWS, svcEWSPass), err: odata.ErrForbidden, code: "ErrorImpersonationDenied"},
		{name: "wrong password", cred: outlook.OnPremisesAccount(svcEWS, "not it"), grant: true, err: odata.ErrUnauthorized},
		// App-only tokens the caller brings pass the client (it cannot tell
		// them apart) and are refused by the server, as Exchange Server
		// refuses them.
		{name: "app-only token of the caller's", err: odata.ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := hybrid(t)
			if tc.cred == nil {
				tc.cred = outlook.FromTokenSource(func(resource string) oauth2.TokenSource { return tokenFromIssuer{srv: srv, resource: resource} })
			}
			srv.AddAccount(svcEWS, svcEWSPass)
			if tc.grant {
				srv.GrantImpersonation(svcEWS)
			}
			c := newClient(t, srv, outlook.ClientSecret("contoso.com", appID, secret), outlook.WithOnPremisesCredential(tc.cred))
			ctx := t.Context()
			mb, err := c.Mailbox(ctx, "bob@contoso.com")
			if err != nil {
				t.Fatal(err)
			}
			if got := mb.Route().String(); got != "on-premises, EWS (default for on-premises)" || mb.OData().Dialect() != odata.EWS {
				t.Errorf("route %q, dialect %v", got, mb.OData().Dialect())
			}
			err = mb.Mail.SetAutomaticReplies(ctx, autoReply("Back on Monday."))
			if tc.err != nil {
				var oe *odata.Error
				if !errors.Is(err, tc.err) || tc.code != "" && (!errors.As(err, &oe) || oe.Code != tc.code) {
					t.Fatalf("err = %v, want %v %s", err, tc.err, tc.code)
				}
				if strings.Contains(err.Error(), svcEWSPass) {
					t.Errorf("error %q holds the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("SetAutomaticReplies: %v", err)
			}
			ar, err := mb.Mail.GetAutomaticReplies(ctx)
			if err != nil || ar.InternalReplyMessage != "Back on Monday." {
				t.Fatalf("GetAutomaticReplies = %+v, %v", ar, err)
			}
			// The same setting, read through the REST v2.0 API of the same
			// server: one store behind both.
			rest, err := hybridClient(t, srv, outlook.RESTv2).Mailbox(ctx, "bob@contoso.com")
			if err != nil {
				t.Fatal(err)
			}
			if ar, err := rest.Mail.GetAutomaticReplies(ctx); err != nil || ar.InternalReplyMessage != "Back on Monday." {
				t.Errorf("through REST v2.0: %+v, %v", ar, err)
			}
			for _, r := range srv.Requests() {
				if r.TokenSent && r.Audience != "https://"+r.Host {
					t.Errorf("%s %s%s carried a token for %q", r.Method, r.Host, r.Path, r.Audience)
				}
			}
		})
	}
}

func autoReply(msg string) mail.AutomaticRepliesSetting {
	return mail.AutomaticRepliesSetting{Status: mail.AutomaticRepliesAlwaysEnabled, InternalReplyMessage: msg, ExternalReplyMessage: msg, ExternalAudience: mail.ExternalAudienceAll}
}

// A mailbox served through the fake's EWS follows its owner's migration
// to Exchange Online and back: EWS's answer (ErrorNonExistentMailbox), then
// Graph's (MailboxNotEnabledForRESTAPI), sends it to be located again, and
// the call goes on where it lives now.
func TestEWSMailboxMovesOnTheFake(t *testing.T) {
	srv := hybrid(t)
	c := newClient(t, srv, bobSignsIn())
	ctx := t.Context()
	mb, err := c.Mailbox(ctx, "bob@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := mb.Mail.SetAutomaticReplies(ctx, autoReply("Moving to the cloud.")); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		to    outlooktest.Location
		route string
	}{
		{outlooktest.Cloud, "cloud, Microsoft Graph (the API of Exchange Online)"},
		{outlooktest.OnPremises("mail.contoso.com"), "on-premises, EWS (default for on-premises)"},
	} {
		srv.Move("bob@contoso.com", step.to)
		ar, err := mb.Mail.GetAutomaticReplies(ctx)
		if err != nil || ar.InternalReplyMessage != "Moving to the cloud." {
			t.Fatalf("after the move to %v: %+v, %v", step.to, ar, err)
		}
		if got := mb.Route().String(); got != step.route {
			t.Errorf("after the move to %v: route %q, want %q", step.to, got, step.route)
		}
	}
	assertTokensStayHome(t, srv)
}
