package odata_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/odata"
)

// TestErrorText: what a caller reads of an *odata.Error. A throttling error
// says its Retry-After; a Retry-After date is read by the client's clock;
// an unrecognised body is kept, truncated, out of the text.
func TestErrorText(t *testing.T) {
	t.Parallel()
	clock := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name, retryAfter, body string
		status                 int
		wantText               string
		wantAfter              time.Duration
		wantBody               int // bytes kept
	}{
		{"throttled", "30", `{"error":{"code":"ApplicationThrottled","message":"Application is over its MailboxConcurrency limit."}}`, 429,
			"odata: GET /v1.0/me/messages/x: 429 ApplicationThrottled: Application is over its MailboxConcurrency limit. (retry after 30s)", 30 * time.Second, 0},
		{"throttled until a date, by the client's clock", clock.Add(42 * time.Second).Format(http.TimeFormat), `{"error":{"code":"ApplicationThrottled","message":"slow down"}}`, 429,
			"odata: GET /v1.0/me/messages/x: 429 ApplicationThrottled: slow down (retry after 42s)", 42 * time.Second, 0},
		{"unavailable", "5", `{"error":{"code":"ServiceUnavailable","message":"try later"}}`, 503,
			"odata: GET /v1.0/me/messages/x: 503 ServiceUnavailable: try later (retry after 5s)", 5 * time.Second, 0},
		{"not throttled", "", `{"error":{"code":"ErrorItemNotFound","message":"gone"}}`, 404,
			"odata: GET /v1.0/me/messages/x: 404 ErrorItemNotFound: gone", 0, 0},
		{"html page", "", "<html><body>Bad Gateway</body></html>", 502,
			"odata: GET /v1.0/me/messages/x: 502: Bad Gateway", 0, len("<html><body>Bad Gateway</body></html>")},
		{"huge text", "", strings.Repeat("z", 50<<10), 500,
			"odata: GET /v1.0/me/messages/x: 500: Internal Server Error", 0, 4 << 10},
		{"json of another shape", "", `{"message":"no"}`, 400,
			"odata: GET /v1.0/me/messages/x: 400: Bad Request", 0, len(`{"message":"no"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			c, err := odata.NewClient(srv.URL+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}),
				odata.WithDoer(srv.Client()), odata.WithClock(func() time.Time { return clock }))
			if err != nil {
				t.Fatal(err)
			}
			_, err = odata.Get[message](t.Context(), c, odata.PathOf("messages/x"), nil)
			oe, ok := errors.AsType[*odata.Error](err)
			if !ok {
				t.Fatalf("err = %v, want *odata.Error", err)
			}
			if err.Error() != tt.wantText {
				t.Errorf("text = %q\nwant   %q", err.Error(), tt.wantText)
			}
			if oe.RetryAfter != tt.wantAfter || len(oe.Body) != tt.wantBody {
				t.Errorf("RetryAfter %v, %d body bytes kept; want %v, %d", oe.RetryAfter, len(oe.Body), tt.wantAfter, tt.wantBody)
			}
		})
	}
}

// TestErrorPrefixes: errors from the transport and from a batch carry one
// "odata: " and name the request once, without its URL's query.
func TestErrorPrefixes(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	tr, err := transport.New(transport.Config{Retry: transport.RetryPolicy{MaxAttempts: 2, MinBackoff: 1, MaxBackoff: 1}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := odata.NewClient("https://"+addr+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), odata.WithDoer(tr))
	if err != nil {
		t.Fatal(err)
	}
	_, err = odata.ListPage[message](t.Context(), c, odata.PathOf("messages"), &odata.Query{Top: 5})
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	text := err.Error()
	if !strings.HasPrefix(text, "odata: GET /v1.0/me/messages: after 2 attempts: ") || strings.Count(text, "odata:") != 1 ||
		strings.Contains(text, "transport:") || strings.Contains(text, "$top") || strings.Contains(text, `Get "`) {
		t.Errorf("error text %q: want one prefix, the request once, no query", text)
	}

	b := c.NewBatch()
	b.Add(&odata.Request{Method: "GET", Path: odata.PathOf("messages/{}", "a")})
	res, err := b.Send(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if text := res[0].Err.Error(); !strings.HasPrefix(text, "odata: batch request 0: POST /v1.0/$batch: ") || strings.Count(text, "odata:") != 1 {
		t.Errorf("batch item error %q: want one prefix", text)
	}
}

// TestThrottledBeyondDeadline: a Retry-After longer than the context has
// left comes back at once as ErrThrottled carrying the delay, not as a
// context error once the deadline passed.
func TestThrottledBeyondDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		attempts := 0
		rt := roundTripper{doerFunc(func(r *http.Request) (*http.Response, error) {
			attempts++
			return &http.Response{StatusCode: 429, Request: r, Header: http.Header{"Retry-After": {"60"}, "Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(`{"error":{"code":"ApplicationThrottled","message":"over the limit"}}`))}, nil
		})}
		tr, err := transport.New(transport.Config{HTTPClient: &http.Client{Transport: rt}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), odata.WithDoer(tr))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		start := time.Now()
		err = odata.Action(ctx, c, odata.PathOf("sendMail"), map[string]string{"subject": "hi"})
		elapsed := time.Since(start)
		oe, ok := errors.AsType[*odata.Error](err)
		if !errors.Is(err, odata.ErrThrottled) || !ok || oe.RetryAfter != time.Minute || elapsed != 0 || attempts != 1 {
			t.Fatalf("Action = %v after %v and %d attempts; want ErrThrottled with Retry-After 1m at once, 1 attempt", err, elapsed, attempts)
		}
		t.Logf("%v after %v, %d attempt", err, elapsed, attempts)
	})
}
