// Package testutil holds what the SDK's own tests share: the locator of the
// external test data in ../shared and golden-file comparison.
package testutil

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// externalDir is where the shared external test data lives, relative to the
// module root: the shared/ folder beside the project's root.
const externalDir = "../shared/testdata/external"

// ModuleRoot returns the directory holding go.mod, found from this source
// file so that it works from any package's test.
func ModuleRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "."
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// External returns the path of rel inside ../shared/testdata/external. When
// that folder is absent it skips the test with a clear message (developers
// have it; a plain clone of the module does not), except when the
// environment variable CI is set: CI has the data, so there the test fails
// rather than pass without having run.
func External(t testing.TB, rel string) string {
	t.Helper()
	dir := filepath.Join(ModuleRoot(), externalDir)
	if _, err := os.Stat(dir); err != nil {
		missing(t, fmt.Sprintf("external test data not found at %s (it lives in shared/ beside the project root): %v", dir, err))
	}
	p := filepath.Join(dir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("external test data %s: %v", rel, err)
	}
	return p
}

// missing fails the test under CI and skips it elsewhere.
func missing(t testing.TB, why string) {
	t.Helper()
	if _, ci := os.LookupEnv("CI"); ci {
		t.Fatalf("%s; CI is set, and CI must have the data", why)
	}
	t.Skip(why)
}

// ReadExternal reads a file of the external test data, skipping or failing
// as External does.
func ReadExternal(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(External(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Golden compares got with the golden file at path, or rewrites the file
// when update is true (tests pass the value of their -update flag).
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run the test with -update to create it)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking the change)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
