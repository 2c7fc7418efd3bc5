package ews

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// itemIDs returns the ItemId elements' Id attributes of an answer.
func itemIDs(e *elem) []string {
	var out []string
	for _, k := range findAll(e, "ItemId") {
		id, _ := k.attr("Id")
		out = append(out, id)
	}
	return out
}

func subjects(e *elem) []string {
	var out []string
	for _, k := range findAll(e, "Subject") {
		out = append(out, k.text)
	}
	return out
}

const inboxIDOnly = `<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape>`

func findInbox(view, restriction, sort string) string {
	return `<m:FindItem Traversal="Shallow">` + inboxIDOnly + view + restriction + sort +
		`<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>`
}

// TestFindItemPaging: IndexedPageItemView from the beginning and from the
// end, with the RootFolder attributes Exchange gives.
func TestFindItemPaging(t *testing.T) {
	f := newFixture(t)
	for i := range 5 {
		f.seed(bob, Object{"subject": fmt.Sprintf("m%d", i), "receivedDateTime": fmt.Sprintf("2026-03-0%dT10:00:00Z", i+1)})
	}
	for _, tc := range []struct {
		view            string
		want            []string
		offset, total   string
		includesLast    string
		wantPagingFound bool
	}{
		{`<m:IndexedPageItemView MaxEntriesReturned="2" Offset="0" BasePoint="Beginning"/>`, []string{"m4", "m3"}, "2", "5", "false", true},
		{`<m:IndexedPageItemView MaxEntriesReturned="2" Offset="4" BasePoint="Beginning"/>`, []string{"m0"}, "5", "5", "true", true},
		{`<m:IndexedPageItemView MaxEntriesReturned="2" Offset="9" BasePoint="Beginning"/>`, nil, "5", "5", "true", true},
		{`<m:IndexedPageItemView MaxEntriesReturned="2" Offset="0" BasePoint="End"/>`, []string{"m1", "m0"}, "2", "5", "false", true},
		{`<m:IndexedPageItemView MaxEntriesReturned="2" Offset="4" BasePoint="End"/>`, []string{"m4"}, "5", "5", "true", true},
		{``, []string{"m4", "m3", "m2", "m1", "m0"}, "", "5", "true", false},
	} {
		msgs := f.ok(findInbox(tc.view, "", ""))
		rf := msgs[0].m("RootFolder")
		if got := subjects(rf); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v; want %v", tc.view, got, tc.want)
		}
		off, has := rf.attr("IndexedPagingOffset")
		if has != tc.wantPagingFound || off != tc.offset || rf.attrOr("TotalItemsInView", "") != tc.total || rf.attrOr("IncludesLastItemInRange", "") != tc.includesLast {
			t.Errorf("%s: RootFolder %v; want offset %q total %s last %s", tc.view, rf.attrs, tc.offset, tc.total, tc.includesLast)
		}
	}
	for view, want := range map[string]string{
		`<m:IndexedPageItemView MaxEntriesReturned="0" Offset="0" BasePoint="Beginning"/>`:  "ErrorInvalidPagingMaxRows",
		`<m:IndexedPageItemView MaxEntriesReturned="1" Offset="-1" BasePoint="Beginning"/>`: "ErrorInvalidIndexedPagingParameters",
	} {
		if got := f.code(findInbox(view, "", "")); got != want {
			t.Errorf("%s: %s; want %s", view, got, want)
		}
	}
	if status, code := f.faultCode("", findInbox(`<m:IndexedPageItemView Offset="0" BasePoint="Middle"/>`, "", "")); status != 500 || code != "ErrorSchemaValidation" {
		t.Errorf("bad BasePoint: %d %s; want 500 ErrorSchemaValidation", status, code)
	}
}

