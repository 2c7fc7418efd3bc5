package odata_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/odata"
)

// pager serves a collection in pages of 50, the next link carrying the page
// number, and cuts the connection in the middle of the pages listed in
// breaks the first time each is asked for, as a dropped connection does.
type pager struct {
	pages  int
	breaks map[int]bool
	delta  bool // end with a deltaLink, as change tracking does
	srv    *httptest.Server
	mu     sync.Mutex
	asked  map[int]int
}

func (p *pager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if n == 0 {
		n = 1
	}
	p.mu.Lock()
	p.asked[n]++
	first := p.asked[n] == 1
	p.mu.Unlock()
	var b strings.Builder
	b.WriteString(`{"value":[`)
	for i := range 50 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"m%d-%02d","subject":"%s"}`, n, i, strings.Repeat("x", 200))
	}
	b.WriteString(`]`)
	switch {
	case n < p.pages:
		fmt.Fprintf(&b, `,"@odata.nextLink":"%s/v1.0/me/messages/delta?page=%d"`, p.srv.URL, n+1)
	case p.delta:
		fmt.Fprintf(&b, `,"@odata.deltaLink":"%s/v1.0/me/messages/delta?state=done"`, p.srv.URL)
	}
	b.WriteString(`}`)
	body := b.String()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if !first || !p.breaks[n] {
		io.WriteString(w, body)
		return
	}
	io.WriteString(w, body[:len(body)/2])
	w.(http.Flusher).Flush()
	conn, _, _ := w.(http.Hijacker).Hijack()
	conn.Close()
}

func newPager(t *testing.T, pages int, breaks ...int) (*pager, *odata.Client) {
	t.Helper()
	p := &pager{pages: pages, breaks: map[int]bool{}, asked: map[int]int{}}
	for _, b := range breaks {
		p.breaks[b] = true
	}
	p.srv = httptest.NewTLSServer(p)
	t.Cleanup(p.srv.Close)
	tr, err := transport.New(transport.Config{HTTPClient: p.srv.Client(), Retry: transport.RetryPolicy{MinBackoff: 1, MaxBackoff: 1}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := odata.NewClient(p.srv.URL+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), odata.WithDoer(tr))
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

func wantIDs(pages int) []string {
	var ids []string
	for n := 1; n <= pages; n++ {
		for i := range 50 {
			ids = append(ids, fmt.Sprintf("m%d-%02d", n, i))
		}
	}
	return ids
}

// TestListGoesOnAfterDroppedPage: a page whose connection drops mid-body is
// asked for again, and the listing goes on from it: every item once, in
// order, no page but the broken ones asked twice.
func TestListGoesOnAfterDroppedPage(t *testing.T) {
	t.Parallel()
	p, c := newPager(t, 4, 1, 3)
	var ids []string
	for m, err := range odata.List[message](t.Context(), c, odata.PathOf("messages/delta"), nil) {
		if err != nil {
			t.Fatalf("after %d items: %v", len(ids), err)
		}
		ids = append(ids, m.ID)
	}
	if got, want := strings.Join(ids, ","), strings.Join(wantIDs(4), ","); got != want {
		t.Errorf("listed %d items, want each of %d once in order", len(ids), len(wantIDs(4)))
	}
	if got := fmt.Sprint(p.asked); got != "map[1:2 2:1 3:2 4:1]" {
		t.Errorf("pages asked for: %s, want map[1:2 2:1 3:2 4:1]", got)
	}
}

// TestSyncGoesOnAfterDroppedPage: the same for change tracking: the round
// goes on from the broken page, every change once.
func TestSyncGoesOnAfterDroppedPage(t *testing.T) {
	t.Parallel()
	p, c := newPager(t, 3, 2)
	p.delta = true
	var ids []string
	done := false
	for ch, err := range odata.Sync[message](t.Context(), c, odata.PathOf("messages"), nil, "") {
		if err != nil {
			t.Fatalf("after %d changes: %v", len(ids), err)
		}
		switch ch.Kind {
		case odata.Upserted:
			ids = append(ids, ch.ID)
		case odata.Checkpoint:
			done = ch.Done
		}
	}
	if got, want := strings.Join(ids, ","), strings.Join(wantIDs(3), ","); got != want || !done {
		t.Errorf("synced %d changes (done %v), want each of %d once in order", len(ids), done, len(wantIDs(3)))
	}
	if got := fmt.Sprint(p.asked); got != "map[1:1 2:2 3:1]" {
		t.Errorf("pages asked for: %s, want map[1:1 2:2 3:1]", got)
	}
}

// TestGetAfterDroppedBody: a page or an entity whose body drops is fetched
// again and decoded whole.
func TestGetAfterDroppedBody(t *testing.T) {
	t.Parallel()
	p, c := newPager(t, 1, 1)
	pg, err := odata.ListPage[message](t.Context(), c, odata.PathOf("messages/delta"), nil)
	if err != nil || len(pg.Value) != 50 {
		t.Fatalf("ListPage = %v, %v", pg, err)
	}
	p.mu.Lock()
	p.asked = map[int]int{}
	p.mu.Unlock()
	v, err := odata.Get[struct {
		Value []message `json:"value"`
	}](t.Context(), c, odata.PathOf("messages/delta"), nil)
	if err != nil || len(v.Value) != 50 {
		t.Fatalf("Get = %v, %v", v, err)
	}
	if p.asked[1] != 2 {
		t.Errorf("entity asked for %d times, want 2", p.asked[1])
	}
}
