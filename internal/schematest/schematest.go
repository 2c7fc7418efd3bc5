// Package schematest checks the wire mappings of the model packages
// (odata.Schema) for those packages' tests: against the Go types they
// describe, both ways, so that a field and its table row cannot drift;
// against the Graph v1.0 schema digest in ../shared/testdata/external; and
// against EWS's list of FieldURIs.
package schematest

import (
	_ "embed"
	"encoding"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/odata"
)

// TB is the part of testing.TB the checks use.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Skipf(format string, args ...any)
}

// Type checks that the JSON members of v's Go type and the properties of
// its schema are the same set, and that each property's kind, collection,
// element schema and enum agree with its field's Go type. The schema and
// those it refers to must Validate.
func Type(t TB, v odata.Mapped) {
	t.Helper()
	s := v.WireSchema()
	if err := s.Validate(); err != nil {
		t.Errorf("%T: %v", v, err)
	}
	members := Members(reflect.TypeOf(v))
	for name, f := range members {
		p := s.Prop(name)
		if p == nil {
			t.Errorf("%T: JSON member %q (field %s) is not in the %s table", v, name, f.Name, s.Name)
			continue
		}
		checkField(t, reflect.TypeOf(v).Name(), p, f.Type)
	}
	for _, p := range s.Props {
		if _, ok := members[p.Graph]; !ok {
			t.Errorf("%T: the %s table lists %q, which the type does not have", v, s.Name, p.Graph)
		}
	}
}

// Update checks an update type (fields of odata.Optional), whose schema is
// the entity's: each of its members is a property of the schema that can
// be written, of the kind its field holds.
func Update(t TB, v odata.Mapped) {
	t.Helper()
	s := v.WireSchema()
	for name, f := range Members(reflect.TypeOf(v)) {
		p := s.Prop(name)
		switch {
		case p == nil:
			t.Errorf("%T: JSON member %q (field %s) is not in the %s table", v, name, f.Name, s.Name)
		case p.ReadOnly:
			t.Errorf("%T: member %q sets a read-only property", v, name)
		default:
			checkField(t, reflect.TypeOf(v).Name(), p, f.Type)
		}
	}
}

// Members returns the JSON members of a struct type as json v2 sees them:
// embedded structs flattened, the unknown-members map and ignored fields
// left out.
func Members(t reflect.Type) map[string]reflect.StructField {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" && opts == "" {
			continue
		}
		embed := strings.Contains(","+opts+",", ",embed,") || f.Anonymous && name == ""
		if embed {
			if f.Type.Kind() == reflect.Struct {
				for k, v := range Members(f.Type) {
					out[k] = v
				}
			}
			continue // a map holds the unknown members
		}
		if !f.IsExported() {
			continue
		}
		if name == "" || !hasTag {
			name = f.Name
		}
		out[name] = f
	}
	return out
}

var (
	optionalPkg   = reflect.TypeFor[odata.Optional[int]]().PkgPath()
	rawMessage    = reflect.TypeFor[json.RawMessage]()
	timeType      = reflect.TypeFor[time.Time]()
	mappedType    = reflect.TypeFor[odata.Mapped]()
	enumType      = reflect.TypeFor[odata.MappedEnum]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
)