// TestFindItemRestrictions: every search expression, on strings, booleans,
// times, numbers, mailboxes and extended properties, and the sort order.
func TestFindItemRestrictions(t *testing.T) {
	f := newFixture(t)
	f.seed(bob, Object{"subject": "Budget Q3", "isRead": true, "importance": "high", "receivedDateTime": "2026-03-01T10:00:00Z",
		"from": Object{"emailAddress": Object{"name": "Lee", "address": "lee@fabrikam.com"}}, "categories": []any{"Red"}})
	f.seed(bob, Object{"subject": "budget draft", "isRead": false, "receivedDateTime": "2026-03-02T10:00:00Z",
		"from":                          Object{"emailAddress": Object{"name": "Alice", "address": alice}},
		"singleValueExtendedProperties": []any{Object{"id": "String {00020329-0000-0000-C000-000000000046} Name Color", "value": "Green"}}})
	f.seed(bob, Object{"subject": "Lunch", "isRead": false, "receivedDateTime": "2026-03-03T10:00:00Z",
		"body": Object{"contentType": "text", "content": "see the budget"}})
	cmp := func(op, uri, value string) string {
		return `<m:Restriction><t:` + op + `><t:FieldURI FieldURI="` + uri + `"/><t:FieldURIOrConstant><t:Constant Value="` + value + `"/></t:FieldURIOrConstant></t:` + op + `></m:Restriction>`
	}
	contains := func(uri, value, mode, comparison string) string {
		return `<m:Restriction><t:Contains ContainmentMode="` + mode + `" ContainmentComparison="` + comparison + `"><t:FieldURI FieldURI="` + uri + `"/><t:Constant Value="` + value + `"/></t:Contains></m:Restriction>`
	}
	for _, tc := range []struct {
		name, restriction string
		want              string
	}{
		{"equal, case-insensitive", cmp("IsEqualTo", "item:Subject", "LUNCH"), "Lunch"},
		{"not equal", cmp("IsNotEqualTo", "message:IsRead", "true"), "Lunch,budget draft"},
		{"greater", cmp("IsGreaterThan", "item:DateTimeReceived", "2026-03-02T10:00:00Z"), "Lunch"},
		{"greater or equal", cmp("IsGreaterThanOrEqualTo", "item:DateTimeReceived", "2026-03-02T10:00:00Z"), "Lunch,budget draft"},
		{"less", cmp("IsLessThan", "item:DateTimeReceived", "2026-03-02T10:00:00Z"), "Budget Q3"},
		{"less or equal", cmp("IsLessThanOrEqualTo", "item:DateTimeReceived", "2026-03-02T10:00:00Z"), "budget draft,Budget Q3"},
		{"importance", cmp("IsEqualTo", "item:Importance", "High"), "Budget Q3"},
		{"sender by address", cmp("IsEqualTo", "message:From", alice), "budget draft"},
		{"category", cmp("IsEqualTo", "item:Categories", "red"), "Budget Q3"},
		{"prefixed, ignore case", contains("item:Subject", "BUDGET", "Prefixed", "IgnoreCase"), "budget draft,Budget Q3"},
		{"prefixed, exact", contains("item:Subject", "budget", "Prefixed", "Exact"), "budget draft"},
		{"substring", contains("item:Subject", "Q3", "Substring", "IgnoreCase"), "Budget Q3"},
		{"full string", contains("item:Subject", "lunch", "FullString", "IgnoreCase"), "Lunch"},
		{"prefix on words", contains("item:Subject", "dra", "PrefixOnWords", "IgnoreCase"), "budget draft"},
		{"body", contains("item:Body", "budget", "Substring", "IgnoreCase"), "Lunch"},
		{"exists", `<m:Restriction><t:Exists><t:ExtendedFieldURI PropertySetId="00020329-0000-0000-C000-000000000046" PropertyName="Color" PropertyType="String"/></t:Exists></m:Restriction>`, "budget draft"},
		{"extended value", `<m:Restriction><t:IsEqualTo><t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="Color" PropertyType="String"/><t:FieldURIOrConstant><t:Constant Value="green"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>`, "budget draft"},
		{"and, or, not", `<m:Restriction><t:And><t:Or>` + strings.TrimSuffix(strings.TrimPrefix(cmp("IsEqualTo", "message:IsRead", "false"), "<m:Restriction>"), "</m:Restriction>") +
			strings.TrimSuffix(strings.TrimPrefix(cmp("IsEqualTo", "item:Importance", "High"), "<m:Restriction>"), "</m:Restriction>") +
			`</t:Or><t:Not>` + strings.TrimSuffix(strings.TrimPrefix(contains("item:Subject", "lunch", "FullString", "IgnoreCase"), "<m:Restriction>"), "</m:Restriction>") + `</t:Not></t:And></m:Restriction>`, "budget draft,Budget Q3"},
		{"property of other items", cmp("IsGreaterThan", "calendar:Start", "2026-01-01T00:00:00Z"), ""},
	} {
		msgs := f.ok(findInbox("", tc.restriction, ""))
		if got := strings.Join(subjects(msgs[0]), ","); got != tc.want {
			t.Errorf("%s: %q; want %q", tc.name, got, tc.want)
		}
	}
	sortBy := `<m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:Subject"/></t:FieldOrder></m:SortOrder>`
	if got := strings.Join(subjects(f.ok(findInbox("", "", sortBy))[0]), ","); got != "budget draft,Budget Q3,Lunch" {
		t.Errorf("sort by subject: %s", got)
	}
	if got := f.code(findInbox("", contains("message:ToRecipients", "x", "Substring", "IgnoreCase"), "")); got != "ErrorUnsupportedPathForQuery" {
		t.Errorf("restriction on ToRecipients: %s; want ErrorUnsupportedPathForQuery", got)
	}
	if status, code := f.faultCode("", findInbox("", cmp("IsEqualTo", "item:NoSuchProperty", "x"), "")); status != 500 || code != "ErrorSchemaValidation" {
		t.Errorf("unknown FieldURI: %d %s", status, code)
	}
	qs := `<m:FindItem Traversal="Shallow">` + inboxIDOnly + `<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds><m:QueryString>subject:budget</m:QueryString></m:FindItem>`
	if got := strings.Join(subjects(f.ok(qs)[0]), ","); got != "budget draft,Budget Q3" {
		t.Errorf("QueryString: %s", got)
	}
}

