package servicetest

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/odata"
)

// layerPrefix matches the prefix a package of the SDK gives its errors, at
// the start of the text or of a wrapped part.
var layerPrefix = regexp.MustCompile(`(?:^|: )(outlook|mail|calendar|contacts|odata|item|autodiscover|transport|outlooktest): `)

// ReadsOnce fails the test unless err's text reads as one line a person can
// follow: it starts with prefix (the package and the operation that refused,
// "mail: SendMail: "), names no package twice (not "mail: SendMail: mail:
// invalid message") and repeats no part between colons.
func ReadsOnce(t testing.TB, err error, prefix string) {
	t.Helper()
	if err == nil {
		t.Errorf("no error, want one starting %q", prefix)
		return
	}
	msg := err.Error()
	if problem := textProblem(msg, prefix); problem != "" {
		t.Errorf("error %q %s", msg, problem)
	}
}

func textProblem(msg, prefix string) string {
	if !strings.HasPrefix(msg, prefix) {
		return "does not start with " + quote(prefix)
	}
	if strings.ContainsAny(msg, "\n\r") {
		return "spans lines"
	}
	seen := map[string]bool{}
	for _, m := range layerPrefix.FindAllStringSubmatch(msg, -1) {
		if seen[m[1]] {
			return "names " + quote(m[1]+":") + " twice"
		}
		seen[m[1]] = true
	}
	parts := map[string]bool{}
	for _, p := range strings.Split(msg, ": ") {
		if parts[p] {
			return "repeats " + quote(p)
		}
		parts[p] = true
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }

// Refusal is bad input an operation of a service S refuses before any
// request.
type Refusal[S any] struct {
	Op   string // the method called, which the error names
	Call func(ctx context.Context, s S) error
	Want error  // what the error matches (errors.Is)
	Text string // what it says, in part
	// OnV2, when set, is what the error matches in the Outlook REST v2.0
	// dialect instead of Want (odata.ErrNotSupported, say), whatever it says.
	OnV2 error
}

// CheckRefusals calls each case on a service (made by newService) of a
// RecordingClient, in both dialects: the error must match Want, contain
// Text and read once, starting "<pkg>: <Op>: " (ReadsOnce), and no request
// may have been sent.
func CheckRefusals[S any](t *testing.T, pkg string, newService func(*odata.Client) S, cases []Refusal[S]) {
	t.Helper()
	for _, d := range []*odata.Dialect{odata.Graph, odata.OutlookV2} {
		c, rec := RecordingClient(t, d)
		s := newService(c)
		for _, tc := range cases {
			err := tc.Call(t.Context(), s)
			want, text := tc.Want, tc.Text
			if tc.OnV2 != nil && d.IsOutlookV2() {
				want, text = tc.OnV2, ""
			}
			if !errors.Is(err, want) || err != nil && !strings.Contains(err.Error(), text) {
				t.Errorf("%s (%s): error %v; want one matching %v and saying %q", tc.Op, d, err, want, text)
			}
			ReadsOnce(t, err, pkg+": "+tc.Op+": ")
			if sent := rec.Bytes(); len(sent) > 0 {
				t.Fatalf("%s (%s) sent a request:\n%s", tc.Op, d, sent)
			}
		}
	}
}
