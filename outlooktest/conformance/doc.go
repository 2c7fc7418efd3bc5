// Package conformance drives outlooktest with Microsoft's own Graph SDK for
// Go (msgraph-sdk-go) and azidentity at their default settings, pointed at
// the fake with nothing but its HTTP client: a request the fake refuses
// that Graph accepts, or an answer Microsoft's typed client cannot read,
// fails here.
//
// It is a module of its own, so that the SDK's go.mod never lists
// Microsoft's SDK, and `go test ./...` at the repository's root (and
// .ci/run) skip it: building msgraph-sdk-go takes minutes and gigabytes.
// Run it with
//
//	cd outlooktest/conformance && go test ./...
//
// (GOFLAGS=-p=1 on a small machine). go.mod replaces the SDK's module with
// the working tree (../..), so it tests the fake as it is checked out.
package conformance
