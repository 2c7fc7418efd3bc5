package conformance

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	kiotaauth "github.com/microsoft/kiota-authentication-azure-go"
	khttp "github.com/microsoft/kiota-http-go"
	msgraph "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go-core/fileuploader"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/exchangekit/outlook/outlooktest"
)

const (
	alice  = "alice@contoso.com"
	adele  = "adele@contoso.com"
	appID  = "6731de76-14a6-49ae-97bc-6eba6914391e"
	secret = "any secret: the fake takes any for an app it does not know"
)

// env is a fake with two cloud mailboxes and Microsoft's client of it.
type env struct {
	srv     *outlooktest.Server
	adapter *msgraph.GraphRequestAdapter
	graph   *msgraph.GraphServiceClient
}

// newEnv wires Microsoft's SDK to a new fake as a user would: azidentity's
// client-credentials sign-in with its transport set to the fake's client,
// and what NewGraphServiceClientWithCredentials builds (its scopes, hosts
// and default HTTP pipeline: retry, redirect, compression, telemetry, ...)
// over the fake's transport instead of the default one. Nothing else is
// changed.
func newEnv(t *testing.T) *env {
	t.Helper()
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddMailbox(alice, outlooktest.Cloud)
	srv.AddMailbox(adele, outlooktest.Cloud)

	cred, err := azidentity.NewClientSecretCredential("contoso.com", appID, secret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: policy.ClientOptions{Transport: srv.Client()}})
	if err != nil {
		t.Fatal(err)
	}
	// The scopes and the hosts tokens go to are NewGraphServiceClientWithCredentials'
	// defaults: tokens go to Graph's hosts only (an upload session's URL,
	// on outlook.office.com, carries its own credential).
	auth, err := kiotaauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(cred,
		[]string{"https://graph.microsoft.com/.default"},
		[]string{"graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "graph.microsoft.de", "microsoftgraph.chinacloudapi.cn", "canary.graph.microsoft.com"})
	if err != nil {
		t.Fatal(err)
	}
	opts := msgraph.GetDefaultClientOptions()
	hc := msgraphcore.GetDefaultClient(&opts)
	hc.Transport = khttp.NewCustomTransportWithParentTransport(srv.Client().Transport, msgraphcore.GetDefaultMiddlewaresWithOptions(&opts)...)
	adapter, err := msgraph.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(auth, nil, nil, hc)
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, adapter: adapter, graph: msgraph.NewGraphServiceClient(adapter)}
}

func (e *env) user(addr string) *users.UserItemRequestBuilder { return e.graph.Users().ByUserId(addr) }

func ptr[T any](v T) *T { return &v }

func recipients(addrs ...string) []models.Recipientable {
	var out []models.Recipientable
	for _, a := range addrs {
		r := models.NewRecipient()
		ea := models.NewEmailAddress()
		ea.SetAddress(ptr(a))
		r.SetEmailAddress(ea)
		out = append(out, r)
	}
	return out
}

// odataError returns the Graph error in err, failing the test if there is none.
func odataError(t *testing.T, err error) *odataerrors.ODataError {
	t.Helper()
	oe, ok := errors.AsType[*odataerrors.ODataError](err)
	if !ok {
		t.Fatalf("error %v (%T) is not a Graph error", err, err)
	}
	return oe
}

