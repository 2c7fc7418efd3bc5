package autodiscover

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/internal/testutil"
)

// sampleHeaders returns the WWW-Authenticate values of the real on-premises
// 401 in the external test data (headers written "Name: value").
func sampleHeaders(t testing.TB) []string {
	t.Helper()
	var s struct {
		Status          int      `json:"status"`
		ResponseHeaders []string `json:"responseHeaders"`
	}
	if err := json.Unmarshal(testutil.ReadExternal(t, "autodiscover-samples/exchange-hma-onprem-401-bearer-challenge.json"), &s); err != nil {
		t.Fatal(err)
	}
	if s.Status != 401 {
		t.Fatalf("sample status %d", s.Status)
	}
	var out []string
	for _, h := range s.ResponseHeaders {
		name, value, _ := strings.Cut(h, ":")
		if strings.EqualFold(name, "WWW-Authenticate") {
			out = append(out, strings.TrimSpace(value))
		}
	}
	if len(out) != 2 {
		t.Fatalf("sample has %d WWW-Authenticate headers, want 2", len(out))
	}
	return out
}

func TestParseChallengeRealSample(t *testing.T) {
	t.Parallel()
	hs := sampleHeaders(t)
	c, err := ParseChallenge(hs[0])
	if err != nil {
		t.Fatalf("ParseChallenge(sample): %v", err)
	}
	if c.Scheme != "Bearer" || c.ClientID() != "00000002-0000-0ff1-ce00-000000000000" ||
		c.AuthorizationURI() != "https://login.windows.net/common/oauth2/authorize" {
		t.Errorf("challenge = %+v", c)
	}
	if got, want := c.TrustedIssuers(), []string{
		"00000001-0000-0000-c000-000000000000@5de110f8-2e0f-4d45-891d-bcf2218e253d",
		"00000004-0000-0ff1-ce00-000000000000@contoso.com",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("TrustedIssuers = %q, want %q", got, want)
	}
	if got, want := c.TokenTypes(), []string{"app_asserted_user_v1", "service_asserted_app_v1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("TokenTypes = %q, want %q", got, want)
	}
	// The second header is Basic only: well-formed, but no modern auth.
	if _, err := ParseChallenge(hs[1]); !errors.Is(err, ErrModernAuthNotConfigured) {
		t.Errorf("ParseChallenge(Basic) error = %v, want ErrModernAuthNotConfigured", err)
	}
	// Both folded into one header, as some proxies send them.
	cs, err := ParseChallenges(hs[0] + "," + hs[1])
	if err != nil || len(cs) != 2 || cs[1].Scheme != "Basic" || cs[1].Params["realm"] != "mail.contoso.com" {
		t.Errorf("folded headers: %+v, %v", cs, err)
	}
}

