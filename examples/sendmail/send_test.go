package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/outlooktest"
)

// start starts the demo tenant and opens the mailbox addr.
func start(t *testing.T, addr string) (*demo.Tenant, *outlook.Mailbox) {
	t.Helper()
	tn, err := demo.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tn.Close)
	mb, err := tn.Mailbox(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	return tn, mb
}

// tempFile writes a file of n bytes and returns its path.
func tempFile(t *testing.T, name string, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), n), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// uploads counts the upload session requests the fake saw.
func uploads(tn *demo.Tenant) int {
	n := 0
	for _, r := range tn.Server.Requests() {
		if strings.HasSuffix(r.Path, "/createUploadSession") {
			n++
		}
	}
	return n
}

// From each kind of mailbox, a message with a small and a large file
// reaches every recipient (to, cc, bcc) with both files; the large one goes
// through an upload session from the cloud mailbox and in one request on
// premises, where there are none. The draft it went through is not left
// behind.
func TestSendEverywhere(t *testing.T) {
	for _, from := range demo.Addresses {
		t.Run(from, func(t *testing.T) {
			t.Parallel()
			tn, mb := start(t, from)
			var rcpts []string
			for _, a := range demo.Addresses {
				if a != from {
					rcpts = append(rcpts, a)
				}
			}
			m := Message{To: rcpts[:1], Bcc: rcpts[1:], Subject: "Report from " + from, Body: "Attached.",
				Attachments: []string{tempFile(t, "small.txt", 100), tempFile(t, "large.bin", 7<<19)}}
			if err := Send(t.Context(), mb, m); err != nil {
				t.Fatalf("%s: %v", Explain(err, from), err)
			}
			for _, addr := range rcpts {
				rcpt, err := tn.Mailbox(t.Context(), addr)
				if err != nil {
					t.Fatal(err)
				}
				line, err := received(t.Context(), rcpt.Mail, m.Subject)
				if err != nil {
					t.Fatalf("%s: %v", addr, err)
				}
				for _, want := range []string{"from " + from, "small.txt (0.0 MB)", "large.bin (3.5 MB)"} {
					if !strings.Contains(line, want) {
						t.Errorf("%s: %s; want %q", addr, line, want)
					}
				}
			}
			wantUploads := 0
			if mb.Route().API == outlook.Graph {
				wantUploads = 1
			}
			if got := uploads(tn); got != wantUploads {
				t.Errorf("%d upload sessions; want %d", got, wantUploads)
			}
			for msg, err := range mb.Mail.ListMessages(t.Context(), mail.Drafts, nil) {
				if err != nil {
					t.Fatal(err)
				}
				t.Errorf("a draft is left: %q", msg.Subject)
			}
		})
	}
}

// Each kind of failure gives its exit code and a sentence a person acts
// on; a usage error sends nothing.
func TestFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault *outlooktest.Fault
		m     func(t *testing.T) Message
		code  int
		say   []string
	}{{
		name: "no recipients",
		m:    func(*testing.T) Message { return Message{Subject: "x"} },
		code: ExitUsage, say: []string{"Not sent: no recipients"},
	}, {
		name: "bad address",
		m:    func(*testing.T) Message { return Message{To: []string{"bob@"}} },
		code: ExitUsage, say: []string{"Not sent: -to: recipient 1"},
	}, {
		name: "missing file",
		m: func(t *testing.T) Message {
			return Message{To: []string{demo.EWS}, Attachments: []string{filepath.Join(t.TempDir(), "nope.pdf")}}
		},
		code: ExitUsage, say: []string{"Not sent: attachment:", "nope.pdf"},
	}, {
		name:  "connection lost after the server got it",
		fault: &outlooktest.Fault{Host: "graph.microsoft.com", Method: "POST", Path: "/users/*/sendMail", DropAfterBody: true},
		m:     func(*testing.T) Message { return Message{To: []string{demo.EWS}, Subject: "x"} },
		code:  ExitUnknown, say: []string{"MAY HAVE BEEN SENT", "Check alice@contoso.com's Sent Items before sending it again"},
	}, {
		name:  "throttled",
		fault: &outlooktest.Fault{Host: "graph.microsoft.com", Method: "POST", Path: "/users/*/sendMail", Status: 429},
		m:     func(*testing.T) Message { return Message{To: []string{demo.EWS}, Subject: "x"} },
		code:  ExitNotSent, say: []string{"Not sent: Exchange is throttling alice@contoso.com"},
	}, {
		name:  "upload refused: the draft is removed",
		fault: &outlooktest.Fault{Host: "outlook.office.com", Method: "PUT", Status: 403},
		m: func(t *testing.T) Message {
			return Message{To: []string{demo.EWS}, Subject: "x", Attachments: []string{tempFile(t, "big.bin", 7<<19)}}
		},
		code: ExitNotSent, say: []string{"Not sent: ", "attaching big.bin"},
	}, {
		name:  "draft refused at sending: the draft is removed",
		fault: &outlooktest.Fault{Host: "graph.microsoft.com", Method: "POST", Path: "/users/*/messages/*/send", Status: 403},
		m: func(t *testing.T) Message {
			return Message{To: []string{demo.EWS}, Subject: "x", Attachments: []string{tempFile(t, "big.bin", 7<<19)}}
		},
		code: ExitNotSent, say: []string{"Not sent: not allowed to send as alice@contoso.com"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tn, mb := start(t, demo.Cloud)
			if tc.fault != nil {
				tn.Server.Inject(*tc.fault)
			}
			err := Send(t.Context(), mb, tc.m(t))
			if got := ExitCode(err); got != tc.code {
				t.Errorf("exit code %d, want %d (%v)", got, tc.code, err)
			}
			said := Explain(err, demo.Cloud)
			for _, want := range tc.say {
				if !strings.Contains(said, want) {
					t.Errorf("says %q; want %q in it", said, want)
				}
			}
			if n := len(tn.Server.Mailbox(demo.EWS).Items("messages")); n != 0 && tc.code != ExitUnknown {
				t.Errorf("not sent, yet bob has %d messages", n)
			}
			for msg, err := range mb.Mail.ListMessages(context.WithoutCancel(t.Context()), mail.Drafts, nil) {
				if err != nil {
					t.Fatal(err)
				}
				t.Errorf("a draft is left: %q", msg.Subject)
			}
		})
	}
}

// The command with no flags sends the demo message and exits 0; a body
// piped in is the body; bad flags exit 2.
func TestRun(t *testing.T) {
	var out, errs strings.Builder
	if code := run(nil, strings.NewReader(""), &out, &errs); code != ExitSent {
		t.Fatalf("exit %d: %s%s", code, out.String(), errs.String())
	}
	for _, want := range []string{"From alice@contoso.com (Graph) to bob@contoso.com, copied to carol@contoso.com", "Sent.",
		"bob@contoso.com (EWS): received", "carol@contoso.com (REST v2.0): received", "figures.bin (4.0 MB)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run([]string{"-from", demo.REST, "-to", demo.Cloud, "-subject", "piped", "-attach", tempFile(t, "a.txt", 10)}, strings.NewReader("from stdin"), &out, &errs); code != ExitSent {
		t.Fatalf("exit %d: %s%s", code, out.String(), errs.String())
	}
	if !strings.Contains(out.String(), `alice@contoso.com (Graph): received "piped" from carol@contoso.com, with a.txt`) {
		t.Errorf("output:\n%s", out.String())
	}
	if code := run([]string{"-nope"}, strings.NewReader(""), &out, &errs); code != ExitUsage {
		t.Errorf("an unknown flag exits %d, want %d", code, ExitUsage)
	}
}
