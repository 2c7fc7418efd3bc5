package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

const (
	tGraphHost  = "graph.microsoft.com"
	tV2Host     = "mail.contoso.com"
	tCloudUser  = "alice@contoso.com"
	tOnpremUser = "bob@contoso.com"
)

// fakeHost is one REST host served over plain HTTP, with a middleware
// standing in for the host layer's authentication.
type fakeHost struct {
	t       *testing.T
	st      *store.Store
	srv     *httptest.Server
	dialect dialect.Dialect
	host    string
	root    string
	who     issuer.Principal
	user    string // the mailbox the tests address
}

// newFakeHost starts a host of dialect d holding a cloud mailbox
// (alice@contoso.com) and an on-premises one on mail.contoso.com
// (bob@contoso.com); the principal is the user of that dialect's mailbox.
func newFakeHost(t testing.TB, d dialect.Dialect, pageSize int) *fakeHost {
	st := store.New(func() time.Time { return time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC) })
	return newFakeHostStore(t, st, d, pageSize)
}

func newFakeHostStore(t testing.TB, st *store.Store, d dialect.Dialect, pageSize int) *fakeHost {
	st.EnsureMailbox(tCloudUser)
	st.EnsureMailbox(tOnpremUser)
	locs := map[string]string{tCloudUser: "", tOnpremUser: tV2Host} // "": Exchange Online
	f := &fakeHost{st: st, dialect: d, host: tGraphHost, root: "/v1.0", user: tCloudUser}
	if tt, ok := t.(*testing.T); ok {
		f.t = tt
	}
	if d == dialect.V2 {
		f.host, f.root, f.user = tV2Host, "/api/v2.0", tOnpremUser
	}
	f.who = issuer.Principal{Audience: "https://" + f.host, User: f.user, ClientID: "app", Scopes: []string{"Mail.ReadWrite"}}
	env := Env{
		Dialect:  d,
		Host:     f.host,
		Locate:   func(s string) (string, bool) { l, ok := locs[strings.ToLower(s)]; return l, ok },
		PageSize: func() int { return pageSize },
		Now:      st.Now,
	}
	if d == dialect.Graph {
		env.Uploads = NewUploads(st)
	}
	h := New(st, env)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Serve(w, r, f.who)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeHost) mailbox() *box {
	m, _ := f.st.Mailbox(f.user)
	return &box{st: f.st, m: m}
}

// box is a mailbox of the store with the seeding and inspection calls the
// tests make, each taking the store's lock and failing loudly, as
// outlooktest.Mailbox's do.
type box struct {
	st *store.Store
	m  *store.Mailbox
}

func (b *box) Add(collection string, obj Object) string {
	b.st.Lock()
	defer b.st.Unlock()
	id, err := b.m.Seed(collection, obj)
	if err != nil {
		panic(fmt.Sprintf("Add(%q): %v", collection, err))
	}
	return id
}

func (b *box) AddAttachment(itemID string, obj Object) string {
	b.st.Lock()
	defer b.st.Unlock()
	id, err := b.m.SeedAttachment(itemID, obj)
	if err != nil {
		panic(fmt.Sprintf("AddAttachment(%q): %v", itemID, err))
	}
	return id
}

func (b *box) Get(collection, id string) (Object, bool) {
	b.st.Lock()
	defer b.st.Unlock()
	e := b.m.Find(schema.CanonicalSet(collection), id)
	if e == nil {
		return nil, false
	}
	return b.m.View(e), true
}

func (b *box) Items(collection string) []Object {
	b.st.Lock()
	defer b.st.Unlock()
	return b.m.Items(schema.CanonicalSet(collection))
}

// url turns a path under the version root, or a link the server returned
// (absolute, on its host), into a URL of the test server.
func (f *fakeHost) url(p string) string {
	if rest, ok := strings.CutPrefix(p, "https://"+f.host); ok {
		return f.srv.URL + rest
	}
	return f.srv.URL + f.root + p
}

type reply struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (a reply) String() string { return fmt.Sprintf("%d %s", a.status, a.raw) }

func (a reply) value() []any {
	v, _ := a.body["value"].([]any)
	return v
}

