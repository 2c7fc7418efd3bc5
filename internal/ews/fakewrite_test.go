package ews

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The write operations of the fake EWS server.

type fakeWrite func(f *fakeEWS, out *strings.Builder, op *xnode, h http.Header)

var fakeWrites map[string]fakeWrite

func init() {
	fakeWrites = map[string]fakeWrite{
		"CreateItem": (*fakeEWS).createItem, "UpdateItem": (*fakeEWS).updateItem, "DeleteItem": (*fakeEWS).deleteItem,
		"MoveItem": (*fakeEWS).moveItem, "CopyItem": (*fakeEWS).moveItem, "SendItem": (*fakeEWS).sendItem,
		"CreateAttachment": (*fakeEWS).createAttachment, "DeleteAttachment": (*fakeEWS).deleteAttachment,
		"CreateFolder": (*fakeEWS).createFolder, "UpdateFolder": (*fakeEWS).updateFolder, "DeleteFolder": (*fakeEWS).deleteFolder,
		"MoveFolder": (*fakeEWS).moveFolder, "CopyFolder": (*fakeEWS).moveFolder,
		"SyncFolderItems": (*fakeEWS).syncFolderItems, "SyncFolderHierarchy": (*fakeEWS).syncFolderHierarchy,
	}
}

func (f *fakeEWS) msgByID(id string) *fakeMsg {
	for _, m := range f.msgs {
		if m.id == id {
			return m
		}
	}
	return nil
}

func (f *fakeEWS) newMsgID() string { return ewsIDOf("item", 100+len(f.msgs)) }

func okItems(out *strings.Builder, op string, refs ...*fakeMsg) {
	fmt.Fprintf(out, `<m:%sResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items>`, op)
	for _, m := range refs {
		fmt.Fprintf(out, `<t:Message><t:ItemId Id="%s" ChangeKey="%s"/></t:Message>`, m.id, m.ck)
	}
	fmt.Fprintf(out, `</m:Items></m:%sResponseMessage>`, op)
}

// mailboxesOf reads the Mailbox elements of a recipients element.
func mailboxesOf(n *xnode) []fakeAddr {
	var out []fakeAddr
	if n == nil {
		return nil
	}
	for _, mb := range n.find("Mailbox") {
		a := fakeAddr{addr: mb.child("EmailAddress").text}
		if nm := mb.child("Name"); nm != nil {
			a.name = nm.text
		}
		out = append(out, a)
	}
	return out
}

// applyMessage sets the fake message's fields from a t:Message element.
func applyMessage(m *fakeMsg, el *xnode) {
	for _, k := range el.kids {
		switch k.local {
		case "Subject":
			m.subject = k.text
		case "Body":
			m.body = k.text
		case "Importance":
			m.importance = k.text
		case "IsRead":
			m.read = k.text == "true"
		case "Categories":
			m.categories = nil
			for _, c := range k.kids {
				m.categories = append(m.categories, c.text)
			}
		case "ToRecipients":
			m.to = mailboxesOf(k)
		case "From":
			m.from = mailboxesOf(k)[0]
		case "Flag":
			m.flagged = k.child("FlagStatus").text == "Flagged"
		case "ExtendedProperty":
			if k.child("ExtendedFieldURI").attr("PropertyName") == "Color" {
				m.extColor = k.child("Value").text
			}
		case "Attachments":
			for _, a := range k.kids {
				raw, _ := base64.StdEncoding.DecodeString(a.child("Content").text)
				ct := ""
				if c := a.child("ContentType"); c != nil {
					ct = c.text
				}
				m.atts = append(m.atts, fakeAtt{id: ewsIDOf("att", 50+len(m.atts)), name: a.child("Name").text, ctype: ct, content: raw})
			}
		case "MimeContent":
			raw, _ := base64.StdEncoding.DecodeString(k.text)
			m.mime = string(raw)
			if i := strings.Index(m.mime, "Subject: "); i >= 0 {
				m.subject = strings.SplitN(m.mime[i+9:], "\r\n", 2)[0]
			}
		}
	}
}

