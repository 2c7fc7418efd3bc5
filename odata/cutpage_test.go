package odata_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/odata"
)

// TestPageCutShortIsReadAgain: a page whose content stops half way while
// its length says it is whole (a proxy that rewrote it, outlooktest's
// ShortBody) is asked for again, in both dialects, as a page whose
// connection drops is: the decoder's "the document ended early" must reach
// the transport as io.ErrUnexpectedEOF, wherever the document is cut.
func TestPageCutShortIsReadAgain(t *testing.T) {
	t.Parallel()
	for _, d := range []*odata.Dialect{odata.Graph, odata.OutlookV2} {
		prefix, name := "/v1.0", "subject"
		if d == odata.OutlookV2 {
			prefix, name = "/api/v2.0", "Subject"
		}
		page := fmt.Sprintf(`{"value":[{"id":"a","%[1]s":"first"},{"id":"b","%[1]s":"a \"quoted\" second"},{"id":"c","%[1]s":"third","IsRead":true}]}`, name)
		for cut := 1; cut < len(page); cut++ {
			var asked atomic.Int32
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := page
				if asked.Add(1) == 1 {
					body = page[:cut]
				}
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				io.WriteString(w, body)
			}))
			tr, err := transport.New(transport.Config{HTTPClient: srv.Client(), Retry: transport.RetryPolicy{MinBackoff: 1, MaxBackoff: 1}})
			if err != nil {
				t.Fatal(err)
			}
			c, err := odata.NewClient(srv.URL+prefix, d, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), odata.WithDoer(tr))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for m, err := range odata.List[message](t.Context(), c, odata.PathOf("messages"), nil) {
				if err != nil {
					t.Errorf("%s, page cut after %d bytes (%q): %v", d, cut, page[:cut], err)
					break
				}
				ids = append(ids, m.ID)
			}
			if got := strings.Join(ids, ","); got != "a,b,c" && !t.Failed() {
				t.Errorf("%s, page cut after %d bytes: listed %q, want a,b,c", d, cut, got)
			}
			srv.Close()
		}
	}
}