func (a reply) errCode() string {
	e, _ := a.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// do sends a request; body is JSON-encoded unless it is a string; hdr is
// name, value pairs.
func (f *fakeHost) do(t testing.TB, method, path string, body any, hdr ...string) reply {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Errorf("encoding the request body: %v", err)
			return reply{}
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, f.url(path), rd)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return reply{}
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if strings.EqualFold(hdr[i], "Prefer") {
			req.Header.Add(hdr[i], hdr[i+1]) // several Prefer headers are allowed
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return reply{}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("%s %s: reading the answer: %v", method, path, err)
		return reply{}
	}
	a := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 && strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			t.Errorf("%s %s: the answer is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return a
}

func (f *fakeHost) must(t testing.TB, want int, method, path string, body any, hdr ...string) reply {
	t.Helper()
	a := f.do(t, method, path, body, hdr...)
	if a.status != want {
		t.Fatalf("%s %s = %s; want status %d", method, path, a, want)
	}
	return a
}

// n returns the dialect's spelling of a Graph property name.
func (f *fakeHost) n(graphName string) string {
	if f.dialect == dialect.V2 {
		return schema.UpperFirst(graphName)
	}
	return graphName
}

func dialects() []struct {
	name string
	d    dialect.Dialect
} {
	return []struct {
		name string
		d    dialect.Dialect
	}{{"graph", dialect.Graph}, {"v2", dialect.V2}}
}

// TestCRUDEveryCollection creates, reads, lists, updates and deletes an
// entity of every collection through its documented path, in both dialects,
// and checks the raw casing of the answers.
func TestCRUDEveryCollection(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			msgID := m.Add("messages", Object{"subject": "holder"})
			evID := m.Add("events", Object{"subject": "holder", "start": Object{"dateTime": "2024-05-02T09:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2024-05-02T10:00:00", "timeZone": "UTC"}})
			cases := []struct {
				name       string
				list       string // POST and GET here
				create     Object // Graph names; converted for v2
				update     Object
				check      string // property to read back after update
				entityPath string // "" = list + "/" + id
			}{
				{"message in folder", "/me/mailFolders/inbox/messages", Object{"subject": "s1", "body": Object{"contentType": "html", "content": "<p>x</p>"}}, Object{"isRead": false}, "isRead", "/me/messages/"},
				{"draft", "/me/messages", Object{"subject": "d1", "importance": "high"}, Object{"subject": "d2"}, "subject", ""},
				{"mail folder", "/me/mailFolders", Object{"displayName": "Receipts"}, Object{"displayName": "Bills"}, "displayName", ""},
				{"child folder", "/me/mailFolders/inbox/childFolders", Object{"displayName": "Sub"}, Object{"displayName": "Sub2"}, "displayName", "/me/mailFolders/"},
				{"message attachment", "/me/messages/" + msgID + "/attachments", Object{"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentBytes": "aGVsbG8="}, nil, "", ""},
				{"event attachment", "/me/events/" + evID + "/attachments", Object{"@odata.type": "#microsoft.graph.fileAttachment", "name": "b.txt", "contentBytes": "aGk="}, nil, "", ""},
				{"event", "/me/events", Object{"subject": "e1", "start": Object{"dateTime": "2024-06-11T14:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2024-06-11T15:00:00", "timeZone": "UTC"}, "showAs": "free"}, Object{"subject": "e2"}, "subject", ""},
				{"calendar event", "/me/calendar/events", Object{"subject": "e3"}, Object{"subject": "e4"}, "subject", "/me/events/"},
				{"calendar", "/me/calendars", Object{"name": "Team", "color": "lightGreen"}, Object{"name": "Team2"}, "name", ""},
				{"calendar group", "/me/calendarGroups", Object{"name": "G"}, Object{"name": "G2"}, "name", ""},
				{"contact", "/me/contacts", Object{"givenName": "Pat", "surname": "Lee", "mobilePhone": "+1 555"}, Object{"mobilePhone": "+1 556"}, "mobilePhone", ""},
				{"contact folder", "/me/contactFolders", Object{"displayName": "Vendors"}, Object{"displayName": "Vendors2"}, "displayName", ""},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					body := tc.create
					if dl.d == dialect.V2 {
						body = dialect.EncodeV2(schema.DeepCopy(body), typeFor(tc.list)).(map[string]any)
					}
					created := f.must(t, http.StatusCreated, "POST", tc.list, body)
					id, _ := created.body[f.n("id")].(string)
					if id == "" || !strings.HasPrefix(id, "AAMkAG") {
						t.Fatalf("POST %s: id = %q; want an AAMkAG... id\n%s", tc.list, id, created.raw)
					}
					checkCasing(t, f, created.raw)
					if tc.name == "message attachment" && created.body[f.n("size")] != float64(5) {
						t.Errorf("attachment size = %v; want 5 (the decoded contentBytes)", created.body[f.n("size")])
					}
					if dl.d == dialect.V2 {
						if oid, _ := created.body["@odata.id"].(string); !strings.HasPrefix(oid, "https://"+tV2Host+"/api/v2.0/Users('"+tOnpremUser+"')/") || !strings.HasSuffix(oid, "('"+id+"')") {
							t.Errorf("@odata.id = %q", oid)
						}
						if strings.Contains(string(created.raw), `"mobilePhone"`) || tc.name == "contact" && !strings.Contains(string(created.raw), `"MobilePhone1":"+1 555"`) {
							t.Errorf("contact mobile phone not renamed: %s", created.raw)
						}
					}
					ep := tc.entityPath
					if ep == "" {
						ep = tc.list + "/"
					}
					got := f.must(t, http.StatusOK, "GET", ep+id, nil)
					if got.body[f.n("id")] != id {
						t.Fatalf("GET %s%s: id = %v", ep, id, got.body[f.n("id")])
					}
					list := f.must(t, http.StatusOK, "GET", tc.list+"?$top=100", nil)
					found := false
					for _, v := range list.value() {
						if v.(map[string]any)[f.n("id")] == id {
							found = true
						}
					}
					if !found {
						t.Errorf("GET %s does not list %s:\n%s", tc.list, id, list.raw)
					}
					if tc.update != nil {
						up := tc.update
						if dl.d == dialect.V2 {
							up = dialect.EncodeV2(schema.DeepCopy(up), typeFor(tc.list)).(map[string]any)
						}
						patched := f.must(t, http.StatusOK, "PATCH", ep+id, up)
						key := f.n(tc.check)
						if tc.check == "mobilePhone" && dl.d == dialect.V2 {
							key = "MobilePhone1"
						}
						want := tc.update[tc.check]
						if patched.body[key] != want {
							t.Errorf("PATCH %s: %s = %v; want %v\n%s", ep+id, key, patched.body[key], want, patched.raw)
						}
						if patched.body[f.n("changeKey")] != nil && patched.body[f.n("changeKey")] == created.body[f.n("changeKey")] {
							t.Errorf("PATCH did not change the change key")
						}
					}
					f.must(t, http.StatusNoContent, "DELETE", ep+id, nil)
					if tc.name != "message in folder" && tc.name != "draft" {
						f.must(t, http.StatusNotFound, "GET", ep+id, nil)
					}
				})
			}
		})
	}
}

// typeFor guesses the schema of a test list path, for converting bodies.
func typeFor(path string) *schema.ObjType {
	p := strings.ToLower(path)
	switch {
	case strings.HasSuffix(p, "/attachments"):
		return schema.Sets()["attachments"].Type
	case strings.HasSuffix(p, "/messages"):
		return schema.Sets()["messages"].Type
	case strings.HasSuffix(p, "/events"):
		return schema.Sets()["events"].Type
	case strings.HasSuffix(p, "/calendars"):
		return schema.Sets()["calendars"].Type
	case strings.HasSuffix(p, "/calendargroups"):
		return schema.Sets()["calendarGroups"].Type
	case strings.HasSuffix(p, "/contacts"):
		return schema.Sets()["contacts"].Type
	case strings.HasSuffix(p, "/contactfolders"):
		return schema.Sets()["contactFolders"].Type
	}
	return schema.Sets()["mailFolders"].Type
}

