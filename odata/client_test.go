package odata_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/odata"
)

// message is a model shaped like mail.Message, with Graph names.
type message struct {
	ID               string      `json:"id,omitzero"`
	ETag             string      `json:"@odata.etag,omitzero"`
	Subject          string      `json:"subject,omitzero"`
	IsRead           bool        `json:"isRead,omitzero"`
	Importance       importance  `json:"importance,omitzero"`
	ReceivedDateTime time.Time   `json:"receivedDateTime,omitzero"`
	Body             *itemBody   `json:"body,omitzero"`
	From             *recipient  `json:"from,omitzero"`
	ToRecipients     []recipient `json:"toRecipients,omitzero"`
	Categories       []string    `json:"categories,omitzero"`
}

type itemBody struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

type recipient struct {
	EmailAddress emailAddress `json:"emailAddress"`
}

type emailAddress struct {
	Name    string `json:"name,omitzero"`
	Address string `json:"address"`
}

type messageUpdate struct {
	Subject    odata.Optional[string]     `json:"subject,omitzero"`
	IsRead     odata.Optional[bool]       `json:"isRead,omitzero"`
	Importance odata.Optional[importance] `json:"importance,omitzero"`
	Categories odata.Optional[[]string]   `json:"categories,omitzero"`
}

// The test models carry the package's schema fixture, as a model package's
// types carry their tables.
func (message) WireSchema() *odata.Schema       { return odata.FixtureSchema }
func (messageUpdate) WireSchema() *odata.Schema { return odata.FixtureSchema }

// fake is a small server of one mailbox in one dialect, enough to check what
// the client sends and how it reads the answers.
type fake struct {
	t        *testing.T
	srv      *httptest.Server
	v2       bool
	requests atomic.Int32
}

func newFake(t *testing.T, v2 bool, h func(f *fake, w http.ResponseWriter, r *http.Request)) (*fake, *odata.Client) {
	t.Helper()
	f := &fake{t: t, v2: v2}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			return
		}
		h(f, w, r)
	}))
	t.Cleanup(f.srv.Close)
	d, root := odata.Graph, f.srv.URL+"/v1.0"
	if v2 {
		d, root = odata.OutlookV2, f.srv.URL+"/api/v2.0"
	}
	c, err := odata.NewClient(root, d, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}),
		odata.WithMailbox("alice@contoso.com"), odata.WithDoer(f.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// prefix is the mailbox path prefix in the fake's dialect.
func (f *fake) prefix() string {
	if f.v2 {
		return "/api/v2.0/users/alice@contoso.com/"
	}
	return "/v1.0/users/alice@contoso.com/"
}

func (f *fake) json(w http.ResponseWriter, status int, graph, v2 string) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	w.WriteHeader(status)
	if f.v2 {
		io.WriteString(w, v2)
	} else {
		io.WriteString(w, graph)
	}
}

func bothDialects(t *testing.T, fn func(t *testing.T, v2 bool)) {
	for _, v2 := range []bool{false, true} {
		name := "graph"
		if v2 {
			name = "v2"
		}
		t.Run(name, func(t *testing.T) { fn(t, v2) })
	}
}

