package transport

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/internal/transport/transporttest"
)

const (
	apiOrigin = "https://api.contoso.test"
	apiPath   = "/v1.0/me/sendMail"
	apiToken  = "Bearer SECRET-TOKEN"
	apiBody   = `{"message":{"subject":"SECRET-BODY"}}`
)

// TestRedirectRule sends a read and a write to a server that redirects
// with every redirect status to every kind of target: a request is followed
// only when it is a read and the target is the same https origin; anything
// else stops with a *RedirectError naming the target, and the target
// receives nothing (no token, no body, no request at all).
func TestRedirectRule(t *testing.T) {
	t.Parallel()
	for _, status := range transporttest.RedirectStatuses {
		for _, target := range transporttest.Targets(apiOrigin, apiPath) {
			for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
				t.Run(fmt.Sprintf("%d %s %s", status, target.Kind, method), func(t *testing.T) {
					t.Parallel()
					checkRedirect(t, status, target, method)
				})
			}
		}
	}
}

func checkRedirect(t *testing.T, status int, target transporttest.Target, method string) {
	n := transporttest.NewNet()
	n.Handle(apiOrigin, transporttest.Redirector(status, target.Location, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "moved content")
	})))
	c, _ := newTestClient(t, Config{HTTPClient: n.Client()})
	var body io.Reader
	if method != "GET" {
		body = strings.NewReader(apiBody)
	}
	req, _ := http.NewRequestWithContext(t.Context(), method, apiOrigin+apiPath, body)
	req.Header.Set("Authorization", apiToken)
	resp, err := c.Do(req)
	follow := !target.Foreign && method == "GET"
	if follow {
		if err != nil {
			t.Fatalf("Do: %v; a GET redirected within its origin should be followed", err)
		}
		if got := readAll(t, resp); got != "moved content" {
			t.Errorf("body %q, want the redirect target's", got)
		}
		if got := len(n.Received(apiOrigin)); got != 2 {
			t.Errorf("origin received %d requests, want 2", got)
		}
		return
	}
	if err == nil {
		got := readAll(t, resp)
		t.Fatalf("Do = %d %q, want a *RedirectError", resp.StatusCode, got)
	}
	re, ok := errors.AsType[*RedirectError](err)
	if !ok {
		t.Fatalf("Do error %v is not a *RedirectError", err)
	}
	if re.Status != status || re.Location == "" {
		t.Errorf("RedirectError = %+v, want status %d and the target", re, status)
	}
	if wantHost := hostOf(t, target.Location); !strings.Contains(re.Location, wantHost) || !strings.Contains(err.Error(), wantHost) {
		t.Errorf("error %q does not name the target host %q", err, wantHost)
	}
	if strings.Contains(err.Error(), "pass@") {
		t.Errorf("error %q shows the target's user info", err)
	}
	// Nothing reached the target, nor went twice to the origin.
	for _, o := range n.Origins() {
		if o != transporttest.Origin(apiOrigin) {
			t.Errorf("%s received %d requests: %+v", o, len(n.Received(o)), n.Received(o))
		}
	}
	if got := len(n.Received(apiOrigin)); got != 1 {
		t.Errorf("origin received %d requests, want 1 (no retry, no resend)", got)
	}
}

func hostOf(t *testing.T, loc string) string {
	t.Helper()
	u, err := url.Parse(apiOrigin + apiPath)
	if err != nil {
		t.Fatal(err)
	}
	v, err := u.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return v.Host
}

// TestGuard checks that Guard gives a client the rule without changing the
// one it copies, for the clients the SDK hands to others (sign-in).
func TestGuard(t *testing.T) {
	t.Parallel()
	n := transporttest.NewNet()
	n.Handle(apiOrigin, transporttest.Redirector(http.StatusTemporaryRedirect, "https://evil.example/token", nil))
	base := n.Client()
	hc := Guard(base)
	if base.CheckRedirect != nil {
		t.Fatal("Guard changed the client it was given")
	}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", apiOrigin+"/token", strings.NewReader("client_secret=SECRET"))
	_, err := hc.Do(req)
	if _, ok := errors.AsType[*RedirectError](err); !ok {
		t.Fatalf("guarded client: err = %v, want a *RedirectError", err)
	}
	if got := n.Received("https://evil.example"); len(got) != 0 {
		t.Errorf("the redirect target received %+v", got)
	}
	if Guard(nil) == nil {
		t.Error("Guard(nil) = nil, want a guarded default client")
	}
}
