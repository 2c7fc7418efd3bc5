package odata_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/odata"
)

// recordingBackend answers every request with its canned answers, in
// order, and keeps the requests.
type recordingBackend struct {
	mu      sync.Mutex
	reqs    []*odata.BackendRequest
	answers []func(*odata.BackendRequest) (*http.Response, error)
}

func (b *recordingBackend) Serve(_ context.Context, r *odata.BackendRequest) (*http.Response, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reqs = append(b.reqs, r)
	if len(b.answers) == 0 {
		return nil, errors.New("no answer left")
	}
	a := b.answers[0]
	b.answers = b.answers[1:]
	return a(r)
}

func jsonAnswer(status int, body string) func(*odata.BackendRequest) (*http.Response, error) {
	return func(*odata.BackendRequest) (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body))}, nil
	}
}

// mappedThing is a model type with a wire table.
type mappedThing struct {
	ID      string `json:"id,omitzero"`
	Subject string `json:"subject,omitzero"`
}

var thingSchema = &odata.Schema{Name: "thing", Props: []odata.Prop{{Graph: "id", EWS: "item:ItemId"}, {Graph: "subject", EWS: "item:Subject"}}}

func (mappedThing) WireSchema() *odata.Schema { return thingSchema }

const ewsRoot = "https://mail.contoso.com/EWS/Exchange.asmx"

