package odata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// part is one request of a $batch call as the fakes read it.
type part struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

// partAnswer is what a fake answers for one part.
type partAnswer struct {
	Status int    // default 200
	Body   string // JSON, in the fake's dialect
}

// batchFake records the $batch calls of a fake and answers each part with
// answer, in reverse order (the client must match answers by id).
type batchFake struct {
	mu    sync.Mutex
	calls [][]part // the parts of every $batch call
}

func (b *batchFake) serve(t *testing.T, f *fake, w http.ResponseWriter, r *http.Request, answer func(p part) partAnswer) {
	t.Helper()
	wantPath := "/v1.0/$batch"
	if f.v2 {
		wantPath = f.prefix() + "$batch"
	}
	if r.Method != http.MethodPost || r.URL.Path != wantPath {
		t.Errorf("batch call %s %s, want POST %s", r.Method, r.URL.Path, wantPath)
		w.WriteHeader(400)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("batch call Content-Type = %q", ct)
	}
	var doc struct {
		Requests []part `json:"requests"`
	}
	if err := json.NewDecoder(r.Body).Decode(&doc); err != nil {
		t.Errorf("batch call body: %v", err)
		w.WriteHeader(400)
		return
	}
	b.mu.Lock()
	b.calls = append(b.calls, doc.Requests)
	b.mu.Unlock()
	if len(doc.Requests) > odata.MaxBatchCall {
		w.WriteHeader(400)
		return
	}
	type resp struct {
		ID      string            `json:"id"`
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers,omitempty"`
		Body    json.RawMessage   `json:"body,omitempty"`
	}
	var out []resp
	failed := map[string]bool{}
	for _, p := range doc.Requests {
		a := partAnswer{Status: 200}
		dep := ""
		for _, d := range p.DependsOn {
			if failed[d] {
				dep = d
			}
		}
		if dep != "" {
			a = partAnswer{Status: 424, Body: `{"error":{"code":"FailedDependency","message":"depends on ` + dep + `"}}`}
		} else if got := answer(p); got.Status != 0 || got.Body != "" {
			a = got
			if a.Status == 0 {
				a.Status = 200
			}
		}
		if a.Status >= 300 {
			failed[p.ID] = true
		}
		rp := resp{ID: p.ID, Status: a.Status}
		if a.Body != "" {
			rp.Headers = map[string]string{"Content-Type": "application/json"}
			rp.Body = json.RawMessage(a.Body)
		}
		out = append(out, rp)
	}
	slices.Reverse(out)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"responses": out})
}

func (b *batchFake) sizes() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	var n []int
	for _, c := range b.calls {
		n = append(n, len(c))
	}
	return n
}

// idOf returns the last segment of a part's URL path.
func idOf(u string) string {
	p, _, _ := strings.Cut(u, "?")
	return p[strings.LastIndexByte(p, '/')+1:]
}

func get(id string) *odata.Request {
	return &odata.Request{Method: http.MethodGet, Path: odata.PathOf("messages/{}", id)}
}

func TestBatchSplitsAndKeepsOrder(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		var bf batchFake
		_, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			bf.serve(t, f, w, r, func(p part) partAnswer {
				wantPrefix := "/users/alice@contoso.com/messages/"
				if !strings.HasPrefix(p.URL, wantPrefix) || p.Method != "GET" || len(p.Body) != 0 {
					t.Errorf("part %s: %s %s body %s", p.ID, p.Method, p.URL, p.Body)
				}
				id := idOf(p.URL)
				if v2 {
					return partAnswer{Body: `{"Id":"` + id + `","Subject":"s` + id + `","Importance":"High"}`}
				}
				return partAnswer{Body: `{"id":"` + id + `","subject":"s` + id + `","importance":"high"}`}
			})
		})
		b := c.NewBatch()
		for i := range 25 {
			if got := b.Add(get(fmt.Sprint(i))); got != i {
				t.Fatalf("Add = %d, want %d", got, i)
			}
		}
		if b.Len() != 25 {
			t.Fatalf("Len = %d", b.Len())
		}
		res, err := b.Send(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got := bf.sizes(); !reflect.DeepEqual(got, []int{20, 5}) {
			t.Errorf("$batch calls of %v requests, want [20 5]", got)
		}
		if len(res) != 25 {
			t.Fatalf("%d results", len(res))
		}
		for i, r := range res {
			m, err := odata.BatchValue[message](r)
			if err != nil || r.Status != 200 {
				t.Fatalf("result %d: status %d, %v", i, r.Status, err)
			}
			want := message{ID: fmt.Sprint(i), Subject: fmt.Sprint("s", i), Importance: "high"}
			if !reflect.DeepEqual(*m, want) {
				t.Errorf("result %d = %+v, want %+v", i, *m, want)
			}
			if r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("result %d header %v", i, r.Header)
			}
		}
	})
}

