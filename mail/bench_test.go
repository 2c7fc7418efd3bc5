package mail_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// plainMessage is what a hand-written client would decode a message into:
// the same properties as mail.Message, with encoding/json.
type plainMessage struct {
	ID                      string    `json:"id"`
	ETag                    string    `json:"@odata.etag"`
	ChangeKey               string    `json:"changeKey"`
	Categories              []string  `json:"categories"`
	CreatedDateTime         time.Time `json:"createdDateTime"`
	LastModifiedDateTime    time.Time `json:"lastModifiedDateTime"`
	ReceivedDateTime        time.Time `json:"receivedDateTime"`
	SentDateTime            time.Time `json:"sentDateTime"`
	HasAttachments          bool      `json:"hasAttachments"`
	InternetMessageID       string    `json:"internetMessageId"`
	Subject                 string    `json:"subject"`
	BodyPreview             string    `json:"bodyPreview"`
	Importance              string    `json:"importance"`
	ParentFolderID          string    `json:"parentFolderId"`
	ConversationID          string    `json:"conversationId"`
	IsRead                  bool      `json:"isRead"`
	IsDraft                 bool      `json:"isDraft"`
	WebLink                 string    `json:"webLink"`
	InferenceClassification string    `json:"inferenceClassification"`
	Body                    struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	From         plainRecipient   `json:"from"`
	Sender       plainRecipient   `json:"sender"`
	ToRecipients []plainRecipient `json:"toRecipients"`
	CcRecipients []plainRecipient `json:"ccRecipients"`
	ReplyTo      []plainRecipient `json:"replyTo"`
	Flag         struct {
		FlagStatus string `json:"flagStatus"`
	} `json:"flag"`
}

