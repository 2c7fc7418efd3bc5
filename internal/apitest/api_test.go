package apitest

import (
	"bufio"
	"bytes"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/internal/testutil"
)

// forbidden are the import paths the public API must not expose:
// go-json-experiment says it will break its API, so it stays inside.
var forbidden = []string{"github.com/go-json-experiment/"}

// No exported name of a public package (a function, a variable, a field of
// an exported struct, a method of an exported type) has a type from a
// forbidden package, however deep in its signature. The packages are read
// from the compiler's export data, so the check sees what a caller sees.
func TestPublicAPIHasNoExperimentalTypes(t *testing.T) {
	pkgs, lookup := exportData(t)
	imp := importer.ForCompiler(token.NewFileSet(), "gc", lookup)
	checked := 0
	for _, p := range pkgs {
		pkg, err := imp.Import(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, name := range pkg.Scope().Names() {
			obj := pkg.Scope().Lookup(name)
			if !obj.Exported() {
				continue
			}
			w := walker{t: t, seen: map[types.Type]bool{}}
			w.object(p+"."+name, obj)
			checked++
		}
	}
	if checked < 100 {
		t.Errorf("only %d exported names checked", checked)
	}
}

type walker struct {
	t    *testing.T
	seen map[types.Type]bool
}

func (w *walker) object(where string, obj types.Object) {
	switch o := obj.(type) {
	case *types.TypeName:
		w.typ(where, o.Type().Underlying())
		if n, ok := o.Type().(*types.Named); ok {
			for m := range n.Methods() {
				if m.Exported() {
					w.typ(where+"."+m.Name(), m.Type())
				}
			}
			for i := range n.TypeParams().Len() {
				w.typ(where, n.TypeParams().At(i).Constraint())
			}
		}
	default:
		w.typ(where, obj.Type())
	}
}

// typ reports a forbidden type reachable in t without going through an
// unexported field or method.
func (w *walker) typ(where string, t types.Type) {
	if t == nil || w.seen[t] {
		return
	}
	w.seen[t] = true
	switch x := t.(type) {
	case *types.Named:
		w.named(where, x.Obj(), x.TypeArgs())
	case *types.Alias:
		w.named(where, x.Obj(), x.TypeArgs())
		w.typ(where, types.Unalias(x))
	case *types.Pointer:
		w.typ(where, x.Elem())
	case *types.Slice:
		w.typ(where, x.Elem())
	case *types.Array:
		w.typ(where, x.Elem())
	case *types.Map:
		w.typ(where, x.Key())
		w.typ(where, x.Elem())
	case *types.Chan:
		w.typ(where, x.Elem())
	case *types.Signature:
		w.typ(where, x.Params())
		w.typ(where, x.Results())
	case *types.Tuple:
		for v := range x.Variables() {
			w.typ(where, v.Type())
		}
	case *types.Struct:
		for f := range x.Fields() {
			if f.Exported() {
				w.typ(where+"."+f.Name(), f.Type())
			}
		}
	case *types.Interface:
		for m := range x.Methods() {
			if m.Exported() {
				w.typ(where+"."+m.Name(), m.Type())
			}
		}
		for e := range x.EmbeddedTypes() {
			w.typ(where, e)
		}
	case *types.Union:
		for i := range x.Len() {
			w.typ(where, x.Term(i).Type())
		}
	case *types.TypeParam:
		w.typ(where, x.Constraint())
	}
}

func (w *walker) named(where string, obj *types.TypeName, args *types.TypeList) {
	if obj.Pkg() != nil {
		for _, f := range forbidden {
			if strings.HasPrefix(obj.Pkg().Path()+"/", f) {
				w.t.Errorf("%s refers to %s.%s", where, obj.Pkg().Path(), obj.Name())
			}
		}
	}
	for i := range args.Len() {
		w.typ(where, args.At(i))
	}
}

// exportData builds the module's public packages and returns their import
// paths and a lookup of the export data of every package they depend on.
func exportData(t *testing.T) ([]string, func(string) (io.ReadCloser, error)) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build export data with")
	}
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}} {{.Export}} {{.Module}} {{.Name}}", "./...")
	cmd.Dir = testutil.ModuleRoot()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	files := map[string]string{}
	var public []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		files[f[0]] = f[1]
		if len(f) >= 4 && f[2] == "github.com/exchangekit/outlook" && f[3] != "main" &&
			!strings.Contains(f[0], "/internal/") && path.Base(f[0]) != "internal" {
			public = append(public, f[0])
		}
	}
	return public, func(p string) (io.ReadCloser, error) {
		f, ok := files[p]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", p)
		}
		return os.Open(f)
	}
}
