package ews

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzServe sends arbitrary request bodies through the SOAP reader and the
// operations: the front end must never panic, and every answer with a
// SOAP content type must be well-formed XML with a Body.
func FuzzServe(f *testing.F) {
	for _, body := range []string{
		soap("", findInbox(`<m:IndexedPageItemView MaxEntriesReturned="2" Offset="0" BasePoint="Beginning"/>`,
			`<m:Restriction><t:And><t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Subject"/><t:Constant Value="a"/></t:Contains><t:Not><t:Exists><t:FieldURI FieldURI="item:Categories"/></t:Exists></t:Not></t:And></m:Restriction>`,
			`<m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder>`)),
		soap("", `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:Message><t:Subject>x</t:Subject><t:Body BodyType="Text">y</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>alice@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>`),
		soap(`<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>alice@contoso.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`,
			`<m:SyncFolderItems><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="inbox"/></m:SyncFolderId><m:MaxChangesReturned>5</m:MaxChangesReturned></m:SyncFolderItems>`),
		soap("", `<m:UpdateInboxRules><m:Operations><t:CreateRuleOperation><t:Rule><t:DisplayName>r</t:DisplayName><t:Actions><t:MarkAsRead>true</t:MarkAsRead></t:Actions></t:Rule></t:CreateRuleOperation></m:Operations></m:UpdateInboxRules>`),
		soap("", `<m:FindFolder Traversal="Deep"><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape><m:ParentFolderIds><t:DistinguishedFolderId Id="root"/></m:ParentFolderIds></m:FindFolder>`),
		`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><x>&a;</x>`,
		"",
	} {
		f.Add(body)
	}
	fx := newFixture(f)
	fx.seed(bob, Object{"subject": "a"})
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "https://"+host+"/EWS/Exchange.asmx", strings.NewReader(body))
		r.Header.Set("Content-Type", "text/xml; charset=utf-8")
		w := httptest.NewRecorder()
		fx.h.Serve(w, r, fx.caller)
		if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/xml") {
			return
		}
		root, err := parseXML(w.Body.Bytes())
		if err != nil || root.child(nsSOAP, "Body") == nil {
			t.Fatalf("answer (%d) is not a SOAP envelope: %v\n%s", w.Code, err, w.Body.String())
		}
	})
}