func TestBatchMixedResults(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		var bf batchFake
		_, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			bf.serve(t, f, w, r, func(p part) partAnswer {
				switch idOf(p.URL) {
				case "gone":
					return partAnswer{Status: 404, Body: `{"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store."}}`}
				case "bad":
					return partAnswer{Status: 400, Body: `{"error":{"code":"ErrorInvalidIdMalformed","message":"Id is malformed."}}`}
				case "deleted":
					return partAnswer{Status: 204}
				}
				return partAnswer{Body: `{"id":"ok"}`}
			})
		})
		b := c.NewBatch()
		b.Add(get("a"))
		b.Add(get("gone"))
		b.Add(&odata.Request{Method: http.MethodDelete, Path: odata.PathOf("messages/{}", "deleted")})
		b.Add(get("bad"))
		res, err := b.Send(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if m, err := odata.BatchValue[message](res[0]); err != nil || m.ID != "ok" {
			t.Errorf("result 0 = %+v, %v", m, err)
		}
		e, ok := errors.AsType[*odata.Error](res[1].Err)
		if !ok || !errors.Is(res[1].Err, odata.ErrNotFound) || e.Code != "ErrorItemNotFound" || res[1].Status != 404 {
			t.Errorf("result 1: status %d, err %v", res[1].Status, res[1].Err)
		} else if !strings.Contains(e.Path, "/messages/gone") || e.Method != "GET" {
			t.Errorf("result 1 error names %s %s", e.Method, e.Path)
		}
		if _, err := odata.BatchValue[message](res[1]); err != res[1].Err {
			t.Errorf("BatchValue of a failed item = %v, want its Err", err)
		}
		if m, err := odata.BatchValue[message](res[2]); m != nil || err != nil || res[2].Status != 204 {
			t.Errorf("result 2 = %+v, %v (status %d), want nil, nil, 204", m, err, res[2].Status)
		}
		if e, ok := errors.AsType[*odata.Error](res[3].Err); !ok || e.StatusCode != 400 || e.Code != "ErrorInvalidIdMalformed" {
			t.Errorf("result 3 = %v, want a 400 *odata.Error", res[3].Err)
		}
		if got := bf.sizes(); !reflect.DeepEqual(got, []int{4}) {
			t.Errorf("calls %v", got)
		}
	})
}

func TestBatchDependsOn(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		var bf batchFake
		_, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			bf.serve(t, f, w, r, func(p part) partAnswer {
				if idOf(p.URL) == "bad" {
					return partAnswer{Status: 400, Body: `{"error":{"code":"ErrorInvalidIdMalformed","message":"Id is malformed."}}`}
				}
				return partAnswer{Body: `{"id":"` + idOf(p.URL) + `"}`}
			})
		})
		b := c.NewBatch()
		// A chain that fails in the middle: 0 -> 1(bad) -> 2.
		b.Add(get("c0"))
		b.Add(get("bad"), 0)
		b.Add(get("c2"), 1)
		// A tree: 3 <- 4, 3 <- 5 (4 and 5 both depend on 3), and 6 on 4 and 5.
		b.Add(get("t3"))
		b.Add(get("t4"), 3)
		b.Add(get("t5"), 3, 3)
		b.Add(get("t6"), 4, 5)
		// A tree whose root fails: 8 and 9 are never sent.
		b.Add(get("bad"))
		b.Add(get("u8"), 7)
		b.Add(get("u9"), 7, 8)
		// Independent.
		b.Add(get("i10"))
		res, err := b.Send(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for i, ok := range []bool{true, false, false, true, true, true, true, false, false, false, true} {
			if (res[i].Err == nil) != ok {
				t.Errorf("result %d: %v, want success %v", i, res[i].Err, ok)
			}
		}
		if !errors.Is(res[2].Err, odata.ErrFailedDependency) || res[2].Status != 424 {
			t.Errorf("result 2 = %d %v, want the server's 424", res[2].Status, res[2].Err)
		}
		if _, ok := errors.AsType[*odata.Error](res[2].Err); !ok {
			t.Errorf("result 2 %v is not an *odata.Error", res[2].Err)
		}
		for _, i := range []int{8, 9} {
			if !errors.Is(res[i].Err, odata.ErrFailedDependency) || res[i].Status != 0 {
				t.Errorf("result %d = %d %v, want ErrFailedDependency without sending", i, res[i].Status, res[i].Err)
			}
		}
		if errors.Is(res[1].Err, odata.ErrFailedDependency) {
			t.Errorf("result 1 (a failure of its own) matches ErrFailedDependency: %v", res[1].Err)
		}
		// Calls are all-parallel or one chain. The chain goes in one call
		// with dependsOn; the trees by levels.
		bf.mu.Lock()
		defer bf.mu.Unlock()
		var sent []string
		for _, call := range bf.calls {
			chain := len(call) > 1 && len(call[1].DependsOn) > 0
			var ids []string
			for k, p := range call {
				ids = append(ids, idOf(p.URL))
				switch {
				case chain && k > 0 && !reflect.DeepEqual(p.DependsOn, []string{call[k-1].ID}):
					t.Errorf("chain call part %d dependsOn %v, want [%s]", k, p.DependsOn, call[k-1].ID)
				case !chain && len(p.DependsOn) > 0:
					t.Errorf("parallel call part %d dependsOn %v", k, p.DependsOn)
				}
			}
			sent = append(sent, strings.Join(ids, ","))
		}
		want := []string{"t3,bad,i10", "t4,t5", "t6", "c0,bad,c2"}
		if !reflect.DeepEqual(sent, want) {
			t.Errorf("calls %q, want %q", sent, want)
		}
	})
}

func TestBatchLongChainSplits(t *testing.T) {
	var bf batchFake
	_, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
		bf.serve(t, f, w, r, func(p part) partAnswer {
			if idOf(p.URL) == "m21" {
				return partAnswer{Status: 404, Body: `{"error":{"code":"ErrorItemNotFound","message":"x"}}`}
			}
			return partAnswer{Body: `{}`}
		})
	})
	b := c.NewBatch()
	b.Add(get("m0"))
	for i := 1; i < 45; i++ {
		b.Add(get(fmt.Sprint("m", i)), i-1)
	}
	res, err := b.Send(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// 0..19 in call 1; 20..39 in call 2 (21 fails, 22..39 get 424); 40..44
	// are never sent.
	if got := bf.sizes(); !reflect.DeepEqual(got, []int{20, 20}) {
		t.Errorf("calls %v, want [20 20]", got)
	}
	for i, r := range res {
		switch {
		case i <= 20:
			if r.Err != nil {
				t.Errorf("result %d: %v", i, r.Err)
			}
		case i == 21:
			if !errors.Is(r.Err, odata.ErrNotFound) {
				t.Errorf("result 21: %v", r.Err)
			}
		default:
			if !errors.Is(r.Err, odata.ErrFailedDependency) {
				t.Errorf("result %d: %v, want ErrFailedDependency", i, r.Err)
			}
		}
	}
}