// checkField checks the property p against the Go type of its field.
func checkField(t TB, owner string, p *odata.Prop, ft reflect.Type) {
	t.Helper()
	bad := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s.%s: "+format, append([]any{owner, p.Graph}, args...)...)
	}
	for {
		switch {
		case ft.Kind() == reflect.Pointer:
			ft = ft.Elem()
			continue
		case ft.PkgPath() == optionalPkg && strings.HasPrefix(ft.Name(), "Optional["):
			ft = ft.Field(0).Type
			continue
		}
		break
	}
	collection := ft.Kind() == reflect.Slice && ft != rawMessage && ft.Elem().Kind() != reflect.Uint8
	if collection != p.Collection {
		bad("Collection is %v, the field is %s", p.Collection, ft)
	}
	if collection {
		ft = ft.Elem()
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
	}
	var want []odata.Kind
	switch {
	case ft == rawMessage || ft.Kind() == reflect.Map:
		want = []odata.Kind{odata.KindObject, odata.KindRaw}
	case ft.Implements(mappedType):
		want = []odata.Kind{odata.KindObject}
		if s := reflect.Zero(ft).Interface().(odata.Mapped).WireSchema(); p.Elem != s {
			bad("Elem is %v, the field's type %s carries %s", schemaName(p.Elem), ft, s.Name)
		}
	case ft.Implements(enumType):
		want = []odata.Kind{odata.KindEnum}
		if e := reflect.Zero(ft).Interface().(odata.MappedEnum).WireEnum(); p.Enum != e {
			bad("Enum is not the %s the field's type %s carries", e.Name, ft)
		}
	case ft == timeType:
		want = []odata.Kind{odata.KindTime}
	case ft.Kind() == reflect.Struct && (ft.Implements(textMarshaler) || ft.Implements(jsonMarshaler)):
		want = []odata.Kind{odata.KindTime, odata.KindDate, odata.KindString}
	case ft.Kind() == reflect.Slice: // []byte
		want = []odata.Kind{odata.KindBinary}
	case ft.Kind() == reflect.String:
		want = []odata.Kind{odata.KindString}
	case ft.Kind() == reflect.Bool:
		want = []odata.Kind{odata.KindBool}
	case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Uint64:
		want = []odata.Kind{odata.KindInt}
	case ft.Kind() == reflect.Float32 || ft.Kind() == reflect.Float64:
		want = []odata.Kind{odata.KindFloat}
	default:
		bad("no kind for Go type %s", ft)
		return
	}
	if !slices.Contains(want, p.Kind) {
		bad("kind %s, the field's type %s wants %v", p.Kind, ft, want)
	}
	if p.Kind == odata.KindObject && p.Elem == nil && !(ft == rawMessage || ft.Kind() == reflect.Map) {
		bad("an object without Elem, though its type %s is known", ft)
	}
}

func schemaName(s *odata.Schema) string {
	if s == nil {
		return "nil"
	}
	return s.Name
}

//go:embed fielduris.txt
var fieldURIText string

// fieldURIs is the set of EWS unindexed FieldURIs of fielduris.txt.
var fieldURIs = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.Lines(fieldURIText) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
})

// Graph checks the schemas reachable from roots against the Graph v1.0
// schema digest: each schema names a Graph type (or an action, for the
// bodies of actions), each property is a property, navigation property or
// parameter of it (or of the types it derives from or that derive from
// it), of the kind the digest says, and each enum has the digest's members.
// The EWS FieldURIs must be EWS's. exceptions maps "schema" or
// "schema.property" to why the digest does not know it.
func Graph(t TB, exceptions map[string]string, roots ...*odata.Schema) {
	t.Helper()
	d := loadDigest(t)
	seen := map[*odata.Schema]bool{}
	used := map[string]bool{}
	var visit func(s *odata.Schema)
	visit = func(s *odata.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		props, ok := d.members(s.Name)
		if !ok {
			if _, exempt := exceptions[s.Name]; !exempt {
				t.Errorf("schema %q is no type or action of the Graph v1.0 digest", s.Name)
			}
			used[s.Name] = true
		}
		for i := range s.Props {
			p := &s.Props[i]
			key := s.Name + "." + p.Graph
			if p.EWS != "" && !fieldURIs()[p.EWS] {
				t.Errorf("%s: EWS FieldURI %q is not one of EWS's", key, p.EWS)
			}
			visit(p.Elem)
			if p.Enum != nil {
				checkEnum(t, d, key, p.Enum)
			}
			if !ok || strings.HasPrefix(p.Graph, "@") {
				continue
			}
			dp, found := props[strings.ToLower(p.Graph)]
			if !found {
				if _, exempt := exceptions[key]; !exempt {
					t.Errorf("%s is not in the Graph v1.0 digest", key)
				}
				used[key] = true
				continue
			}
			if dp.Name != p.Graph && !dp.param {
				t.Errorf("%s: Graph spells it %q", key, dp.Name)
			}
			checkDigestKind(t, key, p, dp)
		}
	}
	for _, s := range roots {
		visit(s)
	}
	for k := range exceptions {
		if !used[k] {
			t.Errorf("exception %q is not needed", k)
		}
	}
}

