package outlook_test

import (
	"os"
	"strings"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/outlooktest"
)

// TestInbox is the test outlooktest's package comment opens with, run as
// written (TestOutlooktestDocOpensWithTestInbox keeps the two the same).
func TestInbox(t *testing.T) {
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud).
		Add("messages", outlooktest.Object{"subject": "Hello"})

	c, err := outlook.NewClient(outlook.FromTokenSource(srv.TokenSource("alice@contoso.com")),
		outlook.WithHTTPClient(srv.Client())) // the one line: nothing leaves the process
	if err != nil {
		t.Fatal(err)
	}
	mb, err := c.Mailbox(t.Context(), "alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	for m, err := range mb.Mail.ListMessages(t.Context(), mail.Inbox, nil) {
		if err != nil || m.Subject != "Hello" {
			t.Errorf("message %+v, %v", m, err)
		}
	}
}

// The package comment's opening test is TestInbox, line for line.
func TestOutlooktestDocOpensWithTestInbox(t *testing.T) {
	doc, err := os.ReadFile("outlooktest/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("outlooktest_doc_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var inDoc []string
	for _, l := range strings.Split(string(doc), "\n") {
		if code, ok := strings.CutPrefix(l, "//\t"); ok {
			inDoc = append(inDoc, code)
		} else if len(inDoc) > 0 && l != "//" {
			break
		} else if len(inDoc) > 0 {
			inDoc = append(inDoc, "")
		}
	}
	body := string(src)
	body = body[strings.Index(body, "func TestInbox("):]
	body = body[:strings.Index(body, "\n}\n")+2]
	if got, want := strings.TrimSpace(strings.Join(inDoc, "\n")), strings.TrimSpace(body); got != want {
		t.Errorf("outlooktest/doc.go opens with\n%s\n\nbut TestInbox is\n%s", got, want)
	}
}
