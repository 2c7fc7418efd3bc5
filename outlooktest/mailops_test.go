package outlooktest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest"
)

// restClient speaks to one mailbox through its REST host with plain
// net/http, as a user's code would.
type restClient struct {
	srv   *outlooktest.Server
	base  string // ".../users/<addr>"
	token string
	v2    bool
	box   *outlooktest.Mailbox
}

// clients returns a Graph client of the cloud mailbox and a v2.0 client of
// the on-premises one, both app-only.
func clients(t *testing.T, srv *outlooktest.Server) []*restClient {
	t.Helper()
	return []*restClient{
		{srv: srv, base: "https://graph.microsoft.com/v1.0/users/" + cloudUser, token: appToken(t, srv, "https://graph.microsoft.com"), box: srv.Mailbox(cloudUser)},
		{srv: srv, base: "https://" + onpremHost + "/api/v2.0/users/" + onpremUser, token: appToken(t, srv, "https://"+onpremHost), v2: true, box: srv.Mailbox(onpremUser)},
	}
}

func (rc *restClient) name() string {
	if rc.v2 {
		return "v2"
	}
	return "graph"
}

// n spells a Graph property name in the client's dialect.
func (rc *restClient) n(graph string) string {
	if rc.v2 {
		return strings.ToUpper(graph[:1]) + graph[1:]
	}
	return graph
}

type resp struct {
	status int
	header http.Header
	raw    []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.raw, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v: %q", r.status, err, r.raw)
	}
	return m
}