// checkCasing checks that every property name of a raw reply has the
// dialect's casing: camelCase for Graph, PascalCase for v2.0 (annotations and
// v2.0's iCalUId aside), and that v2.0 enum values are PascalCase.
func checkCasing(t *testing.T, f *fakeHost, raw []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if strings.HasPrefix(k, "@") || k == "iCalUId" {
					continue
				}
				upper := k[0] >= 'A' && k[0] <= 'Z'
				if f.dialect == dialect.V2 && !upper || f.dialect == dialect.Graph && upper {
					t.Errorf("%s: property %q has the wrong casing for %s", path, k, f.host)
				}
				walk(path+"/"+k, e)
			}
			if f.dialect == dialect.V2 {
				for _, k := range []string{"Importance", "ShowAs", "Sensitivity", "Color"} {
					if s, ok := v[k].(string); ok && s != "" && !(s[0] >= 'A' && s[0] <= 'Z') {
						t.Errorf("%s/%s = %q; want a PascalCase enum value", path, k, s)
					}
				}
				if b, ok := v["Body"].(map[string]any); ok {
					if ct := b["ContentType"]; ct != "HTML" && ct != "Text" {
						t.Errorf("%s/Body/ContentType = %v; want HTML or Text", path, ct)
					}
				}
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("", v)
}

func TestETagIfMatch(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			id := f.mailbox().Add("messages", Object{"subject": "x"})
			got := f.must(t, http.StatusOK, "GET", "/me/messages/"+id, nil)
			etag, _ := got.body["@odata.etag"].(string)
			ck, _ := got.body[f.n("changeKey")].(string)
			if etag != `W/"`+ck+`"` {
				t.Fatalf("@odata.etag = %q; want W/\"changeKey\" with changeKey %q", etag, ck)
			}
			up := Object{f.n("isRead"): true}
			f.must(t, http.StatusOK, "PATCH", "/me/messages/"+id, up, "If-Match", etag)
			stale := f.must(t, http.StatusPreconditionFailed, "PATCH", "/me/messages/"+id, up, "If-Match", etag)
			if stale.errCode() != "ErrorIrresolvableConflict" {
				t.Errorf("stale PATCH code = %q; want ErrorIrresolvableConflict", stale.errCode())
			}
			f.must(t, http.StatusPreconditionFailed, "DELETE", "/me/messages/"+id, nil, "If-Match", etag)
			f.must(t, http.StatusOK, "PATCH", "/me/messages/"+id, up, "If-Match", "*")
			cur := f.must(t, http.StatusOK, "GET", "/me/messages/"+id, nil).body["@odata.etag"].(string)
			f.must(t, http.StatusOK, "PATCH", "/me/messages/"+id, up, "If-Match", strings.TrimPrefix(cur, "W/"))
		})
	}
}

func TestPatchRules(t *testing.T) {
	f := newFakeHost(t, dialect.Graph, 10)
	m := f.mailbox()
	received := m.Add("messages", Object{"subject": "in"})
	tests := []struct {
		name string
		body Object
		want int
		code string
	}{
		{"read-only", Object{"isDraft": true}, 400, "ErrorInvalidPropertyUpdate"},
		{"read-only id", Object{"receivedDateTime": "2024-01-01T00:00:00Z"}, 400, "ErrorInvalidPropertyUpdate"},
		{"draft-only on received", Object{"subject": "new"}, 400, "ErrorInvalidPropertyUpdate"},
		{"wrong type", Object{"isRead": "yes"}, 400, "RequestBodyRead"},
		{"bad enum", Object{"importance": "urgent"}, 400, "RequestBodyRead"},
		{"enum any case", Object{"importance": "HIGH"}, 200, ""},
		{"unknown property kept", Object{"x-custom": 1}, 200, ""},
		{"writable", Object{"isRead": true, "categories": []string{"Red"}}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := f.must(t, tc.want, "PATCH", "/me/messages/"+received, tc.body)
			if a.errCode() != tc.code {
				t.Errorf("code = %q; want %q (%s)", a.errCode(), tc.code, a.raw)
			}
		})
	}
	got, _ := m.Get("messages", received)
	if got["importance"] != "high" {
		t.Errorf("importance = %v; want high stored in Graph spelling", got["importance"])
	}
	f.must(t, 400, "PATCH", "/me/messages/"+received, "{not json")
	f.must(t, 400, "PATCH", "/me/messages/"+received, "[1]")
}

func TestPagingFollowsNextLinks(t *testing.T) {
	for _, dl := range dialects() {
		for _, tc := range []struct {
			name  string
			query string
			hdr   []string
			page  int
		}{
			{"server page", "", nil, 7},
			{"top", "?$top=4", nil, 4},
			{"maxpagesize", "", []string{"Prefer", "odata.maxpagesize=5"}, 5},
			{"top and select", "?$top=9&$select=subject", nil, 9},
		} {
			t.Run(dl.name+"/"+tc.name, func(t *testing.T) {
				f := newFakeHost(t, dl.d, 7)
				m := f.mailbox()
				for i := range 23 {
					m.Add("messages", Object{"subject": fmt.Sprint("m", i), "receivedDateTime": time.Date(2024, 1, 1, 0, i, 0, 0, time.UTC).Format(time.RFC3339)})
				}
				seen := map[string]bool{}
				var order []string
				link := "/me/mailFolders/Inbox/messages" + tc.query
				pages := 0
				for link != "" {
					a := f.must(t, 200, "GET", link, nil, tc.hdr...)
					pages++
					if n := len(a.value()); n > tc.page {
						t.Fatalf("page %d has %d items; want at most %d", pages, n, tc.page)
					}
					for _, v := range a.value() {
						o := v.(map[string]any)
						id := o[f.n("id")].(string)
						if seen[id] {
							t.Fatalf("item %s seen twice", id)
						}
						seen[id] = true
						order = append(order, o[f.n("subject")].(string))
					}
					link, _ = a.body["@odata.nextLink"].(string)
					if link != "" && !strings.HasPrefix(link, "https://"+f.host+f.root+"/") {
						t.Fatalf("nextLink %q is not on this host's root", link)
					}
					if pages > 10 {
						t.Fatal("too many pages")
					}
				}
				if len(seen) != 23 {
					t.Errorf("got %d items; want 23", len(seen))
				}
				if order[0] != "m22" || order[22] != "m0" {
					t.Errorf("order = %v; want newest first (receivedDateTime desc)", order)
				}
			})
		}
	}
}

