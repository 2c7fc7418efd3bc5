// Package servicetest is the one test harness of the service packages
// (mail, calendar, contacts): the fake tenant a test runs against in each
// location a mailbox can live in and be served from (Env, Location,
// Locations.Each: Exchange Online through Graph, on premises through EWS,
// on premises through REST v2.0), each signed in to as a deployment is,
// the request recorder behind the golden
// files of every request a service builds (Recorder, CheckRequests), the
// comparison of sample entities with what the models send back (Entities,
// Pruner, Diff, V2RoundTrip), a canned transport, and a count of the
// requests that reached a mailbox host.
package servicetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// CannedDoer answers every request with Body (200, JSON) and keeps the
// body of the last request it received.
type CannedDoer struct {
	mu   sync.Mutex
	Body []byte
	sent []byte
}

// Do implements odata.Doer.
func (d *CannedDoer) Do(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r.Body != nil {
		d.sent, _ = io.ReadAll(r.Body)
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(d.Body)), Request: r}, nil
}

// Sent returns the body of the last request.
func (d *CannedDoer) Sent() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sent
}

// V2RoundTrip decodes a v2.0 entity through the dialect into T and sends it
// back through the dialect, returning the value and the body sent. The
// entity is read as the item of a page and sent as an action's body, since
// samples of request bodies have no id (which an entity answer must). A raw
// that is not one JSON value (white space, "1,2") gives an error, as a body
// the dialect refuses does.
func V2RoundTrip[T any](t testing.TB, raw []byte) (*T, []byte, error) {
	t.Helper()
	d := &CannedDoer{Body: append(append([]byte(`{"value":[`), raw...), "]}"...)}
	c, err := odata.NewClient("https://mail.contoso.com/api/v2.0", odata.OutlookV2,
		oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}), odata.WithDoer(d))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pg, err := odata.ListPage[T](ctx, c, odata.PathOf("x"), nil)
	if err != nil {
		return nil, nil, err
	}
	if len(pg.Value) != 1 {
		// raw was not one JSON value: white space, or a list ("1,2").
		return nil, nil, fmt.Errorf("%d items decoded, not one", len(pg.Value))
	}
	v := &pg.Value[0]
	if err := odata.Action(ctx, c, odata.PathOf("x"), v); err != nil {
		return nil, nil, err
	}
	return v, d.Sent(), nil
}

// Diff lists, sorted by key, the top-level members of two decoded JSON
// objects that differ.
func Diff(want, got map[string]any) []string {
	keys := make([]string, 0, len(want)+len(got))
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		if !reflect.DeepEqual(want[k], got[k]) {
			out = append(out, fmt.Sprintf("%s:\n   got %v\n  want %v", k, got[k], want[k]))
		}
	}
	return out
}

// RESTRequests counts the requests that reached Graph or one of the given
// on-premises hosts (not the issuer or Autodiscover).
func RESTRequests(srv *outlooktest.Server, onPremHosts ...string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Host == "graph.microsoft.com" || slices.Contains(onPremHosts, r.Host) {
			n++
		}
	}
	return n
}
