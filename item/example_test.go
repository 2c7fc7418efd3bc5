package item_test

import (
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

func ExampleParseAddress() {
	for _, s := range []string{"ana@example.org", "Ana Ruiz <ana@example.org>", "Ana Ruiz"} {
		a, err := item.ParseAddress(s)
		if err != nil {
			fmt.Println("invalid:", errors.Is(err, item.ErrInvalidAddress))
			continue
		}
		fmt.Printf("name=%q address=%q\n", a.Name, a.Address)
	}
	// Output:
	// name="" address="ana@example.org"
	// name="Ana Ruiz" address="ana@example.org"
	// invalid: true
}

// An event boundary as the server sends it: a wall clock and a Windows zone.
func ExampleDateTimeTimeZone_Time() {
	start := item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00.0000000", TimeZone: "Pacific Standard Time"}
	t, err := start.Time()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Location(), t.Format(time.RFC3339))
	fmt.Println(t.UTC().Format(time.RFC3339))

	_, err = item.DateTimeTimeZone{DateTime: "2026-03-02T09:00:00", TimeZone: "Mars Standard Time"}.Time()
	fmt.Println(errors.Is(err, item.ErrUnknownTimeZone))
	// Output:
	// America/Los_Angeles 2026-03-02T09:00:00-08:00
	// 2026-03-02T17:00:00Z
	// true
}

func ExampleFromTime() {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		log.Fatal(err)
	}
	t := time.Date(2026, 7, 2, 9, 30, 0, 0, berlin)
	fmt.Printf("%+v\n", item.FromTime(t))
	fmt.Printf("%+v\n", item.FromTimeWindows(t))
	// Output:
	// {DateTime:2026-07-02T09:30:00.0000000 TimeZone:Europe/Berlin}
	// {DateTime:2026-07-02T09:30:00.0000000 TimeZone:W. Europe Standard Time}
}

// The typed fields of the shared shapes build one filter that each dialect
// spells its own way.
func ExampleNewRecipientFields() {
	// As a model package declares them:
	from := item.NewRecipientFields("from")
	toRecipients := odata.NewCollectionField("toRecipients", item.NewRecipientFields)
	body := item.NewBodyFields("body")

	q := &odata.Query{Filter: odata.And(
		from.Address.Eq("ana@example.org"),
		toRecipients.Any(func(r item.RecipientFields) odata.Filter { return r.Address.Eq("lee@example.org") }),
		body.ContentType.Eq(item.BodyTypeHTML),
		item.Categories.Has("Red"),
	)}
	for _, d := range []*odata.Dialect{odata.Graph, odata.OutlookV2} {
		s, err := q.Encode(d, mail.Message{}.WireSchema()) // the queried items' table
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d, strings.NewReplacer("%20", " ", "%27", "'", "%2F", "/", "%3A", ":", "%28", "(", "%29", ")", "%40", "@").Replace(s))
	}
	// Output:
	// graph-v1.0 $filter=from/emailAddress/address eq 'ana@example.org' and toRecipients/any(x:x/emailAddress/address eq 'lee@example.org') and body/contentType eq 'html' and categories/any(x:x eq 'Red')
	// outlook-v2.0 $filter=From/EmailAddress/Address eq 'ana@example.org' and ToRecipients/any(x:x/EmailAddress/Address eq 'lee@example.org') and Body/ContentType eq 'HTML' and Categories/any(x:x eq 'Red')
}

// Find items carrying an extended property, and read it with them.
func ExampleNamedPropertyID() {
	id, err := item.NamedPropertyID(item.PropertyTypeString, "66f5a359-4659-4830-9070-00047ec6ac6e", "Color")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id)
	q := &odata.Query{
		Filter: item.SingleValueExtendedProperties.Any(func(p item.ExtendedPropertyFields) odata.Filter {
			return p.ID.Eq(id).And(p.Value.Eq("Green"))
		}),
		Expand: []odata.Expand{{Property: item.SingleValueExtendedProperties, Filter: item.NewExtendedPropertyFields("").ID.Eq(id)}},
	}
	s, err := q.Encode(odata.OutlookV2, mail.Message{}.WireSchema())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(unescape(s))
	// Output:
	// String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color
	// $filter=SingleValueExtendedProperties/any(x:x/PropertyId eq 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color' and x/Value eq 'Green')&$expand=SingleValueExtendedProperties($filter=PropertyId eq 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color')
}
