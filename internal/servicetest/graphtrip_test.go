package servicetest

import (
	stdjson "encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/odata"
)

// leaky is a model that keeps a property its table knows (subject) in
// Extra, and drops "flag" when it encodes: the two faults GraphRoundTrip
// reports.
type leaky struct {
	ID    string                        `json:"id"`
	Flag  bool                          `json:"flag,omitzero"`
	Extra map[string]stdjson.RawMessage `json:",embed"`
}

func (leaky) WireSchema() *odata.Schema {
	return &odata.Schema{Name: "leaky", Props: []odata.Prop{{Graph: "id"}, {Graph: "subject"}, {Graph: "flag"}}}
}

func (l leaky) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"id":%q}`, l.ID), nil
}

// errorsOf records what a test reports.
type errorsOf struct {
	testing.TB
	errs []string
}

func (r *errorsOf) Helper() {}
func (r *errorsOf) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestGraphRoundTrip(t *testing.T) {
	r := &errorsOf{TB: t}
	ok := GraphRoundTrip(r, "sample", "leaky", map[string]any{"id": "1", "subject": "Hi", "flag": true}, new(leaky), &Pruner{})
	if !ok {
		t.Fatal("the entity did not decode")
	}
	var reported []string
	for _, e := range r.errs {
		switch {
		case strings.Contains(e, `known property "subject" of a leaky landed in Extra`):
			reported = append(reported, "extra")
		case strings.Contains(e, "changed in the round trip: flag:"):
			reported = append(reported, "flag")
		case strings.Contains(e, "changed in the round trip: subject:"):
			reported = append(reported, "subject")
		}
	}
	if slices.Sort(reported); !slices.Equal(reported, []string{"extra", "flag", "subject"}) {
		t.Errorf("reported %q, want subject in Extra, and subject and flag lost", r.errs)
	}

	r = &errorsOf{TB: t}
	if GraphRoundTrip(r, "sample", "leaky", map[string]any{"id": 1.0}, new(leaky), &Pruner{}) || len(r.errs) != 1 {
		t.Errorf("a sample that does not decode: %q", r.errs)
	}
}
