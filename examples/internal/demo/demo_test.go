package demo

import (
	"testing"

	"github.com/exchangekit/outlook"
)

// The demo tenant has one mailbox per API, each routed as its doc says.
func TestMailboxesOnePerAPI(t *testing.T) {
	tn, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	boxes, err := tn.Mailboxes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []outlook.API{outlook.Graph, outlook.EWS, outlook.RESTv2}
	for i, mb := range boxes {
		if got := mb.Route().API; got != want[i] {
			t.Errorf("%s is served through %v, want %v (%s)", mb.Address(), got, want[i], mb.Route())
		}
	}
}
