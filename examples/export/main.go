// Command export exports mailboxes to .eml files, one folder tree per
// mailbox, and resumes where it stopped: run it again after an interruption
// (Ctrl-C, a crash, a lost network) and it downloads only what it has not
// written yet, through change tracking (mail.Service.SyncMessages), whose
// state it keeps per folder in a state file beside the export. A later run
// brings the export up to date the same way: new messages are written,
// deleted ones removed.
//
// With no flags it exports the three mailboxes of a demo hybrid tenant that
// runs in process (outlooktest): a cloud mailbox served through Microsoft
// Graph, an on-premises one through EWS and another through the Outlook REST
// API v2.0 (which serves no MIME content: the .eml is composed from the
// message's properties and attachments). -faults makes the fake throttle and
// drop connections, to show the export survives them:
//
//	go run ./examples/export [-out export] [-faults]
//
// Against a real tenant, signed in with a device code (delegated permission
// Mail.Read; on premises the user needs access to each mailbox):
//
//	go run ./examples/export -tenant contoso.com -client-id <app id> -mailbox a@contoso.com,b@contoso.com [-folders Inbox,Archive/2025] [-rest]
//
// As a daemon, with an app credential from the environment instead:
// OUTLOOK_CLIENT_SECRET (application permission Mail.Read, Exchange Online),
// and for on-premises mailboxes OUTLOOK_ONPREM_ACCOUNT and
// OUTLOOK_ONPREM_PASSWORD (a service account with ApplicationImpersonation).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sync/atomic"

	"github.com/schollz/progressbar/v3"

	"github.com/exchangekit/outlook/examples/internal/demo"
)

func main() {
	log.SetFlags(0)
	tenant := flag.String("tenant", "", "Entra ID tenant (id or domain) of a real organisation; empty runs against the in-process demo tenant")
	clientID := flag.String("client-id", "", "application (client) id of the app registration")
	mailboxes := flag.String("mailbox", "", "mailbox addresses to export, comma-separated")
	rest := flag.Bool("rest", false, "serve on-premises mailboxes through the Outlook REST API v2.0 instead of EWS")
	out := flag.String("out", "", "directory to export into; empty: ./export, or a new temporary directory for the demo tenant")
	folders := flag.String("folders", "", "folder paths to export, comma-separated (\"Inbox,Inbox/Projects\"); empty exports every mail folder")
	workers := flag.Int("workers", MaxWorkers, fmt.Sprintf("concurrent downloads per mailbox (at most %d, Exchange's limit)", MaxWorkers))
	faults := flag.Bool("faults", false, "demo tenant only: throttle and drop connections at a share of the requests")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := Options{Folders: demo.SplitList(*folders), Workers: *workers}
	if isTerminal(os.Stdout) {
		opts.Progress = newBar()
	}
	var err error
	if *tenant == "" {
		err = runDemo(ctx, os.Stdout, *out, opts, *faults)
	} else {
		opts.Dir, opts.Log = *out, os.Stderr
		if opts.Dir == "" {
			opts.Dir = "export"
		}
		var res Result
		res, err = runReal(ctx, opts, demo.Real{Tenant: *tenant, ClientID: *clientID, Scopes: []string{"Mail.Read"}, REST: *rest, Prompt: os.Stderr, Daemon: true}, demo.SplitList(*mailboxes))
		fmt.Printf("%s, in %s\n", res, opts.Dir)
		if err != nil {
			err = fmt.Errorf("%w\nrun the same command again to resume", err)
		}
	}
	if err != nil {
		log.Fatalf("export stopped: %v", err)
	}
}

func (r Result) String() string {
	return fmt.Sprintf("%d messages written, %d already on disk, %d files removed", r.Written, r.Skipped, r.Removed)
}

// demoMessages is how many messages each demo mailbox holds.
const demoMessages = 40

// runDemo exports the demo tenant, seeded with a few folders of mail, into
// dir (a new temporary directory when ""): it interrupts the export half
// way, as Ctrl-C would, resumes it, then brings it up to date after the
// mailboxes change. The tenant lives only as long as the run, so the demo
// starts from an empty directory.
func runDemo(ctx context.Context, w io.Writer, dir string, opts Options, faults bool) error {
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "export-demo-"); err != nil {
			return err
		}
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: the demo tenant is new at each run, so its export starts from an empty directory", dir)
	}
	opts.Dir = dir
	t, err := demo.Start()
	if err != nil {
		return err
	}
	defer t.Close()
	seed(t, demoMessages)
	boxes, err := t.Mailboxes(ctx)
	if err != nil {
		return err
	}
	for _, mb := range boxes {
		fmt.Fprintf(w, "%s: %s\n", mb.Address(), mb.Route())
	}
	if faults {
		t.Storm()
		fmt.Fprintln(w, "The fake throttles and drops connections at a share of the requests (-faults).")
	}

	// An interruption half way.
	half := demoMessages * len(boxes) / 2
	cut, cancel := context.WithCancel(ctx)
	first := opts
	var n atomic.Int64
	first.Written = func(string) {
		if n.Add(1) == int64(half) {
			cancel()
		}
	}
	res, err := Export(cut, boxes, first)
	cancel()
	if err == nil {
		return fmt.Errorf("the export ended before the interruption: %s", res)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Fprintf(w, "Interrupted after %d messages: %s.\n", half, res)

	opts.Progress = restart(opts.Progress)
	res, err = Export(ctx, boxes, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Resumed: %s.\n", res)

	// The mailboxes change; the next run brings the export up to date.
	changed := change(t)
	opts.Progress = restart(opts.Progress)
	res, err = Export(ctx, boxes, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "After %s: %s.\nThe export is in %s\n", changed, res, dir)
	return nil
}

// runReal exports mailboxes of a real tenant.
func runReal(ctx context.Context, opts Options, r demo.Real, addrs []string) (Result, error) {
	if len(addrs) == 0 {
		return Result{}, demo.ErrUsage
	}
	c, err := r.Client()
	if err != nil {
		return Result{}, err
	}
	boxes, err := demo.Open(ctx, c.Mailbox, addrs)
	if err != nil {
		return Result{}, err
	}
	return Export(ctx, boxes, opts)
}

// barProgress drives a progress bar.
type barProgress struct{ bar *progressbar.ProgressBar }

// newBar starts a progress bar on standard output, which it leaves clear
// when done.
func newBar() *barProgress {
	return &barProgress{progressbar.NewOptions(-1, progressbar.OptionSetWriter(os.Stdout), progressbar.OptionShowCount(),
		progressbar.OptionSetDescription("exporting"), progressbar.OptionClearOnFinish())}
}

// restart gives each run of the demo a bar of its own.
func restart(p Progress) Progress {
	if b, ok := p.(*barProgress); ok {
		b.bar.Finish()
		return newBar()
	}
	return p
}

func (p *barProgress) Expect(n int) {
	p.bar.ChangeMax(max(p.bar.GetMax(), 0) + n)
}
func (p *barProgress) Done() {
	if st := p.bar.State(); st.CurrentNum >= st.Max {
		p.bar.ChangeMax64(st.Max + 1) // more than the folders' counts said
	}
	p.bar.Add(1)
}

// isTerminal reports whether f is a terminal, where a progress bar belongs;
// piped or redirected output gets the summary alone.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