func TestCountSearchAndRules(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			for i := range 12 {
				subj := fmt.Sprint("report ", i)
				if i%3 == 0 {
					subj = fmt.Sprint("budget ", i)
				}
				m.Add("messages", Object{"subject": subj, "isRead": i%2 == 0})
			}
			a := f.must(t, 200, "GET", "/me/messages?$count=true&$top=2", nil)
			if a.body["@odata.count"] != float64(12) || len(a.value()) != 2 {
				t.Errorf("$count=true&$top=2: count %v, %d items; want 12, 2", a.body["@odata.count"], len(a.value()))
			}
			isRead := f.n("isRead")
			a = f.must(t, 200, "GET", "/me/messages?$count=true&$filter="+url.QueryEscape(isRead+" eq false"), nil)
			if a.body["@odata.count"] != float64(6) {
				t.Errorf("filter count = %v; want 6", a.body["@odata.count"])
			}
			a = f.must(t, 200, "GET", "/me/messages?$search="+url.QueryEscape(`"budget"`), nil)
			if len(a.value()) != 4 {
				t.Errorf("$search=budget: %d items; want 4\n%s", len(a.value()), a.raw)
			}
			a = f.must(t, 400, "GET", "/me/messages?$search=%22budget%22&$orderby="+f.n("subject"), nil)
			if a.errCode() != "SearchWithOrderBy" {
				t.Errorf("search+orderby code = %q", a.errCode())
			}
			a = f.must(t, 400, "GET", "/me/messages?$filter="+url.QueryEscape(isRead+" eq false")+"&$orderby="+f.n("subject"), nil)
			if a.errCode() != "InefficientFilter" {
				t.Errorf("InefficientFilter code = %q", a.errCode())
			}
			resp, err := f.srv.Client().Get(f.url("/me/messages/$count"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != "12" {
				t.Errorf("/messages/$count = %q; want 12", b)
			}
			a = f.must(t, 200, "GET", "/me/messages?$select="+f.n("subject")+"&$top=1", nil)
			o := a.value()[0].(map[string]any)
			if _, ok := o[f.n("isRead")]; ok || o[f.n("subject")] == nil || o[f.n("id")] == nil {
				t.Errorf("$select=subject gave %v", o)
			}
			if ctx, _ := a.body["@odata.context"].(string); !strings.HasSuffix(ctx, "("+f.n("subject")+")") {
				t.Errorf("@odata.context = %q; want it to end with the selection", ctx)
			}
		})
	}
}

func TestExpandAttachmentsAndPreferences(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			id := m.Add("messages", Object{"subject": "with file", "body": Object{"contentType": "html", "content": "<p>Hello &amp; <b>bye</b></p>"},
				"attachments": []Object{{"name": "a.csv", "contentBytes": "YSxiCjEsMgo=", "contentType": "text/csv"}}})
			a := f.must(t, 200, "GET", "/me/messages/"+id+"?$expand="+f.n("attachments"), nil, "Prefer", `outlook.body-content-type="text"`)
			atts, _ := a.body[f.n("attachments")].([]any)
			if len(atts) != 1 {
				t.Fatalf("$expand=attachments: %s", a.raw)
			}
			att := atts[0].(map[string]any)
			wantType := "#microsoft.graph.fileAttachment"
			if dl.d == dialect.V2 {
				wantType = "#Microsoft.OutlookServices.FileAttachment"
			}
			if att["@odata.type"] != wantType || att[f.n("size")] != float64(8) {
				t.Errorf("attachment = %v; want %s of size 8", att, wantType)
			}
			body := a.body[f.n("body")].(map[string]any)
			wantCT := "text"
			if dl.d == dialect.V2 {
				wantCT = "Text"
			}
			if body[f.n("contentType")] != wantCT || body[f.n("content")] != "Hello & bye" {
				t.Errorf("body = %v; want text 'Hello & bye'", body)
			}
			if pa := a.header.Get("Preference-Applied"); pa != `outlook.body-content-type="text"` {
				t.Errorf("Preference-Applied = %q", pa)
			}
			if a.body[f.n("hasAttachments")] != true {
				t.Errorf("hasAttachments = %v", a.body[f.n("hasAttachments")])
			}
			ev := m.Add("events", Object{"subject": "call", "start": Object{"dateTime": "2024-06-11T14:00:00", "timeZone": "W. Europe Standard Time"}, "end": Object{"dateTime": "2024-06-11T15:00:00", "timeZone": "W. Europe Standard Time"}})
			a = f.must(t, 200, "GET", "/me/events/"+ev, nil)
			start := a.body[f.n("start")].(map[string]any)
			if start[f.n("dateTime")] != "2024-06-11T12:00:00.0000000" || start[f.n("timeZone")] != "UTC" {
				t.Errorf("start = %v; want 12:00 UTC", start)
			}
			a = f.must(t, 200, "GET", "/me/events/"+ev, nil, "Prefer", `outlook.timezone="Pacific Standard Time"`)
			start = a.body[f.n("start")].(map[string]any)
			if start[f.n("dateTime")] != "2024-06-11T05:00:00.0000000" || start[f.n("timeZone")] != "Pacific Standard Time" {
				t.Errorf("start = %v; want 05:00 Pacific", start)
			}
			f.must(t, 501, "GET", "/me/messages/"+id+"?$expand=extensions", nil)
		})
	}
}

