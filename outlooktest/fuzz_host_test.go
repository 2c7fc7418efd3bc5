package outlooktest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Parsers of the host half: what the client controls reaches each of them.

func FuzzParseScopes(f *testing.F) {
	for _, s := range []string{
		"https://graph.microsoft.com/.default",
		"Mail.Read openid offline_access profile",
		"https://mail.contoso.com/Mail.Read https://mail.contoso.com/Calendars.Read",
		"https://mail.contoso.com//.default",
		"https://graph.microsoft.com/.default https://mail.contoso.com/.default",
		"api://mid/access", "https:///x", "://", "", " ", "a://b/c/d/",
		"//0://0",              // once parsed to the resource "://0:"
		"https://h/a%20b/perm", // once parsed to "https://h/a b", which re-parsed as two resources
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		sr, err := parseScopes(raw)
		if err != nil {
			if !strings.HasPrefix(err.err, "invalid_") || err.status != http.StatusBadRequest {
				t.Fatalf("parseScopes(%q): error %+v is not a 400 invalid_*", raw, err)
			}
			return
		}
		if sr.resource == "" {
			t.Fatalf("parseScopes(%q): no resource", raw)
		}
		// Each permission came from a scope of the input.
		for _, p := range sr.perms {
			if !strings.Contains(raw, p) {
				t.Fatalf("parseScopes(%q): permission %q is not in the input", raw, p)
			}
		}
		// Re-joining resource and permissions parses to the same thing.
		var parts []string
		for _, p := range sr.perms {
			parts = append(parts, sr.resource+"/"+p)
		}
		if len(parts) > 0 && !strings.ContainsAny(strings.Join(sr.perms, ""), "/") {
			again, err := parseScopes(strings.Join(parts, " "))
			if err != nil || again.resource != sr.resource {
				t.Fatalf("parseScopes(%q) = %q; re-parsing %q gave %q, %v", raw, sr.resource, parts, again.resource, err)
			}
		}
	})
}

func FuzzParseAutodiscover(f *testing.F) {
	for _, s := range []string{
		"/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol=Rest",
		"/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=rest&RedirectCount=3",
		"/Autodiscover/Autodiscover.json/v1.0/bob@contoso.com/x?Protocol=Rest",
		"/autodiscover/autodiscover.json?email=a@b.c&protocol=Ews&redirectcount=-1",
		"/autodiscover/autodiscover.json/v1.0/?Protocol=Rest",
		"/autodiscover/autodiscover.json?Email=%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		r := &http.Request{Method: http.MethodGet, URL: u}
		ar, err := parseAutodiscover(r)
		if err != nil {
			return
		}
		if _, _, err := parseAddress(ar.email); err != nil || ar.redirectCount < 0 {
			t.Fatalf("parseAutodiscover(%q) = %+v: accepted a bad address or count", target, ar)
		}
		// The redirect it would send is a request the parser reads back the same.
		next, err := url.Parse(ar.redirectURL("https", "autodiscover.contoso.com"))
		if err != nil {
			t.Fatalf("redirectURL of %+v: %v", ar, err)
		}
		back, err := parseAutodiscover(&http.Request{Method: http.MethodGet, URL: next})
		if err != nil || back.email != ar.email || back.protocol != ar.protocol || back.redirectCount != ar.redirectCount+1 || back.v1Form != ar.v1Form {
			t.Fatalf("round trip of %q via %s: %+v, %v; want %+v with the count bumped", target, next, back, err, ar)
		}
	})
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"alice@contoso.com", "A@B.C", "@x.com", "a@", "a@b", "a@@b.c", "a b@c.d", "a@-b.c", "a@b..c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, domain, err := parseAddress(s)
		if err != nil {
			return
		}
		if addr != strings.ToLower(addr) || !strings.HasSuffix(addr, "@"+domain) || !validHostName(domain) {
			t.Fatalf("parseAddress(%q) = %q, %q", s, addr, domain)
		}
		if a2, d2, err := parseAddress(addr); err != nil || a2 != addr || d2 != domain {
			t.Fatalf("parseAddress is not idempotent on %q: %q, %q, %v", addr, a2, d2, err)
		}
	})
}

