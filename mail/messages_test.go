package mail_test

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

func subjects(t *testing.T, seq func(func(*mail.Message, error) bool)) []string {
	t.Helper()
	var out []string
	for m, err := range seq {
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		out = append(out, m.Subject)
	}
	return out
}

func TestListMessages(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		seedInbox(e.Box, 23)
		e.Box.Add("messages", outlooktest.Object{"subject": "archived", "parentFolderId": "archive", "receivedDateTime": base.Add(90 * time.Second).Format(time.RFC3339)})

		cases := []struct {
			name   string
			folder mail.FolderID
			q      *odata.Query
			want   int
			check  func(t *testing.T, ms []*mail.Message)
		}{
			{name: "inbox", folder: mail.Inbox, want: 24},
			{name: "whole mailbox", folder: "", want: 25},
			// Pages of the whole mailbox are one listing, newest first across
			// the folders (EWS searches each folder on its own: the pages are
			// merged), each message once.
			{name: "whole mailbox in pages", folder: "", q: &odata.Query{Top: 4}, want: 25, check: func(t *testing.T, ms []*mail.Message) {
				seen := map[string]bool{}
				for i, m := range ms {
					if seen[m.ID] {
						t.Errorf("%s listed twice", m.Subject)
					}
					seen[m.ID] = true
					if i > 0 && m.ReceivedDateTime.After(ms[i-1].ReceivedDateTime) {
						t.Errorf("%s (%v) after %s (%v): not newest first", m.Subject, m.ReceivedDateTime, ms[i-1].Subject, ms[i-1].ReceivedDateTime)
					}
				}
			}},
			{name: "unread", folder: mail.Inbox, q: &odata.Query{Filter: mail.IsRead.Eq(false)}, want: 15},
			{name: "high importance", folder: mail.Inbox, q: &odata.Query{Filter: mail.Importance.Eq(item.ImportanceHigh)}, want: 7,
				check: func(t *testing.T, ms []*mail.Message) {
					for _, m := range ms {
						if m.Importance != item.ImportanceHigh {
							t.Errorf("%s: importance %q, want high", m.Subject, m.Importance)
						}
					}
				}},
			{name: "newest first, selected", folder: mail.Inbox, want: 13, q: &odata.Query{
				Filter:  mail.ReceivedDateTime.Ge(base.Add(10 * 60e9)),
				OrderBy: odata.Desc(mail.ReceivedDateTime),
				Select:  odata.Fields(mail.Subject, mail.ReceivedDateTime, mail.From),
				Top:     4,
			}, check: func(t *testing.T, ms []*mail.Message) {
				if ms[0].Subject != "m022" || ms[12].Subject != "m010" {
					t.Errorf("order: first %q last %q, want m022 and m010", ms[0].Subject, ms[12].Subject)
				}
				if ms[0].From.EmailAddress.Address != "ana@example.org" || ms[0].ReceivedDateTime.IsZero() {
					t.Errorf("selected properties missing: %+v", ms[0])
				}
				if ms[0].Body.Content != "" {
					t.Errorf("body returned though not selected: %q", ms[0].Body.Content)
				}
			}},
		}
		// A sender of the organisation: Exchange's FindItem writes them with
		// their X.500 address (RoutingType EX); the client gives SMTP.
		e.Box.Add("messages", outlooktest.Object{"subject": "from a colleague", "parentFolderId": "inbox", "isRead": true,
			"receivedDateTime": base.Add(-time.Hour).Format(time.RFC3339),
			"from":             outlooktest.Object{"emailAddress": outlooktest.Object{"name": "Colleague", "address": e.Other}},
			"sender":           outlooktest.Object{"emailAddress": outlooktest.Object{"name": "Colleague", "address": e.Other}}})
		cases = append(cases, struct {
			name   string
			folder mail.FolderID
			q      *odata.Query
			want   int
			check  func(t *testing.T, ms []*mail.Message)
		}{name: "internal sender, selected", folder: mail.Inbox, want: 1,
			q: &odata.Query{Filter: mail.Subject.Eq("from a colleague"), Select: odata.Fields(mail.Subject, mail.From, mail.Sender)},
			check: func(t *testing.T, ms []*mail.Message) {
				if ms[0].From.EmailAddress.Address != e.Other || ms[0].Sender.EmailAddress.Address != e.Other || ms[0].From.EmailAddress.Name != "Colleague" {
					t.Errorf("from %+v, sender %+v; want %s", ms[0].From.EmailAddress, ms[0].Sender.EmailAddress, e.Other)
				}
			}})
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var ms []*mail.Message
				for m, err := range e.MB.Mail.ListMessages(ctx, c.folder, c.q) {
					if err != nil {
						t.Fatalf("ListMessages(%q): %v", c.folder, err)
					}
					ms = append(ms, m)
				}
				if len(ms) != c.want {
					t.Fatalf("ListMessages(%q) gave %d messages, want %d", c.folder, len(ms), c.want)
				}
				if c.check != nil {
					c.check(t, ms)
				}
			})
		}
	})
}

