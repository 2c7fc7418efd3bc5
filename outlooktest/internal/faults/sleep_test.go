package faults

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// Sleep is what latency faults and Autodiscover latency wait with: it
// waits the whole duration unless the request ends first.
func TestSleepCtx(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if !Sleep(t.Context(), time.Hour) || time.Since(start) != time.Hour {
			t.Errorf("Sleep(1h) returned after %v; want true after 1h", time.Since(start))
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start = time.Now()
		if Sleep(ctx, time.Hour) || time.Since(start) != time.Minute {
			t.Errorf("Sleep(1h) with a 1m deadline returned after %v; want false after 1m", time.Since(start))
		}
		if !Sleep(ctx, 0) {
			t.Error("Sleep(0) = false; want true at once")
		}
	})
}
