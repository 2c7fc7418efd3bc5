package outlooktest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	ntlmssp "github.com/Azure/go-ntlmssp"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
)

const (
	ewsURL   = "https://mail.contoso.com/EWS/Exchange.asmx"
	ewsBob   = "bob@contoso.com"
	ewsAlice = "alice@contoso.com"
)

// ewsTenant is a hybrid tenant: alice in the cloud, bob and carol on
// mail.contoso.com.
func ewsTenant(t *testing.T, opts ...Option) *Server {
	t.Helper()
	srv := NewServer(opts...)
	t.Cleanup(srv.Close)
	srv.AddMailbox(ewsAlice, Cloud)
	srv.AddMailbox(ewsBob, OnPremises("mail.contoso.com"))
	srv.AddMailbox("carol@contoso.com", OnPremises("mail.contoso.com"))
	return srv
}

// token mints a token the issuer would have issued.
func token(srv *Server, p issuer.Principal) string {
	p.ClientID, p.TenantID = "c", srv.TenantID("contoso.com")
	return srv.issuer.Mint(p, time.Now().Add(time.Hour))
}

func soapBody(header, body string) string {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2016"/>` +
		header + `</soap:Header><soap:Body>` + body + `</soap:Body></soap:Envelope>`
}

type ewsAnswer struct {
	status int
	header http.Header
	body   string
}

// postEWS sends a SOAP request with one Authorization header (or none)
// through c.
func postEWS(t *testing.T, c *http.Client, url, auth, body string, extra ...string) ewsAnswer {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return ewsAnswer{resp.StatusCode, resp.Header, string(b)}
}

