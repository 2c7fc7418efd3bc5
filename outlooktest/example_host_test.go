package outlooktest_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"

	"github.com/exchangekit/outlook/outlooktest"
)

// A hybrid tenant: one mailbox in Exchange Online, one on an on-premises
// server. Code under test finds each through Autodiscover, gets a token for
// the host it lives on and reads its inbox there, with the real host names
// and nothing but the server's client.
func ExampleNewServer() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).
		Add("messages", outlooktest.Object{"subject": "Hello from the cloud"})
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).
		Add("messages", outlooktest.Object{"subject": "Hello from on-premises"})

	hc := srv.Client()
	for _, addr := range []string{"alice@contoso.com", "bob@contoso.com"} {
		// Exchange Online answers for alice and redirects bob's request to
		// autodiscover.contoso.com, which the client follows.
		var found struct{ Url string }
		exampleGet(hc, "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/"+addr+"?Protocol=Rest", "", &found)

		// A cloud mailbox is read through Graph, an on-premises one through
		// its server's REST v2.0, each with a token for that host only.
		base, resource, inbox := "https://graph.microsoft.com/v1.0", "https://graph.microsoft.com", "/mailFolders/inbox/messages?$select=subject"
		if u, _ := url.Parse(found.Url); u.Host != "outlook.office.com" {
			base, resource, inbox = found.Url+"/v2.0", "https://"+u.Host, "/MailFolders/Inbox/messages?$select=Subject"
		}
		var page struct{ Value []struct{ Subject string } }
		exampleGet(hc, base+"/users/"+addr+inbox, exampleToken(hc, resource), &page)
		fmt.Printf("%s: %s -> %s: %s\n", addr, found.Url, base, page.Value[0].Subject)
	}
	// Output:
	// alice@contoso.com: https://outlook.office.com/api -> https://graph.microsoft.com/v1.0: Hello from the cloud
	// bob@contoso.com: https://mail.contoso.com/api -> https://mail.contoso.com/api/v2.0: Hello from on-premises
}

// exampleToken gets an app-only token for one resource with the client
// credentials grant; the fake accepts any client id and secret.
func exampleToken(hc *http.Client, resource string) string {
	resp, err := hc.PostForm("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {"my-app"},
		"client_secret": {"secret"},
		"scope":         {resource + "/.default"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		log.Fatal(err)
	}
	return tok.AccessToken
}

func exampleGet(hc *http.Client, u, token string, v any) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		log.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		log.Fatalf("GET %s: %v", u, strings.TrimSpace(err.Error()))
	}
}
