// Package demo is what the example programs share: the small hybrid Exchange
// organisation they run against when given no flags (a cloud mailbox served
// through Microsoft Graph, an on-premises one through EWS and another through
// the Outlook REST API v2.0, all in outlooktest, in process), and the sign-in
// they use against a real tenant.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/outlooktest"
)

// The demo tenant's mailboxes, one per location and API.
const (
	Cloud = "alice@contoso.com" // Exchange Online: Microsoft Graph
	EWS   = "bob@contoso.com"   // on premises at mail.contoso.com: EWS, the default there
	REST  = "carol@contoso.com" // on premises at legacy.contoso.com: Outlook REST API v2.0
)

// Addresses are the demo tenant's mailboxes, in the order Tenant.Mailboxes
// opens them.
var Addresses = []string{Cloud, EWS, REST}

// The demo's credentials: an app registration for Exchange Online, where a
// daemon signs in app-only, and an on-premises service account that acts as
// bob through EWS impersonation. REST v2.0 takes only Entra ID tokens, and
// none app-only on premises, so carol signs in herself (the fake approves
// her device code at once).
const (
	appID          = "11111111-2222-3333-4444-555555555555"
	serviceAccount = `CONTOSO\svc-mail`
	servicePass    = "demo-password"
)

// Tenant is the demo organisation, running in process.
type Tenant struct {
	// Server is the fake; examples seed the mailboxes through it.
	Server *outlooktest.Server
	// clients: one for Graph and EWS, one for REST v2.0, which a client
	// chooses for all its on-premises mailboxes (WithOnPremisesAPI).
	main, rest *outlook.Client
}

// Start starts the demo tenant: outlooktest with the three mailboxes, and
// the clients that reach them through the SDK's real default URLs. Close it
// when done.
func Start(opts ...outlooktest.Option) (*Tenant, error) {
	return StartWith(nil, opts...)
}

// StartWith is Start with options for the demo's clients besides their
// credentials and transport (outlook.WithWatch, say).
func StartWith(clientOpts []outlook.Option, opts ...outlooktest.Option) (*Tenant, error) {
	srv := outlooktest.NewServer(append([]outlooktest.Option{outlooktest.WithAutoApprove(REST)}, opts...)...)
	srv.AddMailbox(Cloud, outlooktest.Cloud)
	srv.AddMailbox(EWS, outlooktest.OnPremises("mail.contoso.com"))
	srv.AddMailbox(REST, outlooktest.OnPremises("legacy.contoso.com"))
	srv.AddAccount(serviceAccount, servicePass)
	srv.GrantImpersonation(serviceAccount, EWS)

	cloud := outlook.ClientSecret("contoso.com", appID, "demo-secret")
	main, err := outlook.NewClient(cloud, append([]outlook.Option{
		outlook.WithOnPremisesCredential(outlook.OnPremisesAccount(serviceAccount, servicePass)),
		outlook.WithHTTPClient(srv.Client())}, clientOpts...)...)
	if err != nil {
		srv.Close()
		return nil, err
	}
	carol := outlook.DeviceCode("contoso.com", appID, func(context.Context, outlook.DeviceCodePrompt) error { return nil },
		"Mail.ReadWrite", "Mail.Send", "Calendars.ReadWrite")
	rest, err := outlook.NewClient(cloud, append([]outlook.Option{
		outlook.WithOnPremisesCredential(carol),
		outlook.WithOnPremisesAPI(outlook.RESTv2),
		outlook.WithHTTPClient(srv.Client())}, clientOpts...)...)
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &Tenant{Server: srv, main: main, rest: rest}, nil
}

// Close stops the fake.
func (t *Tenant) Close() { t.Server.Close() }

// Mailbox opens one of the demo's mailboxes through the client that serves
// its API.
func (t *Tenant) Mailbox(ctx context.Context, addr string) (*outlook.Mailbox, error) {
	if strings.EqualFold(addr, REST) {
		return t.rest.Mailbox(ctx, addr)
	}
	return t.main.Mailbox(ctx, addr)
}

// Mailboxes opens the three mailboxes, in the order of Addresses.
func (t *Tenant) Mailboxes(ctx context.Context) ([]*outlook.Mailbox, error) {
	return Open(ctx, t.Mailbox, Addresses)
}

