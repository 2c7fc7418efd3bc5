package ews

import "testing"

// The category list reader takes any input without panicking, and reads
// back what the fake writes.
func FuzzCategoryXML(f *testing.F) {
	for _, s := range []string{`<categories xmlns="CategoryList.xsd"><category name="Red" color="0" guid="{AB}"/></categories>`, "", "<x", `<category name="&amp;" color="99"/>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cats, err := parseCategoryXML(data)
		if err != nil {
			return
		}
		for i := range cats {
			if cats[i]["id"] == nil {
				cats[i]["id"] = "x"
			}
			if cats[i]["displayName"] == nil {
				cats[i]["displayName"] = ""
			}
		}
		again, err := parseCategoryXML(categoryXML(cats))
		if err != nil || len(again) != len(cats) {
			t.Fatalf("written %d categories, read %d back (%v)", len(cats), len(again), err)
		}
		for i := range cats {
			for _, k := range []string{"displayName", "color"} {
				if again[i][k] != cats[i][k] && !invalidXML(cats[i][k]) {
					t.Fatalf("category %d %s: %v read back, want %v", i, k, again[i][k], cats[i][k])
				}
			}
		}
	})
}

// invalidXML reports a name XML cannot carry as is.
func invalidXML(v any) bool {
	s, _ := v.(string)
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFD {
			return true
		}
	}
	return false
}
