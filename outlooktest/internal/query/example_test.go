package query_test

import (
	"fmt"
	"net/url"

	"github.com/exchangekit/outlook/outlooktest/internal/query"
)

// A list handler parses the options once, then filters, sorts, pages and
// projects its entities.
func Example() {
	schema := &query.Schema{Type: "microsoft.graph.message", Props: map[string]query.Kind{
		"subject":          query.KindString,
		"isRead":           query.KindBool,
		"importance":       query.KindEnum,
		"receivedDateTime": query.KindDateTime,
	}}
	store := []map[string]any{
		{"id": "1", "subject": "Budget", "isRead": false, "importance": "high", "receivedDateTime": "2024-05-02T09:00:00Z"},
		{"id": "2", "subject": "Lunch", "isRead": true, "importance": "normal", "receivedDateTime": "2024-05-03T09:00:00Z"},
		{"id": "3", "subject": "Q3", "isRead": false, "importance": "low", "receivedDateTime": "2024-05-04T09:00:00Z"},
	}
	// As the v2.0 dialect sends it: PascalCase names and enum members.
	q, err := query.ParseRawQuery("$filter=IsRead eq false and ReceivedDateTime ge 2024-05-01T00:00:00Z" +
		"&$orderby=IsRead,ReceivedDateTime desc&$select=Subject&$top=1")
	if err != nil {
		fmt.Println(err)
		return
	}
	o, err := query.ParseOptions(q, schema, query.Rules{Messages: true})
	if err != nil {
		fmt.Println(err) // a *query.Error: answer o.Status with {"error":{"code":..,"message":..}}
		return
	}
	var page []map[string]any
	for _, m := range store {
		if o.Filter.Match(m) {
			page = append(page, m)
		}
	}
	o.OrderBy.Sort(page)
	if o.HasTop && len(page) > o.Top {
		page = page[:o.Top]
	}
	for _, m := range page {
		fmt.Println(query.Project(m, o.Select, nil))
	}

	// The message rules: $orderby must lead the $filter.
	_, err = query.ParseOptions(url.Values{"$filter": {"subject eq 'x'"}, "$orderby": {"receivedDateTime"}}, schema, query.Rules{Messages: true})
	fmt.Println(err)
	// Output:
	// map[id:3 subject:Q3]
	// query: 400 InefficientFilter: The restriction or sort order is too complex for this operation: $orderby property 'receivedDateTime' must appear in $filter, in the same order as in $orderby and before any other property (the $filter names 'subject')
}