// checkDigestKind compares a property with the digest's.
func checkDigestKind(t TB, key string, p *odata.Prop, dp digestProp) {
	t.Helper()
	if dp.Collection != p.Collection {
		t.Errorf("%s: Collection %v, Graph says %v", key, p.Collection, dp.Collection)
	}
	typ, _ := strings.CutPrefix(dp.Type, "microsoft.graph.")
	var want odata.Kind
	switch dp.Type {
	case "Edm.String", "Edm.Guid", "Edm.Duration", "Edm.TimeOfDay":
		want = odata.KindString
	case "Edm.Boolean":
		want = odata.KindBool
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte":
		want = odata.KindInt
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		want = odata.KindFloat
	case "Edm.DateTimeOffset":
		want = odata.KindTime
	case "Edm.Date":
		want = odata.KindDate
	case "Edm.Binary", "Edm.Stream":
		want = odata.KindBinary
	default:
		switch {
		case p.Kind == odata.KindEnum:
			if p.Enum.Name != typ {
				t.Errorf("%s: enum %s, Graph says %s", key, p.Enum.Name, typ)
			}
			return
		case p.Kind == odata.KindRaw, p.Kind == odata.KindObject && p.Elem == nil:
			return
		case p.Kind == odata.KindObject:
			if p.Elem.Name != typ && !derives(p.Elem.Name, typ) {
				t.Errorf("%s: holds a %s, Graph says %s", key, p.Elem.Name, typ)
			}
			return
		case p.Kind == odata.KindString:
			return // an enum or a type the model keeps as a string
		}
		t.Errorf("%s: kind %s, Graph says %s", key, p.Kind, dp.Type)
		return
	}
	if p.Kind != want && !(want == odata.KindString && p.Kind == odata.KindEnum) {
		t.Errorf("%s: kind %s, Graph says %s", key, p.Kind, dp.Type)
	}
}

// derives reports whether the digest type a derives from b.
func derives(a, b string) bool {
	d := cached
	if d == nil {
		return false
	}
	if ty, ok := d.Types[a]; ok {
		return slices.Contains(ty.InheritanceChain, b)
	}
	return false
}

func checkEnum(t TB, d *digest, key string, e *odata.EnumType) {
	t.Helper()
	de, ok := d.EnumTypes[e.Name]
	if !ok {
		t.Errorf("%s: enum %q is not in the Graph v1.0 digest", key, e.Name)
		return
	}
	var want []string
	for _, m := range de.Members {
		if m.Name != "unknownFutureValue" {
			want = append(want, m.Name)
		}
	}
	got := slices.Clone(e.Values)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: enum %s has %v, Graph has %v", key, e.Name, got, want)
	}
}

// digest is the part of graph-v1-mailbox-schema.json the checks read.
type digest struct {
	Types        map[string]digestType `json:"types"`
	RelatedTypes map[string]digestType `json:"relatedTypes"`
	DerivedTypes map[string][]string   `json:"derivedTypes"`
	EnumTypes    map[string]struct {
		Members []struct {
			Name string `json:"name"`
		} `json:"members"`
	} `json:"enumTypes"`
	Operations []struct {
		Name       string       `json:"name"`
		Parameters []digestProp `json:"parameters"`
	} `json:"operations"`
}

type digestType struct {
	BaseType             string       `json:"baseType"`
	Properties           []digestProp `json:"properties"`
	NavigationProperties []digestProp `json:"navigationProperties"`
	InheritanceChain     []string     `json:"inheritanceChain"`
}

