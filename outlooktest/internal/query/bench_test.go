package query

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// benchMessages returns n messages shaped as the store holds them: decoded
// from JSON, Graph names, about the properties a list returns.
func benchMessages(b *testing.B, n int) []map[string]any {
	b.Helper()
	base := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	objs := make([]map[string]any, n)
	for i := range objs {
		raw := fmt.Sprintf(`{"id":"AAMk%06d","@odata.etag":"W/\"%d\"","subject":"Message %d","bodyPreview":"preview %d",
			"isRead":%v,"importance":"normal","receivedDateTime":%q,"sentDateTime":%q,"hasAttachments":false,
			"from":{"emailAddress":{"name":"Sender %d","address":"s%d@corp.example"}},
			"toRecipients":[{"emailAddress":{"name":"Alice","address":"alice@contoso.com"}}],
			"categories":["c%d"],"parentFolderId":"inbox","size":%d}`,
			i, i, i, i, i%3 == 0, base.Add(time.Duration(i)*time.Hour).Format(time.RFC3339),
			base.Add(time.Duration(i)*time.Hour-time.Minute).Format(time.RFC3339), i%7, i%7, i%5, 1000+i)
		if err := json.Unmarshal([]byte(raw), &objs[i]); err != nil {
			b.Fatal(err)
		}
	}
	return objs
}

const benchFilter = "isRead eq false and receivedDateTime ge 2024-05-01T00:00:00Z"

// BenchmarkFilter parses the filter and matches it against 1000 messages per
// iteration, as one list request does.
func BenchmarkFilter(b *testing.B) {
	objs := benchMessages(b, 1000)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		f, err := ParseFilter(benchFilter, messageSchema)
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for _, o := range objs {
			if f.Match(o) {
				n++
			}
		}
	}
	if n == 0 || n == len(objs) {
		b.Fatalf("%d of %d matched: the benchmark measures nothing useful", n, len(objs))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(objs)), "ns/object")
}

func BenchmarkFilterParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFilter(benchFilter, messageSchema); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSort sorts 1000 messages by receivedDateTime desc, the default
// order of a message list.
func BenchmarkSort(b *testing.B) {
	objs := benchMessages(b, 1000)
	o, err := ParseOrderBy("receivedDateTime desc", messageSchema)
	if err != nil {
		b.Fatal(err)
	}
	work := make([]map[string]any, len(objs))
	b.ReportAllocs()
	for b.Loop() {
		copy(work, objs)
		o.Sort(work)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(objs)), "ns/object")
}
