package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// benchBodies are distinct notification requests of one notification each
// (Graph's usual), more of them than the receiver remembers for
// de-duplication, so every one is new when it comes round again.
func benchBodies() [][]byte {
	out := make([][]byte, 8192)
	for i := range out {
		out[i] = fmt.Appendf(nil, `{"value":[{"subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07","subscriptionExpirationDateTime":"2026-12-10T18:23:45.9356913Z","changeType":"created","resource":"Users/29ba6d2a-4a94-4c5d-b1a0-6b8b7b5c55e6/Messages/AAMkAGUwNjQ4ZjIxAAA%d=","resourceData":{"@odata.type":"#Microsoft.Graph.Message","@odata.id":"Users/29ba6d2a-4a94-4c5d-b1a0-6b8b7b5c55e6/Messages/AAMkAGUwNjQ4ZjIxAAA%d=","@odata.etag":"W/\"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf%d\"","id":"AAMkAGUwNjQ4ZjIxAAA%d="},"clientState":"secretClientValue","tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95"}]}`, i, i, i, i)
	}
	return out
}

func benchServe(b *testing.B, h http.Handler, after func()) {
	benchServeBodies(b, h, benchBodies(), after)
}

func benchServeBodies(b *testing.B, h http.Handler, bodies [][]byte, after func()) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodPost, "https://hooks.contoso.com/graph", bytes.NewReader(bodies[i%len(bodies)]))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusAccepted {
			b.Fatalf("status %d", w.Code)
		}
		after()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notifications/s")
}

// BenchmarkReceiver is the Receiver taking a notification (checks,
// de-duplication, queueing) and the application reading it.
func BenchmarkReceiver(b *testing.B) {
	r, err := NewReceiver("https://hooks.contoso.com/graph", nil)
	if err != nil {
		b.Fatal(err)
	}
	r.Track(&Subscription{ID: "7f105c7d-2dc5-4530-97cd-4e7ae6534c07", ClientState: "secretClientValue"})
	benchServe(b, r, func() {
		if _, ok := r.next(); !ok {
			b.Fatal("nothing queued")
		}
	})
}

// BenchmarkBareHandler is the baseline: a handler that only decodes the
// JSON with encoding/json and answers 202.
func BenchmarkBareHandler(b *testing.B) {
	type payload struct {
		Value []struct {
			SubscriptionID string `json:"subscriptionId"`
			ChangeType     string `json:"changeType"`
			Resource       string `json:"resource"`
			ClientState    string `json:"clientState"`
			TenantID       string `json:"tenantId"`
			ResourceData   struct {
				Type string `json:"@odata.type"`
				ID   string `json:"id"`
				ETag string `json:"@odata.etag"`
			} `json:"resourceData"`
		} `json:"value"`
	}
	var sink int
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		sink += len(p.Value)
		w.WriteHeader(http.StatusAccepted)
	})
	benchServe(b, h, func() {})
}

// BenchmarkReceiverRich is BenchmarkReceiver with rich notifications: each
// carries a 1 KB message, encrypted for a 2048-bit RSA key, that the
// receiver verifies and decrypts.
func BenchmarkReceiverRich(b *testing.B) { benchRich(b, nil) }

// BenchmarkReceiverRichTokens is BenchmarkReceiverRich with the validation
// token of each collection checked (ReceiverOptions.ValidationTokens), the
// signing keys cached.
func BenchmarkReceiverRichTokens(b *testing.B) {
	k := testKey()
	benchRich(b, &ValidationTokens{AppIDs: []string{"app"}, Keys: func(context.Context) ([]SigningKey, error) {
		return []SigningKey{{ID: "k1", Key: &k.PublicKey}}, nil
	}})
}

func benchRich(b *testing.B, vt *ValidationTokens) {
	k := testKey()
	r, err := NewReceiver("https://hooks.contoso.com/graph", &ReceiverOptions{EncryptionKeys: []EncryptionKey{{ID: "c1", Key: k}}, ValidationTokens: vt})
	if err != nil {
		b.Fatal(err)
	}
	r.Track(&Subscription{ID: "7f105c7d-2dc5-4530-97cd-4e7ae6534c07", ClientState: "secretClientValue"})
	item, _ := json.Marshal(map[string]string{"subject": "Quarterly numbers", "bodyPreview": strings.Repeat("Numbers attached. ", 55)})
	ec, _ := json.Marshal(seal(b, &k.PublicKey, "c1", item, nil))
	const tid = "84bd8158-6d4d-4958-8b9f-9d6445542f95"
	claims := testClaims(time.Now().Add(time.Hour))
	claims["tid"], claims["iss"] = tid, "https://sts.windows.net/"+tid+"/"
	tokens := `],"validationTokens":["` + SignTestJWT(k, map[string]any{"alg": "RS256", "kid": "k1"}, claims) + `"]}`
	plain := benchBodies()
	bodies := make([][]byte, len(plain))
	for i, p := range plain {
		p = bytes.Replace(p, []byte(`,"clientState"`), append(append([]byte(`,"encryptedContent":`), ec...), `,"clientState"`...), 1)
		bodies[i] = append(p[:len(p)-2:len(p)-2], tokens...)
	}
	benchServeBodies(b, r, bodies, func() {
		if n, ok := r.next(); !ok || n.data == "" {
			b.Fatal("nothing decrypted")
		}
	})
}
