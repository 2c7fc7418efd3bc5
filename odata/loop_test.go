package odata_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/exchangekit/outlook/odata"
)

// A hostile or broken server can hand back paging links that never end:
// a link to the page itself, a cycle between pages, or an endless run of
// distinct empty pages. Each must stop the listing with ErrPagingLoop
// after a bounded number of requests, without yielding an item twice.
func TestListStopsOnPagingLoops(t *testing.T) {
	cases := []struct {
		name string
		// page answers the request for page n (0 is the first request)
		// with its items and the number of the page its nextLink names.
		page        func(n int) (items []string, next int)
		wantItems   int
		maxRequests int32
		wantLoopErr bool
	}{
		{name: "self link", page: func(n int) ([]string, int) { return []string{"a", "b"}, n }, wantItems: 2, maxRequests: 1, wantLoopErr: true},
		{name: "cycle of three", page: func(n int) ([]string, int) {
			return []string{fmt.Sprintf("p%d", n%3)}, (n%3 + 1) % 3
		}, wantItems: 3, maxRequests: 3, wantLoopErr: true},
		{name: "cycle of empty pages", page: func(n int) ([]string, int) { return nil, (n + 1) % 2 }, maxRequests: 2, wantLoopErr: true},
		{name: "endless distinct empty pages", page: func(n int) ([]string, int) { return nil, n + 1 },
			maxRequests: odata.MaxEmptyPages + 1, wantLoopErr: true},
		{name: "empty pages then items is fine", page: func(n int) ([]string, int) {
			if n < 5 {
				return nil, n + 1
			}
			return []string{"x"}, -1
		}, wantItems: 1, maxRequests: 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
				n := 0
				fmt.Sscan(r.URL.Query().Get("page"), &n)
				items, next := tc.page(n)
				body := `{"value":[`
				for i, id := range items {
					if i > 0 {
						body += ","
					}
					body += `{"id":"` + id + `"}`
				}
				body += `]`
				if next >= 0 {
					body += `,"@odata.nextLink":"` + f.srv.URL + f.prefix() + `messages?page=` + fmt.Sprint(next) + `"`
				}
				f.json(w, 200, body+`}`, "")
			})
			seen := map[string]bool{}
			var err error
			// The first request names page 0 as the links do, so that a link
			// back to the first page is the same URL.
			first := &odata.Request{Method: http.MethodGet, Path: odata.PathOf("messages"), Params: url.Values{"page": {"0"}}}
			for m, e := range odata.Items[message](t.Context(), c, first) {
				if e != nil {
					err = e
					break
				}
				if seen[m.ID] {
					t.Fatalf("item %s yielded twice", m.ID)
				}
				seen[m.ID] = true
			}
			if got := errors.Is(err, odata.ErrPagingLoop); got != tc.wantLoopErr {
				t.Fatalf("err = %v, want ErrPagingLoop: %v", err, tc.wantLoopErr)
			}
			if len(seen) != tc.wantItems {
				t.Errorf("yielded %d items, want %d", len(seen), tc.wantItems)
			}
			if got := f.requests.Load(); got > tc.maxRequests {
				t.Errorf("%d requests, want at most %d", got, tc.maxRequests)
			}
		})
	}
}

// Change tracking follows next links, and on v2.0 a first round's delta
// links too: a link that comes back within a round is a loop.
func TestSyncStopsOnLinkCycles(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		f, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			link := f.srv.URL + f.prefix() + "messages"
			if !v2 {
				link += "/delta"
			}
			link += "?$skiptoken=same"
			body := `{"value":[{"id":"a"}],"@odata.nextLink":"` + link + `"}`
			f.json(w, 200, body, body)
		})
		var err error
		n := 0
		for ch, e := range odata.Sync[message](t.Context(), c, odata.PathOf("mailFolders/{}/messages", "inbox"), nil, "") {
			if e != nil {
				err = e
				break
			}
			if ch.Kind == odata.Upserted {
				n++
			}
			if n > 10 {
				t.Fatal("sync follows a link cycle without end")
			}
		}
		if !errors.Is(err, odata.ErrPagingLoop) {
			t.Fatalf("err = %v, want ErrPagingLoop", err)
		}
		if got := f.requests.Load(); got > 3 {
			t.Errorf("%d requests, want at most 3", got)
		}
	})
}
