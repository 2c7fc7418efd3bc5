package mail_test

import (
	"fmt"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zone database

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/outlooktest"
)

// The shared harness of the service packages' tests, under the short names
// these tests use.
type env = servicetest.Env

const (
	cloudAddr  = servicetest.CloudAddr
	onPremAddr = servicetest.OnPremAddr
	onPremHost = servicetest.OnPremHost
)

// The locations of the mailbox under test: Exchange Online through Graph,
// on premises through EWS (the default route) and through the REST API
// v2.0. Every mail test runs in all three with the same code, unless it is
// about one API's own feature.
const (
	cloud = servicetest.Cloud
	ews   = servicetest.EWS
	rest  = servicetest.REST
)

var (
	newEnv       = servicetest.NewEnv
	eachLocation = servicetest.AllLocations.Each
)

// seedInbox adds n received messages to the mailbox's Inbox, the i-th
// with subject "m<i>" received i minutes after a fixed instant.
func seedInbox(box *outlooktest.Mailbox, n int) []string {
	ids := make([]string, n)
	for i := range n {
		ids[i] = box.Add("messages", outlooktest.Object{
			"subject":          fmt.Sprintf("m%03d", i),
			"parentFolderId":   "inbox",
			"receivedDateTime": base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
			"isRead":           i%3 == 0,
			"importance":       []string{"low", "normal", "high"}[i%3],
			"from":             outlooktest.Object{"emailAddress": outlooktest.Object{"name": "Ana Ruiz", "address": "ana@example.org"}},
			"toRecipients":     []any{outlooktest.Object{"emailAddress": outlooktest.Object{"address": box.Address()}}},
			"body":             outlooktest.Object{"contentType": "html", "content": fmt.Sprintf("<p>body %d</p>", i)},
		})
	}
	return ids
}

var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