func (f *fakeEWS) createItem(out *strings.Builder, op *xnode, _ http.Header) {
	disposition := op.attr("MessageDisposition")
	var folder *fakeFolder
	if s := op.child("SavedItemFolderId"); s != nil {
		folder = f.folderFor(s.kids[0])
	} else {
		folder = f.byName("drafts")
	}
	el := op.child("Items").kids[0]
	m := &fakeMsg{id: f.newMsgID(), ck: "CQAAABYAAAAnew/", kind: "Message", importance: "Normal", received: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)}
	switch el.local {
	case "Message":
		applyMessage(m, el)
	case "ReplyToItem", "ReplyAllToItem", "ForwardItem":
		ref := f.msgByID(el.child("ReferenceItemId").attr("Id"))
		if ref == nil || ref.ck != el.child("ReferenceItemId").attr("ChangeKey") {
			errMsg(out, "CreateItem", "ErrorItemNotFound", "The specified object was not found in the store.")
			return
		}
		prefix := map[string]string{"ReplyToItem": "RE: ", "ReplyAllToItem": "RE: ", "ForwardItem": "FW: "}[el.local]
		m.subject = prefix + ref.subject
		if nb := el.child("NewBodyContent"); nb != nil {
			m.body = nb.text
		}
		m.to = mailboxesOf(el.child("ToRecipients"))
		if el.local != "ForwardItem" && m.to == nil {
			m.to = []fakeAddr{ref.from}
		}
	default:
		errMsg(out, "CreateItem", "ErrorInvalidRequest", "the fake takes messages and response objects")
		return
	}
	m.ver = f.tick()
	switch disposition {
	case "SaveOnly":
		m.folder = folder.id
		f.msgs = append(f.msgs, m)
		okItems(out, "CreateItem", m)
	case "SendAndSaveCopy", "SendOnly":
		m.sent = true
		if disposition == "SendAndSaveCopy" {
			m.folder = folder.id
			f.msgs = append(f.msgs, m)
		}
		okItems(out, "CreateItem")
	}
}

func (f *fakeEWS) byName(distinguished string) *fakeFolder {
	for _, fd := range f.folders {
		if fd.distinguished == distinguished {
			return fd
		}
	}
	return nil
}

