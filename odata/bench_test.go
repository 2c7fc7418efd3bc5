package odata_test

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/odata"
)

// benchMessage has the properties of the benchmark page's messages, as a
// hand-written model would (mail.Message will be richer still).
type benchMessage struct {
	ETag                       string      `json:"@odata.etag,omitzero"`
	ID                         string      `json:"id"`
	CreatedDateTime            time.Time   `json:"createdDateTime"`
	LastModifiedDateTime       time.Time   `json:"lastModifiedDateTime"`
	ChangeKey                  string      `json:"changeKey"`
	Categories                 []string    `json:"categories"`
	ReceivedDateTime           time.Time   `json:"receivedDateTime"`
	SentDateTime               time.Time   `json:"sentDateTime"`
	HasAttachments             bool        `json:"hasAttachments"`
	InternetMessageID          string      `json:"internetMessageId"`
	Subject                    string      `json:"subject"`
	BodyPreview                string      `json:"bodyPreview"`
	Importance                 importance  `json:"importance"`
	ParentFolderID             string      `json:"parentFolderId"`
	ConversationID             string      `json:"conversationId"`
	IsDeliveryReceiptRequested bool        `json:"isDeliveryReceiptRequested"`
	IsReadReceiptRequested     bool        `json:"isReadReceiptRequested"`
	IsRead                     bool        `json:"isRead"`
	IsDraft                    bool        `json:"isDraft"`
	WebLink                    string      `json:"webLink"`
	InferenceClassification    string      `json:"inferenceClassification"`
	Body                       itemBody    `json:"body"`
	Sender                     recipient   `json:"sender"`
	From                       recipient   `json:"from"`
	ToRecipients               []recipient `json:"toRecipients"`
	CcRecipients               []recipient `json:"ccRecipients"`
	BccRecipients              []recipient `json:"bccRecipients"`
	ReplyTo                    []recipient `json:"replyTo"`
	Flag                       struct {
		FlagStatus string `json:"flagStatus"`
	} `json:"flag"`
}

func (benchMessage) WireSchema() *odata.Schema { return odata.FixtureSchema }

type benchPage struct {
	Value    []benchMessage `json:"value"`
	NextLink string         `json:"@odata.nextLink"`
}

// messagePage returns a page of n message-shaped items in Graph form and the
// same page in v2.0 form.
func messagePage(n int) (graph, v2 []byte) {
	var g, o bytes.Buffer
	g.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('alice%40contoso.com')/mailFolders('inbox')/messages","value":[`)
	o.WriteString(`{"@odata.context":"https://mail.contoso.com/api/v2.0/$metadata#Users('alice%40contoso.com')/MailFolders('inbox')/Messages","value":[`)
	for i := range n {
		if i > 0 {
			g.WriteByte(',')
			o.WriteByte(',')
		}
		id := fmt.Sprintf("AAMkAGI2THVSAAA%06d=", i)
		fmt.Fprintf(&g, `{"@odata.etag":"W/\"CQAAABYAAACd9nJ%06d\"","id":%q,"createdDateTime":"2024-05-02T09:12:44Z","lastModifiedDateTime":"2024-05-02T09:12:45Z","changeKey":"CQAAABYAAACd9nJ%06d","categories":["Red category","Finance"],"receivedDateTime":"2024-05-02T09:12:44Z","sentDateTime":"2024-05-02T09:12:40Z","hasAttachments":false,"internetMessageId":"<BY1PR19MB%06d@BY1PR19MB0023.namprd19.prod.outlook.com>","subject":"Quarterly numbers %d: please review before Friday","bodyPreview":"Hi team, the quarterly numbers are attached. Please review them and send comments before Friday so that we can finalise the report.","importance":"normal","parentFolderId":"AAMkAGI2AAEMAAA=","conversationId":"AAQkAGI2TIzMzAAA%06d=","isDeliveryReceiptRequested":false,"isReadReceiptRequested":false,"isRead":%t,"isDraft":false,"webLink":"https://outlook.office365.com/owa/?ItemID=AAMkAGI2THVSAAA%%3D&exvsurl=1&viewmodel=ReadMessageItem","inferenceClassification":"focused","body":{"contentType":"html","content":"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><p>Hi team, the quarterly numbers are attached.</p><p>Please review them and send comments before Friday.</p></body></html>"},"sender":{"emailAddress":{"name":"Lee Gu","address":"lee@contoso.com"}},"from":{"emailAddress":{"name":"Lee Gu","address":"lee@contoso.com"}},"toRecipients":[{"emailAddress":{"name":"Alice","address":"alice@contoso.com"}},{"emailAddress":{"name":"Bob","address":"bob@contoso.com"}}],"ccRecipients":[],"bccRecipients":[],"replyTo":[],"flag":{"flagStatus":"notFlagged"}}`,
			i, id, i, i, i, i, i%2 == 0)
	}
	g.WriteString(`],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users/alice@contoso.com/mailFolders/inbox/messages?$skip=1000"}`)
	// The v2.0 page is the same data in v2.0 spelling.
	v2page, err := odata.ToV2ForTest(g.Bytes(), odata.PageOfForTest(odata.FixtureSchema))
	if err != nil {
		panic(err)
	}
	_ = o
	return g.Bytes(), v2page
}

