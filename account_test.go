package outlook

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// recordingRT records the requests that reach it and answers 200.
type recordingRT struct {
	mu   sync.Mutex
	seen []*http.Request
}

func (r *recordingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.seen = append(r.seen, req)
	r.mu.Unlock()
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: req}, nil
}

// The account's transport sends its secrets to its EWS host alone, over
// https: anything else is refused before a byte leaves.
func TestAccountTransportStaysOnItsHost(t *testing.T) {
	isMicrosoft := func(h string) bool { return strings.HasSuffix(h, "office365.com") }
	for _, basic := range []bool{false, true} {
		rec := &recordingRT{}
		b := &boundAccount{cred: &accountCred{user: `CONTOSO\svc`, password: "pw", basic: basic}, base: &http.Client{Transport: rec}, hosts: map[string]*http.Client{}}
		hc := b.client("mail.contoso.com", isMicrosoft)
		if hc != b.client("MAIL.contoso.com", isMicrosoft) {
			t.Error("a second client for the same host")
		}
		for _, u := range []string{
			"http://mail.contoso.com/EWS/Exchange.asmx",       // plain http
			"https://evil.example/EWS/Exchange.asmx",          // another host
			"https://mail.contoso.com:8443/EWS/Exchange.asmx", // another port
			"https://x:y@mail.contoso.com/EWS/Exchange.asmx",  // user info
		} {
			req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader("<soap/>"))
			_, err := hc.Do(req)
			if !errors.Is(err, errAccountHost) || strings.Contains(err.Error(), "pw") {
				t.Errorf("basic %v, %s: %v", basic, u, err)
			}
		}
		ms := &accountTransport{host: "outlook.office365.com", isMicrosoft: isMicrosoft, cred: b.cred, next: rec}
		req, _ := http.NewRequest(http.MethodPost, "https://outlook.office365.com/EWS/Exchange.asmx", nil)
		if _, err := ms.RoundTrip(req); !errors.Is(err, errAccountHost) {
			t.Errorf("a Microsoft host: %v", err)
		}
		if len(rec.seen) != 0 {
			t.Fatalf("basic %v: %d refused requests were sent", basic, len(rec.seen))
		}
		req, _ = http.NewRequest(http.MethodPost, "https://mail.contoso.com/EWS/Exchange.asmx", strings.NewReader("<soap/>"))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if req.Header.Get("Authorization") != "" {
			t.Error("the caller's request was changed")
		}
		got := rec.seen[0].Header.Get("Authorization")
		switch {
		case basic && got != "Basic Q09OVE9TT1xzdmM6cHc=":
			t.Errorf("Basic: Authorization %q", got)
		case !basic && (!strings.HasPrefix(got, "NTLM ") || strings.Contains(got, "Q09OVE9TT1xzdmM6cHc")):
			// NTLM starts with its negotiate leg: the password never
			// travels, in the clear or otherwise.
			t.Errorf("NTLM: first request carried %q", got)
		}
	}
}

func TestAccountConfiguration(t *testing.T) {
	env := credEnv{httpClient: &http.Client{}}
	for name, c := range map[string]Credential{
		"no user":           OnPremisesAccount(" ", "pw"),
		"no password":       OnPremisesAccount("svc", ""),
		"control":           OnPremisesAccount("svc\r\nX: y", "pw"),
		"colon under Basic": OnPremisesAccountBasic("a:b", "pw"),
	} {
		_, err := c.bind(env)
		if !errors.Is(err, ErrInvalidCredential) || strings.Contains(err.Error(), "pw") || strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("%s: %v", name, err)
		}
	}
	b, err := OnPremisesAccount(`CONTOSO\svc`, "pw").bind(env)
	if err != nil || b.kind() != kindAccount {
		t.Fatalf("%v %v", b, err)
	}
	if _, err := b.tokenSource(audience{resource: "https://mail.contoso.com"}); err == nil {
		t.Error("an account handed out a token source")
	}
}

// Delegated tokens for an EWS host carry EWS's permission; for a REST
// host, the credential's scopes qualified for it.
func TestAudienceScopes(t *testing.T) {
	if got := (audience{resource: "https://mail.contoso.com", ews: true}).scopes([]string{"Mail.Read"}); !slices.Equal(got, []string{"https://mail.contoso.com/EWS.AccessAsUser.All"}) {
		t.Errorf("EWS scopes %q", got)
	}
	if got := (audience{resource: "https://mail.contoso.com"}).scopes([]string{"Mail.Read", "offline_access"}); !slices.Equal(got, []string{"https://mail.contoso.com/Mail.Read"}) {
		t.Errorf("REST scopes %q", got)
	}
	// A caller's token source is asked once per resource, whichever API.
	asked := 0
	p := &perResource{byResource: true, make: func(aud audience) (*tokenSource, error) {
		asked++
		return newTokenSource(aud.resource, nil, nil), nil
	}}
	a, _ := p.tokenSource(audience{resource: "https://mail.contoso.com", ews: true})
	b, _ := p.tokenSource(audience{resource: "https://mail.contoso.com"})
	if a != b || asked != 1 {
		t.Errorf("two sources for one resource (%d asked)", asked)
	}
}

// The EWS backend finds the mail models' tables by name: each once.
func TestModelSchemas(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range modelSchemas() {
		if seen[s.Name] {
			t.Errorf("two tables named %s", s.Name)
		}
		seen[s.Name] = true
	}
	for _, want := range []string{"message", "mailFolder"} {
		if !seen[want] {
			t.Errorf("no table for %s (sync rounds decode by it)", want)
		}
	}
}
