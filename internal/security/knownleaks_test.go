//go:build knownleaks

package security

// checkKnownLeaks makes the suite check the leaks it knows of and that are
// not fixed yet (each kind's knownLeaks): go test -tags knownleaks fails
// until they are.
const checkKnownLeaks = true