func TestNotImplementedAndErrors(t *testing.T) {
	f := newFakeHost(t, dialect.Graph, 10)
	id := f.mailbox().Add("messages", Object{"subject": "x"})
	tests := []struct {
		method, path string
		want         int
		code         string
	}{
		{"GET", "/me/messages/" + id + "/extensions", 501, "NotImplemented"},
		{"GET", "/me/messages/" + id + "/move", 405, "ErrorInvalidRequest"},
		{"POST", "/me/events", 400, "RequestBodyRead"},
		{"GET", "/me/mailboxSettings/nonsense", 400, "BadRequest"},
		{"GET", "/me", 200, ""},
		{"POST", "/me", 501, "NotImplemented"},
		{"GET", "/me/messages/AAMkAGI2THVSAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 404, "ErrorItemNotFound"},
		{"GET", "/me/messages/AAMkAGnope", 400, "ErrorInvalidIdMalformed"},
		{"GET", "/me/messages/" + strings.ToLower(id), 404, "ErrorItemNotFound"},
		{"GET", "/me/MAILFOLDERS/INBOX/Messages", 200, ""},
		{"GET", "/me/mailFolders('Inbox')/messages('" + id + "')", 200, ""},
		{"GET", "/users/" + tCloudUser + "/messages/" + id, 200, ""},
		{"GET", "/users('" + tCloudUser + "')/messages", 200, ""},
		{"GET", "/users/nobody@contoso.com/messages", 404, "ErrorInvalidUser"},
		{"GET", "/users/" + tOnpremUser + "/messages", 404, "MailboxNotEnabledForRESTAPI"},
		{"PUT", "/me/messages/" + id, 405, "ErrorInvalidRequest"},
		{"DELETE", "/me/mailFolders/inbox", 400, "ErrorDeleteDistinguishedFolder"},
		{"GET", "/me/calendarView", 400, "ErrorInvalidParameter"},
		{"GET", "/me/messages?$bogus=1", 400, "BadRequest"},
		{"GET", "/me/contacts?$search=%22pat%22", 400, "ErrorInvalidUrlQuery"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			a := f.must(t, tc.want, tc.method, tc.path, nil)
			if a.errCode() != tc.code {
				t.Errorf("code = %q; want %q (%s)", a.errCode(), tc.code, a.raw)
			}
			if tc.want == 501 && !strings.Contains(string(a.raw), "outlooktest: "+tc.method+" ") {
				t.Errorf("501 body does not name the operation: %s", a.raw)
			}
		})
	}
	f.who = issuer.Principal{AppOnly: true, ClientID: "app"}
	if a := f.must(t, 400, "GET", "/me/messages", nil); !strings.Contains(a.errCode(), "BadRequest") {
		t.Errorf("app-only /me code = %q", a.errCode())
	}
	f.must(t, 200, "GET", "/users/"+tCloudUser+"/messages", nil)
	f.who = issuer.Principal{User: "mallory@contoso.com"}
	f.must(t, 403, "GET", "/users/"+tCloudUser+"/messages", nil)
}

func TestV2MailboxErrors(t *testing.T) {
	st := store.New(time.Now)
	f := newFakeHostStore(t, st, dialect.V2, 10)
	st.EnsureMailbox("carol@fabrikam.com") // known to the store.Store, not located anywhere
	f.who = issuer.Principal{AppOnly: true}
	for _, tc := range []struct {
		path string
		want int
		code string
	}{
		{"/users/" + tOnpremUser + "/messages", 200, ""},
		{"/users/" + tCloudUser + "/messages", 404, "ErrorNonExistentMailbox"},
		{"/users/carol@fabrikam.com/messages", 404, "ErrorNonExistentMailbox"},
		{"/users/nobody@contoso.com/messages", 404, "ErrorNonExistentMailbox"},
		{"/Users('" + tOnpremUser + "')/MailFolders('Inbox')/Messages", 200, ""},
	} {
		a := f.must(t, tc.want, "GET", tc.path, nil)
		if a.errCode() != tc.code {
			t.Errorf("GET %s code = %q; want %q", tc.path, a.errCode(), tc.code)
		}
	}
}

func TestDeleteMessageMovesToDeletedItems(t *testing.T) {
	f := newFakeHost(t, dialect.Graph, 10)
	m := f.mailbox()
	id := m.Add("messages", Object{"subject": "bye"})
	f.must(t, 204, "DELETE", "/me/messages/"+id, nil)
	f.must(t, 404, "GET", "/me/messages/"+id, nil)
	a := f.must(t, 200, "GET", "/me/mailFolders/deleteditems/messages", nil)
	if len(a.value()) != 1 {
		t.Fatalf("Deleted Items holds %d messages; want 1", len(a.value()))
	}
	nid := a.value()[0].(map[string]any)["id"].(string)
	if nid == id {
		t.Error("the moved message kept its id; Exchange gives a moved item a new one")
	}
	f.must(t, 204, "DELETE", "/me/messages/"+nid, nil)
	if n := len(m.Items("messages")); n != 0 {
		t.Errorf("%d messages left after deleting from Deleted Items; want 0", n)
	}
	folder := f.must(t, 200, "GET", "/me/mailFolders/inbox", nil)
	if folder.body["totalItemCount"] != float64(0) {
		t.Errorf("inbox totalItemCount = %v", folder.body["totalItemCount"])
	}
}