// first returns the text of the first element named local in an answer.
func first(body, local string) string {
	m := regexp.MustCompile(`<(\w+:)?` + local + `(\s[^>]*)?>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[3]
}

// attr returns the value of attribute name of the first element local.
func attr(body, local, name string) string {
	m := regexp.MustCompile(`<(\w+:)?` + local + `\s[^>]*\b` + name + `="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[2]
}

const findInboxAll = `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>`

// Mail sent through Graph arrives in a mailbox read over EWS; a message
// written over EWS reads the same over REST v2.0, with the same id (in its
// REST form) and an ETag holding the same change key; a write through one
// protocol moves the change key both show.
func TestEWSCrossProtocol(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t)
	graph := token(srv, issuer.Principal{Audience: hosts.GraphResource, User: ewsAlice})
	onprem := token(srv, issuer.Principal{Audience: "https://mail.contoso.com", User: ewsBob})
	c := srv.Client()

	send := `{"message":{"subject":"From the cloud","body":{"contentType":"text","content":"hi"},"toRecipients":[{"emailAddress":{"address":"bob@contoso.com"}}]}}`
	req, _ := http.NewRequest(http.MethodPost, "https://graph.microsoft.com/v1.0/me/sendMail", strings.NewReader(send))
	req.Header.Set("Authorization", "Bearer "+graph)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("Graph sendMail: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	a := postEWS(t, c, ewsURL, "Bearer "+onprem, soapBody("", findInboxAll))
	if a.status != http.StatusOK || first(a.body, "Subject") != "From the cloud" || first(a.body, "IsRead") != "false" {
		t.Fatalf("EWS FindItem: %d %s", a.status, a.body)
	}

	// Written over EWS, read over REST v2.0.
	a = postEWS(t, c, ewsURL, "Bearer "+onprem, soapBody("", `<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Message><t:Subject>Draft over EWS</t:Subject><t:Body BodyType="Text">x</t:Body><t:Categories><t:String>Blue</t:String></t:Categories><t:Importance>High</t:Importance></t:Message></m:Items></m:CreateItem>`))
	ewsID, ck := attr(a.body, "ItemId", "Id"), attr(a.body, "ItemId", "ChangeKey")
	if ewsID == "" || ck == "" {
		t.Fatalf("CreateItem: %s", a.body)
	}
	restID := ids.EWSToREST(ewsID)
	readREST := func() map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "https://mail.contoso.com/api/v2.0/me/messages/"+restID, nil)
		req.Header.Set("Authorization", "Bearer "+onprem)
		resp, err := c.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("REST GET: %v %v", resp, err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return m
	}
	m := readREST()
	if m["Id"] != restID || m["Subject"] != "Draft over EWS" || m["Importance"] != "High" || m["IsDraft"] != true {
		t.Errorf("REST view of the EWS draft: %v", m)
	}
	if m["@odata.etag"] != `W/"`+ck+`"` || m["ChangeKey"] != ck {
		t.Errorf("REST ETag %v / ChangeKey %v; EWS change key %s", m["@odata.etag"], m["ChangeKey"], ck)
	}

	// Written over REST, the change key EWS shows moves with it.
	patch, _ := http.NewRequest(http.MethodPatch, "https://mail.contoso.com/api/v2.0/me/messages/"+restID, strings.NewReader(`{"IsRead":false}`))
	patch.Header.Set("Authorization", "Bearer "+onprem)
	patch.Header.Set("Content-Type", "application/json")
	if resp, err := c.Do(patch); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("REST PATCH: %v %v", resp, err)
	} else {
		resp.Body.Close() // an answer left unread holds its connection's reader forever
	}
	m = readREST()
	a = postEWS(t, c, ewsURL, "Bearer "+onprem, soapBody("", `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="message:IsRead"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="`+ewsID+`"/></m:ItemIds></m:GetItem>`))
	ck2 := attr(a.body, "ItemId", "ChangeKey")
	if ck2 == ck || m["@odata.etag"] != `W/"`+ck2+`"` || first(a.body, "IsRead") != "false" {
		t.Errorf("after the REST write: EWS key %s (before %s), REST ETag %v, IsRead %s", ck2, ck, m["@odata.etag"], first(a.body, "IsRead"))
	}
	// The stale key is refused over EWS as the REST ETag is over REST.
	a = postEWS(t, c, ewsURL, "Bearer "+onprem, soapBody("", `<m:UpdateItem MessageDisposition="SaveOnly" ConflictResolution="NeverOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="`+ewsID+`" ChangeKey="`+ck+`"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:Message><t:Subject>late</t:Subject></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`))
	if first(a.body, "ResponseCode") != "ErrorIrresolvableConflict" {
		t.Errorf("stale change key: %s", first(a.body, "ResponseCode"))
	}

	// Sent over EWS, delivered to the cloud mailbox Graph reads.
	postEWS(t, c, ewsURL, "Bearer "+onprem, soapBody("", `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:Message><t:Subject>To the cloud</t:Subject><t:Body BodyType="HTML">&lt;b&gt;hi&lt;/b&gt;</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>alice@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>`))
	req, _ = http.NewRequest(http.MethodGet, "https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages?$select=subject,from", nil)
	req.Header.Set("Authorization", "Bearer "+graph)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"subject":"To the cloud"`) || !strings.Contains(string(b), ewsBob) {
		t.Errorf("Graph inbox after the EWS send: %s", b)
	}
}

// EWS takes a bearer token for its host, NTLM and Basic, each answered as
// Exchange answers it, and refuses the rest with the same 401.
func TestEWSAuth(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t)
	srv.AddAccount("bob@contoso.com", "Bob's pw")
	srv.AddAccount(`CONTOSO\svc-ews`, "S3rvice!")
	srv.Mailbox(ewsBob).Add("messages", Object{"subject": "for bob"})
	c := srv.Client()
	body := soapBody("", findInboxAll)

	a := postEWS(t, c, ewsURL, "", body)
	if a.status != http.StatusUnauthorized {
		t.Fatalf("no credentials: %d", a.status)
	}
	schemes := strings.Join(a.header.Values("WWW-Authenticate"), " | ")
	for _, want := range []string{"Bearer client_id=", "Negotiate", "NTLM", `Basic realm="mail.contoso.com"`} {
		if !strings.Contains(schemes, want) {
			t.Errorf("challenge %q lacks %s", schemes, want)
		}
	}

	graph := token(srv, issuer.Principal{Audience: hosts.GraphResource, User: ewsBob})
	app := token(srv, issuer.Principal{Audience: "https://mail.contoso.com", AppOnly: true})
	basic := func(user, pw string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))
	}
	for _, tc := range []struct {
		name, auth string
		status     int
		diag       string
	}{
		{"bearer for the host", "Bearer " + token(srv, issuer.Principal{Audience: "https://mail.contoso.com", User: ewsBob}), 200, ""},
		{"bearer for Graph", "Bearer " + graph, 401, "2000003"},
		{"app-only bearer", "Bearer " + app, 401, "This token profile is not applicable"},
		{"Basic, UPN", basic("bob@contoso.com", "Bob's pw"), 200, ""},
		{"Basic, down-level name", basic(`CONTOSO\bob`, "Bob's pw"), 200, ""},
		{"Basic, wrong password", basic("bob@contoso.com", "guess"), 401, ""},
		{"Basic, unknown account", basic(`CONTOSO\eve`, "x"), 401, ""},
		{"Kerberos", "Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnagMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYKKwYBBAGCNwICCg==", 401, ""},
	} {
		a := postEWS(t, c, ewsURL, tc.auth, body)
		if a.status != tc.status || !strings.Contains(a.header.Get("x-ms-diagnostics"), tc.diag) {
			t.Errorf("%s: %d %q; want %d %q", tc.name, a.status, a.header.Get("x-ms-diagnostics"), tc.status, tc.diag)
		}
		if tc.status == 200 && first(a.body, "Subject") != "for bob" {
			t.Errorf("%s: %s", tc.name, a.body)
		}
	}

	// Basic over plain HTTP is refused before the credentials are looked at.
	if a := postEWS(t, c, "http://mail.contoso.com/EWS/Exchange.asmx", basic("bob@contoso.com", "Bob's pw"), body); a.status != http.StatusForbidden {
		t.Errorf("Basic over HTTP: %d; want 403", a.status)
	}

	// NTLM with an independent client (go-ntlmssp), both name forms.
	ntlm := &http.Client{Transport: ntlmssp.Negotiator{RoundTripper: srv.Transport().Clone()}}
	for _, user := range []string{"bob@contoso.com", `CONTOSO\bob`, `contoso.com\bob`} {
		req, _ := http.NewRequest(http.MethodPost, ewsURL, strings.NewReader(body))
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
		req.SetBasicAuth(user, "Bob's pw")
		resp, err := ntlm.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || first(string(b), "Subject") != "for bob" {
			t.Errorf("NTLM as %s: %d %s", user, resp.StatusCode, b)
		}
	}
	// A connection signed in stays signed in (as IIS keeps NTLM), so the
	// attempts below start on new connections.
	fresh := func() *http.Client {
		return &http.Client{Transport: ntlmssp.Negotiator{RoundTripper: srv.Transport().Clone()}}
	}
	req, _ := http.NewRequest(http.MethodPost, ewsURL, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.SetBasicAuth("bob@contoso.com", "wrong")
	if resp, err := fresh().Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("NTLM with a wrong password: %v %v; want 401", resp, err)
	} else {
		resp.Body.Close()
	}
	// The service account has no mailbox: EWS tells it to name one.
	req, _ = http.NewRequest(http.MethodPost, ewsURL, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.SetBasicAuth(`CONTOSO\svc-ews`, "S3rvice!")
	resp, err := fresh().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if first(string(b), "ResponseCode") != "ErrorMissingEmailAddress" {
		t.Errorf("service account without impersonation: %s", b)
	}

	// Without hybrid modern auth the server offers no Bearer and refuses
	// tokens; NTLM and Basic go on.
	srv.SetModernAuthDisabled("mail.contoso.com", true)
	a = postEWS(t, c, ewsURL, "Bearer "+token(srv, issuer.Principal{Audience: "https://mail.contoso.com", User: ewsBob}), body)
	if a.status != 401 || strings.Contains(strings.Join(a.header.Values("WWW-Authenticate"), " "), "Bearer") {
		t.Errorf("bearer with modern auth off: %d %v", a.status, a.header.Values("WWW-Authenticate"))
	}
	if a := postEWS(t, c, ewsURL, basic("bob@contoso.com", "Bob's pw"), body); a.status != 200 {
		t.Errorf("Basic with modern auth off: %d", a.status)
	}
}

// ntlmConn is one connection's worth of a hand-driven NTLM handshake, to
// replay its messages.
func ntlmHandshake(t *testing.T, c *http.Client, user, password, body string) (auth string, a ewsAnswer) {
	t.Helper()
	neg, err := ntlmssp.NewNegotiateMessage("", "")
	if err != nil {
		t.Fatal(err)
	}
	a = postEWS(t, c, ewsURL, "NTLM "+base64.StdEncoding.EncodeToString(neg), body)
	ch := strings.TrimPrefix(a.header.Get("WWW-Authenticate"), "NTLM ")
	if a.status != 401 || ch == "" {
		t.Fatalf("NEGOTIATE: %d %v", a.status, a.header)
	}
	raw, _ := base64.StdEncoding.DecodeString(ch)
	msg, err := ntlmssp.NewAuthenticateMessage(raw, user, password, nil)
	if err != nil {
		t.Fatal(err)
	}
	auth = "NTLM " + base64.StdEncoding.EncodeToString(msg)
	return auth, postEWS(t, c, ewsURL, auth, body)
}

// An NTLM handshake belongs to its connection: the connection stays
// signed in, and its AUTHENTICATE message is good once, there only.
func TestEWSNTLMReplay(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t)
	srv.AddAccount("bob@contoso.com", "pw")
	body := soapBody("", findInboxAll)
	tr := srv.Transport().Clone()
	tr.MaxConnsPerHost = 1
	one := &http.Client{Transport: tr}
	auth, a := ntlmHandshake(t, one, "bob@contoso.com", "pw", body)
	if a.status != 200 {
		t.Fatalf("handshake: %d %s", a.status, a.body)
	}
	if a := postEWS(t, one, ewsURL, "", body); a.status != 200 {
		t.Errorf("the signed-in connection without credentials: %d", a.status)
	}
	if a := postEWS(t, one, ewsURL, auth, body); a.status != 401 {
		t.Errorf("AUTHENTICATE replayed on its connection: %d; want 401", a.status)
	}
	other := &http.Client{Transport: srv.Transport().Clone()}
	if a := postEWS(t, other, ewsURL, auth, body); a.status != 401 {
		t.Errorf("AUTHENTICATE replayed on another connection: %d; want 401", a.status)
	}
	if a := postEWS(t, other, ewsURL, "", body); a.status != 401 {
		t.Errorf("another connection without credentials: %d; want 401", a.status)
	}
}

// A service account acts as a mailbox through ExchangeImpersonation when
// it holds ApplicationImpersonation on it, and opens a mailbox through the
// Mailbox element when it holds FullAccess; Exchange's faults and codes
// otherwise.
func TestEWSImpersonationAndDelegates(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t)
	srv.AddAccount(`CONTOSO\svc-ews`, "pw")
	srv.AddAccount(`CONTOSO\bob`, "pw")
	srv.Mailbox(ewsBob).Add("messages", Object{"subject": "bob's"})
	srv.Mailbox("carol@contoso.com").Add("messages", Object{"subject": "carol's"})
	svc := "Basic " + base64.StdEncoding.EncodeToString([]byte(`CONTOSO\svc-ews:pw`))
	bob := "Basic " + base64.StdEncoding.EncodeToString([]byte(`CONTOSO\bob:pw`))
	imp := func(addr string) string {
		return `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>` + addr + `</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
	}
	fault := func(a ewsAnswer) string {
		if a.status != 500 {
			return fmt.Sprintf("status %d", a.status)
		}
		return first(a.body, "ResponseCode")
	}
	c := srv.Client()
	if got := fault(postEWS(t, c, ewsURL, svc, soapBody(imp(ewsBob), findInboxAll))); got != "ErrorImpersonationDenied" {
		t.Errorf("no role: %s", got)
	}
	srv.GrantImpersonation(`CONTOSO\svc-ews`, ewsBob)
	a := postEWS(t, c, ewsURL, svc, soapBody(imp(ewsBob), findInboxAll), "X-AnchorMailbox", ewsBob)
	if a.status != 200 || first(a.body, "Subject") != "bob's" {
		t.Errorf("impersonating bob: %d %s", a.status, a.body)
	}
	if got := fault(postEWS(t, c, ewsURL, svc, soapBody(imp("carol@contoso.com"), findInboxAll))); got != "ErrorImpersonateUserDenied" {
		t.Errorf("role scoped to bob, impersonating carol: %s", got)
	}
	if got := fault(postEWS(t, c, ewsURL, svc, soapBody(imp(ewsAlice), findInboxAll))); got != "ErrorNonExistentMailbox" {
		t.Errorf("impersonating the cloud mailbox on-premises: %s", got)
	}
	srv.GrantImpersonation(`CONTOSO\svc-ews`)
	if a := postEWS(t, c, ewsURL, svc, soapBody(imp("carol@contoso.com"), findInboxAll)); first(a.body, "Subject") != "carol's" {
		t.Errorf("role on all mailboxes: %s", a.body)
	}

	delegate := strings.Replace(findInboxAll, `<t:DistinguishedFolderId Id="inbox"/>`, `<t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`, 1)
	if a := postEWS(t, c, ewsURL, bob, soapBody("", delegate)); first(a.body, "ResponseCode") != "ErrorAccessDenied" {
		t.Errorf("delegate without FullAccess: %s", a.body)
	}
	srv.GrantFullAccess("carol@contoso.com", `CONTOSO\bob`)
	if a := postEWS(t, c, ewsURL, bob, soapBody("", delegate)); first(a.body, "Subject") != "carol's" {
		t.Errorf("delegate with FullAccess: %s", a.body)
	}
	// A delegated token's user is a delegate by address.
	srv.GrantFullAccess("carol@contoso.com", "bob@contoso.com")
	tok := token(srv, issuer.Principal{Audience: "https://mail.contoso.com", User: ewsBob})
	if a := postEWS(t, c, ewsURL, "Bearer "+tok, soapBody("", delegate)); first(a.body, "Subject") != "carol's" {
		t.Errorf("token user with FullAccess: %s", a.body)
	}
}