func (r resp) code(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// do sends a request; body is JSON unless it is []byte (sent as is) or nil.
func (rc *restClient) do(t *testing.T, method, path string, body any, hdr ...string) resp {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	u := path
	if !strings.HasPrefix(u, "https://") {
		u = rc.base + path
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if rc.token != "" {
		req.Header.Set("Authorization", "Bearer "+rc.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := rc.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	return resp{status: res.StatusCode, header: res.Header, raw: raw}
}

// must is do, failing the test unless the status is want.
func (rc *restClient) must(t *testing.T, want int, method, path string, body any, hdr ...string) resp {
	t.Helper()
	r := rc.do(t, method, path, body, hdr...)
	if r.status != want {
		t.Fatalf("%s %s %s = %d %s; want %d", rc.name(), method, path, r.status, r.raw, want)
	}
	return r
}

func seedMessage(box *outlooktest.Mailbox) string {
	return box.Add("messages", outlooktest.Object{
		"subject":          "Grüße & reports",
		"body":             outlooktest.Object{"contentType": "html", "content": "<p>Hello <b>Bob</b></p>"},
		"from":             outlooktest.Object{"emailAddress": outlooktest.Object{"name": "Dana Doe", "address": "dana@fabrikam.example"}},
		"toRecipients":     []outlooktest.Object{{"emailAddress": outlooktest.Object{"name": "Ärne", "address": "arne@contoso.com"}}},
		"ccRecipients":     []outlooktest.Object{{"emailAddress": outlooktest.Object{"address": "cc@contoso.com"}}},
		"sentDateTime":     "2024-05-01T08:30:00Z",
		"receivedDateTime": "2024-05-01T08:31:00Z",
		"attachments": []outlooktest.Object{
			{"name": "report.csv", "contentType": "text/csv", "contentBytes": base64.StdEncoding.EncodeToString([]byte("a,b\n1,2\n"))},
			{"@odata.type": "#microsoft.graph.itemAttachment", "name": "earlier mail", "item": outlooktest.Object{
				"@odata.type": "#microsoft.graph.message", "subject": "earlier", "body": outlooktest.Object{"contentType": "text", "content": "old text"},
			}},
			{"@odata.type": "#microsoft.graph.referenceAttachment", "name": "link"},
		},
	})
}

func TestMessageMIME(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			id := seedMessage(rc.box)
			stored, _ := rc.box.Get("messages", id)
			r := rc.must(t, 200, "GET", "/messages/"+id+"/$value", nil)
			msg, err := mail.ReadMessage(bytes.NewReader(r.raw))
			if err != nil {
				t.Fatalf("$value is not an RFC 5322 message: %v\n%s", err, r.raw)
			}
			h := msg.Header
			dec := new(mime.WordDecoder)
			subj, _ := dec.DecodeHeader(h.Get("Subject"))
			from, _ := h.AddressList("From")
			to, _ := h.AddressList("To")
			cc, _ := h.AddressList("Cc")
			date, _ := h.Date()
			switch {
			case subj != "Grüße & reports":
				t.Errorf("Subject %q", subj)
			case len(from) != 1 || from[0].Address != "dana@fabrikam.example" || from[0].Name != "Dana Doe":
				t.Errorf("From %v", from)
			case len(to) != 1 || to[0].Name != "Ärne" || len(cc) != 1 || cc[0].Address != "cc@contoso.com":
				t.Errorf("To %v, Cc %v", to, cc)
			case date.UTC().Format("2006-01-02T15:04:05Z") != "2024-05-01T08:30:00Z":
				t.Errorf("Date %v; want the sent time", date)
			case h.Get("Message-Id") != stored["internetMessageId"] || h.Get("Mime-Version") != "1.0":
				t.Errorf("Message-ID %q (want %v), MIME-Version %q", h.Get("Message-Id"), stored["internetMessageId"], h.Get("Mime-Version"))
			}
			mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
			if err != nil || mt != "multipart/mixed" {
				t.Fatalf("Content-Type %q (%v); want multipart/mixed", h.Get("Content-Type"), err)
			}
			mr := multipart.NewReader(msg.Body, params["boundary"])
			var types []string
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				data, _ := io.ReadAll(p)
				ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
				types = append(types, ct)
				switch ct {
				case "text/html":
					if string(data) != "<p>Hello <b>Bob</b></p>" {
						t.Errorf("HTML part %q", data)
					}
				case "text/csv":
					raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(data), "\r\n", ""))
					if err != nil || string(raw) != "a,b\n1,2\n" || p.FileName() != "report.csv" {
						t.Errorf("file part %q (%v), name %q", raw, err, p.FileName())
					}
				case "message/rfc822":
					inner, err := mail.ReadMessage(bytes.NewReader(data))
					if err != nil || inner.Header.Get("Subject") != "earlier" {
						t.Errorf("item part: %v, subject %q", err, inner.Header.Get("Subject"))
					}
				}
			}
			if strings.Join(types, ",") != "text/html,text/csv,message/rfc822" {
				t.Errorf("parts %v; want the body, the file and the item (no part for the reference)", types)
			}

			// Attachments' raw content.
			atts := rc.must(t, 200, "GET", "/messages/"+id+"/attachments", nil).json(t)["value"].([]any)
			ids := map[string]string{}
			for _, a := range atts {
				ao := a.(map[string]any)
				ids[ao[rc.n("name")].(string)] = ao[rc.n("id")].(string)
			}
			f := rc.must(t, 200, "GET", "/messages/"+id+"/attachments/"+ids["report.csv"]+"/$value", nil)
			if string(f.raw) != "a,b\n1,2\n" || f.header.Get("Content-Type") != "text/csv" {
				t.Errorf("file $value = %q, %q", f.raw, f.header.Get("Content-Type"))
			}
			it := rc.must(t, 200, "GET", "/messages/"+id+"/attachments/"+ids["earlier mail"]+"/$value", nil)
			if inner, err := mail.ReadMessage(bytes.NewReader(it.raw)); err != nil || inner.Header.Get("Subject") != "earlier" {
				t.Errorf("item $value: %v %q", err, it.raw)
			}
			rc.must(t, 405, "GET", "/messages/"+id+"/attachments/"+ids["link"]+"/$value", nil)
			rc.must(t, 405, "DELETE", "/messages/"+id+"/$value", nil)
		})
	}
}

