package odata_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// dump renders a filter's tree as the walk sees it, one node per line.
func dump(f odata.Filter) string {
	var b strings.Builder
	var rec func(n odata.FilterNode, indent string)
	rec = func(n odata.FilterNode, indent string) {
		fmt.Fprintf(&b, "%s%s", indent, n.Op())
		if p := n.Path(); p != "" || n.Relative() {
			fmt.Fprintf(&b, " path=%q", p)
		}
		if n.Relative() {
			b.WriteString(" relative")
		}
		if v := n.Value(); v.Kind != odata.ValueNone {
			fmt.Fprintf(&b, " value=%d:%q", v.Kind, v.Text)
		}
		if r, ok := n.Raw(); ok {
			fmt.Fprintf(&b, " raw=%q", r)
		}
		b.WriteByte('\n')
		for _, k := range n.Children() {
			rec(k, indent+"  ")
		}
	}
	if root, ok := f.Root(); ok {
		rec(root, "")
	}
	return b.String()
}

type recip struct{ Address odata.StringField }

func recipAt(prefix string) recip {
	return recip{Address: odata.NewStringField(prefix + "/emailAddress/address")}
}

func TestFilterWalk(t *testing.T) {
	subject := odata.NewStringField("subject")
	isRead := odata.NewBoolField("isRead")
	received := odata.NewTimeField("receivedDateTime")
	size := odata.NewNumberField[int]("size")
	imp := odata.NewEnumField[string]("importance")
	cats := odata.NewStringCollectionField("categories")
	to := odata.NewCollectionField("toRecipients", recipAt)
	at := time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC)

	for _, c := range []struct {
		name string
		f    odata.Filter
		want string
	}{
		{"zero", odata.Filter{}, ""},
		{"eq string", subject.Eq("it's"), "eq path=\"subject\" value=1:\"it's\"\n"},
		{"and", isRead.Eq(false).And(received.Ge(at), size.Lt(5)),
			"and\n  eq path=\"isRead\" value=4:\"false\"\n  ge path=\"receivedDateTime\" value=6:\"2024-03-01T08:30:00Z\"\n  lt path=\"size\" value=5:\"5\"\n"},
		{"not or", odata.Not(odata.Or(imp.Eq("high"), subject.StartsWith("re:"))),
			"not\n  or\n    eq path=\"importance\" value=2:\"high\"\n    startswith path=\"subject\" value=1:\"re:\"\n"},
		{"null", subject.NotNull(), "ne path=\"subject\" value=3:\"null\"\n"},
		{"any string collection", cats.Has("Red"),
			"any path=\"categories\"\n  eq path=\"\" relative value=1:\"Red\"\n"},
		{"any complex", to.Any(func(r recip) odata.Filter { return r.Address.EndsWith("@x.org") }),
			"any path=\"toRecipients\"\n  endswith path=\"emailAddress/address\" relative value=1:\"@x.org\"\n"},
		{"raw", odata.RawFilter("a eq 1"), "raw raw=\"a eq 1\"\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := dump(c.f); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestWalkFilterOrderAndSkip(t *testing.T) {
	a, b := odata.NewStringField("a"), odata.NewStringField("b")
	f := odata.Not(a.Eq("1")).And(b.Eq("2"))
	var seen []string
	odata.WalkFilter(f, func(n odata.FilterNode) bool {
		seen = append(seen, string(n.Op())+n.Path())
		return n.Op() != odata.OpNot // skip the inside of not
	})
	if got, want := strings.Join(seen, ","), "and,not,eqb"; got != want {
		t.Errorf("visited %s, want %s", got, want)
	}
	odata.WalkFilter(odata.Filter{}, func(odata.FilterNode) bool { t.Fatal("visited a node of the zero filter"); return true })
}
