package autodiscover_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/outlooktest"
)

// One call resolves a cloud mailbox and an on-premises (hybrid) one: the
// caller never branches on where a mailbox lives. An on-premises mailbox is
// served by its server's EWS.
func ExampleResolver_Resolve() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))

	r, err := autodiscover.New(
		autodiscover.WithHTTPClient(srv.Client()),   // reaches the fake under the real host names
		autodiscover.WithSRVResolver(srv.LookupSRV), // the fake's DNS
	)
	if err != nil {
		log.Fatal(err)
	}
	for _, mailbox := range []string{"alice@contoso.com", "bob@contoso.com"} {
		ep, err := r.Resolve(context.Background(), mailbox)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s, %s at %s, token for %s\n", mailbox, ep.Location, ep.API, ep.URL, ep.Resource)
	}
	// Output:
	// alice@contoso.com: exchange-online, graph-v1.0 at https://graph.microsoft.com/v1.0, token for https://graph.microsoft.com
	// bob@contoso.com: on-premises, ews at https://mail.contoso.com/EWS/Exchange.asmx, token for https://mail.contoso.com
}

// A program that reaches on-premises mailboxes through the Outlook REST API
// v2.0 asks for its URL: the EWS one is named as well.
func ExampleWithOnPremisesAPI() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))

	r, err := autodiscover.New(
		autodiscover.WithHTTPClient(srv.Client()),
		autodiscover.WithOnPremisesAPI(autodiscover.APIOutlookV2),
	)
	if err != nil {
		log.Fatal(err)
	}
	ep, err := r.Resolve(context.Background(), "bob@contoso.com")
	if errors.Is(err, autodiscover.ErrAPINotNamed) {
		log.Fatal("the server names no REST URL: leave the option out and use EWS")
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ep.API, ep.URL)
	fmt.Println("EWS:", ep.EWSURL)
	// Output:
	// outlook-v2.0 https://mail.contoso.com/api/v2.0
	// EWS: https://mail.contoso.com/EWS/Exchange.asmx
}

// DiscoverAuth tells which authority issues tokens for an endpoint, or that
// the server has no modern auth at all.
func ExampleResolver_DiscoverAuth() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	srv.AddMailbox("carol@fabrikam.com", outlooktest.OnPremises("mail.fabrikam.com"))
	srv.SetModernAuthDisabled("mail.fabrikam.com", true)

	r, err := autodiscover.New(autodiscover.WithHTTPClient(srv.Client()), autodiscover.WithSRVResolver(srv.LookupSRV),
		autodiscover.WithOnPremisesAPI(autodiscover.APIOutlookV2))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, mailbox := range []string{"bob@contoso.com", "carol@fabrikam.com"} {
		ep, err := r.Resolve(ctx, mailbox)
		if err != nil {
			log.Fatal(err)
		}
		info, err := r.DiscoverAuth(ctx, ep)
		switch {
		case errors.Is(err, autodiscover.ErrModernAuthNotConfigured):
			fmt.Printf("%s: no modern auth at %s\n", mailbox, ep.Resource)
		case err != nil:
			log.Fatal(err)
		default:
			tenantAuthority := "https://login.microsoftonline.com/" + srv.TenantID(mailbox) // a GUID made up by the fake
			fmt.Printf("%s: token for %s from the tenant's authority: %t\n", mailbox, info.Resource, info.Authority == tenantAuthority)
		}
	}
	// Output:
	// bob@contoso.com: token for https://mail.contoso.com from the tenant's authority: true
	// carol@fabrikam.com: no modern auth at https://mail.fabrikam.com
}

func ExampleParseChallenge() {
	c, err := autodiscover.ParseChallenge(`Bearer client_id="00000002-0000-0ff1-ce00-000000000000", ` +
		`trusted_issuers="00000001-0000-0000-c000-000000000000@5de110f8-2e0f-4d45-891d-bcf2218e253d", ` +
		`authorization_uri="https://login.windows.net/common/oauth2/authorize",Basic realm="mail.contoso.com"`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.AuthorizationURI())
	fmt.Println(c.TrustedIssuers())
	// Output:
	// https://login.windows.net/common/oauth2/authorize
	// [00000001-0000-0000-c000-000000000000@5de110f8-2e0f-4d45-891d-bcf2218e253d]
}