// TestGetItemShapes: IdOnly, Default and AllProperties, AdditionalProperties
// and extended properties, MIME content and the body types.
func TestGetItemShapes(t *testing.T) {
	f := newFixture(t)
	id := f.seed(bob, Object{"subject": "Hi", "body": Object{"contentType": "html", "content": "<p>Hello <b>you</b></p>"},
		"toRecipients":           []any{Object{"emailAddress": Object{"name": "Alice", "address": alice}}},
		"internetMessageHeaders": []any{Object{"name": "X-Ticket", "value": "42"}},
	})
	get := func(shape string) *elem {
		return f.ok(`<m:GetItem><m:ItemShape>` + shape + `</m:ItemShape><m:ItemIds><t:ItemId Id="` + ewsID(id) + `"/></m:ItemIds></m:GetItem>`)[0]
	}
	idOnly := get(`<t:BaseShape>IdOnly</t:BaseShape>`)
	if msg := find(idOnly, "Message"); len(msg.kids) != 1 || msg.kids[0].local != "ItemId" {
		t.Errorf("IdOnly: %d children", len(msg.kids))
	}
	def := find(get(`<t:BaseShape>Default</t:BaseShape>`), "Message")
	for _, want := range []string{"ItemId", "Subject", "Sensitivity", "Body", "Size", "DateTimeSent", "DateTimeCreated", "HasAttachments", "IsAssociated", "ResponseObjects", "IsDeliveryReceiptRequested"} {
		if def.t(want) == nil {
			t.Errorf("Default: no %s", want)
		}
	}
	if def.t("ToRecipients") != nil || def.t("IsRead") != nil {
		t.Error("Default holds ToRecipients or IsRead, which it has not")
	}
	all := find(get(`<t:BaseShape>AllProperties</t:BaseShape>`), "Message")
	if to := find(all.t("ToRecipients"), "EmailAddress"); to == nil || to.text != alice {
		t.Errorf("AllProperties: ToRecipients %v", to)
	}
	if h := find(all, "InternetMessageHeader"); h == nil || h.attrOr("HeaderName", "") != "X-Ticket" || h.text != "42" {
		t.Error("AllProperties: no X-Ticket header")
	}
	text := find(get(`<t:BaseShape>IdOnly</t:BaseShape><t:BodyType>Text</t:BodyType><t:AdditionalProperties><t:FieldURI FieldURI="item:Body"/></t:AdditionalProperties>`), "Body")
	if text.text != "Hello you" || text.attrOr("BodyType", "") != "Text" {
		t.Errorf("Text body: %q %v", text.text, text.attrs)
	}
	ext := get(`<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:ExtendedFieldURI DistinguishedPropertySetId="InternetHeaders" PropertyName="x-ticket" PropertyType="String"/><t:ExtendedFieldURI PropertyTag="0x0E07" PropertyType="Integer"/></t:AdditionalProperties>`)
	vals := findAll(ext, "Value")
	if len(vals) != 2 || vals[0].text != "42" || vals[1].text != "0" {
		t.Errorf("extended properties: %v", vals)
	}
	mime := find(get(`<t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent>`), "MimeContent")
	raw, err := base64.StdEncoding.DecodeString(mime.text)
	if err != nil || !strings.Contains(string(raw), "Subject: Hi") {
		t.Errorf("MIME content: %v %q", err, raw)
	}
	// FindItem summaries hold no body or recipients, whatever is asked.
	summary := f.ok(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Body"/><t:FieldURI FieldURI="message:ToRecipients"/></t:AdditionalProperties></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>`)[0]
	if find(summary, "Body") != nil || find(summary, "ToRecipients") != nil || find(summary, "DisplayTo").text != "Alice" {
		t.Error("FindItem returned a body or recipients, or no DisplayTo")
	}
}

// TestItemErrors: the response codes of bad and foreign ids.
func TestItemErrors(t *testing.T) {
	f := newFixture(t)
	aliceID := f.seed(alice, Object{"subject": "private"})
	unknown := base64.StdEncoding.EncodeToString(append([]byte{0, 3, 0x24, 0}, make([]byte, 34)...))
	get := func(id string) string {
		return f.code(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="` + id + `"/></m:ItemIds></m:GetItem>`)
	}
	for id, want := range map[string]string{
		unknown:         "ErrorItemNotFound",
		"AAMkA":         "ErrorInvalidIdMalformed",
		"not base64 !!": "ErrorInvalidIdMalformed",
		"":              "ErrorInvalidIdEmpty",
		ewsID(aliceID):  "ErrorAccessDenied",
	} {
		if got := get(id); got != want {
			t.Errorf("GetItem %q: %s; want %s", id, got, want)
		}
	}
	f.dir.full[alice] = map[string]bool{bob: true}
	if got := get(ewsID(aliceID)); got != "NoError" {
		t.Errorf("GetItem of a mailbox bob has FullAccess to: %s", got)
	}
	// Another user's distinguished folder through the Mailbox element.
	other := func(addr string) string {
		return f.code(`<m:FindItem Traversal="Shallow">` + inboxIDOnly + `<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>` + addr + `</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:ParentFolderIds></m:FindItem>`)
	}
	for addr, want := range map[string]string{alice: "NoError", carol: "ErrorAccessDenied", "nobody@contoso.com": "ErrorNonExistentMailbox", "cloud@contoso.com": "ErrorNonExistentMailbox"} {
		if got := other(addr); got != want {
			t.Errorf("inbox of %s: %s; want %s", addr, got, want)
		}
	}
	// A service account without a mailbox names mailboxes explicitly.
	f.caller = Caller{Name: `CONTOSO\svc`}
	if got := f.code(findInbox("", "", "")); got != "ErrorMissingEmailAddress" {
		t.Errorf("distinguished folder without a mailbox: %s; want ErrorMissingEmailAddress", got)
	}
}

// TestUpdateItemConflicts: the change key checks of each ConflictResolution.
func TestUpdateItemConflicts(t *testing.T) {
	f := newFixture(t)
	id := f.seed(bob, Object{"subject": "v1", "isRead": false})
	current := func() string {
		msgs := f.ok(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="` + ewsID(id) + `"/></m:ItemIds></m:GetItem>`)
		return find(msgs[0], "ItemId").attrOr("ChangeKey", "")
	}
	update := func(resolution, ck, field, value string) string {
		el := map[string]string{"item:Subject": "Subject", "message:IsRead": "IsRead"}[field]
		return f.code(`<m:UpdateItem MessageDisposition="SaveOnly" ConflictResolution="` + resolution + `"><m:ItemChanges><t:ItemChange><t:ItemId Id="` + ewsID(id) + `" ChangeKey="` + ck + `"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="` + field + `"/><t:Message><t:` + el + `>` + value + `</t:` + el + `></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`)
	}
	stale := current()
	if got := update("NeverOverwrite", stale, "item:Subject", "v2"); got != "NoError" {
		t.Fatalf("update with the current key: %s", got)
	}
	if current() == stale {
		t.Fatal("the change key did not change on a write")
	}
	if got := update("NeverOverwrite", stale, "message:IsRead", "true"); got != "ErrorIrresolvableConflict" {
		t.Errorf("NeverOverwrite with a stale key: %s; want ErrorIrresolvableConflict", got)
	}
	// AutoResolve merges a write to another property, and refuses one to
	// the property changed since.
	if got := update("AutoResolve", stale, "message:IsRead", "true"); got != "NoError" {
		t.Errorf("AutoResolve, other property: %s; want NoError", got)
	}
	if got := update("AutoResolve", stale, "item:Subject", "v3"); got != "ErrorIrresolvableConflict" {
		t.Errorf("AutoResolve, same property: %s; want ErrorIrresolvableConflict", got)
	}
	if got := update("AlwaysOverwrite", stale, "item:Subject", "v4"); got != "NoError" {
		t.Errorf("AlwaysOverwrite: %s", got)
	}
	if got := update("AutoResolve", "not!base64", "item:Subject", "v5"); got != "ErrorInvalidChangeKey" {
		t.Errorf("garbled change key: %s; want ErrorInvalidChangeKey", got)
	}
	m, _ := f.st.Mailbox(bob)
	f.st.Lock()
	subj := m.Lookup("messages", id).Object()["subject"]
	f.st.Unlock()
	if subj != "v4" {
		t.Errorf("subject %v; want v4", subj)
	}
	// Sent messages keep their recipients.
	f.st.Lock()
	m.Write(m.Lookup("messages", id), Object{"isDraft": false})
	f.st.Unlock()
	if got := f.code(`<m:UpdateItem MessageDisposition="SaveOnly" ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="` + ewsID(id) + `"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="message:ToRecipients"/><t:Message><t:ToRecipients><t:Mailbox><t:EmailAddress>x@y.com</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`); got != "ErrorInvalidPropertyUpdateSentMessage" {
		t.Errorf("recipients of a sent message: %s", got)
	}
}

// TestCreateAndSend: drafts, sending with and without a copy, replies and
// forwards, deletion modes, moves and copies.
func TestCreateAndSend(t *testing.T) {
	f := newFixture(t)
	msgs := f.ok(`<m:CreateItem MessageDisposition="SaveOnly"><m:SavedItemFolderId><t:DistinguishedFolderId Id="drafts"/></m:SavedItemFolderId><m:Items><t:Message><t:Subject>Plan</t:Subject><t:Body BodyType="HTML">&lt;p&gt;hi&lt;/p&gt;</t:Body><t:Attachments><t:FileAttachment><t:Name>a.txt</t:Name><t:ContentType>text/plain</t:ContentType><t:Content>aGVsbG8=</t:Content></t:FileAttachment></t:Attachments><t:ExtendedProperty><t:ExtendedFieldURI DistinguishedPropertySetId="InternetHeaders" PropertyName="x-ticket" PropertyType="String"/><t:Value>42</t:Value></t:ExtendedProperty><t:ToRecipients><t:Mailbox><t:EmailAddress>alice@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>`)
	draftID := itemIDs(msgs[0])[0]
	if find(msgs[0], "AttachmentId") == nil {
		t.Error("CreateItem's answer names no attachment")
	}
	f.ok(`<m:SendItem SaveItemToFolder="true"><m:ItemIds><t:ItemId Id="` + draftID + `"/></m:ItemIds></m:SendItem>`)
	aliceBox, _ := f.st.Mailbox(alice)
	bobBox, _ := f.st.Mailbox(bob)
	f.st.Lock()
	inbox := aliceBox.List("messages", func(e *store.Entity) bool { return e.Parent() == aliceBox.WellKnown("inbox") })
	sent := bobBox.List("messages", func(e *store.Entity) bool { return e.Parent() == bobBox.WellKnown("sentitems") })
	f.st.Unlock()
	if len(inbox) != 1 || inbox[0].Object()["subject"] != "Plan" || !inbox[0].Object()["hasAttachments"].(bool) || len(sent) != 1 {
		t.Fatalf("after SendItem: alice's inbox %d, bob's sent items %d", len(inbox), len(sent))
	}
	if hs, _ := inbox[0].Object()["internetMessageHeaders"].([]any); len(hs) != 1 {
		t.Errorf("x-ticket header not delivered: %v", hs)
	}
	received := ewsID(inbox[0].ID())

	// alice replies to all, then forwards with a comment, as drafts and sent.
	f.caller = Caller{Name: alice, Mailbox: alice}
	msgs = f.ok(`<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:ReplyAllToItem><t:ReferenceItemId Id="` + received + `"/><t:NewBodyContent BodyType="Text">Agreed &lt;3</t:NewBodyContent></t:ReplyAllToItem></m:Items></m:CreateItem>`)
	reply := itemIDs(msgs[0])[0]
	got := find(f.ok(`<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="` + reply + `"/></m:ItemIds></m:GetItem>`)[0], "Message")
	if got.t("Subject").text != "RE: Plan" || find(got.t("ToRecipients"), "EmailAddress").text != bob || !strings.Contains(got.t("Body").text, "Agreed &lt;3<hr>") {
		t.Errorf("reply-all draft: %q to %q body %q", got.t("Subject").text, find(got.t("ToRecipients"), "EmailAddress").text, got.t("Body").text)
	}
	f.ok(`<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:ForwardItem><t:ToRecipients><t:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients><t:ReferenceItemId Id="` + received + `"/><t:NewBodyContent BodyType="HTML">&lt;b&gt;FYI&lt;/b&gt;</t:NewBodyContent></t:ForwardItem></m:Items></m:CreateItem>`)
	carolBox, _ := f.st.Mailbox(carol)
	f.st.Lock()
	fw := carolBox.List("messages", func(*store.Entity) bool { return true })
	f.st.Unlock()
	if len(fw) != 1 || fw[0].Object()["subject"] != "FW: Plan" || !fw[0].Object()["hasAttachments"].(bool) {
		t.Errorf("forward: %d messages at carol's", len(fw))
	}
	if got := f.code(`<m:CreateItem MessageDisposition="SendOnly"><m:Items><t:Message><t:Subject>nobody</t:Subject></t:Message></m:Items></m:CreateItem>`); got != "ErrorInvalidRecipients" {
		t.Errorf("send without recipients: %s", got)
	}
	if got := f.code(`<m:CreateItem><m:Items><t:Message><t:Subject>x</t:Subject></t:Message></m:Items></m:CreateItem>`); got != "ErrorMessageDispositionRequired" {
		t.Errorf("no MessageDisposition: %s", got)
	}
	if status, code := f.faultCode("", `<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Message><t:ToRecipients/><t:Subject>x</t:Subject></t:Message></m:Items></m:CreateItem>`); status != 500 || code != "ErrorSchemaValidation" {
		t.Errorf("elements out of order: %d %s; want a schema fault", status, code)
	}
	if got := f.code(`<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:CalendarItem><t:Subject>x</t:Subject></t:CalendarItem></m:Items></m:CreateItem>`); got != "ErrorSendMeetingInvitationsRequired" {
		t.Errorf("calendar item without SendMeetingInvitations: %s", got)
	}
	if status, _ := f.faultCode("", `<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Task><t:Subject>x</t:Subject></t:Task></m:Items></m:CreateItem>`); status != 501 {
		t.Errorf("task: %d; want 501", status)
	}

	// Deletion: soft to Recoverable Items, move to Deleted Items, hard.
	f.caller = Caller{Name: bob, Mailbox: bob}
	ids := make([]string, 3)
	for i := range ids {
		ids[i] = ewsID(f.seed(bob, Object{"subject": fmt.Sprintf("d%d", i)}))
	}
	for i, dt := range []string{"SoftDelete", "MoveToDeletedItems", "HardDelete"} {
		f.ok(`<m:DeleteItem DeleteType="` + dt + `"><m:ItemIds><t:ItemId Id="` + ids[i] + `"/></m:ItemIds></m:DeleteItem>`)
	}
	f.st.Lock()
	where := map[string]string{}
	for _, e := range bobBox.List("messages", func(*store.Entity) bool { return true }) {
		where[e.Object()["subject"].(string)] = e.Parent()
	}
	f.st.Unlock()
	if where["d0"] != bobBox.WellKnown("recoverableitemsdeletions") || where["d1"] != bobBox.WellKnown("deleteditems") || where["d2"] != "" {
		t.Errorf("deletions: %v", where)
	}
	// Move gives a new id; the old one is gone. Copy keeps the original.
	mid := ewsID(f.seed(bob, Object{"subject": "mv"}))
	moved := itemIDs(f.ok(`<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id="junkemail"/></m:ToFolderId><m:ItemIds><t:ItemId Id="` + mid + `"/></m:ItemIds></m:MoveItem>`)[0])[0]
	if moved == mid || f.code(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="`+mid+`"/></m:ItemIds></m:GetItem>`) != "ErrorItemNotFound" {
		t.Error("MoveItem kept the old id")
	}
	copied := itemIDs(f.ok(`<m:CopyItem><m:ToFolderId><t:DistinguishedFolderId Id="inbox"/></m:ToFolderId><m:ItemIds><t:ItemId Id="` + moved + `"/></m:ItemIds></m:CopyItem>`)[0])[0]
	if copied == moved {
		t.Error("CopyItem answered the original's id")
	}
	if got := f.code(`<m:MoveItem><m:ToFolderId><t:FolderId Id="` + ewsID(ids[0]) + `"/></m:ToFolderId><m:ItemIds><t:ItemId Id="` + moved + `"/></m:ItemIds></m:MoveItem>`); got != "ErrorToFolderNotFound" {
		t.Errorf("move to an unknown folder: %s", got)
	}
}

// TestFolders: create, find (shallow, deep, paged), update, move, copy,
// delete, with Exchange's errors.
func TestFolders(t *testing.T) {
	f := newFixture(t)
	create := func(parent, name string) (string, string) {
		msgs := f.ok(`<m:CreateFolder><m:ParentFolderId>` + parent + `</m:ParentFolderId><m:Folders><t:Folder><t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>` + name + `</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`)
		id := find(msgs[0], "FolderId")
		return id.attrOr("Id", ""), id.attrOr("ChangeKey", "")
	}
	inbox := `<t:DistinguishedFolderId Id="inbox"/>`
	projects, _ := create(inbox, "Projects")
	q3, _ := create(`<t:FolderId Id="`+projects+`"/>`, "Q3")
	if got := f.code(`<m:CreateFolder><m:ParentFolderId>` + inbox + `</m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>projects</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`); got != "ErrorFolderExists" {
		t.Errorf("duplicate name: %s", got)
	}
	names := func(traversal, parent, view string) []string {
		msgs := f.ok(`<m:FindFolder Traversal="` + traversal + `"><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>` + view + `<m:ParentFolderIds>` + parent + `</m:ParentFolderIds></m:FindFolder>`)
		var out []string
		for _, d := range findAll(msgs[0], "DisplayName") {
			out = append(out, d.text)
		}
		return out
	}
	if got := names("Shallow", inbox, ""); strings.Join(got, ",") != "Projects" {
		t.Errorf("shallow: %v", got)
	}
	if got := names("Deep", inbox, ""); strings.Join(got, ",") != "Projects,Q3" {
		t.Errorf("deep: %v", got)
	}
	root := names("Shallow", `<t:DistinguishedFolderId Id="msgfolderroot"/>`, `<m:IndexedPageFolderView MaxEntriesReturned="3" Offset="0" BasePoint="Beginning"/>`)
	if len(root) != 3 || root[0] != "Inbox" {
		t.Errorf("paged msgfolderroot: %v", root)
	}
	// The hidden-folder property and FolderClass answer restrictions.
	hidden := f.ok(`<m:FindFolder Traversal="Deep"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:DisplayName"/></t:AdditionalProperties></m:FolderShape><m:Restriction><t:IsEqualTo><t:ExtendedFieldURI PropertyTag="0x10F4" PropertyType="Boolean"/><t:FieldURIOrConstant><t:Constant Value="true"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="root"/></m:ParentFolderIds></m:FindFolder>`)
	if got := findAll(hidden[0], "DisplayName"); len(got) == 0 || got[0].text != "Search Folders" {
		t.Errorf("hidden folders: %v", got)
	}
	calendars := f.ok(`<m:FindFolder Traversal="Shallow"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="folder:FolderClass"/><t:FieldURIOrConstant><t:Constant Value="IPF.Appointment"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>`)
	if len(findAll(calendars[0], "CalendarFolder")) != 1 {
		t.Error("msgfolderroot holds no CalendarFolder")
	}
	// Rename; move under another folder; copy; delete.
	f.ok(`<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="` + q3 + `"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>Q4</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`)
	moved := find(f.ok(`<m:MoveFolder><m:ToFolderId><t:DistinguishedFolderId Id="msgfolderroot"/></m:ToFolderId><m:FolderIds><t:FolderId Id="` + q3 + `"/></m:FolderIds></m:MoveFolder>`)[0], "FolderId").attrOr("Id", "")
	if moved != q3 {
		t.Error("MoveFolder changed the folder's id")
	}
	if got := f.code(`<m:MoveFolder><m:ToFolderId><t:FolderId Id="` + projects + `"/></m:ToFolderId><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:MoveFolder>`); got != "ErrorMoveDistinguishedFolder" {
		t.Errorf("moving the inbox: %s", got)
	}
	if got := f.code(`<m:MoveFolder><m:ToFolderId><t:FolderId Id="` + projects + `"/></m:ToFolderId><m:FolderIds><t:FolderId Id="` + projects + `"/></m:FolderIds></m:MoveFolder>`); got != "ErrorMoveCopyFailed" {
		t.Errorf("moving a folder into itself: %s", got)
	}
	f.ok(`<m:CopyFolder><m:ToFolderId><t:DistinguishedFolderId Id="drafts"/></m:ToFolderId><m:FolderIds><t:FolderId Id="` + projects + `"/></m:FolderIds></m:CopyFolder>`)
	if got := f.code(`<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:DistinguishedFolderId Id="drafts"/></m:FolderIds></m:DeleteFolder>`); got != "ErrorDeleteDistinguishedFolder" {
		t.Errorf("deleting drafts: %s", got)
	}
	f.ok(`<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:FolderId Id="` + projects + `"/></m:FolderIds></m:DeleteFolder>`)
	if got := f.code(`<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:FolderId Id="` + projects + `"/></m:FolderIds></m:GetFolder>`); got != "ErrorFolderNotFound" {
		t.Errorf("deleted folder: %s", got)
	}
	if status, _ := f.faultCode("", `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="tasks"/></m:FolderIds></m:GetFolder>`); status != 501 {
		t.Errorf("tasks folder: %d; want 501", status)
	}
	if status, code := f.faultCode("", `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="nosuchfolder"/></m:FolderIds></m:GetFolder>`); status != 500 || code != "ErrorSchemaValidation" {
		t.Errorf("unknown distinguished folder: %d %s", status, code)
	}
}

// TestAttachments: create (file and item), get, delete, with the parent's
// change key moving on each, and the 64 MiB request limit.
func TestAttachments(t *testing.T) {
	f := newFixture(t)
	id := ewsID(f.seed(bob, Object{"subject": "holder"}))
	msgs := f.ok(`<m:CreateAttachment><m:ParentItemId Id="` + id + `"/><m:Attachments><t:FileAttachment><t:Name>a.bin</t:Name><t:Content>AAEC</t:Content></t:FileAttachment><t:ItemAttachment><t:Name>inner</t:Name><t:Message><t:Subject>Inner</t:Subject><t:Body BodyType="Text">x</t:Body></t:Message></t:ItemAttachment></m:Attachments></m:CreateAttachment>`)
	if len(msgs) != 2 {
		t.Fatalf("%d answers", len(msgs))
	}
	fileID := find(msgs[0], "AttachmentId").attrOr("Id", "")
	itemID := find(msgs[1], "AttachmentId").attrOr("Id", "")
	ck1 := find(msgs[0], "AttachmentId").attrOr("RootItemChangeKey", "")
	ck2 := find(msgs[1], "AttachmentId").attrOr("RootItemChangeKey", "")
	if ck1 == "" || ck1 == ck2 {
		t.Errorf("root change keys %q, %q: want one per write", ck1, ck2)
	}
	got := f.ok(`<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="` + fileID + `"/><t:AttachmentId Id="` + itemID + `"/></m:AttachmentIds></m:GetAttachment>`)
	if c := find(got[0], "Content"); c == nil || c.text != "AAEC" {
		t.Errorf("file content %v", c)
	}
	if s := find(find(got[1], "ItemAttachment"), "Subject"); s == nil || s.text != "Inner" {
		t.Error("item attachment without its message")
	}
	del := f.ok(`<m:DeleteAttachment><m:AttachmentIds><t:AttachmentId Id="` + fileID + `"/></m:AttachmentIds></m:DeleteAttachment>`)
	if find(del[0], "RootItemId").attrOr("RootItemId", "") != id {
		t.Error("DeleteAttachment does not name the item")
	}
	if got := f.code(`<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="` + fileID + `"/></m:AttachmentIds></m:GetAttachment>`); got != "ErrorItemNotFound" {
		t.Errorf("deleted attachment: %s", got)
	}
}

// TestSyncFolderItems: a first round in pages, then creates, updates, read
// flag changes and deletes, a garbled state refused.
func TestSyncFolderItems(t *testing.T) {
	f := newFixture(t)
	var seeded []string
	for i := range 3 {
		seeded = append(seeded, f.seed(bob, Object{"subject": fmt.Sprintf("s%d", i), "isRead": false}))
	}
	sync := func(state string, n int) (*elem, string, bool) {
		st := ""
		if state != "" {
			st = `<m:SyncState>` + state + `</m:SyncState>`
		}
		msgs := f.ok(`<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="inbox"/></m:SyncFolderId>` + st + `<m:MaxChangesReturned>` + strconv.Itoa(n) + `</m:MaxChangesReturned></m:SyncFolderItems>`)
		return msgs[0].m("Changes"), msgs[0].m("SyncState").text, msgs[0].m("IncludesLastItemInRange").text == "true"
	}
	ch, state, last := sync("", 2)
	if len(ch.all(nsTypes, "Create")) != 2 || last {
		t.Fatalf("first page: %d creates, last %v", len(ch.kids), last)
	}
	ch, state, last = sync(state, 2)
	if len(ch.all(nsTypes, "Create")) != 1 || !last {
		t.Fatalf("second page: %d, last %v", len(ch.kids), last)
	}
	m, _ := f.st.Mailbox(bob)
	f.st.Lock()
	m.Write(m.Lookup("messages", seeded[0]), Object{"isRead": true})
	if err := m.Apply(m.Lookup("messages", seeded[1]), Object{"subject": "s1b"}); err != nil {
		t.Fatal(err)
	}
	m.Purge(m.Lookup("messages", seeded[2]))
	f.st.Unlock()
	f.seed(bob, Object{"subject": "s3"})
	ch, _, last = sync(state, 10)
	var kinds []string
	for _, k := range ch.kids {
		kinds = append(kinds, k.local)
	}
	if strings.Join(kinds, ",") != "ReadFlagChange,Update,Delete,Create" || !last {
		t.Errorf("changes %v; want ReadFlagChange,Update,Delete,Create", kinds)
	}
	if got := f.code(`<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="inbox"/></m:SyncFolderId><m:SyncState>` + base64.StdEncoding.EncodeToString([]byte("forged")) + `</m:SyncState><m:MaxChangesReturned>5</m:MaxChangesReturned></m:SyncFolderItems>`); got != "ErrorInvalidSyncStateData" {
		t.Errorf("forged state: %s", got)
	}
	if got := f.code(`<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="drafts"/></m:SyncFolderId><m:SyncState>` + state + `</m:SyncState><m:MaxChangesReturned>5</m:MaxChangesReturned></m:SyncFolderItems>`); got != "ErrorInvalidSyncStateData" {
		t.Errorf("the inbox's state for drafts: %s", got)
	}
}

// TestSyncFolderHierarchy: all folders first, then what changed.
func TestSyncFolderHierarchy(t *testing.T) {
	f := newFixture(t)
	sync := func(state string) (*elem, string) {
		st := ""
		if state != "" {
			st = `<m:SyncState>` + state + `</m:SyncState>`
		}
		msgs := f.ok(`<m:SyncFolderHierarchy><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>` + st + `</m:SyncFolderHierarchy>`)
		return msgs[0].m("Changes"), msgs[0].m("SyncState").text
	}
	ch, state := sync("")
	if n := len(ch.all(nsTypes, "Create")); n < 10 {
		t.Errorf("first round: %d folders", n)
	}
	created := find(f.ok(`<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>New</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`)[0], "FolderId").attrOr("Id", "")
	ch, state = sync(state)
	if len(ch.kids) != 1 || ch.kids[0].local != "Create" || find(ch, "DisplayName").text != "New" {
		t.Errorf("after a create: %v", ch.kids)
	}
	f.ok(`<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:FolderId Id="` + created + `"/></m:FolderIds></m:DeleteFolder>`)
	ch, _ = sync(state)
	if len(ch.kids) != 1 || ch.kids[0].local != "Delete" || find(ch, "FolderId").attrOr("Id", "") != created {
		t.Errorf("after a delete: %v", ch.kids)
	}
}

// TestOofAndRules: automatic replies and Inbox rules over the same
// settings and rules Graph shows.
func TestOofAndRules(t *testing.T) {
	f := newFixture(t)
	set := `<m:SetUserOofSettingsRequest><t:Mailbox><t:Address>` + bob + `</t:Address></t:Mailbox><t:UserOofSettings><t:OofState>Scheduled</t:OofState><t:ExternalAudience>Known</t:ExternalAudience><t:Duration><t:StartTime>2026-04-01T00:00:00</t:StartTime><t:EndTime>2026-04-10T00:00:00</t:EndTime></t:Duration><t:InternalReply><t:Message>Away</t:Message></t:InternalReply><t:ExternalReply><t:Message>Out</t:Message></t:ExternalReply></t:UserOofSettings></m:SetUserOofSettingsRequest>`
	_, root, raw := f.post(soap("", set))
	if find(root, "ResponseCode").text != "NoError" {
		t.Fatalf("SetUserOofSettings: %s", raw)
	}
	m, _ := f.st.Mailbox(bob)
	f.st.Lock()
	ar := m.Settings()["automaticRepliesSetting"].(map[string]any)
	f.st.Unlock()
	if ar["status"] != "scheduled" || ar["externalAudience"] != "contactsOnly" || ar["internalReplyMessage"] != "Away" {
		t.Errorf("stored settings %v", ar)
	}
	_, root, _ = f.post(soap("", `<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>`+bob+`</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>`))
	if find(root, "OofState").text != "Scheduled" || find(root, "StartTime").text != "2026-04-01T00:00:00" {
		t.Errorf("GetUserOofSettings: %v", find(root, "OofSettings"))
	}
	bad := strings.Replace(set, "2026-04-10", "2026-03-10", 1)
	if _, root, _ = f.post(soap("", bad)); find(root, "ResponseCode").text != "ErrorInvalidScheduledOofDuration" {
		t.Errorf("end before start: %s", find(root, "ResponseCode").text)
	}
	if _, root, _ = f.post(soap("", `<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>`+carol+`</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>`)); find(root, "ResponseCode").text != "ErrorAccessDenied" {
		t.Errorf("someone else's settings: %s", find(root, "ResponseCode").text)
	}

	rule := `<t:Rule><t:DisplayName>From Lee</t:DisplayName><t:Priority>1</t:Priority><t:IsEnabled>true</t:IsEnabled><t:Conditions><t:ContainsSubjectStrings><t:String>budget</t:String></t:ContainsSubjectStrings><t:FromAddresses><t:Address><t:EmailAddress>lee@fabrikam.com</t:EmailAddress></t:Address></t:FromAddresses></t:Conditions><t:Actions><t:MoveToFolder><t:DistinguishedFolderId Id="junkemail"/></t:MoveToFolder><t:StopProcessingRules>true</t:StopProcessingRules></t:Actions></t:Rule>`
	update := func(ops string) *elem {
		_, root, _ := f.post(soap("", `<m:UpdateInboxRules><m:RemoveOutlookRuleBlob>true</m:RemoveOutlookRuleBlob><m:Operations>`+ops+`</m:Operations></m:UpdateInboxRules>`))
		return root
	}
	if got := find(update(`<t:CreateRuleOperation>`+rule+`</t:CreateRuleOperation>`), "ResponseCode").text; got != "NoError" {
		t.Fatalf("create rule: %s", got)
	}
	_, root, _ = f.post(soap("", `<m:GetInboxRules/>`))
	rid := find(root, "RuleId")
	if rid == nil || find(root, "DisplayName").text != "From Lee" || find(find(root, "MoveToFolder"), "FolderId") == nil {
		t.Fatalf("GetInboxRules: %v", find(root, "InboxRules"))
	}
	f.st.Lock()
	g := m.List("messageRules", func(*store.Entity) bool { return true })[0].Object()
	f.st.Unlock()
	if a := g["actions"].(map[string]any); a["moveToFolder"] != m.WellKnown("junkemail") || a["stopProcessingRules"] != true {
		t.Errorf("Graph's view of the rule: %v", g)
	}
	failed := update(`<t:DeleteRuleOperation><t:RuleId>` + rid.text + `</t:RuleId></t:DeleteRuleOperation><t:DeleteRuleOperation><t:RuleId>` + ewsID(ids.Item()) + `</t:RuleId></t:DeleteRuleOperation>`)
	if find(failed, "ResponseCode").text != "ErrorInboxRulesValidationError" || find(failed, "ErrorCode").text != "RuleNotFound" || find(failed, "OperationIndex").text != "1" {
		t.Errorf("batch with an unknown rule: %s", find(failed, "ResponseCode").text)
	}
	f.st.Lock()
	left := len(m.List("messageRules", func(*store.Entity) bool { return true }))
	f.st.Unlock()
	if left != 1 {
		t.Errorf("a refused batch deleted %d rules; want none", 1-left)
	}
}

// TestRequestFaults: what EWS answers with a SOAP fault: XML that is not
// well-formed, a wrong envelope, an empty body, a bad server version, and
// the impersonation checks.
func TestRequestFaults(t *testing.T) {
	f := newFixture(t)
	post := func(body string) (int, string) {
		_, root, raw := f.post(body)
		fault := root.child(nsSOAP, "Body").child(nsSOAP, "Fault")
		if fault == nil {
			t.Fatalf("no fault: %s", raw)
		}
		code := fault.child("", "faultcode").value()
		if d := fault.child("", "detail"); d != nil {
			code = d.child(nsErrors, "ResponseCode").value()
		}
		status, _, _ := f.post(body)
		return status, code
	}
	for name, tc := range map[string]struct {
		body   string
		status int
		code   string
	}{
		"not XML":         {"<soap:Envelope", 500, "ErrorSchemaValidation"},
		"DTD":             {`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>`, 500, "ErrorSchemaValidation"},
		"not an envelope": {`<Envelope/>`, 500, "ErrorSchemaValidation"},
		"SOAP 1.2":        {`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`, 500, "s:VersionMismatch"},
		"empty body":      {soap("", ""), 500, "ErrorInvalidRequest"},
		"bad version":     {strings.Replace(soap("", findInbox("", "", "")), "Exchange2013_SP1", "Exchange2099", 1), 500, "ErrorSchemaValidation"},
		"not served":      {soap("", `<m:GetPasswordExpirationDate><m:MailboxSmtpAddress>bob@contoso.com</m:MailboxSmtpAddress></m:GetPasswordExpirationDate>`), 501, "ErrorNotImplemented"},
		"unknown op":      {soap("", `<m:Frobnicate/>`), 500, "ErrorSchemaValidation"},
	} {
		status, code := post(tc.body)
		if status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s; want %d %s", name, status, code, tc.status, tc.code)
		}
	}
	imp := func(addr string) string {
		return `<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>` + addr + `</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
	}
	f.caller = Caller{Name: `CONTOSO\svc`}
	if status, code := f.faultCode(imp(alice), findInbox("", "", "")); status != 500 || code != "ErrorImpersonationDenied" {
		t.Errorf("no impersonation right: %d %s", status, code)
	}
	f.dir.impersonate[`CONTOSO\svc`] = map[string]bool{bob: true}
	if status, code := f.faultCode(imp(alice), findInbox("", "", "")); status != 500 || code != "ErrorImpersonateUserDenied" {
		t.Errorf("impersonation right on bob only: %d %s", status, code)
	}
	if status, code := f.faultCode(imp("nobody@contoso.com"), findInbox("", "", "")); code != "ErrorNonExistentMailbox" {
		t.Errorf("unknown mailbox: %d %s", status, code)
	}
	if status, code := f.faultCode(`<t:ExchangeImpersonation><t:ConnectingSID/></t:ExchangeImpersonation>`, findInbox("", "", "")); code != "ErrorInvalidExchangeImpersonationHeaderData" {
		t.Errorf("empty ConnectingSID: %d %s", status, code)
	}
	f.seed(bob, Object{"subject": "for bob"})
	status, root, raw := f.post(soap(imp(bob), findInbox("", "", "")))
	if status != 200 || strings.Join(subjects(root), ",") != "for bob" {
		t.Errorf("impersonating bob: %d %s", status, raw)
	}
	// An app-only token (on a reconfigured server) acts only through
	// impersonation, within its tenant.
	f.caller = Caller{Name: "app", AppOnly: true, TenantID: "tenant-1"}
	if _, code := f.faultCode("", findInbox("", "", "")); code != "ErrorInvalidExchangeImpersonationHeaderData" {
		t.Errorf("app-only without impersonation: %s", code)
	}
	if status, _, _ := f.post(soap(imp(bob), findInbox("", "", ""))); status != 200 {
		t.Errorf("app-only impersonating bob: %d", status)
	}
}

// TestServerBusy: the throttling fault carries the back-off as Exchange
// writes it.
func TestServerBusy(t *testing.T) {
	root, err := parseXML(ServerBusy(1500 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	fault := root.child(nsSOAP, "Body").child(nsSOAP, "Fault")
	if fault.child("", "faultcode").value() != "a:ErrorServerBusy" {
		t.Errorf("faultcode %q", fault.child("", "faultcode").value())
	}
	d := fault.child("", "detail")
	v := d.child(nsTypes, "MessageXml").child(nsTypes, "Value")
	if d.child(nsErrors, "ResponseCode").value() != "ErrorServerBusy" || v.attrOr("Name", "") != "BackOffMilliseconds" || v.value() != "1500" {
		t.Errorf("detail: %v", d.kids)
	}
}
