package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// breaker serves content, cutting the connection after cut bytes on the
// requests listed in breaks (1-based), as a network that drops mid-body
// does. change, when set, alters the content from that request on.
type breaker struct {
	content string
	breaks  map[int]bool
	change  int
	chunked bool // no Content-Length: the break shows as a truncated chunk
	// closeDelimited answers without Content-Length or chunking, the end
	// marked by closing the connection: a break looks like a clean end.
	closeDelimited bool
	mu             sync.Mutex
	n              int
}

func (b *breaker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	b.n++
	n := b.n
	b.mu.Unlock()
	content := b.content
	if b.change > 0 && n >= b.change {
		content = strings.ToUpper(content[:10]) + content[10:]
	}
	if b.closeDelimited {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		if b.breaks[n] {
			content = content[:len(content)/2]
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n%s", content)
		buf.Flush()
		return
	}
	if !b.chunked {
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	}
	w.Header().Set("Content-Type", "application/json")
	if !b.breaks[n] {
		io.WriteString(w, content)
		return
	}
	cut := len(content) / 2
	io.WriteString(w, content[:cut])
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func (b *breaker) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n
}

func bigContent() string {
	var sb strings.Builder
	sb.WriteString(`{"value":[`)
	for i := range 2000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"m%04d","subject":"message %d"}`, i, i)
	}
	sb.WriteString(`]}`)
	return sb.String()
}

// TestDoResumesBodyOfGET: a GET whose connection drops mid-body is read to
// its end, each byte once, by sending it again and skipping what was read.
func TestDoResumesBodyOfGET(t *testing.T) {
	t.Parallel()
	content := bigContent()
	tests := []struct {
		name     string
		b        *breaker
		attempts int
		method   string
		wantErr  error // nil: the whole content
		wantN    int
	}{
		{name: "one break", b: &breaker{breaks: map[int]bool{1: true}}, attempts: 4, method: "GET", wantN: 2},
		{name: "one break, chunked", b: &breaker{breaks: map[int]bool{1: true}, chunked: true}, attempts: 4, method: "GET", wantN: 2},
		{name: "two breaks", b: &breaker{breaks: map[int]bool{1: true, 2: true}}, attempts: 4, method: "GET", wantN: 3},
		{name: "attempts run out", b: &breaker{breaks: map[int]bool{1: true, 2: true}}, attempts: 2, method: "GET", wantErr: io.ErrUnexpectedEOF, wantN: 2},
		{name: "content changed", b: &breaker{breaks: map[int]bool{1: true}, change: 2}, attempts: 4, method: "GET", wantErr: ErrBodyChanged, wantN: 2},
		{name: "not a GET", b: &breaker{breaks: map[int]bool{1: true}}, attempts: 4, method: "PUT", wantErr: io.ErrUnexpectedEOF, wantN: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.b.content = content
			srv := httptest.NewServer(tt.b)
			t.Cleanup(srv.Close)
			c, rec := newTestClient(t, Config{Retry: RetryPolicy{MaxAttempts: tt.attempts}, MaxConcurrent: 1})
			var body io.Reader
			if tt.method != "GET" {
				body = strings.NewReader("x")
			}
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+"/v1.0/me/messages/m/$value", body)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("reading: %v", err)
				}
				if string(got) != content {
					t.Fatalf("read %d bytes, not the %d-byte content once", len(got), len(content))
				}
			} else if !errors.Is(err, tt.wantErr) {
				t.Fatalf("reading = %v, want %v", err, tt.wantErr)
			}
			if n := tt.b.count(); n != tt.wantN {
				t.Errorf("server saw %d requests, want %d", n, tt.wantN)
			}
			if tt.wantN > 1 && len(rec.got()) != tt.wantN-1 {
				t.Errorf("waits %v, want %d backoffs", rec.got(), tt.wantN-1)
			}
			// The slot came back (MaxConcurrent 1).
			req2, _ := http.NewRequestWithContext(t.Context(), "HEAD", srv.URL, nil)
			if resp, err := c.Do(req2); err != nil {
				t.Errorf("Do after the body: %v", err)
			} else {
				resp.Body.Close()
			}
		})
	}
}

// TestReadSendsAgainWhenBodyBreaks: Read hands a fresh answer to the
// reader after a break, within the attempts the statuses use too.
func TestReadSendsAgainWhenBodyBreaks(t *testing.T) {
	t.Parallel()
	content := bigContent()
	for _, tt := range []struct {
		name     string
		statuses []int // before the breaking answers: 503s
		breaks   map[int]bool
		attempts int
		wantOK   bool
		wantN    int
	}{
		{"break then whole", nil, map[int]bool{1: true}, 4, true, 2},
		{"503, break, whole", []int{503}, map[int]bool{2: true}, 3, true, 3},
		{"503, break: attempts spent", []int{503}, map[int]bool{2: true}, 2, false, 2},
		{"cut short without a transport error", nil, map[int]bool{1: true}, 4, true, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := &breaker{content: content, breaks: tt.breaks, closeDelimited: strings.HasPrefix(tt.name, "cut short")}
			var mu sync.Mutex
			n := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n++
				k := n
				mu.Unlock()
				if k <= len(tt.statuses) {
					b.mu.Lock()
					b.n++
					b.mu.Unlock()
					w.WriteHeader(tt.statuses[k-1])
					return
				}
				b.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			c, _ := newTestClient(t, Config{Retry: RetryPolicy{MaxAttempts: tt.attempts}, MaxConcurrent: 1})
			req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/v1.0/me/messages", nil)
			var reads int
			var got []byte
			err := c.Read(req, func(resp *http.Response) error {
				reads++
				var buf bytes.Buffer
				if _, err := buf.ReadFrom(resp.Body); err != nil {
					return err
				}
				got = buf.Bytes()
				if !json.Valid(got) {
					return fmt.Errorf("decoding: %w", io.ErrUnexpectedEOF) // as a JSON decoder reports a document cut short
				}
				return nil
			})
			if tt.wantOK {
				if err != nil || string(got) != content {
					t.Fatalf("Read = %v with %d bytes, want the content", err, len(got))
				}
			} else if err == nil {
				t.Fatal("Read succeeded with its attempts spent")
			}
			if b.count() != tt.wantN {
				t.Errorf("server saw %d requests, want %d", b.count(), tt.wantN)
			}
		})
	}
}

// A read cut short because the caller's context ended fails with the
// context's error, which callers test for, not with the cut alone.
func TestReadCanceledMidBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"value":[`))
	}))
	t.Cleanup(srv.Close)
	c, _ := newTestClient(t, Config{Retry: RetryPolicy{MaxAttempts: 4}})
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1.0/me/messages", nil)
	reads := 0
	err := c.Read(req, func(resp *http.Response) error {
		reads++
		cancel()
		return fmt.Errorf("decoding: %w", io.ErrUnexpectedEOF)
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, io.ErrUnexpectedEOF) || reads != 1 {
		t.Fatalf("Read = %v after %d reads; want context.Canceled and the cut, one read", err, reads)
	}
}