func TestGet(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		f, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			if r.URL.EscapedPath() != f.prefix()+"messages/AAMk%2Fa==" {
				t.Errorf("path = %s", r.URL.EscapedPath())
			}
			if v2 && r.Header.Get("X-AnchorMailbox") != "alice@contoso.com" {
				t.Errorf("X-AnchorMailbox = %q", r.Header.Get("X-AnchorMailbox"))
			}
			if got := r.Header.Values("Prefer"); strings.Join(got, "|") != `outlook.timezone="Pacific Standard Time"|outlook.body-content-type="text"` {
				t.Errorf("Prefer = %q", got)
			}
			f.json(w, 200,
				`{"@odata.etag":"W/\"CQ\"","id":"AAMk/a==","subject":"Hi","isRead":true,"importance":"high","receivedDateTime":"2024-05-02T09:12:44Z","body":{"contentType":"html","content":"<p>x</p>"},"from":{"emailAddress":{"name":"Lee","address":"lee@corp.example"}},"categories":["Red"]}`,
				`{"@odata.id":"https://x/api/v2.0/Users('alice@contoso.com')/Messages('AAMk/a==')","@odata.etag":"W/\"CQ\"","Id":"AAMk/a==","Subject":"Hi","IsRead":true,"Importance":"High","ReceivedDateTime":"2024-05-02T09:12:44Z","Body":{"ContentType":"HTML","Content":"<p>x</p>"},"From":{"EmailAddress":{"Name":"Lee","Address":"lee@corp.example"}},"Categories":["Red"]}`)
		})
		m, err := odata.Get[message](t.Context(), c, odata.PathOf("messages/{}", "AAMk/a=="), &odata.Query{Prefer: odata.Prefer{TimeZone: "Pacific Standard Time", BodyType: odata.BodyTypeText}})
		if err != nil {
			t.Fatal(err)
		}
		want := message{ID: "AAMk/a==", ETag: `W/"CQ"`, Subject: "Hi", IsRead: true, Importance: "high",
			ReceivedDateTime: time.Date(2024, 5, 2, 9, 12, 44, 0, time.UTC), Body: &itemBody{"html", "<p>x</p>"},
			From: &recipient{emailAddress{"Lee", "lee@corp.example"}}, Categories: []string{"Red"}}
		if !reflect.DeepEqual(*m, want) {
			t.Errorf("Get = %+v\nwant %+v", *m, want)
		}
		if f.requests.Load() != 1 {
			t.Errorf("%d requests", f.requests.Load())
		}
	})
}

func TestCreateUpdateDeleteAction(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		_, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			p := strings.TrimPrefix(r.URL.Path, f.prefix())
			switch r.Method + " " + p {
			case "POST messages":
				want := `{"subject":"Q3","importance":"high","body":{"contentType":"html","content":"<p>See</p>"},"toRecipients":[{"emailAddress":{"address":"lee@corp.example"}}]}`
				if v2 {
					want = `{"Subject":"Q3","Importance":"High","Body":{"ContentType":"HTML","Content":"<p>See</p>"},"ToRecipients":[{"EmailAddress":{"Address":"lee@corp.example"}}]}`
				}
				if string(body) != want || r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("create body = %s (%s)\nwant %s", body, r.Header.Get("Content-Type"), want)
				}
				f.json(w, 201, `{"id":"new","subject":"Q3"}`, `{"Id":"new","Subject":"Q3"}`)
			case "PATCH messages/new":
				want := `{"isRead":true,"categories":null}`
				if v2 {
					want = `{"IsRead":true,"Categories":null}`
				}
				if string(body) != want || r.Header.Get("If-Match") != `W/"1"` {
					t.Errorf("update body = %s, If-Match %q; want %s", body, r.Header.Get("If-Match"), want)
				}
				f.json(w, 200, `{"id":"new","isRead":true}`, `{"Id":"new","IsRead":true}`)
			case "DELETE messages/new":
				w.WriteHeader(204)
			case "POST messages/new/move":
				want := `{"destinationId":"archive"}`
				if v2 {
					want = `{"DestinationId":"archive"}`
				}
				if string(body) != want {
					t.Errorf("move body = %s, want %s", body, want)
				}
				f.json(w, 201, `{"id":"moved"}`, `{"Id":"moved"}`)
			case "POST messages/new/send":
				if len(body) != 0 {
					t.Errorf("send body = %q", body)
				}
				w.WriteHeader(202)
			case "POST sendMail", "POST sendmail":
				if v2 != (p == "sendmail") {
					t.Errorf("path %s in dialect v2=%v", p, v2)
				}
				w.WriteHeader(202)
			default:
				t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
				w.WriteHeader(500)
			}
		})
		ctx := t.Context()
		m, err := odata.Create[message](ctx, c, odata.PathOf("messages"), &message{Subject: "Q3", Importance: "high",
			Body: &itemBody{"html", "<p>See</p>"}, ToRecipients: []recipient{{emailAddress{Address: "lee@corp.example"}}}})
		if err != nil || m.ID != "new" {
			t.Fatalf("Create = %+v, %v", m, err)
		}
		m, err = odata.Update[message](ctx, c, odata.PathOf("messages/{}", m.ID), messageUpdate{IsRead: odata.Set(true), Categories: odata.Null[[]string]()}, `W/"1"`)
		if err != nil || !m.IsRead {
			t.Fatalf("Update = %+v, %v", m, err)
		}
		moved, err := odata.Invoke[message](ctx, c, odata.PathOf("messages/{}/move", "new"), map[string]string{"destinationId": "archive"})
		if err != nil || moved.ID != "moved" {
			t.Fatalf("Invoke = %+v, %v", moved, err)
		}
		if err := odata.Action(ctx, c, odata.PathOf("messages/{}/send", "new"), nil); err != nil {
			t.Fatal(err)
		}
		if err := odata.Action(ctx, c, odata.PathOf("sendMail"), map[string]any{"message": message{Subject: "x"}}); err != nil {
			t.Fatal(err)
		}
		if err := odata.Delete(ctx, c, odata.PathOf("messages/{}", "new"), ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestListPaging(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		const total, pageSize = 25, 10
		_, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			skip := 0
			fmt.Sscan(r.URL.Query().Get("$skip"), &skip)
			if r.URL.Query().Get("$select") == "" {
				t.Errorf("page request lost the query: %s", r.URL)
			}
			var items []string
			for i := skip; i < min(skip+pageSize, total); i++ {
				if v2 {
					items = append(items, fmt.Sprintf(`{"Id":"m%d","Subject":"s%d"}`, i, i))
				} else {
					items = append(items, fmt.Sprintf(`{"id":"m%d","subject":"s%d"}`, i, i))
				}
			}
			next := ""
			if skip+pageSize < total {
				next = fmt.Sprintf(`,"@odata.nextLink":"%s%s?%s&$skip=%d"`, f.srv.URL, r.URL.Path, "$select=subject", skip+pageSize)
			}
			body := `{"value":[` + strings.Join(items, ",") + `]` + next + `}`
			f.json(w, 200, body, body)
		})
		q := &odata.Query{Select: odata.Fields(subject)}
		var got []string
		for m, err := range odata.List[message](t.Context(), c, odata.PathOf("mailFolders/{}/messages", "inbox"), q) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, m.ID)
		}
		if len(got) != total || got[0] != "m0" || got[total-1] != fmt.Sprintf("m%d", total-1) {
			t.Fatalf("listed %d items: %v", len(got), got)
		}
	})
}

