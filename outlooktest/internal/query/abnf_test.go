package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/internal/testutil"
)

// The OASIS OData ABNF test cases (shared/testdata/external, read through
// testutil) exercise the grammar against the TC's sample model (Products,
// Categories, Customers, ...). abnfSchema declares that model's properties
// with the kinds their names suggest, so that a valid case fails only for a
// construct this package does not support, never for an unknown name.

type abnfIndex struct {
	Categories map[string]struct {
		Cases []abnfCase `json:"cases"`
	} `json:"categories"`
}

type abnfCase struct {
	Index  int    `json:"index"`
	Name   string `json:"name"`
	Rule   string `json:"rule"`
	Input  string `json:"input"`
	FailAt *int   `json:"failAt"`
}

type abnfConstraints struct {
	Constraints map[string][]string `json:"Constraints"`
}

func abnfSchema(t *testing.T) (*Schema, map[string][]string) {
	t.Helper()
	var c abnfConstraints
	if err := json.Unmarshal(testutil.ReadExternal(t, "odata-abnf-testcases.json"), &c); err != nil {
		t.Fatal(err)
	}
	k := c.Constraints
	kindOf := func(name string) Kind {
		switch name {
		case "Price", "Age", "Rating", "Size", "Cost", "Revenue", "Amount", "Population", "Quantity", "TaxRate", "SumAmount", "X", "Month", "ID", "ItemID", "OrderID":
			return KindNumber
		case "BirthDate", "ReleaseDate", "Date", "LifeTime":
			return KindDateTime
		case "Completed", "Shipped":
			return KindBool
		case "style":
			return KindEnum
		}
		return KindString
	}
	primitives := slices.Concat(k["primitiveKeyProperty"], k["primitiveNonKeyProperty"])
	singles := slices.Concat(k["complexProperty"], k["entityNavigationProperty"])
	colls := slices.Concat(k["complexColProperty"], k["entityColNavigationProperty"])
	props := map[string]Kind{}
	// A structured value's members: primitives, string collections, and
	// one more level of structure (Product/Supplier/Name).
	var fill func(prefix string, depth int)
	fill = func(prefix string, depth int) {
		for _, p := range primitives {
			props[prefix+p] = kindOf(p)
		}
		for _, p := range k["streamProperty"] {
			props[prefix+p] = KindString
		}
		for _, p := range k["primitiveColProperty"] {
			props[prefix+p] = KindStringCollection
		}
		if depth == 0 {
			return
		}
		for _, p := range singles {
			props[prefix+p] = KindObject
			fill(prefix+p+"/", depth-1)
		}
		for _, p := range colls {
			props[prefix+p] = KindObjectCollection
			fill(prefix+p+"/", depth-1)
		}
	}
	fill("", 2)
	fill("Product/Supplier/", 2) // the one deeper path the cases use
	return &Schema{Props: props}, k
}

