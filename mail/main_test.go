package mail_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them: the
// package starts goroutines, and every one must end with the call or the
// value that started it.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