func TestCreateAndSendMIME(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	srv.AddMailbox("carol@contoso.com", outlooktest.Cloud)
	rc := clients(t, srv)[0]
	raw := "From: Alice <alice@contoso.com>\r\n" +
		"To: Carol <carol@contoso.com>\r\n" +
		"Subject: =?utf-8?q?Caf=C3=A9?= plans\r\n" +
		"X-Custom: 42\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=XYZ\r\n\r\n" +
		"--XYZ\r\n" +
		"Content-Type: multipart/alternative; boundary=ALT\r\n\r\n" +
		"--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n" +
		"--ALT\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>caf=C3=A9</p>\r\n" +
		"--ALT--\r\n" +
		"--XYZ\r\nContent-Type: application/pdf; name=\"plan.pdf\"\r\nContent-Disposition: attachment; filename=\"plan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 fake")) + "\r\n" +
		"--XYZ--\r\n"
	body := []byte(base64.StdEncoding.EncodeToString([]byte(raw)))
	d := rc.must(t, 201, "POST", "/messages", body, "Content-Type", "text/plain").json(t)
	id := d["id"].(string)
	stored, _ := rc.box.Get("messages", id)
	if stored["subject"] != "Café plans" || stored["isDraft"] != true || stored["hasAttachments"] != true {
		t.Errorf("draft %v", stored)
	}
	if b := stored["body"].(map[string]any); b["contentType"] != "html" || b["content"] != "<p>café</p>" {
		t.Errorf("draft body %v; want the HTML alternative", b)
	}
	if f, _ := rc.box.Get("mailFolders", "drafts"); f["totalItemCount"] != float64(1) {
		t.Errorf("Drafts holds %v; want the new draft", f["totalItemCount"])
	}
	atts := rc.must(t, 200, "GET", "/messages/"+id+"/attachments", nil).json(t)["value"].([]any)
	if len(atts) != 1 || atts[0].(map[string]any)["name"] != "plan.pdf" || atts[0].(map[string]any)["contentType"] != "application/pdf" {
		t.Errorf("attachments %v", atts)
	}

	// Bad input: 400 with the code Graph uses.
	for _, tc := range []struct {
		name, body, code string
	}{
		{"not base64", "this is not base64!", "ErrorMimeContentInvalidBase64String"},
		{"empty", "", "ErrorMimeContentInvalidBase64String"},
		{"multipart without boundary", base64.StdEncoding.EncodeToString([]byte("Subject: x\r\nContent-Type: multipart/mixed\r\n\r\nbody")), "ErrorMimeContentConversionFailed"},
		{"bad address", base64.StdEncoding.EncodeToString([]byte("To: <<<\r\n\r\nbody")), "ErrorMimeContentConversionFailed"},
	} {
		r := rc.must(t, 400, "POST", "/messages", []byte(tc.body), "Content-Type", "text/plain")
		if r.code(t) != tc.code {
			t.Errorf("%s: code %q; want %q", tc.name, r.code(t), tc.code)
		}
	}

	// Round trip: the $value of the draft, POSTed again, is the same message.
	mimeOut := rc.must(t, 200, "GET", "/messages/"+id+"/$value", nil).raw
	again := rc.must(t, 201, "POST", "/messages", []byte(base64.StdEncoding.EncodeToString(mimeOut)), "Content-Type", "text/plain").json(t)
	if again["subject"] != "Café plans" || again["hasAttachments"] != true {
		t.Errorf("round trip: %v", again)
	}

	// sendMail with MIME delivers and keeps a copy in Sent Items.
	rc.must(t, 202, "POST", "/sendMail", body, "Content-Type", "text/plain")
	got := srv.Mailbox("carol@contoso.com").Items("messages")
	if len(got) != 1 || got[0]["subject"] != "Café plans" || got[0]["hasAttachments"] != true {
		t.Fatalf("carol received %v", got)
	}
	if sent := rc.must(t, 200, "GET", "/mailFolders/sentitems/messages", nil).json(t)["value"].([]any); len(sent) != 1 {
		t.Errorf("Sent Items holds %d; want 1", len(sent))
	}
	rc.must(t, 400, "POST", "/sendMail", []byte("%%%"), "Content-Type", "text/plain")

	// v2.0 takes JSON only.
	v2 := clients(t, srv)[1]
	if r := v2.must(t, 415, "POST", "/messages", body, "Content-Type", "text/plain"); r.code(t) != "ErrorUnsupportedMediaType" {
		t.Errorf("v2.0 MIME create: %s", r.raw)
	}
}

