// Command watch prints messages as they arrive in the inboxes of several
// mailboxes, wherever each lives: Exchange Online through Microsoft Graph
// (pushed by change notifications to a webhook the program serves, or
// polled), on-premises Exchange through EWS (pushed by streaming
// notifications) or the Outlook REST API v2.0 (polled). It keeps a state
// file per mailbox: stopped and started again, it prints the messages that
// arrived meanwhile, and none it printed before.
//
// With no flags it runs against a demo hybrid tenant in process
// (outlooktest), whose mailboxes write to each other every second or so; it
// stops itself half way, lets two messages arrive while it is down, and
// resumes from its state files:
//
//	go run ./examples/watch [-for 30s]
//
// Against a real tenant, after a device code sign-in (delegated permission
// Mail.Read, and Mail.Read.Shared for other people's mailboxes), until
// interrupted (or -for, -count):
//
//	go run ./examples/watch -tenant contoso.com -client-id <app id> -mailbox me@contoso.com,team@contoso.com [-state dir] [-rest]
//
// Cloud mailboxes are polled every minute unless the program can serve
// Graph's webhook: -public-url is the https URL Graph posts to (a reverse
// proxy or tunnel in front of the machine), and -listen the address the
// program serves it at:
//
//	go run ./examples/watch ... -public-url https://hooks.contoso.com/graph -listen :8080
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/odata"
)

func main() {
	log.SetFlags(0)
	tenant := flag.String("tenant", "", "Entra ID tenant (id or domain) of a real organisation; empty runs against the in-process demo tenant")
	clientID := flag.String("client-id", "", "application (client) id of a public client app registration")
	mailboxes := flag.String("mailbox", "", "mailboxes whose inboxes to watch, comma-separated")
	rest := flag.Bool("rest", false, "serve on-premises mailboxes through the Outlook REST API v2.0 instead of EWS")
	stateDir := flag.String("state", "watch-state", "folder of the state files, one per mailbox (a real tenant only; the demo uses a temporary one)")
	publicURL := flag.String("public-url", "", "the https URL Graph posts change notifications to; with -listen, cloud mailboxes are pushed to instead of polled")
	listen := flag.String("listen", "", "the address to serve -public-url's webhook at, such as :8080")
	poll := flag.Duration("poll", odata.DefaultPollInterval, "time between checks of mailboxes nothing pushes to")
	count := flag.Int("count", 0, "stop after this many messages; 0: no limit")
	runFor := flag.Duration("for", 0, "stop after this long; 0: until interrupted (the demo: 30s)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := Options{Count: *count}
	var err error
	if *tenant == "" {
		if *runFor == 0 {
			*runFor = 30 * time.Second
		}
		ctx, cancel := context.WithTimeout(ctx, *runFor)
		defer cancel()
		err = runDemo(ctx, os.Stdout, DemoOptions{Options: opts})
	} else {
		if *runFor > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, *runFor)
			defer cancel()
		}
		opts.StateDir = *stateDir
		r := demo.Real{Tenant: *tenant, ClientID: *clientID, Scopes: []string{"Mail.Read", "Mail.Read.Shared"}, REST: *rest, Prompt: os.Stderr}
		err = runReal(ctx, os.Stdout, opts, r, demo.SplitList(*mailboxes), *publicURL, *listen, *poll)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

// runReal watches mailboxes of a real tenant: through a webhook served at
// listen for Graph mailboxes when publicURL and listen are given, polled
// otherwise.
func runReal(ctx context.Context, w io.Writer, opts Options, r demo.Real, addrs []string, publicURL, listen string, poll time.Duration) error {
	if len(addrs) == 0 {
		return demo.ErrUsage
	}
	if (publicURL == "") != (listen == "") {
		return errors.New("give -public-url and -listen together, or neither (cloud mailboxes are then polled)")
	}
	wo := &odata.WatchOptions{PollInterval: poll}
	if publicURL != "" {
		rcv, err := notify.NewReceiver(publicURL, nil)
		if err != nil {
			return err
		}
		u, err := url.Parse(publicURL)
		if err != nil {
			return err
		}
		path := u.EscapedPath() // the proxy in front keeps the path
		if path == "" {
			path = "/"
		}
		mux := http.NewServeMux()
		mux.Handle(path, rcv)
		ln, err := net.Listen("tcp", listen)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		wo.Waker, opts.Webhooks = rcv, true
	}
	r.Options = append(r.Options, outlook.WithWatch(wo))
	c, err := r.Client()
	if err != nil {
		return err
	}
	boxes, err := demo.Open(ctx, c.Mailbox, addrs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "-- state files in %s; stop with Ctrl-C\n", opts.StateDir)
	return Watch(ctx, w, boxes, opts)
}