func TestParseChallenges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []Challenge
	}{
		{"", nil},
		{" , ,", nil},
		{"Basic", []Challenge{{Scheme: "Basic"}}},
		{"Negotiate, NTLM", []Challenge{{Scheme: "Negotiate"}, {Scheme: "NTLM"}}},
		{"Negotiate YIIBhgYGKwYBBQUCoIIBejCCAXag==", []Challenge{{Scheme: "Negotiate", Token68: "YIIBhgYGKwYBBQUCoIIBejCCAXag=="}}},
		{"Negotiate abc, Basic realm=x", []Challenge{{Scheme: "Negotiate", Token68: "abc"}, {Scheme: "Basic", Params: map[string]string{"realm": "x"}}}},
		{`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
			[]Challenge{{Scheme: "Bearer", Params: map[string]string{"realm": "", "authorization_uri": "https://login.microsoftonline.com/common/oauth2/authorize", "client_id": "00000003-0000-0000-c000-000000000000"}}}},
		{`Bearer trusted_issuers="a@x,b@y", token_types="t1 t2",Basic Realm=""`,
			[]Challenge{{Scheme: "Bearer", Params: map[string]string{"trusted_issuers": "a@x,b@y", "token_types": "t1 t2"}}, {Scheme: "Basic", Params: map[string]string{"realm": ""}}}},
		{`Bearer error="invalid_token", error_description="say \"hi\" \\ bye"`,
			[]Challenge{{Scheme: "Bearer", Params: map[string]string{"error": "invalid_token", "error_description": `say "hi" \ bye`}}}},
		{"Bearer  A = b ,, C=d\t", []Challenge{{Scheme: "Bearer", Params: map[string]string{"a": "b", "c": "d"}}}},
		{"bearer x=1, Bearer y=2", []Challenge{{Scheme: "bearer", Params: map[string]string{"x": "1"}}, {Scheme: "Bearer", Params: map[string]string{"y": "2"}}}},
	}
	for _, tt := range tests {
		got, err := ParseChallenges(tt.in)
		if err != nil {
			t.Errorf("ParseChallenges(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseChallenges(%q) =\n%#v\nwant\n%#v", tt.in, got, tt.want)
		}
	}
}

func TestParseChallengesErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`Bearer realm="unterminated`,
		`Bearer realm="ends in escape\`,
		`Bearer realm x`,
		`Bearer realm=x y`,
		`Bearer a=1, a=2`,
		`Bearer A=1, a=2`,
		`"Bearer"`,
		`Bearer=x`,
		`Bearer realm="x"junk`,
		`Bearer @`,
		"Bearer realm=\x00",
		strings.Repeat("a", maxChallengeHeader+1),
		strings.Repeat("B, ", maxChallenges+1),
		"Bearer " + strings.Repeat("k=v, ", 0) + manyParams(maxChallengeParams+1),
	} {
		if cs, err := ParseChallenges(in); err == nil {
			t.Errorf("ParseChallenges(%q) = %+v, want an error", truncate(in, 60), cs)
		} else if !errors.Is(err, errChallengeSyntax) {
			t.Errorf("ParseChallenges(%q) error %v does not wrap errChallengeSyntax", truncate(in, 60), err)
		}
	}
	if _, err := ParseChallenge(`Bearer realm="x`); err == nil || errors.Is(err, ErrModernAuthNotConfigured) {
		t.Errorf("a syntax error is not 'modern auth not configured': %v", err)
	}
}

func manyParams(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("p")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString("=v")
	}
	return b.String()
}

func TestChallengeString(t *testing.T) {
	t.Parallel()
	c := Challenge{Scheme: "Bearer", Params: map[string]string{"b": `q"\`, "a": "1"}}
	if got, want := c.String(), `Bearer a="1", b="q\"\\"`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	if got := (Challenge{Scheme: "Negotiate", Token68: "abc=="}).String(); got != "Negotiate abc==" {
		t.Errorf("String() = %s", got)
	}
}

// FuzzParseChallenges checks that no input panics and that whatever parses
// survives a round trip through String.
func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{
		`Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@5de110f8-2e0f-4d45-891d-bcf2218e253d,00000004-0000-0ff1-ce00-000000000000@contoso.com", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.windows.net/common/oauth2/authorize"`,
		`Basic realm="mail.contoso.com"`,
		`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize",Basic Realm=""`,
		"Negotiate, NTLM", "Negotiate YIIBhg==", `Bearer error="invalid_token", x="a\"b"`, `Bearer a=1, a=2`, `Bearer realm="`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := ParseChallenges(in)
		if err != nil {
			if cs != nil {
				t.Errorf("ParseChallenges(%q) returned challenges with an error", in)
			}
			return
		}
		var parts []string
		for _, c := range cs {
			if c.Scheme == "" {
				t.Fatalf("ParseChallenges(%q): empty scheme", in)
			}
			parts = append(parts, c.String())
		}
		again, err := ParseChallenges(strings.Join(parts, ", "))
		if err != nil {
			t.Fatalf("re-parsing %q (from %q): %v", strings.Join(parts, ", "), in, err)
		}
		if len(again) != len(cs) {
			t.Fatalf("round trip of %q: %d challenges, then %d", in, len(cs), len(again))
		}
		for i := range cs {
			if again[i].Scheme != cs[i].Scheme || again[i].Token68 != cs[i].Token68 || !maps.Equal(again[i].Params, cs[i].Params) {
				t.Fatalf("round trip of %q: %+v became %+v", in, cs[i], again[i])
			}
		}
		_, _ = ParseChallenge(in)
	})
}
