package outlooktest

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func newTestMailbox(t *testing.T) *Mailbox {
	t.Helper()
	srv := NewServer(WithAppOnlyOnPremises(), WithClock(func() time.Time { return time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC) }))
	t.Cleanup(srv.Close)
	return srv.AddMailbox("Alice@Contoso.com", Cloud)
}

func TestWellKnownFolders(t *testing.T) {
	m := newTestMailbox(t)
	for _, name := range []string{"inbox", "Inbox", "DRAFTS", "sentitems", "deleteditems", "junkemail", "outbox", "archive",
		"msgfolderroot", "conversationhistory", "recoverableitemsdeletions", "searchfolders"} {
		if _, ok := m.Get("mailFolders", name); !ok {
			t.Errorf("well-known folder %q not found", name)
		}
	}
	inbox, _ := m.Get("mailFolders", "inbox")
	if inbox["displayName"] != "Inbox" {
		t.Errorf("inbox = %v", inbox)
	}
	if _, ok := m.Get("mailFolders", strings.ToLower(inbox["id"].(string))); ok {
		t.Error("ids must be case-sensitive")
	}
	if _, ok := m.Get("contactFolders", "contacts"); !ok {
		t.Error("no default contacts folder")
	}
	cals := m.Items("calendars")
	if len(cals) != 1 || cals[0]["isDefaultCalendar"] != true {
		t.Errorf("calendars = %v; want one default calendar", cals)
	}
}

func TestAddDefaults(t *testing.T) {
	m := newTestMailbox(t)
	id := m.Add("messages", Object{"subject": "Hi", "body": Object{"contentType": "HTML", "content": "<p>Hello <b>there</b></p>"}, "importance": "High", "x-open": []int{1, 2}})
	got, ok := m.Get("messages", id)
	if !ok {
		t.Fatal("Get after Add found nothing")
	}
	inbox, _ := m.Get("mailFolders", "inbox")
	for k, want := range map[string]any{
		"parentFolderId": inbox["id"], "isDraft": false, "isRead": false, "importance": "high", "hasAttachments": false,
		"bodyPreview": "Hello there", "receivedDateTime": "2024-05-02T09:00:00Z", "createdDateTime": "2024-05-02T09:00:00Z",
	} {
		if got[k] != want {
			t.Errorf("%s = %v; want %v", k, got[k], want)
		}
	}
	if b := got["body"].(map[string]any); b["contentType"] != "html" {
		t.Errorf("body.contentType = %v; want html (Graph spelling)", b["contentType"])
	}
	ck, _ := got["changeKey"].(string)
	if ck == "" || got["@odata.etag"] != `W/"`+ck+`"` {
		t.Errorf("changeKey %q, etag %v", ck, got["@odata.etag"])
	}
	if x, _ := got["x-open"].([]any); len(x) != 2 {
		t.Errorf("unknown property not kept: %v", got["x-open"])
	}
	// Items and Get return copies.
	got["subject"] = "changed"
	again, _ := m.Get("messages", id)
	if again["subject"] != "Hi" {
		t.Error("Get returned the stored object, not a copy")
	}

	given := m.Add("mailFolders", Object{"id": "f1", "displayName": "Receipts"})
	if given != "f1" {
		t.Errorf("a seeded id was not kept: %q", given)
	}
	mid := m.Add("messages", Object{"subject": "in f1", "parentFolderId": "f1",
		"attachments": []Object{{"name": "a.txt", "contentBytes": "aGk="}}})
	msg, _ := m.Get("messages", mid)
	if msg["parentFolderId"] != "f1" || msg["hasAttachments"] != true {
		t.Errorf("message = %v", msg)
	}
	atts := m.Items("attachments")
	if len(atts) != 1 || atts[0]["size"] != float64(2) || atts[0]["@odata.type"] != "#microsoft.graph.fileAttachment" {
		t.Errorf("attachments = %v", atts)
	}
	aid := m.AddAttachment(mid, Object{"@odata.type": "#microsoft.graph.itemAttachment", "name": "fwd", "item": Object{"@odata.type": "#microsoft.graph.message", "subject": "inner"}})
	if _, ok := m.Get("attachments", aid); !ok {
		t.Error("AddAttachment: attachment not found")
	}
	c := m.Add("contacts", Object{"givenName": "Pat", "surname": "Lee"})
	if got, _ := m.Get("contacts", c); got["displayName"] != "Pat Lee" {
		t.Errorf("contact displayName = %v", got["displayName"])
	}
}

