package ews

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/exchangekit/outlook/internal/testutil"
)

// ewsSample is one file of ../shared/testdata/external/ews-samples, as its
// index.json describes it.
type ewsSample struct {
	File       string `json:"file"`
	Operation  string `json:"operation"`
	Kind       string `json:"kind"` // request or response
	Body       string `json:"body_element"`
	Service    string `json:"service"`
	SourceURL  string `json:"source_url"`
	WellFormed bool   `json:"well_formed"`
	Abbrev     bool   `json:"abbreviated"`
	Preamble   bool   `json:"http_preamble"`

	data []byte
}

// ewsSamples reads the published EWS examples whose operation and kind
// match ("" matches any), sorted by file name; it skips the test when the
// shared data is absent.
func ewsSamples(t testing.TB, op, kind string) []ewsSample {
	t.Helper()
	dir := testutil.External(t, "ews-samples")
	raw, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx struct {
		Files []ewsSample `json:"files"`
	}
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatal(err)
	}
	var out []ewsSample
	for _, s := range idx.Files {
		if (op != "" && s.Operation != op) || (kind != "" && s.Kind != kind) || s.Service != "EWS" {
			continue
		}
		if s.data, err = os.ReadFile(filepath.Join(dir, s.File)); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	if len(out) == 0 {
		t.Fatalf("no published %s %s example", op, kind)
	}
	return out
}

// ewsSample returns one published example by file name.
func ewsSampleFile(t testing.TB, name string) []byte {
	t.Helper()
	return testutil.ReadExternal(t, filepath.Join("ews-samples", name))
}

// sampleDocs returns the well-formed published responses, as fuzz seeds.
func sampleDocs(f *testing.F) [][]byte {
	var out [][]byte
	for _, s := range ewsSamples(f, "", "response") {
		if s.WellFormed {
			out = append(out, s.data)
		}
	}
	return out
}
