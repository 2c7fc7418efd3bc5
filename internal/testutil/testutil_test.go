package testutil

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// recorder is a testing.TB that records whether the test was skipped or
// failed, and why.
type recorder struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (r *recorder) Helper() {}

func (r *recorder) Skip(args ...any) {
	r.skipped, r.msg = true, strings.TrimSpace(fmt.Sprintln(args...))
	panic(r)
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
	panic(r)
}

func run(f func(testing.TB)) (r *recorder) {
	r = &recorder{}
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
	}()
	f(r)
	return r
}

// Data that is absent skips the test on a developer's machine and fails it
// under CI, which has the data.
func TestMissingFailsUnderCI(t *testing.T) {
	t.Setenv("CI", "true")
	if r := run(func(tb testing.TB) { missing(tb, "no data") }); !r.failed || r.skipped || !strings.Contains(r.msg, "CI is set") {
		t.Errorf("with CI set: %+v, want a failure", r)
	}
	t.Setenv("CI", "")
	if r := run(func(tb testing.TB) { missing(tb, "no data") }); !r.failed {
		t.Errorf("with CI empty but set: %+v, want a failure", r)
	}
}

func TestMissingSkipsOutsideCI(t *testing.T) {
	unsetenv(t, "CI")
	if r := run(func(tb testing.TB) { missing(tb, "no data") }); !r.skipped || r.failed || r.msg != "no data" {
		t.Errorf("without CI: %+v, want a skip", r)
	}
}

// The data is there (in CI and on developers' machines): External finds it.
func TestExternalFindsTheData(t *testing.T) {
	if p := External(t, "graph-samples"); !strings.HasSuffix(p, "graph-samples") {
		t.Errorf("External = %s", p)
	}
}

// unsetenv removes key for the test; t.Setenv restores it afterwards.
func unsetenv(t *testing.T, key string) {
	t.Setenv(key, "")
	os.Unsetenv(key)
}
