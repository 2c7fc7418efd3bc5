package ews

import (
	"errors"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// The answers of the write operations, read from Microsoft's published
// examples: each write is served the example as its answer (and, where
// the backend then fetches the entity, a published GetItem or GetFolder).

// wantCode checks an error's status and EWS code.
func wantCode(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var oe *odata.Error
	if !errors.As(err, &oe) || oe.StatusCode != status || oe.Code != code {
		t.Errorf("%s: %v, want %d %s", what, err, status, code)
	}
}

func TestPublishedItemWriteResponses(t *testing.T) {
	ctx := t.Context()
	const getItem = "GetItem__how-to-add-attachments-by-using-ews-in-exchange__1.response.xml"

	svc, d := cannedMail(t, "CreateItem__how-to-add-attachments-by-using-ews-in-exchange__1.response.xml", getItem)
	m, err := svc.CreateDraft(ctx, &mail.Message{Subject: "Message with Attachments"})
	if err != nil || m.ID == "" {
		t.Errorf("create: %+v %v", m, err)
	}
	if got := strings.Join(d.ops, ","); got != "CreateItem,GetItem" {
		t.Errorf("create: %s", got)
	}
	created, _ := readItemIDsOf(t, "CreateItem__how-to-add-attachments-by-using-ews-in-exchange__1.response.xml")
	if len(created) != 1 || created[0].id != "upV4AAA=" || created[0].changeKey != "CQAAABYAAAAFI5DJmZv+TLtyLOLIF1S5AAAXuktU" {
		t.Errorf("CreateItem ids %+v", created)
	}

	svc, _ = cannedMail(t, "CreateItem__createitem-operation-email-message__1.response.xml")
	if err := svc.SendMail(ctx, &mail.Message{Subject: "x", ToRecipients: mail.To("a@contoso.com")}, nil); err != nil {
		t.Errorf("send: %v", err)
	}
	svc, _ = cannedMail(t, "CreateItem__createitem-operation-email-message__2.response.xml")
	err = svc.SendMail(ctx, &mail.Message{Subject: "x", ToRecipients: mail.To("a@contoso.com")}, nil)
	wantCode(t, "send as", err, 403, "ErrorSendAsDenied")

	svc, _ = cannedMail(t, "UpdateItem__updateitem-operation__4.response.xml", getItem)
	if _, err := svc.UpdateMessage(ctx, "AAAA", mail.MessageUpdate{IsRead: odata.Set(true), ETag: `W/"CQAA"`}); err != nil {
		t.Errorf("update: %v", err)
	}
	if ids, _ := readItemIDsOf(t, "UpdateItem__updateitem-operation__4.response.xml"); len(ids) != 1 || ids[0].changeKey != "CQAAABYAAA..." {
		t.Errorf("UpdateItem ids %+v", ids)
	}

	svc, _ = cannedMail(t, "DeleteItem__deleteitem-operation__1.response.xml")
	if err := svc.DeleteMessage(ctx, "AAAA"); err != nil {
		t.Errorf("delete: %v", err)
	}
	svc, _ = cannedMail(t, "DeleteItem__deleteitem-operation__2.response.xml")
	wantCode(t, "delete a missing item", svc.DeleteMessage(ctx, "AAAA"), 404, "ErrorItemNotFound")

	// The published CopyItem answer spells the id element "ItemID"; the
	// schema and servers say ItemId, so no copy is found in it.
	svc, d = cannedMail(t, "CopyItem__copyitem-operation__1.response.xml")
	if _, err := svc.CopyMessage(ctx, "AAAA", mail.Drafts); err == nil || len(d.ops) != 1 {
		t.Errorf("copy without an id in the answer: %v %v", err, d.ops)
	}
	svc, _ = cannedMail(t, "CopyItem__copyitem-operation__2.response.xml")
	_, err = svc.CopyMessage(ctx, "AAAA", mail.Drafts)
	wantCode(t, "copy", err, 400, "ErrorInvalidIdMalformed")

	svc, d = cannedMail(t, getItem, "SendItem__senditem-operation__1.response.xml")
	if err := svc.SendDraft(ctx, "AAAA"); err != nil || strings.Join(d.ops, ",") != "GetItem,SendItem" {
		t.Errorf("send draft: %v %v", err, d.ops)
	}
	svc, _ = cannedMail(t, getItem, "SendItem__senditem-operation__2.response.xml")
	wantCode(t, "send a bad id", svc.SendDraft(ctx, "AAAA"), 400, "ErrorInvalidIdMalformed")
}

// readItemIDsOf reads the item ids of a published write answer.
func readItemIDsOf(t *testing.T, file string) ([]itemRef, error) {
	x := newXMLReader(strings.NewReader(string(ewsSampleFile(t, file))), 0)
	var ids []itemRef
	var fault status
	var buf []byte
	_, err := readEnvelope(x, &fault, &buf, func() error { return readItemIDs(x, &buf, "Op", false, &ids) })
	return ids, err
}

func TestPublishedAttachmentWriteResponses(t *testing.T) {
	ctx := t.Context()
	for _, file := range []string{
		"CreateAttachment__createattachment-operation__2.response.xml",
		"CreateAttachment__how-to-add-attachments-by-using-ews-in-exchange__2.response.xml",
	} {
		svc, _ := cannedMail(t, file)
		a, err := svc.AddAttachment(ctx, "AAAA", &mail.Attachment{Name: "n.txt", ContentBytes: []byte("x")})
		if err != nil || a.ID == "" || a.Name != "n.txt" || a.Size != 1 {
			t.Errorf("%s: %+v %v", file, a, err)
		}
	}
	svc, _ := cannedMail(t, "CreateAttachment__createattachment-operation__3.response.xml")
	_, err := svc.AddAttachment(ctx, "AAAA", &mail.Attachment{Name: "n.txt", ContentBytes: []byte("x")})
	wantCode(t, "add", err, 400, "ErrorRequiredPropertyMissing")
	for _, file := range []string{
		"DeleteAttachment__deleteattachment-operation__1.response.xml",
		"DeleteAttachment__how-to-delete-attachments-by-using-ews-in-exchange__1.response.xml",
	} {
		svc, _ := cannedMail(t, file)
		if err := svc.DeleteAttachment(ctx, "AAAA", "AAAA"); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

func TestPublishedFolderWriteResponses(t *testing.T) {
	ctx := t.Context()
	const getFolder = "GetFolder__how-to-work-with-search-folders-by-using-ews-in-exchange__1.response.xml"
	svc, d := cannedMail(t, "CreateFolder__createfolder-operation__1.response.xml", getFolder)
	if f, err := svc.CreateFolder(ctx, "", "From Manager"); err != nil || f.DisplayName != "From Manager" || strings.Join(d.ops, ",") != "CreateFolder,GetFolder" {
		t.Errorf("create: %+v %v %v", f, err, d.ops)
	}
	svc, _ = cannedMail(t, "CreateFolder__createfolder-operation__2.response.xml")
	_, err := svc.CreateFolder(ctx, "", "x")
	wantCode(t, "create a duplicate", err, 409, "ErrorFolderExists")

	svc, _ = cannedMail(t, "UpdateFolder__updatefolder-operation__1.response.xml", getFolder)
	if _, err := svc.UpdateFolder(ctx, mail.Inbox, mail.FolderUpdate{DisplayName: odata.Set("x")}); err != nil {
		t.Errorf("update: %v", err)
	}
	svc, _ = cannedMail(t, "DeleteFolder__deletefolder-operation__2.response.xml")
	wantCode(t, "delete", svc.DeleteFolder(ctx, "AAAA"), 404, "ErrorItemNotFound")

	svc, _ = cannedMail(t, "MoveFolder__movefolder-operation__1.response.xml", getFolder)
	if _, err := svc.MoveFolder(ctx, "AAAA", mail.Inbox); err != nil {
		t.Errorf("move: %v", err)
	}
	svc, _ = cannedMail(t, "MoveFolder__movefolder-operation__2.response.xml")
	_, err = svc.MoveFolder(ctx, mail.Inbox, mail.Drafts)
	wantCode(t, "move a distinguished folder", err, 400, "ErrorMoveDistinguishedFolder")

	svc, _ = cannedMail(t, "CopyFolder__copyfolder-operation__1.response.xml", getFolder)
	if _, err := svc.CopyFolder(ctx, "AAAA", mail.Inbox); err != nil {
		t.Errorf("copy: %v", err)
	}
	svc, _ = cannedMail(t, "CopyFolder__copyfolder-operation__2.response.xml")
	_, err = svc.CopyFolder(ctx, "AAAA", mail.Inbox)
	wantCode(t, "copy", err, 400, "ErrorMoveCopyFailed")
}
