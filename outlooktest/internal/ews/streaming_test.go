package ews

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Streaming subscriptions at the SOAP level: what Subscribe accepts, how
// a subscription expires, and what one GetStreamingEvents answer holds.

func subscribeInbox(events ...string) string {
	var b strings.Builder
	b.WriteString(`<m:Subscribe><m:StreamingSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"/></t:FolderIds><t:EventTypes>`)
	for _, e := range events {
		b.WriteString(`<t:EventType>` + e + `</t:EventType>`)
	}
	b.WriteString(`</t:EventTypes></m:StreamingSubscriptionRequest></m:Subscribe>`)
	return soap("", b.String())
}

func getStreamingEvents(minutes string, ids ...string) string {
	var b strings.Builder
	b.WriteString(`<m:GetStreamingEvents><m:SubscriptionIds>`)
	for _, id := range ids {
		b.WriteString(`<t:SubscriptionId>` + id + `</t:SubscriptionId>`)
	}
	b.WriteString(`</m:SubscriptionIds><m:ConnectionTimeout>` + minutes + `</m:ConnectionTimeout></m:GetStreamingEvents>`)
	return soap("", b.String())
}

func unsubscribe(id string) string {
	return soap("", `<m:Unsubscribe><m:SubscriptionId>`+id+`</m:SubscriptionId></m:Unsubscribe>`)
}

// subscribed makes a subscription to bob's Inbox and returns its id.
func (f *fixture) subscribed() string {
	f.t.Helper()
	_, root, raw := f.post(subscribeInbox("CreatedEvent", "DeletedEvent", "ModifiedEvent", "NewMailEvent"))
	ids := findAll(root, "SubscriptionId")
	if len(ids) != 1 || ids[0].text == "" {
		f.t.Fatalf("Subscribe: %s", raw)
	}
	return ids[0].text
}

func responseCode(t *testing.T, root *elem) string {
	t.Helper()
	codes := findAll(root, "ResponseCode")
	if len(codes) == 0 {
		t.Fatal("no ResponseCode")
	}
	return codes[0].text
}

func TestSubscribeRequests(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ name, body, want string }{
		{"an unknown event type", subscribeInbox("CreatedEvent", "PizzaEvent"), "ErrorSchemaValidation"},
		{"no event types", subscribeInbox(), "ErrorSchemaValidation"},
		{"pull", soap("", `<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"/></t:FolderIds><t:EventTypes><t:EventType>CreatedEvent</t:EventType></t:EventTypes><t:Timeout>10</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>`), "ErrorNotImplemented"},
		{"another mailbox's folder", soap("", `<m:Subscribe><m:StreamingSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></t:FolderIds><t:EventTypes><t:EventType>CreatedEvent</t:EventType></t:EventTypes></m:StreamingSubscriptionRequest></m:Subscribe>`), "ErrorAccessDenied"},
		{"a timeout of 31 minutes", "", "ErrorInvalidArgument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if body == "" {
				body = getStreamingEvents("31", f.subscribed())
			}
			_, root, raw := f.post(body)
			var got string
			if codes := findAll(root, "ResponseCode"); len(codes) > 0 {
				got = codes[0].text
			}
			if !strings.Contains(raw, tc.want) {
				t.Errorf("answer code %q, want %s: %s", got, tc.want, raw)
			}
		})
	}
}

func TestSubscriptionsExpire(t *testing.T) {
	f := newFixture(t)
	id := f.subscribed()
	// Idle (no connection open) for longer than a connection lasts.
	f.now = f.now.Add(subscriptionIdle + time.Second)
	_, root, raw := f.post(getStreamingEvents("1", id))
	if responseCode(t, root) != "ErrorSubscriptionNotFound" || len(findAll(root, "ErrorSubscriptionIds")) != 1 {
		t.Errorf("an idle subscription: %s", raw)
	}

	id = f.subscribed()
	f.h.Streams("expire")
	if _, root, raw := f.post(getStreamingEvents("1", id)); responseCode(t, root) != "ErrorSubscriptionNotFound" {
		t.Errorf("an expired subscription: %s", raw)
	}

	id = f.subscribed()
	f.caller = Caller{Name: carol, Mailbox: carol}
	if _, root, raw := f.post(getStreamingEvents("1", id)); responseCode(t, root) != "ErrorSubscriptionNotFound" {
		t.Errorf("another account's subscription: %s", raw)
	}
	if _, root, _ := f.post(unsubscribe(id)); responseCode(t, root) != "ErrorSubscriptionNotFound" {
		t.Error("another account unsubscribed a subscription")
	}
	f.caller = Caller{Name: bob, Mailbox: bob}
	if _, root, raw := f.post(unsubscribe(id)); responseCode(t, root) != "NoError" {
		t.Errorf("Unsubscribe: %s", raw)
	}
	if _, root, _ := f.post(getStreamingEvents("1", id)); responseCode(t, root) != "ErrorSubscriptionNotFound" {
		t.Error("a subscription lives on after Unsubscribe")
	}
	if n := f.h.Subscriptions(); n != 0 {
		t.Errorf("%d subscriptions left", n)
	}
}

// splitEnvelopes splits a streamed answer into its envelopes.
func splitEnvelopes(t *testing.T, r *bufio.Reader, n int) []*elem {
	t.Helper()
	var out []*elem
	var cur bytes.Buffer
	const end = "</s:Envelope>"
	for len(out) < n {
		b, err := r.ReadByte()
		if err != nil {
			t.Fatalf("after %d envelopes: %v", len(out), err)
		}
		cur.WriteByte(b)
		if bytes.HasSuffix(cur.Bytes(), []byte(end)) {
			root, err := parseXML(cur.Bytes())
			if err != nil {
				t.Fatalf("envelope %d: %v: %s", len(out), err, cur.String())
			}
			out = append(out, root)
			cur.Reset()
		}
	}
	return out
}

func TestGetStreamingEventsStreams(t *testing.T) {
	f := newFixture(t)
	id := f.subscribed()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.h.Serve(w, r, f.caller) }))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/EWS/Exchange.asmx", "text/xml; charset=utf-8", strings.NewReader(getStreamingEvents("30", id)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	first := splitEnvelopes(t, r, 1)[0]
	if st := findAll(first, "ConnectionStatus"); len(st) != 1 || st[0].text != "OK" {
		t.Fatalf("the first envelope does not say OK")
	}
	msg := f.seed(bob, Object{"subject": "hello"})
	f.seed(bob, Object{"subject": "elsewhere", "parentFolderId": "drafts"})
	got := splitEnvelopes(t, r, 1)[0]
	created := findAll(got, "CreatedEvent")
	if len(created) != 1 || len(findAll(got, "NewMailEvent")) != 1 {
		t.Fatalf("after a message arrived: %d CreatedEvent", len(created))
	}
	if ids := itemIDs(created[0]); len(ids) != 1 || ids[0] != ewsID(msg) {
		t.Errorf("CreatedEvent of %v, want %s", ids, ewsID(msg))
	}
	wm := findAll(created[0], "Watermark")
	if len(wm) != 1 || wm[0].text == "" {
		t.Error("an event without a watermark")
	}
	f.h.Streams("close")
	last := splitEnvelopes(t, r, 1)[0]
	if st := findAll(last, "ConnectionStatus"); len(st) != 1 || st[0].text != "Closed" {
		t.Fatalf("the last envelope does not say Closed")
	}
	if rest, _ := io.ReadAll(r); len(bytes.TrimSpace(rest)) != 0 {
		t.Errorf("after Closed: %q", rest)
	}
}