func TestBatchWriteParts(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		var bf batchFake
		_, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-AnchorMailbox") != map[bool]string{true: "alice@contoso.com"}[v2] {
				t.Errorf("X-AnchorMailbox = %q", r.Header.Get("X-AnchorMailbox"))
			}
			bf.serve(t, f, w, r, func(p part) partAnswer {
				if v2 {
					return partAnswer{Status: 201, Body: `{"Id":"new","Subject":"Q3","Body":{"ContentType":"HTML","Content":"x"}}`}
				}
				return partAnswer{Status: 201, Body: `{"id":"new","subject":"Q3","body":{"contentType":"html","content":"x"}}`}
			})
		})
		b := c.NewBatch()
		b.Add(&odata.Request{Method: http.MethodPost, Path: odata.PathOf("messages"),
			Body: &message{Subject: "Q3", Importance: "high", Body: &itemBody{"html", "x"}}})
		b.Add(&odata.Request{Method: http.MethodPatch, Path: odata.PathOf("messages/{}", "m1"), IfMatch: `W/"CQ"`,
			Body:  &messageUpdate{IsRead: odata.Set(true)},
			Query: &odata.Query{Select: odata.Fields(subject), Prefer: odata.Prefer{BodyType: odata.BodyTypeText, TimeZone: "UTC"}}})
		res, err := b.Send(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		m, err := odata.BatchValue[message](res[0])
		if err != nil || m.ID != "new" || m.Body == nil || m.Body.ContentType != "html" {
			t.Fatalf("created %+v, %v", m, err)
		}
		bf.mu.Lock()
		defer bf.mu.Unlock()
		p0, p1 := bf.calls[0][0], bf.calls[0][1]
		want0 := `{"subject":"Q3","importance":"high","body":{"contentType":"html","content":"x"}}`
		want1 := `{"isRead":true}`
		wantURL1 := "/users/alice@contoso.com/messages/m1?$select=subject"
		if v2 {
			want0 = `{"Subject":"Q3","Importance":"High","Body":{"ContentType":"HTML","Content":"x"}}`
			want1 = `{"IsRead":true}`
			wantURL1 = "/users/alice@contoso.com/messages/m1?$select=Subject"
		}
		if string(p0.Body) != want0 || p0.Headers["Content-Type"] != "application/json" || p0.Method != "POST" {
			t.Errorf("create part: %s %s\nwant %s", p0.Headers, p0.Body, want0)
		}
		if string(p1.Body) != want1 || p1.URL != wantURL1 || p1.Headers["If-Match"] != `W/"CQ"` ||
			p1.Headers["Prefer"] != `outlook.timezone="UTC", outlook.body-content-type="text"` {
			t.Errorf("update part: %s %s %v %s\nwant %s %s", p1.Method, p1.URL, p1.Headers, p1.Body, wantURL1, want1)
		}
		for k := range p1.Headers {
			if strings.EqualFold(k, "Authorization") {
				t.Errorf("a part carries %s", k)
			}
		}
	})
}

// transportDoer builds the SDK's transport over a fake, with short backoff.
func transportDoer(t *testing.T, hc *http.Client) odata.Doer {
	t.Helper()
	d, err := transport.New(transport.Config{HTTPClient: hc, Retry: transport.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestBatchOfGETsIsRetried(t *testing.T) {
	for _, tt := range []struct {
		name      string
		write     bool
		wantCalls int32
		wantOK    bool
	}{
		{"all GETs are retried", false, 2, true},
		{"a write is not", true, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var bf batchFake
			var calls atomic.Int32
			f, _ := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					f.json(w, 503, `{"error":{"code":"ServiceUnavailable","message":"later"}}`, "")
					return
				}
				bf.serve(t, f, w, r, func(p part) partAnswer { return partAnswer{Body: `{}`} })
			})
			c, err := odata.NewClient(f.srv.URL+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}),
				odata.WithDoer(transportDoer(t, f.srv.Client())))
			if err != nil {
				t.Fatal(err)
			}
			b := c.NewBatch()
			b.Add(get("a"))
			if tt.write {
				b.Add(&odata.Request{Method: http.MethodPost, Path: odata.PathOf("messages/{}/move", "a"), Body: map[string]string{"destinationId": "x"}})
			}
			res, err := b.Send(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if calls.Load() != tt.wantCalls {
				t.Errorf("%d $batch calls, want %d", calls.Load(), tt.wantCalls)
			}
			if (res[0].Err == nil) != tt.wantOK {
				t.Errorf("result 0: %v, want success %v", res[0].Err, tt.wantOK)
			}
			if !tt.wantOK {
				if e, ok := errors.AsType[*odata.Error](res[0].Err); !ok || e.StatusCode != 503 || res[0].Status != 0 {
					t.Errorf("result 0 = %d %v, want the call's 503", res[0].Status, res[0].Err)
				}
			}
		})
	}
}

