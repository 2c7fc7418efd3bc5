package query

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	q, err := ParseRawQuery(raw)
	if err != nil {
		t.Fatalf("ParseRawQuery(%q): %v", raw, err)
	}
	return q
}

func TestParseOptions(t *testing.T) {
	msgs := Rules{Messages: true}
	tests := []struct {
		raw   string
		rules Rules
		check func(t *testing.T, o *Options)
	}{
		{"", msgs, func(t *testing.T, o *Options) {
			if o.Filter != nil || o.OrderBy != nil || o.Select != nil || o.HasTop || o.Count || o.Search != nil || o.Custom != nil {
				t.Errorf("empty query gave %+v", o)
			}
			// Absent options are no-ops, so handlers need no nil checks.
			m := map[string]any{"id": "x"}
			if !o.Filter.Match(m) || !o.Search.Match(m) || o.Filter.Properties() != nil {
				t.Error("a nil Filter or Search does not match everything")
			}
			o.OrderBy.Sort([]map[string]any{m, m})
		}},
		{"$top=0", msgs, func(t *testing.T, o *Options) {
			if !o.HasTop || o.Top != 0 {
				t.Errorf("Top=%d HasTop=%v", o.Top, o.HasTop)
			}
		}},
		{"$Top=1000&skip=20&COUNT=TRUE", msgs, func(t *testing.T, o *Options) {
			if o.Top != 1000 || o.Skip != 20 || !o.Count {
				t.Errorf("Top=%d Skip=%d Count=%v", o.Top, o.Skip, o.Count)
			}
		}},
		{"$count=false", msgs, func(t *testing.T, o *Options) {
			if o.Count {
				t.Error("Count = true")
			}
		}},
		{"$top=5000", Rules{MaxTop: 5000}, func(t *testing.T, o *Options) {
			if o.Top != 5000 {
				t.Errorf("Top = %d", o.Top)
			}
		}},
		{"$select=Subject,From&$expand=Attachments", msgs, func(t *testing.T, o *Options) {
			if !slices.Equal(o.Select, []string{"subject", "from"}) || !slices.Equal(o.Expand, []string{"Attachments"}) {
				t.Errorf("Select=%q Expand=%q", o.Select, o.Expand)
			}
		}},
		{"$expand=singleValueExtendedProperties($filter=id%20eq%20'String%20{66f5a359-4659-4830-9070-00047ec6ac6e}%20Name%20Color'),attachments", msgs,
			func(t *testing.T, o *Options) {
				want := []string{"singleValueExtendedProperties($filter=id eq 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color')", "attachments"}
				if !slices.Equal(o.Expand, want) {
					t.Errorf("Expand = %q", o.Expand)
				}
			}},
		{"$filter=ReceivedDateTime ge 2024-05-01T00:00:00Z and subject eq 'x'&$orderby=receivedDateTime desc", msgs, func(t *testing.T, o *Options) {
			if o.Filter == nil || len(o.OrderBy) != 1 || !o.OrderBy[0].Desc {
				t.Errorf("Filter=%v OrderBy=%v", o.Filter, o.OrderBy)
			}
		}},
		{"$filter=receivedDateTime ge 2024-05-01 and from/emailAddress/address eq 'a'&$orderby=receivedDateTime,From/EmailAddress/Address", msgs, nil},
		{"$filter=contains(subject,'x')&$orderby=subject", Rules{}, nil}, // the rule is for messages only
		{"$filter=contains(subject,'x')&$orderby=receivedDateTime", Rules{}, nil},
		{"$search=%22budget%22&$top=10&$select=subject", msgs, func(t *testing.T, o *Options) {
			if o.Search == nil || o.Top != 10 {
				t.Errorf("Search=%v Top=%d", o.Search, o.Top)
			}
		}},
		{"$search=budget&$filter=isRead", Rules{}, nil},
		{"startDateTime=2024-05-01T00:00:00Z&endDateTime=2024-05-02T00:00:00Z&$top=5", Rules{}, func(t *testing.T, o *Options) {
			if o.Custom.Get("startDateTime") != "2024-05-01T00:00:00Z" || o.Custom.Get("endDateTime") == "" {
				t.Errorf("Custom = %v", o.Custom)
			}
		}},
		{"$skiptoken=abc%3D%3D&$deltatoken=xyz", msgs, func(t *testing.T, o *Options) {
			if o.SkipToken != "abc==" || o.DeltaToken != "xyz" {
				t.Errorf("SkipToken=%q DeltaToken=%q", o.SkipToken, o.DeltaToken)
			}
		}},
	}
	for _, tt := range tests {
		o, err := ParseOptions(mustQuery(t, tt.raw), messageSchema, tt.rules)
		if err != nil {
			t.Errorf("ParseOptions(%q): %v", tt.raw, err)
			continue
		}
		if tt.check != nil {
			t.Run(tt.raw, func(t *testing.T) { tt.check(t, o) })
		}
	}
}