func TestAddPanicsOnMalformedInput(t *testing.T) {
	tests := []struct {
		name, coll string
		obj        Object
		want       string
	}{
		{"unknown collection", "mails", Object{}, "unknown collection"},
		{"wrong type", "messages", Object{"subject": 3}, "subject: want a string"},
		{"wrong nested type", "messages", Object{"from": Object{"emailAddress": Object{"address": true}}}, "from/emailAddress/address"},
		{"wrong collection", "messages", Object{"toRecipients": "bob"}, "toRecipients: want a JSON array"},
		{"bad enum", "events", Object{"showAs": "maybe"}, "showAs"},
		{"bad date", "messages", Object{"receivedDateTime": "yesterday"}, "receivedDateTime"},
		{"unknown folder", "messages", Object{"parentFolderId": "nope"}, "no mailFolders"},
		{"duplicate id", "mailFolders", Object{"id": "dup"}, "already used"},
		{"attachment without bytes", "messages", Object{"attachments": []Object{{"name": "x"}}}, "contentBytes"},
		{"not JSON", "messages", Object{"f": func() {}}, "not representable as JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMailbox(t)
			m.Add("mailFolders", Object{"id": "dup"})
			defer func() {
				r := recover()
				if r == nil {
					t.Fatalf("Add(%q, %v) did not panic", tc.coll, tc.obj)
				}
				if msg, _ := r.(string); !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "outlooktest: ") {
					t.Errorf("panic %q; want it to mention %q", r, tc.want)
				}
			}()
			m.Add(tc.coll, tc.obj)
		})
	}
}

func TestSeed(t *testing.T) {
	fsys := fstest.MapFS{
		"box.json": {Data: []byte(`{
			"messages": [{"subject": "one", "parentFolderId": "f1"}, {"subject": "two"}],
			"mailFolders": [{"id": "f1", "displayName": "Receipts"}],
			"events": [{"subject": "standup", "start": {"dateTime": "2024-05-02T09:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2024-05-02T09:15:00", "timeZone": "UTC"}}],
			"contacts": [{"givenName": "Pat"}]}`)},
		"bad.json":     {Data: []byte(`{"messages": {}}`)},
		"badtype.json": {Data: []byte(`{"messages": [{"isRead": "no"}]}`)},
		"unknown.json": {Data: []byte(`{"tasks": []}`)},
	}
	m := newTestMailbox(t)
	if err := m.Seed(fsys, "box.json"); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Items("messages")); n != 2 {
		t.Errorf("%d messages; want 2", n)
	}
	if n := len(m.Items("events")); n != 1 {
		t.Errorf("%d events; want 1", n)
	}
	for _, name := range []string{"bad.json", "badtype.json", "unknown.json", "missing.json"} {
		if err := m.Seed(fsys, name); err == nil || !strings.HasPrefix(err.Error(), "outlooktest: seed ") {
			t.Errorf("Seed(%s) = %v; want an outlooktest: seed error", name, err)
		}
	}
}

// Update and Delete change the mailbox as another client would: new
// ETags, the rules a PATCH meets, a deleted message moved to Deleted Items.
func TestUpdateAndDelete(t *testing.T) {
	m := newTestMailbox(t)
	id := m.Add("messages", Object{"subject": "before"})
	old, _ := m.Get("messages", id)
	if err := m.Update("messages", id, Object{"isRead": true, "categories": []any{"Red"}}); err != nil {
		t.Fatal(err)
	}
	got, _ := m.Get("messages", id)
	if got["isRead"] != true || len(got["categories"].([]any)) != 1 || got["@odata.etag"] == old["@odata.etag"] {
		t.Errorf("after Update: isRead %v, categories %v, etag %v (was %v)", got["isRead"], got["categories"], got["@odata.etag"], old["@odata.etag"])
	}
	for name, tc := range map[string]struct {
		coll, id string
		patch    Object
		want     string
	}{
		"read-only":     {"messages", id, Object{"createdDateTime": "2020-01-01T00:00:00Z"}, "read-only"},
		"draft only":    {"messages", id, Object{"subject": "after"}, "draft"},
		"wrong type":    {"messages", id, Object{"isRead": "yes"}, "isRead"},
		"no such item":  {"messages", "AAMkGone", Object{"subject": "x"}, "no such entity"},
		"no such place": {"letters", id, Object{"subject": "x"}, "unknown collection"},
	} {
		if err := m.Update(tc.coll, tc.id, tc.patch); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Update = %v, want an error saying %q", name, err, tc.want)
		}
	}
	if got, _ := m.Get("messages", id); got["subject"] != "before" || got["isRead"] != true {
		t.Errorf("a refused Update changed the message: %v, %v", got["subject"], got["isRead"])
	}
	if !m.Delete("messages", id) {
		t.Fatal("Delete of an existing message reported none")
	}
	if _, ok := m.Get("messages", id); ok {
		t.Error("the deleted message keeps its id")
	}
	moved := false
	deleted, _ := m.Get("mailFolders", "deleteditems")
	for _, msg := range m.Items("messages") {
		moved = moved || msg["subject"] == "before" && msg["parentFolderId"] == deleted["id"]
	}
	if !moved {
		t.Error("the deleted message is not in Deleted Items")
	}
	if m.Delete("messages", id) || m.Delete("letters", id) {
		t.Error("Delete of nothing reported something")
	}
}
