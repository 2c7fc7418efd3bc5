package notify_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them: the
// receiver's keepers and wake-ups must end with their contexts.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
