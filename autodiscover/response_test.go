package autodiscover

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/internal/testutil"
)

func TestParseResponseRealSample(t *testing.T) {
	t.Parallel()
	var s struct {
		URL          string          `json:"url"`
		ResponseBody json.RawMessage `json:"responseBody"`
	}
	if err := json.Unmarshal(testutil.ReadExternal(t, "autodiscover-samples/exchange-hma-autodiscover-v2-activesync-success.json"), &s); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	protocol := u.Query().Get("Protocol") // "activesync": the sample asked for ActiveSync
	r, err := parseResponse(s.ResponseBody, strings.ToUpper(protocol))
	if err != nil {
		t.Fatalf("parseResponse(sample): %v", err)
	}
	if r.URL != "https://mail.contoso.com/Microsoft-Server-ActiveSync" {
		t.Errorf("Url = %q", r.URL)
	}
	// The same answer to a Rest question is a wrong answer.
	if _, err := parseResponse(s.ResponseBody, protocolRest); !errors.Is(err, errMalformed) {
		t.Errorf("parseResponse(activesync answer, Rest) error = %v, want errMalformed", err)
	}
	// The sample's query URL is one the loop detector treats as the same place whatever its RedirectCount.
	u2, _ := url.Parse(strings.Replace(s.URL, "RedirectCount=3", "RedirectCount=4", 1))
	if loopKey(u) != loopKey(u2) {
		t.Errorf("loopKey differs by RedirectCount: %s vs %s", loopKey(u), loopKey(u2))
	}
}

func TestParseResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body    string
		wantURL string // "" means an error is expected
	}{
		{`{"Protocol":"Rest","Url":"https://mail.contoso.com/api"}`, "https://mail.contoso.com/api"},
		{`{"Protocol":"rest","Url":"https://x.example/api"}`, "https://x.example/api"},
		{` {"Url":"https://x.example/api"} ` + "\n", "https://x.example/api"},
		{`{"Protocol":"Rest","Url":"https://x.example/api","ServerLocation":"NAMPR01"}`, "https://x.example/api"},
		{`{"Protocol":"Ews","Url":"https://x.example/EWS/Exchange.asmx"}`, ""},
		{`{"Protocol":"Rest"}`, ""},
		{`{"Protocol":"Rest","Url":""}`, ""},
		{`{"ErrorCode":"InvalidProtocol","ErrorMessage":"The given protocol value 'Imap' is invalid."}`, ""},
		{`{"Protocol":"Rest","Url":"https://x.example/api"}{}`, ""},
		{`{"Protocol":"Rest","Url":"https://x.example/api"} x`, ""},
		{`[{"Protocol":"Rest","Url":"https://x.example/api"}]`, ""},
		{`"https://x.example/api"`, ""},
		{`{"Protocol":"Rest","Url":42}`, ""},
		{`{"Protocol":"Rest","Url":"https://x.example/api"`, ""},
		{``, ""},
		{`   `, ""},
		{`null`, ""},
		{"\xff\xfe{}", ""},
	}
	for _, tt := range tests {
		r, err := parseResponse([]byte(tt.body), protocolRest)
		switch {
		case tt.wantURL == "" && err == nil:
			t.Errorf("parseResponse(%q) = %+v, want an error", tt.body, r)
		case tt.wantURL == "" && !errors.Is(err, errMalformed):
			t.Errorf("parseResponse(%q) error %v does not wrap errMalformed", tt.body, err)
		case tt.wantURL != "" && (err != nil || r.URL != tt.wantURL):
			t.Errorf("parseResponse(%q) = %+v, %v; want Url %s", tt.body, r, err, tt.wantURL)
		}
	}
}

func TestCheckJSONType(t *testing.T) {
	t.Parallel()
	for ct, ok := range map[string]bool{
		"application/json":                true,
		"application/json; charset=utf-8": true,
		"Application/JSON; charset=UTF-8": true,
		"":                                false,
		"text/html":                       false,
		"application/json-seq":            false,
		"text/json":                       false,
		"application/json; charset":       false,
		"application/xml":                 false,
	} {
		if err := checkJSONType(ct); (err == nil) != ok {
			t.Errorf("checkJSONType(%q) = %v, want ok=%v", ct, err, ok)
		}
	}
}

// FuzzParseResponse checks that no body panics the parser and that any
// accepted body names a URL and, re-encoded, is accepted the same way.
func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		`{"Protocol":"Rest","Url":"https://mail.contoso.com/api"}`,
		`{"Protocol": "activesync", "Url": "https://mail.contoso.com/Microsoft-Server-ActiveSync"}`,
		`{"ErrorCode":"InvalidProtocol","ErrorMessage":"x"}`,
		`{"Url":"https://x.example/api","ServerLocation":"EUR"}`,
		`{"Protocol":"Rest","Url":"\u0068ttps://x"}`, `[]`, `{`, `{"Url":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parseResponse(body, protocolRest)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("parseResponse(%q) error %v does not wrap errMalformed", body, err)
			}
			return
		}
		if r.URL == "" || r.ErrorCode != "" {
			t.Fatalf("parseResponse(%q) accepted %+v", body, r)
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := parseResponse(again, protocolRest)
		if err != nil || r2.URL != r.URL {
			t.Fatalf("round trip of %q: %+v, %v; want Url %q", body, r2, err, r.URL)
		}
		_ = errorCode(body)
	})
}

// FuzzCanonicalAddress checks that validation never panics and that an
// accepted address is lower case, its own canonical form, with its domain.
func FuzzCanonicalAddress(f *testing.F) {
	for _, s := range []string{"alice@contoso.com", "A@B.CO", "a@b", `"a b"@c.com`, "a@[1.2.3.4]", "x@y..z", "é@x.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, domain, err := canonicalAddress(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidAddress) {
				t.Fatalf("canonicalAddress(%q) error %v does not wrap ErrInvalidAddress", s, err)
			}
			return
		}
		if addr != strings.ToLower(s) || !strings.HasSuffix(addr, "@"+domain) || checkDomain(domain) != "" {
			t.Fatalf("canonicalAddress(%q) = %q, %q", s, addr, domain)
		}
		if a2, d2, err := canonicalAddress(addr); err != nil || a2 != addr || d2 != domain {
			t.Fatalf("canonicalAddress is not idempotent on %q: %q %q %v", addr, a2, d2, err)
		}
		if lowerKey(addr) != addr {
			t.Fatalf("lowerKey(%q) changed a canonical address", addr)
		}
	})
}