func TestListMessagesStopsWhenTheLoopBreaks(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		seedInbox(e.Box, 30)
		q := &odata.Query{Top: 5}
		// What two pages cost: one request each on Graph and REST v2.0,
		// FindItem and GetItem on EWS.
		before := e.Reads("")
		p, err := e.MB.Mail.ListMessagesPage(ctx, mail.Inbox, q)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.MB.Mail.NextMessagesPage(ctx, p.NextLink); err != nil {
			t.Fatal(err)
		}
		twoPages := e.Reads("") - before
		before = e.Reads("")
		n := 0
		for _, err := range e.MB.Mail.ListMessages(ctx, mail.Inbox, q) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 7 {
				break
			}
		}
		if got := e.Reads("") - before; got != twoPages || twoPages == 0 {
			t.Errorf("breaking after 7 of 5-message pages sent %d requests, want %d (two pages)", got, twoPages)
		}
	}, outlooktest.WithPageSize(5))
}

func TestMessagePages(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		seedInbox(e.Box, 12)
		ctx := t.Context()
		p, err := e.MB.Mail.ListMessagesPage(ctx, mail.Inbox, &odata.Query{Top: 5})
		if err != nil {
			t.Fatal(err)
		}
		n := len(p.Value)
		for p.NextLink != "" {
			if p, err = e.MB.Mail.NextMessagesPage(ctx, p.NextLink); err != nil {
				t.Fatal(err)
			}
			n += len(p.Value)
		}
		if n != 12 {
			t.Errorf("pages held %d messages, want 12", n)
		}
	})
}

func TestGetMessage(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		ids := seedInbox(e.Box, 3)
		m, err := e.MB.Mail.GetMessage(ctx, ids[2], nil)
		if err != nil {
			t.Fatalf("GetMessage: %v", err)
		}
		if m.ID != ids[2] || m.Subject != "m002" || m.Importance != item.ImportanceHigh || m.Body.ContentType != item.BodyTypeHTML ||
			m.From.EmailAddress.Name != "Ana Ruiz" || !m.ReceivedDateTime.Equal(base.Add(2*60e9)) || m.ETag == "" {
			t.Errorf("GetMessage = %+v", m)
		}
		if len(m.ToRecipients) != 1 || m.ToRecipients[0].EmailAddress.Address != e.Addr {
			t.Errorf("toRecipients = %+v, want %s", m.ToRecipients, e.Addr)
		}
		// The message in Outlook on the web: Exchange Online's for Graph,
		// the server's own OWA on premises (EWS gives the query string).
		if u, err := url.Parse(m.WebLink); err != nil || u.Scheme != "https" || u.Host == "" || !strings.HasPrefix(strings.ToLower(u.Path), "/owa") || u.Query().Get("ItemID") == "" {
			t.Errorf("webLink %q is not a link to the message in Outlook on the web", m.WebLink)
		}
		if e.Loc == ews {
			// Its ItemID is the message's EWS id (the REST id in the standard
			// base64 alphabet), URL-encoded.
			ewsID := strings.NewReplacer("-", "/", "_", "+").Replace(m.ID)
			if u, _ := url.Parse(m.WebLink); !strings.HasPrefix(m.WebLink, "https://"+onPremHost+"/owa/?") || u.Query().Get("ItemID") != ewsID {
				t.Errorf("webLink %q is not the message's on its server (ItemID %s)", m.WebLink, ewsID)
			}
		}
		// A message deleted (moved to Deleted Items, where it has a new id)
		// is not found by its old id.
		if err := e.MB.Mail.DeleteMessage(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		_, err = e.MB.Mail.GetMessage(ctx, ids[0], nil)
		if !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("GetMessage(deleted) error = %v, want ErrNotFound", err)
		}
	})
}

