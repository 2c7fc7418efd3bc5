package transport_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/transport"
)

// A hanging request (a stream open for minutes) holds none of the
// Client's slots: with one slot, a request beside it still goes.
func TestHangingRequestTakesNoSlot(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first")
		http.NewResponseController(w).Flush()
		if r.URL.Path == "/stream" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := transport.New(transport.Config{HTTPClient: srv.Client(), MaxConcurrent: 1})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/stream", strings.NewReader("x"))
	if !transport.IsHanging(transport.MarkHanging(req)) || transport.IsHanging(req) {
		t.Fatal("MarkHanging marks a copy")
	}
	stream, err := c.Do(transport.MarkHanging(req))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	buf := make([]byte, 5)
	if _, err := io.ReadFull(stream.Body, buf); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	other, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/other", nil)
	resp, err := c.Do(other)
	if err != nil {
		t.Fatalf("beside a stream with one slot: %v", err)
	}
	resp.Body.Close()
}
