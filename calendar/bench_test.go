package calendar_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/odata"
)

// viewPage is a calendar view page of n events with attendees and a
// recurrence, in v2.0 or Graph spelling.
func viewPage(n int, v2 bool) []byte {
	var b strings.Builder
	b.WriteString(`{"value":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"AAMk%04d","subject":"Meeting %d","type":"occurrence","showAs":"busy","isReminderOn":"true","reminderMinutesBeforeStart":"15",`+
			`"start":{"dateTime":"2026-03-02T09:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2026-03-02T10:00:00.0000000","timeZone":"UTC"},`+
			`"attendees":[{"type":"required","emailAddress":{"name":"Ana","address":"ana@example.org"},"status":{"response":"accepted","time":"2026-03-01T10:00:00Z"}}],`+
			`"body":{"contentType":"html","content":"<p>agenda</p>"},"seriesMasterId":"AAMkM","iCalUId":"040000008200E0"}`, i, i)
	}
	b.WriteString(`]}`)
	s := b.String()
	if v2 {
		// Good enough for a benchmark: upper-case the first letter of each key.
		var out strings.Builder
		for i := 0; i < len(s); i++ {
			out.WriteByte(s[i])
			if s[i] == '"' && i > 0 && (s[i-1] == '{' || s[i-1] == ',') && i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z' {
				out.WriteByte(s[i+1] - 'a' + 'A')
				i++
			}
		}
		s = out.String()
	}
	return []byte(s)
}

// BenchmarkView decodes a 100-event calendar view page in each dialect.
func BenchmarkView(b *testing.B) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, d := range []struct {
		name    string
		root    string
		dialect *odata.Dialect
	}{{"graph", "https://graph.microsoft.com/v1.0", odata.Graph}, {"v2", "https://mail.contoso.com/api/v2.0", odata.OutlookV2}} {
		b.Run(d.name, func(b *testing.B) {
			page := viewPage(100, d.dialect.IsOutlookV2())
			c, err := odata.NewClient(d.root, d.dialect, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}), odata.WithDoer(&servicetest.CannedDoer{Body: page}))
			if err != nil {
				b.Fatal(err)
			}
			s := calendar.NewService(c)
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for ev, err := range s.View(b.Context(), start, start.AddDate(0, 0, 7), nil) {
					if err != nil || ev.ReminderMinutesBeforeStart == nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 100 {
					b.Fatalf("%d events", n)
				}
			}
		})
	}
}
