package store

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// rulesBox returns a store with alice (whose rules a test sets), bob and
// carol, and alice's folder "Projects" and "Archive2".
func rulesBox(t *testing.T) (st *Store, alice, bob, carol *Mailbox, projects, other string) {
	t.Helper()
	st = New(time.Now)
	alice = st.EnsureMailbox("alice@contoso.com")
	bob = st.EnsureMailbox("bob@contoso.com")
	carol = st.EnsureMailbox("carol@contoso.com")
	p, err := alice.Create("mailFolders", alice.RootFolder(), Object{"displayName": "Projects"}, true)
	if err != nil {
		t.Fatal(err)
	}
	o, err := alice.Create("mailFolders", alice.RootFolder(), Object{"displayName": "Other"}, true)
	if err != nil {
		t.Fatal(err)
	}
	return st, alice, bob, carol, p.id, o.id
}

func rcpt(addrs ...string) []any {
	out := []any{}
	for _, a := range addrs {
		out = append(out, Object{"emailAddress": Object{"name": strings.ToUpper(a[:1]) + a[1:strings.Index(a, "@")], "address": a}})
	}
	return out
}

// send sends msg from mailbox from through SendTo, the path every protocol's
// send takes.
func send(t *testing.T, from *Mailbox, msg Object, atts ...Object) {
	t.Helper()
	d, err := from.Create("messages", from.WellKnown("drafts"), msg, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range atts {
		if _, err := from.AddAttachment(d.id, a, true); err != nil {
			t.Fatal(err)
		}
	}
	from.Send(d, true)
}

func inFolder(m *Mailbox, folder string) []Object {
	var out []Object
	for _, e := range m.List("messages", func(e *Entity) bool { return e.parent == folder }) {
		out = append(out, e.obj)
	}
	return out
}

func subjects(objs []Object) []string {
	var out []string
	for _, o := range objs {
		s, _ := o["subject"].(string)
		out = append(out, s)
	}
	return out
}

func TestRulesOnDelivery(t *testing.T) {
	type where struct{ inbox, projects, other, deleted int }
	file := Object{"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentBytes": "aGk="}
	tests := []struct {
		name  string
		rules []Object // each created in this order
		msg   Object   // sent by carol to alice unless it names recipients
		atts  []Object
		want  where
		check func(t *testing.T, got Object) // the message where it ended up (first found)
	}{
		{name: "no rules", msg: Object{"subject": "hi"}, want: where{inbox: 1}},
		{
			name:  "subject word moves",
			rules: []Object{{"displayName": "r", "conditions": Object{"subjectContains": []any{"nomatch", "PROJECT"}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "About the project plan"}, want: where{projects: 1},
		},
		{
			name:  "subject word absent",
			rules: []Object{{"displayName": "r", "conditions": Object{"subjectContains": []any{"invoice"}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "About the project plan"}, want: where{inbox: 1},
		},
		{
			name:  "sender address marks read",
			rules: []Object{{"displayName": "r", "conditions": Object{"fromAddresses": rcpt("CAROL@contoso.com")}, "actions": Object{"markAsRead": true}}},
			msg:   Object{"subject": "x"}, want: where{inbox: 1},
			check: func(t *testing.T, got Object) {
				if got["isRead"] != true {
					t.Errorf("isRead = %v, want true", got["isRead"])
				}
			},
		},
		{
			name:  "sender address of someone else",
			rules: []Object{{"displayName": "r", "conditions": Object{"fromAddresses": rcpt("dave@contoso.com")}, "actions": Object{"markAsRead": true}}},
			msg:   Object{"subject": "x"}, want: where{inbox: 1},
			check: func(t *testing.T, got Object) {
				if got["isRead"] != false {
					t.Errorf("isRead = %v, want false", got["isRead"])
				}
			},
		},
		{
			name:  "senderContains matches the display name",
			rules: []Object{{"displayName": "r", "conditions": Object{"senderContains": []any{"arol"}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x"}, want: where{projects: 1},
		},
		{
			name:  "sentToMe does not hold for Cc",
			rules: []Object{{"displayName": "r", "conditions": Object{"sentToMe": true}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x", "toRecipients": rcpt("bob@contoso.com"), "ccRecipients": rcpt("alice@contoso.com")}, want: where{inbox: 1},
		},
		{
			name:  "sentCcMe",
			rules: []Object{{"displayName": "r", "conditions": Object{"sentCcMe": true}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x", "toRecipients": rcpt("bob@contoso.com"), "ccRecipients": rcpt("alice@contoso.com")}, want: where{projects: 1},
		},
		{
			name:  "sentOnlyToMe with another recipient",
			rules: []Object{{"displayName": "r", "conditions": Object{"sentOnlyToMe": true}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x", "toRecipients": rcpt("alice@contoso.com", "bob@contoso.com")}, want: where{inbox: 1},
		},
		{
			name:  "sentToAddresses matches a distribution of To and Cc",
			rules: []Object{{"displayName": "r", "conditions": Object{"sentToAddresses": rcpt("bob@contoso.com")}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x", "toRecipients": rcpt("alice@contoso.com"), "ccRecipients": rcpt("bob@contoso.com")}, want: where{projects: 1},
		},
		{
			name:  "bodyContains reads the text of an HTML body",
			rules: []Object{{"displayName": "r", "conditions": Object{"bodyContains": []any{"quarterly report"}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x", "body": Object{"contentType": "html", "content": "<p>The <b>Quarterly</b> report is due</p>"}}, want: where{projects: 1},
		},
		{
			name:  "bodyContains does not read markup",
			rules: []Object{{"displayName": "r", "conditions": Object{"bodyContains": []any{"<b>"}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x", "body": Object{"contentType": "html", "content": "<p>The <b>Quarterly</b> report is due</p>"}}, want: where{inbox: 1},
		},
		{
			name:  "bodyContains",
			rules: []Object{{"displayName": "r", "conditions": Object{"bodyContains": []any{"report is"}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x", "body": Object{"contentType": "html", "content": "<p>The <b>Quarterly</b> report is due</p>"}}, want: where{projects: 1},
		},
		{
			name:  "bodyOrSubjectContains in the subject",
			rules: []Object{{"displayName": "r", "conditions": Object{"bodyOrSubjectContains": []any{"budget"}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "Budget 2027", "body": Object{"contentType": "text", "content": "see attached"}}, want: where{projects: 1},
		},
		{
			name:  "importance assigns categories once",
			rules: []Object{{"displayName": "r", "conditions": Object{"importance": "high"}, "actions": Object{"assignCategories": []any{"Red", "Urgent", "red"}}}},
			msg:   Object{"subject": "x", "importance": "high"}, want: where{inbox: 1},
			check: func(t *testing.T, got Object) {
				if c := strs(got["categories"]); !slices.Equal(c, []string{"Red", "Urgent"}) {
					t.Errorf("categories = %v, want [Red Urgent]", c)
				}
			},
		},
		{
			name:  "importance of another level",
			rules: []Object{{"displayName": "r", "conditions": Object{"importance": "high"}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x", "importance": "low"}, want: where{inbox: 1},
		},
		{
			name:  "hasAttachments copies",
			rules: []Object{{"displayName": "r", "conditions": Object{"hasAttachments": true}, "actions": Object{"copyToFolder": "{projects}"}}},
			msg:   Object{"subject": "x"}, atts: []Object{file}, want: where{inbox: 1, projects: 1},
		},
		{
			name:  "hasAttachments without any",
			rules: []Object{{"displayName": "r", "conditions": Object{"hasAttachments": true}, "actions": Object{"copyToFolder": "{projects}"}}},
			msg:   Object{"subject": "x"}, want: where{inbox: 1},
		},
		{
			name: "an exception holds",
			rules: []Object{{"displayName": "r", "conditions": Object{"subjectContains": []any{"news"}},
				"exceptions": Object{"importance": "high", "senderContains": []any{"carol"}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg: Object{"subject": "news"}, want: where{inbox: 1},
		},
		{
			name: "no exception holds",
			rules: []Object{{"displayName": "r", "conditions": Object{"subjectContains": []any{"news"}},
				"exceptions": Object{"importance": "high", "senderContains": []any{"dave"}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg: Object{"subject": "news"}, want: where{projects: 1},
		},
		{
			name:  "a disabled rule is skipped",
			rules: []Object{{"displayName": "r", "isEnabled": false, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x"}, want: where{inbox: 1},
		},
		{
			name: "sequence order and stop processing",
			rules: []Object{
				{"displayName": "third", "sequence": float64(3), "actions": Object{"moveToFolder": "{other}"}},
				{"displayName": "second", "sequence": float64(2), "actions": Object{"moveToFolder": "{projects}", "stopProcessingRules": true}},
				{"displayName": "first", "sequence": float64(1), "actions": Object{"assignCategories": []any{"One"}}},
			},
			msg: Object{"subject": "x"}, want: where{projects: 1},
			check: func(t *testing.T, got Object) {
				if c := strs(got["categories"]); !slices.Equal(c, []string{"One"}) {
					t.Errorf("categories = %v, want [One]", c)
				}
			},
		},
		{
			name: "a second move files a copy",
			rules: []Object{
				{"displayName": "a", "actions": Object{"moveToFolder": "{projects}"}},
				{"displayName": "b", "actions": Object{"moveToFolder": "{other}"}},
			},
			msg: Object{"subject": "x"}, want: where{projects: 1, other: 1},
		},
		{
			name:  "delete",
			rules: []Object{{"displayName": "r", "conditions": Object{"subjectContains": []any{"spam"}}, "actions": Object{"delete": true}}},
			msg:   Object{"subject": "spam spam"}, want: where{deleted: 1},
		},
		{
			name:  "permanentDelete",
			rules: []Object{{"displayName": "r", "actions": Object{"permanentDelete": true, "moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x"}, want: where{},
		},
		{
			name:  "a condition the fake cannot evaluate",
			rules: []Object{{"displayName": "r", "conditions": Object{"withinSizeRange": Object{"minimumSize": float64(0), "maximumSize": float64(100)}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x"}, want: where{inbox: 1},
		},
		{
			name:  "a condition set to false is not set",
			rules: []Object{{"displayName": "r", "conditions": Object{"hasAttachments": false, "subjectContains": []any{}}, "actions": Object{"moveToFolder": "{projects}"}}},
			msg:   Object{"subject": "x"}, want: where{projects: 1},
		},
		{
			name:  "a move to a folder that is gone",
			rules: []Object{{"displayName": "r", "actions": Object{"moveToFolder": "AAMkAGone"}}},
			msg:   Object{"subject": "x"}, want: where{inbox: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, alice, _, carol, projects, other := rulesBox(t)
			st.Lock()
			defer st.Unlock()
			for _, r := range tt.rules {
				r = schemaCopy(r)
				if act, ok := r["actions"].(Object); ok {
					for k, v := range act {
						switch v {
						case "{projects}":
							act[k] = projects
						case "{other}":
							act[k] = other
						}
					}
				}
				if _, err := alice.Create("messageRules", alice.WellKnown("inbox"), r, true); err != nil {
					t.Fatal(err)
				}
			}
			msg := schemaCopy(tt.msg)
			if msg["toRecipients"] == nil {
				msg["toRecipients"] = rcpt("alice@contoso.com")
			}
			send(t, carol, msg, tt.atts...)
			got := where{
				inbox:    len(inFolder(alice, alice.WellKnown("inbox"))),
				projects: len(inFolder(alice, projects)),
				other:    len(inFolder(alice, other)),
				deleted:  len(inFolder(alice, alice.WellKnown("deleteditems"))),
			}
			if got != tt.want {
				t.Fatalf("messages in inbox, projects, other, deleted = %+v, want %+v", got, tt.want)
			}
			if tt.check != nil {
				for _, f := range []string{alice.WellKnown("inbox"), projects, other} {
					if l := inFolder(alice, f); len(l) > 0 {
						tt.check(t, l[0])
						break
					}
				}
			}
		})
	}
}

func schemaCopy(o Object) Object {
	out := Object{}
	for k, v := range o {
		if m, ok := v.(Object); ok {
			v = schemaCopy(m)
		}
		out[k] = v
	}
	return out
}

func TestRulesForward(t *testing.T) {
	st, alice, bob, carol, _, _ := rulesBox(t)
	st.Lock()
	defer st.Unlock()
	for _, r := range []Object{
		{"displayName": "fw", "conditions": Object{"subjectContains": []any{"fw"}}, "actions": Object{"forwardTo": rcpt("bob@contoso.com", "outside@fabrikam.com")}},
		{"displayName": "redirect", "conditions": Object{"subjectContains": []any{"redirect"}}, "actions": Object{"redirectTo": rcpt("bob@contoso.com")}},
		{"displayName": "attach", "conditions": Object{"subjectContains": []any{"attach"}}, "actions": Object{"forwardAsAttachmentTo": rcpt("bob@contoso.com")}},
	} {
		if _, err := alice.Create("messageRules", alice.WellKnown("inbox"), r, true); err != nil {
			t.Fatal(err)
		}
	}
	// bob forwards everything back to alice: the loop ends after one round.
	if _, err := bob.Create("messageRules", bob.WellKnown("inbox"), Object{"displayName": "back", "actions": Object{"forwardTo": rcpt("alice@contoso.com")}}, true); err != nil {
		t.Fatal(err)
	}
	send(t, carol, Object{"subject": "please fw", "toRecipients": rcpt("alice@contoso.com"), "body": Object{"contentType": "text", "content": "original text"}},
		Object{"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentBytes": "aGk="})
	send(t, carol, Object{"subject": "redirect me", "toRecipients": rcpt("alice@contoso.com")})
	send(t, carol, Object{"subject": "attach me", "toRecipients": rcpt("alice@contoso.com")})

	got := inFolder(bob, bob.WellKnown("inbox"))
	if s := subjects(got); !slices.Equal(s, []string{"FW: please fw", "redirect me", "FW: attach me"}) {
		t.Fatalf("bob's inbox = %q", s)
	}
	from := func(o Object, key string) string { return addrs([]any{o[key]})[0] }
	if f := from(got[0], "from"); f != "alice@contoso.com" {
		t.Errorf("forward from %s, want alice", f)
	}
	if b, _ := got[0]["body"].(map[string]any); !strings.Contains(b["content"].(string), "original text") {
		t.Errorf("forward body %v does not quote the original", b)
	}
	if got[0]["hasAttachments"] != true {
		t.Error("the forward lost the original's attachment")
	}
	if f := from(got[1], "from"); f != "carol@contoso.com" {
		t.Errorf("redirect from %s, want carol (the original sender)", f)
	}
	var atts []Object
	for _, a := range bob.List("attachments", func(a *Entity) bool { return a.parent == bob.Find("messages", got[2]["id"].(string)).id }) {
		atts = append(atts, a.obj)
	}
	if len(atts) != 1 || atts[0]["@odata.type"] != "#microsoft.graph.itemAttachment" || atts[0]["name"] != "attach me" {
		t.Errorf("forward as attachment carries %v", atts)
	}
	// alice: the three originals, and bob's forwards of them, which her
	// rules do not send on again.
	if s := subjects(inFolder(alice, alice.WellKnown("inbox"))); len(s) != 6 {
		t.Errorf("alice's inbox = %q, want the 3 originals and bob's 3 forwards", s)
	}
	if n := len(inFolder(bob, bob.WellKnown("inbox"))); n != 3 {
		t.Errorf("bob's inbox holds %d messages after the loop, want 3", n)
	}
}

func TestRulesOnMeetingMessages(t *testing.T) {
	st, alice, _, carol, projects, _ := rulesBox(t)
	st.Lock()
	defer st.Unlock()
	if _, err := alice.Create("messageRules", alice.WellKnown("inbox"), Object{"displayName": "m", "conditions": Object{"isMeetingRequest": true}, "actions": Object{"moveToFolder": projects}}, true); err != nil {
		t.Fatal(err)
	}
	ev, err := carol.Create("events", carol.DefaultCalendar(), Object{
		"subject": "Sync", "start": Object{"dateTime": "2027-01-04T10:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2027-01-04T11:00:00", "timeZone": "UTC"},
		"attendees": []any{Object{"type": "required", "emailAddress": Object{"address": "alice@contoso.com", "name": "Alice"}}},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	carol.Invite(ev, nil)
	if s := subjects(inFolder(alice, projects)); len(s) != 1 {
		t.Fatalf("projects = %q, want the invitation", s)
	}
	if n := len(inFolder(alice, alice.WellKnown("inbox"))); n != 0 {
		t.Errorf("inbox holds %d messages, want 0", n)
	}
}

func TestDeliver(t *testing.T) {
	st, alice, _, _, projects, _ := rulesBox(t)
	st.Lock()
	defer st.Unlock()
	if _, err := alice.Create("messageRules", alice.WellKnown("inbox"), Object{"displayName": "m", "conditions": Object{"senderContains": []any{"fabrikam"}}, "actions": Object{"moveToFolder": projects}}, true); err != nil {
		t.Fatal(err)
	}
	id, err := alice.Deliver(Object{"subject": "from outside", "parentFolderId": "drafts", "from": Object{"emailAddress": Object{"address": "x@fabrikam.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	e := alice.Lookup("messages", id)
	if e == nil || e.parent != projects {
		t.Fatalf("Deliver answered %q, in %v; want the message in Projects", id, e)
	}
}