// Throttling as data: an injected EWS fault is the SOAP fault Exchange
// throttles with, its back-off to the millisecond and no Retry-After.
func TestEWSServerBusyFault(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t)
	srv.AddAccount("bob@contoso.com", "pw")
	srv.Inject(Fault{Host: "mail.contoso.com", Path: "/EWS/", Status: 500, RetryAfter: 250 * time.Millisecond, Times: 1})
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("bob@contoso.com:pw"))
	a := postEWS(t, srv.Client(), ewsURL, basic, soapBody("", findInboxAll))
	if a.status != 500 || a.header.Get("Retry-After") != "" {
		t.Fatalf("throttled: %d Retry-After %q", a.status, a.header.Get("Retry-After"))
	}
	var env struct {
		Body struct {
			Fault struct {
				Code   string `xml:"faultcode"`
				Detail struct {
					ResponseCode string `xml:"ResponseCode"`
					Value        struct {
						Name string `xml:"Name,attr"`
						Text string `xml:",chardata"`
					} `xml:"MessageXml>Value"`
				} `xml:"detail"`
			} `xml:"Fault"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal([]byte(a.body), &env); err != nil {
		t.Fatal(err)
	}
	f := env.Body.Fault
	if f.Code != "a:ErrorServerBusy" || f.Detail.ResponseCode != "ErrorServerBusy" || f.Detail.Value.Name != "BackOffMilliseconds" || f.Detail.Value.Text != "250" {
		t.Errorf("fault %+v", f)
	}
	if a := postEWS(t, srv.Client(), ewsURL, basic, soapBody("", findInboxAll)); a.status != 200 {
		t.Errorf("after the fault: %d", a.status)
	}
}

// EWS requests count in MaxInFlight for the mailbox they act on: the one
// X-AnchorMailbox names, or the one they turn out to act on.
func TestEWSInFlight(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t)
	srv.AddAccount(`CONTOSO\svc-ews`, "pw")
	srv.GrantImpersonation(`CONTOSO\svc-ews`)
	srv.Inject(Fault{Host: "mail.contoso.com", Path: "/EWS/", Latency: 300 * time.Millisecond})
	svc := "Basic " + base64.StdEncoding.EncodeToString([]byte(`CONTOSO\svc-ews:pw`))
	imp := func(addr string) string {
		return `<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>` + addr + `</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
	}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			target, extra := ewsBob, []string{"X-AnchorMailbox", ewsBob}
			if i%2 == 1 {
				target, extra = "carol@contoso.com", nil // no anchor: counted once the request is read
			}
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, ewsURL, bytes.NewReader([]byte(soapBody(imp(target), findInboxAll))))
			req.Header.Set("Content-Type", "text/xml")
			req.Header.Set("Authorization", svc)
			for j := 0; j+1 < len(extra); j += 2 {
				req.Header.Set(extra[j], extra[j+1])
			}
			if resp, err := srv.Client().Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if got := srv.MaxInFlight(ewsBob); got < 2 {
		t.Errorf("MaxInFlight(bob) = %d; want the 3 concurrent anchored requests counted", got)
	}
	if got := srv.MaxInFlight("carol@contoso.com"); got < 1 {
		t.Errorf("MaxInFlight(carol) = %d; want the impersonated requests counted", got)
	}
}

