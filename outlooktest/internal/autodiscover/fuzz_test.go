package autodiscover

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
)

func FuzzParseAutodiscover(f *testing.F) {
	for _, s := range []string{
		"/autodiscover/autodiscover.json?Email=bob%40contoso.com&Protocol=Rest",
		"/autodiscover/autodiscover.json/v1.0/bob@contoso.com?Protocol=rest&RedirectCount=3",
		"/Autodiscover/Autodiscover.json/v1.0/bob@contoso.com/x?Protocol=Rest",
		"/autodiscover/autodiscover.json?email=a@b.c&protocol=Ews&redirectcount=-1",
		"/autodiscover/autodiscover.json/v1.0/?Protocol=Rest",
		"/autodiscover/autodiscover.json?Email=%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		r := &http.Request{Method: http.MethodGet, URL: u}
		ar, err := parseAutodiscover(r)
		if err != nil {
			return
		}
		if _, _, err := hosts.ParseAddress(ar.email); err != nil || ar.redirectCount < 0 {
			t.Fatalf("parseAutodiscover(%q) = %+v: accepted a bad address or count", target, ar)
		}
		// The redirect it would send is a request the parser reads back the same.
		next, err := url.Parse(ar.redirectURL("https", "autodiscover.contoso.com"))
		if err != nil {
			t.Fatalf("redirectURL of %+v: %v", ar, err)
		}
		back, err := parseAutodiscover(&http.Request{Method: http.MethodGet, URL: next})
		if err != nil || back.email != ar.email || back.protocol != ar.protocol || back.redirectCount != ar.redirectCount+1 || back.v1Form != ar.v1Form {
			t.Fatalf("round trip of %q via %s: %+v, %v; want %+v with the count bumped", target, next, back, err, ar)
		}
	})
}
