package odata_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// A Batch sends several requests in one $batch call; each result carries its
// own answer or error, in the order the requests were added. The same code
// works against an on-premises mailbox, whose server may lack $batch.
func ExampleBatch() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	box := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	hello := box.Add("messages", outlooktest.Object{"subject": "Hello", "parentFolderId": "inbox"})
	lunch := box.Add("messages", outlooktest.Object{"subject": "Lunch?", "parentFolderId": "inbox"})

	c, err := fakeMailbox(srv, "alice@contoso.com", false) // an *odata.Client; see below
	if err != nil {
		log.Fatal(err)
	}
	b := c.NewBatch()
	for _, id := range []string{hello, "AAMkAGIwR29uZQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", lunch} {
		b.Add(&odata.Request{Method: http.MethodGet, Path: odata.PathOf("messages/{}", id)})
	}
	// Mark "Lunch?" read only if reading it worked.
	b.Add(&odata.Request{Method: http.MethodPatch, Path: odata.PathOf("messages/{}", lunch),
		Body: map[string]any{"isRead": true}}, 2)
	results, err := b.Send(context.Background())
	if err != nil {
		log.Fatal(err) // bad input or a cancelled context; not a failed item
	}
	for i, r := range results {
		m, err := odata.BatchValue[struct {
			Subject string `json:"subject"`
			IsRead  bool   `json:"isRead"`
		}](r)
		switch {
		case errors.Is(err, odata.ErrNotFound):
			fmt.Println(i, "not found")
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Println(i, r.Status, m.Subject, m.IsRead)
		}
	}
	// Output:
	// 0 200 Hello false
	// 1 not found
	// 2 200 Lunch? false
	// 3 200 Lunch? true
}

// fakeMailbox returns an OData client for a mailbox of srv, with an
// app-only token from srv's issuer. Applications get theirs from
// outlook.Client.Mailbox; the odata tests do not import the root package,
// whose model packages would add their dialect tables to these tests'.
func fakeMailbox(srv *outlooktest.Server, addr string, onPrem bool) (*odata.Client, error) {
	root, resource, d := "https://graph.microsoft.com/v1.0", "https://graph.microsoft.com", odata.Graph
	if onPrem {
		root, resource, d = "https://mail.contoso.com/api/v2.0", "https://mail.contoso.com", odata.OutlookV2
	}
	cc := clientcredentials.Config{
		ClientID:     "11111111-2222-3333-4444-555555555555",
		ClientSecret: "secret",
		TokenURL:     "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token",
		Scopes:       []string{resource + "/.default"},
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	return odata.NewClient(root, d, cc.TokenSource(ctx), odata.WithMailbox(addr), odata.WithDoer(srv.Client()))
}