func TestListBreakStopsRequests(t *testing.T) {
	f, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
		f.json(w, 200, `{"value":[{"id":"a"},{"id":"b"}],"@odata.nextLink":"`+f.srv.URL+`/v1.0/users/alice@contoso.com/messages?$skip=2"}`, "")
	})
	n := 0
	for _, err := range odata.List[message](t.Context(), c, odata.PathOf("messages"), nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 3 {
			break
		}
	}
	if got := f.requests.Load(); got != 2 {
		t.Errorf("%d requests after breaking on the 3rd item, want 2", got)
	}
}

func TestForeignNextLinkRefused(t *testing.T) {
	var foreign atomic.Int32
	evil := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { foreign.Add(1) }))
	defer evil.Close()
	for _, link := range []string{evil.URL + "/v1.0/users/x/messages", "http://" + strings.TrimPrefix(evil.URL, "https://") + "/v1.0/x", "/relative", "https://user:pw@127.0.0.1/v1.0/x"} {
		_, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
			f.json(w, 200, `{"value":[{"id":"a"}],"@odata.nextLink":"`+link+`"}`, "")
		})
		var err error
		for _, err = range odata.List[message](t.Context(), c, odata.PathOf("messages"), nil) {
		}
		if !errors.Is(err, odata.ErrForeignLink) {
			t.Errorf("nextLink %q: err = %v, want ErrForeignLink", link, err)
		}
	}
	if foreign.Load() != 0 {
		t.Errorf("%d requests reached the foreign host", foreign.Load())
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name     string
		status   int
		header   map[string]string
		body     string
		sentinel error
		code     string
		inner    string
	}{
		{"not found", 404, nil, `{"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store.","innerError":{"date":"2024-05-02T09:12:44","request-id":"r1","client-request-id":"c1"}}}`, odata.ErrNotFound, "ErrorItemNotFound", ""},
		{"throttled", 429, map[string]string{"Retry-After": "7"}, `{"error":{"code":"ApplicationThrottled","message":"Application is over its MailboxConcurrency limit."}}`, odata.ErrThrottled, "ApplicationThrottled", ""},
		{"throttled 503", 503, nil, `{"error":{"code":"ApplicationThrottled","message":"x"}}`, odata.ErrThrottled, "ApplicationThrottled", ""},
		{"precondition", 412, nil, `{"error":{"code":"ErrorIrresolvableConflict","message":"changed"}}`, odata.ErrPreconditionFailed, "ErrorIrresolvableConflict", ""},
		{"nested inner", 403, nil, `{"error":{"code":"ErrorAccessDenied","message":"no","innererror":{"code":"x","innerError":{"code":"DeepCode"}}}}`, odata.ErrForbidden, "ErrorAccessDenied", "DeepCode"},
		{"sync gone", 400, nil, `{"error":{"code":"resyncRequired","message":"again"}}`, odata.ErrGone, "resyncRequired", ""},
		{"html", 500, nil, `<html><body>Server Error</body></html>`, nil, "", ""},
		{"empty 401", 401, nil, ``, odata.ErrUnauthorized, "", ""},
		{"v3 message", 409, nil, `{"error":{"code":"c","message":{"lang":"en","value":"conflict!"}}}`, odata.ErrConflict, "c", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			_, err := odata.Get[message](t.Context(), c, odata.PathOf("messages/{}", "x"), nil)
			oe, ok := errors.AsType[*odata.Error](err)
			if !ok {
				t.Fatalf("err = %v, want *odata.Error", err)
			}
			if oe.StatusCode != tc.status || oe.Code != tc.code || oe.InnerCode != tc.inner {
				t.Errorf("error = %+v", oe)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.sentinel)
			}
			if tc.name == "throttled" && oe.RetryAfter != 7*time.Second {
				t.Errorf("RetryAfter = %v", oe.RetryAfter)
			}
			if tc.name == "not found" && (oe.RequestID != "r1" || oe.ClientRequestID != "c1" || oe.Date.IsZero()) {
				t.Errorf("ids = %q %q %v", oe.RequestID, oe.ClientRequestID, oe.Date)
			}
			if strings.Contains(err.Error(), "tok") {
				t.Errorf("error text holds the token: %v", err)
			}
		})
	}
}

