package outlook_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/internal/transport/transporttest"
	"github.com/exchangekit/outlook/odata"
)

// redirectingLogin stands in front of a fake tenant: it answers the token
// request (the POST that carries the client secret) with a redirect, and
// plays every foreign host the redirect may name, recording what reached it
// and answering with a token, as a thief would.
type redirectingLogin struct {
	base     http.RoundTripper
	status   int
	location string
	foreign  map[string]bool // origins of the targets
	mu       sync.Mutex
	reached  []string // what the foreign hosts received
}

func (rt *redirectingLogin) RoundTrip(r *http.Request) (*http.Response, error) {
	o := transporttest.Origin(r.URL.String())
	if o == "https://login.microsoftonline.com" && r.URL.User == nil && r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/token") && r.URL.RawQuery == "" {
		return &http.Response{StatusCode: rt.status, Header: http.Header{"Location": {rt.location}}, Body: http.NoBody, Request: r}, nil
	}
	if rt.foreign[o] || r.URL.RawQuery == "moved=1" {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
		}
		rt.mu.Lock()
		rt.reached = append(rt.reached, fmt.Sprintf("%s %s %q", r.Method, r.URL, body))
		rt.mu.Unlock()
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
			Body: io.NopCloser(strings.NewReader(`{"token_type":"Bearer","access_token":"stolen","expires_in":3600}`))}, nil
	}
	return rt.base.RoundTrip(r)
}

// TestSignInRedirects: a token request redirected anywhere (every redirect
// status, every kind of target, the same origin included: it is a POST)
// fails with *odata.RedirectError, and the client secret goes nowhere else.
func TestSignInRedirects(t *testing.T) {
	srv := hybrid(t)
	const login = "https://login.microsoftonline.com"
	for _, status := range transporttest.RedirectStatuses {
		for _, target := range transporttest.Targets(login, "/contoso.com/oauth2/v2.0/token") {
			t.Run(fmt.Sprintf("%d %s", status, target.Kind), func(t *testing.T) {
				t.Parallel()
				foreign := map[string]bool{}
				for _, tg := range transporttest.Targets(login, "/") {
					if tg.Origin != transporttest.Origin(login) {
						foreign[tg.Origin] = true
					}
				}
				rt := &redirectingLogin{base: srv.Client().Transport, status: status, location: target.Location, foreign: foreign}
				c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, secret), outlook.WithHTTPClient(&http.Client{Transport: rt}))
				if err != nil {
					t.Fatal(err)
				}
				mb, err := c.Mailbox(t.Context(), "alice@contoso.com")
				if err != nil {
					t.Fatal(err)
				}
				_, err = inboxSubjects(t.Context(), mb)
				var re *odata.RedirectError
				if !errors.As(err, &re) || re.Status != status {
					t.Fatalf("listing with a redirected sign-in: %v; want an *odata.RedirectError for %d", err, status)
				}
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q holds the client secret", err)
				}
				rt.mu.Lock()
				defer rt.mu.Unlock()
				if len(rt.reached) > 0 {
					t.Errorf("the redirect target received %q", rt.reached)
				}
			})
		}
	}
}
