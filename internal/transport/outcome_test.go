package transport

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A change whose connection breaks after it could have reached the server,
// or whose answer breaks off, fails with ErrOutcomeUnknown and is not sent
// again; a read, or a change refused before a byte left, does not say so.
func TestOutcomeUnknown(t *testing.T) {
	t.Parallel()
	hijackClose := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		conn, _, _ := http.NewResponseController(w).Hijack()
		conn.Close()
	}
	halfBody := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"AAMk`)
		w.(http.Flusher).Flush()
		conn, _, _ := http.NewResponseController(w).Hijack()
		conn.Close()
	}
	for _, tc := range []struct {
		name     string
		method   string
		handler  http.HandlerFunc
		dead     bool // nobody listens: the dial fails
		wantSent int
		unknown  bool
	}{
		{"POST, connection lost after the request", http.MethodPost, hijackClose, false, 1, true},
		{"POST, answer broken off", http.MethodPost, halfBody, false, 1, true},
		{"POST, refused at dial", http.MethodPost, nil, true, 0, false},
		{"GET, connection lost: sent again, then spent", http.MethodGet, hijackClose, false, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu = make(chan struct{}, 1)
			n := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu <- struct{}{}
				n++
				<-mu
				tc.handler(w, r)
			}))
			url := srv.URL
			if tc.dead {
				l, _ := net.Listen("tcp", "127.0.0.1:0")
				url = "http://" + l.Addr().String()
				l.Close()
			}
			t.Cleanup(srv.Close)
			c, _ := newTestClient(t, Config{Retry: RetryPolicy{MaxAttempts: 2}})
			req, _ := http.NewRequestWithContext(t.Context(), tc.method, url+"/v1.0/me/sendMail", strings.NewReader(`{"message":{}}`))
			resp, err := c.Do(req)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, ErrOutcomeUnknown); got != tc.unknown {
				t.Errorf("errors.Is(%v, ErrOutcomeUnknown) = %v, want %v", err, got, tc.unknown)
			}
			mu <- struct{}{}
			sent := n
			<-mu
			if sent != tc.wantSent {
				t.Errorf("the server saw %d requests, want %d", sent, tc.wantSent)
			}
		})
	}
}