func TestParseOptionsErrors(t *testing.T) {
	msgs := Rules{Messages: true}
	tests := []struct {
		raw   string
		rules Rules
		code  string
		msg   string
	}{
		{"$top=-1", msgs, "BadRequest", "non-negative integer"},
		{"$top=+1", msgs, "BadRequest", "non-negative integer"},
		{"$top=1.0", msgs, "BadRequest", "non-negative integer"},
		{"$top=", msgs, "BadRequest", "non-negative integer"},
		{"$top=1001", msgs, "BadRequest", "maximum of 1000"},
		{"$top=11", Rules{MaxTop: 10}, "BadRequest", "maximum of 10"},
		{"$top=99999999999999999999", msgs, "BadRequest", "out of range"},
		{"$skip=-5", msgs, "BadRequest", "$skip"},
		{"$count=yes", msgs, "BadRequest", "true or false"},
		{"$top=1&top=2", msgs, "BadRequest", "more than once"},
		{"$top=1&$top=2", msgs, "BadRequest", "more than once"},
		{"$foo=1", msgs, "BadRequest", "'$foo' is not allowed"},
		{"$format=json", msgs, "BadRequest", "not supported"},
		{"$apply=groupby((subject))", msgs, "BadRequest", "not supported"},
		{"@p='x'&$filter=subject eq @p", msgs, "BadRequest", "parameter aliases"},
		{"$filter=nope eq 1", msgs, "RequestBroker--ParseUri", "nope"},
		{"$orderby=nope", msgs, "RequestBroker--ParseUri", "nope"},
		{"$select=nope", msgs, "RequestBroker--ParseUri", "nope"},
		{"$search=%22budget", msgs, "BadRequest", "unterminated"},
		{"$expand=", msgs, "BadRequest", "no item"},
		{"$expand=a,,b", msgs, "BadRequest", "empty item"},
		{"$expand=a(", msgs, "BadRequest", "unbalanced"},
		{"$expand=a)", msgs, "BadRequest", "unbalanced"},
		{"$expand=a('x)", msgs, "BadRequest", "unterminated"},
		{"$expand=attachments/$ref", msgs, "BadRequest", "$ref"},
		{"$expand=attachments($levels=2)", msgs, "BadRequest", "$levels"},
		{"$expand=attachments($bogus=2)", msgs, "BadRequest", "not allowed inside"},
		{"$expand=attachments(x)", msgs, "BadRequest", "name=value"},
		{"$expand=attachments($top=1)x", msgs, "BadRequest", "text after"},
		{"$search=budget&$filter=isRead", msgs, "SearchWithFilter", "$filter"},
		{"$search=budget&$orderby=subject", msgs, "SearchWithOrderBy", "$orderby"},
		{"$filter=subject eq 'x'&$orderby=receivedDateTime", msgs, "InefficientFilter", "'receivedDateTime'"},
		{"$filter=subject eq 'x' and receivedDateTime ge 2024-01-01&$orderby=receivedDateTime", msgs, "InefficientFilter", "'subject', 'receivedDateTime'"},
		{"$filter=receivedDateTime ge 2024-01-01&$orderby=receivedDateTime,subject", msgs, "InefficientFilter", "'subject'"},
		{"$filter=subject eq 'x' and receivedDateTime ge 2024-01-01&$orderby=receivedDateTime,subject", msgs, "InefficientFilter", "same order"},
		{"$filter=contains(subject,'x')&$orderby=receivedDateTime", msgs, "InefficientFilter", "receivedDateTime"},
	}
	for _, tt := range tests {
		_, err := ParseOptions(mustQuery(t, tt.raw), messageSchema, tt.rules)
		e, ok := errors.AsType[*Error](err)
		if !ok {
			t.Errorf("ParseOptions(%q) error = %v, want *Error", tt.raw, err)
			continue
		}
		if e.Status != 400 || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("ParseOptions(%q) = %d %s %q; want 400 %s containing %q", tt.raw, e.Status, e.Code, e.Message, tt.code, tt.msg)
		}
	}
}

func TestParseRawQuery(t *testing.T) {
	q := mustQuery(t, "$filter=subject+eq+'a%26b'&&$expand=attachments($select=name;$top=5)&x&y=1&y=2")
	if got := q.Get("$filter"); got != "subject eq 'a&b'" {
		t.Errorf("$filter = %q", got)
	}
	if got := q.Get("$expand"); got != "attachments($select=name;$top=5)" {
		t.Errorf("$expand = %q", got)
	}
	if v, ok := q["x"]; !ok || len(v) != 1 || v[0] != "" {
		t.Errorf("x = %q, %v", v, ok)
	}
	if !slices.Equal(q["y"], []string{"1", "2"}) {
		t.Errorf("y = %q", q["y"])
	}
	for _, bad := range []string{"a;b=1", "$search=a;b", "=x", "%zz=1", "a=%zz", "a=(b));c"} {
		_, err := ParseRawQuery(bad)
		if e, ok := errors.AsType[*Error](err); !ok || e.Status != 400 {
			t.Errorf("ParseRawQuery(%q) = %v, want a 400 *Error", bad, err)
		}
	}
}

func TestParseExpandItem(t *testing.T) {
	path, nested, err := ParseExpandItem("extensions($filter=id eq 'Com.Contoso.Referral';$select=id)")
	if err != nil {
		t.Fatal(err)
	}
	if path != "extensions" || nested.Get("$filter") != "id eq 'Com.Contoso.Referral'" || nested.Get("$select") != "id" {
		t.Errorf("path %q nested %v", path, nested)
	}
	path, nested, err = ParseExpandItem("microsoft.graph.eventMessage/event")
	if err != nil || path != "microsoft.graph.eventMessage/event" || nested != nil {
		t.Errorf("= %q, %v, %v", path, nested, err)
	}
	if _, _, err := ParseExpandItem("a($filter=x eq 'a;b')"); err != nil {
		t.Errorf("a ';' inside a string split the options: %v", err)
	}
	if _, _, err := ParseExpandItem("(x)"); err == nil {
		t.Error("an item without a path was accepted")
	}
}
