package ews

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// A hostile or broken EWS server, through the SDK's real transport: its
// answers fail with the errors they fail with from Graph and REST v2.0
// (odata.ErrResponseTooLarge, odata.ErrPagingLoop), within memory bounded
// by the bytes received, and never end a listing as if it were complete.

const hostileMaxBytes = 1 << 20

// findItemAnswer is a FindItem answer whose RootFolder has attrs and whose
// Items hold items.
func findItemAnswer(attrs, items string) string {
	return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
		`<m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">` +
		`<m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>` +
		`<m:RootFolder ` + attrs + `><t:Items>` + items + `</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>`
}

func hostileItem(n int) string {
	return fmt.Sprintf(`<t:Message><t:ItemId Id="%s" ChangeKey="CQAAAA=="/><t:Subject>m%d</t:Subject></t:Message>`, ewsIDOf("item", n), n)
}

// hostileMail is a mail service served through EWS by handler, on the
// SDK's transport with a response limit of hostileMaxBytes and no retries.
func hostileMail(t *testing.T, handler http.HandlerFunc) (*mail.Service, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		handler(w, r)
		io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(srv.Close)
	tr, err := transport.New(transport.Config{HTTPClient: srv.Client(), MaxResponseBytes: hostileMaxBytes, Retry: transport.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return mail.NewService(odataClient(t, Config{URL: srv.URL + "/EWS/Exchange.asmx", Doer: tr, Schemas: []*odata.Schema{messageSchema, mailFolderSchema}})), &n
}

func firstError(svc *mail.Service, t *testing.T, q *odata.Query) (n int, err error) {
	for _, err := range svc.ListMessages(t.Context(), mail.Inbox, q) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func TestHostileAnswers(t *testing.T) {
	// The answer around its items, for answers streamed in between.
	head, tail, _ := strings.Cut(findItemAnswer(`IncludesLastItemInRange="true"`, "\x00"), "\x00")
	q := &odata.Query{Select: odata.Fields(mail.Subject), Top: 10}
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    error
	}{
		{"huge subject", testutil.Streamed("", head+`<t:Message><t:ItemId Id="AAAA"/><t:Subject>`, "abcdefgh", `</t:Subject></t:Message>`+tail, 4<<20), odata.ErrResponseTooLarge},
		{"endless answer", testutil.Streamed("", head, "        ", tail, 1<<30), odata.ErrResponseTooLarge},
		{"endless items", testutil.Streamed("", head, hostileItem(1), tail, 1<<30), odata.ErrResponseTooLarge},
		{"more items than asked", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, findItemAnswer(`IncludesLastItemInRange="true"`, strings.Repeat(hostileItem(1), 500)))
		}, errXML},
		{"cut short", func(w http.ResponseWriter, r *http.Request) {
			a := findItemAnswer(`IncludesLastItemInRange="true"`, hostileItem(1)+hostileItem(2))
			io.WriteString(w, a[:len(a)*2/3])
		}, errXML},
		{"not XML", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "<html><body>Service Unavailable</body></html>")
		}, errXML},
		{"nested too deep", testutil.Streamed("", head+`<t:Message>`, `<t:X>`, ``, 64<<10), errXML},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, _ := hostileMail(t, tc.handler)
			var n int
			var err error
			peak := testutil.PeakHeap(func() { n, err = firstError(svc, t, q) })
			if !errors.Is(err, tc.want) {
				t.Fatalf("after %d messages: %v, want %v", n, err, tc.want)
			}
			if peak > 8*hostileMaxBytes {
				t.Errorf("the heap grew by %d bytes for a limit of %d", peak, hostileMaxBytes)
			}
		})
	}
}

// A listing whose server says there is more but whose pages do not move
// on ends with odata.ErrPagingLoop, never as if it were complete.
func TestHostilePaging(t *testing.T) {
	for _, tc := range []struct {
		name     string
		page     func(offset int) (attrs, items string)
		maxCalls int32
	}{
		{"more, but no item and no offset", func(int) (string, string) { return `IncludesLastItemInRange="false"`, "" }, 1},
		{"more, but the offset does not move", func(o int) (string, string) {
			return fmt.Sprintf(`IndexedPagingOffset="%d" IncludesLastItemInRange="false"`, o), ""
		}, 1},
		{"endless distinct empty pages", func(o int) (string, string) {
			return fmt.Sprintf(`IndexedPagingOffset="%d" IncludesLastItemInRange="false"`, o+10), ""
		}, odata.MaxEmptyPages + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, calls := hostileMail(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				o := 0
				if i := strings.Index(string(body), ` Offset="`); i >= 0 {
					rest := string(body[i+9:])
					o, _ = strconv.Atoi(rest[:strings.IndexByte(rest, '"')])
				}
				attrs, items := tc.page(o)
				io.WriteString(w, findItemAnswer(attrs, items))
			})
			_, err := firstError(svc, t, &odata.Query{Select: odata.Fields(mail.Subject)})
			if !errors.Is(err, odata.ErrPagingLoop) {
				t.Errorf("err = %v, want ErrPagingLoop", err)
			}
			if n := calls.Load(); n > tc.maxCalls {
				t.Errorf("%d requests, want at most %d", n, tc.maxCalls)
			}
		})
	}
}
