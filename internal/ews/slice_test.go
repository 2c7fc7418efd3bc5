package ews

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// The read path end to end: mail.Service, unchanged, on an odata.Client
// whose target is this backend, against the fake EWS server.

// newMail returns a mail service served through EWS by the fake, and the
// fake. cfg may adjust the backend's configuration.
func newMail(t testing.TB, cfg func(*Config)) (*mail.Service, *fakeEWS) {
	t.Helper()
	f := newFakeEWS(t)
	c := Config{URL: f.url(), Doer: f.srv.Client(), Schemas: []*odata.Schema{messageSchema, mailFolderSchema}}
	if cfg != nil {
		cfg(&c)
	}
	return mail.NewService(odataClient(t, c)), f
}

func odataClient(t testing.TB, c Config) *odata.Client {
	t.Helper()
	b, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	var opts []odata.ClientOption
	opts = append(opts, odata.WithBackend(b))
	if c.Mailbox != "" {
		opts = append(opts, odata.WithMailbox(c.Mailbox))
	}
	oc, err := odata.NewClient(b.ServiceRoot(), odata.EWS, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return oc
}

func ops(reqs []fakeRequest) string {
	var s []string
	for _, r := range reqs {
		s = append(s, r.op)
	}
	return strings.Join(s, ",")
}

func collect(t *testing.T, seq func(func(*mail.Message, error) bool)) []*mail.Message {
	t.Helper()
	var out []*mail.Message
	for m, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestListMessagesFindItemOnly(t *testing.T) {
	svc, f := newMail(t, nil)
	q := &odata.Query{Top: 3, Select: odata.Fields(mail.Subject, mail.From, mail.ReceivedDateTime, mail.IsRead)}
	msgs := collect(t, svc.ListMessages(t.Context(), mail.Inbox, q))
	if len(msgs) != 7 {
		t.Fatalf("%d messages, want 7", len(msgs))
	}
	for i, m := range msgs {
		want := f.msgs[6-i]
		if m.Subject != want.subject || !m.ReceivedDateTime.Equal(want.received) || m.IsRead != want.read ||
			m.From.EmailAddress.Address != "ana@contoso.com" || m.From.EmailAddress.Name != "Ana Ruiz" {
			t.Errorf("message %d: %+v", i, m)
		}
		if m.ID != restID(want.id) || strings.ContainsAny(m.ID, "/+") || m.ETag != `W/"`+want.ck+`"` || m.ChangeKey != want.ck {
			t.Errorf("message %d: id %s etag %s, want %s %s", i, m.ID, m.ETag, restID(want.id), want.ck)
		}
		if m.Body.Content != "" || len(m.ToRecipients) != 0 {
			t.Errorf("message %d has properties it did not select", i)
		}
	}
	if got := ops(f.requests()); got != "FindItem,FindItem,FindItem" {
		t.Errorf("requests %s: FindItem alone returns these properties", got)
	}
}

func TestListMessagesDefaultProperties(t *testing.T) {
	svc, f := newMail(t, nil)
	msgs := collect(t, svc.ListMessages(t.Context(), mail.Inbox, nil))
	if len(msgs) != 7 {
		t.Fatalf("%d messages", len(msgs))
	}
	if got := ops(f.requests()); got != "FindItem,GetItem" {
		t.Errorf("requests %s: bodies and recipients take one batched GetItem", got)
	}
	m3 := msgs[3] // Message 3: attachments, categories, a flag, High importance
	if m3.Subject != "Message 3" || m3.Body.Content != "<html><body><p>Body 3 &amp; more</p></body></html>" || m3.Body.ContentType != "html" {
		t.Errorf("body %+v", m3.Body)
	}
	if len(m3.ToRecipients) != 2 || m3.ToRecipients[1].EmailAddress.Address != "cy@contoso.com" || m3.Sender.EmailAddress.Name != "Ana Ruiz" {
		t.Errorf("recipients %+v sender %+v", m3.ToRecipients, m3.Sender)
	}
	if !slices.Equal(m3.Categories, []string{"Red", "Proj X"}) || m3.Importance != "normal" || msgs[2].Importance != "high" || !m3.HasAttachments || m3.IsRead {
		t.Errorf("%v %q %v %v", m3.Categories, m3.Importance, m3.HasAttachments, m3.IsRead)
	}
	if m3.Flag.FlagStatus != "flagged" || m3.Flag.DueDateTime.DateTime != "2024-05-03T00:00:00.0000000" || m3.Flag.DueDateTime.TimeZone != "UTC" {
		t.Errorf("flag %+v", m3.Flag)
	}
	if m3.ParentFolderID != restID(f.folders[1].id) || m3.InternetMessageID != "<m3@contoso.com>" || string(m3.ConversationIndex) != "\x01\x02\x03" || m3.BodyPreview != "Body 3 &amp; more" {
		t.Errorf("%s %s %x %q", m3.ParentFolderID, m3.InternetMessageID, m3.ConversationIndex, m3.BodyPreview)
	}
	if m5 := msgs[1]; m5.Kind != mail.KindEventMessageRequest || m5.MeetingMessageType != mail.MeetingRequest || m5.Subject != "Planning" {
		t.Errorf("meeting request read as %q %q %q", m5.Kind, m5.MeetingMessageType, m5.Subject)
	}
	// The GetItem asks for the items FindItem found, in its order.
	get := f.requests()[1].tree.find("ItemId")
	if len(get) != 7 || get[0].attr("Id") != f.msgs[6].id {
		t.Errorf("GetItem ids %d", len(get))
	}
}

func TestListMessagesResumesFromALink(t *testing.T) {
	svc, f := newMail(t, nil)
	q := &odata.Query{Top: 2, Select: odata.Fields(mail.Subject), Count: true}
	pg, err := svc.ListMessagesPage(t.Context(), mail.Inbox, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Value) != 2 || pg.Count == nil || *pg.Count != 7 || !strings.HasPrefix(pg.NextLink, f.url()+"/ews/messages/") {
		t.Fatalf("page %+v next %s", pg.Value, pg.NextLink)
	}
	// Another process resumes with the stored link.
	other := mail.NewService(odataClient(t, Config{URL: f.url(), Doer: f.srv.Client(), Schemas: []*odata.Schema{messageSchema}}))
	next, err := other.NextMessagesPage(t.Context(), pg.NextLink)
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Value) != 2 || next.Value[0].Subject != "Message 4" || next.Count == nil || *next.Count != 7 {
		t.Errorf("second page %+v", next.Value)
	}
	// A link this backend did not make is refused before any request.
	n := len(f.requests())
	for _, link := range []string{
		pg.NextLink[:len(pg.NextLink)-4],
		f.url() + "/ews/messages/eyJ2IjoxfQ",
		f.url() + "/ews/other/" + strings.TrimPrefix(pg.NextLink, f.url()+"/ews/messages/"),
	} {
		if _, err := other.NextMessagesPage(t.Context(), link); !errors.Is(err, odata.ErrInvalidQuery) {
			t.Errorf("%s: %v", link, err)
		}
	}
	if _, err := other.NextMessagesPage(t.Context(), "https://evil.example/EWS/Exchange.asmx/ews/messages/x"); !errors.Is(err, odata.ErrForeignLink) {
		t.Errorf("a foreign link: %v", err)
	}
	if len(f.requests()) != n {
		t.Error("a refused link reached the server")
	}
}

func TestListMailboxMessages(t *testing.T) {
	svc, f := newMail(t, nil)
	msgs := collect(t, svc.ListMessages(t.Context(), "", &odata.Query{Select: odata.Fields(mail.Subject, mail.ReceivedDateTime), Top: 50}))
	if len(msgs) != 8 || msgs[7].Subject != "Deep in Alpha" || msgs[0].Subject != "Message 6" {
		t.Fatalf("%d messages", len(msgs))
	}
	for i := 1; i < len(msgs); i++ {
		if msgs[i].ReceivedDateTime.After(msgs[i-1].ReceivedDateTime) {
			t.Errorf("message %d (%s) is newer than the one before: the mailbox is not listed newest first", i, msgs[i].Subject)
		}
	}
	reqs := f.requests()
	if ops(reqs) != "FindFolder,FindItem,GetItem" || reqs[0].tree.find("FindFolder")[0].attr("Traversal") != "Deep" {
		t.Fatalf("requests %s", ops(reqs))
	}
	// The folders holding messages (the counts FindFolder gives leave the
	// empty ones out): the Inbox and Alpha.
	if parents := reqs[1].tree.find("ParentFolderIds")[0].kids; len(parents) != 2 {
		t.Errorf("FindItem searched %d folders, want the 2 mail folders that hold messages", len(parents))
	}
}

// TestListMailboxMessagesInPages: FindItem pages each parent folder on its
// own, so pages of the whole mailbox are merged from the folders and resume
// at each folder's own offset: the pages, in any size, hold the listing in
// one piece, each message once.
func TestListMailboxMessagesInPages(t *testing.T) {
	svc, f := newMail(t, nil)
	f.mu.Lock()
	base := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	for i := range 5 { // interleaved with the Inbox's messages, in another folder
		f.msgs = append(f.msgs, &fakeMsg{id: ewsIDOf("item", 100+i), ck: fmt.Sprintf("CQAAAA1%02d", i), folder: ewsIDOf("folder", 3),
			subject: fmt.Sprintf("Sent %d", i), body: "x", from: fakeAddr{"Bob", "bob@contoso.com"},
			received: base.Add(time.Duration(2*i)*time.Hour + 30*time.Minute), kind: "Message", importance: "Normal", ver: f.tick()})
	}
	f.mu.Unlock()
	q := &odata.Query{Select: odata.Fields(mail.Subject, mail.ReceivedDateTime)}
	var all []string
	for m, err := range svc.ListMessages(t.Context(), "", &odata.Query{Select: q.Select, Top: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, m.Subject)
	}
	if len(all) != 13 || all[0] != "Sent 4" || all[1] != "Sent 3" || all[2] != "Message 6" || all[12] != "Deep in Alpha" {
		t.Fatalf("the whole mailbox, newest first: %q", all)
	}
	for _, top := range []int{1, 2, 3, 5, 12} {
		q.Top = top
		p, err := svc.ListMessagesPage(t.Context(), "", q)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for pages := 1; ; pages++ {
			if len(p.Value) == 0 || len(p.Value) > top {
				t.Fatalf("top %d: page %d holds %d messages", top, pages, len(p.Value))
			}
			for _, m := range p.Value {
				got = append(got, m.Subject)
			}
			if p.NextLink == "" {
				break
			}
			if p, err = svc.NextMessagesPage(t.Context(), p.NextLink); err != nil {
				t.Fatalf("top %d, page %d: %v", top, pages+1, err)
			}
		}
		if !slices.Equal(got, all) {
			t.Errorf("top %d: the pages hold\n%q\nwant\n%q", top, got, all)
		}
	}
	// $skip applies to the whole listing.
	p, err := svc.ListMessagesPage(t.Context(), "", &odata.Query{Select: q.Select, Top: 3, Skip: 2, Count: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Value) != 3 || p.Value[0].Subject != all[2] || p.Value[2].Subject != all[4] || p.Count == nil || *p.Count != 13 {
		t.Errorf("skip 2 top 3: %d messages from %q, count %v", len(p.Value), p.Value[0].Subject, p.Count)
	}
}

func TestGetMessage(t *testing.T) {
	svc, f := newMail(t, nil)
	id := restID(f.msgs[3].id)
	m, err := svc.GetMessage(t.Context(), id, &odata.Query{Expand: []odata.Expand{{Property: mail.Attachments}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != id || m.Subject != "Message 3" || len(m.Attachments) != 2 {
		t.Fatalf("%+v", m)
	}
	a, b := m.Attachments[0], m.Attachments[1]
	if a.Kind != mail.FileAttachment || a.Name != "report.pdf" || string(a.ContentBytes) != "%PDF-1.4 report" || a.ContentType != "application/pdf" || a.Size != 115 || a.LastModifiedDateTime.IsZero() {
		t.Errorf("file attachment %+v", a)
	}
	if b.Kind != mail.ItemAttachment || b.Name != "Forwarded" || len(b.ContentBytes) != 0 || strings.ContainsAny(b.ID, "/+") {
		t.Errorf("item attachment %+v", b)
	}
	if got := ops(f.requests()); got != "GetItem,GetAttachment" {
		t.Errorf("requests %s", got)
	}
	// EWS gives the query string of the Outlook on the web address; the
	// link is under the server's /owa/.
	if want := f.url()[:strings.Index(f.url(), "/EWS/")] + "/owa/?ItemID=" + url.QueryEscape(f.msgs[3].id) + "&exvsurl=1&viewmodel=ReadMessageItem"; m.WebLink != strings.Replace(want, "http://", "https://", 1) {
		t.Errorf("webLink %q, want %q", m.WebLink, want)
	}
	sel, err := svc.GetMessage(t.Context(), id, &odata.Query{Select: odata.Fields(mail.Subject, mail.Flag)})
	if err != nil || sel.Subject != "Message 3" || sel.Flag.FlagStatus != "flagged" || sel.Body.Content != "" {
		t.Errorf("%+v %v", sel, err)
	}

	_, err = svc.GetMessage(t.Context(), restID(ewsIDOf("item", 999)), nil)
	var oe *odata.Error
	if !errors.Is(err, odata.ErrNotFound) || !errors.As(err, &oe) || oe.Code != "ErrorItemNotFound" {
		t.Errorf("a missing message: %v", err)
	}
	n := len(f.requests())
	if _, err := svc.GetMessage(t.Context(), "not an id!", nil); !errors.Is(err, odata.ErrInvalidPath) {
		t.Errorf("a malformed id: %v", err)
	}
	if len(f.requests()) != n {
		t.Error("a malformed id reached the server")
	}
}

func TestListMessagesFilter(t *testing.T) {
	svc, f := newMail(t, nil)
	msgs := collect(t, svc.ListMessages(t.Context(), mail.Inbox, &odata.Query{Filter: mail.IsRead.Eq(false), Select: odata.Fields(mail.Subject, mail.IsRead)}))
	if len(msgs) != 3 {
		t.Fatalf("%d unread messages, want 3", len(msgs))
	}
	for _, m := range msgs {
		if m.IsRead {
			t.Errorf("%s is read", m.Subject)
		}
	}
	r := f.requests()[0].tree.find("Restriction")
	if len(r) != 1 || r[0].find("IsEqualTo") == nil {
		t.Error("no restriction sent")
	}
	// What EWS cannot say fails before any request, naming the part.
	n := len(f.requests())
	for _, q := range []*odata.Query{
		{Filter: mail.Subject.EndsWith("x")},
		{Filter: mail.ToRecipients.Any(func(r item.RecipientFields) odata.Filter { return r.EmailAddress.Address.Eq("a@b.c") })},
		{Filter: odata.RawFilter("isRead eq true")},
		{Select: odata.Fields(mail.InferenceClassification)},
		{Expand: []odata.Expand{{Property: mail.Extensions}}},
	} {
		_, err := svc.ListMessagesPage(t.Context(), mail.Inbox, q)
		if !errors.Is(err, odata.ErrNotSupported) {
			t.Errorf("%+v: %v", q, err)
		}
	}
	if len(f.requests()) != n {
		t.Error("an untranslatable query reached the server")
	}
}

func TestFolders(t *testing.T) {
	svc, f := newMail(t, nil)
	var names []string
	for fd, err := range svc.ListFolders(t.Context(), "", nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, fd.DisplayName+"/"+fd.Kind)
	}
	// The fake answers a calendar folder too; it is no mail folder.
	if got := strings.Join(names, ","); got != "Inbox/,Drafts/,Sent Items/,Deleted Items/,Unread Mail/#microsoft.graph.mailSearchFolder" {
		t.Errorf("top-level folders %s", got)
	}
	var paths []string
	for e, err := range svc.WalkFolders(t.Context(), mail.Inbox, nil) {
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, e.Path)
	}
	if got := strings.Join(paths, "|"); got != "Projects & <Plans>|Projects & <Plans>/Alpha" {
		t.Errorf("walk %s", got)
	}
	in, err := svc.GetFolder(t.Context(), mail.Inbox, nil)
	if err != nil {
		t.Fatal(err)
	}
	if in.DisplayName != "Inbox" || in.TotalItemCount != 7 || in.UnreadItemCount != 3 || in.ChildFolderCount != 1 || in.ID != restID(f.folders[1].id) ||
		in.ParentFolderID != restID(f.folders[0].id) || in.ETag != `W/"AQAAAB=="` {
		t.Errorf("%+v", in)
	}
	sel, err := svc.GetFolder(t.Context(), mail.FolderID(in.ID), &odata.Query{Select: odata.Fields(mail.FolderDisplayName)})
	if err != nil || sel.DisplayName != "Inbox" || sel.TotalItemCount != 0 {
		t.Errorf("%+v %v", sel, err)
	}
	if _, err := svc.GetFolder(t.Context(), mail.Archive, nil); !errors.Is(err, odata.ErrNotSupported) {
		t.Errorf("Archive: %v", err)
	}
	if _, err := svc.GetFolder(t.Context(), mail.FolderID(restID(ewsIDOf("folder", 99))), nil); !errors.Is(err, odata.ErrNotFound) {
		t.Errorf("a missing folder: %v", err)
	}
}

func TestImpersonationAndBearer(t *testing.T) {
	svc, f := newMail(t, func(c *Config) {
		c.Access = AccessImpersonation
		c.Mailbox = "ana@contoso.com"
		c.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok", TokenType: "Bearer"})
	})
	if _, err := svc.GetFolder(t.Context(), mail.Inbox, nil); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if r.header.Get("X-AnchorMailbox") != "ana@contoso.com" || r.header.Get("Authorization") != "Bearer tok" {
		t.Errorf("headers %v", r.header)
	}
	smtp := r.tree.find("SmtpAddress")
	if len(smtp) != 1 || smtp[0].text != "ana@contoso.com" || r.tree.find("ExchangeImpersonation") == nil {
		t.Error("no ExchangeImpersonation header")
	}
	if d := r.tree.find("DistinguishedFolderId"); len(d) != 1 || d[0].child("Mailbox") != nil {
		t.Error("impersonation names folders without a Mailbox")
	}
}

func TestDelegateAccess(t *testing.T) {
	svc, f := newMail(t, func(c *Config) {
		c.Access = AccessDelegate
		c.Mailbox = "shared@contoso.com"
	})
	if _, err := svc.GetFolder(t.Context(), mail.Inbox, nil); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	d := r.tree.find("DistinguishedFolderId")
	if len(d) != 1 || d[0].child("Mailbox") == nil || d[0].child("Mailbox").child("EmailAddress").text != "shared@contoso.com" {
		t.Error("delegate access names the mailbox's folders with its address")
	}
	if r.tree.find("ExchangeImpersonation") != nil || r.header.Get("Authorization") != "" {
		t.Error("delegate access without impersonation or a token")
	}
}

func TestServerBusy(t *testing.T) {
	svc, f := newMail(t, nil)
	f.busy = 1
	_, err := svc.GetFolder(t.Context(), mail.Inbox, nil)
	var oe *odata.Error
	if !errors.Is(err, odata.ErrThrottled) || !errors.As(err, &oe) || oe.RetryAfter != 297749*time.Millisecond {
		t.Fatalf("%v", err)
	}
	if _, err := svc.GetFolder(t.Context(), mail.Inbox, nil); err != nil {
		t.Errorf("after the back-off: %v", err)
	}
}

// Through the SDK's transport, ErrorServerBusy is waited out under the one
// retry policy, for a write too (the server ran nothing), and the caller
// sees the answer that followed; a back-off beyond the policy's
// MaxRetryAfter is the caller's ErrThrottled at once.
func TestServerBusyRetriedByTransport(t *testing.T) {
	for _, tc := range []struct {
		name      string
		maxAfter  time.Duration
		wantErr   bool
		wantCalls int
	}{
		{name: "waited out", maxAfter: time.Minute, wantCalls: 2},
		{name: "beyond MaxRetryAfter", maxAfter: 10 * time.Millisecond, wantErr: true, wantCalls: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeEWS(t)
			tr, err := transport.New(transport.Config{HTTPClient: f.srv.Client(), Retry: transport.RetryPolicy{MaxRetryAfter: tc.maxAfter}})
			if err != nil {
				t.Fatal(err)
			}
			svc := mail.NewService(odataClient(t, Config{URL: f.url(), Doer: tr, Schemas: []*odata.Schema{messageSchema, mailFolderSchema}}))
			f.busy = 1
			f.busyFault = strings.Replace(serverBusyFault, ">297749<", ">50<", 1)
			// A write: creating a folder is not idempotent.
			_, err = svc.CreateFolder(t.Context(), mail.Inbox, "Reports")
			var oe *odata.Error
			switch {
			case tc.wantErr && (!errors.Is(err, odata.ErrThrottled) || !errors.As(err, &oe) || oe.RetryAfter != 50*time.Millisecond):
				t.Fatalf("err = %v, want ErrThrottled with a 50ms back-off", err)
			case !tc.wantErr && err != nil:
				t.Fatalf("err = %v, want the retry to succeed", err)
			}
			creates := 0
			for _, r := range f.requests() {
				if r.op == "CreateFolder" {
					creates++
				}
			}
			if creates != tc.wantCalls {
				t.Errorf("%d CreateFolder requests, want %d", creates, tc.wantCalls)
			}
		})
	}
}

// A read whose answer breaks off mid-body is sent again under the one retry
// policy and parsed from the start: a listing loses nothing and repeats
// nothing.
func TestReadCutMidBodyIsSentAgain(t *testing.T) {
	t.Run("connection dropped", func(t *testing.T) { testReadCut(t, func(f *fakeEWS) { f.cut = 2 }) })
	t.Run("short answer", func(t *testing.T) { testReadCut(t, func(f *fakeEWS) { f.short = 2 }) })
}

func testReadCut(t *testing.T, fault func(*fakeEWS)) {
	f := newFakeEWS(t)
	tr, err := transport.New(transport.Config{HTTPClient: f.srv.Client(), Retry: transport.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	svc := mail.NewService(odataClient(t, Config{URL: f.url(), Doer: tr, Schemas: []*odata.Schema{messageSchema, mailFolderSchema}}))
	fault(f) // the FindItem, then the GetItem
	seen := map[string]int{}
	for m, err := range svc.ListMessages(t.Context(), mail.Inbox, &odata.Query{Top: 50}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[m.ID]++
	}
	inInbox := 0
	for _, m := range f.msgs {
		if m.folder == f.folders[1].id {
			inInbox++
		}
	}
	if len(seen) != inInbox || inInbox == 0 {
		t.Errorf("listed %d messages, the inbox has %d", len(seen), inInbox)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s listed %d times", id, n)
		}
	}
	if f.cut != 0 || f.short != 0 {
		t.Errorf("%d cuts left unused", f.cut+f.short)
	}
}

func TestContextCancelled(t *testing.T) {
	svc, _ := newMail(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := svc.GetFolder(ctx, mail.Inbox, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("%v", err)
	}
}

func TestUnservedRoute(t *testing.T) {
	f := newFakeEWS(t)
	c := odataClient(t, Config{URL: f.url(), Doer: f.srv.Client(), Schemas: []*odata.Schema{messageSchema}})
	_, err := odata.Get[mail.Message](t.Context(), c, odata.PathOf("people/{}", "x"), nil)
	var oe *odata.Error
	if !errors.Is(err, odata.ErrNotSupported) || !errors.As(err, &oe) || oe.StatusCode != 501 {
		t.Errorf("%v", err)
	}
	if len(f.requests()) != 0 {
		t.Error("an unserved route reached the server")
	}
}

// TestOrganisationAddressesAreSMTP: FindItem and SyncFolderItems write a
// sender who has a mailbox in the organisation with the X.500 address
// Exchange keeps (RoutingType EX); the page gives the SMTP address, as
// Graph does, by asking GetItem for those items only.
func TestOrganisationAddressesAreSMTP(t *testing.T) {
	svc, f := newMail(t, nil)
	f.mu.Lock()
	f.org = map[string]bool{"ana@contoso.com": true}
	f.mu.Unlock()
	q := &odata.Query{Select: odata.Fields(mail.Subject, mail.From, mail.Sender), Top: 4}
	p, err := svc.ListMessagesPage(t.Context(), mail.Inbox, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Value) != 4 || p.NextLink == "" {
		t.Fatalf("%d messages, next %q", len(p.Value), p.NextLink)
	}
	for _, m := range p.Value {
		if m.From.EmailAddress.Address != "ana@contoso.com" || m.Sender.EmailAddress.Address != "ana@contoso.com" || m.From.EmailAddress.Name != "Ana Ruiz" {
			t.Errorf("%s: from %+v, sender %+v", m.Subject, m.From.EmailAddress, m.Sender.EmailAddress)
		}
	}
	if got := ops(f.requests()); got != "FindItem,GetItem" {
		t.Errorf("requests %s", got)
	}
	// The next page starts after the four FindItem gave, whatever GetItem
	// answered.
	next, err := svc.NextMessagesPage(t.Context(), p.NextLink)
	if err != nil || len(next.Value) != 3 || next.Value[0].Subject == p.Value[3].Subject {
		t.Fatalf("next page: %d messages, %v", len(next.Value), err)
	}

	// A sender outside the organisation needs no GetItem.
	f.mu.Lock()
	f.org = map[string]bool{}
	f.reqs = nil
	f.mu.Unlock()
	if _, err := svc.ListMessagesPage(t.Context(), mail.Inbox, q); err != nil {
		t.Fatal(err)
	}
	if got := ops(f.requests()); got != "FindItem" {
		t.Errorf("requests %s", got)
	}

	// Change tracking reads the same way.
	f.mu.Lock()
	f.org = map[string]bool{"ana@contoso.com": true}
	f.mu.Unlock()
	up, _, _, _, err := syncRound(t, svc, &odata.Query{Select: q.Select}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(up) != 7 {
		t.Fatalf("%d upserted", len(up))
	}
	for _, m := range up {
		if m.From.EmailAddress.Address != "ana@contoso.com" {
			t.Errorf("synced %s: from %+v", m.Subject, m.From.EmailAddress)
		}
	}
}

// The merge of the whole mailbox compares sort keys as EWS orders them.
func TestCompareValues(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		kind keyKind
		want int
	}{
		{"2024-05-01T09:00:00Z", "2024-05-01T10:00:00+02:00", keyTime, 1},
		{"2024-05-01T09:00:00Z", "2024-05-01T09:00:00", keyTime, 0},
		{"9", "10", keyNumber, -1},
		{"false", "true", keyBool, -1},
		{"High", "Low", keyEnum, 1},
		{"Normal", "High", keyEnum, -1},
		{"Confidential", "Private", keyEnum, 1},
		{"apple", "Banana", keyText, -1},
		{"Zed", "zed", keyText, 0},
		{"", "x", keyText, -1}, // "" stands for a missing value: before every value
	} {
		var a, b []byte
		if tc.a != "" {
			a = []byte(tc.a)
		}
		if tc.b != "" {
			b = []byte(tc.b)
		}
		if got := compareValues(a, b, tc.kind); got != tc.want {
			t.Errorf("compareValues(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.kind, got, tc.want)
		}
		if got := compareValues(b, a, tc.kind); got != -tc.want {
			t.Errorf("compareValues(%q, %q, %d) = %d, want %d", tc.b, tc.a, tc.kind, got, -tc.want)
		}
	}
}