func TestDraftLifecycle(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		d, err := svc.CreateDraft(ctx, &mail.Message{
			Subject:      "Q3 figures",
			Importance:   item.ImportanceHigh,
			Body:         item.HTMLBody("<p>See attached.</p>"),
			ToRecipients: mail.To("Ana Ruiz <ana@example.org>"),
			OutlookItem:  item.OutlookItem{Categories: []string{"Finance"}},
			Attachments:  []mail.Attachment{{Name: "q3.txt", ContentType: "text/plain", ContentBytes: []byte("42")}},
		})
		if err != nil {
			t.Fatalf("CreateDraft: %v", err)
		}
		if !d.IsDraft || d.ID == "" || d.Subject != "Q3 figures" || d.Importance != item.ImportanceHigh {
			t.Errorf("CreateDraft = %+v", d)
		}
		if got := d.ToRecipients; len(got) != 1 || got[0].EmailAddress != (item.EmailAddress{Name: "Ana Ruiz", Address: "ana@example.org"}) {
			t.Errorf("draft recipients = %+v", got)
		}
		drafts := subjects(t, svc.ListMessages(ctx, mail.Drafts, nil))
		if !slices.Contains(drafts, "Q3 figures") {
			t.Errorf("Drafts = %q, want the draft", drafts)
		}
		atts := 0
		for a, err := range svc.ListAttachments(ctx, d.ID, nil) {
			if err != nil {
				t.Fatalf("ListAttachments: %v", err)
			}
			if a.Kind != mail.FileAttachment || a.Name != "q3.txt" || string(a.ContentBytes) != "42" {
				t.Errorf("attachment = %+v", a)
			}
			atts++
		}
		if atts != 1 {
			t.Errorf("draft has %d attachments, want 1", atts)
		}

		u, err := svc.UpdateMessage(ctx, d.ID, mail.MessageUpdate{
			Subject:      odata.Set("Q3 figures (final)"),
			CcRecipients: odata.Set(mail.To("carl@example.org")),
			Categories:   odata.Null[[]string](),
			ETag:         d.ETag,
		})
		if err != nil {
			t.Fatalf("UpdateMessage: %v", err)
		}
		if u.Subject != "Q3 figures (final)" || len(u.CcRecipients) != 1 || len(u.Categories) != 0 {
			t.Errorf("UpdateMessage = subject %q cc %+v categories %q", u.Subject, u.CcRecipients, u.Categories)
		}
		if u.Importance != item.ImportanceHigh {
			t.Errorf("UpdateMessage changed importance to %q: an update must send only what it sets", u.Importance)
		}
		_, err = svc.UpdateMessage(ctx, d.ID, mail.MessageUpdate{IsRead: odata.Set(true), ETag: d.ETag})
		if !errors.Is(err, odata.ErrPreconditionFailed) {
			t.Errorf("UpdateMessage with a stale ETag: %v, want ErrPreconditionFailed", err)
		}

		cp, err := svc.CopyMessage(ctx, d.ID, mail.Inbox)
		if err != nil {
			t.Fatalf("CopyMessage: %v", err)
		}
		filed, err := svc.CreateFolder(ctx, "", "Filed")
		if err != nil {
			t.Fatal(err)
		}
		mv, err := svc.MoveMessage(ctx, d.ID, mail.FolderID(filed.ID))
		if err != nil {
			t.Fatalf("MoveMessage: %v", err)
		}
		for _, c := range []struct {
			name   string
			m      *mail.Message
			folder mail.FolderID
		}{{"copy", cp, mail.Inbox}, {"move", mv, mail.FolderID(filed.ID)}} {
			if c.m.Subject != "Q3 figures (final)" {
				t.Errorf("%s: subject %q", c.name, c.m.Subject)
			}
			f, err := svc.GetFolder(ctx, c.folder, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.m.ParentFolderID != f.ID {
				t.Errorf("%s: parentFolderId %q, want %s (%s)", c.name, c.m.ParentFolderID, c.folder, f.ID)
			}
		}
		if !slices.Contains(subjects(t, svc.ListMessages(ctx, mail.Inbox, nil)), "Q3 figures (final)") {
			t.Error("the copy is not in the Inbox")
		}
		if slices.Contains(subjects(t, svc.ListMessages(ctx, mail.Drafts, nil)), "Q3 figures (final)") {
			t.Error("the moved draft is still in Drafts")
		}
		if err := svc.DeleteMessage(ctx, cp.ID); err != nil {
			t.Fatalf("DeleteMessage: %v", err)
		}
		if _, err := svc.GetMessage(ctx, cp.ID, nil); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("GetMessage after delete: %v, want ErrNotFound", err)
		}
	})
}

func TestUnknownPropertiesSurvive(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		id := e.Box.Add("messages", outlooktest.Object{"subject": "open type", "parentFolderId": "inbox", "acmeTicket": "T-42"})
		m, err := e.MB.Mail.GetMessage(t.Context(), id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if e.Loc == ews {
			// EWS's schema is closed: a property it does not define never
			// reaches the client, so there is nothing to keep.
			if len(m.Extra) != 0 || m.Subject != "open type" {
				t.Errorf("over EWS: subject %q, extra %v", m.Subject, keys(m.Extra))
			}
			return
		}
		if got := string(m.Extra["acmeTicket"]); got != `"T-42"` {
			t.Fatalf("Extra[acmeTicket] = %s, want \"T-42\" (extra: %v)", got, keys(m.Extra))
		}
		m.Subject = "copied through a draft"
		d, err := e.MB.Mail.CreateDraft(t.Context(), m)
		if err != nil {
			t.Fatalf("CreateDraft(read message): %v", err)
		}
		got, _ := e.Box.Get("messages", d.ID)
		if got["acmeTicket"] != "T-42" {
			t.Errorf("the draft lost the unknown property: %v", got["acmeTicket"])
		}
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var _ = fmt.Sprint
