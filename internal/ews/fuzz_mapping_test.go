package ews

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/contacts"
)

// readBack reads the element written by write (one child of a
// CalendarItem or Contact wrapper) with read, positioned on it.
func readBack(t *testing.T, wrapper string, xml []byte, read func(x *xmlReader, cv *converter) ([]byte, error)) []byte {
	t.Helper()
	doc := `<t:` + wrapper + ` xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">` + string(xml) + `</t:` + wrapper + `>`
	x := newXMLReader(strings.NewReader(doc), 1<<20)
	cv := &converter{x: x}
	var out []byte
	if k, err := x.next(); err != nil || k != tokStart {
		t.Fatalf("reading back %s: %v", doc, err)
	}
	first := true
	err := x.children(func() error {
		if !first {
			return x.skip()
		}
		first = false
		var err error
		out, err = read(x, cv)
		return err
	})
	if err != nil {
		t.Fatalf("reading back %s: %v", doc, err)
	}
	return out
}

// FuzzRecurrenceMapping: any Graph recurrence the backend writes as an
// EWS Recurrence reads back as the same recurrence (what its pattern type
// uses, and its range), and nothing panics.
func FuzzRecurrenceMapping(f *testing.F) {
	for _, s := range []string{
		`{"pattern":{"type":"daily","interval":2},"range":{"type":"numbered","startDate":"2026-03-02","numberOfOccurrences":5}}`,
		`{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday","thursday"],"firstDayOfWeek":"monday"},"range":{"type":"endDate","startDate":"2026-03-02","endDate":"2027-03-02"}}`,
		`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":31},"range":{"type":"noEnd","startDate":"2026-03-02"}}`,
		`{"pattern":{"type":"relativeMonthly","interval":2,"daysOfWeek":["monday","tuesday","wednesday","thursday","friday"],"index":"last"},"range":{"type":"noEnd","startDate":"2026-03-02"}}`,
		`{"pattern":{"type":"absoluteYearly","interval":1,"dayOfMonth":29,"month":2},"range":{"type":"numbered","startDate":"2028-02-29","numberOfOccurrences":3}}`,
		`{"pattern":{"type":"relativeYearly","interval":1,"daysOfWeek":["saturday","sunday"],"index":"second","month":11},"range":{"type":"noEnd","startDate":"2026-11-14"}}`,
		`{"pattern":{"type":"hourly","interval":1},"range":{"type":"noEnd","startDate":"2026-03-02"}}`,
		`{"pattern":{"type":"daily"},"range":{"type":"endDate","startDate":"2026-03-02","endDate":"2026-03-01","recurrenceTimeZone":"Pacific Standard Time"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var w xmlWriter
		if err := writeRecurrence(&w, in, "UTC"); err != nil {
			return
		}
		out := readBack(t, "CalendarItem", w.b, func(x *xmlReader, cv *converter) ([]byte, error) { return cv.readRecurrence("UTC") })
		var sent, got recurrenceJSON
		if err := json.Unmarshal(in, &sent); err != nil {
			t.Fatalf("written from JSON it cannot read: %v", err)
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("read back %q: %v", out, err)
		}
		sp, gp := sent.Pattern, got.Pattern
		if sp.Interval == 0 {
			sp.Interval = 1
		}
		lower := func(s []string) []string {
			out := make([]string, len(s))
			for i, v := range s {
				out[i] = strings.ToLower(v)
			}
			slices.Sort(out)
			return slices.Compact(out)
		}
		switch {
		case !strings.EqualFold(gp.Type, sp.Type) || gp.Interval != sp.Interval:
			t.Fatalf("pattern %+v read back as %+v (XML %s)", sp, gp, w.b)
		case len(sp.DaysOfWeek) > 0 && !slices.Equal(lower(gp.DaysOfWeek), lower(sp.DaysOfWeek)):
			t.Fatalf("days %v read back as %v (XML %s)", sp.DaysOfWeek, gp.DaysOfWeek, w.b)
		case sp.DayOfMonth != 0 && gp.DayOfMonth != sp.DayOfMonth, sp.Month != 0 && gp.Month != sp.Month:
			t.Fatalf("day %d month %d read back as %d %d", sp.DayOfMonth, sp.Month, gp.DayOfMonth, gp.Month)
		case sp.Index != "" && !strings.EqualFold(gp.Index, sp.Index):
			t.Fatalf("index %q read back as %q", sp.Index, gp.Index)
		}
		sr, gr := sent.Range, got.Range
		switch {
		case !strings.EqualFold(gr.Type, sr.Type) || gr.StartDate != dateOnly(sr.StartDate):
			t.Fatalf("range %+v read back as %+v (XML %s)", sr, gr, w.b)
		case strings.EqualFold(sr.Type, "endDate") && gr.EndDate != dateOnly(sr.EndDate):
			t.Fatalf("end %q read back as %q", sr.EndDate, gr.EndDate)
		case strings.EqualFold(sr.Type, "numbered") && gr.NumberOfOccurrences != sr.NumberOfOccurrences:
			t.Fatalf("count %d read back as %d", sr.NumberOfOccurrences, gr.NumberOfOccurrences)
		}
	})
}

// FuzzContactMapping: any Graph contact the backend writes as an EWS
// Contact reads back with the same dictionary entries (addresses, phones,
// postal and IM addresses), and nothing panics.
func FuzzContactMapping(f *testing.F) {
	for _, s := range []string{
		`{"displayName":"A","emailAddresses":[{"name":"Work","address":"a@contoso.com"},{"address":"b@example.org"},{"name":"Old","address":"c@example.net"}],"businessPhones":["1","2"],"homePhones":["3","4"],"mobilePhone":"5","imAddresses":["sip:a","sip:b","sip:c"],"businessAddress":{"street":"1 Main","city":"Redmond","state":"WA","postalCode":"98052","countryOrRegion":"USA"},"homeAddress":{"city":"Seattle"},"otherAddress":{"countryOrRegion":"Czechia"}}`,
		`{"displayName":"B","emailAddresses":[],"businessPhones":["1","2","3"]}`,
		`{"emailAddresses":[{"address":""},{"name":"<&>","address":"x@y"}],"homePhones":[""],"title":"Dr.","yomiCompanyName":"コントソ"}`,
		`{"emailAddresses":[{"address":"a@b"},{"address":"a@b"},{"address":"a@b"},{"address":"a@b"}]}`,
		`{"businessAddress":null,"imAddresses":null,"mobilePhone":null}`,
	} {
		f.Add([]byte(s))
	}
	s := contacts.Contact{}.WireSchema()
	f.Fuzz(func(t *testing.T, in []byte) {
		frags, err := contactFragments(in, s)
		if err != nil {
			return
		}
		var xml []byte
		for _, fr := range frags {
			xml = append(xml, fr.xml...)
		}
		doc := `<t:Contact xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:ItemId Id="AAMk"/>` + string(xml) + `</t:Contact>`
		x := newXMLReader(strings.NewReader(doc), 1<<20)
		cv := &converter{x: x}
		if k, err := x.next(); err != nil || k != tokStart {
			t.Fatalf("reading back %s: %v", doc, err)
		}
		out, err := cv.entity(nil, s)
		if err != nil {
			t.Fatalf("reading back %s: %v", doc, err)
		}
		type dict struct {
			Emails []struct {
				Name    string `json:"name"`
				Address string `json:"address"`
			} `json:"emailAddresses"`
			Business []string          `json:"businessPhones"`
			Home     []string          `json:"homePhones"`
			Mobile   string            `json:"mobilePhone"`
			IMs      []string          `json:"imAddresses"`
			BAddr    map[string]string `json:"businessAddress"`
			HAddr    map[string]string `json:"homeAddress"`
			OAddr    map[string]string `json:"otherAddress"`
		}
		var sent, got dict
		if json.Unmarshal(in, &sent) != nil {
			return // written from members the dictionaries do not read
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("read back %q: %v", out, err)
		}
		// What the server keeps: entries with a value, names that are not
		// the address itself.
		sent.Emails = slices.DeleteFunc(sent.Emails, func(e struct {
			Name    string `json:"name"`
			Address string `json:"address"`
		}) bool {
			return strings.TrimSpace(e.Address) == ""
		})
		for i := range sent.Emails {
			e := &sent.Emails[i]
			e.Address = strings.TrimSpace(e.Address)
			if e.Name == e.Address {
				e.Name = ""
			}
		}
		// Text is read trimmed, as the server's indented answers need.
		nonEmpty := func(l []string) []string {
			out := []string{}
			for _, s := range l {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
			return out
		}
		addr := func(m map[string]string) map[string]string {
			out := map[string]string{}
			for k, v := range m {
				if v = strings.TrimSpace(v); v != "" && slices.ContainsFunc(addressParts[:], func(p struct{ ews, graph string }) bool { return p.graph == k }) {
					out[k] = v
				}
			}
			return out
		}
		for _, c := range []struct {
			name      string
			got, want any
		}{
			{"emailAddresses", len(got.Emails), len(sent.Emails)},
			{"businessPhones", nonEmpty(got.Business), nonEmpty(sent.Business)},
			{"homePhones", nonEmpty(got.Home), nonEmpty(sent.Home)},
			{"mobilePhone", strings.TrimSpace(got.Mobile), strings.TrimSpace(sent.Mobile)},
			{"imAddresses", nonEmpty(got.IMs), nonEmpty(sent.IMs)},
			{"businessAddress", addr(got.BAddr), addr(sent.BAddr)},
			{"homeAddress", addr(got.HAddr), addr(sent.HAddr)},
			{"otherAddress", addr(got.OAddr), addr(sent.OAddr)},
		} {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Fatalf("%s %v read back as %v\n%s", c.name, c.want, c.got, doc)
			}
		}
		for i, e := range sent.Emails {
			if g := got.Emails[i]; g.Address != e.Address || g.Name != e.Name {
				t.Fatalf("emailAddresses[%d] %+v read back as %+v", i, e, g)
			}
		}
	})
}

// FuzzFreeBusy holds the free/busy reader to its contract on any answer:
// no panic, and valid JSON out.
func FuzzFreeBusy(f *testing.F) {
	for _, name := range []string{"GetUserAvailability__getuseravailability-operation__1.response.xml",
		"GetUserAvailability__how-to-get-free-busy-information-by-using-ews-in-exchange__1.response.xml"} {
		f.Add(ewsSampleFile(f, name))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		x := newXMLReader(strings.NewReader(string(doc)), 1<<20)
		var buf []byte
		var fault status
		out := []byte{'['}
		_, err := readEnvelope(x, &fault, &buf, func() error {
			return x.children(func() error {
				if !x.is("FreeBusyResponseArray") {
					return x.skip()
				}
				return x.children(func() error {
					if !x.is("FreeBusyResponse") {
						return x.skip()
					}
					var err error
					out = comma(out)
					out, err = readFreeBusy(out, x, &buf, "a@contoso.com", time.UTC, "UTC")
					return err
				})
			})
		})
		if err != nil {
			return
		}
		out = append(out, ']')
		if !jsontext.Value(out).IsValid(jsontext.AllowInvalidUTF8(true)) {
			t.Fatalf("invalid JSON %q", out)
		}
	})
}
