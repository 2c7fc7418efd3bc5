package outlooktest_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest"
)

const messagesURL = "https://graph.microsoft.com/v1.0/users/" + cloudUser + "/messages"

func TestFaultStatuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		fault      outlooktest.Fault
		url        string
		wantStatus int
		wantRetry  string
		wantBody   string
	}{
		{"throttled", outlooktest.Fault{Path: "/users/*/messages", Status: 429, RetryAfter: 1500 * time.Millisecond},
			messagesURL, 429, "2", `{"error":{"code":"ApplicationThrottled","innerError":`},
		{"500", outlooktest.Fault{Host: "graph.microsoft.com", Status: 500}, messagesURL, 500, "", `"code":"InternalServerError"`},
		{"503 with retry", outlooktest.Fault{Status: 503, RetryAfter: 3 * time.Second}, messagesURL, 503, "3", `"code":"ServiceUnavailable"`},
		{"504", outlooktest.Fault{Method: "GET", Path: "/v1.0/users", Status: 504}, messagesURL, 504, "", `"code":"GatewayTimeout"`},
		{"custom code", outlooktest.Fault{Status: 409, Code: "ErrorIrresolvableConflict", Message: "changed"}, messagesURL, 409, "",
			`"message":"changed"}}`},
		{"v2.0 path under the same pattern", outlooktest.Fault{Path: "/users/*/messages", Status: 429},
			"https://mail.contoso.com/api/v2.0/users/" + onpremUser + "/messages", 429, "", `"ApplicationThrottled"`},
		{"issuer", outlooktest.Fault{Host: "login.microsoftonline.com", Status: 503},
			"https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration", 503, "",
			`{"error":"ServiceUnavailable","error_description":"outlooktest: injected fault: 503 ServiceUnavailable"}`},
		{"autodiscover", outlooktest.Fault{Host: "autodiscover-s.outlook.com", Status: 500},
			"https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/" + cloudUser + "?Protocol=Rest", 500, "",
			`{"ErrorCode":"InternalServerError","ErrorMessage":"outlooktest: injected fault: 500 InternalServerError"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newHybrid(t)
			tok := appToken(t, srv, "https://graph.microsoft.com")
			srv.Inject(tc.fault)
			a := get(t, srv.Client(), tc.url, "Bearer "+tok)
			if a.status != tc.wantStatus || a.header.Get("Retry-After") != tc.wantRetry || !strings.Contains(string(a.body), tc.wantBody) {
				t.Errorf("GET %s = %d Retry-After %q %s; want %d %q containing %s", tc.url, a.status, a.header.Get("Retry-After"), a.body, tc.wantStatus, tc.wantRetry, tc.wantBody)
			}
			log := srv.Requests()
			if last := log[len(log)-1]; !last.FaultApplied || last.Status != tc.wantStatus {
				t.Errorf("request log: %+v; want FaultApplied and status %d", last, tc.wantStatus)
			}
		})
	}
}

// statuses sends n GETs and returns their statuses (0 for a transport error).
func statuses(t *testing.T, c *http.Client, method, u, token string, n int) []int {
	t.Helper()
	out := make([]int, n)
	for i := range out {
		req, _ := http.NewRequestWithContext(t.Context(), method, u, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(req)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		out[i] = resp.StatusCode
	}
	return out
}

func TestFaultScope(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		fault  outlooktest.Fault
		method string
		want   []int
	}{
		{"after and times", outlooktest.Fault{Path: "/users/*/messages", After: 1, Times: 2, Status: 429}, "GET", []int{200, 429, 429, 200, 200}},
		{"forever", outlooktest.Fault{Path: "/users/*/messages", Status: 503}, "GET", []int{503, 503, 503}},
		{"other method", outlooktest.Fault{Method: "POST", Status: 503}, "GET", []int{200, 200}},
		{"other host", outlooktest.Fault{Host: "mail.contoso.com", Status: 503}, "GET", []int{200, 200}},
		{"other path", outlooktest.Fault{Path: "/users/*/events", Status: 503}, "GET", []int{200, 200}},
		{"glob needs the whole path", outlooktest.Fault{Path: "/users/*", Status: 503}, "GET", []int{200, 200}},
		{"prefix", outlooktest.Fault{Path: "/USERS/", Status: 503}, "GET", []int{503}},
		{"latency only", outlooktest.Fault{Latency: time.Millisecond}, "GET", []int{200, 200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newHybrid(t)
			tok := appToken(t, srv, "https://graph.microsoft.com")
			srv.Inject(tc.fault)
			if got := statuses(t, srv.Client(), tc.method, messagesURL, tok, len(tc.want)); !slices.Equal(got, tc.want) {
				t.Errorf("statuses %v; want %v", got, tc.want)
			}
		})
	}
}

func TestFaultOrderAndClear(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	tok := appToken(t, srv, "https://graph.microsoft.com")
	srv.Inject(outlooktest.Fault{Path: "/users/*/messages", Times: 1, Status: 429})
	srv.Inject(outlooktest.Fault{Path: "/users/*/messages", Status: 503})
	if got := statuses(t, srv.Client(), "GET", messagesURL, tok, 3); !slices.Equal(got, []int{429, 503, 503}) {
		t.Errorf("statuses %v; want the first fault, then the second", got)
	}
	srv.ClearFaults()
	if got := statuses(t, srv.Client(), "GET", messagesURL, tok, 1); got[0] != 200 {
		t.Errorf("after ClearFaults: %v; want 200", got)
	}
}

func TestFaultRate(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []int {
		srv := newHybrid(t, outlooktest.WithFaultSeed(seed))
		tok := appToken(t, srv, "https://graph.microsoft.com")
		srv.Inject(outlooktest.Fault{Host: "graph.microsoft.com", Rate: 0.3, Status: 503})
		return statuses(t, srv.Client(), "GET", messagesURL, tok, 200)
	}
	a, b, c := run(7), run(7), run(8)
	failed := 0
	for _, s := range a {
		if s == 503 {
			failed++
		}
	}
	if failed < 30 || failed > 90 {
		t.Errorf("rate 0.3 failed %d of 200 requests", failed)
	}
	if !slices.Equal(a, b) {
		t.Error("the same seed gave different sequences")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds gave the same sequence")
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	tok := appToken(t, srv, "https://graph.microsoft.com")
	srv.Inject(outlooktest.Fault{Path: "/users/*/messages", Latency: 120 * time.Millisecond, Status: 503})
	start := time.Now()
	got := statuses(t, srv.Client(), "GET", messagesURL, tok, 1)
	if d := time.Since(start); d < 120*time.Millisecond || got[0] != 503 {
		t.Errorf("%v after %v; want 503 after at least 120ms", got, d)
	}
	// The client giving up ends the wait.
	srv.ClearFaults()
	srv.Inject(outlooktest.Fault{Latency: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", messagesURL, nil)
	start = time.Now()
	if _, err := srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled request: %v after %v", err, time.Since(start))
	}
}

func TestFaultDropsAndTruncation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault outlooktest.Fault
		check func(t *testing.T, resp *http.Response, err error)
	}{
		{"drop before body", outlooktest.Fault{DropBeforeBody: true}, func(t *testing.T, resp *http.Response, err error) {
			if err == nil {
				t.Errorf("got %d; want a transport error", resp.StatusCode)
			}
		}},
		{"drop after body", outlooktest.Fault{DropAfterBody: true}, func(t *testing.T, resp *http.Response, err error) {
			if err == nil {
				t.Errorf("got %d; want a transport error", resp.StatusCode)
			}
		}},
		{"truncate the real answer", outlooktest.Fault{TruncateBody: true}, func(t *testing.T, resp *http.Response, err error) {
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			_, rerr := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !errors.Is(rerr, io.ErrUnexpectedEOF) {
				t.Errorf("%d, read error %v; want 200 and an unexpected EOF", resp.StatusCode, rerr)
			}
		}},
		{"truncate a fault's answer", outlooktest.Fault{Status: 503, TruncateBody: true}, func(t *testing.T, resp *http.Response, err error) {
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, rerr := io.ReadAll(resp.Body)
			if resp.StatusCode != 503 || !errors.Is(rerr, io.ErrUnexpectedEOF) || len(b) == 0 {
				t.Errorf("%d, %d bytes, read error %v; want 503, half a body and an unexpected EOF", resp.StatusCode, len(b), rerr)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newHybrid(t)
			tok := appToken(t, srv, "https://graph.microsoft.com")
			srv.Inject(tc.fault)
			req, _ := http.NewRequestWithContext(t.Context(), "GET", messagesURL, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := srv.Client().Do(req)
			tc.check(t, resp, err)
			// The entry of this request, not merely the last one: the log
			// holds the token request too.
			var last outlooktest.Request
			for _, e := range srv.Requests() {
				if e.Host == "graph.microsoft.com" && strings.HasSuffix(e.Path, "/messages") {
					last = e
				}
			}
			if !last.FaultApplied {
				t.Errorf("request log %+v: want FaultApplied", last)
			}
			if (tc.fault.DropBeforeBody || tc.fault.DropAfterBody) && last.Status != 0 {
				t.Errorf("request log status %d; want 0 for a dropped connection", last.Status)
			}
		})
	}
}

// rawConn opens a TLS connection to host through the server's dialer, for
// tests that need to see what happens on the wire.
func rawConn(t *testing.T, srv *outlooktest.Server, host string) *tls.Conn {
	t.Helper()
	c, err := srv.Transport().DialContext(t.Context(), "tcp", host+":443")
	if err != nil {
		t.Fatal(err)
	}
	tc := tls.Client(c, &tls.Config{ServerName: host, RootCAs: srv.CACertPool(), NextProtos: []string{"http/1.1"}})
	t.Cleanup(func() { tc.Close() })
	if err := tc.HandshakeContext(t.Context()); err != nil {
		t.Fatal(err)
	}
	return tc
}

// closedWithin reports whether the server closes conn within d without
// sending anything.
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) bool {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(d))
	n, err := conn.Read(make([]byte, 1))
	if n > 0 {
		t.Fatalf("the server answered %d bytes; want no answer", n)
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return false
	}
	return true
}

// DropBeforeBody closes as soon as the headers arrive; DropAfterBody waits
// for the whole body first.
func TestFaultDropTiming(t *testing.T) {
	t.Parallel()
	const body = `{"subject":"x"}`
	headers := fmt.Sprintf("POST /v1.0/users/%s/messages HTTP/1.1\r\nHost: graph.microsoft.com\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", cloudUser, len(body))
	for _, tc := range []struct {
		name            string
		fault           outlooktest.Fault
		closedOnHeaders bool
	}{
		{"before", outlooktest.Fault{DropBeforeBody: true}, true},
		{"after", outlooktest.Fault{DropAfterBody: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newHybrid(t)
			srv.Inject(tc.fault)
			conn := rawConn(t, srv, "graph.microsoft.com")
			if _, err := io.WriteString(conn, headers); err != nil {
				t.Fatal(err)
			}
			// Closing is awaited generously; staying open is watched for half a second.
			wait := 500 * time.Millisecond
			if tc.closedOnHeaders {
				wait = 5 * time.Second
			}
			if got := closedWithin(t, conn, wait); got != tc.closedOnHeaders {
				t.Fatalf("closed after the headers alone: %v; want %v", got, tc.closedOnHeaders)
			}
			if tc.closedOnHeaders {
				return
			}
			if _, err := io.WriteString(conn, body); err != nil {
				t.Fatal(err)
			}
			if !closedWithin(t, conn, 5*time.Second) {
				t.Fatal("the connection stayed open after the body")
			}
		})
	}
}

// The truncated answer declares its full length and stops half way.
func TestFaultTruncationOnTheWire(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	srv.Inject(outlooktest.Fault{Host: "autodiscover-s.outlook.com", TruncateBody: true})
	conn := rawConn(t, srv, "autodiscover-s.outlook.com")
	fmt.Fprintf(conn, "GET /autodiscover/autodiscover.json/v1.0/%s?Protocol=Rest HTTP/1.1\r\nHost: autodiscover-s.outlook.com\r\n\r\n", cloudUser)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) || int64(len(b)) != resp.ContentLength/2 {
		t.Errorf("read %d of %d bytes (%v); want half, then an unexpected EOF", len(b), resp.ContentLength, err)
	}
}

func TestInjectPanicsOnMalformedFaults(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for name, f := range map[string]outlooktest.Fault{
		"nothing to do":  {Path: "/x"},
		"negative after": {After: -1, Status: 500},
		"negative times": {Times: -1, Status: 500},
		"rate above 1":   {Rate: 1.5, Status: 500},
		"rate below 0":   {Rate: -0.1, Status: 500},
		"bad status":     {Status: 42},
		"both drops":     {DropBeforeBody: true, DropAfterBody: true},
		"bad glob":       {Path: "/users/[", Status: 500},
		"negative delay": {Latency: -time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r, ok := recover().(string); !ok || !strings.HasPrefix(r, "outlooktest: Inject: ") {
					t.Errorf("recovered %q; want an Inject panic", r)
				}
			}()
			srv.Inject(f)
		})
	}
}

// DropAfterHeaders sends the status line and headers, declaring the full
// length, and closes before the body: the client sees the answer begin and
// its body end at once.
func TestFaultDropAfterHeadersOnTheWire(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	tok := appToken(t, srv, "https://graph.microsoft.com")
	srv.Inject(outlooktest.Fault{Host: "graph.microsoft.com", DropAfterHeaders: true})
	conn := rawConn(t, srv, "graph.microsoft.com")
	fmt.Fprintf(conn, "GET /v1.0/users/%s/messages HTTP/1.1\r\nHost: graph.microsoft.com\r\nAuthorization: Bearer %s\r\n\r\n", cloudUser, tok)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.ContentLength <= 0 || len(b) != 0 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("%d, Content-Length %d, read %d bytes (%v); want 200, the full length declared, no body and an unexpected EOF",
			resp.StatusCode, resp.ContentLength, len(b), err)
	}
	if got := lastGraphEntry(srv); !got.FaultApplied || got.Status != 200 {
		t.Errorf("request log %+v; want FaultApplied and the status sent", got)
	}
}

// ShortBody cuts the body and declares the cut length: HTTP sees a complete
// answer (and the connection serves the next request), the JSON is cut.
func TestFaultShortBodyOnTheWire(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	tok := appToken(t, srv, "https://graph.microsoft.com")
	srv.Inject(outlooktest.Fault{Host: "graph.microsoft.com", Times: 1, ShortBody: true})
	conn := rawConn(t, srv, "graph.microsoft.com")
	br := bufio.NewReader(conn)
	var bodies [][]byte
	for range 2 {
		fmt.Fprintf(conn, "GET /v1.0/users/%s/messages HTTP/1.1\r\nHost: graph.microsoft.com\r\nAuthorization: Bearer %s\r\n\r\n", cloudUser, tok)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("answer %d: %v", len(bodies)+1, err)
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 || int64(len(b)) != resp.ContentLength {
			t.Fatalf("answer %d: %d, %d of %d bytes, %v; want 200 and the declared length", len(bodies)+1, resp.StatusCode, len(b), resp.ContentLength, err)
		}
		bodies = append(bodies, b)
	}
	short, whole := bodies[0], bodies[1]
	if json.Valid(short) || !json.Valid(whole) || len(short) != len(whole)/2 || !bytes.HasPrefix(whole, short) {
		t.Errorf("short body of %d bytes (valid JSON: %v), then the whole %d (valid: %v); want the first half, then all",
			len(short), json.Valid(short), len(whole), json.Valid(whole))
	}
}

func lastGraphEntry(srv *outlooktest.Server) outlooktest.Request {
	var last outlooktest.Request
	for _, e := range srv.Requests() {
		if e.Host == "graph.microsoft.com" {
			last = e
		}
	}
	return last
}
