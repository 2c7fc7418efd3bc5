package transport

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"https://graph.microsoft.com/v1.0/me/messages?$top=5&$select=subject", "https://graph.microsoft.com/v1.0/me/messages?$top=5&$select=subject"},
		{"https://h/cb?code=abc&state=xyz", "https://h/cb?code=REDACTED&state=xyz"},
		{"https://h/x?ACCESS_TOKEN=t1&a=1", "https://h/x?ACCESS_TOKEN=REDACTED&a=1"},
		{"https://h/x?access%5Ftoken=t1", "https://h/x?access%5Ftoken=REDACTED"},
		{"https://h/x?client_secret=s&client_assertion=a&refresh_token=r&password=p&id_token=i",
			"https://h/x?client_secret=REDACTED&client_assertion=REDACTED&refresh_token=REDACTED&password=REDACTED&id_token=REDACTED"},
		{"https://h/x?code", "https://h/x?code"}, // no value to hide
		{"https://h/x?code=", "https://h/x?code=REDACTED"},
		{"https://h/x?zipcode=12345&codes=1", "https://h/x?zipcode=12345&codes=1"},
		{"https://alice:pw@h/x", "https://alice:REDACTED@h/x"},
		{"https://h/x#access_token=t", "https://h/x"},
		{"https://h/x?%zz=1&code=c", "https://h/x?%zz=1&code=REDACTED"},
		{"https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/AttachmentSessions('s')?authtoken=eyJ0",
			"https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/AttachmentSessions('s')?authtoken=REDACTED"},
		{"https://h/blob?sv=2020&sig=abc%2Bdef&se=1", "https://h/blob?sv=2020&sig=REDACTED&se=1"},
		{"https://h/t?assertion=a&client_assertion_type=jwt&device_code=d&AuthToken=x",
			"https://h/t?assertion=REDACTED&client_assertion_type=jwt&device_code=REDACTED&AuthToken=REDACTED"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatalf("url.Parse(%q): %v", tt.in, err)
		}
		if got := RedactURL(u, true); got != tt.want {
			t.Errorf("RedactURL(%q, true) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := RedactURL(nil, true); got != "" {
		t.Errorf("RedactURL(nil) = %q, want empty", got)
	}
}

// TestRedactURLWithoutDetail checks the form of errors and records above
// Debug: no query value at all, credentials still marked as such.
func TestRedactURLWithoutDetail(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://graph.microsoft.com/v1.0/me/messages?$filter=subject%20eq%20'Layoffs'&$top=5",
			"https://graph.microsoft.com/v1.0/me/messages?$filter=...&$top=..."},
		{"https://h/x?authtoken=t&a=1&flag", "https://h/x?authtoken=REDACTED&a=...&flag"},
		{"https://h/x", "https://h/x"},
		{"https://alice:pw@h/x?q=1#frag", "https://alice:REDACTED@h/x?q=..."},
	}
	for _, tt := range tests {
		if got := RedactURLString(tt.in, false); got != tt.want {
			t.Errorf("RedactURLString(%q, false) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := RedactURLString("https://h/%zz?authtoken=SECRET", false); strings.Contains(got, "SECRET") {
		t.Errorf("an unparsable URL is shown as %q", got)
	}
}

// FuzzRedactQuery checks that no sensitive parameter's value survives, as
// url.ParseQuery (what a server would use) reads the redacted query.
func FuzzRedactQuery(f *testing.F) {
	for _, s := range []string{
		"", "a=1", "code=abc", "access_token=x&$top=1", "Code=1&code=2", "access%5Ftoken=x",
		"pass+word=1", "password=a=b", "&&code=x&", "refresh_token", "%zz=1&code=c",
		"authtoken=eyJ0&x=1", "sig=a%2Bb", "AuthToken=x", "$filter=subject+eq+'x'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out := redactQuery(q, true)
		if !strings.Contains(q, "=") && out != q {
			t.Fatalf("redactQuery(%q) = %q changed a query without values", q, out)
		}
		vals, err := url.ParseQuery(out)
		if err != nil {
			return // unparsable for servers as well
		}
		for k, vs := range vals {
			if !isSecretParam(k) {
				continue
			}
			for _, v := range vs {
				if v != "" && v != redacted {
					t.Fatalf("redactQuery(%q) = %q leaves %s=%q", q, out, k, v)
				}
			}
		}
		// Redaction is stable: a second pass changes nothing.
		if again := redactQuery(out, true); again != out {
			t.Fatalf("redactQuery not idempotent: %q -> %q -> %q", q, out, again)
		}
		// Without detail, no value of any parameter survives.
		if vals, err := url.ParseQuery(redactQuery(q, false)); err == nil {
			for k, vs := range vals {
				for _, v := range vs {
					if v != "" && v != redacted && v != elided {
						t.Fatalf("redactQuery(%q, false) leaves %s=%q", q, k, v)
					}
				}
			}
		}
	})
}
