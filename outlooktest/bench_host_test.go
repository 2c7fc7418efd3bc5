package outlooktest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/exchangekit/outlook/outlooktest"
)

// BenchmarkClientMessagePage measures requests per second for a GET of a
// 100-message page through Server.Client: TLS, routing by host, fault check,
// bearer validation, request log and the REST handler, in each dialect.
// Two baselines separate the host layer's cost from the store's: the same
// page's bytes served through the same front door by a handler mounted with
// AddHost, and by a bare httptest TLS server.
func BenchmarkClientMessagePage(b *testing.B) {
	srv := newHybrid(b)
	for _, addr := range []string{cloudUser, onpremUser} {
		m := srv.Mailbox(addr)
		for i := range 100 {
			m.Add("messages", outlooktest.Object{
				"subject":      fmt.Sprint("message ", i),
				"body":         outlooktest.Object{"contentType": "html", "content": "<p>Hello, this is a message body.</p>"},
				"from":         outlooktest.Object{"emailAddress": outlooktest.Object{"name": "Pat", "address": "pat@contoso.com"}},
				"toRecipients": []outlooktest.Object{{"emailAddress": outlooktest.Object{"address": "alice@contoso.com"}}},
			})
		}
	}
	graphURL := "https://graph.microsoft.com/v1.0/users/" + cloudUser + "/mailFolders/inbox/messages?$top=100"
	graphTok := appToken(b, srv, "https://graph.microsoft.com")
	b.Run("graph", func(b *testing.B) {
		benchPage(b, srv.Client(), graphURL, graphTok)
	})
	b.Run("v2.0", func(b *testing.B) {
		benchPage(b, srv.Client(), "https://mail.contoso.com/api/v2.0/users/"+onpremUser+"/MailFolders/Inbox/messages?$top=100",
			appToken(b, srv, "https://mail.contoso.com"))
	})

	page := get(b, srv.Client(), graphURL, "Bearer "+graphTok).body
	static := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(page)
	})
	b.Run("front-door-static", func(b *testing.B) {
		srv.AddHost("static.example", static)
		benchPage(b, srv.Client(), "https://static.example/page", "")
	})
	b.Run("httptest-static", func(b *testing.B) {
		ts := httptest.NewTLSServer(static)
		b.Cleanup(ts.Close)
		benchPage(b, ts.Client(), ts.URL, "")
	})
}

func benchPage(b *testing.B, c *http.Client, u, token string) {
	b.Helper()
	b.ReportAllocs()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for b.Loop() {
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page struct{ Value []json.RawMessage }
		err = json.NewDecoder(resp.Body).Decode(&page)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || len(page.Value) != 100 {
			b.Fatalf("GET %s: %d, page of %d (%v); want 200 with 100 items", u, resp.StatusCode, len(page.Value), err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
