package ews

import (
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// Appending Graph JSON. Names are the package's or the schema's Graph
// names (ASCII identifiers); values go through appendString.

// member appends the name of an object member, with the comma before it
// unless it is the first member.
func member(dst []byte, name string) []byte {
	if n := len(dst); n > 0 && dst[n-1] != '{' && dst[n-1] != '[' {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

// comma appends the comma before an array element unless it is the first.
func comma(dst []byte) []byte {
	if n := len(dst); n > 0 && dst[n-1] != '[' {
		dst = append(dst, ',')
	}
	return dst
}

// safeJSON marks the ASCII bytes a JSON string holds as they are.
var safeJSON = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString appends s as a JSON string. Invalid UTF-8 (a server may send
// it in free text) becomes U+FFFD rather than failing the page.
func appendString[S ~[]byte | ~string](dst []byte, s S) []byte {
	i := 0
	for i < len(s) && safeJSON[s[i]] {
		i++
	}
	if i == len(s) {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	out, err := jsontext.AppendQuote(dst, s)
	if err != nil {
		if !utf8.ValidString(string(s)) {
			out, err = jsontext.AppendQuote(dst, strings.ToValidUTF8(string(s), "\uFFFD"))
		}
		if err != nil {
			return append(dst, `""`...)
		}
	}
	return out
}