func subjects(ms []models.Messageable) []string {
	var out []string
	for _, m := range ms {
		out = append(out, deref(m.GetSubject()))
	}
	slices.Sort(out)
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// Sign-in and a read: the token comes from the fake's issuer through
// azidentity's instance discovery and client-credentials grant.
func TestSignInAndRead(t *testing.T) {
	e := newEnv(t)
	e.srv.Mailbox(alice).Add("messages", outlooktest.Object{"subject": "hello"})
	page, err := e.user(alice).Messages().Get(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(page.GetValue()); !slices.Equal(got, []string{"hello"}) {
		t.Errorf("messages = %q", got)
	}
	if n := e.srv.TokenRequests()[outlooktest.TokenKey{ClientID: appID, Resource: "https://graph.microsoft.com"}]; n != 1 {
		t.Errorf("%d tokens issued, want 1", n)
	}
}

// Paging with msgraph-sdk-go-core's PageIterator over @odata.nextLink.
func TestPaging(t *testing.T) {
	e := newEnv(t)
	want := []string{}
	for i := range 25 {
		s := string(rune('a'+i)) + "-message"
		e.srv.Mailbox(alice).Add("messages", outlooktest.Object{"subject": s})
		want = append(want, s)
	}
	page, err := e.user(alice).Messages().Get(t.Context(), &users.ItemMessagesRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemMessagesRequestBuilderGetQueryParameters{Top: ptr[int32](10), Select: []string{"subject"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	it, err := msgraphcore.NewPageIterator[models.Messageable](page, e.adapter, models.CreateMessageCollectionResponseFromDiscriminatorValue)
	if err != nil {
		t.Fatal(err)
	}
	var got []models.Messageable
	if err := it.Iterate(t.Context(), func(m models.Messageable) bool { got = append(got, m); return true }); err != nil {
		t.Fatal(err)
	}
	if s := subjects(got); !slices.Equal(s, want) {
		t.Errorf("paged through %d messages %q, want %d", len(s), s, len(want))
	}
}

// sendMail, with the body msgraph compresses (Content-Encoding: gzip).
func TestSendMail(t *testing.T) {
	e := newEnv(t)
	msg := models.NewMessage()
	msg.SetSubject(ptr("sent through msgraph-sdk-go"))
	body := models.NewItemBody()
	body.SetContentType(ptr(models.TEXT_BODYTYPE))
	body.SetContent(ptr("hi"))
	msg.SetBody(body)
	msg.SetToRecipients(recipients(adele))
	req := users.NewItemSendMailPostRequestBody()
	req.SetMessage(msg)
	if err := e.user(alice).SendMail().Post(t.Context(), req, nil); err != nil {
		t.Fatalf("sendMail: %v", err)
	}
	var got []string
	for _, m := range e.srv.Mailbox(adele).Items("messages") {
		got = append(got, m["subject"].(string))
	}
	if !slices.Equal(got, []string{"sent through msgraph-sdk-go"}) {
		t.Errorf("adele's mailbox holds %q", got)
	}
}

// A draft created, moved (DestinationId, as the SDK spells the action's
// parameter), and the move's answer read as a message with its type.
func TestCreateAndMove(t *testing.T) {
	e := newEnv(t)
	d := models.NewMessage()
	d.SetSubject(ptr("draft"))
	d.SetToRecipients(recipients(adele))
	draft, err := e.user(alice).Messages().Post(t.Context(), d, nil)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if draft.GetInternetMessageId() == nil || draft.GetConversationIndex() == nil {
		t.Errorf("a draft's internetMessageId %v and conversationIndex %v: Graph gives both", draft.GetInternetMessageId(), draft.GetConversationIndex())
	}
	mv := users.NewItemMessagesItemMovePostRequestBody()
	mv.SetDestinationId(ptr("archive"))
	moved, err := e.user(alice).Messages().ByMessageId(deref(draft.GetId())).Move().Post(t.Context(), mv, nil)
	if err != nil {
		t.Fatalf("move: %v", err)
	}
	if deref(moved.GetOdataType()) != "#microsoft.graph.message" {
		t.Errorf("the move answered @odata.type %q, want #microsoft.graph.message", deref(moved.GetOdataType()))
	}
	if deref(moved.GetId()) == "" || deref(moved.GetId()) == deref(draft.GetId()) || deref(moved.GetSubject()) != "draft" {
		t.Errorf("moved: id %q (was %q), subject %q", deref(moved.GetId()), deref(draft.GetId()), deref(moved.GetSubject()))
	}
}

// Calendar: an event created in a time zone is answered in it, patched
// (originalStartTimeZone included), and found in calendarView.
func TestCalendar(t *testing.T) {
	e := newEnv(t)
	ev := models.NewEvent()
	ev.SetSubject(ptr("planning"))
	start, end := models.NewDateTimeTimeZone(), models.NewDateTimeTimeZone()
	start.SetDateTime(ptr("2030-03-04T09:00:00"))
	start.SetTimeZone(ptr("Pacific Standard Time"))
	end.SetDateTime(ptr("2030-03-04T10:00:00"))
	end.SetTimeZone(ptr("Pacific Standard Time"))
	ev.SetStart(start)
	ev.SetEnd(end)
	created, err := e.user(alice).Events().Post(t.Context(), ev, nil)
	if err != nil {
		t.Fatalf("create event: %v", err)
	}
	if tz := deref(created.GetStart().GetTimeZone()); tz != "Pacific Standard Time" {
		t.Errorf("POST /events answered start in %q, want the request's Pacific Standard Time", tz)
	}
	view, err := e.user(alice).CalendarView().Get(t.Context(), &users.ItemCalendarViewRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemCalendarViewRequestBuilderGetQueryParameters{StartDateTime: ptr("2030-03-04T00:00:00Z"), EndDateTime: ptr("2030-03-05T00:00:00Z")},
	})
	if err != nil {
		t.Fatalf("calendarView: %v", err)
	}
	if len(view.GetValue()) != 1 || deref(view.GetValue()[0].GetSubject()) != "planning" {
		t.Errorf("calendarView holds %d events", len(view.GetValue()))
	}
	patch := models.NewEvent()
	patch.SetSubject(ptr("planning, moved"))
	patch.SetOriginalStartTimeZone(ptr("Pacific Standard Time"))
	patched, err := e.user(alice).Events().ByEventId(deref(created.GetId())).Patch(t.Context(), patch, nil)
	if err != nil {
		t.Fatalf("PATCH with originalStartTimeZone: %v", err)
	}
	if deref(patched.GetSubject()) != "planning, moved" {
		t.Errorf("patched subject %q", deref(patched.GetSubject()))
	}
}

// Contacts: create and list.
func TestContacts(t *testing.T) {
	e := newEnv(t)
	c := models.NewContact()
	c.SetGivenName(ptr("Pat"))
	c.SetSurname(ptr("Doe"))
	ea := models.NewEmailAddress()
	ea.SetAddress(ptr("pat@fabrikam.com"))
	c.SetEmailAddresses([]models.EmailAddressable{ea})
	if _, err := e.user(alice).Contacts().Post(t.Context(), c, nil); err != nil {
		t.Fatalf("create contact: %v", err)
	}
	list, err := e.user(alice).Contacts().Get(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetValue()) != 1 || deref(list.GetValue()[0].GetDisplayName()) != "Pat Doe" {
		t.Errorf("contacts: %d, first %q", len(list.GetValue()), deref(list.GetValue()[0].GetDisplayName()))
	}
}

// An attachment of 4 MB through an upload session with
// msgraph-sdk-go-core's LargeFileUploadTask.
func TestUploadSession(t *testing.T) {
	e := newEnv(t)
	id := e.srv.Mailbox(alice).Add("messages", outlooktest.Object{"subject": "with a big file", "parentFolderId": "drafts", "isDraft": true})
	const size = 4 << 20
	path := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	item := models.NewAttachmentItem()
	item.SetAttachmentType(ptr(models.FILE_ATTACHMENTTYPE))
	item.SetName(ptr("big.bin"))
	item.SetSize(ptr[int64](size))
	body := users.NewItemMessagesItemAttachmentsCreateUploadSessionPostRequestBody()
	body.SetAttachmentItem(item)
	session, err := e.user(alice).Messages().ByMessageId(id).Attachments().CreateUploadSession().Post(t.Context(), body, nil)
	if err != nil {
		t.Fatalf("createUploadSession: %v", err)
	}
	task := fileuploader.NewLargeFileUploadTask[models.Attachmentable](e.adapter, session, f, 1<<20, models.CreateAttachmentFromDiscriminatorValue, nil)
	res := task.Upload(func(current, total int64) {}) // Upload calls it unchecked
	if !res.GetUploadSucceeded() {
		t.Fatalf("upload failed: %v", res.GetResponseErrors())
	}
	atts := e.srv.Mailbox(alice).Items("attachments")
	if len(atts) != 1 || atts[0]["name"] != "big.bin" || atts[0]["size"] != float64(size) {
		t.Errorf("attachments after the upload: %v", len(atts))
	}
}

// JSON $batch through msgraph-sdk-go-core's BatchRequest.
func TestBatch(t *testing.T) {
	e := newEnv(t)
	e.srv.Mailbox(alice).Add("messages", outlooktest.Object{"subject": "one"})
	batch := msgraphcore.NewBatchRequest(e.adapter)
	list, err := e.user(alice).Messages().ToGetRequestInformation(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	folder, err := e.user(alice).MailFolders().ByMailFolderId("inbox").ToGetRequestInformation(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	step1, err := batch.AddBatchRequestStep(*list)
	if err != nil {
		t.Fatal(err)
	}
	step2, err := batch.AddBatchRequestStep(*folder)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := batch.Send(t.Context(), e.adapter)
	if err != nil {
		t.Fatalf("$batch: %v", err)
	}
	msgs, err := msgraphcore.GetBatchResponseById[models.MessageCollectionResponseable](resp, deref(step1.GetId()), models.CreateMessageCollectionResponseFromDiscriminatorValue)
	if err != nil {
		t.Fatalf("batch step 1: %v", err)
	}
	if got := subjects(msgs.GetValue()); !slices.Equal(got, []string{"one"}) {
		t.Errorf("batch step 1 messages %q", got)
	}
	inbox, err := msgraphcore.GetBatchResponseById[models.MailFolderable](resp, deref(step2.GetId()), models.CreateMailFolderFromDiscriminatorValue)
	if err != nil {
		t.Fatalf("batch step 2: %v", err)
	}
	if deref(inbox.GetDisplayName()) != "Inbox" {
		t.Errorf("batch step 2 folder %q", deref(inbox.GetDisplayName()))
	}
}

// delta(), as the SDK writes the function (with parentheses), then the
// delta link for the next round.
func TestDelta(t *testing.T) {
	e := newEnv(t)
	e.srv.Mailbox(alice).Add("messages", outlooktest.Object{"subject": "before"})
	first, err := e.user(alice).MailFolders().ByMailFolderId("inbox").Messages().Delta().GetAsDeltaGetResponse(t.Context(), nil)
	if err != nil {
		t.Fatalf("messages/delta(): %v", err)
	}
	if got := subjects(first.GetValue()); !slices.Equal(got, []string{"before"}) {
		t.Errorf("first round %q", got)
	}
	link := deref(first.GetOdataDeltaLink())
	if link == "" {
		t.Fatalf("no deltaLink after one page (nextLink %q)", deref(first.GetOdataNextLink()))
	}
	e.srv.Mailbox(alice).Add("messages", outlooktest.Object{"subject": "after"})
	next, err := e.user(alice).MailFolders().ByMailFolderId("inbox").Messages().Delta().WithUrl(link).GetAsDeltaGetResponse(t.Context(), nil)
	if err != nil {
		t.Fatalf("delta link: %v", err)
	}
	if got := subjects(next.GetValue()); !slices.Equal(got, []string{"after"}) {
		t.Errorf("second round %q", got)
	}
}

// Graph's errors as the SDK reads them: a malformed id is 400
// ErrorInvalidIdMalformed, and innerError carries request-id, the
// client-request-id the SDK sent, and date.
func TestErrors(t *testing.T) {
	e := newEnv(t)
	_, err := e.user(alice).Messages().ByMessageId("not-an-exchange-id").Get(t.Context(), nil)
	oe := odataError(t, err)
	if oe.ResponseStatusCode != http.StatusBadRequest || deref(oe.GetErrorEscaped().GetCode()) != "ErrorInvalidIdMalformed" {
		t.Errorf("malformed id: %d %q, want 400 ErrorInvalidIdMalformed", oe.ResponseStatusCode, deref(oe.GetErrorEscaped().GetCode()))
	}
	inner := oe.GetErrorEscaped().GetInnerError()
	if inner == nil {
		t.Fatal("no innerError")
	}
	if deref(inner.GetRequestId()) == "" || deref(inner.GetClientRequestId()) == "" || inner.GetDate() == nil {
		t.Errorf("innerError request-id %q, client-request-id %q, date %v: Graph sends all three", deref(inner.GetRequestId()), deref(inner.GetClientRequestId()), inner.GetDate())
	}
	// An id that is well formed but names nothing is 404.
	good := e.srv.Mailbox(alice).Add("messages", outlooktest.Object{"subject": "x"})
	if err := e.user(alice).Messages().ByMessageId(good).Delete(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	gone, err := e.user(alice).MailFolders().ByMailFolderId("deleteditems").Messages().Get(t.Context(), nil)
	if err != nil || len(gone.GetValue()) != 1 {
		t.Fatalf("deleted items: %v", err)
	}
	if err := e.user(alice).Messages().ByMessageId(deref(gone.GetValue()[0].GetId())).PermanentDelete().Post(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.user(alice).Messages().ByMessageId(deref(gone.GetValue()[0].GetId())).Get(t.Context(), nil)
	if oe := odataError(t, err); oe.ResponseStatusCode != http.StatusNotFound {
		t.Errorf("a removed message: %d, want 404", oe.ResponseStatusCode)
	}
}

// Nested objects a typed client walks are present as Graph sends them,
// with and without $select; sender is derived from from on received mail.
func TestNullsAndNestedObjects(t *testing.T) {
	e := newEnv(t)
	id := e.srv.Mailbox(alice).Add("messages", outlooktest.Object{"subject": "bare", "from": outlooktest.Object{"emailAddress": outlooktest.Object{"address": adele, "name": "Adele"}}})
	check := func(name string, m models.Messageable) {
		t.Helper()
		if m.GetFlag() == nil || m.GetFlag().GetFlagStatus() == nil {
			t.Errorf("%s: flag %v: Graph sends {flagStatus: notFlagged}", name, m.GetFlag())
		}
		if m.GetBody() == nil || m.GetBody().GetContentType() == nil {
			t.Errorf("%s: body %v", name, m.GetBody())
		}
		if m.GetSender() == nil || deref(m.GetSender().GetEmailAddress().GetAddress()) != adele {
			t.Errorf("%s: sender %v, want from's %s", name, m.GetSender(), adele)
		}
		if m.GetToRecipients() == nil || m.GetCcRecipients() == nil {
			t.Errorf("%s: toRecipients %v, ccRecipients %v: Graph sends []", name, m.GetToRecipients(), m.GetCcRecipients())
		}
	}
	m, err := e.user(alice).Messages().ByMessageId(id).Get(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	check("without $select", m)
	m, err = e.user(alice).Messages().ByMessageId(id).Get(t.Context(), &users.ItemMessagesMessageItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemMessagesMessageItemRequestBuilderGetQueryParameters{Select: []string{"flag", "body", "sender", "toRecipients", "ccRecipients"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	check("with $select", m)
}

// Actions whose parameters the SDK writes in PascalCase, as Graph's
// metadata names them: snoozeReminder (NewReminderTime) and
// createReply (Comment).
func TestActionParameterCase(t *testing.T) {
	e := newEnv(t)
	id := e.srv.Mailbox(alice).Add("messages", outlooktest.Object{"subject": "question", "from": outlooktest.Object{"emailAddress": outlooktest.Object{"address": adele}}})
	rb := users.NewItemMessagesItemCreateReplyPostRequestBody()
	rb.SetComment(ptr("answer"))
	reply, err := e.user(alice).Messages().ByMessageId(id).CreateReply().Post(t.Context(), rb, nil)
	if err != nil {
		t.Fatalf("createReply: %v", err)
	}
	if deref(reply.GetSubject()) != "RE: question" {
		t.Errorf("reply subject %q", deref(reply.GetSubject()))
	}
	ev := e.srv.Mailbox(alice).Add("events", outlooktest.Object{
		"subject": "standup", "isReminderOn": true,
		"start": outlooktest.Object{"dateTime": "2030-01-01T09:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2030-01-01T09:15:00", "timeZone": "UTC"},
	})
	sb := users.NewItemEventsItemSnoozeReminderPostRequestBody()
	when := models.NewDateTimeTimeZone()
	when.SetDateTime(ptr(time.Date(2030, 1, 1, 8, 55, 0, 0, time.UTC).Format("2006-01-02T15:04:05")))
	when.SetTimeZone(ptr("UTC"))
	sb.SetNewReminderTime(when)
	if err := e.user(alice).Events().ByEventId(ev).SnoozeReminder().Post(t.Context(), sb, nil); err != nil {
		t.Fatalf("snoozeReminder: %v", err)
	}
}

// The other delta functions, as the SDK writes them: mailFolders/delta(),
// contacts/delta() and calendarView/delta().
func TestOtherDeltas(t *testing.T) {
	e := newEnv(t)
	box := e.srv.Mailbox(alice)
	box.Add("contacts", outlooktest.Object{"givenName": "Pat", "surname": "Doe"})
	box.Add("events", outlooktest.Object{"subject": "review",
		"start": outlooktest.Object{"dateTime": "2030-05-06T10:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2030-05-06T11:00:00", "timeZone": "UTC"}})

	folders, err := e.user(alice).MailFolders().Delta().GetAsDeltaGetResponse(t.Context(), nil)
	if err != nil {
		t.Fatalf("mailFolders/delta(): %v", err)
	}
	var names []string
	for _, f := range folders.GetValue() {
		names = append(names, deref(f.GetDisplayName()))
	}
	if !slices.Contains(names, "Inbox") {
		t.Errorf("mailFolders/delta() names %q, no Inbox", names)
	}
	contacts, err := e.user(alice).Contacts().Delta().GetAsDeltaGetResponse(t.Context(), nil)
	if err != nil {
		t.Fatalf("contacts/delta(): %v", err)
	}
	if len(contacts.GetValue()) != 1 || deref(contacts.GetValue()[0].GetGivenName()) != "Pat" {
		t.Errorf("contacts/delta(): %d contacts", len(contacts.GetValue()))
	}
	events, err := e.user(alice).CalendarView().Delta().GetAsDeltaGetResponse(t.Context(), &users.ItemCalendarViewDeltaRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemCalendarViewDeltaRequestBuilderGetQueryParameters{StartDateTime: ptr("2030-05-01T00:00:00Z"), EndDateTime: ptr("2030-06-01T00:00:00Z")},
	})
	if err != nil {
		t.Fatalf("calendarView/delta(): %v", err)
	}
	if len(events.GetValue()) != 1 || deref(events.GetValue()[0].GetSubject()) != "review" {
		t.Errorf("calendarView/delta(): %d events", len(events.GetValue()))
	}
}