// cannedDoer answers every request with the same body, as a server would,
// without a network in between.
type cannedDoer struct{ body []byte }

func (d cannedDoer) Do(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Request: r, ContentLength: int64(len(d.body)),
		Header: http.Header{"Content-Type": {"application/json; odata.metadata=minimal"}},
		Body:   io.NopCloser(bytes.NewReader(d.body))}, nil
}

var benchToken = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})

func BenchmarkDecodePage(b *testing.B) {
	graph, v2 := messagePage(1000)
	ctx := context.Background()
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(graph)))
		b.ReportAllocs()
		for b.Loop() {
			var p benchPage
			if err := stdjson.Unmarshal(graph, &p); err != nil || len(p.Value) != 1000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-experiment", func(b *testing.B) {
		b.SetBytes(int64(len(graph)))
		b.ReportAllocs()
		for b.Loop() {
			var p benchPage
			if err := jsonv2.Unmarshal(graph, &p); err != nil || len(p.Value) != 1000 {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range []struct {
		name string
		d    *odata.Dialect
		root string
		body []byte
	}{{"odata-graph", odata.Graph, "https://graph.microsoft.com/v1.0", graph}, {"odata-v2", odata.OutlookV2, "https://mail.contoso.com/api/v2.0", v2}} {
		b.Run(tc.name, func(b *testing.B) {
			c, err := odata.NewClient(tc.root, tc.d, benchToken, odata.WithMailbox("alice@contoso.com"), odata.WithDoer(cannedDoer{tc.body}))
			if err != nil {
				b.Fatal(err)
			}
			p := odata.PathOf("mailFolders/{}/messages", "inbox")
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				pg, err := odata.ListPage[benchMessage](ctx, c, p, nil)
				if err != nil || len(pg.Value) != 1000 || pg.Value[999].Body.ContentType != "html" {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSmallGet compares one small GET through the whole client (token,
// transport with retries and limits, URL building, decoding) with plain
// net/http and encoding/json against the same server.
func BenchmarkSmallGet(b *testing.B) {
	body := []byte(`{"id":"AAMkAGI2THVSAAA=","subject":"Quarterly numbers","isRead":false}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	ctx := context.Background()
	b.Run("net-http", func(b *testing.B) {
		hc := srv.Client()
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1.0/users/alice@contoso.com/messages/AAMkAGI2THVSAAA=", nil)
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var m message
			err = stdjson.NewDecoder(resp.Body).Decode(&m)
			resp.Body.Close()
			if err != nil || m.Subject == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("odata", func(b *testing.B) {
		tr, err := transport.New(transport.Config{HTTPClient: srv.Client()})
		if err != nil {
			b.Fatal(err)
		}
		c, err := odata.NewClient(srv.URL+"/v1.0", odata.Graph, oauth2.ReuseTokenSource(nil, benchToken), odata.WithMailbox("alice@contoso.com"), odata.WithDoer(tr))
		if err != nil {
			b.Fatal(err)
		}
		p := odata.PathOf("messages/{}", "AAMkAGI2THVSAAA=")
		b.ReportAllocs()
		for b.Loop() {
			m, err := odata.Get[message](ctx, c, p, nil)
			if err != nil || m.Subject == "" {
				b.Fatal(err)
			}
		}
	})
}

func TestBenchPagesDecode(t *testing.T) {
	graph, v2 := messagePage(3)
	if !strings.Contains(string(v2), `"Subject":"Quarterly numbers 0`) || !strings.Contains(string(v2), `"ContentType":"HTML"`) {
		t.Fatalf("v2 page not in v2 form: %.300s", v2)
	}
	for _, tc := range []struct {
		d    *odata.Dialect
		body []byte
	}{{odata.Graph, graph}, {odata.OutlookV2, v2}} {
		c, _ := odata.NewClient("https://h/v1.0", tc.d, benchToken, odata.WithDoer(cannedDoer{tc.body}))
		pg, err := odata.ListPage[benchMessage](t.Context(), c, odata.PathOf("messages"), nil)
		if err != nil || len(pg.Value) != 3 || pg.Value[1].From.EmailAddress.Address != "lee@contoso.com" || pg.Value[2].Importance != "normal" || pg.Value[0].Flag.FlagStatus != "notFlagged" {
			t.Fatalf("%s: %+v, %v", tc.d, pg, err)
		}
	}
}