func TestBatchFallback(t *testing.T) {
	for _, tt := range []struct {
		name         string
		batchStatus  int // what $batch answers; 0: the client is WithoutBatch
		v2           bool
		wantBatchHit int32
	}{
		{"404 graph", 404, false, 1},
		{"404 v2", 404, true, 1},
		{"501 v2", 501, true, 1},
		{"415 v2", 415, true, 1},
		{"WithoutBatch", 0, true, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var batchHits, inFlight, peak atomic.Int32
			var mu sync.Mutex
			var order []string
			f, _ := newFake(t, tt.v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "$batch") {
					batchHits.Add(1)
					f.json(w, tt.batchStatus, `{"error":{"code":"NotImplemented","message":"no"}}`, `{"error":{"code":"NotImplemented","message":"no"}}`)
					return
				}
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(5 * time.Millisecond) // let the others pile up
				id := idOf(r.URL.Path)
				mu.Lock()
				order = append(order, id)
				mu.Unlock()
				switch {
				case id == "bad":
					f.json(w, 404, `{"error":{"code":"ErrorItemNotFound","message":"x"}}`, `{"error":{"code":"ErrorItemNotFound","message":"x"}}`)
				case r.Method == http.MethodPost:
					body, _ := io.ReadAll(r.Body)
					want := map[bool]string{false: `{"subject":"s"}`, true: `{"Subject":"s"}`}[tt.v2]
					if string(body) != want {
						t.Errorf("fallback body %s, want %s", body, want)
					}
					f.json(w, 201, `{"id":"new","subject":"s"}`, `{"Id":"new","Subject":"s"}`)
				default:
					f.json(w, 200, `{"id":"`+id+`","importance":"low"}`, `{"Id":"`+id+`","Importance":"Low"}`)
				}
			})
			d, root := odata.Graph, f.srv.URL+"/v1.0"
			if tt.v2 {
				d, root = odata.OutlookV2, f.srv.URL+"/api/v2.0"
			}
			opts := []odata.ClientOption{odata.WithMailbox("alice@contoso.com"), odata.WithDoer(f.srv.Client())}
			if tt.batchStatus == 0 {
				opts = append(opts, odata.WithoutBatch())
			}
			c, err := odata.NewClient(root, d, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), opts...)
			if err != nil {
				t.Fatal(err)
			}
			for round := range 2 {
				order = nil
				b := c.NewBatch()
				for i := range 12 {
					b.Add(get(fmt.Sprint("g", i)))
				}
				first := b.Add(&odata.Request{Method: http.MethodPost, Path: odata.PathOf("messages"), Body: &message{Subject: "s"}}) // 12
				b.Add(get("after"), first)                                                                                            // 13
				b.Add(get("bad"))                                                                                                     // 14
				b.Add(get("never"), 14)                                                                                               // 15
				b.Add(get("never2"), 15, 13)                                                                                          // 16
				res, err := b.Send(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				for i := range 12 {
					m, err := odata.BatchValue[message](res[i])
					if err != nil || m.ID != fmt.Sprint("g", i) || m.Importance != "low" || res[i].Status != 200 {
						t.Errorf("round %d result %d = %+v, %v", round, i, m, err)
					}
				}
				if m, err := odata.BatchValue[message](res[12]); err != nil || m.ID != "new" || res[12].Status != 201 {
					t.Errorf("round %d created %+v, %v", round, m, err)
				}
				if res[13].Err != nil || !errors.Is(res[14].Err, odata.ErrNotFound) || res[14].Status != 404 {
					t.Errorf("round %d results 13, 14: %v, %v", round, res[13].Err, res[14].Err)
				}
				for _, i := range []int{15, 16} {
					if !errors.Is(res[i].Err, odata.ErrFailedDependency) || res[i].Status != 0 {
						t.Errorf("round %d result %d = %v, want ErrFailedDependency", round, i, res[i].Err)
					}
				}
				mu.Lock()
				if slices.Contains(order, "never") || slices.Contains(order, "never2") {
					t.Errorf("round %d sent a request whose dependency failed: %v", round, order)
				}
				if a, p := slices.Index(order, "after"), slices.Index(order, "messages"); a < 0 || p < 0 || a < p {
					t.Errorf("round %d order %v: the dependent ran before its dependency", round, order)
				}
				mu.Unlock()
			}
			// The second round went straight to the fallback.
			if batchHits.Load() != tt.wantBatchHit {
				t.Errorf("$batch asked %d times, want %d", batchHits.Load(), tt.wantBatchHit)
			}
			if p := peak.Load(); p > 4 || p < 2 {
				t.Errorf("peak of %d requests in flight, want 2..4", p)
			}
		})
	}
}

func TestBatchFallbackForgottenOnRetarget(t *testing.T) {
	// The memory belongs to the server that lacked $batch: after the mailbox
	// moves, the new server is asked again.
	var bf batchFake
	cloud, _ := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
		bf.serve(t, f, w, r, func(part) partAnswer { return partAnswer{Body: `{}`} })
	})
	onprem, _ := newFake(t, true, func(f *fake, w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "$batch") {
			w.WriteHeader(404)
			return
		}
		f.json(w, 200, "", `{}`)
	})
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})
	c, err := odata.NewClient(onprem.srv.URL+"/api/v2.0", odata.OutlookV2, ts, odata.WithDoer(multiDoer{cloud, onprem}))
	if err != nil {
		t.Fatal(err)
	}
	send := func() {
		b := c.NewBatch()
		b.Add(get("x"))
		if res, err := b.Send(t.Context()); err != nil || res[0].Err != nil {
			t.Fatalf("Send = %v, %v", res, err)
		}
	}
	send()
	send()
	if n := onprem.requests.Load(); n != 3 { // one $batch, two GETs
		t.Errorf("on-premises server got %d requests, want 3", n)
	}
	if err := c.Retarget(odata.Target{ServiceRoot: cloud.srv.URL + "/v1.0", Dialect: odata.Graph, TokenSource: ts}); err != nil {
		t.Fatal(err)
	}
	send()
	if got := bf.sizes(); !reflect.DeepEqual(got, []int{1}) {
		t.Errorf("after Retarget, $batch calls %v, want [1]", got)
	}
}

func TestBatchBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		add  func(b *odata.Batch)
		want string
	}{
		{"raw body", func(b *odata.Batch) {
			b.Add(&odata.Request{Method: "PUT", Path: odata.PathOf("messages/{}/$value", "a"), RawBody: strings.NewReader("MIME"), ContentType: "text/plain"})
		}, "RawBody"},
		{"nil request", func(b *odata.Batch) { b.Add(nil) }, "nil"},
		{"depends on itself", func(b *odata.Batch) { b.Add(get("a"), 1) }, "request 1 depends on 1"},
		{"depends on a later one", func(b *odata.Batch) { b.Add(get("a"), 2); b.Add(get("b")) }, "request 1 depends on 2"},
		{"negative dependency", func(b *odata.Batch) { b.Add(get("a")); b.Add(get("b"), -1) }, "depends on -1"},
		{"bad method", func(b *odata.Batch) { b.Add(&odata.Request{Method: "TRACE", Path: odata.PathOf("messages")}) }, "TRACE"},
		{"empty id", func(b *odata.Batch) { b.Add(get("")) }, "empty id"},
		{"authorization header", func(b *odata.Batch) {
			b.Add(&odata.Request{Method: "GET", Path: odata.PathOf("messages"), Header: http.Header{"Authorization": {"Bearer other"}}})
		}, "Authorization"},
		{"bad query", func(b *odata.Batch) {
			b.Add(&odata.Request{Method: "GET", Path: odata.PathOf("messages"), Query: &odata.Query{Top: -1}})
		}, "top"},
		{"first error wins", func(b *odata.Batch) { b.Add(nil); b.Add(get("x"), 5) }, "nil"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
				t.Errorf("request sent: %s %s", r.Method, r.URL.Path)
			})
			b := c.NewBatch()
			b.Add(get("fine"))
			tt.add(b)
			res, err := b.Send(t.Context())
			if err == nil || res != nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.want)) {
				t.Fatalf("Send = %v, %v; want an error naming %q", res, err, tt.want)
			}
			if f.requests.Load() != 0 {
				t.Errorf("%d requests sent", f.requests.Load())
			}
		})
	}
}

func TestBatchEmpty(t *testing.T) {
	f, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) { t.Errorf("request sent") })
	res, err := c.NewBatch().Send(t.Context())
	if res != nil || err != nil || f.requests.Load() != 0 {
		t.Errorf("empty Send = %v, %v, %d requests", res, err, f.requests.Load())
	}
}

func TestBatchCancelled(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprint("fallback=", fallback), func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var bf batchFake
			f, _ := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
				if fallback {
					if idOf(r.URL.Path) == "m0" {
						cancel()
					}
					f.json(w, 200, `{}`, "")
					return
				}
				bf.serve(t, f, w, r, func(p part) partAnswer {
					cancel() // the first call answers; then the context ends
					return partAnswer{Body: `{}`}
				})
			})
			opts := []odata.ClientOption{odata.WithDoer(f.srv.Client())}
			if fallback {
				opts = append(opts, odata.WithoutBatch())
			}
			c, err := odata.NewClient(f.srv.URL+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), opts...)
			if err != nil {
				t.Fatal(err)
			}
			b := c.NewBatch()
			b.Add(get("m0"))
			for i := 1; i < 30; i++ {
				b.Add(get(fmt.Sprint("m", i)), i-1) // a chain: one at a time
			}
			res, err := b.Send(ctx)
			if !errors.Is(err, context.Canceled) || len(res) != 30 {
				t.Fatalf("Send = %d results, %v; want 30 and context.Canceled", len(res), err)
			}
			if !errors.Is(res[29].Err, context.Canceled) || res[29].Status != 0 {
				t.Errorf("last result = %d %v, want context.Canceled", res[29].Status, res[29].Err)
			}
			if n := f.requests.Load(); n > 5 {
				t.Errorf("%d requests after the cancel", n)
			}
		})
	}
}

// fixedDoer answers every request with the same status and body.
type fixedDoer struct {
	status int
	ctype  string
	body   []byte
}

func (d fixedDoer) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	h := http.Header{}
	if d.ctype != "" {
		h.Set("Content-Type", d.ctype)
	}
	return &http.Response{StatusCode: d.status, Header: h, Body: io.NopCloser(bytes.NewReader(d.body)), Request: r}, nil
}

func fixedClient(t testing.TB, d *odata.Dialect, doer fixedDoer) *odata.Client {
	t.Helper()
	root := "https://graph.microsoft.com/v1.0"
	if d == odata.OutlookV2 {
		root = "https://mail.contoso.com/api/v2.0"
	}
	c, err := odata.NewClient(root, d, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), odata.WithDoer(doer))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBatchBadAnswers(t *testing.T) {
	for _, tt := range []struct {
		name, ctype, body string
		want              string // in every item's error; "" for success
	}{
		{"not JSON", "application/json", `<html>`, "decoding the $batch answer"},
		{"HTML content type", "text/html", `{"responses":[]}`, "not JSON"},
		{"missing response", "application/json", `{"responses":[{"id":"1","status":200,"body":{}}]}`, "no response for it"},
		{"bad status", "application/json", `{"responses":[{"id":"1","status":0},{"id":"2","status":0}]}`, "status 0"},
		{"status is a string", "application/json", `{"responses":[{"id":"1","status":"200"}]}`, "decoding the $batch answer"},
		{"bad v2 body", "application/json", `{"responses":[{"id":"1","status":200,"body":{}},{"id":"2","status":200,"headers":{"content-type":"application/json"},"body":"{"}]}`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := fixedClient(t, odata.Graph, fixedDoer{200, tt.ctype, []byte(tt.body)})
			b := c.NewBatch()
			b.Add(get("a"))
			b.Add(get("b"))
			res, err := b.Send(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			switch tt.name {
			case "missing response":
				if res[0].Err != nil || res[1].Err == nil || !strings.Contains(res[1].Err.Error(), tt.want) {
					t.Errorf("results %v, %v", res[0].Err, res[1].Err)
				}
			case "bad v2 body":
				// A JSON string body with a JSON content type is a malformed
				// entity: BatchValue says so instead of panicking.
				if _, err := odata.BatchValue[message](res[1]); err == nil {
					t.Errorf("BatchValue of a string body: no error")
				}
			default:
				for i, r := range res {
					if r.Err == nil || !strings.Contains(r.Err.Error(), tt.want) {
						t.Errorf("result %d: %v, want an error with %q", i, r.Err, tt.want)
					}
				}
			}
		})
	}
}

