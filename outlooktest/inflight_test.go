package outlooktest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
)

// MaxInFlight counts, per mailbox, the requests at the fake at once, under
// every spelling of the mailbox in the path, faulted ones included.
func TestMaxInFlight(t *testing.T) {
	const alice, bob = "alice@contoso.com", "bob@contoso.com"
	srv := NewServer(WithAppOnlyOnPremises())
	t.Cleanup(srv.Close)
	srv.AddMailbox(alice, Cloud)
	srv.AddMailbox(bob, OnPremises("mail.contoso.com"))
	far := time.Now().Add(time.Hour)
	tid := srv.TenantID("contoso.com")
	app := srv.issuer.Mint(issuer.Principal{Audience: hosts.GraphResource, AppOnly: true, ClientID: "c", TenantID: tid}, far)
	user := srv.issuer.Mint(issuer.Principal{Audience: hosts.GraphResource, User: alice, ClientID: "c", TenantID: tid}, far)
	onprem := srv.issuer.Mint(issuer.Principal{Audience: "https://mail.contoso.com", AppOnly: true, ClientID: "c", TenantID: tid}, far)
	if srv.MaxInFlight(alice) != 0 {
		t.Fatalf("MaxInFlight before any request = %d", srv.MaxInFlight(alice))
	}

	// Requests held at the fake by a latency fault until the test lets go.
	srv.Inject(Fault{Path: "/users/*/messages", Latency: time.Hour})
	srv.Inject(Fault{Path: "/users(*)/messages", Latency: time.Hour})
	srv.Inject(Fault{Path: "/me/messages", Latency: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	send := func(u, token string) {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if resp, err := srv.Client().Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	for _, u := range []string{
		"https://graph.microsoft.com/v1.0/users/" + alice + "/messages",
		"https://graph.microsoft.com/v1.0/users/ALICE@contoso.com/messages",
		"https://graph.microsoft.com/v1.0/users/" + ids.User(alice) + "/messages",
		"https://graph.microsoft.com/v1.0/users('" + alice + "')/messages",
	} {
		send(u, app)
	}
	send("https://graph.microsoft.com/v1.0/me/messages", user)
	send("https://graph.microsoft.com/v1.0/me/messages", user)
	send("https://mail.contoso.com/api/v2.0/Users('"+bob+"')/Messages", onprem)
	send("https://mail.contoso.com/api/v2.0/users/"+bob+"/messages", onprem)
	testutil.WaitFor(t, "8 requests in flight", func() bool { return srv.MaxInFlight(alice) == 6 && srv.MaxInFlight(bob) == 2 })
	time.Sleep(50 * time.Millisecond)
	if a, b := srv.MaxInFlight(alice), srv.MaxInFlight(strings.ToUpper(bob)); a != 6 || b != 2 {
		t.Errorf("MaxInFlight = %d for %s, %d for %s; want 6 and 2", a, alice, b, bob)
	}
	cancel()
	wg.Wait()
	srv.ClearFaults()

	// The peak stays after the requests end, until ResetRequests.
	if got := srv.MaxInFlight(alice); got != 6 {
		t.Errorf("MaxInFlight after the requests ended = %d; want the peak, 6", got)
	}
	testutil.WaitFor(t, "the requests to leave", func() bool { srv.ResetRequests(); return srv.MaxInFlight(alice) == 0 && srv.MaxInFlight(bob) == 0 })
	for range 3 {
		if a := get(t, srv, "https://graph.microsoft.com/v1.0/users/"+alice+"/messages", app); a != http.StatusOK {
			t.Fatalf("GET = %d", a)
		}
	}
	if got := srv.MaxInFlight(alice); got != 1 {
		t.Errorf("MaxInFlight after three requests one after another = %d; want 1", got)
	}

	// A Graph $batch counts for the mailboxes its parts name, once each.
	srv.ResetRequests()
	body := `{"requests":[{"id":"1","method":"GET","url":"/users/` + alice + `/messages"},{"id":"2","method":"GET","url":"/users/` + alice + `/mailFolders"}]}`
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, "https://graph.microsoft.com/v1.0/$batch", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+app)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("$batch: %v, %v", resp, err)
	}
	resp.Body.Close()
	if got := srv.MaxInFlight(alice); got != 1 {
		t.Errorf("MaxInFlight after a $batch of two parts for %s = %d; want 1", alice, got)
	}
}

func get(t *testing.T, srv *Server, u, token string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// events is a ResponseWriter that records what happens to it, in order.
type events struct {
	h   http.Header
	log *[]string
}

func (e events) Header() http.Header  { return e.h }
func (e events) WriteHeader(code int) { *e.log = append(*e.log, "header") }
func (e events) Write(b []byte) (int, error) {
	*e.log = append(*e.log, "write "+string(b))
	return len(b), nil
}

// A request leaves the in-flight count before the last byte of a body of
// declared length is written, since a client that has the whole answer may
// send its next request before the handler returns.
func TestStatusWriterLeavesBeforeTheLastByte(t *testing.T) {
	for _, tc := range []struct {
		name   string
		length string // Content-Length declared; "" for none
		writes []string
		want   []string
	}{
		{"one write", "5", []string{"hello"}, []string{"header", "leave", "write hello"}},
		{"the last of three", "6", []string{"ab", "cd", "ef"}, []string{"header", "write ab", "write cd", "leave", "write ef"}},
		{"cut short", "10", []string{"abc"}, []string{"header", "write abc"}},
		{"no length", "", []string{"abc"}, []string{"header", "write abc"}},
	} {
		var log []string
		sw := &statusWriter{ResponseWriter: events{h: http.Header{}, log: &log}, beforeLast: func() { log = append(log, "leave") }}
		if tc.length != "" {
			sw.Header().Set("Content-Length", tc.length)
		}
		sw.WriteHeader(http.StatusOK)
		for _, w := range tc.writes {
			sw.Write([]byte(w))
		}
		if strings.Join(log, ", ") != strings.Join(tc.want, ", ") {
			t.Errorf("%s: %q; want %q", tc.name, log, tc.want)
		}
	}
}
