package main

import (
	"strings"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	now := time.Date(2026, 11, 29, 12, 30, 0, 0, time.UTC)
	if err := run(t.Context(), &out, now); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"graph-v1.0: unread inbox messages since 2026-11-22",
		"Budget 2027 (cloud)",
		"GET /v1.0/users/alice@corp.example/mailFolders/inbox/messages?$select=subject,from&$filter=isRead eq false and receivedDateTime ge 2026-11-22T12:00:00Z&$orderby=receivedDateTime desc",
		"outlook-v2.0: unread inbox messages since 2026-11-22",
		"Budget 2027 (on-premises)",
		"GET /api/v2.0/users/alice@corp.example/MailFolders/inbox/messages?$select=Subject,From&$filter=IsRead eq false and ReceivedDateTime ge 2026-11-22T12:00:00Z&$orderby=ReceivedDateTime desc",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