func (f *fakeEWS) updateItem(out *strings.Builder, op *xnode, _ http.Header) {
	ch := op.find("ItemChange")[0]
	id := ch.child("ItemId")
	m := f.msgByID(id.attr("Id"))
	if m == nil {
		errMsg(out, "UpdateItem", "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	if op.attr("ConflictResolution") == "NeverOverwrite" && id.attr("ChangeKey") != m.ck {
		errMsg(out, "UpdateItem", "ErrorIrresolvableConflict", "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.")
		return
	}
	for _, u := range ch.child("Updates").kids {
		switch u.local {
		case "SetItemField":
			applyMessage(m, u.child("Message"))
		case "DeleteItemField":
			if u.child("FieldURI").attr("FieldURI") == "item:Categories" {
				m.categories = nil
			}
		}
	}
	m.ck += "1"
	m.ver = f.tick()
	okItems(out, "UpdateItem", m)
}

func (f *fakeEWS) deleteItem(out *strings.Builder, op *xnode, _ http.Header) {
	m := f.msgByID(op.find("ItemId")[0].attr("Id"))
	if m == nil {
		errMsg(out, "DeleteItem", "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	f.gone = append(f.gone, tombstone{m.id, m.folder, f.tick()})
	if op.attr("DeleteType") == "HardDelete" {
		m.folder = ""
	} else {
		m.folder = f.byName("deleteditems").id
	}
	m.ver = f.tick()
	out.WriteString(`<m:DeleteItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:DeleteItemResponseMessage>`)
}

func (f *fakeEWS) moveItem(out *strings.Builder, op *xnode, _ http.Header) {
	m := f.msgByID(op.child("ItemIds").kids[0].attr("Id"))
	to := f.folderFor(op.child("ToFolderId").kids[0])
	if m == nil || to == nil {
		errMsg(out, op.local, "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	cp := *m
	cp.id, cp.folder = f.newMsgID(), to.id
	f.msgs = append(f.msgs, &cp)
	if op.local == "MoveItem" {
		m.folder = ""
	}
	okItems(out, op.local, &cp)
}

func (f *fakeEWS) sendItem(out *strings.Builder, op *xnode, _ http.Header) {
	id := op.find("ItemId")[0]
	m := f.msgByID(id.attr("Id"))
	if m == nil || id.attr("ChangeKey") != m.ck {
		errMsg(out, "SendItem", "ErrorChangeKeyRequiredForWriteOperations", "the change key is missing or stale")
		return
	}
	m.sent = true
	m.folder = f.folderFor(op.child("SavedItemFolderId").kids[0]).id
	out.WriteString(`<m:SendItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:SendItemResponseMessage>`)
}

func (f *fakeEWS) createAttachment(out *strings.Builder, op *xnode, _ http.Header) {
	m := f.msgByID(op.child("ParentItemId").attr("Id"))
	if m == nil {
		errMsg(out, "CreateAttachment", "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	applyMessage(m, &xnode{kids: []*xnode{op.child("Attachments")}, local: "Message"})
	a := m.atts[len(m.atts)-1]
	m.ck += "2"
	fmt.Fprintf(out, `<m:CreateAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments><t:FileAttachment><t:AttachmentId Id="%s" RootItemId="%s" RootItemChangeKey="%s"/></t:FileAttachment></m:Attachments></m:CreateAttachmentResponseMessage>`,
		a.id, m.id, m.ck)
}

func (f *fakeEWS) deleteAttachment(out *strings.Builder, op *xnode, _ http.Header) {
	id := op.find("AttachmentId")[0].attr("Id")
	for _, m := range f.msgs {
		for i, a := range m.atts {
			if a.id == id {
				m.atts = append(m.atts[:i], m.atts[i+1:]...)
				fmt.Fprintf(out, `<m:DeleteAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootItemId RootItemId="%s" RootItemChangeKey="%s"/></m:DeleteAttachmentResponseMessage>`, m.id, m.ck)
				return
			}
		}
	}
	errMsg(out, "DeleteAttachment", "ErrorItemNotFound", "The specified object was not found in the store.")
}

func okFolders(out *strings.Builder, op string, fds ...*fakeFolder) {
	fmt.Fprintf(out, `<m:%sResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders>`, op)
	for _, fd := range fds {
		fmt.Fprintf(out, `<t:Folder><t:FolderId Id="%s" ChangeKey="%s"/></t:Folder>`, fd.id, fd.ck)
	}
	fmt.Fprintf(out, `</m:Folders></m:%sResponseMessage>`, op)
}

func (f *fakeEWS) createFolder(out *strings.Builder, op *xnode, _ http.Header) {
	parent := f.folderFor(op.child("ParentFolderId").kids[0])
	el := op.find("Folder")[0]
	name := el.child("DisplayName").text
	for _, c := range f.folders {
		if c.parent == parent.id && c.name == name {
			errMsg(out, "CreateFolder", "ErrorFolderExists", "A folder with the specified name already exists.")
			return
		}
	}
	fd := &fakeFolder{id: ewsIDOf("folder", 100+len(f.folders)), ck: "AQAAAN==", parent: parent.id, name: name, class: el.child("FolderClass").text}
	f.folders = append(f.folders, fd)
	okFolders(out, "CreateFolder", fd)
}

func (f *fakeEWS) updateFolder(out *strings.Builder, op *xnode, _ http.Header) {
	fd := f.folderFor(op.find("FolderChange")[0].kids[0])
	if fd == nil {
		errMsg(out, "UpdateFolder", "ErrorFolderNotFound", "The specified folder could not be found in the store.")
		return
	}
	for _, n := range op.find("DisplayName") {
		fd.name = n.text
	}
	okFolders(out, "UpdateFolder", fd)
}

func (f *fakeEWS) deleteFolder(out *strings.Builder, op *xnode, _ http.Header) {
	fd := f.folderFor(op.child("FolderIds").kids[0])
	if fd == nil {
		errMsg(out, "DeleteFolder", "ErrorFolderNotFound", "The specified folder could not be found in the store.")
		return
	}
	fd.parent = f.byName("deleteditems").id
	out.WriteString(`<m:DeleteFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:DeleteFolderResponseMessage>`)
}

func (f *fakeEWS) moveFolder(out *strings.Builder, op *xnode, _ http.Header) {
	fd := f.folderFor(op.child("FolderIds").kids[0])
	to := f.folderFor(op.child("ToFolderId").kids[0])
	if fd == nil || to == nil {
		errMsg(out, op.local, "ErrorFolderNotFound", "The specified folder could not be found in the store.")
		return
	}
	if op.local == "MoveFolder" {
		fd.parent = to.id
		okFolders(out, op.local, fd)
		return
	}
	cp := *fd
	cp.id, cp.parent, cp.distinguished = ewsIDOf("folder", 100+len(f.folders)), to.id, ""
	f.folders = append(f.folders, &cp)
	okFolders(out, op.local, &cp)
}

// syncFolderItems answers from the change counter: the SyncState is the
// counter of the last change reported.
func (f *fakeEWS) syncFolderItems(out *strings.Builder, op *xnode, _ http.Header) {
	fd := f.folderFor(op.child("SyncFolderId").kids[0])
	since := 0
	if st := op.child("SyncState"); st != nil {
		raw, err := base64.StdEncoding.DecodeString(st.text)
		if _, err2 := fmt.Sscanf(string(raw), "v=%d", &since); err != nil || err2 != nil {
			errMsg(out, "SyncFolderItems", "ErrorInvalidSyncStateData", "Synchronization state data is corrupt or otherwise invalid.")
			return
		}
	}
	max := 512
	fmt.Sscanf(op.child("MaxChangesReturned").text, "%d", &max)
	type change struct {
		ver int
		xml string
	}
	var changes []change
	props := fields(op.child("ItemShape"))
	for _, m := range f.msgs {
		if m.folder == fd.id && m.ver > since {
			var b strings.Builder
			kind := "Update"
			if since == 0 {
				kind = "Create"
			}
			b.WriteString("<t:" + kind + ">")
			f.item(&b, m, props)
			b.WriteString("</t:" + kind + ">")
			changes = append(changes, change{m.ver, b.String()})
		}
	}
	for _, g := range f.gone {
		if g.folder == fd.id && g.ver > since && since > 0 {
			changes = append(changes, change{g.ver, `<t:Delete><t:ItemId Id="` + g.id + `" ChangeKey="AAAA"/></t:Delete>`})
		}
	}
	slices.SortFunc(changes, func(a, b change) int { return a.ver - b.ver })
	last := len(changes) <= max
	if !last {
		changes = changes[:max]
	}
	upTo := f.clock
	if !last {
		upTo = changes[len(changes)-1].ver
	}
	fmt.Fprintf(out, `<m:SyncFolderItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SyncState>%s</m:SyncState><m:IncludesLastItemInRange>%v</m:IncludesLastItemInRange><m:Changes>`,
		base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("v=%d", upTo))), last)
	for _, c := range changes {
		out.WriteString(c.xml)
	}
	out.WriteString(`</m:Changes></m:SyncFolderItemsResponseMessage>`)
}

// syncFolderHierarchy reports every folder below the root on the first
// call, and nothing after.
func (f *fakeEWS) syncFolderHierarchy(out *strings.Builder, op *xnode, _ http.Header) {
	props := fields(op.child("FolderShape"))
	fmt.Fprintf(out, `<m:SyncFolderHierarchyResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SyncState>%s</m:SyncState><m:IncludesLastFolderInRange>true</m:IncludesLastFolderInRange><m:Changes>`,
		base64.StdEncoding.EncodeToString([]byte("hierarchy")))
	if op.child("SyncState") == nil {
		root := f.folderFor(op.child("SyncFolderId").kids[0])
		for _, fd := range f.folders {
			if fd != root {
				out.WriteString("<t:Create>")
				f.folderXML(out, fd, props)
				out.WriteString("</t:Create>")
			}
		}
	} else {
		fmt.Fprintf(out, `<t:Delete><t:FolderId Id="%s" ChangeKey="AAAA"/></t:Delete>`, f.folders[7].id)
	}
	out.WriteString(`</m:Changes></m:SyncFolderHierarchyResponseMessage>`)
}

// fakeBare serves the operations whose answers have no ResponseMessages
// (OOF, inbox rules), returning the whole content of soap:Body.
var fakeBare = map[string]func(f *fakeEWS, op *xnode) string{
	"GetInboxRules": func(f *fakeEWS, op *xnode) string {
		var b strings.Builder
		for i, r := range f.rules {
			fmt.Fprintf(&b, `<Rule xmlns="http://schemas.microsoft.com/exchange/services/2006/types"><RuleId>%s</RuleId>%s</Rule>`, ruleID(i), r)
		}
		return `<GetInboxRulesResponse ResponseClass="Success" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><ResponseCode>NoError</ResponseCode><OutlookRuleBlobExists>false</OutlookRuleBlobExists><InboxRules>` +
			b.String() + `</InboxRules></GetInboxRulesResponse>`
	},
	"UpdateInboxRules": func(f *fakeEWS, op *xnode) string {
		for _, o := range op.child("Operations").kids {
			switch o.local {
			case "CreateRuleOperation":
				var b strings.Builder
				for _, k := range o.child("Rule").kids {
					b.WriteString(strings.ReplaceAll(pretty(k), "t:", ""))
				}
				f.rules = append(f.rules, b.String())
			case "DeleteRuleOperation":
				for i := range f.rules {
					if ruleID(i) == o.child("RuleId").text {
						f.rules[i] = ""
					}
				}
			}
		}
		return `<UpdateInboxRulesResponse ResponseClass="Success" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><ResponseCode>NoError</ResponseCode></UpdateInboxRulesResponse>`
	},
	"GetUserOofSettingsRequest": func(f *fakeEWS, op *xnode) string {
		oof := f.oof
		if oof == "" {
			oof = `<OofState>Disabled</OofState><ExternalAudience>All</ExternalAudience><Duration><StartTime>2024-01-01T00:00:00</StartTime><EndTime>2024-01-02T00:00:00</EndTime></Duration><InternalReply><Message>Away</Message></InternalReply><ExternalReply><Message /></ExternalReply>`
		}
		return `<GetUserOofSettingsResponse xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><ResponseMessage ResponseClass="Success"><ResponseCode>NoError</ResponseCode></ResponseMessage>` +
			`<OofSettings xmlns="http://schemas.microsoft.com/exchange/services/2006/types">` + oof + `</OofSettings><AllowExternalOof>All</AllowExternalOof></GetUserOofSettingsResponse>`
	},
	"SetUserOofSettingsRequest": func(f *fakeEWS, op *xnode) string {
		var b strings.Builder
		for _, k := range op.child("UserOofSettings").kids {
			b.WriteString(strings.TrimPrefix(strings.ReplaceAll(pretty(k), "t:", ""), ""))
		}
		f.oof = b.String()
		return `<SetUserOofSettingsResponse xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><ResponseMessage ResponseClass="Success"><ResponseCode>NoError</ResponseCode></ResponseMessage></SetUserOofSettingsResponse>`
	},
}

// ruleID is the fake's id of its i-th rule.
func ruleID(i int) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("rule/%02d?", i)))
}
