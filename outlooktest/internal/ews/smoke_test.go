package ews

import (
	"testing"
)

func TestSmoke(t *testing.T) {
	f := newFixture(t)
	id := f.seed(bob, Object{"subject": "Hello", "body": Object{"contentType": "html", "content": "<p>Hi</p>"},
		"from": Object{"emailAddress": Object{"name": "Alice", "address": alice}}})
	msgs := f.ok(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>`)
	if got := find(msgs[0], "Subject").text; got != "Hello" {
		t.Fatalf("subject %q", got)
	}
	msgs = f.ok(`<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="` + ewsID(id) + `"/></m:ItemIds></m:GetItem>`)
	if got := find(msgs[0], "Body").text; got != "<p>Hi</p>" {
		t.Fatalf("body %q", got)
	}
	f.ok(`<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:Message><t:Subject>Out</t:Subject><t:Body BodyType="Text">x</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>alice@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>`)
	f.caller = Caller{Name: alice, Mailbox: alice}
	msgs = f.ok(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>`)
	if got := find(msgs[0], "Subject").text; got != "Out" {
		t.Fatalf("delivered subject %q", got)
	}
}