func TestNonJSONSuccessIsAnError(t *testing.T) {
	_, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>sign in</html>")
	})
	if _, err := odata.Get[message](t.Context(), c, odata.PathOf("messages/{}", "x"), nil); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("err = %v", err)
	}
}

func TestBadInputRejectedBeforeAnyRequest(t *testing.T) {
	f, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) { t.Errorf("request sent: %s", r.URL) })
	ctx := t.Context()
	for name, err := range map[string]error{
		"empty id":     func() error { _, err := odata.Get[message](ctx, c, odata.PathOf("messages/{}", ""), nil); return err }(),
		"dot dot":      func() error { _, err := odata.Get[message](ctx, c, odata.PathOf("messages/{}", ".."), nil); return err }(),
		"missing id":   func() error { _, err := odata.Get[message](ctx, c, odata.PathOf("messages/{}"), nil); return err }(),
		"extra id":     func() error { _, err := odata.Get[message](ctx, c, odata.PathOf("messages", "x"), nil); return err }(),
		"empty path":   func() error { _, err := odata.Get[message](ctx, c, odata.PathOf(""), nil); return err }(),
		"double slash": func() error { _, err := odata.Get[message](ctx, c, odata.PathOf("a//b"), nil); return err }(),
	} {
		if !errors.Is(err, odata.ErrInvalidPath) {
			t.Errorf("%s: err = %v, want ErrInvalidPath", name, err)
		}
	}
	_, err := odata.Get[message](ctx, c, odata.PathOf("messages"), &odata.Query{Top: -1})
	if !errors.Is(err, odata.ErrInvalidQuery) {
		t.Errorf("Top -1: err = %v", err)
	}
	if f.requests.Load() != 0 {
		t.Errorf("%d requests sent", f.requests.Load())
	}
}