func TestBatchValueNotJSON(t *testing.T) {
	c := fixedClient(t, odata.Graph, fixedDoer{200, "application/json",
		[]byte(`{"responses":[{"id":"1","status":200,"headers":{"Content-Type":"text/plain"},"body":"From: a@b"}]}`)})
	b := c.NewBatch()
	b.Add(&odata.Request{Method: "GET", Path: odata.PathOf("messages/{}/$value", "a")})
	res, err := b.Send(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odata.BatchValue[message](res[0]); err == nil || !strings.Contains(err.Error(), "text/plain") {
		t.Errorf("BatchValue of text = %v, want a not-JSON error", err)
	}
}

// FuzzBatchAnswer feeds arbitrary $batch answers to Send in both dialects:
// no panic, one result per request, and every success decodes or errs.
func FuzzBatchAnswer(f *testing.F) {
	for _, s := range []string{
		`{"responses":[{"id":"1","status":200,"headers":{"Content-Type":"application/json"},"body":{"Id":"a","Subject":"x"}},{"id":"2","status":404,"body":{"error":{"code":"ErrorItemNotFound","message":"m"}}}]}`,
		`{"responses":[{"id":"2","status":424,"body":{"error":{"code":"FailedDependency"}}},{"id":"1","status":204}]}`,
		`{"responses":[{"id":"1","status":200,"headers":{"Content-Type":"text/plain"},"body":"aGk="}]}`,
		`{"responses":[{"id":"1","status":200,"body":{"Importance":"High","Body":{"ContentType":"HTML"}}},{"id":"1","status":500}]}`,
		`{"responses":[{"id":"1","status":429,"headers":{"Retry-After":"7"},"body":{"error":{"code":"ApplicationThrottled"}}},{"id":"2","status":424},{"id":"3","status":201,"body":{}}]}`,
		`{"responses":null}`, `[]`, `{"responses":[{"id":"1","status":200,"body":[1,{"@odata.type":"#Microsoft.OutlookServices.FileAttachment"}]}]}`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, v2 bool) {
		// In a bubble: throttled items wait for their Retry-After.
		synctest.Test(t, func(t *testing.T) { fuzzBatchAnswer(t, body, v2) })
	})
}

func fuzzBatchAnswer(t *testing.T, body []byte, v2 bool) {
	d := odata.Graph
	if v2 {
		d = odata.OutlookV2
	}
	c := fixedClient(t, d, fixedDoer{200, "application/json", body})
	b := c.NewBatch()
	b.Add(get("a"))
	b.Add(get("b"), 0)
	b.Add(&odata.Request{Method: "POST", Path: odata.PathOf("messages"), Body: &message{Subject: "s"}})
	res, err := b.Send(t.Context())
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(res) != 3 {
		t.Fatalf("%d results", len(res))
	}
	for i, r := range res {
		if r.Err == nil && (r.Status < 200 || r.Status > 299) {
			t.Fatalf("result %d: status %d without an error", i, r.Status)
		}
		if r.Err != nil && r.Status >= 200 && r.Status <= 299 {
			if _, ok := errors.AsType[*odata.Error](r.Err); ok {
				t.Fatalf("result %d: status %d with an *Error %v", i, r.Status, r.Err)
			}
		}
		odata.BatchValue[message](r)
	}
}

// outlooktestMailbox binds a mailbox of a fresh outlooktest server.
func outlooktestMailbox(t *testing.T, onPrem bool) (*outlooktest.Server, *outlooktest.Mailbox, *odata.Client) {
	t.Helper()
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	t.Cleanup(srv.Close)
	addr, loc := "alice@contoso.com", outlooktest.Cloud
	if onPrem {
		addr, loc = "bob@contoso.com", outlooktest.OnPremises("mail.contoso.com")
	}
	box := srv.AddMailbox(addr, loc)
	c, err := fakeMailbox(srv, addr, onPrem)
	if err != nil {
		t.Fatal(err)
	}
	return srv, box, c
}

