package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// The tour runs the same code on the cloud mailbox and on the on-premises
// one, served through EWS (the default) or through REST v2.0 (-rest): the
// on-premises mailbox's route says which, and the message crosses the
// hybrid both ways, from the cloud mailbox into the on-premises one's inbox
// and its reply back, each from the right sender; then a meeting the cloud
// mailbox organises reaches the on-premises calendar, is accepted there,
// and the organiser sees the acceptance.
func TestFakeTour(t *testing.T) {
	for _, tc := range []struct {
		rest bool
		bob  string
	}{
		{false, "bob@contoso.com: on-premises, EWS (default for on-premises)\n  found by exchange-online after 1 redirect(s), served at https://mail.contoso.com/EWS/Exchange.asmx\n"},
		{true, "bob@contoso.com: on-premises, REST v2.0 (chosen by WithOnPremisesAPI)\n  found by exchange-online after 1 redirect(s), served at https://mail.contoso.com/api/v2.0\n"},
	} {
		var out strings.Builder
		if err := runFake(t.Context(), &out, tc.rest); err != nil {
			t.Fatalf("rest %v: %v", tc.rest, err)
		}
		checkTour(t, out.String(), tc.bob)
	}
}

// crossed matches the lines that show a message crossing the hybrid: the
// subject sent, arrived in bob's inbox from alice, and the reply arrived in
// alice's from bob.
var crossed = regexp.MustCompile(`Sending "(Hello from alice@contoso\.com \(\d\d:\d\d:\d\d\))" from alice@contoso\.com to bob@contoso\.com\.\.\.\n` +
	`Arrived in bob@contoso\.com's inbox: "(Hello from alice@contoso\.com \(\d\d:\d\d:\d\d\))" from alice@contoso\.com\n` +
	`\nbob@contoso\.com replies\.\.\.\n` +
	`Arrived in alice@contoso\.com's inbox: "RE: (Hello from alice@contoso\.com \(\d\d:\d\d:\d\d\))" from bob@contoso\.com\n`)

func checkTour(t *testing.T, got, bob string) {
	t.Helper()
	if m := crossed.FindStringSubmatch(got); m == nil || m[1] != m[2] || m[1] != m[3] {
		t.Errorf("the message did not cross the hybrid both ways, from the right senders:\n%s", got)
	}
	for _, want := range []string{
		"alice@contoso.com: cloud, Microsoft Graph (the API of Exchange Online)\n  found by exchange-online, served at https://graph.microsoft.com/v1.0\n",
		"  inbox: Q3 budget review\n  inbox: Team offsite: dates",
		bob,
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
	if !met.MatchString(got) {
		t.Errorf("the meeting was not accepted across the hybrid:\n%s", got)
	}
}

// met matches the lines of the meeting: invited, in bob's calendar from
// alice, accepted, seen accepted by alice.
var met = regexp.MustCompile(`\nalice@contoso\.com invites bob@contoso\.com to "(Quickstart sync \(\d\d:\d\d:\d\d\))"\.\.\.\n` +
	`In bob@contoso\.com's calendar: "Quickstart sync \(\d\d:\d\d:\d\d\)", organised by alice@contoso\.com\n` +
	`bob@contoso\.com accepts\.\.\.\n` +
	`alice@contoso\.com sees bob@contoso\.com: accepted\n`)

// Flags that do not make a run are refused with the usage error before
// anything else: the context is already cancelled, so a run that got past
// the check would fail otherwise (and never reach the network).
func TestRealNeedsFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	const id = "11111111-2222-3333-4444-555555555555"
	for _, tc := range []struct{ name, clientID, mailboxes string }{
		{"no client id", "", "a@contoso.com"},
		{"no mailbox", id, ""},
		{"three mailboxes", id, "a@contoso.com,b@contoso.com,c@contoso.com"},
		{"an empty mailbox", id, "a@contoso.com, "},
	} {
		var out strings.Builder
		if err := runReal(ctx, &out, "contoso.com", tc.clientID, tc.mailboxes, false); !errors.Is(err, errUsage) {
			t.Errorf("%s: err = %v, want the usage error", tc.name, err)
		}
	}
	// Good flags pass the check and stop at the cancelled context.
	var out strings.Builder
	if err := runReal(ctx, &out, "contoso.com", id, "a@contoso.com,b@contoso.com", true); errors.Is(err, errUsage) || !errors.Is(err, context.Canceled) {
		t.Errorf("good flags: err = %v, want the context's", err)
	}
}
