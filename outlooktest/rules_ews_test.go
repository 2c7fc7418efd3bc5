package outlooktest

import (
	"testing"

	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
)

// Mail sent over EWS (CreateItem, SendAndSaveCopy) goes through the
// recipient's Inbox rules like mail sent over REST.
func TestInboxRulesOnEWSSend(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t)
	alice := srv.Mailbox(ewsAlice)
	archive, _ := alice.Get("mailFolders", "archive")
	alice.Add("messageRules", Object{"displayName": "From bob", "conditions": Object{"fromAddresses": []any{Object{"emailAddress": Object{"address": ewsBob}}}},
		"actions": Object{"moveToFolder": archive["id"], "assignCategories": []any{"Bob"}}})
	onprem := token(srv, issuer.Principal{Audience: "https://mail.contoso.com", User: ewsBob})
	a := postEWS(t, srv.Client(), ewsURL, "Bearer "+onprem, soapBody("", `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:Message><t:Subject>over EWS</t:Subject><t:Body BodyType="Text">hi</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>alice@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>`))
	if first(a.body, "ResponseCode") != "NoError" {
		t.Fatalf("CreateItem: %s", a.body)
	}
	msgs := alice.Items("messages")
	if len(msgs) != 1 || msgs[0]["parentFolderId"] != archive["id"] {
		t.Fatalf("alice's messages %v; want the one from bob in Archive", msgs)
	}
	if cats, _ := msgs[0]["categories"].([]any); len(cats) != 1 || cats[0] != "Bob" {
		t.Errorf("categories %v, want [Bob]", cats)
	}
}
