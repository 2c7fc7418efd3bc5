package outlook_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/outlooktest"
)

// NTLM signs a connection in over three legs. Many goroutines on many
// mailboxes of one service account must never interleave two handshakes on
// one connection (the server answers 401): every call succeeds.
func TestNTLMUnderConcurrency(t *testing.T) {
	srv := outlooktest.NewServer()
	t.Cleanup(srv.Close)
	const user, password = `CONTOSO\svc-crowd`, "Crowd!pass1"
	srv.AddAccount(user, password)
	var addrs []string
	for i := range 8 {
		a := fmt.Sprintf("crowd%02d@contoso.com", i)
		srv.AddMailbox(a, outlooktest.OnPremises("mail.contoso.com")).
			Add("messages", outlooktest.Object{"subject": "hi", "parentFolderId": "inbox"})
		addrs = append(addrs, a)
	}
	srv.GrantImpersonation(user, addrs...)
	c := newClient(t, srv, outlook.OnPremisesAccount(user, password))
	var wg sync.WaitGroup
	errs := make(chan error, len(addrs)*6*5)
	for _, a := range addrs {
		mb, err := c.Mailbox(t.Context(), a)
		if err != nil {
			t.Fatal(err)
		}
		for range 6 {
			wg.Go(func() {
				for range 5 {
					if _, err := inboxSubjects(t.Context(), mb); err != nil {
						errs <- fmt.Errorf("%s: %w", a, err)
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 3 {
			t.Error(err)
		}
	}
	if n > 3 {
		t.Errorf("and %d more", n-3)
	}
}
