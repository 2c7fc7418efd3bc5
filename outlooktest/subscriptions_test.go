package outlooktest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest"
)

// hook is a hand-written notification endpoint: it answers validation
// requests (unless refuse is set) and records the notifications posted.
type hook struct {
	mu     sync.Mutex
	refuse bool
	posts  []map[string]any
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if tok := r.URL.Query().Get("validationToken"); tok != "" {
		if h.refuse {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, tok)
		return
	}
	var body struct {
		Value []map[string]any `json:"value"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.posts = append(h.posts, body.Value...)
	w.WriteHeader(http.StatusAccepted)
}

// wait returns the notifications once there are n, or fails.
func (h *hook) wait(t *testing.T, n int) []map[string]any {
	t.Helper()
	for range 400 {
		h.mu.Lock()
		got := append([]map[string]any(nil), h.posts...)
		h.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("fewer than %d notifications", n)
	return nil
}

func graphCall(t *testing.T, srv *outlooktest.Server, token, method, path string, body any) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(context.Background(), method, "https://graph.microsoft.com/v1.0/"+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return do(t, srv.Client(), req)
}

func TestGraphSubscriptions(t *testing.T) {
	srv := newHybrid(t)
	h := &hook{}
	srv.AddHost("hooks.contoso.com", h)
	tok := appToken(t, srv, "https://graph.microsoft.com")
	expiry := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	sub := func(over map[string]any) map[string]any {
		s := map[string]any{"changeType": "created,deleted", "notificationUrl": "https://hooks.contoso.com/n",
			"resource": "users/" + cloudUser + "/mailFolders('inbox')/messages", "expirationDateTime": expiry, "clientState": "sesame"}
		for k, v := range over {
			s[k] = v
		}
		return s
	}
	for name, body := range map[string]map[string]any{
		"http URL":            sub(map[string]any{"notificationUrl": "http://hooks.contoso.com/n"}),
		"http lifecycle URL":  sub(map[string]any{"lifecycleNotificationUrl": "http://hooks.contoso.com/n"}),
		"past expiry":         sub(map[string]any{"expirationDateTime": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)}),
		"expiry over 10080m":  sub(map[string]any{"expirationDateTime": time.Now().Add(10082 * time.Minute).UTC().Format(time.RFC3339)}),
		"unknown change type": sub(map[string]any{"changeType": "created,read"}),
		"long clientState":    sub(map[string]any{"clientState": strings.Repeat("x", 129)}),
		"a calendar view":     sub(map[string]any{"resource": "users/" + cloudUser + "/calendarView"}),
		"one message":         sub(map[string]any{"resource": "users/" + cloudUser + "/messages('x')"}),
		"unreachable URL":     sub(map[string]any{"notificationUrl": "https://nobody.contoso.com/n"}),
		"rich notifications":  sub(map[string]any{"includeResourceData": true}),
	} {
		if a := graphCall(t, srv, tok, http.MethodPost, "subscriptions", body); a.status != http.StatusBadRequest && a.status != http.StatusNotFound {
			t.Errorf("%s: %d %s", name, a.status, a.body)
		}
	}
	h.refuse = true
	if a := graphCall(t, srv, tok, http.MethodPost, "subscriptions", sub(nil)); a.status != http.StatusBadRequest || !strings.Contains(string(a.body), "validation") {
		t.Errorf("refused validation: %d %s", a.status, a.body)
	}
	h.refuse = false
	if n := len(srv.Subscriptions()); n != 0 {
		t.Fatalf("%d subscriptions after refusals", n)
	}

	a := graphCall(t, srv, tok, http.MethodPost, "subscriptions", sub(nil))
	if a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	var created map[string]any
	json.Unmarshal(a.body, &created)
	id, _ := created["id"].(string)
	if id == "" || created["clientState"] != nil || created["changeType"] != "created,deleted" {
		t.Errorf("created = %v", created)
	}
	if a := graphCall(t, srv, tok, http.MethodGet, "subscriptions/"+id, nil); a.status != http.StatusOK {
		t.Errorf("get: %d", a.status)
	}
	other := graphTokenFor(t, srv, "app-2")
	if a := graphCall(t, srv, other, http.MethodGet, "subscriptions/"+id, nil); a.status != http.StatusNotFound {
		t.Errorf("another app's get: %d", a.status)
	}
	if a := graphCall(t, srv, other, http.MethodGet, "subscriptions", nil); !strings.Contains(string(a.body), `"value":[]`) {
		t.Errorf("another app's list: %s", a.body)
	}

	box := srv.Mailbox(cloudUser)
	box.Add("messages", outlooktest.Object{"subject": "elsewhere", "parentFolderId": "drafts"}) // not in the Inbox
	mid := box.Add("messages", outlooktest.Object{"subject": "hello", "parentFolderId": "inbox"})
	box.Update("messages", mid, outlooktest.Object{"isRead": true}) // updates not subscribed
	box.Delete("messages", mid)
	h.wait(t, 2)
	time.Sleep(100 * time.Millisecond) // nothing more comes
	got := h.wait(t, 2)
	if len(got) != 2 {
		t.Fatalf("notifications = %v", got)
	}
	for i, want := range []string{"created", "deleted"} {
		n := got[i]
		data, _ := n["resourceData"].(map[string]any)
		if n["changeType"] != want || n["clientState"] != "sesame" || n["subscriptionId"] != id || data["id"] != mid ||
			!strings.HasSuffix(n["resource"].(string), "/Messages/"+mid) {
			t.Errorf("notification %d = %v", i, n)
		}
	}

	patch := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	if a := graphCall(t, srv, tok, http.MethodPatch, "subscriptions/"+id, map[string]any{"expirationDateTime": patch}); a.status != http.StatusOK {
		t.Errorf("renew: %d %s", a.status, a.body)
	}
	if s := srv.Subscriptions(); len(s) != 1 || s[0].Expires.Format(time.RFC3339) != patch {
		t.Errorf("after renew: %+v", s)
	}

	// Dropped notifications are owed as missed.
	srv.InjectSubscription(outlooktest.SubscriptionFault{ID: id, Drop: 1})
	box.Add("messages", outlooktest.Object{"subject": "dropped", "parentFolderId": "inbox"})
	if n := h.wait(t, 3)[2]; n["lifecycleEvent"] != "missed" || n["clientState"] != "sesame" {
		t.Errorf("after a drop: %v", n)
	}
	srv.InjectSubscription(outlooktest.SubscriptionFault{ID: id, Lifecycle: outlooktest.ReauthorizationRequired})
	if n := h.wait(t, 4)[3]; n["lifecycleEvent"] != "reauthorizationRequired" {
		t.Errorf("lifecycle: %v", n)
	}
	if a := graphCall(t, srv, tok, http.MethodPost, "subscriptions/"+id+"/reauthorize", nil); a.status/100 != 2 {
		t.Errorf("reauthorize: %d", a.status)
	}

	if a := graphCall(t, srv, tok, http.MethodDelete, "subscriptions/"+id, nil); a.status != http.StatusNoContent {
		t.Errorf("delete: %d", a.status)
	}
	if a := graphCall(t, srv, tok, http.MethodGet, "subscriptions/"+id, nil); a.status != http.StatusNotFound {
		t.Errorf("get after delete: %d", a.status)
	}
}

func TestExpiredSubscriptionIsGone(t *testing.T) {
	srv := newHybrid(t)
	srv.AddHost("hooks.contoso.com", &hook{})
	tok := appToken(t, srv, "https://graph.microsoft.com")
	a := graphCall(t, srv, tok, http.MethodPost, "subscriptions", map[string]any{"changeType": "updated",
		"notificationUrl": "https://hooks.contoso.com/n", "resource": "users/" + cloudUser + "/contacts",
		"expirationDateTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	if a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	id := srv.Subscriptions()[0].ID
	if n := srv.InjectSubscription(outlooktest.SubscriptionFault{ID: id, Expire: true}); n != 1 {
		t.Fatalf("touched %d", n)
	}
	if a := graphCall(t, srv, tok, http.MethodPatch, "subscriptions/"+id, map[string]any{"expirationDateTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}); a.status != http.StatusNotFound {
		t.Errorf("renewing an expired subscription: %d", a.status)
	}
}

// graphTokenFor is an app-only Graph token of another app.
func graphTokenFor(t *testing.T, srv *outlooktest.Server, clientID string) string {
	t.Helper()
	resp, err := srv.Client().PostForm("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {"any"},
		"scope": {"https://graph.microsoft.com/.default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	return body.AccessToken
}