type plainRecipient struct {
	EmailAddress struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"emailAddress"`
}

type plainPage struct {
	Value    []plainMessage `json:"value"`
	NextLink string         `json:"@odata.nextLink"`
}

// token gets a token for resource from the fake issuer, as a plain program
// would: app-only for Graph; for an on-premises host, which takes delegated
// tokens only, the user's, through a device code the fake approves at once.
func token(b *testing.B, hc *http.Client, resource string) string {
	const tokenURL = "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token"
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"11111111-2222-3333-4444-555555555555"},
		"client_secret": {"s"}, "scope": {resource + "/.default"}}
	if resource != "https://graph.microsoft.com" {
		var dc struct {
			DeviceCode string `json:"device_code"`
		}
		postJSON(b, hc, "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/devicecode",
			url.Values{"client_id": {form.Get("client_id")}, "scope": {resource + "/.default"}}, &dc)
		form = url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {form.Get("client_id")}, "device_code": {dc.DeviceCode}}
	}
	var t struct {
		AccessToken string `json:"access_token"`
	}
	postJSON(b, hc, tokenURL, form, &t)
	if t.AccessToken == "" {
		b.Fatal("no token")
	}
	return t.AccessToken
}

// postJSON posts form and decodes the JSON answer into v.
func postJSON(b *testing.B, hc *http.Client, u string, form url.Values, v any) {
	resp, err := hc.PostForm(u, form)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		b.Fatalf("%s: %v", u, err)
	}
}

// BenchmarkListMessages lists a 1000-message folder in pages of 100
// through the SDK and through plain net/http + encoding/json, against the
// same fake server, in both dialects.
func BenchmarkListMessages(b *testing.B) {
	for _, d := range []struct {
		name, resource, first string
		loc                   servicetest.Location
	}{
		{"graph", "https://graph.microsoft.com", "https://graph.microsoft.com/v1.0/users/" + cloudAddr + "/mailFolders/inbox/messages?$top=100", cloud},
		{"v2", "https://" + onPremHost, "https://" + onPremHost + "/api/v2.0/users/" + onPremAddr + "/MailFolders/inbox/messages?$top=100", rest},
	} {
		e := newEnv(b, d.loc)
		seedInbox(e.Box, 1000)
		q := &odata.Query{Top: 100}
		b.Run(d.name+"/sdk", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range e.MB.Mail.ListMessages(b.Context(), mail.Inbox, q) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 1000 {
					b.Fatalf("%d messages", n)
				}
			}
		})
		hc := e.Srv.Client()
		tok := token(b, hc, d.resource)
		b.Run(d.name+"/plain", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for link := d.first; link != ""; {
					req, _ := http.NewRequestWithContext(b.Context(), "GET", link, nil)
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Accept", "application/json")
					resp, err := hc.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					var p plainPage
					err = json.NewDecoder(resp.Body).Decode(&p)
					io.Copy(io.Discard, resp.Body) // let the connection be reused
					resp.Body.Close()
					if err != nil || resp.StatusCode != 200 {
						b.Fatalf("%d: %v", resp.StatusCode, err)
					}
					n += len(p.Value)
					link = p.NextLink
				}
				if n != 1000 {
					b.Fatalf("%d messages", n)
				}
			}
		})
	}
}

// pageHost serves a collection of total messages in pages of page, all
// pages rendered once, so that the server (in the same process) allocates
// next to nothing and the heap measured is the client's.
type pageHost struct {
	total, page int
	body        []byte // `{"value":[...]` of one page, without the closing brace
}

func newPageHost(total, page int) *pageHost {
	var sb strings.Builder
	sb.WriteString(`{"value":[`)
	for i := range page {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, benchMessage, i, i)
	}
	sb.WriteString(`]`)
	return &pageHost{total: total, page: page, body: []byte(sb.String())}
}

func (h *pageHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	skip, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
	w.Header().Set("Content-Type", "application/json")
	w.Write(h.body)
	if end := skip + h.page; end < h.total {
		fmt.Fprintf(w, `,"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages?$skiptoken=%d"`, end)
	}
	w.Write([]byte(`}`))
}

const benchMessage = `{"@odata.etag":"W/\"CQAAABYAAAARn2vdzPFjSbaPPxzjlzOTAAASsKZz\"","id":"AAMkADNkNAAASq35xAAA-%d","createdDateTime":"2026-03-02T09:00:00Z","lastModifiedDateTime":"2026-03-02T09:00:00Z","changeKey":"CQAAABYAAAARn2vdzPFjSbaPPxzjlzOTAAASsKZz","categories":[],"receivedDateTime":"2026-03-02T09:00:00Z","sentDateTime":"2026-03-02T09:00:00Z","hasAttachments":false,"internetMessageId":"<abc@contoso.com>","subject":"Message number %d","bodyPreview":"The group represents Nevada.","importance":"normal","parentFolderId":"AAMkADcbAAAAAAEJAAA=","conversationId":"AAQkADOUpag6yWs=","isDeliveryReceiptRequested":false,"isReadReceiptRequested":false,"isRead":true,"isDraft":false,"webLink":"https://outlook.office365.com/owa/?ItemID=AAMkADMGAAA%%3D&exvsurl=1&viewmodel=ReadMessageItem","inferenceClassification":"focused","body":{"contentType":"html","content":"<html><body><p>The group represents Nevada, and plays on Saturday at the hall on Main Street.</p></body></html>"},"sender":{"emailAddress":{"name":"Adele Vance","address":"adelev@contoso.com"}},"from":{"emailAddress":{"name":"Adele Vance","address":"adelev@contoso.com"}},"toRecipients":[{"emailAddress":{"name":"Alex Wilber","address":"alexw@contoso.com"}}],"ccRecipients":[],"bccRecipients":[],"replyTo":[],"flag":{"flagStatus":"notFlagged"}}`

// peakHeap lists total messages in pages of page through the SDK and
// returns the peak HeapInuse growth over the baseline, sampled every 100
// messages, and the heap one decoded page takes.
func peakHeap(tb testing.TB, total, page int) (peak, live, onePage uint64) {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddHost("graph.microsoft.com", newPageHost(total, page))
	// The SDK's own transport (retries, limits, the response size cap), as
	// the root package builds it, over the fake's connections.
	tr, err := transport.New(transport.Config{HTTPClient: srv.Client()})
	if err != nil {
		tb.Fatal(err)
	}
	oc, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph,
		oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}), odata.WithDoer(tr))
	if err != nil {
		tb.Fatal(err)
	}
	svc := mail.NewService(oc)
	var ms runtime.MemStats
	// One page held, to know what "a page" weighs.
	if _, err := svc.ListMessagesPage(tb.Context(), "", nil); err != nil { // warm the pools
		tb.Fatal(err)
	}
	// Two collections empty the pools' victim caches too, so that a pooled
	// buffer freed during the measurement cannot cancel out the page.
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	p, err := svc.ListMessagesPage(tb.Context(), "", nil)
	if err != nil {
		tb.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	onePage = ms.HeapAlloc - min(before, ms.HeapAlloc)
	runtime.KeepAlive(p)
	p = nil

	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, liveBase := ms.HeapInuse, ms.HeapAlloc
	n := 0
	for m, err := range svc.ListMessages(tb.Context(), "", nil) {
		if err != nil {
			tb.Fatal(err)
		}
		if n++; n%100 == 0 {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > base && ms.HeapInuse-base > peak {
				peak = ms.HeapInuse - base
			}
		}
		if n%page == page/2 {
			// Mid-page, what is still reachable: the live data.
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > liveBase && ms.HeapAlloc-liveBase > live {
				live = ms.HeapAlloc - liveBase
			}
		}
		_ = m
	}
	if n != total {
		tb.Fatalf("listed %d of %d", n, total)
	}
	return peak, live, onePage
}

// BenchmarkIterate100k reports the peak heap growth while iterating
// 100,000 messages in pages of 1000, in bytes and in pages.
func BenchmarkIterate100k(b *testing.B) {
	for b.Loop() {
		peak, live, page := peakHeap(b, 100_000, 1000)
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		b.ReportMetric(float64(live)/(1<<20), "live-MiB")
		b.ReportMetric(float64(page)/(1<<20), "page-MiB")
		b.ReportMetric(float64(peak)/float64(page), "peak/page")
	}
}

// Memory while iterating depends on the page size, not on the total.
func TestIterationHeapIsBoundedByPages(t *testing.T) {
	if testing.Short() {
		t.Skip("lists 100,000 messages")
	}
	small, _, page := peakHeap(t, 10_000, 1000)
	large, live, _ := peakHeap(t, 100_000, 1000)
	t.Logf("peak HeapInuse growth: %.1f MiB over 10k messages, %.1f MiB over 100k; peak live %.1f MiB; one decoded page %.1f MiB",
		float64(small)/(1<<20), float64(large)/(1<<20), float64(live)/(1<<20), float64(page)/(1<<20))
	// Live: the page the caller is on plus the raw body of the next one.
	if limit := 3*page + raceSlack*page; live > limit {
		t.Errorf("%d bytes live while iterating, more than %d (%d-byte pages)", live, limit, page)
	}
	// HeapInuse adds what the collector has not reclaimed yet (GOGC=100
	// lets the heap reach twice the live data) and the decoder's growth.
	if limit := 9*page + raceSlack*page; large > limit {
		t.Errorf("iterating 100k messages grew the heap by %d bytes, more than %d (%d-byte pages)", large, limit, page)
	}
	if large > small+small/2+page {
		t.Errorf("the heap grew with the total: %d bytes for 10k messages, %d for 100k", small, large)
	}
}

// BenchmarkListMessagesPrerendered is BenchmarkListMessages against pages
// rendered once, so that the server's work (in the same process) does not
// drown the client's: 1000 messages in pages of 100, Graph dialect.
func BenchmarkListMessagesPrerendered(b *testing.B) {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddHost("graph.microsoft.com", newPageHost(1000, 100))
	hc := srv.Client()
	oc, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph,
		oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}), odata.WithDoer(hc))
	if err != nil {
		b.Fatal(err)
	}
	svc := mail.NewService(oc)
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range svc.ListMessages(b.Context(), "", nil) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 1000 {
				b.Fatalf("%d messages", n)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for link := "https://graph.microsoft.com/v1.0/me/messages"; link != ""; {
				req, _ := http.NewRequestWithContext(b.Context(), "GET", link, nil)
				req.Header.Set("Authorization", "Bearer t")
				req.Header.Set("Accept", "application/json")
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var p plainPage
				err = json.NewDecoder(resp.Body).Decode(&p)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				n += len(p.Value)
				link = p.NextLink
			}
			if n != 1000 {
				b.Fatalf("%d messages", n)
			}
		}
	})
}
