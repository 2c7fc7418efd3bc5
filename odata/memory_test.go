package odata_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/odata"
)

// heavyMessage weighs what a model decoded from "{}" weighs in the worst
// case (mail.Message is about 1.5 KiB): the cost of a page of empty objects.
type heavyMessage struct {
	message
	Pad [1536]byte `json:"-"`
}

func (heavyMessage) WireSchema() *odata.Schema { return odata.FixtureSchema }

// Responses the SDK refuses cost at most a small multiple of the limit they
// exceed, whatever their shape, through the SDK's real transport: memory is
// bounded by the bytes received, not by what they would decode into.
func TestHostileResponsesCostBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams tens of MiB")
	}
	const maxBytes = 8 << 20
	cases := []struct {
		name    string
		handler http.HandlerFunc
		what    string
		bound   uint64 // peak heap growth allowed
	}{
		// 4 MiB of "{}" would be 1.4 million messages: 2 GiB decoded.
		{"many tiny elements", testutil.Streamed("application/json", `{"value":[{}`, `,{}`, `]}`, 4<<20), "items in a page", 16 << 20},
		// ... or as many recipients of one message.
		{"many tiny nested elements", testutil.Streamed("application/json", `{"value":[{"toRecipients":[{}`, `,{}`, `]}]}`, 4<<20), "array elements", 32 << 20},
		{"deep nesting", testutil.Streamed("application/json", `{"value":[{"extensions":[`, `[`, ``, 4<<20), "nesting depth", 4 << 20},
		{"huge string", testutil.Streamed("application/json", `{"value":[{"subject":"`, `abcdefgh`, `"}]}`, 64<<20), "bytes", 4 * maxBytes},
		{"endless stream", testutil.Streamed("application/json", `{"value":[{"subject":"x"}`, `        `, `]}`, 1<<30), "bytes", 4 * maxBytes},
		{"endless elements", testutil.Streamed("application/json", `{"value":[{"categories":["x"`, `,"x"`, `]}]}`, 1<<30), "array elements", 4 * maxBytes},
	}
	for _, v2 := range []bool{false, true} {
		for _, tc := range cases {
			name := tc.name + "/graph"
			if v2 {
				name = tc.name + "/v2"
			}
			t.Run(name, func(t *testing.T) {
				c := hostileClient(t, v2, tc.handler)
				odata.SetLimitsForTest(c, maxBytes, 0, 0, 0)
				var err error
				peak := testutil.PeakHeap(func() {
					_, err = odata.ListPage[heavyMessage](t.Context(), c, odata.PathOf("messages"), nil)
				})
				var le *odata.LimitError
				if !errors.As(err, &le) || le.What != tc.what || !errors.Is(err, odata.ErrResponseTooLarge) {
					t.Fatalf("err = %v, want a LimitError on %s", err, tc.what)
				}
				t.Logf("refused (%v), peak heap growth %.1f MiB", err, float64(peak)/(1<<20))
				if peak > tc.bound {
					t.Errorf("peak heap growth %d bytes, more than %d", peak, tc.bound)
				}
			})
		}
	}
}

// A body declared larger than the limit is refused before any of it is
// read.
func TestDeclaredTooLargeIsRefusedUnread(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		var wrote atomic.Int64
		c := hostileClient(t, v2, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", fmt.Sprint(64<<20))
			w.WriteHeader(200)
			for range 64 {
				n, err := w.Write(make([]byte, 1<<20))
				wrote.Add(int64(n))
				if err != nil {
					return
				}
			}
		})
		odata.SetLimitsForTest(c, 1<<20, 0, 0, 0)
		_, err := odata.ListPage[message](t.Context(), c, odata.PathOf("messages"), nil)
		var le *odata.LimitError
		if !errors.As(err, &le) || le.What != "bytes" || le.Declared != 64<<20 || wrote.Load() >= 64<<20 {
			t.Fatalf("err = %v, want a LimitError on the declared length", err)
		}
	})
}

// A valid 1000-message page fits the limits with room to spare, and its
// decoding holds no more than about the page itself.
func TestLargeValidPageIsNotRefused(t *testing.T) {
	graph, v2 := messagePage(1000)
	for _, tc := range []struct {
		v2   bool
		body []byte
	}{{false, graph}, {true, v2}} {
		c := hostileClient(t, tc.v2, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(tc.body)
		})
		pg, err := odata.ListPage[message](t.Context(), c, odata.PathOf("messages"), &odata.Query{Top: 1000})
		if err != nil || len(pg.Value) != 1000 || pg.Value[999].Importance != "normal" {
			t.Fatalf("v2=%v: %d messages, %v", tc.v2, len(pg.Value), err)
		}
	}
}

// hostileClient returns a client on the SDK's transport, speaking to a
// server answering with h.
func hostileClient(t *testing.T, v2 bool, h http.HandlerFunc) *odata.Client {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	tr, err := transport.New(transport.Config{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	d, root := odata.Graph, srv.URL+"/v1.0"
	if v2 {
		d, root = odata.OutlookV2, srv.URL+"/api/v2.0"
	}
	c, err := odata.NewClient(root, d, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), odata.WithDoer(tr))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
