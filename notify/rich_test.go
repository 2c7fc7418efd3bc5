package notify_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// appCert is the application's certificate for rich notifications: a
// self-signed one, made once (RSA key generation is slow under -race).
var appCert = sync.OnceValues(func() (*rsa.PrivateKey, []byte) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "notifications.contoso.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), KeyUsage: x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		panic(err)
	}
	return k, der
})

func richOptions(certID string, sel ...string) *notify.CreateOptions {
	_, der := appCert()
	return &notify.CreateOptions{Changes: notify.Created | notify.Updated | notify.Deleted,
		ResourceData: &notify.ResourceData{Certificate: der, CertificateID: certID, Select: sel}}
}

func TestRichNotificationsRoundTrip(t *testing.T) {
	key, _ := appCert()
	e, r := receiverEnv(t, &notify.ReceiverOptions{EncryptionKeys: []notify.EncryptionKey{{ID: "cert-1", Key: key}}})
	ctx := t.Context()
	s, err := notify.Create(ctx, e.MB.OData(), notify.MessagesIn("inbox"), hookURL, richOptions("cert-1", "subject", "isRead"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(e.Srv.Subscriptions()[0].Resource, "/messages?$select=subject,isRead") {
		t.Errorf("resource = %s", e.Srv.Subscriptions()[0].Resource)
	}
	if left := time.Until(s.ExpirationDateTime); left > notify.MaxRichExpiry || left < notify.MaxRichExpiry-time.Hour {
		t.Errorf("a rich subscription lives %v, want Graph's longest, %v", left, notify.MaxRichExpiry)
	}
	r.Track(s)

	id := addMessage(e.Box, "Quarterly numbers")
	n := next(t, r)
	if n.Change != notify.Created || n.ID != id || !n.HasResourceData() {
		t.Fatalf("notification = %+v", n)
	}
	var m mail.Message
	if err := n.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m.ID != id || m.Subject != "Quarterly numbers" || m.IsRead {
		t.Errorf("decoded %+v", m)
	}
	var raw map[string]any
	if err := json.Unmarshal(n.ResourceData(), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["receivedDateTime"]; ok {
		t.Errorf("a property outside $select: %v", raw)
	}

	e.Box.Update("messages", id, outlooktest.Object{"isRead": true})
	n = next(t, r)
	m = mail.Message{}
	if err := n.Decode(&m); n.Change != notify.Updated || err != nil || !m.IsRead {
		t.Errorf("update: %+v %+v %v", n, m, err)
	}

	e.Box.Delete("messages", id)
	n = next(t, r)
	if err := n.Decode(&m); n.Change != notify.Deleted || n.HasResourceData() || !errors.Is(err, notify.ErrNoResourceData) {
		t.Errorf("delete: %+v %v", n, err)
	}
}

// tamper posts Graph's notifications to h after f changes each
// encryptedContent.
func tamper(h http.Handler, f func(ec map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Query().Has("validationToken") {
			h.ServeHTTP(w, req)
			return
		}
		var body struct {
			Value            []map[string]any `json:"value"`
			ValidationTokens []string         `json:"validationTokens,omitempty"`
		}
		if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, n := range body.Value {
			if ec, ok := n["encryptedContent"].(map[string]any); ok {
				f(ec)
			}
		}
		b, _ := json.Marshal(body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		h.ServeHTTP(w, req)
	})
}

func flipB64(v any) string {
	b, _ := base64.StdEncoding.DecodeString(v.(string))
	b[len(b)-1] ^= 0x80
	return base64.StdEncoding.EncodeToString(b)
}

func TestRichNotificationsRefused(t *testing.T) {
	key, _ := appCert()
	other, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		keys   []notify.EncryptionKey
		change func(map[string]any)
	}{
		{"tampered data", []notify.EncryptionKey{{ID: "cert-1", Key: key}}, func(ec map[string]any) { ec["data"] = flipB64(ec["data"]) }},
		{"tampered signature", []notify.EncryptionKey{{ID: "cert-1", Key: key}}, func(ec map[string]any) { ec["dataSignature"] = flipB64(ec["dataSignature"]) }},
		{"another certificate id", []notify.EncryptionKey{{ID: "cert-1", Key: key}}, func(ec map[string]any) { ec["encryptionCertificateId"] = "cert-2" }},
		{"the id names another key", []notify.EncryptionKey{{ID: "cert-1", Key: other}}, nil},
		{"no keys at all", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			var logMu sync.Mutex
			r := newReceiver(t, &notify.ReceiverOptions{EncryptionKeys: tc.keys,
				Logger: slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil))})
			e := servicetest.NewEnv(t, servicetest.Cloud)
			var h http.Handler = r
			if tc.change != nil {
				h = tamper(r, tc.change)
			}
			got := make(chan int, 16)
			e.Srv.AddHost(hookHost, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				rec := &statusRecorder{ResponseWriter: w}
				h.ServeHTTP(rec, req)
				if !req.URL.Query().Has("validationToken") {
					got <- rec.status
				}
			}))
			s, err := notify.Create(t.Context(), e.MB.OData(), notify.MessagesIn("inbox"), hookURL, richOptions("cert-1", "subject"))
			if err != nil {
				t.Fatal(err)
			}
			r.Track(s)
			addMessage(e.Box, "Secret subject")
			select {
			case status := <-got:
				if status != http.StatusAccepted {
					t.Errorf("the receiver answered %d, want 202", status)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no delivery")
			}
			if ns := drain(r); len(ns) != 0 {
				t.Errorf("delivered %+v", ns)
			}
			logMu.Lock()
			defer logMu.Unlock()
			if l := logs.String(); !strings.Contains(l, "did not verify") || strings.Contains(l, "wrong clientState") || strings.Contains(l, "Secret subject") {
				t.Errorf("log = %s", logs.String())
			}
		})
	}
}

