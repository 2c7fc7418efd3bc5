// Command sendmail sends a message from the command line, from any mailbox
// wherever it lives (Exchange Online through Microsoft Graph, on-premises
// Exchange through EWS or the Outlook REST API v2.0), with attachments of
// any size Exchange takes: large ones through upload sessions where the
// mailbox has them (Graph), in one request on premises.
//
// With no flags it runs against a demo hybrid tenant in process
// (outlooktest): alice (cloud) sends bob (on premises, EWS) a message with a
// 4 MB attachment, copied to carol (on premises, REST v2.0), and each
// recipient's mailbox is read back:
//
//	go run ./examples/sendmail
//
// Against a real tenant, after a device code sign-in (delegated permission
// Mail.Send, and Mail.ReadWrite for attachments over 2 MB, which go through
// a draft):
//
//	echo "See attached." | go run ./examples/sendmail -tenant contoso.com -client-id <app id> -from me@contoso.com \
//		-to bob@contoso.com -cc carol@contoso.com -subject "Q3 figures" -attach q3.xlsx
//
// The body comes from -body (a file, "-" for standard input) or, without it,
// from standard input when that is not a terminal.
//
// Exit codes, for scripts:
//
//	0  sent
//	1  not sent: the service refused the message or could not be reached
//	2  not sent: bad flags, an invalid address, an unreadable or too large file
//	3  the message MAY have been sent (the connection broke after the server
//	   got it): check Sent Items before sending it again
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/exchangekit/outlook/examples/internal/demo"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the program: flags in, exit code out.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("sendmail", flag.ContinueOnError)
	fl.SetOutput(stderr)
	tenant := fl.String("tenant", "", "Entra ID tenant (id or domain) of a real organisation; empty runs against the in-process demo tenant")
	clientID := fl.String("client-id", "", "application (client) id of a public client app registration")
	rest := fl.Bool("rest", false, "serve on-premises mailboxes through the Outlook REST API v2.0 instead of EWS")
	from := fl.String("from", "", "the mailbox to send from (demo: "+demo.Cloud+")")
	to := fl.String("to", "", "recipients, comma-separated")
	cc := fl.String("cc", "", "copy recipients, comma-separated")
	bcc := fl.String("bcc", "", "blind copy recipients, comma-separated")
	subject := fl.String("subject", "", "the subject")
	body := fl.String("body", "", `file holding the body, "-" for standard input; empty: standard input unless it is a terminal`)
	html := fl.Bool("html", false, "the body is HTML")
	noSave := fl.Bool("no-save", false, "keep no copy in Sent Items")
	var attach []string
	fl.Func("attach", "a file to attach (repeat for more)", func(p string) error { attach = append(attach, p); return nil })
	if err := fl.Parse(args); err != nil {
		return ExitUsage
	}
	m := Message{To: demo.SplitList(*to), Cc: demo.SplitList(*cc), Bcc: demo.SplitList(*bcc),
		Subject: *subject, HTML: *html, Attachments: attach, SkipSentItems: *noSave}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	src := *body
	if src == "" && !isTerminal(stdin) {
		src = "-"
	}
	if src != "" {
		var err error
		if m.Body, err = readBody(src, stdin); err != nil {
			fmt.Fprintln(stderr, Explain(err, *from))
			return ExitCode(err)
		}
	}
	if *tenant == "" {
		return runDemo(ctx, stdout, stderr, *from, m)
	}
	if *from == "" || *clientID == "" {
		fmt.Fprintln(stderr, "Not sent: with -tenant, give -client-id and -from.")
		return ExitUsage
	}
	r := demo.Real{Tenant: *tenant, ClientID: *clientID, Scopes: []string{"Mail.Send", "Mail.ReadWrite"}, REST: *rest, Prompt: stderr}
	c, err := r.Client()
	if err == nil {
		mb, merr := c.Mailbox(ctx, *from)
		if err = merr; err == nil {
			err = Send(ctx, mb, m)
		}
	}
	if err == nil {
		fmt.Fprintln(stdout, Explain(nil, *from))
	} else {
		fmt.Fprintln(stderr, Explain(err, *from))
	}
	return ExitCode(err)
}

// isTerminal reports whether r is a terminal (where nobody has piped a
// body in).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// usageLine joins addresses for the demo's narration.
func usageLine(addrs []string) string { return strings.Join(addrs, ", ") }
