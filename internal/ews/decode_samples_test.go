package ews

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// Every response shape the backend reads, read from Microsoft's published
// examples of its operation: the backend is served each example as the
// server's answer and the mail service's models are checked.

// cannedDoer answers the requests with the files in turn.
type cannedDoer struct {
	t     testing.TB
	mu    sync.Mutex
	files []string
	ops   []string
}

func (d *cannedDoer) Do(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	env, err := parseXML(body)
	if err == nil {
		d.ops = append(d.ops, env.child("Body").kids[0].local)
	}
	if len(d.files) == 0 {
		d.t.Fatalf("an unexpected request:\n%s", body)
	}
	doc := ewsSampleFile(d.t, d.files[0])
	d.files = d.files[1:]
	status := http.StatusOK
	if bytes.Contains(doc, []byte("Fault>")) {
		status = http.StatusInternalServerError
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}},
		Body: io.NopCloser(bytes.NewReader(doc)), Request: r}, nil
}

func cannedMail(t *testing.T, files ...string) (*mail.Service, *cannedDoer) {
	d := &cannedDoer{t: t, files: files}
	c := odataClient(t, Config{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Doer: d, Schemas: []*odata.Schema{messageSchema, mailFolderSchema}})
	return mail.NewService(c), d
}

func subjects(ms []mail.Message) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Subject)
	}
	return strings.Join(s, "|")
}

func TestPublishedFindItemResponses(t *testing.T) {
	sel := &odata.Query{Top: 6, Select: odata.Fields(mail.Subject, mail.ReceivedDateTime, mail.IsRead)}

	svc, _ := cannedMail(t, "FindItem__how-to-perform-paged-searches-by-using-ews-in-exchange__1.response.xml")
	pg, err := svc.ListMessagesPage(t.Context(), mail.Inbox, &odata.Query{Top: 6, Count: true, Select: odata.Fields(mail.Subject)})
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(pg.Value); got != "Query|Update|Planning resources|Timeline|For your perusal|meeting notes" {
		t.Errorf("subjects %s", got)
	}
	if pg.Count == nil || *pg.Count != 8 || pg.NextLink == "" || pg.Value[0].ID != "AAMkAGM2..." || pg.Value[0].ChangeKey != "CQAAABYA..." {
		t.Errorf("count %v next %q first %+v", pg.Count, pg.NextLink, pg.Value[0])
	}
	st, err := readLink("https://mail.contoso.com/EWS/Exchange.asmx", pg.NextLink)
	if err != nil || st.View.Offset != 6 {
		t.Errorf("next page at %+v %v, want IndexedPagingOffset 6", st, err)
	}

	svc, _ = cannedMail(t, "FindItem__how-to-perform-paged-searches-by-using-ews-in-exchange__2.response.xml")
	pg, err = svc.ListMessagesPage(t.Context(), mail.Inbox, sel)
	if err != nil || subjects(pg.Value) != "meeting notes|Meeting notes|This cat is hilarious!" || pg.NextLink != "" {
		t.Errorf("last page %s next %q %v", subjects(pg.Value), pg.NextLink, err)
	}

	svc, _ = cannedMail(t, "FindItem__how-to-access-email-as-a-delegate-by-using-ews-in-exchange__1.response.xml")
	pg, err = svc.ListMessagesPage(t.Context(), mail.Inbox, sel)
	if err != nil || len(pg.Value) != 1 {
		t.Fatal(pg, err)
	}
	m := pg.Value[0]
	if m.Subject != "Soccer team" || !m.ReceivedDateTime.Equal(time.Date(2014, 3, 10, 6, 16, 55, 0, time.UTC)) || m.IsRead ||
		m.ID != "iNwoAAA=" || m.ETag != `W/"CQAAABYAAADOilbYa8KaT7ZgMoTz2P+hAAABiQuu"` {
		t.Errorf("%+v", m)
	}

	svc, _ = cannedMail(t, "FindItem__finditem-operation__1.response.xml")
	pg, err = svc.ListMessagesPage(t.Context(), mail.Inbox, sel)
	if err != nil || len(pg.Value) != 2 || pg.Value[0].ID != "AS4AUn=" || pg.Value[1].ChangeKey != "fsVUA==" || pg.NextLink != "" {
		t.Errorf("%+v %v", pg, err)
	}

	svc, _ = cannedMail(t, "FindItem__querystring-querystringtype__1.response.xml")
	pg, err = svc.ListMessagesPage(t.Context(), mail.Inbox, &odata.Query{Search: "Autodiscover", Select: odata.Fields(mail.Subject)})
	if err != nil || subjects(pg.Value) != "How to use Autodiscover" {
		t.Errorf("%+v %v", pg, err)
	}

	svc, _ = cannedMail(t, "FindItem__finditem-operation__2.response.xml")
	_, err = svc.ListMessagesPage(t.Context(), mail.Inbox, sel)
	var oe *odata.Error
	if !errors.As(err, &oe) || oe.StatusCode != 400 || oe.Code != "ErrorInvalidIdMalformed" {
		t.Errorf("%v", err)
	}
}