// Each on-premises host serves EWS, REST v2.0 or both; what it does not
// serve answers IIS's 404, while Autodiscover keeps answering both URLs.
func TestEWSProtocols(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t, WithAppOnlyOnPremises())
	srv.AddAccount("bob@contoso.com", "pw")
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("bob@contoso.com:pw"))
	rest := token(srv, issuer.Principal{Audience: "https://mail.contoso.com", User: ewsBob})
	c := srv.Client()
	check := func(p Protocols, ewsStatus, restStatus int) {
		t.Helper()
		srv.SetProtocols("mail.contoso.com", p)
		if a := postEWS(t, c, ewsURL, basic, soapBody("", findInboxAll)); a.status != ewsStatus {
			t.Errorf("%v: EWS %d; want %d", p, a.status, ewsStatus)
		}
		if got := get(t, srv, "https://mail.contoso.com/api/v2.0/me/messages", rest); got != restStatus {
			t.Errorf("%v: REST %d; want %d", p, got, restStatus)
		}
		for proto, want := range map[string]string{"Ews": "https://mail.contoso.com/EWS/Exchange.asmx", "Rest": "https://mail.contoso.com/api"} {
			resp, err := c.Get("https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/" + ewsBob + "?Protocol=" + proto)
			if err != nil {
				t.Fatal(err)
			}
			var ad struct{ Protocol, Url string }
			_ = json.NewDecoder(resp.Body).Decode(&ad)
			resp.Body.Close()
			if ad.Url != want || ad.Protocol != proto {
				t.Errorf("%v: Autodiscover %s answered %+v", p, proto, ad)
			}
		}
	}
	check(EWS|RESTv2, 200, 200)
	check(EWS, 200, 404)
	check(RESTv2, 404, 200)
	check(0, 404, 404)
	if s := (EWS | RESTv2).String(); s != "EWS|RESTv2" {
		t.Errorf("String() = %q", s)
	}
}

