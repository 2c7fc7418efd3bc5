package outlooktest_test

import (
	"testing"

	"github.com/exchangekit/outlook/outlooktest"
)

// Inbox rules stored through Graph run on mail delivered over either REST
// dialect and on Deliver; Add puts data in place without them.
func TestInboxRulesRunOnDelivery(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	cs := clients(t, srv)
	graph, v2 := cs[0], cs[1]
	archive := graph.must(t, 200, "GET", "/mailFolders/archive", nil).json(t)["id"].(string)
	graph.must(t, 201, "POST", "/mailFolders/inbox/messageRules", map[string]any{
		"displayName": "Invoices", "sequence": 1,
		"conditions": map[string]any{"subjectContains": []string{"invoice"}},
		"actions":    map[string]any{"moveToFolder": archive, "markAsRead": true, "stopProcessingRules": true},
	})
	graph.must(t, 201, "POST", "/mailFolders/inbox/messageRules", map[string]any{
		"displayName": "Flag the boss", "sequence": 2,
		"conditions": map[string]any{"fromAddresses": []any{map[string]any{"emailAddress": map[string]any{"address": onpremUser}}}},
		"actions":    map[string]any{"assignCategories": []string{"Boss"}},
	})

	v2.must(t, 202, "POST", "/sendmail", map[string]any{"Message": map[string]any{
		"Subject": "Invoice 42", "ToRecipients": []any{map[string]any{"EmailAddress": map[string]any{"Address": cloudUser}}},
	}})
	v2.must(t, 202, "POST", "/sendmail", map[string]any{"Message": map[string]any{
		"Subject": "Lunch?", "ToRecipients": []any{map[string]any{"EmailAddress": map[string]any{"Address": cloudUser}}},
	}})
	alice := srv.Mailbox(cloudUser)
	alice.Add("messages", outlooktest.Object{"subject": "seeded invoice"}) // test data, not a delivery
	outside := alice.Deliver(outlooktest.Object{"subject": "Your invoice", "from": map[string]any{"emailAddress": map[string]any{"address": "billing@fabrikam.com"}}})

	inbox := graph.must(t, 200, "GET", "/mailFolders/inbox", nil).json(t)["id"].(string)
	where := map[string]map[string]any{}
	for _, m := range alice.Items("messages") {
		where[m["subject"].(string)] = m
	}
	for _, c := range []struct {
		subject, folder string
		read            bool
		categories      int
	}{
		{"Invoice 42", archive, true, 0},
		{"Your invoice", archive, true, 0},
		{"Lunch?", inbox, false, 1},
		{"seeded invoice", inbox, false, 0},
	} {
		m := where[c.subject]
		if m == nil {
			t.Errorf("%q was not delivered", c.subject)
			continue
		}
		cats, _ := m["categories"].([]any)
		if m["parentFolderId"] != c.folder || m["isRead"] != c.read || len(cats) != c.categories {
			t.Errorf("%q: in %v, isRead %v, categories %v; want in %s, isRead %v, %d categories", c.subject, m["parentFolderId"], m["isRead"], cats, c.folder, c.read, c.categories)
		}
	}
	if outside != where["Your invoice"]["id"] {
		t.Errorf("Deliver answered %q, not the id the rule moved the message to (%v)", outside, where["Your invoice"]["id"])
	}
}
