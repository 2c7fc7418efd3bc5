package security

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/autodiscover"
	"github.com/exchangekit/outlook/internal/transport/transporttest"
)

// The hostile tenant's names.
const (
	addr         = "alice@contoso.com"
	graphOrigin  = "https://graph.microsoft.com"
	uploadOrigin = "https://outlook.office.com" // Graph's upload sessions live there
	adOrigin     = "https://autodiscover-s.outlook.com"
	onPremOrigin = "https://mail.contoso.com"
	uploadToken  = "SECRET-UPLOAD-AUTHTOKEN"
)

// tenant is a client of the SDK on an in-memory network where every host
// is the test's: the servers answer what a case wants, foreign hosts
// record what reaches them. Tokens are minted per resource, so a case can
// tell where each one may go.
type tenant struct {
	n      *transporttest.Net
	client *outlook.Client
	logs   *syncBuffer

	known []string // secrets known to leak into errors (linkKind.knownLeaks)

	mu     sync.Mutex
	minted map[string]string // token -> the resource it was minted for
}

// newTenant returns a client on a new network, logging at Debug (every
// record of every level) to the tenant's buffer, retries off so that each
// refusal is seen once.
func newTenant(t *testing.T, opts ...outlook.Option) *tenant {
	t.Helper()
	tn := &tenant{n: transporttest.NewNet(), logs: &syncBuffer{}, minted: map[string]string{}}
	cred := outlook.FromTokenSource(func(resource string) oauth2.TokenSource {
		sum := sha256.Sum256([]byte("token for " + resource))
		tok := "SECRET-TOKEN-" + hex.EncodeToString(sum[:8])
		tn.mu.Lock()
		tn.minted[tok] = resource
		tn.mu.Unlock()
		return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)})
	})
	logger := slog.New(slog.NewJSONHandler(tn.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts = append([]outlook.Option{
		outlook.WithHTTPClient(tn.n.Client()),
		outlook.WithLogger(logger),
		outlook.WithRetry(outlook.RetryPolicy{MaxAttempts: 1}),
		outlook.WithAutodiscover(autodiscover.WithCandidates(autodiscover.CandidateExchangeOnline)),
		// On premises the REST URL is the link Autodiscover hands out that
		// a token follows (EWS's is the same rule, on another path).
		outlook.WithOnPremisesAPI(outlook.RESTv2),
	}, opts...)
	c, err := outlook.NewClient(cred, opts...)
	if err != nil {
		t.Fatal(err)
	}
	tn.client = c
	return tn
}

// cloudMailbox is the Endpoint of the cloud mailbox, for cases that do not
// go through Autodiscover.
var cloudMailbox = autodiscover.Endpoint{Mailbox: addr, URL: graphOrigin + "/v1.0", API: autodiscover.APIGraph,
	Resource: graphOrigin, Location: autodiscover.LocationExchangeOnline}

// secrets returns what no log record and no error may hold: the tokens
// minted, the upload URL's credential and the user info of the targets.
func (tn *tenant) secrets() []string {
	tn.mu.Lock()
	defer tn.mu.Unlock()
	s := []string{uploadToken, "user:pass", "pass@"}
	for tok := range tn.minted {
		s = append(s, tok)
	}
	return s
}

// check asserts what holds whatever a case did: each token reached only
// the origin of the resource it was minted for, no request carried user
// info, and neither the logs nor err hold a secret.
func (tn *tenant) check(t *testing.T, err error) {
	t.Helper()
	tn.mu.Lock()
	minted := make(map[string]string, len(tn.minted))
	for k, v := range tn.minted {
		minted[k] = v
	}
	tn.mu.Unlock()
	for _, o := range tn.n.Origins() {
		for _, r := range tn.n.Received(o) {
			// "Bearer" alone is the anonymous check of an on-premises
			// server: it names the scheme and carries no token.
			if a := r.Header.Get("Authorization"); a != "" && a != "Bearer" {
				tok, bearer := strings.CutPrefix(a, "Bearer ")
				res, ok := minted[tok]
				if !bearer || !ok || transporttest.Origin(res) != o {
					t.Errorf("%s %s carried Authorization %q (minted for %q)", r.Method, redact(r.URL), a, res)
				}
			}
			if u, perr := url.Parse(r.URL); perr == nil && u.User != nil {
				t.Errorf("%s %s was sent with user info", r.Method, redact(r.URL))
			}
		}
	}
	logs := tn.logs.String()
	for _, s := range tn.secrets() {
		if err != nil && strings.Contains(err.Error(), s) && !slices.Contains(tn.known, s) {
			t.Errorf("the error holds %q: %v", s, err)
		}
		if strings.Contains(logs, s) {
			t.Errorf("the logs hold %q:\n%s", s, logs)
		}
	}
}

// received returns the requests the origin o got.
func (tn *tenant) received(o string) []transporttest.Request { return tn.n.Received(o) }

// redact hides a URL's user info from the test's own messages.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return raw
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a log
// handler.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