type digestProp struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Collection bool   `json:"collection"`
	param      bool
}

var cached *digest

func loadDigest(t TB) *digest {
	t.Helper()
	if cached != nil {
		return cached
	}
	var d digest
	if err := json.Unmarshal(testutil.ReadExternal(t.(testing.TB), "graph-v1-mailbox-schema.json"), &d); err != nil {
		t.Fatal(err)
	}
	for k, v := range d.RelatedTypes {
		if _, ok := d.Types[k]; !ok {
			d.Types[k] = v
		}
	}
	cached = &d
	return cached
}

// members returns the properties of the Graph type (or the parameters of
// the action) named name, keyed by lower-cased name: its own, its bases'
// and those of the types that derive from it.
func (d *digest) members(name string) (map[string]digestProp, bool) {
	out := map[string]digestProp{}
	var add func(n string, down bool)
	add = func(n string, down bool) {
		ty, ok := d.Types[n]
		if !ok {
			return
		}
		for _, p := range append(slices.Clone(ty.Properties), ty.NavigationProperties...) {
			out[strings.ToLower(p.Name)] = p
		}
		if down {
			for _, sub := range d.DerivedTypes[n] {
				add(sub, true)
			}
		}
	}
	if ty, ok := d.Types[name]; ok {
		add(name, true)
		for _, base := range ty.InheritanceChain {
			add(base, false)
		}
		return out, true
	}
	found := false
	for _, op := range d.Operations {
		if op.Name == name {
			found = true
			for _, p := range op.Parameters {
				p.param = true
				out[strings.ToLower(p.Name)] = p
			}
		}
	}
	return out, found
}

// Covered checks that every struct type declared in the package in dir
// (its non-test files) with JSON tags is one of names: a model type without
// a table would be translated by the default rules alone.
func Covered(t TB, dir string, names ...string) {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		{
			ast.Inspect(f, func(n ast.Node) bool {
				ts, ok := n.(*ast.TypeSpec)
				if !ok {
					return true
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok || !hasJSONTags(st) {
					return true
				}
				if !slices.Contains(names, ts.Name.Name) {
					t.Errorf("%s: struct type %s has JSON tags but no schema test", dir, ts.Name.Name)
				}
				return true
			})
		}
	}
}

func hasJSONTags(st *ast.StructType) bool {
	for _, f := range st.Fields.List {
		if f.Tag != nil && strings.Contains(f.Tag.Value, `json:"`) && !strings.Contains(f.Tag.Value, `json:"-"`) {
			return true
		}
	}
	return false
}

// Walk calls f for each schema reachable from roots, once.
func Walk(f func(*odata.Schema), roots ...*odata.Schema) {
	seen := map[*odata.Schema]bool{}
	var visit func(*odata.Schema)
	visit = func(s *odata.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		f(s)
		for i := range s.Props {
			visit(s.Props[i].Elem)
		}
	}
	for _, s := range roots {
		visit(s)
	}
}

// EnumNames returns the Graph names, lower-cased, of the enum-valued
// properties of the schemas reachable from roots, and "@odata.type": the
// members whose values a comparison of samples reads ignoring case.
func EnumNames(roots ...*odata.Schema) map[string]bool {
	out := map[string]bool{"@odata.type": true}
	Walk(func(s *odata.Schema) {
		for _, p := range s.Props {
			if p.Kind == odata.KindEnum {
				out[strings.ToLower(p.Graph)] = true
			}
		}
	}, roots...)
	return out
}

// Aliases returns the older v2.0 names the schemas reachable from roots
// read, each with the v2.0 name they write.
func Aliases(roots ...*odata.Schema) map[string]string {
	out := map[string]string{}
	Walk(func(s *odata.Schema) {
		for _, p := range s.Props {
			for _, a := range p.V2Aliases {
				out[a] = p.V2Name()
			}
		}
	}, roots...)
	return out
}
