package categories

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/odata"
)

// Category is one entry of the master category list.
type Category struct {
	// ID is the category's id: a GUID, the same one EWS's category list
	// holds (without its braces).
	ID string `json:"id,omitempty"`
	// DisplayName is the name items carry in their Categories. It is
	// unique in the list (case-insensitively) and cannot be changed.
	DisplayName string `json:"displayName"`
	// Color is the category's colour.
	Color Color `json:"color,omitempty"`
}

// WireSchema returns the wire mapping of a category.
func (Category) WireSchema() *odata.Schema { return categorySchema }

// Color is one of the 25 preset colours Outlook offers, or ColorNone. The
// colour a preset shows is Outlook's (Preset0 red, Preset1 orange, ...);
// the value is an index, not an RGB value.
type Color string

// ColorNone is a category without a colour.
const ColorNone Color = "none"

// Preset colours Outlook names. Preset returns any of the 25.
const (
	ColorRed       Color = "preset0"
	ColorOrange    Color = "preset1"
	ColorBrown     Color = "preset2"
	ColorYellow    Color = "preset3"
	ColorGreen     Color = "preset4"
	ColorTeal      Color = "preset5"
	ColorOlive     Color = "preset6"
	ColorBlue      Color = "preset7"
	ColorPurple    Color = "preset8"
	ColorCranberry Color = "preset9"
)

// maxPreset is the last preset colour, preset24 (dark cranberry).
const maxPreset = 24

// Preset returns preset colour n, 0 to 24.
func Preset(n int) (Color, error) {
	if n < 0 || n > maxPreset {
		return "", fmt.Errorf("%w: preset colour %d, want 0 to %d", ErrInvalidCategory, n, maxPreset)
	}
	return Color("preset" + strconv.Itoa(n)), nil
}

// Index returns the preset's number, or -1 for ColorNone; ok is false for
// a value that is neither.
func (c Color) Index() (n int, ok bool) {
	if c == ColorNone {
		return -1, true
	}
	s, found := strings.CutPrefix(string(c), "preset")
	if !found || s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxPreset {
		return 0, false
	}
	return n, true
}

// UnmarshalText reads a colour in any case ("Preset3" from Outlook REST
// v2.0 reads as preset3); an unknown value is kept as sent.
func (c *Color) UnmarshalText(b []byte) error {
	s := string(b)
	if l := strings.ToLower(s); l == "none" || strings.HasPrefix(l, "preset") {
		s = l
	}
	*c = Color(s)
	return nil
}

// colorEnum spells the colours: v2.0 capitalises them ("Preset0", "None").
var colorEnum = func() *odata.EnumType {
	e := &odata.EnumType{Name: "categoryColor", Values: []string{string(ColorNone)}}
	for i := 0; i <= maxPreset; i++ {
		e.Values = append(e.Values, "preset"+strconv.Itoa(i))
	}
	return e
}()

// WireEnum returns the wire spellings of the colours.
func (Color) WireEnum() *odata.EnumType { return colorEnum }