// A request over the EWS virtual directory's content limit is refused by
// IIS request filtering, before sign-in.
func TestEWSRequestLimit(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t)
	big := strings.Repeat("A", 64<<20+1)
	req, _ := http.NewRequest(http.MethodPost, ewsURL, strings.NewReader(big))
	req.Header.Set("Content-Type", "text/xml")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(b), "404.13") {
		t.Errorf("64 MiB + 1 byte: %d %.80s", resp.StatusCode, b)
	}
}

// An anchored request is counted once for its mailbox, though the front
// end finds it acts on that mailbox too; the requests of a client that
// waits for each answer are never two in flight.
func TestEWSInFlightCountedOnce(t *testing.T) {
	t.Parallel()
	srv := ewsTenant(t)
	srv.AddAccount(`CONTOSO\svc-ews`, "pw")
	srv.GrantImpersonation(`CONTOSO\svc-ews`)
	svc := "Basic " + base64.StdEncoding.EncodeToString([]byte(`CONTOSO\svc-ews:pw`))
	imp := `<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>` + ewsBob + `</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
	for range 20 {
		if a := postEWS(t, srv.Client(), ewsURL, svc, soapBody(imp, findInboxAll), "X-AnchorMailbox", ewsBob); a.status != http.StatusOK {
			t.Fatalf("status %d", a.status)
		}
	}
	if got := srv.MaxInFlight(ewsBob); got != 1 {
		t.Errorf("MaxInFlight(bob) = %d over one request at a time, want 1", got)
	}
}