func TestBatchOutlooktest(t *testing.T) {
	for _, onPrem := range []bool{false, true} {
		t.Run(map[bool]string{false: "cloud", true: "onprem"}[onPrem], func(t *testing.T) {
			t.Parallel()
			srv, box, c := outlooktestMailbox(t, onPrem)
			if c.Dialect().IsOutlookV2() != onPrem {
				t.Fatalf("dialect %v", c.Dialect())
			}
			var ids []string
			for i := range 25 {
				ids = append(ids, box.Add("messages", outlooktest.Object{"subject": fmt.Sprint("m", i), "parentFolderId": "inbox", "importance": "high"}))
			}
			ctx := t.Context()

			// 25 GETs and one of a missing message: two calls, results in order.
			b := c.NewBatch()
			for _, id := range ids {
				b.Add(&odata.Request{Method: "GET", Path: odata.PathOf("messages/{}", id), Query: &odata.Query{Select: odata.Fields(subject, imp)}})
			}
			missing := b.Add(get("AAMkAGIwTWlzc2luZwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
			srv.ResetRequests()
			res, err := b.Send(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, id := range ids {
				m, err := odata.BatchValue[message](res[i])
				if err != nil || m.ID != id || m.Subject != fmt.Sprint("m", i) || m.Importance != "high" {
					t.Errorf("result %d = %+v, %v", i, m, err)
				}
			}
			if !errors.Is(res[missing].Err, odata.ErrNotFound) {
				t.Errorf("missing message: %v", res[missing].Err)
			}
			if n := batchCalls(srv); n != 2 {
				t.Errorf("%d $batch calls, want 2", n)
			}

			// Writes with a chain: create, then update the draft just made
			// is impossible without its id, so: create, then move a known
			// message, then read it; and a chain whose head fails.
			b = c.NewBatch()
			created := b.Add(&odata.Request{Method: "POST", Path: odata.PathOf("messages"), Body: &message{Subject: "drafted", Importance: "low"}})
			upd := b.Add(&odata.Request{Method: "PATCH", Path: odata.PathOf("messages/{}", ids[0]), Body: &messageUpdate{IsRead: odata.Set(true), Importance: odata.Set[importance]("low")}})
			read := b.Add(&odata.Request{Method: "GET", Path: odata.PathOf("messages/{}", ids[0])}, upd)
			bad := b.Add(&odata.Request{Method: "PATCH", Path: odata.PathOf("messages/{}", "AAMkAGIwTWlzc2luZwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), Body: &messageUpdate{IsRead: odata.Set(true)}})
			dep := b.Add(get(ids[1]), bad)
			res, err = b.Send(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if m, err := odata.BatchValue[message](res[created]); err != nil || m.Subject != "drafted" || m.Importance != "low" || res[created].Status != 201 {
				t.Errorf("created %+v, %v (%d)", m, err, res[created].Status)
			}
			if m, err := odata.BatchValue[message](res[read]); err != nil || !m.IsRead || m.Importance != "low" {
				t.Errorf("read after update %+v, %v", m, err)
			}
			if !errors.Is(res[bad].Err, odata.ErrNotFound) || !errors.Is(res[dep].Err, odata.ErrFailedDependency) {
				t.Errorf("failed chain: %v; %v", res[bad].Err, res[dep].Err)
			}
			if got, ok := box.Get("messages", ids[0]); !ok || got["isRead"] != true {
				t.Errorf("server side after the batch: %v", got)
			}

			// The server loses $batch: the fallback serves the same batch.
			batchPath := "/$batch"
			if onPrem {
				batchPath = "/users/*/$batch"
			}
			srv.Inject(outlooktest.Fault{Method: "POST", Path: batchPath, Status: 404})
			srv.ResetRequests()
			b = c.NewBatch()
			for _, id := range ids[:10] {
				b.Add(get(id))
			}
			b.Add(get("AAMkAGIwTWlzc2luZwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
			b.Add(get(ids[2]), 10)
			res, err = b.Send(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 10 {
				if m, err := odata.BatchValue[message](res[i]); err != nil || m.ID != ids[i] {
					t.Errorf("fallback result %d = %+v, %v", i, m, err)
				}
			}
			if !errors.Is(res[10].Err, odata.ErrNotFound) || !errors.Is(res[11].Err, odata.ErrFailedDependency) {
				t.Errorf("fallback failures: %v; %v", res[10].Err, res[11].Err)
			}
			if n, all := batchCalls(srv), len(srv.Requests()); n != 1 || all != 12 {
				t.Errorf("fallback: %d $batch calls and %d requests, want 1 and 12", n, all)
			}
		})
	}
}

func batchCalls(srv *outlooktest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "$batch") {
			n++
		}
	}
	return n
}

// BenchmarkBatchSend measures the client's side of one $batch call of 20
// GETs (encoding the parts, decoding and translating the answers), against
// a doer that answers at once.
func BenchmarkBatchSend(b *testing.B) {
	for _, d := range []*odata.Dialect{odata.Graph, odata.OutlookV2} {
		b.Run(d.String(), func(b *testing.B) {
			var parts []string
			for i := range odata.MaxBatchCall {
				body := fmt.Sprintf(`{"id":"m%d","subject":"Quarterly numbers %d","isRead":false,"importance":"high","body":{"contentType":"html","content":"<p>x</p>"}}`, i, i)
				if d == odata.OutlookV2 {
					v2, err := odata.ToV2ForTest([]byte(body), odata.FixtureSchema)
					if err != nil {
						b.Fatal(err)
					}
					body = string(v2)
				}
				parts = append(parts, fmt.Sprintf(`{"id":"%d","status":200,"headers":{"Content-Type":"application/json"},"body":%s}`, i+1, body))
			}
			c := fixedClient(b, d, fixedDoer{200, "application/json", []byte(`{"responses":[` + strings.Join(parts, ",") + `]}`)})
			batch := c.NewBatch()
			for i := range odata.MaxBatchCall {
				batch.Add(get(fmt.Sprint("m", i)))
			}
			b.ReportAllocs()
			for b.Loop() {
				res, err := batch.Send(b.Context())
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range res {
					if _, err := odata.BatchValue[message](r); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// doerFunc is a Doer in memory, for tests in a synctest bubble.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// scriptedBatch answers $batch calls in memory: answer gives each part's
// status and Retry-After (seconds, 0 for none) given how many times its URL
// was asked for (from 1).
func scriptedBatch(t *testing.T, calls *int, answer func(n int, p part) (int, int)) odata.Doer {
	seen := map[string]int{}
	return doerFunc(func(r *http.Request) (*http.Response, error) {
		*calls++
		var doc struct{ Requests []part }
		if err := json.NewDecoder(r.Body).Decode(&doc); err != nil {
			t.Errorf("batch body: %v", err)
		}
		failed := map[string]bool{}
		var out []string
		for _, p := range doc.Requests {
			seen[p.URL]++
			status, ra := answer(seen[p.URL], p)
			for _, d := range p.DependsOn {
				if failed[d] {
					status, ra = 424, 0
				}
			}
			if status >= 300 {
				failed[p.ID] = true
			}
			h := `{"Content-Type":"application/json"}`
			if ra > 0 {
				h = fmt.Sprintf(`{"Content-Type":"application/json","Retry-After":"%d"}`, ra)
			}
			body := `{"id":"` + idOf(p.URL) + `"}`
			if status >= 300 {
				body = `{"error":{"code":"ApplicationThrottled","message":"over the limit"}}`
			}
			out = append(out, fmt.Sprintf(`{"id":%q,"status":%d,"headers":%s,"body":%s}`, p.ID, status, h, body))
		}
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"responses":[` + strings.Join(out, ",") + `]}`)), Request: r}, nil
	})
}

// TestBatchThrottledItemsAreSentAgain: items a $batch answer throttles are
// sent again by the client's retry policy (the transport's), not by rounds
// and caps of the batch's own.
func TestBatchThrottledItemsAreSentAgain(t *testing.T) {
	fixed := transport.RetryPolicy{MinBackoff: time.Second, MaxBackoff: time.Second} // backoff: exactly 1s
	for _, tt := range []struct {
		name      string
		policy    transport.RetryPolicy
		deadline  time.Duration                                   // 0: none
		throttle  func(n int, id string) (status, retryAfter int) // n: the nth time id is asked for
		wantCalls int
		wantWait  time.Duration
		wantOK    bool
	}{
		// Calls: [a z] all parallel, then the chain [t after-t], then again
		// what was throttled.
		{"retry-after honoured", fixed, 0, func(n int, id string) (int, int) {
			if n == 1 && id == "t" {
				return 429, 5
			}
			return 200, 0
		}, 3, 5 * time.Second, true},
		{"backoff without retry-after", fixed, 0, func(n int, id string) (int, int) {
			if n <= 2 && id == "t" {
				return 429, 0
			}
			return 200, 0
		}, 4, 2 * time.Second, true},
		{"gives up when the policy's attempts are spent", fixed, 0, func(n int, id string) (int, int) {
			if id == "t" {
				return 429, 1
			}
			return 200, 0
		}, 5, 3 * time.Second, false},
		{"WithRetry MaxAttempts 2: one more round", transport.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Second, MaxBackoff: time.Second}, 0, func(n int, id string) (int, int) {
			if id == "t" {
				return 429, 1
			}
			return 200, 0
		}, 3, time.Second, false},
		{"WithRetry MaxAttempts 1: no round", transport.RetryPolicy{MaxAttempts: 1}, 0, func(n int, id string) (int, int) {
			if id == "t" {
				return 429, 1
			}
			return 200, 0
		}, 2, 0, false},
		{"too long a wait is returned", fixed, 0, func(n int, id string) (int, int) {
			if id == "t" {
				return 429, 3600
			}
			return 200, 0
		}, 2, 0, false},
		{"WithRetry MaxRetryAfter below the delay", transport.RetryPolicy{MaxRetryAfter: 10 * time.Second}, 0, func(n int, id string) (int, int) {
			if id == "t" {
				return 429, 30
			}
			return 200, 0
		}, 2, 0, false},
		{"a delay beyond the deadline is returned at once", fixed, 3 * time.Second, func(n int, id string) (int, int) {
			if id == "t" {
				return 429, 5
			}
			return 200, 0
		}, 2, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				calls := 0
				script := scriptedBatch(t, &calls, func(n int, p part) (int, int) { return tt.throttle(n, idOf(p.URL)) })
				tr, err := transport.New(transport.Config{HTTPClient: &http.Client{Transport: roundTripper{script}}, Retry: tt.policy})
				if err != nil {
					t.Fatal(err)
				}
				c, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}),
					odata.WithDoer(tr))
				if err != nil {
					t.Fatal(err)
				}
				ctx := t.Context()
				if tt.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.deadline)
					defer cancel()
				}
				b := c.NewBatch()
				b.Add(get("a"))
				b.Add(get("t"))
				b.Add(get("after-t"), 1) // a chain t -> after-t: 424 while t is throttled
				b.Add(get("z"))
				start := time.Now()
				res, err := b.Send(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if calls != tt.wantCalls || time.Since(start) != tt.wantWait {
					t.Errorf("%d calls over %v, want %d over %v", calls, time.Since(start), tt.wantCalls, tt.wantWait)
				}
				if res[0].Err != nil || res[3].Err != nil {
					t.Errorf("unthrottled items: %v, %v", res[0].Err, res[3].Err)
				}
				if tt.wantOK {
					for _, i := range []int{1, 2} {
						if m, err := odata.BatchValue[message](res[i]); err != nil || m.ID != []string{"", "t", "after-t"}[i] {
							t.Errorf("result %d = %+v, %v", i, m, err)
						}
					}
					return
				}
				if !errors.Is(res[1].Err, odata.ErrThrottled) || !errors.Is(res[2].Err, odata.ErrFailedDependency) {
					t.Errorf("results 1, 2 = %v; %v; want ErrThrottled and ErrFailedDependency", res[1].Err, res[2].Err)
				}
				if e, ok := errors.AsType[*odata.Error](res[1].Err); !ok || e.RetryAfter == 0 || !strings.Contains(e.Error(), "(retry after "+e.RetryAfter.String()+")") {
					t.Errorf("throttled item error %v lacks its Retry-After", res[1].Err)
				}
				t.Logf("%s: %d $batch calls in %v", tt.name, calls, time.Since(start))
			})
		})
	}
}

// roundTripper serves a Doer as an http.RoundTripper, so the SDK's
// transport can carry it.
type roundTripper struct{ odata.Doer }

func (d roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return d.Do(r) }
