package odata

import "strings"

// ParseEnum reads an enum value of a model: the member of known that text
// spells, ignoring case (Graph accepts and some samples send "HTML" or
// "Normal" where the canonical value is "html" or "normal"), or text itself,
// unchanged, when it is no known member, so that values a newer service adds
// decode without error. Model packages call it from their enum types'
// UnmarshalText.
func ParseEnum[E ~string](text []byte, known ...E) E {
	for _, k := range known {
		if len(text) == len(k) && strings.EqualFold(string(text), string(k)) {
			return k
		}
	}
	return E(text)
}
