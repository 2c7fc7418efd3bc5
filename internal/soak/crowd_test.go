package soak

import (
	"context"
	"fmt"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// The crowd case: crowdN goroutines share one client over crowdBoxes
// mailboxes, each mailbox holding crowdSeeded messages.
const (
	crowdN      = 200
	crowdBoxes  = 20
	crowdSeeded = 25
	// perMailbox is Exchange's limit of concurrent requests per mailbox,
	// the SDK's default.
	perMailbox = 4
	// crowdLatency is how long the server takes over each answer the
	// storm spares, so that a mailbox's requests overlap there.
	crowdLatency = 30 * time.Millisecond
	// crowdDeadline bounds the whole case: a deadlock shows as a case that
	// does not end.
	crowdDeadline = 90 * time.Second
)

// crowdCase has 200 goroutines share one client over 20 mailboxes
// through the storm, ten on each: each locates its mailbox, lists it in
// pages, reads messages and sends one to the next mailbox. No mailbox may
// ever have more than 4 requests at the server at once, every read must
// succeed, no send arrive twice, and the case must end before its deadline
// (the goroutines still running then are printed). The package's TestMain
// checks that no goroutine outlives it.
func crowdCase(t *testing.T, loc location) {
	addrs := make([]string, crowdBoxes)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("crowd%02d@contoso.com", i)
	}
	e := newEnv(t, loc, addrs...)
	folders := map[string]mail.FolderID{} // a folder the sends do not change
	for _, a := range addrs {
		box := e.srv.Mailbox(a)
		f := box.Add("mailFolders", outlooktest.Object{"displayName": "Crowd"})
		folders[a] = mail.FolderID(f)
		for i := range crowdSeeded {
			box.Add("messages", outlooktest.Object{"subject": fmt.Sprintf("seeded %d", i), "parentFolderId": f})
		}
	}
	e.stormOn()
	e.delayBy(crowdLatency)

	ctx, cancel := context.WithTimeout(t.Context(), crowdDeadline)
	defer cancel()
	errs := make(chan error, crowdN)
	var wg sync.WaitGroup
	for g := range crowdN {
		wg.Go(func() {
			addr := addrs[g%crowdBoxes]
			if err := crowdMember(ctx, e, addr, folders[addr], addrs[(g+1)%crowdBoxes], g); err != nil {
				errs <- fmt.Errorf("goroutine %d on %s: %w", g, addrs[g%crowdBoxes], err)
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(crowdDeadline + 10*time.Second):
		var stacks strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
		t.Fatalf("the crowd did not end %v after its deadline: a deadlock; goroutines:\n%s", 10*time.Second, stacks.String())
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	peak := 0
	for _, a := range addrs {
		n := e.srv.MaxInFlight(a)
		if n > perMailbox {
			t.Errorf("%s had %d requests at the server at once; the limit is %d", a, n, perMailbox)
		}
		peak = max(peak, n)
	}
	if peak < perMailbox {
		// The check above proves nothing unless the crowd pushed a
		// mailbox to its limit.
		t.Errorf("no mailbox reached %d requests in flight (most: %d): the crowd is too thin to test the limit", perMailbox, peak)
	}
	arrived := map[string]int{}
	for _, a := range addrs {
		box := e.srv.Mailbox(a)
		in, _ := box.Get("mailFolders", "inbox")
		for _, m := range box.Items("messages") {
			if s, _ := m["subject"].(string); strings.HasPrefix(s, "from goroutine ") && m["parentFolderId"] == in["id"] {
				arrived[s]++
			}
		}
	}
	for s, n := range arrived {
		if n > 1 {
			t.Errorf("%q arrived %d times", s, n)
		}
	}
	t.Logf("most requests in flight at one mailbox: %d; %d of %d sends arrived", peak, len(arrived), crowdN)
}

// delayBy delays every answer at the host that the storm spares by d, so
// that a mailbox's requests overlap at the server.
func (e *env) delayBy(d time.Duration) {
	e.srv.Inject(outlooktest.Fault{Host: e.loc.host, Latency: d})
	e.delay = d
}

// crowdMember is one goroutine of the crowd.
func crowdMember(ctx context.Context, e *env, addr string, folder mail.FolderID, next string, g int) error {
	mb, err := e.client.Mailbox(ctx, addr)
	if err != nil {
		return err
	}
	seen := map[string]int{}
	var ids []string
	for m, err := range mb.Mail.ListMessages(ctx, folder, &odata.Query{Top: 10, Select: odata.Fields(mail.Subject)}) {
		if err != nil {
			return fmt.Errorf("listing after %d messages: %w", len(ids), err)
		}
		seen[m.Subject]++
		ids = append(ids, m.ID)
	}
	for i := range crowdSeeded {
		if s := fmt.Sprintf("seeded %d", i); seen[s] != 1 {
			return fmt.Errorf("listing: %q came %d times", s, seen[s])
		}
	}
	for _, id := range []string{ids[g%len(ids)], ids[(g*7)%len(ids)]} {
		if _, err := mb.Mail.GetMessage(ctx, id, nil); err != nil {
			return err
		}
	}
	// The send's fate may be unknown (see sendCase); it must not
	// arrive twice, which the case checks.
	_ = mb.Mail.SendMail(ctx, &mail.Message{Subject: fmt.Sprintf("from goroutine %d", g), ToRecipients: mail.To(next)}, nil)
	return nil
}