func TestNewClientValidates(t *testing.T) {
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})
	for _, root := range []string{"http://graph.microsoft.com/v1.0", "https://", "https://h/x?q=1", "::"} {
		if _, err := odata.NewClient(root, odata.Graph, ts); err == nil {
			t.Errorf("NewClient(%q) succeeded", root)
		}
	}
	if _, err := odata.NewClient("https://h/v1.0", nil, ts); err == nil {
		t.Error("nil dialect accepted")
	}
	if _, err := odata.NewClient("https://h/v1.0", odata.Graph, nil); err == nil {
		t.Error("nil token source accepted")
	}
	if _, err := odata.NewClient("https://h/v1.0", odata.Graph, ts, odata.WithMailbox("a/b@c")); err == nil {
		t.Error("mailbox with a slash accepted")
	}
}

func TestTokenErrorStopsTheCall(t *testing.T) {
	f, _ := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {})
	c, err := odata.NewClient(f.srv.URL+"/v1.0", odata.Graph, failingSource{}, odata.WithDoer(f.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = odata.Get[message](context.Background(), c, odata.PathOf("messages"), nil)
	if err == nil || !strings.Contains(err.Error(), "token") || f.requests.Load() != 0 {
		t.Errorf("err = %v, requests %d", err, f.requests.Load())
	}
}

type failingSource struct{}

func (failingSource) Token() (*oauth2.Token, error) { return nil, errors.New("no credentials") }

func TestOptionalJSON(t *testing.T) {
	u := messageUpdate{Subject: odata.Set("x"), Importance: odata.Null[importance]()}
	b, err := json.Marshal(u) // encoding/json honours omitzero and IsZero too
	if err != nil || string(b) != `{"subject":"x","importance":null}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var back messageUpdate
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if v, ok := back.Subject.Get(); !ok || v != "x" || !back.Importance.IsNull() || !back.IsRead.IsZero() {
		t.Errorf("Unmarshal = %+v", back)
	}
}

func TestURLShape(t *testing.T) {
	var got []string
	_, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.RequestURI())
		f.json(w, 200, `{"value":[]}`, "")
	})
	ctx := t.Context()
	odata.ListPage[message](ctx, c, odata.PathOf("messages"), nil)
	odata.ListPage[message](ctx, c, odata.PathOf("messages"), &odata.Query{Top: 5})
	odata.ListPage[message](ctx, c, odata.PathOf("calendarView"), &odata.Query{Top: 5})
	want := []string{"/v1.0/users/alice@contoso.com/messages", "/v1.0/users/alice@contoso.com/messages?$top=5", "/v1.0/users/alice@contoso.com/calendarView?$top=5"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("URLs = %q\nwant %q", got, want)
	}
}

func TestAcceptHeader(t *testing.T) {
	var got []string
	_, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
		got = append(got, strings.Join(r.Header.Values("Accept"), ","))
		w.WriteHeader(204)
	})
	ctx := t.Context()
	c.Do(ctx, &odata.Request{Method: "GET", Path: odata.PathOf("messages")})
	c.Do(ctx, &odata.Request{Method: "GET", Path: odata.PathOf("messages/{}/$value", "x"), Header: http.Header{"Accept": {"*/*"}}})
	if strings.Join(got, " ") != "application/json */*" {
		t.Errorf("Accept headers = %q", got)
	}
}

func TestReencodeWhatWasDecoded(t *testing.T) {
	// A name repeated inside unknown data, and invalid UTF-8, decode
	// leniently; sending the value back must not fail.
	type loose struct {
		Subject string         `json:"subject"`
		Extra   map[string]any `json:"extra"`
	}
	_, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" {
			f.json(w, 200, "{\"subject\":\"caf\xe9\",\"extra\":{\"a\":1,\"a\":2}}", "")
			return
		}
		w.WriteHeader(202)
	})
	v, err := odata.Get[loose](t.Context(), c, odata.PathOf("messages/{}", "x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := odata.Action(t.Context(), c, odata.PathOf("messages/{}/send", "x"), v); err != nil {
		t.Errorf("re-sending a decoded value: %v", err)
	}
}

func TestGetEmptyAnswerIsAnError(t *testing.T) {
	_, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	m, err := odata.Get[message](t.Context(), c, odata.PathOf("messages/{}", "x"), nil)
	if m != nil || !errors.Is(err, odata.ErrEmptyResponse) {
		t.Errorf("Get = %v, %v; want ErrEmptyResponse", m, err)
	}
}
