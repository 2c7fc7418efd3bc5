package transport

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func TestIsPublicAddr(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"20.190.160.1": true, "52.96.0.1": true, "2603:1036::1": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "fe80::1": false, "fd00::1": false, "0.0.0.0": false, "::": false,
		"100.64.0.1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "224.0.0.1": false,
		"255.255.255.255": false,
	} {
		if got := IsPublicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("IsPublicAddr(%s) = %v, want %v", addr, got, want)
		}
	}
}

// TestRequirePublicAddress: the default client refuses, at dial time, a
// marked request whose host is, or resolves to, a loopback address (a
// literal, and localhost where the machine resolves it), sending nothing
// and not retrying; an unmarked one goes through.
func TestRequirePublicAddress(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	hosts := []string{"127.0.0.1"}
	if addrs, err := net.LookupHost("localhost"); err == nil && len(addrs) > 0 {
		hosts = append(hosts, "localhost") // a name: checked after resolution
	}
	c, _ := newTestClient(t, Config{}) // the default client, with its dialler
	for _, host := range hosts {
		target := "http://" + net.JoinHostPort(host, u.Port()) + "/upload?authtoken=SECRET"
		req, _ := http.NewRequestWithContext(t.Context(), "PUT", target, strings.NewReader("chunk"))
		_, err := c.Do(RequirePublicAddress(req))
		if !errors.Is(err, errPrivateAddress) {
			t.Fatalf("Do(marked request to %s) = %v, want the address refused", host, err)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("error %q holds the authtoken", err)
		}
		if hits.Load() != 0 {
			t.Errorf("the server received %d requests", hits.Load())
		}
		req2, _ := http.NewRequestWithContext(t.Context(), "GET", target, nil)
		resp, err := c.Do(req2)
		if err != nil {
			t.Fatalf("Do(unmarked request to %s) = %v", host, err)
		}
		resp.Body.Close()
		hits.Store(0)
	}
}

// TestPermanentErrors checks the classification borrowed from
// go-retryablehttp, and the SDK's own.
func TestPermanentErrors(t *testing.T) {
	t.Parallel()
	ue := func(err error) error { return &url.Error{Op: "Get", URL: "https://h/x", Err: err} }
	for name, err := range map[string]error{
		"too many redirects":      ue(errors.New("stopped after 10 redirects")),
		"unsupported scheme":      ue(errors.New("unsupported protocol scheme \"ftp\"")),
		"invalid header":          ue(errors.New("net/http: invalid header field value for \"X\"")),
		"certificate not trusted": ue(errors.New("x509: certificate is not trusted")),
		"refused redirect":        ue(&RedirectError{Status: 302, Location: "http://h/x"}),
		"private address":         ue(errPrivateAddress),
	} {
		if retryableError(err, true) {
			t.Errorf("%s: retryable, want permanent", name)
		}
	}
	if !retryableError(ue(errors.New("read: connection reset by peer")), true) {
		t.Error("a reset connection is permanent, want retryable for a read")
	}
}