func FuzzFaultMatch(f *testing.F) {
	f.Add("/users/*/messages", "/v1.0/users/a@b.c/messages")
	f.Add("/users/", "/api/v2.0/users/x")
	f.Add("[", "/x")
	f.Add("/v1.0/*/*", "/v1.0/me/messages")
	f.Fuzz(func(t *testing.T, pattern, p string) {
		fault := Fault{Path: pattern, Status: 500}
		if fault.validate() != nil {
			return
		}
		m := fault.matches("graph.microsoft.com", "GET", p)
		if pattern == "" && !m {
			t.Fatal("an empty pattern must match everything")
		}
		if !isGlob(pattern) && strings.HasPrefix(strings.ToLower(p), strings.ToLower(pattern)) && !m {
			t.Fatalf("prefix %q does not match %q", pattern, p)
		}
	})
}

func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "Bearer", "bearer  x ", "Basic abc", "", "Bearer a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := &http.Request{Header: http.Header{"Authorization": {h}}}
		tok, sent := bearerToken(r)
		if !sent && tok != "" {
			t.Fatalf("bearerToken(%q) = %q without the Bearer scheme", h, tok)
		}
		if tok != strings.TrimSpace(tok) {
			t.Fatalf("bearerToken(%q) = %q: not trimmed", h, tok)
		}
	})
}

