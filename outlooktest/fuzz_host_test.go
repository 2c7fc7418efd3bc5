package outlooktest

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
)

// The whole front door, with any request line: it answers or drops, never panics.
func FuzzServeHTTP(f *testing.F) {
	srv := NewServer(WithAppOnlyOnPremises())
	f.Cleanup(srv.Close)
	srv.AddMailbox("alice@contoso.com", Cloud)
	srv.AddMailbox("bob@contoso.com", OnPremises("mail.contoso.com"))
	// Tokens straight from the issuer, so that fuzzed paths reach the REST
	// handlers behind authentication too.
	far := time.Now().Add(24 * time.Hour)
	tid := srv.TenantID("contoso.com")
	perms := []string{"Mail.ReadWrite", "Mail.Send", "Calendars.ReadWrite", "Contacts.ReadWrite"}
	tokens := []string{
		srv.issuer.Mint(issuer.Principal{Audience: hosts.GraphResource, User: "alice@contoso.com", ClientID: "c", TenantID: tid, Scopes: perms}, far),
		srv.issuer.Mint(issuer.Principal{Audience: "https://mail.contoso.com", User: "bob@contoso.com", ClientID: "c", TenantID: tid, Scopes: perms}, far),
		srv.issuer.Mint(issuer.Principal{Audience: hosts.GraphResource, AppOnly: true, ClientID: "c", TenantID: tid, Scopes: perms}, far),
	}
	// An upload session, so that fuzzed chunks reach it.
	alice := srv.Mailbox("alice@contoso.com")
	alice.Add("messages", Object{"id": "M", "subject": "upload"})
	open := httptest.NewRecorder()
	srv.ServeHTTP(open, (&http.Request{Method: "POST", Host: "graph.microsoft.com", URL: &url.URL{Path: "/v1.0/me/messages/M/attachments/createUploadSession"},
		Header: http.Header{"Authorization": {"Bearer " + tokens[0]}, "Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(`{"AttachmentItem":{"attachmentType":"file","name":"f","size":3145728}}`)), TLS: &tls.ConnectionState{}}).WithContext(f.Context()))
	var session struct{ UploadURL string }
	if err := json.Unmarshal(open.Body.Bytes(), &session); err != nil || open.Code != http.StatusCreated {
		f.Fatalf("createUploadSession: %d %s", open.Code, open.Body)
	}
	upload, _ := url.Parse(session.UploadURL)
	for _, s := range [][3]string{
		{"PUT", "outlook.office.com", upload.RequestURI()},
		{"GET", "outlook.office.com", upload.RequestURI()},
		{"PATCH", "graph.microsoft.com", "/v1.0/me/mailboxSettings"},
		{"GET", "graph.microsoft.com", "/v1.0/me/messages/M/$value"},
		{"GET", "graph.microsoft.com", "/v1.0/me"},
		{"GET", "autodiscover-s.outlook.com", "/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest"},
		{"POST", "login.microsoftonline.com", "/contoso.com/oauth2/v2.0/token"},
		{"GET", "login.microsoftonline.com", "/common/discovery/instance?authorization_endpoint=%zz"},
		{"GET", "mail.contoso.com", "/api/v2.0/me"},
		{"GET", "contoso.com", "/autodiscover/autodiscover.json?Email=&Protocol="},
		{"GET", "unknown.example:8443", "/"},
		{"A", "0", "A: 0000"},
		{"GET", "graph.microsoft.com", "/v1.0/me/mailFolders/inbox/messages?$filter=isRead eq false&$orderby=receivedDateTime desc&$top=2"},
		{"GET", "mail.contoso.com", "/api/v2.0/me/MailFolders/Inbox/messages?$select=Subject&$search=\"x\""},
		{"GET", "graph.microsoft.com", "/v1.0/users/alice@contoso.com/calendarView?startDateTime=2024-01-01T00:00:00Z&endDateTime=2024-02-01T00:00:00Z"},
		{"POST", "graph.microsoft.com", "/v1.0/$batch"},
		{"GET", "graph.microsoft.com", "/v1.0/me/mailFolders/inbox/messages/delta"},
	} {
		for tok := range uint8(4) {
			f.Add(s[0], s[1], s[2], tok, `{"subject":"x","requests":[{"id":"1","method":"GET","url":"/me/messages"}]}`)
		}
	}
	f.Fuzz(func(t *testing.T, method, host, target string, tok uint8, body string) {
		if !validMethod(method) || strings.ContainsAny(host, " \r\n\t") {
			return
		}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		ct := "application/json"
		if strings.HasPrefix(host, "login.") {
			ct, body = "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=c&client_secret=s&scope="+url.QueryEscape(body)
		}
		header := http.Header{"Content-Type": {ct}}
		if tok%4 != 0 {
			header.Set("Authorization", "Bearer "+tokens[tok%4-1])
		}
		r := (&http.Request{
			Method: method, URL: u, Host: host, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        header,
			Body:          io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)),
			TLS:           &tls.ConnectionState{},
		}).WithContext(t.Context())
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code < 100 || w.Code > 599 {
			t.Fatalf("%s %s%s: status %d", method, host, target, w.Code)
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
