package testutil

import (
	"testing"
	"time"
)

// WaitFor polls cond until it holds, failing t when it still does not
// after 20 seconds: for what a test's background work makes true a little
// later, which a loaded machine may delay well past its usual time.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 20s, still waiting for %s", what)
		}
	}
}
