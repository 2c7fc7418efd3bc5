package transport

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// BenchmarkGET compares one small GET through Client.Do with plain
// http.Client.Do (bare, and sending the same three headers), and with
// retryablehttp's loop at its leanest (no logger, passthrough errors), all on
// one shared connection pool. The in-process server's allocations count too.
func BenchmarkGET(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"AAMkAGI2","subject":"hello"}`)
	}))
	defer srv.Close()
	base := srv.Client()
	base.Transport.(*http.Transport).MaxIdleConnsPerHost = 16

	run := func(b *testing.B, do func(*http.Request) (*http.Response, error)) {
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, srv.URL+"/v1.0/me/messages/AAMkAGI2", nil)
			if err != nil {
				b.Fatal(err)
			}
			resp, err := do(req)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	}

	b.Run("plain", func(b *testing.B) { run(b, base.Do) })
	// The headers Do adds cost allocations in net/http on both sides of the
	// wire whoever sets them; this isolates what the package itself adds.
	b.Run("plain+headers", func(b *testing.B) {
		ua := defaultUserAgent()
		run(b, func(req *http.Request) (*http.Response, error) {
			req.Header.Set("client-request-id", newUUID())
			req.Header.Set("return-client-request-id", "true")
			req.Header.Set("User-Agent", ua)
			return base.Do(req)
		})
	})
	b.Run("transport", func(b *testing.B) {
		c, err := New(Config{HTTPClient: base})
		if err != nil {
			b.Fatal(err)
		}
		run(b, c.Do)
	})
	b.Run("retryablehttp", func(b *testing.B) {
		rc := &retryablehttp.Client{
			HTTPClient:   base,
			Logger:       nil,
			RetryMax:     3,
			RetryWaitMin: DefaultMinBackoff,
			RetryWaitMax: DefaultMaxBackoff,
			CheckRetry:   retryablehttp.DefaultRetryPolicy,
			Backoff:      retryablehttp.DefaultBackoff,
			ErrorHandler: retryablehttp.PassthroughErrorHandler,
		}
		run(b, func(req *http.Request) (*http.Response, error) {
			rr, err := retryablehttp.FromRequest(req)
			if err != nil {
				return nil, err
			}
			return rc.Do(rr)
		})
	})
}

// BenchmarkGETInterleaved alternates GETs through plain http.Client.Do, plain
// Do sending the same three headers, and Client.Do in one loop, rotating
// their order every iteration so that the noise of a shared machine falls on
// all alike; it reports each one's time and Client.Do's ratios to the others.
func BenchmarkGETInterleaved(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"AAMkAGI2","subject":"hello"}`)
	}))
	defer srv.Close()
	base := srv.Client()
	base.Transport.(*http.Transport).MaxIdleConnsPerHost = 16
	c, err := New(Config{HTTPClient: base})
	if err != nil {
		b.Fatal(err)
	}
	ua := defaultUserAgent()
	arms := []func(*http.Request) (*http.Response, error){
		base.Do,
		func(req *http.Request) (*http.Response, error) {
			req.Header.Set("client-request-id", newUUID())
			req.Header.Set("return-client-request-id", "true")
			req.Header.Set("User-Agent", ua)
			return base.Do(req)
		},
		c.Do,
	}
	var total [3]time.Duration
	get := func(arm int) {
		start := time.Now()
		req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, srv.URL+"/v1.0/me/messages/AAMkAGI2", nil)
		if err != nil {
			b.Fatal(err)
		}
		resp, err := arms[arm](req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		total[arm] += time.Since(start)
	}
	n := 0
	for b.Loop() {
		for k := range 3 {
			get((n + k) % 3)
		}
		n++
	}
	b.ReportMetric(float64(total[0].Nanoseconds())/float64(n), "plain-ns/op")
	b.ReportMetric(float64(total[1].Nanoseconds())/float64(n), "plain+hdr-ns/op")
	b.ReportMetric(float64(total[2].Nanoseconds())/float64(n), "transport-ns/op")
	b.ReportMetric(float64(total[2])/float64(total[0]), "ratio-plain")
	b.ReportMetric(float64(total[2])/float64(total[1]), "ratio-plain+hdr")
}

// BenchmarkNewUUID measures the per-call cost of the client-request-id.
func BenchmarkNewUUID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = newUUID()
	}
}
