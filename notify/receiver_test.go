package notify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

const hookHost = "hooks.contoso.com"
const hookURL = "https://" + hookHost + "/graph"

func newReceiver(t testing.TB, o *notify.ReceiverOptions) *notify.Receiver {
	t.Helper()
	r, err := notify.NewReceiver(hookURL, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func post(t testing.TB, h http.Handler, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestReceiverAnswersTheValidationHandshake(t *testing.T) {
	r := newReceiver(t, nil)
	w := post(t, r, "/graph?validationToken=Validation%3A+Testing+%3Cb%3E", "")
	if w.Code != http.StatusOK || w.Body.String() != "Validation: Testing <b>" {
		t.Fatalf("answer = %d %q", w.Code, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers = %v", w.Header())
	}
	if w := post(t, r, "/graph?validationToken="+strings.Repeat("x", 5000), ""); w.Code != http.StatusBadRequest {
		t.Errorf("a huge token: %d", w.Code)
	}
	req := httptest.NewRequest(http.MethodGet, "/graph", nil)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", rec.Code)
	}
}

func notification(sub, state, change, id, etag string) string {
	return fmt.Sprintf(`{"subscriptionId":%q,"clientState":%q,"changeType":%q,"resource":"Users/u1/Messages/%s",
		"resourceData":{"@odata.type":"#Microsoft.Graph.Message","@odata.id":"Users/u1/Messages/%s","@odata.etag":%q,"id":%q}}`,
		sub, state, change, id, id, etag, id)
}

func collection(items ...string) string { return `{"value":[` + strings.Join(items, ",") + `]}` }

// drain returns the notifications waiting now.
func drain(r *notify.Receiver) []notify.Notification {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var out []notify.Notification
	for n := range r.Notifications(ctx) {
		out = append(out, n)
	}
	return out
}

func TestReceiverRefusesForgedNotifications(t *testing.T) {
	r := newReceiver(t, nil)
	r.Track(&notify.Subscription{ID: "s1", ClientState: "secret"})
	for name, body := range map[string]string{
		"unknown subscription": collection(notification("s2", "secret", "created", "m1", "e1")),
		"wrong clientState":    collection(notification("s1", "guess", "created", "m1", "e1")),
		"no clientState":       collection(notification("s1", "", "created", "m1", "e1")),
	} {
		// 202: a refusal would make Graph retry it for hours and count
		// against the endpoint, and would tell a sender what was wrong.
		if w := post(t, r, "/graph", body); w.Code != http.StatusAccepted {
			t.Errorf("%s: %d, want 202", name, w.Code)
		}
		if got := drain(r); len(got) != 0 {
			t.Errorf("%s: delivered %+v", name, got)
		}
	}
	if w := post(t, r, "/graph", `{"value":[{"subscriptionId":"s1"`); w.Code != http.StatusBadRequest {
		t.Errorf("truncated: %d, want 400", w.Code)
	}
	// A forged notification beside a real one is dropped, the real one kept.
	w := post(t, r, "/graph", collection(notification("s1", "guess", "created", "forged", "e0"), notification("s1", "secret", "created", "m1", "e1")))
	if w.Code != http.StatusAccepted {
		t.Fatalf("valid: %d", w.Code)
	}
	got := drain(r)
	if len(got) != 1 || got[0].ID != "m1" || got[0].Kind != notify.Messages || got[0].Change != notify.Created || got[0].ETag != "e1" {
		t.Fatalf("got %+v", got)
	}
	r.Forget("s1")
	if w := post(t, r, "/graph", collection(notification("s1", "secret", "created", "m2", "e2"))); w.Code != http.StatusAccepted {
		t.Errorf("after Forget: %d", w.Code)
	}
	if got := drain(r); len(got) != 0 {
		t.Errorf("after Forget: delivered %+v", got)
	}
}

func TestReceiverDeduplicatesAndCoalescesWhenFull(t *testing.T) {
	r := newReceiver(t, &notify.ReceiverOptions{Buffer: 2})
	r.Track(&notify.Subscription{ID: "s1", ClientState: "a"})
	r.Track(&notify.Subscription{ID: "s2", ClientState: "b"})
	one := notification("s1", "a", "updated", "m1", "e1")
	post(t, r, "/graph", collection(one))
	post(t, r, "/graph", collection(one))                                            // Graph's retry: the same notification again
	post(t, r, "/graph", collection(notification("s1", "a", "updated", "m1", "e2"))) // a later change
	for i := range 5 {                                                               // no room left: owed as one Missed each
		if w := post(t, r, "/graph", collection(notification("s1", "a", "created", fmt.Sprint("n", i), "x"), notification("s2", "b", "created", fmt.Sprint("n", i), "x"))); w.Code != http.StatusAccepted {
			t.Fatalf("full buffer answered %d: Graph would retry", w.Code)
		}
	}
	got := drain(r)
	var desc []string
	for _, n := range got {
		desc = append(desc, n.SubscriptionID+":"+string(n.Lifecycle)+":"+n.ID+":"+n.ETag)
	}
	// Missed first (the catch-up it asks for covers the queued ones too),
	// in either order.
	want1 := "s1:missed:: s2:missed:: s1::m1:e1 s1::m1:e2"
	want2 := "s2:missed:: s1:missed:: s1::m1:e1 s1::m1:e2"
	if g := strings.Join(desc, " "); g != want1 && g != want2 {
		t.Errorf("got %s\nwant %s", g, want1)
	}
}

// env is a fake tenant with a receiver mounted at hookURL.
func receiverEnv(t *testing.T, o *notify.ReceiverOptions) (*servicetest.Env, *notify.Receiver) {
	t.Helper()
	e := servicetest.NewEnv(t, servicetest.Cloud)
	r := newReceiver(t, o)
	e.Srv.AddHost(hookHost, r)
	return e, r
}

// next waits for the next notification.
func next(t *testing.T, r *notify.Receiver) notify.Notification {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for n := range r.Notifications(ctx) {
		return n
	}
	t.Fatal("no notification within 10s")
	return notify.Notification{}
}

// subscribe subscribes r and, when the test ends (before its server
// closes), ends the subscription and waits for its deletion.
func subscribe(t *testing.T, r *notify.Receiver, c *odata.Client, res notify.Resource, o *notify.SubscribeOptions) (*notify.Handle, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	h, err := r.Subscribe(ctx, c, res, o)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-h.Done() })
	return h, cancel
}

func addMessage(box *outlooktest.Mailbox, subject string) string {
	return box.Add("messages", outlooktest.Object{"subject": subject, "parentFolderId": "inbox",
		"receivedDateTime": time.Now().UTC().Format(time.RFC3339)})
}

func TestSubscribeCRUDAgainstTheFake(t *testing.T) {
	e, r := receiverEnv(t, nil)
	c := e.MB.OData()
	ctx := t.Context()
	s, err := notify.Create(ctx, c, notify.MessagesIn("inbox"), hookURL, &notify.CreateOptions{Changes: notify.Created | notify.Deleted})
	if err != nil {
		t.Fatal(err)
	}
	if s.ID == "" || len(s.ClientState) < 20 || s.ChangeType != "created,deleted" || time.Until(s.ExpirationDateTime) < notify.MaxExpiry-time.Hour {
		t.Errorf("subscription = %+v", s)
	}
	r.Track(s)
	id := addMessage(e.Box, "hello")
	n := next(t, r)
	if n.SubscriptionID != s.ID || n.Change != notify.Created || n.ID != id || n.Kind != notify.Messages {
		t.Errorf("notification = %+v, want created %s", n, id)
	}
	e.Box.Update("messages", id, outlooktest.Object{"isRead": true}) // not subscribed to updates
	e.Box.Delete("messages", id)
	if n := next(t, r); n.Change != notify.Deleted || n.ID != id {
		t.Errorf("notification = %+v, want deleted %s", n, id)
	}
	exp, err := notify.Renew(ctx, c, s.ID, time.Hour)
	if err != nil || time.Until(exp) > time.Hour+time.Minute || time.Until(exp) < 59*time.Minute {
		t.Errorf("Renew = %v, %v", exp, err)
	}
	var ids []string
	for s, err := range notify.List(ctx, c) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	if len(ids) != 1 || ids[0] != s.ID {
		t.Errorf("List = %v", ids)
	}
	if err := notify.Reauthorize(ctx, c, s.ID); err != nil {
		t.Errorf("Reauthorize: %v", err)
	}
	if err := notify.Delete(ctx, c, s.ID); err != nil {
		t.Fatal(err)
	}
	if err := notify.Delete(ctx, c, s.ID); !errors.Is(err, odata.ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
	if got := e.Srv.Subscriptions(); len(got) != 0 {
		t.Errorf("the fake still holds %+v", got)
	}
}

func TestCreateRefusals(t *testing.T) {
	e, _ := receiverEnv(t, nil)
	c := e.MB.OData()
	ctx := t.Context()
	if _, err := notify.Create(ctx, c, notify.MessagesIn("inbox"), "http://hooks.contoso.com/graph", nil); err == nil {
		t.Error("an http URL was accepted")
	}
	// A URL nobody answers fails Graph's validation.
	if _, err := notify.Create(ctx, c, notify.MessagesIn("inbox"), "https://nobody.contoso.com/graph", nil); err == nil || !strings.Contains(err.Error(), "validation") {
		t.Errorf("an unreachable URL: %v", err)
	}
	if _, err := notify.Create(ctx, c, notify.MessagesIn("inbox"), hookURL, &notify.CreateOptions{ClientState: strings.Repeat("x", 129)}); err == nil {
		t.Error("a 129-character clientState was accepted")
	}
	if len(e.Srv.Subscriptions()) != 0 {
		t.Error("a refused create left a subscription")
	}
}

func TestNotSupportedOffGraphBeforeAnyRequest(t *testing.T) {
	for _, d := range []*odata.Dialect{odata.OutlookV2, odata.EWS} {
		c, rec := servicetest.RecordingClient(t, d)
		ctx := t.Context()
		_, err := notify.Create(ctx, c, notify.MessagesIn("inbox"), hookURL, nil)
		if !errors.Is(err, odata.ErrNotSupported) || !strings.Contains(err.Error(), "Graph") {
			t.Errorf("%v Create: %v", d, err)
		}
		if _, err := notify.Renew(ctx, c, "s", 0); !errors.Is(err, odata.ErrNotSupported) {
			t.Errorf("%v Renew: %v", d, err)
		}
		if err := notify.Delete(ctx, c, "s"); !errors.Is(err, odata.ErrNotSupported) {
			t.Errorf("%v Delete: %v", d, err)
		}
		for _, err := range notify.List(ctx, c) {
			if !errors.Is(err, odata.ErrNotSupported) {
				t.Errorf("%v List: %v", d, err)
			}
		}
		r := newReceiver(t, nil)
		if _, err := r.Wake(ctx, c, odata.PathOf("mailFolders/inbox/messages")); !errors.Is(err, odata.ErrNotSupported) {
			t.Errorf("%v Wake: %v", d, err)
		}
		if n := len(rec.Bytes()); n != 0 {
			t.Errorf("%v: %d bytes sent", d, n)
		}
	}
}

// TestMailFromOnPremisesGivesOneNotification sends a message from the
// on-premises mailbox (through EWS) to the cloud one and counts the
// notifications of the cloud Inbox's subscription.
func TestMailFromOnPremisesGivesOneNotification(t *testing.T) {
	e, r := receiverEnv(t, nil)
	ctx := t.Context()
	h, _ := subscribe(t, r, e.MB.OData(), notify.MessagesIn("inbox"), nil)
	onPrem, err := e.Client.Mailbox(ctx, e.Other)
	if err != nil {
		t.Fatal(err)
	}
	if err := onPrem.Mail.SendMail(ctx, &mail.Message{Subject: "from on-premises", ToRecipients: mail.To(e.Addr)}, nil); err != nil {
		t.Fatal(err)
	}
	n := next(t, r)
	if n.SubscriptionID != h.Subscription().ID || n.Change != notify.Created || n.Kind != notify.Messages {
		t.Fatalf("notification = %+v", n)
	}
	msg, err := e.MB.Mail.GetMessage(ctx, n.ID, nil)
	if err != nil || msg.Subject != "from on-premises" {
		t.Fatalf("GetMessage(%s) = %v, %v", n.ID, msg, err)
	}
	if more := drainFor(r, 300*time.Millisecond); len(more) != 0 {
		t.Errorf("more notifications: %+v", more)
	}
}

func drainFor(r *notify.Receiver, d time.Duration) []notify.Notification {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var out []notify.Notification
	for n := range r.Notifications(ctx) {
		out = append(out, n)
	}
	return out
}

// flaky is a receiver's front that can be down.
type flaky struct {
	h    http.Handler
	down atomic.Bool
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.down.Load() {
		io.Copy(io.Discard, r.Body)
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	f.h.ServeHTTP(w, r)
}

// TestDownReceiverMissesNothingAfterCatchUp: notifications posted while
// the receiver is down are lost, Graph says missed, and a delta round from
// the state saved before reads every change made meanwhile.
func TestDownReceiverMissesNothingAfterCatchUp(t *testing.T) {
	e := servicetest.NewEnv(t, servicetest.Cloud)
	r := newReceiver(t, nil)
	f := &flaky{h: r}
	e.Srv.AddHost(hookHost, f)
	ctx := t.Context()
	subscribe(t, r, e.MB.OData(), notify.MessagesIn("inbox"), nil)
	state := ""
	for ch, err := range e.MB.Mail.SyncMessages(ctx, mail.Inbox, "") {
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind == odata.Checkpoint {
			state = ch.State
		}
	}
	f.down.Store(true)
	want := map[string]bool{}
	for i := range 3 {
		want[addMessage(e.Box, fmt.Sprint("while down ", i))] = true
	}
	time.Sleep(200 * time.Millisecond) // the deliveries fail
	f.down.Store(false)
	n := next(t, r)
	if n.Lifecycle != notify.Missed {
		t.Fatalf("first notification after the outage = %+v, want missed", n)
	}
	for ch, err := range e.MB.Mail.SyncMessages(ctx, mail.Inbox, state) {
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind == odata.Upserted {
			delete(want, ch.ID)
		}
	}
	if len(want) != 0 {
		t.Errorf("the catch-up missed %v", want)
	}
}

// TestSlowReceiverIsCaughtUp: a receiver slower than the notifier's
// timeout loses deliveries, and gets missed when it answers in time again.
func TestSlowReceiverIsCaughtUp(t *testing.T) {
	e := servicetest.NewEnv(t, servicetest.Cloud)
	r := newReceiver(t, nil)
	var slow atomic.Bool
	e.Srv.AddHost(hookHost, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if slow.Load() && req.URL.Query().Get("validationToken") == "" {
			time.Sleep(300 * time.Millisecond)
		}
		r.ServeHTTP(w, req)
	}))
	hc := e.Srv.Client()
	hc.Timeout = 100 * time.Millisecond
	e.Srv.SetNotificationClient(hc)
	subscribe(t, r, e.MB.OData(), notify.MessagesIn("inbox"), nil)
	slow.Store(true)
	addMessage(e.Box, "slow")
	time.Sleep(150 * time.Millisecond)
	slow.Store(false)
	// The receiver handled the late request too (the notifier had given
	// up on it): what matters is that missed comes.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if n := next(t, r); n.Lifecycle == notify.Missed {
			return
		}
	}
	t.Fatal("no missed notification")
}

