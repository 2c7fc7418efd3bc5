package ews

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/odata"
)

// A hostile or broken EWS server behind GetStreamingEvents: Push ends
// with an error, within memory bounded by its limits, instead of growing
// or looping.

const (
	nsDecl    = ` xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"`
	soapOpen  = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`
	soapClose = `</s:Body></s:Envelope>`
)

func subscribeAnswer(id string) string {
	return soapOpen + `<m:SubscribeResponse` + nsDecl + `><m:ResponseMessages><m:SubscribeResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>` +
		`<m:SubscriptionId>` + id + `</m:SubscriptionId></m:SubscribeResponseMessage></m:ResponseMessages></m:SubscribeResponse>` + soapClose
}

// unsubscribeAnswer is Unsubscribe's answer.
const unsubscribeAnswer = soapOpen + `<m:UnsubscribeResponse` + nsDecl + `><m:ResponseMessages><m:UnsubscribeResponseMessage ResponseClass="Success">` +
	`<m:ResponseCode>NoError</m:ResponseCode></m:UnsubscribeResponseMessage></m:ResponseMessages></m:UnsubscribeResponse>` + soapClose

// streamEnvelope is one envelope of a GetStreamingEvents answer whose
// response message holds inner.
func streamEnvelope(class, inner string) string {
	code := "NoError"
	if class == "Error" {
		code = ""
	}
	s := soapOpen + `<m:GetStreamingEventsResponse` + nsDecl + `><m:ResponseMessages><m:GetStreamingEventsResponseMessage ResponseClass="` + class + `">`
	if code != "" {
		s += `<m:ResponseCode>` + code + `</m:ResponseCode>`
	}
	return s + inner + `</m:GetStreamingEventsResponseMessage></m:ResponseMessages></m:GetStreamingEventsResponse>` + soapClose
}

func notification(wms ...string) string {
	s := `<m:Notifications><m:Notification><t:SubscriptionId>sub</t:SubscriptionId><t:PreviousWatermark>w0</t:PreviousWatermark><t:MoreEvents>false</t:MoreEvents>`
	for _, wm := range wms {
		s += `<t:CreatedEvent><t:Watermark>` + wm + `</t:Watermark><t:TimeStamp>2026-12-04T00:00:00Z</t:TimeStamp><t:ItemId Id="AAAA" ChangeKey="CQAA"/><t:ParentFolderId Id="BBBB"/></t:CreatedEvent>`
	}
	return s + `</m:Notification></m:Notifications>`
}

// streamBackend is a backend whose server answers Subscribe and
// Unsubscribe, and GetStreamingEvents with gse; maxConcurrent is the
// transport's request limit.
func streamBackend(t *testing.T, maxConcurrent int, gse http.HandlerFunc) (*Backend, *atomic.Int32) {
	t.Helper()
	var unsubscribed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		switch {
		case bytes.Contains(body, []byte("<m:Subscribe>")):
			io.WriteString(w, subscribeAnswer("sub"))
		case bytes.Contains(body, []byte("<m:Unsubscribe>")):
			unsubscribed.Add(1)
			io.WriteString(w, unsubscribeAnswer)
		case bytes.Contains(body, []byte("<m:GetStreamingEvents>")):
			gse(w, r)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	tr, err := transport.New(transport.Config{HTTPClient: srv.Client(), MaxConcurrent: maxConcurrent, MaxResponseBytes: 1 << 30,
		Retry: transport.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{URL: srv.URL + "/EWS/Exchange.asmx", Doer: tr})
	if err != nil {
		t.Fatal(err)
	}
	old := testPushWait
	testPushWait = func(int, time.Duration) time.Duration { return time.Millisecond }
	t.Cleanup(func() { testPushWait = old })
	return b, &unsubscribed
}

// drain runs a Push of the inbox to its end (at most 5 seconds) and
// returns its events and its error.
func drain(t *testing.T, b *Backend) ([]odata.PushEvent, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	var evs []odata.PushEvent
	for ev, err := range b.Push(ctx, &odata.PushRequest{Path: odata.PathOf("mailFolders/{}/messages", "inbox")}) {
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

func TestPushHostileStreams(t *testing.T) {
	flush := func(w http.ResponseWriter) { http.NewResponseController(w).Flush() }
	for _, tc := range []struct {
		name string
		gse  http.HandlerFunc
		want error
		// gone: the server said the subscription is gone, so there is
		// nothing to unsubscribe.
		gone bool
	}{
		{"garbage", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "<html><body>Service Unavailable</body></html>")
		}, errXML, false},
		{"not XML at all", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "\x00\x01 binary")
		}, errXML, false},
		{"huge element", testutil.Streamed("", soapOpen+`<m:GetStreamingEventsResponse`+nsDecl+`><m:ResponseMessages><m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:Notifications><m:Notification><t:CreatedEvent><t:Watermark>`,
			"abcdefgh", "", 64<<20), errXML, false},
		{"endless envelope", testutil.Streamed("", soapOpen+`<m:GetStreamingEventsResponse`+nsDecl+`><m:ResponseMessages><m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Notifications>`,
			`<m:Notification><t:CreatedEvent><t:Watermark>w</t:Watermark></t:CreatedEvent></m:Notification>`, "", 64<<20), errEnvelopeTooLarge, false},
		{"endless whitespace", testutil.Streamed("", streamEnvelope("Success", `<m:ConnectionStatus>OK</m:ConnectionStatus>`), "        ", "", 64<<20), errXML, false},
		{"nested too deep", testutil.Streamed("", soapOpen+`<m:GetStreamingEventsResponse>`, `<t:X>`, "", 1<<20), errXML, false},
		{"access denied", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, streamEnvelope("Error", `<m:MessageText>no</m:MessageText><m:ResponseCode>ErrorAccessDenied</m:ResponseCode>`))
		}, odata.ErrForbidden, false},
		{"always unavailable", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}, nil, false},
		{"always lost", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, streamEnvelope("Error", `<m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode>`))
		}, nil, true},
		{"ends at once", func(w http.ResponseWriter, r *http.Request) {}, nil, false},
		{"OK then ends", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, streamEnvelope("Success", `<m:ConnectionStatus>OK</m:ConnectionStatus>`))
			flush(w)
		}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, unsub := streamBackend(t, 4, tc.gse)
			var err error
			grew := testutil.PeakHeap(func() { _, err = drain(t, b) })
			switch {
			case err == nil:
				t.Fatal("Push ended without an error")
			case errors.Is(err, context.DeadlineExceeded):
				t.Fatalf("Push did not end by itself: %v", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			t.Logf("heap grew by at most %d KiB", grew>>10)
			if grew > 16<<20 {
				t.Errorf("the heap grew by %d MiB", grew>>20)
			}
			if unsub.Load() == 0 && !tc.gone {
				t.Error("no Unsubscribe on the way out")
			}
		})
	}
}

func TestPushReadsNotificationsAsTheyArrive(t *testing.T) {
	release := make(chan struct{})
	b, _ := streamBackend(t, 4, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, streamEnvelope("Success", `<m:ConnectionStatus>OK</m:ConnectionStatus>`))
		io.WriteString(w, streamEnvelope("Success", notification("w1", "w2")+notification("w3")))
		http.NewResponseController(w).Flush()
		select { // the answer goes on; the events must come before it ends
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	var got []string
	first := true
	for ev, err := range b.Push(ctx, &odata.PushRequest{Path: odata.PathOf("contacts")}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Missed {
			if first {
				first = false // the subscription is live
				continue
			}
			t.Fatalf("Missed on a healthy stream: %+v", ev)
		}
		if got = append(got, ev.Watermark); len(got) == 2 {
			break
		}
	}
	if strings.Join(got, ",") != "w2,w3" {
		t.Errorf("watermarks %v, want the last of each notification: w2, w3", got)
	}
}

// A stream holds its connection for minutes: it must not hold one of the
// mailbox's request slots meanwhile.
func TestPushTakesNoRequestSlot(t *testing.T) {
	var open atomic.Int32
	both := make(chan struct{})
	b, _ := streamBackend(t, 1, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, streamEnvelope("Success", `<m:ConnectionStatus>OK</m:ConnectionStatus>`))
		http.NewResponseController(w).Flush()
		if open.Add(1) == 2 {
			close(both)
		}
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan struct{}, 2)
	for range 2 {
		go func() {
			for range b.Push(ctx, &odata.PushRequest{Path: odata.PathOf("mailFolders/{}/messages", "inbox")}) {
			}
			done <- struct{}{}
		}()
	}
	select {
	case <-both:
	case <-time.After(5 * time.Second):
		t.Fatalf("%d of 2 streams open with one request slot: a stream holds the slot", open.Load())
	}
	cancel()
	<-done
	<-done
}

// FuzzStreamedEnvelopes reads arbitrary bytes as a GetStreamingEvents
// answer: it never panics, ends, and keeps what it holds bounded by what
// it read.
func FuzzStreamedEnvelopes(f *testing.F) {
	f.Add([]byte(streamEnvelope("Success", `<m:ConnectionStatus>OK</m:ConnectionStatus>`) + streamEnvelope("Success", notification("a", "b")) +
		streamEnvelope("Success", `<m:ConnectionStatus>Closed</m:ConnectionStatus>`)))
	f.Add([]byte(streamEnvelope("Error", `<m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode><m:ErrorSubscriptionIds><m:SubscriptionId>x</m:SubscriptionId></m:ErrorSubscriptionIds>`)))
	f.Add([]byte(soapOpen + `<s:Fault><faultcode>a:ErrorServerBusy</faultcode><faultstring>busy</faultstring></s:Fault>` + soapClose))
	f.Add([]byte(streamEnvelope("Success", notification("a")) + "\n  " + streamEnvelope("Success", `<m:Notifications><m:Notification><t:StatusEvent><t:Watermark>s</t:Watermark></t:StatusEvent></m:Notification></m:Notifications>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		body := &envelopeLimit{r: bytes.NewReader(data)}
		x := newXMLReader(body, maxStreamToken)
		var buf []byte
		for i := 0; ; i++ {
			if i > len(data) {
				t.Fatalf("more envelopes (%d) than bytes (%d)", i, len(data))
			}
			a, err := nextEnvelope(x, body, &buf)
			if err != nil {
				return
			}
			n := 0
			for _, wm := range a.notes {
				n += len(wm)
			}
			if len(a.notes) > len(data)/10 || n > len(data) {
				t.Fatalf("%d notices holding %d bytes from %d bytes", len(a.notes), n, len(data))
			}
		}
	})
}