// testAssertion signs claims as an app would, with an ES256 key.
func testAssertion(t testing.TB, key *ecdsa.PrivateKey, claims map[string]any) string {
	hdr, _ := json.Marshal(map[string]string{"alg": "ES256", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func FuzzVerifyClientAssertion(f *testing.F) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	const tokenURL = "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token"
	now := time.Now()
	good := testAssertion(f, key, map[string]any{"aud": tokenURL, "iss": "app", "sub": "app", "exp": now.Add(time.Minute).Unix(), "nbf": now.Unix()})
	if err := verifyClientAssertion(good, []*x509.Certificate{cert}, "app", tokenURL, now); err != nil {
		f.Fatalf("a good assertion is refused: %v", err)
	}
	f.Add(good)
	f.Add(good[:len(good)-4] + "AAAA")
	f.Add(testAssertion(f, key, map[string]any{"aud": []string{tokenURL}, "iss": "app", "sub": "app", "exp": now.Add(time.Minute).Unix()}))
	f.Add(testAssertion(f, key, map[string]any{"aud": tokenURL, "iss": "other", "sub": "app", "exp": now.Add(time.Minute).Unix()}))
	f.Add(testAssertion(f, key, map[string]any{"aud": tokenURL, "iss": "app", "sub": "app", "exp": "soon"}))
	f.Add("a.b.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, assertion string) {
		err := verifyClientAssertion(assertion, []*x509.Certificate{cert}, "app", tokenURL, now)
		if err == nil && assertion != good {
			// Only a signature by the key can pass: anything else that
			// verifies must carry a valid signature over its own content.
			parts := strings.Split(assertion, ".")
			sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
			sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
			if !verifySignature("ES256", &key.PublicKey, sum[:], sig) {
				t.Fatalf("accepted %q without a valid signature", assertion)
			}
		}
	})
}

// The whole front door, with any request line: it answers or drops, never panics.
func FuzzServeHTTP(f *testing.F) {
	srv := NewServer()
	f.Cleanup(srv.Close)
	srv.AddMailbox("alice@contoso.com", Cloud)
	srv.AddMailbox("bob@contoso.com", OnPremises("mail.contoso.com"))
	// Tokens straight into the issuer, so that fuzzed paths reach the REST
	// handlers behind authentication too.
	far := time.Now().Add(24 * time.Hour)
	tid := srv.TenantID("contoso.com")
	srv.issuer.tokens["fuzz-graph"] = tokenInfo{audience: graphResource, user: "alice@contoso.com", clientID: "c", tenantID: tid, scopes: defaultPermissions, expires: far}
	srv.issuer.tokens["fuzz-onprem"] = tokenInfo{audience: "https://mail.contoso.com", user: "bob@contoso.com", clientID: "c", tenantID: tid, scopes: defaultPermissions, expires: far}
	srv.issuer.tokens["fuzz-app"] = tokenInfo{audience: graphResource, appOnly: true, clientID: "c", tenantID: tid, scopes: defaultPermissions, expires: far}
	// An upload session with a known URL, so that fuzzed chunks reach it.
	alice := srv.Mailbox("alice@contoso.com")
	msg := alice.Add("messages", Object{"id": "M", "subject": "upload"})
	srv.store.uploads["S"] = &uploadSession{id: "S", token: "T", box: alice, itemSet: "messages", itemID: msg,
		userSeg: alice.id + "@" + tid, attachment: Object{"@odata.type": graphNS + "fileAttachment", "name": "f"}, size: 8, expires: far}
	for _, s := range [][3]string{
		{"PUT", "outlook.office.com", "/api/v2.0/Users('x@y')/Messages('M')/AttachmentSessions('S')?authtoken=T"},
		{"GET", "outlook.office.com", "/api/v2.0/Users('x@y')/Messages('M')/AttachmentSessions('S')?authtoken=T"},
		{"PATCH", "graph.microsoft.com", "/v1.0/me/mailboxSettings"},
		{"GET", "graph.microsoft.com", "/v1.0/me/messages/M/$value"},
		{"GET", "graph.microsoft.com", "/v1.0/me"},
		{"GET", "autodiscover-s.outlook.com", "/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=Rest"},
		{"POST", "login.microsoftonline.com", "/contoso.com/oauth2/v2.0/token"},
		{"GET", "login.microsoftonline.com", "/common/discovery/instance?authorization_endpoint=%zz"},
		{"GET", "mail.contoso.com", "/api/v2.0/me"},
		{"GET", "contoso.com", "/autodiscover/autodiscover.json?Email=&Protocol="},
		{"GET", "unknown.example:8443", "/"},
		{"A", "0", "A: 0000"},
		{"GET", "graph.microsoft.com", "/v1.0/me/mailFolders/inbox/messages?$filter=isRead eq false&$orderby=receivedDateTime desc&$top=2"},
		{"GET", "mail.contoso.com", "/api/v2.0/me/MailFolders/Inbox/messages?$select=Subject&$search=\"x\""},
		{"GET", "graph.microsoft.com", "/v1.0/users/alice@contoso.com/calendarView?startDateTime=2024-01-01T00:00:00Z&endDateTime=2024-02-01T00:00:00Z"},
		{"POST", "graph.microsoft.com", "/v1.0/$batch"},
		{"GET", "graph.microsoft.com", "/v1.0/me/mailFolders/inbox/messages/delta"},
	} {
		for tok := range uint8(4) {
			f.Add(s[0], s[1], s[2], tok, `{"subject":"x","requests":[{"id":"1","method":"GET","url":"/me/messages"}]}`)
		}
	}
	f.Fuzz(func(t *testing.T, method, host, target string, tok uint8, body string) {
		if !validMethod(method) || strings.ContainsAny(host, " \r\n\t") {
			return
		}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		ct := "application/json"
		if strings.HasPrefix(host, "login.") {
			ct, body = "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=c&client_secret=s&scope="+url.QueryEscape(body)
		}
		header := http.Header{"Content-Type": {ct}}
		if tok%4 != 0 {
			header.Set("Authorization", "Bearer "+[]string{"fuzz-graph", "fuzz-onprem", "fuzz-app"}[tok%4-1])
		}
		r := (&http.Request{
			Method: method, URL: u, Host: host, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        header,
			Body:          io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)),
			TLS:           &tls.ConnectionState{},
		}).WithContext(t.Context())
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code < 100 || w.Code > 599 {
			t.Fatalf("%s %s%s: status %d", method, host, target, w.Code)
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