func loadABNF(t *testing.T) abnfIndex {
	t.Helper()
	var idx abnfIndex
	if err := json.Unmarshal(testutil.ReadExternal(t, "odata-abnf-testcases-by-query-option.json"), &idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

// booleanRules are the ABNF rules whose inputs are boolean expressions; the
// inputs of the others (commonExpr, firstMemberExpr, ...) may be values,
// which a $filter rightly refuses as not true-or-false.
var booleanRules = []string{"boolCommonExpr", "boolcommonExpr", "notExpr", "isofExpr", "anyExpr", "filter"}

// abnfQuery runs a case that is a URL or a query string through
// ParseRawQuery and ParseOptions, as the fake's handlers will.
// customNames are the custom options the test model declares.
func abnfQuery(c abnfCase, sc *Schema, customNames []string) (*Options, error) {
	in := c.Input
	if c.Rule == "odataRelativeUri" || c.Rule == "odataUri" {
		_, in, _ = strings.Cut(in, "?")
	}
	in, _, _ = strings.Cut(in, "#") // a fragment is not sent to the server
	q, err := ParseRawQuery(in)
	if err != nil {
		return nil, err
	}
	o, err := ParseOptions(q, sc, Rules{})
	if err != nil {
		return nil, err
	}
	for name := range o.Custom {
		if !slices.Contains(customNames, name) {
			return nil, fmt.Errorf("custom option %q is not in the test model", name)
		}
	}
	return o, nil
}

func TestABNFFilterCases(t *testing.T) {
	idx := loadABNF(t)
	sc, constraints := abnfSchema(t)
	customNames := constraints["customName"]
	// Type names that are not also property names: a path segment spelling
	// one is an unqualified type cast.
	var typeNames []string
	for _, n := range slices.Concat(constraints["complexTypeName"], constraints["entityTypeName"]) {
		if _, ok := sc.Props[n]; !ok {
			typeNames = append(typeNames, n)
		}
	}
	var parsed, unsupportedN, notBool, untyped, contextual, invalidRejected int
	run := func(c abnfCase, category string) {
		var err error
		if strings.HasPrefix(category, "$filter expression") {
			in, uerr := url.PathUnescape(c.Input)
			if c.Rule == "anyExpr" {
				in = "Products/" + in // the rule is the part after a collection path
			}
			if uerr != nil {
				err = uerr
			} else {
				_, err = ParseFilter(in, sc)
			}
		} else {
			_, err = abnfQuery(c, sc, customNames)
		}
		if c.FailAt != nil {
			if err == nil {
				t.Errorf("case %d %q (%s, invalid at %d) was accepted", c.Index, c.Input, c.Rule, *c.FailAt)
				return
			}
			invalidRejected++
			t.Logf("invalid  %3d %-16s %-45q -> %v", c.Index, c.Rule, c.Input, err)
			return
		}
		if err == nil {
			parsed++
			t.Logf("parsed   %3d %-16s %q", c.Index, c.Rule, c.Input)
			return
		}
		e, ok := errors.AsType[*Error](err)
		switch {
		case !ok:
			t.Errorf("case %d %q (%s, valid): error %v is not an *Error", c.Index, c.Input, c.Rule, err)
		case e.Status != 400 && e.Status != 501:
			t.Errorf("case %d %q (%s, valid): status %d", c.Index, c.Input, c.Rule, e.Status)
		case e.class == classUnsupported:
			unsupportedN++
			t.Logf("unsupp.  %3d %-16s %-45q -> %s", c.Index, c.Rule, c.Input, e.Message)
		case e.class == classType && !slices.Contains(booleanRules, c.Rule):
			notBool++
			t.Logf("notbool  %3d %-16s %-45q -> %s", c.Index, c.Rule, c.Input, e.Message)
		case e.class == classType:
			// The ABNF is untyped: the model's Size is compared with both
			// true and 4.0. A type error is a right answer for one of them.
			untyped++
			t.Logf("untyped  %3d %-16s %-45q -> %s", c.Index, c.Rule, c.Input, e.Message)
		case e.class == classUnknown && (strings.HasPrefix(c.Input, "lambda/") || slices.ContainsFunc(typeNames, func(n string) bool {
			return strings.Contains(c.Input, "/"+n+"/")
		})):
			// A range variable used outside its lambda, or an unqualified
			// type-cast segment (Address/AddressWithLocation/Street), which
			// needs type information a Schema does not have.
			contextual++
			t.Logf("context  %3d %-16s %-45q -> %s", c.Index, c.Rule, c.Input, e.Message)
		default:
			t.Errorf("case %d %q (%s, valid) refused for a reason other than an unsupported construct: %v", c.Index, c.Input, c.Rule, err)
		}
	}
	for _, cat := range []string{"$filter", "$filter expression grammar (commonExpr/boolCommonExpr and sub-rules)"} {
		cases := idx.Categories[cat].Cases
		if len(cases) == 0 {
			t.Fatalf("no cases in category %q: has the file's layout changed?", cat)
		}
		for _, c := range cases {
			run(c, cat)
		}
	}
	t.Logf("ABNF $filter cases: %d parsed, %d rejected as unsupported, %d non-boolean expressions rejected, "+
		"%d type errors in the untyped grammar, %d out of context (range variable, type cast), %d invalid rejected",
		parsed, unsupportedN, notBool, untyped, contextual, invalidRejected)
	if parsed < 20 || invalidRejected < 9 {
		t.Errorf("too few cases ran: parsed %d, invalid rejected %d", parsed, invalidRejected)
	}
}

// TestABNFOtherOptions runs the cases for the other system query options
// through ParseRawQuery and ParseOptions: a valid case parses or is refused
// with a 400/501 *Error, an invalid one is refused.
func TestABNFOtherOptions(t *testing.T) {
	idx := loadABNF(t)
	sc, constraints := abnfSchema(t)
	for _, cat := range []string{"$orderby", "$select", "$search", "$top", "$skip", "$expand", "$count", "$skiptoken", "$deltatoken"} {
		cases := idx.Categories[cat].Cases
		if len(cases) == 0 {
			t.Fatalf("no cases in category %q", cat)
		}
		var parsed, refused, invalidRejected, skipped int
		for _, c := range cases {
			var err error
			if c.Rule == "searchExpr" {
				in, uerr := url.PathUnescape(c.Input)
				if err = uerr; err == nil {
					_, err = ParseSearch(in)
				}
			} else if !strings.Contains(c.Input, "?") && !strings.Contains(c.Input, "=") {
				skipped++ // a resource path ("Products/$count"): no query to parse
				continue
			} else {
				_, err = abnfQuery(c, sc, constraints["customName"])
			}
			if c.FailAt != nil {
				if err == nil {
					t.Errorf("%s case %d %q (%s, invalid at %d) was accepted", cat, c.Index, c.Input, c.Rule, *c.FailAt)
					continue
				}
				invalidRejected++
				t.Logf("%-10s invalid %3d %-45q -> %v", cat, c.Index, c.Input, err)
				continue
			}
			if err == nil {
				parsed++
				t.Logf("%-10s parsed  %3d %q", cat, c.Index, c.Input)
				continue
			}
			e, ok := errors.AsType[*Error](err)
			if !ok || e.Status != 400 && e.Status != 501 {
				t.Errorf("%s case %d %q (valid): error %v is not a 400/501 *Error", cat, c.Index, c.Input, err)
				continue
			}
			refused++
			t.Logf("%-10s refused %3d %-45q -> %v", cat, c.Index, c.Input, err)
		}
		t.Logf("ABNF %s cases: %d parsed, %d valid refused with 400/501, %d invalid rejected, %d resource paths skipped",
			cat, parsed, refused, invalidRejected, skipped)
	}
}