func TestLargeAttachments(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	cs := clients(t, srv)
	// Bodies are put together by hand: encoding/json over megabytes is slow
	// under the race detector.
	fileAtt := func(rc *restClient, n int) string {
		return `{"@odata.type":"#microsoft.graph.fileAttachment","` + rc.n("name") + `":"big.bin","` +
			rc.n("contentBytes") + `":"` + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, n)) + `"}`
	}
	post := func(rc *restClient, want int, path, body string) resp {
		return rc.must(t, want, "POST", path, []byte(body), "Content-Type", "application/json")
	}
	graph, v2 := cs[0], cs[1]
	id := graph.box.Add("messages", outlooktest.Object{"subject": "big"})
	// Exactly 3 MiB is still taken inline; a byte more is refused.
	post(graph, 201, "/messages/"+id+"/attachments", fileAtt(graph, 3<<20))
	if r := post(graph, 413, "/messages/"+id+"/attachments", fileAtt(graph, 3<<20+1)); r.code(t) != "BadRequest" {
		t.Errorf("413 code %q", r.code(t))
	}
	// The body limit holds for every request (and is checked before the
	// body is decoded, so these are cheap).
	huge := fileAtt(graph, 4<<20)
	post(graph, 413, "/sendMail", `{"message":{"subject":"big","toRecipients":[{"emailAddress":{"address":"`+cloudUser+`"}}],"attachments":[`+huge+`]}}`)
	post(graph, 413, "/messages", `{"subject":"s","attachments":[`+huge+`]}`)
	post(graph, 413, "/messages/"+id+"/forward", `{"comment":"`+strings.Repeat("x", 5<<20)+`"}`)
	// An on-premises server's limit is its own configuration: no 3 MB rule.
	vid := v2.box.Add("messages", outlooktest.Object{"subject": "big"})
	post(v2, 201, "/messages/"+vid+"/attachments", fileAtt(v2, 3<<20+1))
}

