package ews

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

const (
	host  = "mail.contoso.com"
	bob   = "bob@contoso.com"
	alice = "alice@contoso.com"
	carol = "carol@contoso.com"
)

// fixture is one EWS host over a store with three on-premises mailboxes,
// signed in as bob unless a test says otherwise.
type fixture struct {
	t      testing.TB
	st     *store.Store
	h      *Handler
	caller Caller
	dir    *testDir
	now    time.Time
}

// testDir is a Directory of grants a test sets.
type testDir struct {
	mu          sync.Mutex
	impersonate map[string]map[string]bool // caller name -> mailboxes ("*" for all)
	full        map[string]map[string]bool // mailbox -> callers
}

func (d *testDir) CanImpersonate(c Caller, mailbox string) (bool, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g := d.impersonate[c.Name]
	return g["*"] || g[mailbox], g != nil
}

func (d *testDir) FullAccess(c Caller, mailbox string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return c.Mailbox == mailbox || d.full[mailbox][c.Name]
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	f.st = store.New(func() time.Time { return f.now })
	for _, a := range []string{bob, alice, carol, "sadie@contoso.com"} {
		f.st.EnsureMailbox(a)
	}
	f.st.EnsureMailbox("cloud@contoso.com")
	f.dir = &testDir{impersonate: map[string]map[string]bool{}, full: map[string]map[string]bool{}}
	f.h = New(f.st, Env{
		Host: host,
		Locate: func(smtp string) (string, bool) {
			if smtp == "cloud@contoso.com" {
				return "", true
			}
			return host, true
		},
		Tenant:    func(string) string { return "tenant-1" },
		Now:       func() time.Time { return f.now },
		Directory: f.dir,
	})
	f.caller = Caller{Name: bob, Mailbox: bob}
	return f
}

// seed adds a message to a mailbox and returns its store id.
func (f *fixture) seed(addr string, obj Object) string {
	f.t.Helper()
	m, _ := f.st.Mailbox(addr)
	f.st.Lock()
	defer f.st.Unlock()
	if obj["parentFolderId"] == nil {
		obj["parentFolderId"] = "inbox"
	}
	id, err := m.Seed("messages", obj)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// post sends a SOAP request and returns the status and the parsed answer.
func (f *fixture) post(body string) (int, *elem, string) {
	f.t.Helper()
	r := httptest.NewRequest(http.MethodPost, "https://"+host+"/EWS/Exchange.asmx", strings.NewReader(body))
	r.Header.Set("Content-Type", "text/xml; charset=utf-8")
	w := httptest.NewRecorder()
	f.h.Serve(w, r, f.caller)
	raw := w.Body.String()
	root, err := parseXML(w.Body.Bytes())
	if err != nil {
		f.t.Fatalf("answer is not XML (%v): %s", err, raw)
	}
	return w.Code, root, raw
}

// envelope wraps body elements (with prefixes m: and t:) and optional
// header elements in a SOAP 1.1 envelope.
func soap(header, body string) string {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="` + nsTypes + `" xmlns:m="` + nsMessages + `"><soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/>`)
	b.WriteString(header)
	b.WriteString(`</soap:Header><soap:Body>`)
	b.WriteString(body)
	b.WriteString(`</soap:Body></soap:Envelope>`)
	return b.String()
}

// messages returns the response messages of an answer.
func messagesOf(t testing.TB, root *elem) []*elem {
	t.Helper()
	body := root.child(nsSOAP, "Body")
	if body == nil || len(body.kids) != 1 {
		t.Fatalf("no body in answer")
	}
	rm := body.kids[0].m("ResponseMessages")
	if rm == nil {
		t.Fatalf("no ResponseMessages in %s", body.kids[0].local)
	}
	return rm.kids
}

// ok fails the test unless every response message is a success, and
// returns them.
func (f *fixture) ok(body string) []*elem {
	f.t.Helper()
	status, root, raw := f.post(soap("", body))
	if status != 200 {
		f.t.Fatalf("status %d: %s", status, raw)
	}
	msgs := messagesOf(f.t, root)
	for _, m := range msgs {
		if cls, _ := m.attr("ResponseClass"); cls != "Success" {
			f.t.Fatalf("%s: %s %s\n%s", m.local, m.m("ResponseCode").value(), m.m("MessageText").value(), raw)
		}
	}
	return msgs
}

// code returns the ResponseCode of the first response message.
func (f *fixture) code(body string) string {
	f.t.Helper()
	status, root, raw := f.post(soap("", body))
	if status != 200 {
		f.t.Fatalf("status %d: %s", status, raw)
	}
	return messagesOf(f.t, root)[0].m("ResponseCode").value()
}

// faultCode returns the code of a SOAP fault answer.
func (f *fixture) faultCode(header, body string) (int, string) {
	f.t.Helper()
	status, root, _ := f.post(soap(header, body))
	fault := root.child(nsSOAP, "Body").child(nsSOAP, "Fault")
	if fault == nil {
		return status, ""
	}
	return status, fault.child("", "detail").child(nsErrors, "ResponseCode").value()
}

// find returns the first descendant of e named local (in any namespace).
func find(e *elem, local string) *elem {
	if e == nil {
		return nil
	}
	for _, k := range e.kids {
		if k.local == local {
			return k
		}
		if d := find(k, local); d != nil {
			return d
		}
	}
	return nil
}

// findAll returns the descendants of e named local.
func findAll(e *elem, local string) []*elem {
	var out []*elem
	if e == nil {
		return nil
	}
	for _, k := range e.kids {
		if k.local == local {
			out = append(out, k)
		}
		out = append(out, findAll(k, local)...)
	}
	return out
}
