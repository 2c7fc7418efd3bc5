package odata_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/odata"
)

// A Query renders in each dialect's spelling.
func ExampleQuery_Encode() {
	since := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	q := &odata.Query{
		Select:  odata.Fields(subject),
		Filter:  isRead.Eq(false).And(received.Ge(since), imp.Eq("high")),
		OrderBy: odata.Desc(received),
		Top:     25,
	}
	for _, d := range []*odata.Dialect{odata.Graph, odata.OutlookV2} {
		s, err := q.Encode(d, nil) // nil: the default rules; real code passes the items' WireSchema
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d, strings.ReplaceAll(s, "%20", " "))
	}
	// Output:
	// graph-v1.0 $select=subject&$filter=isRead eq false and receivedDateTime ge 2024-05-01T00:00:00Z and importance eq 'high'&$orderby=receivedDateTime desc&$top=25
	// outlook-v2.0 $select=Subject&$filter=IsRead eq false and ReceivedDateTime ge 2024-05-01T00:00:00Z and Importance eq 'High'&$orderby=ReceivedDateTime desc&$top=25
}

// List follows the server's next links lazily; the loop sees items, not pages.
func ExampleList() {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("$skip") == "" {
			fmt.Fprintf(w, `{"value":[{"id":"1","subject":"Hello"},{"id":"2","subject":"Lunch?"}],"@odata.nextLink":"https://%s%s?$skip=2"}`, r.Host, r.URL.Path)
			return
		}
		io.WriteString(w, `{"value":[{"id":"3","subject":"Re: Lunch?"}]}`)
	}))
	defer srv.Close()

	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "token"})
	c, err := odata.NewClient(srv.URL+"/v1.0", odata.Graph, ts, odata.WithDoer(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	for msg, err := range odata.List[message](context.Background(), c, odata.PathOf("mailFolders/{}/messages", "inbox"), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(msg.ID, msg.Subject)
	}
	// Output:
	// 1 Hello
	// 2 Lunch?
	// 3 Re: Lunch?
}

// Errors match sentinels with errors.Is and carry the service's details.
func ExampleError() {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("request-id", "3f2b")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store."}}`)
	}))
	defer srv.Close()

	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "token"})
	c, err := odata.NewClient(srv.URL+"/v1.0", odata.Graph, ts, odata.WithDoer(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	_, err = odata.Get[message](context.Background(), c, odata.PathOf("messages/{}", "AAMkAD1"), nil)
	fmt.Println(errors.Is(err, odata.ErrNotFound))
	if oe, ok := errors.AsType[*odata.Error](err); ok {
		fmt.Println(oe.StatusCode, oe.Code, oe.RequestID)
	}
	// Output:
	// true
	// 404 ErrorItemNotFound 3f2b
}

// Update sends only the properties set in the update value; Null clears one.
func ExampleUpdate() {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Println(r.Method, r.URL.Path, string(b))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"Id":"AAMkAD1","IsRead":true}`)
	}))
	defer srv.Close()

	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "token"})
	c, err := odata.NewClient(srv.URL+"/api/v2.0", odata.OutlookV2, ts, odata.WithDoer(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	u := messageUpdate{IsRead: odata.Set(true), Categories: odata.Null[[]string]()}
	m, err := odata.Update[message](context.Background(), c, odata.PathOf("messages/{}", "AAMkAD1"), u, "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID, m.IsRead)
	// Output:
	// PATCH /api/v2.0/me/messages/AAMkAD1 {"IsRead":true,"Categories":null}
	// AAMkAD1 true
}
