package soak

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// sends is how many messages the send case sends, from sendersN mailboxes
// at once, to one recipient.
const (
	sends    = 500
	sendersN = 10
)

// sendCase sends 500 messages at once through the storm and counts
// what arrived. The SDK never sends again a send whose fate it cannot know,
// so some sends fail; what must hold is: every send reported done arrived
// exactly once, none arrived twice, and a send refused as throttled did not
// arrive. A send that failed otherwise (a 503 without Retry-After, a
// connection dropped or an answer lost) may or may not have arrived: the
// case reports which, by what the SDK said.
func sendCase(t *testing.T, loc location) {
	const rcpt = "inbox@contoso.com"
	addrs := []string{rcpt}
	for i := range sendersN {
		addrs = append(addrs, fmt.Sprintf("sender%02d@contoso.com", i))
	}
	e := newEnv(t, loc, addrs...)
	var senders []*mail.Service
	for _, a := range addrs[1:] {
		mb, err := e.client.Mailbox(t.Context(), a)
		if err != nil {
			t.Fatal(err)
		}
		senders = append(senders, mb.Mail)
	}
	e.stormOn()

	errs := make([]error, sends)
	var wg sync.WaitGroup
	for i := range sends {
		wg.Go(func() {
			errs[i] = senders[i%sendersN].SendMail(t.Context(), &mail.Message{
				Subject:      sendSubject(i),
				Body:         item.TextBody(fmt.Sprintf("send %d of the storm", i)),
				ToRecipients: mail.To(rcpt),
			}, nil)
		})
	}
	wg.Wait()

	arrived := map[string]int{}
	for _, m := range e.srv.Mailbox(rcpt).Items("messages") {
		if s, _ := m["subject"].(string); strings.HasPrefix(s, "send ") {
			arrived[s]++
		}
	}
	type outcome struct{ n, arrived int }
	outcomes := map[string]*outcome{}
	sample := map[string]string{}
	for i, err := range errs {
		got := arrived[sendSubject(i)]
		class := classify(err)
		o := outcomes[class]
		if o == nil {
			o = &outcome{}
			outcomes[class] = o
			if err != nil {
				sample[class] = err.Error()
			}
		}
		o.n++
		o.arrived += got
		switch {
		case got > 1:
			t.Errorf("send %d arrived %d times (the SDK reported %v)", i, got, err)
		case err == nil && got != 1:
			t.Errorf("send %d was reported sent and did not arrive", i)
		case errors.Is(err, odata.ErrThrottled) && got != 0:
			t.Errorf("send %d was reported throttled and arrived: %v", i, err)
		case err != nil && !errors.Is(err, odata.ErrOutcomeUnknown) && got != 0:
			// An error that does not say the outcome is unknown says the
			// message was not sent: a caller sends it again.
			t.Errorf("send %d failed without ErrOutcomeUnknown and arrived: %v", i, err)
		}
	}
	for _, class := range slices.Sorted(maps.Keys(outcomes)) {
		o := outcomes[class]
		t.Logf("%-40s %3d sends, %3d arrived  %s", class+":", o.n, o.arrived, sample[class])
	}
	if len(arrived) > sends {
		t.Errorf("%d distinct sends arrived; %d were made", len(arrived), sends)
	}
}

func sendSubject(i int) string { return fmt.Sprintf("send %03d", i) }

// classify names what the SDK said about a send, as a caller deciding
// whether to send again would read it.
func classify(err error) string {
	if err == nil {
		return "reported sent"
	}
	if errors.Is(err, odata.ErrThrottled) {
		return "throttled (not processed)"
	}
	unknown := "not sent"
	if errors.Is(err, odata.ErrOutcomeUnknown) {
		unknown = "outcome unknown"
	}
	if oe, ok := errors.AsType[*odata.Error](err); ok {
		return fmt.Sprintf("server answered %d (%s)", oe.StatusCode, unknown)
	}
	return fmt.Sprintf("no answer (%s)", unknown)
}
