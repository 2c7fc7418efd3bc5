package servicetest

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	got := Diff(map[string]any{"a": 1.0, "b": "x", "c": []any{"y"}}, map[string]any{"a": 1.0, "b": "z", "d": true})
	if len(got) != 3 || !strings.HasPrefix(got[0], "b:") || !strings.HasPrefix(got[1], "c:") || !strings.HasPrefix(got[2], "d:") {
		t.Errorf("Diff = %q", got)
	}
	if d := Diff(map[string]any{"a": 1.0}, map[string]any{"a": 1.0}); d != nil {
		t.Errorf("Diff of equal objects = %q", d)
	}
}

type entity struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

func TestV2RoundTrip(t *testing.T) {
	v, sent, err := V2RoundTrip[entity](t, []byte(`{"Id":"AAMk","Subject":"Hi"}`))
	if err != nil || v.ID != "AAMk" || v.Subject != "Hi" || string(sent) != `{"Id":"AAMk","Subject":"Hi"}` {
		t.Errorf("V2RoundTrip = %+v, %s, %v", v, sent, err)
	}
}
