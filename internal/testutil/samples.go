package testutil

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Sample is one request/response example of ../shared/testdata/external
// (graph-samples, v2-samples): where it came from and its bodies, raw as the
// file holds them (null or absent bodies are empty).
type Sample struct {
	Method       string          `json:"method"`
	URL          string          `json:"url"`
	RequestBody  json.RawMessage `json:"requestBody"`
	ResponseBody json.RawMessage `json:"responseBody"`
}

// Samples reads the sample files of dir (such as "graph-samples") whose
// names keep accepts (nil keeps all), by file name. When the data is absent
// it skips the test, or fails it under CI, as External does; it fails it
// when dir holds no sample or a file does not parse.
func Samples(t testing.TB, dir string, keep func(name string) bool) map[string]Sample {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(External(t, dir), "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s: %v", dir, err)
	}
	out := map[string]Sample{}
	for _, f := range files {
		name := filepath.Base(f)
		if keep != nil && !keep(name) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var s Sample
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if string(s.RequestBody) == "null" {
			s.RequestBody = nil
		}
		if string(s.ResponseBody) == "null" {
			s.ResponseBody = nil
		}
		out[name] = s
	}
	return out
}

// Bodies returns the sample's JSON bodies, request then response, each
// compacted. Bodies the docs stored as a string of JSON are unwrapped; bodies
// that are not JSON (truncated in the docs) are left out.
func (s Sample) Bodies() [][]byte {
	var out [][]byte
	for _, raw := range []json.RawMessage{s.RequestBody, s.ResponseBody} {
		if len(raw) == 0 {
			continue
		}
		var str string
		if json.Unmarshal(raw, &str) == nil {
			raw = json.RawMessage(str)
		}
		var b bytes.Buffer
		if json.Compact(&b, raw) != nil {
			continue
		}
		out = append(out, b.Bytes())
	}
	return out
}

// Prefixed keeps, for Samples, the file names starting with one of the
// prefixes.
func Prefixed(prefixes ...string) func(name string) bool {
	return func(name string) bool {
		return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(name, p) })
	}
}
