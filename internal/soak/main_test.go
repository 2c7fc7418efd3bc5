package soak

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the suite when a goroutine of the SDK, of a server or of
// a connection outlives the cases.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
