// Command quickstart shows what the SDK does for one mailbox operation in
// each of its two wire dialects.
//
// Until the root client and the in-process fake Exchange land, it runs the
// odata layer against two small in-process servers, one speaking Microsoft
// Graph v1.0 (Exchange Online) and one speaking Outlook REST v2.0 (an
// on-premises Exchange server), lists unread inbox messages from each
// through the same typed query, and prints what went over the wire.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/odata"
)

// message is the little of a mail message this program reads, in Graph names.
type message struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
	From    struct {
		EmailAddress struct {
			Address string `json:"address"`
		} `json:"emailAddress"`
	} `json:"from"`
}

var (
	isRead   = odata.NewBoolField("isRead")
	received = odata.NewTimeField("receivedDateTime")
	subject  = odata.NewStringField("subject")
	from     = odata.NewStringField("from")
)

// server answers one inbox listing in its dialect and records the request.
func server(v2 bool, seen *string) *httptest.Server {
	return httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*seen = r.Method + " " + r.URL.Path + "?" + strings.ReplaceAll(r.URL.RawQuery, "%20", " ")
		w.Header().Set("Content-Type", "application/json")
		if v2 {
			io.WriteString(w, `{"value":[{"Id":"AAMkAD1","Subject":"Budget 2027 (on-premises)","From":{"EmailAddress":{"Address":"lee@corp.example"}}}]}`)
			return
		}
		io.WriteString(w, `{"value":[{"id":"AAMkAG2","subject":"Budget 2027 (cloud)","from":{"emailAddress":{"address":"pat@corp.example"}}}]}`)
	}))
}

func main() {
	log.SetFlags(0)
	if err := run(context.Background(), os.Stdout, time.Now()); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, "(in-process demo servers; the real client, autodiscover and the fake Exchange are on their way)")
}

// run lists the unread inbox of a demo mailbox in each dialect, printing to w.
func run(ctx context.Context, w io.Writer, now time.Time) error {
	// The mail package will register the v2.0 spelling of its paths; this
	// demo registers the one it uses.
	odata.Register(nil, nil, map[string]string{"mailFolders": "MailFolders"})
	since := now.UTC().Add(-7 * 24 * time.Hour).Truncate(time.Hour)
	q := &odata.Query{
		Select:  odata.Fields(subject, from),
		Filter:  isRead.Eq(false).And(received.Ge(since)),
		OrderBy: odata.Desc(received),
	}
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "demo-token"})
	for _, d := range []*odata.Dialect{odata.Graph, odata.OutlookV2} {
		var seen string
		srv := server(d.IsOutlookV2(), &seen)
		root := srv.URL + "/v1.0"
		if d.IsOutlookV2() {
			root = srv.URL + "/api/v2.0"
		}
		c, err := odata.NewClient(root, d, ts, odata.WithMailbox("alice@corp.example"), odata.WithDoer(srv.Client()))
		if err != nil {
			srv.Close()
			return err
		}
		fmt.Fprintf(w, "%s: unread inbox messages since %s\n", d, since.Format(time.DateOnly))
		for m, err := range odata.List[message](ctx, c, odata.PathOf("mailFolders/{}/messages", "inbox"), q) {
			if err != nil {
				srv.Close()
				return err
			}
			fmt.Fprintf(w, "  %-28s from %s\n", m.Subject, m.From.EmailAddress.Address)
		}
		fmt.Fprintf(w, "  wire: %s\n", seen)
		srv.Close()
	}
	return nil
}
