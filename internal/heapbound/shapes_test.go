//go:build !race

package heapbound

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// limit is the response size limit the suite runs with: what a refused
// response may cost is a multiple of it, so the suite runs with 16 MiB
// rather than the SDK's default (transport.DefaultMaxResponseBytes,
// 256 MiB), which would make the same proof cost 16 times the memory.
const limit = 16 << 20

// bound is the peak heap growth a refused response may cause: 4 times the
// limit. A decoder that never holds more than the bytes it was allowed to
// receive, one translated copy of them (Outlook REST v2.0) and what those
// bytes decode into needs about 3 times the limit; the fourth leaves room
// for the garbage the collector has not reclaimed yet (GOGC=100).
const bound = 4 * limit

// shape is a hostile answer to a listing, written as it is sent so that
// the server costs no memory.
type shape struct {
	name string
	// prefix, unit (repeated until total bytes) and suffix make the body;
	// declared sends its length in Content-Length.
	prefix, unit, suffix string
	total                int64
	declared             bool
}

var shapes = []shape{
	// 4 MiB of "{}" is 1.4 million messages: 2 GiB decoded.
	{name: "many tiny elements", prefix: `{"value":[{}`, unit: `,{}`, suffix: `]}`, total: 4 << 20},
	// ... or as many recipients of one message.
	{name: "many tiny nested elements", prefix: `{"value":[{"toRecipients":[{}`, unit: `,{}`, suffix: `]}]}`, total: 4 << 20},
	// Under a property no model has, which a decoder may keep as raw JSON.
	{name: "deep nesting", prefix: `{"value":[{"unknownProperty":`, unit: `[`, total: 4 << 20},
	{name: "huge string", prefix: `{"value":[{"subject":"`, unit: `abcdefgh`, suffix: `"}]}`, total: 64 << 20},
	{name: "endless stream", prefix: `{"value":[{"subject":"x"}`, unit: `        `, suffix: `]}`, total: 1 << 40},
	// Messages as a server sends them, 2 GB of them, without a length and
	// with one.
	{name: "2 GB body", prefix: `{"value":[`, unit: message, suffix: `{}]}`, total: 2 << 30},
	{name: "2 GB body declared", prefix: `{"value":[`, unit: message, suffix: `{}]}`, total: 2 << 30, declared: true},
}

// message is one realistic message of a page, trailing comma included.
var message = `{"id":"AAMkAGI2TG93AAA=","subject":"Quarterly numbers","bodyPreview":"` + strings.Repeat("Hello there. ", 40) +
	`","importance":"normal","isRead":false,"receivedDateTime":"2026-03-02T09:00:00Z",` +
	`"from":{"emailAddress":{"name":"Ana Ruiz","address":"ana@example.org"}},` +
	`"toRecipients":[{"emailAddress":{"name":"Bob","address":"bob@contoso.com"}}]},`

// TestHostileShapes serves each shape to a listing in both dialects: the
// SDK must refuse the answer (odata.ErrResponseTooLarge) and the heap must
// not grow by more than bound meanwhile.
func TestHostileShapes(t *testing.T) {
	for _, sh := range shapes {
		for _, v2 := range []bool{false, true} {
			name := sh.name + "/graph"
			if v2 {
				name = sh.name + "/v2"
			}
			t.Run(name, func(t *testing.T) {
				svc, sent := hostile(t, v2, sh)
				var err error
				peak := testutil.PeakHeap(func() {
					for _, e := range svc.ListMessages(t.Context(), mail.Inbox, nil) {
						if e != nil {
							err = e
							break
						}
					}
				})
				t.Logf("peak heap growth %.1f MiB (bound %d MiB) after %.1f MiB sent: %v", mib(peak), bound>>20, mib(uint64(sent.Load())), err)
				if !errors.Is(err, odata.ErrResponseTooLarge) {
					t.Errorf("err = %v, want the answer refused with odata.ErrResponseTooLarge", err)
				}
				if peak > bound {
					t.Errorf("peak heap growth %.1f MiB, more than %d MiB: the cost follows the shape, not the bytes received", mib(peak), bound>>20)
				}
			})
		}
	}
}

