package heapbound

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the suite when a goroutine outlives it (a server still
// streaming, a reader the SDK did not close).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
