package odata_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/internal/transport/transporttest"
	"github.com/exchangekit/outlook/odata"
)

const (
	graphOrigin = "https://graph.contoso.test"
	uploadHost  = "upload.contoso.test"
	token       = "SECRET-TOKEN"
	mailBody    = `SECRET-MAIL-BODY`
)

// netClient is an odata client on the SDK's transport over n, for the
// Graph dialect at graphOrigin, allowed to upload to uploadHost.
func netClient(t *testing.T, n *transporttest.Net, cfg transport.Config) *odata.Client {
	t.Helper()
	cfg.HTTPClient = n.Client()
	tr, err := transport.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := odata.NewClient(graphOrigin+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}),
		odata.WithDoer(tr), odata.WithUploadHosts(uploadHost))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRedirectsKeepTokenAndBody runs the redirect table through the calls
// of an odata client: a listing (token), sendMail (token and body) and an
// upload chunk (the upload URL's own credential and the file). None reaches
// the target; only a listing follows a same-origin redirect.
func TestRedirectsKeepTokenAndBody(t *testing.T) {
	t.Parallel()
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"value":[{"id":"own"}]}`)
	})
	calls := []struct {
		name   string
		origin string
		path   string
		run    func(t *testing.T, c *odata.Client) error
		follow bool // a same-origin redirect is followed
	}{
		{"list", graphOrigin, "/v1.0/me/messages", func(t *testing.T, c *odata.Client) error {
			var ids []string
			for m, err := range odata.List[message](t.Context(), c, odata.PathOf("messages"), nil) {
				if err != nil {
					return err
				}
				ids = append(ids, m.ID)
			}
			if fmt.Sprint(ids) != "[own]" {
				t.Errorf("listed %v, want the origin's [own]", ids)
			}
			return nil
		}, true},
		{"sendMail", graphOrigin, "/v1.0/me/sendMail", func(t *testing.T, c *odata.Client) error {
			return odata.Action(t.Context(), c, odata.PathOf("sendMail"), map[string]string{"subject": mailBody})
		}, false},
		{"upload chunk", "https://" + uploadHost, "/upload/s1", func(t *testing.T, c *odata.Client) error {
			resp, err := c.SendUnauthenticated(t.Context(), "PUT", "https://"+uploadHost+"/upload/s1?authtoken=SECRET-UPLOAD",
				strings.NewReader(mailBody), http.Header{"Content-Range": {"bytes 0-15/16"}})
			if err == nil {
				resp.Body.Close()
			}
			return err
		}, false},
	}
	for _, call := range calls {
		for _, status := range transporttest.RedirectStatuses {
			for _, target := range transporttest.Targets(call.origin, call.path) {
				t.Run(fmt.Sprintf("%s %d %s", call.name, status, target.Kind), func(t *testing.T) {
					t.Parallel()
					n := transporttest.NewNet()
					loc := target.Location
					if call.name == "list" && !target.Foreign {
						loc = graphOrigin + "/v1.0/users/moved/messages"
					}
					n.Handle(call.origin, transporttest.Redirector(status, loc, page))
					c := netClient(t, n, transport.Config{})
					err := call.run(t, c)
					if call.follow && !target.Foreign {
						if err != nil {
							t.Fatalf("same-origin redirect of a read: %v", err)
						}
						return
					}
					var re *odata.RedirectError
					if !errors.As(err, &re) || re.Status != status {
						t.Fatalf("err = %v, want an *odata.RedirectError for %d", err, status)
					}
					for _, s := range []string{token, mailBody, "SECRET-UPLOAD", "pass@"} {
						if strings.Contains(err.Error(), s) {
							t.Errorf("error %q holds %q", err, s)
						}
					}
					for _, o := range n.Origins() {
						if o != transporttest.Origin(call.origin) {
							t.Errorf("%s received %+v", o, n.Received(o))
						}
					}
					if got := len(n.Received(call.origin)); got != 1 {
						t.Errorf("the origin received %d requests, want 1", got)
					}
				})
			}
		}
	}
}

// TestPreauthenticatedURLs: SendUnauthenticated sends only to the service's
// upload hosts and the service root's own origin; anything else is refused
// before a byte is sent, with an error that holds no credential.
func TestPreauthenticatedURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://" + uploadHost + "/api/v2.0/Users('a')/AttachmentSessions('s')?authtoken=SECRET-UPLOAD", true},
		{"https://UPLOAD.contoso.test./upload?authtoken=SECRET-UPLOAD", true},
		{"https://" + uploadHost + ":443/upload?authtoken=SECRET-UPLOAD", true},
		{graphOrigin + "/v1.0/upload?authtoken=SECRET-UPLOAD", true}, // the service root's own origin
		{"http://" + uploadHost + "/upload?authtoken=SECRET-UPLOAD", false},
		{"https://" + uploadHost + ":8443/upload?authtoken=SECRET-UPLOAD", false},
		{"https://evil." + uploadHost + "/upload?authtoken=SECRET-UPLOAD", false},
		{"https://" + uploadHost + ".evil.example/upload?authtoken=SECRET-UPLOAD", false},
		{"https://evil.example/upload?authtoken=SECRET-UPLOAD", false},
		{"https://user:SECRET-PASS@" + uploadHost + "/upload?authtoken=SECRET-UPLOAD", false},
		{"https://localhost/upload?authtoken=SECRET-UPLOAD", false},
		{"https://x.localhost/upload?authtoken=SECRET-UPLOAD", false},
		{"https://127.0.0.1/upload?authtoken=SECRET-UPLOAD", false},
		{"https://[::1]/upload?authtoken=SECRET-UPLOAD", false},
		{"https://10.0.0.8/upload?authtoken=SECRET-UPLOAD", false},
		{"https://192.168.1.20/upload?authtoken=SECRET-UPLOAD", false},
		{"https://169.254.169.254/latest/meta-data?authtoken=SECRET-UPLOAD", false},
		{"https://[fe80::1]/upload?authtoken=SECRET-UPLOAD", false},
		{"https://20.190.160.1/upload?authtoken=SECRET-UPLOAD", false}, // public, but not a host of the service
		{"http://graph.contoso.test/v1.0/upload?authtoken=SECRET-UPLOAD", false},
		{"/relative/upload?authtoken=SECRET-UPLOAD", false},
		{"https://%zz/upload?authtoken=SECRET-UPLOAD", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			n := transporttest.NewNet()
			n.Handle("https://"+uploadHost, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "" {
					t.Errorf("the upload host received the mailbox's token")
				}
				w.WriteHeader(http.StatusAccepted)
			}))
			c := netClient(t, n, transport.Config{})
			check := c.CheckPreauthenticatedURL(tt.url)
			resp, err := c.SendUnauthenticated(t.Context(), "PUT", tt.url, strings.NewReader("chunk"),
				http.Header{"Authorization": {"Bearer " + token}})
			if tt.ok {
				if err != nil || check != nil {
					t.Fatalf("SendUnauthenticated = %v (check %v), want it sent", err, check)
				}
				resp.Body.Close()
				if len(n.Origins()) != 1 {
					t.Errorf("requests went to %v", n.Origins())
				}
				return
			}
			if !errors.Is(err, odata.ErrUntrustedURL) || !errors.Is(check, odata.ErrUntrustedURL) {
				t.Fatalf("SendUnauthenticated = %v (check %v), want ErrUntrustedURL", err, check)
			}
			if o := n.Origins(); len(o) != 0 {
				t.Errorf("a refused URL reached %v", o)
			}
			for _, s := range []string{"SECRET-UPLOAD", "SECRET-PASS"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q holds %q", err, s)
				}
			}
		})
	}
}

// TestUploadSecretsStayOutOfLogsAndErrors: a failed upload's error, and
// the transport's records at every level, never hold the URL's authtoken;
// records above Debug and errors hold no query value at all.
func TestUploadSecretsStayOutOfLogsAndErrors(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	n := transporttest.NewNet()
	n.Handle("https://"+uploadHost, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "<html>upstream error</html>")
	}))
	n.Handle(graphOrigin, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	c := netClient(t, n, transport.Config{Logger: logger, Retry: transport.RetryPolicy{MaxAttempts: 2, MinBackoff: 1, MaxBackoff: 1}})
	_, err := c.SendUnauthenticated(t.Context(), "PUT", "https://"+uploadHost+"/s?authtoken=SECRET-UPLOAD&sig=SECRET-SIG", strings.NewReader("x"), nil)
	if err == nil {
		t.Fatal("no error from a 500")
	}
	_, err2 := odata.ListPage[message](t.Context(), c, odata.PathOf("messages"), &odata.Query{Filter: odata.NewStringField("subject").Eq("SECRET-SUBJECT")})
	if err2 == nil {
		t.Fatal("no error from a 503")
	}
	out := buf.String()
	for _, s := range []string{"SECRET-UPLOAD", "SECRET-SIG", token} {
		if strings.Contains(out, s) || strings.Contains(err.Error(), s) || strings.Contains(err2.Error(), s) {
			t.Errorf("%q leaked:\nerrors: %v; %v\nlog:\n%s", s, err, err2, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.Contains(line, `"level":"DEBUG"`) && strings.Contains(line, "SECRET-SUBJECT") {
			t.Errorf("a record above Debug holds the $filter value: %s", line)
		}
	}
	if !strings.Contains(out, "authtoken=REDACTED") || !strings.Contains(out, "SECRET-SUBJECT") {
		t.Errorf("Debug records should show the redacted URL and the filter:\n%s", out)
	}
	var oe *odata.Error
	if !errors.As(err, &oe) || string(oe.Body) != "<html>upstream error</html>" {
		t.Errorf("upload error %v should keep the unrecognised body", err)
	}
}

// FuzzCheckPreauthenticatedURL: whatever the service hands out, a URL the
// client accepts is https on an upload host or on the service root's own
// origin, with no user info, and never names a loopback or private address.
func FuzzCheckPreauthenticatedURL(f *testing.F) {
	for _, s := range []string{
		"https://upload.contoso.test/s?authtoken=x", "https://graph.contoso.test/v1.0/x", "http://upload.contoso.test/s",
		"https://upload.contoso.test:8443/s", "https://127.0.0.1/s", "https://[::ffff:10.0.0.1]/s", "https://u:p@upload.contoso.test/s",
		"https://upload.contoso.test@evil.example/s", "//upload.contoso.test/s", "https://UPLOAD.CONTOSO.TEST./s", "https://localhost./s",
		"https://upload.contoso.test%2eevil.example/s", "https://xn--upload-.contoso.test/s", "",
	} {
		f.Add(s)
	}
	c, err := odata.NewClient(graphOrigin+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}),
		odata.WithUploadHosts(uploadHost))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := c.CheckPreauthenticatedURL(raw)
		if err != nil {
			if !errors.Is(err, odata.ErrUntrustedURL) {
				t.Fatalf("CheckPreauthenticatedURL(%q) = %v, not ErrUntrustedURL", raw, err)
			}
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil {
			t.Fatalf("accepted %q, which does not parse: %v", raw, perr)
		}
		host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		own := strings.EqualFold(u.Scheme, "https") && strings.EqualFold(u.Host, "graph.contoso.test")
		upload := strings.EqualFold(u.Scheme, "https") && host == uploadHost && (u.Port() == "" || u.Port() == "443")
		if u.User != nil || !(own || upload) {
			t.Fatalf("accepted %q (host %q, scheme %q)", raw, u.Host, u.Scheme)
		}
		if a, err := netip.ParseAddr(host); err == nil && !transport.IsPublicAddr(a) {
			t.Fatalf("accepted %q, a private address", raw)
		}
	})
}
