package ews_test

import (
	"errors"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// The backend against outlooktest's EWS host, through the SDK's client:
// the calendar and contacts services on an on-premises mailbox served by
// EWS (the default), signed in as a service account acting through
// impersonation.

const (
	cloudAddr  = "alice@contoso.com"
	onPremAddr = "bob@contoso.com"
	svcAccount = `CONTOSO\svc-ews`
	svcPass    = "Ews!service1"
	appID      = "11111111-2222-3333-4444-555555555555"
)

// tenant is a fake hybrid tenant: alice in Exchange Online, bob on
// mail.contoso.com, and a service account that may impersonate anyone.
type tenant struct {
	srv    *outlooktest.Server
	client *outlook.Client
}

func newTenant(t *testing.T) *tenant {
	t.Helper()
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddMailbox(cloudAddr, outlooktest.Cloud)
	srv.AddMailbox(onPremAddr, outlooktest.OnPremises("mail.contoso.com"))
	srv.AddMailbox("carol@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	srv.AddAccount(svcAccount, svcPass)
	srv.GrantImpersonation(svcAccount)
	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "s"), outlook.WithHTTPClient(srv.Client()),
		outlook.WithOnPremisesCredential(outlook.OnPremisesAccountBasic(svcAccount, svcPass)))
	if err != nil {
		t.Fatal(err)
	}
	return &tenant{srv: srv, client: c}
}

// mailbox opens addr, checking bob's is served by EWS.
func (tn *tenant) mailbox(t *testing.T, addr string) *outlook.Mailbox {
	t.Helper()
	mb, err := tn.client.Mailbox(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	if addr != cloudAddr && mb.OData().Dialect() != odata.EWS {
		t.Fatalf("%s is served by %v, not EWS", addr, mb.OData().Dialect())
	}
	return mb
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if oe, ok := errors.AsType[*odata.Error](err); ok && oe.StatusCode == 501 {
		t.Fatalf("%s: not served (501): %v", what, err)
	}
	t.Fatalf("%s: %v", what, err)
}