// BenchmarkMessagePage measures serving a 100-message page through the REST
// handler over loopback HTTP, in each dialect, against a baseline handler
// that writes a pre-encoded page of the same size, so the host half's
// end-to-end figure can be compared with it.
func BenchmarkMessagePage(b *testing.B) {
	for _, dl := range dialects() {
		b.Run(dl.name, func(b *testing.B) {
			f := newFakeHost(b, dl.d, 10)
			m := f.mailbox()
			for i := range 100 {
				m.Add("messages", Object{"subject": fmt.Sprint("message ", i), "body": Object{"contentType": "html", "content": "<p>Hello, this is a message body.</p>"},
					"from": Object{"emailAddress": Object{"name": "Pat", "address": "pat@contoso.com"}}, "toRecipients": []Object{{"emailAddress": Object{"address": "alice@contoso.com"}}}})
			}
			u := f.url("/me/mailFolders/inbox/messages?$top=100")
			benchGet(b, f.srv.Client(), u, 100)
		})
	}
	b.Run("baseline", func(b *testing.B) {
		f := newFakeHost(b, dialect.Graph, 10)
		m := f.mailbox()
		for i := range 100 {
			m.Add("messages", Object{"subject": fmt.Sprint("message ", i), "body": Object{"contentType": "html", "content": "<p>Hello, this is a message body.</p>"},
				"from": Object{"emailAddress": Object{"name": "Pat", "address": "pat@contoso.com"}}, "toRecipients": []Object{{"emailAddress": Object{"address": "alice@contoso.com"}}}})
		}
		page := f.do(b, "GET", "/me/mailFolders/inbox/messages?$top=100", nil).raw
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(page)
		}))
		b.Cleanup(srv.Close)
		benchGet(b, srv.Client(), srv.URL, 100)
	})
}

func benchGet(b *testing.B, c *http.Client, u string, want int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		var page struct{ Value []json.RawMessage }
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || len(page.Value) != want {
			b.Fatalf("page of %d (%v); want %d", len(page.Value), err, want)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func TestMessageActions(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			other := tCloudUser
			if dl.d == dialect.Graph {
				other = tOnpremUser // delivery crosses hosts
			}
			recipient, _ := f.st.Mailbox(other)
			id := m.Add("messages", Object{"subject": "file me", "attachments": []Object{{"name": "a.txt", "contentBytes": "aGk="}}})
			moved := f.must(t, 201, "POST", "/me/messages/"+id+"/move", Object{f.n("destinationId"): "archive"})
			newID := moved.body[f.n("id")].(string)
			archive, _ := m.Get("mailFolders", "archive")
			if newID == id || moved.body[f.n("parentFolderId")] != archive["id"] {
				t.Errorf("move: %s", moved.raw)
			}
			copied := f.must(t, 201, "POST", "/me/messages/"+newID+"/copy", Object{f.n("destinationId"): "inbox"})
			if copied.body[f.n("hasAttachments")] != true {
				t.Errorf("copy lost the attachments: %s", copied.raw)
			}
			f.must(t, 404, "POST", "/me/messages/"+newID+"/move", Object{f.n("destinationId"): ids.Item()})
			f.must(t, 400, "POST", "/me/messages/"+newID+"/move", Object{f.n("destinationId"): "AAMkAGnope"})
			f.must(t, 400, "POST", "/me/messages/"+newID+"/send", nil)

			msg := Object{"subject": "lunch?", "toRecipients": []Object{{"emailAddress": Object{"address": other}}},
				"bccRecipients": []Object{{"emailAddress": Object{"address": "someone@elsewhere.example"}}}}
			params := Object{"message": msg, "saveToSentItems": true}
			if dl.d == dialect.V2 {
				params = dialect.EncodeV2(schema.DeepCopy(params), actionParams()["sendmail"]).(map[string]any)
			}
			f.must(t, 202, "POST", "/me/sendMail", params)
			inbox := recipient.Items("messages")
			if len(inbox) != 1 || inbox[0]["subject"] != "lunch?" || inbox[0]["isRead"] != false {
				t.Fatalf("recipient mailbox holds %v; want the unread message", inbox)
			}
			if from := inbox[0]["from"].(map[string]any)["emailAddress"].(map[string]any)["address"]; from != f.user {
				t.Errorf("delivered from %v; want %s", from, f.user)
			}
			if bcc, _ := inbox[0]["bccRecipients"].([]any); len(bcc) != 0 {
				t.Errorf("the recipient sees the Bcc line: %v", bcc)
			}
			sent := f.must(t, 200, "GET", "/me/mailFolders/sentitems/messages", nil)
			if len(sent.value()) != 1 {
				t.Errorf("Sent Items holds %d; want 1", len(sent.value()))
			}
			draft := f.must(t, 201, "POST", "/me/messages", Object{f.n("subject"): "draft", f.n("toRecipients"): []Object{{f.n("emailAddress"): Object{f.n("address"): other}}}})
			f.must(t, 202, "POST", "/me/messages/"+draft.body[f.n("id")].(string)+"/send", nil)
			if n := len(recipient.Items("messages")); n != 2 {
				t.Errorf("recipient holds %d messages after the draft was sent; want 2", n)
			}
			if mimeText := f.must(t, 200, "GET", "/me/messages/"+newID+"/$value", nil); !strings.Contains(string(mimeText.raw), "MIME-Version: 1.0") {
				t.Errorf("$value = %q; want a MIME message", mimeText.raw)
			}
			if dl.d == dialect.V2 {
				f.must(t, 404, "POST", "/me/messages/"+newID+"/permanentDelete", nil) // not in v2.0
				return
			}
			f.must(t, 204, "POST", "/me/messages/"+newID+"/permanentDelete", nil)
			f.must(t, 404, "GET", "/me/messages/"+newID, nil)
			if del := f.must(t, 200, "GET", "/me/mailFolders/deleteditems/messages", nil); len(del.value()) != 0 {
				t.Errorf("a permanently deleted message went to Deleted Items: %v", del.value())
			}
		})
	}
}

