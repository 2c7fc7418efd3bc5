package odata_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/odata"
)

// pushingBackend is a Backend that is also a Pusher: it yields its events
// and records the request.
type pushingBackend struct {
	recordingBackend
	got    *odata.PushRequest
	events []odata.PushEvent
}

func (b *pushingBackend) Push(ctx context.Context, r *odata.PushRequest) iter.Seq2[odata.PushEvent, error] {
	b.got = r
	return func(yield func(odata.PushEvent, error) bool) {
		for _, e := range b.events {
			if ctx.Err() != nil {
				yield(odata.PushEvent{}, ctx.Err())
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

func TestPushReachesAPushingBackend(t *testing.T) {
	b := &pushingBackend{events: []odata.PushEvent{{Watermark: "w1"}, {Watermark: "w2", Missed: true}}}
	c, err := odata.NewClient(ewsRoot, odata.EWS, nil, odata.WithBackend(b))
	if err != nil {
		t.Fatal(err)
	}
	p := odata.PathOf("mailFolders/{id}/messages", "inbox")
	seq, err := c.Push(t.Context(), p, "w0")
	if err != nil {
		t.Fatal(err)
	}
	var got []odata.PushEvent
	for e, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 2 || got[1].Watermark != "w2" || !got[1].Missed {
		t.Errorf("events = %+v", got)
	}
	if b.got == nil || b.got.Watermark != "w0" || b.got.Path.String() != p.String() {
		t.Errorf("request = %+v", b.got)
	}
}

func TestPushIsNotSupportedWithoutAPusher(t *testing.T) {
	for name, opts := range map[string][]odata.ClientOption{
		"graph":         nil,
		"plain backend": {odata.WithBackend(&recordingBackend{})},
	} {
		d, ts := odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})
		if opts != nil {
			d, ts = odata.EWS, nil
		}
		c, err := odata.NewClient(ewsRoot, d, ts, opts...)
		if err != nil {
			t.Fatal(name, err)
		}
		if _, err := c.Push(t.Context(), odata.PathOf("messages"), ""); !errors.Is(err, odata.ErrNotSupported) {
			t.Errorf("%s: err = %v, want ErrNotSupported", name, err)
		}
	}
}
