package item_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

func BenchmarkDateTimeTimeZoneTime(b *testing.B) {
	for _, d := range []item.DateTimeTimeZone{
		{DateTime: "2026-03-02T09:00:00.0000000", TimeZone: "Pacific Standard Time"},
		{DateTime: "2026-03-02T09:00:00.0000000", TimeZone: "Europe/Berlin"},
		{DateTime: "2026-03-02T09:00:00.0000000", TimeZone: "UTC"},
	} {
		b.Run(d.TimeZone, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.Time(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// itemPage makes a page of n events in Graph form (own data, not a sample).
func itemPage(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"value":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"@odata.etag":"W/\"DwAAABYAAAC%d\"","id":"AAMkAD%d","createdDateTime":"2026-01-02T03:04:05.1234567Z",`+
			`"lastModifiedDateTime":"2026-01-02T03:04:05Z","changeKey":"DwAAABYAAAC%d","categories":["Red"],"subject":"Stand-up %d",`+
			`"body":{"contentType":"html","content":"<p>Agenda</p>"},"importance":"normal","sensitivity":"normal",`+
			`"start":{"dateTime":"2026-03-02T09:00:00.0000000","timeZone":"Pacific Standard Time"},`+
			`"end":{"dateTime":"2026-03-02T09:30:00.0000000","timeZone":"Pacific Standard Time"},`+
			`"location":{"displayName":"Room 1","locationType":"conferenceRoom","uniqueIdType":"directory","address":{"city":"Redmond"},"coordinates":{"latitude":47.6,"longitude":-122.1}},`+
			`"organizer":{"emailAddress":{"name":"Ana Ruiz","address":"ana@example.org"}},`+
			`"toRecipients":[{"emailAddress":{"name":"Lee Chen","address":"lee@example.org"}},{"emailAddress":{"name":"Sam","address":"sam@example.org"}}]}`,
			i, i, i, i)
	}
	buf.WriteString(`]}`)
	return buf.Bytes()
}

// BenchmarkDecodePage decodes 200 events through the whole odata client in
// each dialect: the cost of the shared types' decoding, including the v2.0
// translation and the custom decoders (enums, coordinates, dateTimeTimeZone).
func BenchmarkDecodePage(b *testing.B) {
	graph := itemPage(200)
	v2, err := graphToV2(b, graph)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		d    *odata.Dialect
		body []byte
	}{{odata.Graph, graph}, {odata.OutlookV2, v2}} {
		b.Run(tc.d.String(), func(b *testing.B) {
			c, _ := newClient(b, tc.d, tc.body)
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				pg, err := odata.ListPage[testItem](b.Context(), c, odata.PathOf("events"), nil)
				if err != nil || len(pg.Value) != 200 || pg.Value[199].Body.ContentType != item.BodyTypeHTML ||
					pg.Value[0].Location.LocationType != item.LocationTypeConferenceRoom {
					b.Fatal(err)
				}
			}
		})
	}
}

// graphToV2 gets the v2.0 spelling of a Graph body from the v2.0 client
// itself: it sends the body as a request and keeps what went out.
func graphToV2(tb testing.TB, graph []byte) ([]byte, error) {
	c, doer := newClient(tb, odata.OutlookV2, []byte(`{}`))
	var v any
	if err := jsonUnmarshal(graph, &v); err != nil {
		return nil, err
	}
	if err := odata.Action(tb.Context(), c, odata.PathOf("x"), v); err != nil {
		return nil, err
	}
	return doer.lastBody(), nil
}
