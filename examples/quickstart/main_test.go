package main

import (
	"strings"
	"testing"
)

func TestFakeTour(t *testing.T) {
	var out strings.Builder
	if err := runFake(t.Context(), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"alice@contoso.com: cloud mailbox, found by exchange-online, served at https://graph.microsoft.com/v1.0 (graph-v1.0)",
		"  inbox: Q3 budget review\n  inbox: Team offsite: dates",
		"bob@contoso.com: on-premises mailbox, found by exchange-online after 1 redirect(s), served at https://mail.contoso.com/api/v2.0 (outlook-v2.0)",
		"  inbox: Server patching tonight\n  inbox: Welcome to the team",
		`Sending "Hello from alice@contoso.com`,
		`Arrived in bob@contoso.com's inbox: "Hello from alice@contoso.com`,
		"from alice@contoso.com",
		"bob@contoso.com replies...",
		`Arrived in alice@contoso.com's inbox: "RE: Hello from alice@contoso.com`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestRealNeedsFlags(t *testing.T) {
	var out strings.Builder
	if err := runReal(t.Context(), &out, "contoso.com", "", "a@contoso.com"); err == nil {
		t.Error("missing -client-id accepted")
	}
	if err := runReal(t.Context(), &out, "contoso.com", "11111111-2222-3333-4444-555555555555", "a@x,b@x,c@x"); err == nil {
		t.Error("three mailboxes accepted")
	}
}