// Storm makes every mailbox host of the demo misbehave as a bad day at a
// datacentre does: throttling (with Retry-After, or EWS's ErrorServerBusy
// and its back-off), 503s, connections dropped before an answer and answers
// cut after their headers, each on a share of the requests (seeded by
// outlooktest.WithFaultSeed, so a run repeats). The SDK retries what it may;
// an example survives what is left.
func (t *Tenant) Storm() {
	for _, host := range []string{"graph.microsoft.com", "mail.contoso.com", "legacy.contoso.com"} {
		for _, f := range []outlooktest.Fault{
			{Status: 429, RetryAfter: 100 * time.Millisecond, Rate: 0.04},
			{Status: 503, Rate: 0.03},
			{DropBeforeBody: true, Rate: 0.02},
			{DropAfterHeaders: true, Rate: 0.02},
		} {
			f.Host = host
			t.Server.Inject(f)
		}
	}
}

// Open opens each address with open, stopping at the first failure.
func Open(ctx context.Context, open func(context.Context, string) (*outlook.Mailbox, error), addrs []string) ([]*outlook.Mailbox, error) {
	var boxes []*outlook.Mailbox
	for _, a := range addrs {
		mb, err := open(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", a, err)
		}
		boxes = append(boxes, mb)
	}
	return boxes, nil
}

// Real says how to sign in to a real tenant.
type Real struct {
	Tenant   string   // Entra ID tenant id or domain
	ClientID string   // the app registration's application (client) id
	Scopes   []string // delegated permissions, in Graph form ("Mail.Read")
	// REST serves on-premises mailboxes through REST v2.0 instead of EWS.
	REST bool
	// Prompt shows the device code sign-in's message.
	Prompt io.Writer
	// Daemon signs in without a person where the environment holds an app
	// credential: OUTLOOK_CLIENT_SECRET (app-only, Exchange Online), and
	// OUTLOOK_ONPREM_ACCOUNT with OUTLOOK_ONPREM_PASSWORD (an on-premises
	// service account with the ApplicationImpersonation role, over EWS).
	// Secrets come from the environment, not flags, which other users of
	// the machine can read.
	Daemon bool
	// Options are the client's options besides its credential
	// (outlook.WithWatch, say).
	Options []outlook.Option
}

// ErrUsage says what a run against a real tenant needs.
var ErrUsage = errors.New("with -tenant, give -client-id and -mailbox")

// Client signs in as r says: app-only for a daemon whose environment holds
// the credentials, else a device code sign-in.
func (r Real) Client() (*outlook.Client, error) {
	if r.Tenant == "" || r.ClientID == "" {
		return nil, ErrUsage
	}
	opts := append([]outlook.Option(nil), r.Options...)
	if r.REST {
		opts = append(opts, outlook.WithOnPremisesAPI(outlook.RESTv2))
	}
	var cred outlook.Credential
	secret, account := os.Getenv("OUTLOOK_CLIENT_SECRET"), os.Getenv("OUTLOOK_ONPREM_ACCOUNT")
	if r.Daemon && (secret != "" || account != "") {
		if account != "" {
			onprem := outlook.OnPremisesAccount(account, os.Getenv("OUTLOOK_ONPREM_PASSWORD"))
			if secret == "" {
				cred = onprem // an on-premises-only organisation
			} else {
				opts = append(opts, outlook.WithOnPremisesCredential(onprem))
			}
		}
		if secret != "" {
			cred = outlook.ClientSecret(r.Tenant, r.ClientID, secret)
		}
	} else {
		prompt := func(_ context.Context, p outlook.DeviceCodePrompt) error {
			fmt.Fprintln(r.Prompt, p.Message)
			return nil
		}
		cred = outlook.DeviceCode(r.Tenant, r.ClientID, prompt, r.Scopes...)
	}
	return outlook.NewClient(cred, opts...)
}

// SplitList splits a comma-separated flag value, dropping empty entries.
func SplitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// APIName names the API that serves a mailbox, for people.
func APIName(api outlook.API) string {
	switch api {
	case outlook.Graph:
		return "Graph"
	case outlook.EWS:
		return "EWS"
	case outlook.RESTv2:
		return "REST v2.0"
	}
	return string(api)
}
