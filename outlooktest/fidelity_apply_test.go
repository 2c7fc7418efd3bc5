package outlooktest_test

// Fidelity, issue 12 item 3 (the parts outside inbox rules): v2.0's
// multipart $batch, and seeds refused where the API would refuse them.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/exchangekit/outlook/outlooktest"
)

// TestV2MultipartBatch sends the batch of the v2.0 reference's example (a
// GET and a sendmail) in its documented multipart/mixed form.
func TestV2MultipartBatch(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	rc := clients(t, srv)[1]
	rc.box.Add("events", outlooktest.Object{"subject": "standup",
		"start": outlooktest.Object{"dateTime": "2024-05-02T09:00:00", "timeZone": "UTC"},
		"end":   outlooktest.Object{"dateTime": "2024-05-02T09:30:00", "timeZone": "UTC"}})
	batch := func(body string, hdr ...string) (resp, []*http.Response) {
		t.Helper()
		r := rc.do(t, "POST", "https://"+onpremHost+"/api/v2.0/users/"+onpremUser+"/$batch", []byte(strings.ReplaceAll(body, "\n", "\r\n")),
			append([]string{"Content-Type", "multipart/mixed; boundary=batch_myBatchId"}, hdr...)...)
		if r.status != 200 {
			t.Fatalf("batch: %d %s", r.status, r.raw)
		}
		mt, params, err := mime.ParseMediaType(r.header.Get("Content-Type"))
		if err != nil || mt != "multipart/mixed" || !strings.HasPrefix(params["boundary"], "batchresponse_") {
			t.Fatalf("batch answer Content-Type %q", r.header.Get("Content-Type"))
		}
		var parts []*http.Response
		mr := multipart.NewReader(bytes.NewReader(r.raw), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Header.Get("Content-Type") != "application/http" {
				t.Errorf("part Content-Type %q", p.Header.Get("Content-Type"))
			}
			hr, err := http.ReadResponse(bufio.NewReader(p), nil)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, hr)
		}
		return r, parts
	}
	// The reference's example is under /me; the app-only client here names
	// the mailbox instead.
	_, parts := batch(`--batch_myBatchId
Content-Type: application/http
Content-Transfer-Encoding: binary

GET /api/v2.0/users/` + onpremUser + `/events?$select=Subject,Organizer HTTP/1.1

--batch_myBatchId
Content-Type: application/http
Content-Transfer-Encoding: binary

POST /api/v2.0/users/` + onpremUser + `/sendmail HTTP/1.1
Content-Type: application/json

{"Message": {"Subject": "Meet for lunch?", "Body": {"ContentType": "Text", "Content": "The new cafeteria is open."},
 "ToRecipients": [{"EmailAddress": {"Address": "garthf@a830edad9050849NDA1.onmicrosoft.com"}}]}, "SaveToSentItems": true}

--batch_myBatchId--
`)
	if len(parts) != 2 {
		t.Fatalf("%d answers; want 2", len(parts))
	}
	var events struct {
		Value []map[string]any `json:"value"`
	}
	if parts[0].StatusCode != 200 || json.NewDecoder(parts[0].Body).Decode(&events) != nil || len(events.Value) != 1 || events.Value[0]["Subject"] != "standup" {
		t.Errorf("GET part: %d %v", parts[0].StatusCode, events.Value)
	}
	if parts[1].StatusCode != 202 {
		t.Errorf("sendmail part: %d", parts[1].StatusCode)
	}

	// The batch stops at the first failure unless told to go on.
	body := `--batch_myBatchId
Content-Type: application/http
Content-Transfer-Encoding: binary

GET /api/v2.0/users/` + onpremUser + `/messages/nope HTTP/1.1

--batch_myBatchId
Content-Type: application/http
Content-Transfer-Encoding: binary

GET /api/v2.0/users/` + onpremUser + `/mailfolders/inbox HTTP/1.1

--batch_myBatchId--
`
	if _, parts := batch(body); len(parts) != 1 || parts[0].StatusCode != 400 {
		t.Errorf("stopping batch: %d answers; want only the failed one", len(parts))
	}
	if _, parts := batch(body, "Prefer", "odata.continue-on-error"); len(parts) != 2 || parts[1].StatusCode != 200 {
		t.Errorf("continue-on-error batch: %d answers; want both", len(parts))
	}
	// A multipart body without the parts it announces is refused.
	if r := rc.do(t, "POST", "https://"+onpremHost+"/api/v2.0/users/"+onpremUser+"/$batch", []byte("--other\r\n\r\n--other--\r\n"), "Content-Type", "multipart/mixed; boundary=batch_myBatchId"); r.status != 400 {
		t.Errorf("empty multipart batch: %d; want 400", r.status)
	}
}

// TestSeedRefusesDuplicateFolderNames: Exchange has no two folders of one
// name (compared case-insensitively) under one parent; neither may a seed.
func TestSeedRefusesDuplicateFolderNames(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	box := srv.Mailbox(cloudUser)
	for _, c := range []struct {
		name, seed string
		ok         bool
	}{
		{"two of a name", `{"mailFolders":[{"displayName":"Receipts"},{"displayName":"receipts"}]}`, false},
		{"beside a default folder", `{"mailFolders":[{"displayName":"INBOX"}]}`, false},
		{"under different parents", `{"mailFolders":[{"displayName":"2024","parentFolderId":"inbox"},{"displayName":"2024","parentFolderId":"archive"}]}`, true},
		{"contact folders", `{"contactFolders":[{"displayName":"Suppliers"},{"displayName":"Suppliers"}]}`, false},
		{"calendars", `{"calendars":[{"name":"Calendar"}]}`, false},
	} {
		err := box.Seed(fstest.MapFS{"seed.json": {Data: []byte(c.seed)}}, "seed.json")
		if (err == nil) != c.ok {
			t.Errorf("%s: Seed = %v; want ok %v", c.name, err, c.ok)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Add of a second Receipts folder did not panic")
		}
	}()
	box.Add("mailFolders", outlooktest.Object{"displayName": "Bills"})
	box.Add("mailFolders", outlooktest.Object{"displayName": "Bills"})
}
