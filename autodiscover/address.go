package autodiscover

import (
	"fmt"
	"net/mail"
	"strings"
)

// maxAddressLen is the longest address accepted (RFC 5321: 64 + 1 + 255).
const maxAddressLen = 320

// canonicalAddress validates an SMTP address and returns it lower-cased with
// its domain. Only a bare address is accepted: no display name, no angle
// brackets, one "@", a non-empty local part and a DNS name with at least two
// labels as the domain (IP literals are refused: Autodiscover needs a domain).
func canonicalAddress(s string) (addr, domain string, err error) {
	bad := func(why string) (string, string, error) {
		return "", "", fmt.Errorf("%w %q: %s", ErrInvalidAddress, truncate(s, 80), why)
	}
	switch {
	case s == "":
		return bad("empty")
	case len(s) > maxAddressLen:
		return bad(fmt.Sprintf("%d bytes, longer than %d", len(s), maxAddressLen))
	case strings.Count(s, "@") != 1:
		return bad(`want exactly one "@"`)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return bad("contains a space or control character")
		}
	}
	at := strings.IndexByte(s, '@')
	if at == 0 {
		return bad("empty local part")
	}
	domain = strings.ToLower(s[at+1:])
	if why := checkDomain(domain); why != "" {
		return bad(why)
	}
	a, perr := mail.ParseAddress(s)
	if perr != nil {
		return bad(perr.Error())
	}
	if a.Name != "" || a.Address != s {
		return bad("not a bare address")
	}
	return strings.ToLower(s), domain, nil
}

// checkDomain returns why d is not a usable DNS domain, or "".
func checkDomain(d string) string {
	if d == "" {
		return "empty domain"
	}
	if len(d) > 253 {
		return "domain longer than 253 bytes"
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return "domain needs at least two labels"
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "domain has an empty or over-long label"
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "domain label starts or ends with '-'"
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return fmt.Sprintf("domain has character %q (internationalized names must be in punycode)", c)
			}
		}
	}
	if last := labels[len(labels)-1]; strings.Trim(last, "0123456789") == "" {
		return "domain is an IP address"
	}
	return ""
}

// lowerKey returns s lower-cased, without allocating when it already is
// (the cached path of Resolve must not allocate).
func lowerKey(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}