func backendClient(t *testing.T, b odata.Backend, opts ...odata.ClientOption) *odata.Client {
	t.Helper()
	c, err := odata.NewClient(ewsRoot, odata.EWS, nil, append([]odata.ClientOption{odata.WithBackend(b)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBackendServesInsteadOfHTTP(t *testing.T) {
	b := &recordingBackend{answers: []func(*odata.BackendRequest) (*http.Response, error){
		jsonAnswer(200, `{"value":[{"id":"a","subject":"one"}],"@odata.nextLink":"`+ewsRoot+`/ews/messages/x"}`),
		jsonAnswer(200, `{"value":[{"id":"b","subject":"two"}]}`),
		jsonAnswer(201, `{"id":"c","subject":"made"}`),
	}}
	c := backendClient(t, b, odata.WithMailbox("ana@contoso.com"), odata.WithPrefer(odata.Prefer{TimeZone: "UTC"}))
	ctx := t.Context()
	q := &odata.Query{Top: 1, Prefer: odata.Prefer{BodyType: odata.BodyTypeText}}
	var got []string
	for v, err := range odata.List[mappedThing](ctx, c, odata.PathOf("mailFolders/{}/messages", "inbox"), q) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v.Subject)
	}
	if strings.Join(got, ",") != "one,two" {
		t.Errorf("listed %v", got)
	}
	made, err := odata.Create[mappedThing](ctx, c, odata.PathOf("messages"), &mappedThing{Subject: "new"})
	if err != nil || made.ID != "c" {
		t.Fatalf("%+v %v", made, err)
	}

	first, next, create := b.reqs[0], b.reqs[1], b.reqs[2]
	if first.Method != http.MethodGet || first.Path.Template() != "mailFolders/{}/messages" || first.Path.IDs()[0] != "inbox" ||
		first.Query != q || first.Result != thingSchema || first.Mailbox != "ana@contoso.com" || first.Link != "" {
		t.Errorf("first request %+v", first)
	}
	if first.Prefer.TimeZone != "UTC" || first.Prefer.BodyType != odata.BodyTypeText {
		t.Errorf("Prefer %+v: the client's defaults merged with the query's", first.Prefer)
	}
	if next.Link != ewsRoot+"/ews/messages/x" || next.Query != nil && next.Query.Top != 0 || next.Result != thingSchema {
		t.Errorf("next request %+v", next)
	}
	if create.Method != http.MethodPost || string(create.Body) != `{"subject":"new"}` || create.BodySchema != thingSchema || create.Result != thingSchema {
		t.Errorf("create %+v body %s", create, create.Body)
	}
}

func TestBackendErrorsAndLinks(t *testing.T) {
	notFound := &odata.Error{StatusCode: 404, Code: "ErrorItemNotFound", Method: "EWS", Path: "GetItem"}
	b := &recordingBackend{answers: []func(*odata.BackendRequest) (*http.Response, error){
		func(*odata.BackendRequest) (*http.Response, error) { return nil, notFound },
		jsonAnswer(409, `{"error":{"code":"ErrorFolderExists","message":"exists"}}`),
	}}
	c := backendClient(t, b)
	ctx := t.Context()
	_, err := odata.Get[mappedThing](ctx, c, odata.PathOf("messages/{}", "x"), nil)
	if !errors.Is(err, odata.ErrNotFound) {
		t.Errorf("%v", err)
	}
	_, err = odata.Create[mappedThing](ctx, c, odata.PathOf("mailFolders"), map[string]string{"displayName": "x"})
	var oe *odata.Error
	if !errors.Is(err, odata.ErrConflict) || !errors.As(err, &oe) || oe.Code != "ErrorFolderExists" {
		t.Errorf("%v", err)
	}
	// Bad input and foreign links fail before the backend sees them.
	n := len(b.reqs)
	if _, err := odata.Get[mappedThing](ctx, c, odata.PathOf("messages/{}", ""), nil); !errors.Is(err, odata.ErrInvalidPath) {
		t.Errorf("%v", err)
	}
	if _, err := odata.NextPage[mappedThing](ctx, c, "https://evil.example/EWS/Exchange.asmx/ews/x"); !errors.Is(err, odata.ErrForeignLink) {
		t.Errorf("%v", err)
	}
	if _, err := odata.ListPage[mappedThing](ctx, c, odata.PathOf("messages"), &odata.Query{Top: -1}); !errors.Is(err, odata.ErrInvalidQuery) {
		t.Errorf("%v", err)
	}
	if len(b.reqs) != n {
		t.Error("bad input reached the backend")
	}
}

func TestBackendBatchFallsBackToSingleRequests(t *testing.T) {
	echo := func(r *odata.BackendRequest) (*http.Response, error) {
		return jsonAnswer(200, `{"id":"`+r.Path.IDs()[0]+`"}`)(r)
	}
	b := &recordingBackend{answers: []func(*odata.BackendRequest) (*http.Response, error){echo, echo}}
	c := backendClient(t, b)
	batch := c.NewBatch()
	batch.Add(&odata.Request{Method: http.MethodGet, Path: odata.PathOf("messages/{}", "a")})
	batch.Add(&odata.Request{Method: http.MethodGet, Path: odata.PathOf("messages/{}", "b")})
	res, err := batch.Send(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		v, err := odata.BatchValue[mappedThing](r)
		if err != nil || v.ID != string(rune('a'+i)) {
			t.Errorf("%d: %+v %v", i, v, err)
		}
	}
	if len(b.reqs) != 2 {
		t.Errorf("%d backend requests, want one per item", len(b.reqs))
	}
}

func TestBackendTargets(t *testing.T) {
	if _, err := odata.NewClient(ewsRoot, odata.Graph, nil); err == nil {
		t.Error("a Graph client without a token source")
	}
	// An EWS client without a backend refuses to send, instead of
	// sending HTTP requests to the EWS URL.
	c, err := odata.NewClient(ewsRoot, odata.EWS, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odata.Get[mappedThing](t.Context(), c, odata.PathOf("messages/{}", "x"), nil); err == nil || !strings.Contains(err.Error(), "Backend") {
		t.Errorf("%v", err)
	}
	// A mailbox that moved to EWS is retargeted with its backend.
	b := &recordingBackend{answers: []func(*odata.BackendRequest) (*http.Response, error){jsonAnswer(200, `{"id":"x"}`)}}
	g, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Retarget(odata.Target{ServiceRoot: ewsRoot, Dialect: odata.EWS, Backend: b}); err != nil {
		t.Fatal(err)
	}
	if v, err := odata.Get[mappedThing](t.Context(), g, odata.PathOf("messages/{}", "x"), nil); err != nil || v.ID != "x" || len(b.reqs) != 1 {
		t.Errorf("%+v %v", v, err)
	}
	if _, err := odata.NewClient(ewsRoot, odata.EWS, nil, odata.WithBackend(nil)); err == nil {
		t.Error("WithBackend(nil)")
	}
}