// TestValidPagesHoldOnePage is the control: a listing of many valid pages
// of 1000 messages holds about one page at a time, not the listing.
func TestValidPagesHoldOnePage(t *testing.T) {
	const pages, perPage = 40, 1000
	for _, v2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "graph", true: "v2"}[v2], func(t *testing.T) {
			body := func(n int, next string) string {
				var b strings.Builder
				b.WriteString(`{"value":[`)
				for i := range perPage {
					if i > 0 {
						b.WriteByte(',')
					}
					m := strings.TrimSuffix(message, ",")
					m = strings.Replace(m, `"AAMkAGI2TG93AAA="`, fmt.Sprintf(`"m%d-%d"`, n, i), 1)
					if v2 {
						m = pascal(m)
					}
					b.WriteString(m)
				}
				b.WriteString("]")
				if next != "" {
					fmt.Fprintf(&b, `,"@odata.nextLink":%q`, next)
				}
				b.WriteString("}")
				return b.String()
			}
			var root string
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n, _ := strconv.Atoi(r.URL.Query().Get("page"))
				next := ""
				if n+1 < pages {
					next = fmt.Sprintf("%s/users/x/mailFolders/inbox/messages?page=%d", root, n+1)
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, body(n, next))
			}))
			t.Cleanup(srv.Close)
			root = srv.URL + "/v1.0"
			if v2 {
				root = srv.URL + "/api/v2.0"
			}
			svc := service(t, srv, v2)
			var one *odata.Page[mail.Message]
			pageCost := testutil.PeakHeap(func() {
				var err error
				if one, err = svc.ListMessagesPage(t.Context(), mail.Inbox, nil); err != nil {
					t.Fatal(err)
				}
			})
			runtime.KeepAlive(one)
			n := 0
			listCost := testutil.PeakHeap(func() {
				for _, err := range svc.ListMessages(t.Context(), mail.Inbox, nil) {
					if err != nil {
						t.Fatal(err)
					}
					n++
				}
			})
			t.Logf("one page of %d messages: %.1f MiB; listing %d pages: peak %.1f MiB (%.1fx a page)", perPage, mib(pageCost), pages, mib(listCost), float64(listCost)/float64(pageCost))
			if n != pages*perPage {
				t.Fatalf("listed %d messages, want %d", n, pages*perPage)
			}
			// Two pages (the one yielded and the next being decoded), twice
			// over for the garbage the collector lets the heap hold
			// (GOGC=100), and the next page's read buffers: 6 pages, where
			// holding the listing would be 40.
			if listCost > 6*pageCost {
				t.Errorf("the listing's peak heap is %.1fx one page's: it holds more than a page or two", float64(listCost)/float64(pageCost))
			}
		})
	}
}

// hostile returns a message service whose server answers every request
// with sh, and the count of bytes the server sent.
func hostile(t *testing.T, v2 bool, sh shape) (*mail.Service, *atomic.Int64) {
	t.Helper()
	var sent atomic.Int64
	prefix, unit, suffix := sh.prefix, sh.unit, sh.suffix
	if v2 {
		prefix, unit, suffix = pascal(prefix), pascal(unit), pascal(suffix)
	}
	// Whole units only, so that the body is the JSON it claims to be.
	units := (sh.total - int64(len(prefix)+len(suffix))) / int64(len(unit))
	length := int64(len(prefix)+len(suffix)) + units*int64(len(unit))
	perChunk := max(1, 64<<10/len(unit))
	chunk := strings.Repeat(unit, perChunk)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if sh.declared {
			w.Header().Set("Content-Length", strconv.FormatInt(length, 10))
		}
		io.WriteString(w, prefix)
		for left := units; left > 0; {
			c := chunk
			if left < int64(perChunk) {
				c = chunk[:left*int64(len(unit))]
			}
			n, err := io.WriteString(w, c)
			sent.Add(int64(n))
			if err != nil {
				return // the client went away
			}
			left -= int64(n / len(unit))
		}
		io.WriteString(w, suffix)
	}))
	t.Cleanup(srv.Close)
	return service(t, srv, v2), &sent
}

// service is the mail service of the SDK on its own transport, with the
// suite's response size limit, talking to srv in a dialect.
func service(t *testing.T, srv *httptest.Server, v2 bool) *mail.Service {
	t.Helper()
	tr, err := transport.New(transport.Config{HTTPClient: srv.Client(), MaxResponseBytes: limit,
		Retry: transport.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	d, root := odata.Graph, srv.URL+"/v1.0"
	if v2 {
		d, root = odata.OutlookV2, srv.URL+"/api/v2.0"
	}
	c, err := odata.NewClient(root, d, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "token"}), odata.WithDoer(tr), odata.WithMailbox("x"))
	if err != nil {
		t.Fatal(err)
	}
	return mail.NewService(c)
}

// pascal spells the Graph names of a body as Outlook REST v2.0 does
// (subject -> Subject); values are left alone.
func pascal(s string) string {
	for _, k := range []string{"value", "id", "subject", "bodyPreview", "importance", "isRead", "receivedDateTime", "from",
		"emailAddress", "name", "address", "toRecipients"} {
		to := strings.ToUpper(k[:1]) + k[1:]
		if k == "value" {
			continue // the envelope's "value" keeps its case
		}
		s = strings.ReplaceAll(s, `"`+k+`":`, `"`+to+`":`)
	}
	return s
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