// FuzzRESTRequest sends arbitrary requests to both hosts' handlers: routing,
// key syntax, query options, Prefer headers, tokens, bodies and batches must
// never panic or fail with a 500, and every JSON answer must be valid JSON.
func FuzzRESTRequest(f *testing.F) {
	seeds := []struct {
		method, path, query, prefer string
		body                        string
	}{
		{"GET", "/me/mailFolders/inbox/messages", "$top=2&$select=subject", "odata.maxpagesize=1", ""},
		{"GET", "/me/mailFolders('Inbox')/messages/delta", "$deltatoken=abc.def", "odata.track-changes", ""},
		{"GET", "/me/MailFolders/Inbox/Messages", "$skiptoken=x", "odata.track-changes, odata.maxpagesize=2", ""},
		{"POST", "/me/messages", "", "", `{"subject":"x","attachments":[{"@odata.type":"#microsoft.graph.fileAttachment","name":"a","contentBytes":"aGk="}]}`},
		{"PATCH", "/me/messages/ID", "", "", `{"isRead":true,"importance":"HIGH"}`},
		{"POST", "/$batch", "", "", `{"requests":[{"id":"1","method":"GET","url":"/me/messages"},{"id":"2","method":"GET","url":"/me/events","dependsOn":["1"]}]}`},
		{"POST", "/me/$batch", "", "", `{"requests":[{"id":"1","method":"POST","url":"me/sendMail","headers":{"content-type":"application/json"},"body":{"message":{"subject":"s"}}}]}`},
		{"GET", "/me/calendarView/delta", "startDateTime=2024-01-01&endDateTime=2024-02-01", `outlook.timezone="Tokyo Standard Time"`, ""},
		{"GET", "/users('a''b')/contacts('x')", "$count=true", `outlook.body-content-type="text"`, ""},
		{"DELETE", "/me/contactFolders/contacts", "", "", ""},
		{"POST", "/me/sendMail", "", "", `{"message":{"toRecipients":[{"emailAddress":{"address":"alice@contoso.com"}}]}}`},
		{"POST", "/me/messages/ID0/createReplyAll", "", "", `{"comment":"x"}`},
		{"POST", "/me/messages/ID1/forward", "", "", `{"toRecipients":[{"emailAddress":{"address":"bob@contoso.com"}}]}`},
		{"GET", "/me/events/S/instances", "startDateTime=2024-01-01&endDateTime=2024-03-01", "", ""},
		{"GET", "/me/calendarView", "startDateTime=2024-01-01T00:00:00Z&endDateTime=2025-01-01T00:00:00Z&$top=5", "", ""},
		{"POST", "/me/events", "", "", `{"subject":"r","start":{"dateTime":"2024-01-01T10:00:00","timeZone":"Tokyo Standard Time"},"end":{"dateTime":"2024-01-01T11:00:00","timeZone":"UTC"},"recurrence":{"pattern":{"type":"relativeYearly","daysOfWeek":["friday"],"index":"last","month":2},"range":{"type":"noEnd","startDate":"2024-01-01"}}}`},
		{"PATCH", "/me/mailboxSettings", "", "", `{"automaticRepliesSetting":{"status":"scheduled","scheduledStartDateTime":{"dateTime":"2024-01-01T00:00:00","timeZone":"UTC"}},"language":{"locale":"de-DE"}}`},
		{"GET", "/me/MailboxSettings/AutomaticRepliesSetting", "", "", ""},
		{"POST", "/me/inferenceClassification/overrides", "", "", `{"classifyAs":"other","senderEmailAddress":{"address":"a@b.c"}}`},
		{"POST", "/me/mailFolders/inbox/messageRules", "", "", `{"displayName":"r","actions":{"delete":true}}`},
		{"POST", "/me/mailFolders/inbox/childFolders", "", "", `{"displayName":"x"}`},
		{"POST", "/me/mailFolders/drafts/copy", "", "", `{"destinationId":"inbox"}`},
		{"POST", "/me/mailFolders/archive/permanentDelete", "", "", ""},
		{"GET", "/me/messages/ID0/$value", "", "", ""},
		{"GET", "/me/mailFolders/inbox/messages/delta()", "", "", ""},
		{"GET", "/me/calendarView/delta(startDateTime='2024-01-01',endDateTime='2024-02-01')", "", "", ""},
		{"POST", "/me/messages/ID2/move", "", "", `{"DestinationID":"archive"}`},
		{"POST", "/me/messages/ID0/attachments/createUploadSession", "", "", `{"AttachmentItem":{"attachmentType":"file","name":"a","size":4000000}}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.prefer, []byte(s.body))
	}
	var hosts []*fakeHost
	for _, dl := range dialects() {
		h := newFakeHost(f, dl.d, 3)
		m := h.mailbox()
		for i := range 4 {
			m.Add("messages", Object{"id": fmt.Sprint("ID", i), "subject": fmt.Sprint("m", i)})
		}
		m.Add("events", Object{"subject": "e", "start": Object{"dateTime": "2024-01-10T10:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2024-01-10T11:00:00", "timeZone": "UTC"}})
		m.Add("contacts", Object{"id": "x", "givenName": "c"})
		m.Add("events", Object{"id": "S", "subject": "s", "start": Object{"dateTime": "2024-01-01T10:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2024-01-01T11:00:00", "timeZone": "UTC"},
			"recurrence": Object{"pattern": Object{"type": "weekly", "daysOfWeek": []string{"monday", "friday"}}, "range": Object{"type": "numbered", "startDate": "2024-01-01", "numberOfOccurrences": 10}}})
		hosts = append(hosts, h)
	}
	handlers := make([]*Handler, len(hosts))
	for i, h := range hosts {
		handlers[i] = New(h.st, Env{Dialect: h.dialect, Host: h.host, PageSize: func() int { return 3 },
			Locate: func(s string) (string, bool) {
				switch strings.ToLower(s) {
				case tCloudUser:
					return "", true
				case tOnpremUser:
					return tV2Host, true
				}
				return "", false
			}})
	}
	f.Fuzz(func(t *testing.T, method, path, rawQuery, prefer string, body []byte) {
		for i, h := range hosts {
			u := &url.URL{Path: h.root + "/" + strings.TrimPrefix(path, "/"), RawQuery: rawQuery}
			req, err := http.NewRequest(method, "https://"+h.host+u.RequestURI(), bytes.NewReader(body))
			if err != nil {
				return
			}
			if prefer != "" {
				req.Header.Set("Prefer", prefer)
			}
			rec := httptest.NewRecorder()
			handlers[i].Serve(rec, req, h.who)
			if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
				t.Fatalf("%s %s?%s: %d %s", method, u.Path, rawQuery, rec.Code, rec.Body)
			}
			if strings.Contains(rec.Header().Get("Content-Type"), "json") && !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %s: invalid JSON answer %q", method, u.Path, rec.Body)
			}
		}
	})
}

func TestEventResponses(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			invite := m.Add("events", Object{"subject": "review", "isOrganizer": false, "organizer": Object{"emailAddress": Object{"address": "boss@contoso.com"}}})
			own := m.Add("events", Object{"subject": "mine"})
			f.must(t, 202, "POST", "/me/events/"+invite+"/"+map[dialect.Dialect]string{dialect.Graph: "tentativelyAccept", dialect.V2: "tentativelyaccept"}[dl.d], Object{f.n("comment"): "maybe"})
			got, _ := m.Get("events", invite)
			if rs := got["responseStatus"].(map[string]any); rs["response"] != "tentativelyAccepted" {
				t.Errorf("responseStatus = %v", rs)
			}
			f.must(t, 202, "POST", "/me/events/"+invite+"/decline", nil)
			f.must(t, 400, "POST", "/me/events/"+own+"/accept", nil)
			// Cancel is served in Graph (calendarops.go); v2.0 had it in beta only.
			f.must(t, map[dialect.Dialect]int{dialect.Graph: 202, dialect.V2: 404}[dl.d], "POST", "/me/events/"+own+"/cancel", nil)
		})
	}
}

// TestConcurrentReadsAndWrites runs lists, delta rounds and updates of the
// same items at once; with -race it checks that answers encoded after the
// store.Store is unlocked share nothing a write changes.
func TestConcurrentReadsAndWrites(t *testing.T) {
	f := newFakeHost(t, dialect.V2, 10)
	m := f.mailbox()
	var ids []string
	for i := range 20 {
		ids = append(ids, m.Add("messages", Object{"subject": fmt.Sprint("m", i), "categories": []string{"a"}, "body": Object{"contentType": "html", "content": "<b>x</b>"}}))
	}
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 15 {
				var a reply
				switch w {
				case 0:
					a = f.do(t, "GET", "/me/messages?$top=20&$expand=Attachments", nil, "Prefer", `outlook.body-content-type="text"`)
				case 1:
					a = f.do(t, "PATCH", "/me/messages/"+ids[i%len(ids)], Object{"Categories": []string{fmt.Sprint("c", i)}, "IsRead": i%2 == 0, "Flag": Object{"FlagStatus": "Flagged"}})
				case 2:
					a = f.do(t, "GET", "/me/MailFolders/Inbox/Messages", nil, "Prefer", "odata.track-changes")
				case 3:
					m.Items("messages")
					m.AddAttachment(ids[i%len(ids)], Object{"name": "a", "contentBytes": "aGk="})
					continue
				}
				if a.status != 200 {
					t.Errorf("worker %d: %s", w, a)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

func TestReplyAndForward(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			other := tCloudUser
			if dl.d == dialect.Graph {
				other = tOnpremUser
			}
			recipient, _ := f.st.Mailbox(other)
			id := m.Add("messages", Object{"subject": "plan", "from": Object{"emailAddress": Object{"address": other}},
				"toRecipients": []Object{{"emailAddress": Object{"address": f.user}}, {"emailAddress": Object{"address": "carol@contoso.com"}}},
				"attachments":  []Object{{"name": "plan.txt", "contentBytes": "aGk="}}})
			d := f.must(t, 201, "POST", "/me/messages/"+id+"/"+map[dialect.Dialect]string{dialect.Graph: "createReplyAll", dialect.V2: "createreplyall"}[dl.d], Object{f.n("comment"): "ok"})
			if d.body[f.n("subject")] != "RE: plan" || d.body[f.n("isDraft")] != true {
				t.Errorf("createReplyAll: %s", d.raw)
			}
			if to, _ := d.body[f.n("toRecipients")].([]any); len(to) != 2 {
				t.Errorf("reply-all draft goes to %v; want the sender and carol, not me", to)
			}
			f.must(t, 202, "POST", "/me/messages/"+id+"/reply", Object{f.n("comment"): "yes"})
			got := recipient.Items("messages")
			if len(got) != 1 || got[0]["subject"] != "RE: plan" {
				t.Fatalf("the sender's mailbox holds %v; want the reply", got)
			}
			f.must(t, 202, "POST", "/me/messages/"+id+"/forward", Object{f.n("comment"): "fyi", f.n("toRecipients"): []Object{{f.n("emailAddress"): Object{f.n("address"): other}}}})
			got = recipient.Items("messages")
			if len(got) != 2 || got[1]["subject"] != "FW: plan" || got[1]["hasAttachments"] != true {
				t.Errorf("forwarded message = %v; want FW: plan with the attachment", got[len(got)-1])
			}
			f.must(t, 400, "POST", "/me/messages/"+id+"/forward", Object{f.n("comment"): "nobody"})
		})
	}
}

func TestQueryOptionFixes(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			for i := range 3 {
				m.Add("messages", Object{"subject": fmt.Sprint("m", i), "attachments": []Object{
					{"name": "a.txt", "contentBytes": "YQ=="}, {"name": "b.txt", "contentBytes": "Yg=="},
				}})
			}
			// A ";" inside $expand's parentheses must not make the option vanish.
			a := f.must(t, 200, "GET", "/me/messages?$top=1&$expand=attachments($select=name;$top=1)", nil)
			if v := a.value(); len(v) != 1 || v[0].(map[string]any)[f.n("attachments")] == nil {
				t.Errorf("$expand with a nested ';' was dropped: %s", a.raw)
			}
			// $top=0: an empty page and no next link.
			a = f.must(t, 200, "GET", "/me/messages?$top=0&$count=true", nil)
			if len(a.value()) != 0 || a.body["@odata.nextLink"] != nil || a.body["@odata.count"] != float64(3) {
				t.Errorf("$top=0: %s; want no items, no nextLink, count 3", a.raw)
			}
		})
	}
}

func TestAddPathsRefusesUnknownKinds(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("addPaths accepted a property kind the query engine has no kind for")
		}
	}()
	bad := &schema.ObjType{Name: "x", Props: map[string]*schema.Prop{"p": {Name: "p", Kind: schema.Kind(99)}}, Order: []string{"p"}}
	addPaths(map[string]query.Kind{}, "", bad, 0)
}
