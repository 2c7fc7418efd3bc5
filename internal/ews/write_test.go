package ews

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// The write operations of the mail service over EWS, against the fake.

const colorID = "String {00020329-0000-0000-C000-000000000046} Name Color"

func TestCreateDraft(t *testing.T) {
	svc, f := newMail(t, nil)
	m, err := svc.CreateDraft(t.Context(), &mail.Message{
		Subject:                       "Plan <b> & more",
		Body:                          item.HTMLBody("<p>hi</p>"),
		ToRecipients:                  mail.To("Bob <bob@contoso.com>"),
		Importance:                    item.ImportanceHigh,
		OutlookItem:                   item.OutlookItem{Categories: []string{"Red"}},
		Flag:                          item.FollowupFlag{FlagStatus: item.FlagStatusFlagged},
		Attachments:                   []mail.Attachment{{Name: "a.txt", ContentType: "text/plain", ContentBytes: []byte("hello")}},
		SingleValueExtendedProperties: []item.SingleValueExtendedProperty{{ID: colorID, Value: "Green"}},
		InternetMessageHeaders:        []item.InternetMessageHeader{{Name: "x-ticket", Value: "42"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	stored := f.msgs[len(f.msgs)-1]
	if m.ID != restID(stored.id) || m.Subject != "Plan <b> & more" || stored.folder != f.byName("drafts").id || stored.importance != "High" ||
		!stored.flagged || stored.extColor != "Green" || len(stored.atts) != 1 || string(stored.atts[0].content) != "hello" ||
		!slices.Equal(stored.categories, []string{"Red"}) || stored.to[0] != (fakeAddr{"Bob", "bob@contoso.com"}) {
		t.Errorf("stored %+v, returned %+v", stored, m)
	}
	reqs := f.requests()
	if ops(reqs) != "CreateItem,GetItem" || reqs[0].tree.find("CreateItem")[0].attr("MessageDisposition") != "SaveOnly" {
		t.Errorf("requests %s", ops(reqs))
	}
	// Read-only properties of a fetched message sent back are left out.
	back := *m
	back.ID, back.ETag = "", ""
	back.ReceivedDateTime = m.ReceivedDateTime
	if _, err := svc.CreateMessageIn(t.Context(), mail.FolderID(restID(f.folders[6].id)), &back); err != nil {
		t.Errorf("creating from a fetched message: %v", err)
	}
	// What EWS cannot write fails before any request.
	n := len(f.requests())
	if _, err := svc.CreateDraft(t.Context(), &mail.Message{Subject: "x", InferenceClassification: mail.ClassificationFocused}); !errors.Is(err, odata.ErrNotSupported) {
		t.Errorf("%v", err)
	}
	if len(f.requests()) != n {
		t.Error("an unsupported property reached the server")
	}
}

func TestUpdateMessage(t *testing.T) {
	svc, f := newMail(t, nil)
	m3 := f.msgs[3]
	id := restID(m3.id)
	got, err := svc.UpdateMessage(t.Context(), id, mail.MessageUpdate{
		IsRead:                        odata.Set(true),
		Subject:                       odata.Set("Renamed"),
		Categories:                    odata.Null[[]string](),
		SingleValueExtendedProperties: odata.Set([]item.SingleValueExtendedProperty{{ID: colorID, Value: "Teal"}}),
		ETag:                          `W/"` + m3.ck + `"`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "Renamed" || !got.IsRead || len(got.Categories) != 0 || m3.extColor != "Teal" || got.ChangeKey != m3.ck {
		t.Errorf("%+v", got)
	}
	up := f.requests()[0].tree
	if up.find("UpdateItem")[0].attr("ConflictResolution") != "NeverOverwrite" || len(up.find("SetItemField")) != 3 || len(up.find("DeleteItemField")) != 1 {
		t.Errorf("UpdateItem:\n%s", pretty(up))
	}
	// A stale ETag is a failed precondition.
	_, err = svc.UpdateMessage(t.Context(), id, mail.MessageUpdate{IsRead: odata.Set(false), ETag: `W/"stale"`})
	if !errors.Is(err, odata.ErrPreconditionFailed) {
		t.Errorf("stale ETag: %v", err)
	}
	// Without an ETag, the update overwrites.
	if _, err := svc.UpdateMessage(t.Context(), id, mail.MessageUpdate{IsRead: odata.Set(false)}); err != nil || m3.read {
		t.Errorf("%v", err)
	}
}

func TestDeleteMoveCopy(t *testing.T) {
	svc, f := newMail(t, nil)
	ctx := t.Context()
	if err := svc.DeleteMessage(ctx, restID(f.msgs[0].id)); err != nil || f.msgs[0].folder != f.byName("deleteditems").id {
		t.Errorf("delete: %v", err)
	}
	if err := svc.PurgeMessage(ctx, restID(f.msgs[1].id)); err != nil || f.msgs[1].folder != "" {
		t.Errorf("purge: %v", err)
	}
	dt := f.requests()
	if dt[0].tree.find("DeleteItem")[0].attr("DeleteType") != "MoveToDeletedItems" || dt[1].tree.find("DeleteItem")[0].attr("DeleteType") != "HardDelete" {
		t.Error("delete types")
	}
	moved, err := svc.MoveMessage(ctx, restID(f.msgs[2].id), mail.SentItems)
	if err != nil || moved.ID == restID(f.msgs[2].id) || moved.Subject != "Message 2" || moved.ParentFolderID != restID(f.byName("sentitems").id) {
		t.Errorf("move: %+v %v", moved, err)
	}
	cp, err := svc.CopyMessage(ctx, restID(f.msgs[3].id), mail.FolderID(restID(f.folders[6].id)))
	if err != nil || cp.Subject != "Message 3" || f.msgs[3].folder == "" {
		t.Errorf("copy: %+v %v", cp, err)
	}
	if err := svc.DeleteMessage(ctx, restID(ewsIDOf("item", 999))); !errors.Is(err, odata.ErrNotFound) {
		t.Errorf("%v", err)
	}
}

func TestSend(t *testing.T) {
	svc, f := newMail(t, nil)
	ctx := t.Context()
	d := f.msgs[4]
	d.folder = f.byName("drafts").id
	if err := svc.SendDraft(ctx, restID(d.id)); err != nil || !d.sent || d.folder != f.byName("sentitems").id {
		t.Errorf("send draft: %v", err)
	}
	if got := ops(f.requests()); got != "GetItem,SendItem" {
		t.Errorf("send draft %s: SendItem needs the current change key", got)
	}
	n := len(f.msgs)
	if err := svc.SendMail(ctx, &mail.Message{Subject: "Hi", ToRecipients: mail.To("bob@contoso.com")}, nil); err != nil {
		t.Fatal(err)
	}
	if len(f.msgs) != n+1 || !f.msgs[n].sent || f.msgs[n].folder != f.byName("sentitems").id {
		t.Error("SendMail saves a copy to Sent Items")
	}
	if err := svc.SendMail(ctx, &mail.Message{Subject: "Quiet", ToRecipients: mail.To("bob@contoso.com")}, &mail.SendOptions{SkipSentItems: true}); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	last := reqs[len(reqs)-1].tree
	if last.find("CreateItem")[0].attr("MessageDisposition") != "SendOnly" || len(last.find("SavedItemFolderId")) != 0 || len(f.msgs) != n+1 {
		t.Error("SkipSentItems sends with SendOnly")
	}
}

func TestRepliesAndForwards(t *testing.T) {
	svc, f := newMail(t, nil)
	ctx := t.Context()
	id := restID(f.msgs[6].id)
	if err := svc.Reply(ctx, id, "Thanks <b>!</b>", nil); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[1].tree
	if len(r.find("ReplyToItem")) != 1 || r.find("NewBodyContent")[0].text != "Thanks <b>!</b>" || r.find("CreateItem")[0].attr("MessageDisposition") != "SendAndSaveCopy" {
		t.Errorf("reply:\n%s", pretty(r))
	}
	if err := svc.ReplyAll(ctx, id, "All", nil); err != nil {
		t.Fatal(err)
	}
	if err := svc.Forward(ctx, id, mail.To("cy@contoso.com"), "FYI", nil); err != nil {
		t.Fatal(err)
	}
	draft, err := svc.CreateReply(ctx, id, "Draft reply", nil)
	if err != nil || draft.Subject != "RE: Message 6" || draft.ID == "" {
		t.Errorf("%+v %v", draft, err)
	}
	fw, err := svc.CreateForward(ctx, id, mail.To("di@contoso.com"), "", &mail.ReplyOptions{Message: &mail.Message{Body: item.TextBody("see below")}})
	if err != nil || fw.Subject != "FW: Message 6" || len(fw.ToRecipients) != 1 {
		t.Errorf("%+v %v", fw, err)
	}
	if _, err := svc.CreateReplyAll(ctx, id, "", nil); err != nil {
		t.Error(err)
	}
}

func TestMIME(t *testing.T) {
	svc, f := newMail(t, nil)
	ctx := t.Context()
	r, err := svc.GetMIME(ctx, restID(f.msgs[2].id))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if !strings.HasPrefix(string(b), "Subject: Message 2\r\n") {
		t.Errorf("MIME %q", b)
	}
	if g := f.requests()[0].tree.find("IncludeMimeContent"); len(g) != 1 || g[0].text != "true" {
		t.Error("no IncludeMimeContent")
	}
	mime := "Subject: From MIME\r\nTo: bob@contoso.com\r\n\r\nHello"
	m, err := svc.CreateDraftMIME(ctx, strings.NewReader(mime))
	if err != nil || m.Subject != "From MIME" {
		t.Fatalf("%+v %v", m, err)
	}
	if err := svc.SendMIME(ctx, strings.NewReader(mime)); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	mc := reqs[len(reqs)-1].tree.find("MimeContent")
	if got, _ := base64.StdEncoding.DecodeString(mc[0].text); string(got) != mime {
		t.Errorf("sent MIME %q", got)
	}
}

func TestAttachments(t *testing.T) {
	svc, f := newMail(t, nil)
	ctx := t.Context()
	mid := restID(f.msgs[3].id)
	var names []string
	for a, err := range svc.ListAttachments(ctx, mid, nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, a.Name+":"+string(a.ContentBytes))
	}
	if strings.Join(names, ",") != "report.pdf:%PDF-1.4 report,Forwarded:" {
		t.Errorf("list %v", names)
	}
	a, err := svc.GetAttachment(ctx, mid, restID(f.msgs[3].atts[0].id))
	if err != nil || a.Name != "report.pdf" || string(a.ContentBytes) != "%PDF-1.4 report" {
		t.Errorf("%+v %v", a, err)
	}
	rc, err := svc.AttachmentContent(ctx, mid, restID(f.msgs[3].atts[0].id))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "%PDF-1.4 report" {
		t.Errorf("content %q", b)
	}
	added, err := svc.AddAttachment(ctx, mid, &mail.Attachment{Name: "n.txt", ContentType: "text/plain", ContentBytes: []byte("note")})
	if err != nil || added.ID == "" || added.Size != 4 || len(f.msgs[3].atts) != 3 {
		t.Fatalf("%+v %v", added, err)
	}
	if err := svc.DeleteAttachment(ctx, mid, added.ID); err != nil || len(f.msgs[3].atts) != 2 {
		t.Errorf("delete: %v", err)
	}
	_, err = svc.CreateUploadSession(ctx, mid, "big.bin", "application/octet-stream", 10<<20, nil)
	if !errors.Is(err, odata.ErrNotSupported) {
		t.Errorf("upload session: %v", err)
	}
	// Without upload sessions, a file larger than Graph takes inline goes in
	// one CreateAttachment, up to the server's request limit.
	big := bytes.Repeat([]byte("x"), mail.MaxInlineAttachmentSize+1)
	n := len(f.requests())
	up, err := svc.UploadAttachment(ctx, mid, "big.bin", "", bytes.NewReader(big), int64(len(big)), nil)
	if err != nil || up.Size != int64(len(big)) {
		t.Fatalf("upload: %+v %v", up, err)
	}
	if got := ops(f.requests()[n:]); got != "CreateAttachment" {
		t.Errorf("upload requests %s", got)
	}
	// Above the limit, IIS answers 404.13: too large, not "not found".
	f.mu.Lock()
	f.maxRequest = 4 << 20
	f.mu.Unlock()
	bigger := bytes.Repeat([]byte("y"), 3<<20+1) // 4 MiB and more once in base64
	_, err = svc.UploadAttachment(ctx, mid, "bigger.bin", "", bytes.NewReader(bigger), int64(len(bigger)), nil)
	var oe *odata.Error
	if !errors.Is(err, mail.ErrAttachmentTooLarge) || errors.Is(err, odata.ErrNotFound) || !errors.As(err, &oe) || oe.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("upload over the limit: %v", err)
	}
}

func TestFolderWrites(t *testing.T) {
	svc, f := newMail(t, nil)
	ctx := t.Context()
	fd, err := svc.CreateFolder(ctx, mail.Inbox, "Receipts")
	if err != nil || fd.DisplayName != "Receipts" || fd.ParentFolderID != restID(f.byName("inbox").id) {
		t.Fatalf("%+v %v", fd, err)
	}
	if _, err := svc.CreateFolder(ctx, mail.Inbox, "Receipts"); !errors.Is(err, odata.ErrConflict) {
		t.Errorf("duplicate: %v", err)
	}
	hidden, err := svc.CreateFolderFrom(ctx, "", &mail.MailFolder{DisplayName: "Hidden", IsHidden: true})
	if err != nil || hidden.DisplayName != "Hidden" {
		t.Errorf("%+v %v", hidden, err)
	}
	reqs := f.requests()
	if cf := reqs[len(reqs)-2].tree; len(cf.find("ExtendedProperty")) != 1 || cf.find("FolderClass")[0].text != "IPF.Note" {
		t.Errorf("hidden folder:\n%s", pretty(cf))
	}
	up, err := svc.UpdateFolder(ctx, mail.FolderID(fd.ID), mail.FolderUpdate{DisplayName: odata.Set("Bills")})
	if err != nil || up.DisplayName != "Bills" {
		t.Errorf("%+v %v", up, err)
	}
	mv, err := svc.MoveFolder(ctx, mail.FolderID(fd.ID), mail.MsgFolderRoot)
	if err != nil || mv.ParentFolderID != restID(f.byName("msgfolderroot").id) {
		t.Errorf("%+v %v", mv, err)
	}
	cp, err := svc.CopyFolder(ctx, mail.FolderID(fd.ID), mail.Inbox)
	if err != nil || cp.ID == fd.ID || cp.DisplayName != "Bills" {
		t.Errorf("%+v %v", cp, err)
	}
	if err := svc.DeleteFolder(ctx, mail.FolderID(fd.ID)); err != nil {
		t.Error(err)
	}
}
