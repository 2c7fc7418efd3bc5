package main

import (
	"fmt"
	"time"

	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/outlooktest"
)

// seed fills each demo mailbox with n messages spread over the Inbox, a
// folder below it and Sent Items, some with an attachment.
func seed(t *demo.Tenant, n int) {
	for _, addr := range demo.Addresses {
		mb := t.Server.Mailbox(addr)
		projects := mb.Add("mailFolders", outlooktest.Object{"displayName": "Projects", "parentFolderId": "inbox"})
		folders := []string{"inbox", projects, "sentitems"}
		for i := range n {
			id := mb.Add("messages", outlooktest.Object{
				"subject":          fmt.Sprintf("%s message %d", addr, i),
				"parentFolderId":   folders[i%len(folders)],
				"body":             outlooktest.Object{"contentType": "text", "content": fmt.Sprintf("Message %d of the export demo.", i)},
				"from":             outlooktest.Object{"emailAddress": outlooktest.Object{"name": "Lee Gu", "address": "lee@contoso.com"}},
				"toRecipients":     []any{outlooktest.Object{"emailAddress": outlooktest.Object{"address": addr}}},
				"receivedDateTime": time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
			})
			if i%7 == 0 {
				mb.AddAttachment(id, outlooktest.Object{
					"@odata.type": "#microsoft.graph.fileAttachment", "name": fmt.Sprintf("notes-%d.txt", i),
					"contentType": "text/plain", "contentBytes": "SGVsbG8sIHdvcmxkIQ==",
				})
			}
		}
	}
}

// change adds a message to each demo mailbox's inbox and deletes its
// first message for good, and says so.
func change(t *demo.Tenant) string {
	for _, addr := range demo.Addresses {
		mb := t.Server.Mailbox(addr)
		mb.Add("messages", outlooktest.Object{"subject": addr + " news", "parentFolderId": "inbox",
			"body": outlooktest.Object{"contentType": "text", "content": "A message that arrived after the export."}})
		first := mb.Items("messages")[0]
		mb.Delete("messages", first["id"].(string))
	}
	return "one message arrived and one was deleted (moved to Deleted Items) in each mailbox"
}
