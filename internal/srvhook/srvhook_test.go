package srvhook

import (
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"
)

func TestAttachFor(t *testing.T) {
	tr := &http.Transport{}
	if For(tr) != nil || For(nil) != nil || For(http.DefaultTransport) != nil {
		t.Fatal("a transport nobody attached has a hook")
	}
	type wrapper struct{ http.RoundTripper }
	if For(wrapper{tr}) != nil {
		t.Fatal("a wrapper has a hook")
	}
	calls := 0
	detach := Attach(tr, func(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
		calls++
		return name, []*net.SRV{{Target: "t."}}, nil
	})
	if _, srv, err := For(tr)(t.Context(), "autodiscover", "tcp", "contoso.com"); err != nil || len(srv) != 1 || calls != 1 {
		t.Fatalf("attached lookup: %v %v, %d calls", srv, err, calls)
	}
	if For(&http.Transport{}) != nil {
		t.Error("another transport shares the hook")
	}
	detach()
	_, _, err := For(tr)(t.Context(), "autodiscover", "tcp", "contoso.com")
	if de, ok := errors.AsType[*net.DNSError](err); !ok || !de.IsNotFound || calls != 1 {
		t.Errorf("after detach: %v, %d calls; want not found without calling the server", err, calls)
	}
}

// The table holds no transport alive: once a transport is collected its
// entry goes.
func TestEntriesGoWithTheirTransport(t *testing.T) {
	count := func() (n int) {
		hooks.Range(func(any, any) bool { n++; return true })
		return n
	}
	before := count()
	for range 10 {
		tr := &http.Transport{}
		Attach(tr, gone)
	}
	for i := 0; i < 50 && count() > before; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := count(); n > before {
		t.Errorf("%d entries left after their transports were collected", n-before)
	}
}