func TestRichSubscriptionRefusals(t *testing.T) {
	e, _ := receiverEnv(t, nil)
	c := e.MB.OData()
	ctx := t.Context()
	_, der := appCert()
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	smallDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &small.PublicKey, small)
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]*notify.ResourceData{
		"a 1024-bit key":    {Certificate: smallDER, CertificateID: "c", Select: []string{"subject"}},
		"no certificate":    {CertificateID: "c", Select: []string{"subject"}},
		"no id":             {Certificate: der, Select: []string{"subject"}},
		"not a certificate": {Certificate: []byte("junk"), CertificateID: "c", Select: []string{"subject"}},
		"no select":         {Certificate: der, CertificateID: "c"},
		"the body":          {Certificate: der, CertificateID: "c", Select: []string{"subject", "Body"}},
		"a query":           {Certificate: der, CertificateID: "c", Select: []string{"subject&$filter=isRead"}},
	} {
		if _, err := notify.Create(ctx, c, notify.MessagesIn("inbox"), hookURL, &notify.CreateOptions{ResourceData: d}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The fake refuses includeResourceData without a certificate, as Graph does.
	_, err = odata.Create[notify.Subscription](ctx, c, odata.RootPath("subscriptions"), &notify.Subscription{
		Resource: "me/messages", ChangeType: "created", NotificationURL: hookURL, ClientState: "x",
		ExpirationDateTime: time.Now().Add(time.Hour), IncludeResourceData: true})
	if err == nil || !strings.Contains(err.Error(), "encryptionCertificate") {
		t.Errorf("the fake: %v", err)
	}
	richWith := func(cert []byte, resource string, life time.Duration) error {
		_, err := odata.Create[notify.Subscription](ctx, c, odata.RootPath("subscriptions"), &notify.Subscription{
			Resource: resource, ChangeType: "created", NotificationURL: hookURL, ClientState: "x",
			ExpirationDateTime: time.Now().Add(life), IncludeResourceData: true,
			EncryptionCertificate: base64.StdEncoding.EncodeToString(cert), EncryptionCertificateID: "c"})
		return err
	}
	rich := func(resource string, life time.Duration) error { return richWith(der, resource, life) }
	if err := richWith(smallDER, "me/messages?$select=subject", time.Hour); err == nil {
		t.Error("the fake takes a 1024-bit key")
	}
	if err := rich("me/messages?$select=subject,body", time.Hour); err == nil {
		t.Error("the fake sends the body in rich notifications")
	}
	if err := rich("me/messages?$select=subject", notify.MaxRichExpiry+time.Hour); err == nil {
		t.Error("the fake lets a rich subscription live more than a day")
	}
	if err := rich("me/messages?$top=1", time.Hour); err == nil {
		t.Error("the fake takes query options other than $select")
	}
	if len(e.Srv.Subscriptions()) != 0 {
		t.Error("a refused create left a subscription")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Notification stays comparable with resource data in it: code that
// compares notifications (or keys a map by them) keeps compiling.
func TestNotificationIsComparable(t *testing.T) {
	seen := map[notify.Notification]int{}
	seen[notify.Notification{ID: "m1"}]++
	seen[notify.Notification{ID: "m1"}]++
	if seen[notify.Notification{ID: "m1"}] != 2 {
		t.Errorf("seen = %v", seen)
	}
}

// TestRenewRichDefault renews a rich subscription with expiry 0: it lives
// as long as Graph lets a rich subscription live (MaxRichExpiry), not
// MaxExpiry, which Graph refuses for it; a plain one gets MaxExpiry.
func TestRenewRichDefault(t *testing.T) {
	key, _ := appCert()
	e, _ := receiverEnv(t, &notify.ReceiverOptions{EncryptionKeys: []notify.EncryptionKey{{ID: "cert-1", Key: key}}})
	ctx, c := t.Context(), e.MB.OData()
	for _, tc := range []struct {
		name string
		opts *notify.CreateOptions
		want time.Duration
	}{
		{"rich", richOptions("cert-1", "subject"), notify.MaxRichExpiry},
		{"plain", nil, notify.MaxExpiry},
	} {
		s, err := notify.Create(ctx, c, notify.MessagesIn("inbox"), hookURL, tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		exp, err := notify.Renew(ctx, c, s.ID, 0)
		if err != nil {
			t.Fatalf("%s: Renew(0): %v", tc.name, err)
		}
		if d := time.Until(exp); d > tc.want || d < tc.want-time.Minute {
			t.Errorf("%s: Renew(0) expires in %v, want %v", tc.name, d, tc.want)
		}
	}
}
