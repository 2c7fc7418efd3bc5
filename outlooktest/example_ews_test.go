package outlooktest_test

import (
	"encoding/xml"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/exchangekit/outlook/outlooktest"
)

// An on-premises mailbox read over EWS: the server's service account signs
// in with Basic over TLS (NTLM works the same), acts as the mailbox's user
// through EWS impersonation, and finds the message a test seeded.
func ExampleServer_AddAccount() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")).
		Add("messages", outlooktest.Object{"subject": "Hello over EWS", "parentFolderId": "inbox"})
	srv.AddAccount(`CONTOSO\svc-ews`, "P@ssw0rd")
	srv.GrantImpersonation(`CONTOSO\svc-ews`, "bob@contoso.com")

	const findInbox = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
    xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Header>
    <t:RequestServerVersion Version="Exchange2016"/>
    <t:ExchangeImpersonation><t:ConnectingSID>
      <t:PrimarySmtpAddress>bob@contoso.com</t:PrimarySmtpAddress>
    </t:ConnectingSID></t:ExchangeImpersonation>
  </soap:Header>
  <soap:Body>
    <m:FindItem Traversal="Shallow">
      <m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>
      <m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds>
    </m:FindItem>
  </soap:Body>
</soap:Envelope>`
	req, _ := http.NewRequest(http.MethodPost, "https://mail.contoso.com/EWS/Exchange.asmx", strings.NewReader(findInbox))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("X-AnchorMailbox", "bob@contoso.com")
	req.SetBasicAuth(`CONTOSO\svc-ews`, "P@ssw0rd")
	resp, err := srv.Client().Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		Messages []struct {
			ResponseCode string   `xml:"ResponseCode"`
			Subjects     []string `xml:"RootFolder>Items>Message>Subject"`
		} `xml:"Body>FindItemResponse>ResponseMessages>FindItemResponseMessage"`
	}
	if err := xml.NewDecoder(resp.Body).Decode(&answer); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, answer.Messages[0].ResponseCode, answer.Messages[0].Subjects)
	// Output:
	// 200 NoError [Hello over EWS]
}