func TestUploadSession(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	rc := clients(t, srv)[0]
	id := rc.box.Add("messages", outlooktest.Object{"subject": "with a big file"})
	const size = 3<<20 + 1000
	content := make([]byte, size)
	for i := range content {
		content[i] = byte(i * 7)
	}
	start := func(size int) resp {
		return rc.do(t, "POST", "/messages/"+id+"/attachments/createUploadSession", map[string]any{
			"AttachmentItem": map[string]any{"attachmentType": "file", "name": "big.bin", "size": size, "contentType": "application/zip"},
		})
	}
	if r := start(1000); r.status != 400 || r.code(t) != "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize" {
		t.Errorf("small session: %d %s", r.status, r.raw)
	}
	r := start(size)
	if r.status != 201 {
		t.Fatalf("createUploadSession: %d %s", r.status, r.raw)
	}
	s := r.json(t)
	uploadURL, _ := s["uploadUrl"].(string)
	if !strings.HasPrefix(uploadURL, "https://outlook.office.com/api/v2.0/") || s["expirationDateTime"] == nil ||
		len(s["nextExpectedRanges"].([]any)) != 1 || s["nextExpectedRanges"].([]any)[0] != "0-" {
		t.Fatalf("upload session %v", s)
	}
	up := &restClient{srv: srv} // no token: the URL is the credential
	put := func(c *restClient, from, to int) resp {
		return c.do(t, "PUT", uploadURL, content[from:to+1], "Content-Type", "application/octet-stream",
			"Content-Range", "bytes "+itoa(from)+"-"+itoa(to)+"/"+itoa(size))
	}
	next := func(r resp) string {
		ranges, _ := r.json(t)["NextExpectedRanges"].([]any)
		if len(ranges) != 1 {
			t.Fatalf("answer %s has no NextExpectedRanges", r.raw)
		}
		return ranges[0].(string)
	}
	const chunk = 1 << 20
	if r := put(up, 0, chunk-1); r.status != 200 || next(r) != itoa(chunk) {
		t.Fatalf("first chunk: %d %s", r.status, r.raw)
	}
	// A token with the URL is refused; out of order is refused; neither ends the session.
	if r := put(rc, chunk, 2*chunk-1); r.status != 401 {
		t.Errorf("chunk with an Authorization header: %d %s; want 401", r.status, r.raw)
	}
	if r := put(up, 2*chunk, 3*chunk-1); r.status != 416 {
		t.Errorf("out-of-order chunk: %d %s; want 416", r.status, r.raw)
	}
	// A chunk lost on the way (503 from a fault): resume from the session's state.
	srv.Inject(outlooktest.Fault{Host: "outlook.office.com", Method: "PUT", Times: 1, Status: 503})
	if r := put(up, chunk, 2*chunk-1); r.status != 503 {
		t.Fatalf("faulted chunk: %d", r.status)
	}
	state := up.must(t, 200, "GET", uploadURL, nil)
	if next(state) != itoa(chunk) {
		t.Fatalf("after the lost chunk the session expects %s; want %d", next(state), chunk)
	}
	if r := put(up, chunk, 3*chunk-1); r.status != 200 || next(r) != itoa(3*chunk) {
		t.Fatalf("resumed chunk: %d %s", r.status, r.raw)
	}
	last := put(up, 3*chunk, size-1)
	loc := last.header.Get("Location")
	if last.status != 201 || !strings.Contains(loc, "/Attachments('") || len(last.raw) != 0 {
		t.Fatalf("last chunk: %d %q %s", last.status, loc, last.raw)
	}
	aid := loc[strings.LastIndex(loc, "('")+2 : len(loc)-2]
	a := rc.must(t, 200, "GET", "/messages/"+id+"/attachments/"+aid+"?$select=name,size,contentType", nil).json(t)
	if a["name"] != "big.bin" || a["size"] != float64(size) || a["contentType"] != "application/zip" {
		t.Errorf("attachment %v", map[string]any{"name": a["name"], "size": a["size"], "contentType": a["contentType"]})
	}
	if v := rc.must(t, 200, "GET", "/messages/"+id+"/attachments/"+aid+"/$value", nil); !bytes.Equal(v.raw, content) {
		t.Errorf("uploaded content differs (%d bytes; want %d)", len(v.raw), size)
	}
	up.must(t, 404, "PUT", uploadURL, content[:10], "Content-Range", "bytes 0-9/"+itoa(size))

	// DELETE abandons a session.
	s = start(size).json(t)
	u2 := s["uploadUrl"].(string)
	up.must(t, 204, "DELETE", u2, nil)
	up.must(t, 404, "GET", u2, nil)
	// A forged token is refused.
	s = start(size).json(t)
	up.must(t, 401, "GET", strings.Split(s["uploadUrl"].(string), "authtoken=")[0]+"authtoken=forged", nil)
	// Events take upload sessions too.
	ev := rc.box.Add("events", outlooktest.Object{"subject": "offsite"})
	es := rc.must(t, 201, "POST", "/events/"+ev+"/attachments/createUploadSession", map[string]any{
		"AttachmentItem": map[string]any{"attachmentType": "file", "name": "agenda.pdf", "size": size},
	}).json(t)
	if u, _ := es["uploadUrl"].(string); !strings.Contains(u, "/Events('"+ev+"')/AttachmentSessions('") {
		t.Errorf("event upload URL %q", u)
	}
	// v2.0 has no upload sessions.
	v2 := clients(t, srv)[1]
	vid := v2.box.Add("messages", outlooktest.Object{"subject": "x"})
	v2.must(t, 404, "POST", "/messages/"+vid+"/attachments/createUploadSession", map[string]any{"AttachmentItem": map[string]any{"Name": "a", "Size": size}})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestFolderMoveCopyDelete(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	for _, rc := range clients(t, srv) {
		t.Run(rc.name(), func(t *testing.T) {
			n := rc.n
			// A tree three levels deep under the Inbox, built through the API.
			create := func(parent, name string) string {
				path := "/mailFolders/" + parent + "/childFolders"
				return rc.must(t, 201, "POST", path, map[string]any{n("displayName"): name}).json(t)[n("id")].(string)
			}
			a := create("inbox", "A")
			b := create(a, "B")
			c := create(b, "C")
			rc.box.Add("messages", outlooktest.Object{"subject": "in C", "parentFolderId": c})
			rc.box.Add("messages", outlooktest.Object{"subject": "in A", "parentFolderId": a})
			deep := rc.must(t, 200, "GET", "/mailFolders/"+a+"/childFolders/"+b+"/childFolders", nil).json(t)["value"].([]any)
			if len(deep) != 1 || deep[0].(map[string]any)[n("displayName")] != "C" {
				t.Fatalf("childFolders of B = %v; want C", deep)
			}
			if got := rc.must(t, 200, "GET", "/mailFolders/"+c+"/messages", nil).json(t)["value"].([]any); len(got) != 1 {
				t.Fatalf("messages of C = %v", got)
			}

			moveStatus, copyStatus := 200, 200
			if rc.v2 {
				moveStatus, copyStatus = 201, 201
			}
			mv := rc.must(t, moveStatus, "POST", "/mailFolders/"+a+"/move", map[string]any{n("destinationId"): "archive"}).json(t)
			archive, _ := rc.box.Get("mailFolders", "archive")
			if mv[n("id")] != a || mv[n("parentFolderId")] != archive["id"] || !strings.Contains(mv["@odata.context"].(string), "ailFolders/$entity") {
				t.Errorf("moved folder %v; want the same id under Archive", mv)
			}
			under := rc.must(t, 200, "GET", "/mailFolders/archive/childFolders", nil).json(t)["value"].([]any)
			if len(under) != 1 || under[0].(map[string]any)[n("childFolderCount")] != float64(1) {
				t.Errorf("Archive's children %v; want A with its child", under)
			}

			cp := rc.must(t, copyStatus, "POST", "/mailFolders/"+a+"/copy", map[string]any{n("destinationId"): "inbox"}).json(t)
			newA := cp[n("id")].(string)
			if newA == a || cp[n("displayName")] != "A" || cp[n("totalItemCount")] != float64(1) || cp[n("childFolderCount")] != float64(1) {
				t.Errorf("copy %v; want a new A with one message and one child", cp)
			}
			newB := rc.must(t, 200, "GET", "/mailFolders/"+newA+"/childFolders", nil).json(t)["value"].([]any)[0].(map[string]any)[n("id")].(string)
			newC := rc.must(t, 200, "GET", "/mailFolders/"+newB+"/childFolders", nil).json(t)["value"].([]any)[0].(map[string]any)[n("id")].(string)
			if got := rc.must(t, 200, "GET", "/mailFolders/"+newC+"/messages", nil).json(t)["value"].([]any); len(got) != 1 || newC == c {
				t.Errorf("copied C holds %v", got)
			}
			if got := rc.must(t, 200, "GET", "/mailFolders/"+c+"/messages", nil).json(t)["value"].([]any); len(got) != 1 {
				t.Errorf("the original C lost its message: %v", got)
			}

			for _, tc := range []struct {
				name, path string
				body       map[string]any
				status     int
				code       string
			}{
				{"into itself", "/mailFolders/" + a + "/move", map[string]any{n("destinationId"): c}, 400, "ErrorMoveCopyFailed"},
				{"copy into itself", "/mailFolders/" + a + "/copy", map[string]any{n("destinationId"): a}, 400, "ErrorMoveCopyFailed"},
				{"a distinguished folder", "/mailFolders/inbox/move", map[string]any{n("destinationId"): a}, 400, "ErrorMoveDistinguishedFolder"},
				{"no destination", "/mailFolders/" + a + "/move", map[string]any{}, 400, "ErrorInvalidParameter"},
				{"unknown destination", "/mailFolders/" + a + "/move", map[string]any{n("destinationId"): "AAMkAGI2THVSAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}, 404, "ErrorItemNotFound"},
				{"malformed destination", "/mailFolders/" + a + "/move", map[string]any{n("destinationId"): "AAMkAGnope"}, 400, "ErrorInvalidIdMalformed"},
			} {
				if r := rc.do(t, "POST", tc.path, tc.body); r.status != tc.status || r.code(t) != tc.code {
					t.Errorf("%s: %d %s; want %d %s", tc.name, r.status, r.raw, tc.status, tc.code)
				}
			}

			if rc.v2 {
				rc.must(t, 404, "POST", "/mailFolders/"+newA+"/permanentDelete", nil)
				return
			}
			rc.must(t, 204, "POST", "/mailFolders/"+newA+"/permanentDelete", nil)
			rc.must(t, 404, "GET", "/mailFolders/"+newC, nil)
			if del := rc.must(t, 200, "GET", "/mailFolders/deleteditems/childFolders", nil).json(t)["value"].([]any); len(del) != 0 {
				t.Errorf("permanentDelete left %v in Deleted Items", del)
			}
			rc.must(t, 400, "POST", "/mailFolders/drafts/permanentDelete", nil)
			rc.must(t, 405, "GET", "/mailFolders/"+a+"/permanentDelete", nil)
		})
	}
}

func TestUploadSessionExpires(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := newHybrid(t, outlooktest.WithClock(clock))
	rc := clients(t, srv)[0]
	id := rc.box.Add("messages", outlooktest.Object{"subject": "x"})
	s := rc.must(t, 201, "POST", "/messages/"+id+"/attachments/createUploadSession", map[string]any{
		"attachmentItem": map[string]any{"attachmentType": "file", "name": "a.bin", "size": 4 << 20},
	}).json(t)
	if s["expirationDateTime"] != "2024-05-02T10:00:00.0000000Z" {
		t.Errorf("expirationDateTime %v; want an hour from now", s["expirationDateTime"])
	}
	up := &restClient{srv: srv}
	up.must(t, 200, "GET", s["uploadUrl"].(string), nil)
	mu.Lock()
	now = now.Add(61 * time.Minute)
	mu.Unlock()
	up.must(t, 404, "PUT", s["uploadUrl"].(string), []byte("abc"), "Content-Range", "bytes 0-2/4194304")
}