func TestPublishedGetItemResponses(t *testing.T) {
	svc, _ := cannedMail(t, "GetItem__how-to-send-email-messages-by-using-ews-in-exchange__1.response.xml")
	m, err := svc.GetMessage(t.Context(), "AAAA", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Project priorities" || len(m.ToRecipients) != 1 || m.ToRecipients[0].EmailAddress.Address != "sadie@contoso.com" ||
		m.ToRecipients[0].EmailAddress.Name != "sadie@contoso.com" || m.ChangeKey != "CQAAABYA" {
		t.Errorf("%+v", m)
	}

	svc, _ = cannedMail(t, "GetItem__how-to-work-with-exchange-mailbox-items-by-using-ews-in-exchange__1.response.xml")
	m, err = svc.GetMessage(t.Context(), "AAAA", nil)
	if err != nil || m.Subject != "Company Soccer Team" || m.ID != "GJc-NAAA=" || m.ETag != `W/"CQAAABYAAAAPxolXAHv3TaHUnjW8wWqXAAAGJd9Z"` {
		t.Errorf("%+v %v", m, err)
	}

	svc, _ = cannedMail(t, "GetItem__how-to-extract-an-entity-from-an-email-message-by-using-ews-in-exchange__1.response.xml")
	m, err = svc.GetMessage(t.Context(), "AAAA", nil)
	if err != nil || m.ID != "sVC5AAA=" || m.Subject != "" {
		t.Errorf("entity extraction (a shape the models do not hold) is skipped: %+v %v", m, err)
	}

	// Attachment metadata, then (with $expand) the content from GetAttachment.
	svc, _ = cannedMail(t, "GetItem__how-to-get-attachments-by-using-ews-in-exchange__1.response.xml")
	m, err = svc.GetMessage(t.Context(), "AAAA", &odata.Query{Select: odata.Fields(mail.Attachments)})
	if err != nil || len(m.Attachments) != 2 {
		t.Fatal(m, err)
	}
	a, b := m.Attachments[0], m.Attachments[1]
	if a.Kind != mail.FileAttachment || a.ID != "5zTzlqU=" || a.Name != "FileAttachment.txt" || a.Size != 212 || a.IsInline ||
		!a.LastModifiedDateTime.Equal(time.Date(2014, 5, 14, 17, 59, 30, 0, time.UTC)) {
		t.Errorf("file attachment %+v", a)
	}
	if b.Kind != mail.ItemAttachment || b.Name != "Attached Message Item" || b.Size != 3063 || m.ETag != `W/"CQAAABYAAAAFI5DJmZv+TLtyLOLIF1S5AAAYEMnd"` {
		t.Errorf("item attachment %+v", b)
	}
	svc, d := cannedMail(t, "GetItem__how-to-get-attachments-by-using-ews-in-exchange__1.response.xml", "GetAttachment__getattachment-operation__1.response.xml")
	m, err = svc.GetMessage(t.Context(), "AAAA", &odata.Query{Expand: []odata.Expand{{Property: mail.Attachments}}})
	if err != nil || len(m.Attachments) != 2 || !bytes.Equal(m.Attachments[0].ContentBytes, []byte{1, 2, 3, 4, 5}) || m.Attachments[0].Name != "FileAttachment.txt" {
		t.Errorf("%+v %v", m, err)
	}
	if strings.Join(d.ops, ",") != "GetItem,GetAttachment" {
		t.Errorf("requests %v", d.ops)
	}

	svc, _ = cannedMail(t, "GetItem__getitem-operation-email-message__2.response.xml")
	_, err = svc.GetMessage(t.Context(), "AAMk", nil)
	var oe *odata.Error
	if !errors.As(err, &oe) || oe.StatusCode != 400 || oe.Code != "ErrorInvalidPropertyRequest" || !strings.Contains(oe.Message, "meeting:AssociatedCalendarItemId") {
		t.Errorf("%v", err)
	}
}

func TestPublishedFolderResponses(t *testing.T) {
	names := func(svc *mail.Service) (string, error) {
		var s []string
		for f, err := range svc.ListFolders(t.Context(), "", nil) {
			if err != nil {
				return "", err
			}
			s = append(s, f.DisplayName+":"+f.Kind)
		}
		return strings.Join(s, "|"), nil
	}
	for file, want := range map[string]string{
		"FindFolder__findfolder-operation__1.response.xml":                                     "TestFolder:",
		"FindFolder__how-to-work-with-hidden-folders-by-using-ews-in-exchange__1.response.xml": "Conversation Action Settings:|TestFolder:",
		"FindFolder__how-to-work-with-search-folders-by-using-ews-in-exchange__1.response.xml": "From Manager:#microsoft.graph.mailSearchFolder",
	} {
		svc, _ := cannedMail(t, file)
		got, err := names(svc)
		if err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", file, got, err, want)
		}
	}
	svc, _ := cannedMail(t, "FindFolder__findfolder-operation__1.response.xml")
	for f, err := range svc.ListFolders(t.Context(), "", nil) {
		if err != nil || f.ID != "AQAnAH" || f.ETag != `W/"AQAAABY"` || f.TotalItemCount != 0 || f.ChildFolderCount != 0 {
			t.Errorf("%+v %v", f, err)
		}
	}

	svc, _ = cannedMail(t, "GetFolder__how-to-work-with-search-folders-by-using-ews-in-exchange__1.response.xml")
	f, err := svc.GetFolder(t.Context(), mail.Inbox, nil)
	if err != nil || f.DisplayName != "From Manager" || f.TotalItemCount != 8 || f.ParentFolderID != "AQMkAGM2..." || f.Kind != "#microsoft.graph.mailSearchFolder" {
		t.Errorf("%+v %v", f, err)
	}
	for _, file := range []string{
		"GetFolder__how-to-work-with-folders-by-using-ews-in-exchange__1.response.xml",
		"GetFolder__how-to-set-folder-permissions-for-another-user-by-using-ews-in-exchange__1.response.xml",
	} {
		svc, _ := cannedMail(t, file)
		f, err := svc.GetFolder(t.Context(), mail.Inbox, nil)
		if err != nil || f.ID == "" || f.ETag == "" || strings.ContainsAny(f.ID, "/+") {
			t.Errorf("%s: %+v %v", file, f, err)
		}
	}
	svc, _ = cannedMail(t, "GetFolder__getfolder-operation__2.response.xml")
	if _, err := svc.GetFolder(t.Context(), mail.Inbox, nil); err == nil || !strings.Contains(err.Error(), "ErrorInvalidIdMalformed") {
		t.Errorf("%v", err)
	}
	// A SOAP fault answered with HTTP 500.
	svc, _ = cannedMail(t, "GetUserOofSettings__getuseroofsettings-operation__2.response.xml")
	if _, err := svc.GetFolder(t.Context(), mail.Inbox, nil); err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Errorf("%v", err)
	}
}