func TestLifecycleEvents(t *testing.T) {
	e, r := receiverEnv(t, nil)
	h, cancel := subscribe(t, r, e.MB.OData(), notify.MessagesIn("inbox"), &notify.SubscribeOptions{
		CreateOptions: notify.CreateOptions{Expiry: 2 * time.Second}, RenewBefore: 1500 * time.Millisecond})
	first := h.Subscription().ID
	waitNewID := func(old string) string {
		t.Helper()
		for range 200 {
			if id := h.Subscription().ID; id != old {
				return id
			}
			time.Sleep(25 * time.Millisecond)
		}
		t.Fatalf("subscription %s was not created again", old)
		return ""
	}

	// Removed by Graph: created again, and the application told to catch up.
	e.Srv.InjectSubscription(outlooktest.SubscriptionFault{ID: first, Lifecycle: outlooktest.SubscriptionRemoved})
	second := waitNewID(first)
	if n := next(t, r); n.Lifecycle != notify.Missed || n.SubscriptionID != second {
		t.Errorf("after removal: %+v", n)
	}
	// Reauthorization: the same subscription goes on.
	e.Srv.InjectSubscription(outlooktest.SubscriptionFault{ID: second, Lifecycle: outlooktest.ReauthorizationRequired})
	id := addMessage(e.Box, "after reauthorization")
	if n := next(t, r); n.ID != id || n.SubscriptionID != second {
		t.Errorf("after reauthorization: %+v", n)
	}
	// Expired without notice: the renewal finds it gone and makes it again.
	e.Srv.InjectSubscription(outlooktest.SubscriptionFault{ID: second, Expire: true})
	third := waitNewID(second)
	if n := next(t, r); n.Lifecycle != notify.Missed || n.SubscriptionID != third {
		t.Errorf("after expiry: %+v", n)
	}
	// Missed from Graph reaches the application as is.
	e.Srv.InjectSubscription(outlooktest.SubscriptionFault{ID: third, Lifecycle: outlooktest.Missed})
	if n := next(t, r); n.Lifecycle != notify.Missed || n.SubscriptionID != third {
		t.Errorf("missed: %+v", n)
	}
	// Renewed ahead of expiry: still there after its first expiry.
	time.Sleep(2500 * time.Millisecond)
	subs := e.Srv.Subscriptions()
	if len(subs) != 1 || subs[0].ID != third {
		t.Errorf("subscriptions = %+v, want %s alone", subs, third)
	}
	cancel()
	for range 200 {
		if len(e.Srv.Subscriptions()) == 0 {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Error("the subscription outlived its context")
}

// TestReceiverUnderConcurrentPosts: requests from many connections at once
// and a reader draining meanwhile lose nothing while the buffer has room.
func TestReceiverUnderConcurrentPosts(t *testing.T) {
	r := newReceiver(t, &notify.ReceiverOptions{Buffer: 10000})
	r.Track(&notify.Subscription{ID: "s1", ClientState: "a"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	got := make(chan int)
	go func() {
		n := 0
		for range r.Notifications(ctx) {
			n++
			if n == 800 {
				break
			}
		}
		got <- n
	}()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				id := fmt.Sprint(g, "-", i)
				if w := post(t, r, "/graph", collection(notification("s1", "a", "created", id, "e"))); w.Code != http.StatusAccepted {
					t.Errorf("status %d", w.Code)
				}
			}
		})
	}
	wg.Wait()
	select {
	case n := <-got:
		if n != 800 {
			t.Errorf("read %d", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the reader did not get all 800")
	}
}
