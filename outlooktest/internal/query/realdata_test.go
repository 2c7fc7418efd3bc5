package query

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/testutil"
)

// graphMessages returns the messages in the Graph documentation samples
// (shared/testdata/external/graph-samples, read in place through testutil).
func graphMessages(t *testing.T) map[string]map[string]any {
	t.Helper()
	dir := testutil.External(t, "graph-samples")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s: %v", dir, err)
	}
	out := map[string]map[string]any{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var sample struct {
			ResponseBody json.RawMessage `json:"responseBody"`
		}
		if json.Unmarshal(b, &sample) != nil || len(sample.ResponseBody) == 0 {
			continue
		}
		var body map[string]any
		if json.Unmarshal(sample.ResponseBody, &body) != nil {
			continue // some docs bodies are strings or not JSON
		}
		items := []any{body}
		if v, ok := body["value"].([]any); ok {
			items = v
		}
		for i, it := range items {
			m, ok := it.(map[string]any)
			if ok && m["receivedDateTime"] != nil {
				out[fmt.Sprintf("%s#%d", filepath.Base(f), i)] = m
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d messages in the samples", len(out))
	}
	return out
}

func literal(v any, k Kind) (string, bool) {
	switch k {
	case KindString, KindEnum:
		s, ok := v.(string)
		return "'" + strings.ReplaceAll(s, "'", "''") + "'", ok
	case KindDateTime:
		s, ok := v.(string)
		if _, valid := parseDataTime(s); !ok || !valid {
			return "", false // the docs hold placeholders such as "datetime-value"
		}
		return s, true
	case KindBool:
		b, ok := v.(bool)
		return fmt.Sprint(b), ok
	case KindNumber:
		f, ok := v.(float64)
		return fmt.Sprint(f), ok
	}
	return "", false
}

// TestRealMessagesRoundTrip builds, for every scalar property of every real
// message, "p eq <its value>" (and ne, and the v2.0 PascalCase spelling) and
// checks that the message matches exactly when it should.
func TestRealMessagesRoundTrip(t *testing.T) {
	msgs := graphMessages(t)
	checked := 0
	for name, m := range msgs {
		for path, k := range messageSchema.Props {
			v := walk(m, strings.Split(path, "/"))
			lit, ok := literal(v, k)
			if !ok {
				continue
			}
			pascal := strings.ToUpper(path[:1]) + path[1:]
			for _, tt := range []struct {
				filter string
				want   bool
			}{
				{path + " eq " + lit, true},
				{pascal + " eq " + lit, true},
				{path + " ne " + lit, false},
				{"not (" + path + " eq " + lit + ")", false},
				{path + " eq null", false},
			} {
				f, err := ParseFilter(tt.filter, messageSchema)
				if err != nil {
					t.Errorf("%s: ParseFilter(%q): %v", name, tt.filter, err)
					continue
				}
				if got := f.Match(m); got != tt.want {
					t.Errorf("%s: %q matched %v, want %v", name, tt.filter, got, tt.want)
				}
				checked++
			}
		}
		if cats, ok := m["categories"].([]any); ok && len(cats) > 0 {
			lit, _ := literal(cats[0], KindString)
			f, err := ParseFilter("categories/any(c:c eq "+lit+")", messageSchema)
			if err != nil || !f.Match(m) {
				t.Errorf("%s: categories/any on %s: %v", name, lit, err)
			}
		}
	}
	t.Logf("%d filters checked on %d real messages", checked, len(msgs))
}

// TestRealMessagesSortAndSearch sorts the real messages and searches them
// for words of their own subjects.
func TestRealMessagesSortAndSearch(t *testing.T) {
	msgs := graphMessages(t)
	var list []map[string]any
	for _, m := range msgs {
		list = append(list, m)
	}
	o, err := ParseOrderBy("receivedDateTime desc", messageSchema)
	if err != nil {
		t.Fatal(err)
	}
	o.Sort(list)
	// Descending: valid date-times newest first, then the placeholders
	// ("datetime-value"), which do not fit the kind and sort as null.
	var prev time.Time
	seenNull := false
	for i, m := range list {
		cur, ok := parseDataTime(m["receivedDateTime"].(string))
		switch {
		case !ok:
			seenNull = true
		case seenNull:
			t.Errorf("valid date-time %v at %d after a null", cur, i)
		case i > 0 && cur.After(prev):
			t.Errorf("not descending at %d: %v after %v", i, cur, prev)
		}
		if ok {
			prev = cur
		}
	}
	if !seenNull {
		t.Log("no placeholder date-times in the samples any more")
	}
	for name, m := range msgs {
		subj, _ := m["subject"].(string)
		word := strings.Fields(subj)
		if len(word) == 0 || strings.ContainsAny(word[0], `"()`) {
			continue
		}
		s, err := ParseSearch(`"` + strings.ToUpper(word[0]) + `"`)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !s.Match(m) {
			t.Errorf("%s: $search for %q did not match its subject %q", name, word[0], subj)
		}
	}
}