// The subscription's requests carry X-PreferServerAffinity, and the
// X-BackEndOverrideCookie the Subscribe answer set, which routes them to
// the Mailbox server holding the subscription.
func TestPushKeepsAffinity(t *testing.T) {
	got := make(chan string, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		cookie := ""
		if c, err := r.Cookie("X-BackEndOverrideCookie"); err == nil {
			cookie = c.Value
		}
		seen := r.Header.Get("X-PreferServerAffinity") + " " + r.Header.Get("X-AnchorMailbox") + " " + cookie
		switch {
		case bytes.Contains(body, []byte("<m:Subscribe>")):
			got <- "Subscribe " + seen
			http.SetCookie(w, &http.Cookie{Name: "X-BackEndOverrideCookie", Value: "MBX01~1942", Path: "/", HttpOnly: true})
			io.WriteString(w, subscribeAnswer("sub"))
		case bytes.Contains(body, []byte("<m:Unsubscribe>")):
			got <- "Unsubscribe " + seen
			io.WriteString(w, unsubscribeAnswer)
		default:
			got <- "GetStreamingEvents " + seen
			io.WriteString(w, streamEnvelope("Success", notification("w1")))
		}
	}))
	defer srv.Close()
	b, err := New(Config{URL: srv.URL + "/EWS/Exchange.asmx", Doer: srv.Client(), Mailbox: "bob@contoso.com", Access: AccessImpersonation})
	if err != nil {
		t.Fatal(err)
	}
	for ev, err := range b.Push(t.Context(), &odata.PushRequest{Path: odata.PathOf("mailFolders/{}/messages", "inbox")}) {
		if err != nil {
			t.Fatal(err)
		}
		if !ev.Missed { // past the first event, which says the subscription is live
			break
		}
	}
	close(got)
	var lines []string
	for l := range got {
		lines = append(lines, l)
	}
	want := []string{
		"Subscribe true bob@contoso.com ",
		"GetStreamingEvents true bob@contoso.com MBX01~1942",
		"Unsubscribe true bob@contoso.com MBX01~1942",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
